/*
 * base/evq.c - the out-of-line parts of the event queue (evq.h holds the
 * inline heap operations).
 */
#include "base/evq.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void evq_init(struct evq *q)
{
    q->heap = NULL;
    q->len = q->cap = 0;
    q->next_seq = 0;
    q->peak = 0;
    q->hole = false;
    memset(q->lane, 0, sizeof q->lane);
    q->nlane = 0;
}

void evq_destroy(struct evq *q)
{
    for (size_t i = q->hole; i < q->len; i++)
        q->heap[i].ev->heap_idx = EVQ_NOT_QUEUED;
    for (int k = 0; k < EVQ_LANES; k++) {
        struct evq_lane *l = &q->lane[k];
        for (size_t i = l->head; i < l->tail; i++)
            if (l->ev[i])
                l->ev[i]->heap_idx = EVQ_NOT_QUEUED;
        free(l->ev);
    }
    free(q->heap);
    evq_init(q);
}

void evq_lane_grow(struct evq_lane *l)
{
    if (l->head > 0) {   /* slide the live part to the front first */
        memmove(l->ev, l->ev + l->head, (l->tail - l->head) * sizeof *l->ev);
        l->tail -= l->head;
        l->head = 0;
        if (l->tail < l->cap)
            return;
    }
    l->ev = xgrow(l->ev, &l->cap, l->tail + 1, sizeof *l->ev);
}

void evq_grow(struct evq *q)
{
    q->heap = xgrow(q->heap, &q->cap, q->len + 1, sizeof *q->heap);
}
