/*
 * sim/cosched.c - co-scheduling of a VM's vCPUs (--cosched strict|relaxed,
 * --rigid) and the problem it solves, spinlocks held by preempted vCPUs.
 * docs/MODEL.md, "Co-scheduling and spinlocks", says what each part
 * follows and what it leaves out; engine.c calls in through short hooks.
 *
 * Gangs (strict, rigid).  The policy still decides who runs: a pCPU asks
 * its policy for a vCPU as usual, and when that vCPU belongs to a gang,
 * the engine claims idle cores for all of its gang's queued vCPUs and
 * starts them together, each on its last core when that one is idle.  A
 * gang that does not fit waits, and its host's idle cores that it may use
 * are held for it (no backfilling: FCFS gang scheduling): the next cores
 * to free up, and every core whose slice ends, go to it until it fits.
 * One gang waits at a time per host; another gang picked meanwhile on a
 * core the waiting one may not use leaves that core idle too.  Such idle
 * time is counted (gang_idle_seconds) and is the one exception to the
 * engine's invariant that no core idles while a vCPU it may run waits.
 *   strict  (ESX 2's co-scheduling): a VM's vCPUs start together and stop
 *           together: when one is preempted (its slice ended, a better
 *           vCPU wanted its core), its running siblings are co-stopped
 *           with it.  A sibling that wakes while its gang runs joins it on
 *           an idle core, or, when none is left, the gang is co-stopped
 *           and starts again when cores for all of it are free.  A vCPU
 *           that halts leaves alone (a gang is its runnable vCPUs); caps
 *           throttle a guest's vCPUs all at once anyway.
 *   rigid   a job's vCPUs start together the first time, as HPC logs
 *           assume; then they are scheduled one by one (they do not stop
 *           together).
 *
 * Relaxed (VMware ESX 4 and later, "The CPU Scheduler in VMware vSphere
 * 5.1", 2013, "Relaxed Co-Scheduling").  Each vCPU's progress is the time
 * it ran or was halted (an idle vCPU makes progress, as ESX counts it);
 * the skew of a vCPU is how far its progress leads its slowest sibling.
 * When a running vCPU's skew reaches the threshold (--cosched-skew), it is
 * co-stopped (off its core, runnable but held back: VCPU_COSTOPPED) until
 * every sibling behind it has caught up with it (its skew is 0); then it
 * is co-started (enqueued again, SCHED_ENQ_COSTART).  A halted vCPU's progress stops at its
 * slowest sibling's when it wakes, so a vCPU that was idle neither leads
 * nor lags.  Events are exact: the skew of a running vCPU never exceeds
 * the threshold.
 *
 * Spinlocks (lock-holder preemption, Uhlig et al., VM 2004).  A vCPU of a
 * class with spin_fraction f > 0 is inside a critical section of length L
 * (critical_section) a fraction f of its running time.  Entries are a
 * Poisson stream on the axis of its work, mean L (1 - f) / f apart, so
 * nothing needs an event until a vCPU is preempted: with probability f it
 * was inside a critical section, and it keeps its guest's lock for the
 * rest of it, uniform on (0, L).  While that holder is off its core, each
 * running sibling reaches its next entry after an exponential amount of
 * work and spins: its core is busy and it does no work.  When the holder
 * runs again it finishes its critical section and releases the lock, and
 * the spinners go on.  (Contention among running vCPUs is the guest's own:
 * it is inside the reference work, so it costs nothing here.)  With
 * PAUSE-loop exiting (a profile's ple_window, ple_gap > 0) a spinner takes
 * a PAUSE exit after a window of spinning (priced as the profile's pause
 * exit), and, as KVM's kvm_vcpu_on_spin, yields to a preempted sibling of
 * its VM, the first runnable one after the last it boosted: that sibling
 * takes its core (KVM boosts it on its own runqueue with yield_to; giving
 * it the yielding core needs nothing of the policy).  With none to yield
 * to it spins on, its window grown as grow_ple_window does; a schedule-in
 * resets the window (ple_window_shrink 0).  Ideal hardware has no
 * spinlocks: with --hw none no vCPU spins.  Each guest's draws come from
 * a GSL stream of its own (seed, replication, guest), so that turning
 * spinlocks on in one class never moves another guest's numbers.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>

#include "base/xalloc.h"
#include "sim/engine-private.h"

/* g's co-scheduling and spinlock record, and v's part of it.  Every guest
 * the paths below see has one (cosched_admit gives it to every guest of
 * a co-scheduled run and to each that takes a spinlock); a path that may
 * meet a guest without one asks guest_side_co. */
