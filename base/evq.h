/*
 * base/evq.h - the event queue: an array-based 4-ary min-heap of events
 * ordered by (time, seq).
 *
 * Promises:
 *   - events with equal time pop in the order of their seq, and seq comes
 *     from a per-queue counter, so events scheduled for the same time run
 *     in the order they were scheduled (FIFO, cf. libuv's start_id),
 *     within a tie-break class (below);
 *   - the caller embeds struct sim_event in its own object (a vCPU, a
 *     core, a host) and recovers it with container_of; the queue never
 *     allocates per event, only when the heap array itself must grow;
 *   - every event knows its heap slot, so cancel is O(log n) (cf. Xen's
 *     timer heap_offset).
 *
 * Layout, for speed (make bench compares it with a bare binary heap of
 * (time, seq) pairs): a slot is 16 bytes, the time and the event
 * pointer, so the four children of a node share one 64-byte cache line
 * and a comparison touches the event (for its seq) only when times tie.
 * A 4-ary heap is half as deep as a binary one, which halves the
 * back-pointer writes into events a sift makes.  The operations are
 * inline (cf. libuv's heap-inl.h): the engine's inner loop calls them.
 *
 * Pop is lazy: the popped event leaves a hole at the root, and the next
 * push fills the hole and sifts down once (a "replace-top"), instead of
 * a sift down for the pop and a sift up for the push.  A discrete-event
 * loop nearly always pushes right after it pops (the hold pattern).  Any
 * other operation first closes the hole the ordinary way.
 */
#ifndef BASE_EVQ_H
#define BASE_EVQ_H

#include <assert.h>

#include "base/types.h"

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
#define EVQ_ARITY 4

struct evq_slot {
    sim_time_t time;
    struct sim_event *ev;
};

struct evq {
    struct evq_slot *heap;
    size_t len, cap;
    uint64_t next_seq;    /* per-queue counter: deterministic ties */
    size_t peak;          /* largest number of pending events seen */
    bool hole;            /* heap[0] is a popped event's empty slot */
};

void evq_init(struct evq *q);
void evq_destroy(struct evq *q);   /* frees the array; events belong to their owners */
void evq_grow(struct evq *q);      /* make room for one more slot */

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

static inline bool evq__less(const struct evq_slot *a, const struct evq_slot *b)
{
    return a->time < b->time || (a->time == b->time && a->ev->seq < b->ev->seq);
}

static inline void evq__place(struct evq *q, size_t i, struct evq_slot s)
{
    q->heap[i] = s;
    s.ev->heap_idx = i;
}

/* Move s up from hole i to its place. */
static inline void evq__sift_up(struct evq *q, size_t i, struct evq_slot s)
{
    while (i > 0) {
        size_t parent = (i - 1) / EVQ_ARITY;
        if (!evq__less(&s, &q->heap[parent]))
            break;
        evq__place(q, i, q->heap[parent]);
        i = parent;
    }
    evq__place(q, i, s);
}

/* Move s down from hole i to its place. */
static inline void evq__sift_down(struct evq *q, size_t i, struct evq_slot s)
{
    size_t n = q->len;
    for (;;) {
        size_t first = EVQ_ARITY * i + 1;
        if (first >= n)
            break;
        size_t last = first + EVQ_ARITY < n ? first + EVQ_ARITY : n;
        /* The next level's children are in one of four cache lines: ask
         * for all four while this level compares (a prefetch never
         * faults, even past the end).  At 10^6 events: -20% per hold;
         * a small heap is in cache anyway. */
        size_t g = EVQ_ARITY * first + 1;
        if (n > 4096 && g < n) {
            __builtin_prefetch(&q->heap[g]);
            __builtin_prefetch(&q->heap[g + 4]);
            __builtin_prefetch(&q->heap[g + 8]);
            __builtin_prefetch(&q->heap[g + 12]);
        }
        size_t best = first;
        for (size_t c = first + 1; c < last; c++)
            if (evq__less(&q->heap[c], &q->heap[best]))
                best = c;
        if (!evq__less(&q->heap[best], &s))
            break;
        evq__place(q, i, q->heap[best]);
        i = best;
    }
    evq__place(q, i, s);
}

/* Close the hole left at the root by a lazy pop. */
static inline void evq__fill_hole(struct evq *q)
{
    q->hole = false;
    q->len--;
    if (q->len > 0)
        evq__sift_down(q, 0, q->heap[q->len]);
}

/* Queue ev at time in tie-break class cls; ev must not be queued. */
static inline void evq_push(struct evq *q, struct sim_event *ev, sim_time_t time,
                            enum sim_ev_class cls)
{
    assert(ev->heap_idx == EVQ_NOT_QUEUED);
    ev->time = time;
    ev->seq = ((uint64_t)cls << 56) | (q->next_seq++ & ((1ULL << 56) - 1));
    struct evq_slot s = {time, ev};
    if (q->hole) {
        q->hole = false;
        evq__sift_down(q, 0, s);
        return;
    }
    if (q->len == q->cap)
        evq_grow(q);
    q->len++;
    if (q->len > q->peak)
        q->peak = q->len;
    evq__sift_up(q, q->len - 1, s);
}

/* Remove and return the earliest event, NULL if empty. */
static inline struct sim_event *evq_pop(struct evq *q)
{
    if (q->hole)
        evq__fill_hole(q);
    if (q->len == 0)
        return NULL;
    struct sim_event *top = q->heap[0].ev;
    top->heap_idx = EVQ_NOT_QUEUED;
    q->hole = true;
    return top;
}

/* The earliest event, left queued; NULL if empty. */
static inline struct sim_event *evq_peek(struct evq *q)
{
    if (q->hole)
        evq__fill_hole(q);
    return q->len ? q->heap[0].ev : NULL;
}

static inline size_t evq_len(const struct evq *q) { return q->len - q->hole; }

/* Time of the earliest pending event (SIM_TIME_MAX if none), without
 * closing a hole: below a hole the earliest is one of the root's
 * children, since each subtree still keeps the heap order. */
static inline sim_time_t evq_next_time(const struct evq *q)
{
    if (!q->hole)
        return q->len ? q->heap[0].time : SIM_TIME_MAX;
    sim_time_t t = SIM_TIME_MAX;
    for (size_t c = 1; c <= EVQ_ARITY && c < q->len; c++)
        if (q->heap[c].time < t)
            t = q->heap[c].time;
    return t;
}

/* Remove ev if queued (no-op otherwise), O(log n). */
static inline void evq_cancel(struct evq *q, struct sim_event *ev)
{
    size_t i = ev->heap_idx;
    if (i == EVQ_NOT_QUEUED)
        return;
    if (q->hole) {
        evq__fill_hole(q);
        i = ev->heap_idx;
    }
    assert(i < q->len && q->heap[i].ev == ev);
    ev->heap_idx = EVQ_NOT_QUEUED;
    q->len--;
    if (i == q->len)
        return;
    struct evq_slot last = q->heap[q->len];
    if (i > 0 && evq__less(&last, &q->heap[(i - 1) / EVQ_ARITY]))
        evq__sift_up(q, i, last);
    else
        evq__sift_down(q, i, last);
}

#endif /* BASE_EVQ_H */
