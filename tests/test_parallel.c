/*
 * tests/test_parallel.c - runs that use several cores give the results of
 * one: --jobs N (replications on N threads) leaves every output byte for
 * byte as --jobs 1 leaves it, wall-clock fields aside, and a failure is
 * the one a serial run reports.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "tests/helpers.h"

/* summary.json of DIR without its wall-clock fields, as text. */
static char *summary_text(const char *dir)
{
    char *raw = test_slurp_in(dir, "summary.json");
    json_error_t e;
    json_t *j = json_loads(raw, 0, &e);
    cr_assert_not_null(j, "%s/summary.json: %s", dir, e.text);
    report_strip_wallclock(j);
    char *text = json_dumps(j, JSON_SORT_KEYS | JSON_INDENT(1));
    json_decref(j);
    free(raw);
    return text;
}

static void expect_same_file(const char *a, const char *b, const char *name)
{
    char *x = test_slurp_in(a, name), *y = test_slurp_in(b, name);
    cr_expect_str_eq(x, y, "%s differs between --jobs 1 and --jobs 4", name);
    free(x);
    free(y);
}

/* Issue 16: --reps 8 with --jobs 1 and with --jobs 4, the same bytes.
 * The replications differ from each other (a synthetic workload, one
 * seed per replication), so a replication merged at the wrong place, or
 * streams shared between threads, would show. */
Test(parallel, jobs_give_the_same_bytes, .timeout = 120)
{
    char *one = test_tmpdir("jobs1"), *four = test_tmpdir("jobs4");
    const char *spec = "n=20000,interarrival=exp:1.25,work=exp:1";
    struct cmd_result r;
    RUN(&r, "run", "--generate", spec, "--sched", "rr", "--quantum", "100ms", "--reps", "8",
        "--seed", "3", "--jobs", "1", "--out", one, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", spec, "--sched", "rr", "--quantum", "100ms", "--reps", "8",
        "--seed", "3", "--jobs", "4", "--out", four, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    char *a = summary_text(one), *b = summary_text(four);
    cr_expect_str_eq(a, b, "summary.json differs between --jobs 1 and --jobs 4");
    /* and the replications did differ */
    json_t *j = json_loads(a, 0, NULL);
    json_t *reps = json_object_get(j, "replications");
    cr_assert_eq(json_array_size(reps), 8);
    double t0 = json_number_value(json_object_get(
        json_object_get(json_array_get(reps, 0), "turnaround"), "mean"));
    double t7 = json_number_value(json_object_get(
        json_object_get(json_array_get(reps, 7), "turnaround"), "mean"));
    cr_expect_neq(t0, t7, "replications 0 and 7 came out the same");
    json_decref(j);
    free(a);
    free(b);
    expect_same_file(one, four, "reps.csv");
    expect_same_file(one, four, "jobs.csv");
    expect_same_file(one, four, "timeline.csv");
    test_remove_tree(one);
    test_remove_tree(four);
    free(one);
    free(four);
}

/* A replication that fails fails the run with the error a serial run
 * reports, and nothing is written. */
Test(parallel, a_failed_replication_fails_the_run)
{
    char *path = write_temp(".csv", "id,arrival,work\na,0,1\nb,1,-2\n");
    char *dir = test_tmpdir("jobsfail");
    char out[4096];
    snprintf(out, sizeof out, "%s/run", dir);
    struct cmd_result r1, r4;
    RUN(&r1, "run", "--trace", path, "--reps", "6", "--jobs", "1", "--out", out);
    RUN(&r4, "run", "--trace", path, "--reps", "6", "--jobs", "4", "--out", out);
    cr_expect_eq(r1.status, 2, "%s", r1.err);
    cr_expect_eq(r4.status, 2, "%s", r4.err);
    cr_expect_str_eq(r1.err, r4.err);
    cr_expect(strstr(r4.err, ":3") != NULL, "the bad line is named: %s", r4.err);
    cr_expect(!test_exists(dir, "run"), "a failed run wrote %s", out);
    cmd_result_free(&r1);
    cmd_result_free(&r4);
    test_remove_tree(dir);
    free(dir);
    remove(path);
    free(path);
}
