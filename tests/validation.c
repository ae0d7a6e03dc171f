/* tests/validation.c - see validation.h.  Run lengths follow
 * queueing.md section 8 (about +-2% at 95%), kept to seconds each. */
#include "tests/validation.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/metrics.h"
#include "schedulers/sched.h"
#include "base/xalloc.h"
#include "workloads/fields.h"
#include "workloads/synthetic.h"

/* H2 with C^2 = 4 and mean 1, balanced means (queueing.md section 0):
 * p1 = 0.8873, mu1 = 1.775, mu2 = 0.2254. */
#define H2_C2_4 "hyperexp:0.8873:0.56338:4.43656"

/* N customers of the machine-repairman model: all there at 0, each a
 * closed loop of think Exp(4) and burst Exp(1). */
#define MR(n) "n=" #n ",interarrival=det:0,think=exp:4,burst=exp:1"

const struct vcase validation_cases[] = {
    {"M/M/1 FCFS rho=0.5", "n=200000,interarrival=exp:2,work=exp:1", "fcfs", 0.03, 1,
     false, false, 2000, VM_TURNAROUND, 0, 0, 0, 2.000, "queueing.md 2"},
    {"M/M/1 FCFS rho=0.8", "n=1000000,interarrival=exp:1.25,work=exp:1", "fcfs", 0.03, 1,
     false, false, 4000, VM_TURNAROUND, 0, 0, 0, 5.000, "queueing.md 2"},
    {"M/D/1 FCFS rho=0.8 (P-K)", "n=600000,interarrival=exp:1.25,work=det:1", "fcfs", 0.03, 1,
     false, false, 4000, VM_TURNAROUND, 0, 0, 0, 3.000, "queueing.md 4"},
    {"M/H2/1 FCFS C2=4 rho=0.5 (P-K)", "n=800000,interarrival=exp:2,work=" H2_C2_4, "fcfs",
     0.03, 1, false, false, 4000, VM_TURNAROUND, 0, 0, 0, 3.500, "queueing.md 4"},
    {"M/M/1 SRPT rho=0.5 (minlat)", "n=200000,interarrival=exp:2,work=exp:1", "minlat", 0.03,
     1, false, false, 2000, VM_TURNAROUND, 0, 0, 0, 1.425, "queueing.md 6"},
    {"M/M/1 SRPT rho=0.8 (minlat)", "n=800000,interarrival=exp:1.25,work=exp:1", "minlat", 0.03,
     1, false, false, 4000, VM_TURNAROUND, 0, 0, 0, 2.353, "queueing.md 6"},
    {"M/M/1 SJF-NP rho=0.5 (maxtput)", "n=200000,interarrival=exp:2,work=exp:1", "maxtput",
     0.03, 1, false, false, 2000, VM_TURNAROUND, 0, 0, 0, 1.713, "queueing.md 6"},
    {"M/M/1 SJF-NP rho=0.8 (maxtput)", "n=800000,interarrival=exp:1.25,work=exp:1", "maxtput",
     0.03, 1, false, false, 4000, VM_TURNAROUND, 0, 0, 0, 2.882, "queueing.md 6"},
    {"PS rho=0.5: E[T|x]/x, x in 0.3..0.7 (rr q=10ms)", "n=100000,interarrival=exp:2,work=exp:1",
     "rr", 0.01, 1, false, false, 2000, VM_SLOWDOWN_SIZE, 0, 0.3, 0.7, 2.000, "queueing.md 3"},
    {"PS rho=0.5: E[T|x]/x, x > 3 (rr q=10ms)", "n=100000,interarrival=exp:2,work=exp:1",
     "rr", 0.01, 1, false, false, 2000, VM_SLOWDOWN_SIZE, 0, 3, 1e9, 2.000, "queueing.md 3"},
    {"Priority NP rho=0.8, class 1 (Cobham)", "n=600000,interarrival=exp:1.25,work=exp:1,"
     "priority=uniform:0.5:2.5", "prio", 0.03, 1, true, false, 4000, VM_CLASS_T, 1, 0, 0, 2.333,
     "queueing.md 7a"},
    {"Priority NP rho=0.8, class 2 (Cobham)", "n=600000,interarrival=exp:1.25,work=exp:1,"
     "priority=uniform:0.5:2.5", "prio", 0.03, 1, true, false, 4000, VM_CLASS_T, 2, 0, 0, 7.667,
     "queueing.md 7a"},
    {"Priority PR rho=0.8, class 1", "n=600000,interarrival=exp:1.25,work=exp:1,"
     "priority=uniform:0.5:2.5", "prio", 0.03, 1, true, true, 4000, VM_CLASS_T, 1, 0, 0, 1.667,
     "queueing.md 7a"},
    {"Priority PR rho=0.8, class 2", "n=600000,interarrival=exp:1.25,work=exp:1,"
     "priority=uniform:0.5:2.5", "prio", 0.03, 1, true, true, 4000, VM_CLASS_T, 2, 0, 0, 8.333,
     "queueing.md 7a"},
    {"M/M/2 FCFS rho=0.8 (Erlang C)", "n=600000,interarrival=exp:0.625,work=exp:1", "fcfs",
     0.03, 2, false, false, 4000, VM_TURNAROUND, 0, 0, 0, 2.778, "queueing.md 5"},
    {"M/M/16 FCFS rho=0.8 (Erlang C)", "n=1000000,interarrival=exp:0.078125,work=exp:1", "fcfs",
     0.03, 16, false, false, 4000, VM_TURNAROUND, 0, 0, 0, 1.095, "queueing.md 5"},
    /* Machine repairman: N guests of one vCPU on one pCPU, think Exp(4),
     * burst Exp(1); exact MVA (queueing.md 9).  N = 5 is N S / (S + Z) = 1. */
    {"Closed N=2, Z=4, S=1, PS (rr q=10ms): R", MR(2), "rr", 0.01, 1, false, false, 500,
     VM_BURST_RESPONSE, 0, 0, 0, 1.200, "queueing.md 9", 60000},
    {"Closed N=5, Z=4, S=1, PS (rr q=10ms): R", MR(5), "rr", 0.01, 1, false, false, 1000,
     VM_BURST_RESPONSE, 0, 0, 0, 2.243, "queueing.md 9", 60000},
    {"Closed N=5, Z=4, S=1, PS (rr q=10ms): X", MR(5), "rr", 0.01, 1, false, false, 1000,
     VM_BURST_RATE, 0, 0, 0, 0.8009, "queueing.md 9", 60000},
    {"Closed N=10, Z=4, S=1, FCFS: R", MR(10), "fcfs", 0.03, 1, false, false, 1000,
     VM_BURST_RESPONSE, 0, 0, 0, 6.053, "queueing.md 9", 60000},
    {"Closed N=10, Z=4, S=1, FCFS: X", MR(10), "fcfs", 0.03, 1, false, false, 1000,
     VM_BURST_RATE, 0, 0, 0, 0.9947, "queueing.md 9", 60000},
};
const size_t validation_ncases = sizeof validation_cases / sizeof validation_cases[0];

