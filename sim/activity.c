/*
 * sim/activity.c - what a guest's vCPUs do: the bursts of work they run
 * and the blocked (halted) periods between them, by guest kind.
 *
 *   job      one burst of the guest's work per vCPU; done after it.
 *   phases   the trace's durations per vCPU: run, block, run, ..., the
 *            whole sequence `repeat` times (a sequence that ends on a run
 *            is followed at once by the next round's first run).
 *   closed   each vCPU blocks for a think time, then runs a burst, drawn
 *            from their distributions, `cycles` times or until the run's
 *            horizon (the machine-repairman model of queueing theory).
 *   series   a utilisation series as an on/off process per vCPU: in each
 *            sample interval of length T and utilisation u, bursts B are
 *            drawn from the workload class's distribution until they add
 *            up to exactly u T of work (the last one is cut to what is
 *            left), and the interval's idle time (1 - u) T is spread
 *            among the gaps before, between and after them as uniform
 *            spacings (series_plan), so that the busy fraction is u and a
 *            VM does exactly sum(u T) over its series, each interval's
 *            share inside it when nothing holds it back.  Bursts arrive on
 *            their own clock: work that cannot run at once waits as
 *            backlog (work_left grows while the vCPU is queued or
 *            running), as in the fluid model.  A vCPU blocks when its
 *            backlog is empty and wakes at the next arrival.
 * Runs are reference work (seconds on the reference core); blocks and
 * gaps are wall time.  The draws of a guest come from a GSL stream of its
 * own, seeded from (seed, replication, guest), so that one guest's draws
 * never move another's.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "base/xalloc.h"
#include "sim/engine-private.h"

/* Seconds to ns, at least 1 ns for a positive duration: a run shorter
 * than the clock's resolution still runs. */
static sim_time_t run_ns(double s)
{
    sim_time_t t = sim_time_from_s(s);
    return t < 1 && s > 0 ? 1 : t;
}

static double draw_nonneg(const struct dist *d, gsl_rng *r)
{
    double x = dist_draw(d, r);
    return x > 0 ? x : 0;
}

int activity_admit(struct sim *sim, struct guest *g, struct trace_record *rec,
                   struct sim_error *err)
{
    g->activity = rec->activity;
    rec->activity = NULL;
    if (g->activity && g->activity->kind == ACTIVITY_PHASES) {
        struct activity *a = g->activity;
        a->repeat = rec->repeat;
        /* one sequence for every vCPU */
        if (a->nvcpus == 1 && g->nvcpus > 1) {
            a->seq = xrealloc(a->seq, (size_t)g->nvcpus * sizeof *a->seq);
            for (int i = 1; i < g->nvcpus; i++) {
                a->seq[i].n = a->seq[0].n;
                a->seq[i].d = xmalloc(a->seq[0].n * sizeof *a->seq[0].d);
                memcpy(a->seq[i].d, a->seq[0].d, a->seq[0].n * sizeof *a->seq[0].d);
            }
            a->nvcpus = g->nvcpus;
        }
    }
    if (g->activity) {
        g->kind = g->activity->kind == ACTIVITY_PHASES ? GUEST_PHASES : GUEST_CLOSED;
        if (g->kind == GUEST_PHASES && g->activity->nvcpus != g->nvcpus)
            return sim_error_set(err, SIM_EINVAL, sim->source->path, rec->line, 0,
                                 "phases for %d vCPUs, but the guest has %d",
                                 g->activity->nvcpus, g->nvcpus);
        if (g->kind == GUEST_CLOSED && g->activity->cycles == 0 && sim->horizon == SIM_TIME_MAX)
            return sim_error_usage(err, "a closed loop without cycles=N runs until --end: give "
                                   "one of them");
    } else if (rec->series) {
        g->series = rec->series;
        rec->series = NULL;
        g->kind = GUEST_SERIES;
    } else {
        g->kind = GUEST_JOB;
    }
    if (g->kind != GUEST_JOB) {   /* (a job needs no position, no wake, no stream) */
        g->act = xcalloc(1, sizeof *g->act + (size_t)g->nvcpus * sizeof g->act->v[0]);
        for (int i = 0; i < g->nvcpus; i++) {
            g->act->v[i].vcpu = &g->vcpu[i];
            sim_event_init(&g->act->v[i].wake_ev, activity_wake_event);
        }
    }
    if (g->kind == GUEST_CLOSED || g->kind == GUEST_SERIES) {
        g->act->rng = gsl_rng_alloc(gsl_rng_taus2);
        if (!g->act->rng)
            xalloc_fail(sizeof(gsl_rng));
        gsl_rng_set(g->act->rng, sim_rng_seed(sim->x->seed, sim->rep, SIM_STREAM_GUESTS, g->seq));
    }
    /* work per vCPU over its life, for the summary's work and slowdown */
    if (g->kind == GUEST_SERIES) {
        double sum = 0;
        for (size_t k = 0; k < g->series->n; k++)
            sum += fmin(g->series->util[k], 1.0);
        g->work = sim_time_from_s(sum * g->series->interval * g->speed);
    } else if (g->kind == GUEST_PHASES) {
        double run = 0;
        for (int i = 0; i < g->nvcpus; i++) {
            double r = 0;
            for (size_t k = 0; k < g->activity->seq[i].n; k += 2)
                r += g->activity->seq[i].d[k];
            run = fmax(run, r);
        }
        g->work = sim_time_from_s(run * (double)g->activity->repeat);
    } else if (g->kind == GUEST_CLOSED && g->activity->cycles > 0) {
        g->work = sim_time_from_s(dist_mean(&g->activity->burst) * (double)g->activity->cycles);
    }
    if (g->work < 1)
        g->work = 1;
    return SIM_OK;
}

