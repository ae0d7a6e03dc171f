/*
 * workloads/trace.c - the trace-format registry, and the cutting and
 * scaling that apply to every format (--limit, --start/--end,
 * --scale-arrivals, --scale-work).
 *
 * Cutting and scaling, in this order, on each record the format returns:
 *   1. --start/--end keep records with start <= arrival < end (trace time);
 *      the others are skipped and counted as outside-window;
 *   2. the kept arrival is shifted by --start and divided by
 *      --scale-arrivals, so every inter-arrival time is divided by F;
 *   3. work is multiplied by --scale-work;
 *   4. a deadline keeps its distance from its arrival (the guest's own
 *      time budget does not change with the rate of arrivals);
 *   5. --limit stops after N kept records.
 */
#include "workloads/trace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/param.h"
#include "base/xalloc.h"
#include "workloads/textio.h"

#define FMT(name) extern const struct trace_fmt trace_fmt_##name;
#include "workloads/fmt-list.h"
#undef FMT

static const struct policy_info *const fmt_table[] = {
#define FMT(name) &trace_fmt_##name.info,
#include "workloads/fmt-list.h"
#undef FMT
};

struct registry trace_fmt_registry = {
    .family = "trace format",
    .option = "format",
    .builtin = fmt_table,
    .nbuiltin = sizeof fmt_table / sizeof fmt_table[0],
};

const char *const trace_skip_names[TRACE_SKIP_MAX] = {
    [TRACE_SKIP_UNKNOWN_RUNTIME] = "unknown_runtime",
    [TRACE_SKIP_ZERO_RUNTIME] = "zero_runtime",
    [TRACE_SKIP_OUTSIDE_WINDOW] = "outside_window",
    [TRACE_SKIP_UNKNOWN_PROCS] = "unknown_procs",
};

/* A directory holds per-VM files: Bitbrains' are *.csv, PlanetLab's have
 * no extension (either compressed or not).  Only regular files that are
 * not hidden count, as for the readers. */
static const struct trace_fmt *fmt_for_directory(const char *path)
{
    char **names;
    size_t n;
    if (textio_list_dir(path, &names, &n, NULL, 0, NULL) < 0)
        return NULL;
    bool csv = false, other = false;
    for (size_t i = 0; i < n; i++) {
        size_t len = textio_strip_compression(names[i]);
        if (len > 4 && strncasecmp(names[i] + len - 4, ".csv", 4) == 0)
            csv = true;
        else
            other = true;
    }
    textio_free_names(names, n);
    if (csv && !other)
        return trace_fmt_find("bitbrains");
    if (other && !csv)
        return trace_fmt_find("planetlab");
    return NULL;
}

/* A directory by what it holds; a file by the extension of its name
 * without a compression suffix ("kth.swf.gz" is swf). */
const struct trace_fmt *trace_fmt_for_path(const char *path)
{
    if (strcmp(path, "-") == 0)
        return NULL;
    if (textio_is_dir(path))
        return fmt_for_directory(path);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t end = textio_strip_compression(base), start = end;
    while (start > 0 && base[start - 1] != '.')
        start--;
    if (start == 0)
        return NULL;
    const char *dot = base + start - 1;
    size_t n = end - (start - 1);
    for (size_t i = 0; i < registry_count(&trace_fmt_registry); i++) {
        const struct trace_fmt *f = trace_fmt_of(registry_at(&trace_fmt_registry, i));
        const char *ext = f->extensions;
        while (ext && *ext) {
            size_t len = strcspn(ext, " ");
            if (len == n && strncasecmp(ext, dot, n) == 0)
                return f;
            ext += len;
            ext += strspn(ext, " ");
        }
    }
    return NULL;
}

void trace_record_init(struct trace_record *rec)
{
    /* Field by field rather than a memset of the whole record: this runs
     * once per record of every trace. */
    rec->id[0] = '\0';
    rec->class_name[0] = '\0';
    rec->arrival = rec->work = rec->mem_mb = rec->priority = 0;
    rec->series = NULL;
    rec->activity = NULL;
    rec->cap = 0;
    rec->affinity = 0;
    rec->repeat = 1;
    rec->speed = 1.0;
    rec->line = 0;
    rec->vcpus = 1;
    rec->weight = 1.0;
    rec->deadline = -1.0;
    rec->util = -1.0;
}