struct collect {
    const struct vcase *c;
    long seen;           /* completions so far, for the warm-up */
    double *x;
    size_t n, cap;
};

static void collect_add(struct collect *col, double v)
{
    col->x = xgrow(col->x, &col->cap, col->n + 1, sizeof *col->x);
    col->x[col->n++] = v;
}

/* Bursts (closed loops): the response, or the end time for the rate. */
static void on_burst(void *ctx, const struct sim_burst *b)
{
    struct collect *col = ctx;
    if (col->seen++ < col->c->warmup)
        return;
    if (col->c->metric == VM_BURST_RESPONSE)
        collect_add(col, sim_time_to_s(b->end - b->woke));
    else if (col->c->metric == VM_BURST_RATE)
        collect_add(col, sim_time_to_s(b->end));
}

static void on_job(void *ctx, const struct sim_job_info *j)
{
    struct collect *col = ctx;
    if (col->seen++ < col->c->warmup)
        return;
    const struct guest *g = j->guest;
    double t = sim_time_to_s(j->finish - g->arrival), x = sim_time_to_s(g->work);
    double v;
    switch (col->c->metric) {
    case VM_TURNAROUND:
        v = t;
        break;
    case VM_CLASS_T:
        if (g->priority != col->c->cls)
            return;
        v = t;
        break;
    case VM_SLOWDOWN_SIZE:
        if (x < col->c->x_lo || x > col->c->x_hi)
            return;
        v = t / x;
        break;
    default:
        return;
    }
    collect_add(col, v);
}

