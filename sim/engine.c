/*
 * sim/engine.c - the event loop and the mechanism of running vCPUs on
 * cores; policies (schedulers/) decide which vCPU runs where.
 *
 * Events (base/evq.h tie-break classes, in this order within an instant):
 *   ARRIVAL   the next guest of the workload arrives: it is placed on a
 *             host and its vCPUs get their first bursts, and the next
 *             record is read (so the trace streams; one arrival is pending
 *             at a time); a blocked vCPU's wake (sim/activity.c);
 *   CORE      the running vCPU of a core ends its burst or its slice; a VM
 *             exit (discrete exits); a polling window ends; a guest's cap
 *             budget runs out or is refilled (sim/caps.c);
 *   CONTROL   timeline sampling, re-allocation, the policy's tick;
 *   DISPATCH  a host gives its idle cores (and the cores a policy asked
 *             to reschedule) the vCPUs its policy picks and, for a
 *             preemptive host-wide policy, preempts.  Deferring this to
 *             the end of the instant lets a policy see every vCPU that
 *             became runnable at the same time (textbook SJF with all
 *             arrivals at 0).  These wait in the event queue's FIFO of
 *             the instant, not in its heap (base/evq.h), and when nothing
 *             else is due at the instant the dispatch runs at once.
 *
 * The life of a vCPU (the VM model): it runs a burst of reference work,
 * then blocks (halts) until its next burst, or is done (sim/activity.c
 * says which, by guest kind); a job runs one burst.  While it runs it may
 * be preempted at the end of its slice or by its policy's reschedule, and
 * throttled when its guest's cap budget is spent (sim/caps.c).  Each of
 * these steps costs what the hardware profile says (docs/MODEL.md,
 * "Blocking, waking and moving"):
 *   a world switch when a core changes vCPU;
 *   a migration refill (TLB and private cache) when a vCPU starts on
 *   another core than its last;
 *   an IPI when a woken vCPU starts on another core than the one it
 *   blocked on;
 *   a block is an HLT exit; then, with nobody else waiting for the core,
 *   KVM polls for up to halt_poll_ns: a wake inside the window resumes
 *   the vCPU on the spot, with no switch, no IPI and no scheduling; a
 *   vCPU that wants the core, or the window's end, stops the polling.
 *
 * Progress: a vCPU of class c advances one ns of reference work per
 * factor(c) = 1 + h(c) ns of core time (docs/MODEL.md), after the costs
 * that started it.  Progress is brought up to date (core_sync) only when
 * something looks at it: a burst's end, a slice's end, a preemption
 * decision, a cap.  With ideal hardware factor = 1 and all arithmetic is
 * exact in integer nanoseconds.
 *
 * Exit models.  Fluid (default): exits are a rate, their time is inside
 * h.  Discrete (--exit-model discrete): a running vCPU progresses at
 * 1/(1 + walk_h) only, and exits are Poisson events (rate: the class's
 * exits per second of work x that progress rate), each stalling the core
 * for its reason's cost.  A vCPU that blocks explicitly takes its HLT
 * exits as its blocks, so its class's HLT rate is left out of both.
 *
 * Accounting: a vCPU's time is split by state (runnable: queued,
 * throttled or running; of which steal: not running), its wake-up
 * latencies and burst responses are kept per guest (base/latstat.h), and
 * the CPU it was entitled to while runnable accrues at min(1, C w / W),
 * its weight w's share of its host's C cores among the weights W of the
 * host's runnable vCPUs (generalised processor sharing, integrated lazily
 * per host: host->ent_integral).
 */
#include "sim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "base/xalloc.h"
#include "sim/consolidate.h"
#include "sim/engine-private.h"
#include "sim/fluid.h"
#include "sim/guest-pool.h"

int sim_class_find(const struct sim_hw_tables *hw, const char *name)
{
    if (!name[0])
        return 0;
    if (!hw->class_names)
        return 0;   /* no class table: every class is the ideal one */
    for (size_t i = 0; i < hw->nclasses; i++)
        if (strcmp(hw->class_names[i], name) == 0)
            return (int)i;
    return -1;
}

/* ---- hardware cost lookups (ideal when the tables are absent) ---- */

/* Core ns per ns of reference work: 1 + h of its class on its host
 * (1 on ideal hardware), over the host's core speed. */
static inline double class_factor(const struct sim *sim, const struct guest *g)
{
    double f = !g->rates ? 1.0 : 1.0 + (sim->x->discrete_exits ? g->rates->walk_h : g->rates->h);
    return f / g->host->speed;
}

/* Is g's class factor 1 without computing it (ideal hardware, a host of
 * the reference speed)?  Then a core's wall time is its work: the sync
 * and the arming skip the division. */
static inline bool at_reference_speed(const struct guest *g)
{
    return !g->rates && g->host->speed == 1.0;
}

double sim__class_factor(const struct sim *sim, const struct guest *g)
{
    return class_factor(sim, g);
}

/* Does g's vCPU block explicitly (so that its HLT exits are its blocks)? */
static bool guest_blocks(const struct guest *g)
{
    return g->kind == GUEST_PHASES || g->kind == GUEST_CLOSED || g->kind == GUEST_SERIES;
}

/* The overhead a rate model charges is proportional to the work done, so
 * only the work is summed on the hot path; guest_charge_overhead turns it
 * into seconds and exit counts once, when the guest completes. */
void sim__charge_work(struct sim *sim, struct guest *g, double done)
{
    (void)sim;
    g->done_s += done;
}

static void guest_charge_overhead(struct sim *sim, struct guest *g)
{
    const struct hw_rates *hr = g->rates;
    if (!hr)
        return;
    struct guest_overhead *o = guest_ovh(g);
    o->walk_seconds += g->done_s * hr->walk_h;
    /* Discrete exits were charged one by one (core_exit); fluid series
     * guests always take them as a rate. */
    if (sim->x->discrete_exits && g->kind != GUEST_FLUID)
        return;
    o->exit_seconds += g->done_s * hr->exit_h;
    for (int r = 0; r < HW_EXIT_REASONS; r++)
        sim->metrics.exits[r] += g->done_s * hr->exit_rate[r];
    o->exits += g->done_s * hr->exits_per_s;
}

static inline sim_time_t switch_cost(const struct host *h, int from_cls, int to_cls)
{
    const struct sim_hw_tables *hw = h->hw;
    if (!hw->switch_cost)
        return 0;
    return hw->switch_cost[(size_t)(from_cls + 1) * hw->nclasses + (size_t)to_cls];
}

/* ---- the states of a vCPU, and what they add up to ---- */

/* (a mask, not four compares: every change of state asks twice) */
#define RUNNABLE_STATES ((1u << VCPU_QUEUED) | (1u << VCPU_RUNNING) | (1u << VCPU_THROTTLED) | \
                         (1u << VCPU_COSTOPPED))
static inline bool state_runnable(enum vcpu_state s)
{
    return (RUNNABLE_STATES >> s) & 1;
}

/* The entitlement integral of h up to now: per unit of weight, the CPU a
 * runnable vCPU is due under processor sharing, min(1, C / W) per ns. */
static void host_ent_advance(struct sim *sim, struct host *h)
{
    sim_time_t dt = sim->now - h->ent_last;
    if (dt > 0 && h->weight_runnable > 0)
        h->ent_integral += (double)dt * (double)h->ncores / h->weight_runnable;
    h->ent_last = sim->now;
}

static void host_queued_advance(struct sim *sim, struct host *h)
{
    h->queued_acc += (double)h->nqueued * (double)(sim->now - h->queued_last);
    h->queued_last = sim->now;
}

/* v becomes runnable (is) or stops being runnable: its guest's runnable
 * time, and its entitlement over the runnable stretch. */
static void vcpu_runnable_changed(struct sim *sim, struct vcpu *v, bool is)
{
    struct guest *g = v->guest;
    struct host *h = g->host;
    struct alloc_window *win = guest_side_win(g);
    if (win) {   /* (only for an allocator's window) */
        win->runnable_acc += (sim_time_t)g->nrunnable * (sim->now - win->runnable_last);
        win->runnable_last = sim->now;
    }
    g->nrunnable += is ? 1 : -1;
    host_ent_advance(sim, h);
    double w = g->weight;
    if (is) {
        v->ent_mark = h->ent_integral;
        v->ent_from = sim->now;
        h->weight_runnable += w;
    } else {
        /* Its due over the runnable stretch, never more than one core. */
        double due = w * (h->ent_integral - v->ent_mark);
        double span = (double)(sim->now - v->ent_from);
        v->ent_ns += due < span ? due : span;
        h->weight_runnable -= w;
        if (h->weight_runnable < 1e-12)
            h->weight_runnable = 0;
    }
}

/* Move v into state st, accounting the time spent in the old one.
 * (Inline, the rarer change of runnability apart: every dispatch makes
 * two of these.) */
static inline void vcpu_set_state(struct sim *sim, struct vcpu *v, enum vcpu_state st)
{
    enum vcpu_state from = v->state;
    sim_time_t dt = sim->now - v->since;
    bool was = state_runnable(from), is = state_runnable(st);
    if (was) {
        v->runnable_ns += dt;
        if (from != VCPU_RUNNING)
            v->steal_ns += dt;
    }
    if (was != is)
        vcpu_runnable_changed(sim, v, is);
    v->state = st;
    v->since = sim->now;
    if (sim->relaxed && v->guest->nvcpus > 1)
        cosched_relaxed_state(sim, v, from, dt);
}

/* ---- cores ---- */

static void host_dispatch(struct sim *sim, struct sim_event *ev);
static void host_tick_arm(struct sim *sim, struct host *h);

/* Would host_dispatch do anything now?  Not when no core asked to pick
 * again, no core is idle (or nothing waits for an idle one) and the
 * policy neither preempts nor runs gangs: an arrival on a busy host
 * (most arrivals of a loaded M/M/1) then skips the call. */
static inline bool host_dispatch_would_act(const struct sim *sim, const struct host *h)
{
    const struct sched *s = h->sched;
    return h->nresched > 0 || sim->gangs || (s->flags & SCHED_PREEMPTIVE) ||
           (h->nidle > 0 && (h->nqueued > 0 || s->ops->balance));
}

/* Dispatch at the end of the current instant.  When no other event is
 * due at this instant the end is now, and the dispatch runs at once
 * (saving a trip through the heap); callers therefore request it last,
 * after their own state changes. */
static void host_request_dispatch(struct sim *sim, struct host *h)
{
    if (sim_event_pending(&h->dispatch_ev))
        return;
    if (evq_next_time(&sim->evq) == sim->now)
        evq_push_now(&sim->evq, &h->dispatch_ev, sim->now, SIM_EVC_DISPATCH);
    else if (host_dispatch_would_act(sim, h))
        host_dispatch(sim, &h->dispatch_ev);
}

