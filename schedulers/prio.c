/*
 * schedulers/prio.c - priority scheduling: the priority class first (the
 * trace's `priority`, smaller is more important, default 0), then, among
 * equal priorities, arrival order (--tie fifo, the default: what every
 * textbook assumes) or the seed's dispatch key O_i = P_i * Q_i (--tie
 * smith; docs/MODEL.md).
 *
 * Arrival order is the guest's arrival time, then its trace position, then
 * the vCPU's index: a vCPU keeps its place when it is preempted, as a
 * POSIX SCHED_FIFO thread does, and among running vCPUs of one priority
 * the latest arrival is the one a more important arrival preempts.
 *
 * Smith's rule: O_i = P_i * Q_i with P_i = 1 / weight_i and Q_i the
 * expected execution time, the vCPU's work left when work is known
 * (--clairvoyant yes), else 1.  It is weighted shortest processing time
 * first, which minimises the weighted sum of completion times on one
 * machine (Smith 1956); without clairvoyance it serves the heaviest
 * weight first, then in enqueue order.
 *
 * Variants: non-preemptive (default) and preemptive-resume (--preempt
 * yes), where a better arrival takes the core of the worst running vCPU.
 * With two classes, FIFO within each, M/G/1 follows Cobham (1954):
 * non-preemptive E[Wq_k] = W0 / ((1 - sigma_{k-1})(1 - sigma_k));
 * preemptive-resume as in queueing.md section 7.
 *
 * Cost: O(log n) per enqueue/dequeue.
 */
#include "schedulers/sched.h"

enum prio_tie { PRIO_TIE_FIFO, PRIO_TIE_SMITH };

struct prio_conf {
    int tie;              /* enum prio_tie: order among equal priorities */
    bool clairvoyant;     /* --tie smith: Q = work left (yes) or 1 (no) */
    bool preempt;         /* preemptive-resume (yes) or not */
};

static const struct param_def prio_params[] = {
    {"tie", PARAM_CHOICE, offsetof(struct prio_conf, tie), "fifo", .choices = "fifo|smith",
     .metavar = "fifo|smith", .help = "prio: order among equal priorities: arrival (fifo, as "
     "textbooks assume) or Smith's rule O = P*Q, 1/weight x expected time (smith)"},
    {"clairvoyant", PARAM_BOOL, offsetof(struct prio_conf, clairvoyant), "yes",
     .metavar = "yes|no", .help = "prio --tie smith: Q = the guest's work left (yes) or 1 (no)"},
    {"preempt", PARAM_BOOL, offsetof(struct prio_conf, preempt), "no", .metavar = "yes|no",
     .help = "prio: preemptive-resume variant"},
    {NULL},
};

/* O_i = P_i * Q_i with P_i = 1/weight. */
static double prio_key(const struct prio_conf *c, const struct vcpu *v)
{
    double q = c->clairvoyant ? (double)v->work_left : 1.0;
    return q / v->guest->weight;
}

static int prio_compare(struct sched *s, const struct vcpu *a, const struct vcpu *b)
{
    const struct prio_conf *c = s->conf;
    const struct guest *ga = a->guest, *gb = b->guest;
    if (ga->priority != gb->priority)
        return ga->priority < gb->priority ? -1 : 1;
    if (c->tie == PRIO_TIE_SMITH) {
        double ka = prio_key(c, a), kb = prio_key(c, b);
        return (ka > kb) - (ka < kb);
    }
    if (ga->arrival != gb->arrival)
        return ga->arrival < gb->arrival ? -1 : 1;
    if (ga->seq != gb->seq)
        return ga->seq < gb->seq ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

static unsigned prio_flags_for(const void *conf)
{
    const struct prio_conf *c = conf;
    return c->preempt ? SCHED_PREEMPTIVE : 0;
}

const struct sched_ops sched_ops_prio = {
    .info = {
        .name = "prio",
        .desc = "priority class, then arrival order (--tie fifo) or O = P*Q, 1/weight x "
                "expected time (--tie smith: Smith's rule); --preempt yes for "
                "preemptive-resume",
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
