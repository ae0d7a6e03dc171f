/* tests/test_trace_swf.c - the SWF reader. */
#include "trace_test_util.h"

#define VALID "tests/data/traces/valid/"
#define SHARED "../shared/traces/"

Test(trace_swf, kth_head_header_and_mapping)
{
    struct th_result r;
    th_read(&r, VALID "swf/kth-head.swf", NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 30);
    cr_assert_eq(r.max_procs, 100);
    cr_assert_eq(r.max_nodes, 100);
    cr_assert_eq(r.unix_start_time, 843480031);
    cr_assert_eq(r.time_offset, 599850);
    /* "   15   599850 192180   3477    4  -1 -1 4 53940 -1 1 12 12 -1 ..." */
    cr_assert_str_eq(r.rec[0].id, "15");
    cr_assert_eq(r.rec[0].arrival, 0);
    cr_assert_eq(r.rec[0].work, 3477);
    cr_assert_eq(r.rec[0].vcpus, 4);
    cr_assert_eq(r.rec[0].mem_mb, 0);
    cr_assert_str_eq(r.rec[0].class_name, "");
    cr_assert_eq(r.rec[0].line, 25);
    /* "   16   600022  11940   2488   25 ..." */
    cr_assert_str_eq(r.rec[1].id, "16");
    cr_assert_eq(r.rec[1].arrival, 172);
    cr_assert_eq(r.rec[1].work, 2488);
    cr_assert_eq(r.rec[1].vcpus, 25);
    cr_assert_eq(r.rec[1].line, 26);
    cr_assert_eq(r.state_max, 0);
    th_free(&r);
}

Test(trace_swf, requested_memory_is_total_mb)
{
    struct th_result r;
    th_read(&r, VALID "swf/hpc2n-mem.swf", NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 6);
    cr_assert_eq(r.max_procs, 240);
    /* "  184   561553  0  61   16  -1  -1  16  43200 819200 ...": 819200 KB
     * per processor x 16 processors = 12800 MB */
    const struct trace_record *j = &r.rec[5];
    cr_assert_str_eq(j->id, "184");
    cr_assert_eq(j->arrival, 561553 - 342072);
    cr_assert_eq(j->work, 61);
    cr_assert_eq(j->vcpus, 16);
    cr_assert_eq(j->mem_mb, 12800);
    cr_assert_eq(j->line, 37);
    th_free(&r);
}

static const char synth[] =
    "; Version: 2.2\n"
    ";\tMaxProcs: 64 (a comment after the number)\n"
    "; UnixStartTime: 1000\n"
    "\n"
    "1 100 0 10 2 -1 -1 4 -1 1 1 1 1 -1 3 2 -1 -1\n"       /* line 5: alloc 2 */
    "2\t100\t0\t-1\t2\t-1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n" /* unknown run time */
    "3 101 0 0 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n"       /* zero run time */
    "4 102 0 5.00 -1 -1 -1 8.0 -1 2048 1 1 1 -1 -1 -1 -1 -1\n" /* line 8: requested */
    "; a comment in the middle, then a blank line\n"
    " \t\n"
    "5 103 0 7 -1 -1 -1 -1 -1 -1 1 1 1 -1 0 1 -1 -1\n"     /* unknown processors */
    "-1 104.5 0 1.5 1 -1 -1 -1 -1 -1 1 1 1 -1 0 7 -1 -1\r\n"; /* line 12: no job number */

Test(trace_swf, mapping_skips_and_quirks)
{
    th_tmpdir();
    struct th_result r;
    th_read(&r, th_write("s.swf", synth, -1), NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.max_procs, 64);
    cr_assert_eq(r.unix_start_time, 1000);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.skipped[TRACE_SKIP_UNKNOWN_RUNTIME], 1);
    cr_assert_eq(r.skipped[TRACE_SKIP_ZERO_RUNTIME], 1);
    cr_assert_eq(r.skipped[TRACE_SKIP_UNKNOWN_PROCS], 1);
    cr_assert_eq(r.rec[0].vcpus, 2);
    cr_assert_eq(r.rec[0].line, 5);
    cr_assert_eq(r.rec[1].vcpus, 8, "requested processors when allocated is -1");
    cr_assert_eq(r.rec[1].work, 5);
    cr_assert_eq(r.rec[1].arrival, 2);
    cr_assert_eq(r.rec[1].mem_mb, 16);
    cr_assert_eq(r.rec[1].line, 8);
    cr_assert_str_eq(r.rec[2].id, "");
    cr_assert_eq(r.rec[2].arrival, 4.5);
    cr_assert_eq(r.rec[2].work, 1.5);
    cr_assert_eq(r.rec[2].line, 12);
    th_free(&r);
    th_cleanup();
}