void sim__host_dispatch_soon(struct sim *sim, struct host *h)
{
    if (!sim_event_pending(&h->dispatch_ev))
        evq_push_now(&sim->evq, &h->dispatch_ev, sim->now, SIM_EVC_DISPATCH);
}

/* The policy asks core c to pick again at the end of the instant. */
static void engine_resched(void *engine, struct pcpu *c)
{
    struct sim *sim = engine;
    if (!c->resched) {
        c->resched = true;
        c->host->nresched++;
    }
    sim__host_dispatch_soon(sim, c->host);
}

static void core_arm(struct sim *sim, struct pcpu *c);

/* Bring the running vCPU's progress up to now (and the work on which
 * the overhead is charged at completion, and its guest's cap): the rare
 * cases (a spinner, counted exits, a class or host that runs slower than
 * the reference) out of line, the common one (work at wall speed) in
 * core_sync, which every quantum end and every stop call. */
static void __attribute__((noinline)) core_sync_slow(struct sim *sim, struct pcpu *c,
                                                     struct vcpu *v, sim_time_t wall)
{
    struct guest *g = v->guest;
    sim_time_t done;
    if (v->spinning) {   /* core time, no work (sim/cosched.c) */
        guest_side_co(g)->spin_seconds += sim_time_to_s(wall);
        c->run_from = sim->now;
        if (caps_limited(sim, g))
            caps_charge(sim, g, wall);
        return;
    }
    sim_time_t resume = sim->now;
    bool replan = false;
    if (sim->exits_counted && exits_planned(sim, c)) {
        /* the progress between the exits that came by now (sim/exits.c);
         * a segment still to come is drawn afresh from here */
        wall = exits_resolve(sim, c, &resume);
        replan = sim_event_pending(&c->ev);
    }
    if (!at_reference_speed(g)) {
        done = (sim_time_t)((double)wall / class_factor(sim, g));
        if (done > v->work_left)
            done = v->work_left;
        if (g->rates)
            g->done_s += sim_time_to_s(done);
    } else {
        done = wall < v->work_left ? wall : v->work_left;
    }
    v->work_left -= done;
    v->attained += done;
    c->run_from = resume;
    if (caps_limited(sim, g))
        caps_charge(sim, g, wall);
    if (replan)
        core_arm(sim, c);
}

static inline void core_sync(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    if (!v || sim->now <= c->run_from)
        return;
    sim_time_t wall = sim->now - c->run_from;
    struct guest *g = v->guest;
    if (v->spinning || sim->exits_counted || !at_reference_speed(g)) {
        core_sync_slow(sim, c, v, wall);
        return;
    }
    sim_time_t done = wall < v->work_left ? wall : v->work_left;
    v->work_left -= done;
    v->attained += done;
    c->run_from = sim->now;
    if (caps_limited(sim, g))
        caps_charge(sim, g, wall);
}

void sim__core_sync(struct sim *sim, struct pcpu *c) { core_sync(sim, c); }

/* Schedule the core's next event: the end of the running vCPU's burst or
 * of its slice, whichever comes first. */
static void core_arm(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    const struct guest *g = v->guest;
    sim_time_t need = v->work_left;
    if (!at_reference_speed(g)) {
        double f = class_factor(sim, g);
        if (f != 1.0)
            need = (sim_time_t)ceil((double)v->work_left * f);
    }
    if (sim->exits_counted && v->guest->rates && !v->spinning) {
        /* The stalls of its exits (sim/exits.c), drawn no further than
         * the slice's end: the segment ends there or later, and a draw
         * for less progress is cheaper. */
        sim_time_t horizon = c->slice_end - c->run_from;
        if (c->slice_end != SIM_TIME_MAX && horizon >= 0 && horizon < need)
            need = horizon;
        need += exits_plan(sim, c, need);
    }
    sim_time_t at = v->spinning ? SIM_TIME_MAX : c->run_from + need;   /* a spinner does no work */
    if (c->slice_end < at)
        at = c->slice_end;
    evq_cancel(&sim->evq, &c->ev);
    if (at != SIM_TIME_MAX)   /* a spinner without a slice: nothing to come */
        evq_push(&sim->evq, &c->ev, at, SIM_EVC_CORE);
}

void sim__core_rearm(struct sim *sim, struct pcpu *c)
{
    if (c->running && !c->free_running)
        core_arm(sim, c);
    else if (c->running) {
        /* free running: the burst end is its only event */
        evq_cancel(&sim->evq, &c->ev);
        core_arm(sim, c);
    }
}

/* Discrete exits one event each (--exit-model discrete-events): the
 * next exit of the running vCPU, an exponential time of progress after
 * run_from. */
static void core_arm_exit(struct sim *sim, struct pcpu *c)
{
    const struct hw_rates *hr = c->running->guest->rates;
    if (hr->exits_per_s <= 0)
        return;
    double wall_rate = hr->exits_per_s / class_factor(sim, c->running->guest);
    double gap = gsl_ran_exponential(sim->rng.stream[SIM_STREAM_EXITS], 1e9 / wall_rate);
    evq_cancel(&sim->evq, &c->exit_ev);
    if (gap < 1e18)   /* else no exit within the clock's range */
        evq_push(&sim->evq, &c->exit_ev, c->run_from + (sim_time_t)ceil(gap), SIM_EVC_CORE);
}

/* A VM exit of the running vCPU: pick its reason by the class's rates,
 * stall the core for its cost, and push the vCPU's completion back. */
static void core_exit(struct sim *sim, struct sim_event *ev)
{
    struct pcpu *c = container_of(ev, struct pcpu, exit_ev);
    struct vcpu *v = c->running;
    struct guest *g = v->guest;
    const struct hw_rates *hr = g->rates;
    core_sync(sim, c);
    double u = gsl_rng_uniform(sim->rng.stream[SIM_STREAM_EXITS]) * hr->exits_per_s;
    int r = 0;
    for (; r < HW_EXIT_REASONS - 1; r++) {
        if (u < hr->exit_rate[r])
            break;
        u -= hr->exit_rate[r];
    }
    sim_time_t cost = (sim_time_t)llround(hr->exit_cost_ns[r]);
    c->run_from = sim->now + cost;
    struct guest_overhead *o = guest_ovh(g);
    o->exit_seconds += sim_time_to_s(cost);
    o->exits += 1;
    sim->metrics.exits[r] += 1;
    core_arm(sim, c);
    core_arm_exit(sim, c);
}

static inline void core_set_idle(struct pcpu *c, bool idle)
{
    struct host *h = c->host;
    uint64_t bit = UINT64_C(1) << (c->index % 64);
    if (idle)
        h->idle_bits[c->index / 64] |= bit;
    else
        h->idle_bits[c->index / 64] &= ~bit;
    h->nidle += idle ? 1 : -1;
}

/* The lowest-numbered idle core of h at or after core k, NULL if none. */
static struct pcpu *host_next_idle(struct host *h, int k)
{
    if (h->nidle == 0)
        return NULL;
    int words = (h->ncores + 63) / 64;
    for (int w = k / 64; w < words; w++) {
        uint64_t bits = h->idle_bits[w];
        if (w == k / 64)
            bits &= ~UINT64_C(0) << (k % 64);
        if (bits)
            return &h->cores[w * 64 + __builtin_ctzll(bits)];
    }
    return NULL;
}

/* The polling of core c ends: its vCPU sleeps; the HLT exit and the
 * polling were core time. */
static void poll_stop(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->poller;
    sim_time_t end = sim->now > c->poll_from ? sim->now : c->poll_from;
    if (end > c->poll_end)
        end = c->poll_end;
    double polled = sim_time_to_s(end > c->poll_from ? end - c->poll_from : 0);
    guest_ovh(v->guest)->poll_seconds += polled;
    c->busy_total += end - c->busy_since;
    v->cpu_time += end - c->busy_since;   /* KVM polls on the vCPU thread's time */
    c->poller = NULL;
    evq_cancel(&sim->evq, &c->poll_ev);
}

/* v, now c's running vCPU from c->run_from, runs: its slice, its next
 * event (burst or slice end), its exits, its cap, its spinlock.  The
 * common end of a start (core_start) and of a resume on the core that
 * polled for it (sim__vcpu_wake). */
static void core_run(struct sim *sim, struct pcpu *c, struct vcpu *v)
{
    struct guest *g = v->guest;
    sim_time_t slice = sched_timeslice(c->host->sched, v, c);
    c->slice_end = slice > 0 ? c->run_from + slice : SIM_TIME_MAX;
    g->nrunning++;
    core_arm(sim, c);
    if (sim->exit_events && g->rates)
        core_arm_exit(sim, c);
    if (sim->caps && caps_limited(sim, g))
        caps_update(sim, g);
    if (g->spin_fraction > 0)
        cosched_lock_started(sim, c);
}

/* The polling window of core c ended without a wake. */
static void poll_timer(struct sim *sim, struct sim_event *ev)
{
    struct pcpu *c = container_of(ev, struct pcpu, poll_ev);
    poll_stop(sim, c);
    host_request_dispatch(sim, c->host);
}

static void core_start(struct sim *sim, struct pcpu *c, struct vcpu *v)
{
    assert(!c->running && !v->core && !v->queued);
    struct guest *g = v->guest;
    struct host *h = c->host;
    /* A core that polled for another vCPU gives up (the HLT exit ends
     * first) */
    sim_time_t delay = 0;
    if (c->poller) {
        delay = c->poll_from > sim->now ? c->poll_from - sim->now : 0;
        poll_stop(sim, c);
    }
    core_set_idle(c, false);
    vcpu_set_state(sim, v, VCPU_RUNNING);
    c->running = v;
    v->core = c;
    sim_time_t cost = delay;
    if (c->last_guest != g->seq || c->last_vcpu != v->index) {
        sim_time_t sw = switch_cost(h, c->last_cls, g->cls);
        cost += sw;
        sim->metrics.switches++;
        if (sim->hooks.vm_latency)   /* (g->lat is cold: asked only for jobs.csv) */
            g->lat->switches++;
        if (sw)   /* (adding 0 s changes nothing: ideal hardware skips it) */
            g->switch_seconds += sim_time_to_s(sw);
    }
    if (v->last_core >= 0 && v->last_core != c->index) {
        sim_time_t mig = h->hw->migration_cost ? h->hw->migration_cost[g->cls] : 0;
        cost += mig;
        g->migrations++;
        if (mig)
            g->migration_seconds += sim_time_to_s(mig);
        if (v->awaiting_run && v->woke_remote) {
            cost += h->hw->ipi_cost;
            sim->metrics.ipis++;   /* (an integer count: the run's sum, in any order) */
            if (h->hw->ipi_cost)   /* (0 s added to 0 s: no record for it) */
                guest_ovh(g)->ipi_seconds += sim_time_to_s(h->hw->ipi_cost);
        }
    }
    c->busy_since = sim->now;
    c->run_from = sim->now + cost;
    if (v->awaiting_run) {
        double lat = sim_time_to_s(c->run_from - v->woke);
        if (g->lat)
            latstat_add(&g->lat->wake, lat);
        latstat_add(&sim->metrics.wake_lat, lat);
        v->awaiting_run = false;
    }
    if (g->first_start < 0)
        g->first_start = sim->now;
    core_run(sim, c, v);
}