/* Set a knob of the case's policy, if the policy has it. */
static int set_knob(struct policy_choice *c, const char *name, const char *text,
                    struct sim_error *err)
{
    return param_find(c->info->params, name) ? policy_set(c, name, text, err) : SIM_OK;
}

void validation_run(const struct vcase *c, uint64_t seed, struct vresult *out)
{
    struct synth_spec spec;
    struct sim_error err;
    memset(out, 0, sizeof *out);
    out->mean = out->ci[0] = out->ci[1] = NAN;
    if (synth_parse(&spec, c->generate, &err) < 0) {
        fprintf(stderr, "%s: %s\n", c->name, err.text);
        return;
    }
    struct collect col = {c, 0, NULL, 0, 0};
    struct sim_experiment x;
    struct sim_hooks hooks = {.on_job = on_job, .on_burst = on_burst, .cb_ctx = &col};
    struct sim *sim;
    char quantum[64];
    snprintf(quantum, sizeof quantum, "%.17g", c->quantum);
    if (sim_experiment_init(&x, &err) < 0)
        goto fail;
    sim_experiment_uniform(&x, 1, c->cores, 0);
    x.seed = seed;
    x.horizon = sim_time_from_s(c->horizon);
    if (policy_choose(&x.sched, &sched_registry, c->sched, &err) < 0 ||
        set_knob(&x.sched, "quantum", quantum, &err) < 0 ||
        set_knob(&x.sched, "clairvoyant", c->blind ? "no" : "yes", &err) < 0 ||
        set_knob(&x.sched, "preempt", c->preempt ? "yes" : "no", &err) < 0 ||
        sim_create(&sim, &x, 0, &hooks, &err) < 0) {
        sim_experiment_release(&x);
        goto fail;
    }
    struct trace_reader r;
    synth_open(&r, &spec, seed, 0, NULL);
    int ran = sim_run(sim, &r, &err);
    if (ran == 0 && col.n >= 40 && c->metric == VM_BURST_RATE) {
        /* batch means over time: 20 equal stretches from the end of the
         * warm-up (the first counted completion) to the horizon */
        size_t batches = 20;
        double t0 = col.x[0], len = (c->horizon - t0) / (double)batches, means[20] = {0};
        for (size_t i = 1; i < col.n; i++) {
            size_t b = (size_t)((col.x[i] - t0) / len);
            means[b < batches ? b : batches - 1] += 1 / len;
        }
        out->mean = (double)(col.n - 1) / (c->horizon - t0);
        stats_t_interval(means, batches, out->ci);
        out->n = (long)col.n;
        double half = (out->ci[1] - out->ci[0]) / 2;
        out->within = fabs(out->mean - c->theory) <= half + 0.005 * c->theory;
    } else if (ran == 0 && col.n >= 40) {
        /* batch means: 20 equal batches in completion order */
        size_t batches = 20, per = col.n / batches;
        double means[20], sum = 0;
        for (size_t b = 0; b < batches; b++) {
            double s = 0;
            for (size_t i = 0; i < per; i++)
                s += col.x[b * per + i];
            means[b] = s / (double)per;
            sum += s;
        }
        out->mean = sum / (double)(per * batches);
        stats_t_interval(means, batches, out->ci);
        out->n = (long)(per * batches);
        double half = (out->ci[1] - out->ci[0]) / 2;
        out->within = fabs(out->mean - c->theory) <= half + 0.005 * c->theory;
    }
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
    free(col.x);
    return;
fail:
    fprintf(stderr, "%s: cannot create the simulation: %s\n", c->name, err.text);
}

/* ---- hypervisor schedulers (issue 13) ---- */

#define W256_512_1024 {{.work = 60, .weight = 0.25}, {.work = 60, .weight = 0.5}, \
                       {.work = 60, .weight = 1}}
#define W256_512_1024_X4 {{.vcpus = 4, .work = 60, .weight = 0.25}, \
                          {.vcpus = 4, .work = 60, .weight = 0.5}, \
                          {.vcpus = 4, .work = 60, .weight = 1}}
#define NICE_0_5 {{.work = 60, .has_nice = true, .nice = 0}, \
                  {.work = 60, .has_nice = true, .nice = 5}}
