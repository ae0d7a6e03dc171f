#!/bin/sh
# make demo: the default experiment.  Runs the bundled workload under
# the job schedulers (fcfs, rr, minlat, maxtput, prio; DEMO_SCHEDS to
# choose others), writes each run to results/demo/SCHED/, and
# compares them with `hvsim compare`: the table on stdout and in
# results/demo/comparison.{txt,csv,json}, the turnaround CDFs of all
# schedulers in results/demo/compare-cdf.{png,svg} and the mean
# turnaround (95% CI) of each in results/demo/compare-metric.{png,svg}.
# Nothing but a POSIX shell and hvsim itself (and gnuplot for the plots).
set -eu
HVSIM=${HVSIM_BIN:-build/hvsim}
OUT=${DEMO_OUT:-results/demo}
# The workload of every run, in this one variable: the bundled head of
# the KTH SP2 log (3,000 parallel jobs, workloads/samples/README.md) on its
# own machine size, 100 cores, with Skylake-SP virtualisation costs.
# A trace replays the same way every time, so one replication suffices.
WORKLOAD=${DEMO_WORKLOAD:---trace workloads/samples/kth-sp2-1996-head3000.swf --hw skylake-sp}
CORES=${DEMO_CORES:-100}
QUANTUM=${DEMO_QUANTUM:-60s}
REPS=${DEMO_REPS:-1}
# The hypervisor schedulers (credit, credit2, cfs, eevdf) decide every
# few milliseconds: on this trace of 40 days on 100 cores that is billions
# of events each, so they are not in the default set (the README's
# consolidation study compares them on VMs).
scheds=${DEMO_SCHEDS:-fcfs rr minlat maxtput prio}
set --
for s in $scheds; do
    # shellcheck disable=SC2086
    "$HVSIM" run $WORKLOAD --cores "$CORES" --sched "$s" --quantum "$QUANTUM" --seed 1 \
        --reps "$REPS" --out "$OUT/$s" --quiet
    set -- "$@" "$OUT/$s"
done
"$HVSIM" compare "$@" --out "$OUT"
echo "results in $OUT/: comparison.txt, compare-cdf.png, compare-metric.png, and one directory per scheduler"
