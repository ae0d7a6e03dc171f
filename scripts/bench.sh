#!/bin/sh
# make bench: performance figures, printed, never asserted.
set -eu
B=${BUILD:-build}
HVSIM=$B/hvsim
RUNSTAT=$B/bench/runstat

echo "== event queue: hold model (pop min, push at t + Exp(1)) =="
"$B/bench/evq_hold"

# run LABEL ARGS...: one hvsim run; wall time and peak RSS from runstat,
# events from the summary.
run() {
    label=$1; shift
    stats=$( { "$RUNSTAT" "$HVSIM" run "$@" --json --quiet > "$tmp"; } 2>&1 )
    events=$(sed -n 's/^ *"events": \([0-9]*\),*$/\1/p' "$tmp" | head -1)
    completed=$(sed -n 's/^ *"completed": \([0-9]*\),*$/\1/p' "$tmp" | head -1)
    set -- $stats
    awk -v l="$label" -v w="$1" -v m="$2" -v e="$events" -v j="$completed" 'BEGIN {
        printf "%-44s %8.3f s %12.0f events/s %12.0f jobs/s %8.1f MB peak RSS\n",
               l, w, e / w, j / w, m }'
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

echo
echo "== whole runs (hvsim run, start-up included) =="
run "M/M/1 FCFS rho=0.9, 10^6 jobs" --generate n=1000000,interarrival=exp:1.1111111,work=exp:1
run "10^5 guests at t=0, rr 10ms, 64 cores" --generate n=100000,interarrival=det:0,work=exp:1 \
    --sched rr --quantum 10ms --cores 64
run "M/M/1 SRPT (minlat) rho=0.9, 10^6 jobs" --generate n=1000000,interarrival=exp:1.1111111,work=exp:1 --sched minlat
run "start-up: one guest" --generate n=1
pl=workloads/samples/planetlab-20110303
if [ -d "$pl" ]; then
    echo
    echo "== the PlanetLab day: 1,052 VMs, 40 hosts x 4 cores, --overcommit 7 (jobs/s = VMs/s) =="
    run "fluid (--model fluid)" --trace "$pl" --hosts 40 --cores 4 --overcommit 7 --model fluid
    run "discrete, fcfs (the default)" --trace "$pl" --hosts 40 --cores 4 --overcommit 7
    run "discrete, rr 30 ms" --trace "$pl" --hosts 40 --cores 4 --overcommit 7 --sched rr
fi
if [ -x "$B/bench/trace_stream" ]; then
    echo
    echo "== streaming a trace =="
    "$B/bench/trace_stream" "$HVSIM" "$RUNSTAT"
fi

echo
echo "== streaming an SWF trace: peak memory with 10^5 and 10^6 jobs =="
# A generated SWF log (awk, fixed seed): Poisson submits at load ~0.9 on
# 128 cores, exponential run times, 1-8 processors.
swf=$(mktemp --suffix=.swf)
trap 'rm -f "$tmp" "$swf"' EXIT
for n in 100000 1000000; do
    awk -v n="$n" 'BEGIN { srand(1); t = 0;
        print "; MaxProcs: 128";
        for (i = 1; i <= n; i++) {
            t += -log(1 - rand()) * 0.0977;
            p = 1 + int(rand() * 8);
            r = -log(1 - rand()) * 2.5;
            printf "%d %.3f -1 %.3f %d -1 -1 %d -1 -1 1 1 1 1 1 -1 -1 -1\n", i, t, r, p, p
        } }' > "$swf"
    stats=$( { "$RUNSTAT" "$HVSIM" run --trace "$swf" --cores 128 --json --quiet > "$tmp"; } 2>&1 )
    set -- $stats
    guests=$(sed -n 's/^ *"peak_guests": \([0-9]*\),*$/\1/p' "$tmp")
    printf '%-10s jobs: %8.3f s wall, %7.1f MB peak RSS, at most %s guest records live\n' \
        "$n" "$1" "$2" "$guests"
done
echo "(the rest of the growth is the exact percentiles: 24 bytes per completed guest)"