void activity_free(struct activity *a)
{
    if (!a)
        return;
    for (int i = 0; a->seq && i < a->nvcpus; i++)
        free(a->seq[i].d);
    free(a->seq);
    free(a);
}

void trace_record_clear(struct trace_record *rec)
{
    if (rec->series) {
        free(rec->series->util);
        free(rec->series);
    }
    activity_free(rec->activity);
    trace_record_init(rec);
}

const char *trace_parse_phases(const char *text, struct activity **out, char *msg, size_t len)
{
    struct activity *a = xcalloc(1, sizeof *a);
    a->kind = ACTIVITY_PHASES;
    a->repeat = 1;
    const char *why = NULL;
    char *copy = xstrdup(text);
    for (char *save = NULL, *grp = strtok_r(copy, "|", &save); grp && !why;
         grp = strtok_r(NULL, "|", &save)) {
        a->seq = xrealloc(a->seq, (size_t)(a->nvcpus + 1) * sizeof *a->seq);
        struct phase_seq *q = &a->seq[a->nvcpus++];
        memset(q, 0, sizeof *q);
        size_t cap = 0;
        for (char *s2 = NULL, *tok = strtok_r(grp, " \t", &s2); tok;
             tok = strtok_r(NULL, " \t", &s2)) {
            sim_time_t t;
            if (!sim_parse_duration(tok, &t)) {
                snprintf(msg, len, "phases: '%.40s' is not a duration (seconds, or a number "
                         "with ns, us, ms, s, min, h or d)", tok);
                why = msg;
                break;
            }
            if (q->n % 2 == 0 && t <= 0) {
                snprintf(msg, len, "phases: run %zu of vCPU %d is 0 (a run must be > 0)",
                         q->n / 2 + 1, a->nvcpus - 1);
                why = msg;
                break;
            }
            q->d = xgrow(q->d, &cap, q->n + 1, sizeof *q->d);
            q->d[q->n++] = sim_time_seconds(t);
        }
        if (!why && q->n == 0) {
            snprintf(msg, len, "phases: vCPU %d has no durations", a->nvcpus - 1);
            why = msg;
        }
    }
    free(copy);
    if (!why && a->nvcpus == 0) {
        snprintf(msg, len, "phases: empty");
        why = msg;
    }
    if (why) {
        activity_free(a);
        return why;
    }
    *out = a;
    return NULL;
}

const char *trace_parse_cpuset(const char *text, uint64_t *mask, char *msg, size_t len)
{
    uint64_t m = 0;
    const char *p = text;
    if (!*p)
        return snprintf(msg, len, "empty cpuset"), msg;
    while (*p) {
        char *end;
        long a = strtol(p, &end, 10), b;
        if (end == p || a < 0 || a > 63)
            return snprintf(msg, len, "cpuset '%s': a core number 0..63 expected at '%s'",
                            text, p), msg;
        b = a;
        p = end;
        if (*p == '-') {
            const char *q = p + 1;
            b = strtol(q, &end, 10);
            if (end == q || b < a || b > 63)
                return snprintf(msg, len, "cpuset '%s': bad range at '%s'", text, q), msg;
            p = end;
        }
        for (long k = a; k <= b; k++)
            m |= UINT64_C(1) << k;
        if (*p == ',' || *p == ' ')
            p++;
        else if (*p)
            return snprintf(msg, len, "cpuset '%s': unexpected '%c' (write e.g. 0-3,6)", text,
                            *p), msg;
    }
    *mask = m;
    return NULL;
}

void trace_options_init(struct trace_options *o)
{
    memset(o, 0, sizeof *o);
    o->end = -1.0;
    o->scale_arrivals = 1.0;
    o->scale_work = 1.0;
}

