/*
 * schedulers/sched.h - the scheduler operations table (one per policy,
 * cf. Linux struct sched_class and Xen struct scheduler) and the instance
 * a host owns.
 *
 * Division of labour: a policy only keeps the host's ready queue in its
 * order.  The engine (sim/engine.c) owns the mechanism: it runs vCPUs on
 * cores, charges switches, fills idle cores from peek/dequeue at the end
 * of each instant, asks timeslice() when it starts a vCPU, and, for a
 * policy with compare(), preempts the worst running vCPU whenever the
 * best ready one compares better.  A running vCPU is never in the queue.
 *
 * Adding a policy: one file schedulers/NAME.c that defines
 * `const struct sched_ops sched_ops_NAME`, and one line SCHED(NAME) in
 * schedulers/sched-list.h.  The conformance tests then cover it.
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
    SCHED_ENQ_ARRIVAL,    /* its guest just arrived */
    SCHED_ENQ_PREEMPTED,  /* it was running and was taken off its core */
};

struct sched;

#define SCHED_PREEMPTIVE     0x1  /* engine preempts by compare() */
#define SCHED_SIZE_BASED     0x2  /* orders by work (needs clairvoyance, or estimates) */
#define SCHED_NOT_CONSERVING 0x4  /* may leave a core idle while work is ready */

struct sched_ops {
    /* name (--sched NAME), description, aliases, and the policy's own
     * knobs: each a row of info.params whose offset points into the
     * policy's conf struct (info.conf_size), read through s->conf. */
    struct policy_info info;
    unsigned flags;

    /* Mandatory. */
    /* Allocate private state in s->priv.  Called once per host. */
    int (*init)(struct sched *s, struct sim_error *err);
    void (*fini)(struct sched *s);
    /* v is ready and neither running nor queued.  Keep it. */
    void (*enqueue)(struct sched *s, struct vcpu *v, enum sched_enqueue_why why);
    /* The vCPU the policy would run next, left in the queue; NULL if empty. */
    struct vcpu *(*peek)(struct sched *s);
    /* Take v (queued) out of the queue. */
    void (*dequeue)(struct sched *s, struct vcpu *v);

    /* Optional. */
    /* Core time v may run before the engine takes it off (its quantum),
     * 0 or NULL = until it finishes.  Called when v starts on a core. */
    sim_time_t (*timeslice)(struct sched *s, const struct vcpu *v);
    /* With SCHED_PREEMPTIVE: < 0 if a should run before b, 0 if equal. */
    int (*compare)(struct sched *s, const struct vcpu *a, const struct vcpu *b);
    /* A dynamic policy's flags can depend on its knobs (prio's
     * preemptive variant): return the flags in force. */
    unsigned (*flags_for)(const void *conf);
};

struct sched {
    const struct sched_ops *ops;
    const void *conf;     /* the values of ops->info.params (owned by the experiment) */
    unsigned flags;       /* ops->flags, or ops->flags_for(conf) */
    struct host *host;
    const struct sim *sim;  /* the run it belongs to (opaque to policies) */
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
                 struct host *host, const struct sim *sim, unsigned long rng_seed,
                 struct sim_error *err);
void sched_destroy(struct sched *s);

/* The policy's own random stream (a randomised policy such as lottery
 * scheduling): one GSL generator per host instance, seeded from the run's
 * seed, replication and host, so that it never shifts another consumer's
 * numbers. */
gsl_rng *sched_rng(struct sched *s);

/* NULL-checking wrappers for optional ops. */
static inline sim_time_t sched_timeslice(struct sched *s, const struct vcpu *v)
{
    return s->ops->timeslice ? s->ops->timeslice(s, v) : 0;
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

/* Ready queues a policy can plug in as its ops, so that its file holds
 * only what is its own (its order, its slice):
 *   sched_fifo_*  arrival order (fcfs, rr);
 *   sched_heap_*  the order of the policy's compare op, FIFO among equals
 *                 (minlat, maxtput, prio).  The compare may read a vCPU's
 *                 key only while the vCPU is queued or being compared:
 *                 keys of queued vCPUs must not change. */
int sched_fifo_init(struct sched *s, struct sim_error *err);
void sched_fifo_fini(struct sched *s);
void sched_fifo_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why);
struct vcpu *sched_fifo_peek(struct sched *s);
void sched_fifo_dequeue(struct sched *s, struct vcpu *v);

int sched_heap_init(struct sched *s, struct sim_error *err);
void sched_heap_fini(struct sched *s);
void sched_heap_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why);
struct vcpu *sched_heap_peek(struct sched *s);
void sched_heap_dequeue(struct sched *s, struct vcpu *v);

#endif /* SCHEDULERS_SCHED_H */
