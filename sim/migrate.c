/*
 * sim/migrate.c - live migrations in the event engine, as the
 * consolidation manager plans them (sim/consolidate.c).
 *
 * A migration of guest g from host A to host B:
 *   planned   B holds g's memory and vCPU slots from now on (so nothing
 *             else takes them) and is switched on; the migration starts at
 *             once, or waits (FIFO) while A's or B's link already carries
 *             --migration-parallel migrations;
 *   copying   its time, downtime and bytes come from the migration model
 *             (consolidation/cons.h) over the slower of the two links; the
 *             copy keeps --migration-cpu cores busy on A and on B
 *             (metered); g runs on A meanwhile, limited to src_share of its
 *             demand (CloudSim's model: 90 %; pre-copy: all of it);
 *   paused    the last downtime seconds (pre-copy's stop-and-copy) g runs
 *             nowhere: its vCPUs wait, runnable, and their wait counts as
 *             steal and as wake-up latency; a fluid's backlog grows;
 *   moved     g leaves A for B with its state (sim__guest_move), A's
 *             memory is freed, and A is switched off if it is now empty.
 * A guest that completes meanwhile gives its migration up, and B's
 * reservation goes.  Each migration counts once, when it starts, with its
 * model's time, downtime and bytes.
 */
#include <math.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "sim/consolidate.h"
#include "sim/fluid.h"

static void migration_event(struct sim *sim, struct sim_event *ev);

static bool link_free(const struct sim *sim, const struct sim_migration *m)
{
    const struct sim_cons *c = sim->cons;
    long p = cons_migration_parallel(c->mig);
    return p == 0 || (c->hs[m->from->index].links < p && c->hs[m->to->index].links < p);
}

/* g's service limit while it migrates changed: let the models know. */
static void limit_changed(struct sim *sim, struct guest *g)
{
    if (g->fl)
        fluid_guest_changed(sim, g);
    else if (caps_limited(sim, g) || g->throttled)
        caps_update(sim, g);
}

static void start(struct sim *sim, struct sim_migration *m)
{
    struct sim_cons *c = sim->cons;
    struct guest *g = m->g;
    struct cons_host_state *a = &c->hs[m->from->index], *b = &c->hs[m->to->index];
    const struct cons_vm_state *st = guest_side_cons(g);
    struct cons_migration_input in = {g->mem_mb, fmin(a->link_mbit, b->link_mbit),
                                      st->dirty_mb_s, st->wws_mb};
    cons_migration_cost(c->mig, &in, &m->cost);
    m->start = sim->now;
    a->links++;
    b->links++;
    a->mig_out++;
    b->mig_in++;
    c->mig_count++;
    c->mig_s += m->cost.total_s;
    c->mig_down_s += m->cost.downtime_s;
    c->mig_mb += m->cost.mb_sent;
    consolidate_vm_boundary(sim, g);   /* its segments from now on: migrating */
    consolidate_host_cpu(sim, m->from, m->cost.cpu_cores);
    consolidate_host_cpu(sim, m->to, m->cost.cpu_cores);
    if (m->cost.src_share < 1) {
        /* served at most src_share of its demand, in cores of its host */
        double cores = m->cost.src_share * m->demand_cores * sim__class_factor(sim, g);
        g->mig_cap = cores > 1e-9 ? cores : 1e-9;
        limit_changed(sim, g);
    }
    double copy = m->cost.total_s - m->cost.downtime_s;
    sim_time_t at = m->cost.downtime_s > 0 ? m->start + sim_time_from_s(copy)
                                           : m->start + sim_time_from_s(m->cost.total_s);
    evq_push(&sim->evq, &m->ev, at, SIM_EVC_CORE);
}

/* Start the waiting migrations whose links are now free, in order. */
static void start_waiting(struct sim *sim)
{
    struct sim_cons *c = sim->cons;
    struct sim_migration **pp = &c->waiting, *prev = NULL;
    while (*pp) {
        struct sim_migration *m = *pp;
        if (!link_free(sim, m)) {
            prev = m;
            pp = &m->next_wait;
            continue;
        }
        *pp = m->next_wait;
        if (c->waiting_tail == m)
            c->waiting_tail = prev;
        m->next_wait = NULL;
        start(sim, m);
    }
}

