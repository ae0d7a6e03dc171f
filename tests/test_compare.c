/*
 * tests/test_compare.c - `hvsim compare DIR...`: the table (text, CSV,
 * JSON) from hand-written summaries with known figures, the one-key
 * difference and its plot data, the CDFs of all runs, and bad input
 * (exit 2, the directory named, nothing on stdout, nothing in --out).
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "tests/helpers.h"

static void put(const char *dir, const char *name, const char *text)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mkdir(dir, 0777);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

/* A summary with known figures; quantum and the turnaround interval vary. */
static void put_summary(const char *dir, const char *sched, double quantum, double mean,
                        double lo, double hi, const char *extra_cfg)
{
    char text[2000];
    snprintf(text, sizeof text,
             "{\"schema\": \"hvsim-summary/1\", \"config\": {\"sched\": \"%s\", \"quantum\": %g, "
             "\"hw\": \"none\", \"seed\": 1%s},\n"
             " \"turnaround\": {\"mean\": %g, \"p99\": 9, \"ci95\": [%g, %g]},\n"
             " \"waiting\": {\"mean\": 1}, \"slowdown\": {\"mean\": 3}, \"throughput\": 0.5,\n"
             " \"utilization\": 0.25, \"overhead\": {\"fraction\": 0.01, \"switches\": 7}}\n",
             sched, quantum, extra_cfg, mean, lo, hi);
    put(dir, "summary.json", text);
}

struct fixture {
    char *root;
    char a[700], b[700], c[700], out[700];
};

static void fixture_make(struct fixture *f)
{
    f->root = test_tmpdir("compare");
    snprintf(f->a, sizeof f->a, "%s/q100ms", f->root);
    snprintf(f->b, sizeof f->b, "%s/q10ms", f->root);
    snprintf(f->c, sizeof f->c, "%s/fcfs", f->root);
    snprintf(f->out, sizeof f->out, "%s/cmp", f->root);
    put_summary(f->a, "rr", 0.1, 2, 1.5, 2.5, "");
    put_summary(f->b, "rr", 0.01, 1.5, 1.4, 1.6, "");
    put_summary(f->c, "fcfs", 0.01, 4, 3, 5, "");
    put(f->a, "jobs.csv", "id,turnaround\n1,4\n2,1\n3,2\n4,2\n");
    put(f->b, "jobs.csv", "id,turnaround\n1,0.5\n2,1\n");
}

static void fixture_free(struct fixture *f)
{
    test_remove_tree(f->root);
    free(f->root);
}

Test(compare, csv_has_the_known_figures)
{
    struct fixture f;
    fixture_make(&f);
    struct cmd_result r;
    RUN(&r, "compare", "--csv", f.a, f.b);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char expect[4000];
    snprintf(expect, sizeof expect,
             "run,dir,sched,quantum,hw,turnaround_mean,turnaround_ci_lo,turnaround_ci_hi,"
             "turnaround_p99,waiting_mean,slowdown_mean,throughput,utilization,"
             "overhead_fraction,switches\n"
             "q100ms,%s,rr,0.1,none,2,1.5,2.5,9,1,3,0.5,0.25,0.01,7\n"
             "q10ms,%s,rr,0.01,none,1.5,1.4,1.6,9,1,3,0.5,0.25,0.01,7\n", f.a, f.b);
    cr_expect_str_eq(r.out, expect);
    cr_expect_str_eq(r.err, "");
    cmd_result_free(&r);
    fixture_free(&f);
}

Test(compare, text_table_one_row_per_run)
{
    struct fixture f;
    fixture_make(&f);
    struct cmd_result r;
    RUN(&r, "compare", f.a, f.b, f.c);
    cr_assert_eq(r.status, 0, "%s", r.err);
    int lines = 0;
    for (const char *c = r.out; *c; c++)
        lines += *c == '\n';
    cr_expect_eq(lines, 5, "header, 3 rows, footnote: %s", r.out);
    cr_expect(strstr(r.out, "2 ± 0.5") != NULL, "mean ± CI half-width: %s", r.out);
    cr_expect(strstr(r.out, "1.5 ± 0.1") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "100ms") != NULL && strstr(r.out, "10ms") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "1%") != NULL, "overhead as a percentage: %s", r.out);
    const char *row = strstr(r.out, "\nfcfs ");
    cr_expect_not_null(row, "label = directory name: %s", r.out);
    cmd_result_free(&r);
    fixture_free(&f);
}

