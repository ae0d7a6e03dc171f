/*
 * workloads/bitbrains.c - Bitbrains per-VM resource usage, GWA-T-12 of the
 * Grid Workloads Archive (`--format bitbrains`).
 *
 * Format: one CSV per VM, fields separated by ';' (followed by a TAB in
 * the real files), one header line:
 *   Timestamp [ms]; CPU cores; CPU capacity provisioned [MHZ];
 *   CPU usage [MHZ]; CPU usage [%]; Memory capacity provisioned [KB];
 *   Memory usage [KB]; Disk read/write throughput [KB/s]; Network ...
 * Columns are found by name (fields split on ';' and trimmed of spaces
 * and tabs); all eleven must be there, each once.  hvsim uses
 * "Timestamp [ms]", "CPU cores", "CPU usage [%]" and "Memory capacity
 * provisioned [KB]"; every field of a row, used or not, must be a number
 * by the text rules (workloads/textio.h).
 * Source: GWA-T-12 Bitbrains, Grid Workloads Archive, TU Delft,
 * http://gwa.ewi.tudelft.nl/datasets/gwa-t-12-bitbrains; cite S. Shen,
 * V. van Beek, A. Iosup, "Statistical Characterization of
 * Business-Critical Workloads Hosted in Cloud Datacenters", CCGrid 2015.
 *
 * Quirks of the real trace (accepted):
 * the "[ms]" timestamps are Unix epoch SECONDS; VMs start at different
 * times; steps of 299/301 s and longer gaps; repeated timestamps in the
 * full files; "CPU cores" 0 with capacity 0 (read as unknown: 1 vCPU);
 * usage above 100 % of the provisioned capacity.
 *
 * Mapping: one guest per file with at least one data row.  Files are
 * taken in order of their first timestamp (ties by name), so arrivals are
 * non-decreasing:
 *   id      = file name;
 *   arrival = first timestamp - the earliest first timestamp of all files
 *             (0 for a single file); the earliest is kept in
 *             r->time_offset;
 *   vcpus   = the largest "CPU cores" of the file's rows, at least 1 (a
 *             VM can report 0 cores before it is provisioned);
 *   mem_mb  = the largest "Memory capacity provisioned [KB]" / 1024;
 *   series  = util[k] = "CPU usage [%]" / 100 of row k (a share of the
 *             whole VM, i.e. the mean per vCPU), at a fixed interval
 *             = (last - first timestamp) / (rows - 1), 300 s when that is 0
 *             (one row, or repeated timestamps): gaps are spread evenly;
 *   util    = mean of the series;
 *   work    = sum_k util[k] * interval, CPU-seconds per vCPU, as for
 *             PlanetLab.
 * A file with only zero usage demands no CPU and is skipped as
 * zero_runtime; a header-only file is a valid empty VM (no guest).
 * Errors: 0-byte file, an empty directory, a header without one of the
 * eleven columns or with one twice, a row with a different number of
 * fields than the header, a field that is not a number (NaN, garbage,
 * empty), negative values where hvsim reads them, timestamps going back.
 *
 * Memory: open reads the header and first row of every file to sort them
 * (one name and one timestamp per file); next reads one file into its
 * guest's series.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/types.h"
#include "base/xalloc.h"
#include "workloads/fields.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

#define BB_DEFAULT_INTERVAL 300.0

/* The columns of a GWA-T-12 file, all required, each once, in any order;
 * the first four are the ones hvsim uses. */
enum { BB_TS, BB_CORES, BB_PCT, BB_MEM, BB_NCOLS = 11 };

static const char *const bb_col_names[BB_NCOLS] = {
    [BB_TS] = "Timestamp [ms]",
    [BB_CORES] = "CPU cores",
    [BB_PCT] = "CPU usage [%]",
    [BB_MEM] = "Memory capacity provisioned [KB]",
    "CPU capacity provisioned [MHZ]",
    "CPU usage [MHZ]",
    "Memory usage [KB]",
    "Disk read throughput [KB/s]",
    "Disk write throughput [KB/s]",
    "Network received throughput [KB/s]",
    "Network transmitted throughput [KB/s]",
};
#define BB_USED 4   /* columns read into a record: BB_TS .. BB_MEM */

