/* tests/test_trace_check.c - trace_check(), the library side of `hvsim check`. */
#include "trace_test_util.h"

#include "workloads/check.h"

#include <jansson.h>
#include <unistd.h>

#include "tests/helpers.h"

#define VALID "tests/data/traces/valid/"

struct captured {
    char *out, *err;
    int rc;
};

static bool only_web(const char *name, void *ctx)
{
    (*(int *)ctx)++;
    return strcmp(name, "web") == 0;
}

static void run_check(struct captured *c, const char *path, const char *format, double cores,
                      bool classes, long max_errors)
{
    size_t ol, el;
    FILE *out = open_memstream(&c->out, &ol);
    FILE *err = open_memstream(&c->err, &el);
    struct trace_options o;
    trace_options_init(&o);
    o.format = format;
    static int calls;
    c->rc = trace_check(out, err, path, &o, cores, classes ? only_web : NULL, &calls, max_errors);
    fclose(out);
    fclose(err);
}

static void captured_free(struct captured *c)
{
    free(c->out);
    free(c->err);
}

Test(trace_check, clean_swf_summary_uses_maxprocs)
{
    struct captured c;
    run_check(&c, VALID "swf/hpc2n-mem.swf", NULL, 0, false, 10);
    cr_assert_eq(c.rc, 0);
    cr_assert_str_eq(c.err, "");
    cr_assert(strstr(c.out, "format: swf\n"), "%s", c.out);
    cr_assert(strstr(c.out, "records: 6\n"));
    cr_assert(strstr(c.out, "skipped: 0\n"));
    cr_assert(strstr(c.out, "errors: 0\n"));
    cr_assert(strstr(c.out, "arrivals: 0 .. 219481 s (span 219481 s)\n"), "%s", c.out);
    cr_assert(strstr(c.out, "time offset: 342072 s"));
    cr_assert(strstr(c.out, "cores: 240 (MaxProcs of the header)\n"));
    /* work*vcpus: 43306*32 + 553*40 + 10027*40 + 33156*8 + 86462*8 + 61*16 */
    double cpu = 43306.0 * 32 + 553.0 * 40 + 10027.0 * 40 + 33156.0 * 8 + 86462.0 * 8 + 61.0 * 16;
    char want[200];
    snprintf(want, sizeof want, "offered load: %.4g (", cpu / 219481.0 / 240);
    cr_assert(strstr(c.out, want), "want '%s' in %s", want, c.out);
    captured_free(&c);
}

Test(trace_check, given_cores_and_skips)
{
    th_tmpdir();
    const char *p = th_write("s.swf",
                             "1 0 0 10 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n"
                             "2 5 0 -1 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n"
                             "3 10 0 30 1 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n",
                             -1);
    struct captured c;
    run_check(&c, p, NULL, 5, false, 10);
    cr_assert_eq(c.rc, 0);
    cr_assert(strstr(c.out, "records: 2\n"));
    cr_assert(strstr(c.out, "skipped: 1 unknown_runtime=1\n"), "%s", c.out);
    cr_assert(strstr(c.out, "total work: 40 s per vCPU, 50 vCPU-s\n"), "%s", c.out);
    cr_assert(strstr(c.out, "cores: 5 (given)\n"));
    cr_assert(strstr(c.out, "offered load: 1 (sum work*vcpus / arrival span / cores)\n"), "%s",
              c.out);
    captured_free(&c);
    th_cleanup();
}

Test(trace_check, every_error_listed_then_capped)
{
    th_tmpdir();
    const char *p = th_write("t.csv",
                             "arrival,work,class\n0,1,web\n1,0,web\n2,1,db\n3,x,\n4,1,\n5,-1,\n",
                             -1);
    struct captured c;
    run_check(&c, p, NULL, 0, true, 2);
    cr_assert_eq(c.rc, SIM_EINVAL);
    char want[2000];
    snprintf(want, sizeof want,
             "%s:3:3: work must be > 0 (got 0)\n"
             "%s:4: unknown workload class 'db'\n"
             "%s: ... and 2 more errors\n",
             p, p, p);
    cr_assert_str_eq(c.err, want);
    cr_assert(strstr(c.out, "records: 2\n"));
    cr_assert(strstr(c.out, "errors: 4\n"));
    cr_assert(strstr(c.out, "cores: 1 (default"));
    captured_free(&c);
    /* no limit */
    run_check(&c, p, NULL, 0, true, 0);
    cr_assert(strstr(c.err, ":5:3: work: not a decimal number: 'x'\n"), "%s", c.err);
    cr_assert(strstr(c.err, ":7:3: work must be > 0 (got -1)\n"), "%s", c.err);
    captured_free(&c);
    th_cleanup();
}