void activity_release(struct guest *g)
{
    activity_free(g->activity);
    g->activity = NULL;
    if (g->series) {
        free(g->series->util);
        free(g->series);
        g->series = NULL;
    }
    if (g->act) {
        if (g->act->rng)
            gsl_rng_free(g->act->rng);
        free(g->act);
        g->act = NULL;
    }
}

/* v's position and wake event (its guest is not a job: activity_admit
 * gave it the side record). */
static inline struct vcpu_activity *va(const struct vcpu *v)
{
    return &v->guest->act->v[v->index];
}

/* ---- series: the on/off process ---- */

/* The bursts of g's class on its host; without class tables (a platform
 * built by hand), the shipped default class's, Exp(50 ms). */
static const struct dist *burst_dist(const struct guest *g)
{
    static const struct dist fallback = {DIST_EXP, {0.05, 0, 0}};
    const struct sim_hw_tables *hw = g->host->hw;
    return hw->bursts ? hw->bursts[g->cls] : &fallback;
}

/* The vCPU's position in its series: step = the sample interval its next
 * arrival falls in (series->n once the series is over), debt = reference
 * seconds of that interval's budget not yet given out as bursts. */
/* The reference work a vCPU of g's asks per second in interval step. */
static double series_util(const struct guest *g, long step)
{
    return step < (long)g->series->n ? fmin(g->series->util[step], 1.0) * g->speed : 0;
}

/* The wall time a vCPU of g's needs for ref reference seconds at its own
 * speed (a 2,500-MIPS vCPU does 2.5 reference seconds per second): the
 * on/off process lays its bursts out on that clock, whatever the core it
 * lands on does. */
static double series_busy_s(const struct guest *g, double ref)
{
    return g->speed == 1.0 ? ref : ref / g->speed;
}

/* Arm v's next arrival, planned from t0 (the start of an interval, or the
 * end of the burst that arrived last if it ran at once at the vCPU's own
 * speed).  The idle time left in the interval, I = (end - t0) - the busy
 * time of debt, is shared among the gaps
 * still to come, one before each remaining burst and one after the last,
 * as uniform spacings: this gap is I x Beta(1, N) with N the expected
 * number of bursts left, 1 + debt / E[B].  (With N exact these are the
 * Dirichlet spacings of the idle time, the gaps of a Poisson stream of
 * bursts given their number.)  So the bursts of an interval lie inside it,
 * spread over all of it: an uncontended VM does each interval's work in
 * that interval, and bursts neither crowd at its end nor start together
 * at its beginning on every VM.  Past the last interval, the arrival that
 * ends the vCPU. */
static void series_plan(struct sim *sim, struct vcpu *v, sim_time_t t0)
{
    struct guest *g = v->guest;
    const struct util_series *s = g->series;
    while (va(v)->debt <= 1e-12 && va(v)->step < (long)s->n) {
        t0 = sim__series_step_end(g, va(v)->step);
        va(v)->step++;
        va(v)->debt = series_util(g, va(v)->step) * s->interval;
    }
    sim_time_t next = t0;
    if (va(v)->step < (long)s->n) {
        double idle = sim_time_to_s(sim__series_step_end(g, va(v)->step) - t0) -
                      series_busy_s(g, va(v)->debt);
        if (idle > 0) {
            double mean = dist_mean(burst_dist(g));
            double left = mean > 0 && isfinite(mean) ? 1 + va(v)->debt / mean : 1;
            next = t0 + sim_time_from_s(idle * gsl_ran_beta(g->act->rng, 1, left));
        }
    }
    if (next <= sim->now)
        next = sim->now + 1;
    evq_push(&sim->evq, &va(v)->wake_ev, next, SIM_EVC_ARRIVAL);
}

/* The burst of v's series that arrives now, in reference ns (0 at the
 * arrival that ends the series); the next arrival is armed. */
static sim_time_t series_burst(struct sim *sim, struct vcpu *v)
{
    struct guest *g = v->guest;
    if (va(v)->step >= (long)g->series->n)
        return 0;
    /* At least 1 ns, so that a zero draw still moves the series on. */
    double b = fmin(fmax(draw_nonneg(burst_dist(g), g->act->rng), 1e-9), va(v)->debt);
    va(v)->debt -= b;
    sim_time_t run = run_ns(b);
    series_plan(sim, v, sim->now + (g->speed == 1.0 ? run : run_ns(series_busy_s(g, b))));
    return run;
}

