#!/bin/sh
# tests/sweep/test_sweep.sh - tests of scripts/sweep (make test-sweep).
#
# A sweep of a few dozen short runs through GNU parallel; the same sweep
# killed half-way and resumed gives the same aggregate CSV (byte for byte,
# leaving out the wall-clock column); failures are reported and do not stop
# the others; and the Slurm path against a real single-node Slurm started
# here (munged, slurmctld, slurmd on localhost with a generated slurm.conf,
# stopped at the end), skipped with a message only where it cannot start;
# and GNU parallel over real ssh to an sshd of its own on 127.0.0.1.
# Closes with the line `N passed, N failed, N skipped`.
set -eu
cd "$(dirname "$0")/../.."
REPO=$(pwd)
HVSIM=${HVSIM_BIN:-build/hvsim}
case $HVSIM in /*) ;; *) HVSIM=$REPO/$HVSIM ;; esac
export HVSIM_BIN="$HVSIM"
SWEEP=$REPO/scripts/sweep
T=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-sweep-test.XXXXXX")
chmod 755 "$T"
pass=0 failed=0 skipped=0
SLURM_UP=0

stop_slurm() {
    [ "$SLURM_UP" = 1 ] || [ -d "$T/slurm" ] || return 0
    S=$T/slurm
    pids=""
    for f in "$S/slurmd.pid" "$S/slurmctld.pid" "$S/munged.pid"; do
        [ -s "$f" ] && pids="$pids $(cat "$f")"
    done
    [ -n "$pids" ] || { SLURM_UP=0; return 0; }
    # shellcheck disable=SC2086
    kill $pids 2>/dev/null || true
    i=0
    while [ $i -lt 100 ]; do
        alive=0
        for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ $alive = 0 ] && break
        sleep 0.1
        i=$((i + 1))
    done
    # shellcheck disable=SC2086
    [ $alive = 0 ] || kill -9 $pids 2>/dev/null || true
    SLURM_UP=0
}
cleanup() {
    [ ! -s "$T/sshd/sshd.pid" ] || kill "$(cat "$T/sshd/sshd.pid")" 2>/dev/null || true
    stop_slurm
    [ -n "${SWEEP_TEST_KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { pass=$((pass + 1)); echo "PASS: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }
check() { d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }

# exit status of a command, its output in $T/out and $T/err
rc_of() { set +e; "$@" > "$T/out" 2> "$T/err"; rc=$?; set -e; echo "$rc"; }
# the CSV without its wall-clock column
no_wall() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "wall_seconds") w = i }
             { s = ""; for (i = 1; i <= NF; i++) if (i != w) s = s (s == "" ? "" : ",") $i; print s }' "$1"
}
count_runs() { find "$1/runs" -name '*.json' ! -name '.*' | wc -l | tr -d ' '; }

for tool in parallel jq; do
    command -v "$tool" >/dev/null || { echo "test_sweep: $tool is missing (scripts/deps.sh)" >&2; exit 1; }
done
[ -x "$HVSIM" ] || { echo "test_sweep: no hvsim at $HVSIM (make)" >&2; exit 1; }

# ---------------------------------------------------------------- usage
check "--help prints the usage, exit 0" sh -c "'$SWEEP' --help | grep -q '^usage: scripts/sweep plan'"
check "no command: exit 2" test "$(rc_of "$SWEEP")" = 2
check "unknown command: exit 2 with a message" sh -c "[ \$('$SWEEP' frobnicate 2>&1 >/dev/null | grep -c 'unknown command') = 1 ]"
check "plan without --dir: exit 2" test "$(rc_of "$SWEEP" plan --axis sched=fcfs)" = 2
check "an axis without values: exit 2" test "$(rc_of "$SWEEP" plan --axis sched --dir "$T/x")" = 2
check "--seed in the base: exit 2" test "$(rc_of "$SWEEP" plan --axis sched=fcfs --base '--seed 3' --dir "$T/x")" = 2
check "a bad range: exit 2" test "$(rc_of "$SWEEP" plan --axis load=0.9:0.5:0.1 --dir "$T/x")" = 2
check "run on a directory that is no sweep: exit 2" test "$(rc_of "$SWEEP" run "$T/nothing")" = 2
check "bad usage creates nothing" test ! -e "$T/x"

# ---------------------------------------------------------------- plan
BASE='--generate n=2000,work=hyperexp:0.8873:0.56338:4.43656 --quantum 10ms'
plan() { # DIR [more args]
    d=$1; shift
    "$SWEEP" plan --axis sched=fcfs,rr --axis load=0.5:0.8:0.1 --reps 4 --seed 7 \
        --crn sched --base "$BASE" --dir "$d" "$@" 2>/dev/null
}
plan "$T/a"
check "plan: 2 x 4 x 4 reps = 32 runs" test "$(tail -n +2 "$T/a/plan.tsv" | wc -l)" -eq 32
check "plan: run ids are unique" test "$(tail -n +2 "$T/a/plan.tsv" | cut -f1 | sort -u | wc -l)" -eq 32
"$SWEEP" plan --axis load=0.5:0.9:0.1 --axis sched=rr,fcfs,maxtput --reps 5 --seed 7 --crn sched \
    --base "$BASE" --dir "$T/bigger" 2>/dev/null
# id and seed of each run of a: the same in the bigger sweep (more values,
# another axis order, more reps)
cut -f1,2 "$T/a/plan.tsv" | tail -n +2 | sort > "$T/a.ids"
cut -f1,2 "$T/bigger/plan.tsv" | tail -n +2 | sort > "$T/bigger.ids"
check "plan: ids and seeds do not change when axis values, reps or axis order change" \
    test "$(comm -23 "$T/a.ids" "$T/bigger.ids" | wc -l)" -eq 0
check "plan: --crn sched gives fcfs and rr the same seed at each point" \
    test "$(awk -F'\t' 'NR > 1 { print $2, $5, $3 }' "$T/a/plan.tsv" | sort -u | wc -l)" -eq 16
"$SWEEP" plan --axis load=0.5,0.8 --base '--generate n=10,work=exp:2 --cores 2' --dir "$T/load" 2>/dev/null
check "plan: load 0.5 on 2 cores with work exp:2 maps to interarrival=exp:2" \
    grep -q 'n=10,work=exp:2,interarrival=exp:2	' "$T/load/argv.tsv"
check "plan: load 0.8 maps to interarrival=exp:1.25" grep -q 'interarrival=exp:1.25	' "$T/load/argv.tsv"
"$SWEEP" plan --axis load=0.5,1 --base "--trace $T/t.swf --cores 4" --trace-load 0.25 --dir "$T/trace" 2>/dev/null
check "plan: load with a trace maps to --scale-arrivals load/trace-load" \
    sh -c "grep -q -e '--scale-arrivals	2	' '$T/trace/argv.tsv' && grep -q -e '--scale-arrivals	4	' '$T/trace/argv.tsv'"
# Without --trace-load, hvsim check --json measures the trace's own load on
# each run's platform and part of the trace: 4 jobs of 10 s x 2 vCPUs
# arriving over 40 s is 80 / 40 = 2 cores busy: load 0.5 on 4 cores, 0.25
# on 8; the first 3 jobs arrive over 20 s: 60 / 20 / 4 = 0.75.
printf 'id,arrival,work,vcpus\na,0,10,2\nb,10,10,2\nc,20,10,2\nd,40,10,2\n' > "$T/t4.csv"
"$SWEEP" plan --axis load=0.5 --axis cores=4,8 --base "--trace $T/t4.csv" --dir "$T/tload" 2>/dev/null
check "plan: a trace's own load from hvsim check (load 0.5 of 0.5 on 4 cores: scale 1)" \
    test "$(grep -e '--cores	4	' "$T/tload/argv.tsv" | grep -c -e '--scale-arrivals	1	')" = 1
check "plan: ... and of 0.25 on 8 cores: scale 2" \
    test "$(grep -e '--cores	8	' "$T/tload/argv.tsv" | grep -c -e '--scale-arrivals	2	')" = 1
"$SWEEP" plan --axis load=0.75 --base "--trace $T/t4.csv --cores 4 --limit 3" --dir "$T/tlimit" 2>/dev/null
check "plan: ... of the part of the trace a run replays (--limit 3: load 0.75, scale 1)" \
    grep -q -e '--scale-arrivals	1	' "$T/tlimit/argv.tsv"
check "plan: load with a trace hvsim cannot read: exit 2" \
    test "$(rc_of "$SWEEP" plan --axis load=0.5 --base "--trace $T/nonexistent.swf" --dir "$T/x")" = 2

# Every value is checked against hvsim list --json before anything runs.
for bad in "sched=fcfs,nosuch" "quantum=10ms,-1" "tie=fifo,lifo" "hw=none,nope" "cores=1,2.5" \
           "frob=1" "gen.class=io-bound,nope" "clairvoyant=yes,maybe"; do
    rc=$(rc_of "$SWEEP" plan --axis "$bad" --dir "$T/x")
    check "plan: --axis $bad: exit 2 naming the axis" \
        sh -c "[ $rc = 2 ] && grep -q -e '--axis ${bad%%=*}: ' '$T/err'"
done
check "plan: a bad value in the base: exit 2" \
    test "$(rc_of "$SWEEP" plan --axis sched=fcfs --base '--quantum 0' --dir "$T/x")" = 2
check "plan: bad values create nothing" test ! -e "$T/x"
check "plan: aliases, units and every family pass" \
    test "$(rc_of "$SWEEP" plan --axis sched=sjf,srtf,priority,fifo --axis quantum=1min,2h \
        --axis alloc=static,demand --axis place=best-fit --axis hw=skylake-sp --dir "$T/ok")" = 0

cat > "$T/desc.json" <<JSON
{"axes": {"sched": ["fcfs", "rr"], "load": "0.5:0.8:0.1"}, "reps": 4, "seed": 7,
 "crn": ["sched"], "base": "$BASE", "dir": "fromfile"}
JSON
"$SWEEP" plan "$T/desc.json" 2>/dev/null
check "plan FILE.json: the same runs as the command line (dir relative to the file)" \
    cmp -s "$T/a/argv.tsv" "$T/fromfile/argv.tsv"
check "plan: a load that is no number: exit 2" test "$(rc_of "$SWEEP" plan --axis load=high --dir "$T/x")" = 2

# ---------------------------------------------------------------- run
rc=$(rc_of "$SWEEP" run "$T/a" -j 2)
check "run: a sweep of 32 runs through GNU parallel exits 0" test "$rc" = 0
check "run: 32 summary files" test "$(count_runs "$T/a")" = 32
check "run: every summary is JSON with the run's seed" sh -c '
    tail -n +2 "$1/plan.tsv" | while IFS="	" read -r id seed rest; do
        [ "$(jq .seed "$1/runs/$id.json")" = "$seed" ] || exit 1
    done' sh "$T/a"
line=$(sed -n 5p "$T/a/argv.tsv")
id=${line%%	*}
# shellcheck disable=SC2086
(IFS='	'; set -f; set -- $line; shift; "$HVSIM" run "$@" --json --quiet) > "$T/one.json"
check "run: a summary equals hvsim run with the same arguments (without wall-clock fields)" sh -c '
    f="del(.engine.wall_seconds, .engine.events_per_second)"
    [ "$(jq -S "$f" "$1")" = "$(jq -S "$f" "$2")" ]' sh "$T/one.json" "$T/a/runs/$id.json"
rc=$(rc_of "$SWEEP" run "$T/a" -j 2)
check "run again: nothing to do, exit 0" sh -c "[ $rc = 0 ] && grep -q '0 of 32 runs to do' '$T/err'"

rc=$(rc_of "$SWEEP" aggregate "$T/a")
check "aggregate: exit 0" test "$rc" = 0
check "aggregate: a header and one row per run" test "$(wc -l < "$T/a/aggregate.csv")" -eq 33
check "aggregate: parameter columns, then metric columns" \
    sh -c "head -1 '$T/a/aggregate.csv' | grep -q '^id,sched,load,rep,seed,status,turnaround_mean,turnaround_p50,turnaround_p95,turnaround_p99,turnaround_ci95_lo,turnaround_ci95_hi,waiting_mean,.*fairness_jain,overhead_fraction,switches,.*events,wall_seconds\$'"
check "aggregate: every row ok with its metrics" \
    test "$(awk -F, 'NR > 1 && $6 == "ok" && $7 != "" && $NF != ""' "$T/a/aggregate.csv" | wc -l)" -eq 32
check "aggregate: points.csv, one row per point" test "$(wc -l < "$T/a/points.csv")" -eq 9
if command -v gnuplot >/dev/null; then
    check "aggregate: a PNG plot of turnaround against load" \
        sh -c "head -c 8 '$T/a/plots/turnaround_mean.png' | od -An -c | grep -q 'P   N   G'"
    check "aggregate: the same plot as SVG" grep -q '<svg' "$T/a/plots/turnaround_mean.svg"
    # one plot style: the sweep's script carries hvsim's style block, line
    # for line (hvsim compare writes it into compare-metric.gp)
    mkdir -p "$T/r1" "$T/r2"
    id1=$(sed -n 2p "$T/a/plan.tsv" | cut -f1)
    id2=$(sed -n 3p "$T/a/plan.tsv" | cut -f1)
    cp "$T/a/runs/$id1.json" "$T/r1/summary.json"
    cp "$T/a/runs/$id2.json" "$T/r2/summary.json"
    "$HVSIM" compare "$T/r1" "$T/r2" --out "$T/cmpstyle" >/dev/null 2>&1
    style() { sed -n '/^# hvsim plot style$/,/^# end of the hvsim plot style$/p' "$1"; }
    style "$T/a/plots/plots.gp" > "$T/style.sweep"
    style "$T/cmpstyle/compare-cdf.gp" > "$T/style.hvsim"
    check "aggregate: the plot style of hvsim compare, line for line" \
        sh -c "[ -s '$T/style.sweep' ] && cmp -s '$T/style.sweep' '$T/style.hvsim'"
    check "aggregate: a positive metric's axis starts at 0" grep -q 'set yrange \[0:\*\]' "$T/a/plots/plots.gp"
else
    skip "plots: gnuplot is not installed"
fi

# ---------------------------------------------------------------- kill and resume
plan "$T/b"
# the job of the interrupted sweep: its own process group, so that one kill
# stops sweep, parallel and the runs together, as ^C in a terminal would
setsid "$SWEEP" run "$T/b" -j 2 > "$T/b.out" 2>&1 &
bg=$!
i=0
while [ "$(count_runs "$T/b")" -lt 4 ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -TERM "-$bg" 2>/dev/null || true
wait "$bg" 2>/dev/null || true
sleep 0.2
n_b=$(count_runs "$T/b")
check "kill: the sweep stopped part-way ($n_b of 32 done)" sh -c "[ $n_b -ge 4 ] && [ $n_b -lt 32 ]"
check "kill: every summary left behind is whole JSON" sh -c '
    for f in "$1"/runs/*.json; do jq -e .turnaround "$f" >/dev/null || exit 1; done' sh "$T/b"
rc=$(rc_of "$SWEEP" run "$T/b" -j 2)
check "resume: exit 0 and only the missing runs run" \
    sh -c "[ $rc = 0 ] && grep -q '$((32 - n_b)) of 32 runs to do' '$T/err'"
check "resume: no temporary file left" test "$(find "$T/b/runs" -name '.*' | wc -l)" -eq 0
"$SWEEP" aggregate "$T/b" --no-plots 2>/dev/null
no_wall "$T/a/aggregate.csv" > "$T/a.csv"
no_wall "$T/b/aggregate.csv" > "$T/b.csv"
check "resume: the aggregate CSV equals the uninterrupted sweep's (without wall-clock)" cmp -s "$T/a.csv" "$T/b.csv"
check "aggregate: wall-clock is the only column that differs" sh -c "! cmp -s '$T/a/aggregate.csv' '$T/b/aggregate.csv' || true"

# GNU parallel over "ssh": the login ':' is this machine, so this tests the
# --sshloginfile path without an ssh server
plan "$T/ssh" --axis load=0.5,0.6
printf '2/:\n' > "$T/nodes.txt"
rc=$(rc_of "$SWEEP" run "$T/ssh" --sshloginfile "$T/nodes.txt")
check "run --sshloginfile: exit 0, every run done" sh -c "[ $rc = 0 ] && [ $(count_runs "$T/ssh") = 16 ]"

# GNU parallel over real ssh to this machine (an sshd of the test's own on
# 127.0.0.1, with its own keys), into a directory whose name has a space
start_sshd() {
    H=$T/sshd
    command -v sshd >/dev/null || [ -x /usr/sbin/sshd ] || { ssh_why="sshd is not installed (Debian package openssh-server)"; return 1; }
    command -v ssh >/dev/null || { ssh_why="ssh is not installed"; return 1; }
    [ "$(id -u)" = 0 ] || { ssh_why="not root"; return 1; }
    mkdir -p "$H" /run/sshd
    chmod 755 "$H"
    ssh-keygen -q -t ed25519 -N '' -f "$H/hostkey" && ssh-keygen -q -t ed25519 -N '' -f "$H/userkey" ||
        { ssh_why="ssh-keygen failed"; return 1; }
    cp "$H/userkey.pub" "$H/authorized_keys"
    sport=$((40000 + $$ % 20000))
    cat > "$H/sshd_config" <<CONF
Port $sport
ListenAddress 127.0.0.1
HostKey $H/hostkey
PidFile $H/sshd.pid
AuthorizedKeysFile $H/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
StrictModes no
UsePAM no
CONF
    cat > "$H/ssh_config" <<CONF
Host *
  Port $sport
  IdentityFile $H/userkey
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  BatchMode yes
  LogLevel ERROR
CONF
    "$(command -v sshd || echo /usr/sbin/sshd)" -f "$H/sshd_config" -E "$H/sshd.log" ||
        { ssh_why="sshd did not start: $(tail -3 "$H/sshd.log")"; return 1; }
    i=0
    until ssh -F "$H/ssh_config" root@127.0.0.1 true 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 20 ] || { ssh_why="cannot ssh to 127.0.0.1: $(tail -3 "$H/sshd.log")"; return 1; }
        sleep 0.2
    done
}
ssh_why=""
if start_sshd; then
    plan "$T/over ssh" --axis load=0.5,0.6
    printf '2/ssh -F %s root@127.0.0.1\n' "$H/ssh_config" > "$T/sshnodes.txt"
    rc=$(rc_of "$SWEEP" run "$T/over ssh" --sshloginfile "$T/sshnodes.txt")
    check "run over ssh: exit 0, every run done" sh -c "[ $rc = 0 ] && [ \$(find '$T/over ssh/runs' -name '*.json' | wc -l) = 16 ]"
    check "run over ssh: the runs went through sshd" grep -q 'Accepted publickey' "$H/sshd.log"
    "$SWEEP" aggregate "$T/over ssh" --no-plots 2>/dev/null
    "$SWEEP" aggregate "$T/ssh" --no-plots 2>/dev/null
    no_wall "$T/over ssh/aggregate.csv" > "$T/ossh.csv"
    no_wall "$T/ssh/aggregate.csv" > "$T/lssh.csv"
    check "run over ssh: the same CSV as the local sweep" cmp -s "$T/ossh.csv" "$T/lssh.csv"
else
    skip "ssh: no sshd of our own: $ssh_why"
fi
[ ! -s "$T/sshd/sshd.pid" ] || kill "$(cat "$T/sshd/sshd.pid")" 2>/dev/null || true

# ---------------------------------------------------------------- failures
# a value no list can check in advance (a --generate distribution) fails
# at run time
"$SWEEP" plan --axis gen.priority=det:0,nosuch:1 --axis load=0.5,0.6 --base '--generate n=200' --dir "$T/c" 2>/dev/null
rc=$(rc_of "$SWEEP" run "$T/c" -j 2)
check "failure: run exits 1" test "$rc" = 1
check "failure: the other runs are done" test "$(count_runs "$T/c")" = 2
check "failure: reported with its parameters" grep -q 'FAILED run .*gen.priority=nosuch:1 load=0.5 rep=1 seed=' "$T/err"
check "failure: reported with its stderr" grep -q "unknown distribution 'nosuch'" "$T/err"
check "failure: stderr kept in a log file per run" \
    test "$(grep -l "unknown distribution" "$T"/c/logs/*.err | wc -l)" -eq 2
check "failure: status exits 1 and counts" sh -c "'$SWEEP' status '$T/c' | grep -q '4 runs: 2 done, 2 failed, 0 missing'; [ \$? = 0 ] && ! '$SWEEP' status '$T/c' >/dev/null"
rc=$(rc_of "$SWEEP" aggregate "$T/c" --no-plots)
check "failure: aggregate keeps a row per run, status failed, exit 1" \
    sh -c "[ $rc = 1 ] && [ \$(grep -c ',failed,' '$T/c/aggregate.csv') = 2 ]"

# ---------------------------------------------------------------- Slurm
slurm_why=""
start_slurm() {
    S=$T/slurm
    mkdir -p "$S/state" "$S/spool"
    chmod 755 "$S"
    for p in munged slurmctld slurmd sbatch sinfo; do
        command -v "$p" >/dev/null || { slurm_why="$p is not installed (Debian packages slurm-wlm munge)"; return 1; }
    done
    [ "$(id -u)" = 0 ] || { slurm_why="not root: cannot start slurmd"; return 1; }
    dd if=/dev/urandom of="$S/munge.key" bs=1024 count=1 2>/dev/null
    chmod 600 "$S/munge.key"
    munged --force --socket="$S/munge.sock" --key-file="$S/munge.key" --log-file="$S/munged.log" \
        --pid-file="$S/munged.pid" --seed-file="$S/munged.seed" 2>"$S/munged.err" ||
        { slurm_why="munged did not start: $(cat "$S/munged.err")"; return 1; }
    SLURM_UP=1
    port=$((20000 + $$ % 20000))
    mem=$(awk '/^MemTotal/ { m = int($2 / 1024) - 512; print (m > 100 ? m : 100) }' /proc/meminfo)
    cat > "$S/slurm.conf" <<CONF
ClusterName=hvsimtest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$S/munge.sock
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF="$S/slurm.conf"
    slurmctld -f "$S/slurm.conf" 2>"$S/slurmctld.err" ||
        { slurm_why="slurmctld did not start: $(tail -3 "$S/slurmctld.err" "$S/slurmctld.log" 2>/dev/null)"; return 1; }
    slurmd -f "$S/slurm.conf" -N localhost 2>"$S/slurmd.err" ||
        { slurm_why="slurmd did not start: $(tail -3 "$S/slurmd.err" "$S/slurmd.log" 2>/dev/null)"; return 1; }
    i=0
    while [ "$(sinfo -h -o %t 2>/dev/null)" != idle ] && [ $i -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
    [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] ||
        { slurm_why="the node did not come up: $(tail -3 "$S/slurmctld.log" "$S/slurmd.log" 2>/dev/null)"; return 1; }
}
if start_slurm; then
    plan "$T/s"
    check "slurm: --dry-run prints sbatch with the array and its throttle" \
        sh -c "'$SWEEP' slurm '$T/s' --throttle 2 --per-task 8 --dry-run 2>/dev/null | grep -q -- '--array=0-3%2'"
    rc=$(rc_of timeout 150 "$SWEEP" slurm "$T/s" --throttle 2 --per-task 8 --wait)
    check "slurm: the job array ran every run, exit 0" sh -c "[ $rc = 0 ] && [ $(count_runs "$T/s") = 32 ]"
    check "slurm: one output file per array task" test "$(find "$T/s/slurm" -name '*_[0-9]*.out' | wc -l)" -eq 4
    "$SWEEP" aggregate "$T/s" --no-plots 2>/dev/null
    no_wall "$T/s/aggregate.csv" > "$T/s.csv"
    check "slurm: the aggregate CSV equals the GNU parallel sweep's (without wall-clock)" cmp -s "$T/a.csv" "$T/s.csv"
    rc=$(rc_of "$SWEEP" slurm "$T/s" --wait)
    check "slurm: again, nothing to submit" sh -c "[ $rc = 0 ] && grep -q 'all 32 runs are done' '$T/err'"
else
    skip "slurm: Slurm cannot start here: $slurm_why"
fi
stop_slurm

echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
