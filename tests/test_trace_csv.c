/* tests/test_trace_csv.c - the native CSV reader and writer. */
#include "trace_test_util.h"

#include <math.h>

#include "workloads/fields.h"

#define VALID "tests/data/traces/valid/"

Test(trace_csv, registered_with_extension)
{
    cr_assert_not_null(trace_fmt_find("csv"));
    cr_assert_eq(trace_fmt_for_path("x/t.CSV"), trace_fmt_find("csv"));
    cr_assert_eq(trace_fmt_for_path("t.json"), trace_fmt_find("json"));
    cr_assert_eq(trace_fmt_for_path("t.swf"), trace_fmt_find("swf"));
    cr_assert_null(trace_fmt_for_path("dir.d/file"));
}

Test(trace_csv, sample_fields_mapped)
{
    struct th_result r;
    th_read(&r, VALID "csv/sample.csv", NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 3);
    const struct trace_record *a = &r.rec[0], *b = &r.rec[1], *c = &r.rec[2];
    cr_assert_str_eq(a->id, "web-1");
    cr_assert_eq(a->arrival, 0);
    cr_assert_eq(a->work, 1.5);
    cr_assert_eq(a->vcpus, 2);
    cr_assert_eq(a->mem_mb, 2048);
    cr_assert_eq(a->priority, 1);
    cr_assert_eq(a->weight, 2);
    cr_assert_eq(a->deadline, 10);
    cr_assert_str_eq(a->class_name, "web");
    cr_assert_eq(a->util, 0.5);
    cr_assert_eq(a->line, 3);
    /* empty optional fields keep the defaults */
    cr_assert_str_eq(b->id, "db-1");
    cr_assert_eq(b->vcpus, 1);
    cr_assert_eq(b->mem_mb, 0);
    cr_assert_eq(b->weight, 1);
    cr_assert_eq(b->deadline, -1);
    cr_assert_eq(b->util, -1);
    cr_assert_str_eq(b->class_name, "");
    cr_assert_eq(b->line, 5);
    cr_assert_str_eq(c->id, "say \"hi\"");
    cr_assert_eq(c->arrival, 10);
    cr_assert_eq(c->mem_mb, 512.5);
    cr_assert_eq(c->priority, -3);
    cr_assert_eq(c->util, 0.25);
    cr_assert_str_eq(c->class_name, "batch-2");
    cr_assert_eq(c->line, 6);
    cr_assert_eq(r.state_max, 3, "the id set holds the three ids");
    th_free(&r);
}

Test(trace_csv, header_only_is_an_empty_workload)
{
    th_tmpdir();
    struct th_result r;
    th_read(&r, th_write("h.csv", "\xef\xbb\xbf# c\n\narrival,work\r\n", -1), NULL);
    cr_assert_eq(r.open_rc, 0);
    cr_assert_eq(r.nerr, 0);
    cr_assert_eq(r.n, 0);
    th_free(&r);
    th_cleanup();
}

Test(trace_csv, bom_crlf_no_final_newline)
{
    th_tmpdir();
    struct th_result r;
    th_read(&r, th_write("t.csv", "\xef\xbb\xbf" "arrival,work\r\n0,1\r\n2,3", -1), NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.rec[1].arrival, 2);
    cr_assert_eq(r.rec[1].work, 3);
    cr_assert_eq(r.rec[1].line, 3);
    th_free(&r);
    th_cleanup();
}

Test(trace_csv, equal_arrivals_are_kept_in_trace_order)
{
    th_tmpdir();
    struct th_result r;
    th_read(&r, th_write("t.csv", "id,arrival,work\nb,5,1\na,5,2\nc,6,1\n", -1), NULL);
    cr_assert_eq(r.n, 3);
    cr_assert_str_eq(r.rec[0].id, "b");
    cr_assert_str_eq(r.rec[1].id, "a");
    th_free(&r);
    th_cleanup();
}

Test(trace_csv, errors_do_not_stop_the_reader)
{
    th_tmpdir();
    struct th_result r;
    const char *p = th_write("t.csv", "arrival,work\n0,1\n1,0\n2,x\n3,1\n1,1\n", -1);
    th_read(&r, p, NULL);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.nerr, 3);
    char want[600];
    snprintf(want, sizeof want, "%s:3:3: work must be > 0 (got 0)", p);
    cr_assert_str_eq(r.err[0], want);
    snprintf(want, sizeof want, "%s:4:3: work: not a decimal number: 'x'", p);
    cr_assert_str_eq(r.err[1], want);
    snprintf(want, sizeof want,
             "%s:6:1: arrival 1 is earlier than the previous one (3); arrivals must be "
             "non-decreasing",
             p);
    cr_assert_str_eq(r.err[2], want);
    th_free(&r);
    th_cleanup();
}