static inline struct guest_cosched *co_of(const struct guest *g)
{
    return g->sides->co;
}
static inline struct vcpu_cosched *vco(const struct vcpu *v)
{
    return &co_of(v->guest)->vc[v->index];
}

/* ---- gangs ---- */

/* May g's vCPUs run on c?  (They share the guest's affinity.) */
static bool guest_may_run(const struct guest *g, const struct pcpu *c)
{
    return vcpu_may_run(&g->vcpu[0], c->index);
}

/* Does g start as a gang now? */
static bool needs_gang(const struct sim *sim, const struct guest *g)
{
    if (g->nvcpus < 2)
        return false;
    return sim->strict || (sim->x->rigid && g->kind == GUEST_JOB && g->first_start < 0);
}

static int queued_members(const struct guest *g)
{
    int n = 0;
    for (int i = 0; i < g->nvcpus; i++)
        n += g->vcpu[i].state == VCPU_QUEUED;
    return n;
}

/* Idle cores of h that g may use. */
static int idle_for(struct host *h, const struct guest *g)
{
    int n = 0;
    for (struct pcpu *c = sim__host_next_idle(h, 0); c; c = sim__host_next_idle(h, c->index + 1))
        n += guest_may_run(g, c);
    return n;
}

/* Start g's queued vCPUs together on idle cores (the caller checked that
 * they fit): v on c first when given, each other on its last core when
 * that is idle (no migration), else on the lowest idle core it may use. */
static void gang_start(struct sim *sim, struct host *h, struct guest *g, struct pcpu *c,
                       struct vcpu *v)
{
    if (v) {
        sim__vcpu_dequeue(sim, v);
        sim__core_start(sim, c, v);
    }
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < g->nvcpus; i++) {
            struct vcpu *u = &g->vcpu[i];
            if (u->state != VCPU_QUEUED)
                continue;
            struct pcpu *to = NULL;
            if (u->last_core >= 0 && !h->cores[u->last_core].running &&
                guest_may_run(g, &h->cores[u->last_core]))
                to = &h->cores[u->last_core];
            else if (pass == 0)
                continue;   /* the vCPUs with their own core idle go first */
            for (struct pcpu *k = sim__host_next_idle(h, 0); !to && k;
                 k = sim__host_next_idle(h, k->index + 1))
                if (guest_may_run(g, k))
                    to = k;
            sim__vcpu_dequeue(sim, u);
            sim__core_start(sim, to, u);
        }
}

/* strict: take every running vCPU of g off its core, back to the queues. */
static void gang_stop(struct sim *sim, struct guest *g)
{
    co_of(g)->costops++;
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *u = &g->vcpu[i];
        if (u->state != VCPU_RUNNING)
            continue;
        sim__core_stop(sim, u->core);
        sim__vcpu_enqueue(sim, u, SCHED_ENQ_PREEMPTED);
    }
}

void cosched_held_advance(struct sim *sim, struct host *h)
{
    h->held_ns += (double)h->held * (double)(sim->now - h->held_last);
    h->held_last = sim->now;
}

/* The idle cores held for the waiting gang: counted from now, and no
 * longer polled for a halted vCPU (a runnable gang wants them: KVM stops
 * polling when another task waits for the core). */