/* Take the running vCPU off the core (the caller sets its next state),
 * and tell the policy how long it ran. */
static struct vcpu *core_stop(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    struct guest *g = v->guest;
    evq_cancel(&sim->evq, &c->ev);   /* first: a sync would draw the segment on */
    core_sync(sim, c);
    evq_cancel(&sim->evq, &c->exit_ev);
    if (sim->exits_counted)
        exits_forget(sim, c);
    if (c->free_running) {
        c->free_running = false;
        c->host->nfree_running--;
    }
    sim_time_t ran = sim->now - c->busy_since;
    if (sim->hooks.on_segment && ran > 0) {
        struct sim_segment seg = {c->host->index, c->index, g, v->index, c->busy_since,
                                  sim->now};
        sim->hooks.on_segment(sim->hooks.cb_ctx, &seg);
    }
    v->cpu_time += ran;
    c->busy_total += ran;
    c->last_guest = g->seq;
    c->last_vcpu = v->index;
    c->last_cls = g->cls;
    c->running = NULL;
    core_set_idle(c, true);
    v->core = NULL;
    v->last_core = c->index;
    g->nrunning--;
    struct sched *s = c->host->sched;
    if (s->ops->stop)
        s->ops->stop(s, v, c, ran);
    if (sim->caps && caps_limited(sim, g))
        caps_update(sim, g);
    if (g->spin_fraction > 0)
        cosched_lock_stopped(sim, c, v);
    return v;
}

/* Someone is ready on h: arm the quantum boundary of each free-running
 * core (the first boundary at or after now). */
static void host_arm_free_cores(struct sim *sim, struct host *h)
{
    for (int i = 0; i < h->ncores && h->nfree_running > 0; i++) {
        struct pcpu *c = &h->cores[i];
        if (!c->free_running)
            continue;
        sim_time_t q = sched_timeslice(h->sched, c->running, c);
        if (q <= 0)
            q = 1;
        sim_time_t k = (sim->now - c->slice_base + q - 1) / q;
        c->slice_end = c->slice_base + k * q;
        c->free_running = false;
        h->nfree_running--;
        core_arm(sim, c);
    }
}

static void vcpu_enqueue(struct sim *sim, struct vcpu *v, enum sched_enqueue_why why)
{
    struct host *h = v->guest->host;
    struct sched *s = h->sched;
    vcpu_set_state(sim, v, VCPU_QUEUED);
    host_queued_advance(sim, h);
    h->nqueued++;
    v->queued = true;
    s->ops->enqueue(s, v, why);
    if (h->nfree_running)
        host_arm_free_cores(sim, h);
    if (sim->strict && v->guest->nrunning > 0 && v->guest->nvcpus > 1)
        cosched_gang_partial(sim, v->guest);   /* a sibling of a running gang */
}

static void vcpu_dequeue(struct sim *sim, struct sched *s, struct vcpu *v)
{
    assert(v->queued);
    struct host *h = s->host;
    s->ops->dequeue(s, v);
    v->queued = false;
    host_queued_advance(sim, h);
    h->nqueued--;
}

/* ---- the life of a vCPU ---- */

static void vcpu_finished(struct sim *sim, struct vcpu *v);

/* v became runnable (arrived, or woke): queue it, or, if its guest's cap
 * is spent, hold it until the next period. */
static void vcpu_runnable(struct sim *sim, struct vcpu *v, enum sched_enqueue_why why)
{
    struct guest *g = v->guest;
    v->woke = sim->now;
    v->awaiting_run = true;
    v->in_burst = true;
    v->woke_remote = v->last_core >= 0;
    g->host->nrunnable++;
    host_tick_arm(sim, g->host);
    if (g->throttled) {
        vcpu_set_state(sim, v, VCPU_THROTTLED);
        return;
    }
    vcpu_enqueue(sim, v, why);
}

void sim__vcpu_wake(struct sim *sim, struct vcpu *v)
{
    struct host *h = v->guest->host;
    assert(v->state == VCPU_BLOCKED);
    /* Still polled for on its core: it resumes there, at once. */
    if (v->last_core >= 0) {
        struct pcpu *c = &h->cores[v->last_core];
        if (c->poller == v && (!sim->gangs || cosched_may_resume(sim, v))) {
            sim_time_t resume = c->poll_from > sim->now ? c->poll_from : sim->now;
            poll_stop(sim, c);
            sim->metrics.poll_wakes++;
            h->nrunnable++;
            v->woke = sim->now;
            v->in_burst = true;
            core_set_idle(c, false);
            vcpu_set_state(sim, v, VCPU_RUNNING);
            c->running = v;
            v->core = c;
            c->busy_since = sim->now;
            c->run_from = resume;
            if (v->guest->lat)
                latstat_add(&v->guest->lat->wake, sim_time_to_s(resume - sim->now));
            latstat_add(&sim->metrics.wake_lat, sim_time_to_s(resume - sim->now));
            core_run(sim, c, v);
            return;
        }
    }
    vcpu_runnable(sim, v, SCHED_ENQ_WAKE);
    host_request_dispatch(sim, h);
}

void sim__vcpu_done(struct sim *sim, struct vcpu *v)
{
    vcpu_set_state(sim, v, VCPU_DONE);
    vcpu_finished(sim, v);
}

void sim__vcpu_throttle(struct sim *sim, struct vcpu *v)
{
    if (v->state == VCPU_RUNNING) {
        struct pcpu *c = v->core;
        core_stop(sim, c);
    } else {
        vcpu_dequeue(sim, v->guest->host->sched, v);
    }
    vcpu_set_state(sim, v, VCPU_THROTTLED);
}

void sim__vcpu_unthrottle(struct sim *sim, struct vcpu *v)
{
    vcpu_enqueue(sim, v, SCHED_ENQ_UNTHROTTLE);
}

/* v's burst ended on core c (already taken off): it blocks.  The HLT exit
 * costs the core hlt_cost; then, with nobody else waiting, KVM polls. */
static void vcpu_block(struct sim *sim, struct pcpu *c, struct vcpu *v)
{
    struct guest *g = v->guest;
    struct host *h = c->host;
    struct sched *s = h->sched;
    vcpu_set_state(sim, v, VCPU_BLOCKED);
    h->nrunnable--;
    if (s->ops->block)
        s->ops->block(s, v);
    sim->metrics.blocks++;
    if (h->hw->rates) {
        sim_time_t hlt = h->hw->hlt_cost;
        struct guest_overhead *o = guest_ovh(g);
        o->exit_seconds += sim_time_to_s(hlt);
        o->exits += 1;
        sim->metrics.exits[HW_EXIT_HLT] += 1;
        /* The exit occupies the core; the polling after it as well. */
        c->poller = v;
        c->busy_since = sim->now;
        c->poll_from = sim->now + hlt;
        c->poll_end = c->poll_from + h->hw->halt_poll;
        evq_push(&sim->evq, &c->poll_ev, c->poll_end, SIM_EVC_CORE);
    }
    host_request_dispatch(sim, h);
}

/* ---- guests ---- */

/* a += x, skipped when x is 0 (on ideal hardware every overhead is):
 * long double arithmetic is slow, and adding 0 changes nothing. */
static void guest_release(struct sim *sim, struct guest *g);

static inline void ld_add(long double *a, double x)
{
    if (x != 0)
        *a += x;
}

/* The bytes of a guest record with n vCPUs: its vCPUs start at the end
 * of its hot block, before struct guest's tail padding. */
static inline size_t guest_record_size(int n)
{
    return offsetof(struct guest, vcpu) + (size_t)n * sizeof(struct vcpu);
}

static struct guest *guest_alloc(struct sim *sim, int nvcpus)
{
    struct guest **pp = &sim->free_guests;
    while (*pp && (*pp)->vcpu_cap < nvcpus)
        pp = &(*pp)->free_next;
    struct guest *g = *pp;
    if (g) {
        *pp = g->free_next;
    } else {
        /* (64-byte aligned: struct guest's hot block starts a cache line) */
        g = guest_pool_take(&sim->guest_pool, guest_record_size(nvcpus));
        g->vcpu_cap = nvcpus;
        g->lat = NULL;
        sim->live_guests++;
        if (sim->live_guests > sim->peak_live_guests)
            sim->peak_live_guests = sim->live_guests;
    }
    int cap = g->vcpu_cap;
    struct guest_latency *lat = g->lat;   /* (emptied by guest_release) */
    memset(g, 0, guest_record_size(nvcpus));
    g->vcpu_cap = cap;
    if (!lat && sim->hooks.vm_latency) {
        lat = xcalloc(1, sizeof *lat);
        lat->wake.coarse = lat->burst.coarse = true;
    }
    if (lat)
        lat->switches = 0;
    g->lat = lat;
    return g;
}

/* Free g's side records (models/platform.h struct guest_sides) but the
 * co-scheduling record (cosched_release's) and the consolidation state
 * (the manager's, gone by now). */
static void guest_sides_free(struct guest *g)
{
    struct guest_sides *x = g->sides;
    assert(!x->co && !x->cons);
    free(x->caps);
    free(x->ovh);
    free(x->win);
    free(x);
    g->sides = NULL;
}

void sim__guest_release(struct sim *sim, struct guest *g) { guest_release(sim, g); }

static void guest_release(struct sim *sim, struct guest *g)
{
    if (g->id) {
        free(g->id);
        g->id = NULL;
    }
    /* (each only if it has something to free: a job guest has nothing,
     * and these calls were a tenth of a job's release) */
    if (g->fl)
        fluid_guest_free(g);
    if (g->activity || g->series || g->act)
        activity_release(g);
    if (g->sides) {
        if (g->sides->co)
            cosched_release(g);
        guest_sides_free(g);
    }
    if (g->sa) {
        free(g->sa);
        g->sa = NULL;
    }
    /* (guest_alloc clears the rest) */
    if (g->lat) {
        latstat_free(&g->lat->wake);
        latstat_free(&g->lat->burst);
    }
    g->free_next = sim->free_guests;
    sim->free_guests = g;
}

