#!/bin/sh
# make demo: the default experiment.  Runs the bundled workload under
# every scheduler hvsim has, writes each run to results/demo/SCHED/, and
# compares them with `hvsim compare`: the table on stdout and in
# results/demo/comparison.{txt,csv,json}, the turnaround CDFs of all
# schedulers in results/demo/compare-cdf.{png,svg} and the mean
# turnaround (95% CI) of each in results/demo/compare-metric.{png,svg}.
# Nothing but a POSIX shell and hvsim itself (and gnuplot for the plots).
set -eu
HVSIM=${HVSIM_BIN:-build/hvsim}
OUT=${DEMO_OUT:-results/demo}
# The workload of every run, in this one variable: a bundled real trace
# replaces this synthetic one once the trace readers land.  Here M/H2/1
# at load 0.8: hyperexponential work, mean 1 s, squared CV about 4.
WORKLOAD=${DEMO_WORKLOAD:---generate n=5000,interarrival=exp:1.25,work=hyperexp:0.8873:0.56338:4.43656}
CORES=${DEMO_CORES:-1}
QUANTUM=${DEMO_QUANTUM:-100ms}
REPS=${DEMO_REPS:-5}
scheds=$("$HVSIM" list | awk '/^schedulers/ {on=1; next} /^$/ {on=0} on {print $1}')
set --
for s in $scheds; do
    # shellcheck disable=SC2086
    "$HVSIM" run $WORKLOAD --cores "$CORES" --sched "$s" --quantum "$QUANTUM" --seed 1 \
        --reps "$REPS" --out "$OUT/$s" --quiet
    set -- "$@" "$OUT/$s"
done
"$HVSIM" compare "$@" --out "$OUT"
echo "results in $OUT/: comparison.txt, compare-cdf.png, compare-metric.png, and one directory per scheduler"
