#!/bin/sh
# scripts/bench-sweep.sh - how fast a sweep of tiny hvsim runs goes on this
# machine, and where the time goes.  Prints a report; asserts nothing.
set -eu

usage() {
    cat <<'EOF'
usage: scripts/bench-sweep.sh [--runs N] [-j N] [--guests N] [--dir DIR] [--keep]

A sweep of N tiny runs (default 10000: sched=fcfs,rr x load=0.5:0.9:0.1 x N/10
replications of --generate n=GUESTS, default 10 guests) through scripts/sweep and GNU
parallel; reports runs per second and breaks the time down:
  hvsim start-up   `hvsim run --generate n=1 --json` (hyperfine if installed,
                   else a loop)
  hvsim alone      the sweep's own runs (the first 2000), one after another
                   in a shell loop
  wrapper          sweep-run1.sh (temp file, mv, logs) with a stand-in for hvsim
  parallel         GNU parallel starting N jobs that do nothing, and its
                   batched mode (--pipe -N K) that `sweep run` uses
  plan, aggregate  scripts/sweep plan, aggregate (CSV only, and with a plot)

  --runs N     runs in the sweep (a multiple of 10; default 10000)
  -j N         parallel jobs (default: number of cores)
  --guests N   guests per run (default 10)
  --dir DIR    where to put the sweep, a new directory (default: a temporary one)
  --keep       keep the sweep directory
EOF
}

RUNS=10000 JOBS=$(nproc 2>/dev/null || echo 1) GUESTS=10 DIR="" KEEP=0
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --runs) RUNS=${2:?}; shift ;;
    -j) JOBS=${2:?}; shift ;;
    --guests) GUESTS=${2:?}; shift ;;
    --dir) DIR=${2:?}; shift ;;
    --keep) KEEP=1 ;;
    *) echo "bench-sweep: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
for v in "$RUNS" "$JOBS" "$GUESTS"; do
    case $v in '' | *[!0-9]*) echo "bench-sweep: '$v' is not a positive integer" >&2; exit 2 ;; esac
done
if [ "$RUNS" -lt 10 ] || [ $((RUNS % 10)) -ne 0 ] || [ "$JOBS" -lt 1 ] || [ "$GUESTS" -lt 1 ]; then
    echo "bench-sweep: --runs a multiple of 10, -j >= 1, --guests >= 1" >&2
    exit 2
fi

