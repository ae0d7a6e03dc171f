/*
 * tests/test_alloc.c - allocation of guests whose demand varies over time
 * (utilisation series, served as fluids under caps; sim/fluid.c), on
 * examples computed by hand.
 */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdlib.h>

#include "tests/helpers.h"

/* One guest on one core, samples of 10 s: util 0.2, 0.8, 0.2.
 *
 * static (grant = its 1 vCPU): it always gets what it asks; unmet 0, idle
 * (1-0.2)10 + (1-0.8)10 + (1-0.2)10 = 18 core-s; it leaves at 30.
 *
 * demand (interval 10 s, headroom 1, floor 0): admitted with its wish,
 * 0.2.  At 10 the demand jumps to 0.8, but the window [0,10) saw 0.2:
 * grant stays 0.2, a backlog builds at 0.6/s: unmet 6 core-s by 20.  At 20
 * the window [10,20) saw a demand of 0.8: grant 0.8 (the one
 * re-allocation that changed something); demand falls to 0.2 and the
 * backlog of 6, served at the whole grant, drains at 0.6/s, exactly by
 * 30: nothing of the grant idles, and it leaves at 30. */
static const double spiky[] = {0.2, 0.8, 0.2};

Test(alloc, static_vs_demand_by_hand)
{
    const struct test_job j[] = {{"A", 0, 1, 1, 0, 0, spiky, 3, 10}};
    struct test_run st, dm;
    test_run_alloc(j, 1, "static", 1, 10, 1, 0, false, true, &st);
    cr_expect_float_eq(st.res.unmet_cpu_seconds, 0, 1e-9);
    cr_expect_float_eq(st.res.idle_cpu_seconds, 18, 1e-6, "static idle %g", st.res.idle_cpu_seconds);
    cr_expect_float_eq(st.finish[0], 30, 1e-9);

    test_run_alloc(j, 1, "demand", 1, 10, 1, 0, false, true, &dm);
    cr_expect_float_eq(dm.res.unmet_cpu_seconds, 6, 1e-6, "demand unmet %g", dm.res.unmet_cpu_seconds);
    cr_expect_float_eq(dm.res.idle_cpu_seconds, 0, 1e-6, "demand idle %g", dm.res.idle_cpu_seconds);
    cr_expect_eq(dm.res.reallocations, 1);
    cr_expect_float_eq(dm.finish[0], 30, 1e-9, "left at %g", dm.finish[0]);
    /* work done = demanded: (0.2 + 0.8 + 0.2) x 10 = 12 core-s, on both */
    cr_expect_float_eq(st.res.busy_seconds, 12, 1e-6);
    cr_expect_float_eq(dm.res.busy_seconds, 12, 1e-6);
}

/* Ample capacity: 4 guests on 8 cores under static grants never miss. */
Test(alloc, unmet_is_zero_when_capacity_is_ample)
{
    static const double a[] = {0.9, 0.1, 1.0, 0.5}, b[] = {0.3, 0.7, 0.0, 1.0};
    const struct test_job j[] = {
        {"A", 0, 1, 2, 0, 0, a, 4, 300}, {"B", 100, 1, 1, 0, 0, b, 4, 300},
        {"C", 100, 1, 3, 0, 0, a, 4, 300}, {"D", 200, 1, 1, 0, 0, b, 4, 300},
    };
    struct test_run r;
    test_run_alloc(j, 4, "static", 8, 300, 1, 0, false, true, &r);
    cr_expect_float_eq(r.res.unmet_cpu_seconds, 0, 1e-9);
    cr_expect_eq(r.res.completed, 4);
    cr_expect_float_eq(r.finish[1], 1300, 1e-9);
}

/* An overcommitted host: two guests each asking 0.8 of one core get 0.5
 * each (proportional scaling); each misses 0.3 core-s per second for 10 s,
 * then catches up its backlog of 3 (at 1 core for both: 0.5 each, 6 s). */
Test(alloc, overcommitted_host_scales_and_delays)
{
    static const double u[] = {0.8};
    const struct test_job j[] = {{"A", 0, 1, 1, 0, 0, u, 1, 10}, {"B", 0, 1, 1, 0, 0, u, 1, 10}};
    struct test_run r;
    test_run_alloc(j, 2, "static", 1, 10, 1, 0, false, true, &r);
    cr_expect_float_eq(r.res.unmet_cpu_seconds, 6, 1e-6, "unmet %g", r.res.unmet_cpu_seconds);
    cr_expect_float_eq(r.finish[0], 16, 1e-6, "A left at %g", r.finish[0]);
    cr_expect_float_eq(r.finish[1], 16, 1e-6);
}

/* --share equal: 2 guests on 1 core get 0.5 each whatever they ask; a
 * guest asking 0.2 idles 0.3 of its share. */
Test(alloc, equal_shares)
{
    static const double lo[] = {0.2}, hi[] = {0.5};
    const struct test_job j[] = {{"A", 0, 1, 1, 0, 0, lo, 1, 10}, {"B", 0, 1, 1, 0, 0, hi, 1, 10}};
    struct test_run r;
    test_run_alloc(j, 2, "static", 1, 10, 1, 0, true, true, &r);
    cr_expect_float_eq(r.res.idle_cpu_seconds, 3, 1e-6, "idle %g", r.res.idle_cpu_seconds);
    cr_expect_float_eq(r.res.unmet_cpu_seconds, 0, 1e-9);
}

/* The bundled PlanetLab day (1,052 VMs) on 40 hosts x 4 cores, first fit
 * with 7 vCPUs per core, every invariant checked after every event:
 * demand-based allocation leaves far less of its grants idle than static
 * (which grants each VM its whole vCPU), at the price of more unmet demand
 * (the lag of one interval).  A guest whose backlog drained too slowly
 * for the clock once crashed this run (an event in the past). */
Test(alloc, planetlab_day_static_vs_demand, .timeout = 120)
{
    const char *base[] = {"run", "--trace", "workloads/samples/planetlab-20110303", "--hosts",
                          "40", "--cores", "4", "--overcommit", "7", "--model", "fluid", "--json",
                          "--alloc"};
    double unmet[2], idle[2];
    const char *alloc[2] = {"static", "demand"};
    for (int i = 0; i < 2; i++) {
        const char *args[16];
        size_t n = 0;
        for (; n < sizeof base / sizeof base[0]; n++)
            args[n] = base[n];
        args[n++] = alloc[i];
        args[n] = NULL;
        setenv("HVSIM_CHECK", "1", 1);
        struct cmd_result r;
        run_hvsim(&r, args);
        unsetenv("HVSIM_CHECK");
        cr_assert_eq(r.status, 0, "%s: %s", alloc[i], r.err);
        json_t *j = json_loads(r.out, 0, NULL);
        cr_assert_not_null(j);
        json_t *a = json_object_get(j, "allocation");
        unmet[i] = json_number_value(json_object_get(a, "unmet_cpu_seconds"));
        idle[i] = json_number_value(json_object_get(a, "idle_cpu_seconds"));
        cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "jobs"), "completed")),
                     1052);
        json_decref(j);
        cmd_result_free(&r);
    }
    cr_expect_lt(idle[1], idle[0] / 5, "idle: demand %g, static %g", idle[1], idle[0]);
    cr_expect_gt(unmet[1], unmet[0], "unmet: demand %g, static %g", unmet[1], unmet[0]);
}
