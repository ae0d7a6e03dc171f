/*
 * consolidation/detect-lr.c - LR, local regression: fit a line to the last
 * 10 host utilisation samples, predict the utilisation one migration
 * ahead, and call the host overloaded when s x prediction >= 1
 * (Beloglazov & Buyya 2012 s. 6.3, after Cleveland's loess; CloudSim 5.0
 * C/power/PowerVmAllocationPolicyMigrationLocalRegression.java:109-160).
 * Fewer than 10 samples: THR 0.7 (RunnerAbstract.java:239-247).
 *
 * Samples are placed at x = 1..10, oldest first; the prediction is at
 * x = 10 + ceil(T_mig / interval), T_mig the longest migration among the
 * host's VMs (CloudSim: max RAM / (BW / 16000), our migration model).
 *
 * Weights.  The paper weights the points by the tricube function
 * (1 - (d/D)^3)^3 of their distance d from the newest one (D = 9).
 * CloudSim's MathUtil.getTricubeWeigts (C/util/MathUtil.java:328-342)
 * computes 1/that instead, and createWeigthedLinearRegression (266-290)
 * applies the weights only when 40 % of them are <= 0, which never
 * happens: CloudSim's LR is ordinary least squares with intercept on the
 * 10 points (quirk lr_unweighted, gsl_fit_linear).  With the quirk off the
 * tricube weights are applied as the paper says (gsl_fit_wlinear).
 * LRR (detect-lrr.c) adds one bisquare robustness step on top.  O(10).
 */
#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

#include "consolidation/cons-private.h"

/* Shared with LRR (detect-lrr.c), which has the same knobs and defaults. */
const struct param_def cons_lr_params[] = {
    {"safety", PARAM_REAL, offsetof(struct cons_lr_conf, safety), "1.2", 0, 100,
     .metavar = "S", .help = "lr, lrr: overloaded when S x the predicted utilisation >= 1; 1.2 is "
     "Beloglazov & Buyya 2012 s. 7.3 (LR-1.2), CloudSim 5.0 examples/power/planetlab/LrMmt.java"},
    {"fallback-threshold", PARAM_REAL, offsetof(struct cons_lr_conf, fallback), "0.7", 0, 1,
     .metavar = "U", .help = "iqr, mad, lr, lrr: THR used while the history is short (CloudSim "
     "5.0 examples/power/RunnerAbstract.java:239-247)"},
    {"lr-window", PARAM_INT, offsetof(struct cons_lr_conf, window), "10", 3, CONS_HISTORY_MAX,
     .metavar = "N", .help = "lr, lrr: history samples fitted; 10 is CloudSim 5.0 "
     "...MigrationLocalRegression.java:115 (\"responsive enough to latest values\")"},
    CONS_INTERVAL_PARAM(struct cons_lr_conf, "lr, lrr"),
    {NULL},
};

bool cons__lr_predict(const struct cons_detector *d, const struct cons_load *l, bool robust,
                      double *pred)
{
    const struct cons_lr_conf *c = d->conf;
    int k = (int)c->window;
    if (l->hist_len < k)
        return false;
    double x[CONS_HISTORY_MAX] = {0}, y[CONS_HISTORY_MAX] = {0}, w[CONS_HISTORY_MAX] = {0};
    for (int i = 0; i < k; i++) {
        x[i] = i + 1;
        y[i] = l->hist[k - 1 - i];
    }
    double c0, c1, cov00, cov01, cov11, sumsq;
    if (d->q->lr_unweighted) {
        gsl_fit_linear(x, 1, y, 1, (size_t)k, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    } else {
        double span = k - 1;
        for (int i = 0; i < k; i++) {
            double r = (k - 1 - i) / span;
            w[i] = pow(1 - r * r * r, 3);
        }
        gsl_fit_wlinear(x, 1, w, 1, y, 1, (size_t)k, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
        if (robust) {
            /* One robustness iteration of Cleveland's loess: bisquare
             * weights of the residuals scaled by 6 x their median. */
            double r[CONS_HISTORY_MAX], a[CONS_HISTORY_MAX];
            for (int i = 0; i < k; i++) {
                r[i] = y[i] - (c0 + c1 * x[i]);
                a[i] = fabs(r[i]);
            }
            gsl_sort(a, 1, (size_t)k);
            double s6 = 6 * gsl_stats_median_from_sorted_data(a, 1, (size_t)k);
            if (s6 > 0) {
                int nonzero = 0;
                for (int i = 0; i < k; i++) {
                    double z = r[i] / s6;
                    w[i] *= fabs(z) < 1 ? (1 - z * z) * (1 - z * z) : 0;
                    nonzero += w[i] > 0;
                }
                if (nonzero >= 2)
                    gsl_fit_wlinear(x, 1, w, 1, y, 1, (size_t)k, &c0, &c1, &cov00, &cov01,
                                    &cov11, &sumsq);
            }
        }
    }
    double horizon = ceil(l->max_migration_s / l->interval);
    *pred = c0 + c1 * (k + horizon);
    return true;
}

static bool lr_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    const struct cons_lr_conf *c = d->conf;
    double pred;
    if (!cons__lr_predict(d, l, false, &pred))
        return l->req_mips / l->mips > c->fallback;
    return pred * c->safety >= 1;
}

const struct cons_detector_ops cons_detect_lr = {
    .info = {
        .name = "lr",
        .desc = "local regression: s x predicted utilisation one migration ahead >= 1 "
                "(--consolidate lr:1.2)",
        .params = cons_lr_params,
        .conf_size = sizeof(struct cons_lr_conf),
    },
    .overloaded = lr_overloaded,
};
