/*
 * consolidation/select-mmt.c - MMT, minimum migration time: the VM whose
 * migration would finish first (Beloglazov & Buyya 2012 s. 6.4.1).
 * CloudSim 5.0 compares RAM (PowerVmSelectionPolicyMinimumMigrationTime.
 * java:33-51), which under its model (time = RAM / (BW / 2)) orders the
 * VMs of one host the same way; we ask the migration model, so precopy
 * also weighs the dirtying rate.  Ties go to the first VM in the host's
 * order, as in CloudSim (strict <).  O(VMs on the host).
 */
#include <float.h>

#include "consolidation/cons-private.h"

static int mmt_select(struct cons_selector *s, const struct cons_select_ctx *c)
{
    (void)s;
    int best = -1;
    double min = DBL_MAX;
    for (int i = 0; i < c->ncand; i++) {
        const struct cons_vm *vm = &c->dc->vms[c->cand[i]];
        struct cons_migration_input in = {vm->mem_mb, c->bw_mbit, vm->dirty_mb_s, vm->wws_mb};
        struct cons_migration_cost cost;
        cons_migration_cost(c->mig, &in, &cost);
        if (cost.total_s < min) {
            min = cost.total_s;
            best = i;
        }
    }
    return best;
}

const struct cons_selector_ops cons_select_mmt = {
    .info = {
        .name = "mmt",
        .desc = "minimum migration time (CloudSim: smallest RAM)",
    },
    .select = mmt_select,
};
