/*
 * allocators/alloc.h - CPU allocators: how much of its host each guest may
 * use (its grant, in cores), one operations table per policy registered by
 * one line in allocators/alloc-list.h (like the schedulers).
 *
 * A grant is a cap on the guest's core time, as the cap of Xen's credit
 * scheduler is (a share of a CPU per accounting period).  It applies to
 * guests whose demand varies over time (utilisation series, served as a
 * fluid by sim/fluid.c); a job guest (work to do, scheduled vCPU by vCPU
 * by a policy of schedulers/) holds its requested vCPUs uncapped, which is
 * what `static` gives it.  docs/MODEL.md, "Allocation".
 */
#ifndef ALLOCATORS_ALLOC_H
#define ALLOCATORS_ALLOC_H

#include "models/platform.h"

struct alloc_params {
    bool equal_share;     /* static: equal shares of the host (else requested vCPUs) */
    double headroom;      /* demand: grant = demand x headroom, >= 1 */
    double floor;         /* demand: at least this many cores per guest */
    sim_time_t interval;  /* demand: re-allocation period (the monitoring window) */
};

struct alloc_ops {
    const char *name;     /* --alloc NAME */
    const char *desc;
    bool periodic;        /* reallocate() every interval */
    /* g (fluid, its wish known) was just placed on h: set its grant (and
     * others' if the policy shares the host). */
    void (*admit)(const struct alloc_params *p, struct host *h, struct guest *g);
    /* A guest left h (already removed from h->fluid). Optional. */
    void (*depart)(const struct alloc_params *p, struct host *h);
    /* Every interval (window = its length in seconds): recompute the
     * grants of h's guests from fl->win_wish, each guest's mean wish in
     * cores over the part of the window it was there (R_i / T_i).
     * Returns whether any grant changed. */
    bool (*reallocate)(const struct alloc_params *p, struct host *h, double window);
};

size_t alloc_count(void);
const struct alloc_ops *alloc_at(size_t i);
const struct alloc_ops *alloc_find(const char *name);

#endif /* ALLOCATORS_ALLOC_H */
