/*
 * consolidation/detect-mad.c - MAD, median absolute deviation: an adaptive
 * threshold 1 - s x MAD(host utilisation history); overloaded when the
 * demand / capacity exceeds it (Beloglazov & Buyya 2012 s. 6.2.1; CloudSim
 * 5.0 C/power/PowerVmAllocationPolicyMigrationMedianAbsoluteDeviation.java:
 * 112-141, MathUtil.mad at C/util/MathUtil.java:165-176).  With fewer than
 * 12 samples it falls back to THR 0.7 (RunnerAbstract.java:239-247).
 *
 * The medians are GSL's (gsl_stats_median_from_sorted_data), which is
 * what commons-math's Percentile(50) gives too (the mean of the two middle
 * values for an even count).  O(n log n), n <= 30.
 */
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <string.h>

#include "consolidation/cons-private.h"

struct mad_conf {
    sim_time_t interval;
    double safety;          /* s */
    double fallback;        /* THR while the history is short */
    long min_history;
};

static const struct param_def mad_params[] = {
    {"safety", PARAM_REAL, offsetof(struct mad_conf, safety), "2.5", 0, 100, .metavar = "S",
     .help = "mad: overloaded above 1 - S x MAD; 2.5 is Beloglazov & Buyya 2012 s. 7.3 "
     "(MAD-2.5), CloudSim 5.0 examples/power/planetlab/MadMmt.java"},
    {"fallback-threshold", PARAM_REAL, offsetof(struct mad_conf, fallback), "0.7", 0, 1,
     .metavar = "U", .help = "iqr, mad, lr, lrr: THR used while the history is short (CloudSim "
     "5.0 examples/power/RunnerAbstract.java:239-247)"},
    {"min-history", PARAM_INT, offsetof(struct mad_conf, min_history), "12", 1, CONS_HISTORY_MAX,
     .metavar = "N", .help = "iqr, mad: samples needed before the adaptive threshold applies "
     "(CloudSim 5.0 ...MigrationMedianAbsoluteDeviation.java:134)"},
    CONS_INTERVAL_PARAM(struct mad_conf, "mad"),
    {NULL},
};

static bool mad_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    const struct mad_conf *c = d->conf;
    double u = l->req_mips / l->mips;
    if (l->hist_len < c->min_history)
        return u > c->fallback;
    double x[CONS_HISTORY_MAX];
    size_t n = (size_t)l->hist_len;
    memcpy(x, l->hist, n * sizeof *x);
    gsl_sort(x, 1, n);
    double med = gsl_stats_median_from_sorted_data(x, 1, n);
    for (size_t i = 0; i < n; i++)
        x[i] = fabs(med - l->hist[i]);
    gsl_sort(x, 1, n);
    double mad = gsl_stats_median_from_sorted_data(x, 1, n);
    return u > 1 - c->safety * mad;
}

const struct cons_detector_ops cons_detect_mad = {
    .info = {
        .name = "mad",
        .desc = "adaptive threshold 1 - s x median absolute deviation of the host's "
                "utilisation history (--consolidate mad:2.5)",
        .params = mad_params,
        .conf_size = sizeof(struct mad_conf),
    },
    .overloaded = mad_overloaded,
};
