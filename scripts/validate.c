/*
 * scripts/validate.c - `make validate`: the validation tables from the
 * same cases the tests assert: the queueing cases (case, theory,
 * simulated, 95% CI, within; tests/validation.c), then the hypervisor
 * schedulers' (case, target, simulated, within): Linux cfs and eevdf
 * (tests/validation.c) and Xen credit and credit2
 * (tests/validation-sched.c).  An argument, queueing or sched, prints that
 * part alone.
 */
#include <stdio.h>
#include <string.h>

#include "tests/validation-sched.h"
#include "tests/validation.h"

static int queueing(void)
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
    return bad;
}

static int sched(void)
{
    int bad = 0;
    printf("| case | target | simulated | within | source |\n");
    printf("|---|---|---|---|---|\n");
    for (size_t i = 0; i < sched_ncases; i++) {
        const struct svcase *c = &sched_cases[i];
        struct svresult r;
        char target[200], value[200];
        sched_case_run(c, NULL, &r);
        sched_case_format(c, &r, target, value, sizeof target);
        printf("| %s | %s | %s | %s | %s |\n", c->name, target, value,
               r.within ? "yes" : "NO", c->source);
        fflush(stdout);
        bad += !r.within;
    }
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
    return bad;
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    if (*only && strcmp(only, "queueing") != 0 && strcmp(only, "sched") != 0) {
        fprintf(stderr, "usage: validate [queueing|sched]\n");
        return 2;
    }
    int bad = 0;
    if (strcmp(only, "sched") != 0)
        bad += queueing();
    if (!*only)
        printf("\n");
    if (strcmp(only, "queueing") != 0)
        bad += sched();
    return bad ? 1 : 0;
}
