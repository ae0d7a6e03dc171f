/*
 * calibrate/calib-stats.h - the one summary every calibration figure gets:
 * the median of repeated runs with their minimum and maximum (GSL).
 *
 * lmbench reports the minimum of repeated runs and the Turtles paper the
 * mean; on a shared machine neither alone says how much the number moved,
 * so every figure keeps all three and the count.
 */
#ifndef CALIBRATE_CALIB_STATS_H
#define CALIBRATE_CALIB_STATS_H

#include <stddef.h>

struct calib_stat {
    double median;
    double min;
    double max;
    size_t n;            /* runs summarised; 0 = not measured */
};

/* Summarise x[0..n-1] (n >= 1).  x is reordered (GSL's median selects in
 * place). */
void calib_stat_of(double *x, size_t n, struct calib_stat *out);

#endif /* CALIBRATE_CALIB_STATS_H */
