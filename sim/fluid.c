/*
 * sim/fluid.c - guests whose demand varies over time (utilisation series:
 * PlanetLab, Bitbrains): the fluid model of them (--model fluid), and the
 * accounting of demand, unmet demand and idle grant that both models
 * share.
 *
 * The fluid model.  Reference work arrives at guest i at rate r_i(t) =
 * util(t) x vcpus (util from the trace, piecewise constant over its
 * samples) and joins a backlog b_i.  On virtualised hardware it needs
 * f_i = 1 + h core-seconds per second of work (docs/MODEL.md), so it wishes
 *     w_i = min(r_i f_i, vcpus)    while b_i = 0,
 *     w_i = vcpus                  while b_i > 0 (it catches up);
 * it may use at most its grant a_i (the cap), and a host whose guests
 * want more than its cores shares them by weighted water-filling: with
 * claims c_i = min(vcpus, a_i), a level L gives u_i = min(w_i, a_i, L c_i),
 * L as high as the cores allow (host_share), so its backlog changes at
 * r_i - u_i / f_i.  A guest leaves when its series has ended and its
 * backlog is served, so a throttled guest lives longer, as in CloudSim's
 * PlanetLab experiments.  Rates are constant between events: a guest's
 * next sample, its backlog running dry, an arrival or departure on its
 * host, a re-allocation.  All changes at one instant are gathered into
 * one recomputation per host at the end of the instant (the host's
 * refluid event), as dispatch is.  Schedulers do not act on fluid
 * guests; they time-share their cores in proportion to their capped
 * wishes (processor sharing with caps).  The discrete model
 * (sim/activity.c) runs the same series as on/off vCPUs that the
 * scheduler and the caps act on.
 *
 * Accounting, per sample interval k of a series guest (length T,
 * utilisation u_k), in core-seconds, the same in both models:
 *     demand_k = min(u_k, 1) x T x vcpus x f   what the trace asks for
 *     used_k   = core time the guest got in the interval
 *     unmet   += (demand_k - used_k)+          demanded but not granted
 *                                              (CloudSim's SLA measure)
 *     idle    += (grant_k - used_k)+           granted but not used, with
 *                                              grant_k = its grant's integral
 * and after its series, while it serves its backlog, only idle grant.
 * Work caught up in a later interval does not cancel an earlier unmet
 * demand: the guest was held back when it asked.
 */
#include "sim/fluid.h"

#include <math.h>
#include <stdlib.h>

#include "allocators/alloc.h"
#include "base/xalloc.h"
#include "sim/engine-private.h"

/* A backlog below one nanosecond of work is empty. */
#define FLUID_EPS 1e-9

static void fluid_guest_event(struct sim *sim, struct sim_event *ev);
static void series_acct_event(struct sim *sim, struct sim_event *ev);

void fluid_guest_init(struct guest *g, struct trace_record *rec)
{
    struct fluid_guest *f = xcalloc(1, sizeof *f);
    f->guest = g;
    g->series = rec->series;
    rec->series = NULL;
    f->rate = g->series->util[0] * g->nvcpus * g->speed;
    f->last = g->arrival;
    sim_event_init(&f->ev, fluid_guest_event);
    /* work per vCPU: what the series asks of each vCPU over its life */
    double sum = 0;
    for (size_t k = 0; k < g->series->n; k++)
        sum += g->series->util[k];
    g->work = sim_time_from_s(sum * g->series->interval * g->speed);
    if (g->work < 1)
        g->work = 1;
    g->fl = f;
}

void fluid_guest_free(struct guest *g)
{
    free(g->fl);
    g->fl = NULL;
}

static void guest_advance(struct sim *sim, struct guest *g)
{
    struct fluid_guest *f = g->fl;
    double dt = sim_time_to_s(sim->now - f->last);
    if (dt <= 0)
        return;
    double fac = sim__class_factor(sim, g);
    double served = f->used / fac * dt;
    f->backlog += f->rate * dt - served;
    if (f->backlog < FLUID_EPS)
        f->backlog = 0;
    g->used_s += f->used * dt;
    f->win_wish_acc += g->wish * dt;
    sim__charge_work(sim, g, served);
    f->last = sim->now;
}

