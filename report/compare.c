/*
 * report/compare.c - see compare.h.
 *
 * Design: everything is read and checked first (every summary, the
 * metric in each, every jobs.csv when plots are wanted), so that bad
 * input exits 2 before anything is created in --out.  The table is built
 * once as rows of cells (text and number), then printed as text, CSV or
 * JSON from that one description: the three formats cannot disagree.
 *
 * Memory: the summaries, and with --out each run's turnaround column
 * (8 bytes per guest); all of it hangs off struct compare and is freed in
 * compare_free.
 */
#include "report/compare.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/csv.h"
#include "base/error.h"
#include "base/infile.h"
#include "base/jsonfile.h"
#include "report/outdir.h"
#include "report/plots.h"
#include "report/report.h"
#include "report/units.h"
#include "base/xalloc.h"

struct compare_run {
    const char *dir;        /* as given on the command line */
    char *label;            /* its last path component (the whole path if ambiguous) */
    json_t *summary;        /* owned */
    double metric, ci[2];   /* --metric value and its 95% interval (NAN if none) */
    double *turnaround;     /* jobs.csv column, with --out; NULL if no jobs.csv */
    size_t nturnaround;
};

struct compare {
    struct compare_run *runs;
    size_t nruns;
    const char *metric;     /* dotted path into the summary */
    const char *out;        /* --out DIR or NULL */
    bool csv, json;
    char *varying;          /* the one config key the runs differ in, or NULL */
    size_t nvarying;        /* how many keys differ */
    char differing[256];    /* their names, for a note */
};

/* ---- reading ---- */

/* The value at a dotted path ("turnaround.mean"), or NULL. */
static const json_t *json_path(const json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const json_t *v = root;
    for (char *save = NULL, *key = strtok_r(buf, ".", &save); key && v;
         key = strtok_r(NULL, ".", &save))
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
    return v;
}

static double json_path_num(const json_t *root, const char *path)
{
    const json_t *v = json_path(root, path);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *json_path_str(const json_t *root, const char *path, const char *dflt)
{
    const char *s = json_string_value(json_path(root, path));
    return s ? s : dflt;
}

static bool ci_pair(const json_t *a, double ci[2])
{
    if (!json_is_array(a) || json_array_size(a) != 2 || !json_is_number(json_array_get(a, 0)) ||
        !json_is_number(json_array_get(a, 1)))
        return false;
    ci[0] = json_number_value(json_array_get(a, 0));
    ci[1] = json_number_value(json_array_get(a, 1));
    return true;
}

/* The 95% interval of the metric at path: the summary's ci95 table (over
 * replications) first, else GROUP.ci95 for GROUP.mean (batch means). */
static void metric_ci(const json_t *summary, const char *path, double ci[2])
{
    ci[0] = ci[1] = NAN;
    if (ci_pair(json_object_get(json_object_get(summary, "ci95"), path), ci))
        return;
    size_t len = strlen(path);
    if (len > 5 && strcmp(path + len - 5, ".mean") == 0) {
        char group[256];
        snprintf(group, sizeof group, "%.*s.ci95", (int)(len - 5), path);
        ci_pair(json_path(summary, group), ci);
    }
}

static const char *base_name(const char *dir)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    static const char root[] = "/";
    return start == len ? root : dir + start;
}

static char *label_of(const char *dir)
{
    const char *b = base_name(dir);
    size_t len = strlen(b);
    while (len > 1 && b[len - 1] == '/')
        len--;
    char *s = xmalloc(len + 1);
    memcpy(s, b, len);
    s[len] = '\0';
    return s;
}

