/*
 * tests/test_queueing.c - closed-form queueing results on ideal hardware
 * (docs/validation/queueing.md): the simulated mean turnaround must
 * lie within its 95% confidence interval (batch means, 20 batches) plus
 * 0.5% of the theory, as that file prescribes.  Fixed seeds: not flaky.
 */
#include <criterion/criterion.h>
#include <math.h>

#include "tests/helpers.h"
#include "workloads/synthetic.h"

static void expect_within_ci(const struct sim_result *r, double theory, const char *what)
{
    double lo = r->turnaround_ci[0], hi = r->turnaround_ci[1];
    double half = (hi - lo) / 2;
    cr_assert(isfinite(half), "%s: no confidence interval", what);
    double tol = half + 0.005 * theory;
    cr_expect(fabs(r->turnaround_mean - theory) <= tol,
              "%s: E[T] simulated %.5g (95%% CI %.5g..%.5g), theory %.5g", what,
              r->turnaround_mean, lo, hi, theory);
    /* the interval must be informative: half-width at most 5% */
    cr_expect(half <= 0.05 * theory, "%s: CI half-width %.3g too wide", what, half);
}

/* E[T] = 1/(mu - lambda) = 2 at rho = 0.5 (queueing.md table 2) */
Test(queueing, mm1_fcfs_rho_05, .timeout = 120)
{
    struct sim_result r;
    test_run_generate("n=200000,interarrival=exp:2,work=exp:1", "fcfs", 0.03, 1, 11, 1000, 20, &r);
    expect_within_ci(&r, 2.0, "M/M/1 FCFS rho=0.5");
    cr_expect_float_eq(r.utilization, 0.5, 0.01, "utilization %g", r.utilization);
}

/* E[T] = 5 at rho = 0.8 */
Test(queueing, mm1_fcfs_rho_08, .timeout = 120)
{
    struct sim_result r;
    test_run_generate("n=1000000,interarrival=exp:1.25,work=exp:1", "fcfs", 0.03, 1, 12, 4000,
                      20, &r);
    expect_within_ci(&r, 5.0, "M/M/1 FCFS rho=0.8");
}

/* Round robin with a quantum << E[S]: processor sharing, E[T] = 1/(1-rho)
 * (and for M/M/1 every quantum gives this mean, identity 1.5). */
Test(queueing, mm1_rr_small_quantum_rho_05, .timeout = 120)
{
    struct sim_result r;
    test_run_generate("n=200000,interarrival=exp:2,work=exp:1", "rr", 0.05, 1, 13, 1000, 20, &r);
    expect_within_ci(&r, 2.0, "M/M/1 RR q=0.05 rho=0.5");
}

/* Erlang C, c = 4, rho = 0.8: E[T] = 1.746 (queueing.md table 5) */
static double erlang_c_mean_t(int c, double rho)
{
    double a = c * rho, term = 1, sum = 0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term / (1 - rho);
    double pw = top / (sum + top);
    return pw / (c - a) + 1;
}

Test(queueing, erlang_c_formula_matches_table)
{
    cr_expect_float_eq(erlang_c_mean_t(4, 0.8), 1.746, 5e-4);
    cr_expect_float_eq(erlang_c_mean_t(2, 0.8), 2.778, 5e-4);
    cr_expect_float_eq(erlang_c_mean_t(16, 0.9), 1.370, 5e-4);
}

Test(queueing, mmc_fcfs_4_cores_rho_08, .timeout = 120)
{
    struct sim_result r;
    /* lambda = c rho = 3.2 */
    test_run_generate("n=400000,interarrival=exp:0.3125,work=exp:1", "fcfs", 0.03, 4, 14, 4000,
                      20, &r);
    expect_within_ci(&r, erlang_c_mean_t(4, 0.8), "M/M/4 FCFS rho=0.8");
}

/* Little's law on a run from empty to empty holds on every sample path:
 * the time-average number in system equals arrival rate x mean time in
 * system, to rounding (queueing.md identity 1.1). */
Test(queueing, littles_law_exact)
{
    const char *scheds[] = {"fcfs", "rr"};
    for (int i = 0; i < 2; i++) {
        struct sim_result r;
        test_run_generate("n=20000,interarrival=exp:1.25,work=exp:1", scheds[i], 0.1, 1, 15, 0,
                          0, &r);
        double lhs = r.in_system_mean, rhs = r.arrival_rate * r.turnaround_mean;
        cr_expect(fabs(lhs - rhs) <= 1e-9 * rhs, "%s: L = %.15g, lambda W = %.15g", scheds[i],
                  lhs, rhs);
    }
}

/* Work conservation: on ideal hardware the cores are busy exactly for
 * the total work, whatever the policy (identity 1.2). */
