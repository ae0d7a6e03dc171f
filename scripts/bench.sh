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
        printf "%-50s %8.3f s %12.0f events/s %12.0f jobs/s %8.1f MB peak RSS\n",
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

echo
echo "== M/M/1 side by side: hvsim, the exact recursion, SimGrid (10^6 jobs, rho = 0.9; whole processes, least of 3 interleaved) =="
# (scripts/bench/lindley.c: Lindley's recursion, the floor; scripts/bench/
# simgrid-mm1.cpp: the model in SimGrid's S4U, two ways to queue the jobs)
sides="hvsim lindley-log lindley-zig lindley-pct"
if [ -x "$B/bench/simgrid-mm1" ]; then
    sides="$sides simgrid-semaphore simgrid-mailbox"
fi
for i in 1 2 3; do
    for s in $sides; do
        case $s in
        hvsim) set -- "$HVSIM" run --generate n=1000000,interarrival=exp:1.1111111,work=exp:1 \
                   --json --quiet ;;
        lindley-*) set -- "$B/bench/lindley" 1000000 0.9 "${s#lindley-}" ;;
        simgrid-semaphore) set -- "$B/bench/simgrid-mm1" 1000000 0.9 ;;
        simgrid-mailbox) set -- "$B/bench/simgrid-mm1" 1000000 0.9 mailbox ;;
        esac
        { "$RUNSTAT" "$@" > /dev/null; } 2>> "$tmp.$s"
    done
done
least() { awk 'NR == 1 || $1 < m { m = $1 } END { print m }' "$tmp.$1"; }
hv=$(least hvsim)
for s in $sides; do
    case $s in
    hvsim) what="hvsim run (the first row's run)" ;;
    lindley-log) what="Lindley's recursion, draws by gsl_ran_exponential" ;;
    lindley-zig) what="Lindley's recursion, draws by hvsim's ziggurat" ;;
    lindley-pct) what="... and exact p50/p95/p99 kept, as hvsim" ;;
    simgrid-semaphore) what="SimGrid $(pkg-config --modversion simgrid 2>/dev/null), a FIFO and a semaphore" ;;
    simgrid-mailbox) what="SimGrid, the jobs through a mailbox" ;;
    esac
    awk -v w="$what" -v t="$(least "$s")" -v h="$hv" 'BEGIN {
        printf "%-58s %8.3f s", w, t
        if (t < h) printf "   hvsim takes %.2fx as long\n", h / t
        else if (t > h) printf "   %.1fx hvsim'"'"'s time\n", t / h
        else printf "\n" }'
    rm -f "$tmp.$s"
done
if [ ! -x "$B/bench/simgrid-mm1" ]; then
    echo "(SimGrid not installed: apt-get install libsimgrid-dev, then make bench, adds its rows)"
fi
echo
echo "== discrete VM exits (--exit-model discrete, counted per run segment): the KTH demo trace =="
kth=workloads/samples/kth-sp2-1996-head3000.swf
run "3,000 KTH jobs, skylake-sp, 100 cores, fcfs" --trace "$kth" --hw skylake-sp --cores 100 \
    --exit-model discrete
run "3,000 KTH jobs, skylake-sp, 100 cores, rr 60 s" --trace "$kth" --hw skylake-sp --cores 100 \
    --exit-model discrete --sched rr --quantum 60s
run "3,000 KTH jobs, skylake-sp, 100 cores, minlat" --trace "$kth" --hw skylake-sp --cores 100 \
    --exit-model discrete --sched minlat
echo
echo "== replications on several cores (--jobs): M/M/1 rho=0.9, 10^5 jobs, --reps 8 =="
ncpu=$(getconf _NPROCESSORS_ONLN)
jobs1=$( { "$RUNSTAT" "$HVSIM" run --generate n=100000,interarrival=exp:1.1111111,work=exp:1 \
    --reps 8 --jobs 1 --json --quiet > "$tmp"; } 2>&1 )
