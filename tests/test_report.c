/*
 * tests/test_report.c - what a run reports beyond the engine's metrics,
 * and that each figure has one value wherever it is printed:
 *   deadline misses (count, ratio, per guest in jobs.csv), results by
 *   workload class and by priority (summary and jobs.csv columns);
 *   the slowdown of jobs.csv and of the summary are one definition;
 *   times exact from the integer clock (no rounding residue, no float
 *   noise in the JSON);
 *   --reps: each replication's figures in reps.csv and the JSON, and
 *   identical replications said to be so.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "report/output.h"
#include "report/plots.h"
#include "tests/helpers.h"

/* Silberschatz's priority example with deadlines and classes: P2 P5 P1
 * P3 P4 finish at 1 6 16 18 19; deadlines 12 (P1), none (P2), 15 (P3),
 * 25 (P4), 5 (P5): P1, P3 and P5 miss theirs. */
#define DEADLINES                                                                      \
    "id,arrival,work,priority,deadline,class\n"                                        \
    "P1,0,10,3,12,cpu-bound\nP2,0,1,1,,io-bound\nP3,0,2,4,15,io-bound\nP4,0,1,5,25,\n" \
    "P5,0,5,2,5,\n"

static json_t *summary_in(const char *dir)
{
    char *text = test_slurp_in(dir, "summary.json");
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    cr_assert_not_null(j, "summary.json: %s", je.text);
    free(text);
    return j;
}

static double num_at(const json_t *j, const char *a, const char *b)
{
    const json_t *v = json_object_get(j, a);
    if (b)
        v = json_object_get(v, b);
    cr_assert(json_is_number(v), "no number at %s.%s", a, b ? b : "");
    return json_number_value(v);
}

Test(report, deadlines_classes_and_priorities)
{
    char *trace = write_temp(".csv", DEADLINES);
    char *dir = test_tmpdir("report");
    struct cmd_result r;
    RUN(&r, "run", "--trace", trace, "--sched", "priority", "--out", dir, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    char *jobs = test_slurp_in(dir, "jobs.csv");
    cr_expect(strncmp(jobs, OUTPUT_JOBS_HEADER "\n", strlen(OUTPUT_JOBS_HEADER) + 1) == 0, "%s",
              jobs);
    cr_expect(strstr(OUTPUT_JOBS_HEADER, ",class,priority,deadline,deadline_missed") != NULL);
    cr_expect(strstr(jobs, "\nP2,0.000000000,0.000000000,1.000000000,0.000000000,1.000000000,"
                           "1,0,1.000000000,1.000000000,0,1,1,io-bound,1,,,") != NULL, "%s", jobs);
    cr_expect(strstr(jobs, ",cpu-bound,2,5.000000000,1,") != NULL, "P5 missed: %s", jobs);
    cr_expect(strstr(jobs, ",cpu-bound,5,25.000000000,0,") != NULL, "P4 made it: %s", jobs);
    free(jobs);
    json_t *s = summary_in(dir);
    cr_expect_eq(num_at(s, "deadlines", "guests"), 4);
    cr_expect_eq(num_at(s, "deadlines", "missed"), 3);
    cr_expect_eq(num_at(s, "deadlines", "miss_ratio"), 0.75);
    const json_t *bc = json_object_get(s, "by_class");
    cr_expect_eq(json_object_size(bc), 2, "cpu-bound (the default) and io-bound");
    cr_expect_eq(num_at(bc, "cpu-bound", "completed"), 3);
    cr_expect_float_eq(num_at(bc, "cpu-bound", "turnaround_mean"), (6 + 16 + 19) / 3.0, 1e-12);
    cr_expect_eq(num_at(bc, "cpu-bound", "deadline_missed"), 2);
    cr_expect_eq(num_at(bc, "io-bound", "turnaround_mean"), 9.5);
    cr_expect_eq(num_at(bc, "io-bound", "waiting_mean"), 8);
    const json_t *bp = json_object_get(s, "by_priority");
    cr_assert_eq(json_array_size(bp), 5);
    for (size_t i = 0; i < 5; i++)
        cr_expect_eq(num_at(json_array_get(bp, i), "priority", NULL), (double)(i + 1),
                     "in priority order");
    cr_expect_eq(num_at(json_array_get(bp, 2), "turnaround_mean", NULL), 16, "P1");
    cr_expect_eq(num_at(json_array_get(bp, 2), "slowdown_mean", NULL), 1.6);
    json_decref(s);
    test_remove_tree(dir);
    free(dir);
    unlink(trace);
    free(trace);
}

/* The breakdown's groups by class and by priority, fed directly: while
 * every counted guest had one class and one priority it adds each guest
 * to one group only, and when another comes the groups split; either
 * way the figures are those of adding each guest to each of its groups.
 * One warm-up guest (class b, priority 9) is not counted.  Turnarounds
 * (s): a at priority 1: 2, 4, 6, then b at 2: 10, then a at 1: 8. */
static void breakdown_feed(struct breakdown *b, const int *cls, const double *prio,
                           const double *turn, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct guest g = {0};
        g.cls = cls[i];
        g.priority = prio[i];
        g.work = 1000000000;
        g.deadline = -1;
        sim_time_t t = (sim_time_t)(turn[i] * 1e9);
        struct sim_job_info j = {&g, t, t, t};
        breakdown_add(b, &j);
    }
}