/* One VM file, in the order guests are produced. */
struct bb_file {
    char *name;       /* member name (or the path for a single file) */
    double first_ts;  /* first timestamp; -inf if unknown (see open) */
};

/* Private state; owned by r->priv, freed by bb_close. */
struct bb_priv {
    char *dir;                /* directory as given, NULL for a single file */
    struct bb_file *files;
    size_t n, next;
};

/* One file being read: its lines and the header's column positions. */
struct bb_reader {
    struct textio t;
    int col[BB_NCOLS];        /* field index of each column, -1 if absent */
    size_t nfields;           /* fields in the header */
    char **field;             /* the trimmed fields of the current line */
    long *fcol;               /* their 1-based byte columns */
    size_t fcap, ccap;        /* capacities of field and fcol */
};

static struct bb_priv *bb_priv(const struct trace_reader *r) { return r->priv; }

/* Split the current line on ';' and trim each field. */
static size_t bb_split(struct bb_reader *b)
{
    size_t n = 0;
    char *s = b->t.buf;
    for (;;) {
        b->field = xgrow(b->field, &b->fcap, n + 1, sizeof *b->field);
        b->fcol = xgrow(b->fcol, &b->ccap, n + 1, sizeof *b->fcol);
        char *end = strchr(s, ';');
        if (end)
            *end = '\0';
        char *f = textio_trim(s);
        b->field[n] = f;
        b->fcol[n] = (long)(f - b->t.buf) + 1;
        n++;
        if (!end)
            return n;
        s = end + 1;
    }
}

static void bb_reader_close(struct bb_reader *b)
{
    textio_close(&b->t);
    free(b->field);
    free(b->fcol);
}

/* Open a VM file and read its header.  Returns 0 or an error. */
static int bb_reader_open(struct bb_reader *b, const char *path, const char *display,
                          struct sim_error *err)
{
    memset(b, 0, sizeof *b);
    int rc = textio_open(&b->t, path, display, err);
    if (rc < 0)
        return rc;
    rc = textio_next(&b->t, err);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return sim_error_set(err, SIM_EINVAL, display, 0, 0, "empty file (no header line)");
    b->nfields = bb_split(b);
    for (int c = 0; c < BB_NCOLS; c++) {
        b->col[c] = -1;
        for (size_t k = 0; k < b->nfields; k++)
            if (strcmp(b->field[k], bb_col_names[c]) == 0) {
                if (b->col[c] >= 0)
                    return sim_error_set(err, SIM_EINVAL, display, 1, b->fcol[k],
                                         "duplicate column '%s'", bb_col_names[c]);
                b->col[c] = (int)k;
            }
        if (b->col[c] < 0)
            return sim_error_set(err, SIM_EINVAL, display, 1, 0,
                                 "no '%s' column in the header (a GWA-T-12 file has all "
                                 "eleven: %s; %s; ...)", bb_col_names[c], bb_col_names[0],
                                 bb_col_names[1]);
    }
    return 0;
}

/* The header's name of field k. */
static const char *bb_field_name(const struct bb_reader *b, size_t k)
{
    for (int c = 0; c < BB_NCOLS; c++)
        if (b->col[c] == (int)k)
            return bb_col_names[c];
    return "column";
}

/* Read the next data row: v[] gets the used columns.  Returns 1, 0 at
 * the end, or an error. */
