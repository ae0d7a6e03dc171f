/*
 * allocators/alloc.h - CPU allocators: how much of its host each guest may
 * use (its grant, in cores), one operations table per policy registered by
 * one line in allocators/alloc-list.h (like the schedulers).
 *
 * A grant is a cap on the guest's core time, as the cap of Xen's credit
 * scheduler is (a share of a CPU per accounting period), for every kind of
 * guest: the engine enforces it per --cap-period on vCPUs (sim/caps.c),
 * sim/fluid.c on fluids.  `static` grants the requested vCPUs, which caps
 * nothing.  docs/MODEL.md, "Allocation" and "Caps".
 */
#ifndef ALLOCATORS_ALLOC_H
#define ALLOCATORS_ALLOC_H

#include "base/registry.h"
#include "models/platform.h"

struct alloc_ops {
    /* name (--alloc NAME), description and the allocator's own knobs,
     * whose values the engine passes as conf. */
    struct policy_info info;
    /* Optional: the re-allocation period (the monitoring window); NULL or
     * 0 = grants change only at admission and departure. */
    sim_time_t (*period)(const void *conf);
    /* g (fluid, its wish known) was just placed on h: set its grant (and
     * others' if the policy shares the host). */
    void (*admit)(const void *conf, struct host *h, struct guest *g);
    /* A guest left h (already removed from h->fluid). Optional. */
    void (*depart)(const void *conf, struct host *h);
    /* With a period, every period (window = its length in seconds):
     * recompute the grants of h's guests from each one's window's
     * win_wish (models/platform.h guest_side_win), each guest's
     * mean wish in cores over the part of the window it was there
     * (R_i / T_i).  Returns whether any grant changed. */
    bool (*reallocate)(const void *conf, struct host *h, double window);
};

/* The family's registry (alloc-list.h, plus plug-ins); the first entry is
 * the default. */
extern struct registry alloc_registry;
static inline const struct alloc_ops *alloc_ops_of(const struct policy_info *info)
{
    return info ? container_of(info, const struct alloc_ops, info) : NULL;
}
static inline const struct alloc_ops *alloc_find(const char *name)
{
    return alloc_ops_of(registry_find(&alloc_registry, name));
}
/* ops->period(conf), 0 without one. */
static inline sim_time_t alloc_period(const struct alloc_ops *ops, const void *conf)
{
    return ops->period ? ops->period(conf) : 0;
}

#endif /* ALLOCATORS_ALLOC_H */