Test(report, breakdown_groups_one_then_split)
{
    static const char *const names[] = {"a", "b"};
    struct sim_experiment x = {0};
    x.warmup = 1;
    x.hw.class_names = names;
    x.hw.nclasses = 2;
    static const int cls[] = {1, 0, 0, 0, 1, 0};
    static const double prio[] = {9, 1, 1, 1, 2, 1};
    static const double turn[] = {50, 2, 4, 6, 10, 8};
    for (size_t n = 4; n <= 6; n += 2) {   /* a alone (one group), then a and b */
        struct breakdown b;
        breakdown_init(&b, &x);
        breakdown_feed(&b, cls, prio, turn, n);
        json_t *s = json_object();
        breakdown_summary(s, &b, 1);
        const json_t *bc = json_object_get(s, "by_class");
        const json_t *bp = json_object_get(s, "by_priority");
        double a_n = n == 4 ? 3 : 4, a_mean = n == 4 ? 4 : 5;
        cr_expect_eq(num_at(bc, "a", "completed"), a_n, "n = %zu", n);
        cr_expect_float_eq(num_at(bc, "a", "turnaround_mean"), a_mean, 1e-12, "n = %zu", n);
        cr_expect_float_eq(num_at(bc, "a", "slowdown_mean"), a_mean, 1e-12, "n = %zu", n);
        cr_assert_eq(json_array_size(bp), n == 4 ? 1 : 2, "n = %zu", n);
        cr_expect_eq(num_at(json_array_get(bp, 0), "priority", NULL), 1);
        cr_expect_eq(num_at(json_array_get(bp, 0), "completed", NULL), a_n);
        cr_expect_float_eq(num_at(json_array_get(bp, 0), "turnaround_mean", NULL), a_mean, 1e-12);
        if (n == 4) {
            cr_expect_null(json_object_get(bc, "b"), "b only in the warm-up");
        } else {
            cr_expect_eq(num_at(bc, "b", "completed"), 1);
            cr_expect_eq(num_at(bc, "b", "turnaround_mean"), 10);
            cr_expect_eq(num_at(json_array_get(bp, 1), "priority", NULL), 2);
            cr_expect_eq(num_at(json_array_get(bp, 1), "turnaround_mean", NULL), 10);
        }
        json_decref(s);
        breakdown_free(&b);
    }
}

