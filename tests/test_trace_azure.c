/* tests/test_trace_azure.c - the Azure 2017 VM-arrival reader. */
#include "trace_test_util.h"

#define VALID "tests/data/traces/valid/"
#define SHARED "../shared/traces/"

Test(trace_azure, fixture_mapping)
{
    struct th_result r;
    th_read(&r, VALID "azure", "azure");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    /* 3 bins, 501 VM tokens of which 6 are U0 (lifetime 0) */
    cr_assert_eq(r.n, 495);
    cr_assert_eq(r.skipped[TRACE_SKIP_ZERO_RUNTIME], 6);
    cr_assert_eq(r.time_offset, 2100000);
    /* line 1: "m,m,m,|,b,b,b,b,|,g,|,b,|,b,|,b,b,b,b,|,b,b,|" with
     *         "U3,U3,U3,|,U31,U31,U31,U31,|,U12,|,U3,|,U30,|,U3,U6,U3,U13,|,C40,C40,|" */
    const struct trace_record *g = r.rec;
    cr_assert_eq(g[0].arrival, 0);
    cr_assert_eq(g[0].vcpus, 8);               /* m = 8 cores, 14 GB */
    cr_assert_eq(g[0].mem_mb, 14 * 1024);
    cr_assert_eq(g[0].work, 900);              /* bin 3 = 900 s */
    cr_assert_eq(g[0].line, 1);
    cr_assert_eq(g[3].vcpus, 1);               /* b = 1 core, 1.75 GB */
    cr_assert_eq(g[3].mem_mb, 1792);
    cr_assert_eq(g[3].work, (68700 + 72000) / 2.0); /* bin 31: midpoint */
    cr_assert_eq(g[7].vcpus, 2);               /* g = 2 cores, 3.5 GB */
    cr_assert_eq(g[7].mem_mb, 3584);
    cr_assert_eq(g[7].work, 3600);             /* bin 12 */
    cr_assert_eq(g[13].work, (3900 + 7200) / 2.0); /* bin 13 */
    /* C40, censored at 2591400: it ran at least 2591400 - 2100000 s,
     * more than bin 40's lower bound 432300 */
    cr_assert_eq(g[14].work, 491400);
    cr_assert_eq(g[15].work, 491400);
    for (long i = 1; i < r.n; i++)
        cr_assert_geq(g[i].arrival, g[i - 1].arrival);
    cr_assert_eq(g[r.n - 1].arrival, 600);
    cr_assert_eq(g[r.n - 1].line, 3);
    th_free(&r);
}

Test(trace_azure, arrivals_file_named_directly)
{
    struct th_result r;
    th_read(&r, VALID "azure/v1.mini.txt", "azure");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 495);
    th_free(&r);
}

Test(trace_azure, bins_and_censoring)
{
    th_tmpdir();
    th_write("v.txt", "0 a,b,|,c,|\n300 d,|,e,|\n", -1);
    th_write("v.c1000.txt", "0 U13,U36,|,C45,|\n300 U45,|,C0,|\n", -1);
    struct th_result r;
    th_read(&r, th_path("."), "azure");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    cr_assert_eq(r.n, 5);
    cr_assert_eq(r.rec[0].work, 5550);
    cr_assert_eq(r.rec[1].work, (86700 + 172800) / 2.0);
    cr_assert_eq(r.rec[2].work, 864300, "censored: at least the bin's lower bound");
    cr_assert_eq(r.rec[3].work, (864300 + 1728000) / 2.0);
    cr_assert_eq(r.rec[3].vcpus, 16);
    cr_assert_eq(r.rec[3].mem_mb, 112 * 1024);
    cr_assert_eq(r.rec[4].work, 700, "censored at 1000, arrived at 300");
    cr_assert_eq(r.rec[4].arrival, 300);
    th_free(&r);
    th_cleanup();
}

Test(trace_azure, shipped_test_split, .timeout = 120)
{
    th_need_shared(SHARED "azure-v1-vm-arrivals/v1.test.txt",
                   SHARED "azure-v1-vm-arrivals/v1.test.c2591400.txt");
    struct th_result r;
    th_read(&r, SHARED "azure-v1-vm-arrivals", "azure");
    cr_assert_eq(r.nerr, 0, "%s", r.err[0]);
    /* README: 410,276 VM arrivals; 11,218 of them are U0 */
    cr_assert_eq(r.n + r.skipped[TRACE_SKIP_ZERO_RUNTIME], 410276);
    cr_assert_eq(r.n, 399058);
    long flav_b = 0;
    for (long i = 0; i < r.n; i++)
        flav_b += r.rec[i].mem_mb == 1792;
    cr_assert_gt(flav_b, 200000);
    cr_assert_eq(r.rec[r.n - 1].arrival, 2591100 - 2100000);
    th_free(&r);
}

#define AZ(n, a, d, where, member, text) \
    {n, "azure", ".", {{"v.txt", a, 0}, {"v.c9000.txt", d, 0}}, where, member, text, NULL}

