/*
 * tests/test_xen.c - Xen's credit and credit2 schedulers (schedulers/
 * credit.c, credit2.c): the validation table of tests/validation-sched.c
 * (weighted shares, caps checked in every period, I/O wake-up latency
 * with and without BOOST), then known answers of their mechanisms: the
 * time slice, the ratelimit, what a run queue arrangement does to shares,
 * and the knobs as Xen names them.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "tests/helpers.h"
#include "tests/validation-sched.h"

ParameterizedTestParameters(xen, validation)
{
    size_t *idx = cr_malloc(vsched_ncases * sizeof *idx);
    for (size_t i = 0; i < vsched_ncases; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, vsched_ncases);
}

ParameterizedTest(size_t *i, xen, validation, .timeout = 120)
{
    const struct vs_case *c = &vsched_cases[*i];
    struct vs_result r;
    cr_assert_eq(vsched_run(c, &r), 0, "%s: the run failed", c->name);
    cr_expect(r.within, "%s: expected %s, simulated %s", c->name, r.expected_text,
              r.simulated_text);
    if (c->check == VS_SHARES)   /* CPU-bound VMs leave no pCPU idle */
        cr_expect(fabs(r.busy - 1) < 1e-9, "%s: the host was busy %.9f of the time", c->name,
                  r.busy);
    if (c->check == VS_WAKE_BELOW || c->check == VS_WAKE_ABOVE)
        cr_expect_eq(r.n, c->guests[0].repeat, "%s: %ld wake-ups, not one per cycle", c->name,
                     r.n);
    if (c->check == VS_CAP)   /* the cap binds: no more, but not much less either */
        cr_expect_gt(r.mean, 0.99 * c->guests[0].cap, "%s: mean %.6f of a period", c->name,
                     r.mean);
}

/* A case of CPU-bound guests of one vCPU each and weight 1. */
static struct vs_case hogs(const char *sched, const char *knobs, int cores, int n)
{
    struct vs_case c = {"hogs", sched, knobs, cores, 10, 30, 0, VS_SHARES, 0.01, n, {{0}}, ""};
    for (int i = 0; i < n; i++)
        c.guests[i] = (struct vs_guest){1, 0, 1, 0, 0, 0};
    return c;
}

/* Credit with nobody waking: a vCPU leaves its pCPU only at the end of a
 * slice, so every segment is a whole number of slices (csched_schedule's
 * tslice), 30 ms by default. */
static long slice_len_bad;
static sim_time_t slice_len;
static void check_slice(void *ctx, const struct sim_segment *seg)
{
    (void)ctx;
    if ((seg->end - seg->start) % slice_len != 0)
        slice_len_bad++;
}

static void run_slices(const char *tslice, sim_time_t expect)
{
    struct sim_experiment x;
    struct sim_error err;
    test_experiment(&x, "credit", 1);
    if (tslice)
        test_knob(&x.sched, "tslice", tslice);
    slice_len = expect;
    slice_len_bad = 0;
    /* 3 s each: a whole number of slices, so that the last one is whole */
    const struct test_job jobs[] = {{"a", 0, 3}, {"b", 0, 3}, {"c", 0, 3}};
    struct sim_hooks hooks = {.on_segment = check_slice, .check_invariants = true};
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0, "%s", err.text);
    struct trace_reader r;
    test_array_open(&r, jobs, 3);
    cr_assert_eq(sim_run(sim, &r, &err), 0, "%s", err.text);
    cr_expect_eq(slice_len_bad, 0, "tslice %s: %ld segments not a multiple of %" PRI_simtime
                 " ns", tslice ? tslice : "default", slice_len_bad, expect);
    cr_expect_eq(sim_metrics(sim)->completed, 3);
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
}

Test(xen, credit_slices_are_tslice)
{
    run_slices(NULL, SIM_MS(30));
    run_slices("10ms", SIM_MS(10));
}

/* An I/O VM that runs 0.1 ms and blocks 0.5 ms beside three hogs: each
 * time it wakes, the hog that took its pCPU has run 0.5 ms.  BOOSTed, it
 * preempts that hog at once without a ratelimit, and after the hog's
 * first ratelimit (csched_schedule: "continue the current one") with one:
 * it waits ratelimit - 0.5 ms.  (p99 over its wake-ups; the first, when
 * the hogs still have their arrival's BOOST, waits longer.) */
static double io_p99(const char *knobs)
{
    struct vs_case c = {"io", "credit", knobs, 1, 0, 20, 0, VS_WAKE_BELOW, 1, 4,
                        {{1, 0, 1, 0.0001, 0.0005, 1000}, {1, 0, 1, 0, 0, 0},
                         {1, 0, 1, 0, 0, 0}, {1, 0, 1, 0, 0, 0}}, ""};
    struct vs_result r;
    cr_assert_eq(vsched_run(&c, &r), 0);
    cr_assert(r.completed && r.n == 1000, "%s: %ld wake-ups", knobs, r.n);
    return r.worst;
}

