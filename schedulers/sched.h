/*
 * schedulers/sched.h - the scheduler operations table (one per policy,
 * cf. Linux struct sched_class and Xen struct scheduler) and the instance
 * a host owns.
 *
 * Division of labour.  A policy keeps the runnable vCPUs of its host in
 * queues of its own shape - one shared queue for the host (fcfs, rr, ...)
 * or one per pCPU (credit, cfs, ...) - and decides which one a pCPU runs
 * next.  The engine (sim/engine.c) owns the mechanism: it runs vCPUs on
 * cores, charges switches, migrations, IPIs and HLT exits, ends bursts and
 * slices, blocks and wakes vCPUs, enforces caps, and calls the policy at
 * these points, all within one instant of simulated time:
 *
 *   a vCPU becomes runnable    enqueue(v, ARRIVAL | WAKE | UNTHROTTLE)
 *   a running vCPU is taken off     stop(v, c, ran), then enqueue(PREEMPTED)
 *                                   or block(v), or nothing (done, capped)
 *   a pCPU needs a vCPU        pick(c); when pick finds none and the
 *                              pCPU is idle, balance(c) may steal one
 *   a slice ends               pick(c) with c->running set: a vCPU
 *                              returned preempts the running one
 *   every tick_period          tick() (accounting), while the host has
 *                              a runnable vCPU
 * and the engine dequeue()s a picked vCPU before it runs it.  Picks happen
 * at the end of the instant (the host's dispatch), so a policy sees every
 * vCPU that became runnable at that instant.  A running vCPU is never in
 * a queue.  Every hook runs between events: it may read the clock
 * (sched_now), reorder its queues and ask a pCPU to pick again at the end
 * of the instant (sched_resched, e.g. for wake-up preemption), but it must
 * not start, stop or block a vCPU itself, nor schedule events.
 *
 * Adding a policy: one file schedulers/NAME.c that defines
 * `const struct sched_ops sched_ops_NAME` (with its knobs in info.params),
 * and one line SCHED(NAME) in schedulers/sched-list.h.  The conformance
 * tests then cover it.  Built out of tree, the same file is a plug-in
 * (base/registry.h, HVSIM_PLUGIN).
 */
#ifndef SCHEDULERS_SCHED_H
#define SCHEDULERS_SCHED_H

#include <gsl/gsl_rng.h>

#include "base/error.h"
#include "base/registry.h"
#include "base/types.h"
#include "models/platform.h"

/* Why a vCPU is enqueued. */
enum sched_enqueue_why {
    SCHED_ENQ_ARRIVAL,    /* its guest just arrived: its first burst */
    SCHED_ENQ_PREEMPTED,  /* it was running and was taken off its core */
    SCHED_ENQ_WAKE,       /* it was blocked (halted) and woke up */
    SCHED_ENQ_UNTHROTTLE, /* its guest's cap budget was refilled */
};

struct sched;

#define SCHED_PREEMPTIVE     0x1  /* host-wide: the engine preempts by compare() */
#define SCHED_SIZE_BASED     0x2  /* orders by work (needs clairvoyance, or estimates) */
#define SCHED_NOT_CONSERVING 0x4  /* may leave a core idle while a vCPU is runnable */
#define SCHED_PERCPU         0x8  /* queues per pCPU: every idle pCPU is offered pick/balance */
#define SCHED_OWN_CAPS       0x10 /* enforces the guests' caps itself (else the engine does) */

struct sched_ops {
    /* name (--sched NAME), description, aliases, and the policy's own
     * knobs: each a row of info.params whose offset points into the
     * policy's conf struct (info.conf_size), read through s->conf. */
    struct policy_info info;
    unsigned flags;

    /* Mandatory. */
    /* Allocate private state in s->priv.  Called once per host, when its
     * cores exist (s->host). */
    int (*init)(struct sched *s, struct sim_error *err);
    void (*fini)(struct sched *s);
    /* v is runnable and neither running nor queued: keep it (on the queue
     * of the pCPU of your choice; v->rq_cpu is yours to record it). */
    void (*enqueue)(struct sched *s, struct vcpu *v, enum sched_enqueue_why why);
    /* The vCPU pCPU c should run next, left queued; NULL if none.  Only a
     * vCPU whose affinity allows c (sched_may_run).  When c->running is
     * set (its slice ended, or c was resched), it is not in the queues:
     * returning a vCPU means "preempt it", and NULL lets it run on; the
     * engine then puts the running vCPU back (stop, enqueue PREEMPTED)
     * and runs what pick(c) returns next - possibly the same vCPU, which
     * then goes on without a switch.  May be called more than once
     * before the dequeue: return the same vCPU while nothing changed. */
    struct vcpu *(*pick)(struct sched *s, struct pcpu *c);
    /* Take v (queued) out of its queue: it is about to run, or its guest
     * leaves, or its cap is spent. */
    void (*dequeue)(struct sched *s, struct vcpu *v);

