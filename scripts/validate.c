/*
 * scripts/validate.c - `make validate`: the validation table (case,
 * theory, simulated, 95% CI, within) from the same cases the tests
 * assert (tests/validation.c).
 */
#include <stdio.h>

#include "tests/validation.h"

int main(void)
{
    int bad = 0;
    printf("| case | theory | simulated | 95%% CI | samples | within | source |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < validation_ncases; i++) {
        const struct vcase *c = &validation_cases[i];
        struct vresult r;
        validation_run(c, 2026, &r);
        printf("| %s | %.4g | %.4g | %.4g .. %.4g | %ld | %s | %s |\n", c->name, c->theory,
               r.mean, r.ci[0], r.ci[1], r.n, r.within ? "yes" : "NO", c->source);
        fflush(stdout);
        bad += !r.within;
    }
    return bad ? 1 : 0;
}