static void held_update(struct sim *sim, struct host *h)
{
    int n = 0;
    const struct guest *w = h->gang_wait;
    for (struct pcpu *c = w ? sim__host_next_idle(h, 0) : NULL; c;
         c = sim__host_next_idle(h, c->index + 1)) {
        if (!guest_may_run(w, c))
            continue;
        n++;
        if (c->poller)
            sim__poll_stop(sim, c);
    }
    h->held = n;
}

void cosched_dispatch(struct sim *sim, struct host *h)
{
    struct sched *s = h->sched;
    cosched_held_advance(sim, h);
    /* Running gangs with a sibling that woke: an idle core each, or stop. */
    while (h->gang_partial) {
        struct guest *g = h->gang_partial;
        h->gang_partial = co_of(g)->gang_next;
        co_of(g)->gang_next = NULL;
        co_of(g)->gang_partial = false;
        int need = queued_members(g);
        if (g->nrunning == 0 || need == 0)
            continue;
        if (idle_for(h, g) >= need)
            gang_start(sim, h, g, NULL, NULL);
        else
            gang_stop(sim, g);
    }
    /* The gang that waits for cores. */
    struct guest *w = h->gang_wait;
    if (w) {
        int need = queued_members(w);
        if (need == 0 || w->nrunning > 0) {
            h->gang_wait = NULL;
        } else if (idle_for(h, w) >= need) {
            h->gang_wait = NULL;
            gang_start(sim, h, w, NULL, NULL);
        }
    }
    /* Idle cores, lowest first, as engine.c's dispatch does. */
    bool percpu = s->flags & SCHED_PERCPU;
    for (struct pcpu *c = sim__host_next_idle(h, 0); c; c = sim__host_next_idle(h, c->index + 1)) {
        if (h->gang_wait && guest_may_run(h->gang_wait, c))
            continue;   /* held */
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
        struct guest *g = v->guest;
        if (!needs_gang(sim, g)) {
            sim__vcpu_dequeue(sim, v);
            sim__core_start(sim, c, v);
        } else if (queued_members(g) <= idle_for(h, g)) {
            gang_start(sim, h, g, c, v);
        } else if (!h->gang_wait) {
            h->gang_wait = g;   /* it waits; the cores it may use are held from now */
        }
    }
    held_update(sim, h);
}

void cosched_preempt(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    struct guest *g = v->guest;
    if (sim->strict && g->nvcpus > 1 && g->nrunning > 1) {
        gang_stop(sim, g);
    } else {
        sim__core_stop(sim, c);
        sim__vcpu_enqueue(sim, v, SCHED_ENQ_PREEMPTED);
    }
    sim__host_dispatch_soon(sim, c->host);
}

/* A gang starts for its best vCPU (the one the policy picked) and stops as
 * a whole, so a preemptive policy must weigh it by that vCPU: weighed by
 * its weakest member, a gang just started would be stopped at once for a
 * vCPU it beat a moment before, and started again, forever in one
 * instant. */
const struct vcpu *cosched_rank(struct sim *sim, const struct vcpu *v)
{
    const struct guest *g = v->guest;
    if (!sim->strict || g->nvcpus < 2 || g->nrunning < 2)
        return v;
    struct sched *s = g->host->sched;
    const struct vcpu *best = v;
    for (int i = 0; i < g->nvcpus; i++) {
        const struct vcpu *u = &g->vcpu[i];
        if (u->state != VCPU_RUNNING || u == best)
            continue;
        sim__core_sync(sim, u->core);
        if (s->ops->compare(s, u, best) < 0)
            best = u;
    }
    return best;
}

bool cosched_drain(struct sim *sim, struct pcpu *c)
{
    (void)sim;
    const struct guest *w = c->host->gang_wait;
    return w && c->running && c->running->guest != w && guest_may_run(w, c) &&
           queued_members(w) > 0;
}

bool cosched_may_resume(struct sim *sim, const struct vcpu *v)
{
    /* Under strict a halted vCPU resumes on its polling core only if that
     * leaves no sibling of a stopped gang behind. */
    return !sim->strict || v->guest->nvcpus < 2 || v->guest->nrunning > 0 ||
           queued_members(v->guest) == 0;
}