/* ---- the life of a vCPU ---- */

bool activity__start(struct sim *sim, struct vcpu *v)
{
    struct guest *g = v->guest;
    const struct activity *a = g->activity;
    if (g->kind == GUEST_JOB) {
        v->work_left = g->work;
        return true;
    }
    va(v)->step = 0;
    va(v)->debt = 0;
    switch (g->kind) {
    case GUEST_PHASES:
        v->work_left = run_ns(a->seq[v->index].d[0]);
        return true;
    case GUEST_CLOSED:
        /* a customer thinks first, then asks */
        evq_push(&sim->evq, &va(v)->wake_ev,
                 sim->now + sim_time_from_s(draw_nonneg(&a->think, g->act->rng)), SIM_EVC_ARRIVAL);
        return false;
    case GUEST_SERIES:
        /* blocked until its first burst arrives */
        va(v)->debt = series_util(g, 0) * g->series->interval;
        series_plan(sim, v, sim->now);
        return false;
    case GUEST_JOB:     /* (started above) */
    case GUEST_FLUID:   /* (never started: sim/fluid.c runs it) */
        break;
    }
    return false;
}

enum activity_next activity__burst_end(struct sim *sim, struct vcpu *v)
{
    struct guest *g = v->guest;
    const struct activity *a = g->activity;
    switch (g->kind) {
    case GUEST_JOB:
        return ACTIVITY_DONE;
    case GUEST_PHASES: {
        const struct phase_seq *seq = &a->seq[v->index];
        size_t k = (size_t)(va(v)->step % (long)seq->n);
        long round = va(v)->step / (long)seq->n;
        /* after the run at k: a block at k + 1, or the next round */
        if (k + 1 < seq->n) {
            va(v)->step++;
            evq_push(&sim->evq, &va(v)->wake_ev, sim->now + sim_time_from_s(seq->d[k + 1]),
                     SIM_EVC_ARRIVAL);
            return ACTIVITY_BLOCK;
        }
        if (round + 1 >= a->repeat)
            return ACTIVITY_DONE;
        va(v)->step++;   /* the next round starts with a run, at once */
        v->work_left = run_ns(seq->d[0]);
        return ACTIVITY_MORE;
    }
    case GUEST_CLOSED:
        va(v)->step++;
        if (a->cycles > 0 && va(v)->step >= a->cycles)
            return ACTIVITY_DONE;
        evq_push(&sim->evq, &va(v)->wake_ev,
                 sim->now + sim_time_from_s(draw_nonneg(&a->think, g->act->rng)), SIM_EVC_ARRIVAL);
        return ACTIVITY_BLOCK;
    case GUEST_SERIES:
        /* Its next burst is already on its way (wake_ev), unless the
         * series has ended and nothing more is owed. */
        return sim_event_pending(&va(v)->wake_ev) ? ACTIVITY_BLOCK : ACTIVITY_DONE;
    case GUEST_FLUID:
        break;
    }
    return ACTIVITY_DONE;
}

/* v's block ended (phases, closed) or its series' next burst arrived. */
void activity_wake_event(struct sim *sim, struct sim_event *ev)
{
    struct vcpu *v = container_of(ev, struct vcpu_activity, wake_ev)->vcpu;
    struct guest *g = v->guest;
    const struct activity *a = g->activity;
    switch (g->kind) {
    case GUEST_PHASES: {
        const struct phase_seq *seq = &a->seq[v->index];
        size_t k = (size_t)(va(v)->step % (long)seq->n);   /* the block that ended */
        long round = va(v)->step / (long)seq->n;
        if (k + 1 < seq->n) {
            va(v)->step++;
            v->work_left = run_ns(seq->d[k + 1]);
        } else if (round + 1 < a->repeat) {
            va(v)->step++;
            v->work_left = run_ns(seq->d[0]);
        } else {
            sim__vcpu_done(sim, v);   /* the sequence ended on a block */
            return;
        }
        break;
    }
    case GUEST_CLOSED:
        v->work_left = run_ns(draw_nonneg(&a->burst, g->act->rng));
        break;
    case GUEST_SERIES: {
        sim_time_t b = series_burst(sim, v);
        if (v->state != VCPU_BLOCKED) {
            /* running, queued or throttled: the work joins its backlog */
            if (v->state == VCPU_RUNNING)
                sim__core_sync(sim, v->core);
            v->work_left += b;
            if (v->state == VCPU_RUNNING)
                sim__core_rearm(sim, v->core);
            return;
        }
        if (b == 0) {
            if (!sim_event_pending(&va(v)->wake_ev))
                sim__vcpu_done(sim, v);
            return;
        }
        v->work_left = b;
        break;
    }
    case GUEST_JOB:
    case GUEST_FLUID:
        return;
    }
    sim__vcpu_wake(sim, v);
}
