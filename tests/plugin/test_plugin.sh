#!/bin/sh
# tests/plugin/test_plugin.sh - the plug-in ABI end to end (make test).
#
# Installs hvsim into a staging prefix, builds the out-of-tree example
# (examples/lottery) against the installed headers with exactly the
# command its README gives (cc $(pkg-config --cflags hvsim) -shared
# -fPIC), and checks that the installed hvsim
#   - shows the plug-in and its knobs in `run --help` and `list --json`;
#   - parses, range-checks and echoes its knob;
#   - gives lottery's shares of one core the ticket ratios (1:2:3 by the
#     guests' weights) within binomial noise, from segments.csv;
#   - refuses a file that is not a plug-in, one built for another ABI and
#     one of the wrong family, with PATH: reason and exit 2;
# and runs the scheduler conformance suite (tests/test_conformance.c) over
# the plug-in.  Closes with the line `N passed, N failed, N skipped`.
set -eu
cd "$(dirname "$0")/../.."
REPO=$(pwd)
BUILD=${BUILD:-build}
T=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-plugin-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0 failed=0 skipped=0
pass() { pass=$((pass + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() { d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
rc_of() { set +e; "$@" > "$T/out" 2> "$T/err"; rc=$?; set -e; echo "$rc"; }

make -s --no-print-directory BUILD="$BUILD" install PREFIX="$T/prefix" > /dev/null
HVSIM=$T/prefix/bin/hvsim
export PKG_CONFIG_PATH=$T/prefix/lib/pkgconfig
check "install: hvsim.pc found by pkg-config" pkg-config --exists hvsim

# The example, built from a copy outside the tree: only the installed
# headers can be found.
mkdir "$T/lottery"
cp examples/lottery/lottery.c "$T/lottery/"
(cd "$T/lottery" && cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags hvsim) \
    -shared -fPIC -o lottery.so lottery.c) > "$T/cc.log" 2>&1 || true
check "build: the example compiles against the installed headers alone" test -f "$T/lottery/lottery.so"
[ -f "$T/lottery/lottery.so" ] || { cat "$T/cc.log"; echo "$pass passed, $((failed + 1)) failed, 0 skipped"; exit 1; }
SO=$T/lottery/lottery.so

# Each installed header compiles on its own.
ok=1
for h in $(cd "$T/prefix/include/hvsim" && find . -name '*.h' | sed 's|^\./||'); do
    printf '#include "%s"\n' "$h" > "$T/h.c"
    cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags hvsim) -fsyntax-only "$T/h.c" 2>> "$T/h.log" || { ok=0; echo "  $h does not compile alone"; }
done
check "headers: each installed header compiles on its own" test $ok = 1

rc=$(rc_of "$HVSIM" run --sched "$SO" --help)
check "help: run --sched PATH.so --help exits 0" test "$rc" = 0
check "help: lists lottery and its --tickets knob" grep -q -- "--tickets N" "$T/out"
check "help: ... under the lottery policy" grep -q "^  lottery " "$T/out"

rc=$(rc_of "$HVSIM" list --json --plugin "$SO")
check "list --json --plugin: exits 0" test "$rc" = 0
check "list --json: lottery with its knobs, marked a plug-in" \
    test "$(jq -r '.sched[] | select(.name == "lottery") | [.plugin, (.params | map(.name) | join(","))] | @tsv' "$T/out")" = "$(printf 'true\ttickets,quantum')"
check "list --json: the knob's default and range" \
    test "$(jq -c '.sched[] | select(.name == "lottery") | .params[0] | [.default, .min, .min_open]' "$T/out")" = '["100",0,true]'

printf 'id,arrival,work,weight\nA,0,200,1\nB,0,400,2\nC,0,600,3\n' > "$T/shares.csv"
rc=$(rc_of "$HVSIM" run --trace "$T/shares.csv" --sched "$SO" --tickets 0 --quiet)
check "knob: --tickets 0 is refused, exit 2" test "$rc" = 2
check "knob: ... naming the option and its range" grep -q -- "--tickets: 0 is out of range (> 0" "$T/err"
rc=$(rc_of "$HVSIM" run --trace "$T/shares.csv" --sched "$SO" --tickets 7 --quantum 50ms --out "$T/run" --quiet)
check "run: exit 0" test "$rc" = 0
check "run: the knobs echoed in the summary" \
    test "$(jq -c '.config | [.sched, .tickets, .quantum]' "$T/run/summary.json")" = '["lottery",7,0.05]'
# Shares of the core over the first 300 s (6000 lotteries of 50 ms): the
# ticket ratios 1/6, 2/6, 3/6, each within 0.03 (the binomial standard
# deviation is at most 0.0065).
shares=$(awk -F, 'NR > 1 && $5 < 300 { e = ($6 > 300 ? 300 : $6); s[$3] += e - $5 }
    END { printf "%.4f %.4f %.4f", s["A"] / 300, s["B"] / 300, s["C"] / 300 }' "$T/run/segments.csv")
echo "  lottery shares over 300 s (A:B:C tickets 1:2:3): $shares"
check "shares: converge to the ticket ratios 1:2:3" awk -v s="$shares" 'BEGIN {
    split(s, x, " "); ok = 1
    for (i = 1; i <= 3; i++) { d = x[i] - i / 6; if (d < -0.03 || d > 0.03) ok = 0 }
    exit !ok }'
rc=$(rc_of "$HVSIM" run --trace "$T/shares.csv" --sched "$SO" --tickets 7 --quantum 50ms --out "$T/run2" --quiet)
check "run: the same seed gives the same segments" cmp -s "$T/run/segments.csv" "$T/run2/segments.csv"

# Refusals: exit 2 with PATH: reason.
printf 'not an ELF file\n' > "$T/broken.so"
rc=$(rc_of "$HVSIM" run --sched "$T/broken.so")
check "refused: a broken .so, exit 2" test "$rc" = 2
check "refused: ... says it cannot load it" grep -q "broken.so: cannot load the plug-in" "$T/err"
cat > "$T/oldabi.c" <<'C'
#include "schedulers/sched.h"
static const struct sched_ops ops = {.info = {.name = "old"}};
const struct hvsim_plugin hvsim_plugin = {HVSIM_ABI_VERSION + 1000, "sched", &ops.info};
C
cc -std=c11 $(pkg-config --cflags hvsim) -shared -fPIC -o "$T/oldabi.so" "$T/oldabi.c"
rc=$(rc_of "$HVSIM" run --sched "$T/oldabi.so")
check "refused: another ABI version, exit 2" test "$rc" = 2
check "refused: ... naming both versions" grep -q "oldabi.so: built for plug-in ABI [0-9]*, but this hvsim has ABI" "$T/err"
rc=$(rc_of "$HVSIM" run --alloc "$SO")
check "refused: a scheduler given to --alloc, exit 2" test "$rc" = 2
check "refused: ... saying so" grep -q "a 'sched' plug-in, given to --alloc" "$T/err"
printf 'int x;\n' > "$T/none.c"
cc -shared -fPIC -o "$T/none.so" "$T/none.c"
rc=$(rc_of "$HVSIM" run --sched "$T/none.so")
check "refused: a shared object that is no plug-in, exit 2" test "$rc" = 2
check "refused: ... saying what it lacks" grep -q "none.so: not an hvsim plug-in" "$T/err"

# The conformance suite over the plug-in, in the test binary (with the
# test arguments of make: --jobs=1 under the sanitizers): each of its tests
# runs once per built-in scheduler and once for lottery.
ntests=$("$BUILD/hvsim-tests" --list 2>&1 | sed -n 's/^conformance: \([0-9]*\) tests*$/\1/p')
nsched=$("$HVSIM" list --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["sched"]))')
want=$(( ${ntests:-0} * (${nsched:-0} + 1) ))
# shellcheck disable=SC2086  # TEST_ARGS is a list of arguments
rc=$(rc_of env HVSIM_TEST_PLUGINS="$SO" "$BUILD/hvsim-tests" ${TEST_ARGS:-} --filter 'conformance/*')
check "conformance: the suite passes over every scheduler, lottery included" test "$rc" = 0
check "conformance: ... and lottery was among them ($want cases)" grep -q "Tested: $want " "$T/err"
[ "$rc" = 0 ] || cat "$T/err"

echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
