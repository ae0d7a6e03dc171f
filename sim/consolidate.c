/*
 * sim/consolidate.c - dynamic consolidation and energy in the event
 * engine (sim/consolidate.h).
 *
 * Power.  A host with a power table (SPECpower_ssj2008: the mean watts at
 * a steady load of 0, 10, ..., 100 %) is metered in segments: every
 * --interval (the manager's period) and whenever it is switched on or
 * off.  A segment costs P(u) x its length, u the host's mean utilisation
 * over it: its busy core time (vCPUs running, HLT exits and halt polling;
 * fluids' core time) plus the cores migrations keep busy, over its cores.
 * That is how the table was measured: a steady load level averaged over
 * minutes, not the instantaneous 0/1 of each core.  A host is on while it
 * holds a guest or an incoming migration, and off (0 W) otherwise; with
 * --power-aware no every host is on at P(1) from the start to the end of
 * the run (CloudSim's non-power-aware baseline).  Switching on and off
 * takes no time (as in CloudSim).
 *
 * The manager.  Every --interval it is handed what a monitor measured
 * over the interval that just ended (consolidation/cons.h's view): each
 * host's utilisation; each guest's demand (the reference work its series
 * asked, in MIPS: reference core = 1000 MIPS) and the utilisation it got
 * (its history); each host's free memory (its memory less what its guests
 * and incoming migrations hold), link and power table.  CloudSim instead
 * hands its manager the demand of the interval about to begin (it reads
 * the trace 0.1 s after the step): a monitor cannot.  The plan's moves
 * start at once (sim/migrate.c).  While consolidating, the manager also
 * places arriving guests (--consolidate-place), with their first sample's
 * demand.
 *
 * SLA.  CloudSim's metrics (consolidation/sla.h) from state entries whose
 * allocated and requested MIPS are the means, over each segment, of the
 * reference work a guest did and asked for (its series' demand at its
 * times): a host's segment violates when its guests did less than they
 * asked within it (late work does not make up for it), a guest's segment
 * during a migration counts its shortfall in PDM.  Segments end at every
 * tick and whenever a guest arrives, leaves, or starts, pauses or ends a
 * migration, and when a host is switched on or off.  Guests without a
 * series (jobs) count as served as they run.
 *
 * Cost: O(hosts + guests) per tick plus the manager's own; O(hosts +
 * guests) per placement of an arriving guest while consolidating.
 */
#include "sim/consolidate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "consolidation/power.h"
#include "consolidation/precopy.h"
#include "sim/fluid.h"

#define MIPS_PER_CORE 1000.0   /* a reference core; CloudSim's MIPS / 1000 = speed */

static void tick_event(struct sim *sim, struct sim_event *ev);

/* ---------------------------------------------------------- measures */

/* Busy core-seconds of h so far: its cores (running, HLT exits, polling)
 * and its fluids. */
static double host_busy_s(struct sim *sim, struct host *h)
{
    double ns = 0;
    for (int k = 0; k < h->ncores; k++) {
        const struct pcpu *c = &h->cores[k];
        ns += (double)c->busy_total;
        if (c->running || c->poller)
            ns += (double)(sim->now - c->busy_since);
    }
    double s = ns * 1e-9;
    if (h->nfluid > 0 || h->acc_used > 0) {
        fluid_host_advance(sim, h);
        s += h->acc_used;
    }
    return s;
}

static void cpu_advance(struct sim *sim, struct cons_host_state *hs)
{
    hs->cpu_acc += hs->cpu_cores * sim_time_to_s(sim->now - hs->cpu_t);
    hs->cpu_t = sim->now;
}

double consolidate_demand(struct sim *sim, struct guest *g)
{
    const struct util_series *s = g->series;
    struct cons_vm_state *st = guest_side_cons(g);
    if (!s)
        return consolidate_done(sim, g);
    double elapsed = sim_time_to_s(sim->now - g->sa->series_start);
    double scale = g->speed * g->nvcpus * s->interval;
    while (st->dem_k < (long)s->n && (double)(st->dem_k + 1) * s->interval <= elapsed) {
        st->dem_acc += fmin(s->util[st->dem_k], 1.0) * scale;
        st->dem_k++;
    }
    double part = 0;
    if (st->dem_k < (long)s->n)
        part = fmin(s->util[st->dem_k], 1.0) * g->speed * g->nvcpus *
               (elapsed - (double)st->dem_k * s->interval);
    return st->dem_acc + (part > 0 ? part : 0);
}

