/*
 * consolidation/place-mostfree.c - most free cores: the host with the most
 * cores not yet given to a VM (first in host order on a tie) among those
 * with room for the VM's RAM and link; CPU is not checked, so a host can
 * be oversubscribed (CloudSim 5.0 C/VmAllocationPolicySimple.java:
 * allocateHostForVm, the placement of the NPA baseline of the reference
 * runs; its hosts oversubscribe through VmSchedulerTimeSharedOver
 * Subscription).  Every VM counts as one core, as CloudSim's VMs have one
 * PE.  O(hosts) per VM.
 */
#include "consolidation/cons-private.h"

static int mostfree_find_host(struct cons_manager *m, int v, const unsigned char *excluded)
{
    const struct cons_vm *vm = &m->dc->vms[v];
    int best = -1, most = 0;
    for (int h = 0; h < m->dc->nhosts; h++) {
        if (excluded && excluded[h])
            continue;
        const struct cons_ws_host *w = &m->ws[h];
        if (w->ram_free < vm->ram_mb || w->bw_free < vm->bw_mbit || w->vcpus_free < vm->vcpus)
            continue;
        int free_cores = m->dc->hosts[h].cores - w->n;
        if (best < 0 || free_cores > most) {
            most = free_cores;
            best = h;
        }
    }
    return best;
}

const struct cons_place_ops cons_place_mostfree = {
    .info = {
        .name = "most-free",
        .aliases = "mostfree",
        .desc = "most free cores, CPU not checked (CloudSim VmAllocationPolicySimple: the NPA "
                "baseline)",
    },
    .find_host = mostfree_find_host,
    .cpu_unchecked = true,
};