static void host_remove_guest(struct sim *sim, struct guest *g)
{
    struct host *h = g->host;
    h->guests[g->host_idx] = h->guests[--h->nguests];
    h->guests[g->host_idx]->host_idx = g->host_idx;
    (void)sim;
}

static void admit_waiting(struct sim *sim);

void sim__guest_pause(struct sim *sim, struct guest *g)
{
    g->paused = true;
    if (g->kind == GUEST_FLUID)
        return;   /* sim/fluid.c gives it nothing while paused */
    g->throttled = true;
    struct guest_caps *k = guest_side_caps(g);
    if (k)
        evq_cancel(&sim->evq, &k->cap_ev);
    for (int i = 0; i < g->nvcpus; i++)
        if (g->vcpu[i].state == VCPU_RUNNING || g->vcpu[i].state == VCPU_QUEUED)
            sim__vcpu_throttle(sim, &g->vcpu[i]);
    sim__host_dispatch_soon(sim, g->host);
}

/* The hardware rates of g's class on h. */
static const struct hw_rates *guest_rates(const struct guest *g, const struct host *h)
{
    if (!h->hw->rates)
        return NULL;
    return guest_blocks(g) ? &h->hw->rates_blocking[g->cls] : &h->hw->rates[g->cls];
}

void sim__guest_move(struct sim *sim, struct guest *g, struct host *to)
{
    struct host *from = g->host;
    bool series = g->series || g->fl;
    bool discrete = g->kind != GUEST_FLUID;
    /* Off the old host: running vCPUs stop, queued ones leave the queues,
     * a core polling for one gives up; the runnable ones leave from's
     * accounting (blocked for no time) and are queued on to below. */
    bool *was_runnable = discrete ? xcalloc((size_t)g->nvcpus, sizeof *was_runnable) : NULL;
    for (int i = 0; discrete && i < g->nvcpus; i++) {
        struct vcpu *v = &g->vcpu[i];
        if (v->state == VCPU_RUNNING)
            sim__vcpu_throttle(sim, v);
        else if (v->state == VCPU_QUEUED)
            sim__vcpu_throttle(sim, v);
        for (int k = 0; k < from->ncores; k++)
            if (from->cores[k].poller == v)
                poll_stop(sim, &from->cores[k]);
        if (v->state == VCPU_THROTTLED) {
            was_runnable[i] = true;
            vcpu_set_state(sim, v, VCPU_BLOCKED);
            from->nrunnable--;
        }
        if (v->affinity)
            from->npinned--;
        if (from->sched->ops->detach)
            from->sched->ops->detach(from->sched, v);
    }
    if (series)
        fluid_series_grants_advance(sim, from);
    if (g->fl)
        fluid_guest_leave(sim, g);
    host_remove_guest(sim, g);
    if (sim->alloc->depart)
        sim->alloc->depart(sim->x->alloc.conf, from);
    from->mem_used -= g->mem_mb;
    from->vcpus_placed -= g->nvcpus;
    if (series) {
        from->nseries--;
        fluid_series_host_rates(sim, from);
        fluid_series_grants_advance(sim, to);
    }

    /* Onto the new one (its memory and vCPU slots are already held). */
    g->host = to;
    g->rates = guest_rates(g, to);
    to->guests = xgrow(to->guests, &to->guestcap, to->nguests + 1, sizeof *to->guests);
    g->host_idx = to->nguests;
    to->guests[to->nguests++] = g;
    if (series)
        to->nseries++;
    sim->alloc->admit(sim->x->alloc.conf, to, g);
    g->paused = false;
    g->throttled = false;
    struct guest_caps *k = guest_side_caps(g);
    if (k) {
        k->budget_period = -1;
        evq_cancel(&sim->evq, &k->cap_ev);
    }
    if (g->fl)
        fluid_guest_join(sim, g);
    memset(g->sched_slot, 0, sizeof g->sched_slot);
    for (int i = 0; discrete && i < g->nvcpus; i++) {
        struct vcpu *v = &g->vcpu[i];
        memset(v->sched_slot, 0, sizeof v->sched_slot);
        v->rq_cpu = -1;
        v->last_core = -1;   /* none of to's cores ran it */
        v->affinity = g->affinity ? g->affinity
                      : to->class_affinity ? to->class_affinity[g->cls] : 0;
        if (v->affinity)
            to->npinned++;
        if (to->sched->ops->attach)
            to->sched->ops->attach(to->sched, v);
    }
    for (int i = 0; discrete && i < g->nvcpus; i++) {
        if (!was_runnable[i])
            continue;
        struct vcpu *v = &g->vcpu[i];
        to->nrunnable++;
        host_tick_arm(sim, to);
        vcpu_enqueue(sim, v, SCHED_ENQ_WAKE);
    }
    free(was_runnable);
    if (series && discrete)
        fluid_series_host_rates(sim, to);
    sim__host_dispatch_soon(sim, from);
    sim__host_dispatch_soon(sim, to);
}

static inline void guest_record(struct sim *sim, const struct sim_done *d);

void sim__guest_complete(struct sim *sim, struct guest *g)
{
    struct sim_done d = {.g = g, .size = metrics_slowdown_size(g)};
    struct host *h = g->host;
    if (sim->cons)   /* (the consolidation calls: only with a manager) */
        consolidate_leaving(sim, g);
    d.used_s = g->sa ? g->sa->used_s : 0;   /* (a fluid's: it has a series) */
    d.host_vcpus = h->vcpus_placed;
    if (g->fl) {
        /* A series guest's natural life is its series: its "service" and
         * the base of its slowdown, so that waiting is the delay its caps
         * or its host caused, and slowdown 1 means it was never held back. */
        d.cpu = sim_time_from_s(g->sa->used_s);
    }
    if (g->series)
        d.service = d.size;
    for (int i = 0; i < g->nvcpus && !g->fl; i++) {
        if (!g->series && g->vcpu[i].cpu_time > d.service)
            d.service = g->vcpu[i].cpu_time;
        d.cpu += g->vcpu[i].cpu_time;
    }
    if (g->series || g->fl)
        fluid_series_account(sim, g);   /* the tail after its series: idle grant */
    guest_charge_overhead(sim, g);
    for (int i = 0; i < g->nvcpus; i++)   /* the work its vCPUs did (a fluid's: its series') */
        d.done += g->fl ? g->work : g->vcpu[i].attained;
    /* A shard logs the run's part for the merge; the record stays as it
     * is until then (the host's part below touches only the host). */
    if (sim->parent) {
        if (sim->nlog == sim->logcap)
            sim->log = xgrow(sim->log, &sim->logcap, sim->nlog + 1, sizeof *sim->log);
        sim->log[sim->nlog++] = (struct shard_entry){
            .time = sim->now, .cls = sim->ev_class, .kind = SHARD_JOB, .u.job = d};
    } else {
        guest_record(sim, &d);
    }
    if (g->sides) {
        if (g->sides->caps)
            evq_cancel(&sim->evq, &g->sides->caps->cap_ev);
        if (g->sides->co)
            evq_cancel(&sim->evq, &g->sides->co->cosched_ev);
    }
    if (g->sa)
        evq_cancel(&sim->evq, &g->sa->acct_ev);
    if (g->series || g->fl) {
        fluid_series_grants_advance(sim, h);
        h->nseries--;
    }
    host_remove_guest(sim, g);
    if (sim->alloc->depart)
        sim->alloc->depart(sim->x->alloc.conf, h);
    if (g->series && !g->fl)
        fluid_series_host_rates(sim, h);
    h->mem_used -= g->mem_mb;
    h->vcpus_placed -= g->nvcpus;
    if (sim->parent)
        sim->room_changed = true;   /* (the index is the run's: it re-files the host) */
    else
        rooms_changed(&sim->rooms, h);
    struct sched *s = h->sched;
    for (int i = 0; i < g->nvcpus && g->kind != GUEST_FLUID; i++) {
        if (g->vcpu[i].affinity)
            h->npinned--;
        if (s->ops->detach)
            s->ops->detach(s, &g->vcpu[i]);
    }
    if (sim->parent)
        return;
    guest_release(sim, g);
    if (sim->cons)
        consolidate_left(sim, h);
    if (sim->admit_head)
        admit_waiting(sim);
}

void sim__guest_record(struct sim *sim, const struct sim_done *d) { guest_record(sim, d); }

/* (inline into sim__guest_complete: once per guest, a call of its own was
 * 1.5% of an M/M/1 run's instructions) */
static inline __attribute__((always_inline)) void guest_record(struct sim *sim,
                                                               const struct sim_done *d)
{
    struct sim_metrics *m = &sim->metrics;
    struct guest *g = d->g;
    if (g->fl)
        m->fluid_busy_s += d->used_s;
    if (g->series || g->fl) {
        m->unmet_s += g->sa->unmet_s;
        m->idle_s += g->sa->idle_s;
    }
    metrics_population(m, sim->now, -1);
    metrics_complete(m, g->arrival, sim->now, g->first_start, d->service, d->done, d->size);
    metrics_guest(m, g);
    const struct guest_overhead *o = guest_overhead_of(g);
    ld_add(&m->exit_seconds, o->exit_seconds);
    ld_add(&m->walk_seconds, o->walk_seconds);
    ld_add(&m->switch_seconds, g->switch_seconds);
    ld_add(&m->ipi_seconds, o->ipi_seconds);
    ld_add(&m->migration_seconds, g->migration_seconds);
    ld_add(&m->poll_seconds, o->poll_seconds);
    m->vcpu_migrations += (uint64_t)g->migrations;
    m->bursts += (uint64_t)g->bursts;
    if (sim->hooks.on_job) {
        struct sim_job_info job = {g, sim->now, d->service, d->cpu, d->host_vcpus};
        sim->hooks.on_job(sim->hooks.cb_ctx, &job);
    }
    if (sim->shards)
        guest_release(sim, g);   /* (a shard's guest: its host's part is done) */
}

static void vcpu_finished(struct sim *sim, struct vcpu *v)
{
    struct guest *g = v->guest;
    if (--g->vcpus_left == 0)
        sim__guest_complete(sim, g);
}

/* ---- events ---- */