void fluid_host_advance(struct sim *sim, struct host *h)
{
    double dt = sim_time_to_s(sim->now - h->acc_last);
    if (dt <= 0)
        return;
    for (size_t i = 0; i < h->nfluid; i++)
        guest_advance(sim, h->fluid[i]);
    h->acc_demand += h->sum_demand * dt;
    h->acc_grant += h->sum_grant * dt;
    h->acc_used += h->sum_used * dt;
    h->acc_last = sim->now;
}

static double wish_of(const struct sim *sim, const struct guest *g)
{
    const struct fluid_guest *f = g->fl;
    if (f->backlogged)
        return g->nvcpus;
    double w = f->rate * sim__class_factor(sim, g);
    return w < g->nvcpus ? w : g->nvcpus;
}

static int by_level(const void *a, const void *b)
{
    const struct fluid_guest *x = (*(struct guest *const *)a)->fl;
    const struct fluid_guest *y = (*(struct guest *const *)b)->fl;
    return (x->level > y->level) - (x->level < y->level);
}

/* Share h's cores among its guests: weighted water-filling.  Each guest
 * claims w = min(vcpus, grant) and takes at most c: all of w while it has
 * a backlog, min(rate x f, w) while it has none.  A common level L gives
 * guest i min(c_i, L w_i), with L as high as the cores allow.  A guest
 * whose share is below its arrival rate gets the same share whether its
 * backlog is empty or not, so the rates never flip back and forth as a
 * backlog empties and refills (proportional scaling of wishes did, every
 * few nanoseconds).  A guest with an empty backlog is never served above
 * its rate: no work out of nothing. */
static void host_share(struct sim *sim, struct host *h)
{
    size_t n = h->nfluid, k = 0;
    h->fluid_tmp = xgrow(h->fluid_tmp, &h->fluid_tmpcap, n, sizeof *h->fluid_tmp);
    double want = 0;
    for (size_t i = 0; i < n; i++) {
        struct guest *g = h->fluid[i];
        struct fluid_guest *f = g->fl;
        f->backlogged = f->backlog > 0;
        g->wish = wish_of(sim, g);
        f->claim = fmin((double)g->nvcpus, g->grant);
        if (g->mig_cap > 0)   /* a live migration serves only part of it */
            f->claim = fmin(f->claim, g->mig_cap);
        if (g->paused)        /* its stop-and-copy: it runs nowhere */
            f->claim = 0;
        f->cap = fmin(g->wish, f->claim);
        f->used = 0;
        want += f->cap;
        if (f->claim > 0) {
            f->level = f->cap / f->claim;   /* the level at which it is satisfied */
            h->fluid_tmp[k++] = g;
        }
    }
    if (want <= h->ncores) {   /* everyone gets what it takes */
        for (size_t i = 0; i < n; i++)
            h->fluid[i]->fl->used = h->fluid[i]->fl->cap;
        return;
    }
    qsort(h->fluid_tmp, k, sizeof *h->fluid_tmp, by_level);
    double left = h->ncores, weight = 0;
    for (size_t i = 0; i < k; i++)
        weight += h->fluid_tmp[i]->fl->claim;
    size_t i = 0;
    for (; i < k; i++) {   /* the least demanding are satisfied first */
        struct fluid_guest *f = h->fluid_tmp[i]->fl;
        if (f->level * weight > left)
            break;
        f->used = f->cap;
        left -= f->cap;
        weight -= f->claim;
    }
    double level = weight > 0 ? left / weight : 0;
    for (; i < k; i++)
        h->fluid_tmp[i]->fl->used = level * h->fluid_tmp[i]->fl->claim;
}

void fluid_host_recompute(struct sim *sim, struct host *h)
{
    host_share(sim, h);
    h->sum_demand = h->sum_grant = h->sum_used = 0;
    for (size_t i = 0; i < h->nfluid; i++) {
        struct guest *g = h->fluid[i];
        struct fluid_guest *f = g->fl;
        double fac = sim__class_factor(sim, g);
        h->sum_demand += f->rate * fac;
        h->sum_grant += g->grant;
        h->sum_used += f->used;
        sim_time_t next = f->step < g->series->n ? f->step_end : SIM_TIME_MAX;
        double service = f->used / fac;
        if (f->step >= g->series->n && f->backlog <= 0) {
            next = sim->now;   /* over: leaves at once */
        } else if (f->backlog > 0 && service > f->rate) {
            /* compared in seconds first: a nearly balanced guest can take
             * longer to drain than the clock can count */
            double dry = f->backlog / (service - f->rate);
            if (dry < sim_time_to_s(next - sim->now))
                next = sim->now + (sim_time_t)ceil(dry * 1e9);
        }
        evq_cancel(&sim->evq, &f->ev);
        if (next != SIM_TIME_MAX)
            evq_push(&sim->evq, &f->ev, next, SIM_EVC_CORE);
    }
}

