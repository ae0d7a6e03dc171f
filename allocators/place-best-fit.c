/*
 * allocators/place-best-fit.c - best fit: the host left with the least
 * room (free memory, then free vCPU slots), ties to the lowest index.
 * O(hosts) per placement.
 */
#include "allocators/place.h"

static struct host *best_fit_choose(const void *conf, struct host *hosts, int nhosts,
                                    const struct guest *g)
{
    (void)conf;
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
