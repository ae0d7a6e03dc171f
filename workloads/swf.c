/*
 * workloads/swf.c - the Standard Workload Format of the Parallel Workloads
 * Archive (`--format swf`, `.swf`).
 *
 * Format (SWF v2.2, https://www.cs.huji.ac.il/labs/parallel/workload/swf.html;
 * cite D. G. Feitelson, D. Tsafrir, D. Krakov, "Experience with using the
 * Parallel Workloads Archive", JPDC 74(10), 2014): one job per line, 18
 * numeric fields separated by runs of spaces or tabs; `;` starts a comment
 * line (the header is `; Key: value` lines at the top); -1 means unknown.
 * We read the header keys MaxProcs, MaxNodes and UnixStartTime into the
 * reader (their leading integer: "400 (48 interactive, ...)" is 400).
 *
 * Quirks of the real logs of the Parallel Workloads Archive:
 * decimals where integers are expected (field 6 "142.00"), so every field
 * is read as a decimal number; submit times that start far from 0 after
 * cleaning; cancelled jobs with run time -1 and processors -1; jobs with
 * run time 0; logs with requested processors all -1.
 *
 * Mapping to guest records (one job = one guest with one vCPU per
 * processor):
 *   id       = job number (field 1), "" if -1;
 *   arrival  = submit time (field 2) minus the submit time of the first job
 *              line in the file, so the trace starts at 0; the offset is
 *              kept in r->time_offset (add it back for log time);
 *   work     = run time (field 4): wall-clock seconds on each processor,
 *              which is our work per vCPU;
 *   vcpus    = allocated processors (field 5), or requested processors
 *              (field 8) when allocated is -1;
 *   mem_mb   = requested memory (field 10, KB per processor) x vcpus / 1024:
 *              the TOTAL memory of the guest in MB; 0 (unknown) if -1;
 *   class    = "" (the default class), or with --swf-class
 *              "queue" "q<N>" from field 15, "partition" "p<N>" from field
 *              16 (still "" when the field is -1); the engine checks that
 *              such a class exists.
 * Skipped and counted in r->skipped: run time -1 (unknown_runtime), run
 * time 0 (zero_runtime), allocated and requested processors both -1
 * (unknown_procs).  Errors: a line without exactly 18 fields, a field that
 * is not a number, a negative value other than -1, submit time -1, a
 * submit time earlier than the previous job's, 0 or a fractional number of
 * processors.  Job numbers are not checked for duplicates: that would need
 * memory growing with the trace, and the archive's logs are unique.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/types.h"
#include "base/xalloc.h"
#include "workloads/fields.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

#define SWF_NFIELDS 18

enum {
    SWF_JOB = 0,
    SWF_SUBMIT = 1,
    SWF_RUN = 3,
    SWF_ALLOC = 4,
    SWF_REQ_PROCS = 7,
    SWF_REQ_MEM = 9,
    SWF_QUEUE = 14,
    SWF_PARTITION = 15,
};

static const char *const swf_field_names[SWF_NFIELDS] = {
    "job number", "submit time", "wait time", "run time", "allocated processors",
    "average CPU time", "used memory", "requested processors", "requested time",
    "requested memory", "status", "user id", "group id", "executable number",
    "queue number", "partition number", "preceding job", "think time",
};

enum swf_class_rule { SWF_CLASS_NONE, SWF_CLASS_QUEUE, SWF_CLASS_PARTITION };

/* The format's knobs (r->conf). */
struct swf_conf {
    int class_rule;          /* enum swf_class_rule */
};

static const struct param_def swf_params[] = {
    {"swf-class", PARAM_CHOICE, offsetof(struct swf_conf, class_rule), "none",
     .choices = "none|queue|partition", .metavar = "RULE", .help = "swf: workload class of "
     "each job: none (the default class), queue or partition (classes qN / pN from fields 15 "
     "and 16)"},
    {NULL},
};

/* Private state of an SWF reader; owned by r->priv, freed by swf_close. */
struct swf_priv {
    struct textio t;
    bool pending;            /* t.buf holds a job line read by open */
    bool have_first;         /* the first job line has set r->time_offset */
    double prev_submit;      /* submit time of the last valid job line */
    enum swf_class_rule class_rule;
};

static struct swf_priv *swf_priv(const struct trace_reader *r) { return r->priv; }

static bool swf_blank(const char *s)
{
    return s[strspn(s, " \t")] == '\0';
}

static bool swf_comment(const char *s)
{
    return s[strspn(s, " \t")] == ';';
}

