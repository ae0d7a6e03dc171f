/*
 * tests/test_outdir.c - a run's --out DIR is one transaction (report/
 * outdir.h): whole or absent after a SIGTERM or a kill -9 at random
 * points, after a full disk, with two runs on one DIR; an old DIR is
 * replaced only when it holds hvsim's files; stale temporaries of dead
 * runs are removed by a later run; a failed write to stdout is exit 1.
 *
 * A "whole" DIR is checked against itself: every file a run writes is
 * there, and jobs.csv and timeline-plot.csv belong to summary.json (the
 * mean turnaround of jobs.csv is the summary's, its rows are the guests
 * completed), so a mix of two runs cannot pass.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "report/output.h"
#include "tests/helpers.h"

static const char *bin(void)
{
    const char *b = getenv("HVSIM_BIN");
    return b ? b : "build/hvsim";
}

/* Start hvsim with args in its own process group (so that a kill of the
 * group also stops its gnuplot, as Slurm and a terminal do); stderr to
 * errpath (or /dev/null). */
static pid_t spawn(const char *const *args, const char *errpath)
{
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        setpgid(0, 0);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        int e = errpath ? open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600) : null;
        dup2(e, 2);
        const char *argv[32] = {bin()};
        size_t n = 1;
        for (; args[n - 1]; n++)
            argv[n] = args[n - 1];
        argv[n] = NULL;
        execv(bin(), (char *const *)argv);
        _exit(127);
    }
    setpgid(pid, pid);
    return pid;
}

