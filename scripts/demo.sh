#!/bin/sh
# make demo: the default experiment.  Runs the bundled workload under
# every scheduler hvsim has, writes each run to results/demo/SCHED/ and a
# comparison table to results/demo/comparison.txt.
set -eu
HVSIM=${HVSIM_BIN:-build/hvsim}
OUT=${DEMO_OUT:-results/demo}
WORKLOAD=${DEMO_WORKLOAD:---generate n=5000,interarrival=exp:1.25,work=hyperexp:0.8873:0.56338:4.43656}
CORES=${DEMO_CORES:-1}
mkdir -p "$OUT"
scheds=$("$HVSIM" list | awk '/^schedulers/ {on=1; next} /^$/ {on=0} on {print $1}')
table="$OUT/comparison.txt"
printf '%-8s %12s %12s %12s %12s %10s %8s\n' sched "T mean" "T p99" "slowdown" "response" util switches > "$table.tmp"
for s in $scheds; do
    # shellcheck disable=SC2086
    "$HVSIM" run $WORKLOAD --cores "$CORES" --sched "$s" --quantum 100ms --seed 1 \
        --out "$OUT/$s" --quiet
    jq_get() { python3 -c "import json,sys; d=json.load(open('$OUT/$s/summary.json')); print($1)"; }
    printf '%-8s %12.4f %12.4f %12.4f %12.4f %10.4f %8d\n' "$s" \
        "$(jq_get "d['turnaround']['mean']")" "$(jq_get "d['turnaround']['p99']")" \
        "$(jq_get "d['slowdown']['mean']")" "$(jq_get "d['response']['mean']")" \
        "$(jq_get "d['utilization']")" "$(jq_get "d['overhead']['switches']")" >> "$table.tmp"
done
mv "$table.tmp" "$table"
cat "$table"
echo "results in $OUT/"