Test(compare, json_names_the_one_varying_key)
{
    struct fixture f;
    fixture_make(&f);
    struct cmd_result r;
    RUN(&r, "compare", "--json", f.a, f.b);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t je;
    json_t *j = json_loads(r.out, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    cr_expect_str_eq(json_string_value(json_object_get(j, "varying")), "quantum");
    json_t *runs = json_object_get(j, "runs");
    cr_assert_eq(json_array_size(runs), 2);
    json_t *r0 = json_array_get(runs, 0);
    cr_expect_str_eq(json_string_value(json_object_get(r0, "run")), "q100ms");
    cr_expect_float_eq(json_number_value(json_object_get(r0, "turnaround_mean")), 2, 1e-12);
    json_t *ci = json_object_get(r0, "turnaround_ci95");
    cr_expect_float_eq(json_number_value(json_array_get(ci, 0)), 1.5, 1e-12);
    cr_expect_float_eq(json_number_value(json_array_get(ci, 1)), 2.5, 1e-12);
    json_decref(j);
    cmd_result_free(&r);
    /* a and c differ in sched and quantum: no single key */
    RUN(&r, "compare", "--json", f.a, f.c);
    j = json_loads(r.out, 0, &je);
    cr_assert_not_null(j);
    cr_expect(json_is_null(json_object_get(j, "varying")));
    cr_expect_eq(json_integer_value(json_object_get(j, "differing_keys")), 2);
    json_decref(j);
    cmd_result_free(&r);
    fixture_free(&f);
}

/* --out: the metric against the one key, sorted by it, with the CI; and
 * the CDF of each run from its jobs.csv. */
Test(compare, out_writes_metric_and_cdf_data, .timeout = 60)
{
    struct fixture f;
    fixture_make(&f);
    struct cmd_result r;
    RUN(&r, "compare", f.a, f.b, "--out", f.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    char *m = test_slurp_in(f.out, "compare-metric.csv");
    cr_expect_str_eq(m, "x,turnaround.mean,ci_lo,ci_hi,run,quantum\n"
                        "0.01,1.5,1.4,1.6,q10ms,10ms\n"
                        "0.1,2,1.5,2.5,q100ms,100ms\n");
    free(m);
    char *cdf = test_slurp_in(f.out, "compare-cdf.csv");
    char expect[3000];
    snprintf(expect, sizeof expect,
             "# run q100ms (%s): turnaround,cdf\n1,0.25\n2,0.5\n2,0.75\n4,1\n\n\n"
             "# run q10ms (%s): turnaround,cdf\n0.5,0.5\n1,1\n", f.a, f.b);
    cr_expect_str_eq(cdf, expect);
    free(cdf);
    const char *files[] = {"comparison.txt", "comparison.csv", "comparison.json",
                           "compare-cdf.gp", "compare-cdf.png", "compare-cdf.svg",
                           "compare-metric.gp", "compare-metric.png", "compare-metric.svg"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        cr_expect(test_exists(f.out, files[i]), "%s missing", files[i]);
    char *gp = test_slurp_in(f.out, "compare-metric.gp");
    cr_expect(strstr(gp, "yerrorlines") != NULL, "error bars: %s", gp);
    cr_expect(strstr(gp, "set logscale x") == NULL, "10ms..100ms is one decade: linear");
    free(gp);

    /* Now a, b and c: two keys differ; the metric plot goes (a stale one
     * would describe the previous comparison), the CDF stays. */
    RUN(&r, "compare", f.a, f.b, f.c, "--out", f.out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "sched, quantum") != NULL || strstr(r.err, "quantum, sched") != NULL,
              "the note names the keys: %s", r.err);
    cr_expect(strstr(r.err, "no jobs.csv") != NULL, "fcfs has no jobs.csv: %s", r.err);
    cmd_result_free(&r);
    cr_expect_not(test_exists(f.out, "compare-metric.csv"));
    cr_expect_not(test_exists(f.out, "compare-metric.png"));
    cr_expect(test_exists(f.out, "compare-cdf.png"));
    fixture_free(&f);
}

/* A categorical key (the scheduler): bars at 0, 1, ... in the order given,
 * labelled by name; the interval from the replications' ci95 table wins
 * over the batch-means one. */
Test(compare, categorical_key_and_replication_ci)
{
    char *root = test_tmpdir("compare");
    char a[700], b[700], out[700];
    snprintf(a, sizeof a, "%s/x", root);
    snprintf(b, sizeof b, "%s/y", root);
    snprintf(out, sizeof out, "%s/cmp", root);
    put_summary(a, "rr", 0.1, 2, 1.5, 2.5, "");
    put(b, "summary.json",
        "{\"config\": {\"sched\": \"fcfs\", \"quantum\": 0.1, \"hw\": \"none\", \"seed\": 1},"
        " \"slowdown\": {\"mean\": 7}, \"ci95\": {\"slowdown.mean\": [6, 8]}}");
    struct cmd_result r;
    RUN(&r, "compare", a, b, "--metric", "slowdown.mean", "--out", out);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    char *m = test_slurp_in(out, "compare-metric.csv");
    /* a has slowdown.mean 3 and no interval for it: a bar without error */
    cr_expect_str_eq(m, "x,slowdown.mean,ci_lo,ci_hi,run,sched\n"
                        "0,3,3,3,x,rr\n"
                        "1,7,6,8,y,fcfs\n");
    free(m);
    char *gp = test_slurp_in(out, "compare-metric.gp");
    cr_expect(strstr(gp, "set xtics ('rr' 0, 'fcfs' 1)") != NULL, "%s", gp);
    free(gp);
    test_remove_tree(root);
    free(root);
}

Test(compare, same_name_in_two_places_is_labelled_by_path)
{
    char *root = test_tmpdir("compare");
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/one/run", root);
    snprintf(b, sizeof b, "%s/two/run", root);
    char p[700];
    snprintf(p, sizeof p, "%s/one", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/two", root);
    mkdir(p, 0777);
    put_summary(a, "rr", 0.1, 2, 1.5, 2.5, "");
    put_summary(b, "rr", 0.1, 2, 1.5, 2.5, "");
    struct cmd_result r;
    RUN(&r, "compare", "--csv", a, b);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char row[1500];
    snprintf(row, sizeof row, "\n%s,%s,", a, a);
    cr_expect(strstr(r.out, row) != NULL, "%s", r.out);
    cmd_result_free(&r);
    test_remove_tree(root);
    free(root);
}

/* Bad input: exit 2, the culprit named, nothing on stdout, no --out. */
Test(compare, bad_input_exits_2_naming_it)
{
    struct fixture f;
    fixture_make(&f);
    struct cmd_result r;
    char nosum[800];
    snprintf(nosum, sizeof nosum, "%s/empty", f.root);
    mkdir(nosum, 0777);
    RUN(&r, "compare", f.a, nosum, "--out", f.out);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, nosum) != NULL && strstr(r.err, "summary.json") != NULL, "%s",
              r.err);
    cr_expect_str_eq(r.out, "");
    cr_expect_not(test_exists(f.root, "cmp"), "--out created on bad input");
    cmd_result_free(&r);

    char missing[800];
    snprintf(missing, sizeof missing, "%s/nonexistent", f.root);
    RUN(&r, "compare", missing);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, missing) != NULL, "%s", r.err);
    cmd_result_free(&r);

    put(nosum, "summary.json", "{\"config\": {},\n \"x\": }\n");
    RUN(&r, "compare", nosum);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "summary.json:2:") != NULL, "file:line: %s", r.err);
    cmd_result_free(&r);

    put(nosum, "summary.json", "[1, 2]\n");
    RUN(&r, "compare", nosum);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "config") != NULL, "%s", r.err);
    cmd_result_free(&r);

    RUN(&r, "compare", f.a, "--metric", "turnaround.nope");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "turnaround.nope") != NULL, "%s", r.err);
    cr_expect_str_eq(r.out, "");
    cmd_result_free(&r);

    put(f.c, "jobs.csv", "id,turnaround\n1,abc\n");
    RUN(&r, "compare", f.c, "--out", f.out);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "jobs.csv:2:") != NULL, "%s", r.err);
    cr_expect_not(test_exists(f.root, "cmp"));
    cmd_result_free(&r);

    RUN(&r, "compare", "--frob", f.a);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "--frob") != NULL);
    cmd_result_free(&r);
    RUN(&r, "compare", "--csv", "--json", f.a);
    cr_expect_eq(r.status, 2);
    cmd_result_free(&r);
    RUN(&r, "compare");
    cr_expect_eq(r.status, 2);
    cmd_result_free(&r);
    fixture_free(&f);
}

