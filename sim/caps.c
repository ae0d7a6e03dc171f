/*
 * sim/caps.c - a guest's cap on CPU, enforced by the engine (for every
 * policy that does not enforce caps itself, SCHED_OWN_CAPS).
 *
 * A guest's cap is the smaller of its allocator's grant and the trace's
 * `cap` column, in cores; a cap below its vCPUs limits it.  As Linux's CFS
 * bandwidth control does (quota per period, Documentation/scheduler/
 * sched-bwc.rst), the guest may run cap x P core-ns in each period of
 * length P (--cap-period, default 100 ms, cfs_period_us's default), all
 * its vCPUs together; when the budget is spent its vCPUs are throttled
 * (taken off their cores and out of the queues) until the next period.
 * So in every period [kP, (k+1)P) it runs at most cap x P: what the seed's
 * M_i = W_i V_i says.
 *
 * The budget is refilled lazily, when the guest is next looked at in a
 * later period; an event is armed only while one of its vCPUs runs (the
 * moment the budget runs out at the present rate, in this period or a
 * later one) or while it is throttled (the next period's start).  Core
 * time counts from the moment the vCPU's own code runs (a switch into it is not
 * charged to its cap).
 */
#include <math.h>

#include "base/xalloc.h"
#include "sim/engine-private.h"

/* g's caps record, made the first time the engine limits g (most guests
 * of most runs are never limited: models/platform.h, side records). */
static struct guest_caps *caps_of(struct guest *g)
{
    struct guest_caps *k = guest_side_caps(g);
    if (!k) {
        k = xmalloc(sizeof *k);
        sim_event_init(&k->cap_ev, caps_event);
        k->guest = g;
        k->budget = 0;
        k->budget_period = -1;
        guest_sides_make(g)->caps = k;
    }
    return k;
}

/* g's caps record, its budget refilled if a new period began since it
 * was last set. */
static struct guest_caps *refill(struct sim *sim, struct guest *g)
{
    struct guest_caps *k = caps_of(g);
    int64_t p = sim->now / sim->cap_period;
    if (p != k->budget_period) {
        k->budget_period = p;
        k->budget = (sim_time_t)llround(caps_cores(g) * (double)sim->cap_period);
    }
    return k;
}

/* The guest's vCPUs on cores, brought up to now (their core time charged). */
static void sync_running(struct sim *sim, struct guest *g)
{
    for (int i = 0; i < g->nvcpus; i++)
        if (g->vcpu[i].core)
            sim__core_sync(sim, g->vcpu[i].core);
}

void caps_charge(struct sim *sim, struct guest *g, sim_time_t ran)
{
    if (!caps_limited(sim, g))
        return;
    /* What ran before this period was the last one's: its budget covered
     * it (a budget that runs out before a period's end has an event). */
    sim_time_t start = sim->now / sim->cap_period * sim->cap_period;
    if (ran > sim->now - start)
        ran = sim->now - start;
    refill(sim, g)->budget -= ran;
}

void caps_update(struct sim *sim, struct guest *g)
{
    if (!caps_limited(sim, g) || g->throttled)
        return;
    if (g->nrunning == 0) {
        struct guest_caps *k = guest_side_caps(g);
        if (k)
            evq_cancel(&sim->evq, &k->cap_ev);
        return;
    }
    sync_running(sim, g);   /* the budget as spent up to now */
    struct guest_caps *k = refill(sim, g);
    /* When the budget runs out at the present rate (rounded down: the
     * vCPUs together never overrun it); if not in this period, then in
     * the first period where a full budget runs out before its end
     * (none if the running vCPUs never spend a budget in a period). */
    sim_time_t P = sim->cap_period, r = g->nrunning;
    sim_time_t period_end = (k->budget_period + 1) * P;
    sim_time_t left = k->budget > 0 ? k->budget : 0;
    sim_time_t out = sim->now + left / r;
    if (out >= period_end) {
        sim_time_t full = (sim_time_t)llround(caps_cores(g) * (double)P) / r;
        out = full < P ? period_end + full : SIM_TIME_MAX;
    }
    if (out == SIM_TIME_MAX) {
        evq_cancel(&sim->evq, &k->cap_ev);
        return;
    }
    if (sim_event_pending(&k->cap_ev) && k->cap_ev.time == out)
        return;
    evq_cancel(&sim->evq, &k->cap_ev);
    evq_push(&sim->evq, &k->cap_ev, out, SIM_EVC_CORE);
}

/* The guest's cap event: its budget ran out (throttle it), a period
 * ended while it ran (refill and look again), or, throttled, its next
 * period began (run again). */
void caps_event(struct sim *sim, struct sim_event *ev)
{
    struct guest *g = container_of(ev, struct guest_caps, cap_ev)->guest;
    if (g->paused)
        return;   /* its migration's stop-and-copy holds it; the move releases it */
    if (g->throttled) {
        g->throttled = false;
        refill(sim, g);
        for (int i = 0; i < g->nvcpus; i++)
            if (g->vcpu[i].state == VCPU_THROTTLED)
                sim__vcpu_unthrottle(sim, &g->vcpu[i]);
        sim__host_dispatch_soon(sim, g->host);
        return;
    }
    sync_running(sim, g);
    struct guest_caps *k = refill(sim, g);
    if (k->budget >= g->nrunning) {   /* a period ended, or less than 1 ns each is left */
        caps_update(sim, g);
        return;
    }
    g->throttled = true;
    for (int i = 0; i < g->nvcpus; i++)
        if (g->vcpu[i].state == VCPU_RUNNING || g->vcpu[i].state == VCPU_QUEUED)
            sim__vcpu_throttle(sim, &g->vcpu[i]);
    /* Every guest throttled in this period runs again at its end: these
     * events come in order, so they skip the heap (base/evq.h). */
    evq_push_sorted(&sim->evq, &k->cap_ev, (k->budget_period + 1) * sim->cap_period,
                    SIM_EVC_CORE);
    sim__host_dispatch_soon(sim, g->host);
}
