#!/bin/sh
# scripts/linux-vs-hvsim.sh - the real Linux scheduler of this machine
# against hvsim's model of it, on the same two scenarios:
#
#   shares   two CPU hogs, nice 0 and nice 5, pinned to one CPU: each one's
#            share of the CPU time they get (theory 1024/1359 = 0.7535);
#   sleeper  a sleeper (runs 0.1 ms of CPU, sleeps 10 ms) beside three
#            hogs on one CPU: its wake-up latency (sleep's end to running
#            again) at p50, p95, p99 and max, and the shares.
#
# Linux: scripts/linux-sched-probe.c (compiled here) run under taskset -c
# CPU and nice -n N, all processes started at the same second.  hvsim: the
# same guests on one pCPU with --hw none, --sched eevdf on a 6.6 or later
# kernel (uname -r), cfs before; the tunables scaled as this machine's
# kernel scales them (x (1 + ilog2(min(online CPUs, 8))), given with
# --tunable-scaling none since the model has one pCPU) and its CONFIG_HZ
# (from /proc/config.gz or /boot/config-*, else 250).  Core time and
# latencies from hvsim's segments.csv, over the same span.
#
# usage: scripts/linux-vs-hvsim.sh [--seconds T] [--shares-only] [--cpu K] [--tsv]
#   --seconds T    length of each scenario (default 10)
#   --shares-only  the shares scenario alone
#   --cpu K        the CPU to pin to (default: the last one this shell may use)
#   --tsv          lines scenario<TAB>figure<TAB>linux<TAB>hvsim instead of a table
# Environment: HVSIM_BIN (default build/hvsim), CC (default cc).
# Exit: 0; 77 when taskset or nice is missing or cannot pin or renice here
# (the reason on stderr); 2 bad usage; 1 any other failure.
set -eu

seconds=10
shares_only=0
cpu=""
tsv=0
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) [ $# -ge 2 ] || { echo "$0: --seconds needs a value" >&2; exit 2; }
                   seconds=$2; shift 2 ;;
        --shares-only) shares_only=1; shift ;;
        --cpu) [ $# -ge 2 ] || { echo "$0: --cpu needs a value" >&2; exit 2; }
               cpu=$2; shift 2 ;;
        --tsv) tsv=1; shift ;;
        *) echo "usage: $0 [--seconds T] [--shares-only] [--cpu K] [--tsv]" >&2; exit 2 ;;
    esac
done
case "$seconds" in
    ''|*[!0-9]*|0) echo "$0: --seconds must be a whole number >= 1" >&2; exit 2 ;;
esac

hvsim=${HVSIM_BIN:-build/hvsim}
[ -x "$hvsim" ] || { echo "$0: $hvsim not found (make, or set HVSIM_BIN)" >&2; exit 1; }
skip() { echo "$0: skipped: $*" >&2; exit 77; }
command -v taskset >/dev/null 2>&1 || skip "taskset is not installed"
command -v nice >/dev/null 2>&1 || skip "nice is not installed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/linux-vs-hvsim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
${CC:-cc} -O2 -o "$tmp/probe" "$(dirname "$0")/linux-sched-probe.c" ||
    { echo "$0: cannot compile linux-sched-probe.c" >&2; exit 1; }

# The CPU: the last one this shell may run on.
if [ -z "$cpu" ]; then
    cpu=$(taskset -pc $$ 2>/dev/null | sed 's/.*: //' | tr ',' '\n' | tail -n 1 | sed 's/.*-//')
fi
case "$cpu" in ''|*[!0-9]*) skip "cannot tell which CPU this shell may use" ;; esac
base=$(nice)
check=$(taskset -c "$cpu" nice -n 5 "$tmp/probe" check 2>/dev/null) ||
    skip "taskset -c $cpu nice -n 5 cannot run a process here"
# shellcheck disable=SC2086 # its fields, split
set -- $check
[ "$2" = "$cpu" ] || skip "taskset -c $cpu did not pin (the process ran on CPU $2)"
[ "$3" -eq $((base + 5)) ] || skip "nice -n 5 did not lower the priority (nice $3, not $((base + 5)))"

