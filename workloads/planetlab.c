/*
 * workloads/planetlab.c - PlanetLab per-VM CPU utilisation
 * (`--format planetlab`), the workload CloudSim ships.
 *
 * Format: a directory with one plain-text file per VM ("sliver", named
 * <node>_<slice>); each line is one integer 0..100, the VM's mean CPU
 * utilisation in percent over a 5-minute interval, line i covering
 * [300 i, 300 (i+1)) s from midnight.  No header, no empty lines.  Data
 * from the CoMon project, prepared by A. Beloglazov; cite A. Beloglazov and
 * R. Buyya, "Optimal online deterministic algorithms and adaptive
 * heuristics for energy and performance efficient dynamic consolidation of
 * virtual machines in cloud data centers", CCPE 24(13), 2012, and
 * K. Park and V. S. Pai, "CoMon", ACM SIGOPS OSR 40(1), 2006.
 *
 * Quirks: directory order is not stable, so files are taken in strcmp
 * order of their names; the utilisation is a share of the host CPU (we
 * read it as the demand of one vCPU, as CloudSim does).
 *
 * Mapping: one guest per file, in name order:
 *   id = file name, arrival = 0, vcpus = 1, mem_mb = 0 (unknown);
 *   series = util[k] = value_k / 100 held for 300 s;
 *   util = mean of the series;
 *   work = sum_k util[k] * 300: the CPU-seconds the series demands, so a
 *          guest that received its full demand would finish when its
 *          series ends.
 * With --planetlab-vm-types cloudsim each VM also gets the type CloudSim's
 * examples give it (examples/power/Helper.java:67, Constants.java:41-45):
 * VM i of the n files in name order (all-zero files counted) has type
 * i / ceil(n / 4): 2500, 2000, 1000, 500 MIPS (speed 2.5, 2, 1, 0.5 of
 * the reference core) and 870, 1740, 1740, 613 MB (mem_mb).
 * A file whose values are all 0 demands no CPU and is skipped as
 * zero_runtime.  A single file (not a directory) is read as one guest.
 * Errors: an empty directory, an empty file, an empty line, anything but
 * an integer 0..100 on a line.  An error is reported for the file's line
 * and the next call goes on with the next file.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "workloads/textio.h"
#include "workloads/trace.h"

#define PLANETLAB_INTERVAL 300.0

/* The format's knobs (r->conf). */
struct planetlab_conf {
    int vm_types;            /* 0 none, 1 cloudsim */
};

static const struct param_def planetlab_params[] = {
    {"planetlab-vm-types", PARAM_CHOICE, offsetof(struct planetlab_conf, vm_types), "none",
     .choices = "none|cloudsim", .metavar = "none|cloudsim", .help = "planetlab: every VM one "
     "reference-speed vCPU of unknown memory (none), or the type CloudSim's examples give it "
     "by its place in name order (cloudsim: 2500/2000/1000/500 MIPS = speed 2.5/2/1/0.5, "
     "870/1740/1740/613 MB; examples/power/Constants.java:41-45)"},
    {NULL},
};

/* CloudSim's VM types (X/Constants.java:41-45): MIPS / 1000, RAM MB. */
static const struct {
    double speed, mem_mb;
} cloudsim_vm_types[4] = {{2.5, 870}, {2.0, 1740}, {1.0, 1740}, {0.5, 613}};

/* Private state: the sorted member names and the next one to read.
 * Owned by r->priv, freed by planetlab_close.  Memory: one name per VM
 * file (the directory listing), nothing per sample beyond the guest's own
 * series, which the record takes. */
struct planetlab_priv {
    char *dir;        /* path as given, NULL for a single file */
    char **names;
    size_t n, next;
};

static struct planetlab_priv *planetlab_priv(const struct trace_reader *r) { return r->priv; }

static int planetlab_open(struct trace_reader *r, const char *path, struct sim_error *err)
{
    struct planetlab_priv *p = xcalloc(1, sizeof *p);
    r->priv = p;
    int rc = 0;
    if (textio_is_dir(path)) {
        p->dir = xstrdup(path);
        rc = textio_list_dir(path, &p->names, &p->n, r->dir_skipped,
                             sizeof r->dir_skipped, err);
        if (rc == 0 && p->n == 0)
            rc = sim_error_set(err, SIM_EINVAL, r->path, 0, 0,
                               "empty directory (expected one file per VM)");
    } else {
        p->names = xmalloc(sizeof *p->names);
        p->names[0] = xstrdup(path);
        p->n = 1;
    }
    if (rc < 0)
        r->fmt->close(r);
    return rc;
}

