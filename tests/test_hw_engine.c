/*
 * tests/test_hw_engine.c - the hardware model inside runs: the trade-offs
 * it must show (issue 5), the agreement of the fluid and discrete exit
 * models, and ideal hardware as zero overhead.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/helpers.h"

#define MEM_WORKLOAD "n=1500,interarrival=exp:1.25,work=exp:1,class=memory-intensive"

static json_t *run_json(const char *const *args)
{
    struct cmd_result r;
    run_hvsim(&r, args);
    cr_assert_eq(r.status, 0, "hvsim failed: %s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "not JSON: %s", r.out);
    cmd_result_free(&r);
    return j;
}

static double num(json_t *j, const char *group, const char *key)
{
    json_t *g = group ? json_object_get(j, group) : j;
    return json_number_value(json_object_get(g, key));
}

static json_t *run_rr(const char *hw, const char *quantum, const char *sched, const char *gen)
{
    const char *args[] = {"run", "--generate", gen, "--sched", sched, "--quantum", quantum,
                          "--hw", hw, "--seed", "3", "--json", NULL};
    return run_json(args);
}

/* A smaller quantum gives more switches and more overhead, monotonically. */
Test(hw_engine, smaller_quantum_more_switches_and_overhead, .timeout = 60)
{
    const char *q[] = {"1ms", "10ms", "100ms", "1s"};
    double last_sw = INFINITY, last_ovh = INFINITY;
    for (int i = 0; i < 4; i++) {
        json_t *j = run_rr("skylake-sp", q[i], "rr", MEM_WORKLOAD);
        double sw = num(j, "overhead", "switches"), ovh = num(j, "overhead", "switch_seconds");
        cr_expect_lt(sw, last_sw, "quantum %s: %g switches, not fewer than %g", q[i], sw, last_sw);
        cr_expect_lt(ovh, last_ovh, "quantum %s: %g s of switches, not less than %g", q[i], ovh,
                     last_ovh);
        last_sw = sw;
        last_ovh = ovh;
        json_decref(j);
    }
}

/* Overloaded, expensive switches: rr with a tiny quantum wastes capacity
 * that maxtput (one switch per vCPU) does not, so it completes less work
 * per second. */
Test(hw_engine, tiny_quantum_rr_loses_throughput_to_maxtput, .timeout = 60)
{
    const char *gen = "n=1500,interarrival=exp:0.8,work=exp:1,class=memory-intensive";
    json_t *rr = run_rr("skylake-sp", "1ms", "rr", gen);
    json_t *mt = run_rr("skylake-sp", "1ms", "maxtput", gen);
    double x_rr = num(rr, NULL, "throughput"), x_mt = num(mt, NULL, "throughput");
    cr_expect_lt(x_rr, 0.95 * x_mt, "rr 1ms throughput %g, maxtput %g", x_rr, x_mt);
    /* maxtput makes exactly one switch per vCPU */
    cr_expect_eq(num(mt, "overhead", "switches"), 1500);
    json_decref(rr);
    json_decref(mt);
}

/* Write a variant of a shipped profile: key = value (a JSON value). */
static char *profile_variant(const char *base, const char *key, json_t *value)
{
    char path[256];
    snprintf(path, sizeof path, "models/profiles/%s.json", base);
    json_t *p = json_load_file(path, 0, NULL);
    cr_assert_not_null(p, "cannot read %s", path);
    json_object_set_new(json_object_get(p, key), "value", value);
    json_object_set_new(p, "name", json_string("variant"));
    char *tmp = write_temp(".json", "");
    cr_assert_eq(json_dump_file(p, tmp, JSON_INDENT(1)), 0);
    json_decref(p);
    return tmp;
}