    /* Optional. */
    /* Core time v may run on c before the engine asks pick(c) again (its
     * slice); 0 or NULL = until it blocks or finishes.  Called when v
     * starts on c. */
    sim_time_t (*timeslice)(struct sched *s, const struct vcpu *v, const struct pcpu *c);
    /* With SCHED_PREEMPTIVE: < 0 if a should run before b, 0 if equal.  The
     * engine preempts the worst running vCPU of the host whenever the best
     * queued one compares better (host-wide queues only). */
    int (*compare)(struct sched *s, const struct vcpu *a, const struct vcpu *b);
    /* A dynamic policy's flags can depend on its knobs (prio's
     * preemptive variant): return the flags in force. */
    unsigned (*flags_for)(const void *conf);
    /* v's guest was placed on this host / leaves it: set up or release
     * per-vCPU state (v->sched_slot is zeroed before attach). */
    void (*attach)(struct sched *s, struct vcpu *v);
    void (*detach)(struct sched *s, struct vcpu *v);
    /* v left pCPU c after `ran` ns of core time there (its switch
     * included): account it (credit burnt, vruntime).  Called before the
     * enqueue(PREEMPTED) or block() that follows. */
    void (*stop)(struct sched *s, struct vcpu *v, struct pcpu *c, sim_time_t ran);
    /* v, just stopped, blocks (halts): it is runnable again at its
     * enqueue(WAKE). */
    void (*block)(struct sched *s, struct vcpu *v);
    /* pCPU c is idle and pick(c) found nothing: a vCPU queued for another
     * pCPU that c should run instead (work stealing), or NULL.  The
     * engine dequeues it and runs it on c (a migration). */
    struct vcpu *(*balance)(struct sched *s, struct pcpu *c);
    /* Periodic accounting: called at every multiple of tick_period(conf)
     * of simulated time while the host has a runnable vCPU. */
    void (*tick)(struct sched *s);
    sim_time_t (*tick_period)(const void *conf);
};

/* What the engine lends a policy instance (set by sim_create). */
struct sched_env {
    const sim_time_t *clock;          /* the run's clock */
    void (*resched)(void *engine, struct pcpu *c);
    void *engine;
};

struct sched {
    const struct sched_ops *ops;
    const void *conf;     /* the values of ops->info.params (owned by the experiment) */
    unsigned flags;       /* ops->flags, or ops->flags_for(conf) */
    struct host *host;
    struct sched_env env;
    void *priv;           /* the policy's own state */
    unsigned long rng_seed; /* seed of the policy's random stream (sched_rng) */
    gsl_rng *rng;         /* created on first use */
};

/* The family's registry (sched-list.h, plus plug-ins); the first entry is
 * the default. */
extern struct registry sched_registry;
static inline const struct sched_ops *sched_ops_of(const struct policy_info *info)
{
    return info ? container_of(info, const struct sched_ops, info) : NULL;
}
static inline const struct sched_ops *sched_find(const char *name)
{
    return sched_ops_of(registry_find(&sched_registry, name));
}

/* Create the instance of ops for host (calls ops->init).  conf holds the
 * values of ops->info.params and must outlive the instance; rng_seed
 * seeds the policy's own random stream. */
int sched_create(struct sched **out, const struct sched_ops *ops, const void *conf,
                 struct host *host, const struct sched_env *env, unsigned long rng_seed,
                 struct sim_error *err);
void sched_destroy(struct sched *s);

/* The policy's own random stream (a randomised policy such as lottery
 * scheduling): one GSL generator per host instance, seeded from the run's
 * seed, replication and host, so that it never shifts another consumer's
 * numbers. */
gsl_rng *sched_rng(struct sched *s);

