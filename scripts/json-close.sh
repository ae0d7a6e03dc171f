#!/bin/bash
# scripts/json-close.sh A.json B.json [REL] [ABS] - do two summaries agree
# to rounding?
#
# Compares every number of two hvsim summaries (`run --json`), path by
# path, with |a - b| <= REL x max(|a|, |b|) + ABS (default REL 1e-9, ABS
# 1e-12: a figure that is a difference of nearly equal numbers, such as
# overhead.vs_native, is rounding noise around zero); strings, nulls and
# the shape must be equal.  The engine's wall-clock fields are skipped;
# engine.events is compared apart and reported.  Prints each path that
# differs beyond the tolerance, then the largest relative difference
# within it; exit 0 if all agree, 1 otherwise.
set -eu
A=$1 B=$2 REL=${3:-1e-9} ABS=${4:-1e-12}
flat() {
    jq -r 'del(.engine.wall_seconds, .engine.events_per_second)
           | paths(scalars) as $p | [($p | map(tostring) | join(".")), (getpath($p) | tojson)] | @tsv' "$1" | sort
}
join -t $'\t' -a 1 -a 2 -e MISSING -o 0,1.2,2.2 <(flat "$A") <(flat "$B") |
awk -F'\t' -v rel="$REL" -v abs="$ABS" '
    function num(s) { return s ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ }
    { path = $1; a = $2; b = $3
      if (path == "engine.events") { if (a != b) printf "events: %s -> %s\n", a, b; next }
      if (a == b) { same++; next }
      if (num(a) && num(b)) {
          x = a + 0; y = b + 0; d = x - y; if (d < 0) d = -d
          m = (x < 0 ? -x : x); if ((y < 0 ? -y : y) > m) m = (y < 0 ? -y : y)
          if (d <= rel * m + abs) { close_++; r = m > 0 ? d / m : 0; if (d > abs && r > worst) { worst = r; wp = path }; next }
      }
      printf "differs: %s: %s vs %s\n", path, a, b; bad++ }
    END { printf "%d equal, %d within rounding (largest relative %.3g beyond the absolute floor, at %s), %d differ\n",
                 same, close_, worst, (wp == "" ? "-" : wp), bad
          exit bad > 0 }'
