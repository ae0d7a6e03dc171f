/*
 * sim/guest-pool.c - the memory of guest records (sim/guest-pool.h).
 *
 * Records are carved, 64-byte aligned, from chunks that grow from 64 KB
 * to 4 MB; a chunk of 2 MB or more is aligned to 2 MB and advised to the
 * kernel as a candidate for transparent huge pages.  Why: a run with
 * 10^5 guests in the system dispatches them in turn, each dispatch in
 * another record, and with 4 KB pages the run queue's fetch of the next
 * heads waited on page walks (perf, the rr benchmark: 80% of
 * vcpu_fifo_remove's samples on its prefetch); with huge pages 0.82 ->
 * 0.77 s of CPU.  The engine never frees a record before the run ends
 * (completed guests are reused), so the chunks are freed together.
 *
 * Under AddressSanitizer each record is an allocation of its own, so that
 * its redzones still catch a write past a record.
 */
#define _DEFAULT_SOURCE   /* madvise's MADV_HUGEPAGE */
#include "sim/guest-pool.h"

#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "base/xalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_PER_RECORD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_PER_RECORD 1
#endif
#endif

#define POOL_ALIGN 64
#define POOL_FIRST_CHUNK ((size_t)64 << 10)
#define POOL_MAX_CHUNK ((size_t)4 << 20)
#define POOL_HUGE ((size_t)2 << 20)

/* A chunk starts with this header (one POOL_ALIGN unit). */
struct pool_chunk {
    struct pool_chunk *next;
};

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* A new chunk of at least want bytes, its header included, on p's list;
 * its first free byte. */
static char *chunk_new(struct guest_pool *p, size_t want, bool huge)
{
    size_t align = huge ? POOL_HUGE : POOL_ALIGN;
    want = round_up(want, align);
    struct pool_chunk *c = aligned_alloc(align, want);
    if (!c)
        xalloc_fail(want);
#ifdef MADV_HUGEPAGE
    if (huge)
        (void)madvise(c, want, MADV_HUGEPAGE);   /* advice: without it, small pages */
#endif
    c->next = p->chunks;
    p->chunks = c;
    p->chunk = want;
    return (char *)c + POOL_ALIGN;
}

void *guest_pool_take(struct guest_pool *p, size_t size)
{
    size = round_up(size, POOL_ALIGN);
#ifdef POOL_PER_RECORD
    return chunk_new(p, POOL_ALIGN + size, false);
#else
    if (size > p->left) {
        size_t want = p->chunk ? 2 * p->chunk : POOL_FIRST_CHUNK;
        if (want > POOL_MAX_CHUNK)
            want = POOL_MAX_CHUNK;
        if (want < POOL_ALIGN + size)
            want = POOL_ALIGN + size;
        p->next = chunk_new(p, want, want >= POOL_HUGE);
        p->left = p->chunk - POOL_ALIGN;
    }
    void *r = p->next;
    p->next += size;
    p->left -= size;
    return r;
#endif
}

void guest_pool_free(struct guest_pool *p)
{
    while (p->chunks) {
        struct pool_chunk *c = p->chunks;
        p->chunks = c->next;
        free(c);
    }
    p->next = NULL;
    p->left = p->chunk = 0;
}
