/*
 * allocators/place-best-fit.c - best fit: the host left with the least
 * room (free memory, then free vCPU slots), ties to the lowest index.
 * O(log hosts) per placement with the engine's index of hosts by room
 * (models/rooms.h), O(hosts) without it.
 */
#include "allocators/place.h"
#include "models/rooms.h"

static struct host *best_fit_choose(const void *conf, struct host *hosts, int nhosts,
                                    const struct guest *g)
{
    (void)conf;
    if (nhosts > 0 && hosts[0].rooms)
        return rooms_best(hosts[0].rooms, g);   /* the engine's index: O(log hosts) */
    struct host *pick = NULL;
    for (int i = 0; i < nhosts; i++)
        if (host_fits(&hosts[i], g) && (!pick || place_compare_room(&hosts[i], pick) < 0))
            pick = &hosts[i];
    return pick;
}

const struct place_ops place_ops_best_fit = {
    .info = {
        .name = "best-fit",
        .desc = "the host left with the least free memory, then vCPU slots",
    },
    .choose = best_fit_choose,
};
