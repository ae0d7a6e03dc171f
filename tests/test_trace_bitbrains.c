/* tests/test_trace_bitbrains.c - the Bitbrains GWA-T-12 reader. */
#include "trace_test_util.h"

#define VALID "tests/data/traces/valid/"
/* The eleven GWA-T-12 columns, hvsim's four first; REST the seven others
 * of a row. */
#define BBH "Timestamp [ms];\tCPU cores;\tCPU usage [%];\tMemory capacity provisioned [KB];" \
            "\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tMemory usage [KB];" \
            "\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];" \
            "\tNetwork received throughput [KB/s];\tNetwork transmitted throughput [KB/s]\n"
#define REST ";\t0;\t0;\t0;\t0;\t0;\t0;\t0\n"
#define SHARED "../shared/traces/"

Test(trace_bitbrains, fixture_mapping)
{
    struct th_result r;
    th_read(&r, VALID "bitbrains", "bitbrains");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 3);
    cr_assert_eq(r.time_offset, 1372629804);
    /* ordered by first timestamp: 1.csv, 82.csv, 14.csv */
    const struct trace_record *a = &r.rec[0], *b = &r.rec[1], *c = &r.rec[2];
    cr_assert_str_eq(a->id, "1.csv");
    cr_assert_eq(a->arrival, 0);
    cr_assert_eq(a->vcpus, 2);
    cr_assert_float_eq(a->mem_mb, 8218624.0 / 1024, 1e-9);
    cr_assert_eq(a->series->n, 10);
    cr_assert_eq(a->series->interval, 300);
    cr_assert_float_eq(a->series->util[0], 0.015, 1e-15);
    cr_assert_float_eq(a->work, 5.5333333333333333 * 3, 1e-9);
    cr_assert_float_eq(a->util, 0.0055333333333333333, 1e-12);
    cr_assert_str_eq(b->id, "82.csv");
    cr_assert_eq(b->arrival, 1374596800 - 1372629804);
    cr_assert_eq(b->vcpus, 8);
    cr_assert_float_eq(b->mem_mb, 3.2804727466666665E7 / 1024, 1e-6, "largest row, 3.28E7 KB");
    cr_assert_float_eq(b->work, 745.675, 1e-9);
    /* 14.csv reports 0 cores until its 9th row, then 1 */
    cr_assert_str_eq(c->id, "14.csv");
    cr_assert_eq(c->arrival, 1375093346 - 1372629804);
    cr_assert_eq(c->vcpus, 1);
    cr_assert_float_eq(c->mem_mb, 2026, 1e-9);
    cr_assert_float_eq(c->work, 276.5, 1e-9);
    cr_assert_eq(c->line, 2);
    th_free(&r);
}

Test(trace_bitbrains, quirks_accepted)
{
    th_tmpdir();
    /* usage above 100 %, 0 cores, spaces, one row, blank line at the end */
    th_write("d/a.csv",
             "Timestamp [ms]; CPU cores ;CPU usage [%];Memory capacity provisioned [KB];"
             "CPU capacity provisioned [MHZ];CPU usage [MHZ];Memory usage [KB];"
             "Disk read throughput [KB/s];Disk write throughput [KB/s];"
             "Network received throughput [KB/s];Network transmitted throughput [KB/s]\n"
             " 100 ;\t0;\t150;\t2048" REST "\n",
             -1);
    th_write("d/b.csv", BBH, -1);
    th_write("d/c.csv", BBH "160;4;0;0" REST "760;4;0;0" REST, -1);
    struct th_result r;
    th_read(&r, th_path("d"), "bitbrains");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 1);
    cr_assert_eq(r.skipped[TRACE_SKIP_ZERO_RUNTIME], 1);
    cr_assert_eq(r.rec[0].vcpus, 1);
    cr_assert_eq(r.rec[0].mem_mb, 2);
    cr_assert_eq(r.rec[0].util, 1.5);
    cr_assert_eq(r.rec[0].series->interval, 300, "one row: the nominal 300 s");
    cr_assert_eq(r.rec[0].work, 450);
    th_free(&r);
    th_cleanup();
}

Test(trace_bitbrains, header_only_file_is_empty)
{
    th_tmpdir();
    struct th_result r;
    th_read(&r, th_write("h.csv", BBH, -1), "bitbrains");
    cr_assert_eq(r.open_rc, 0);
    cr_assert_eq(r.nerr, 0);
    cr_assert_eq(r.n, 0);
    th_free(&r);
    th_cleanup();
}

