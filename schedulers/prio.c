/*
 * schedulers/prio.c - priority scheduling by the dispatch key
 * O_i = P_i * Q_i (the seed's formula; docs/MODEL.md).
 *
 * Order: first by priority class (the trace's `priority`, smaller is more
 * important, default 0), then within a class by O_i = P_i * Q_i with
 * P_i = 1 / weight_i and Q_i the expected execution time: the vCPU's
 * work left when work is known (--clairvoyant yes), else 1.  Within a
 * class this is Smith's rule, weighted shortest processing time first,
 * which minimises the weighted sum of completion times on one machine
 * (Smith 1956); without clairvoyance it serves the heaviest weight first,
 * then in arrival order.
 *
 * Variants: non-preemptive (default) and preemptive-resume (--preempt
 * yes), where a better-keyed arrival takes the core of the worst running
 * vCPU.  With two classes, FIFO within each (--clairvoyant no), M/G/1
 * follows Cobham (1954): non-preemptive E[Wq_k] = W0 /
 * ((1 - sigma_{k-1})(1 - sigma_k)); preemptive-resume as in
 * queueing.md section 7.
 *
 * Cost: O(log n) per enqueue/dequeue.
 */
#include "schedulers/sched.h"

struct prio_conf {
    bool clairvoyant;     /* Q_i = work left (yes) or 1 (no) */
    bool preempt;         /* preemptive-resume (yes) or not */
};

static const struct param_def prio_params[] = {
    {"clairvoyant", PARAM_BOOL, offsetof(struct prio_conf, clairvoyant), "yes",
     .metavar = "yes|no", .help = "prio: Q = the guest's work left (yes) or 1 (no)"},
    {"preempt", PARAM_BOOL, offsetof(struct prio_conf, preempt), "no", .metavar = "yes|no",
     .help = "prio: preemptive-resume variant"},
    {NULL},
};

/* O_i = P_i * Q_i with P_i = 1/weight. */
static double prio_key(const struct sched *s, const struct vcpu *v)
{
    const struct prio_conf *c = s->conf;
    double q = c->clairvoyant ? (double)v->work_left : 1.0;
    return q / v->guest->weight;
}

static int prio_compare(struct sched *s, const struct vcpu *a, const struct vcpu *b)
{
    double pa = a->guest->priority, pb = b->guest->priority;
    if (pa != pb)
        return pa < pb ? -1 : 1;
    double ka = prio_key(s, a), kb = prio_key(s, b);
    return (ka > kb) - (ka < kb);
}

static unsigned prio_flags_for(const void *conf)
{
    const struct prio_conf *c = conf;
    return c->preempt ? SCHED_PREEMPTIVE : 0;
}

const struct sched_ops sched_ops_prio = {
    .info = {
        .name = "prio",
        .desc = "priority class, then O = P*Q (1/weight x expected time: Smith's rule); "
                "--preempt yes for preemptive-resume",
        .aliases = "priority",
        .params = prio_params,
        .conf_size = sizeof(struct prio_conf),
    },
    .init = sched_heap_init,
    .fini = sched_heap_fini,
    .enqueue = sched_heap_enqueue,
    .pick = sched_heap_pick,
    .dequeue = sched_heap_dequeue,
    .compare = prio_compare,
    .flags_for = prio_flags_for,
};