/* A header comment "; Key: value": store the keys we use.  A malformed
 * value of a key we use is an error, other comments are free text. */
static int swf_header(struct trace_reader *r, struct swf_priv *p, struct sim_error *err)
{
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        {"MaxProcs", offsetof(struct trace_reader, max_procs)},
        {"MaxNodes", offsetof(struct trace_reader, max_nodes)},
        {"UnixStartTime", offsetof(struct trace_reader, unix_start_time)},
    };
    const char *s = p->t.buf + strspn(p->t.buf, " \t");
    s++; /* ';' */
    s += strspn(s, " \t");
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t n = strlen(keys[k].key);
        if (strncmp(s, keys[k].key, n) != 0 || s[n] != ':')
            continue;
        const char *v = s + n + 1;
        v += strspn(v, " \t");
        long col = (long)(v - p->t.buf) + 1;
        size_t digits = strspn(v, "0123456789");
        if (digits == 0 || digits > 15)
            return sim_error_set(err, SIM_EINVAL, r->path, p->t.line, col,
                                 "header %s: expected a non-negative whole number",
                                 keys[k].key);
        *(long *)(void *)((char *)r + keys[k].off) = strtol(v, NULL, 10);
    }
    return 0;
}

static int swf_open(struct trace_reader *r, const char *path, struct sim_error *err)
{
    struct swf_priv *p = xcalloc(1, sizeof *p);
    r->priv = p;
    const struct swf_conf *conf = r->conf;
    p->class_rule = (enum swf_class_rule)conf->class_rule;
    int rc = textio_open(&p->t, path, r->path, err);
    /* Read the header comments now so that MaxProcs and the others are
     * known after open; the first job line is kept for swf_next. */
    while (rc == 0) {
        rc = textio_next(&p->t, err);
        if (rc == 0) {
            if (textio_was_empty(&p->t))
                rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0, "empty file");
            break;
        }
        if (rc < 0)
            break;
        rc = 0;
        if (swf_blank(p->t.buf))
            continue;
        if (!swf_comment(p->t.buf)) {
            p->pending = true;
            break;
        }
        rc = swf_header(r, p, err);
    }
    if (rc < 0) {
        r->fmt->close(r);
        return rc;
    }
    return 0;
}

/* Parse the job line in p->t.buf.  Returns TRACE_RECORD, SWF_SKIP for a
 * job that is skipped (and counted), or an error. */
#define SWF_SKIP 2
static int swf_job(struct trace_reader *r, struct swf_priv *p, struct trace_record *rec,
                   struct sim_error *err)
{
    const char *file = r->path;
    long line = p->t.line;
    char *s = p->t.buf;
    double v[SWF_NFIELDS];
    long col[SWF_NFIELDS];
    size_t n = 0, i = 0;
    for (;;) {
        i += strspn(s + i, " \t");
        if (!s[i])
            break;
        size_t len = strcspn(s + i, " \t");
        if (n == SWF_NFIELDS)
            return sim_error_set(err, SIM_EINVAL, file, line, (long)i + 1,
                                 "more than %d fields", SWF_NFIELDS);
        col[n] = (long)i + 1;
        char save = s[i + len];
        s[i + len] = '\0';
        const char *why;
        bool ok = textio_parse_double(s + i, &v[n], &why);
        s[i + len] = save;
        if (!ok)
            return sim_error_set(err, SIM_EINVAL, file, line, col[n], "field %zu (%s): %s",
                                 n + 1, swf_field_names[n], why);
        if (v[n] < 0 && v[n] != -1)
            return sim_error_set(err, SIM_EINVAL, file, line, col[n],
                                 "field %zu (%s): negative value %g (only -1, unknown, is "
                                 "allowed)",
                                 n + 1, swf_field_names[n], v[n]);
        n++;
        i += len;
    }
    if (n != SWF_NFIELDS)
        return sim_error_set(err, SIM_EINVAL, file, line, (long)i + 1,
                             "%zu fields, an SWF job line has %d", n, SWF_NFIELDS);

    double submit = v[SWF_SUBMIT];
    if (submit == -1)
        return sim_error_set(err, SIM_EINVAL, file, line, col[SWF_SUBMIT],
                             "submit time unknown (-1)");
    if (!sim_seconds_ok(submit))
        return sim_error_set(err, SIM_EINVAL, file, line, col[SWF_SUBMIT],
                             "submit time %g s is out of range (max %g)", submit,
                             SIM_SECONDS_MAX);
    if (!p->have_first) {
        p->have_first = true;
        r->time_offset = submit;
        p->prev_submit = submit;
    }
    if (submit < p->prev_submit)
        return sim_error_set(err, SIM_EINVAL, file, line, col[SWF_SUBMIT],
                             "submit time %.17g is earlier than the previous job's (%.17g)",
                             submit, p->prev_submit);
    p->prev_submit = submit;

