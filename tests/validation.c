/* tests/validation.c - see validation.h.  Run lengths follow
 * queueing.md section 8 (about +-2% at 95%), kept to seconds each. */
#include "tests/validation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/metrics.h"
#include "base/xalloc.h"
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
