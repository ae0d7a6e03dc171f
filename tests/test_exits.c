/*
 * tests/test_exits.c - discrete VM exits counted per run segment
 * (sim/exits.c) against the same model drawn one event per exit
 * (--exit-model discrete-events): the two must agree in distribution.
 *
 * Each scenario runs a few guests many times, each time with another
 * seed, under both implementations, and compares per guest the
 * distribution of its finish time and of its number of exits with a
 * two-sample Kolmogorov-Smirnov test at the 0.001 level, and their means
 * within 4 standard errors.  The scenarios are the ones where counting
 * is subtle: run segments cut by quanta (the plan split at the slice
 * end), a preemptive policy that looks at every running vCPU at each
 * dispatch (plans split at arbitrary instants and continued), vCPUs that
 * block and wake (a plan per burst), and a cap that throttles.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "allocators/alloc.h"
#include "helpers.h"
#include "sim/hwsetup.h"

#define SEEDS 400
#define MAXJOBS 4

static struct hw_setup skylake;

static void load(void)
{
    struct sim_error err;
    const char *dir = getenv("HVSIM_DATA") ? getenv("HVSIM_DATA") : "models";
    cr_assert_eq(hw_setup_load(&skylake, "skylake-sp", dir, &err), 0, "%s", err.text);
}

static void unload(void) { hw_setup_free(&skylake); }

struct sample {
    double finish[MAXJOBS][SEEDS];
    double exits[MAXJOBS][SEEDS];
};

struct one_run {
    struct sample *s;
    int seed;
};

static void on_job(void *ctx, const struct sim_job_info *j)
{
    struct one_run *r = ctx;
    uint64_t i = j->guest->seq;
    if (i < MAXJOBS) {
        r->s->finish[i][r->seed] = sim_time_to_s(j->finish);
        r->s->exits[i][r->seed] = guest_overhead_of(j->guest)->exits;
    }
}

struct scenario {
    const char *sched;
    double quantum;        /* s, 0 = the policy's default */
    int cores;
    const struct test_job *jobs;
    size_t njobs;
};

static void run_all(const struct scenario *sc, bool events, struct sample *out)
{
    for (int seed = 0; seed < SEEDS; seed++) {
        struct sim_experiment x;
        test_experiment(&x, sc->sched, sc->cores);
        if (sc->quantum > 0)
            test_knob_num(&x.sched, "quantum", sc->quantum);
        x.hw = skylake.tables;
        x.hw_name = "skylake-sp";
        x.discrete_exits = true;
        x.exit_events = events;
        x.seed = (uint64_t)seed + 1;
        struct one_run r = {out, seed};
        struct sim_hooks hooks = {.on_job = on_job, .cb_ctx = &r, .check_invariants = seed < 5};
        struct sim_error err;
        struct sim *sim;
        cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0, "%s", err.text);
        struct trace_reader tr;
        test_array_open(&tr, sc->jobs, sc->njobs);
        cr_assert_eq(sim_run(sim, &tr, &err), 0, "%s", err.text);
        const char *first;
        cr_assert_eq(sim_violations(sim, &first), 0, "seed %d: %s", seed, first);
        trace_close(&tr);
        sim_destroy(sim);
        sim_experiment_release(&x);
    }
}

/* The two-sample Kolmogorov-Smirnov statistic of a[] and b[] (sorted
 * in place). */
static double ks_statistic(double *a, double *b, size_t n)
{
    gsl_sort(a, 1, n);
    gsl_sort(b, 1, n);
    size_t i = 0, j = 0;
    double d = 0;
    while (i < n && j < n) {
        double x = a[i] < b[j] ? a[i] : b[j];
        while (i < n && a[i] <= x)
            i++;
        while (j < n && b[j] <= x)
            j++;
        double gap = fabs((double)i - (double)j) / (double)n;
        if (gap > d)
            d = gap;
    }
    return d;
}

/* a and b (n each) could come from one distribution: KS at the 0.001
 * level (c(alpha) = 1.949) and means within 4 standard errors. */
static void expect_same(const char *what, int job, double *a, double *b, size_t n)
{
    double ma = gsl_stats_mean(a, 1, n), mb = gsl_stats_mean(b, 1, n);
    double se = sqrt(gsl_stats_variance(a, 1, n) / (double)n + gsl_stats_variance(b, 1, n) / (double)n);
    cr_expect(fabs(ma - mb) <= 4 * se + 1e-12, "guest %d %s: means %.9g (counted) and %.9g "
              "(one event each), se %.3g", job, what, ma, mb, se);
    double d = ks_statistic(a, b, n);
    double crit = 1.949 * sqrt(2.0 / (double)n);
    cr_expect(d <= crit, "guest %d %s: KS distance %.4f > %.4f (0.001 level)", job, what, d, crit);
}

static void compare(const struct scenario *sc)
{
    struct sample *counted = calloc(1, sizeof *counted), *events = calloc(1, sizeof *events);
    run_all(sc, false, counted);
    run_all(sc, true, events);
    for (size_t j = 0; j < sc->njobs; j++) {
        /* the exits vary from seed to seed: there is something to compare */
        cr_assert_gt(gsl_stats_variance(counted->exits[j], 1, SEEDS), 1.0);
        expect_same("finish time", (int)j, counted->finish[j], events->finish[j], SEEDS);
        expect_same("exits", (int)j, counted->exits[j], events->exits[j], SEEDS);
    }
    free(counted);
    free(events);
}

/* Two network-heavy jobs (150,000 exits per s of work) on one core
 * under rr with 0.5 ms quanta: every slice end splits a plan. */
Test(exits, slices_cut_the_plan, .init = load, .fini = unload, .timeout = 120)
{
    static const struct test_job j[] = {
        {"a", 0, 0.004, 1, .cls = "network-heavy"},
        {"b", 0, 0.006, 1, .cls = "network-heavy"},
        {"c", 0.001, 0.002, 1, .cls = "cpu-bound"},
    };
    struct scenario sc = {"rr", 0.0005, 1, j, 3};
    compare(&sc);
}

/* Shortest remaining work first on two cores, arrivals while others
 * run: each dispatch brings every running vCPU's progress up to date,
 * splitting plans at arbitrary instants, and the ranking depends on the
 * exits drawn. */
Test(exits, preemptive_policy_reads_progress, .init = load, .fini = unload, .timeout = 120)
{
    static const struct test_job j[] = {
        {"a", 0, 0.005, 1, .cls = "network-heavy"},
        {"b", 0.0004, 0.003, 1, .cls = "network-heavy"},
        {"c", 0.0011, 0.0029, 1, .cls = "io-bound"},
        {"d", 0.0017, 0.001, 1, .cls = "network-heavy"},
    };
    struct scenario sc = {"minlat", 0, 2, j, 4};
    compare(&sc);
}

/* A VM that runs and blocks (phases) beside a capped hog on one core:
 * plans per burst, throttles at the cap, wakes that preempt. */
Test(exits, blocking_and_caps, .init = load, .fini = unload, .timeout = 120)
{
    static const struct test_job j[] = {
        {"vm", 0, 1, 1, .phases = "0.7ms 0.3ms", .repeat = 6, .cls = "network-heavy"},
        {"hog", 0, 0.004, 1, .cap = 0.5, .cls = "network-heavy"},
    };
    struct scenario sc = {"rr", 0.001, 1, j, 2};
    compare(&sc);
}
