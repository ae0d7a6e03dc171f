/* tests/validation-sched.c - see validation-sched.h. */
#include "tests/validation-sched.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "sim/engine.h"

/* Weights 1:2:4 are Xen's 256/512/1024. */
#define VS_SHARE_GUESTS(v) 3, {{1, 0, v, 0, 0, 0}, {2, 0, v, 0, 0, 0}, {4, 0, v, 0, 0, 0}}
/* One I/O VM (run 0.1 ms, block 10 ms, 2000 times) beside 3 CPU hogs. */
#define VS_IO_GUESTS 4, {{1, 0, 1, 0.0001, 0.010, 2000}, {1, 0, 1, 0, 0, 0}, \
                         {1, 0, 1, 0, 0, 0}, {1, 0, 1, 0, 0, 0}}

const struct vs_case vsched_cases[] = {
    {"credit shares 256/512/1024, 1 pCPU", "credit", NULL, 1, 10, 60, 0, VS_SHARES, 0.01,
     VS_SHARE_GUESTS(1), "credit.c csched_acct"},
    {"credit shares 256/512/1024, 4 pCPUs x 4 vCPUs", "credit", NULL, 4, 10, 60, 0, VS_SHARES,
     0.01, VS_SHARE_GUESTS(4), "credit.c csched_acct"},
    {"credit2 shares 256/512/1024, 1 pCPU", "credit2", NULL, 1, 10, 60, 0, VS_SHARES, 0.01,
     VS_SHARE_GUESTS(1), "credit2.c burn_credits"},
    {"credit2 shares 256/512/1024, 4 pCPUs x 4 vCPUs", "credit2", NULL, 4, 10, 60, 0, VS_SHARES,
     0.01, VS_SHARE_GUESTS(4), "credit2.c burn_credits"},
    {"credit cap 50%, alone, 30 ms periods", "credit", NULL, 1, 0, 60, 0.030, VS_CAP, 0, 1,
     {{1, 0.5, 1, 0, 0, 0}}, "sim/caps.c"},
    {"credit cap 50% (weight 1024) beside a hog (256)", "credit", NULL, 1, 0, 60, 0.030, VS_CAP,
     0, 2, {{4, 0.5, 1, 0, 0, 0}, {1, 0, 1, 0, 0, 0}}, "sim/caps.c"},
    {"credit2 cap 50%, alone, 10 ms periods", "credit2", NULL, 1, 0, 60, 0.010, VS_CAP, 0, 1,
     {{1, 0.5, 1, 0, 0, 0}}, "sim/caps.c"},
    {"credit2 cap 50% (weight 1024) beside a hog (256)", "credit2", NULL, 1, 0, 60, 0.010, VS_CAP,
     0, 2, {{4, 0.5, 1, 0, 0, 0}, {1, 0, 1, 0, 0, 0}}, "sim/caps.c"},
    {"credit cap 150%, 4 vCPUs beside 4 hogs, 4 pCPUs", "credit", NULL, 4, 0, 60, 0.030, VS_CAP,
     0, 2, {{1, 1.5, 4, 0, 0, 0}, {1, 0, 4, 0, 0, 0}}, "sim/caps.c"},
    {"credit2 cap 150%, 4 vCPUs beside 4 hogs, 4 pCPUs", "credit2", NULL, 4, 0, 60, 0.010, VS_CAP,
     0, 2, {{1, 1.5, 4, 0, 0, 0}, {1, 0, 4, 0, 0, 0}}, "sim/caps.c"},
    {"credit I/O VM beside 3 hogs, BOOST: p99 wake-up", "credit", NULL, 1, 0, 120, 0,
     VS_WAKE_BELOW, 0.001, VS_IO_GUESTS, "Ongaro et al., VEE 2008"},
    {"credit I/O VM beside 3 hogs, no BOOST: p99 wake-up", "credit", "boost=no", 1, 0, 120, 0,
     VS_WAKE_ABOVE, 0.010, VS_IO_GUESTS, "Ongaro et al., VEE 2008"},
    {"credit2 I/O VM beside 3 hogs: p99 wake-up", "credit2", NULL, 1, 0, 120, 0, VS_WAKE_BELOW,
     0.001, VS_IO_GUESTS, "credit2.c runq_tickle"},
};
const size_t vsched_ncases = sizeof vsched_cases / sizeof vsched_cases[0];

/* ---- the workload: the case's guests, all arriving at 0 ---- */

struct vs_source {
    const struct vs_case *c;
    int next;
};

