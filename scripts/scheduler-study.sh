#!/bin/sh
# scripts/scheduler-study.sh - the README's scheduler study: one
# overcommitted cluster of PlanetLab VMs, interactive VMs, SMP VMs that
# take spinlocks and CPU hogs, with Skylake-SP costs, under every vCPU
# scheduler (fcfs rr minlat maxtput prio credit credit2 cfs eevdf), then
# under co-scheduling (--cosched none, strict, relaxed) with credit and
# eevdf.  Writes, into OUT (default results/schedulers):
#   trace.csv         the workload (built here from the bundled PlanetLab day)
#   SCHED/            each run (`hvsim run --out`): summary.json, jobs.csv
#   cosched-SCHED-MODE/  the co-scheduling runs
#   study.md          the two tables of the README
#   study.dat         the plot's data; study.png the plot
# Usage: scripts/scheduler-study.sh [OUT]; HVSIM_BIN names the binary;
# STUDY_REUSE=1 redoes the tables and the plot from the runs in OUT.
# Needs hvsim, jq and gnuplot.  Same seed, same bytes: rerunning it
# rewrites the same tables.
set -eu
HVSIM=${HVSIM_BIN:-build/hvsim}
OUT=${1:-results/schedulers}
PL=workloads/samples/planetlab-20110303
export HVSIM_DATA=${HVSIM_DATA:-models}

# ---- the scenario (README.md, "Consolidation") ----
HOSTS=4            # hosts of 8 cores: 32 cores
CORES=8
NPL=160            # PlanetLab VMs: the first 160 files (C order) with demand in the hour
SAMPLES=12         # their first hour: 12 samples of 300 s
NWEB=24            # interactive VMs: 2 ms of work every 100 ms (a web front end)
NSMP=4             # SMP VMs of 4 vCPUs: 20 ms runs, 5 ms blocks, network-heavy spinlocks
NHOG=8             # CPU hogs: 1,800 s of work each
HOUR=3600
SCHEDS="fcfs rr minlat maxtput prio credit credit2 cfs eevdf"
COSCHED_SCHEDS="credit eevdf"

mkdir -p "$OUT"
trace=$OUT/trace.csv
{
    echo "id,arrival,vcpus,series,phases,repeat,work,class"
    # PlanetLab file names may hold spaces: read them line by line
    LC_ALL=C ls "$PL" | awk -v dir="$PL" -v n="$NPL" -v k="$SAMPLES" '
        BEGIN { made = 0 }
        made < n {
            f = dir "/" $0; s = ""; sum = 0
            for (i = 0; i < k && (getline u < f) > 0; i++) { s = s " " u / 100; sum += u }
            close(f)
            if (sum == 0)
                next
            id = $0; gsub(/[ ,]/, "_", id)
            printf "pl-%s,0,1,300s:%s,,,,\n", id, s
            made++
        }'
    i=1; while [ $i -le $NWEB ]; do
        echo "web$i,0,1,,2ms 98ms,$((HOUR * 10)),,interactive"; i=$((i + 1)); done
    i=1; while [ $i -le $NSMP ]; do
        echo "smp$i,0,4,,20ms 5ms,$((HOUR * 40)),,network-heavy"; i=$((i + 1)); done
    i=1; while [ $i -le $NHOG ]; do
        echo "hog$i,0,1,,,,1800,cpu-bound"; i=$((i + 1)); done
} > "$trace"

run() {   # run DIR ARGS...: one run into OUT/DIR
    dir=$OUT/$1
    shift
    rm -rf "$dir"
    "$HVSIM" run --trace "$trace" --hosts "$HOSTS" --cores "$CORES" --hw skylake-sp \
        --quantum 30ms --seed 1 --quiet --out "$dir" "$@"
}

start=$(date +%s)
[ "${STUDY_REUSE:-0}" = 1 ] || for s in $SCHEDS; do
    run "$s" --sched "$s"
done
[ "${STUDY_REUSE:-0}" = 1 ] || for s in $COSCHED_SCHEDS; do
    for m in strict relaxed; do
        run "cosched-$s-$m" --sched "$s" --cosched "$m"
    done
done
[ "${STUDY_REUSE:-0}" = 1 ] || echo $(($(date +%s) - start)) > "$OUT/seconds"
took=$(cat "$OUT/seconds")