static int load_run(struct compare_run *r, const char *metric, bool want_jobs,
                    struct sim_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", r->dir);
    int rc = infile_check_dir(r->dir, NULL, true, err);
    if (rc < 0)
        return rc;
    struct stat st;
    if (lstat(path, &st) < 0 && errno == ENOENT)
        return sim_error_set(err, SIM_EINVAL, r->dir, 0, 0,
                             "no summary.json (not a directory written by `hvsim run --out`)");
    struct json_file jf;
    rc = json_file_load(&jf, path, JSON_REJECT_DUPLICATES, err);
    if (rc < 0)
        return rc;
    r->summary = json_incref(jf.root);
    json_file_free(&jf);
    if (!json_is_object(r->summary) || !json_is_object(json_object_get(r->summary, "config")))
        return sim_error_set(err, SIM_EINVAL, path, 0, 0,
                             "not an hvsim summary (no \"config\" object)");
    r->metric = json_path_num(r->summary, metric);
    if (!isfinite(r->metric) && !json_is_null(json_path(r->summary, metric)))
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "--metric %s: no number there",
                             metric);
    metric_ci(r->summary, metric, r->ci);
    if (want_jobs) {
        snprintf(path, sizeof path, "%s/jobs.csv", r->dir);
        if (access(path, F_OK) < 0) {
            fprintf(stderr, "hvsim: note: %s: no jobs.csv; left out of the CDF plot\n", r->dir);
            return SIM_OK;
        }
        static const char *const cols[] = {"turnaround"};
        rc = plots_csv_read(path, cols, 1, &r->turnaround, &r->nturnaround, err);
        if (rc == SIM_EIO) {
            /* unreadable input is bad input here (exit 2), not a failed run */
            struct sim_error e = *err;
            return sim_error_set(err, SIM_EINVAL, e.file, e.line, e.column, "%s", e.text);
        }
        if (rc < 0)
            return rc;
        if (!r->turnaround)
            r->turnaround = xmalloc(sizeof *r->turnaround);   /* read, but empty */
    }
    return SIM_OK;
}

/* Which config keys differ between the runs (compared as JSON values)? */
static void find_varying(struct compare *c)
{
    const json_t *first = json_object_get(c->runs[0].summary, "config");
    /* keys of every run's config, so that a key missing in one counts */
    json_t *keys = json_object();
    for (size_t i = 0; i < c->nruns; i++) {
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(c->runs[i].summary, "config"), k, v)
            json_object_set_new(keys, k, json_true());
    }
    const char *k;
    json_t *v;
    json_object_foreach(keys, k, v) {
        /* A key some runs lack is a knob of a policy the others did not
         * choose: it does not apply to them, and differs with the policy. */
        bool everywhere = true;
        for (size_t i = 0; i < c->nruns; i++)
            everywhere = everywhere &&
                         json_object_get(json_object_get(c->runs[i].summary, "config"), k);
        if (!everywhere)
            continue;
        const json_t *a = json_object_get(first, k);
        for (size_t i = 1; i < c->nruns; i++) {
            const json_t *b = json_object_get(json_object_get(c->runs[i].summary, "config"), k);
            if (!json_equal((json_t *)a, (json_t *)b)) {
                if (c->nvarying++ == 0)
                    c->varying = xstrdup(k);
                size_t used = strlen(c->differing);
                snprintf(c->differing + used, sizeof c->differing - used, "%s%s",
                         used ? ", " : "", k);
                break;
            }
        }
    }
    json_decref(keys);
    if (c->nvarying != 1) {
        free(c->varying);
        c->varying = NULL;
    }
}

static void compare_free(struct compare *c)
{
    for (size_t i = 0; i < c->nruns; i++) {
        json_decref(c->runs[i].summary);
        free(c->runs[i].label);
        free(c->runs[i].turnaround);
    }
    free(c->runs);
    free(c->varying);
}

/* ---- the table ---- */

enum col_kind { COL_TEXT, COL_NUM, COL_INT, COL_PCT };

struct col {
    const char *head;     /* text table header */
    const char *csv;      /* CSV header and JSON key */
    enum col_kind kind;
    const char *path;     /* summary path (NULL = special) */
};

