/*
 * allocators/place-worst-fit.c - worst fit: the host left with the most
 * room (free memory, then free vCPU slots), ties to the lowest index; it
 * spreads guests.  O(log hosts) per placement with the engine's index of
 * hosts by room (models/rooms.h), O(hosts) without it.
 */
#include "allocators/place.h"
#include "models/rooms.h"

static struct host *worst_fit_choose(const void *conf, struct host *hosts, int nhosts,
                                     const struct guest *g)
{
    (void)conf;
    if (nhosts > 0 && hosts[0].rooms)
        return rooms_worst(hosts[0].rooms, g);   /* the engine's index: O(log hosts) */
    struct host *pick = NULL;
    for (int i = 0; i < nhosts; i++)
        if (host_fits(&hosts[i], g) && (!pick || place_compare_room(&hosts[i], pick) > 0))
            pick = &hosts[i];
    return pick;
}

const struct place_ops place_ops_worst_fit = {
    .info = {
        .name = "worst-fit",
        .desc = "the host left with the most free memory, then vCPU slots",
    },
    .choose = worst_fit_choose,
};
