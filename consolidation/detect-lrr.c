/*
 * consolidation/detect-lrr.c - LRR, robust local regression: LR with one
 * bisquare robustness step (Beloglazov & Buyya 2012 s. 6.3; CloudSim 5.0
 * C/power/PowerVmAllocationPolicyMigrationLocalRegressionRobust.java:85-87
 * and MathUtil.getRobustLoessParameterEstimates, C/util/MathUtil.java:
 * 298-326).
 *
 * In CloudSim the robustness weights, like the tricube ones, are never
 * applied (see detect-lr.c), so LRR gives exactly LR's answers: the
 * reference table has identical lr_mmt and lrr_mmt rows.  That is what
 * quirk lr_unweighted reproduces; with it off, LRR reweights the tricube
 * fit by (1 - (r/6m)^2)^2, r the residuals and m their median magnitude.
 */
#include "consolidation/cons-private.h"

/* The knobs are LR's (detect-lr.c, cons_lr_params): the same names and
 * defaults (LRR-1.2: Beloglazov & Buyya 2012 s. 7.3, CloudSim 5.0
 * examples/power/planetlab/LrrMmt.java). */
static bool lrr_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    const struct cons_lr_conf *c = d->conf;
    double pred;
    if (!cons__lr_predict(d, l, true, &pred))
        return l->req_mips / l->mips > c->fallback;
    return pred * c->safety >= 1;
}

const struct cons_detector_ops cons_detect_lrr = {
    .info = {
        .name = "lrr",
        .desc = "robust local regression (one bisquare step); in CloudSim identical to lr "
                "(--consolidate lrr:1.2)",
        .params = cons_lr_params,
        .conf_size = sizeof(struct cons_lr_conf),
    },
    .overloaded = lrr_overloaded,
};