double consolidate_done(struct sim *sim, struct guest *g)
{
    if (g->fl) {
        fluid_guest_sync(sim, g);
        return g->done_s;
    }
    double ns = 0;
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *v = &g->vcpu[i];
        if (v->state == VCPU_RUNNING)
            sim__core_sync(sim, v->core);
        ns += (double)v->attained;
    }
    return ns * 1e-9;
}

/* The demand of g's series now, in reference cores.  A guest being
 * placed has no series accounting yet: its series starts at its
 * placement, with its first sample. */
static double demand_now(const struct sim *sim, const struct guest *g)
{
    if (!g->series)
        return g->nvcpus * g->speed;
    double elapsed = g->sa ? sim_time_to_s(sim->now - g->sa->series_start) : 0;
    long k = elapsed > 0 ? (long)(elapsed / g->series->interval) : 0;
    return k < (long)g->series->n ? fmin(g->series->util[k], 1.0) * g->speed * g->nvcpus : 0;
}

/* ------------------------------------------------------------- meters */

static const struct cons_power *host_power(const struct sim *sim, const struct host *h)
{
    return sim->x->hosts[h->index].power;
}

/* Close h's meter segment at now: its energy, P(mean utilisation). */
static void meter_close(struct sim *sim, struct host *h)
{
    struct sim_cons *c = sim->cons;
    struct cons_host_state *hs = &c->hs[h->index];
    cpu_advance(sim, hs);
    double busy = host_busy_s(sim, h);
    double dt = sim_time_to_s(sim->now - hs->seg_t);
    if (dt > 0 && c->metered) {
        double u = (busy - hs->seg_busy + hs->cpu_acc - hs->seg_cpu) / ((double)h->ncores * dt);
        u = u < 0 ? 0 : u > 1 ? 1 : u;
        double w = !sim->x->power_aware ? cons_power_at(host_power(sim, h), 1.0)
                   : hs->on             ? cons_power_at(host_power(sim, h), u)
                                        : 0;
        hs->energy_j += w * dt;
    }
    hs->seg_t = sim->now;
    hs->seg_busy = busy;
    hs->seg_cpu = hs->cpu_acc;
}

static void hosts_on_advance(struct sim *sim)
{
    struct sim_cons *c = sim->cons;
    c->on_acc += c->non * sim_time_to_s(sim->now - c->on_t);
    c->on_t = sim->now;
}

void consolidate_host_cpu(struct sim *sim, struct host *h, double delta)
{
    struct cons_host_state *hs = &sim->cons->hs[h->index];
    cpu_advance(sim, hs);
    hs->cpu_cores += delta;
    if (hs->cpu_cores < 1e-12)
        hs->cpu_cores = 0;
}

/* ---------------------------------------------------------------- SLA */

void consolidate_vm_boundary(struct sim *sim, struct guest *g)
{
    struct sim_cons *c = sim->cons;
    struct cons_vm_state *st = guest_side_cons(g);
    if (!c || !st)
        return;
    double demand = consolidate_demand(sim, g), done = consolidate_done(sim, g);
    double dt = sim_time_to_s(sim->now - st->seg_t);
    if (dt > 0) {
        double req = (demand - st->seg_demand) / dt * MIPS_PER_CORE;
        double got = (done - st->seg_done) / dt * MIPS_PER_CORE;
        /* the host's tolerance (consolidate_host_boundary): demand and
         * service are summed apart, so a VM served in full can come out
         * short by rounding, and a shortfall of 1e-12 is no violation */
        if (got >= req * (1 - 1e-9))
            got = req;
        /* under-service is measured; work served late does not undo it */
        cons_sla_vm(c->sla, st->sla_id, sim_time_to_s(st->seg_t), got < req ? got : req, req,
                    st->seg_migrating);
    }
    st->seg_t = sim->now;
    st->seg_demand = demand;
    st->seg_done = done;
    st->seg_migrating = st->mig && st->mig->start >= 0;
}

