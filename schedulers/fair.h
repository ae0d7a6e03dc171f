/*
 * schedulers/fair.h - the machinery of Linux's fair scheduling class
 * (kernel/sched/fair.c) that the two policies modelled on it share: cfs
 * (Linux up to 6.5) and eevdf (6.6 and later).  Each vCPU is a KVM vCPU
 * thread, a task with a struct sched_entity (struct fair_se); each pCPU
 * has its runqueue (struct fair_rq), its entities kept in a tree ordered
 * by vruntime as Linux's rb-tree is, augmented with the minimum deadline
 * of each subtree for EEVDF's search (6.6's min_deadline_cb).
 *
 * What is common and lives here: the weight of a vCPU from its guest's
 * weight (nice 0 = 1024, sched_prio_to_weight), __calc_delta's fixed-point
 * arithmetic, the scaling factor of the tunables (get_update_sysctl_factor),
 * update_curr's accounting, update_min_vruntime with 6.6's avg_vruntime
 * bookkeeping, entity_eligible, the choice of a runqueue for a waking or
 * new vCPU (select_idle_sibling, find_idlest_cpu) and the pull of an idle
 * pCPU (newidle_balance).  What differs (placement, preemption, the pick)
 * is in cfs.c and eevdf.c, which drive these helpers from the engine's
 * hooks.  docs/MODEL.md says what each follows and what is simplified.
 *
 * Ownership: struct fair is the policy's s->priv; it owns the runqueues
 * and every entity (allocated at attach, freed at detach or at fini for
 * vCPUs still in the system when a run ends).
 */
#ifndef SCHEDULERS_FAIR_H
#define SCHEDULERS_FAIR_H

#include <stdint.h>

#include "schedulers/sched.h"

#define FAIR_NICE_0_LOAD 1024      /* NICE_0_LOAD, in scale_load_down units */
#define FAIR_MIN_SHARES 2          /* MIN_SHARES: the lightest weight */
#define FAIR_MAX_SHARES (1L << 18) /* MAX_SHARES: the heaviest weight */

/* sysctl_sched_tunable_scaling: how the tunables grow with the CPUs. */
enum fair_scaling { FAIR_SCALING_NONE, FAIR_SCALING_LOG, FAIR_SCALING_LINEAR };
#define FAIR_SCALING_CHOICES "none|log|linear"

enum fair_se_state {
    FAIR_SE_OFF,      /* on no runqueue: new, blocked, throttled, done, or being moved */
    FAIR_SE_QUEUED,   /* in its runqueue's tree */
    FAIR_SE_CURR,     /* its runqueue's curr: running on that pCPU */
};

/* A vCPU thread's struct sched_entity. */
struct fair_se {
    struct vcpu *v;
    struct fair_se *left, *right;   /* the tree of its runqueue (a treap) */
    uint64_t prio;                  /* treap priority, from the insertion number */
    uint64_t seq;                   /* insertion number: equal vruntimes in order */
    uint64_t vruntime;              /* ns of nice-0 time; compared as (s64)(a - b) */
    uint64_t deadline;              /* eevdf: virtual deadline */
    uint64_t min_deadline;          /* eevdf: earliest deadline of its subtree */
    uint64_t picked_deadline;       /* eevdf: its deadline when picked (RUN_TO_PARITY) */
    int64_t vlag;                   /* eevdf: V - vruntime when it left a runqueue */
    int64_t rel_vruntime;           /* cfs: vruntime - min_vruntime when it left a runqueue */
    sim_time_t slice;               /* eevdf: its request, ns */
    unsigned long weight;           /* load weight, nice 0 = 1024 */
    sim_time_t sum_exec;            /* core ns it has run */
    sim_time_t prev_sum_exec;       /* sum_exec when it was last picked */
    sim_time_t charged;             /* core ns of its current stint already accounted */
    sim_time_t exec_start;          /* when it last ran (cfs: the long-sleeper test) */
    int cpu;                        /* runqueue it is on, or last left; -1 = none yet */
    enum fair_se_state state;
    bool fresh;                     /* never placed: its first enqueue is a new task's */
    bool sleeping;                  /* halted: it comes back as a wake-up */
    struct fair_se *prev_all, *next_all; /* every entity of the instance */
};

/* A pCPU's struct cfs_rq (flat: no task groups). */
struct fair_rq {
    struct pcpu *c;
    struct fair_se *root;           /* queued entities, curr excluded */
    struct fair_se *curr;
    unsigned nr_running;            /* queued + curr */
    unsigned long load;             /* their weights */
    uint64_t min_vruntime;
    int64_t avg_vruntime;           /* sum over the tree of (vruntime - min_vruntime) x weight */
    long avg_load;                  /* sum over the tree of weight */
    bool need_resched;              /* TIF_NEED_RESCHED of its curr */
    struct fair_se *next, *last;    /* cfs: the next and last buddies */
    struct fair_se *pending;        /* chosen to replace curr: what pick gives next */
};