Test(trace_check, open_failure_and_empty_workload)
{
    struct captured c;
    run_check(&c, "/nonexistent/t.csv", NULL, 0, false, 10);
    cr_assert_eq(c.rc, SIM_EINVAL, "a path that is not there is bad input (exit 2)");
    cr_assert_str_eq(c.err, "/nonexistent/t.csv: No such file or directory\n");
    cr_assert_str_eq(c.out, "");
    captured_free(&c);
    th_tmpdir();
    run_check(&c, th_write("e.csv", "arrival,work\n", -1), NULL, 0, false, 10);
    cr_assert_eq(c.rc, 0);
    cr_assert(strstr(c.out, "records: 0\n"));
    cr_assert_null(strstr(c.out, "offered load"));
    captured_free(&c);
    /* a single arrival instant: load over the longest guest */
    run_check(&c, th_write("one.csv", "arrival,work,vcpus\n3,4,2\n", -1), NULL, 2, false, 10);
    cr_assert(strstr(c.out, "offered load: 1 (sum work*vcpus / duration of the longest guest"),
              "%s", c.out);
    captured_free(&c);
    th_cleanup();
}

Test(trace_check, wrong_type_is_bad_input_read_error_stops)
{
    th_tmpdir();
    th_mkdir("d.csv");
    struct captured c;
    run_check(&c, th_path("d.csv"), "csv", 0, false, 10);
    cr_assert_eq(c.rc, SIM_EINVAL, "%s", c.err);
    cr_assert(strstr(c.err, "d.csv: is a directory, not a file"), "%s", c.err);
    captured_free(&c);
    /* offset 0 of a process's memory is unmapped: the read fails (exit 1) */
    run_check(&c, "/proc/self/mem", "json", 0, false, 10);
    cr_assert_eq(c.rc, SIM_EIO, "%s", c.err);
    cr_assert(strstr(c.err, "/proc/self/mem: cannot read"), "%s", c.err);
    captured_free(&c);
    th_cleanup();
}

Test(trace_check, series_formats)
{
    struct captured c;
    run_check(&c, VALID "planetlab", "planetlab", 1, false, 10);
    cr_assert_eq(c.rc, 0);
    cr_assert(strstr(c.out, "records: 3\n"));
    cr_assert(strstr(c.out, "total work: 43521 s per vCPU, 43521 vCPU-s\n"), "%s", c.out);
    /* all arrive at 0; each series lasts 288 x 300 s */
    cr_assert(strstr(c.out, "offered load: 0.5037 (sum work*vcpus / duration of the longest"),
              "%s", c.out);
    captured_free(&c);
}

/* `hvsim check --json` with the cutting options of run: the offered load
 * of the part of the trace a run replays.  4 jobs of 10 s x 2 vCPUs at 0,
 * 10, 20, 40: 80 vCPU-s over 40 s on 4 cores is 0.5; the first 3 over
 * 20 s, 0.75; from --start 10, 60 over 30 s, 0.5; on 2 hosts of 2 cores,
 * 0.5 again. */
static double check_load(const char *path, const char *const *extra)
{
    const char *argv[20] = {"check", path, "--json"};
    size_t n = 3;
    for (size_t i = 0; extra[i]; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    struct cmd_result r;
    run_hvsim(&r, argv);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t je;
    json_t *j = json_loads(r.out, 0, &je);
    cr_assert_not_null(j, "stdout is JSON only: %s", je.text);
    double load = json_number_value(json_object_get(j, "offered_load"));
    json_decref(j);
    cmd_result_free(&r);
    return load;
}

Test(trace_check, json_load_of_the_part_a_run_replays)
{
    char *path = write_temp(".csv", "id,arrival,work,vcpus\na,0,10,2\nb,10,10,2\nc,20,10,2\n"
                                    "d,40,10,2\n");
    cr_expect_float_eq(check_load(path, (const char *const[]){"--cores", "4", NULL}), 0.5, 1e-12);
    cr_expect_float_eq(check_load(path, (const char *const[]){"--cores", "4", "--limit", "3",
                                                             NULL}), 0.75, 1e-12);
    cr_expect_float_eq(check_load(path, (const char *const[]){"--cores", "4", "--start", "10",
                                                             NULL}), 0.5, 1e-12);
    cr_expect_float_eq(check_load(path, (const char *const[]){"--cores", "4", "--end", "25",
                                                             NULL}), 0.75, 1e-12);
    cr_expect_float_eq(check_load(path, (const char *const[]){"--cores", "2", "--hosts", "2",
                                                             NULL}), 0.5, 1e-12);
    cr_expect_float_eq(check_load(path, (const char *const[]){"--cores", "4", "--scale-work",
                                                             "2", NULL}), 1.0, 1e-12);
    struct cmd_result r;
    RUN(&r, "check", path, "--json", "--start", "30", "--end", "20");
    cr_expect_eq(r.status, 2, "--start after --end");
    cr_expect_str_eq(r.out, "");
    cmd_result_free(&r);
    unlink(path);
    free(path);
}
