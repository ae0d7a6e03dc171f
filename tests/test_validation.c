/*
 * tests/test_validation.c - every case of tests/validation.c (the table
 * `make validate` prints): the simulated mean within its 95% confidence
 * interval plus 0.5% of the closed-form value.  Fixed seed: not flaky.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>

#include "tests/validation.h"

ParameterizedTestParameters(validation, closed_form)
{
    size_t *idx = cr_malloc(validation_ncases * sizeof *idx);
    for (size_t i = 0; i < validation_ncases; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, validation_ncases);
}

ParameterizedTest(size_t *i, validation, closed_form, .timeout = 300)
{
    const struct vcase *c = &validation_cases[*i];
    struct vresult r;
    validation_run(c, 2026, &r);
    cr_assert(r.n > 0, "%s: no samples", c->name);
    double half = (r.ci[1] - r.ci[0]) / 2;
    cr_expect(r.within, "%s: simulated %.5g (95%% CI %.5g..%.5g, %ld samples), theory %.5g",
              c->name, r.mean, r.ci[0], r.ci[1], r.n, c->theory);
    cr_expect(half <= 0.05 * c->theory, "%s: CI half-width %.3g is wider than 5%%", c->name, half);
}

/* The hypervisor schedulers' cases: shares within 1% of w / sum w, never
 * over a cap in any period (and using it), p99 wake-up latency within
 * its bound. */
ParameterizedTestParameters(validation, schedulers)
{
    size_t *idx = cr_malloc(sched_ncases * sizeof *idx);
    for (size_t i = 0; i < sched_ncases; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, sched_ncases);
}

ParameterizedTest(size_t *i, validation, schedulers, .timeout = 120)
{
    const struct svcase *c = &sched_cases[*i];
    struct svresult r;
    char target[200], value[200];
    sched_case_run(c, NULL, &r);
    sched_case_format(c, &r, target, value, sizeof target);
    cr_assert_gt(r.samples, 0, "%s: no samples", c->name);
    cr_expect(r.within, "%s: target %s, simulated %s", c->name, target, value);
    if (c->metric == SV_CAP)
        cr_expect(r.mean >= 0.99 * c->g[c->target].cap, "%s: %g cores per period on average: "
                  "held below its cap", c->name, r.mean);
}
