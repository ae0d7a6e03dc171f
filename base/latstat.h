/*
 * base/latstat.h - a latency sample set that stays small: count, sum and
 * max exactly, percentiles exactly up to LATSTAT_EXACT samples, then from
 * a GSL histogram on logarithmic bins (LATSTAT_PER_DECADE per decade from
 * 1 ns to 10^4 s, so a percentile is within half a bin, about 2.3%, of
 * the exact one).  One per VM for wake-up latency and burst response (a
 * PlanetLab VM has 10^5 and more bursts a day), and one per run.
 */
#ifndef BASE_LATSTAT_H
#define BASE_LATSTAT_H

#include <gsl/gsl_histogram.h>
#include <stddef.h>
#include <stdint.h>

#define LATSTAT_EXACT 8
#define LATSTAT_PER_DECADE 50

struct latstat {
    uint64_t n;
    double sum, max;              /* seconds */
    double first[LATSTAT_EXACT];  /* the first samples, while n <= LATSTAT_EXACT */
    gsl_histogram *hist;          /* every sample, once n > LATSTAT_EXACT (owned) */
};

/* Add one sample (seconds, >= 0). */
void latstat_add(struct latstat *l, double x);
/* Add every sample of b to a (the run's total from the VMs'). */
void latstat_merge(struct latstat *a, const struct latstat *b);
/* The p-quantile (0..1): exact for small sets, else interpolated in the
 * histogram's bin (gsl_histogram_pdf_sample); NAN when empty. */
double latstat_quantile(const struct latstat *l, double p);
static inline double latstat_mean(const struct latstat *l)
{
    return l->n ? l->sum / (double)l->n : 0.0 / 0.0;
}
void latstat_free(struct latstat *l);

#endif /* BASE_LATSTAT_H */
