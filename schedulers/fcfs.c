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
 * M/M/c Erlang C (docs/validation/queueing.md, sections 2, 4, 5).
 *
 * Cost: O(1) per operation (amortised; a ring buffer FIFO).
 */
#include "schedulers/sched.h"

/* All of it is the shared FIFO: arrival order, no preemption. */
const struct sched_ops sched_ops_fcfs = {
    .info = {
        .name = "fcfs",
        .desc = "first come, first served; non-preemptive, in arrival (trace) order",
        .aliases = "fifo",
    },
    .init = sched_fifo_init,
    .fini = sched_fifo_fini,
    .enqueue = sched_fifo_enqueue,
    .pick = sched_fifo_pick,
    .dequeue = sched_fifo_dequeue,
};
