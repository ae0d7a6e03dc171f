/*
 * workloads/phases.c - the `phases` trace format: guests whose vCPUs run
 * and block as the trace says, like the workloads of Xen's scheduler
 * simulator (sched-sim) and the CPU-I/O burst exercises of operating
 * systems textbooks (Silberschatz et al., "CPU Scheduling").
 *
 * A phases trace is a native CSV or JSON trace (csv.c, json.c: the same
 * columns and rules) in which every guest has a `phases` field:
 * durations alternating run (CPU work, on the reference core) and block
 * (halted, wall time), starting with a run, in seconds or with a unit;
 * one sequence for every vCPU, or one per vCPU separated by `|`; and
 * optionally `repeat`, the times through it.  For example
 *
 *     id,arrival,vcpus,phases,repeat
 *     io,0,1,0.1ms 10ms,100000
 *     hog,0,1,60s,1
 *
 * is an I/O-like VM that runs 0.1 ms then blocks 10 ms, 100,000 times,
 * beside a CPU hog of 60 s.  The file is JSON if its first character
 * (after blanks) is '[', CSV otherwise (standard input is taken to be
 * CSV: it cannot be read twice).  A record without phases is an error
 * with its location.
 */
#include <stdio.h>
#include <stdlib.h>

#include <string.h>
#include <sys/stat.h>

#include "base/xalloc.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

extern const struct trace_fmt trace_fmt_csv, trace_fmt_json;

/* Private state: the reader of the file's own format, and its state. */
struct phases_priv {
    const struct trace_fmt *inner;
    void *inner_priv;
};

/* JSON if the first character after blanks is '[', read as the reader
 * will read it (decompressed; a BOM skipped).  Standard input, a FIFO or
 * a device cannot be read twice: taken to be CSV. */
static bool looks_json(const char *path)
{
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return false;
    struct textio t;
    bool json = false;
    if (textio_open(&t, path, NULL, NULL) == 0) {
        for (int i = 0; i < 64 && textio_next(&t, NULL) == 1; i++) {
            const char *s = textio_trim(t.buf);
            if (*s) {
                json = *s == '[';
                break;
            }
        }
    }
    textio_close(&t);
    return json;
}

static int phases_open(struct trace_reader *r, const char *path, struct sim_error *err)
{
    const struct trace_fmt *self = r->fmt;
    const struct trace_fmt *inner = looks_json(path) ? &trace_fmt_json : &trace_fmt_csv;
    /* The inner reader runs as itself (it closes itself if it fails). */
    r->fmt = inner;
    r->priv = NULL;
    int rc = inner->open(r, path, err);
    void *ip = r->priv;
    r->fmt = self;
    if (rc < 0) {
        r->priv = NULL;
        return rc;
    }
    struct phases_priv *p = xcalloc(1, sizeof *p);
    p->inner = inner;
    p->inner_priv = ip;
    r->priv = p;
    return SIM_OK;
}

static int phases_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    struct phases_priv *p = r->priv;
    r->priv = p->inner_priv;
    int rc = p->inner->next(r, rec, err);
    r->priv = p;
    if (rc == TRACE_RECORD && !rec->activity)
        return sim_error_set(err, SIM_EINVAL, r->path, rec->line, 0,
                             "no phases: every guest of a phases trace says what its vCPUs "
                             "do (a phases field, e.g. \"0.1ms 10ms\")");
    return rc;
}

static void phases_close(struct trace_reader *r)
{
    struct phases_priv *p = r->priv;
    if (!p)
        return;
    r->priv = p->inner_priv;
    p->inner->close(r);
    r->priv = NULL;
    free(p);
}

static size_t phases_state_size(const struct trace_reader *r)
{
    const struct phases_priv *p = r->priv;
    struct trace_reader inner = *r;
    inner.priv = p->inner_priv;
    return p->inner->state_size ? p->inner->state_size(&inner) : 0;
}

const struct trace_fmt trace_fmt_phases = {
    .info = {
        .name = "phases",
        .desc = "guests whose vCPUs run and block as given (CSV or JSON with a phases column)",
    },
    .extensions = NULL,
    .columns = "A native CSV or JSON trace (the file is JSON if it starts with '[') whose every "
               "guest has a phases field: durations alternating run and block, starting with a "
               "run, e.g. \"0.1ms 10ms\"; one sequence for every vCPU or one per vCPU separated "
               "by |; repeat (default 1) is the times through it; work is optional",
    .open = phases_open,
    .next = phases_next,
    .close = phases_close,
    .state_size = phases_state_size,
};
