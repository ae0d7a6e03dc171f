#!/bin/bash
# scripts/bench-compare.sh [REV] - make bench's runs, REV beside the working tree.
#
# Builds REV (default: 5448116, the tree before issue 16) in a scratch
# worktree and runs each row with both binaries, alternately, REPEAT
# times (default 2), on the same machine at the same time: on a shared
# machine only such ratios mean something.  Prints the least CPU time
# (user + system) of each side, the least wall time, and the ratio of
# the CPU times (REV / now: above 1 = faster now).  Both binaries get
# the same options; rows name their placement, since the default one
# changed (most-free since issue 14).
set -eu
cd "$(dirname "$0")/.."
REV=${1:-5448116}
REPEAT=${REPEAT:-2}
T=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-bcmp.XXXXXX")
trap 'git worktree remove --force "$T/old" 2>/dev/null || true; rm -rf "$T"' EXIT
git worktree add --detach -q "$T/old" "$REV"
echo "building $REV and the working tree"
make -s -C "$T/old" -j2 build/hvsim build/bench/evq_hold > "$T/old-build.log" 2>&1
make -s -j2 build/hvsim build/bench/evq_hold > "$T/new-build.log" 2>&1
OLD=$T/old/build/hvsim
NEW=build/hvsim

# one BIN ARGS...: "cpu wall rss_mb" of one run (its output discarded)
one() {
    bin=$1; shift
    /usr/bin/time -f '%U %S %e %M' -o "$T/time" "$bin" run "$@" --json --quiet > /dev/null
    awk '{ printf "%.3f %.3f %.1f\n", $1 + $2, $3, $4 / 1024 }' "$T/time"
}
# row LABEL ARGS...
row() {
    label=$1; shift
    best_o="" best_n=""
    for _ in $(seq "$REPEAT"); do
        o=$(one "$OLD" "$@"); n=$(one "$NEW" "$@")
        best_o=$(printf '%s\n%s\n' "$o" "$best_o" | grep . | sort -n | head -1)
        best_n=$(printf '%s\n%s\n' "$n" "$best_n" | grep . | sort -n | head -1)
    done
    set -- $best_o $best_n
    awk -v l="$label" -v oc="$1" -v ow="$2" -v om="$3" -v nc="$4" -v nw="$5" -v nm="$6" 'BEGIN {
        r = nc > 0 ? sprintf("%.2f", oc / nc) : "n/a (below the 10 ms resolution)"
        printf "| %s | %.3f s (%.3f) | %.3f s (%.3f) | %s | %.0f / %.0f MB |\n",
               l, oc, ow, nc, nw, r, om, nm }'
}

echo
echo "== event queue, hold model: $REV, then the working tree =="
"$T/old/build/bench/evq_hold"
build/bench/evq_hold
echo
echo "| run | $REV CPU (wall) | now CPU (wall) | ratio | peak RSS |"
echo "|---|---|---|---|---|"
row "M/M/1 FCFS rho=0.9, 10^6 jobs" --generate n=1000000,interarrival=exp:1.1111111,work=exp:1
row "10^5 guests at t=0, rr 10 ms, 64 cores" --generate n=100000,interarrival=det:0,work=exp:1 \
    --sched rr --quantum 10ms --cores 64
row "M/M/1 SRPT (minlat) rho=0.9, 10^6 jobs" --generate n=1000000,interarrival=exp:1.1111111,work=exp:1 \
    --sched minlat
row "start-up: one guest" --generate n=1
for hosts in 100 1000 10000; do
    row "best fit, 200,000 jobs, $hosts hosts x 4 cores" \
        --generate n=200000,interarrival=exp:0.0001,work=exp:1 --hosts "$hosts" --cores 4 --place best-fit
done
pl=workloads/samples/planetlab-20110303
if [ -d "$pl" ]; then
    for n in 1 10; do
        mkdir "$T/x$n" "$T/h$n"
        (cd "$pl" && for f in *; do for k in $(seq "$n"); do
            ln -s "$PWD/$f" "$T/x$n/${f}_c$k"; head -12 "$f" > "$T/h$n/${f}_c$k"; done; done)
        row "PlanetLab day x $n, fluid, demand 300 s, first fit" --trace "$T/x$n" --hosts $((40 * n)) \
            --cores 4 --overcommit 7 --alloc demand --interval 300s --model fluid --place first-fit
    done
    row "PlanetLab first hour x 1, discrete fcfs, demand 300 s, first fit" --trace "$T/h1" \
        --hosts 40 --cores 4 --overcommit 7 --alloc demand --interval 300s --place first-fit
fi
