/*
 * sim/engine-private.h - struct sim and the functions the files of the
 * engine share (engine.c, activity.c, caps.c, fluid.c, experiment.c); not
 * for policies, outputs or the command line, which see struct sim only
 * through sim/engine.h.
 */
#ifndef SIM_ENGINE_PRIVATE_H
#define SIM_ENGINE_PRIVATE_H

#include "base/xalloc.h"
#include "models/rooms.h"
#include "sim/guest-pool.h"
#include "sim/engine.h"

struct sim_cons;   /* sim/consolidate.c */
struct shards;     /* sim/shards.c */

/* What a host's shard did that the run must take in order (sim/shards.c):
 * a guest completed (its figures go into the run's metrics and jobs.csv),
 * a vCPU left a core (segments.csv), a burst ended.  Kept in the order the
 * shard's events ran; the run merges every shard's by (time, class, host). */
enum shard_entry_kind { SHARD_JOB, SHARD_SEGMENT, SHARD_BURST };
/* A completed guest's figures, as its host reckoned them at its end. */
struct sim_done {
    struct guest *g;              /* a shard's: kept as it is until the merge */
    sim_time_t service, cpu, done, size;
    double used_s;                /* a fluid's core-seconds used, before its last interval */
    long host_vcpus;              /* vCPUs on its host then, its own included */
};
struct shard_entry {
    sim_time_t time;
    int cls;                      /* the tie-break class of the event that made it */
    enum shard_entry_kind kind;
    union {
        struct sim_done job;
        struct sim_segment seg;
        struct sim_burst burst;
    } u;
};

struct sim {
    sim_time_t now;
    struct evq evq;
    struct sim_rng rng;
    const struct sim_experiment *x;   /* what to run (borrowed) */
    struct sim_hooks hooks;
    uint64_t rep;                /* replication number */
    const struct sched_ops *sched;    /* x->sched's ops, and so on */
    const struct alloc_ops *alloc;
    const struct place_ops *place;
    sim_time_t alloc_period;     /* the allocator's re-allocation period, 0 = none */
    bool caps;                   /* the engine enforces caps (the policy does not) */
    /* Discrete exits: one event each (exit_events), or counted per run
     * segment (exits_counted: exit_plans[core], sim/exits.c). */
    bool exit_events, exits_counted;
    struct exit_plan *exit_plans;
    bool strict, relaxed;        /* x->cosched */
    bool gangs;                  /* vCPUs start together: strict, or --rigid (sim/cosched.c) */
    sim_time_t skew;             /* relaxed: the skew threshold */
    sim_time_t cap_period;       /* their period (sim/caps.c) */
    sim_time_t horizon;          /* the run stops here (x->horizon), SIM_TIME_MAX = none */
    sim_time_t series_end;       /* latest end of a series admitted so far (progress) */
    double job_work_read;        /* ns of work x vCPUs of the job guests admitted or waiting
                                  * so far, the rejected ones not (progress) */
    double job_work_left;        /* ... still to do, as last counted (job_work_left), */
    double job_work_counted;     /* ... of job_work_read as it was then */
    uint64_t work_count_at;      /* the event count at which to count it again */
    int nhosts;
    struct host *hosts;
    struct pcpu *cores;          /* all cores, host-major */
    int ncores_total;
    int min_cores;               /* the smallest host's cores */
    struct host_rooms rooms;     /* hosts by room, for best and worst fit (models/rooms.h) */
    struct sim_metrics metrics;
    /* workload */
    struct trace_reader *source;
    struct trace_record pending; /* the next guest, read ahead */
    bool have_pending;
    struct sim_event arrival_ev;
    uint64_t next_guest_seq;
    struct guest *free_guests;   /* completed guests, reused */
    struct guest_pool guest_pool; /* the memory of every guest record (sim/guest-pool.h) */
    struct guest *admit_head, *admit_tail; /* waiting for memory, FIFO */
    long live_guests;            /* allocated and not freed: bounded by the system */
    long peak_live_guests;
    /* timeline */
    struct sim_event sample_ev;
    sim_time_t sample;           /* its interval (widened by an adaptive consumer) */
    sim_time_t last_sample;
    double *sample_busy;         /* per host: busy ns at the last sample */
    double *sample_acc;          /* per host: demand, grant, used core-s at the last sample */
    double *sample_queued;       /* per host: the queued-vCPU integral at the last sample */
    struct sim_event realloc_ev; /* the allocator's interval */
    struct sim_event horizon_ev; /* the end of the run, when it has one */
    bool stopped;                /* the horizon was reached */
    long violations;
    char violation[256];
    /* a bad record met during the run stops it */
    int status;
    struct sim_error error;
    /* dynamic consolidation and energy (sim/consolidate.c), NULL = none */
    struct sim_cons *cons;
    /* A run split by host (sim/shards.c): shards holds one struct sim per
     * host, each with that host alone, its own clock, event queue, exit
     * stream and metrics; the run (parent) keeps the workload, the
     * placement and the periodic events, and takes in what its shards
     * log.  NULL = one queue for every host. */
    struct shards *shards;
    struct sim *parent;          /* a shard's run, NULL = not a shard */
    int ev_class;                /* a shard: the class of the event it runs */
    bool room_changed;           /* a shard: its host's room changed (the run re-files it) */
    struct shard_entry *log;     /* a shard: what the run must take in, in order */
    size_t nlog, logcap;
};