/* Records without ids leave nothing behind: the reader streams. */
Test(trace_csv, no_per_record_state_without_ids)
{
    th_tmpdir();
    const char *p = th_path("big.csv");
    FILE *f = fopen(p, "w");
    fprintf(f, "arrival,work,vcpus\n");
    for (int i = 0; i < 20000; i++)
        fprintf(f, "%d,1,2\n", i);
    fclose(f);
    struct th_result r;
    th_read(&r, p, NULL);
    cr_assert_eq(r.n, 20000);
    cr_assert_eq(r.state_max, 0);
    th_free(&r);
    /* with ids, exactly one entry per id */
    f = fopen(p, "w");
    fprintf(f, "id,arrival,work\n");
    for (int i = 0; i < 5000; i++)
        fprintf(f, "g%d,%d,1\n", i, i);
    fclose(f);
    th_read(&r, p, NULL);
    cr_assert_eq(r.n, 5000);
    cr_assert_eq(r.state_max, 5000);
    th_free(&r);
    th_cleanup();
}

/* Generate records, write them as CSV, read them back: the same records. */
Test(trace_csv, write_then_read_gives_the_same_records)
{
    enum { N = 500 };
    struct trace_record in[N];
    unsigned long long x = 88172645463325252ULL; /* xorshift: fixed, repeatable */
    double t = 0;
    for (int i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        struct trace_record *r = &in[i];
        trace_record_init(r);
        t += (double)(x % 1000) / 7.0;
        r->arrival = t;
        r->work = (double)(x % 100000 + 1) / 3.0;
        r->vcpus = (int)(x % 64) + 1;
        r->mem_mb = (double)(x % 65536) * 0.1;
        r->priority = (double)(int)(x % 11) - 5;
        r->weight = (double)(x % 9 + 1) / 4.0;
        if (i % 3 == 0)
            r->deadline = t + 100.125;
        if (i % 4 == 0)
            r->util = (double)(x % 1000) / 999.0;
        if (i % 5 != 0)
            snprintf(r->id, sizeof r->id, i % 7 ? "vm-%d" : "odd, \"id\" %d", i);
        if (i % 2)
            snprintf(r->class_name, sizeof r->class_name, "c%d_x-y", (int)(x % 4));
    }
    th_tmpdir();
    const char *p = th_path("rt.csv");
    FILE *f = fopen(p, "w");
    cr_assert_eq(trace_write_csv_header(f), 0);
    for (int i = 0; i < N; i++)
        cr_assert_eq(trace_write_csv(f, &in[i]), 0);
    fclose(f);
    struct th_result r;
    th_read(&r, p, NULL);
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, N);
    for (int i = 0; i < N; i++) {
        const struct trace_record *a = &in[i], *b = &r.rec[i];
        cr_assert_str_eq(a->id, b->id, "record %d", i);
        cr_assert_eq(a->arrival, b->arrival, "record %d", i);
        cr_assert_eq(a->work, b->work, "record %d", i);
        cr_assert_eq(a->vcpus, b->vcpus, "record %d", i);
        cr_assert_eq(a->mem_mb, b->mem_mb, "record %d", i);
        cr_assert_eq(a->priority, b->priority, "record %d", i);
        cr_assert_eq(a->weight, b->weight, "record %d", i);
        cr_assert_eq(a->deadline, b->deadline, "record %d", i);
        cr_assert_eq(a->util, b->util, "record %d", i);
        cr_assert_str_eq(a->class_name, b->class_name, "record %d", i);
        cr_assert_eq(b->line, i + 2);
    }
    th_free(&r);
    th_cleanup();
}

Test(trace_csv, cutting_and_scaling_apply)
{
    th_tmpdir();
    const char *p = th_write("t.csv", "arrival,work\n0,1\n10,1\n20,2\n30,1\n40,1\n", -1);
    struct trace_options o;
    trace_options_init(&o);
    o.start = 10;
    o.end = 40;
    o.scale_arrivals = 2;
    o.scale_work = 3;
    o.limit = 2;
    struct th_result r;
    th_read_opt(&r, p, NULL, &o);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.rec[0].arrival, 0);
    cr_assert_eq(r.rec[1].arrival, 5);
    cr_assert_eq(r.rec[1].work, 6);
    cr_assert_eq(r.skipped[TRACE_SKIP_OUTSIDE_WINDOW], 1);
    th_free(&r);
    th_cleanup();
}