static int wait_status(pid_t pid)
{
    int st;
    cr_assert_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
    nanosleep(&ts, NULL);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The entries of dir (sorted, joined by spaces; "" when empty). */
static char *listing(const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | tr '\\n' ' '", dir);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char *buf = xcalloc(1, 4096);
    size_t n = fread(buf, 1, 4095, p);
    buf[n] = '\0';
    pclose(p);
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';
    return buf;
}

/* The seed of the run in dir, checking that dir is whole: summary.json
 * parses, every data file and plot of a run is there, jobs.csv has one
 * row per completed guest and the summary's mean turnaround. */
static long whole_run_seed(const char *dir)
{
    static const char *const must[] = {"summary.json", "jobs.csv", "timeline.csv",
                                       "turnaround-cdf.csv", "timeline-plot.csv",
                                       "turnaround-cdf.gp", "timeline.gp", "overhead.gp",
                                       "turnaround-cdf.png", "turnaround-cdf.svg",
                                       "timeline.png", "timeline.svg", "overhead.png",
                                       "overhead.svg"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        cr_assert(test_exists(dir, must[i]), "%s lacks %s", dir, must[i]);
    char *text = test_slurp_in(dir, "summary.json");
    json_t *s = json_loads(text, 0, NULL);
    free(text);
    cr_assert_not_null(s, "%s/summary.json does not parse", dir);
    double completed = json_number_value(json_object_get(json_object_get(s, "jobs"),
                                                         "completed"));
    double mean = json_number_value(json_object_get(json_object_get(s, "turnaround"), "mean"));
    long seed = (long)json_integer_value(json_object_get(s, "seed"));
    json_decref(s);
    char path[700];
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[512];
    long rows = -1;
    double sum = 0;
    while (fgets(line, sizeof line, f)) {
        if (rows++ < 0)
            continue;
        /* id,arrival,start,finish,waiting,turnaround,... */
        char *p = line;
        for (int k = 0; k < 5; k++)
            p = strchr(p, ',') + 1;
        sum += strtod(p, NULL);
    }
    fclose(f);
    cr_assert_eq((double)rows, completed, "%s: jobs.csv has %ld rows, the summary %g guests",
                 dir, rows, completed);
    cr_assert_float_eq(sum / (double)rows, mean, 1e-6 * mean, "%s: jobs.csv is not the "
                       "summary's run", dir);
    return seed;
}

static void run_into(const char *out, const char *seed, const char *n)
{
    struct cmd_result r;
    char gen[100];
    snprintf(gen, sizeof gen, "n=%s,interarrival=exp:1.25,work=exp:1", n);
    RUN(&r, "run", "--generate", gen, "--sched", "rr", "--quantum", "10ms", "--seed", seed,
        "--out", out, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
}

/* SIGTERM (timeout, Slurm) at random points of a run over an earlier
 * run's DIR: the run exits 143 and DIR is the old run, or it finished and
 * DIR is the new one; nothing else is left beside DIR. */
Test(outdir, sigterm_at_random_points, .timeout = 240)
{
    char *dir = test_tmpdir("outdir");
    char out[600];
    snprintf(out, sizeof out, "%s/run", dir);
    const char *n = "40000";
    double t0 = now_s();
    run_into(out, "1", n);
    double length = now_s() - t0;   /* to spread the kills over a run, not asserted */
    long expect = 1;
    cr_assert_eq(whole_run_seed(out), 1);
    unsigned rnd = 14;
    int killed = 0, finished = 0;
    for (int trial = 0; trial < 10; trial++) {
        char seed[16], gen[100];
        snprintf(seed, sizeof seed, "%d", trial + 2);
        snprintf(gen, sizeof gen, "n=%s,interarrival=exp:1.25,work=exp:1", n);
        const char *args[] = {"run", "--generate", gen, "--sched", "rr", "--quantum", "10ms",
                              "--seed", seed, "--out", out, "--quiet", NULL};
        pid_t pid = spawn(args, NULL);
        sleep_s(length * 1.3 * (double)rand_r(&rnd) / RAND_MAX);
        kill(pid, SIGTERM);
        int st = wait_status(pid);
        cr_assert(st == 0 || st == 128 + SIGTERM, "trial %d: exit %d", trial, st);
        long got = whole_run_seed(out);
        if (st == 0 || got == trial + 2)
            expect = trial + 2;   /* a TERM after the commit still finds the new DIR */
        cr_assert_eq(got, expect, "trial %d (exit %d): DIR holds the run of seed %ld", trial, st,
                     got);
        char *left = listing(dir);
        cr_assert_str_eq(left, "run", "trial %d (exit %d): beside DIR: %s", trial, st, left);
        free(left);
        killed += st != 0;
        finished += st == 0;
    }
    cr_log_info("sigterm: %d runs killed, %d finished", killed, finished);
    test_remove_tree(dir);
    free(dir);
}

/* kill -9 of the whole process group (gnuplot too) cannot be caught: DIR
 * stays whole, the temporary directory stays behind, and the next run in
 * that parent directory removes it. */
Test(outdir, kill9_temporaries_removed_by_a_later_run, .timeout = 240)
{
    char *dir = test_tmpdir("outdir");
    char out[600], other[600];
    snprintf(out, sizeof out, "%s/run", dir);
    snprintf(other, sizeof other, "%s/other", dir);
    const char *n = "40000";
    double t0 = now_s();
    run_into(out, "1", n);
    double length = now_s() - t0;
    unsigned rnd = 9;
    long expect = 1;
    bool stale_seen = false;
    for (int trial = 0; trial < 5; trial++) {
        char seed[16], gen[100];
        snprintf(seed, sizeof seed, "%d", trial + 2);
        snprintf(gen, sizeof gen, "n=%s,interarrival=exp:1.25,work=exp:1", n);
        const char *args[] = {"run", "--generate", gen, "--sched", "rr", "--quantum", "10ms",
                              "--seed", seed, "--out", out, "--quiet", NULL};
        pid_t pid = spawn(args, NULL);
        sleep_s(length * 0.9 * (double)rand_r(&rnd) / RAND_MAX);
        kill(-pid, SIGKILL);
        int st = wait_status(pid);
        long got = whole_run_seed(out);
        if (st == 0 || got == trial + 2)
            expect = trial + 2;
        cr_assert_eq(got, expect, "trial %d (exit %d)", trial, st);
        char *left = listing(dir);
        stale_seen = stale_seen || strstr(left, ".hvsim.") != NULL;
        /* only DIR and hvsim's own temporaries */
        for (char *save = NULL, *e = strtok_r(left, " ", &save); e; e = strtok_r(NULL, " ", &save))
            cr_assert(!strcmp(e, "run") || strstr(e, ".run.hvsim"), "trial %d: left '%s'",
                      trial, e);
        free(left);
    }
    cr_assert(stale_seen, "no kill landed while a run was writing (5 trials)");
    run_into(other, "7", "100");
    char *left = listing(dir);
    cr_assert_str_eq(left, "other run", "a later run left: %s", left);
    free(left);
    test_remove_tree(dir);
    free(dir);
}

/* Two runs on one DIR: while one writes, the other refuses at once with
 * a message naming it; started together, each either finishes or
 * refuses, and DIR is whole and from a run that finished. */
Test(outdir, two_runs_on_one_dir, .timeout = 240)
{
    char *dir = test_tmpdir("outdir");
    char out[600], err[700], lock[700];
    snprintf(out, sizeof out, "%s/run", dir);
    snprintf(err, sizeof err, "%s.err", dir);
    snprintf(lock, sizeof lock, "%s/.run.hvsim-lock", dir);
    const char *longrun[] = {"run", "--generate", "n=50000000", "--sched", "rr", "--quantum",
                             "10ms", "--out", out, "--quiet", NULL};
    pid_t a = spawn(longrun, NULL);
    struct stat st;
    for (int i = 0; i < 2000 && stat(lock, &st) != 0; i++)   /* until it holds the lock */
        sleep_s(0.01);
    cr_assert_eq(stat(lock, &st), 0, "the first run never took its lock");
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=10", "--out", out);
    cr_expect_eq(r.status, 1);
    char want[64];
    snprintf(want, sizeof want, "another hvsim (pid %ld) is writing", (long)a);
    cr_expect(strstr(r.err, want), "%s", r.err);
    cmd_result_free(&r);
    kill(a, SIGTERM);
    cr_expect_eq(wait_status(a), 128 + SIGTERM);
    char *left = listing(dir);
    cr_expect_str_eq(left, "", "left after a TERM: %s", left);
    free(left);

    for (int trial = 0; trial < 5; trial++) {
        const char *x[] = {"run", "--generate", "n=20000", "--seed", "11", "--out", out,
                           "--quiet", NULL};
        const char *y[] = {"run", "--generate", "n=20000", "--seed", "12", "--out", out,
                           "--quiet", NULL};
        pid_t px = spawn(x, NULL), py = spawn(y, err);
        int sx = wait_status(px), sy = wait_status(py);
        cr_assert((sx == 0 || sx == 1) && (sy == 0 || sy == 1), "exits %d %d", sx, sy);
        cr_assert(sx == 0 || sy == 0, "trial %d: both refused", trial);
        if (sy == 1) {
            char *e = test_slurp(err, NULL);
            cr_expect(strstr(e, "is writing this directory now"), "%s", e);
            free(e);
        }
        long seed = whole_run_seed(out);
        cr_assert((seed == 11 && sx == 0) || (seed == 12 && sy == 0),
                  "trial %d: DIR is seed %ld, exits %d %d", trial, seed, sx, sy);
        left = listing(dir);
        cr_assert_str_eq(left, "run", "%s", left);
        free(left);
    }
    unlink(err);
    test_remove_tree(dir);
    free(dir);
}

/* An existing DIR is replaced only when it holds nothing but hvsim's
 * files: a user's file or a subdirectory is refused, never deleted. */
Test(outdir, replaces_only_an_earlier_run, .timeout = 60)
{
    char *dir = test_tmpdir("outdir");
    char out[600], path[700];
    snprintf(out, sizeof out, "%s/run", dir);
    run_into(out, "1", "100");
    /* an earlier version's hidden temporary goes with the old run */
    snprintf(path, sizeof path, "%s/.jobs.csv.tmp.12345", out);
    fclose(fopen(path, "w"));
    run_into(out, "2", "100");
    cr_expect_eq(whole_run_seed(out), 2);
    cr_expect_not(test_exists(out, ".jobs.csv.tmp.12345"));
    snprintf(path, sizeof path, "%s/notes.txt", out);
    FILE *f = fopen(path, "w");
    fputs("mine\n", f);
    fclose(f);
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=100", "--seed", "3", "--out", out);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "holds 'notes.txt', which hvsim does not write"), "%s", r.err);
    cmd_result_free(&r);
    cr_expect_eq(whole_run_seed(out), 2, "the refused run changed DIR");
    cr_expect(test_exists(out, "notes.txt"));
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", out);
    mkdir(path, 0700);
    RUN(&r, "run", "--generate", "n=100", "--out", out);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "holds 'sub'"), "%s", r.err);
    cmd_result_free(&r);
    rmdir(path);
    /* a file where DIR should be */
    snprintf(path, sizeof path, "%s/file", dir);
    fclose(fopen(path, "w"));
    RUN(&r, "run", "--generate", "n=100", "--out", path);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "exists and is not a directory"), "%s", r.err);
    cmd_result_free(&r);
    /* a symbolic link to a directory: the directory is replaced, the link kept */
    char link[700], real[700];
    snprintf(real, sizeof real, "%s/real", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    mkdir(real, 0777);
    cr_assert_eq(symlink("real", link), 0);
    run_into(link, "4", "100");
    struct stat ls;
    cr_expect(lstat(link, &ls) == 0 && S_ISLNK(ls.st_mode), "the link was replaced");
    cr_expect_eq(whole_run_seed(real), 4);
    char *left = listing(dir);
    cr_expect_str_eq(left, "file link real run", "%s", left);
    free(left);
    test_remove_tree(dir);
    free(dir);
}