Test(xen, credit_ratelimit_defers_a_boosted_wakeup)
{
    double none = io_p99("ratelimit=0"), one = io_p99("ratelimit=1ms"),
           two = io_p99("ratelimit=2ms");
    cr_expect_lt(none, 1e-6, "ratelimit 0: p99 %g s", none);
    /* a VM's latencies are kept in bins of an eighth of an octave
     * (base/latstat.h): a percentile is in the bin of the exact value,
     * within 12.5% of it */
    cr_expect(fabs(one - 0.0005) < 0.125 * 0.0005, "ratelimit 1 ms: p99 %g s, not 0.5 ms", one);
    cr_expect(fabs(two - 0.0015) < 0.125 * 0.0015, "ratelimit 2 ms: p99 %g s, not 1.5 ms", two);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Three CPU hogs on two pCPUs.  A run queue per socket (one here) shares
 * both pCPUs among the three: 1/3 of the host each.  A run queue per pCPU
 * puts two hogs on one and one on the other (the least loaded queue,
 * csched2_res_pick), and balance_load cannot improve a 2 + 1 split (it
 * may swap the lone hog with another, here before the window): the lone
 * hog has its pCPU, half of the host. */
Test(xen, credit2_runqueue_arrangement)
{
    struct vs_case c = hogs("credit2", NULL, 2, 3);
    struct vs_result r;
    cr_assert_eq(vsched_run(&c, &r), 0);
    for (int i = 0; i < 3; i++)
        cr_expect(fabs(r.share[i] - 1.0 / 3) < 0.001, "socket queue: hog %d has %.4f", i,
                  r.share[i]);
    c.knobs = "runqueue=cpu";
    cr_assert_eq(vsched_run(&c, &r), 0);
    double s[3];
    memcpy(s, r.share, sizeof s);
    qsort(s, 3, sizeof s[0], cmp_double);
    cr_expect(fabs(s[2] - 0.5) < 1e-9, "per-pCPU queues: the lone hog has %.6f", s[2]);
    cr_expect(fabs(s[0] + s[1] - 0.5) < 1e-9, "the other two: %.6f + %.6f", s[0], s[1]);
}

/* Five hogs on four pCPUs of one socket: one queue shares them, 4/5 of a
 * pCPU each (1/5 of the host).  At most 2 pCPUs a queue makes two queues
 * of two pCPUs (cpu_add_to_runqueue) with three hogs in one and two in the
 * other (placed by load, csched2_res_pick); balance_load swaps a hog
 * now and then but cannot make 3 + 2 more even, so two hogs have a pCPU
 * each (1/4 of the host) and three share two (1/6 each, within credit2's
 * few percent on a shared queue). */
Test(xen, credit2_max_cpus_runqueue)
{
    struct vs_case c = hogs("credit2", NULL, 4, 5);
    struct vs_result r;
    cr_assert_eq(vsched_run(&c, &r), 0);
    for (int i = 0; i < 5; i++)
        cr_expect(fabs(r.share[i] - 0.2) < 0.002, "one queue: hog %d has %.4f", i, r.share[i]);
    c.knobs = "max-cpus-runqueue=2";
    cr_assert_eq(vsched_run(&c, &r), 0);
    double s[5];
    memcpy(s, r.share, sizeof s);
    qsort(s, 5, sizeof s[0], cmp_double);
    for (int i = 0; i < 3; i++)
        cr_expect(fabs(s[i] - 1.0 / 6) < 0.05 / 6, "two queues: a shared hog has %.4f", s[i]);
    for (int i = 3; i < 5; i++)
        cr_expect(fabs(s[i] - 0.25) < 0.01 * 0.25, "two queues: a paired hog has %.4f", s[i]);
}

/* Credit's pCPUs steal: three hogs on two pCPUs get 2/3 of a pCPU each
 * (1/3 of the host), though one pCPU's queue holds two of them. */
Test(xen, credit_steals_across_pcpus)
{
    struct vs_case c = hogs("credit", NULL, 2, 3);
    struct vs_result r;
    cr_assert_eq(vsched_run(&c, &r), 0);
    for (int i = 0; i < 3; i++)
        cr_expect(fabs(r.share[i] - 1.0 / 3) < 0.01 / 3, "hog %d has %.4f", i, r.share[i]);
}

/* The knobs are the policies' own, named as Xen names them, with their
 * defaults and units in the help (SPEC: --tslice, --ratelimit). */
Test(xen, knobs_as_xen_names_them)
{
    struct cmd_result r;
    RUN(&r, "list", "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    const struct {
        const char *sched, *knob, *def;
    } want[] = {
        {"credit", "tslice", "30ms"},           {"credit", "ratelimit", "1ms"},
        {"credit", "boost", "yes"},             {"credit2", "ratelimit", "1ms"},
        {"credit2", "migrate-resist", "500us"}, {"credit2", "runqueue", "socket"},
        {"credit2", "max-cpus-runqueue", "16"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const json_t *pol = NULL, *knob = NULL, *e;
        size_t k;
        json_array_foreach(json_object_get(j, "sched"), k, e)
            if (strcmp(json_string_value(json_object_get(e, "name")), want[i].sched) == 0)
                pol = e;
        cr_assert_not_null(pol, "%s is not listed", want[i].sched);
        json_array_foreach(json_object_get(pol, "params"), k, e)
            if (strcmp(json_string_value(json_object_get(e, "name")), want[i].knob) == 0)
                knob = e;
        cr_assert_not_null(knob, "%s has no --%s", want[i].sched, want[i].knob);
        cr_expect_str_eq(json_string_value(json_object_get(knob, "default")), want[i].def,
                         "%s --%s", want[i].sched, want[i].knob);
    }
    json_decref(j);
    cmd_result_free(&r);
    RUN(&r, "run", "--help");
    cr_expect(strstr(r.out, "sched_credit_tslice_ms") && strstr(r.out, "sched_ratelimit_us") &&
              strstr(r.out, "credit2_runqueue") && strstr(r.out, "sched_credit2_migrate_resist"),
              "run --help does not give Xen's names");
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=2,work=det:0.1", "--sched", "credit2", "--runqueue", "host");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "--runqueue: 'host' is not one of cpu|core|socket|node|all"), "%s",
              r.err);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=2,work=det:0.1", "--sched", "credit", "--tslice", "2s");
    cr_expect_eq(r.status, 2, "a tslice above Xen's 1000 ms accepted");
    cmd_result_free(&r);
}