/* The context that runs h's events: its shard, or the run itself (one
 * queue, or a host that has had no guest yet). */
struct sim *shards_sim(struct sim *sim, int host);
static inline struct sim *sim_for_host(struct sim *sim, const struct host *h)
{
    return sim->shards ? shards_sim(sim, h->index) : sim;
}
/* The context that will run the events of a guest placed on h: as
 * sim_for_host, but a host's shard is made when its first guest comes
 * (a shard costs about 3.5 KB: hosts that never hold a guest have none). */
struct sim *shards_claim(struct sim *sim, struct host *h);
static inline struct sim *sim_host_claim(struct sim *sim, struct host *h)
{
    return sim->shards ? shards_claim(sim, h) : sim;
}

/* ---- shards.c: a run split by host, on one thread or several ---- */

/* Can x's run be split by host (more than one host, nothing that couples
 * hosts between the run's own events: no consolidation or metering)? */
bool shards_possible(const struct sim *sim);
/* Split sim's hosts into shards (made as their first guests come; each
 * host's scheduler then answers to its shard). */
void shards_create(struct sim *sim);
void shards_destroy(struct sim *sim);
/* sim_run's loop for a split run. */
int shards_run(struct sim *sim);
/* At the end: every shard's metrics and counts into the run's. */
void shards_finish(struct sim *sim);

/* ---- engine.c ---- */

/* 1 + h of g's class on its host: core ns per ns of reference work (1 on
 * ideal hardware). */
double sim__class_factor(const struct sim *sim, const struct guest *g);

/* g has finished: record it, free its memory on its host, release it.
 * In a shard, the host's part is done at once and the record logged
 * (SHARD_JOB) for sim__guest_record. */
void sim__guest_complete(struct sim *sim, struct guest *g);
/* The run's part of a completion at sim->now: metrics, on_job, release;
 * then guests waiting for memory are admitted. */
void sim__guest_record(struct sim *sim, const struct sim_done *d);
void sim__admit_waiting(struct sim *sim);
/* Call the progress hook (which must be set) with the run at `now`
 * after `events` events, the job guests' work left counted again when due
 * by that count.  The run's hosts must be still: one queue, or the shards
 * between two epochs. */
void sim__progress_report(struct sim *sim, sim_time_t now, uint64_t events);
/* Back to sim's free list (a guest that never completes: sim_destroy). */
void sim__guest_release(struct sim *sim, struct guest *g);
/* A scheduler instance for host h whose engine is sim (its clock, its
 * resched). */
int sim__sched_create(struct sim *sim, struct host *h, struct sim_error *err);
/* A shard: run the events of its queue up to (t, cls) (time, then
 * tie-break class; sim/shards.c).  Returns 0 or the status of an error. */
int sim__run_until(struct sim *sim, sim_time_t t, int cls);
/* Check every host's invariants (hooks.check_invariants), violations
 * counted in sim. */
void sim__check_invariants(struct sim *sim);

/* Charge the overhead of `done` reference seconds of g's work. */
void sim__charge_work(struct sim *sim, struct guest *g, double done);

/* Bring the progress of core c's running vCPU up to now. */
void sim__core_sync(struct sim *sim, struct pcpu *c);
/* Its work changed (a series burst joined its backlog): re-arm c's event. */
void sim__core_rearm(struct sim *sim, struct pcpu *c);

/* v (blocked) has work again: make it runnable, or, while its core still
 * polls for it, resume it there. */
void sim__vcpu_wake(struct sim *sim, struct vcpu *v);
/* v (blocked) has nothing more to do. */
void sim__vcpu_done(struct sim *sim, struct vcpu *v);
/* v's guest's cap budget is spent: take v off its core or out of its
 * queue; and back (enqueue UNTHROTTLE) when the next period begins. */