/* The simulated time now. */
static inline sim_time_t sched_now(const struct sched *s) { return *s->env.clock; }

/* Ask pCPU c of this host to pick again at the end of the instant: its
 * running vCPU is preempted if pick(c) then returns another. */
static inline void sched_resched(struct sched *s, struct pcpu *c)
{
    s->env.resched(s->env.engine, c);
}

/* May v run on c?  (Its guest's affinity; every pCPU when none.) */
static inline bool sched_may_run(const struct vcpu *v, const struct pcpu *c)
{
    return vcpu_may_run(v, c->index);
}

/* NULL-checking wrappers for optional ops. */
static inline sim_time_t sched_timeslice(struct sched *s, const struct vcpu *v,
                                         const struct pcpu *c)
{
    return s->ops->timeslice ? s->ops->timeslice(s, v, c) : 0;
}

/* --- helpers shared by the policies --- */

/* A FIFO of vCPUs (fcfs, rr): a ring buffer of pointers, so that taking
 * the head never touches the neighbours' memory as a linked list would
 * (with 10^5 queued vCPUs that was a cache miss per dispatch).  Removing
 * a vCPU that is not at the head leaves a tombstone, skipped later; the
 * ring is compacted when it grows.  v->rq_idx is its absolute position. */
struct vcpu_fifo {
    struct vcpu **a;
    size_t cap;              /* power of two */
    size_t head, tail;       /* absolute positions; live entries in [head, tail) */
    size_t len;              /* live entries */
};
void vcpu_fifo_push(struct vcpu_fifo *f, struct vcpu *v);
void vcpu_fifo_remove(struct vcpu_fifo *f, struct vcpu *v);
struct vcpu *vcpu_fifo_peek(struct vcpu_fifo *f);
/* The first vCPU that may run on core k, NULL if none: O(1) for the head,
 * O(n) when pinned vCPUs at the head may not. */
struct vcpu *vcpu_fifo_first_for(struct vcpu_fifo *f, int k);
void vcpu_fifo_destroy(struct vcpu_fifo *f);

/* A binary heap of vCPUs ordered by a policy's compare, ties broken by
 * rq_seq (the order of enqueueing), O(log n) insert and remove. */
struct vcpu_heap {
    struct vcpu **a;
    size_t len, cap;
    uint64_t next_seq;
    struct sched *s;
    int (*cmp)(struct sched *s, const struct vcpu *a, const struct vcpu *b);
};
void vcpu_heap_init(struct vcpu_heap *h, struct sched *s,
                    int (*cmp)(struct sched *, const struct vcpu *, const struct vcpu *));
void vcpu_heap_destroy(struct vcpu_heap *h);
void vcpu_heap_push(struct vcpu_heap *h, struct vcpu *v);
void vcpu_heap_remove(struct vcpu_heap *h, struct vcpu *v);
static inline struct vcpu *vcpu_heap_peek(const struct vcpu_heap *h)
{
    return h->len ? h->a[0] : NULL;
}
/* The best vCPU that may run on core k, NULL if none: O(1) for the top,
 * O(n) when the top is pinned elsewhere. */
struct vcpu *vcpu_heap_best_for(struct vcpu_heap *h, int k);

/* One ready queue for the whole host that a policy can plug in as its
 * ops, so that its file holds only what is its own (its order, its
 * slice):
 *   sched_fifo_*  arrival order (fcfs, rr);
 *   sched_heap_*  the order of the policy's compare op, FIFO among equals
 *                 (minlat, maxtput, prio).  The compare may read a vCPU's
 *                 key only while the vCPU is queued or being compared:
 *                 keys of queued vCPUs must not change.
 * pick(c) returns the first vCPU in that order that may run on c. */
int sched_fifo_init(struct sched *s, struct sim_error *err);
void sched_fifo_fini(struct sched *s);
void sched_fifo_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why);
struct vcpu *sched_fifo_pick(struct sched *s, struct pcpu *c);
void sched_fifo_dequeue(struct sched *s, struct vcpu *v);

int sched_heap_init(struct sched *s, struct sim_error *err);
void sched_heap_fini(struct sched *s);
void sched_heap_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why);
struct vcpu *sched_heap_pick(struct sched *s, struct pcpu *c);
void sched_heap_dequeue(struct sched *s, struct vcpu *v);

#endif /* SCHEDULERS_SCHED_H */
