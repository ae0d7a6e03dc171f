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
 * other operation first closes the hole the ordinary way.  With few
 * events pending (EVQ_EAGER_MAX or fewer) pop closes it at once instead:
 * sifting the last slot down from the root and then the new one up stops
 * where a branch predicts (the last slot sinks to the bottom, the new
 * event seldom rises), while the replace-top stops at the new event's
 * rank, a random level (the hold model at 10 pending 12.9 -> 10.4 ns;
 * no change from 100 pending on).
 *
 * Events whose keys are known to come in order skip the heap: they go
 * to a FIFO lane, which their (time, seq) keys keep sorted, and pop
 * merges the lanes' heads with the heap's top by the same order.  Events
 * come out exactly as from one heap, at O(1) instead of O(log n) each.
 * Two lanes: the end of the present instant (evq_push_now: a host's
 * dispatch, after everything else at this time; the clock never goes
 * back and seq only grows), and evq_push_sorted for a caller that
 * promises non-decreasing times (the start of the next cap period of
 * every guest throttled in this one).
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
#define EVQ_LANES 2
#define EVQ_LANE_NOW 0      /* evq_push_now */
#define EVQ_LANE_SORTED 1   /* evq_push_sorted */
#define EVQ_IN_LANE(k) ((size_t)-2 - (size_t)(k))   /* heap_idx of an event in lane k */
#define EVQ_ARITY 4
#define EVQ_EAGER_MAX 32   /* at most this many pending: pop closes its hole at once */

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
    /* the FIFO lanes, each in (time, seq) order; a cancelled event
     * leaves NULL */
    struct evq_lane {
        struct sim_event **ev;
        size_t head, tail, cap;
        size_t live;      /* events in it, not cancelled */
    } lane[EVQ_LANES];
    size_t nlane;         /* events in every lane */
};

void evq_init(struct evq *q);
void evq_destroy(struct evq *q);   /* frees the array; events belong to their owners */
void evq_grow(struct evq *q);      /* make room for one more slot */
void evq_lane_grow(struct evq_lane *l); /* make room for one more entry */

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

static inline bool evq__before(const struct sim_event *a, const struct sim_event *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
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

/* The earliest of the children first..last-1.  A full node is decided
 * by times alone, without a branch on the data (a pair, another pair,
 * their winners: the compiler selects with conditional moves), unless
 * two of the compared times tie; then, and for a node with fewer
 * children, by the full key.  Times that differ decide the full key's
 * order, so the choice is the same: the hold model went 53 -> 23 ns at
 * 10^3 pending and 97 -> 47 ns at 10^5 (the branches mispredicted about
 * half the time; the last choice is a mask, as gcc made it a branch). */
static inline size_t evq__min_child(const struct evq *q, size_t first, size_t last)
{
    const struct evq_slot *k = &q->heap[first];
    if (last - first == EVQ_ARITY) {
        _Static_assert(EVQ_ARITY == 4, "a full node is two pairs");
        sim_time_t t0 = k[0].time, t1 = k[1].time, t2 = k[2].time, t3 = k[3].time;
        size_t a = t1 < t0, b = 2 + (t3 < t2);
        sim_time_t ta = t1 < t0 ? t1 : t0, tb = t3 < t2 ? t3 : t2;
        size_t pick_b = -(size_t)(tb < ta);   /* all ones or zero: a mask, not a branch */
        if ((t0 != t1) & (t2 != t3) & (ta != tb))
            return first + (a ^ ((a ^ b) & pick_b));
    }
    size_t best = first;
    for (size_t c = first + 1; c < last; c++)
        if (evq__less(&q->heap[c], &q->heap[best]))
            best = c;
    return best;
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
        size_t best = evq__min_child(q, first, last);
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
        if (q->len + q->nlane > q->peak)   /* (only with events in lanes) */
            q->peak = q->len + q->nlane;
        return;
    }
    if (q->len == q->cap)
        evq_grow(q);
    q->len++;
    if (q->len + q->nlane > q->peak)
        q->peak = q->len + q->nlane;
    evq__sift_up(q, q->len - 1, s);
}

/* ev, keyed already, at the tail of lane k. */
static inline void evq__lane_push(struct evq *q, int k, struct sim_event *ev)
{
    struct evq_lane *l = &q->lane[k];
    ev->heap_idx = EVQ_IN_LANE(k);
    if (l->tail == l->cap)
        evq_lane_grow(l);
    l->ev[l->tail++] = ev;
    l->live++;
    q->nlane++;
    if (q->len - q->hole + q->nlane > q->peak)
        q->peak = q->len - q->hole + q->nlane;
}

/* The last event queued in lane k, NULL if none (or it was cancelled). */
static inline const struct sim_event *evq__lane_last(const struct evq *q, int k)
{
    const struct evq_lane *l = &q->lane[k];
    return l->head < l->tail ? l->ev[l->tail - 1] : NULL;
}