/* End to end: two real runs that differ in the quantum. */
Test(compare, real_runs_end_to_end, .timeout = 60)
{
    char *root = test_tmpdir("compare");
    char a[700], b[700], out[700];
    snprintf(a, sizeof a, "%s/q1", root);
    snprintf(b, sizeof b, "%s/q2", root);
    snprintf(out, sizeof out, "%s/cmp", root);
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=400", "--sched", "rr", "--quantum", "1", "--out", a,
        "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=400", "--sched", "rr", "--quantum", "2", "--out", b,
        "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    RUN(&r, "compare", a, b, "--out", out);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "q1 ") != NULL && strstr(r.out, "q2 ") != NULL, "%s", r.out);
    cr_expect_str_eq(r.err, "");
    cmd_result_free(&r);
    cr_expect(test_exists(out, "compare-metric.png") && test_exists(out, "compare-cdf.png"));
    char *csv = test_slurp_in(out, "compare-cdf.csv");
    int rows = 0;
    for (const char *c = csv; *c; c++)
        rows += *c == '\n';
    cr_expect_eq(rows, 2 * 400 + 2 + 2, "400 points and a comment per run, 2 blank lines");
    free(csv);
    test_remove_tree(root);
    free(root);
}

/* The table blanks an option the run's policy does not have (fcfs has no
 * quantum: its config has no such key) and prints numbers a human reads:
 * thousands separators, 4 significant digits, the CI half-width to 2. */
