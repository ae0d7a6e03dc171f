/*
 * allocators/place-most-free.c - most free cores: the host with the most
 * cores not yet claimed by placed vCPUs (cores - vCPUs placed, which goes
 * negative on an overcommitted host), ties to the lowest index.  This is
 * CloudSim's simple policy (VmAllocationPolicySimple: the host with the
 * most free PEs), and the default: when nothing else constrains guests
 * it spreads them over every host, where first fit would stack them all
 * on host 0 (a host has no CPU limit without --overcommit).  Memory and
 * the overcommit limit still decide where a guest fits (host_fits).
 *
 * O(hosts) per placement.
 */
#include "allocators/place.h"

static struct host *most_free_choose(const void *conf, struct host *hosts, int nhosts,
                                     const struct guest *g)
{
    (void)conf;
    struct host *pick = NULL;
    long best = 0;
    for (int i = 0; i < nhosts; i++) {
        if (!host_fits(&hosts[i], g))
            continue;
        long free_cores = hosts[i].ncores - hosts[i].vcpus_placed;
        if (!pick || free_cores > best) {
            pick = &hosts[i];
            best = free_cores;
        }
    }
    return pick;
}

const struct place_ops place_ops_most_free = {
    .info = {
        .name = "most-free",
        .desc = "the host with the most cores not claimed by placed vCPUs (CloudSim's simple "
                "policy); spreads guests",
    },
    .choose = most_free_choose,
};
