/*
 * tests/test_dist.c - the distributions of --generate: parsing (every
 * error names the key), and sample means of the draws against the
 * distribution's mean.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dist.h"
#include "base/zigexp.h"
#include "sim/metrics.h"
#include "workloads/synthetic.h"
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

static double sample_mean(const char *text, long n)
{
    struct dist d;
    struct sim_error err;
    cr_assert_eq(dist_parse(&d, "work", text, &err), 0, "%s: %s", text, err.text);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    double s = 0;
    for (long i = 0; i < n; i++)
        s += dist_draw(&d, r);
    gsl_rng_free(r);
    return s / (double)n;
}

Test(dist, sample_means_match)
{
    struct {
        const char *text;
        double mean, rel;
    } cases[] = {
        {"det:2.5", 2.5, 1e-12},
        {"3", 3, 1e-12},
        {"exp:1.5", 1.5, 0.01},
        {"uniform:1:3", 2, 0.01},
        {"lognormal:0:0.5", exp(0.125), 0.01},
        {"pareto:3:1", 1.5, 0.02},
        {"bpareto:1.5:0.37:37", 1.0, 0.02},      /* BP-A of queueing.md: mean 1 */
        {"hyperexp:0.8873:0.56338:4.43656", 1.0, 0.02}, /* H2, C^2 = 4, mean 1 */
        {"gamma:2:0.5", 1, 0.01},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double m = sample_mean(cases[i].text, 400000);
        cr_expect(fabs(m - cases[i].mean) <= cases[i].rel * cases[i].mean,
                  "%s: sample mean %.6g, expected %.6g", cases[i].text, m, cases[i].mean);
        struct dist d;
        dist_parse(&d, "k", cases[i].text, NULL);
        cr_expect(fabs(dist_mean(&d) - cases[i].mean) <= 1e-3 * cases[i].mean,
                  "%s: dist_mean %.6g", cases[i].text, dist_mean(&d));
    }
}