#define CSV1(n, data, where, text) \
    {n, "csv", "t.csv", {{"t.csv", data, 0}}, where, NULL, text, NULL}

static const struct th_case csv_cases[] = {
    CSV1("zero-byte", "", "", "empty file (no header line)"),
    CSV1("comments-only", "# a\n\n# b\n", ":3", "no header line"),
    CSV1("header-unterminated-quote", "arrival,\"work\n", ":1:9", "unterminated quoted field"),
    CSV1("header-empty-name", "arrival,,work\n", ":1:9", "empty column name"),
    CSV1("header-unknown", "arrival,work,cpus\n", ":1:14", "unknown column 'cpus'"),
    CSV1("header-upper-case", "Arrival,work\n", ":1:1", "unknown column 'Arrival'"),
    CSV1("header-duplicate", "arrival,work,arrival\n", ":1:14", "duplicate column 'arrival'"),
    CSV1("header-duplicate-x", "arrival,work,x_a,x_a\n", ":1:18", "duplicate column 'x_a'"),
    CSV1("header-no-arrival", "id,work\n", ":1", "no 'arrival' column"),
    CSV1("header-no-work", "arrival\n", ":1", "no 'work' column"),
    CSV1("header-bad-utf8", "arrival,w\xc3\n", ":1:10", "truncated UTF-8"),
    CSV1("record-bad-utf8", "arrival,work\n0,1\xff\n", ":2:4", "invalid UTF-8 byte"),
    CSV1("unterminated-quote", "arrival,work\n0,\"1\n", ":2:3", "unterminated quoted field"),
    CSV1("after-closing-quote", "arrival,work\n\"0\"x,1\n", ":2:4", "text after the closing quote"),
    CSV1("quote-in-field", "arrival,work\n0,1\"\n", ":2:4", "quote inside an unquoted field"),
    CSV1("too-many-fields", "arrival,work\n0,1,2\n", ":2:5", "3 fields, but the header has 2"),
    CSV1("too-few-fields", "arrival,work,vcpus\n0,1\n", ":2:4", "2 fields, but the header has 3"),
    CSV1("empty-arrival", "arrival,work\n,1\n", ":2:1", "arrival: empty field"),
    CSV1("empty-work", "arrival,work\n0,\n", ":2:3", "work: empty field"),
    CSV1("nan", "arrival,work\n0,nan\n", ":2:3", "work: not a decimal number: 'nan'"),
    CSV1("inf", "arrival,work\ninf,1\n", ":2:1", "arrival: not a decimal number"),
    CSV1("overflow", "arrival,work\n0,1e999\n", ":2:3", "work: number out of range"),
    CSV1("garbage", "arrival,work\n0,1s\n", ":2:3", "trailing garbage after the number"),
    CSV1("space", "arrival,work\n0, 1\n", ":2:3", "work: not a decimal number"),
    CSV1("negative-arrival", "arrival,work\n-1,1\n", ":2:1", "negative arrival (-1)"),
    CSV1("huge-arrival", "arrival,work\n1e10,1\n", ":2:1", "arrival 1e+10 s is out of range"),
    CSV1("zero-work", "arrival,work\n0,0\n", ":2:3", "work must be > 0 (got 0)"),
    CSV1("negative-work", "arrival,work\n0,-2\n", ":2:3", "work must be > 0 (got -2)"),
    CSV1("huge-work", "arrival,work\n0,2e9\n", ":2:3", "work 2e+09 s is out of range"),
    CSV1("zero-vcpus", "arrival,work,vcpus\n0,1,0\n", ":2:5", "vcpus must be >= 1 (got 0)"),
    CSV1("fraction-vcpus", "arrival,work,vcpus\n0,1,1.5\n", ":2:5", "vcpus must be a whole number"),
    CSV1("huge-vcpus", "arrival,work,vcpus\n0,1,1e6\n", ":2:5", "vcpus 1e+06 is out of range"),
    CSV1("negative-mem", "arrival,work,mem_mb\n0,1,-1\n", ":2:5", "negative mem_mb (-1)"),
    CSV1("huge-mem", "arrival,work,mem_mb\n0,1,1e13\n", ":2:5", "mem_mb 1e+13 is out of range"),
    CSV1("negative-weight", "arrival,work,weight\n0,1,-1\n", ":2:5", "negative weight (-1)"),
    CSV1("zero-weight", "arrival,work,weight\n0,1,0\n", ":2:5", "weight must be > 0"),
    CSV1("negative-deadline", "arrival,work,deadline\n0,1,-1\n", ":2:5", "negative deadline (-1)"),
    CSV1("huge-deadline", "arrival,work,deadline\n0,1,1e12\n", ":2:5",
         "deadline 1e+12 s is out of range"),
    CSV1("negative-util", "arrival,work,util\n0,1,-0.5\n", ":2:5", "negative util (-0.5)"),
    CSV1("util-above-1", "arrival,work,util\n0,1,1.25\n", ":2:5",
         "util 1.25 is above 1 (a mean utilisation is a fraction of the guest's vCPUs, 0..1)"),
    CSV1("long-id", "id,arrival,work\n"
                    "0123456789012345678901234567890123456789012345678901234567890123,0,1\n",
         ":2:1", "id longer than 63 bytes"),
    CSV1("bad-class", "arrival,work,class\n0,1,Web\n", ":2:5", "bad workload class name 'Web'"),
    CSV1("long-class", "arrival,work,class\n0,1,abcdefghijabcdefghijabcdefghijab\n", ":2:5",
         "bad workload class name"),
    CSV1("decreasing-arrival", "arrival,work\n5,1\n# c\n4,1\n", ":4:1",
         "arrival 4 is earlier than the previous one (5)"),
    CSV1("duplicate-id", "work,id,arrival\n1,a,0\n1,b,0\n1,a,1\n", ":4:3", "duplicate id 'a'"),
    {"directory-as-file", "csv", "d", {{"d", NULL, 0}}, "", NULL, "is a directory, not a file",
     NULL},
    {"missing-file", "csv", "nope.csv", {{NULL, NULL, 0}}, "", NULL, "No such file or directory", NULL},
    {"no-extension", NULL, "trace", {{"trace", "arrival,work\n", 0}}, "", NULL,
     "cannot tell the trace format", NULL},
};

