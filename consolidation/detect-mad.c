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

static const struct cons_param mad_params[] = {
    {"s", 2.5, 0, 100,
     "safety parameter, Beloglazov & Buyya 2012 s. 7.3 (MAD-2.5); CloudSim 5.0 "
     "examples/power/planetlab/MadMmt.java parameter \"2.5\""},
    {"fallback", 0.7, 0, 1,
     "THR used while the history is short, CloudSim 5.0 examples/power/RunnerAbstract.java:239-247"},
    {"min_history", 12, 1, CONS_HISTORY_MAX,
     "samples needed, CloudSim 5.0 ...MigrationMedianAbsoluteDeviation.java:134"},
    {NULL, 0, 0, 0, NULL},
};

static bool mad_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    double u = l->req_mips / l->mips;
    if (l->hist_len < (int)d->p[2])
        return u > d->p[1];
    double x[CONS_HISTORY_MAX];
    size_t n = (size_t)l->hist_len;
    memcpy(x, l->hist, n * sizeof *x);
    gsl_sort(x, 1, n);
    double med = gsl_stats_median_from_sorted_data(x, 1, n);
    for (size_t i = 0; i < n; i++)
        x[i] = fabs(med - l->hist[i]);
    gsl_sort(x, 1, n);
    double mad = gsl_stats_median_from_sorted_data(x, 1, n);
    return u > 1 - d->p[0] * mad;
}

const struct cons_detector_ops cons_detect_mad = {
    .name = "mad",
    .desc = "adaptive threshold 1 - s x median absolute deviation of the host's utilisation history",
    .params = mad_params,
    .overloaded = mad_overloaded,
};