/* Bad input found in the middle of a run (line 3000 of a trace): exit 2
 * and nothing in or beside DIR, not even the parents it made. */
Test(outdir, bad_input_mid_run_leaves_nothing, .timeout = 60)
{
    char *dir = test_tmpdir("outdir");
    char trace[600], out[600];
    snprintf(trace, sizeof trace, "%s/t.csv", dir);
    FILE *f = fopen(trace, "w");
    fputs("arrival,work\n", f);
    for (int i = 0; i < 3000; i++)
        fprintf(f, "%d,0.5\n", i);
    fputs("3000,-1\n", f);
    fclose(f);
    snprintf(out, sizeof out, "%s/a/b/run", dir);
    struct cmd_result r;
    RUN(&r, "run", "--trace", trace, "--out", out);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "t.csv:3002:"), "%s", r.err);
    cmd_result_free(&r);
    char *left = listing(dir);
    cr_expect_str_eq(left, "t.csv", "%s", left);
    free(left);
    test_remove_tree(dir);
    free(dir);
}

/* A full disk: a small tmpfs in a mount namespace of our own.  Every run
 * that does not fit exits 1 and leaves nothing of itself; an earlier run
 * in DIR stays whole. */
Test(outdir, full_disk_leaves_nothing, .timeout = 120)
{
    if (geteuid() != 0)
        cr_skip_test("needs root, to mount a small tmpfs in a mount namespace (unshare -m)");
    if (system("command -v unshare > /dev/null 2>&1") != 0)
        cr_skip_test("needs unshare(1) (util-linux), to mount a small tmpfs privately");
    char *dir = test_tmpdir("fulldisk");
    char script[4096];
    /* In the namespace: for each size, mount a tmpfs, run, record the
     * exit status and what is left, unmount. */
    snprintf(script, sizeof script,
             "set -u\n"
             "D='%s'; H='%s'\n"
             "mkdir -p \"$D/mnt\"\n"
             "exec unshare -m sh -c '\n"
             "D=\"$0\"; H=\"$1\"\n"
             "mount --make-rprivate / 2>/dev/null\n"
             "for size in 8k 64k 200k 300k 450k; do\n"
             "  mount -t tmpfs -o size=$size tmpfs \"$D/mnt\" || exit 77\n"
             "  \"$H\" run --generate n=200 --out \"$D/mnt/run\" --quiet 2>\"$D/err.$size\"\n"
             "  echo $? > \"$D/status.$size\"\n"
             "  ls -A \"$D/mnt\" | tr \"\\n\" \" \" > \"$D/left.$size\"\n"
             "  umount \"$D/mnt\"\n"
             "done\n"
             "mount -t tmpfs -o size=900k tmpfs \"$D/mnt\" || exit 77\n"
             "\"$H\" run --generate n=200 --seed 1 --out \"$D/mnt/run\" --quiet 2>\"$D/err.old1\"; "
             "echo $? > \"$D/status.old1\"\n"
             "\"$H\" run --generate n=200 --seed 2 --out \"$D/mnt/run\" --quiet 2>\"$D/err.old2\"; "
             "echo $? > \"$D/status.old2\"\n"
             "ls -A \"$D/mnt\" | tr \"\\n\" \" \" > \"$D/left.old\"\n"
             "cp \"$D/mnt/run/summary.json\" \"$D/summary.old\"\n"
             "umount \"$D/mnt\"\n"
             "' \"$D\" \"$H\"\n", dir, bin());
    int rc = system(script);
    if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77)
        cr_skip_test("cannot mount a tmpfs in a mount namespace here (no CAP_SYS_ADMIN?)");
    cr_assert_eq(rc, 0, "the namespace script failed (%d)", rc);
    static const char *const sizes[] = {"8k", "64k", "200k", "300k", "450k"};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "status.%s", sizes[i]);
        char *status = test_slurp_in(dir, name);
        snprintf(name, sizeof name, "err.%s", sizes[i]);
        char *err = test_slurp_in(dir, name);
        snprintf(name, sizeof name, "left.%s", sizes[i]);
        char *left = test_slurp_in(dir, name);
        cr_expect_eq(atoi(status), 1, "tmpfs of %s: exit %s (%s)", sizes[i], status, err);
        cr_expect_str_eq(left, "", "tmpfs of %s: left %s", sizes[i], left);
        cr_expect(strstr(err, "No space left on device") || strstr(err, "cut short"),
                  "tmpfs of %s: %s", sizes[i], err);
        free(status);
        free(err);
        free(left);
    }
    char *s1 = test_slurp_in(dir, "status.old1"), *s2 = test_slurp_in(dir, "status.old2");
    char *left = test_slurp_in(dir, "left.old"), *summary = test_slurp_in(dir, "summary.old");
    cr_expect_eq(atoi(s1), 0, "the first run fits in 900k");
    cr_expect_eq(atoi(s2), 1, "the second does not fit beside the first");
    cr_expect_str_eq(left, "run ", "%s", left);
    json_t *j = json_loads(summary, 0, NULL);
    cr_expect_eq(json_integer_value(json_object_get(j, "seed")), 1, "DIR is the first run");
    json_decref(j);
    free(s1);
    free(s2);
    free(left);
    free(summary);
    test_remove_tree(dir);
    free(dir);
}