Test(trace_swf, class_by_queue_and_partition)
{
    th_tmpdir();
    const char *p = th_write("s.swf", synth, -1);
    struct trace_options o;
    trace_options_init(&o);
    struct policy_choice swf = {0};
    struct sim_error e;
    cr_assert_eq(policy_choose(&swf, &trace_fmt_registry, "swf", &e), 0);
    cr_assert_eq(policy_set(&swf, "swf-class", "queue", &e), 0, "%s", e.text);
    o.fmt_conf = swf.conf;
    struct th_result r;
    th_read_opt(&r, p, NULL, &o);
    cr_assert_eq(r.n, 3);
    cr_assert_str_eq(r.rec[0].class_name, "q3");
    cr_assert_str_eq(r.rec[1].class_name, "", "queue -1: default class");
    cr_assert_str_eq(r.rec[2].class_name, "q0");
    th_free(&r);
    cr_assert_eq(policy_set(&swf, "swf-class", "partition", &e), 0, "%s", e.text);
    th_read_opt(&r, p, NULL, &o);
    cr_assert_str_eq(r.rec[0].class_name, "p2");
    cr_assert_str_eq(r.rec[2].class_name, "p7");
    th_free(&r);
    policy_release(&swf);
    th_cleanup();
}

Test(trace_swf, comments_only_is_an_empty_workload)
{
    th_tmpdir();
    struct th_result r;
    th_read(&r, th_write("c.swf", "; MaxProcs: 8\n;\n", -1), NULL);
    cr_assert_eq(r.open_rc, 0);
    cr_assert_eq(r.nerr, 0);
    cr_assert_eq(r.n, 0);
    cr_assert_eq(r.max_procs, 8);
    th_free(&r);
    th_cleanup();
}

/* Lines of an SWF file that are neither ';' comments nor blank: its jobs,
 * counted without the reader. */
static long job_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    char line[4096];
    long n = 0;
    while (fgets(line, sizeof line, f)) {
        const char *p = line + strspn(line, " \t");
        n += *p != ';' && *p != '\n' && *p != '\r' && *p != '\0';
    }
    fclose(f);
    return n;
}

/* Record counts of the shipped logs (their READMEs give the job counts;
 * skipped = run time -1, run time 0, processors unknown). */
static void shipped(const char *path, long n, long unknown_rt, long zero_rt, long unknown_p,
                    long max_procs)
{
    struct th_result r;
    th_read(&r, path, NULL);
    cr_assert_eq(r.nerr, 0, "%s: %s", path, r.err[0]);
    cr_expect_eq(r.n, n, "%s: %ld records", path, r.n);
    cr_expect_eq(r.skipped[TRACE_SKIP_UNKNOWN_RUNTIME], unknown_rt, "%s", path);
    cr_expect_eq(r.skipped[TRACE_SKIP_ZERO_RUNTIME], zero_rt, "%s", path);
    cr_expect_eq(r.skipped[TRACE_SKIP_UNKNOWN_PROCS], unknown_p, "%s", path);
    /* Nothing lost: every job line of the file is a record or skipped. */
    cr_expect_eq(r.n + unknown_rt + zero_rt + unknown_p, job_lines(path),
                 "%s: %ld records + %ld skipped != %ld job lines", path, r.n,
                 unknown_rt + zero_rt + unknown_p, job_lines(path));
    cr_expect_eq(r.max_procs, max_procs, "%s", path);
    cr_expect_geq(r.rec[0].arrival, 0);
    th_free(&r);
}

Test(trace_swf, shipped_logs_record_counts, .timeout = 60)
{
    th_need_shared(SHARED "swf-kth-sp2-1996/KTH-SP2-1996-2.1-cln.swf",
                   SHARED "swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf",
                   SHARED "swf-sdsc-par-1996/SDSC-Par-1996-3.1-cln.swf",
                   SHARED "swf-sdsc-sp2-1998/SDSC-SP2-1998-4.2-cln.head20000.swf",
                   SHARED "swf-ctc-sp2-1996/CTC-SP2-1996-3.1-cln.head20000.swf",
                   SHARED "swf-lanl-cm5-1994/LANL-CM5-1994-4.1-cln.head20000.swf",
                   SHARED "swf-hpc2n-2002/HPC2N-2002-2.2-cln.head20000.swf",
                   SHARED "swf-llnl-atlas-2006/LLNL-Atlas-2006-2.1-cln.head20000.swf",
                   SHARED "swf-lcg-2005/LCG-2005-1.head20000.swf");
    shipped(SHARED "swf-kth-sp2-1996/KTH-SP2-1996-2.1-cln.swf", 28467, 0, 8, 1, 100);
    shipped(SHARED "swf-nasa-ipsc-1993/NASA-iPSC-1993-3.1-cln.swf", 18066, 0, 173, 0, 128);
    shipped(SHARED "swf-sdsc-par-1996/SDSC-Par-1996-3.1-cln.swf", 32128, 0, 7, 0, 400);
    shipped(SHARED "swf-sdsc-sp2-1998/SDSC-SP2-1998-4.2-cln.head20000.swf", 18085, 1915, 0, 0,
            128);
    shipped(SHARED "swf-ctc-sp2-1996/CTC-SP2-1996-3.1-cln.head20000.swf", 19991, 0, 9, 0, 338);
    shipped(SHARED "swf-lanl-cm5-1994/LANL-CM5-1994-4.1-cln.head20000.swf", 19999, 0, 1, 0, 1024);
    shipped(SHARED "swf-hpc2n-2002/HPC2N-2002-2.2-cln.head20000.swf", 20000, 0, 0, 0, 240);
    shipped(SHARED "swf-llnl-atlas-2006/LLNL-Atlas-2006-2.1-cln.head20000.swf", 16080, 0, 3920,
            0, 9216);
    shipped(SHARED "swf-lcg-2005/LCG-2005-1.head20000.swf", 20000, 0, 0, 0, 24515);
}