void consolidate_host_boundary(struct sim *sim, struct host *h)
{
    struct sim_cons *c = sim->cons;
    if (!c)
        return;
    struct cons_host_state *hs = &c->hs[h->index];
    double demand = 0, done = 0;
    for (size_t i = 0; i < h->nguests; i++)
        if (guest_side_cons(h->guests[i])) {
            demand += consolidate_demand(sim, h->guests[i]);
            done += consolidate_done(sim, h->guests[i]);
        }
    double dt = sim_time_to_s(sim->now - hs->sla_t);
    if (dt > 0) {
        double req = (demand - hs->sla_demand) / dt * MIPS_PER_CORE;
        double got = (done - hs->sla_done) / dt * MIPS_PER_CORE;
        /* a relative tolerance: the sums of one quantity taken two ways */
        if (got >= req * (1 - 1e-9))
            got = req;
        cons_sla_host(c->sla, h->index, sim_time_to_s(hs->sla_t), got, req, hs->on);
    }
    hs->sla_t = sim->now;
    hs->sla_demand = demand;
    hs->sla_done = done;
}

/* ------------------------------------------------------------- on/off */

static void host_switch(struct sim *sim, struct host *h, bool on)
{
    struct sim_cons *c = sim->cons;
    struct cons_host_state *hs = &c->hs[h->index];
    consolidate_host_boundary(sim, h);
    meter_close(sim, h);
    hosts_on_advance(sim);
    if (on) {
        hs->on_since = sim->now;
        c->non++;
    } else {
        double was_on = sim_time_to_s(sim->now - hs->on_since);
        hs->on_s += was_on;
        hs->shutdowns++;
        c->non--;
        c->shut_n++;
        double d = was_on - c->shut_mean;
        c->shut_mean += d / (double)c->shut_n;
        c->shut_m2 += d * (was_on - c->shut_mean);
    }
    hs->on = on;
    consolidate_host_boundary(sim, h);
}

void consolidate_host_check(struct sim *sim, struct host *h)
{
    struct sim_cons *c = sim->cons;
    if (!c || !sim->x->power_aware)
        return;   /* not power-aware: every host on all the time */
    bool busy = h->nguests > 0 || c->hs[h->index].incoming > 0;
    if (busy != c->hs[h->index].on)
        host_switch(sim, h, busy);
}

/* --------------------------------------------------------------- view */

static void vm_slot_remove(struct sim_cons *c, struct guest *g)
{
    size_t i = (size_t)guest_side_cons(g)->idx;
    c->vms[i] = c->vms[--c->nvms];
    guest_side_cons(c->vms[i])->idx = (int)i;
}

/* h's CPU as the manager sees it: its cores, at its speed. */
static void host_cpu(const struct host *h, struct cons_host *v)
{
    v->mips = h->ncores * h->speed * MIPS_PER_CORE;
    v->pe_mips = h->speed * MIPS_PER_CORE;
}

/* Build the view for the manager from the per-guest measures of the last
 * tick (req_mips, got_mips in the view's VM entries) and the hosts' state
 * now.  extra: a guest being placed (index nvms, host -1), or NULL. */