Test(hw_engine, vpid_off_costs_more_than_on, .timeout = 60)
{
    char *off = profile_variant("skylake-sp", "vpid", json_false());
    const char *gen = "n=1500,interarrival=exp:1.25,work=exp:1";
    json_t *a = run_rr("skylake-sp", "10ms", "rr", gen), *b = run_rr(off, "10ms", "rr", gen);
    double on_s = num(a, "overhead", "switch_seconds"), off_s = num(b, "overhead", "switch_seconds");
    cr_expect_gt(off_s, on_s * 1.5, "switch time VPID off %g s, on %g s", off_s, on_s);
    cr_expect_gt(num(b, "turnaround", "mean"), num(a, "turnaround", "mean"));
    json_decref(a);
    json_decref(b);
    unlink(off);
    free(off);
}

Test(hw_engine, large_pages_cut_walk_cost, .timeout = 60)
{
    char *big = profile_variant("skylake-sp", "host_page", json_string("2M"));
    json_t *a = run_rr("skylake-sp", "100ms", "fcfs", MEM_WORKLOAD);
    json_t *b = run_rr(big, "100ms", "fcfs", MEM_WORKLOAD);
    double w4k = num(a, "overhead", "walk_seconds"), w2m = num(b, "overhead", "walk_seconds");
    cr_expect_lt(w2m, 0.9 * w4k, "walk seconds 2M %g, 4K %g", w2m, w4k);
    json_decref(a);
    json_decref(b);
    unlink(big);
    free(big);
}

/* The discrete exit model (Poisson exits, each charged) and the fluid one
 * (a rate) agree on throughput and mean turnaround within their
 * confidence intervals (10 replications each). */
Test(hw_engine, fluid_and_discrete_exit_models_agree, .timeout = 120)
{
    const char *gen = "n=300,interarrival=exp:0.125,work=exp:0.1,class=interactive";
    json_t *r[2];
    const char *model[2] = {"fluid", "discrete"};
    for (int i = 0; i < 2; i++) {
        const char *args[] = {"run", "--generate", gen, "--hw", "skylake-sp", "--exit-model",
                              model[i], "--reps", "10", "--json", NULL};
        r[i] = run_json(args);
    }
    const char *metrics[] = {"turnaround.mean", "throughput"};
    for (int k = 0; k < 2; k++) {
        double m[2], half[2];
        for (int i = 0; i < 2; i++) {
            json_t *ci = json_object_get(json_object_get(r[i], "ci95"), metrics[k]);
            double lo = json_number_value(json_array_get(ci, 0));
            double hi = json_number_value(json_array_get(ci, 1));
            m[i] = (lo + hi) / 2;
            half[i] = (hi - lo) / 2;
        }
        cr_expect(fabs(m[0] - m[1]) <= half[0] + half[1],
                  "%s: fluid %g +- %g, discrete %g +- %g", metrics[k], m[0], half[0], m[1], half[1]);
    }
    /* and they count about the same exits (Poisson: within 1%) */
    double e0 = num(json_object_get(r[0], "overhead"), "exits", "hlt");
    double e1 = num(json_object_get(r[1], "overhead"), "exits", "hlt");
    cr_expect(fabs(e0 - e1) <= 0.01 * e0, "hlt exits fluid %g, discrete %g", e0, e1);
    json_decref(r[0]);
    json_decref(r[1]);
}

/* Ideal hardware: zero overhead, core time = work. */
Test(hw_engine, ideal_hardware_has_no_overhead)
{
    const char *args[] = {"run", "--generate", "n=500,class=network-heavy", "--hw", "none",
                          "--sched", "rr", "--quantum", "1ms", "--json", NULL};
    json_t *j = run_json(args);
    json_t *o = json_object_get(j, "overhead");
    cr_expect_eq(num(o, NULL, "fraction"), 0);
    cr_expect_eq(num(o, NULL, "exit_seconds"), 0);
    cr_expect_eq(num(o, NULL, "walk_seconds"), 0);
    cr_expect_eq(num(o, NULL, "switch_seconds"), 0);
    cr_expect_eq(num(o, NULL, "vs_native"), 0);
    cr_expect_float_eq(num(o, NULL, "busy_seconds"), num(o, NULL, "native_seconds"), 1e-9);
    json_decref(j);
}
