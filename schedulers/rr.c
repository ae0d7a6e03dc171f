/*
 * schedulers/rr.c - round robin with a fixed quantum (--quantum).
 *
 * Optimises: fairness and the response time of short guests without
 * knowing sizes.  A vCPU runs for at most one quantum of core time; if
 * another vCPU is ready when the quantum ends, it goes to the tail of the
 * queue (a world switch, which the hardware model charges), otherwise it
 * simply goes on.  A guest arriving at the instant a quantum ends is
 * queued ahead of the preempted one: the engine processes arrivals before
 * core events of the same instant.
 *
 * Theory: as quantum -> 0, RR -> processor sharing, E[T|x] = x/(1 - rho)
 * for any service law; as quantum -> inf, RR -> FCFS.  For M/M/1 every
 * quantum gives E[T] = 1/(mu - lambda) with free switches
 * (../shared/validation/queueing.md, section 3).  Each quantum started
 * costs one switch, so overhead grows as the quantum shrinks.
 *
 * Cost: O(1) per operation (amortised; a ring buffer FIFO).
 */
#include "schedulers/sched.h"

static int rr_init(struct sched *s, struct sim_error *err)
{
    if (s->params.quantum <= 0)
        return sim_error_usage(err, "--quantum must be > 0 for rr");
    return sched_fifo_init(s, err);
}

static sim_time_t rr_timeslice(struct sched *s, const struct vcpu *v)
{
    (void)v;
    return s->params.quantum;
}

const struct sched_ops sched_ops_rr = {
    .name = "rr",
    .desc = "round robin with --quantum; preempted vCPUs go to the tail, arrivals ahead of them",
    .init = rr_init,
    .fini = sched_fifo_fini,
    .enqueue = sched_fifo_enqueue,
    .peek = sched_fifo_peek,
    .dequeue = sched_fifo_dequeue,
    .timeslice = rr_timeslice,
};
