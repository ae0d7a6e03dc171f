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
 * There is no `ps` alias: RR with a finite quantum is not processor
 * sharing, and a name that promised it would hide the quantum; the
 * description says how to approach PS.
 *
 * Theory: as quantum -> 0, RR -> processor sharing, E[T|x] = x/(1 - rho)
 * for any service law; as quantum -> inf, RR -> FCFS.  For M/M/1 every
 * quantum gives E[T] = 1/(mu - lambda) with free switches
 * (docs/validation/queueing.md, section 3).  Each quantum started
 * costs one switch, so overhead grows as the quantum shrinks.
 *
 * Cost: O(1) per operation (amortised; a ring buffer FIFO).
 */
#include "schedulers/sched.h"

struct rr_conf {
    sim_time_t quantum;   /* core time a vCPU runs before the next ready one */
};

static const struct param_def rr_params[] = {
    {"quantum", PARAM_DURATION, offsetof(struct rr_conf, quantum), "30ms", 0, SIM_SECONDS_MAX,
     PARAM_MIN_OPEN, .metavar = "DUR", .help = "rr: time slice; the default is the "
     "timeslice of Xen's credit scheduler (sched_credit_tslice_ms)"},
    {NULL},
};

static sim_time_t rr_timeslice(struct sched *s, const struct vcpu *v, const struct pcpu *c)
{
    (void)v, (void)c;
    const struct rr_conf *conf = s->conf;
    return conf->quantum;
}

const struct sched_ops sched_ops_rr = {
    .info = {
        .name = "rr",
        .desc = "round robin with --quantum; preempted vCPUs go to the tail, arrivals ahead "
                "of them.  Processor sharing (PS) is its limit as the quantum shrinks: for "
                "PS give a quantum far below the work (--quantum 1ms for work of seconds)",
        .aliases = "round-robin",
        .params = rr_params,
        .conf_size = sizeof(struct rr_conf),
    },
    .init = sched_fifo_init,
    .fini = sched_fifo_fini,
    .enqueue = sched_fifo_enqueue,
    .pick = sched_fifo_pick,
    .dequeue = sched_fifo_dequeue,
    .timeslice = rr_timeslice,
};