static int vs_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    (void)err;
    struct vs_source *src = r->priv;
    if (src->next >= src->c->nguests)
        return TRACE_EOF;
    const struct vs_guest *g = &src->c->guests[src->next++];
    snprintf(rec->id, sizeof rec->id, "vm%d", src->next - 1);
    rec->vcpus = g->vcpus;
    rec->weight = g->weight;
    rec->cap = g->cap;
    rec->work = 1e6;   /* CPU-bound for longer than any case */
    if (g->run > 0) {
        struct activity *a = xcalloc(1, sizeof *a);
        a->kind = ACTIVITY_PHASES;
        a->nvcpus = g->vcpus;
        a->repeat = g->repeat;
        a->seq = xcalloc((size_t)g->vcpus, sizeof *a->seq);
        for (int i = 0; i < g->vcpus; i++) {
            a->seq[i].n = 2;
            a->seq[i].d = xmalloc(2 * sizeof(double));
            a->seq[i].d[0] = g->run;
            a->seq[i].d[1] = g->block;
        }
        rec->activity = a;
        rec->repeat = g->repeat;
        rec->work = g->run;
    }
    rec->line = src->next;
    return TRACE_RECORD;
}

static void vs_close(struct trace_reader *r) { free(r->priv); }

static const struct trace_fmt vs_fmt = {
    .info = {.name = "vsched", .desc = "scheduler validation cases"},
    .next = vs_next,
    .close = vs_close,
};

/* ---- what is measured ---- */

struct vs_collect {
    const struct vs_case *c;
    sim_time_t from, to, period;      /* the window measured; the cap's period */
    sim_time_t used[VS_MAX_GUESTS];   /* core ns in [from, to) */
    sim_time_t seg_ns[VS_MAX_GUESTS][VS_MAX_VCPUS]; /* in the segments reported */
    const struct host *host;          /* the host, once a segment named it */
    sim_time_t *per_period;           /* guest 0's core ns in each period */
    size_t nperiods;
    double p99, mean;
    long wakeups;
    bool completed;
};

/* Guest i ran on a core over [start, end). */
static void vs_account(struct vs_collect *col, uint64_t i, sim_time_t start, sim_time_t end)
{
    sim_time_t a = start > col->from ? start : col->from;
    sim_time_t b = end < col->to ? end : col->to;
    if (i >= VS_MAX_GUESTS || b <= a)
        return;
    col->used[i] += b - a;
    if (i != 0 || !col->per_period)
        return;
    for (sim_time_t k = a / col->period; k * col->period < b && (size_t)k < col->nperiods; k++) {
        sim_time_t from = k * col->period, to = from + col->period;
        col->per_period[k] += (b < to ? b : to) - (a > from ? a : from);
    }
}

static void vs_segment(void *ctx, const struct sim_segment *seg)
{
    struct vs_collect *col = ctx;
    uint64_t i = seg->guest->seq;
    col->host = seg->guest->host;
    if (i < VS_MAX_GUESTS && seg->vcpu < VS_MAX_VCPUS)
        col->seg_ns[i][seg->vcpu] += seg->end - seg->start;
    vs_account(col, i, seg->start, seg->end);
}

/* The run stopped at col->to with vCPUs still on their cores: a segment
 * is reported only when its vCPU leaves, so what each ran since is its
 * core time (brought up to the end by the engine) less its segments, the
 * end of a segment [to - rest, to).  Needs the host, named by any earlier
 * segment; false without one. */
static bool vs_in_progress(struct vs_collect *col)
{
    if (!col->host)
        return false;
    for (size_t k = 0; k < col->host->nguests; k++) {
        const struct guest *g = col->host->guests[k];
        for (int v = 0; g->seq < VS_MAX_GUESTS && v < g->nvcpus && v < VS_MAX_VCPUS; v++) {
            sim_time_t rest = g->vcpu[v].cpu_time - col->seg_ns[g->seq][v];
            if (rest > 0)
                vs_account(col, g->seq, col->to - rest, col->to);
        }
    }
    return true;
}

static void vs_job(void *ctx, const struct sim_job_info *j)
{
    struct vs_collect *col = ctx;
    if (j->guest->seq != 0)
        return;
    col->completed = true;
    col->wakeups = (long)j->guest->lat->wake.n;
    col->p99 = latstat_quantile(&j->guest->lat->wake, 0.99);
    col->mean = latstat_mean(&j->guest->lat->wake);
}

/* The policy's knobs from "name=value,...". */
static int vs_knobs(struct policy_choice *pc, const char *knobs, struct sim_error *err)
{
    if (!knobs)
        return 0;
    char *copy = xstrdup(knobs), *save = NULL;
    int rc = 0;
    for (char *kv = strtok_r(copy, ",", &save); kv && rc == 0; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) {
            rc = sim_error_usage(err, "knob '%s' without a value", kv);
            break;
        }
        *eq = '\0';
        rc = policy_set(pc, kv, eq + 1, err);
    }
    free(copy);
    return rc;
}

