/*
 * tests/trace_test_util.h - fixtures for the trace-reader tests: temporary
 * files and directories, reading a whole trace into memory, and the table
 * runner for invalid inputs.  Header-only (static functions) because the
 * Makefile builds every C file of tests/ into one binary.
 *
 * Each Criterion test runs in its own process; a test makes its own
 * temporary directory (th_tmpdir) and removes it with th_cleanup.
 */
#ifndef TESTS_TRACE_TEST_UTIL_H
#define TESTS_TRACE_TEST_UTIL_H

/* nftw is XSI; include this header before any other. */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "workloads/trace.h"

#define TH_UNUSED __attribute__((unused))

/* What reading a whole trace gave.  Owned by the test: th_free. */
struct th_result {
    int open_rc;                  /* trace_open's return */
    long n;                       /* records */
    struct trace_record *rec;     /* n records; their series are owned here */
    long nerr;                    /* errors returned by trace_next */
    char err[32][1200];           /* the first 32, formatted FILE:LINE:COL: text */
    int err_code[32];
    long skipped[TRACE_SKIP_MAX];
    long max_procs, max_nodes, unix_start_time;
    double time_offset;
    size_t state_max;             /* largest trace_state_size seen */
};

static TH_UNUSED char th_dir[64];

/* The project's shared traces (../shared/traces) are beside the checkout
 * where the project is developed and in CI, never in a user's clone: a
 * test that reads them is skipped, saying what it needs, when they are
 * not there.  Each path is checked, so a partial copy skips too. */
#define th_need_shared(...) th_need_shared_((const char *const[]){__VA_ARGS__, NULL})
static TH_UNUSED void th_need_shared_(const char *const *paths)
{
    for (size_t i = 0; paths[i]; i++) {
        if (access(paths[i], R_OK) == 0)
            continue;
        /* on stderr too: Criterion shows a skip's reason only with --verbose */
        fprintf(stderr, "[SKIP] %s::%s: needs %s (the project's shared traces beside the "
                "checkout; a clone does not have them)\n", criterion_current_test->category,
                criterion_current_test->name, paths[i]);
        cr_skip_test("needs %s (the project's shared traces beside the checkout, "
                     "../shared/traces; a clone does not have them)", paths[i]);
    }
}

/* A fresh temporary directory; its path in th_dir. */
static TH_UNUSED const char *th_tmpdir(void)
{
    snprintf(th_dir, sizeof th_dir, "/tmp/hvsim-tracetest-XXXXXX");
    cr_assert_not_null(mkdtemp(th_dir));
    return th_dir;
}

static int th_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static TH_UNUSED void th_cleanup(void)
{
    if (th_dir[0])
        nftw(th_dir, th_rm, 16, FTW_DEPTH | FTW_PHYS);
    th_dir[0] = '\0';
}

/* th_dir/name, in a static buffer (one at a time). */
static TH_UNUSED const char *th_path(const char *name)
{
    static char buf[2][512];
    static int k;
    k ^= 1;
    if (!name || !*name || strcmp(name, ".") == 0)
        snprintf(buf[k], sizeof buf[k], "%s", th_dir);
    else
        snprintf(buf[k], sizeof buf[k], "%s/%s", th_dir, name);
    return buf[k];
}

/* Write len bytes (len < 0: strlen) to th_dir/name, creating th_dir/name's
 * directory if name has one component of directory. */
static TH_UNUSED const char *th_write(const char *name, const char *data, long len)
{
    const char *slash = strchr(name, '/');
    if (slash) {
        char d[512];
        snprintf(d, sizeof d, "%s/%.*s", th_dir, (int)(slash - name), name);
        mkdir(d, 0700);
    }
    const char *p = th_path(name);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f, "cannot write %s", p);
    size_t n = len < 0 ? strlen(data) : (size_t)len;
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
    return p;
}

static TH_UNUSED void th_mkdir(const char *name)
{
    cr_assert_eq(mkdir(th_path(name), 0700), 0);
}

/* Read the whole trace at path (format NULL = from the extension) with
 * options opt (NULL = defaults). */
