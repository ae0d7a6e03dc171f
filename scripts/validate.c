/*
 * scripts/validate.c - `make validate`: the validation table (case,
 * theory, simulated, 95% CI, within) from the same cases the tests
 * assert (tests/validation.c), then the hypervisor schedulers' table
 * (case, expected, simulated, within) from tests/validation-sched.c.
 */
#include <stdio.h>

#include "tests/validation-sched.h"
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
    printf("\n| case | expected | simulated | within | source |\n");
    printf("|---|---|---|---|---|\n");
    for (size_t i = 0; i < vsched_ncases; i++) {
        const struct vs_case *c = &vsched_cases[i];
        struct vs_result r;
        int rc = vsched_run(c, &r);
        printf("| %s | %s | %s | %s | %s |\n", c->name, r.expected_text,
               rc == 0 ? r.simulated_text : "(failed)", rc == 0 && r.within ? "yes" : "NO",
               c->source);
        fflush(stdout);
        bad += rc != 0 || !r.within;
    }
    return bad ? 1 : 0;
}