static const struct col cols[] = {
    {"run", "run", COL_TEXT, NULL},
    {"sched", "sched", COL_TEXT, "config.sched"},
    {"quantum", "quantum", COL_NUM, "config.quantum"},
    {"hw", "hw", COL_TEXT, "config.hw"},
    {"turnaround (s)", "turnaround_mean", COL_NUM, "turnaround.mean"},
    {"p99 (s)", "turnaround_p99", COL_NUM, "turnaround.p99"},
    {"waiting (s)", "waiting_mean", COL_NUM, "waiting.mean"},
    {"slowdown", "slowdown_mean", COL_NUM, "slowdown.mean"},
    {"throughput (/s)", "throughput", COL_NUM, "throughput"},
    {"utilisation", "utilization", COL_NUM, "utilization"},
    {"overhead", "overhead_fraction", COL_PCT, "overhead.fraction"},
    {"switches", "switches", COL_INT, "overhead.switches"},
};
#define NCOLS (sizeof cols / sizeof cols[0])

/* Text of a cell for the aligned table. */
static void cell_text(const struct compare_run *r, size_t c, char *buf, size_t len)
{
    const struct col *col = &cols[c];
    if (!col->path) {
        snprintf(buf, len, "%s", r->label);
        return;
    }
    /* An option the run's policies do not have is not in its config:
     * blank, not a value that does not apply. */
    if (!json_path(r->summary, col->path)) {
        buf[0] = '\0';
        return;
    }
    if (col->kind == COL_TEXT) {
        snprintf(buf, len, "%s", json_path_str(r->summary, col->path, "-"));
        return;
    }
    double v = json_path_num(r->summary, col->path);
    if (!isfinite(v)) {
        snprintf(buf, len, "-");
        return;
    }
    char a[48], b[48];
    if (strcmp(col->csv, "quantum") == 0) {
        plots_format_duration(v, buf, len);
    } else if (strcmp(col->csv, "turnaround_mean") == 0) {
        double ci[2];
        metric_ci(r->summary, "turnaround.mean", ci);
        number_format(a, sizeof a, v, 4);
        if (isfinite(ci[0]) && isfinite(ci[1])) {
            number_format(b, sizeof b, (ci[1] - ci[0]) / 2, 2);
            snprintf(buf, len, "%s ± %s", a, b);
        } else {
            snprintf(buf, len, "%s", a);
        }
    } else if (col->kind == COL_PCT) {
        number_format(a, sizeof a, 100 * v, 3);
        snprintf(buf, len, "%s%%", a);
    } else if (col->kind == COL_INT) {
        number_format(buf, len, round(v), 15);
    } else {
        number_format(buf, len, v, 4);
    }
}

/* Display width of UTF-8 text (the ± sign is two bytes, one column). */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void print_text(const struct compare *c, FILE *f)
{
    size_t width[NCOLS];
    char buf[512];
    for (size_t k = 0; k < NCOLS; k++) {
        width[k] = text_width(cols[k].head);
        for (size_t i = 0; i < c->nruns; i++) {
            cell_text(&c->runs[i], k, buf, sizeof buf);
            if (text_width(buf) > width[k])
                width[k] = text_width(buf);
        }
    }
    for (size_t k = 0; k < NCOLS; k++)
        fprintf(f, "%s%-*s", k ? "  " : "", k + 1 < NCOLS ? (int)width[k] : 0, cols[k].head);
    fputc('\n', f);
    for (size_t i = 0; i < c->nruns; i++) {
        for (size_t k = 0; k < NCOLS; k++) {
            cell_text(&c->runs[i], k, buf, sizeof buf);
            size_t pad = width[k] - text_width(buf);
            /* labels and names left, numbers right */
            bool left = cols[k].kind == COL_TEXT;
            fprintf(f, "%s%*s%s%*s", k ? "  " : "", left ? 0 : (int)pad, "", buf,
                    left ? (int)pad : 0, "");
        }
        fputc('\n', f);
    }
    fputs("turnaround: mean ± half-width of its 95% confidence interval (where the run has one); "
          "a blank option does not apply to the run's policy\n", f);
}

static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.10g", v);
}

