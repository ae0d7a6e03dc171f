/*
 * schedulers/maxtput.c - maximise throughput: non-preemptive
 * shortest-job-first (SJF).
 *
 * A core that falls idle takes the ready vCPU with the least work; once
 * started, a vCPU keeps its core until it finishes.  It is work
 * conserving (no core idles while work is ready), and it makes the fewest
 * world switches possible: exactly one per vCPU, so on hardware with
 * expensive switches it wastes the least capacity and saturates last
 * (queueing.md identity 1.3: X -> c mu).  Among non-preemptive policies
 * SJF minimises mean waiting for jobs present together (the textbook
 * result), and in M/G/1 its E[T] follows Phipps (1956): M/M/1 rho=0.5 ->
 * 1.713 (queueing.md section 6).
 *
 * With --clairvoyant no the policy cannot see work and serves in arrival
 * order (FCFS), which is still work conserving with one switch per vCPU.
 *
 * Cost: O(log n) per enqueue/dequeue.
 */
#include "schedulers/sched.h"

struct maxtput_conf {
    bool clairvoyant;     /* order by work (yes) or serve in arrival order (no) */
};

static const struct param_def maxtput_params[] = {
    {"clairvoyant", PARAM_BOOL, offsetof(struct maxtput_conf, clairvoyant), "yes",
     .metavar = "yes|no", .help = "maxtput: see each guest's work (SJF) or not (FCFS)"},
    {NULL},
};

static int maxtput_compare(struct sched *s, const struct vcpu *a, const struct vcpu *b)
{
    const struct maxtput_conf *c = s->conf;
    if (!c->clairvoyant)
        return 0;   /* FIFO by enqueue order */
    return (a->work_left > b->work_left) - (a->work_left < b->work_left);
}

const struct sched_ops sched_ops_maxtput = {
    .info = {
        .name = "maxtput",
        .desc = "maximise throughput: non-preemptive shortest job first, one switch per vCPU",
        .aliases = "sjf",
        .params = maxtput_params,
        .conf_size = sizeof(struct maxtput_conf),
    },
    .flags = SCHED_SIZE_BASED,
    .init = sched_heap_init,
    .fini = sched_heap_fini,
    .enqueue = sched_heap_enqueue,
    .pick = sched_heap_pick,
    .dequeue = sched_heap_dequeue,
    .compare = maxtput_compare,
};