/* The running vCPU's burst ended on core c. */
static void burst_end(struct sim *sim, struct pcpu *c, struct vcpu *v)
{
    struct guest *g = v->guest;
    struct host *h = c->host;
    enum activity_next next = activity_burst_end(sim, v);
    if (next == ACTIVITY_MORE) {
        core_arm(sim, c);
        return;
    }
    if (v->in_burst) {
        double resp = sim_time_to_s(sim->now - v->woke);
        if (g->lat)
            latstat_add(&g->lat->burst, resp);
        latstat_add(&sim->metrics.burst_resp, resp);
        g->bursts++;
        v->in_burst = false;
        if (sim->hooks.on_burst) {
            struct sim_burst b = {v, v->woke, sim->now};
            sim->hooks.on_burst(sim->hooks.cb_ctx, &b);
        }
    }
    core_stop(sim, c);
    if (next == ACTIVITY_DONE) {
        vcpu_set_state(sim, v, VCPU_DONE);
        h->nrunnable--;
        vcpu_finished(sim, v);
        host_request_dispatch(sim, h);
        return;
    }
    vcpu_block(sim, c, v);
}

/* The policy would rather run w than c's vCPU: put the running vCPU back
 * into the queues, then run what the policy picks for c now - w, or
 * another, or the same vCPU again (a lottery draws among all of them),
 * in which case it goes on with no switch. */
static void preempt(struct sim *sim, struct pcpu *c, struct vcpu *w)
{
    struct sched *s = c->host->sched;
    if (sim->gangs) {   /* the core goes back through the gangs' dispatch */
        cosched_preempt(sim, c);
        return;
    }
    struct vcpu *old = core_stop(sim, c);
    vcpu_enqueue(sim, old, SCHED_ENQ_PREEMPTED);
    struct vcpu *next = s->ops->pick(s, c);
    if (!next)
        next = w;   /* a policy that forgot it picked (defensive) */
    vcpu_dequeue(sim, s, next);
    core_start(sim, c, next);
}

/* How a preemptive policy ranks a running vCPU: a strict gang's member
 * as the gang (sim/cosched.c). */
static const struct vcpu *ranked(struct sim *sim, const struct vcpu *v)
{
    return sim->strict ? cosched_rank(sim, v) : v;
}

static void core_timer(struct sim *sim, struct sim_event *ev)
{
    struct pcpu *c = container_of(ev, struct pcpu, ev);
    struct vcpu *v = c->running;
    struct host *h = c->host;
    core_sync(sim, c);
    if (v->work_left == 0) {
        burst_end(sim, c, v);
        return;
    }
    if (sim->now >= c->slice_end) {
        struct sched *s = h->sched;
        if (sim->gangs && cosched_drain(sim, c)) {   /* a waiting gang takes the core */
            preempt(sim, c, NULL);
            host_request_dispatch(sim, h);
            return;
        }
        struct vcpu *w = s->ops->pick(s, c);
        /* Preempt only if someone is waiting (and, for a policy that
         * orders by a key, only for an equal or better one). */
        if (w && (!(s->flags & SCHED_PREEMPTIVE) || s->ops->compare(s, w, ranked(sim, v)) <= 0)) {
            preempt(sim, c, w);
            host_request_dispatch(sim, h);
            return;
        }
        if (!w && !(s->flags & SCHED_PERCPU)) {
            /* Nobody waits: run on without an event per quantum until
             * someone is enqueued (host_arm_free_cores). */
            c->free_running = true;
            c->slice_base = c->slice_end;
            c->slice_end = SIM_TIME_MAX;
            h->nfree_running++;
        } else {
            sim_time_t slice = sched_timeslice(s, v, c);
            c->slice_end = slice > 0 ? sim->now + slice : SIM_TIME_MAX;
        }
    }
    core_arm(sim, c);
}

/* The running vCPU a preemptive policy would rather not run: the worst
 * by compare, the highest-numbered core among equals. */
static struct pcpu *host_worst_running(struct sim *sim, struct host *h)
{
    struct sched *s = h->sched;
    struct pcpu *worst = NULL;
    for (int i = 0; i < h->ncores; i++) {
        struct pcpu *c = &h->cores[i];
        if (!c->running)
            continue;
        core_sync(sim, c);
        if (!worst ||
            s->ops->compare(s, ranked(sim, c->running), ranked(sim, worst->running)) >= 0)
            worst = c;
    }
    return worst;
}

static void host_dispatch(struct sim *sim, struct sim_event *ev)
{
    struct host *h = container_of(ev, struct host, dispatch_ev);
    struct sched *s = h->sched;
    /* Cores the policy asked to pick again (wake-up preemption, ticks). */
    for (int i = 0; h->nresched > 0 && i < h->ncores; i++) {
        struct pcpu *c = &h->cores[i];
        if (!c->resched)
            continue;
        c->resched = false;
        h->nresched--;
        if (!c->running)
            continue;   /* idle: offered below */
        core_sync(sim, c);
        struct vcpu *w = s->ops->pick(s, c);
        if (w)
            preempt(sim, c, w);
    }
    /* Idle cores, lowest first.  A shared queue that has nothing for one
     * core has nothing for the others (unless pinned vCPUs wait); queues
     * per pCPU offer every idle core its pick, then a steal. */
    bool percpu = s->flags & SCHED_PERCPU;
    if (sim->gangs)
        cosched_dispatch(sim, h);   /* gangs start together (sim/cosched.c) */
    for (struct pcpu *c = sim->gangs ? NULL : host_next_idle(h, 0); c;
         c = host_next_idle(h, c->index + 1)) {
        if (h->nqueued == 0 && !s->ops->balance)
            break;
        struct vcpu *v = s->ops->pick(s, c);
        if (!v && s->ops->balance)
            v = s->ops->balance(s, c);
        if (!v) {
            if (!percpu && !h->npinned)
                break;
            continue;
        }
        vcpu_dequeue(sim, s, v);
        core_start(sim, c, v);
    }
    if (!(s->flags & SCHED_PREEMPTIVE))
        return;
    for (;;) {
        struct pcpu *worst = host_worst_running(sim, h);
        if (!worst)
            return;
        struct vcpu *v = s->ops->pick(s, worst);
        if (!v || s->ops->compare(s, v, ranked(sim, worst->running)) >= 0)
            return;
        preempt(sim, worst, v);
        if (sim->gangs)
            return;   /* the freed core(s) are offered at the next dispatch, this instant */
    }
}

static int read_next(struct sim *sim);

/* Placement (--place, or the consolidation manager's): a host where the
 * guest fits now, or NULL. */
static struct host *place_guest(struct sim *sim, const struct guest *g)
{
    struct host *h;
    if (sim->cons && consolidate_place(sim, g, &h))
        return h;
    return sim->place->choose(sim->x->place.conf, sim->hosts, sim->nhosts, g);
}

/* The ns of work of a job guest (one burst per vCPU), 0 for any other:
 * what progress counts (sim__progress_report). */
static inline double job_work(const struct guest *g)
{
    return g->kind == GUEST_JOB ? (double)g->work * g->nvcpus : 0;
}

/* Could the guest fit on some host if that host were empty (and would
 * the consolidation manager, if one places, take it there)? */
static bool guest_can_ever_fit(const struct sim *sim, const struct guest *g)
{
    for (int i = 0; i < sim->nhosts; i++)
        if (host_could_fit(&sim->hosts[i], g) && consolidate_could_place(sim, g, &sim->hosts[i]))
            return true;
    return false;
}

/* Put g on h: take its memory, give it a grant, start its vCPUs. */
static void guest_admit(struct sim *sim, struct guest *g, struct host *h)
{
    /* (a shard's guest is placed by its run, on the run's thread: the
     * index of rooms and the progress are the run's) */
    struct sim *run = sim->parent ? sim->parent : sim;
    g->host = h;
    h->mem_used += g->mem_mb;
    h->vcpus_placed += g->nvcpus;
    rooms_changed(&run->rooms, h);
    g->rates = NULL;
    if (h->hw->rates)
        g->rates = guest_blocks(g) ? &h->hw->rates_blocking[g->cls] : &h->hw->rates[g->cls];
    if (g->series) {
        double end = sim_time_to_s(sim->now) + g->series->interval * (double)g->series->n;
        if (sim_time_from_s(end) > run->series_end)
            run->series_end = sim_time_from_s(end);
    }
    if (sim->alloc_period > 0) {   /* the allocator's window (reallocate_timer) */
        struct alloc_window *w = xcalloc(1, sizeof *w);
        w->runnable_last = w->win_from = sim->now;
        guest_sides_make(g)->win = w;
    }
    if (g->series) {   /* its accounting per sample interval (sim/fluid.c) */
        g->sa = xcalloc(1, sizeof *g->sa);
        g->sa->guest = g;
        g->sa->series_start = sim->now;
        sim_event_init(&g->sa->acct_ev, NULL);
        g->sa->grant_last = sim->now;
    }
    if (h->nguests == h->guestcap)
        h->guests = xgrow(h->guests, &h->guestcap, h->nguests + 1, sizeof *h->guests);
    g->host_idx = h->nguests;
    h->guests[h->nguests++] = g;
    bool series = g->series || g->fl;
    if (series) {
        h->nseries++;
        fluid_series_grants_advance(sim, h);
    }
    g->wish = series ? fluid_series_wish(sim, g, 0) : g->nvcpus;
    sim->alloc->admit(sim->x->alloc.conf, h, g);
    if (series)
        fluid_series_begin(sim, g);
    if (sim->cons)
        consolidate_admitted(sim, g);
    if (series && !g->fl)
        fluid_series_host_rates(sim, h);
    if (g->kind == GUEST_FLUID) {
        fluid_admit(sim, g, h);
        return;
    }
    struct sched *s = h->sched;
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *v = &g->vcpu[i];
        v->guest = g;
        v->index = i;
        v->last_core = -1;
        v->rq_cpu = -1;
        v->since = sim->now;
        v->affinity = g->affinity ? g->affinity
                      : h->class_affinity ? h->class_affinity[g->cls] : 0;
        if (v->affinity)
            h->npinned++;
        if (s->ops->attach)
            s->ops->attach(s, v);
    }
    cosched_admit(sim, g);
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *v = &g->vcpu[i];
        v->state = VCPU_BLOCKED;
        if (activity_start(sim, v))
            vcpu_runnable(sim, v, SCHED_ENQ_ARRIVAL);
    }
}

/* Memory was freed: admit waiting guests in arrival order while the head
 * fits (no overtaking, so a big guest is not starved by small ones). */
static void admit_waiting(struct sim *sim)
{
    struct guest *g;
    while ((g = sim->admit_head) != NULL) {
        struct host *h = place_guest(sim, g);
        if (!h)
            return;
        sim->admit_head = g->free_next;
        if (!sim->admit_head)
            sim->admit_tail = NULL;
        g->free_next = NULL;
        struct sim *hs = sim_host_claim(sim, h);
        hs->now = sim->now;
        guest_admit(hs, g, h);
        sim__host_dispatch_soon(hs, h);
    }
}

