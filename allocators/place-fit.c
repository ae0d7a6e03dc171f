/*
 * allocators/place-fit.c - the room a host has left, shared by best and
 * worst fit.
 */
#include <math.h>

#include "allocators/place.h"

int place_compare_room(const struct host *a, const struct host *b)
{
    double ma = a->mem_mb > 0 ? a->mem_mb - a->mem_used : INFINITY;
    double mb = b->mem_mb > 0 ? b->mem_mb - b->mem_used : INFINITY;
    if (ma != mb)
        return ma < mb ? -1 : 1;
    /* Free vCPU slots: up to the overcommit limit, or one per core. */
    double sa = (a->vcpu_limit > 0 ? a->vcpu_limit : a->ncores) - (double)a->vcpus_placed;
    double sb = (b->vcpu_limit > 0 ? b->vcpu_limit : b->ncores) - (double)b->vcpus_placed;
    return (sa > sb) - (sa < sb);
}