/* weight 4 against 1 would take 0.8 of the pCPU: its cap holds it to 0.5 */
#define CAP_BESIDE_HOG {{.work = 20, .weight = 4, .cap = 0.5}, {.work = 20}}
#define CAP_ALONE {{.work = 10, .cap = 0.5}}
#define IO_AND_3_HOGS {{.run = 0.0001, .block = 0.01, .repeat = 5000}, {.work = 60}, \
                       {.work = 60}, {.work = 60}}

const struct svcase sched_cases[] = {
    {"cfs, 1 pCPU, weights 256/512/1024", "cfs", 1, W256_512_1024, 3, SV_SHARES,
     .span = 60, .source = "MODEL.md, cfs"},
    {"cfs, 4 pCPUs, 3 VMs of 4 vCPUs, weights 256/512/1024", "cfs", 4, W256_512_1024_X4, 3,
     SV_SHARES, .span = 60, .source = "MODEL.md, cfs"},
    {"cfs, 1 pCPU, nice 0 against nice 5", "cfs", 1, NICE_0_5, 2, SV_SHARES, .span = 60,
     .source = "Linux sched_prio_to_weight"},
    {"eevdf, 1 pCPU, weights 256/512/1024", "eevdf", 1, W256_512_1024, 3, SV_SHARES,
     .span = 60, .source = "MODEL.md, eevdf"},
    {"eevdf, 4 pCPUs, 3 VMs of 4 vCPUs, weights 256/512/1024", "eevdf", 4, W256_512_1024_X4, 3,
     SV_SHARES, .span = 60, .source = "MODEL.md, eevdf"},
    {"eevdf, 1 pCPU, nice 0 against nice 5", "eevdf", 1, NICE_0_5, 2, SV_SHARES, .span = 60,
     .source = "Linux sched_prio_to_weight"},
    {"cfs, 1 pCPU, VM capped at 0.5 (weight 4) beside a hog", "cfs", 1, CAP_BESIDE_HOG, 2,
     SV_CAP, .target = 0, .source = "Linux sched-bwc.rst"},
    {"cfs, 1 pCPU, VM capped at 0.5 alone", "cfs", 1, CAP_ALONE, 1, SV_CAP, .target = 0,
     .source = "Linux sched-bwc.rst"},
    {"eevdf, 1 pCPU, VM capped at 0.5 (weight 4) beside a hog", "eevdf", 1, CAP_BESIDE_HOG, 2,
     SV_CAP, .target = 0, .source = "Linux sched-bwc.rst"},
    {"eevdf, 1 pCPU, VM capped at 0.5 alone", "eevdf", 1, CAP_ALONE, 1, SV_CAP, .target = 0,
     .source = "Linux sched-bwc.rst"},
    {"cfs, 1 pCPU, I/O VM (run 0.1 ms, block 10 ms) beside 3 hogs: p99 wake-up latency",
     "cfs", 1, IO_AND_3_HOGS, 4, SV_WAKE_P99, .target = 0, .bound = 0.001,
     .source = "MODEL.md, cfs"},
    {"eevdf, 1 pCPU, I/O VM (run 0.1 ms, block 10 ms) beside 3 hogs: p99 wake-up latency",
     "eevdf", 1, IO_AND_3_HOGS, 4, SV_WAKE_P99, .target = 0, .bound = 0.004,
     .source = "MODEL.md, eevdf"},
    {"eevdf --hz 1000, 1 pCPU, I/O VM (run 0.1 ms, block 10 ms) beside 3 hogs: p99 wake-up "
     "latency", "eevdf", 1, IO_AND_3_HOGS, 4, SV_WAKE_P99, .target = 0, .bound = 0.001,
     .knobs = "hz=1000", .source = "MODEL.md, eevdf"},
};
const size_t sched_ncases = sizeof sched_cases / sizeof sched_cases[0];

/* The case's guests as a trace source. */
struct sv_source {
    const struct svcase *c;
    int next;
};

static double sv_weight(const struct sv_guest *g)
{
    if (g->has_nice)
        return trace_nice_weight(g->nice) / 1024.0;
    return g->weight > 0 ? g->weight : 1;
}