bool migrate_begin(struct sim *sim, struct guest *g, struct host *to)
{
    struct sim_cons *c = sim->cons;
    if (to == g->host || !host_fits(to, g))   /* memory, and the vCPU slots of --overcommit */
        return false;
    struct sim_migration *m = xcalloc(1, sizeof *m);
    m->g = g;
    m->from = g->host;
    m->to = to;
    m->start = -1;
    struct cons_vm_state *st = guest_side_cons(g);
    m->demand_cores = st->req_mips / 1000.0;
    sim_event_init(&m->ev, migration_event);
    st->mig = m;
    to->mem_used += g->mem_mb;
    to->vcpus_placed += g->nvcpus;
    c->hs[to->index].incoming++;
    struct sim_migration **in = &c->incoming[to->index];
    while (*in)
        in = &(*in)->next_in;
    *in = m;   /* in plan order, as CloudSim lists a host's incoming VMs */
    consolidate_host_check(sim, to);
    if (link_free(sim, m)) {
        start(sim, m);
    } else {
        if (c->waiting_tail)
            c->waiting_tail->next_wait = m;
        else
            c->waiting = m;
        c->waiting_tail = m;
    }
    return true;
}

/* Take m off its target's incoming list and its links (if it started). */
static void detach(struct sim *sim, struct sim_migration *m)
{
    struct sim_cons *c = sim->cons;
    struct sim_migration **in = &c->incoming[m->to->index];
    while (*in && *in != m)
        in = &(*in)->next_in;
    if (*in)
        *in = m->next_in;
    c->hs[m->to->index].incoming--;
    if (m->start >= 0) {
        c->hs[m->from->index].links--;
        c->hs[m->to->index].links--;
        consolidate_host_cpu(sim, m->from, -m->cost.cpu_cores);
        consolidate_host_cpu(sim, m->to, -m->cost.cpu_cores);
    }
}

static void finish(struct sim *sim, struct sim_migration *m)
{
    struct guest *g = m->g;
    struct host *from = m->from, *to = m->to;
    detach(sim, m);
    guest_side_cons(g)->mig = NULL;
    consolidate_vm_boundary(sim, g);   /* the migrating segment ends */
    g->mig_cap = 0;
    consolidate_host_boundary(sim, from);
    consolidate_host_boundary(sim, to);
    sim__guest_move(sim, g, to);
    consolidate_host_boundary(sim, from);   /* the next segments, with g moved */
    consolidate_host_boundary(sim, to);
    consolidate_host_check(sim, from);
    free(m);
    start_waiting(sim);
}

static void migration_event(struct sim *sim, struct sim_event *ev)
{
    struct sim_migration *m = container_of(ev, struct sim_migration, ev);
    if (m->cost.downtime_s > 0 && !m->paused) {
        /* stop-and-copy: it runs nowhere until the end */
        m->paused = true;
        consolidate_vm_boundary(sim, m->g);
        consolidate_host_boundary(sim, m->from);
        sim__guest_pause(sim, m->g);
        if (m->g->fl)
            fluid_guest_changed(sim, m->g);
        evq_push(&sim->evq, &m->ev, m->start + sim_time_from_s(m->cost.total_s), SIM_EVC_CORE);
        return;
    }
    finish(sim, m);
}

void migrate_abandon(struct sim *sim, struct guest *g)
{
    struct sim_cons *c = sim->cons;
    struct sim_migration *m = guest_side_cons(g)->mig;
    if (m->start < 0) {   /* still waiting for a link */
        struct sim_migration **pp = &c->waiting, *prev = NULL;
        while (*pp && *pp != m) {
            prev = *pp;
            pp = &(*pp)->next_wait;
        }
        if (*pp)
            *pp = m->next_wait;
        if (c->waiting_tail == m)
            c->waiting_tail = prev;
    }
    evq_cancel(&sim->evq, &m->ev);
    detach(sim, m);
    guest_side_cons(g)->mig = NULL;
    g->mig_cap = 0;
    m->to->mem_used -= g->mem_mb;
    m->to->vcpus_placed -= g->nvcpus;
    consolidate_host_check(sim, m->to);
    free(m);
    start_waiting(sim);
}

void migrate_free_all(struct sim *sim, bool cancel)
{
    struct sim_cons *c = sim->cons;
    for (int i = 0; i < sim->nhosts; i++)
        while (c->incoming[i]) {
            struct sim_migration *m = c->incoming[i];
            c->incoming[i] = m->next_in;
            if (cancel)
                evq_cancel(&sim->evq, &m->ev);
            struct cons_vm_state *st = guest_side_cons(m->g);
            if (st)
                st->mig = NULL;
            free(m);
        }
    c->waiting = c->waiting_tail = NULL;
}
