#!/bin/sh
# Fails on an include that points up a layer.  The layers, bottom first,
# are the LAYERS of the Makefile (or the arguments): a file may include
# headers of its own folder and of the folders listed before it, never of
# a folder listed after it.  Prints each violation as FILE:LINE: what, and
# exits 1 if there is any.
set -eu
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    # shellcheck disable=SC2046
    set -- $(sed -n 's/^LAYERS *:= *//p' Makefile)
fi
awk -v layers="$*" '
BEGIN { n = split(layers, l, " "); for (i = 1; i <= n; i++) rank[l[i]] = i }
FNR == 1 { dir = FILENAME; sub(/\/.*/, "", dir) }
/^[ \t]*#[ \t]*include[ \t]*"[^"\/]*\// {
    t = $0; sub(/^[^"]*"/, "", t); sub(/\/.*/, "", t)
    if (!(t in rank)) {
        printf "%s:%d: includes %s/, which is not a layer (%s)\n", FILENAME, FNR, t, layers; bad = 1
    } else if (rank[t] > rank[dir]) {
        printf "%s:%d: %s/ includes %s/, a layer above it (%s)\n", FILENAME, FNR, dir, t, layers; bad = 1
    }
}
END { if (bad) exit 1; printf "layers: every include points down (%s)\n", layers }
' $(for d in "$@"; do ls "$d"/*.c "$d"/*.h 2>/dev/null; done) >&2