static void view_build(struct sim *sim, const struct guest *extra)
{
    struct sim_cons *c = sim->cons;
    size_t nv = c->nvms + (extra != NULL);
    if (nv > c->vvcap) {
        c->vv = xgrow(c->vv, &c->vvcap, nv, sizeof *c->vv);
    }
    size_t nslots = c->nvms;
    for (int i = 0; i < sim->nhosts; i++)
        for (struct sim_migration *m = c->incoming[i]; m; m = m->next_in)
            nslots++;
    if (nslots > c->slotcap)
        c->slots = xgrow(c->slots, &c->slotcap, nslots, sizeof *c->slots);
    size_t used = 0;
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        struct cons_host *v = &c->vh[i];
        const struct cons_host_state *hs = &c->hs[i];
        v->slots = c->slots + used;
        v->nslots = 0;
        double alloc = 0;
        for (size_t k = 0; k < h->nguests; k++) {
            const struct guest *g = h->guests[k];
            const struct cons_vm_state *st = guest_side_cons(g);
            if (!st)
                continue;
            struct cons_slot *s = &c->slots[used++];
            s->vm = st->idx;
            s->alloc_mips = fmin(st->got_mips, h->speed * MIPS_PER_CORE * g->nvcpus);
            s->incoming = false;
            alloc += s->alloc_mips;
            v->nslots++;
        }
        for (struct sim_migration *m = c->incoming[i]; m; m = m->next_in) {
            struct cons_slot *s = &c->slots[used++];
            s->vm = guest_side_cons(m->g)->idx;
            s->alloc_mips = m->cost.dst_share * m->demand_cores * MIPS_PER_CORE;
            s->incoming = true;
            alloc += s->alloc_mips;
            v->nslots++;
        }
        host_cpu(h, v);
        v->cores = h->ncores;
        v->ram_free_mb = h->mem_mb > 0 ? h->mem_mb - h->mem_used : 1e300;
        /* --overcommit's vCPU slots (incoming migrations hold theirs) */
        v->vcpus_free = h->vcpu_limit > 0 ? h->vcpu_limit - (double)h->vcpus_placed : 1e300;
        v->bw_mbit = hs->link_mbit;
        v->bw_free_mbit = hs->link_mbit;
        v->avail_mips = v->mips - alloc > 0 ? v->mips - alloc : 0;
        v->util = hs->util;
        v->on = hs->on;
        v->power = host_power(sim, h);
    }
    for (size_t i = 0; i < c->nvms; i++) {
        const struct guest *g = c->vms[i];
        const struct cons_vm_state *st = guest_side_cons(g);
        struct cons_vm *v = &c->vv[i];
        v->mips = g->nvcpus * g->speed * MIPS_PER_CORE;
        v->req_mips = st->req_mips;
        v->ram_mb = g->mem_mb;
        v->mem_mb = g->mem_mb;
        v->vcpus = g->nvcpus;
        v->bw_mbit = 0;
        v->dirty_mb_s = st->dirty_mb_s;
        v->wws_mb = st->wws_mb;
        v->hist = st->hist;
        v->hist_len = st->hist_len;
        v->host = g->host->index;
        v->migrating = st->mig != NULL;
    }
    if (extra) {
        struct cons_vm *v = &c->vv[c->nvms];
        v->mips = extra->nvcpus * extra->speed * MIPS_PER_CORE;
        v->req_mips = demand_now(sim, extra) * MIPS_PER_CORE;
        v->ram_mb = v->mem_mb = extra->mem_mb;
        v->vcpus = extra->nvcpus;
        v->bw_mbit = 0;
        v->dirty_mb_s = v->wws_mb = 0;
        v->hist = NULL;
        v->hist_len = 0;
        v->host = -1;
        v->migrating = false;
    }
    c->dc.now = sim_time_to_s(sim->now);
    c->dc.interval = sim_time_to_s(c->interval);
    c->dc.hosts = c->vh;
    c->dc.nhosts = sim->nhosts;
    c->dc.vms = c->vv;
    c->dc.nvms = (int)nv;
}

bool consolidate_could_place(const struct sim *sim, const struct guest *g, const struct host *h)
{
    const struct sim_cons *c = sim->cons;
    if (!c || !c->mgr)
        return true;
    struct cons_host empty = {0};
    host_cpu(h, &empty);
    struct cons_vm vm = {.req_mips = demand_now(sim, g) * MIPS_PER_CORE, .vcpus = g->nvcpus};
    return cons_manager_could_place(c->mgr, &empty, &vm);
}

bool consolidate_place(struct sim *sim, const struct guest *g, struct host **out)
{
    struct sim_cons *c = sim->cons;
    if (!c || !c->mgr)
        return false;
    view_build(sim, g);
    int h = cons_manager_place(c->mgr, &c->dc, (int)c->nvms);
    *out = NULL;
    if (h >= 0 && host_fits(&sim->hosts[h], g))
        *out = &sim->hosts[h];
    return true;
}

/* The measures of the interval that just ended: each host's utilisation,
 * each guest's demand, what it got and its history. */