cd "$(dirname "$0")/.."
HVSIM=${HVSIM_BIN:-build/hvsim}
case $HVSIM in /*) ;; *) HVSIM=$(pwd)/$HVSIM ;; esac
[ -x "$HVSIM" ] || { echo "bench-sweep: no hvsim at $HVSIM (make)" >&2; exit 1; }
SWEEP=$(pwd)/scripts/sweep
if [ -n "$DIR" ] && [ -e "$DIR" ]; then
    echo "bench-sweep: --dir $DIR exists; give a new directory" >&2
    exit 2
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-bench-sweep.XXXXXX")
[ -n "$DIR" ] || DIR=$TMP/sweep
cleanup() {
    if [ "$KEEP" = 1 ] && [ "$DIR" = "$TMP/sweep" ]; then
        rm -rf "$TMP/w" "$TMP/some.tsv"
    else
        rm -rf "$TMP"
        [ "$KEEP" = 1 ] || rm -rf "$DIR"
    fi
}
trap cleanup EXIT

now() { date +%s.%N; }
el() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
per() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.3f", 1000 * t / n }'; }

echo "bench-sweep: $RUNS runs of --generate n=$GUESTS, -j $JOBS, on $(nproc) cores ($(uname -m))"
echo "hvsim: $HVSIM ($("$HVSIM" --version 2>/dev/null | head -1))"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# 1. hvsim start-up
if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 50 --runs 1000 --export-json "$TMP/hf.json" \
        "$HVSIM run --generate n=1 --json" > /dev/null 2>&1
    startup=$(jq -r '.results[0] | "\(.mean * 1000) \(.median * 1000) \(.min * 1000) \(.stddev * 1000)"' "$TMP/hf.json")
    set -- $startup
    printf 'hvsim start-up (hyperfine, 1000 runs): mean %.2f ms, median %.2f ms, min %.2f ms, sd %.2f ms\n' "$1" "$2" "$3" "$4"
else
    t0=$(now)
    i=0
    while [ $i -lt 500 ]; do "$HVSIM" run --generate n=1 --json > /dev/null; i=$((i + 1)); done
    t1=$(now)
    echo "hvsim start-up (loop of 500, hyperfine not installed): $(per "$(el "$t0" "$t1")" 500) ms per run"
fi

# 2. plan
t0=$(now)
"$SWEEP" plan --axis sched=fcfs,rr --axis load=0.5:0.9:0.1 --reps $((RUNS / 10)) \
    --base "--generate n=$GUESTS --quantum 10ms" --crn sched \
    --dir "$DIR" 2>/dev/null
t1=$(now)
t_plan=$(el "$t0" "$t1")
n=$(($(wc -l < "$DIR/plan.tsv") - 1))

# 3. the sweep
rm -rf "$DIR/runs" "$DIR/logs"
mkdir -p "$DIR/runs" "$DIR/logs"
t0=$(now)
"$SWEEP" run "$DIR" -j "$JOBS" 2>"$TMP/run.err" || { cat "$TMP/run.err" >&2; exit 1; }
t1=$(now)
t_run=$(el "$t0" "$t1")

# 4. aggregate
t0=$(now)
"$SWEEP" aggregate "$DIR" --no-plots 2>/dev/null
t1=$(now)
t_agg=$(el "$t0" "$t1")
t0=$(now)
"$SWEEP" aggregate "$DIR" --metric turnaround_mean 2>/dev/null
t1=$(now)
t_aggp=$(el "$t0" "$t1")

# 5. hvsim alone: the same runs one after another, no wrapper, no parallel
k=$n
[ "$k" -gt 2000 ] && k=2000
head -n "$k" "$DIR/argv.tsv" > "$TMP/some.tsv"
tab=$(printf '\t')
t0=$(now)
set -f
while IFS= read -r line; do
    IFS=$tab
    set -- $line
    IFS=' '
    shift
    "$HVSIM" run "$@" --json --quiet > /dev/null
done < "$TMP/some.tsv"
set +f
t1=$(now)
t_hv=$(el "$t0" "$t1")

# 6. the wrapper as `sweep run` uses it (a batch of runs on stdin), with
# /bin/echo standing in for hvsim: the loop, one exec and the mv
mkdir -p "$TMP/w/runs" "$TMP/w/logs"
t0=$(now)
"$DIR/bin/sweep-run1.sh" --stdin "$TMP/w" /bin/echo < "$TMP/some.tsv"
t1=$(now)
t_wrap=$(el "$t0" "$t1")

# 7. GNU parallel alone: n jobs that do nothing; and the batched jobs of
# `sweep run` (--pipe -N K) doing nothing with their runs
t0=$(now)
parallel --will-cite -j "$JOBS" -a "$TMP/some.tsv" true
t1=$(now)
t_par=$(el "$t0" "$t1")
K=$((n / (8 * JOBS)))
[ "$K" -gt 50 ] && K=50
[ "$K" -lt 1 ] && K=1
t0=$(now)
parallel --will-cite --pipe -N "$K" -j "$JOBS" 'cat > /dev/null' < "$DIR/argv.tsv"
t1=$(now)
t_pipe=$(el "$t0" "$t1")

echo
printf '%-44s %10s %14s\n' "step" "seconds" "ms per run"
printf '%-44s %10s %14s\n' "plan ($n runs)" "$t_plan" "$(per "$t_plan" "$n")"
printf '%-44s %10s %14s\n' "sweep run -j $JOBS (all of it)" "$t_run" "$(per "$t_run" "$n")"
printf '%-44s %10s %14s\n' "aggregate, CSV only" "$t_agg" "$(per "$t_agg" "$n")"
printf '%-44s %10s %14s\n' "aggregate with one plot" "$t_aggp" "$(per "$t_aggp" "$n")"
echo "break-down of a run (one after another, wall-clock):"
printf '%-44s %10s %14s\n' "  hvsim alone ($k runs in a loop)" "$t_hv" "$(per "$t_hv" "$k")"
printf '%-44s %10s %14s\n' "  sweep-run1.sh, echo for hvsim ($k runs)" "$t_wrap" "$(per "$t_wrap" "$k")"
printf '%-44s %10s %14s\n' "  GNU parallel, $k empty jobs, -j $JOBS" "$t_par" "$(per "$t_par" "$k")"
printf '%-44s %10s %14s\n' "  GNU parallel --pipe -N $K, $n runs, -j $JOBS" "$t_pipe" "$(per "$t_pipe" "$n")"
echo
awk -v n="$n" -v t="$t_run" -v j="$JOBS" -v hv="$t_hv" -v k="$k" -v w="$t_wrap" -v p="$t_par" \
    -v pp="$t_pipe" -v K="$K" 'BEGIN {
    printf "runs per second: %.0f (sweep run -j %d, %d runs in %.1f s)\n", n / t, j, n, t
    hvr = hv / k; wr = w / k; pr = p / k; ppr = pp / n
    printf "per run, serial: hvsim %.2f ms + wrapper %.2f ms; GNU parallel %.2f ms per job (%.2f ms per run in jobs of %d)\n", 1000 * hvr, 1000 * wr, 1000 * pr, 1000 * ppr, K
    printf "bound with %d cores: %.0f runs/s from hvsim + wrapper; one run per parallel job would cap at %.0f runs/s\n", j, j / (hvr + wr), 1 / pr
}'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine slows every figure)"
if [ "$KEEP" = 1 ]; then echo "sweep kept in $DIR"; fi
