/*
 * tests/test_conformance.c - every registered scheduler (the test
 * iterates over the registry, so a new policy is covered without editing
 * it) through the invariants of the engine on ideal hardware:
 *   - every guest completes;
 *   - total core time equals total work, to the nanosecond;
 *   - no core idle while a vCPU is ready (work-conserving policies), no
 *     vCPU on two cores, time never decreases (checked after every event);
 *   - the same seed gives the same figures, bit for bit.
 * Each policy runs with and without clairvoyance, preemptive and not,
 * on 1 and 3 cores, with guests of 1 to 3 vCPUs: jobs (one burst per
 * vCPU) and VMs whose vCPUs block and wake (closed loops); the closed
 * loops again on 4 cores in 2 sockets (per-socket run queues).  Plug-ins
 * named in $HVSIM_TEST_PLUGINS are covered too (tests/plugin/test_plugin.sh).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "schedulers/sched.h"
#include "tests/helpers.h"
#include "workloads/synthetic.h"

ParameterizedTestParameters(conformance, invariants)
{
    /* Indices, not names: Criterion runs each test in a new process
     * (BoxFort re-executes the binary), where the parent's pointers are
     * meaningless under address-space randomisation. */
    test_load_plugins();
    size_t n = registry_count(&sched_registry);
    size_t *idx = cr_malloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, n);
}

struct outcome {
    struct sim_result res;
    long double work_ns, busy_ns;
    long violations;
    char violation[256];
};

/* Jobs (one burst per vCPU), as the textbook policies were written for. */
#define JOBS "n=400,interarrival=exp:0.6,work=exp:1,vcpus=uniform:1:3,priority=uniform:0.5:2.5"
/* VMs whose vCPUs block and wake: closed loops of think and burst. */
#define BLOCKING "n=40,interarrival=exp:0.3,vcpus=uniform:1:3,priority=uniform:0.5:2.5," \
                 "think=exp:0.05,burst=exp:0.02,cycles=60"

static void run_on(const char *sched, const char *workload, int cores, int sockets,
                   bool clairvoyant, bool preempt, uint64_t seed, struct outcome *o)
{
    struct synth_spec spec;
    struct sim_error err;
    cr_assert_eq(synth_parse(&spec, workload, &err), 0, "%s", err.text);
    struct sim_experiment x;
    test_experiment(&x, sched, cores);
    x.hosts[0].sockets = sockets;
    test_knob(&x.sched, "quantum", "50ms");
    test_knob(&x.sched, "clairvoyant", clairvoyant ? "yes" : "no");
    test_knob(&x.sched, "preempt", preempt ? "yes" : "no");
    x.seed = seed;
    struct sim_hooks hooks = {.check_invariants = true};
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0, "%s: %s", sched, err.text);
    struct trace_reader r;
    synth_open(&r, &spec, seed, 0, NULL);
    cr_assert_eq(sim_run(sim, &r, &err), 0, "%s: %s", sched, err.text);
    sim_result(sim, &o->res);
    o->work_ns = sim_acc_value(&sim_metrics(sim)->work_ns);
    o->busy_ns = sim_busy_ns(sim);
    const char *first;
    o->violations = sim_violations(sim, &first);
    snprintf(o->violation, sizeof o->violation, "%s", first);
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
}

static void run_once(const char *sched, const char *workload, int cores, bool clairvoyant,
                     bool preempt, uint64_t seed, struct outcome *o)
{
    run_on(sched, workload, cores, 1, clairvoyant, preempt, seed, o);
}

/* 180 s: credit2 switches every millisecond on the overloaded core of
 * these runs, as Xen's does (its ratelimit), some 860,000 times a run,
 * checked after every event: several times the cost of the others, and
 * far more under the sanitizers on a shared machine. */
ParameterizedTest(size_t *index, conformance, invariants, .timeout = 180)
{
    test_load_plugins();
    const char *sched = registry_at(&sched_registry, *index)->name;
    const char *workloads[] = {JOBS, BLOCKING};
    const int guests[] = {400, 40};
    for (int wl = 0; wl < 2; wl++)
    for (int cores = 1; cores <= 3; cores += 2)
        for (int clair = 0; clair <= 1; clair++)
            for (int pre = 0; pre <= 1; pre++) {
                struct outcome a, b;
                run_once(sched, workloads[wl], cores, clair, pre, 99, &a);
                const char *how = clair ? "clairvoyant" : "blind";
                cr_expect_eq(a.res.completed, a.res.arrived,
                             "%s %d cores %s: %g of %g guests completed", sched, cores, how,
                             a.res.completed, a.res.arrived);
                cr_expect_eq(a.res.arrived, guests[wl]);
                cr_expect(a.busy_ns == a.work_ns, "%s %d cores %s: core time %.0Lf ns != work "
                          "%.0Lf ns", sched, cores, how, a.busy_ns, a.work_ns);
                cr_expect_eq(a.violations, 0, "%s %d cores %s preempt %d: %ld violations, first: %s",
                             sched, cores, how, pre, a.violations, a.violation);
                run_once(sched, workloads[wl], cores, clair, pre, 99, &b);
                a.res.wall_seconds = b.res.wall_seconds = 0;
                cr_expect(memcmp(&a.res, &b.res, sizeof a.res) == 0,
                          "%s: same seed, different results", sched);
            }
}

ParameterizedTestParameters(conformance, sockets)
{
    test_load_plugins();
    size_t n = registry_count(&sched_registry);
    size_t *idx = cr_malloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, n);
}

/* The closed loops on 4 cores in 2 sockets: a policy with a run queue
 * per socket (credit2) balances between two. */
ParameterizedTest(size_t *index, conformance, sockets, .timeout = 60)
{
    test_load_plugins();
    const char *sched = registry_at(&sched_registry, *index)->name;
    struct outcome a, b;
    run_on(sched, BLOCKING, 4, 2, false, false, 7, &a);
    cr_expect_eq(a.res.completed, a.res.arrived, "%s: %g of %g guests completed", sched,
                 a.res.completed, a.res.arrived);
    cr_expect_eq(a.res.arrived, 40);
    cr_expect(a.busy_ns == a.work_ns, "%s: core time %.0Lf ns != work %.0Lf ns", sched,
              a.busy_ns, a.work_ns);
    cr_expect_eq(a.violations, 0, "%s: %ld violations, first: %s", sched, a.violations,
                 a.violation);
    run_on(sched, BLOCKING, 4, 2, false, false, 7, &b);
    a.res.wall_seconds = b.res.wall_seconds = 0;
    cr_expect(memcmp(&a.res, &b.res, sizeof a.res) == 0, "%s: same seed, different results",
              sched);
}