    double run = v[SWF_RUN];
    if (run == -1) {
        r->skipped[TRACE_SKIP_UNKNOWN_RUNTIME]++;
        return SWF_SKIP;
    }
    if (run == 0) {
        r->skipped[TRACE_SKIP_ZERO_RUNTIME]++;
        return SWF_SKIP;
    }
    if (!sim_seconds_ok(run))
        return sim_error_set(err, SIM_EINVAL, file, line, col[SWF_RUN],
                             "run time %g s is out of range (max %g)", run, SIM_SECONDS_MAX);
    int pf = v[SWF_ALLOC] != -1 ? SWF_ALLOC : SWF_REQ_PROCS;
    double procs = v[pf];
    if (procs == -1) {
        r->skipped[TRACE_SKIP_UNKNOWN_PROCS]++;
        return SWF_SKIP;
    }
    if (procs < 1 || procs > TRACE_VCPUS_MAX || procs != floor(procs))
        return sim_error_set(err, SIM_EINVAL, file, line, col[pf],
                             "field %d (%s): %g is not a number of processors (1..%d)",
                             pf + 1, swf_field_names[pf], procs, TRACE_VCPUS_MAX);

    if (v[SWF_JOB] != -1)
        snprintf(rec->id, sizeof rec->id, "%.17g", v[SWF_JOB]);
    rec->arrival = submit - r->time_offset;
    rec->work = run;
    rec->vcpus = (int)procs;
    if (v[SWF_REQ_MEM] != -1) {
        rec->mem_mb = v[SWF_REQ_MEM] * procs / 1024.0;
        if (rec->mem_mb > TRACE_MEM_MB_MAX)
            return sim_error_set(err, SIM_EINVAL, file, line, col[SWF_REQ_MEM],
                                 "requested memory %g KB per processor is out of range",
                                 v[SWF_REQ_MEM]);
    }
    int cf = p->class_rule == SWF_CLASS_QUEUE ? SWF_QUEUE : SWF_PARTITION;
    if (p->class_rule != SWF_CLASS_NONE && v[cf] != -1) {
        if (v[cf] != floor(v[cf]) || v[cf] > 1e9)
            return sim_error_set(err, SIM_EINVAL, file, line, col[cf],
                                 "field %d (%s): %g is not a whole number", cf + 1,
                                 swf_field_names[cf], v[cf]);
        snprintf(rec->class_name, sizeof rec->class_name, "%c%.0f",
                 p->class_rule == SWF_CLASS_QUEUE ? 'q' : 'p', v[cf]);
    }
    rec->line = line;
    return TRACE_RECORD;
}

static int swf_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    struct swf_priv *p = swf_priv(r);
    for (;;) {
        if (p->pending) {
            p->pending = false;
        } else {
            int rc = textio_next(&p->t, err);
            if (rc <= 0)
                return rc;
            if (swf_blank(p->t.buf))
                continue;
            if (swf_comment(p->t.buf)) {
                if ((rc = swf_header(r, p, err)) < 0)
                    return rc;
                continue;
            }
        }
        int rc = swf_job(r, p, rec, err);
        if (rc != SWF_SKIP)
            return rc;
        trace_record_clear(rec);
    }
}

static void swf_close(struct trace_reader *r)
{
    struct swf_priv *p = swf_priv(r);
    if (!p)
        return;
    textio_close(&p->t);
    free(p);
    r->priv = NULL;
}

const struct trace_fmt trace_fmt_swf = {
    .info = {
        .name = "swf",
        .desc = "Standard Workload Format (Parallel Workloads Archive job logs)",
        .params = swf_params,
        .conf_size = sizeof(struct swf_conf),
    },
    .extensions = ".swf",
    .columns = "18 numeric fields per job line (SWF v2.2); comment lines start with ';'.  "
               "id = job number (field 1); arrival = submit time (field 2), rebased to the "
               "first job; work = run time (field 4) per processor; vcpus = allocated "
               "processors (field 5), else requested (field 8); mem_mb = requested memory "
               "(field 10, KB per processor) x vcpus / 1024; class from the queue (15) or "
               "partition (16) with --swf-class.  Jobs with run time -1 or 0, or no "
               "processor count, are skipped and counted",
    .open = swf_open,
    .next = swf_next,
    .close = swf_close,
};