void cosched_gang_partial(struct sim *sim, struct guest *g)
{
    (void)sim;
    struct host *h = g->host;
    if (co_of(g)->gang_partial)
        return;
    co_of(g)->gang_partial = true;
    co_of(g)->gang_next = h->gang_partial;
    h->gang_partial = g;
}

bool cosched_idle_ok(struct sim *sim, struct host *h, struct pcpu *c)
{
    if (h->gang_wait && guest_may_run(h->gang_wait, c))
        return true;
    struct vcpu *v = h->sched->ops->pick(h->sched, c);
    return v && needs_gang(sim, v->guest) && queued_members(v->guest) > idle_for(h, v->guest);
}

int cosched_gang_check(struct sim *sim, struct guest *g, const struct trace_record *rec)
{
    bool job = !rec->activity && !rec->series;
    bool fluid = rec->series && sim->x->fluid;
    if (g->nvcpus < 2 || fluid || !(sim->strict || (sim->x->rigid && job)))
        return SIM_OK;
    for (int i = 0; i < sim->nhosts; i++) {
        const struct host *h = &sim->hosts[i];
        uint64_t aff = g->affinity ? g->affinity
                       : h->class_affinity ? h->class_affinity[g->cls] : 0;
        int n = 0;
        for (int k = 0; k < h->ncores; k++)
            n += aff == 0 || (k < 64 && ((aff >> k) & 1));
        if (n < g->nvcpus) {
            sim->status = sim_error_set(&sim->error, SIM_EINVAL, sim->source->path, rec->line, 0,
                                        "%d vCPUs that start together (%s) need as many cores "
                                        "they may use on every host, and host %d has %d: they "
                                        "could never start", g->nvcpus,
                                        sim->strict ? "--cosched strict" : "--rigid", i, n);
            return sim->status;
        }
    }
    return SIM_OK;
}

/* ---- relaxed co-scheduling ---- */

static bool progressing(enum vcpu_state s) { return s == VCPU_RUNNING || s == VCPU_BLOCKED; }

static bool stalled(enum vcpu_state s)
{
    return s == VCPU_QUEUED || s == VCPU_THROTTLED || s == VCPU_COSTOPPED;
}

/* v's progress now. */
static sim_time_t progress(const struct sim *sim, const struct vcpu *v)
{
    return vco(v)->progress + (progressing(v->state) ? sim->now - v->since : 0);
}

/* The slowest progress among g's vCPUs that are not done, except `skip`;
 * SIM_TIME_MAX if none. */
static sim_time_t slowest(const struct sim *sim, const struct guest *g, const struct vcpu *skip)
{
    sim_time_t m = SIM_TIME_MAX;
    for (int i = 0; i < g->nvcpus; i++) {
        const struct vcpu *u = &g->vcpu[i];
        if (u != skip && u->state != VCPU_DONE) {
            sim_time_t p = progress(sim, u);
            if (p < m)
                m = p;
        }
    }
    return m;
}

/* When co-stopped u may go again, from now: once every sibling behind it
 * has caught up with it (ESX: "until the laggards catch up").  Siblings
 * behind it that all progress (run, or are halted) catch up after the
 * largest gap; one held back (queued, throttled, co-stopped) catches up
 * at no known time: SIM_TIME_MAX, re-armed when a state changes.  Going
 * again only once caught up, not as soon as the laggards move, keeps a
 * policy that prefers u (SRPT, a fair class's wake-up preemption) from
 * preempting its laggard at once, co-stopping u again in the same
 * instant, forever. */
static sim_time_t catch_up(const struct sim *sim, const struct guest *g, const struct vcpu *u)
{
    sim_time_t p = progress(sim, u), dt = 0;
    for (int i = 0; i < g->nvcpus; i++) {
        const struct vcpu *w = &g->vcpu[i];
        if (w == u || w->state == VCPU_DONE)
            continue;
        sim_time_t q = progress(sim, w);
        if (q >= p)
            continue;
        if (stalled(w->state))
            return SIM_TIME_MAX;
        if (p - q > dt)
            dt = p - q;
    }
    return dt;
}

