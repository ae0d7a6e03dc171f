/*
 * schedulers/minlat.c - minimise latency (mean turnaround).
 *
 * With known work (--clairvoyant yes, the default): preemptive
 * shortest-remaining-processing-time first (SRPT).  A vCPU runs while no
 * ready vCPU has less work left; an arrival with less work than the
 * running vCPU with the most work left preempts it.  Schrage (1968)
 * proved SRPT minimises mean response time on one server, so no policy
 * can beat its E[T] (Schrage & Miller 1966 give E[T|x] for M/G/1;
 * docs/validation/queueing.md section 6: M/M/1 rho=0.5 -> 1.425).
 *
 * Without (--clairvoyant no): least attained service (LAS, the
 * foreground-background policy): the vCPU that has received the least
 * service runs; among equals they take turns of --quantum.  For
 * decreasing-hazard (heavy-tailed) work it approximates SRPT without
 * knowing sizes (Rai, Urvoy-Keller & Biersack 2003); for exponential work
 * it is no better than processor sharing.
 *
 * Parameters: --clairvoyant, --quantum (LAS granularity).
 * Cost: O(log n) per enqueue/dequeue (binary heap on the key).
 */
#include "schedulers/sched.h"

struct minlat_conf {
    bool clairvoyant;     /* SRPT on work left (yes) or LAS on attained service (no) */
    sim_time_t quantum;   /* LAS: turns among equals */
};

static const struct param_def minlat_params[] = {
    {"clairvoyant", PARAM_BOOL, offsetof(struct minlat_conf, clairvoyant), "yes",
     .metavar = "yes|no", .help = "minlat: see each guest's work (SRPT) or not (least "
     "attained service)"},
    {"quantum", PARAM_DURATION, offsetof(struct minlat_conf, quantum), "30ms", 0,
     SIM_SECONDS_MAX, PARAM_MIN_OPEN, .metavar = "DUR", .help = "minlat --clairvoyant no: "
     "turns among vCPUs of equal attained service (as rr's)"},
    {NULL},
};

/* Ties broken by the heap's enqueue order (FIFO). */
static int minlat_compare(struct sched *s, const struct vcpu *a, const struct vcpu *b)
{
    const struct minlat_conf *c = s->conf;
    sim_time_t ka = c->clairvoyant ? a->work_left : a->attained;
    sim_time_t kb = c->clairvoyant ? b->work_left : b->attained;
    return (ka > kb) - (ka < kb);
}

/* SRPT needs no slice: only an arrival can overtake the running vCPU.
 * LAS must look again after each quantum, since the running vCPU's
 * attained service grows past the others'. */
static sim_time_t minlat_timeslice(struct sched *s, const struct vcpu *v, const struct pcpu *c)
{
    (void)v, (void)c;
    const struct minlat_conf *conf = s->conf;
    return conf->clairvoyant ? 0 : conf->quantum;
}

const struct sched_ops sched_ops_minlat = {
    .info = {
        .name = "minlat",
        .desc = "minimise latency: preemptive shortest remaining work (SRPT); least attained "
                "service with --clairvoyant no",
        .aliases = "srpt srtf",
        .params = minlat_params,
        .conf_size = sizeof(struct minlat_conf),
    },
    .flags = SCHED_PREEMPTIVE | SCHED_SIZE_BASED,
    .init = sched_heap_init,
    .fini = sched_heap_fini,
    .enqueue = sched_heap_enqueue,
    .pick = sched_heap_pick,
    .dequeue = sched_heap_dequeue,
    .timeslice = minlat_timeslice,
    .compare = minlat_compare,
};
