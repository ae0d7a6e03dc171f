/*
 * sim/evq.c - binary min-heap of (time, seq) keys with back-pointers.
 *
 * Cost: push, pop and cancel are O(log n) sift operations; each level
 * compares two 16-byte keys held in the array and writes one back-pointer
 * (ev->heap_idx) into the moved event.  Sifts move a hole instead of
 * swapping, so each level writes one slot, not two.
 */
#include "sim/evq.h"

#include <assert.h>
#include <stdlib.h>

#include "sim/xalloc.h"

void evq_init(struct evq *q)
{
    q->heap = NULL;
    q->len = q->cap = 0;
    q->next_seq = 0;
    q->peak = 0;
}

void evq_destroy(struct evq *q)
{
    for (size_t i = 0; i < q->len; i++)
        q->heap[i].ev->heap_idx = EVQ_NOT_QUEUED;
    free(q->heap);
    evq_init(q);
}

static inline bool slot_less(const struct evq_slot *a, const struct evq_slot *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

static inline void place(struct evq *q, size_t i, struct evq_slot s)
{
    q->heap[i] = s;
    s.ev->heap_idx = i;
}

/* Move s up from hole i to its place. */
static void sift_up(struct evq *q, size_t i, struct evq_slot s)
{
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!slot_less(&s, &q->heap[parent]))
            break;
        place(q, i, q->heap[parent]);
        i = parent;
    }
    place(q, i, s);
}

/* Move s down from hole i to its place. */
static void sift_down(struct evq *q, size_t i, struct evq_slot s)
{
    size_t n = q->len;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && slot_less(&q->heap[child + 1], &q->heap[child]))
            child++;
        if (!slot_less(&q->heap[child], &s))
            break;
        place(q, i, q->heap[child]);
        i = child;
    }
    place(q, i, s);
}

void evq_push(struct evq *q, struct sim_event *ev, sim_time_t time, enum sim_ev_class cls)
{
    assert(ev->heap_idx == EVQ_NOT_QUEUED);
    if (q->len == q->cap)
        q->heap = xgrow(q->heap, &q->cap, q->len + 1, sizeof *q->heap);
    ev->time = time;
    ev->seq = ((uint64_t)cls << 56) | (q->next_seq++ & ((1ULL << 56) - 1));
    struct evq_slot s = {time, ev->seq, ev};
    q->len++;
    if (q->len > q->peak)
        q->peak = q->len;
    sift_up(q, q->len - 1, s);
}

struct sim_event *evq_pop(struct evq *q)
{
    if (q->len == 0)
        return NULL;
    struct sim_event *top = q->heap[0].ev;
    top->heap_idx = EVQ_NOT_QUEUED;
    q->len--;
    if (q->len > 0)
        sift_down(q, 0, q->heap[q->len]);
    return top;
}

void evq_cancel(struct evq *q, struct sim_event *ev)
{
    size_t i = ev->heap_idx;
    if (i == EVQ_NOT_QUEUED)
        return;
    assert(i < q->len && q->heap[i].ev == ev);
    ev->heap_idx = EVQ_NOT_QUEUED;
    q->len--;
    if (i == q->len)
        return;
    struct evq_slot last = q->heap[q->len];
    if (i > 0 && slot_less(&last, &q->heap[(i - 1) / 2]))
        sift_up(q, i, last);
    else
        sift_down(q, i, last);
}