static void host_refluid(struct sim *sim, struct sim_event *ev)
{
    struct host *h = container_of(ev, struct host, refluid_ev);
    fluid_host_advance(sim, h);
    fluid_host_recompute(sim, h);
}

static void request_refluid(struct sim *sim, struct host *h)
{
    if (!sim_event_pending(&h->refluid_ev)) {
        h->refluid_ev.fn = host_refluid;
        evq_push_now(&sim->evq, &h->refluid_ev, sim->now, SIM_EVC_DISPATCH);
    }
}

void fluid_admit(struct sim *sim, struct guest *g, struct host *h)
{
    fluid_host_advance(sim, h);
    struct fluid_guest *f = g->fl;
    h->fluid = xgrow(h->fluid, &h->fluidcap, h->nfluid + 1, sizeof *h->fluid);
    f->idx = h->nfluid;
    h->fluid[h->nfluid++] = g;
    f->last = sim->now;
    /* Its series starts when it starts, which is later than its arrival
     * if it waited for memory in the admission queue. */
    f->step_end = sim->now + sim_time_from_s(g->series->interval);
    g->first_start = sim->now;   /* served from its admission on */
    request_refluid(sim, h);
}

void fluid_guest_leave(struct sim *sim, struct guest *g)
{
    struct host *h = g->host;
    struct fluid_guest *f = g->fl;
    fluid_host_advance(sim, h);
    evq_cancel(&sim->evq, &f->ev);
    h->fluid[f->idx] = h->fluid[--h->nfluid];
    h->fluid[f->idx]->fl->idx = f->idx;
    request_refluid(sim, h);
}

void fluid_guest_join(struct sim *sim, struct guest *g)
{
    struct host *h = g->host;
    struct fluid_guest *f = g->fl;
    fluid_host_advance(sim, h);
    h->fluid = xgrow(h->fluid, &h->fluidcap, h->nfluid + 1, sizeof *h->fluid);
    f->idx = h->nfluid;
    h->fluid[h->nfluid++] = g;
    f->last = sim->now;
    request_refluid(sim, h);
}

void fluid_guest_changed(struct sim *sim, struct guest *g)
{
    fluid_host_advance(sim, g->host);
    request_refluid(sim, g->host);
}

double fluid_window_wish(struct sim *sim, struct guest *g)
{
    struct fluid_guest *f = g->fl;
    double there = sim_time_to_s(sim->now - g->win_from);
    double w = there > 0 ? f->win_wish_acc / there : g->wish;
    f->win_wish_acc = 0;
    return w;
}

static void fluid_depart(struct sim *sim, struct guest *g)
{
    struct host *h = g->host;
    struct fluid_guest *f = g->fl;
    evq_cancel(&sim->evq, &f->ev);
    h->fluid[f->idx] = h->fluid[--h->nfluid];
    h->fluid[f->idx]->fl->idx = f->idx;
    sim__guest_complete(sim, g);
    request_refluid(sim, h);
}

static void fluid_guest_event(struct sim *sim, struct sim_event *ev)
{
    struct fluid_guest *f = container_of(ev, struct fluid_guest, ev);
    struct guest *g = f->guest;
    fluid_host_advance(sim, g->host);
    if (f->step < g->series->n && sim->now >= f->step_end) {
        f->step++;
        f->rate = f->step < g->series->n ? g->series->util[f->step] * g->nvcpus * g->speed : 0;
        f->step_end += sim_time_from_s(g->series->interval);
    }
    if (f->step >= g->series->n && f->backlog <= 0)
        fluid_depart(sim, g);
    else
        request_refluid(sim, g->host);
}

/* ---- series accounting, both models ---- */

double fluid_series_wish(const struct sim *sim, const struct guest *g, size_t k)
{
    double u = k < g->series->n ? g->series->util[k] : 0;
    double w = u * g->nvcpus * g->speed * sim__class_factor(sim, g);
    return w < g->nvcpus ? w : g->nvcpus;
}