static void measure(struct sim *sim)
{
    struct sim_cons *c = sim->cons;
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        struct cons_host_state *hs = &c->hs[i];
        cpu_advance(sim, hs);
        double busy = host_busy_s(sim, h), dt = sim_time_to_s(sim->now - hs->win_t);
        double u = dt > 0 ? (busy - hs->win_busy + hs->cpu_acc - hs->win_cpu) /
                                ((double)h->ncores * dt)
                          : 0;
        hs->util = u < 0 ? 0 : u > 1 ? 1 : u;
        hs->win_t = sim->now;
        hs->win_busy = busy;
        hs->win_cpu = hs->cpu_acc;
    }
    for (size_t i = 0; i < c->nvms; i++) {
        struct guest *g = c->vms[i];
        struct cons_vm_state *st = guest_side_cons(g);
        double demand = consolidate_demand(sim, g), done = consolidate_done(sim, g);
        double dt = sim_time_to_s(sim->now - st->win_t);
        if (dt > 0) {
            st->req_mips = (demand - st->win_demand) / dt * MIPS_PER_CORE;
            st->got_mips = (done - st->win_done) / dt * MIPS_PER_CORE;
            int n = st->hist_len < CONS_HISTORY_MAX ? st->hist_len : CONS_HISTORY_MAX - 1;
            memmove(st->hist + 1, st->hist, (size_t)n * sizeof *st->hist);
            st->hist[0] = st->got_mips / (g->nvcpus * g->speed * MIPS_PER_CORE);
            st->hist_len = n + 1;
        }
        st->win_t = sim->now;
        st->win_demand = demand;
        st->win_done = done;
    }
}

static bool workload_over(const struct sim *sim)
{
    return !sim->have_pending && sim->metrics.in_system == 0;
}

static void tick_event(struct sim *sim, struct sim_event *ev)
{
    struct sim_cons *c = sim->cons;
    measure(sim);
    if (c->mgr) {
        view_build(sim, NULL);
        cons_manager_optimize(c->mgr, &c->dc, &c->plan);
        c->steps++;
        c->overloaded += (long)c->plan.overloaded;
        c->drained += (long)c->plan.drained;
        /* The plan's VM indices are the view's: take the guests first. */
        size_t n = c->plan.nmoves;
        struct guest **who = xmalloc((n ? n : 1) * sizeof *who);
        for (size_t i = 0; i < n; i++)
            who[i] = c->vms[c->plan.moves[i].vm];
        for (size_t i = 0; i < n; i++)
            if (!guest_side_cons(who[i])->mig)   /* planned twice (a quirk): once */
                migrate_begin(sim, who[i], &sim->hosts[c->plan.moves[i].to]);
        free(who);
    }
    for (size_t i = 0; i < c->nvms; i++)
        consolidate_vm_boundary(sim, c->vms[i]);
    for (int i = 0; i < sim->nhosts; i++) {
        consolidate_host_boundary(sim, &sim->hosts[i]);
        meter_close(sim, &sim->hosts[i]);
    }
    /* The step changed the hosts' loads: a guest the manager turned away
     * on arrival may fit now. */
    sim__admit_waiting(sim);
    if (!workload_over(sim))
        evq_push(&sim->evq, ev, sim->now + c->interval, SIM_EVC_CONTROL);
}

/* ------------------------------------------------------------ guests */

void consolidate_admitted(struct sim *sim, struct guest *g)
{
    struct sim_cons *c = sim->cons;
    if (!c)
        return;
    struct cons_vm_state *st = xcalloc(1, sizeof *st);
    guest_sides_make(g)->cons = st;
    c->vms = xgrow(c->vms, &c->vmcap, c->nvms + 1, sizeof *c->vms);
    st->idx = (int)c->nvms;
    c->vms[c->nvms++] = g;
    st->req_mips = st->got_mips = demand_now(sim, g) * MIPS_PER_CORE;
    st->sla_id = c->nfree ? c->free_ids[--c->nfree] : c->next_id++;
    cons_sla_reserve_vms(c->sla, st->sla_id + 1);
    const char *cls = sim->x->hw.class_names ? sim->x->hw.class_names[g->cls] : NULL;
    cons_precopy_class(cls, &st->dirty_mb_s, &st->wws_mb);
    st->win_t = st->seg_t = sim->now;
    st->win_demand = st->seg_demand = consolidate_demand(sim, g);
    st->win_done = st->seg_done = consolidate_done(sim, g);
    consolidate_host_check(sim, g->host);
    consolidate_host_boundary(sim, g->host);
}

void consolidate_leaving(struct sim *sim, struct guest *g)
{
    struct sim_cons *c = sim->cons;
    struct cons_vm_state *st = guest_side_cons(g);
    if (!c || !st)
        return;
    if (st->mig)
        migrate_abandon(sim, g);
    consolidate_vm_boundary(sim, g);
    consolidate_host_boundary(sim, g->host);
    cons_sla_vm_close(c->sla, st->sla_id, sim_time_to_s(sim->now));
    c->free_ids = xgrow(c->free_ids, &c->freecap, c->nfree + 1, sizeof *c->free_ids);
    c->free_ids[c->nfree++] = st->sla_id;
    vm_slot_remove(c, g);
    free(st);
    g->sides->cons = NULL;
}

