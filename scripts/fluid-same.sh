#!/bin/bash
# scripts/fluid-same.sh [REV] - does the fluid model give the same results
# as at REV (default 9d6c3c8, before its lazy, per-host-clock form)?
#
# Builds REV in a scratch worktree (or takes OLD_BIN, a binary already
# built), runs the fluid cases below with both binaries and compares
# their summaries with scripts/json-close.sh (relative 1e-9).  The cases:
# the bundled PlanetLab day on 40 hosts x 4 cores, --overcommit 7, under
# static and demand allocation (every 300 s), each with the default
# placement and with first fit; the three `make bench` rows at 10, 100
# and 1,052 VMs per host; and the data-centre day (COPIES copies of the
# day, default 10, on 40 x COPIES hosts, demand allocation).  Exit 0 if
# every case agrees.
set -eu
cd "$(dirname "$0")/.."
REV=${1:-9d6c3c8}
COPIES=${COPIES:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-fluid-same.XXXXXX")
trap 'git worktree remove --force "$T/old" 2>/dev/null || true; rm -rf "$T"' EXIT
if [ -z "${OLD_BIN:-}" ]; then
    git worktree add --detach -q "$T/old" "$REV"
    echo "building $REV"
    make -s -C "$T/old" -j2 build/hvsim > "$T/old-build.log" 2>&1
    OLD_BIN=$T/old/build/hvsim
fi
make -s -j2 build/hvsim > "$T/new-build.log" 2>&1
pl=workloads/samples/planetlab-20110303
day=$T/day
mkdir -p "$day"
(cd "$pl" && for f in *; do for k in $(seq "$COPIES"); do ln -s "$PWD/$f" "$day/${f}_c$k"; done; done)
base="--trace $pl --hosts 40 --cores 4 --overcommit 7 --model fluid"
demand="--alloc demand --interval 300s"
cases=(
    "$base"
    "$base --place first-fit"
    "$base $demand"
    "$base $demand --place first-fit"
    "--trace $pl --hosts 106 --cores 2 --place first-fit --overcommit 5 --model fluid"
    "--trace $pl --hosts 11 --cores 16 --place first-fit --overcommit 6.25 --model fluid"
    "--trace $pl --hosts 1 --cores 128 --model fluid"
    "--trace $day --hosts $((40 * COPIES)) --cores 4 --overcommit 7 $demand --model fluid"
)
bad=0
for c in "${cases[@]}"; do
    echo "== hvsim run ${c//$T/\$T} --json"
    # shellcheck disable=SC2086
    "$OLD_BIN" run $c --json > "$T/old.json"
    # shellcheck disable=SC2086
    build/hvsim run $c --json > "$T/new.json"
    scripts/json-close.sh "$T/old.json" "$T/new.json" || bad=$((bad + 1))
done
echo "$bad of ${#cases[@]} cases differ beyond rounding"
[ "$bad" = 0 ]
