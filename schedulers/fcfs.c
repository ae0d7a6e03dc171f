/*
 * schedulers/fcfs.c - first come, first served.
 *
 * Optimises: nothing but order; it is the baseline every other policy is
 * compared with.  Non-preemptive: a vCPU keeps its core until its work is
 * done.  Guests arriving at the same instant queue in trace order (the
 * engine enqueues arrivals in that order).
 *
 * Theory: M/M/1 gives E[T] = 1/(mu - lambda); M/G/1 the
 * Pollaczek-Khinchine formula E[Wq] = lambda E[S^2] / (2(1 - rho));
 * M/M/c Erlang C (../shared/validation/queueing.md, sections 2, 4, 5).
 *
 * Cost: O(1) per operation (amortised; a ring buffer FIFO).
 */
#include <stdlib.h>

#include "schedulers/sched.h"
#include "sim/xalloc.h"

static struct vcpu_fifo *fcfs_queue(struct sched *s) { return s->priv; }

static int fcfs_init(struct sched *s, struct sim_error *err)
{
    (void)err;
    s->priv = xcalloc(1, sizeof(struct vcpu_fifo));
    return SIM_OK;
}

static void fcfs_fini(struct sched *s)
{
    vcpu_fifo_destroy(fcfs_queue(s));
    free(s->priv);
}

static void fcfs_vcpu_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    (void)why;
    vcpu_fifo_push(fcfs_queue(s), v);
}

static struct vcpu *fcfs_peek(struct sched *s) { return vcpu_fifo_peek(fcfs_queue(s)); }

static void fcfs_vcpu_dequeue(struct sched *s, struct vcpu *v) { vcpu_fifo_remove(fcfs_queue(s), v); }

const struct sched_ops sched_ops_fcfs = {
    .name = "fcfs",
    .desc = "first come, first served; non-preemptive, in arrival (trace) order",
    .init = fcfs_init,
    .fini = fcfs_fini,
    .enqueue = fcfs_vcpu_enqueue,
    .peek = fcfs_peek,
    .dequeue = fcfs_vcpu_dequeue,
};
