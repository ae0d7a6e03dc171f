/*
 * sim/evq.h - the event queue: an array-based binary min-heap of events
 * ordered by (time, seq).
 *
 * Promises:
 *   - events with equal time pop in the order of their seq, and seq comes
 *     from a per-queue counter, so events scheduled for the same time run
 *     in the order they were scheduled (FIFO, cf. libuv's start_id);
 *   - the caller embeds struct sim_event in its own object (a vCPU, a
 *     core, a host) and recovers it with container_of; the queue never
 *     allocates per event, only when the heap array itself must grow;
 *   - every event knows its heap slot, so cancel is O(log n) (cf. Xen's
 *     timer heap_offset);
 *   - the heap array holds the keys next to the pointer, so sifting
 *     compares without touching the events (one cache line per level).
 */
#ifndef SIM_EVQ_H
#define SIM_EVQ_H

#include "sim/types.h"

struct sim_event;
typedef void (*sim_event_fn)(struct sim *sim, struct sim_event *ev);

/* Tie-break classes: among events at the same instant, a lower class runs
 * first whatever the order of scheduling.  Arrivals go first so that a
 * guest arriving when a quantum expires is queued ahead of the preempted
 * one (SPEC "Ties"); dispatch goes last so that a policy sees every guest
 * that arrived at this instant before it picks (textbook SJF at t = 0). */
enum sim_ev_class {
    SIM_EVC_ARRIVAL = 0,
    SIM_EVC_CORE = 1,     /* completion, quantum end, exit on a core */
    SIM_EVC_CONTROL = 2,  /* periodic allocation, sampling */
    SIM_EVC_DISPATCH = 3,
};

struct sim_event {
    sim_time_t time;      /* when it fires */
    uint64_t seq;         /* class << 56 | order of scheduling */
    size_t heap_idx;      /* slot in the heap, EVQ_NOT_QUEUED if not queued */
    sim_event_fn fn;      /* handler */
};
#define EVQ_NOT_QUEUED ((size_t)-1)

struct evq_slot {
    sim_time_t time;
    uint64_t seq;
    struct sim_event *ev;
};

struct evq {
    struct evq_slot *heap;
    size_t len, cap;
    uint64_t next_seq;    /* per-queue counter: deterministic ties */
    size_t peak;          /* largest len seen */
};

void evq_init(struct evq *q);
void evq_destroy(struct evq *q);   /* frees the array; events belong to their owners */

static inline void sim_event_init(struct sim_event *ev, sim_event_fn fn)
{
    ev->time = 0;
    ev->seq = 0;
    ev->heap_idx = EVQ_NOT_QUEUED;
    ev->fn = fn;
}
static inline bool sim_event_pending(const struct sim_event *ev)
{
    return ev->heap_idx != EVQ_NOT_QUEUED;
}

/* Queue ev at time in tie-break class cls; ev must not be queued. */
void evq_push(struct evq *q, struct sim_event *ev, sim_time_t time, enum sim_ev_class cls);
/* Remove and return the earliest event, NULL if empty. */
struct sim_event *evq_pop(struct evq *q);
static inline struct sim_event *evq_peek(const struct evq *q) { return q->len ? q->heap[0].ev : NULL; }
/* Remove ev if queued (no-op otherwise), O(log n). */
void evq_cancel(struct evq *q, struct sim_event *ev);
static inline size_t evq_len(const struct evq *q) { return q->len; }

#endif /* SIM_EVQ_H */
