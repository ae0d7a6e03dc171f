/*
 * sim/engine.c - the event loop and the mechanism of running vCPUs on
 * cores; policies (schedulers/) only order the ready queue.
 *
 * Events (base/evq.h tie-break classes, in this order within an instant):
 *   ARRIVAL   the next guest of the workload arrives: it is placed on a
 *             host, its vCPUs are enqueued, and the next record is read
 *             (so the trace streams; one arrival is pending at a time);
 *   CORE      the running vCPU of a core finishes or its quantum ends;
 *   CONTROL   timeline sampling;
 *   DISPATCH  a host fills its idle cores from its scheduler and, for a
 *             preemptive policy, preempts.  Deferring this to the end of
 *             the instant lets a policy see every guest that arrived at
 *             the same time (textbook SJF with all arrivals at 0).
 *
 * Progress: a vCPU of class c advances one ns of reference work per
 * factor(c) = 1 + h(c) ns of core time (docs/MODEL.md), after the world
 * switch that started it.  Progress is brought up to date (core_sync)
 * only when something looks at it: a completion, a quantum end, a
 * preemption decision.  With ideal hardware factor = 1 and all arithmetic
 * is exact in integer nanoseconds.
 *
 * Exit models.  Fluid (default): exits are a rate, their time is inside
 * h.  Discrete (--exit-model discrete): a running vCPU progresses at
 * 1/(1 + walk_h) only, and exits are Poisson events (rate: the class's
 * exits per second of work x that progress rate), each stalling the core
 * for its reason's cost.  The two agree in the mean (tests/test_hw_engine.c);
 * the discrete one exists to validate the fluid one and for small,
 * detailed studies.
 */
#include "sim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "sim/engine-private.h"
#include "sim/fluid.h"
#include "base/xalloc.h"

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

/* Hosts may differ in hardware (--platform): costs come from the host. */
static inline double class_factor(const struct sim *sim, const struct host *h, int cls)
{
    if (!h->hw->rates)
        return 1.0;
    const struct hw_rates *hr = &h->hw->rates[cls];
    return 1.0 + (sim->x->discrete_exits ? hr->walk_h : hr->h);
}

double sim__class_factor(const struct sim *sim, const struct guest *g)
{
    return class_factor(sim, g->host, g->cls);
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
    if (!g->host->hw->rates)
        return;
    const struct hw_rates *hr = &g->host->hw->rates[g->cls];
    g->walk_seconds += g->done_s * hr->walk_h;
    /* Discrete exits were charged one by one (core_exit); series guests
     * always take them as a rate. */
    if (sim->x->discrete_exits && !g->fl)
        return;
    g->exit_seconds += g->done_s * hr->exit_h;
    for (int r = 0; r < HW_EXIT_REASONS; r++)
        sim->metrics.exits[r] += g->done_s * hr->exit_rate[r];
    g->exits += g->done_s * hr->exits_per_s;
}

static inline sim_time_t switch_cost(const struct host *h, int from_cls, int to_cls)
{
    const struct sim_hw_tables *hw = h->hw;
    if (!hw->switch_cost)
        return 0;
    return hw->switch_cost[(size_t)(from_cls + 1) * hw->nclasses + (size_t)to_cls];
}

/* ---- cores ---- */

static void host_dispatch(struct sim *sim, struct sim_event *ev);

/* Dispatch at the end of the current instant.  When no other event is
 * due at this instant the end is now, and the dispatch runs at once
 * (saving a trip through the heap); callers therefore request it last,
 * after their own state changes. */
static void host_request_dispatch(struct sim *sim, struct host *h)
{
    if (sim_event_pending(&h->dispatch_ev))
        return;
    if (evq_next_time(&sim->evq) == sim->now)
        evq_push(&sim->evq, &h->dispatch_ev, sim->now, SIM_EVC_DISPATCH);
    else
        host_dispatch(sim, &h->dispatch_ev);
}

/* Bring the running vCPU's progress up to now (and the work on which
 * the overhead is charged at completion). */
