#!/bin/sh
# scripts/study-consolidation.sh - the README's "beyond CloudSim" study:
# CloudSim's PlanetLab consolidation experiment (LR-MMT-1.2 on the bundled
# day, CloudSim's 800 hosts and VM types) as CloudSim runs it, with
# CloudSim's time-stepped model made physical, and in hvsim's event engine
# with pre-copy migration and a hardware profile, as fluids and as vCPUs
# that run bursts and block; beside each, a run that does not consolidate,
# placed first fit as CloudSim's DVFS baseline is (hvsim's default
# placement, most-free, would spread the VMs over every host).  Writes
# results/study17/: one --out directory per run, table.md (the README's
# table) and power.png (the README's plot).
#
#   scripts/study-consolidation.sh [BUILD]      (BUILD defaults to build)
#
# The fluid and preset runs take a second or two each; the two runs of the
# VM model about 10^9 events each: about 3.5 minutes of CPU each, 9 to 21
# minutes of wall time each on a shared 2-core machine under a load of 7
# or more.  A run already in OUT is kept (remove its directory to run it
# again).  The plot is copied to docs/img/consolidation-power.png by hand.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
H=$B/hvsim
DAY=workloads/samples/planetlab-20110303
HOSTS=examples/consolidation/cloudsim-hosts.json
OUT=results/study17
mkdir -p "$OUT"
export HVSIM_DATA=${HVSIM_DATA:-models}

engine="--trace $DAY --planetlab-vm-types cloudsim --platform $HOSTS --sample 300s --quiet"

run() {   # NAME ARGS...: one run into $OUT/NAME (skipped if already there)
    name=$1; shift
    if [ ! -f "$OUT/$name/summary.json" ]; then
        echo "running $name: hvsim run $*" >&2
        # shellcheck disable=SC2086
        "$H" run "$@" --out "$OUT/$name" > /dev/null
    fi
}

# shellcheck disable=SC2086
{
run cloudsim    --preset cloudsim-planetlab --trace $DAY --consolidate lr:1.2 --quiet
run physical    --preset cloudsim-planetlab --trace $DAY --consolidate lr:1.2 --quirks none --quiet
run fluid-cs    $engine --model fluid --consolidate lr:1.2 --migration cloudsim
run fluid-pc    $engine --model fluid --consolidate lr:1.2 --migration precopy --hw skylake-sp
run fluid-none  $engine --model fluid --consolidate none --place first-fit --hw skylake-sp
run vm-pc       $engine --model discrete --sched rr --consolidate lr:1.2 --migration precopy \
                --hw skylake-sp
run vm-none     $engine --model discrete --sched rr --consolidate none --place first-fit \
                --hw skylake-sp
}

# The table: one row per run, from the summaries.  "last VM ends" is
# when the run ended: a VM whose work fell behind finishes it after the
# day (the preset's model cuts the day at 24 h).
{
    echo "| run | model | migration | energy kWh | migrations | downtime s | SLATAH % | PDM % | SLAV % | CPU asked, not served % | wake-up p99 ms | last VM ends h |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    for r in cloudsim physical fluid-cs fluid-pc fluid-none vm-pc vm-none; do
        jq -r --arg r "$r" '
            def model: if .config.preset == "cloudsim-planetlab" then "CloudSim steps"
                       elif .config.model == "fluid" then "fluid" else "VM (rr 30 ms)" end;
            def mig: if .migrations.count == 0 then "-" else .config.migration end;
            [$r, model, mig, .energy_kwh, .migrations.count, .migrations.downtime_seconds,
             .sla.slatah * 100, .sla.pdm * 100, .sla.slav * 100, .sla.overall * 100,
             (if .wakeup_latency.p99 == null then -1 else .wakeup_latency.p99 * 1000 end),
             .makespan / 3600] | @tsv
        ' "$OUT/$r/summary.json"
    done | awk -F '\t' '{
        printf "| %s | %s | %s | %.2f | %d | %.3f | %.2f | %.5f | %.7f | %.3f | %s | %.1f |\n",
               $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 < 0 ? "-" : sprintf("%.2f", $11), $12 }'
} > "$OUT/table.md"
cat "$OUT/table.md"

# The plot: the power all hosts draw over the day, per run (timeline.csv
# summed over hosts at each sample).
for r in cloudsim physical fluid-pc vm-pc; do
    awk -F, 'NR > 1 && $11 != "" { p[$1] += $11 } END { for (t in p) printf "%.3f %.6f\n", t / 3600, p[t] / 1000 }' \
        "$OUT/$r/timeline.csv" | sort -n > "$OUT/power-$r.dat"
done
gnuplot <<EOF
set terminal pngcairo size 1000,560 font 'DejaVu Sans,11'
set output '$OUT/power.png'
set title "Power drawn by CloudSim's 800 hosts over the PlanetLab day, LR-MMT-1.2\nCloudSim's semantics against hvsim's (pre-copy, skylake-sp overheads, VMs that stay)"
set xlabel 'time of day (h)'
set ylabel 'power, all hosts (kW)'
set xrange [0:24]
set xtics 0,2,24
set yrange [0:*]
set key top right opaque box
set grid ytics lc rgb '#dddddd'
plot '$OUT/power-cloudsim.dat' using 1:2 with steps lw 2 lc rgb '#b03030' title 'CloudSim 5.0 (--preset, every quirk)', \
     '$OUT/power-physical.dat' using 1:2 with steps lw 2 dt 2 lc rgb '#e0a030' title 'CloudSim steps, no quirk (--quirks none)', \
     '$OUT/power-fluid-pc.dat' using 1:2 with steps lw 2 lc rgb '#1f4e9a' title 'hvsim, fluid, pre-copy', \
     '$OUT/power-vm-pc.dat' using 1:2 with steps lw 2 dt 4 lc rgb '#2f7f3f' title 'hvsim, VM model (rr 30 ms), pre-copy'
EOF
echo "wrote $OUT/table.md and $OUT/power.png" >&2