jobsn=$( { "$RUNSTAT" "$HVSIM" run --generate n=100000,interarrival=exp:1.1111111,work=exp:1 \
    --reps 8 --jobs "$ncpu" --json --quiet > "$tmp"; } 2>&1 )
awk -v a="${jobs1% *}" -v b="${jobsn% *}" -v n="$ncpu" 'BEGIN {
    printf "--jobs 1: %.3f s wall; --jobs %d: %.3f s wall; speed-up %.2fx on %d CPUs\n",
           a, n, b, a / b, n }'
pl=workloads/samples/planetlab-20110303
if [ -d "$pl" ]; then
    echo
    echo "== the PlanetLab day: 1,052 VMs, 40 hosts x 4 cores, --overcommit 7 (jobs/s = VMs/s) =="
    run "fluid (--model fluid)" --trace "$pl" --hosts 40 --cores 4 --overcommit 7 --model fluid
    run "discrete, fcfs (the default)" --trace "$pl" --hosts 40 --cores 4 --overcommit 7
    run "discrete, rr 30 ms" --trace "$pl" --hosts 40 --cores 4 --overcommit 7 --sched rr
fi

echo
echo "== placement: best fit and worst fit, 200,000 jobs (an index of the hosts by room) =="
for hosts in 100 1000 10000; do
    run "--place best-fit, $hosts hosts x 4 cores" --generate n=200000,interarrival=exp:0.0001,work=exp:1 \
        --hosts "$hosts" --cores 4 --place best-fit
done
run "--place first-fit, 10000 hosts x 4 cores" --generate n=200000,interarrival=exp:0.0001,work=exp:1 \
    --hosts 10000 --cores 4 --place first-fit

if [ -d "$pl" ]; then
    # The data-centre day: copies of the PlanetLab day (1,052 VMs each) on
    # 40 hosts x 4 cores per copy, demand allocation every 300 s.  Linear
    # growth = the same time per copy.
    copies=$(mktemp -d)
    trap 'rm -f "$tmp" "$swf"; rm -rf "$copies"' EXIT
    echo
    echo "== the data-centre day, fluid: N copies of the PlanetLab day on 40 N hosts x 4 cores, --overcommit 7, demand allocation every 300 s =="
    for n in 1 2 5 10; do
        mkdir "$copies/x$n"
        (cd "$pl" && for f in *; do for k in $(seq "$n"); do ln -s "$PWD/$f" "$copies/x$n/${f}_c$k"; done; done)
        run "fluid, $n cop$( [ "$n" = 1 ] && echo y || echo ies) ($((1052 * n)) VMs, $((40 * n)) hosts)" \
            --trace "$copies/x$n" --hosts $((40 * n)) --cores 4 --overcommit 7 --alloc demand \
            --interval 300s --model fluid
    done
    echo
    echo "== fluid at 10, 100 and 1,000 VMs per host (the PlanetLab day, --place first-fit) =="
    run "fluid, 10 VMs per host (106 hosts x 2 cores)" --trace "$pl" --hosts 106 --cores 2 \
        --place first-fit --overcommit 5 --model fluid
    run "fluid, 100 VMs per host (11 hosts x 16 cores)" --trace "$pl" --hosts 11 --cores 16 \
        --place first-fit --overcommit 6.25 --model fluid
    run "fluid, 1,052 VMs on 1 host x 128 cores" --trace "$pl" --hosts 1 --cores 128 --model fluid
    # 20,000 VMs: 19 copies of the day and the first 12 VMs of another
    mkdir "$copies/v20k"
    (cd "$pl" && for f in *; do for k in $(seq 19); do ln -s "$PWD/$f" "$copies/v20k/${f}_c$k"; done; done
     ls | head -12 | while read -r f; do ln -s "$PWD/$f" "$copies/v20k/${f}_c20"; done)
    run "fluid, 20,000 VMs, 1,000 hosts x 8 cores" --trace "$copies/v20k" --hosts 1000 --cores 8 \
        --overcommit 7 --model fluid
    echo
    echo "== the data-centre day, discrete (first hour of each VM's series: the whole day is ~2 G events per copy) =="
    for n in 1 10; do
        mkdir "$copies/h$n"
        (cd "$pl" && for f in *; do for k in $(seq "$n"); do head -12 "$f" > "$copies/h$n/${f}_c$k"; done; done)
        run "discrete fcfs, $n cop$( [ "$n" = 1 ] && echo y || echo ies), first hour" \
            --trace "$copies/h$n" --hosts $((40 * n)) --cores 4 --overcommit 7 --alloc demand \
            --interval 300s
    done
    echo
    echo "== one run's hosts on several cores (--threads): the 10-copy first hour, discrete =="
    # (the same run as the row above, threads 1 again so that the two are
    # side by side on a machine whose load changes)
    for t in 1 "$ncpu"; do
        "$RUNSTAT" "$HVSIM" run --trace "$copies/h10" --hosts 400 --cores 4 --overcommit 7 \
            --alloc demand --interval 300s --threads "$t" --json --quiet 2> "$tmp.t$t" > "$tmp"
    done
    awk -v a="$(cat "$tmp.t1")" -v b="$(cat "$tmp.t$ncpu")" -v n="$ncpu" 'BEGIN {
        split(a, x, " "); split(b, y, " ")
        printf "--threads 1: %.3f s wall; --threads %d: %.3f s wall; speed-up %.2fx on %d CPUs\n",
               x[1], n, y[1], x[1] / y[1], n }'
    rm -f "$tmp.t1" "$tmp.t$ncpu"
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
    guests=$(sed -n 's/^ *"peak_guests": \([0-9]*\),*$/\1/p' "$tmp" | head -1)
    printf '%-10s jobs: %8.3f s wall, %7.1f MB peak RSS, at most %s guest records live\n' \
        "$n" "$1" "$2" "$guests"
