/*
 * base/evq.c - the out-of-line parts of the event queue (evq.h holds the
 * inline heap operations).
 */
#include "base/evq.h"

#include <stdlib.h>

#include "base/xalloc.h"

void evq_init(struct evq *q)
{
    q->heap = NULL;
    q->len = q->cap = 0;
    q->next_seq = 0;
    q->peak = 0;
    q->hole = false;
}

void evq_destroy(struct evq *q)
{
    for (size_t i = q->hole; i < q->len; i++)
        q->heap[i].ev->heap_idx = EVQ_NOT_QUEUED;
    free(q->heap);
    evq_init(q);
}

void evq_grow(struct evq *q)
{
    q->heap = xgrow(q->heap, &q->cap, q->len + 1, sizeof *q->heap);
}
