/*
 * base/latstat.h - a latency sample set that stays small: count, sum and
 * max exactly, percentiles exactly up to LATSTAT_EXACT samples, then from
 * a GSL histogram of 32 bins per octave from 2^-30 s (0.93 ns) to 2^14 s
 * (4.6 hours), bins found from the bits of the double without a search
 * (as HdrHistogram does), so a percentile is within half a bin, at most
 * 1.6%, of the exact one.  A coarse set has 8 bins per octave (within
 * 6.3%): one per VM for wake-up latency and burst response, where a day
 * of PlanetLab VMs keeps 2,000 of them; a fine one per run.
 */
#ifndef BASE_LATSTAT_H
#define BASE_LATSTAT_H

#include <gsl/gsl_histogram.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LATSTAT_EXACT 8
#define LATSTAT_PER_OCTAVE 32
#define LATSTAT_PER_OCTAVE_COARSE 8

struct latstat {
    bool coarse;                  /* 8 bins per octave rather than 32 (set before use) */
    uint64_t n;
    double sum, max;              /* seconds */
    double first[LATSTAT_EXACT];  /* the first samples, while n <= LATSTAT_EXACT */
    gsl_histogram *hist;          /* every sample, once n > LATSTAT_EXACT (owned) */
};

/* The part of latstat_add past the first LATSTAT_EXACT samples. */
void latstat__add_binned(struct latstat *l, double x);

/* Add one sample (seconds, >= 0).  Inline: the engine adds two per burst. */
static inline void latstat_add(struct latstat *l, double x)
{
    if (l->n < LATSTAT_EXACT)
        l->first[l->n] = x;
    l->n++;
    l->sum += x;
    if (x > l->max)
        l->max = x;
    if (l->n > LATSTAT_EXACT)
        latstat__add_binned(l, x);
}
/* Add every sample of b to a (of the same resolution). */
void latstat_merge(struct latstat *a, const struct latstat *b);
/* The p-quantile (0..1): exact for small sets, else interpolated in the
 * histogram's bin (gsl_histogram_pdf_sample); NAN when empty. */
double latstat_quantile(const struct latstat *l, double p);
static inline double latstat_mean(const struct latstat *l)
{
    return l->n ? l->sum / (double)l->n : 0.0 / 0.0;
}
/* Release the histogram; the set is empty again (its resolution kept). */
void latstat_free(struct latstat *l);

#endif /* BASE_LATSTAT_H */