static const struct th_case azure_cases[] = {
    {"no-lifetimes", "azure", ".", {{"v.txt", "0 a,|\n", 0}}, "", NULL, "no lifetimes file", NULL},
    {"two-lifetimes", "azure", ".",
     {{"v.txt", "0 a,|\n", 0}, {"v.c1.txt", "0 U1,|\n", 0}, {"w.c1.txt", "0 U1,|\n", 0}}, "",
     NULL, "more than one lifetimes file", NULL},
    {"not-txt", "azure", "v.dat", {{"v.dat", "0 a,|\n", 0}}, "", NULL,
     "expected the arrivals file NAME.txt", NULL},
    {"no-companion", "azure", "v.txt", {{"v.txt", "0 a,|\n", 0}, {"w.c1.txt", "", 0}}, "", NULL,
     "no lifetimes file v.c<T>.txt beside it", NULL},
    {"two-companions", "azure", "v.txt",
     {{"v.txt", "0 a,|\n", 0}, {"v.c1.txt", "", 0}, {"v.c2.txt", "", 0}}, "", NULL,
     "more than one lifetimes file for it", NULL},
    {"no-arrivals", "azure", ".", {{"v.c1.txt", "0 U1,|\n", 0}}, "", "v.txt", "No such file or directory",
     NULL},
    AZ("empty", "", "", "", "v.txt", "empty file"),
    AZ("lifetimes-short", "0 a,|\n300 a,|\n", "0 U1,|\n", ":2", "v.txt",
       "has only 1 lines"),
    AZ("arrivals-short", "0 a,|\n", "0 U1,|\n300 U1,|\n", ":2", "v.c9000.txt",
       "has only 1 lines"),
    AZ("bad-time", "x a,|\n", "0 U1,|\n", ":1:1", "v.txt", "expected '<time> <tokens>'"),
    AZ("bad-time-lifetimes", "0 a,|\n", "0,U1,|\n", ":1:1", "v.c9000.txt",
       "expected '<time> <tokens>'"),
    AZ("time-mismatch", "0 a,|\n", "300 U1,|\n", ":1:1", "v.c9000.txt",
       "time 300 does not match 0"),
    AZ("time-back", "300 a,|\n0 a,|\n", "300 U1,|\n0 U1,|\n", ":2:1", "v.txt",
       "time 0 is earlier than the previous line's (300)"),
    AZ("time-range", "0 a,|\n9999999999 a,|\n", "0 U1,|\n9999999999 U1,|\n", ":2:1", "v.txt",
       "time 9999999999 is out of range"),
    AZ("more-arrival-tokens", "0 a,|,a\n", "0 U1,|\n", ":1:7", "v.txt", "more tokens than"),
    AZ("more-lifetime-tokens", "0 a,|\n", "0 U1,|,U2\n", ":1:8", "v.c9000.txt",
       "more tokens than"),
    AZ("batch-mismatch", "0 a,|\n", "0 U1,U1\n", ":1:6", "v.c9000.txt", "expected '|'"),
    AZ("unknown-flavour", "0 a,q,|\n", "0 U1,U1,|\n", ":1:5", "v.txt", "unknown token 'q'"),
    AZ("long-token", "0 ab,|\n", "0 U1,|\n", ":1:3", "v.txt", "unknown token 'ab'"),
    AZ("bad-lifetime", "0 a,|\n", "0 X1,|\n", ":1:3", "v.c9000.txt",
       "expected U<bin> or C<bin> with bin 0..45, got 'X1'"),
    AZ("bin-46", "0 a,|\n", "0 U46,|\n", ":1:3", "v.c9000.txt", "got 'U46'"),
    AZ("bin-empty", "0 a,|\n", "0 U,|\n", ":1:3", "v.c9000.txt", "got 'U'"),
    AZ("lifetimes-bad-utf8", "0 a,|\n", "0 U1,|\xff\n", ":1:7", "v.c9000.txt",
       "invalid UTF-8 byte"),
    AZ("bad-utf8", "0 a,|\xff\n", "0 U1,|\n", ":1:6", "v.txt", "invalid UTF-8 byte"),
    {"lifetime-range", "azure", ".", {{"v.txt", "0 a,|\n", 0}, {"v.c99999999999.txt", "0 C1,|\n", 0}},
     ":1:3", "v.c99999999999.txt", "lifetime 1e+11 s is out of range", NULL},
};

TH_CASE_TABLE(trace_azure, azure_cases)

/* After a bad line, the reader goes on with the next line. */
Test(trace_azure, error_skips_the_rest_of_the_line)
{
    th_tmpdir();
    th_write("v.txt", "0 a,q,a,|\n300 b,|\n", -1);
    th_write("v.c9000.txt", "0 U1,U1,U1,|\n300 U2,|\n", -1);
    struct th_result r;
    th_read(&r, th_path("."), "azure");
    cr_assert_eq(r.nerr, 1);
    cr_assert_eq(r.n, 2);
    cr_assert_eq(r.rec[1].arrival, 300);
    cr_assert_eq(r.rec[1].work, 600);
    th_free(&r);
    th_cleanup();
}