static int bb_row(struct bb_reader *b, double v[BB_USED], long *line, struct sim_error *err)
{
    int rc;
    while ((rc = textio_next(&b->t, err)) == 1 && textio_trim(b->t.buf)[0] == '\0')
        ; /* blank lines, e.g. at the end of a file, are not rows */
    if (rc <= 0)
        return rc;
    *line = b->t.line;
    size_t n = bb_split(b);
    if (n != b->nfields)
        return sim_error_set(err, SIM_EINVAL, b->t.name, b->t.line,
                             n > b->nfields ? b->fcol[b->nfields] : (long)b->t.len + 1,
                             "%zu fields, but the header has %zu", n, b->nfields);
    /* Every field by the text rules, the ones used also by their own. */
    for (size_t k = 0; k < n; k++) {
        double x;
        const char *why;
        if (!textio_parse_double(b->field[k], &x, &why))
            return sim_error_set(err, SIM_EINVAL, b->t.name, b->t.line, b->fcol[k],
                                 "%s: %s: '%.40s'", bb_field_name(b, k), why, b->field[k]);
    }
    for (int c = 0; c < BB_USED; c++) {
        const char *s = b->field[b->col[c]];
        long col = b->fcol[b->col[c]];
        const char *why;
        textio_parse_double(s, &v[c], &why);
        if (v[c] < 0)
            return sim_error_set(err, SIM_EINVAL, b->t.name, b->t.line, col,
                                 "%s: negative value %g", bb_col_names[c], v[c]);
        if (c == BB_CORES && (v[c] != floor(v[c]) || v[c] > TRACE_VCPUS_MAX))
            return sim_error_set(err, SIM_EINVAL, b->t.name, b->t.line, col,
                                 "%s: %g is not a number of cores (0..%d)", bb_col_names[c],
                                 v[c], TRACE_VCPUS_MAX);
        if (c == BB_TS && v[c] > 1e13)
            return sim_error_set(err, SIM_EINVAL, b->t.name, b->t.line, col,
                                 "%s: %g is out of range", bb_col_names[c], v[c]);
    }
    return 1;
}

static char *bb_path(const struct bb_priv *p, const char *name)
{
    return p->dir ? textio_member(p->dir, name) : xstrdup(name);
}

static char *bb_display(const struct trace_reader *r, const struct bb_priv *p, const char *name)
{
    return p->dir ? textio_member(r->path, name) : xstrdup(r->path);
}

static int bb_cmp(const void *a, const void *b)
{
    const struct bb_file *x = a, *y = b;
    if (x->first_ts != y->first_ts)
        return x->first_ts < y->first_ts ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int bb_open(struct trace_reader *r, const char *path, struct sim_error *err)
{
    struct bb_priv *p = xcalloc(1, sizeof *p);
    r->priv = p;
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    if (textio_is_dir(path)) {
        p->dir = xstrdup(path);
        rc = textio_list_dir(path, &names, &n, r->dir_skipped, sizeof r->dir_skipped,
                             err);
        if (rc == 0 && n == 0)
            rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0,
                               "empty directory (expected one CSV per VM)");
    } else {
        names = xmalloc(sizeof *names);
        names[0] = xstrdup(path);
        n = 1;
    }
    if (rc < 0) {
        textio_free_names(names, n);
        r->fmt->close(r);
        return rc;
    }
    /* The first timestamp of each file decides its place.  A file that
     * cannot be read this far gets -inf: it comes first, and next()
     * reports its error when it reads it in full.  A single file needs
     * no order (and may be standard input, which can be read only once):
     * its first timestamp becomes the offset when it is read. */
    p->files = xcalloc(n, sizeof *p->files);
    p->n = n;
    bool have = false;
    for (size_t i = 0; i < n && !p->dir; i++)
        p->files[i] = (struct bb_file){names[i], -INFINITY};
    for (size_t i = 0; i < n && p->dir; i++) {
        p->files[i].name = names[i];
        p->files[i].first_ts = -INFINITY;
        char *full = bb_path(p, names[i]);
        struct bb_reader b;
        double v[BB_USED];
        long line;
        if (bb_reader_open(&b, full, full, NULL) == 0 && bb_row(&b, v, &line, NULL) == 1) {
            p->files[i].first_ts = v[BB_TS];
            if (!have || v[BB_TS] < r->time_offset)
                r->time_offset = v[BB_TS];
            have = true;
        }
        bb_reader_close(&b);
        free(full);
    }
    free(names);
    qsort(p->files, p->n, sizeof *p->files, bb_cmp);
    return 0;
}