/* Arm g's next co-stop or co-start.  Differences in progress change only
 * while a vCPU is stalled: a running vCPU reaches the threshold over the
 * slowest stalled one S at now + skew - (P - S), P the progress of the
 * leading running vCPU; a co-stopped vCPU goes when its laggards have
 * caught up (catch_up). */
static void relaxed_arm(struct sim *sim, struct guest *g)
{
    sim_time_t s1 = SIM_TIME_MAX, prun = -1;
    for (int i = 0; i < g->nvcpus; i++) {
        const struct vcpu *u = &g->vcpu[i];
        sim_time_t p = progress(sim, u);
        if (stalled(u->state) && p < s1)
            s1 = p;
        else if (u->state == VCPU_RUNNING && p > prun)
            prun = p;
    }
    sim_time_t dt = SIM_TIME_MAX;
    if (prun >= 0 && s1 != SIM_TIME_MAX)
        dt = sim->skew - (prun - s1);
    for (int i = 0; i < g->nvcpus && dt > 0; i++)
        if (g->vcpu[i].state == VCPU_COSTOPPED) {
            sim_time_t c = catch_up(sim, g, &g->vcpu[i]);
            if (c < dt)
                dt = c;
        }
    evq_cancel(&sim->evq, &co_of(g)->cosched_ev);
    if (dt == SIM_TIME_MAX)
        return;
    evq_push(&sim->evq, &co_of(g)->cosched_ev, sim->now + (dt > 0 ? dt : 0), SIM_EVC_CORE);
}

void cosched_relaxed_state(struct sim *sim, struct vcpu *v, enum vcpu_state from, sim_time_t dt)
{
    struct guest *g = v->guest;
    if (progressing(from))
        vco(v)->progress += dt;
    if (from == VCPU_COSTOPPED)
        co_of(g)->costop_seconds += sim_time_to_s(dt);
    if (from == VCPU_BLOCKED && v->state != VCPU_BLOCKED && v->state != VCPU_DONE) {
        /* Halted, it made progress; awake, it is level with its slowest
         * sibling at most. */
        sim_time_t m = slowest(sim, g, v);
        if (m != SIM_TIME_MAX && vco(v)->progress > m)
            vco(v)->progress = m;
    }
    if (!co_of(g)->cosched_busy && g->host)
        relaxed_arm(sim, g);
}

void cosched_relaxed_event(struct sim *sim, struct sim_event *ev)
{
    struct guest *g = container_of(ev, struct guest_cosched, cosched_ev)->guest;
    struct host *h = g->host;
    sim_time_t pmin = slowest(sim, g, NULL);
    co_of(g)->cosched_busy = true;
    bool changed = false;
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *u = &g->vcpu[i];
        if (u->state == VCPU_RUNNING && progress(sim, u) - pmin >= sim->skew) {
            sim__core_stop(sim, u->core);
            sim__vcpu_set_state(sim, u, VCPU_COSTOPPED);
            co_of(g)->costops++;
            changed = true;
        } else if (u->state == VCPU_COSTOPPED && catch_up(sim, g, u) == 0) {
            if (g->throttled)
                sim__vcpu_set_state(sim, u, VCPU_THROTTLED);   /* the next period frees it */
            else
                sim__vcpu_enqueue(sim, u, SCHED_ENQ_COSTART);
            changed = true;
        }
    }
    co_of(g)->cosched_busy = false;
    relaxed_arm(sim, g);
    if (changed)
        sim__host_dispatch_soon(sim, h);
}

/* ---- spinlocks ---- */