static void grant_advance(struct sim *sim, struct guest *g)
{
    g->grant_acc += g->grant * sim_time_to_s(sim->now - g->grant_last);
    g->grant_last = sim->now;
}

void fluid_series_grants_advance(struct sim *sim, struct host *h)
{
    for (size_t i = 0; h->nseries > 0 && i < h->nguests; i++)
        if (h->guests[i]->series)
            grant_advance(sim, h->guests[i]);
}

/* The core-seconds g has used so far. */
static double used_so_far(struct sim *sim, struct guest *g)
{
    if (g->fl) {
        fluid_host_advance(sim, g->host);
        return g->used_s;
    }
    double used = 0;
    for (int i = 0; i < g->nvcpus; i++) {
        const struct vcpu *v = &g->vcpu[i];
        used += sim_time_to_s(v->cpu_time);
        if (v->state == VCPU_RUNNING)
            used += sim_time_to_s(sim->now - v->core->busy_since);
    }
    for (int i = 0; i < g->host->ncores; i++) {
        const struct pcpu *c = &g->host->cores[i];
        if (c->poller && c->poller->guest == g && sim->now > c->busy_since)
            used += sim_time_to_s(sim->now - c->busy_since);   /* its HLT exit and polling */
    }
    return used;
}

double fluid_series_used(struct sim *sim, struct guest *g) { return used_so_far(sim, g); }

/* Close g's interval in force at now: demand is the interval's if it is
 * one of the series' (k < n), none after it. */
static void account_interval(struct sim *sim, struct guest *g)
{
    const struct util_series *s = g->series;
    double used_now = used_so_far(sim, g);
    grant_advance(sim, g);
    double used = used_now - g->acct_used;
    double grant = g->grant_acc - g->acct_grant;
    double demand = 0;
    if (g->acct_step < (long)s->n)
        demand = fmin(s->util[g->acct_step], 1.0) * s->interval * g->nvcpus * g->speed *
                 sim__class_factor(sim, g);
    g->demand_s += demand;
    if (demand > used)
        g->unmet_s += demand - used;
    if (grant > used)
        g->idle_s += grant - used;
    g->acct_used = used_now;
    g->acct_grant = g->grant_acc;
}

void fluid_series_begin(struct sim *sim, struct guest *g)
{
    g->acct_step = 0;
    g->acct_used = 0;
    g->acct_grant = g->grant_acc;
    g->acct_ev.fn = series_acct_event;
    evq_push(&sim->evq, &g->acct_ev, g->series_start + sim_time_from_s(g->series->interval),
             SIM_EVC_CONTROL);
}

static void series_acct_event(struct sim *sim, struct sim_event *ev)
{
    struct guest *g = container_of(ev, struct guest, acct_ev);
    account_interval(sim, g);
    g->acct_step++;
    if (!g->fl)
        fluid_series_host_rates(sim, g->host);
    if (g->acct_step < (long)g->series->n)
        evq_push(&sim->evq, ev,
                 g->series_start + sim_time_from_s(g->series->interval * (double)(g->acct_step + 1)),
                 SIM_EVC_CONTROL);
}

void fluid_series_account(struct sim *sim, struct guest *g)
{
    account_interval(sim, g);
    g->acct_step = (long)g->series->n;
}

static void series_host_advance(struct sim *sim, struct host *h)
{
    double dt = sim_time_to_s(sim->now - h->ser_last);
    if (dt > 0) {
        h->ser_acc_demand += h->ser_demand * dt;
        h->ser_acc_grant += h->ser_grant * dt;
    }
    h->ser_last = sim->now;
}

void fluid_series_host_rates(struct sim *sim, struct host *h)
{
    series_host_advance(sim, h);
    double demand = 0, grant = 0;
    for (size_t i = 0; i < h->nguests; i++) {
        const struct guest *g = h->guests[i];
        if (!g->series || g->fl)
            continue;
        if (g->acct_step < (long)g->series->n)
            demand += fmin(g->series->util[g->acct_step], 1.0) * g->nvcpus * g->speed *
                      sim__class_factor(sim, g);
        grant += fmin(caps_cores(g), g->nvcpus);
    }
    h->ser_demand = demand;
    h->ser_grant = grant;
}

void fluid_series_host_acc(struct sim *sim, struct host *h, double out[2])
{
    series_host_advance(sim, h);
    out[0] = h->ser_acc_demand;
    out[1] = h->ser_acc_grant;
}
