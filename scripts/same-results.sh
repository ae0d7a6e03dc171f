#!/bin/bash
# scripts/same-results.sh [REV] - is behaviour unchanged since REV?
#
# Builds REV (default: a9cfa0b, the tree before the restructuring into
# layers, issue 11) in a scratch worktree, runs `make demo` and `make
# validate` with it and with the working tree, and compares, byte for byte:
#   - every demo run's summary.json without its wall-clock fields
#     (engine.wall_seconds, engine.events_per_second) and without its
#     config echo, then jobs.csv, timeline.csv and segments.csv;
#   - the validation table.
# The config echo is compared apart and its differences are printed: it
# describes the options, and a change in how they are declared changes it
# (since the restructuring it lists the chosen policies' own parameters
# only, durations without float noise).  Exit 0 if every result is the
# same, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
REV=${1:-a9cfa0b}
T=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-same.XXXXXX")
trap 'git worktree remove --force "$T/old" 2>/dev/null || true; rm -rf "$T"' EXIT
git worktree add --detach -q "$T/old" "$REV"
echo "building $REV and the working tree"
make -s -C "$T/old" -j2 build/hvsim build/validate > "$T/old-build.log" 2>&1
make -s -j2 build/hvsim build/validate > "$T/new-build.log" 2>&1
(cd "$T/old" && HVSIM_BIN=build/hvsim DEMO_OUT="$T/demo-old" scripts/demo.sh) > /dev/null
HVSIM_BIN=build/hvsim DEMO_OUT="$T/demo-new" scripts/demo.sh > /dev/null
"$T/old/build/validate" > "$T/validate-old.txt"
build/validate > "$T/validate-new.txt"

same=0 differ=0
verdict() {   # what, file, file
    if cmp -s "$2" "$3"; then same=$((same + 1)); echo "same:    $1"
    else differ=$((differ + 1)); echo "DIFFERS: $1"; fi
}
strip='del(.engine.wall_seconds, .engine.events_per_second, .config)'
for d in "$T"/demo-old/*/; do
    run=$(basename "$d")
    new=$T/demo-new/$run
    [ -d "$new" ] || { verdict "demo/$run (missing in the working tree)" /dev/null "$0"; continue; }
    jq -S "$strip" "$d/summary.json" > "$T/a.json"
    jq -S "$strip" "$new/summary.json" > "$T/b.json"
    verdict "demo/$run/summary.json (config and wall clock aside)" "$T/a.json" "$T/b.json"
    for f in jobs.csv timeline.csv segments.csv; do
        [ -f "$d/$f" ] || [ -f "$new/$f" ] || continue
        verdict "demo/$run/$f" "$d/$f" "$new/$f"
    done
    diff <(jq -S .config "$d/summary.json") <(jq -S .config "$new/summary.json") \
        > "$T/config.diff" 2>&1 || true
    if [ -s "$T/config.diff" ]; then
        echo "         config echo of demo/$run, $REV (<) and now (>):"
        grep '^[<>]' "$T/config.diff" | sed 's/^/           /'
    fi
done
verdict "make validate table" "$T/validate-old.txt" "$T/validate-new.txt"
echo "$same same, $differ different"
[ "$differ" = 0 ]
