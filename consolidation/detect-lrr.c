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

static const struct cons_param lrr_params[] = {
    {"s", 1.2, 0, 100,
     "safety parameter, Beloglazov & Buyya 2012 s. 7.3 (LRR-1.2); CloudSim 5.0 "
     "examples/power/planetlab/LrrMmt.java parameter \"1.2\""},
    {"fallback", 0.7, 0, 1,
     "THR used while the history is short, CloudSim 5.0 examples/power/RunnerAbstract.java:239-247"},
    {"window", 10, 3, CONS_HISTORY_MAX,
     "samples fitted, as LR (CloudSim 5.0 ...MigrationLocalRegression.java:115)"},
    {NULL, 0, 0, 0, NULL},
};

static bool lrr_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    double pred;
    if (!cons__lr_predict(d, l, true, &pred))
        return l->req_mips / l->mips > d->p[1];
    return pred * d->p[0] >= 1;
}

const struct cons_detector_ops cons_detect_lrr = {
    .name = "lrr",
    .desc = "robust local regression (bisquare); in CloudSim identical to lr",
    .params = lrr_params,
    .overloaded = lrr_overloaded,
};