/* --start shifts a deadline with its arrival: the guest keeps its 5 s. */
Test(report, deadline_moves_with_its_arrival)
{
    char *trace = write_temp(".csv", "id,arrival,work,deadline\nA,10,2,15\nB,10,4,15\n");
    char *dir = test_tmpdir("report");
    struct cmd_result r;
    RUN(&r, "run", "--trace", trace, "--start", "10", "--out", dir, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    char *jobs = test_slurp_in(dir, "jobs.csv");
    cr_expect(strstr(jobs, "\nA,0.000000000,") != NULL, "%s", jobs);
    cr_expect(strstr(jobs, ",5.000000000,0,") != NULL, "A (finish 2) made it: %s", jobs);
    cr_expect(strstr(jobs, ",5.000000000,1,") != NULL, "B (finish 6) missed: %s", jobs);
    free(jobs);
    test_remove_tree(dir);
    free(dir);
    unlink(trace);
    free(trace);
}

/* The mean of jobs.csv's slowdown column is the summary's slowdown
 * (PlanetLab guests: a series guest's slowdown is over its series
 * length; jobs.csv once divided by its work: 24.4 against 1.03 on the
 * PlanetLab day, 3.8 to 21.5 here against 1), and no
 * waiting time is negative. */
Test(report, one_slowdown_for_summary_and_jobs_csv, .timeout = 60)
{
    char *dir = test_tmpdir("report");
    struct cmd_result r;
    RUN(&r, "run", "--trace", "tests/data/traces/valid/planetlab", "--cores", "1", "--out", dir,
        "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    static const char *const cols[] = {"slowdown", "waiting"};
    double *d;
    size_t n;
    struct sim_error err;
    char path[600];
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    cr_assert_eq(plots_csv_read(path, cols, 2, &d, &n, &err), 0, "%s", err.text);
    cr_assert_eq(n, 3);
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += d[2 * i];
        cr_expect(d[2 * i + 1] >= 0, "negative waiting %g", d[2 * i + 1]);
    }
    free(d);
    json_t *s = summary_in(dir);
    double mean = num_at(s, "slowdown", "mean");
    cr_expect(mean >= 1 && mean < 2, "slowdown over the series length: %g", mean);
    cr_expect(fabs(sum / (double)n - mean) <= 1e-8 * mean, "jobs.csv %g, summary %g",
              sum / (double)n, mean);
    json_decref(s);
    test_remove_tree(dir);
    free(dir);
}

/* Times in the JSON come from the integer clock: a 60 s quantum is 60,
 * a makespan of 30 s is 30, and means carry no binary noise. */
Test(report, json_times_are_exact)
{
    char *trace = write_temp(".csv", "id,arrival,work\nP1,0,24\nP2,0,3\nP3,0,3\n");
    struct cmd_result r;
    RUN(&r, "run", "--trace", trace, "--sched", "rr", "--quantum", "60s", "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"quantum\": 60.0,") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"makespan\": 30,") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "\"max\": 30,") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "000000000") == NULL && strstr(r.out, "99999999") == NULL,
              "noise: %s", r.out);
    cmd_result_free(&r);
    unlink(trace);
    free(trace);
}

/* --reps 3 on a synthetic workload: reps.csv has a row per replication,
 * the JSON an array, and the summary's means are their means. */
Test(report, reps_csv_and_replications, .timeout = 60)
{
    char *dir = test_tmpdir("report");
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=300,interarrival=exp:1.25,work=exp:1", "--reps", "3",
        "--out", dir, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    json_t *s = summary_in(dir);
    const json_t *reps = json_object_get(s, "replications");
    cr_assert_eq(json_array_size(reps), 3);
    cr_expect(json_is_false(json_object_get(s, "replications_identical")));
    cr_expect_str_eq(json_string_value(json_object_get(s, "ci_method")), "replications");
    double sum = 0;
    for (size_t i = 0; i < 3; i++) {
        const json_t *rep = json_array_get(reps, i);
        cr_expect_eq(num_at(rep, "rep", NULL), (double)i);
        sum += num_at(rep, "turnaround", "mean");
    }
    cr_expect_float_eq(num_at(s, "turnaround", "mean"), sum / 3, 1e-12);
    cr_expect_neq(num_at(json_array_get(reps, 0), "turnaround", "mean"),
                  num_at(json_array_get(reps, 1), "turnaround", "mean"));
    static const char *const cols[] = {"rep", "turnaround_mean", "deadlines_missed"};
    double *d;
    size_t n;
    struct sim_error err;
    char path[600];
    snprintf(path, sizeof path, "%s/reps.csv", dir);
    cr_assert_eq(plots_csv_read(path, cols, 3, &d, &n, &err), 0, "%s", err.text);
    cr_assert_eq(n, 3);
    for (size_t i = 0; i < 3; i++)
        cr_expect_float_eq(d[3 * i + 1],
                           num_at(json_array_get(reps, i), "turnaround", "mean"), 1e-12);
    free(d);
    char *csv = test_slurp_in(dir, "reps.csv");
    cr_expect(strstr(csv, "wall_seconds") == NULL, "no wall-clock column: runs compare");
    free(csv);
    json_decref(s);
    test_remove_tree(dir);
    free(dir);
}

/* A trace replays the same way in every replication: the summary says
 * the replications are identical and takes its interval from the batch
 * means of one, instead of a zero-wide interval over them. */