static void print_csv(const struct compare *c, FILE *f)
{
    fputs("run,dir", f);
    for (size_t k = 1; k < NCOLS; k++) {
        fprintf(f, ",%s", cols[k].csv);
        if (strcmp(cols[k].csv, "turnaround_mean") == 0)
            fputs(",turnaround_ci_lo,turnaround_ci_hi", f);
    }
    fputc('\n', f);
    for (size_t i = 0; i < c->nruns; i++) {
        const struct compare_run *r = &c->runs[i];
        csv_put_field(f, r->label);
        fputc(',', f);
        csv_put_field(f, r->dir);
        for (size_t k = 1; k < NCOLS; k++) {
            fputc(',', f);
            if (cols[k].kind == COL_TEXT) {
                csv_put_field(f, json_path_str(r->summary, cols[k].path, ""));
                continue;
            }
            csv_num(f, json_path_num(r->summary, cols[k].path));
            if (strcmp(cols[k].csv, "turnaround_mean") == 0) {
                double ci[2];
                metric_ci(r->summary, "turnaround.mean", ci);
                fputc(',', f);
                csv_num(f, ci[0]);
                fputc(',', f);
                csv_num(f, ci[1]);
            }
        }
        fputc('\n', f);
    }
}

static json_t *num_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *table_json(const struct compare *c)
{
    json_t *root = json_object();
    json_t *runs = json_array();
    for (size_t i = 0; i < c->nruns; i++) {
        const struct compare_run *r = &c->runs[i];
        json_t *o = json_object();
        json_object_set_new(o, "run", json_string(r->label));
        json_object_set_new(o, "dir", json_string(r->dir));
        for (size_t k = 1; k < NCOLS; k++) {
            if (cols[k].kind == COL_TEXT) {
                const char *s = json_path_str(r->summary, cols[k].path, NULL);
                json_object_set_new(o, cols[k].csv, s ? json_string(s) : json_null());
            } else {
                json_object_set_new(o, cols[k].csv,
                                    num_or_null(json_path_num(r->summary, cols[k].path)));
            }
            if (strcmp(cols[k].csv, "turnaround_mean") == 0) {
                double ci[2];
                metric_ci(r->summary, "turnaround.mean", ci);
                json_object_set_new(o, "turnaround_ci95",
                                    isfinite(ci[0]) && isfinite(ci[1])
                                        ? json_pack("[f,f]", ci[0], ci[1]) : json_null());
            }
        }
        json_object_set_new(o, "metric", num_or_null(r->metric));
        json_array_append_new(runs, o);
    }
    json_object_set_new(root, "runs", runs);
    json_object_set_new(root, "metric", json_string(c->metric));
    json_object_set_new(root, "varying", c->varying ? json_string(c->varying) : json_null());
    json_object_set_new(root, "differing_keys", json_integer((json_int_t)c->nvarying));
    return root;
}

static void print_json(const struct compare *c, FILE *f)
{
    json_t *j = table_json(c);
    json_dumpf(j, f, REPORT_JSON_FLAGS);
    fputc('\n', f);
    json_decref(j);
}

/* ---- plots ---- */

static int write_table_files(const struct compare *c, struct sim_error *err)
{
    void (*printers[3])(const struct compare *, FILE *) = {print_text, print_csv, print_json};
    const char *names[3] = {"comparison.txt", "comparison.csv", "comparison.json"};
    for (int i = 0; i < 3; i++) {
        char *buf;
        size_t len;
        FILE *m = open_memstream(&buf, &len);
        printers[i](c, m);
        fclose(m);
        int rc = plots_write_buffer(c->out, names[i], buf, len, err);
        if (rc < 0)
            return rc;
    }
    return SIM_OK;
}

/* Do runs i and j have the same turnaround column (as a multiset)?  Both
 * are sorted by then (plots_cdf_points). */
static bool same_turnarounds(const struct compare_run *a, const struct compare_run *b)
{
    return a->nturnaround == b->nturnaround &&
           memcmp(a->turnaround, b->turnaround, a->nturnaround * sizeof *a->turnaround) == 0;
}

/* What the runs share, for a chart's second title line: the workload,
 * the platform and the hardware when they are the same in every run. */