struct fair {
    struct sched *s;
    struct fair_rq *rq;             /* one per pCPU of the host */
    int nrq;
    unsigned factor;                /* get_update_sysctl_factor() */
    sim_time_t tick_ns;             /* TICK_NSEC */
    uint64_t ins_seq;               /* tree insertions so far */
    struct fair_se *all;            /* every entity (freed at fini) */
};

/* The instance's state and the entity of a vCPU. */
static inline struct fair *fair_of(const struct sched *s) { return s->priv; }
static inline struct fair_se *fair_se_of(const struct vcpu *v) { return v->sched_slot[0].p; }
static inline struct fair_rq *fair_rq_at(struct fair *f, int cpu) { return &f->rq[cpu]; }

/* Runqueues for every pCPU of s->host; factor from scaling; tick from hz. */
int fair_init(struct sched *s, int scaling, long hz, struct sim_error *err);
void fair_fini(struct sched *s);
/* An entity for v (its weight from its guest's) / free it, wherever it is. */
void fair_attach(struct sched *s, struct vcpu *v);
void fair_detach(struct sched *s, struct vcpu *v);

/* 1 + ilog2(min(ncpus, 8)) for log scaling (get_update_sysctl_factor). */
unsigned fair_factor(int scaling, int ncpus);
/* The load weight of a guest of weight w: w x 1024, within [2, 2^18]. */
unsigned long fair_weight(double w);

/* __calc_delta: delta x weight / lw, in Linux's 32-bit fixed point. */
uint64_t fair_calc_delta(uint64_t delta, unsigned long weight, unsigned long lw);
/* calc_delta_fair: delta scaled to nice-0 time, delta x 1024 / se's weight. */
uint64_t fair_calc_delta_fair(uint64_t delta, const struct fair_se *se);

/* (s64)(a - b), as fair.c compares vruntimes. */
static inline int64_t fair_vdiff(uint64_t a, uint64_t b) { return (int64_t)(a - b); }

/* The tree: insert / remove a queued entity (and the avg_vruntime sums);
 * the leftmost (smallest vruntime); the leftmost that may run on core k. */
void fair_tree_insert(struct fair *f, struct fair_rq *rq, struct fair_se *se);
void fair_tree_remove(struct fair_rq *rq, struct fair_se *se);
struct fair_se *fair_first(const struct fair_rq *rq);
struct fair_se *fair_first_for(const struct fair_rq *rq, int k);

/* update_curr: charge curr the core time it ran since last charged (its
 * vruntime grows by calc_delta_fair of it) and update min_vruntime.
 * Returns the core ns charged. */
sim_time_t fair_update_curr(struct fair *f, struct fair_rq *rq);
/* update_min_vruntime (6.6's, which also moves the avg_vruntime base). */
void fair_update_min_vruntime(struct fair_rq *rq);

/* eevdf: avg_vruntime (V), entity_eligible, and update_entity_lag. */
uint64_t fair_avg_vruntime(const struct fair_rq *rq);
bool fair_eligible(const struct fair_rq *rq, const struct fair_se *se);
void fair_update_entity_lag(struct fair *f, const struct fair_rq *rq, struct fair_se *se);
/* The eligible entity of the tree with the earliest deadline, or best if
 * none is earlier (best may be NULL): __pick_eevdf's search. */
struct fair_se *fair_earliest_eligible(const struct fair_rq *rq, struct fair_se *best);

/* rq takes se as its curr (set_next_entity): counted in its load. */
void fair_set_curr(struct sched *s, struct fair_rq *rq, struct fair_se *se);
/* Account se on / off rq (nr_running and load), curr or queued alike. */
void fair_account_enqueue(struct fair_rq *rq, struct fair_se *se);
void fair_account_dequeue(struct fair_rq *rq, struct fair_se *se);
/* Clear the buddies and the pending pick that point at se. */
void fair_forget(struct fair_rq *rq, struct fair_se *se);

/* resched_curr: ask rq's pCPU to pick again at the end of the instant. */
void fair_resched(struct sched *s, struct fair_rq *rq);

/* The runqueue for v becoming runnable: a new vCPU goes to the idlest
 * pCPU (find_idlest_cpu: an idle one, else the least load); a waking one
 * to its previous pCPU if idle, else to an idle pCPU of the same socket
 * (select_idle_sibling's scan of the LLC), else to its previous one.
 * Only pCPUs its affinity allows (if none of this host's, any, as
 * select_fallback_rq does). */
struct fair_rq *fair_select_rq(struct sched *s, struct vcpu *v, bool fresh);

/* newidle_balance of idle pCPU c: the busiest runqueue (most runnable
 * vCPUs, then most load) with a queued vCPU that may run on c gives its
 * first such vCPU; NULL if none. */
struct vcpu *fair_balance(struct sched *s, struct pcpu *c);

/* Core ns curr has run on its pCPU and not yet been charged. */
sim_time_t fair_curr_unaccounted(const struct sched *s, const struct fair_rq *rq);

#endif /* SCHEDULERS_FAIR_H */