Test(report, identical_replications_said_so, .timeout = 60)
{
    char trace[8000] = "id,arrival,work\n";
    for (int i = 0; i < 200; i++)
        snprintf(trace + strlen(trace), sizeof trace - strlen(trace), "g%d,%d,%g\n", i, i,
                 0.5 + (i * 7 % 10) / 10.0);
    char *path = write_temp(".csv", trace);
    struct cmd_result r;
    RUN(&r, "run", "--trace", path, "--reps", "4", "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "the 4 replications are identical") != NULL, "%s", r.err);
    json_t *s = json_loads(r.out, 0, NULL);
    cr_assert_not_null(s);
    cr_expect(json_is_true(json_object_get(s, "replications_identical")));
    cr_expect_str_eq(json_string_value(json_object_get(s, "ci_method")), "batch-means");
    const json_t *ci = json_object_get(json_object_get(s, "turnaround"), "ci95");
    cr_assert(json_is_array(ci));
    cr_expect_lt(json_number_value(json_array_get(ci, 0)), json_number_value(json_array_get(ci, 1)),
                 "a real interval, not a zero-wide one");
    cr_expect_null(json_object_get(s, "ci95"), "no table of zero-wide intervals");
    json_decref(s);
    cmd_result_free(&r);
    unlink(path);
    free(path);
}

/* DIR/NAME without the lines of wall-clock fields (free it). */
static char *without_wallclock(const char *dir, const char *name)
{
    char *text = test_slurp_in(dir, name);
    char *out = xmalloc(strlen(text) + 1), *o = out;
    for (char *line = text; *line;) {
        size_t len = strcspn(line, "\n") + (line[strcspn(line, "\n")] == '\n');
        bool wall = strstr(line, "wall_seconds") && strstr(line, "wall_seconds") < line + len;
        wall = wall || (strstr(line, "events_per_second") &&
                        strstr(line, "events_per_second") < line + len);
        if (!wall) {
            memcpy(o, line, len);
            o += len;
        }
        line += len;
    }
    *o = '\0';
    free(text);
    return out;
}

/* Run args with --out A, then `--config A/summary.json --out B`: every
 * file of B is the same as A's, byte for byte (wall-clock aside). */
static void expect_reproduced(const char *const *args)
{
    char *a = test_tmpdir("repro"), *b = test_tmpdir("repro");
    const char *argv[40] = {"run"};
    size_t n = 1;
    for (size_t i = 0; args[i]; i++)
        argv[n++] = args[i];
    argv[n++] = "--out";
    argv[n++] = a;
    argv[n++] = "--quiet";
    argv[n] = NULL;
    struct cmd_result r;
    run_hvsim(&r, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    char cfg[600];
    snprintf(cfg, sizeof cfg, "%s/summary.json", a);
    RUN(&r, "run", "--config", cfg, "--out", b, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    static const char *const files[] = {"summary.json", "jobs.csv", "timeline.csv", "reps.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *x = without_wallclock(a, files[i]), *y = without_wallclock(b, files[i]);
        cr_expect_str_eq(x, y, "%s differs", files[i]);
        free(x);
        free(y);
    }
    cr_expect_eq(test_exists(a, "segments.csv"), test_exists(b, "segments.csv"));
    test_remove_tree(a);
    test_remove_tree(b);
    free(a);
    free(b);
}

/* A summary.json is a config: the same experiment again, byte for byte. */
Test(report, summary_reproduces_a_synthetic_run, .timeout = 60)
{
    static const char *const args[] = {
        "--generate", "n=400,interarrival=exp:0.7,work=lognormal:-0.5:1,vcpus=uniform:1:3",
        "--sched", "rr", "--quantum", "7ms", "--cores", "3", "--hw", "skylake-sp", "--reps",
        "2", "--seed", "42", "--warmup", "10", NULL};
    expect_reproduced(args);
}

/* ... with a trace given by a relative path, cut and scaled (a real that
 * 15 digits do not give back is echoed as a string), and a policy's
 * knobs. */
Test(report, summary_reproduces_a_trace_run, .timeout = 60)
{
    static const char *const args[] = {
        "--trace", "tests/data/traces/valid/swf/kth-head.swf", "--limit", "40", "--cores", "8",
        "--start", "100", "--scale-work",
        "1.2345678901234567", "--sched", "prio", "--tie", "smith", "--preempt", "yes",
        "--sample", "1h", NULL};
    expect_reproduced(args);
}

/* In a config, a key set to null is not given (the echo writes null for
 * an option without a default that was not given). */
Test(report, config_null_is_not_given)
{
    char *cfg = write_temp(".json", "{\"generate\": \"n=5\", \"end\": null, \"batches\": null, "
                                    "\"sample\": null, \"quantum\": null}");
    struct cmd_result r;
    RUN(&r, "run", "--config", cfg, "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_expect(json_is_null(json_object_get(json_object_get(j, "config"), "sample")));
    json_decref(j);
    cmd_result_free(&r);
    unlink(cfg);
    free(cfg);
}