void sim__admit_waiting(struct sim *sim)
{
    if (sim->admit_head)
        admit_waiting(sim);
}

static void guest_arrival(struct sim *sim, struct sim_event *ev)
{
    (void)ev;
    struct trace_record *rec = &sim->pending;
    struct sim_metrics *m = &sim->metrics;
    int cls = sim_class_find(&sim->x->hw, rec->class_name);
    if (cls < 0) {
        sim->status = sim_error_set(&sim->error, SIM_EINVAL, sim->source->path, rec->line, 0,
                                    "unknown workload class '%s' (see `hvsim list`)",
                                    rec->class_name);
        return;
    }
    struct guest *g = guest_alloc(sim, rec->vcpus);
    g->seq = sim->next_guest_seq++;
    if (rec->id[0])
        g->id = xstrdup(rec->id);
    g->arrival = sim->now;
    g->work = sim_time_from_s(rec->work);
    if (g->work < 1)
        g->work = 1;   /* work > 0 but below 1 ns: the clock's resolution */
    g->nvcpus = rec->vcpus;
    g->mem_mb = rec->mem_mb;
    g->priority = rec->priority;
    g->speed = rec->speed > 0 ? rec->speed : 1.0;
    g->weight = rec->weight;
    g->deadline = rec->deadline >= 0 ? sim_time_from_s(rec->deadline) : -1;
    g->cls = cls;
    g->cap = rec->cap;
    g->affinity = rec->affinity;
    if (g->affinity && !(g->affinity & cpuset_upto(sim->min_cores))) {
        sim->status = sim_error_set(&sim->error, SIM_EINVAL, sim->source->path, rec->line, 0,
                                    "affinity names no core of the smallest host (cores 0-%d): "
                                    "its vCPUs could never run",
                                    sim->min_cores - 1);
        guest_release(sim, g);
        return;
    }
    if (sim->gangs && cosched_gang_check(sim, g, rec) < 0) {
        guest_release(sim, g);
        return;
    }
    g->first_start = -1;
    g->vcpus_left = g->nvcpus;
    g->grant = g->nvcpus;
    if (rec->series && sim->x->fluid) {
        g->kind = GUEST_FLUID;
        fluid_guest_init(g, rec);
    } else {
        int rc = activity_admit(sim, g, rec, &sim->error);
        if (rc < 0) {
            guest_release(sim, g);
            sim->status = rc;
            return;
        }
    }
    if (!m->any_arrival) {
        m->first_arrival = sim->now;
        m->last_change = sim->now;
        m->any_arrival = true;
    }
    m->arrived++;
    sim->job_work_read += job_work(g);
    /* FIFO admission: while others wait, a newcomer waits behind them. */
    struct host *h = sim->admit_head ? NULL : place_guest(sim, g);
    struct sim *hs = h ? sim_host_claim(sim, h) : sim;
    if (h) {
        metrics_population(m, sim->now, +1);
        hs->now = sim->now;
        guest_admit(hs, g, h);
    } else if (sim->x->admission_reject || !guest_can_ever_fit(sim, g)) {
        m->rejected++;
        sim->job_work_read -= job_work(g);
        guest_release(sim, g);
    } else {
        /* It waits for memory; the wait counts in its turnaround. */
        metrics_population(m, sim->now, +1);
        if (sim->admit_tail)
            sim->admit_tail->free_next = g;
        else
            sim->admit_head = g;
        sim->admit_tail = g;
        m->admission_waits++;
    }
    /* Read ahead first: the next guest may arrive at this same instant,
     * and the dispatch must then wait for it. */
    int rc = read_next(sim);
    if (rc < 0) {
        sim->status = rc;
        return;
    }
    if (h)
        host_request_dispatch(hs, h);
}

/* Read the next record and schedule its arrival. */
static int read_next(struct sim *sim)
{
    int rc = trace_next(sim->source, &sim->pending, &sim->error);
    if (rc < 0)
        return rc;
    sim->have_pending = rc == TRACE_RECORD;
    if (!sim->have_pending)
        return SIM_OK;
    struct trace_record *rec = &sim->pending;
    if (!sim_seconds_ok(rec->arrival) || !(rec->work > 0) || !sim_seconds_ok(rec->work))
        return sim_error_set(&sim->error, SIM_EINVAL, sim->source->path, rec->line, 0,
                             "arrival %g s or work %g s out of range (0..%g s)", rec->arrival,
                             rec->work, SIM_SECONDS_MAX);
    sim_time_t at = sim_time_from_s(rec->arrival);
    if (at < sim->now)
        return sim_error_set(&sim->error, SIM_EINVAL, sim->source->path, rec->line, 0,
                             "arrival %.9g s is earlier than the previous one", rec->arrival);
    if (at >= sim->horizon) {   /* past the end of the run: not read further */
        sim->have_pending = false;
        return SIM_OK;
    }
    evq_push(&sim->evq, &sim->arrival_ev, at, SIM_EVC_ARRIVAL);
    return SIM_OK;
}

/* The policy's tick: at multiples of its period while the host has a
 * runnable vCPU. */
static void host_tick(struct sim *sim, struct sim_event *ev)
{
    struct host *h = container_of(ev, struct host, tick_ev);
    struct sched *s = h->sched;
    for (int i = 0; i < h->ncores; i++)
        core_sync(sim, &h->cores[i]);
    s->ops->tick(s);
    sim_time_t period = s->ops->tick_period(s->conf);
    if (h->nrunnable > 0 || h->nqueued > 0)
        evq_push(&sim->evq, ev, sim->now + period, SIM_EVC_CONTROL);
}

/* A host with a ticking policy starts ticking when something is
 * runnable on it (armed lazily from the dispatch). */
static void host_tick_arm(struct sim *sim, struct host *h)
{
    struct sched *s = h->sched;
    if (!s->ops->tick || sim_event_pending(&h->tick_ev) || h->nrunnable == 0)
        return;
    sim_time_t period = s->ops->tick_period(s->conf);
    sim_time_t next = (sim->now / period + 1) * period;
    evq_push(&sim->evq, &h->tick_ev, next, SIM_EVC_CONTROL);
}

/* Timeline: utilisation of each host over the last interval. */
static void sample_timer(struct sim *sim, struct sim_event *ev)
{
    sim_time_t len = sim->now - sim->last_sample;
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        struct sim *hs = sim_for_host(sim, h);   /* (its shard runs no event meanwhile) */
        hs->now = sim->now;
        double busy = 0;
        long running = 0;
        for (int k = 0; k < h->ncores; k++) {
            struct pcpu *c = &h->cores[k];
            busy += (double)c->busy_total;
            if (c->running || c->poller) {
                busy += (double)(sim->now - c->busy_since);
                running += c->running != NULL;
            }
        }
        host_queued_advance(hs, h);
        struct sim_sample s = {
            .time = sim->now,
            .interval = len,
            .host = i,
            .utilization = len > 0 ? (busy - sim->sample_busy[i]) / ((double)len * h->ncores) : 0,
            .runnable = h->nrunnable,
            .running = running,
            .guests = sim->metrics.in_system,
            .demand = (double)h->nrunnable,
            .allocated = (double)h->vcpus_placed,
            .used = (double)running,
            .queued_mean = len > 0 ? (h->queued_acc - sim->sample_queued[i]) / (double)len : 0,
            .power_w = NAN,
            .energy_kwh = NAN,
        };
        consolidate_sample(hs, h, &s);
        sim->sample_busy[i] = busy;
        sim->sample_queued[i] = h->queued_acc;
        if (h->nfluid > 0) {
            /* series guests as fluids: means over the interval */
            fluid_host_advance(hs, h);
            double *last = &sim->sample_acc[3 * i], secs = sim_time_to_s(len);
            double acc[3] = {h->acc_demand, h->acc_grant, h->acc_used};
            if (secs > 0) {
                s.demand = (acc[0] - last[0]) / secs;
                s.allocated = (acc[1] - last[1]) / secs;
                s.used = (acc[2] - last[2]) / secs;
                s.utilization = s.used / h->ncores;
            }
            s.runnable = (long)h->nfluid;
            s.running = (long)h->nfluid;
            memcpy(last, acc, sizeof acc);
        } else if (h->nseries > 0 || h->ser_acc_demand > 0) {
            /* series guests as on/off vCPUs: the trace's demand and the
             * grants as means over the interval, the cores used as busy */
            double *last = &sim->sample_acc[3 * i], secs = sim_time_to_s(len);
            double acc[2];
            fluid_series_host_acc(hs, h, acc);
            if (secs > 0) {
                s.demand = (acc[0] - last[0]) / secs;
                s.allocated = (acc[1] - last[1]) / secs;
                s.used = s.utilization * h->ncores;
            }
            last[0] = acc[0];
            last[1] = acc[1];
        }
        sim_time_t want = sim->hooks.on_sample(sim->hooks.cb_ctx, &s);
        if (want > 0)
            sim->sample = want;
    }
    sim->last_sample = sim->now;
    /* Keep sampling while the workload is not over. */
    if (sim->have_pending || sim->metrics.in_system > 0)
        evq_push(&sim->evq, ev, sim->now + sim->sample, SIM_EVC_CONTROL);
}

/* The allocator's window: collect what each guest wished (R = C T: the
 * runnable core-time of its vCPUs over the window, or a fluid's wish),
 * re-allocate, and let the new grants act (caps, fluid rates). */
static void reallocate_timer(struct sim *sim, struct sim_event *ev)
{
    double window = sim_time_to_s(sim->alloc_period);
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        if (h->nguests == 0)
            continue;
        struct sim *hs = sim_for_host(sim, h);
        hs->now = sim->now;
        if (h->nfluid)
            fluid_host_advance(hs, h);
        fluid_series_grants_advance(hs, h);
        for (size_t k = 0; k < h->nguests; k++) {
            struct guest *g = h->guests[k];
            struct alloc_window *w = guest_side_win(g);
            if (g->fl) {
                w->win_wish = fluid_window_wish(hs, g);
            } else {
                w->runnable_acc += (sim_time_t)g->nrunnable * (sim->now - w->runnable_last);
                w->runnable_last = sim->now;
                double there = sim_time_to_s(sim->now - w->win_from);
                w->win_wish = there > 0 ? sim_time_to_s(w->runnable_acc - w->win_acc) / there
                                        : g->wish;
                w->win_acc = w->runnable_acc;
            }
            w->win_from = sim->now;
        }
        if (sim->alloc->reallocate(sim->x->alloc.conf, h, window))
            sim->metrics.reallocations++;
        if ((size_t)h->nseries > h->nfluid)
            fluid_series_host_rates(hs, h);
        if (h->nfluid)
            fluid_host_recompute(hs, h);
        for (size_t k = 0; k < h->nguests && sim->caps; k++)
            if (caps_limited(sim, h->guests[k]))
                caps_update(hs, h->guests[k]);
    }
    if (sim->have_pending || sim->metrics.in_system > 0)
        evq_push(&sim->evq, ev, sim->now + sim->alloc_period, SIM_EVC_CONTROL);
}

