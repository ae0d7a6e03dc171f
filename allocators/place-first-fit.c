/*
 * allocators/place-first-fit.c - first fit: the lowest-numbered host where
 * the guest fits.  O(hosts) per placement at worst, O(1) while host 0 has
 * room; it packs guests onto the first hosts and leaves the last ones
 * empty, which is what consolidation wants and load balancing does not.
 */
#include "allocators/place.h"

static struct host *first_fit_choose(const void *conf, struct host *hosts, int nhosts,
                                     const struct guest *g)
{
    (void)conf;
    for (int i = 0; i < nhosts; i++)
        if (host_fits(&hosts[i], g))
            return &hosts[i];
    return NULL;
}

const struct place_ops place_ops_first_fit = {
    .info = {
        .name = "first-fit",
        .desc = "the lowest-numbered host where the guest fits",
    },
    .choose = first_fit_choose,
};