static void core_sync(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    if (!v || sim->now <= c->run_from)
        return;
    sim_time_t wall = sim->now - c->run_from;
    struct guest *g = v->guest;
    sim_time_t done;
    if (c->host->hw->rates) {
        done = (sim_time_t)((double)wall / class_factor(sim, c->host, g->cls));
        if (done > v->work_left)
            done = v->work_left;
        g->done_s += sim_time_to_s(done);
    } else {
        done = wall < v->work_left ? wall : v->work_left;
    }
    v->work_left -= done;
    v->attained += done;
    c->run_from = sim->now;
}

/* Schedule the core's next event: completion of the running vCPU or the
 * end of its quantum, whichever comes first. */
static void core_arm(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    double f = class_factor(sim, c->host, v->guest->cls);
    sim_time_t need = f == 1.0 ? v->work_left : (sim_time_t)ceil((double)v->work_left * f);
    sim_time_t at = c->run_from + need;
    if (c->slice_end < at)
        at = c->slice_end;
    evq_cancel(&sim->evq, &c->ev);
    evq_push(&sim->evq, &c->ev, at, SIM_EVC_CORE);
}

/* Discrete exits: the next exit of the running vCPU, an exponential
 * time of progress after run_from. */
static void core_arm_exit(struct sim *sim, struct pcpu *c)
{
    const struct hw_rates *hr = &c->host->hw->rates[c->running->guest->cls];
    if (hr->exits_per_s <= 0)
        return;
    double wall_rate = hr->exits_per_s / class_factor(sim, c->host, c->running->guest->cls);
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
    const struct hw_rates *hr = &c->host->hw->rates[g->cls];
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
    g->exit_seconds += sim_time_to_s(cost);
    g->exits += 1;
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

/* The lowest-numbered idle core of h, NULL if none. */
static struct pcpu *host_first_idle(struct host *h)
{
    if (h->nidle == 0)
        return NULL;
    for (int w = 0;; w++)
        if (h->idle_bits[w])
            return &h->cores[w * 64 + __builtin_ctzll(h->idle_bits[w])];
}

static void core_start(struct sim *sim, struct pcpu *c, struct vcpu *v)
{
    assert(!c->running && !v->core && !v->queued);
    struct guest *g = v->guest;
    core_set_idle(c, false);
    c->running = v;
    v->core = c;
    sim_time_t cost = 0;
    if (c->last_guest != g->seq || c->last_vcpu != v->index) {
        cost = switch_cost(c->host, c->last_cls, g->cls);
        sim->metrics.switches++;
        g->switches++;
        g->switch_seconds += sim_time_to_s(cost);
    }
    c->busy_since = sim->now;
    c->run_from = sim->now + cost;
    if (g->first_start < 0)
        g->first_start = sim->now;
    sim_time_t slice = sched_timeslice(c->host->sched, v);
    c->slice_end = slice > 0 ? c->run_from + slice : SIM_TIME_MAX;
    core_arm(sim, c);
    if (sim->x->discrete_exits && c->host->hw->rates)
        core_arm_exit(sim, c);
}

/* Take the running vCPU off the core (it stays runnable or is done). */
static struct vcpu *core_stop(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    core_sync(sim, c);
    evq_cancel(&sim->evq, &c->ev);
    evq_cancel(&sim->evq, &c->exit_ev);
    if (c->free_running) {
        c->free_running = false;
        c->host->nfree_running--;
    }
    sim_time_t ran = sim->now - c->busy_since;
    if (sim->hooks.on_segment && ran > 0) {
        struct sim_segment seg = {c->host->index, c->index, v->guest, v->index, c->busy_since,
                                  sim->now};
        sim->hooks.on_segment(sim->hooks.cb_ctx, &seg);
    }
    v->cpu_time += ran;
    c->busy_total += ran;
    c->last_guest = v->guest->seq;
    c->last_vcpu = v->index;
    c->last_cls = v->guest->cls;
    c->running = NULL;
    core_set_idle(c, true);
    v->core = NULL;
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
        sim_time_t q = sched_timeslice(h->sched, c->running);
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
    v->queued = true;
    s->ops->enqueue(s, v, why);
    if (h->nfree_running)
        host_arm_free_cores(sim, h);
}

static void vcpu_dequeue(struct sched *s, struct vcpu *v)
{
    assert(v->queued);
    s->ops->dequeue(s, v);
    v->queued = false;
}

/* ---- guests ---- */

static struct guest *guest_alloc(struct sim *sim, int nvcpus)
{
    struct guest **pp = &sim->free_guests;
    while (*pp && (*pp)->vcpu_cap < nvcpus)
        pp = &(*pp)->free_next;
    struct guest *g = *pp;
    if (g) {
        *pp = g->free_next;
    } else {
        g = xmalloc(sizeof *g + (size_t)nvcpus * sizeof(struct vcpu));
        g->vcpu_cap = nvcpus;
        sim->live_guests++;
        if (sim->live_guests > sim->peak_live_guests)
            sim->peak_live_guests = sim->live_guests;
    }
    int cap = g->vcpu_cap;
    memset(g, 0, sizeof *g + (size_t)nvcpus * sizeof(struct vcpu));
    g->vcpu_cap = cap;
    return g;
}

static void guest_release(struct sim *sim, struct guest *g)
{
    free(g->id);
    g->id = NULL;
    fluid_guest_free(g);
    g->free_next = sim->free_guests;
    sim->free_guests = g;
}

static void admit_waiting(struct sim *sim);

void sim__guest_complete(struct sim *sim, struct guest *g)
{
    sim_time_t service = 0, cpu = 0, size = g->work;
    struct sim_metrics *m = &sim->metrics;
    if (g->fl) {
        /* A series guest's natural life is its series: its "service" and
         * the base of its slowdown, so that waiting is the delay its caps
         * or its host caused, and slowdown 1 means it was never held back. */
        cpu = sim_time_from_s(g->fl->used_s);
        service = size = sim_time_from_s(g->fl->series->interval * (double)g->fl->series->n);
        m->unmet_s += g->fl->unmet_s;
        m->idle_s += g->fl->idle_s;
        m->fluid_busy_s += g->fl->used_s;
    }
    for (int i = 0; i < g->nvcpus && !g->fl; i++) {
        if (g->vcpu[i].cpu_time > service)
            service = g->vcpu[i].cpu_time;
        cpu += g->vcpu[i].cpu_time;
    }
    guest_charge_overhead(sim, g);
    metrics_population(m, sim->now, -1);
    metrics_complete(m, g->arrival, sim->now, g->first_start, service, g->work, size,
                     g->nvcpus);
    m->exit_seconds += g->exit_seconds;
    m->walk_seconds += g->walk_seconds;
    m->switch_seconds += g->switch_seconds;
    if (sim->hooks.on_job) {
        struct sim_job_info job = {g, sim->now, service, cpu};
        sim->hooks.on_job(sim->hooks.cb_ctx, &job);
    }
    g->host->mem_used -= g->mem_mb;
    g->host->vcpus_placed -= g->nvcpus;
    guest_release(sim, g);
    if (sim->admit_head)
        admit_waiting(sim);
}

static void vcpu_finished(struct sim *sim, struct vcpu *v)
{
    struct guest *g = v->guest;
    g->host->nrunnable--;
    if (--g->vcpus_left == 0)
        sim__guest_complete(sim, g);
}

/* ---- events ---- */

static void core_timer(struct sim *sim, struct sim_event *ev)
{
    struct pcpu *c = container_of(ev, struct pcpu, ev);
    struct vcpu *v = c->running;
    struct host *h = c->host;
    core_sync(sim, c);
    if (v->work_left == 0) {
        core_stop(sim, c);
        vcpu_finished(sim, v);
        host_request_dispatch(sim, h);
        return;
    }
    if (sim->now >= c->slice_end) {
        struct sched *s = h->sched;
        struct vcpu *w = s->ops->peek(s);
        /* Preempt only if someone is waiting (and, for a policy that
         * orders by a key, only for an equal or better one). */
        if (w && (!(s->flags & SCHED_PREEMPTIVE) || s->ops->compare(s, w, v) <= 0)) {
            core_stop(sim, c);
            vcpu_enqueue(sim, v, SCHED_ENQ_PREEMPTED);
            host_request_dispatch(sim, h);
            return;
        }
        if (!w) {
            /* Nobody waits: run on without an event per quantum until
             * someone is enqueued (host_arm_free_cores). */
            c->free_running = true;
            c->slice_base = c->slice_end;
            c->slice_end = SIM_TIME_MAX;
            h->nfree_running++;
        } else {
            sim_time_t slice = sched_timeslice(s, v);
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
        if (!worst || s->ops->compare(s, c->running, worst->running) >= 0)
            worst = c;
    }
    return worst;
}

static void host_dispatch(struct sim *sim, struct sim_event *ev)
{
    struct host *h = container_of(ev, struct host, dispatch_ev);
    struct sched *s = h->sched;
    struct pcpu *c;
    while ((c = host_first_idle(h)) != NULL) {
        struct vcpu *v = s->ops->peek(s);
        if (!v)
            return;   /* every ready vCPU has a core: nothing to preempt */
        vcpu_dequeue(s, v);
        core_start(sim, c, v);
    }
    if (!(s->flags & SCHED_PREEMPTIVE))
        return;
    for (;;) {
        struct vcpu *v = s->ops->peek(s);
        if (!v)
            return;
        struct pcpu *worst = host_worst_running(sim, h);
        if (s->ops->compare(s, v, worst->running) >= 0)
            return;
        struct vcpu *old = core_stop(sim, worst);
        vcpu_enqueue(sim, old, SCHED_ENQ_PREEMPTED);
        vcpu_dequeue(s, v);
        core_start(sim, worst, v);
    }
}

static int read_next(struct sim *sim);

/* Placement (--place): a host where the guest fits now, or NULL. */
static struct host *place_guest(struct sim *sim, const struct guest *g)
{
    return sim->place->choose(sim->x->place.conf, sim->hosts, sim->nhosts, g);
}

/* Could the guest fit on some host if that host were empty? */
static bool guest_can_ever_fit(const struct sim *sim, const struct guest *g)
{
    for (int i = 0; i < sim->nhosts; i++)
        if (host_could_fit(&sim->hosts[i], g))
            return true;
    return false;
}

/* Put g on h: take its memory and make its vCPUs ready. */
static void guest_admit(struct sim *sim, struct guest *g, struct host *h)
{
    g->host = h;
    h->mem_used += g->mem_mb;
    h->vcpus_placed += g->nvcpus;
    if (g->fl) {
        fluid_admit(sim, g, h);
        return;
    }
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *v = &g->vcpu[i];
        v->guest = g;
        v->index = i;
        v->work_left = g->work;
        h->nrunnable++;
        vcpu_enqueue(sim, v, SCHED_ENQ_ARRIVAL);
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
        guest_admit(sim, g, h);
        host_request_dispatch(sim, h);
    }
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
    enum sim_mode mode = rec->series ? SIM_MODE_SERIES : SIM_MODE_JOBS;
    if (sim->mode != SIM_MODE_NONE && sim->mode != mode) {
        guest_release(sim, g);
        sim->status = sim_error_set(&sim->error, SIM_EINVAL, sim->source->path, rec->line, 0,
                                    "a workload mixes guests with a utilisation series and "
                                    "guests with fixed work; hvsim runs one kind at a time");
        return;
    }
    if (mode == SIM_MODE_JOBS && sim->alloc_period > 0) {
        guest_release(sim, g);
        sim->status = sim_error_usage(&sim->error, "--alloc %s re-allocates by observed "
                                      "demand, which needs guests with a utilisation series "
                                      "(formats planetlab, bitbrains); these guests have fixed "
                                      "work: use --alloc static", sim->alloc->info.name);
        return;
    }
    sim->mode = mode;
    g->work = sim_time_from_s(rec->work);
    if (g->work < 1)
        g->work = 1;   /* work > 0 but below 1 ns: the clock's resolution */
    g->nvcpus = rec->vcpus;
    g->mem_mb = rec->mem_mb;
    g->priority = rec->priority;
    g->weight = rec->weight;
    g->deadline = rec->deadline >= 0 ? sim_time_from_s(rec->deadline) : -1;
    g->cls = cls;
    g->first_start = -1;
    g->vcpus_left = g->nvcpus;
    if (rec->series)
        fluid_guest_init(g, rec);

    if (!m->any_arrival) {
        m->first_arrival = sim->now;
        m->last_change = sim->now;
        m->any_arrival = true;
    }
    m->arrived++;
    /* FIFO admission: while others wait, a newcomer waits behind them. */
    struct host *h = sim->admit_head ? NULL : place_guest(sim, g);
    if (h) {
        metrics_population(m, sim->now, +1);
        guest_admit(sim, g, h);
    } else if (sim->x->admission_reject || !guest_can_ever_fit(sim, g)) {
        m->rejected++;
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
        host_request_dispatch(sim, h);
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
    evq_push(&sim->evq, &sim->arrival_ev, at, SIM_EVC_ARRIVAL);
    return SIM_OK;
}

/* Timeline: utilisation of each host over the last interval. */
static void sample_timer(struct sim *sim, struct sim_event *ev)
{
    sim_time_t len = sim->now - sim->last_sample;
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        double busy = 0;
        long running = 0;
        for (int k = 0; k < h->ncores; k++) {
            struct pcpu *c = &h->cores[k];
            busy += (double)c->busy_total;
            if (c->running) {
                busy += (double)(sim->now - c->busy_since);
                running++;
            }
        }
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
        };
        sim->sample_busy[i] = busy;
        if (sim->mode == SIM_MODE_SERIES) {
            /* series guests: means over the interval */
            fluid_host_advance(sim, h);
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

/* ---- invariants (debug) ---- */

static void violate(struct sim *sim, const char *what, int host, int core)
{
    if (sim->violations++ == 0)
        snprintf(sim->violation, sizeof sim->violation, "t=%" PRI_simtime " ns host %d core %d: %s",
                 sim->now, host, core, what);
}

/* What must hold between events: a vCPU runs on at most one core and its
 * core points back at it; a running vCPU is not queued; a work-conserving
 * policy leaves no core idle while a vCPU is ready (unless the dispatch
 * of this instant is still pending); no host is over its memory. */
static void check_invariants(struct sim *sim)
{
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        bool idle = false;
        for (int k = 0; k < h->ncores; k++) {
            struct pcpu *c = &h->cores[k];
            if (!c->running) {
                idle = true;
                continue;
            }
            if (c->running->core != c)
                violate(sim, "vCPU does not point back at its core (on two cores?)", i, k);
            if (c->running->queued)
                violate(sim, "running vCPU is also queued", i, k);
        }
        if (idle && !(h->sched->flags & SCHED_NOT_CONSERVING) &&
            !sim_event_pending(&h->dispatch_ev) && h->sched->ops->peek(h->sched))
            violate(sim, "a core is idle while a vCPU is ready", i, -1);
        if (h->mem_mb > 0 && h->mem_used > h->mem_mb * (1 + 1e-12))
            violate(sim, "host memory over capacity", i, -1);
        if (h->vcpu_limit > 0 && (double)h->vcpus_placed > h->vcpu_limit)
            violate(sim, "host vCPUs over the overcommit limit", i, -1);
        if (!sim_event_pending(&h->refluid_ev)) {
            double used = 0;
            for (size_t k = 0; k < h->nfluid; k++) {
                const struct fluid_guest *f = h->fluid[k]->fl;
                if (f->used > f->grant * (1 + 1e-12) + 1e-12)
                    violate(sim, "a series guest uses more than its grant", i, -1);
                used += f->used;
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
    sim->nhosts = x->nhosts;
    sim->ncores_total = (int)total_cores;
    evq_init(&sim->evq);
    sim_rng_init(&sim->rng, x->seed, rep);
    metrics_init(&sim->metrics, x->warmup);
    sim_event_init(&sim->arrival_ev, guest_arrival);
    sim_event_init(&sim->sample_ev, sample_timer);
    trace_record_init(&sim->pending);
    sim->hosts = xcalloc((size_t)x->nhosts, sizeof *sim->hosts);
    sim->cores = xcalloc(total_cores, sizeof *sim->cores);
    sim->sample_busy = xcalloc((size_t)x->nhosts, sizeof *sim->sample_busy);
    sim->sample_acc = xcalloc((size_t)x->nhosts * 3, sizeof *sim->sample_acc);
    sim_event_init(&sim->realloc_ev, fluid_reallocate);
    size_t first = 0;
    for (int i = 0; i < x->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        const struct sim_host_spec *spec = &x->hosts[i];
        h->index = i;
        h->ncores = spec->cores;
        h->mem_mb = spec->mem_mb;
        h->hw = spec->hw ? spec->hw : &x->hw;
        h->vcpu_limit = x->overcommit > 0 ? x->overcommit * h->ncores : 0;
        h->cores = &sim->cores[first];
        first += (size_t)h->ncores;
        h->idle_bits = xcalloc((size_t)(h->ncores + 63) / 64, sizeof *h->idle_bits);
        sim_event_init(&h->dispatch_ev, host_dispatch);
        sim_event_init(&h->refluid_ev, NULL);   /* handler set by sim/fluid.c */
        for (int k = 0; k < h->ncores; k++) {
            struct pcpu *c = &h->cores[k];
            c->host = h;
            c->index = k;
            c->last_guest = UINT64_MAX;
            c->last_vcpu = -1;
            c->last_cls = -1;
            c->slice_end = SIM_TIME_MAX;
            core_set_idle(c, true);
            sim_event_init(&c->ev, core_timer);
            sim_event_init(&c->exit_ev, core_exit);
        }
    }
    for (int i = 0; i < x->nhosts; i++) {
        uint64_t seed = sim_rng_seed(x->seed, rep, SIM_STREAM_POLICY, (uint64_t)i);
        int rc = sched_create(&sim->hosts[i].sched, sim->sched, x->sched.conf, &sim->hosts[i],
                              sim, seed, err);
        if (rc < 0) {
            sim_destroy(sim);
            return rc;
        }
    }
    *out = sim;
    return SIM_OK;
}

static void free_guest_list(struct guest *g)
{
    while (g) {
        struct guest *next = g->free_next;
        free(g);
        g = next;
    }
}

void sim_destroy(struct sim *sim)
{
    if (!sim)
        return;
    /* Events live inside cores, hosts and guests: empty the queue before
     * any of them is freed. */
    evq_destroy(&sim->evq);

    /* Guests still in the system (a run stopped by an error) are
     * reachable only through their vCPUs on cores and in queues: collect
     * each once (vcpus_left = -1 marks it) onto the free list. */
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        if (!h->sched)
            continue;
        for (int k = 0; k < h->ncores; k++) {
            struct vcpu *v = h->cores[k].running;
            if (!v)
                continue;
            h->cores[k].running = NULL;
            v->core = NULL;
            if (v->guest->vcpus_left >= 0) {
                v->guest->vcpus_left = -1;
                guest_release(sim, v->guest);
            }
        }
        struct vcpu *v;
        while ((v = h->sched->ops->peek(h->sched)) != NULL) {
            vcpu_dequeue(h->sched, v);
            if (v->guest->vcpus_left >= 0) {
                v->guest->vcpus_left = -1;
                guest_release(sim, v->guest);
            }
        }
        sched_destroy(h->sched);
    }
    for (int i = 0; i < sim->nhosts; i++) {
        struct host *h = &sim->hosts[i];
        for (size_t k = 0; k < h->nfluid; k++)   /* a run stopped by an error */
            guest_release(sim, h->fluid[k]);
        free(h->fluid);
        free(h->fluid_tmp);
        free(h->idle_bits);
    }
    free_guest_list(sim->admit_head);   /* still waiting for memory */
    free_guest_list(sim->free_guests);
    sim_rng_destroy(&sim->rng);
    metrics_destroy(&sim->metrics);
    trace_record_clear(&sim->pending);
    free(sim->sample_busy);
    free(sim->sample_acc);
    free(sim->cores);
    free(sim->hosts);
    free(sim);
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
    /* Progress: one countdown per event, the callback off the hot path. */
    uint64_t every = sim->hooks.progress_every ? sim->hooks.progress_every : SIM_PROGRESS_EVERY;
    uint64_t countdown = every;
    struct sim_event *ev;
    while ((ev = evq_pop(&sim->evq)) != NULL) {
        if (ev->time < sim->now)
            violate(sim, "time went backwards", -1, -1);
        assert(ev->time >= sim->now);
        sim->now = ev->time;
        sim->metrics.events++;
        ev->fn(sim, ev);
        if (sim->hooks.check_invariants)
            check_invariants(sim);
        if (sim->status < 0) {
            *err = sim->error;
            return sim->status;
        }
        if (--countdown == 0) {
            countdown = every;
            if (sim->hooks.on_progress) {
                struct sim_progress pr = {sim->now, source->records, sim->metrics.events};
                sim->hooks.on_progress(sim->hooks.progress_ctx, &pr);
            }
        }
    }
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