void sim__vcpu_throttle(struct sim *sim, struct vcpu *v);
void sim__vcpu_unthrottle(struct sim *sim, struct vcpu *v);
/* A dispatch of h at the end of this instant (never at once: callers may
 * be inside a loop over the host's vCPUs). */
void sim__host_dispatch_soon(struct sim *sim, struct host *h);

/* A live migration (sim/migrate.c).  pause: g stops running anywhere
 * (its stop-and-copy): its vCPUs leave their cores and queues and wait,
 * runnable, as if throttled; wakes meanwhile only add to their work.
 * move: g leaves its host for to (whose memory and vCPU slots the
 * migration already holds) with its state: its vCPUs leave the old
 * host's scheduler and join to's, the runnable ones queued there at once
 * (their wait since they woke goes on: the downtime is wake-up latency),
 * a fluid keeps its backlog; g is no longer paused. */
void sim__guest_pause(struct sim *sim, struct guest *g);
void sim__guest_move(struct sim *sim, struct guest *g, struct host *to);

/* ---- exits.c: discrete exits counted per run segment ---- */

/* The exits still to come on core c's running vCPU, from c->run_from:
 * stretches of progress, each with the count of each reason's exits in
 * it (uniform within it, independent of the others), the next to come
 * last (s[depth - 1]). */
struct exit_stretch {
    sim_time_t len, stall;           /* ns of progress; sum of n[r] x the cost of r */
    uint64_t n[HW_EXIT_REASONS];
};
struct exit_plan {
    bool valid;
    const struct vcpu *v;
    sim_time_t from;                 /* where the first stretch starts (wall) */
    sim_time_t len, stall;           /* sums over the stretches */
    struct exit_stretch *s;
    size_t depth, cap;
};
/* c's exits over the next len ns of progress from c->run_from: drawn,
 * or what is already drawn, extended or cut at its far end; returns
 * their stall. */
sim_time_t exits_plan(struct sim *sim, struct pcpu *c, sim_time_t len);
/* The progress c's vCPU made from c->run_from to now: the exits before
 * it are charged, the plan goes on from it.  *resume: when progress goes
 * on (after now while an exit's stall lasts); the plan starts there. */
sim_time_t exits_resolve(struct sim *sim, struct pcpu *c, sim_time_t *resume);
/* Is c's plan its running vCPU's, from its present run_from? */
bool exits_planned(struct sim *sim, struct pcpu *c);
/* c's vCPU leaves it: its plan is void (what is not yet come is
 * dropped: a Poisson process starts afresh at any point). */
void exits_forget(struct sim *sim, struct pcpu *c);
/* Free the plans' stretches (sim_destroy). */
void exits_free(struct sim *sim);

/* ---- activity.c: what a guest's vCPUs do ---- */

enum activity_next {
    ACTIVITY_BLOCK,    /* it blocks; its wake_ev is armed */
    ACTIVITY_MORE,     /* more work is already there: it runs on */
    ACTIVITY_DONE,     /* nothing more: the vCPU is done */
};
/* Take over rec's activity or series and set g->kind and g->work. */
int activity_admit(struct sim *sim, struct guest *g, struct trace_record *rec,
                   struct sim_error *err);
void activity_release(struct guest *g);
/* v's guest was placed: give v its first burst (true: it is runnable),
 * or arm its first wake (false: it starts blocked). */
bool activity__start(struct sim *sim, struct vcpu *v);
/* v's burst ended (work_left == 0): what follows. */
enum activity_next activity__burst_end(struct sim *sim, struct vcpu *v);
/* The two above, a job's case inline (a job is one burst: once per
 * guest of an M/M/1 run, where a call each was a percent of the run). */
static inline bool activity_start(struct sim *sim, struct vcpu *v)
{
    if (v->guest->kind != GUEST_JOB)
        return activity__start(sim, v);
    v->work_left = v->guest->work;
    return true;
}
static inline enum activity_next activity_burst_end(struct sim *sim, struct vcpu *v)
{
    return v->guest->kind == GUEST_JOB ? ACTIVITY_DONE : activity__burst_end(sim, v);
}
/* The handler of a vCPU's wake event (struct vcpu_activity). */
void activity_wake_event(struct sim *sim, struct sim_event *ev);

/* The end of sample interval `step` of g's series (0 = the first), on
 * the clock: from the series' start, never a sum of rounded intervals,
 * so that the activity, the accounting and the fluid agree to the
 * nanosecond on intervals that are no whole number of them. */