/* Standard output that cannot be written is a failure (exit 1) for every
 * command; compare checks --out before it prints anything. */
Test(outdir, stdout_full_and_compare_out_first, .timeout = 60)
{
    char *dir = test_tmpdir("outdir");
    char out[600];
    snprintf(out, sizeof out, "%s/r", dir);
    run_into(out, "1", "100");
    const char *cmds[][6] = {
        {"list", NULL}, {"check", "workloads/samples/kth-sp2-1996-head3000.swf", NULL},
        {"explain", "--hw", "skylake-sp", NULL}, {"run", "--help", NULL},
        {"run", "--generate", "n=10", "--json", NULL}, {"compare", out, NULL},
        {"--version", NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char cmd[1200] = "";
        snprintf(cmd, sizeof cmd, "'%s'", bin());
        for (size_t k = 0; cmds[i][k]; k++)
            snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " '%s'", cmds[i][k]);
        strcat(cmd, " > /dev/full 2> /dev/null");
        int st = system(cmd);
        cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 1, "%s: exit %d", cmd,
                  WEXITSTATUS(st));
    }
    struct cmd_result r;
    RUN(&r, "compare", out, "--out", "/proc/hvsim-cannot-write-here");
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect_str_empty(r.out, "the table was printed before --out failed");
    cmd_result_free(&r);
    test_remove_tree(dir);
    free(dir);
}