static void common_caption(const struct compare *c, char *buf, size_t len)
{
    static const char *const keys[] = {"workload", "config.hosts", "config.cores",
                                       "config.platform", "config.hw"};
    bool same[5];
    for (size_t k = 0; k < 5; k++) {
        const json_t *a = json_path(c->runs[0].summary, keys[k]);
        same[k] = true;
        for (size_t i = 1; i < c->nruns; i++) {
            const json_t *b = json_path(c->runs[i].summary, keys[k]);
            same[k] = same[k] && a && b && json_equal((json_t *)a, (json_t *)b);
        }
    }
    char full[600];
    plots_run_caption(c->runs[0].summary, full, sizeof full);
    /* plots_run_caption: "WORKLOAD; sched ...; [alloc ...;] PLATFORM; hw HW" */
    const char *first = strstr(full, "; sched ");
    const char *hw = strstr(full, "; hw ");
    const char *platform = hw;
    while (platform && platform > full && platform[-1] != ';')
        platform--;
    size_t used = 0;
    buf[0] = '\0';
    if (same[0] && first)
        used += (size_t)snprintf(buf + used, len - used, "%.*s", (int)(first - full), full);
    if (same[1] && same[2] && same[3] && platform && hw && used < len)
        used += (size_t)snprintf(buf + used, len - used, "%s%.*s", used ? "; " : "",
                                 (int)(hw - platform - 1), platform + 1);
    if (same[4] && hw && used < len)
        snprintf(buf + used, len - used, "%s%s", used ? "; " : "", hw + 2);
}

static int plot_cdfs(const struct compare *c, bool *missing, struct sim_error *err)
{
    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    size_t nblocks = 0;
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < c->nruns; i++) {
        const struct compare_run *r = &c->runs[i];
        if (!r->turnaround || r->nturnaround == 0)
            continue;
        if (nblocks++)
            fputs("\n\n", m);   /* gnuplot: two blank lines end a block (index) */
        fprintf(m, "# run %s (%s): turnaround,cdf\n", r->label, r->dir);
        plots_cdf_points(r->turnaround, r->nturnaround, m);   /* sorts */
        lo = fmin(lo, r->turnaround[0]);
        hi = fmax(hi, r->turnaround[r->nturnaround - 1]);
    }
    fclose(m);
    int rc = plots_write_buffer(c->out, "compare-cdf.csv", buf, len, err);
    if (rc < 0)
        return rc;

    m = open_memstream(&buf, &len);
    plots_gp_begin(m, "compare-cdf",
                   "turnaround CDFs of several runs on one chart; data: compare-cdf.csv,\n"
                   "# one block (gnuplot index) per run, columns turnaround,cdf (seconds)", 1000,
                   640);
    /* A run whose curve is another's is named with it: lines that
     * coincide hide each other, whatever their dashes. */
    fprintf(m, "    array run[%zu]\n", nblocks ? nblocks : 1);
    size_t b = 0;
    for (size_t i = 0; i < c->nruns; i++) {
        const struct compare_run *r = &c->runs[i];
        if (!r->turnaround || r->nturnaround == 0)
            continue;
        char title[600];
        size_t used = (size_t)snprintf(title, sizeof title, "%s", r->label);
        bool first = true;
        for (size_t j = 0; j < c->nruns; j++)
            if (j != i && c->runs[j].turnaround && same_turnarounds(r, &c->runs[j]) &&
                used < sizeof title) {
                used += (size_t)snprintf(title + used, sizeof title - used, "%s%s",
                                         first ? " (same curve as " : ", ", c->runs[j].label);
                first = false;
            }
        if (!first && used < sizeof title)
            snprintf(title + used, sizeof title - used, ")");
        fprintf(m, "    run[%zu] = ", ++b);
        plots_gp_quote(m, title);
        fputc('\n', m);
    }
    char sub[600];
    common_caption(c, sub, sizeof sub);
    fprintf(m, "    set title 'Turnaround time CDF of %zu runs'", nblocks);
    if (sub[0]) {
        fputs(".\"\\n\".", m);
        plots_gp_quote(m, sub);
    }
    fprintf(m, "\n"
            "    set ylabel 'fraction of guests with turnaround <= x'\n"
            "    set yrange [0:1.02]\n"
            "    set ytics 0.1\n"
            "    set key bottom right Left reverse\n");
    if (nblocks == 0) {
        fputs("    set xlabel 'turnaround time'\n"
              "    set xrange [0.1:10]\n"
              "    set label 1 'no guest completed in any run' at graph 0.5, graph 0.5 center\n"
              "    plot NaN notitle\n", m);
    } else {
        double div = plots_gp_time_axis(m, "x", lo, hi, true, "turnaround time");
        /* Each run its line type (colour, dash, marker: the common style);
         * markers every 1/12 of the points, shifted per run, so that
         * curves that coincide still show each one. */
        fprintf(m, "    plot for [i=1:%zu] 'compare-cdf.csv' index (i-1) using ($1/%.17g):2 "
                "with lines lt i notitle, \\\n"
                "         for [i=1:%zu] '' index (i-1) every 167::(i*29) using ($1/%.17g):2 "
                "with points lt i notitle, \\\n"
                "         for [i=1:%zu] keyentry with linespoints lt i title run[i]\n",
                nblocks, div, nblocks, div, nblocks);
    }
    plots_gp_end(m);
    fclose(m);
    rc = plots_write_buffer(c->out, "compare-cdf.gp", buf, len, err);
    if (rc < 0)
        return rc;
    return plots_render(c->out, "compare-cdf", missing, err);
}