# The kernel: 6.6 and later schedule with EEVDF.
kernel=$(uname -r)
major=${kernel%%.*}
minor=${kernel#*.}
minor=${minor%%[!0-9]*}
if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "${minor:-0}" -ge 6 ]; }; then
    policy=eevdf
else
    policy=cfs
fi
hz=$( { zcat /proc/config.gz 2>/dev/null || cat "/boot/config-$kernel" 2>/dev/null || true; } |
      sed -n 's/^CONFIG_HZ=//p')
hz_note=""
[ -n "$hz" ] || { hz=250; hz_note=" (not found: assumed)"; }
ncpus=$(getconf _NPROCESSORS_ONLN)
factor=1
n=$ncpus
[ "$n" -gt 8 ] && n=8
while [ "$n" -gt 1 ]; do factor=$((factor + 1)); n=$((n / 2)); done
if [ "$policy" = eevdf ]; then
    # sysctl_sched_base_slice: 0.75 ms from 6.6, 0.70 ms from 6.15
    slice=750
    if [ "$major" -gt 6 ] || [ "${minor:-0}" -ge 15 ]; then slice=700; fi
    knobs="--base-slice $((slice * factor))us --tunable-scaling none --hz $hz"
else
    knobs="--sched-latency $((6000 * factor))us --min-granularity $((750 * factor))us"
    knobs="$knobs --wakeup-granularity $((1000 * factor))us --tunable-scaling none --hz $hz"
fi

# Start the processes of a scenario at the next second but one; wait for them.
start_at() { echo $(($(date +%s) + 2)); }
pinned() { n=$1; shift; taskset -c "$cpu" nice -n "$n" "$tmp/probe" "$@"; }

# hvsim on a trace; the run's segments.csv in $tmp/$2.
run_hvsim() {
    # shellcheck disable=SC2086
    "$hvsim" run --trace "$1" --sched $policy $knobs --hw none --cores 1 --out "$tmp/$2" \
        > "$tmp/$2.log" 2>&1 || { cat "$tmp/$2.log" >&2; echo "$0: hvsim failed" >&2; exit 1; }
    [ -f "$tmp/$2/segments.csv" ] || { echo "$0: hvsim wrote no segments.csv (too many" \
        "segments for --out): use a shorter --seconds" >&2; exit 1; }
}

# Core seconds of each guest in [0, T) from a segments.csv: "id seconds" lines.
cpu_by_guest() {
    awk -F, -v T="$seconds" 'NR > 1 { e = $6 < T ? $6 : T; if (e > $5) c[$3] += e - $5 }
        END { for (g in c) printf "%s %.9f\n", g, c[g] }' "$1"
}

# The io guest's wake-up latencies (s) from a segments.csv: its bursts of
# RUN s of core time; each wake is the end of the last burst + BLOCK.
io_latencies() {
    awk -F, -v T="$seconds" -v run=0.0001 -v block=0.01 '
        NR > 1 && $3 == "io" { n++; s[n] = $5; e[n] = $6 }
        END {
            acc = 0; wake = -1
            for (i = 1; i <= n; i++) {
                if (wake >= 0 && acc == 0 && s[i] < T) printf "%.9f\n", s[i] - wake
                acc += e[i] - s[i]
                if (acc >= run - 1e-12) { wake = e[i] + block; acc = 0 }
            }
        }' "$1" | sort -g
}

# Nearest-rank percentile P (0..1) of sorted numbers on stdin.
percentile() { awk -v p="$1" '{ x[NR] = $1 } END { k = int(p * NR + 0.999999999); if (k < 1) k = 1;
    if (NR == 0) print "nan"; else print x[k] }'; }

out() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$tmp/table"; }
: > "$tmp/table"