static int sv_next(struct trace_reader *r, struct trace_record *rec, struct sim_error *err)
{
    (void)err;
    struct sv_source *src = r->priv;
    if (src->next >= src->c->ng)
        return TRACE_EOF;
    int i = src->next++;
    const struct sv_guest *g = &src->c->g[i];
    snprintf(rec->id, sizeof rec->id, "vm%d", i);
    rec->vcpus = g->vcpus > 0 ? g->vcpus : 1;
    rec->weight = sv_weight(g);
    rec->cap = g->cap;
    rec->work = g->work;
    if (g->run > 0) {
        struct activity *a = xcalloc(1, sizeof *a);
        a->kind = ACTIVITY_PHASES;
        a->nvcpus = rec->vcpus;
        a->repeat = g->repeat;
        rec->repeat = g->repeat;
        a->seq = xcalloc((size_t)rec->vcpus, sizeof *a->seq);
        for (int k = 0; k < rec->vcpus; k++) {
            a->seq[k].n = 2;
            a->seq[k].d = xmalloc(2 * sizeof(double));
            a->seq[k].d[0] = g->run;
            a->seq[k].d[1] = g->block;
        }
        rec->activity = a;
        rec->work = g->run;
    }
    rec->line = i + 1;
    return TRACE_RECORD;
}

static void sv_close(struct trace_reader *r) { free(r->priv); }

static const struct trace_fmt sv_fmt = {
    .info = {.name = "sv", .desc = "scheduler validation guests"},
    .next = sv_next,
    .close = sv_close,
};

/* What the segments and completions tell. */
struct sv_collect {
    const struct svcase *c;
    sim_time_t span, period;
    sim_time_t cpu[SV_MAXG];      /* core ns in [0, span) */
    sim_time_t *per;              /* the target's core ns in each cap period */
    size_t nper, capper;
    /* SV_WAKE_P99: the target's wake-ups after a block, exactly: a burst
     * of run ns ends, the vCPU wakes block ns later, and its next segment
     * starts (ideal hardware: a segment is all run) */
    sim_time_t run_ns, block_ns, acc, wake;
    double *lat;                  /* s */
    size_t nlat, caplat;
};

static void sv_segment(void *ctx, const struct sim_segment *seg)
{
    struct sv_collect *col = ctx;
    uint64_t i = seg->guest->seq;
    if (i >= SV_MAXG)
        return;
    sim_time_t end = seg->end < col->span ? seg->end : col->span;
    if (end > seg->start)
        col->cpu[i] += end - seg->start;
    if ((int)i == col->c->target && col->c->metric == SV_WAKE_P99) {
        if (col->wake >= 0 && col->acc == 0) {
            col->lat = xgrow(col->lat, &col->caplat, col->nlat + 1, sizeof *col->lat);
            col->lat[col->nlat++] = sim_time_to_s(seg->start - col->wake);
        }
        col->acc += seg->end - seg->start;
        if (col->acc >= col->run_ns) {
            col->wake = seg->end + col->block_ns;
            col->acc = 0;
        }
    }
    if ((int)i != col->c->target || col->c->metric != SV_CAP)
        return;
    /* split the segment over the cap periods it spans */
    for (sim_time_t t = seg->start; t < seg->end;) {
        size_t k = (size_t)(t / col->period);
        sim_time_t next = (sim_time_t)(k + 1) * col->period;
        sim_time_t upto = next < seg->end ? next : seg->end;
        if (k >= col->nper) {
            col->per = xgrow(col->per, &col->capper, k + 1, sizeof *col->per);
            for (size_t j = col->nper; j <= k; j++)
                col->per[j] = 0;
            col->nper = k + 1;
        }
        col->per[k] += upto - t;
        t = upto;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Knobs "name=value,name=value" of the chosen scheduler. */
static int sv_knobs(struct policy_choice *c, const char *list, struct sim_error *err)
{
    if (!list)
        return SIM_OK;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq)
            return sim_error_set(err, SIM_EINVAL, NULL, 0, 0, "knob '%s' has no value", kv);
        *eq = '\0';
        int rc = policy_set(c, kv, eq + 1, err);
        if (rc < 0)
            return rc;
    }
    return SIM_OK;
}

