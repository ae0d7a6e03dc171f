#!/bin/bash
# scripts/bench-vm.sh [OLD...] - issue 12's speed item: the two job
# benchmarks with older engines beside the working tree.
#
# Each OLD is a revision (built in a scratch worktree) or the path of an
# hvsim binary already built; default: a9cfa0b (the engine before the VM
# model) and 9d6c3c8 (the VM model before the work on its speed).  Runs
# M/M/1 FCFS rho = 0.9 with 10^6 jobs and 10^5 guests at t = 0 under rr
# 10 ms on 64 cores with every binary in turn, REPEAT times (default 5):
# on a shared machine only such interleaved runs compare.  Prints the
# least CPU time (user + system) and the peak RSS of each.  With CG=1,
# also cachegrind's instruction count and last-level misses (reads and
# writes, the last level taken as this machine's 32 MB L3): counts that
# do not depend on the machine's load (a few minutes per run).
set -eu
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-5}
[ $# -gt 0 ] || set -- a9cfa0b 9d6c3c8
T=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-bvm.XXXXXX")
trees=()
cleanup() {
    for t in "${trees[@]}"; do git worktree remove --force "$t" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT
names=() bins=()
for old in "$@"; do
    if [ -x "$old" ] && [ -f "$old" ]; then
        names+=("$old") bins+=("$old")
        continue
    fi
    git worktree add --detach -q "$T/$old" "$old"
    trees+=("$T/$old")
    echo "building $old" >&2
    make -s -C "$T/$old" -j2 build/hvsim > "$T/$old.log" 2>&1
    names+=("$old") bins+=("$T/$old/build/hvsim")
done
echo "building the working tree" >&2
make -s -j2 build/hvsim > "$T/new.log" 2>&1
names+=("working tree") bins+=(build/hvsim)

MM=(--generate n=1000000,interarrival=exp:1.1111111,work=exp:1)
RR=(--generate n=100000,interarrival=det:0,work=exp:1 --sched rr --quantum 10ms --cores 64)

# least "cpu rss_mb" over REPEAT interleaved runs, per benchmark and binary
declare -A best
for _ in $(seq "$REPEAT"); do
    for i in "${!bins[@]}"; do
        for w in MM RR; do
            declare -n args=$w
            /usr/bin/time -f '%U %S %M' -o "$T/time" "${bins[$i]}" run "${args[@]}" --json \
                --quiet > /dev/null
            r=$(awk '{ printf "%.2f %.0f", $1 + $2, $3 / 1024 }' "$T/time")
            k="$w $i"
            if [ -z "${best[$k]:-}" ] || awk -v a="${r%% *}" -v b="${best[$k]%% *}" \
                'BEGIN { exit !(a < b) }'; then
                best[$k]=$r
            fi
        done
    done
done
cg() {   # "instructions ll_misses" of one run under cachegrind
    valgrind --tool=cachegrind --cache-sim=yes --LL=33554432,16,64 \
        --cachegrind-out-file=/dev/null "$@" --json --quiet 2> "$T/cg" > /dev/null
    awk '/I *refs:/ { gsub(",", "", $4); i = $4 }
         /LL misses:/ { gsub(",", "", $4); m = $4 }
         END { printf "%.2f G | %.2f M", i / 1e9, m / 1e6 }' "$T/cg"
}
echo
echo "| run | engine | CPU s (least of $REPEAT) | peak RSS |$([ "${CG:-0}" = 1 ] && echo " instructions | LL misses |")"
echo "|---|---|---|---|$([ "${CG:-0}" = 1 ] && echo "---|---|")"
for w in MM RR; do
    declare -n args=$w
    label=$([ $w = MM ] && echo "M/M/1 FCFS, 10^6 jobs" || echo "10^5 guests, rr 10 ms, 64 cores")
    for i in "${!bins[@]}"; do
        set -- ${best[$w $i]}
        extra=""
        [ "${CG:-0}" = 1 ] && extra=" $(cg "${bins[$i]}" run "${args[@]}") |"
        echo "| $label | ${names[$i]} | $1 | $2 MB |$extra"
    done
done