/* Read one VM file in full into rec.  TRACE_EOF: no guest in it. */
static int bb_file(struct trace_reader *r, const char *path, const char *display, const char *id,
                   struct trace_record *rec, struct sim_error *err)
{
    struct bb_reader b;
    int rc = bb_reader_open(&b, path, display, err);
    double *util = NULL, sum = 0, first = 0, last = 0, v[BB_USED];
    size_t n = 0, cap = 0;
    long line;
    while (rc == 0 && (rc = bb_row(&b, v, &line, err)) == 1) {
        rc = 0;
        if (v[BB_CORES] > rec->vcpus)
            rec->vcpus = (int)v[BB_CORES];
        if (v[BB_MEM] / 1024.0 > rec->mem_mb)
            rec->mem_mb = v[BB_MEM] / 1024.0;
        if (rec->mem_mb > TRACE_MEM_MB_MAX)
            rc = sim_error_set(err, SIM_EINVAL, display, line, b.fcol[b.col[BB_MEM]],
                               "memory %g KB is out of range", v[BB_MEM]);
        if (n == 0)
            first = v[BB_TS];
        else if (v[BB_TS] < last)
            rc = sim_error_set(err, SIM_EINVAL, display, line, b.fcol[b.col[BB_TS]],
                               "timestamp %.17g is earlier than the previous row's (%.17g)",
                               v[BB_TS], last);
        last = v[BB_TS];
        util = xgrow(util, &cap, n + 1, sizeof *util);
        util[n] = v[BB_PCT] / 100.0;
        sum += util[n];
        n++;
    }
    bb_reader_close(&b);
    if (rc < 0 || n == 0 || sum == 0) {
        free(util);
        if (rc == 0 && n > 0)
            r->skipped[TRACE_SKIP_ZERO_RUNTIME]++;
        return rc < 0 ? rc : TRACE_EOF;
    }
    if (!bb_priv(r)->dir)
        r->time_offset = first;   /* a single file starts at 0 */
    double interval = n > 1 && last > first ? (last - first) / (double)(n - 1)
                                            : BB_DEFAULT_INTERVAL;
    double arrival = first - r->time_offset;
    rec->work = sum * interval;
    if (!sim_seconds_ok(arrival) || !sim_seconds_ok(rec->work)) {
        free(util);
        return sim_error_set(err, SIM_EINVAL, display, 2, 0,
                             "times out of range (arrival %g s, work %g s)", arrival,
                             rec->work);
    }
    snprintf(rec->id, sizeof rec->id, "%s", id);
    rec->arrival = arrival;
    rec->util = sum / (double)n;
    rec->series = xmalloc(sizeof *rec->series);
    rec->series->interval = interval;
    rec->series->n = n;
    rec->series->util = util;
    rec->line = 2;
    return TRACE_RECORD;
}

static int bb_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    struct bb_priv *p = bb_priv(r);
    while (p->next < p->n) {
        const struct bb_file *f = &p->files[p->next++];
        char *full = bb_path(p, f->name);
        char *display = bb_display(r, p, f->name);
        const char *base = strrchr(f->name, '/');
        int rc = bb_file(r, full, display, base ? base + 1 : f->name, rec, err);
        free(full);
        free(display);
        if (rc != TRACE_EOF)
            return rc;
        trace_record_clear(rec);
    }
    return TRACE_EOF;
}

static void bb_close(struct trace_reader *r)
{
    struct bb_priv *p = bb_priv(r);
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->files[i].name);
    free(p->files);
    free(p->dir);
    free(p);
    r->priv = NULL;
}

const struct trace_fmt trace_fmt_bitbrains = {
    .info = {
        .name = "bitbrains",
        .desc = "Bitbrains GWA-T-12 per-VM ';'-separated CSV (a file or a directory of them)",
    },
    .extensions = NULL,
    .columns = "One ';'-separated CSV per VM with a header; read: Timestamp [ms] "
               "(epoch seconds), CPU cores, CPU usage [%] and Memory capacity provisioned "
               "[KB].  id = file name; arrival = first timestamp, rebased; vcpus = the "
               "largest CPU cores; mem_mb = the largest memory / 1024; the series is CPU "
               "usage / 100 per vCPU at the mean sampling interval",
    .open = bb_open,
    .next = bb_next,
    .close = bb_close,
};
