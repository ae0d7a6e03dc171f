/*
 * allocators/place-worst-fit.c - worst fit: the host left with the most
 * room (free memory, then free vCPU slots), ties to the lowest index; it
 * spreads guests.  O(hosts) per placement.
 */
#include "allocators/place.h"

static struct host *worst_fit_choose(const void *conf, struct host *hosts, int nhosts,
                                     const struct guest *g)
{
    (void)conf;
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