/* Queue ev at time now in tie-break class cls, to run after every event
 * queued for now before it in that order; now must not be earlier than
 * any time ever popped (the present instant).  ev must not be queued. */
static inline void evq_push_now(struct evq *q, struct sim_event *ev, sim_time_t now,
                                enum sim_ev_class cls)
{
    assert(ev->heap_idx == EVQ_NOT_QUEUED);
    ev->time = now;
    ev->seq = ((uint64_t)cls << 56) | (q->next_seq++ & ((1ULL << 56) - 1));
    assert(!evq__lane_last(q, EVQ_LANE_NOW) || evq__before(evq__lane_last(q, EVQ_LANE_NOW), ev));
    evq__lane_push(q, EVQ_LANE_NOW, ev);
}

/* Queue ev at time in class cls through the sorted lane: the caller
 * promises that (time, cls) never decreases from one call to the next
 * (while events of earlier calls are queued).  ev must not be queued. */
static inline void evq_push_sorted(struct evq *q, struct sim_event *ev, sim_time_t time,
                                   enum sim_ev_class cls)
{
    assert(ev->heap_idx == EVQ_NOT_QUEUED);
    ev->time = time;
    ev->seq = ((uint64_t)cls << 56) | (q->next_seq++ & ((1ULL << 56) - 1));
    assert(!evq__lane_last(q, EVQ_LANE_SORTED) ||
           evq__before(evq__lane_last(q, EVQ_LANE_SORTED), ev));
    evq__lane_push(q, EVQ_LANE_SORTED, ev);
}

/* Lane k's first live event (dropping cancelled ones), NULL if none. */
static inline struct sim_event *evq__lane_head(struct evq *q, int k)
{
    struct evq_lane *l = &q->lane[k];
    while (l->head < l->tail && !l->ev[l->head])
        l->head++;
    if (l->head == l->tail) {
        l->head = l->tail = 0;
        return NULL;
    }
    return l->ev[l->head];
}

/* The earliest of the lanes' heads and the heap's top (no hole), and
 * the lane it is in (-1: the heap); NULL if all are empty. */
static inline struct sim_event *evq__first(struct evq *q, int *from)
{
    struct sim_event *best = q->len ? q->heap[0].ev : NULL;
    *from = -1;
    if (q->nlane)
        for (int k = 0; k < EVQ_LANES; k++) {
            struct sim_event *h = evq__lane_head(q, k);
            if (h && (!best || evq__before(h, best))) {
                best = h;
                *from = k;
            }
        }
    return best;
}

/* Remove and return the earliest event, NULL if empty. */
static inline struct sim_event *evq_pop(struct evq *q)
{
    if (q->hole)
        evq__fill_hole(q);
    if (q->nlane) {
        int k;
        struct sim_event *f = evq__first(q, &k);
        if (k >= 0) {
            q->lane[k].head++;
            q->lane[k].live--;
            q->nlane--;
            f->heap_idx = EVQ_NOT_QUEUED;
            return f;
        }
    }
    if (q->len == 0)
        return NULL;
    struct sim_event *top = q->heap[0].ev;
    top->heap_idx = EVQ_NOT_QUEUED;
    q->hole = true;
    if (q->len <= EVQ_EAGER_MAX)
        evq__fill_hole(q);
    return top;
}

/* The earliest event, left queued; NULL if empty. */
static inline struct sim_event *evq_peek(struct evq *q)
{
    if (q->hole)
        evq__fill_hole(q);
    int k;
    return evq__first(q, &k);
}

static inline size_t evq_len(const struct evq *q) { return q->len - q->hole + q->nlane; }

/* Time of the earliest pending event (SIM_TIME_MAX if none), without
 * closing a hole: below a hole the earliest is one of the root's
 * children, since each subtree still keeps the heap order. */
static inline sim_time_t evq_next_time(const struct evq *q)
{
    sim_time_t t = SIM_TIME_MAX;
    for (int k = 0; q->nlane && k < EVQ_LANES; k++) {
        const struct evq_lane *l = &q->lane[k];
        for (size_t i = l->head; i < l->tail; i++)
            if (l->ev[i]) {   /* a lane's first live event is its earliest */
                if (l->ev[i]->time < t)
                    t = l->ev[i]->time;
                break;
            }
    }
    if (!q->hole)
        return q->len && q->heap[0].time < t ? q->heap[0].time : t;
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
    for (int k = 0; k < EVQ_LANES; k++)
        if (i == EVQ_IN_LANE(k)) {   /* rare: leave a tombstone */
            struct evq_lane *l = &q->lane[k];
            for (size_t j = l->head; j < l->tail; j++)
                if (l->ev[j] == ev)
                    l->ev[j] = NULL;
            ev->heap_idx = EVQ_NOT_QUEUED;
            l->live--;
            q->nlane--;
            return;
        }
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
