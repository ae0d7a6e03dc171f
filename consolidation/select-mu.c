/*
 * consolidation/select-mu.c - MU, minimum utilisation: the VM with the
 * smallest demand relative to its own capacity (CloudSim 5.0
 * PowerVmSelectionPolicyMinimumUtilization.java:35-53: getTotalUtilization
 * OfCpuMips(clock) / getMips(), computed here in the same order).  Ties go
 * to the first VM in the host's order.  O(VMs on the host).
 */
#include <float.h>

#include "consolidation/cons-private.h"

static int mu_select(struct cons_selector *s, const struct cons_select_ctx *c)
{
    (void)s;
    int best = -1;
    double min = DBL_MAX;
    for (int i = 0; i < c->ncand; i++) {
        const struct cons_vm *vm = &c->dc->vms[c->cand[i]];
        double metric = vm->req_mips / vm->mips;
        if (metric < min) {
            min = metric;
            best = i;
        }
    }
    return best;
}

const struct cons_selector_ops cons_select_mu = {
    .info = {
        .name = "mu",
        .desc = "minimum utilisation (demand / VM capacity)",
    },
    .select = mu_select,
};
