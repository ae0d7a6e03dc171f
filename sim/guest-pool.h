/*
 * sim/guest-pool.h - where the engine's guest records come from: 64-byte
 * aligned blocks carved from large chunks (huge pages where the kernel
 * gives them), all freed at once when the run ends.  The engine keeps
 * completed records on its free list for later guests, so a record is
 * never returned to the pool.  Owned by struct sim.
 */
#ifndef SIM_GUEST_POOL_H
#define SIM_GUEST_POOL_H

#include <stddef.h>

struct pool_chunk;

struct guest_pool {
    struct pool_chunk *chunks;   /* every chunk (owned), newest first */
    char *next;                  /* the free rest of the newest one */
    size_t left;
    size_t chunk;                /* the newest chunk's size: the next is twice it */
};

/* size bytes, 64-byte aligned, uninitialised; exits on exhaustion
 * (base/xalloc.h). */
void *guest_pool_take(struct guest_pool *p, size_t size);
/* Free every block taken (the pool is empty and reusable). */
void guest_pool_free(struct guest_pool *p);

#endif /* SIM_GUEST_POOL_H */