/* The end of the run (--end with closed loops): nothing after it runs. */
static void horizon_timer(struct sim *sim, struct sim_event *ev)
{
    (void)ev;
    sim->stopped = true;
    if (sim->metrics.in_system > 0) {
        metrics_population(&sim->metrics, sim->now, 0);   /* its area up to the cut */
        sim->metrics.cut_at = sim->now;
    }
}

/* ---- invariants (debug) ---- */

static void violate(struct sim *sim, const char *what, int host, int core)
{
    if (sim->violations++ == 0)
        snprintf(sim->violation, sizeof sim->violation, "t=%" PRI_simtime " ns host %d core %d: %s",
                 sim->now, host, core, what);
}

/* What must hold between events: a vCPU runs on at most one core and its
 * core points back at it; a running vCPU is not queued; a work-conserving
 * policy leaves no core idle while a vCPU it may run waits (unless the
 * dispatch of this instant is still pending); no host is over its memory
 * or its vCPU limit; a capped guest never overruns its period's budget. */
static void check_invariants(struct sim *sim)
{
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        struct sched *s = h->sched;
        for (int k = 0; k < h->ncores; k++) {
            struct pcpu *c = &h->cores[k];
            if (!c->running) {
                /* The one exception: under gangs (--cosched strict, --rigid) a
                 * core may stay idle because the gang its policy picks does
                 * not fit, or because it is held for a gang that waits for
                 * cores (cosched_idle_ok); that time is counted
                 * (cosched.gang_idle_seconds). */
                if (!(s->flags & SCHED_NOT_CONSERVING) && !sim_event_pending(&h->dispatch_ev) &&
                    h->nqueued > 0 && s->ops->pick(s, c) &&
                    !(sim->gangs && cosched_idle_ok(sim, h, c)))
                    violate(sim, "a core is idle while a vCPU it may run is queued", i, k);
                continue;
            }
            if (c->running->core != c)
                violate(sim, "vCPU does not point back at its core (on two cores?)", i, k);
            if (c->running->queued || c->running->state != VCPU_RUNNING)
                violate(sim, "running vCPU is also queued", i, k);
            if (!vcpu_may_run(c->running, k))
                violate(sim, "a vCPU runs on a core its affinity excludes", i, k);
        }
        if (h->mem_mb > 0 && h->mem_used > h->mem_mb * (1 + 1e-12))
            violate(sim, "host memory over capacity", i, -1);
        if (h->vcpu_limit > 0 && (double)h->vcpus_placed > h->vcpu_limit)
            violate(sim, "host vCPUs over the overcommit limit", i, -1);
        for (size_t k = 0; sim->caps && k < h->nguests; k++) {
            const struct guest *g = h->guests[k];
            const struct guest_caps *caps = guest_side_caps(g);
            if (caps_limited(sim, g) && caps && caps->budget_period == sim->now / sim->cap_period &&
                caps->budget < 0)
                violate(sim, "a capped guest ran past its budget", i, -1);
        }
        if ((sim->gangs || sim->relaxed || h->hw->spin_fraction) &&
            !sim_event_pending(&h->dispatch_ev)) {
            const char *what = cosched_check(sim, h);
            if (what)
                violate(sim, what, i, -1);
        }
        if (!sim_event_pending(&h->refluid_ev)) {
            double used = 0;
            for (size_t k = 0; k < h->nfluid; k++) {
                const struct guest *g = h->fluid[k];
                double rate = fluid_guest_rate(g);
                if (rate > g->grant * (1 + 1e-12) + 1e-12)
                    violate(sim, "a series guest uses more than its grant", i, -1);
                used += rate;
            }
            if (used > h->ncores * (1 + 1e-12))
                violate(sim, "series guests use more than the host's cores", i, -1);
        }
    }
}

/* ---- life cycle ---- */

int sim_create(struct sim **out, const struct sim_experiment *x, uint64_t rep,
               const struct sim_hooks *hooks, struct sim_error *err)
{
    if (x->nhosts < 1 || !x->hosts)
        return sim_error_usage(err, "a platform needs at least one host");
    if (!x->sched.info || !x->alloc.info || !x->place.info)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                             "an experiment without a scheduler, allocator or placement");
    size_t total_cores = 0;
    for (int i = 0; i < x->nhosts; i++) {
        if (x->hosts[i].cores < 1)
            return sim_error_usage(err, "host %d has no cores", i);
        total_cores += (size_t)x->hosts[i].cores;
    }
    struct sim *sim = xcalloc(1, sizeof *sim);
    sim->x = x;
    if (hooks)
        sim->hooks = *hooks;
    sim->rep = rep;
    sim->sched = sched_ops_of(x->sched.info);
    sim->alloc = alloc_ops_of(x->alloc.info);
    sim->place = place_ops_of(x->place.info);
    sim->alloc_period = alloc_period(sim->alloc, x->alloc.conf);
    sim->sample = x->sample;
    sim->horizon = x->horizon > 0 ? x->horizon : SIM_TIME_MAX;
    sim->cap_period = x->cap_period > 0 ? x->cap_period : SIM_MS(100);
    sim->nhosts = x->nhosts;
    sim->ncores_total = (int)total_cores;
    evq_init(&sim->evq);
    sim_rng_init(&sim->rng, x->seed, rep);
    metrics_init(&sim->metrics, x->warmup);
    sim_event_init(&sim->arrival_ev, guest_arrival);
    sim_event_init(&sim->sample_ev, sample_timer);
    sim_event_init(&sim->realloc_ev, reallocate_timer);
    sim_event_init(&sim->horizon_ev, horizon_timer);
    trace_record_init(&sim->pending);
    sim->hosts = xcalloc((size_t)x->nhosts, sizeof *sim->hosts);
    sim->cores = xcalloc(total_cores, sizeof *sim->cores);
    sim->sample_busy = xcalloc((size_t)x->nhosts, sizeof *sim->sample_busy);
    sim->sample_acc = xcalloc((size_t)x->nhosts * 3, sizeof *sim->sample_acc);
    sim->sample_queued = xcalloc((size_t)x->nhosts, sizeof *sim->sample_queued);
    size_t first = 0;
    for (int i = 0; i < x->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        const struct sim_host_spec *spec = &x->hosts[i];
        h->index = i;
        h->ncores = spec->cores;
        h->speed = spec->speed > 0 ? spec->speed : 1.0;
        h->nsockets = spec->sockets > 0 && spec->sockets <= spec->cores ? spec->sockets : 1;
        h->mem_mb = spec->mem_mb;
        h->hw = spec->hw ? spec->hw : &x->hw;
        h->class_affinity = spec->class_affinity;
        if (h->ncores < sim->min_cores || i == 0)
            sim->min_cores = h->ncores;
        h->vcpu_limit = x->overcommit > 0 ? x->overcommit * h->ncores : 0;
        h->cores = &sim->cores[first];
        first += (size_t)h->ncores;
        h->idle_bits = xcalloc((size_t)(h->ncores + 63) / 64, sizeof *h->idle_bits);
        sim_event_init(&h->dispatch_ev, host_dispatch);
        sim_event_init(&h->tick_ev, host_tick);
        sim_event_init(&h->refluid_ev, NULL);   /* handler set by sim/fluid.c */
        for (int k = 0; k < h->ncores; k++) {
            struct pcpu *c = &h->cores[k];
            c->host = h;
            c->index = k;
            c->socket = k * h->nsockets / h->ncores;
            c->last_guest = UINT64_MAX;
            c->last_vcpu = -1;
            c->last_cls = -1;
            c->slice_end = SIM_TIME_MAX;
            core_set_idle(c, true);
            sim_event_init(&c->ev, core_timer);
            sim_event_init(&c->exit_ev, core_exit);
            sim_event_init(&c->poll_ev, poll_timer);
            sim_event_init(&c->lock_ev, cosched_lock_event);
        }
    }
    rooms_init(&sim->rooms, sim->hosts, x->nhosts);
    sim->strict = x->cosched == SIM_COSCHED_STRICT;
    sim->relaxed = x->cosched == SIM_COSCHED_RELAXED;
    sim->gangs = sim->strict || x->rigid;
    sim->exit_events = x->discrete_exits && x->exit_events;
    sim->exits_counted = x->discrete_exits && !x->exit_events;
    if (sim->exits_counted)
        sim->exit_plans = xcalloc((size_t)sim->ncores_total, sizeof *sim->exit_plans);
    sim->skew = x->cosched_skew > 0 ? x->cosched_skew : SIM_COSCHED_SKEW;
    int rc = consolidate_create(sim, err);
    for (int i = 0; i < x->nhosts && rc == SIM_OK; i++)
        rc = sim__sched_create(sim, &sim->hosts[i], err);
    /* Hosts that never interact between the run's own events run apart
     * (sim/shards.c); else all here. */
    if (rc == SIM_OK && shards_possible(sim))
        shards_create(sim);
    if (rc < 0) {
        sim_destroy(sim);
        return rc;
    }
    sim->caps = !(sim->hosts[0].sched->flags & SCHED_OWN_CAPS);
    *out = sim;
    return SIM_OK;
}

int sim__sched_create(struct sim *sim, struct host *h, struct sim_error *err)
{
    struct sched_env env = {&sim->now, engine_resched, sim};
    unsigned long seed = sim_rng_seed(sim->x->seed, sim->rep, SIM_STREAM_POLICY,
                                      (uint64_t)h->index);
    return sched_create(&h->sched, sim->sched, sim->x->sched.conf, h, &env, seed, err);
}

static void free_guest_list(struct guest *g)
{
    while (g) {
        struct guest *next = g->free_next;
        if (g->activity || g->series || g->act)
            activity_release(g);   /* (a waiting guest has no other side record) */
        if (g->lat) {
            latstat_free(&g->lat->wake);
            latstat_free(&g->lat->burst);
            free(g->lat);
        }
        g = next;   /* (the record itself is the pool's) */
    }
}