static void vs_judge(const struct vs_case *c, struct vs_collect *col, struct vs_result *r)
{
    double host = (double)(col->to - col->from) * c->cores, wsum = 0;
    for (int i = 0; i < c->nguests; i++)
        wsum += c->guests[i].weight * c->guests[i].vcpus;
    for (int i = 0; i < c->nguests; i++) {
        r->share[i] = (double)col->used[i] / host;
        r->busy += r->share[i];
        r->expected[i] = c->guests[i].weight * c->guests[i].vcpus / wsum;
    }
    switch (c->check) {
    case VS_SHARES: {
        char *e = r->expected_text, *s = r->simulated_text;
        size_t el = sizeof r->expected_text, sl = sizeof r->simulated_text;
        for (int i = 0; i < c->nguests; i++) {
            double err = fabs(r->share[i] - r->expected[i]) / r->expected[i];
            if (err > r->worst)
                r->worst = err;
            int ne = snprintf(e, el, "%s%.4f", i ? " / " : "", r->expected[i]);
            int ns = snprintf(s, sl, "%s%.4f", i ? " / " : "", r->share[i]);
            e += ne, el -= (size_t)ne, s += ns, sl -= (size_t)ns;
        }
        snprintf(e, el, " (within %g%%)", c->bound * 100);
        snprintf(s, sl, " (worst %.3f%% off)", r->worst * 100);
        r->within = r->worst <= c->bound && r->busy > 1 - 1e-9;
        break;
    }
    case VS_CAP: {
        double cap = c->guests[0].cap, sum = 0;
        sim_time_t limit = (sim_time_t)llround(cap * (double)col->period);
        bool ok = true;
        for (size_t k = 0; k < col->nperiods; k++) {
            double f = (double)col->per_period[k] / (double)col->period;
            if (f > r->worst)
                r->worst = f;
            sum += f;
            ok = ok && col->per_period[k] <= limit;
        }
        r->n = (long)col->nperiods;
        r->mean = col->nperiods ? sum / (double)col->nperiods : 0;
        snprintf(r->expected_text, sizeof r->expected_text, "<= %g x P in every P = %g ms", cap,
                 c->cap_period * 1e3);
        snprintf(r->simulated_text, sizeof r->simulated_text,
                 "max %.6f x P, mean %.6f x P over %ld periods", r->worst, r->mean, r->n);
        r->within = ok && r->n > 0;
        break;
    }
    case VS_WAKE_BELOW:
    case VS_WAKE_ABOVE:
        r->worst = col->p99;
        r->mean = col->mean;
        r->n = col->wakeups;
        r->completed = col->completed;
        snprintf(r->expected_text, sizeof r->expected_text, "p99 %s %g ms",
                 c->check == VS_WAKE_BELOW ? "<" : ">=", c->bound * 1e3);
        snprintf(r->simulated_text, sizeof r->simulated_text,
                 "p99 %.3f ms, mean %.3f ms (%ld wake-ups)", r->worst * 1e3, r->mean * 1e3, r->n);
        r->within = r->completed &&
                    (c->check == VS_WAKE_BELOW ? r->worst < c->bound : r->worst >= c->bound);
        break;
    }
}

int vsched_run(const struct vs_case *c, struct vs_result *out)
{
    memset(out, 0, sizeof *out);
    struct vs_collect col = {.c = c, .from = sim_time_from_s(c->warmup)};
    col.to = col.from + sim_time_from_s(c->horizon);
    if (c->check == VS_CAP) {
        col.period = sim_time_from_s(c->cap_period);
        col.nperiods = (size_t)(col.to / col.period);
        col.per_period = xcalloc(col.nperiods, sizeof *col.per_period);
    }
    struct sim_experiment x;
    struct sim_error err;
    struct sim *sim = NULL;
    int rc = sim_experiment_init(&x, &err);
    if (rc == 0) {
        sim_experiment_uniform(&x, 1, c->cores, 0);
        x.horizon = col.to;
        x.cap_period = c->check == VS_CAP ? col.period : 0;
        rc = policy_choose(&x.sched, &sched_registry, c->sched, &err);
    }
    if (rc == 0)
        rc = vs_knobs(&x.sched, c->knobs, &err);
    struct sim_hooks hooks = {.on_segment = vs_segment, .on_job = vs_job, .cb_ctx = &col,
                              .vm_latency = true};
    if (rc == 0)
        rc = sim_create(&sim, &x, 0, &hooks, &err);
    if (rc == 0) {
        struct trace_reader r;
        struct vs_source *src = xcalloc(1, sizeof *src);
        src->c = c;
        trace_open_source(&r, &vs_fmt, src, c->name, NULL);
        rc = sim_run(sim, &r, &err);
        trace_close(&r);
        if (rc == 0 && !vs_in_progress(&col))
            rc = sim_error_set(&err, SIM_EINTERNAL, NULL, 0, 0, "no segment reported");
    }
    if (rc == 0)
        vs_judge(c, &col, out);
    else
        fprintf(stderr, "%s: %s\n", c->name, err.text);
    sim_destroy(sim);
    sim_experiment_release(&x);
    free(col.per_period);
    return rc == 0 ? 0 : -1;
}
