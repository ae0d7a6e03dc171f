/*
 * consolidation/place-firstfit.c - first fit: the first host, in host
 * order, that can hold the VM (CloudSim 5.0
 * C/power/PowerVmAllocationPolicyAbstract.java:82-89, the placement of
 * the DVFS and NPA baselines, PowerVmAllocationPolicySimple).  No power
 * and no overload test.  O(hosts) per VM.
 */
#include "consolidation/cons-private.h"

static int firstfit_find_host(struct cons_manager *m, int v, const unsigned char *excluded)
{
    for (int h = 0; h < m->dc->nhosts; h++)
        if (!(excluded && excluded[h]) && cons__ws_suitable(m, h, v))
            return h;
    return -1;
}

const struct cons_place_ops cons_place_firstfit = {
    .info = {
        .name = "first-fit",
        .aliases = "firstfit",
        .desc = "first host that fits, in host order (CloudSim PowerVmAllocationPolicySimple: "
                "the DVFS baseline)",
    },
    .find_host = firstfit_find_host,
};
