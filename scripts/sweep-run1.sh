#!/bin/sh
# One run of a sweep (used by `scripts/sweep run` through GNU parallel, on
# this machine or over ssh, and by the Slurm array task).  POSIX sh and
# hvsim are all it needs on the machine that runs it.
#
# usage: sweep-run1.sh DIR HVSIM ID HVSIM-ARGS...
#
# Writes DIR/runs/ID.json atomically (hvsim --json into a temporary file in
# the same directory, then mv); a run is done iff that file exists.  The
# run's stderr goes to DIR/logs/ID.err (removed when empty); on failure its
# exit status goes to DIR/logs/ID.rc and this script exits with it.
set -u
if [ "$#" -lt 3 ]; then
    echo "usage: sweep-run1.sh DIR HVSIM ID HVSIM-ARGS..." >&2
    exit 2
fi
dir=$1 hv=$2 id=$3
shift 3
out="$dir/runs/$id.json"
[ -e "$out" ] && exit 0
tmp="$dir/runs/.$id.json.$(hostname 2>/dev/null || echo h).$$"
err="$dir/logs/$id.err"
trap 'rm -f "$tmp"; exit 143' TERM
trap 'rm -f "$tmp"; exit 130' INT
trap 'rm -f "$tmp"; exit 129' HUP
"$hv" run "$@" --json --quiet > "$tmp" 2> "$err"
rc=$?
if [ "$rc" -eq 0 ] && [ -s "$tmp" ]; then
    mv -f "$tmp" "$out" || { rm -f "$tmp"; echo 1 > "$dir/logs/$id.rc"; exit 1; }
    rm -f "$dir/logs/$id.rc"
    [ -s "$err" ] || rm -f "$err"
    exit 0
fi
rm -f "$tmp"
[ "$rc" -eq 0 ] && { rc=1; echo "sweep-run1: hvsim printed no summary" >> "$err"; }
echo "$rc" > "$dir/logs/$id.rc"
exit "$rc"