void cosched_admit(struct sim *sim, struct guest *g)
{
    const struct sim_hw_tables *hw = g->host->hw;
    g->spin_fraction = 0;
    if (g->kind == GUEST_FLUID)
        return;
    bool spin = g->nvcpus >= 2 && hw->spin_fraction && hw->spin_fraction[g->cls] > 0;
    if (!spin && !sim->gangs && !sim->relaxed)
        return;   /* nothing here for it: no side record (models/platform.h) */
    struct guest_cosched *co =
        xcalloc(1, sizeof *co + (size_t)g->nvcpus * sizeof co->vc[0]);
    co->guest = g;
    sim_event_init(&co->cosched_ev, cosched_relaxed_event);
    co->lock_holder = -1;
    co->last_boosted = -1;
    guest_sides_make(g)->co = co;
    if (!spin)
        return;
    g->spin_fraction = hw->spin_fraction[g->cls];
    co->critical_section = hw->critical_section[g->cls] > 0 ? hw->critical_section[g->cls] : 1;
    co->lock_rng = gsl_rng_alloc(gsl_rng_taus2);
    if (!co->lock_rng)
        xalloc_fail(sizeof(gsl_rng));
    gsl_rng_set(co->lock_rng, sim_rng_seed(sim->x->seed, sim->rep, SIM_STREAM_LOCKS, g->seq));
}

void cosched_release(struct guest *g)
{
    struct guest_cosched *co = g->sides->co;
    if (co->lock_rng)
        gsl_rng_free(co->lock_rng);
    free(co);
    g->sides->co = NULL;
}

/* Arm c's lock event when its vCPU's work reaches `mark` (reference ns). */
static void lock_arm(struct sim *sim, struct pcpu *c, sim_time_t mark)
{
    struct vcpu *v = c->running;
    sim_time_t left = mark > v->attained ? mark - v->attained : 0;
    double f = sim__class_factor(sim, v->guest);
    sim_time_t need = f == 1.0 ? left : (sim_time_t)ceil((double)left * f);
    sim_time_t from = c->run_from > sim->now ? c->run_from : sim->now;
    c->ple_yield = false;
    evq_cancel(&sim->evq, &c->lock_ev);
    evq_push(&sim->evq, &c->lock_ev, from + need, SIM_EVC_CORE);
}

/* Work until v's next critical-section entry: exponential, mean
 * L (1 - f) / f, at least 1 ns. */
static sim_time_t draw_entry(const struct guest *g)
{
    double mean = (double)co_of(g)->critical_section * (1 - g->spin_fraction) / g->spin_fraction;
    double x = gsl_ran_exponential(co_of(g)->lock_rng, mean);
    return x < 1 ? 1 : x < 4e18 ? (sim_time_t)llround(x) : (sim_time_t)4e18;
}

/* The spinner on c spins on: its next PAUSE exit after its window. */
static void ple_arm(struct sim *sim, struct pcpu *c)
{
    const struct sim_hw_tables *hw = c->host->hw;
    if (!(hw->ple.window_ns > 0))
        return;   /* no PAUSE-loop exiting: it spins until the release or its core is taken */
    sim_time_t from = c->run_from > sim->now ? c->run_from : sim->now;
    c->ple_yield = false;
    evq_cancel(&sim->evq, &c->lock_ev);
    evq_push(&sim->evq, &c->lock_ev, from + vco(c->running)->ple_window, SIM_EVC_CORE);
}

/* Siblings of `holder` running (not spinning) reach an entry of their own
 * only while the holder is off its core: their entries are armed or
 * dropped. */
static void entries_arm(struct sim *sim, struct guest *g)
{
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *u = &g->vcpu[i];
        if (i == co_of(g)->lock_holder || u->state != VCPU_RUNNING || u->spinning || !u->core)
            continue;
        vco(u)->lock_mark = u->attained + draw_entry(g);
        lock_arm(sim, u->core, vco(u)->lock_mark);
    }
}

static void entries_drop(struct sim *sim, struct guest *g)
{
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *u = &g->vcpu[i];
        if (i != co_of(g)->lock_holder && u->state == VCPU_RUNNING && !u->spinning && u->core)
            evq_cancel(&sim->evq, &u->core->lock_ev);
    }
}

