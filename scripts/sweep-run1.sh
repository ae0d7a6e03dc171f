#!/bin/sh
# Runs of a sweep (used by `scripts/sweep run` through GNU parallel, on this
# machine or over ssh, and by the Slurm array task).  POSIX sh and hvsim
# are all it needs on the machine that runs it.
#
# usage: sweep-run1.sh DIR HVSIM ID HVSIM-ARGS...     one run
#        sweep-run1.sh --stdin DIR HVSIM              one run per line of
#                                                     stdin: ID<TAB>ARGS...
#
# A run writes DIR/runs/ID.json atomically (hvsim --json into a temporary
# file in the same directory, then mv); a run is done iff that file exists,
# and a done run is skipped.  The run's stderr goes to DIR/logs/ID.err (only
# when there is any); on failure its exit status goes to DIR/logs/ID.rc.  The
# exit status is 0 iff every run is done.  Per run this costs hvsim, one new
# file and one mv.
set -u
usage() {
    echo "usage: sweep-run1.sh DIR HVSIM ID HVSIM-ARGS... | sweep-run1.sh --stdin DIR HVSIM" >&2
    exit 2
}
batch=0
if [ "${1:-}" = "--stdin" ]; then
    batch=1
    shift
    [ "$#" -eq 2 ] || usage
else
    [ "$#" -ge 3 ] || usage
fi
dir=$1 hv=$2
shift 2
host=h
{ read -r host < /proc/sys/kernel/hostname; } 2>/dev/null || host=$(hostname 2>/dev/null) || host=h
tmp=""
# stderr of each run goes to one scratch file of this process, truncated for
# every run and moved to logs/ID.err only when it holds something: creating
# a file per run costs more than a small run on some file systems
errtmp="$dir/logs/.err.$host.$$"
trap '[ -z "$tmp" ] || rm -f "$tmp"; rm -f "$errtmp"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# run_one ID ARGS...: returns hvsim's exit status (0 when already done)
run_one() {
    id=$1
    shift
    out="$dir/runs/$id.json"
    [ -e "$out" ] && return 0
    err="$dir/logs/$id.err"
    tmp="$dir/runs/.$id.json.$host.$$"
    "$hv" run "$@" --json --quiet > "$tmp" 2> "$errtmp"
    rc=$?
    if [ "$rc" -eq 0 ] && [ -s "$tmp" ] && mv -f "$tmp" "$out"; then
        tmp=""
        [ ! -e "$dir/logs/$id.rc" ] || rm -f "$dir/logs/$id.rc"
        if [ -s "$errtmp" ]; then
            mv -f "$errtmp" "$err"
        elif [ -e "$err" ]; then
            rm -f "$err"
        fi
        return 0
    fi
    rm -f "$tmp"
    tmp=""
    if [ "$rc" -eq 0 ]; then
        rc=1
        echo "sweep-run1: hvsim printed no summary, or it could not be moved to $out" >> "$errtmp"
    fi
    mv -f "$errtmp" "$err"
    echo "$rc" > "$dir/logs/$id.rc"
    return "$rc"
}

if [ "$batch" = 0 ]; then
    run_one "$@"
    exit $?
fi
fail=0
tab=$(printf '\t')
set -f
while IFS= read -r line; do
    [ -n "$line" ] || continue
    IFS=$tab
    # shellcheck disable=SC2086
    set -- $line
    IFS=' '
    run_one "$@" || fail=$((fail + 1))
done
[ "$fail" -eq 0 ]