void consolidate_left(struct sim *sim, struct host *h)
{
    if (!sim->cons)
        return;
    consolidate_host_boundary(sim, h);   /* the next segment, without it */
    consolidate_host_check(sim, h);
}

/* ------------------------------------------------------------ life cycle */

int consolidate_create(struct sim *sim, struct sim_error *err)
{
    const struct sim_experiment *x = sim->x;
    bool metered = false, consolidating =
        x->cons.detector.info && strcmp(x->cons.detector.info->name, "none") != 0;
    for (int i = 0; i < x->nhosts; i++)
        metered |= x->hosts[i].power != NULL;
    if (!metered && !consolidating)
        return SIM_OK;
    if (consolidating && !metered && x->cons.placement.info &&
        strcmp(x->cons.placement.info->name, "pabfd") == 0)
        return sim_error_usage(err, "--consolidate-place pabfd places by power: give the hosts "
                               "power tables (the platform file's \"power\"), or another "
                               "--consolidate-place");
    struct sim_cons *c = xcalloc(1, sizeof *c);
    sim->cons = c;
    c->metered = metered;
    c->interval = cons_detector_interval(&x->cons.detector);
    if (c->interval <= 0)   /* metering only: CloudSim's step, the PlanetLab samples' */
        c->interval = SIM_S(300);
    c->sla = cons_sla_create(sim->nhosts, 0);
    c->hs = xcalloc((size_t)sim->nhosts, sizeof *c->hs);
    c->vh = xcalloc((size_t)sim->nhosts, sizeof *c->vh);
    c->incoming = xcalloc((size_t)sim->nhosts, sizeof *c->incoming);
    cons_plan_init(&c->plan);
    sim_event_init(&c->tick_ev, tick_event);
    for (int i = 0; i < sim->nhosts; i++) {
        struct cons_host_state *hs = &c->hs[i];
        hs->link_mbit = x->hosts[i].link_mbit > 0 ? x->hosts[i].link_mbit : 1000;
        if (!x->power_aware) {   /* every host on, all the time */
            hs->on = true;
            c->non++;
        }
    }
    struct cons_config cfg = x->cons;   /* borrowed: the manager copies it */
    cfg.seed = sim_rng_seed(x->seed, sim->rep, SIM_STREAM_POLICY, (uint64_t)sim->nhosts);
    int rc = cons_manager_create(&cfg, &c->mgr, err);
    if (rc < 0)
        return rc;
    c->mig = cons_manager_migration(c->mgr);
    if (!consolidating) {   /* metering only: the migration model is kept for nothing */
        cons_manager_destroy(c->mgr);
        c->mgr = NULL;
        c->mig = NULL;
    }
    return SIM_OK;
}

void consolidate_start(struct sim *sim)
{
    struct sim_cons *c = sim->cons;
    if (c && sim->have_pending)
        evq_push(&sim->evq, &c->tick_ev, sim->now + c->interval, SIM_EVC_CONTROL);
}

void consolidate_sample(struct sim *sim, struct host *h, struct sim_sample *s)
{
    struct sim_cons *c = sim->cons;
    if (!c || !c->metered)
        return;
    struct cons_host_state *hs = &c->hs[h->index];
    /* The energy as metered so far (segments end at ticks: a sample
     * between two ticks sees the open segment priced at its mean so far),
     * and the power over the sample as a meter reads it: the energy drawn
     * since the host's last sample over the sample's length (a host on for
     * part of it draws for that part), so that the timeline's power
     * integrates to the energy. */
    cpu_advance(sim, hs);
    double busy = host_busy_s(sim, h);
    double seg = sim_time_to_s(sim->now - hs->seg_t);
    double useg = seg > 0 ? (busy - hs->seg_busy + hs->cpu_acc - hs->seg_cpu) /
                                ((double)h->ncores * seg)
                          : 0;
    useg = useg < 0 ? 0 : useg > 1 ? 1 : useg;
    const struct cons_power *p = host_power(sim, h);
    double peak = cons_power_at(p, 1.0);
    double open = !sim->x->power_aware ? peak * seg : hs->on ? cons_power_at(p, useg) * seg : 0;
    double joules = hs->energy_j + open;
    double secs = sim_time_to_s(s->interval);
    if (secs > 0) {
        s->power_w = (joules - hs->smp_energy_j) / secs;
    } else {   /* (an instant: the power now) */
        double u = s->utilization > 1 ? 1 : s->utilization;
        s->power_w = !sim->x->power_aware ? peak : hs->on ? cons_power_at(p, u) : 0;
    }
    hs->smp_energy_j = joules;
    s->energy_kwh = joules / 3.6e6;
}

