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
    q->fifo = NULL;
    q->fhead = q->ftail = q->fcap = 0;
    q->nfifo = 0;
}

void evq_destroy(struct evq *q)
{
    for (size_t i = q->hole; i < q->len; i++)
        q->heap[i].ev->heap_idx = EVQ_NOT_QUEUED;
    for (size_t i = q->fhead; i < q->ftail; i++)
        if (q->fifo[i])
            q->fifo[i]->heap_idx = EVQ_NOT_QUEUED;
    free(q->heap);
    free(q->fifo);
    evq_init(q);
}

void evq_fifo_grow(struct evq *q)
{
    if (q->fhead > 0) {   /* slide the live part to the front first */
        memmove(q->fifo, q->fifo + q->fhead, (q->ftail - q->fhead) * sizeof *q->fifo);
        q->ftail -= q->fhead;
        q->fhead = 0;
        if (q->ftail < q->fcap)
            return;
    }
    q->fifo = xgrow(q->fifo, &q->fcap, q->ftail + 1, sizeof *q->fifo);
}

void evq_grow(struct evq *q)
{
    q->heap = xgrow(q->heap, &q->cap, q->len + 1, sizeof *q->heap);
}