#define J18 " 0 10 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n"
#define SWF1(n, data, where, text) \
    {n, "swf", "t.swf", {{"t.swf", data, 0}}, where, NULL, text, NULL}

static const struct th_case swf_cases[] = {
    SWF1("zero-byte", "", "", "empty file"),
    SWF1("bad-header-value", "; MaxProcs: many\n", ":1:13",
         "header MaxProcs: expected a non-negative whole number"),
    SWF1("bad-header-later", "1 0" J18 ";UnixStartTime:-5\n", ":2:16", "header UnixStartTime"),
    SWF1("header-bad-utf8", "; \xff\n", ":1:3", "invalid UTF-8 byte"),
    SWF1("record-bad-utf8", "1 0" J18 "2 \xff\n", ":2:3", "invalid UTF-8 byte"),
    SWF1("too-few-fields", "1 0 0 10 2\n", ":1:11", "5 fields, an SWF job line has 18"),
    SWF1("too-many-fields", "1 0" J18 "1 0 0 10 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1 9\n", ":2:45",
         "more than 18 fields"),
    SWF1("not-a-number", "1 0 0 ten 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n", ":1:7",
         "field 4 (run time): not a decimal number"),
    SWF1("nan", "1 0 0 10 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 nan\n", ":1:42",
         "field 18 (think time): not a decimal number"),
    SWF1("negative", "1 0 -5 10 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n", ":1:5",
         "field 3 (wait time): negative value -5"),
    SWF1("minus-two", "1 0 0 10 2 -1 -1 4 -1 -2 1 1 1 -1 3 2 -1 -1\n", ":1:23",
         "field 10 (requested memory): negative value -2"),
    SWF1("unknown-submit", "1 -1" J18, ":1:3", "submit time unknown (-1)"),
    SWF1("huge-submit", "1 1e10" J18, ":1:3", "submit time 1e+10 s is out of range"),
    SWF1("decreasing-submit", "1 50" J18 "2 40" J18, ":2:3",
         "submit time 40 is earlier than the previous job's (50)"),
    SWF1("huge-run", "1 0 0 2e9 2 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n", ":1:7",
         "run time 2e+09 s is out of range"),
    SWF1("zero-procs", "1 0 0 10 0 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n", ":1:10",
         "field 5 (allocated processors): 0 is not a number of processors"),
    SWF1("fraction-procs", "1 0 0 10 -1 -1 -1 2.5 -1 -1 1 1 1 -1 3 2 -1 -1\n", ":1:19",
         "field 8 (requested processors): 2.5 is not a number of processors"),
    SWF1("huge-procs", "1 0 0 10 1e6 -1 -1 4 -1 -1 1 1 1 -1 3 2 -1 -1\n", ":1:10",
         "1e+06 is not a number of processors"),
    SWF1("huge-memory", "1 0 0 10 2 -1 -1 4 -1 1e300 1 1 1 -1 3 2 -1 -1\n", ":1:23",
         "requested memory 1e+300 KB per processor is out of range"),
    {"fraction-queue", "swf", "t.swf", {{"t.swf", "1 0 0 10 2 -1 -1 4 -1 -1 1 1 1 -1 3.5 2 -1 -1\n", 0}},
     ":1:35", NULL, "field 15 (queue number): 3.5 is not a whole number", "queue"},
    {"bad-class-rule", "swf", "t.swf", {{"t.swf", "1 0" J18, 0}}, NULL, NULL,
     "--swf-class: 'user' is not one of none|queue|partition", "user"},
};

TH_CASE_TABLE(trace_swf, swf_cases)
