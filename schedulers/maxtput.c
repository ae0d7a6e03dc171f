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
#include <stdlib.h>

#include "schedulers/sched.h"
#include "sim/xalloc.h"

static struct vcpu_heap *maxtput_heap(struct sched *s) { return s->priv; }

static int maxtput_compare(struct sched *s, const struct vcpu *a, const struct vcpu *b)
{
    if (!s->params.clairvoyant)
        return 0;   /* FIFO by enqueue order */
    return (a->work_left > b->work_left) - (a->work_left < b->work_left);
}

static int maxtput_init(struct sched *s, struct sim_error *err)
{
    (void)err;
    struct vcpu_heap *h = xmalloc(sizeof *h);
    vcpu_heap_init(h, s, maxtput_compare);
    s->priv = h;
    return SIM_OK;
}

static void maxtput_fini(struct sched *s)
{
    vcpu_heap_destroy(maxtput_heap(s));
    free(s->priv);
}

static void maxtput_vcpu_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    (void)why;
    vcpu_heap_push(maxtput_heap(s), v);
}

static struct vcpu *maxtput_peek(struct sched *s) { return vcpu_heap_peek(maxtput_heap(s)); }

static void maxtput_vcpu_dequeue(struct sched *s, struct vcpu *v)
{
    vcpu_heap_remove(maxtput_heap(s), v);
}

const struct sched_ops sched_ops_maxtput = {
    .name = "maxtput",
    .desc = "maximise throughput: non-preemptive shortest job first, one switch per vCPU",
    .flags = SCHED_SIZE_BASED,
    .init = maxtput_init,
    .fini = maxtput_fini,
    .enqueue = maxtput_vcpu_enqueue,
    .peek = maxtput_peek,
    .dequeue = maxtput_vcpu_dequeue,
};