static TH_UNUSED void th_read_opt(struct th_result *res, const char *path, const char *format,
                                  const struct trace_options *opt)
{
    memset(res, 0, sizeof *res);
    struct trace_options o;
    if (opt)
        o = *opt;
    else
        trace_options_init(&o);
    if (format)
        o.format = format;
    struct trace_reader r;
    struct sim_error e;
    memset(&e, 0, sizeof e);
    res->open_rc = trace_open(&r, path, &o, &e);
    if (res->open_rc < 0) {
        sim_error_format(&e, res->err[0], sizeof res->err[0]);
        res->err_code[0] = res->open_rc;
        res->nerr = 1;
        return;
    }
    size_t cap = 0;
    struct trace_record rec;
    trace_record_init(&rec);
    for (long guard = 0; guard < 10000000; guard++) {
        int rc = trace_next(&r, &rec, &e);
        size_t st = trace_state_size(&r);
        if (st > res->state_max)
            res->state_max = st;
        if (rc == TRACE_EOF)
            break;
        if (rc < 0) {
            if (res->nerr < 32) {
                sim_error_format(&e, res->err[res->nerr], sizeof res->err[0]);
                res->err_code[res->nerr] = rc;
            }
            res->nerr++;
            if (rc != SIM_EINVAL)
                break;
            continue;
        }
        res->rec = xgrow(res->rec, &cap, (size_t)res->n + 1, sizeof *res->rec);
        res->rec[res->n++] = rec;
        trace_record_init(&rec); /* the copy owns the series now */
    }
    trace_record_clear(&rec);
    memcpy(res->skipped, r.skipped, sizeof res->skipped);
    res->max_procs = r.max_procs;
    res->max_nodes = r.max_nodes;
    res->unix_start_time = r.unix_start_time;
    res->time_offset = r.time_offset;
    trace_close(&r);
}

static TH_UNUSED void th_read(struct th_result *res, const char *path, const char *format)
{
    th_read_opt(res, path, format, NULL);
}

static TH_UNUSED void th_free(struct th_result *res)
{
    for (long i = 0; i < res->n; i++)
        trace_record_clear(&res->rec[i]);
    free(res->rec);
    res->rec = NULL;
    res->n = 0;
}

/* One invalid input: files to create in a fresh directory, what to open,
 * and the first error expected. */
struct th_file {
    const char *name;   /* relative to the temporary directory; "d/x" makes d */
    const char *data;
    long len;           /* -1 = strlen(data) (use for text without NUL) */
};

struct th_case {
    const char *name;       /* for the failure message */
    const char *format;
    const char *open;       /* what to open, relative ("." = the directory) */
    struct th_file files[4];
    const char *where;      /* expected location after the path: "" or ":L" or ":L:C";
                             * NULL: a usage error, no file in the message */
    const char *member;     /* expected file in the message if not `open` ("d/x") */
    const char *text;       /* expected substring of the message */
    const char *swf_class_by;
};

/* Run one case: the first error must be exactly PATH WHERE ": " ... and
 * contain text. */
static TH_UNUSED void th_run_case(const struct th_case *c)
{
    th_tmpdir();
    for (int i = 0; i < 4 && c->files[i].name; i++) {
        if (c->files[i].data)
            th_write(c->files[i].name, c->files[i].data, c->files[i].len ? c->files[i].len : -1);
        else
            th_mkdir(c->files[i].name);
    }
    struct trace_options o;
    trace_options_init(&o);
    struct policy_choice swf = {0};
    if (c->swf_class_by) {
        /* A bad rule is refused when the knob is set, before any reading. */
        struct sim_error e;
        cr_assert_eq(policy_choose(&swf, &trace_fmt_registry, "swf", &e), 0);
        if (policy_set(&swf, "swf-class", c->swf_class_by, &e) < 0) {
            cr_expect(strstr(e.text, c->text) != NULL, "case %s: message '%s' lacks '%s'",
                      c->name, e.text, c->text);
            policy_release(&swf);
            th_cleanup();
            return;
        }
        o.fmt_conf = swf.conf;
    }
    struct th_result res;
    char open_path[512];
    snprintf(open_path, sizeof open_path, "%s", th_path(c->open));
    th_read_opt(&res, open_path, c->format, &o);
    cr_assert_geq(res.nerr, 1, "case %s: expected an error, got %ld records", c->name, res.n);
    char want[1200];
    if (c->where)
        snprintf(want, sizeof want, "%s%s: ", c->member ? th_path(c->member) : open_path,
                 c->where);
    else
        snprintf(want, sizeof want, "%s", c->text);
    cr_expect(strncmp(res.err[0], want, strlen(want)) == 0,
              "case %s: message '%s' does not start with '%s'", c->name, res.err[0], want);
    policy_release(&swf);
    cr_expect(strstr(res.err[0], c->text) != NULL, "case %s: message '%s' lacks '%s'", c->name,
              res.err[0], c->text);
    th_free(&res);
    th_cleanup();
}

/*
 * A table of cases as a parameterized test.  Criterion runs each
 * parameter in a fresh process (which may be a new exec of a PIE binary,
 * where pointers to static data differ), so the parameter is the case's
 * index, not the case.
 */
#define TH_CASE_TABLE(suite, table)                                                    \
    ParameterizedTestParameters(suite, invalid)                                        \
    {                                                                                  \
        static int idx[sizeof table / sizeof table[0]];                                \
        for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)                        \
            idx[i] = (int)i;                                                           \
        return cr_make_param_array(int, idx, sizeof idx / sizeof idx[0]);              \
    }                                                                                  \
    ParameterizedTest(int *i, suite, invalid) { th_run_case(&table[*i]); }

#endif /* TESTS_TRACE_TEST_UTIL_H */