void sched_case_run(const struct svcase *c, const char *extra, struct svresult *out)
{
    struct sim_error err;
    memset(out, 0, sizeof *out);
    struct sv_collect col = {.c = c, .span = sim_time_from_s(c->span > 0 ? c->span : 1e9),
                             .period = SIM_MS(100), .wake = -1};
    const struct sv_guest *tg = &c->g[c->target];
    col.run_ns = sim_time_from_s(tg->run);
    col.block_ns = sim_time_from_s(tg->block);
    struct sim_experiment x;
    struct sim_hooks hooks = {.on_segment = sv_segment, .cb_ctx = &col};
    struct sim *sim;
    if (sim_experiment_init(&x, &err) < 0)
        goto fail;
    sim_experiment_uniform(&x, 1, c->cores, 0);
    x.cap_period = col.period;
    if (policy_choose(&x.sched, &sched_registry, c->sched, &err) < 0 ||
        sv_knobs(&x.sched, c->knobs, &err) < 0 || sv_knobs(&x.sched, extra, &err) < 0 ||
        sim_create(&sim, &x, 0, &hooks, &err) < 0) {
        sim_experiment_release(&x);
        goto fail;
    }
    struct trace_reader r;
    struct sv_source *src = xcalloc(1, sizeof *src);
    src->c = c;
    trace_open_source(&r, &sv_fmt, src, c->name, NULL);
    int rc = sim_run(sim, &r, &err);
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
    if (rc < 0)
        goto fail;
    switch (c->metric) {
    case SV_SHARES: {
        double wsum = 0, cpu = 0;
        for (int i = 0; i < c->ng; i++) {
            wsum += sv_weight(&c->g[i]) * (c->g[i].vcpus > 0 ? c->g[i].vcpus : 1);
            cpu += (double)col.cpu[i];
        }
        out->within = cpu > 0;
        for (int i = 0; i < c->ng; i++) {
            int n = c->g[i].vcpus > 0 ? c->g[i].vcpus : 1;
            out->theory[i] = sv_weight(&c->g[i]) * n / wsum;
            out->value[i] = (double)col.cpu[i] / cpu;
            out->within = out->within &&
                          fabs(out->value[i] - out->theory[i]) <= 0.01 * out->theory[i];
        }
        out->samples = (long)c->ng;
        break;
    }
    case SV_CAP: {
        const struct sv_guest *g = &c->g[c->target];
        sim_time_t quota = (sim_time_t)llround(g->cap * (double)col.period);
        sim_time_t most = 0, sum = 0;
        for (size_t k = 0; k < col.nper; k++) {
            most = col.per[k] > most ? col.per[k] : most;
            sum += col.per[k];
        }
        out->theory[0] = g->cap;
        out->value[0] = (double)most / (double)col.period;
        /* the periods it was runnable in: all but the last, partial one */
        out->samples = col.nper > 1 ? (long)col.nper - 1 : 0;
        out->mean = out->samples > 0 ? (double)(sum - col.per[col.nper - 1]) /
                                           ((double)out->samples * (double)col.period) : NAN;
        out->within = out->samples > 0 && most <= quota;
        break;
    }
    case SV_WAKE_P99:
        out->theory[0] = c->bound;
        out->value[0] = NAN;
        out->samples = (long)col.nlat;
        if (col.nlat > 0) {
            qsort(col.lat, col.nlat, sizeof *col.lat, cmp_double);
            out->value[0] = gsl_stats_quantile_from_sorted_data(col.lat, 1, col.nlat, 0.99);
        }
        out->within = col.nlat > 0 && out->value[0] <= c->bound;
        break;
    }
    free(col.per);
    free(col.lat);
    return;
fail:
    free(col.per);
    free(col.lat);
    fprintf(stderr, "%s: %s\n", c->name, err.text);
}

static void join(char *buf, size_t len, const double *v, int n, const char *fmt)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < len; i++) {
        used += (size_t)snprintf(buf + used, len - used, i ? " / " : "");
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, fmt, v[i]);
    }
}

void sched_case_format(const struct svcase *c, const struct svresult *r, char *target,
                       char *value, size_t len)
{
    switch (c->metric) {
    case SV_SHARES:
        join(target, len, r->theory, c->ng, "%.4f");
        join(value, len, r->value, c->ng, "%.4f");
        break;
    case SV_CAP:
        snprintf(target, len, "<= %g core per 100 ms period", r->theory[0]);
        snprintf(value, len, "max %.6f, mean %.6f over %ld periods", r->value[0], r->mean,
                 r->samples);
        break;
    case SV_WAKE_P99:
        snprintf(target, len, "<= %g ms", r->theory[0] * 1e3);
        snprintf(value, len, "%.3f ms over %ld wake-ups", r->value[0] * 1e3, r->samples);
        break;
    }
}
