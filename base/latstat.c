/* base/latstat.c - see latstat.h. */
#include "base/latstat.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/xalloc.h"

static gsl_histogram *hist_new(bool coarse)
{
    size_t per = coarse ? LATSTAT_PER_OCTAVE_COARSE : LATSTAT_PER_OCTAVE;
    size_t nbins = (size_t)LATSTAT_OCTAVES * per + 1;
    gsl_histogram *h = gsl_histogram_alloc(nbins);
    if (!h)
        xalloc_fail(nbins * sizeof(double) * 2);
    double *ranges = xmalloc((nbins + 1) * sizeof *ranges);
    ranges[0] = 0;
    for (size_t o = 0; o < LATSTAT_OCTAVES; o++)
        for (size_t k = 0; k < per; k++)
            ranges[1 + o * per + k] = ldexp(1.0 + (double)k / (double)per,
                                            (int)o + LATSTAT_LOW_EXP);
    ranges[nbins] = ldexp(1.0, LATSTAT_OCTAVES + LATSTAT_LOW_EXP);
    gsl_histogram_set_ranges(h, ranges, nbins + 1);
    free(ranges);
    return h;
}

static void hist_add(const struct latstat *l, double x)
{
    l->hist->bin[latstat__bin(l->coarse, x)] += 1;
}

void latstat__add_binned(struct latstat *l, double x)
{
    if (l->n == LATSTAT_EXACT + 1) {
        l->hist = hist_new(l->coarse);
        l->bins = l->hist->bin;
        for (size_t i = 0; i < LATSTAT_EXACT; i++)
            hist_add(l, l->first[i]);
    }
    hist_add(l, x);
}

void latstat_merge(struct latstat *a, const struct latstat *b)
{
    if (b->n <= LATSTAT_EXACT) {
        for (size_t i = 0; i < b->n; i++)
            latstat_add(a, b->first[i]);
        return;
    }
    /* b has a histogram: a needs one too, then bins add up. */
    if (a->n <= LATSTAT_EXACT) {
        a->hist = hist_new(a->coarse);
        a->bins = a->hist->bin;
        for (size_t i = 0; i < a->n; i++)
            hist_add(a, a->first[i]);
    }
    gsl_histogram_add(a->hist, b->hist);
    a->n += b->n;
    a->sum += b->sum;
    if (b->max > a->max)
        a->max = b->max;
}

double latstat_quantile(const struct latstat *l, double p)
{
    if (l->n == 0)
        return NAN;
    if (l->n <= LATSTAT_EXACT) {
        double x[LATSTAT_EXACT];
        memcpy(x, l->first, l->n * sizeof *x);
        gsl_sort(x, 1, l->n);
        return gsl_stats_quantile_from_sorted_data(x, 1, l->n, p);
    }
    gsl_histogram_pdf *pdf = gsl_histogram_pdf_alloc(l->hist->n);
    gsl_histogram_pdf_init(pdf, l->hist);
    double q = gsl_histogram_pdf_sample(pdf, p < 1 ? p : nextafter(1, 0));
    gsl_histogram_pdf_free(pdf);
    if (q < LATSTAT_MIN)
        return 0;   /* the first bin holds what the clock cannot tell from 0 */
    return q < l->max ? q : l->max;
}

void latstat_free(struct latstat *l)
{
    bool coarse = l->coarse;
    if (l->hist)
        gsl_histogram_free(l->hist);
    memset(l, 0, sizeof *l);
    l->coarse = coarse;
}
