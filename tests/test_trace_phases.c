/*
 * tests/test_trace_phases.c - the `phases` format: CSV and JSON with a
 * phases field (run, block, run, ...), one sequence for every vCPU or one
 * per vCPU, repeat; and its errors, each at its place.
 */
#include "trace_test_util.h"   /* first: it asks for nftw (XSI) */

#include <jansson.h>

#include "tests/helpers.h"

static const char csv[] =
    "id,arrival,vcpus,phases,repeat,weight\n"
    "io,0,1,0.1ms 10ms,1000,\n"
    "# a comment\n"
    "pair,0.5,2,1 2 3 | 4,,2\n"
    "hog,1,1,60s,,\n";

Test(trace_phases, csv_sequences_and_repeat)
{
    th_tmpdir();
    const char *p = th_write("w.csv", csv, -1);
    struct th_result r;
    th_read(&r, p, "phases");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 3);
    const struct activity *a = r.rec[0].activity;
    cr_assert_not_null(a);
    cr_expect_eq(a->kind, ACTIVITY_PHASES);
    cr_expect_eq(a->nvcpus, 1);
    cr_expect_eq(a->seq[0].n, 2);
    cr_expect_float_eq(a->seq[0].d[0], 1e-4, 1e-15);
    cr_expect_float_eq(a->seq[0].d[1], 1e-2, 1e-15);
    cr_expect_eq(r.rec[0].repeat, 1000);
    cr_expect_float_eq(r.rec[0].work, 1e-4, 1e-15, "work: the runs' sum, %g", r.rec[0].work);
    /* one sequence per vCPU: "1 2 3" and "4" */
    a = r.rec[1].activity;
    cr_expect_eq(a->nvcpus, 2);
    cr_expect_eq(a->seq[0].n, 3);
    cr_expect_eq(a->seq[1].n, 1);
    cr_expect_float_eq(r.rec[1].work, 4, 1e-12, "the longest vCPU's runs: %g", r.rec[1].work);
    cr_expect_eq(r.rec[1].repeat, 1, "empty repeat: once");
    cr_expect_float_eq(r.rec[1].weight, 2, 1e-12);
    cr_expect_eq(r.rec[1].line, 4);
    cr_expect_float_eq(r.rec[2].activity->seq[0].d[0], 60, 1e-12);
    th_free(&r);
    th_cleanup();
}

Test(trace_phases, json_is_the_same)
{
    th_tmpdir();
    const char *p = th_write("w.json",
                             "[{\"id\": \"io\", \"arrival\": 0, \"phases\": \"0.1ms 10ms\", "
                             "\"repeat\": 1000},\n {\"id\": \"hog\", \"arrival\": 1, "
                             "\"phases\": \"60\"}]\n", -1);
    struct th_result r;
    th_read(&r, p, "phases");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 2);
    cr_expect_eq(r.rec[0].repeat, 1000);
    cr_expect_float_eq(r.rec[0].activity->seq[0].d[1], 0.01, 1e-15);
    cr_expect_float_eq(r.rec[1].work, 60, 1e-12);
    th_free(&r);
    th_cleanup();
}

/* The native CSV takes a phases column too: work is then optional. */
Test(trace_phases, native_csv_takes_phases)
{
    th_tmpdir();
    const char *p = th_write("w.csv", "arrival,work,phases\n0,,1 1 1\n1,5,\n", -1);
    struct th_result r;
    th_read(&r, p, NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 2);
    cr_expect_not_null(r.rec[0].activity);
    cr_expect_null(r.rec[1].activity);
    cr_expect_float_eq(r.rec[1].work, 5, 1e-12);
    th_free(&r);
    th_cleanup();
}

#define PH(n, data, where, text) {n, "phases", "t.csv", {{"t.csv", data, -1}}, where, NULL, text}

static const struct th_case phases_cases[] = {
    PH("bad-duration", "arrival,phases\n0,1ms soon\n", ":2:3",
       "phases: 'soon' is not a duration"),
    PH("zero-run", "arrival,phases\n0,0 1\n", ":2:3", "run 1 of vCPU 0 is 0"),
    PH("empty-vcpu", "arrival,phases\n0,1 | \n", ":2:3", "vCPU 1 has no durations"),
    PH("no-phases-record", "arrival,work,phases\n0,1,\n", ":2",
       "no phases: every guest of a phases trace"),
    PH("no-work-no-phases", "arrival,work,phases\n0,,\n", ":2", "neither work nor phases"),
    PH("bad-repeat", "arrival,phases,repeat\n0,1,0\n", ":2:5", "repeat must be a whole number"),
    PH("no-column", "arrival,vcpus\n0,1\n", ":1", "required: arrival, and work or phases"),
    PH("negative-block", "arrival,phases\n0,1 -1\n", ":2:3", "'-1' is not a duration"),
};

TH_CASE_TABLE(trace_phases, phases_cases)

/* A run of a phases trace end to end: the I/O VM's 1,000 bursts each end
 * 0.1 ms after their wake when it has a core to itself. */
Test(trace_phases, runs_end_to_end)
{
    th_tmpdir();
    const char *p = th_write("w.csv", "id,arrival,phases,repeat\nio,0,0.1ms 10ms,1000\n", -1);
    struct cmd_result r;
    RUN(&r, "run", "--trace", p, "--format", "phases", "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    json_t *b = json_object_get(j, "bursts");
    cr_expect_eq(json_number_value(json_object_get(b, "completed")), 1000);
    json_t *br = json_object_get(j, "burst_response");
    cr_expect_float_eq(json_number_value(json_object_get(br, "max")), 1e-4, 1e-12);
    cr_expect_float_eq(json_number_value(json_object_get(j, "makespan")), 1000 * 0.0101, 1e-9);
    json_decref(j);
    cmd_result_free(&r);
    th_cleanup();
}