/* The defaults trace_open made, if any. */
static void free_conf(struct trace_reader *r)
{
    if (r->conf_owned) {
        param_free(r->fmt ? r->fmt->info.params : NULL, r->conf_owned);
        free(r->conf_owned);
    }
    r->conf_owned = NULL;
    r->conf = NULL;
}

static void reader_reset(struct trace_reader *r, const struct trace_fmt *fmt, const char *name,
                         const struct trace_options *opt)
{
    memset(r, 0, sizeof *r);
    r->fmt = fmt;
    snprintf(r->path, sizeof r->path, "%s", strcmp(name, "-") == 0 ? "<stdin>" : name);
    if (opt)
        r->opt = *opt;
    else
        trace_options_init(&r->opt);
}

int trace_format_unknown(const char *path, struct sim_error *err)
{
    if (strcmp(path, "-") == 0)
        return sim_error_usage(err, "standard input (--trace -) has no name to tell its format "
                               "by: give --format NAME (see `hvsim list`)");
    /* A path that cannot be read at all says so first. */
    int rc = infile_check_dir(path, NULL, false, err);
    if (rc < 0 && !textio_is_dir(path))
        return rc;
    return sim_error_set(err, SIM_EINVAL, path, 0, 0,
                         "cannot tell the trace format from the name (a directory "
                         "of per-VM files is planetlab, or bitbrains if they are "
                         "*.csv; a compressed file is named by what it holds, e.g. "
                         "kth.swf.gz); give --format NAME (see `hvsim list`)");
}

int trace_open(struct trace_reader *r, const char *path, const struct trace_options *opt,
               struct sim_error *err)
{
    const struct trace_fmt *fmt;
    if (opt && opt->format) {
        fmt = trace_fmt_find(opt->format);
        if (!fmt)
            return sim_error_usage(err, "unknown trace format '%s' (see `hvsim list`)",
                                   opt->format);
    } else {
        fmt = trace_fmt_for_path(path);
        if (!fmt)
            return trace_format_unknown(path, err);
    }
    reader_reset(r, fmt, path, opt);
    struct stat st;
    r->once = strcmp(path, "-") == 0 ||
              (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
    if (opt && opt->fmt_conf) {
        r->conf = opt->fmt_conf;
    } else if (fmt->info.conf_size > 0) {
        r->conf_owned = xcalloc(1, fmt->info.conf_size);
        int rc = param_defaults(fmt->info.params, r->conf_owned, err);
        if (rc < 0) {
            free(r->conf_owned);
            r->conf_owned = NULL;
            return rc;
        }
        r->conf = r->conf_owned;
    }
    int rc = fmt->open(r, path, err);
    if (rc < 0) {
        free_conf(r);
        r->fmt = NULL;
    }
    return rc;
}

void trace_open_source(struct trace_reader *r, const struct trace_fmt *fmt, void *priv,
                       const char *name, const struct trace_options *opt)
{
    reader_reset(r, fmt, name, opt);
    r->priv = priv;
}

int trace_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    const struct trace_options *o = &r->opt;
    for (;;) {
        if (o->limit > 0 && r->records >= o->limit)
            return TRACE_EOF;
        trace_record_clear(rec);
        int rc = r->fmt->next(r, rec, err);
        if (rc != TRACE_RECORD)
            return rc;
        if (rec->arrival < o->start || (o->end >= 0 && rec->arrival >= o->end)) {
            r->skipped[TRACE_SKIP_OUTSIDE_WINDOW]++;
            continue;
        }
        double arrival = (rec->arrival - o->start) / o->scale_arrivals;
        if (rec->deadline >= 0)
            rec->deadline = arrival + (rec->deadline - rec->arrival);
        rec->arrival = arrival;
        rec->work *= o->scale_work;
        r->records++;
        return TRACE_RECORD;
    }
}

size_t trace_state_size(const struct trace_reader *r)
{
    return r->fmt && r->fmt->state_size ? r->fmt->state_size(r) : 0;
}

void trace_close(struct trace_reader *r)
{
    if (r->fmt && r->fmt->close)
        r->fmt->close(r);
    free_conf(r);
    r->fmt = NULL;
    r->priv = NULL;
}