/* Read one VM file into rec. */
static int planetlab_file(struct trace_reader *r, const char *path, const char *display,
                          const char *id, struct trace_record *rec, struct sim_error *err)
{
    struct textio t;
    int rc = textio_open(&t, path, display, err);
    if (rc < 0)
        return rc;
    double *util = NULL, sum = 0;
    size_t n = 0, cap = 0;
    while ((rc = textio_next(&t, err)) == 1) {
        const char *s = t.buf;
        size_t digits = strspn(s, "0123456789");
        if (t.len == 0) {
            rc = sim_error_set(err, SIM_EINVAL, display, t.line, 0,
                               "empty line (one integer 0-100 per line)");
            break;
        }
        if (digits != t.len || digits > 3 || atoi(s) > 100) {
            /* Point at the first byte that is not a digit, or at the
             * number when it is only too large. */
            long col = digits == t.len ? 1 : (long)digits + 1;
            rc = sim_error_set(err, SIM_EINVAL, display, t.line, col,
                               "expected one integer 0-100 (percent CPU), got '%.40s'", s);
            break;
        }
        util = xgrow(util, &cap, n + 1, sizeof *util);
        util[n] = atoi(s) / 100.0;
        sum += util[n];
        n++;
    }
    if (rc == 0 && n == 0)
        rc = sim_error_set(err, SIM_EINVAL, display, 0, 0,
                           "empty file (expected one integer 0-100 per line)");
    textio_close(&t);
    if (rc < 0) {
        free(util);
        return rc;
    }
    if (sum == 0) {
        free(util);
        r->skipped[TRACE_SKIP_ZERO_RUNTIME]++;
        return TRACE_EOF; /* nothing for this file: the caller moves on */
    }
    snprintf(rec->id, sizeof rec->id, "%s", id);
    rec->arrival = 0;
    rec->vcpus = 1;
    const struct planetlab_conf *conf = r->conf;
    struct planetlab_priv *p = r->priv;
    if (conf && conf->vm_types == 1) {
        size_t per = (p->n + 3) / 4, type = (p->next - 1) / per;
        rec->speed = cloudsim_vm_types[type].speed;
        rec->mem_mb = cloudsim_vm_types[type].mem_mb;
    }
    rec->work = sum * PLANETLAB_INTERVAL;
    rec->util = sum / (double)n;
    rec->series = xmalloc(sizeof *rec->series);
    rec->series->interval = PLANETLAB_INTERVAL;
    rec->series->n = n;
    rec->series->util = util;
    rec->line = 1;
    return TRACE_RECORD;
}

static int planetlab_next(struct trace_reader *r, struct trace_record *rec,
                          struct sim_error *err)
{
    struct planetlab_priv *p = planetlab_priv(r);
    while (p->next < p->n) {
        const char *name = p->names[p->next++];
        int rc;
        if (p->dir) {
            char *full = textio_member(p->dir, name);
            char *display = textio_member(r->path, name);
            rc = planetlab_file(r, full, display, name, rec, err);
            free(full);
            free(display);
        } else {
            const char *base = strrchr(r->path, '/');
            rc = planetlab_file(r, name, r->path, base ? base + 1 : r->path, rec, err);
        }
        if (rc != TRACE_EOF)
            return rc;
    }
    return TRACE_EOF;
}

static void planetlab_close(struct trace_reader *r)
{
    struct planetlab_priv *p = planetlab_priv(r);
    if (!p)
        return;
    textio_free_names(p->names, p->n);
    free(p->dir);
    free(p);
    r->priv = NULL;
}

const struct trace_fmt trace_fmt_planetlab = {
    .info = {
        .name = "planetlab",
        .desc = "PlanetLab/CloudSim per-VM CPU %, a directory of one-integer-per-line files",
        .params = planetlab_params,
        .conf_size = sizeof(struct planetlab_conf),
    },
    .extensions = NULL,
    .columns = "A directory of one file per VM, each line an integer 0..100, the VM's CPU "
               "utilisation in percent over 5 minutes.  id = file name, arrival 0, one "
               "vCPU; the series is its demand (util/100 of a core, 300 s per sample); work "
               "= the CPU-seconds the series asks",
    .open = planetlab_open,
    .next = planetlab_next,
    .close = planetlab_close,
};