Test(queueing, busy_time_equals_work)
{
    struct sim_result a, b;
    test_run_generate("n=5000,interarrival=exp:1.25,work=exp:1", "fcfs", 0.1, 2, 16, 0, 0, &a);
    test_run_generate("n=5000,interarrival=exp:1.25,work=exp:1", "rr", 0.1, 2, 16, 0, 0, &b);
    cr_expect_float_eq(a.busy_seconds, b.busy_seconds, 1e-6 * a.busy_seconds,
                       "busy fcfs %.12g, rr %.12g", a.busy_seconds, b.busy_seconds);
}

/* Work conservation (Kleinrock 1965; queueing.md identity 1.4): the same
 * arrivals and sizes under any work-conserving policy give the same busy
 * periods, exactly.  A busy period ends when a completion empties the
 * host; compare the list of those instants across policies. */
struct busy_ends {
    sim_time_t t[20000];
    size_t n;
};

static void note_busy_end(void *ctx, const struct sim_job_info *j)
{
    struct busy_ends *b = ctx;
    if (j->guest->host->nrunnable == 0 && b->n < 20000)
        b->t[b->n++] = j->finish;
}

static void busy_periods(const char *sched, bool preempt, struct busy_ends *b)
{
    struct synth_spec spec;
    struct sim_error err;
    cr_assert_eq(synth_parse(&spec, "n=20000,interarrival=exp:1.25,work=" "exp:1", &err), 0);
    struct sim_experiment x;
    test_experiment(&x, sched, 1);
    test_knob(&x.sched, "quantum", "100ms");
    test_knob(&x.sched, "preempt", preempt ? "yes" : "no");
    x.seed = 77;
    struct sim_hooks hooks = {.on_job = note_busy_end, .cb_ctx = b};
    b->n = 0;
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0);
    struct trace_reader r;
    synth_open(&r, &spec, 77, 0, NULL);
    cr_assert_eq(sim_run(sim, &r, &err), 0);
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
}

Test(queueing, work_conservation_same_busy_periods)
{
    static struct busy_ends ref, other;
    busy_periods("fcfs", false, &ref);
    cr_assert_gt(ref.n, 1000, "only %zu busy periods", ref.n);
    const char *scheds[] = {"rr", "minlat", "maxtput", "prio"};
    for (int i = 0; i < 4; i++) {
        busy_periods(scheds[i], i == 3, &other);
        cr_expect_eq(other.n, ref.n, "%s: %zu busy periods, fcfs %zu", scheds[i], other.n, ref.n);
        size_t n = other.n < ref.n ? other.n : ref.n;
        for (size_t k = 0; k < n; k++)
            if (other.t[k] != ref.t[k]) {
                cr_expect_fail("%s: busy period %zu ends at %" PRI_simtime ", fcfs at %" PRI_simtime,
                               scheds[i], k, other.t[k], ref.t[k]);
                break;
            }
    }
}

/* Erlang B (queueing.md 5b): c = 10 vCPU slots (10 cores, --overcommit 1,
 * one vCPU per guest), offered load a = 8, --admission reject: the
 * blocking probability is B(10, 8) = 0.1217, insensitive to the lifetime
 * law (here H2 with C^2 = 4).  Batch means over the arrival sequence give
 * the 95% interval (20 independent replications). */
Test(queueing, erlang_b_blocking, .timeout = 120)
{
    struct synth_spec spec;
    struct sim_error err;
    cr_assert_eq(synth_parse(&spec, "n=400000,interarrival=exp:0.125,"
                                    "work=hyperexp:0.8873:0.56338:4.43656", &err), 0);
    double b[20];
    for (int batch = 0; batch < 20; batch++) {
        struct sim_experiment x;
        test_experiment(&x, "fcfs", 10);
        x.overcommit = 1;
        x.admission_reject = true;
        x.seed = 500 + (uint64_t)batch;
        struct sim *sim;
        cr_assert_eq(sim_create(&sim, &x, 0, NULL, &err), 0);
        struct synth_spec one = spec;
        one.n = 20000;
        struct trace_reader r;
        synth_open(&r, &one, x.seed, 0, NULL);
        cr_assert_eq(sim_run(sim, &r, &err), 0);
        const struct sim_metrics *m = sim_metrics(sim);
        b[batch] = (double)m->rejected / (double)m->arrived;
        trace_close(&r);
        sim_destroy(sim);
        sim_experiment_release(&x);
    }
    double ci[2];
    stats_t_interval(b, 20, ci);
    double mean = (ci[0] + ci[1]) / 2, half = (ci[1] - ci[0]) / 2;
    /* B(10, 8) by the recursion B(k) = a B(k-1) / (k + a B(k-1)) */
    double B = 1;
    for (int k = 1; k <= 10; k++)
        B = 8 * B / (k + 8 * B);
    cr_expect_float_eq(B, 0.1217, 5e-5);
    cr_expect(fabs(mean - B) <= half + 0.005 * B, "blocking %.5f +- %.5f, Erlang B %.5f", mean,
              half, B);
}