# ---- shares: nice 0 against nice 5 ----
start=$(start_at)
end=$((start + seconds))
pinned 0 hog "$start" "$end" > "$tmp/lx-n0" &
pinned 5 hog "$start" "$end" > "$tmp/lx-n5" &
wait
c0=$(cut -f2 "$tmp/lx-n0")
c5=$(cut -f2 "$tmp/lx-n5")
printf 'id,arrival,work,nice\nnice0,0,%s,0\nnice5,0,%s,5\n' "$seconds" "$seconds" > "$tmp/shares.csv"
run_hvsim "$tmp/shares.csv" hv-shares
cpu_by_guest "$tmp/hv-shares/segments.csv" > "$tmp/hv-shares.cpu"
h0=$(awk '$1 == "nice0" { print $2 }' "$tmp/hv-shares.cpu")
h5=$(awk '$1 == "nice5" { print $2 }' "$tmp/hv-shares.cpu")
out shares "share of nice 0" "$(echo "$c0 $c5" | awk '{ printf "%.4f", $1 / ($1 + $2) }')" \
    "$(echo "$h0 $h5" | awk '{ printf "%.4f", $1 / ($1 + $2) }')"
out shares "share of nice 5" "$(echo "$c0 $c5" | awk '{ printf "%.4f", $2 / ($1 + $2) }')" \
    "$(echo "$h0 $h5" | awk '{ printf "%.4f", $2 / ($1 + $2) }')"

if [ "$shares_only" -eq 0 ]; then
    # ---- sleeper beside three hogs ----
    start=$(start_at)
    end=$((start + seconds))
    pinned 0 sleeper "$start" "$end" 100 10000 > "$tmp/lx-io" &
    for i in 1 2 3; do pinned 0 hog "$start" "$end" > "$tmp/lx-hog$i" & done
    wait
    # shellcheck disable=SC2046 # the probe's fields, split
    set -- $(cat "$tmp/lx-io")
    lio=$2 lp50=$4 lp95=$5 lp99=$6 lmax=$7
    lhogs=$(cat "$tmp/lx-hog1" "$tmp/lx-hog2" "$tmp/lx-hog3" | awk '{ s += $2 } END { print s }')
    repeat=$((seconds * 100 + 100))
    printf 'id,arrival,vcpus,phases,repeat\nio,0,1,0.1ms 10ms,%s\n' "$repeat" > "$tmp/io.csv"
    # three hogs share the CPU: half of the span each keeps them busy through it
    for i in 1 2 3; do printf 'hog%s,0,1,%s,1\n' "$i" "$((seconds * 500))ms" >> "$tmp/io.csv"; done
    run_hvsim "$tmp/io.csv" hv-io
    io_latencies "$tmp/hv-io/segments.csv" > "$tmp/hv-io.lat"
    cpu_by_guest "$tmp/hv-io/segments.csv" > "$tmp/hv-io.cpu"
    hio=$(awk '$1 == "io" { print $2 }' "$tmp/hv-io.cpu")
    hall=$(awk '{ s += $2 } END { print s }' "$tmp/hv-io.cpu")
    ms() { awk -v x="$1" -v d="$2" 'BEGIN { if (x == "nan") print "nan"; else printf "%.3f", x / d }'; }
    for p in 50 95 99; do
        case $p in 50) l=$lp50 ;; 95) l=$lp95 ;; 99) l=$lp99 ;; esac
        out sleeper "wake-up latency p$p (ms)" "$(ms "$l" 1000)" \
            "$(ms "$(percentile 0.$p < "$tmp/hv-io.lat")" 0.001)"
    done
    out sleeper "wake-up latency max (ms)" "$(ms "$lmax" 1000)" \
        "$(ms "$(tail -n 1 "$tmp/hv-io.lat")" 0.001)"
    out sleeper "wake-ups" "$3" "$(wc -l < "$tmp/hv-io.lat" | tr -d ' ')"
    out sleeper "sleeper's share" "$(echo "$lio $lhogs" | awk '{ printf "%.4f", $1 / ($1 + $2) }')" \
        "$(echo "$hio $hall" | awk '{ printf "%.4f", $1 / $2 }')"
fi

if [ "$tsv" -eq 1 ]; then
    cat "$tmp/table"
else
    echo "Linux $kernel ($policy), CPU $cpu of $ncpus, HZ $hz$hz_note, $seconds s per scenario;"
    echo "hvsim --sched $policy $knobs --hw none --cores 1"
    echo
    echo "| scenario | figure | Linux | hvsim |"
    echo "|---|---|---|---|"
    awk -F'\t' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$tmp/table"
fi
