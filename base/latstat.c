/* base/latstat.c - see latstat.h. */
#include "base/latstat.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/xalloc.h"

#define LATSTAT_MIN 1e-9    /* s: the clock's resolution */
#define LATSTAT_DECADES 13  /* 1 ns .. 10^4 s */

static gsl_histogram *hist_new(void)
{
    size_t nbins = (size_t)LATSTAT_DECADES * LATSTAT_PER_DECADE + 1;
    gsl_histogram *h = gsl_histogram_alloc(nbins);
    if (!h)
        xalloc_fail(nbins * sizeof(double) * 2);
    double *ranges = xmalloc((nbins + 1) * sizeof *ranges);
    /* bin 0 holds [0, 1 ns): a zero latency (a vCPU that ran at once) */
    ranges[0] = 0;
    for (size_t i = 1; i <= nbins; i++)
        ranges[i] = LATSTAT_MIN * pow(10, (double)(i - 1) / LATSTAT_PER_DECADE);
    gsl_histogram_set_ranges(h, ranges, nbins + 1);
    free(ranges);
    return h;
}

static void hist_add(gsl_histogram *h, double x)
{
    double top = h->range[h->n];
    gsl_histogram_increment(h, x < top ? x : nextafter(top, 0));
}

void latstat_add(struct latstat *l, double x)
{
    if (l->n < LATSTAT_EXACT)
        l->first[l->n] = x;
    l->n++;
    l->sum += x;
    if (x > l->max)
        l->max = x;
    if (l->n == LATSTAT_EXACT + 1) {
        l->hist = hist_new();
        for (size_t i = 0; i < LATSTAT_EXACT; i++)
            hist_add(l->hist, l->first[i]);
    }
    if (l->n > LATSTAT_EXACT)
        hist_add(l->hist, x);
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
        a->hist = hist_new();
        for (size_t i = 0; i < a->n; i++)
            hist_add(a->hist, a->first[i]);
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
    if (l->hist)
        gsl_histogram_free(l->hist);
    memset(l, 0, sizeof *l);
}