/* timeline.csv has a row limit: a run that reaches it fails with the
 * interval that would fit (here a limit of 50 rows). */
Test(outdir, timeline_row_limit)
{
    char *dir = test_tmpdir("outdir");
    struct run_output o;
    struct sim_error err;
    cr_assert_eq(run_output_open(&o, dir, false, false, SIM_MS(100), &err), 0, "%s", err.text);
    o.max_rows = 50;
    struct sim_experiment x;
    test_experiment(&x, "fcfs", 1);
    x.sample = SIM_MS(100);
    struct sim_hooks hooks = {0};
    run_output_attach(&o, &hooks, &x, 0, NULL);
    static const struct test_job jobs[] = {{"a", 0, 20, 1, 0, 0, NULL, 0, 0}};
    struct trace_reader r;
    test_array_open(&r, jobs, 1);
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0);
    cr_assert_eq(sim_run(sim, &r, &err), 0);
    trace_close(&r);
    sim_destroy(sim);
    json_t *summary = json_pack("{s:f}", "makespan", 20.0);
    cr_assert_eq(run_output_write(&o, summary, &err), SIM_EINVAL);
    cr_expect(strstr(err.text, "reached its limit of 50 rows at simulated time 5.1 s"), "%s",
              err.text);
    cr_expect(strstr(err.text, "would need about 201 rows"), "%s", err.text);
    cr_expect(strstr(err.text, "give --sample 500ms or more"), "%s", err.text);
    json_decref(summary);
    run_output_close(&o);
    sim_experiment_release(&x);
    test_remove_tree(dir);
    free(dir);
}
