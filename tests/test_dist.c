/*
 * tests/test_dist.c - the distributions of --generate: parsing (every
 * error names the key), and sample means of the draws against the
 * distribution's mean.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "base/dist.h"
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
    }
    gsl_rng_free(r);
}
