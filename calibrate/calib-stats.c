/* calibrate/calib-stats.c - see calib-stats.h */
#include "calibrate/calib-stats.h"

#include <gsl/gsl_statistics_double.h>

void calib_stat_of(double *x, size_t n, struct calib_stat *out)
{
    gsl_stats_minmax(&out->min, &out->max, x, 1, n);
    out->median = gsl_stats_median(x, 1, n);
    out->n = n;
}