Test(trace_bitbrains, shipped_rnd_month, .timeout = 60)
{
    th_need_shared(SHARED "bitbrains-rnd-2013-7/2013-7");
    struct th_result r;
    th_read(&r, SHARED "bitbrains-rnd-2013-7/2013-7", "bitbrains");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 87);
    cr_assert_eq(r.skipped[TRACE_SKIP_ZERO_RUNTIME], 13, "VMs with no CPU usage at all");
    for (long i = 1; i < r.n; i++)
        cr_assert_geq(r.rec[i].arrival, r.rec[i - 1].arrival);
    cr_assert_eq(r.rec[r.n - 1].arrival, 1375093346 - 1372629804);
    th_free(&r);
}

#define BB(n, data, where, text) \
    {n, "bitbrains", "d", {{"d/a.csv", data, 0}}, where, "d/a.csv", text, NULL}

static const struct th_case bitbrains_cases[] = {
    {"empty-directory", "bitbrains", "d", {{"d", NULL, 0}}, "", NULL, "empty directory", NULL},
    {"missing", "bitbrains", "nope.csv", {{NULL, NULL, 0}}, "", NULL,
     "No such file or directory", NULL},
    BB("zero-byte", "", "", "empty file (no header line)"),
    BB("missing-column", "Timestamp [ms];\tCPU cores\n", ":1",
       "no 'CPU usage [%]' column in the header"),
    BB("missing-unused-column",
       "Timestamp [ms];CPU cores;CPU usage [%];Memory capacity provisioned [KB]\n", ":1",
       "no 'CPU capacity provisioned [MHZ]' column in the header"),
    BB("duplicate-column", "Timestamp [ms];CPU cores;CPU usage [%];CPU cores\n", ":1:40",
       "duplicate column 'CPU cores'"),
    BB("more-fields", BBH "0;\t1;\t5;\t0;\t0;\t0;\t0;\t0;\t0;\t0;\t0;\t7\n", ":2:34",
       "12 fields, but the header has 11"),
    BB("fewer-fields", BBH "0;\t1\n", ":2:5", "2 fields, but the header has 11"),
    BB("not-a-number", BBH "x;\t1;\t5;\t0" REST, ":2:1",
       "Timestamp [ms]: not a decimal number: 'x'"),
    BB("empty-field", BBH "0;\t;\t5;\t0" REST, ":2:4", "CPU cores: empty field"),
    /* fields hvsim does not use follow the same text rules */
    BB("nan-in-unused-column", BBH "0;\t1;\t5;\t0;\tnan;\t0;\t0;\t0;\t0;\t0;\t0\n", ":2:13",
       "CPU capacity provisioned [MHZ]: not a decimal number: 'nan'"),
    BB("empty-unused-column", BBH "0;\t1;\t5;\t0;\t0;\t0;\t0;\t0;\t0;\t0;\t\n", ":2:30",
       "Network transmitted throughput [KB/s]: empty field"),
    BB("garbage-in-unused-column", BBH "0;\t1;\t5;\t0;\t0;\t0;\t0;\t1.5kB;\t0;\t0;\t0\n",
       ":2:22", "Disk read throughput [KB/s]: trailing garbage after the number: '1.5kB'"),
    BB("negative", BBH "0;\t1;\t-5;\t0" REST, ":2:7", "CPU usage [%]: negative value -5"),
    BB("fraction-cores", BBH "0;\t1.5;\t5;\t0" REST, ":2:4", "1.5 is not a number of cores"),
    BB("huge-timestamp", BBH "1e14;\t1;\t5;\t0" REST, ":2:1",
       "Timestamp [ms]: 1e+14 is out of range"),
    BB("huge-memory", BBH "0;\t1;\t5;\t1e20" REST, ":2:10", "memory 1e+20 KB is out of range"),
    BB("backwards", BBH "600;\t1;\t5;\t0" REST "300;\t1;\t5;\t0" REST, ":3:1",
       "timestamp 300 is earlier than the previous row's (600)"),
    BB("header-bad-utf8", "Timestamp [ms];\xc0\n", ":1:16", "overlong UTF-8 sequence"),
    BB("bad-utf8", BBH "0;\t1;\t5\xff;\t0" REST, ":2:8", "invalid UTF-8 byte"),
    {"arrival-out-of-range", "bitbrains", "d",
     {{"d/a.csv", BBH "0;\t1;\t5;\t0" REST, 0}, {"d/b.csv", BBH "2e9;\t1;\t5;\t0" REST, 0}},
     ":2", "d/b.csv", "times out of range", NULL},
};

TH_CASE_TABLE(trace_bitbrains, bitbrains_cases)
