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
#include <string.h>

#define LATSTAT_EXACT 8
#define LATSTAT_PER_OCTAVE 32
#define LATSTAT_PER_OCTAVE_COARSE 8

struct latstat {
    bool coarse;                  /* 8 bins per octave rather than 32 (set before use) */
    uint64_t n;
    double sum, max;              /* seconds */
    double first[LATSTAT_EXACT];  /* the first samples, while n <= LATSTAT_EXACT */
    gsl_histogram *hist;          /* every sample, once n > LATSTAT_EXACT (owned) */
    double *bins;                 /* hist->bin, NULL while there is no histogram (the
                                     engine adds two samples per burst: they go
                                     straight to their bin, inline) */
};

/* The part of latstat_add past the first LATSTAT_EXACT samples. */
void latstat__add_binned(struct latstat *l, double x);

/* Bin 0 holds [0, 2^-30 s); then LATSTAT_PER_OCTAVE (coarse: _COARSE)
 * bins per octave up to 2^14 s; the last bin takes everything above. */
#define LATSTAT_LOW_EXP (-30)
#define LATSTAT_OCTAVES 44
#define LATSTAT_MIN 0x1p-30

/* The bin of x: its binary exponent picks the octave, the top 5 (or 3)
 * bits of its mantissa the bin within it (a search over 1,400 bins was a
 * third of the run time of a day of PlanetLab VMs). */
static inline size_t latstat__bin(bool coarse, double x)
{
    if (!(x >= LATSTAT_MIN))
        return 0;
    _Static_assert(LATSTAT_PER_OCTAVE == 32 && LATSTAT_PER_OCTAVE_COARSE == 8,
                   "5 or 3 mantissa bits pick the bin");
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int e = (int)((bits >> 52) & 0x7ff) - 1023 - LATSTAT_LOW_EXP;
    size_t per = coarse ? LATSTAT_PER_OCTAVE_COARSE : LATSTAT_PER_OCTAVE;
    if (e >= LATSTAT_OCTAVES)
        return (size_t)LATSTAT_OCTAVES * per;   /* the last bin */
    if (coarse)
        return 1 + (size_t)e * LATSTAT_PER_OCTAVE_COARSE + (size_t)((bits >> 49) & 7);
    return 1 + (size_t)e * LATSTAT_PER_OCTAVE + (size_t)((bits >> 47) & 31);
}

/* Add one sample (seconds, >= 0).  Inline: the engine adds two per burst. */
static inline void latstat_add(struct latstat *l, double x)
{
    if (l->n < LATSTAT_EXACT)
        l->first[l->n] = x;
    l->n++;
    l->sum += x;
    if (x > l->max)
        l->max = x;
    if (l->bins)
        l->bins[latstat__bin(l->coarse, x)] += 1;
    else if (l->n > LATSTAT_EXACT)
        latstat__add_binned(l, x);   /* the first past them: the histogram begins */
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