TH_CASE_TABLE(trace_csv, csv_cases)

Test(trace_csv, unknown_format_name)
{
    struct th_result r;
    th_read(&r, "x.csv", "nosuch");
    cr_assert_eq(r.open_rc, SIM_EINVAL);
    cr_assert_str_eq(r.err[0], "unknown trace format 'nosuch' (see `hvsim list`)");
}

/* The shared field rules reject a field of the wrong kind (a programming
 * error of a format, not user input) and keep defaults for "". */
Test(trace_fields, wrong_kind_and_empty_text)
{
    struct trace_record rec;
    trace_record_init(&rec);
    char msg[100];
    cr_assert_str_eq(trace_field_set_number(&rec, TRACE_F_ID, 1, msg, sizeof msg),
                     "id is not a number field");
    cr_assert_str_eq(trace_field_set_text(&rec, TRACE_F_WORK, "x", msg, sizeof msg),
                     "work is not a text field");
    cr_assert_null(trace_field_set_text(&rec, TRACE_F_CLASS, "", msg, sizeof msg));
    cr_assert_str_eq(rec.class_name, "");
    cr_assert_eq(trace_field_find("x_anything"), TRACE_F_EXTRA);
    cr_assert_eq(trace_field_find("X_no"), TRACE_F_UNKNOWN);
    cr_assert(trace_class_name_ok("a-b_9"));
    cr_assert_not(trace_class_name_ok(""));
}

Test(trace_csv, write_errors_are_eio)
{
    FILE *f = fopen("/dev/full", "w");
    cr_assert_not_null(f);
    setvbuf(f, NULL, _IONBF, 0);
    struct trace_record rec;
    trace_record_init(&rec);
    rec.work = 1;
    cr_assert_eq(trace_write_csv_header(f), SIM_EIO);
    cr_assert_eq(trace_write_csv(f, &rec), SIM_EIO);
    fclose(f);
}

/* Every registered format has its mandatory operations and a unique name. */
Test(trace_registry, formats_complete_and_unique)
{
    static const char *const want[] = {"csv", "swf", "planetlab", "bitbrains", "azure", "json",
                                       "phases"};
    size_t n = registry_count(&trace_fmt_registry);
    cr_assert_eq(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        const struct trace_fmt *f = trace_fmt_of(registry_at(&trace_fmt_registry, i));
        cr_assert_str_eq(f->info.name, want[i]);
        cr_assert(f->info.desc && *f->info.desc && f->open && f->next && f->close, "%s",
                  f->info.name);
        cr_assert_eq(trace_fmt_find(f->info.name), f);
    }
    cr_assert_null(registry_at(&trace_fmt_registry, n));
    cr_assert_null(trace_fmt_find("CSV"));
}
