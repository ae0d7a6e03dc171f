/*
 * allocators/place.h - placement: which host an arriving guest goes to,
 * one operations table per policy registered by one line in
 * allocators/place-list.h (like the schedulers and the allocators).
 *
 * The engine calls choose() when a guest arrives and whenever memory is
 * freed while guests wait for admission; the policy only picks among the
 * hosts where the guest fits now (host_fits, models/platform.h: memory is
 * a hard limit, CPU only through the overcommit limit).  It must not
 * change the hosts.
 */
#ifndef ALLOCATORS_PLACE_H
#define ALLOCATORS_PLACE_H

#include "base/registry.h"
#include "models/platform.h"

struct place_ops {
    /* name (--place NAME), description and the placement's own knobs. */
    struct policy_info info;
    /* A host of hosts[0..nhosts-1] where g fits now, or NULL if none. */
    struct host *(*choose)(const void *conf, struct host *hosts, int nhosts,
                           const struct guest *g);
};

extern struct registry place_registry;
static inline const struct place_ops *place_ops_of(const struct policy_info *info)
{
    return info ? container_of(info, const struct place_ops, info) : NULL;
}
static inline const struct place_ops *place_find(const char *name)
{
    return place_ops_of(registry_find(&place_registry, name));
}

/* What is left on h after placing g, for best and worst fit: free memory
 * (MB, +inf when unlimited), then free vCPU slots.  < 0 if a leaves less
 * than b, > 0 if more, 0 if the same. */
int place_compare_room(const struct host *a, const struct host *b);

#endif /* ALLOCATORS_PLACE_H */