/* The holder left its critical section (or its burst ended inside it):
 * the spinners go on with their work. */
static void lock_release(struct sim *sim, struct guest *g)
{
    co_of(g)->lock_holder = -1;
    for (int i = 0; i < g->nvcpus; i++) {
        struct vcpu *u = &g->vcpu[i];
        if (!u->spinning) {
            if (u->state == VCPU_RUNNING && u->core)
                evq_cancel(&sim->evq, &u->core->lock_ev);
            continue;
        }
        if (u->state == VCPU_RUNNING && u->core) {
            struct pcpu *c = u->core;
            sim__core_sync(sim, c);   /* its spin, up to now */
            u->spinning = false;
            evq_cancel(&sim->evq, &c->lock_ev);
            c->ple_yield = false;
            sim__core_rearm(sim, c);
            sim__core_arm_exit(sim, c);
        } else {
            u->spinning = false;
        }
    }
}

/* The vCPU on c reached a critical section whose lock a preempted
 * sibling holds: it spins (its core busy, no work, no VM exits but the
 * PAUSE exits of PLE). */
static void spin_start(struct sim *sim, struct pcpu *c)
{
    c->running->spinning = true;
    evq_cancel(&sim->evq, &c->exit_ev);
    sim__core_rearm(sim, c);   /* no burst end while it spins; its slice stays */
    ple_arm(sim, c);
}

/* A PAUSE exit: its cost stalls the core, the window grows
 * (grow_ple_window), and at its end the spinner yields. */
static void ple_exit(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    struct guest *g = v->guest;
    const struct sim_hw_tables *hw = c->host->hw;
    sim_time_t cost = g->rates ? (sim_time_t)llround(g->rates->exit_cost_ns[HW_EXIT_PAUSE]) : 0;
    struct guest_overhead *o = guest_ovh(g);
    o->exit_seconds += sim_time_to_s(cost);
    o->exits += 1;
    sim->metrics.exits[HW_EXIT_PAUSE] += 1;
    co_of(g)->ple_exits++;
    c->run_from = sim->now + cost;
    double next = (double)vco(v)->ple_window * hw->ple.grow_factor + hw->ple.grow_add_ns;
    if (next > hw->ple.window_max_ns)
        next = hw->ple.window_max_ns;
    vco(v)->ple_window = (sim_time_t)llround(next);
    evq_cancel(&sim->evq, &c->lock_ev);
    evq_push(&sim->evq, &c->lock_ev, c->run_from, SIM_EVC_CORE);
    c->ple_yield = true;
}

/* kvm_vcpu_on_spin: yield to a preempted sibling, the first runnable one
 * after the last boosted (round robin); it takes this core.  None: spin
 * on with the grown window. */
static void directed_yield(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    struct guest *g = v->guest;
    int n = g->nvcpus;
    for (int k = 1; k <= n; k++) {
        int i = ((co_of(g)->last_boosted < 0 ? -1 : co_of(g)->last_boosted) + k) % n;
        struct vcpu *u = &g->vcpu[i];
        if (u == v || u->state != VCPU_QUEUED || !vcpu_may_run(u, c->index))
            continue;
        co_of(g)->last_boosted = i;
        sim__core_stop(sim, c);
        sim__vcpu_enqueue(sim, v, SCHED_ENQ_PREEMPTED);
        sim__vcpu_dequeue(sim, u);
        sim__core_start(sim, c, u);
        return;
    }
    ple_arm(sim, c);
}

void cosched_lock_event(struct sim *sim, struct sim_event *ev)
{
    struct pcpu *c = container_of(ev, struct pcpu, lock_ev);
    struct vcpu *v = c->running;
    struct guest *g = v->guest;
    sim__core_sync(sim, c);
    if (v->spinning) {
        if (c->ple_yield) {
            c->ple_yield = false;
            directed_yield(sim, c);
        } else {
            ple_exit(sim, c);
        }
    } else if (co_of(g)->lock_holder == v->index) {
        lock_release(sim, g);
    } else {
        spin_start(sim, c);
    }
}