Test(dist, bad_parameters_are_errors_naming_the_key)
{
    const char *bad[][2] = {
        {"exp:-1", "mean of exp must be > 0"},
        {"exp:0", "mean of exp must be > 0"},
        {"uniform:3:1", "A <= B"},
        {"gamma:0:1", "K > 0"},
        {"hyperexp:1.5:1:1", "within 0..1"},
        {"bpareto:1.5:2:1", "0 < L < H"},
        {"pareto:1", "missing parameters"},
        {"exp:1:2", "too many parameters"},
        {"exp:abc", "not a number"},
        {"exp:nan", "not a number"},
        {"exp:inf", "not a number"},
        {"weibull:1:2", "unknown distribution"},
        {"-3", "must be >= 0"},
        {"1e999", "not a number or a distribution"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct dist d;
        struct sim_error err;
        cr_expect_eq(dist_parse(&d, "work", bad[i][0], &err), SIM_EINVAL, "%s accepted",
                     bad[i][0]);
        cr_expect(strstr(err.text, "work") != NULL, "%s: message '%s' names no key", bad[i][0],
                  err.text);
        cr_expect(strstr(err.text, bad[i][1]) != NULL, "%s: message '%s' lacks '%s'", bad[i][0],
                  err.text, bad[i][1]);
    }
    struct dist d;
    cr_expect_eq(dist_parse(&d, "interarrival", "det:0", NULL), 0, "det:0 is a valid zero");
}

Test(dist, generate_spec_errors)
{
    const char *bad[][2] = {
        {"interarrival=exp:1", "key n"},
        {"n=0", "n=0"},
        {"n=10,foo=1", "unknown key 'foo'"},
        {"n=10,n=20", "given twice"},
        {"n=10,work", "not key=value"},
        {"n=10,work=det:0", "work must be > 0"},
        {"n=10,interarrival=exp:-2", "interarrival"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct synth_spec s;
        struct sim_error err;
        cr_expect_eq(synth_parse(&s, bad[i][0], &err), SIM_EINVAL, "%s accepted", bad[i][0]);
        cr_expect(strstr(err.text, bad[i][1]) != NULL, "%s: message '%s' lacks '%s'", bad[i][0],
                  err.text, bad[i][1]);
    }
}

/* A value is never silently changed: a constant that is not a whole
 * number is refused with the rule; the draws of a distribution are
 * rounded, and the note says so. */
Test(dist, integer_keys_whole_or_refused_draws_rounded_with_a_note)
{
    const char *bad[][2] = {
        {"n=2.6", "need a whole number of guests >= 1"},
        {"n=10^13", "not a number of guests"},
        {"n=1e13", "more than 1e+12 guests"},
        {"n=5,vcpus=det:0", "whole number of vCPUs, 1..65536"},
        {"n=5,vcpus=det:2.5", "vcpus=2.5"},
        {"n=5,vcpus=1e9", "1..65536"},
        {"n=5,priority=0.5", "priority=0.5: a priority is a class number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct synth_spec s;
        struct sim_error err;
        cr_expect_eq(synth_parse(&s, bad[i][0], &err), SIM_EINVAL, "%s accepted", bad[i][0]);
        cr_expect(strstr(err.text, bad[i][1]) != NULL, "%s: message '%s' lacks '%s'", bad[i][0],
                  err.text, bad[i][1]);
    }
    struct synth_spec s;
    struct sim_error err;
    cr_assert_eq(synth_parse(&s, "n=3,vcpus=det:4,priority=2,work=1", &err), 0, "%s", err.text);
    cr_expect_str_empty(s.note, "constants are not rounded: no note");
    cr_assert_eq(synth_parse(&s, "n=300,vcpus=uniform:0:3,work=1", &err), 0, "%s", err.text);
    cr_expect_str_eq(s.note, "--generate vcpus=uniform:0:3: each draw is rounded to a whole "
                             "number of vCPUs and kept within 1..65536");
    struct trace_reader r;
    synth_open(&r, &s, 1, 0, NULL);
    struct trace_record rec;
    trace_record_init(&rec);
    int count = 0, seen[4] = {0};
    while (trace_next(&r, &rec, &err) == TRACE_RECORD) {
        cr_expect(rec.vcpus >= 1 && rec.vcpus <= 3, "%d", rec.vcpus);
        seen[rec.vcpus]++;
        count++;
    }
    cr_expect_eq(count, 300);
    /* uniform on [0, 3): [0, 1.5) gives 1, [1.5, 2.5) 2, [2.5, 3) 3 */
    cr_expect(seen[1] > 120 && seen[1] < 180, "%d", seen[1]);
    cr_expect(seen[3] > 20 && seen[3] < 80, "%d", seen[3]);
    trace_record_clear(&rec);
    trace_close(&r);
}

Test(dist, quantile_by_selection_equals_sorted_quantile)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    for (size_t n = 1; n < 300; n += 7) {
        double a[300], b[300];
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] = floor(gsl_rng_uniform(r) * 20);   /* ties */
        gsl_sort(b, 1, n);
        double fs[] = {0, 0.5, 0.95, 0.99, 1};
        for (size_t k = 0; k < 5; k++) {
            double c[300];
            memcpy(c, a, n * sizeof *c);
            cr_expect_eq(stats_quantile(c, n, fs[k]),
                         gsl_stats_quantile_from_sorted_data(b, 1, n, fs[k]), "n=%zu f=%g", n,
                         fs[k]);
        }
        /* several at once, each selected in the previous one's upper part */
        double c[300], q[5];
        memcpy(c, a, n * sizeof *c);
        stats_quantiles(c, n, fs, 5, q);
        for (size_t k = 0; k < 5; k++)
            cr_expect_eq(q[k], gsl_stats_quantile_from_sorted_data(b, 1, n, fs[k]),
                         "n=%zu f=%g (nested)", n, fs[k]);
        double down[] = {0.99, 0.5, 0.95};   /* out of order: still right */
        memcpy(c, a, n * sizeof *c);
        stats_quantiles(c, n, down, 3, q);
        for (size_t k = 0; k < 3; k++)
            cr_expect_eq(q[k], gsl_stats_quantile_from_sorted_data(b, 1, n, down[k]),
                         "n=%zu f=%g (out of order)", n, down[k]);
    }
    gsl_rng_free(r);
}

/* ---- the ziggurat's exponential (base/zigexp.h) ---- */

/* The committed tables are what zigexp_build computes. */
Test(dist, ziggurat_tables_are_the_built_ones)
{
    struct zigexp_table t;
    zigexp_build(&t);
    for (int i = 0; i < ZIGEXP_LAYERS; i++) {
        cr_expect_eq(t.k[i], zigexp_table.k[i], "k[%d]", i);
        cr_expect_eq(t.w[i], zigexp_table.w[i], "w[%d]", i);
        cr_expect_eq(t.f[i], zigexp_table.f[i], "f[%d]", i);
    }
    /* every layer has the same area V: x_i (f(x_{i-1}) - f(x_i)) */
    for (int i = 2; i < ZIGEXP_LAYERS; i++) {
        double x = t.w[i] * 0x1p53;
        cr_expect(fabs(x * (t.f[i - 1] - t.f[i]) - ZIGEXP_V) < 1e-12, "layer %d", i);
    }
}

/* n draws from a generator of type T against Exp(1): Kolmogorov-Smirnov
 * distance (sqrt(n) D > 1.95 has probability 0.001 under Exp(1)), the
 * mean and variance within 4 standard errors, and the tail beyond the
 * ziggurat's R (drawn apart) and beyond 12 in proportion. */
static void expect_exp1(const gsl_rng_type *T, unsigned long seed, size_t n)
{
    gsl_rng *r = gsl_rng_alloc(T);
    gsl_rng_set(r, seed);
    struct dist d;
    cr_assert_eq(dist_parse(&d, "work", "exp:1", NULL), 0);
    double *x = malloc(n * sizeof *x);
    double sum = 0, sq = 0;
    size_t beyond_r = 0, beyond_12 = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = dist_draw(&d, r);
        cr_assert(x[i] >= 0 && isfinite(x[i]), "draw %zu = %g", i, x[i]);
        sum += x[i];
        sq += x[i] * x[i];
        beyond_r += x[i] > ZIGEXP_R;
        beyond_12 += x[i] > 12;
    }
    gsl_sort(x, 1, n);
    double dmax = 0;
    for (size_t i = 0; i < n; i++) {
        double f = 1 - exp(-x[i]);
        double lo = f - (double)i / (double)n, hi = (double)(i + 1) / (double)n - f;
        dmax = fmax(dmax, fmax(lo, hi));
    }
    double rn = sqrt((double)n);
    cr_expect_lt(rn * dmax, 1.95, "%s: KS sqrt(n) D = %g", gsl_rng_name(r), rn * dmax);
    double mean = sum / (double)n, var = sq / (double)n - mean * mean;
    cr_expect_lt(fabs(mean - 1), 4 / rn, "%s: mean %g", gsl_rng_name(r), mean);
    cr_expect_lt(fabs(var - 1), 4 * sqrt(8.0) / rn, "%s: variance %g", gsl_rng_name(r), var);
    double pr = exp(-ZIGEXP_R) * (double)n, p12 = exp(-12.0) * (double)n;
    cr_expect_lt(fabs((double)beyond_r - pr), 4 * sqrt(pr), "%s: %zu beyond R, expected %g",
                 gsl_rng_name(r), beyond_r, pr);
    cr_expect_lt(fabs((double)beyond_12 - p12), 4 * sqrt(p12) + 1, "%s: %zu beyond 12, "
                 "expected %g", gsl_rng_name(r), beyond_12, p12);
    free(x);
    gsl_rng_free(r);
}