void consolidate_finish(struct sim *sim)
{
    struct sim_cons *c = sim->cons;
    if (!c)
        return;
    evq_cancel(&sim->evq, &c->tick_ev);
    migrate_free_all(sim, true);
    double t = sim_time_to_s(sim->now);
    for (size_t i = 0; i < c->nvms; i++) {
        consolidate_vm_boundary(sim, c->vms[i]);
        cons_sla_vm(c->sla, guest_side_cons(c->vms[i])->sla_id, t, 0, 0, false);
    }
    hosts_on_advance(sim);
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        struct cons_host_state *hs = &c->hs[i];
        consolidate_host_boundary(sim, h);
        meter_close(sim, h);
        cons_sla_host(c->sla, i, t, 0, 0, hs->on);
        if (hs->on)
            hs->on_s += sim_time_to_s(sim->now - hs->on_since);
        hs->on_since = sim->now;
        if (sim->hooks.on_host) {
            const struct cons_power *p = host_power(sim, h);
            struct sim_host_report r = {
                i, p ? p->name : NULL, h->ncores, h->speed,
                c->metered ? hs->energy_j / 3.6e6 : NAN, hs->on_s, hs->shutdowns, hs->mig_in,
                hs->mig_out,
            };
            sim->hooks.on_host(sim->hooks.cb_ctx, &r);
        }
    }
}

void consolidate_result(const struct sim *sim, struct sim_result *r)
{
    const struct sim_cons *c = sim->cons;
    if (!c)
        return;
    double energy = 0;
    for (int i = 0; i < sim->nhosts; i++)
        energy += c->hs[i].energy_j;
    r->energy_kwh = c->metered ? energy / 3.6e6 : NAN;
    struct cons_sla_result s;
    cons_sla_result(c->sla, &s);
    r->slatah = s.slatah;
    r->pdm = s.pdm;
    r->slav = s.slav;
    r->esv = c->metered ? r->energy_kwh * s.slav : NAN;
    r->sla_overall = s.overall;
    r->sla_average = s.average;
    /* shutdowns as they happened (CloudSim's count, from its state
     * histories, also counts a host that was never on as one) */
    r->host_shutdowns = (double)c->shut_n;
    r->shutdown_mean_seconds = c->shut_n ? c->shut_mean : NAN;
    r->shutdown_sd_seconds = c->shut_n > 1 ? sqrt(c->shut_m2 / (double)(c->shut_n - 1)) : NAN;
    double span = sim_time_to_s(sim->now);
    r->hosts_on_mean = span > 0 ? c->on_acc / span : NAN;
    r->live_migrations = (double)c->mig_count;
    r->live_migration_seconds = c->mig_s;
    r->live_migration_mean_seconds = c->mig_count ? c->mig_s / (double)c->mig_count : NAN;
    r->downtime_seconds = c->mig_down_s;
    r->migration_bytes = c->mig_mb * 1e6;
    r->cons_steps = (double)c->steps;
    r->cons_overloaded = (double)c->overloaded;
    r->cons_drained = (double)c->drained;
    r->vms_removed = 0;   /* the engine never removes a VM that asks for nothing */
}

void consolidate_destroy(struct sim *sim)
{
    struct sim_cons *c = sim->cons;
    if (!c)
        return;
    migrate_free_all(sim, false);   /* the event queue is gone already */
    for (size_t i = 0; i < c->nvms; i++) {
        free(c->vms[i]->sides->cons);   /* (every VM it knows has its state) */
        c->vms[i]->sides->cons = NULL;
    }
    cons_manager_destroy(c->mgr);
    cons_sla_destroy(c->sla);
    cons_plan_free(&c->plan);
    free(c->hs);
    free(c->vh);
    free(c->vv);
    free(c->slots);
    free(c->vms);
    free(c->free_ids);
    free(c->incoming);
    free(c);
    sim->cons = NULL;
}