void sim_destroy(struct sim *sim)
{
    if (!sim)
        return;
    /* Events live inside cores, hosts and guests: empty the queue before
     * any of them is freed. */
    evq_destroy(&sim->evq);
    shards_destroy(sim);   /* (their queues; the hosts are this run's) */
    consolidate_destroy(sim);
    /* Guests still in the system (a run stopped by an error or at its
     * horizon) are on their hosts' lists. */
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        for (size_t k = 0; k < h->nguests; k++) {
            struct guest *g = h->guests[k];
            for (int j = 0; j < g->nvcpus && h->sched && g->kind != GUEST_FLUID; j++)
                if (g->vcpu[j].queued)
                    vcpu_dequeue(sim, h->sched, &g->vcpu[j]);
            guest_release(sim, g);
        }
        h->nguests = h->nfluid = 0;
        if (h->sched)
            sched_destroy(h->sched);
        free(h->guests);
        free(h->fluid);
        fluid_host_free(h);
        free(h->idle_bits);
    }
    free_guest_list(sim->admit_head);   /* still waiting for memory */
    free_guest_list(sim->free_guests);
    guest_pool_free(&sim->guest_pool);
    sim_rng_destroy(&sim->rng);
    metrics_destroy(&sim->metrics);
    trace_record_clear(&sim->pending);
    free(sim->sample_busy);
    free(sim->sample_acc);
    free(sim->sample_queued);
    exits_free(sim);
    free(sim->cores);
    free(sim->hosts);
    free(sim);
}

/* Close v's accounting at the end of the run: its time in its state, and
 * its entitlement while it is still runnable. */
static void vcpu_close(struct sim *sim, struct vcpu *v)
{
    struct host *h = v->guest->host;
    enum vcpu_state st = v->state;
    vcpu_set_state(sim, v, st);
    if (state_runnable(st)) {
        host_ent_advance(sim, h);
        double due = v->guest->weight * (h->ent_integral - v->ent_mark);
        double span = (double)(sim->now - v->ent_from);
        v->ent_ns += due < span ? due : span;
        v->ent_mark = h->ent_integral;
        v->ent_from = sim->now;
    }
}

/* The run ended with guests still in the system (its horizon): their
 * per-VM figures count, as far as they got. */
static void account_live_guests(struct sim *sim)
{
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        struct sim *hs = sim_for_host(sim, h);   /* (the run's figures, its host's clock) */
        hs->now = sim->now;
        for (size_t k = 0; k < h->nguests; k++) {
            struct guest *g = h->guests[k];
            for (int j = 0; j < g->nvcpus; j++) {
                struct vcpu *v = &g->vcpu[j];
                if (v->state == VCPU_RUNNING) {
                    struct pcpu *c = v->core;
                    sim__core_sync(hs, c);
                    v->cpu_time += sim->now - c->busy_since;
                    c->busy_total += sim->now - c->busy_since;
                    c->busy_since = sim->now;
                }
                vcpu_close(hs, v);
            }
            guest_charge_overhead(sim, g);
            metrics_guest(&sim->metrics, g);
            const struct guest_overhead *o = guest_overhead_of(g);
            sim->metrics.exit_seconds += o->exit_seconds;
            sim->metrics.walk_seconds += o->walk_seconds;
            sim->metrics.bursts += (uint64_t)g->bursts;
            sim->metrics.vcpu_migrations += (uint64_t)g->migrations;
            sim->metrics.switch_seconds += g->switch_seconds;
            sim->metrics.ipi_seconds += o->ipi_seconds;
            sim->metrics.migration_seconds += g->migration_seconds;
            sim->metrics.poll_seconds += o->poll_seconds;
        }
        for (int k = 0; k < h->ncores; k++)
            if (h->cores[k].poller)
                poll_stop(hs, &h->cores[k]);
        cosched_held_advance(hs, h);
        sim->metrics.gang_idle_s += h->held_ns * 1e-9;
    }
}

static inline void run_event(struct sim *sim, struct sim_event *ev)
{
    if (ev->time < sim->now)
        violate(sim, "time went backwards", -1, -1);
    assert(ev->time >= sim->now);
    sim->now = ev->time;
    sim->metrics.events++;
    ev->fn(sim, ev);
    if (sim->hooks.check_invariants)
        check_invariants(sim);
}

void sim__check_invariants(struct sim *sim) { check_invariants(sim); }

int sim__run_until(struct sim *sim, sim_time_t t, int cls)
{
    struct sim_event *ev;
    while ((ev = evq_peek(&sim->evq)) != NULL &&
           (ev->time < t || (ev->time == t && (int)(ev->seq >> 56) <= cls))) {
        evq_pop(&sim->evq);
        sim->ev_class = (int)(ev->seq >> 56);
        run_event(sim, ev);
        if (sim->status < 0)
            return sim->status;
    }
    return SIM_OK;
}

/* Events per guest in the system between two counts of the work left:
 * a count visits every guest, so it costs 1/256 of a guest's visit per
 * event; a long run recounts every few seconds of wall time. */
#define WORK_COUNT_EVENTS_PER_GUEST 256

/* ns of work the job guests in the system (placed or waiting) still
 * have to do.  O(guests): only for progress, every
 * WORK_COUNT_EVENTS_PER_GUEST events per guest.  (A running vCPU's
 * progress since its core's last sync is not counted.) */
static double job_work_left(const struct sim *sim)
{
    double left = 0;
    for (int i = 0; i < sim->nhosts; i++) {
        const struct host *h = &sim->hosts[i];
        for (size_t k = 0; k < h->nguests; k++) {
            const struct guest *g = h->guests[k];
            if (g->kind != GUEST_JOB)
                continue;
            for (int j = 0; j < g->nvcpus; j++)
                if (g->vcpu[j].attained < g->work)
                    left += (double)(g->work - g->vcpu[j].attained);
        }
    }
    for (const struct guest *g = sim->admit_head; g; g = g->free_next)
        left += job_work(g);
    return left;
}

void sim__progress_report(struct sim *sim, sim_time_t now, uint64_t events)
{
    if (events >= sim->work_count_at) {
        sim->job_work_left = job_work_left(sim);
        sim->job_work_counted = sim->job_work_read;
        sim->work_count_at =
            events + WORK_COUNT_EVENTS_PER_GUEST * (uint64_t)(sim->metrics.in_system + 1);
    }
    struct sim_progress pr = {
        .now = now,
        .records_read = sim->source->records,
        .events = events,
        .series_end = sim->series_end,
        .all_read = !sim->have_pending,
        .work_total = sim->job_work_counted * 1e-9,
        .work_left = sim->job_work_left * 1e-9,
    };
    sim->hooks.on_progress(sim->hooks.progress_ctx, &pr);
}

/* The loop of a run on one queue. */
static int run_events(struct sim *sim)
{
    /* Progress: one countdown per event, the callback off the hot path. */
    uint64_t every = sim->hooks.progress_every ? sim->hooks.progress_every : SIM_PROGRESS_EVERY;
    uint64_t countdown = every;
    struct sim_event *ev;
    while ((ev = evq_pop(&sim->evq)) != NULL) {
        run_event(sim, ev);
        if (sim->status < 0)
            return sim->status;
        if (sim->stopped)
            break;
        if (--countdown == 0) {
            countdown = every;
            if (sim->hooks.on_progress)
                sim__progress_report(sim, sim->now, sim->metrics.events);
        }
    }
    return SIM_OK;
}

int sim_run(struct sim *sim, struct trace_reader *source, struct sim_error *err)
{
    sim->source = source;
    int rc = read_next(sim);
    if (rc < 0) {
        *err = sim->error;
        return rc;
    }
    if (sim->sample > 0 && sim->hooks.on_sample && sim->have_pending)
        evq_push(&sim->evq, &sim->sample_ev, sim->sample, SIM_EVC_CONTROL);
    if (sim->alloc_period > 0 && sim->have_pending)
        evq_push(&sim->evq, &sim->realloc_ev, sim->alloc_period, SIM_EVC_CONTROL);
    if (sim->horizon != SIM_TIME_MAX)
        evq_push(&sim->evq, &sim->horizon_ev, sim->horizon, SIM_EVC_ARRIVAL);
    consolidate_start(sim);
    int rc2 = sim->shards ? shards_run(sim) : run_events(sim);
    if (rc2 < 0) {
        *err = sim->error;
        return rc2;
    }
    account_live_guests(sim);
    if (sim->shards)
        shards_finish(sim);
    consolidate_finish(sim);
    memcpy(sim->metrics.skipped, source->skipped, sizeof sim->metrics.skipped);
    return SIM_OK;
}

void sim_result(const struct sim *sim, struct sim_result *r)
{
    double busy = 0;
    int cores = sim->ncores_total;
    for (int i = 0; i < cores; i++)
        busy += (double)sim->cores[i].busy_total;
    busy += sim->metrics.fluid_busy_s * 1e9;
    metrics_finish(&sim->metrics, busy, cores, r);
    r->peak_pending = (double)sim->evq.peak;
    r->peak_guests = (double)sim->peak_live_guests;
    consolidate_result(sim, r);
}

const struct sim_metrics *sim_metrics(const struct sim *sim) { return &sim->metrics; }

sim_time_t sim_busy_ns(const struct sim *sim)
{
    sim_time_t busy = 0;
    for (int i = 0; i < sim->ncores_total; i++)
        busy += sim->cores[i].busy_total;
    return busy;
}

long sim_violations(const struct sim *sim, const char **first)
{
    if (first)
        *first = sim->violation;
    return sim->violations;
}

sim_time_t sim_now(const struct sim *sim) { return sim->now; }

/* ---- the mechanism lent to sim/cosched.c ---- */

void sim__core_start(struct sim *sim, struct pcpu *c, struct vcpu *v) { core_start(sim, c, v); }
struct vcpu *sim__core_stop(struct sim *sim, struct pcpu *c) { return core_stop(sim, c); }
void sim__core_arm_exit(struct sim *sim, struct pcpu *c)
{
    evq_cancel(&sim->evq, &c->exit_ev);
    if (sim->exit_events && c->running->guest->rates)
        core_arm_exit(sim, c);
}
void sim__vcpu_enqueue(struct sim *sim, struct vcpu *v, enum sched_enqueue_why why)
{
    vcpu_enqueue(sim, v, why);
}
void sim__vcpu_dequeue(struct sim *sim, struct vcpu *v)
{
    vcpu_dequeue(sim, v->guest->host->sched, v);
}
void sim__vcpu_set_state(struct sim *sim, struct vcpu *v, enum vcpu_state st)
{
    vcpu_set_state(sim, v, st);
}
struct pcpu *sim__host_next_idle(struct host *h, int k) { return host_next_idle(h, k); }
void sim__poll_stop(struct sim *sim, struct pcpu *c) { poll_stop(sim, c); }