Test(compare, human_numbers_and_blank_options)
{
    char *root = test_tmpdir("compare");
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/fcfs", root);
    snprintf(b, sizeof b, "%s/rr", root);
    put(a, "summary.json",
        "{\"config\": {\"sched\": \"fcfs\", \"hw\": \"none\"},"
        " \"turnaround\": {\"mean\": 19652.3, \"p99\": 116512, \"ci95\": [13952.3, 25352.3]},"
        " \"overhead\": {\"switches\": 2393914, \"fraction\": 0.0161}}");
    put_summary(b, "rr", 60, 2, 1.5, 2.5, "");
    struct cmd_result r;
    RUN(&r, "compare", a, b);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "19,650 ± 5,700") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "116,500") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "2,393,914") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "1.61%") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "e+0") == NULL, "no exponent: %s", r.out);
    /* the fcfs row: its quantum cell is blank, rr's is 1min */
    const char *row = strstr(r.out, "\nfcfs ");
    cr_assert_not_null(row, "%s", r.out);
    cr_expect(strncmp(row + 1, "fcfs  fcfs            none", 26) == 0, "%.60s", row + 1);
    cr_expect(strstr(r.out, "1min") != NULL, "%s", r.out);
    cmd_result_free(&r);
    test_remove_tree(root);
    free(root);
}

/* Runs that differ in the scheduler (and so in its knobs, which the
 * others lack) differ in one key: sched.  Curves that coincide are named
 * together; an interval of a positive metric that reaches below 0 is cut
 * at 0, and the plot says so. */
Test(compare, one_key_same_curves_and_intervals_cut_at_zero, .timeout = 60)
{
    char *root = test_tmpdir("compare");
    char a[700], b[700], c[700], out[700];
    snprintf(a, sizeof a, "%s/fcfs", root);
    snprintf(b, sizeof b, "%s/prio", root);
    snprintf(c, sizeof c, "%s/rr", root);
    snprintf(out, sizeof out, "%s/cmp", root);
    put(a, "summary.json", "{\"config\": {\"sched\": \"fcfs\", \"hw\": \"none\"},"
                           " \"turnaround\": {\"mean\": 2, \"ci95\": [-1, 5]}}");
    put(b, "summary.json", "{\"config\": {\"sched\": \"prio\", \"tie\": \"fifo\", \"hw\": "
                           "\"none\"}, \"turnaround\": {\"mean\": 2, \"ci95\": [-1, 5]}}");
    put(c, "summary.json", "{\"config\": {\"sched\": \"rr\", \"quantum\": 0.1, \"hw\": \"none\"},"
                           " \"turnaround\": {\"mean\": 1, \"ci95\": [0.5, 1.5]}}");
    put(a, "jobs.csv", "id,turnaround\n1,1\n2,3\n");
    put(b, "jobs.csv", "id,turnaround\n1,3\n2,1\n");
    put(c, "jobs.csv", "id,turnaround\n1,1\n2,1\n");
    struct cmd_result r;
    RUN(&r, "compare", a, b, c, "--out", out, "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_expect_str_eq(json_string_value(json_object_get(j, "varying")), "sched");
    json_decref(j);
    cmd_result_free(&r);
    char *gp = test_slurp_in(out, "compare-cdf.gp");
    cr_expect(strstr(gp, "'fcfs (same curve as prio)'") != NULL, "%s", gp);
    cr_expect(strstr(gp, "'prio (same curve as fcfs)'") != NULL, "%s", gp);
    cr_expect(strstr(gp, "'rr'") != NULL, "%s", gp);
    free(gp);
    char *m = test_slurp_in(out, "compare-metric.csv");
    cr_expect_str_eq(m, "x,turnaround.mean,ci_lo,ci_hi,run,sched\n"
                        "0,2,0,5,fcfs,fcfs\n"
                        "1,2,0,5,prio,prio\n"
                        "2,1,0.5,1.5,rr,rr\n");
    free(m);
    gp = test_slurp_in(out, "compare-metric.gp");
    cr_expect(strstr(gp, "(cut at 0)") != NULL, "%s", gp);
    free(gp);
    test_remove_tree(root);
    free(root);
}