done
echo "(the rest of the growth is the exact percentiles: 24 bytes per completed guest)"

echo
echo "== consolidation: CloudSim 5.0's PlanetLab day, LR-MMT-1.2 with CloudSim's semantics =="
if [ -d "$pl" ]; then
    # The whole process, as CloudSim's figures are (its JVM included):
    # best of three, the peak RSS and CPU time of that run.
    best=""
    for i in 1 2 3; do
        stats=$( { "$RUNSTAT" "$HVSIM" run --preset cloudsim-planetlab --trace "$pl" \
                   --consolidate lr:1.2 --select mmt --json --quiet > "$tmp"; } 2>&1 )
        set -- $stats
        if [ -z "$best" ] || awk -v a="$1" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$1; rss=$2; cpu=$3
        fi
    done
    kwh=$(sed -n 's/^ *"energy_kwh": \([0-9.]*\),*$/\1/p' "$tmp" | head -1)
    printf 'hvsim run --preset cloudsim-planetlab --consolidate lr:1.2: %.3f s wall (best of 3; %.3f s CPU), %.1f MB peak RSS, %.2f kWh\n' \
        "$best" "$cpu" "$rss" "$kwh"
    echo "(CloudSim 5.0's measured cost, the same run on this day, whole process: 20-41 s wall and"
    echo " 2.0-2.9 GiB peak RSS per migration policy, LR-MMT-1.2 36 s and 2.6 GiB, or 27 s and"
    echo " 482 MiB with a 512 MB heap; not measured side by side with this run)"
    echo
    echo "== consolidation in the event engine: the same day on CloudSim's 800 hosts, LR-MMT-1.2, pre-copy =="
    run "fluid (--model fluid)" --trace "$pl" --planetlab-vm-types cloudsim \
        --platform examples/consolidation/cloudsim-hosts.json --consolidate lr:1.2 --model fluid
fi
echo
echo "== the time-stepped model alone (library, trace reading included) =="
"$B/bench/consolidation"