static int cmp_x(const void *a, const void *b, const double *x)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    return (x[i] > x[j]) - (x[i] < x[j]);
}

/* Insertion sort of order[] by x (qsort has no context argument in C11;
 * n is the number of runs on a command line). */
static void sort_by_x(size_t *order, size_t n, const double *x)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_x(&order[j - 1], &order[j], x) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

static bool is_duration_key(const char *k)
{
    return strcmp(k, "quantum") == 0 || strcmp(k, "interval") == 0 || strcmp(k, "sample") == 0;
}

static bool is_seconds_metric(const char *path)
{
    static const char *const prefixes[] = {"turnaround.", "waiting.", "response.", "makespan",
                                           "overhead.exit_seconds", "overhead.walk_seconds",
                                           "overhead.switch_seconds"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* The metric against the one config key the runs differ in. */
static int plot_metric(const struct compare *c, bool *missing, struct sim_error *err)
{
    const char *key = c->varying;
    size_t n = c->nruns;
    double *x = xmalloc(n * sizeof *x);
    size_t *order = xmalloc(n * sizeof *order);
    bool numeric = true, any_ci = false, clipped = false;
    char **xtext = xcalloc(n, sizeof *xtext);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(json_object_get(c->runs[i].summary, "config"), key);
        order[i] = i;
        if (json_is_number(v)) {
            x[i] = json_number_value(v);
            char t[64];
            if (is_duration_key(key))
                plots_format_duration(x[i], t, sizeof t);
            else
                number_format(t, sizeof t, x[i], 6);
            xtext[i] = xstrdup(t);
        } else {
            numeric = false;
            x[i] = (double)i;
            xtext[i] = json_is_string(v) ? xstrdup(json_string_value(v))
                                         : (v ? json_dumps(v, JSON_ENCODE_ANY) : xstrdup("(none)"));
        }
        any_ci = any_ci || (isfinite(c->runs[i].ci[0]) && isfinite(c->runs[i].ci[1]));
    }
    if (numeric)
        sort_by_x(order, n, x);
    else
        for (size_t i = 0; i < n; i++)
            x[i] = (double)i;

    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    /* x, value and interval first: gnuplot reads these; the text columns
     * last, where a comma inside a quoted value cannot shift them.  Every
     * metric hvsim reports is >= 0: an interval is cut at 0 (a Student-t
     * interval of few replications can reach below), and the plot says so. */
    fprintf(m, "x,%s,ci_lo,ci_hi,run,", c->metric);
    csv_put_field(m, key);
    fputc('\n', m);
    double xmin = INFINITY, xmax = -INFINITY, ymax = 0;
    size_t longest = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const struct compare_run *r = &c->runs[i];
        double lo = r->ci[0], hi = r->ci[1];
        if (!isfinite(lo) || !isfinite(hi))
            lo = hi = r->metric;
        if (lo < 0 && r->metric >= 0) {
            lo = 0;
            clipped = true;
        }
        double xv = numeric ? x[i] : (double)k;
        xmin = fmin(xmin, xv);
        xmax = fmax(xmax, xv);
        if (isfinite(hi))
            ymax = fmax(ymax, hi);
        fprintf(m, "%.10g,%.10g,%.10g,%.10g,", xv, r->metric, lo, hi);
        csv_put_field(m, r->label);
        fputc(',', m);
        csv_put_field(m, xtext[i]);
        fputc('\n', m);
        if (strlen(xtext[i]) > longest)
            longest = strlen(xtext[i]);
    }
    fclose(m);
    int rc = plots_write_buffer(c->out, "compare-metric.csv", buf, len, err);
    if (rc < 0)
        goto done;

    m = open_memstream(&buf, &len);
    plots_gp_begin(m, "compare-metric",
                   "one metric of several runs against the one configuration key they\n"
                   "# differ in, with 95% confidence intervals; data: compare-metric.csv\n"
                   "# (the metric in its own unit, seconds for times)", 1000, 640);
    /* times on the y axis in the unit of the largest */
    const struct time_unit *u = is_seconds_metric(c->metric)
                                    ? time_unit_for_seconds(ymax, true) : NULL;
    double ydiv = u ? u->seconds : 1;
    char title[512], sub[600], ylabel[300], xlabel[300];
    snprintf(title, sizeof title, "%s against %s", c->metric, key);
    common_caption(c, sub, sizeof sub);
    if (any_ci) {
        size_t l = strlen(sub);
        snprintf(sub + l, sizeof sub - l, "%serror bars: 95%% confidence intervals%s",
                 l ? "; " : "", clipped ? " (cut at 0)" : "");
    }
    snprintf(ylabel, sizeof ylabel, "%s%s%s%s", c->metric, u ? " (" : "", u ? u->name : "",
             u ? ")" : "");
    bool logx = numeric && xmin > 0 && xmax / xmin >= 50;
    snprintf(xlabel, sizeof xlabel, "%s%s", key, logx ? " (log scale)" : "");
    fputs("    set title ", m);
    plots_gp_quote(m, title);
    if (sub[0]) {
        fputs(".\"\\n\".", m);
        plots_gp_quote(m, sub);
    }
    fputs("\n    set ylabel ", m);
    plots_gp_quote(m, ylabel);
    fputs("\n    set xlabel ", m);
    plots_gp_quote(m, xlabel);
    fputs("\n    set key off\n    set yrange [0:*]\n", m);
    if (numeric) {
        if (logx)
            fputs("    set logscale x\n", m);
        fprintf(m, "    set offsets graph 0.05, graph 0.05, 0, 0\n");
        /* ticks at the runs' values, named as configured (10ms, not 0.01) */
        if (n <= 20) {
            fputs("    set xtics (", m);
            for (size_t k = 0; k < n; k++) {
                fputs(k ? ", " : "", m);
                plots_gp_quote(m, xtext[order[k]]);
                fprintf(m, " %.10g", x[order[k]]);
            }
            fputs(")\n", m);
        }
        fprintf(m, "    plot 'compare-metric.csv' skip 1 using 1:($2/%.17g):($3/%.17g):($4/%.17g) "
                "with %s lt 1\n", ydiv, ydiv, ydiv, any_ci ? "yerrorlines" : "linespoints");
    } else {
        fprintf(m, "    set xrange [-0.5:%zu.5]\n", n - 1);
        fputs("    set xtics (", m);
        for (size_t k = 0; k < n; k++) {
            fputs(k ? ", " : "", m);
            plots_gp_quote(m, xtext[order[k]]);
            fprintf(m, " %zu", k);
        }
        fputs(")\n", m);
        if (longest > 10)
            fputs("    set xtics rotate by 30 right\n", m);
        fputs("    set style fill solid 0.5 border lc rgb '#1f77b4'\n"
              "    set boxwidth 0.5\n", m);
        fprintf(m, "    plot 'compare-metric.csv' skip 1 using 1:($2/%.17g) with boxes lt 1 dt 1",
                ydiv);
        if (any_ci)
            fprintf(m, ", \\\n         '' skip 1 using 1:($2/%.17g):($3/%.17g):($4/%.17g) with "
                    "yerrorbars lt 2 dt 1", ydiv, ydiv, ydiv);
        fputc('\n', m);
    }
    plots_gp_end(m);
    fclose(m);
    rc = plots_write_buffer(c->out, "compare-metric.gp", buf, len, err);
    if (rc == SIM_OK)
        rc = plots_render(c->out, "compare-metric", missing, err);
done:
    for (size_t i = 0; i < n; i++)
        free(xtext[i]);
    free(xtext);
    free(order);
    free(x);
    return rc;
}

