/*
 * consolidation/detect-iqr.c - IQR, interquartile range: an adaptive
 * threshold 1 - s x IQR(host utilisation history); overloaded when the
 * demand / capacity exceeds it (Beloglazov & Buyya 2012 s. 6.2.2; CloudSim
 * 5.0 C/power/PowerVmAllocationPolicyMigrationInterQuartileRange.java:
 * 102-131).  With fewer than 12 history samples it falls back to THR 0.7
 * (CloudSim examples/power/RunnerAbstract.java:239-247).
 *
 * Quartiles: CloudSim takes sorted x[round(0.25(n+1)) - 1] and
 * x[round(0.75(n+1)) - 1] (C/util/MathUtil.java:184-189, Java Math.round =
 * floor(x + 0.5)); with quirk iqr_index_quartiles off, GSL's interpolated
 * quantiles (gsl_stats_quantile_from_sorted_data).  O(n log n), n <= 30.
 */
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "consolidation/cons-private.h"

struct iqr_conf {
    sim_time_t interval;
    double safety;          /* s */
    double fallback;        /* THR while the history is short */
    long min_history;
};

static const struct param_def iqr_params[] = {
    {"safety", PARAM_REAL, offsetof(struct iqr_conf, safety), "1.5", 0, 100, .metavar = "S",
     .help = "iqr: overloaded above 1 - S x IQR; 1.5 is Beloglazov & Buyya 2012 s. 7.3 "
     "(IQR-1.5), CloudSim 5.0 examples/power/planetlab/IqrMmt.java"},
    {"fallback-threshold", PARAM_REAL, offsetof(struct iqr_conf, fallback), "0.7", 0, 1,
     .metavar = "U", .help = "iqr, mad, lr, lrr: THR used while the history is short (CloudSim "
     "5.0 examples/power/RunnerAbstract.java:239-247)"},
    {"min-history", PARAM_INT, offsetof(struct iqr_conf, min_history), "12", 1, CONS_HISTORY_MAX,
     .metavar = "N", .help = "iqr, mad: samples needed before the adaptive threshold applies; "
     "12 is CloudSim 5.0 ...MigrationInterQuartileRange.java:124 (\"suggested as a safe "
     "value\")"},
    CONS_INTERVAL_PARAM(struct iqr_conf, "iqr"),
    {NULL},
};

static bool iqr_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    const struct iqr_conf *c = d->conf;
    double u = l->req_mips / l->mips;
    if (l->hist_len < c->min_history)
        return u > c->fallback;
    double x[CONS_HISTORY_MAX];
    size_t n = (size_t)l->hist_len;
    memcpy(x, l->hist, n * sizeof *x);
    gsl_sort(x, 1, n);
    double iqr;
    if (d->q->iqr_index_quartiles) {
        long q1 = (long)floor(0.25 * (double)(n + 1) + 0.5) - 1;
        long q3 = (long)floor(0.75 * (double)(n + 1) + 0.5) - 1;
        iqr = x[q3] - x[q1];
    } else {
        iqr = gsl_stats_quantile_from_sorted_data(x, 1, n, 0.75) -
              gsl_stats_quantile_from_sorted_data(x, 1, n, 0.25);
    }
    return u > 1 - c->safety * iqr;
}

const struct cons_detector_ops cons_detect_iqr = {
    .info = {
        .name = "iqr",
        .desc = "adaptive threshold 1 - s x interquartile range of the host's utilisation "
                "history (--consolidate iqr:1.5)",
        .params = iqr_params,
        .conf_size = sizeof(struct iqr_conf),
    },
    .overloaded = iqr_overloaded,
};