# ---- the figures ----
# per run: the worst p99 wake-up latency of the interactive VMs (ms), of
# the SMP VMs; steal %; makespan; native work per second of makespan
# (cores of useful work); overhead by cause, % of busy core time.
row() {   # row DIR LABEL
    d=$OUT/$1
    web=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                   $c["class"] == "interactive" && $c["wakeup_p99"] > m { m = $c["wakeup_p99"] }
                   END { printf "%.3f", 1000 * m }' "$d/jobs.csv")
    smp=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                   $c["id"] ~ /^smp/ { b += $c["burst_response_mean"]; n++;
                                       s += $c["spin"]; p += $c["ple_exits"] }
                   END { printf "%.3f %.3f %d", 1000 * b / n, s, p }' "$d/jobs.csv")
    jq -r --arg lab "$2" --arg web "$web" --arg smp "$smp" '
        .overhead as $o | ($o.busy_seconds / 100) as $pc |
        ($smp | split(" ")) as $s |
        [$lab, $web, (1000 * .wakeup_latency.p99 | tostring), $s[0], $s[1], $s[2],
         (100 * .steal.fraction), .makespan, ($o.native_seconds / .makespan),
         ($o.exit_seconds / $pc), ($o.walk_seconds / $pc), ($o.switch_seconds / $pc),
         ($o.poll_seconds / $pc), ($o.ipi_seconds / $pc),
         ($o.migration_seconds / $pc), ($o.spin_seconds / $pc), .cosched.gang_idle_seconds]
        | @tsv' "$d/summary.json"
}
{
    for s in $SCHEDS; do row "$s" "$s"; done
} > "$OUT/study.dat"
{
    for s in $COSCHED_SCHEDS; do
        row "$s" "$s none"
        for m in strict relaxed; do row "cosched-$s-$m" "$s $m"; done
    done
} > "$OUT/cosched.dat"

fmt='{ printf "| `%s` | %.2f | %.2f | %.1f | %.0f | %.1f | %.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %.2f |\n",
        $1, $2, $3, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $4 }'
{
    echo "The runs took ${took} s of wall time (all $(echo $SCHEDS | wc -w) schedulers and $(( $(echo $COSCHED_SCHEDS | wc -w) * 2 )) co-scheduling runs, one after the other)."
    echo
    echo "| \`--sched\` | interactive p99 wake-up (ms, worst VM) | all VMs p99 wake-up (ms) | steal (% of runnable) | makespan (s) | native work (cores) | exits (%) | walks (%) | switches (%) | HLT polling (%) | IPIs (%) | migrations (%) | spin (%) | SMP burst mean (ms) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' "$fmt" "$OUT/study.dat"
    echo
    echo "| \`--sched\`, \`--cosched\` | SMP burst mean (ms) | spin (core-s) | PLE exits | interactive p99 wake-up (ms) | steal (%) | makespan (s) | core-s idle for gangs |"
    echo "|---|---|---|---|---|---|---|---|"
    awk -F'\t' '{ printf "| `%s` | %.2f | %.3f | %d | %.2f | %.1f | %.1f | %.1f |\n",
                  $1, $4, $5, $6, $2, $7, $8, $17 }' "$OUT/cosched.dat"
} > "$OUT/study.md"

gnuplot <<EOF
set terminal pngcairo size 1500,520 font ",11"
set output "$OUT/study.png"
set datafile separator "\t"
set multiplot layout 1,3 title "Consolidation: 160 PlanetLab VMs, 24 interactive, 4 SMP (4 vCPUs), 8 hogs on 4 x 8 Skylake-SP cores"
set style fill solid 0.8 border -1
set boxwidth 0.7
set xtics rotate by -45 nomirror
set grid ytics
set key off
set title "Interactive VMs: p99 wake-up latency (worst VM)"
set ylabel "ms (log scale)"
set logscale y
set yrange [0.05:1000]
plot "$OUT/study.dat" using 0:2:xtic(1) with boxes lc rgb "#3b75af"
unset logscale y
set title "Steal: time runnable but not running"
set ylabel "% of runnable time"
set yrange [0:*]
plot "$OUT/study.dat" using 0:7:xtic(1) with boxes lc rgb "#c44e52"
set title "Overhead by cause"
set ylabel "% of busy core time"
set style data histograms
set style histogram rowstacked
set boxwidth 0.7
set yrange [0:16]
set key top left horizontal maxrows 3 font ",10"
plot "$OUT/study.dat" using 10:xtic(1) title "exits" lc rgb "#4c72b0", \
     "" using 11 title "EPT walks" lc rgb "#dd8452", \
     "" using 12 title "switches" lc rgb "#55a868", \
     "" using 13 title "HLT polling" lc rgb "#8172b3", \
     "" using (\$14 + \$15) title "IPIs, migrations" lc rgb "#937860", \
     "" using 16 title "spin" lc rgb "#da8bc3"
unset multiplot
EOF
cat "$OUT/study.md"
echo "plot: $OUT/study.png"