/* The files compare may write in --out (report/outdir.h, merge mode): a
 * name this comparison does not write is removed from DIR. */
static const char *const compare_names[] = {
    "comparison.txt", "comparison.csv", "comparison.json",
    "compare-cdf.csv", "compare-cdf.gp", "compare-cdf.png", "compare-cdf.svg",
    "compare-metric.csv", "compare-metric.gp", "compare-metric.png", "compare-metric.svg",
    NULL,
};

/* Write the table and the plots into dir (the transaction's). */
static int write_out(struct compare *c, const char *dir, struct sim_error *err)
{
    const char *out = c->out;
    c->out = dir;   /* the writers put their files there */
    int rc = write_table_files(c, err);
    bool missing = false;
    if (rc == SIM_OK)
        rc = plot_cdfs(c, &missing, err);
    if (rc == SIM_OK && c->varying) {
        rc = plot_metric(c, &missing, err);
    } else if (rc == SIM_OK) {
        fprintf(stderr, "hvsim: note: the runs' configurations differ in %zu keys%s%s%s, not "
                "in exactly one: no plot of %s against a parameter\n", c->nvarying,
                c->nvarying ? " (" : "", c->differing, c->nvarying ? ")" : "", c->metric);
    }
    c->out = out;
    return rc;
}

