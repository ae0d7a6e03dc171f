/*
 * consolidation/select-rs.c - RS, random selection: a VM drawn uniformly
 * among the host's VMs that are not migrating (Beloglazov & Buyya 2012
 * s. 6.4.3).  CloudSim 5.0 draws from an unseeded `new Random()` on every
 * call (PowerVmSelectionPolicyRandomSelection.java:34-41), so its results
 * cannot be repeated; here the draws come from the selector's own GSL
 * stream, seeded from the run's seed (same seed, same run).  O(1).
 */
#include "consolidation/cons-private.h"

static int rs_select(struct cons_selector *s, const struct cons_select_ctx *c)
{
    if (c->ncand <= 0)
        return -1;
    return (int)gsl_rng_uniform_int(s->rng, (unsigned long)c->ncand);
}

const struct cons_selector_ops cons_select_rs = {
    .info = {
        .name = "rs",
        .desc = "random selection (own GSL stream from the seed)",
    },
    .select = rs_select,
};
