/*
 * tests/test_alloc_conformance.c - every registered allocator (iterating
 * over allocators/alloc-list.h, so a new one is covered without editing this
 * file) on random utilisation series, 3 hosts, in both models (series
 * guests as on/off vCPUs under rr, and as fluids), every invariant checked
 * after every event: each guest completes; the core time used equals the
 * work demanded (nothing lost, nothing made up: a throttled guest only
 * finishes later); no guest uses more than its grant (its cap budget, per
 * period, in the discrete model) and no host more than its cores; the same
 * seed gives the same figures.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "allocators/alloc.h"
#include "tests/helpers.h"

ParameterizedTestParameters(alloc_conformance, invariants)
{
    /* indices, not pointers: each test runs in a new process */
    size_t n = registry_count(&alloc_registry);
    size_t *idx = cr_malloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, n);
}

#define NGUESTS 40
#define NSAMPLES 24

static void run_random(const char *alloc, bool fluid, struct sim_result *res, double *work)
{
    static double util[NGUESTS][NSAMPLES];
    struct test_job jobs[NGUESTS];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 123);
    *work = 0;
    double t = 0;
    for (int i = 0; i < NGUESTS; i++) {
        for (int k = 0; k < NSAMPLES; k++) {
            /* bursty: mostly low, sometimes near a whole vCPU */
            util[i][k] = gsl_rng_uniform(r) < 0.2 ? 0.6 + 0.4 * gsl_rng_uniform(r)
                                                  : 0.2 * gsl_rng_uniform(r);
            *work += util[i][k] * 60 * (1 + i % 2);
        }
        t += gsl_rng_uniform(r) * 100;
        jobs[i] = (struct test_job){NULL, floor(t), 1, 1 + i % 2, 0, 100, util[i], NSAMPLES, 60};
    }
    gsl_rng_free(r);

    struct sim_experiment x;
    struct sim_error err;
    test_experiment(&x, "rr", 2);
    x.fluid = fluid;
    sim_experiment_uniform(&x, 3, 2, 1200);   /* at most 12 guests a host: some wait */
    cr_assert_eq(policy_choose(&x.alloc, &alloc_registry, alloc, &err), 0, "%s", err.text);
    test_knob(&x.alloc, "interval", "120s");
    test_knob(&x.alloc, "floor", "0.05");
    struct sim_hooks hooks = {.check_invariants = true};
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0, "%s", err.text);
    struct trace_reader rd;
    test_array_open(&rd, jobs, NGUESTS);
    cr_assert_eq(sim_run(sim, &rd, &err), 0, "%s: %s", alloc, err.text);
    sim_result(sim, res);
    const char *first;
    cr_expect_eq(sim_violations(sim, &first), 0, "%s: %s", alloc, first);
    trace_close(&rd);
    sim_destroy(sim);
    sim_experiment_release(&x);
}

ParameterizedTest(size_t *index, alloc_conformance, invariants, .timeout = 60)
{
    const char *name = registry_at(&alloc_registry, *index)->name;
    for (int fluid = 0; fluid <= 1; fluid++) {
        const char *model = fluid ? "fluid" : "discrete";
        struct sim_result a, b;
        double work;
        run_random(name, fluid, &a, &work);
        cr_expect_eq(a.completed, NGUESTS, "%s %s: %g of %d completed", name, model, a.completed,
                     NGUESTS);
        cr_expect(fabs(a.busy_seconds - work) <= 1e-6 * work, "%s %s: used %.9g core-s, "
                  "demanded %.9g", name, model, a.busy_seconds, work);
        cr_expect_geq(a.unmet_cpu_seconds, 0);
        cr_expect_geq(a.idle_cpu_seconds, 0);
        run_random(name, fluid, &b, &work);
        a.wall_seconds = b.wall_seconds = 0;
        cr_expect(memcmp(&a, &b, sizeof a) == 0, "%s %s: same input, different figures", name,
                  model);
    }
}
