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