static inline sim_time_t sim__series_step_end(const struct guest *g, long step)
{
    return g->sa->series_start + sim_time_from_s(g->series->interval * (double)(step + 1));
}

/* g's overhead record, made at its first charge (models/platform.h). */
static inline struct guest_overhead *guest_ovh(struct guest *g)
{
    struct guest_overhead *o = guest_side_ovh(g);
    if (!o)
        o = guest_sides_make(g)->ovh = xcalloc(1, sizeof *o);
    return o;
}

/* ---- caps.c: the engine's enforcement of caps ---- */

/* g's cap in cores (its grant, or the trace's cap if smaller).  Inline,
 * as caps_limited: every start, stop and sync of a vCPU asks. */
static inline double caps_cores(const struct guest *g)
{
    double c = g->grant;
    if (g->cap > 0 && g->cap < c)
        c = g->cap;
    if (g->mig_cap > 0 && g->mig_cap < c)   /* a live migration serves only part of it */
        c = g->mig_cap;
    return c;
}
/* Does the engine limit g (caps on, a cap below its vCPUs)? */
static inline bool caps_limited(const struct sim *sim, const struct guest *g)
{
    return sim->caps && g->kind != GUEST_FLUID && caps_cores(g) < g->nvcpus;
}
/* ran core ns of g's were spent. */
void caps_charge(struct sim *sim, struct guest *g, sim_time_t ran);
/* g's vCPUs on cores changed: re-arm its cap event. */
void caps_update(struct sim *sim, struct guest *g);
/* The handler of a guest's caps record's cap_ev. */
void caps_event(struct sim *sim, struct sim_event *ev);

/* The mechanism of engine.c that sim/cosched.c drives (each as its static
 * namesake there: no checks added). */
void sim__core_start(struct sim *sim, struct pcpu *c, struct vcpu *v);
struct vcpu *sim__core_stop(struct sim *sim, struct pcpu *c);
/* Re-arm c's discrete VM exits (none while its vCPU spins). */
void sim__core_arm_exit(struct sim *sim, struct pcpu *c);
void sim__vcpu_enqueue(struct sim *sim, struct vcpu *v, enum sched_enqueue_why why);
void sim__vcpu_dequeue(struct sim *sim, struct vcpu *v);
void sim__vcpu_set_state(struct sim *sim, struct vcpu *v, enum vcpu_state st);
struct pcpu *sim__host_next_idle(struct host *h, int k);
void sim__poll_stop(struct sim *sim, struct pcpu *c);

/* ---- cosched.c: co-scheduling (--cosched, --rigid) and spinlocks ---- */

/* At arrival: a gang must fit in the cores its vCPUs may use on every
 * host, else it could never start (an error at its trace line). */
int cosched_gang_check(struct sim *sim, struct guest *g, const struct trace_record *rec);
/* g was placed: its spinlock (class parameters, its own stream). */
void cosched_admit(struct sim *sim, struct guest *g);
void cosched_release(struct guest *g);
/* gangs: the dispatch of h's idle cores (replaces engine.c's loop);
 * preemption and slice ends through it; poll resumes allowed or not. */
void cosched_dispatch(struct sim *sim, struct host *h);
void cosched_preempt(struct sim *sim, struct pcpu *c);
bool cosched_drain(struct sim *sim, struct pcpu *c);
/* strict: how a preemptive policy ranks v, a member of a running gang:
 * as the gang's best running vCPU (v itself otherwise). */
const struct vcpu *cosched_rank(struct sim *sim, const struct vcpu *v);
bool cosched_may_resume(struct sim *sim, const struct vcpu *v);
void cosched_gang_partial(struct sim *sim, struct guest *g);
bool cosched_idle_ok(struct sim *sim, struct host *h, struct pcpu *c);
void cosched_held_advance(struct sim *sim, struct host *h);
/* relaxed: v moved from state `from` after dt ns in it. */
void cosched_relaxed_state(struct sim *sim, struct vcpu *v, enum vcpu_state from, sim_time_t dt);
void cosched_relaxed_event(struct sim *sim, struct sim_event *ev);
/* spinlocks: c's vCPU started / v left c; the handler of c->lock_ev. */
void cosched_lock_started(struct sim *sim, struct pcpu *c);
void cosched_lock_stopped(struct sim *sim, struct pcpu *c, struct vcpu *v);
void cosched_lock_event(struct sim *sim, struct sim_event *ev);
/* The invariants of co-scheduling on h (tests, HVSIM_CHECK): NULL, or
 * what is violated. */
const char *cosched_check(struct sim *sim, struct host *h);

#endif /* SIM_ENGINE_PRIVATE_H */