/* Fixed seeds: the outcome is repeatable (a wrong table or bit split
 * fails it every time, a right one never). */
Test(dist, ziggurat_draws_are_exponential, .timeout = 60)
{
    expect_exp1(gsl_rng_mt19937, 11, 2000000);   /* GSL's default (32-bit words) */
    expect_exp1(gsl_rng_taus2, 12, 2000000);     /* the engine's streams and each guest's own */
    expect_exp1(gsl_rng_ranlxs0, 13, 200000);    /* 24-bit words: GSL's own way */
}

/* hyperexp:P:M1:M2 has mean P M1 + (1 - P) M2 and, Exp branches being
 * exponential, second moment 2 (P M1^2 + (1 - P) M2^2). */
Test(dist, hyperexponential_moments)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    struct dist d;
    cr_assert_eq(dist_parse(&d, "work", "hyperexp:0.2:4:0.5", NULL), 0);
    size_t n = 1000000;
    double sum = 0, sq = 0;
    for (size_t i = 0; i < n; i++) {
        double x = dist_draw(&d, r);
        sum += x;
        sq += x * x;
    }
    double m1 = 0.2 * 4 + 0.8 * 0.5, m2 = 2 * (0.2 * 16 + 0.8 * 0.25);
    double m4 = 24 * (0.2 * 256 + 0.8 * 0.0625);   /* E[X^4] = 24 sum p m^4 */
    cr_expect_lt(fabs(sum / (double)n - m1), 4 * sqrt(m2 - m1 * m1) / sqrt((double)n),
                 "mean %g, expected %g", sum / (double)n, m1);
    cr_expect_lt(fabs(sq / (double)n - m2), 4 * sqrt(m4 - m2 * m2) / sqrt((double)n),
                 "second moment %g, expected %g", sq / (double)n, m2);
    gsl_rng_free(r);
}

/* Large sets take the bracketed path (sim/metrics.c): the same answers as
 * a sort, for data that a sample represents well and data made to fool
 * it (sorted, constant, periodic with the sample's stride, heavy ties). */
Test(dist, quantiles_of_large_sets_equal_sorted_quantiles, .timeout = 60)
{
    enum { N = 200003 };
    double *a = malloc(N * sizeof *a), *sorted = malloc(N * sizeof *sorted);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 9);
    const double fs[] = {0, 0.5, 0.95, 0.99, 0.999, 1};
    for (int kind = 0; kind < 6; kind++) {
        for (size_t i = 0; i < N; i++) {
            double u = gsl_rng_uniform(r);
            switch (kind) {
            case 0: a[i] = -log1p(-u); break;                 /* continuous */
            case 1: a[i] = floor(u * 7); break;               /* seven values */
            case 2: a[i] = (double)i; break;                  /* sorted */
            case 3: a[i] = (double)(N - i); break;            /* reversed */
            case 4: a[i] = 3; break;                          /* constant */
            case 5: a[i] = (double)(i % (N / 4096)); break;   /* the sample's stride */
            }
        }
        memcpy(sorted, a, N * sizeof *a);
        gsl_sort(sorted, 1, N);
        double q[6];
        stats_quantiles(a, N, fs, 6, q);
        for (size_t k = 0; k < 6; k++)
            cr_expect_eq(q[k], gsl_stats_quantile_from_sorted_data(sorted, 1, N, fs[k]),
                         "kind %d f=%g", kind, fs[k]);
        double one;
        stats_quantiles(a, N, &fs[3], 1, &one);
        cr_expect_eq(one, q[3], "kind %d alone", kind);
    }
    gsl_rng_free(r);
    free(a);
    free(sorted);
}