/* ---- main ---- */

int compare_runs(const struct compare_options *opt, struct sim_error *err)
{
    struct compare c = {0};
    int rc = SIM_OK;
    c.metric = opt->metric ? opt->metric : "turnaround.mean";
    c.out = opt->out;
    c.csv = opt->csv;
    c.json = opt->json;
    size_t ndirs = opt->ndirs;
    if (c.csv && c.json)
        return sim_error_usage(err, "compare: --csv and --json exclude each other");
    if (strlen(c.metric) >= 200)
        return sim_error_usage(err, "compare --metric: path too long");
    c.runs = xcalloc(ndirs, sizeof *c.runs);
    c.nruns = ndirs;
    for (size_t i = 0; i < ndirs; i++) {
        c.runs[i].dir = opt->dirs[i];
        c.runs[i].label = label_of(opt->dirs[i]);
        c.runs[i].metric = NAN;
        rc = load_run(&c.runs[i], c.metric, c.out != NULL, err);
        if (rc < 0)
            goto done;
    }
    /* Two runs with the same name (a/x, b/x) are labelled by their path. */
    bool *clash = xcalloc(ndirs, sizeof *clash);
    for (size_t i = 0; i < ndirs; i++)
        for (size_t j = 0; j < ndirs; j++)
            clash[i] = clash[i] || (i != j && strcmp(c.runs[i].label, c.runs[j].label) == 0);
    for (size_t i = 0; i < ndirs; i++)
        if (clash[i]) {
            free(c.runs[i].label);
            c.runs[i].label = xstrdup(c.runs[i].dir);
        }
    free(clash);
    find_varying(&c);

    /* --out first: the table is printed once it is written, so that a
     * run that cannot write --out prints nothing. */
    if (c.out) {
        struct outdir od;
        rc = outdir_begin(&od, c.out, compare_names, true, err);
        if (rc == SIM_OK)
            rc = write_out(&c, outdir_tmp(&od), err);
        if (rc == SIM_OK)
            rc = outdir_commit(&od, err);
        else if (od.tmp)
            outdir_abort(&od);
        if (rc < 0)
            goto done;
    }
    if (c.csv)
        print_csv(&c, stdout);
    else if (c.json)
        print_json(&c, stdout);
    else
        print_text(&c, stdout);
done:
    compare_free(&c);
    return rc;
}
