/*
 * models/rooms.h - the hosts of a platform ordered by the room they have
 * left (free memory, then free vCPU slots, then index: the order of
 * place_compare_room), so that best fit and worst fit find their host in
 * O(log hosts) instead of looking at every host.
 *
 * The engine owns the index and says when a host's memory or placed vCPUs
 * change (rooms_changed, O(1): the host goes on a dirty list); the index
 * is built the first time a placement asks (rooms_best, rooms_worst) and
 * from then on re-files the dirty hosts before each answer, O(log hosts)
 * each.  A run whose placement never asks (first fit) pays the O(1) only.
 * The answers are exactly those of a scan with host_fits and
 * place_compare_room: subtrees are skipped only when no host in them can
 * fit (their largest room, with a margin for rounding, is too small), and
 * every candidate is checked with host_fits itself.
 */
#ifndef MODELS_ROOMS_H
#define MODELS_ROOMS_H

#include "models/platform.h"

struct host_rooms {
    struct otree tree;
    struct host *hosts;
    int nhosts;
    bool built;              /* the tree holds every host */
    struct host *dirty;      /* changed since they were filed */
};

/* An index over hosts[0..n-1] (which get h->rooms = r). */
void rooms_init(struct host_rooms *r, struct host *hosts, int n);

/* h's memory or placed vCPUs changed. */
static inline void rooms_changed(struct host_rooms *r, struct host *h)
{
    if (!r->built || h->room.dirty)
        return;
    h->room.dirty = true;
    h->room.next_dirty = r->dirty;
    r->dirty = h;
}

/* The host where g fits now with the least room, ties to the lowest
 * index (best fit); NULL if none. */
struct host *rooms_best(struct host_rooms *r, const struct guest *g);
/* ... with the most room, ties to the lowest index (worst fit). */
struct host *rooms_worst(struct host_rooms *r, const struct guest *g);

#endif /* MODELS_ROOMS_H */
