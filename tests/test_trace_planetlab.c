/* tests/test_trace_planetlab.c - the PlanetLab per-VM reader. */
#include "trace_test_util.h"

#define VALID "tests/data/traces/valid/"
#define SHARED "../shared/traces/"

Test(trace_planetlab, fixture_mapping)
{
    struct th_result r;
    th_read(&r, VALID "planetlab", "planetlab");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 3);
    /* files in strcmp order; sums of the values: 7484, 5683, 1340 */
    cr_assert_str_eq(r.rec[0].id, "146-179_surfsnel_dsl_internl_net_colostate_557");
    cr_assert_str_eq(r.rec[1].id, "146-179_surfsnel_dsl_internl_net_root");
    cr_assert_str_eq(r.rec[2].id, "ait05_us_es_root");
    const double sums[3] = {7484, 5683, 1340};
    for (int i = 0; i < 3; i++) {
        const struct trace_record *g = &r.rec[i];
        cr_assert_eq(g->arrival, 0);
        cr_assert_eq(g->vcpus, 1);
        cr_assert_eq(g->mem_mb, 0);
        cr_assert_float_eq(g->work, sums[i] * 3, 1e-6, "work = sum(v/100) * 300");
        cr_assert_float_eq(g->util, sums[i] / 28800.0, 1e-12);
        cr_assert_not_null(g->series);
        cr_assert_eq(g->series->n, 288);
        cr_assert_eq(g->series->interval, 300);
    }
    /* first values of the colostate file: 24, 34, 29 */
    cr_assert_float_eq(r.rec[0].series->util[0], 0.24, 1e-15);
    cr_assert_float_eq(r.rec[0].series->util[1], 0.34, 1e-15);
    cr_assert_float_eq(r.rec[0].series->util[2], 0.29, 1e-15);
    cr_assert_eq(r.state_max, 0);
    th_free(&r);
}

Test(trace_planetlab, single_file_all_zero_and_no_final_newline)
{
    th_tmpdir();
    th_write("d/b", "0\n0\n", -1);
    th_write("d/a", "100\r\n50", -1);
    struct th_result r;
    th_read(&r, th_path("d"), "planetlab");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(r.skipped[TRACE_SKIP_ZERO_RUNTIME], 1, "an all-zero VM demands nothing");
    cr_assert_str_eq(r.rec[0].id, "a");
    cr_assert_eq(r.rec[0].work, 450);
    cr_assert_eq(r.rec[0].util, 0.75);
    th_free(&r);
    th_read(&r, th_path("d/a"), "planetlab");
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.rec[0].id, "a");
    th_free(&r);
    th_cleanup();
}

Test(trace_planetlab, shipped_day, .timeout = 60)
{
    th_need_shared(SHARED "planetlab-20110303/20110303");
    struct th_result r;
    th_read(&r, SHARED "planetlab-20110303/20110303", "planetlab");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 1052);
    double work = 0;
    for (long i = 0; i < r.n; i++) {
        work += r.rec[i].work;
        cr_assert_eq(r.rec[i].series->n, 288);
        if (i > 0)
            cr_assert(strcmp(r.rec[i - 1].id, r.rec[i].id) < 0);
    }
    /* sum of all 302,976 values is 3,730,979 (percent), x 3 s */
    cr_assert_float_eq(work, 11192937.0, 1e-3);
    th_free(&r);
}

#define PL(n, data, where, text) \
    {n, "planetlab", "d", {{"d/vm", data, 0}}, where, "d/vm", text, NULL}

static const struct th_case planetlab_cases[] = {
    {"empty-directory", "planetlab", "d", {{"d", NULL, 0}, {"d/sub", NULL, 0}}, "", NULL,
     "empty directory", NULL},
    {"missing", "planetlab", "nope", {{NULL, NULL, 0}}, "", NULL, "No such file or directory", NULL},
    {"empty-file", "planetlab", "d", {{"d/vm", "", 0}}, "", "d/vm", "empty file", NULL},
    PL("empty-line", "5\n\n6\n", ":2", "empty line"),
    PL("decimal", "5\n1.5\n", ":2:2", "expected one integer 0-100 (percent CPU), got '1.5'"),
    PL("over-100", "101\n", ":1:1", "got '101'"),
    PL("long-number", "0005\n", ":1:1", "got '0005'"),
    PL("negative", "-1\n", ":1:1", "got '-1'"),
    PL("trailing-space", "5 \n", ":1:2", "got '5 '"),
    PL("bad-utf8", "5\n\xc3\x28\n", ":2:1", "truncated UTF-8 sequence"),
};

TH_CASE_TABLE(trace_planetlab, planetlab_cases)

/* An error in one file does not stop the others. */
Test(trace_planetlab, error_then_next_file)
{
    th_tmpdir();
    th_write("d/a", "x\n", -1);
    th_write("d/b", "10\n", -1);
    struct th_result r;
    th_read(&r, th_path("d"), "planetlab");
    cr_assert_eq(r.nerr, 1);
    cr_assert_eq(r.n, 1);
    cr_assert_str_eq(r.rec[0].id, "b");
    th_free(&r);
    th_cleanup();
}