void cosched_lock_started(struct sim *sim, struct pcpu *c)
{
    struct vcpu *v = c->running;
    struct guest *g = v->guest;
    vco(v)->ple_window = (sim_time_t)llround(c->host->hw->ple.window_ns);   /* reset at schedule-in */
    if (co_of(g)->lock_holder < 0) {
        if (v->spinning) {   /* released while it waited off its core */
            v->spinning = false;
            sim__core_rearm(sim, c);
        }
        return;
    }
    if (co_of(g)->lock_holder == v->index) {
        entries_drop(sim, g);   /* the holder runs: nobody starts spinning now */
        lock_arm(sim, c, vco(v)->lock_mark);
    } else if (v->spinning) {
        evq_cancel(&sim->evq, &c->exit_ev);
        ple_arm(sim, c);
    } else if (g->vcpu[co_of(g)->lock_holder].state != VCPU_RUNNING) {
        vco(v)->lock_mark = v->attained + draw_entry(g);
        lock_arm(sim, c, vco(v)->lock_mark);
    }
}

void cosched_lock_stopped(struct sim *sim, struct pcpu *c, struct vcpu *v)
{
    struct guest *g = v->guest;
    evq_cancel(&sim->evq, &c->lock_ev);
    c->ple_yield = false;
    if (co_of(g)->lock_holder == v->index) {
        if (v->work_left == 0)
            lock_release(sim, g);   /* its critical section ends with its burst */
        else
            entries_arm(sim, g);    /* off its core again, still holding */
        return;
    }
    if (v->spinning || co_of(g)->lock_holder >= 0 || v->work_left == 0)
        return;
    if (gsl_rng_uniform(co_of(g)->lock_rng) >= g->spin_fraction)
        return;
    /* preempted inside a critical section: it keeps the lock for the
     * rest of it */
    double rest = gsl_rng_uniform_pos(co_of(g)->lock_rng) * (double)co_of(g)->critical_section;
    co_of(g)->lock_holder = v->index;
    co_of(g)->lhp++;
    vco(v)->lock_mark = v->attained + (rest < 1 ? 1 : (sim_time_t)llround(rest));
    entries_arm(sim, g);
}

/* ---- invariants ---- */

const char *cosched_check(struct sim *sim, struct host *h)
{
    for (size_t k = 0; k < h->nguests; k++) {
        const struct guest *g = h->guests[k];
        if (g->kind == GUEST_FLUID || g->nvcpus < 2)
            continue;
        if (sim->strict && g->nrunning > 0 && queued_members(g) > 0)
            return "strict: a gang runs with a runnable vCPU left out";
        if (sim->relaxed) {
            sim_time_t pmin = slowest(sim, g, NULL);
            for (int i = 0; i < g->nvcpus; i++) {
                const struct vcpu *u = &g->vcpu[i];
                if (u->state != VCPU_BLOCKED && u->state != VCPU_DONE &&
                    progress(sim, u) - pmin > sim->skew)
                    return "relaxed: a vCPU leads its slowest sibling by more than the skew "
                           "threshold";
            }
        }
        if (!guest_side_co(g))
            continue;   /* no co-scheduling, no spinlock */
        for (int i = 0; i < g->nvcpus; i++) {
            const struct vcpu *u = &g->vcpu[i];
            if (u->spinning && co_of(g)->lock_holder < 0)
                return "a vCPU spins while no sibling holds its lock";
            if (u->spinning && u->state == VCPU_RUNNING && u->core &&
                sim_event_pending(&u->core->ev) && u->core->ev.time < u->core->slice_end)
                return "a spinning vCPU has a burst end armed";
        }
        if (co_of(g)->lock_holder >= 0) {
            enum vcpu_state st = g->vcpu[co_of(g)->lock_holder].state;
            if (st == VCPU_BLOCKED || st == VCPU_DONE)
                return "a halted vCPU holds its guest's spinlock";
        }
    }
    return NULL;
}
