/*
 * tests/test_estimate.c - the events a run will take, estimated before it
 * starts (cli/estimate.h): the pilot's events per core-second of work
 * against what each policy must do (rr: one slice per quantum of a
 * contended core; fcfs, SRPT and prio: none; one event per VM exit at the
 * hardware's rate), and the warning `hvsim run` gives from it.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/estimate.h"
#include "helpers.h"
#include "sim/hwsetup.h"

static double rate_of(struct sim_experiment *x)
{
    struct sim_error err;
    double rate = -1;
    cr_assert_eq(estimate_work_events(x, &rate, &err), SIM_OK, "%s", err.text);
    return rate;
}

/* Two vCPUs on one core take turns: a slice (one event) per quantum of
 * work, and nothing else grows with the work. */
Test(estimate, rr_one_slice_per_quantum)
{
    const double quanta[] = {0.01, 0.002};
    for (size_t i = 0; i < 2; i++) {
        struct sim_experiment x;
        test_experiment(&x, "rr", 1);
        test_knob_num(&x.sched, "quantum", quanta[i]);
        double rate = rate_of(&x);
        cr_expect(fabs(rate - 1 / quanta[i]) <= 0.02 / quanta[i],
                  "quantum %g s: %g events per core-second, want %g", quanta[i], rate,
                  1 / quanta[i]);
        sim_experiment_release(&x);
    }
}

/* On four cores each keeps slicing its own two vCPUs: the rate per
 * core-second is at least one per quantum. */
Test(estimate, rr_several_cores)
{
    struct sim_experiment x;
    test_experiment(&x, "rr", 4);
    test_knob_num(&x.sched, "quantum", 0.01);
    double rate = rate_of(&x);
    cr_expect(rate >= 100 * 0.98 && rate <= 100 * 1.5, "%g events per core-second", rate);
    sim_experiment_release(&x);
}

/* Run to completion, or preempted only by an arrival: no event per unit
 * of work, so no warning however long the trace. */
Test(estimate, run_to_completion_policies_need_none)
{
    const char *scheds[] = {"fcfs", "minlat", "prio", "maxtput"};
    for (size_t i = 0; i < sizeof scheds / sizeof scheds[0]; i++) {
        struct sim_experiment x;
        test_experiment(&x, scheds[i], 2);
        cr_expect_eq(rate_of(&x), 0, "%s", scheds[i]);
        sim_experiment_release(&x);
    }
}

/* One event per VM exit: the rate of the class that exits most, within
 * the Poisson noise of the pilot's extra work (the two runs share their
 * seed, so their common part draws the same exits). */
Test(estimate, discrete_exit_events_at_the_hardware_rate)
{
    struct hw_setup hw;
    struct sim_error err;
    const char *dir = getenv("HVSIM_DATA") ? getenv("HVSIM_DATA") : "models";
    cr_assert_eq(hw_setup_load(&hw, "skylake-sp", dir, &err), 0, "%s", err.text);
    struct sim_experiment x;
    test_experiment(&x, "fcfs", 1);
    x.hw = hw.tables;
    x.hw_name = "skylake-sp";
    x.discrete_exits = true;
    x.exit_events = true;
    double most = 0;
    for (size_t c = 0; c < x.hw.nclasses; c++)
        most = fmax(most, x.hw.rates[c].exits_per_s);
    cr_assert_gt(most, 0);
    double extra = 2 * (ESTIMATE_PILOT_WORK2_S - ESTIMATE_PILOT_WORK_S);
    double rate = rate_of(&x), sd = sqrt(most * extra) / extra;
    cr_expect(fabs(rate - most) <= 5 * sd + 1, "%g events per core-second, want %g +- %g", rate,
              most, 5 * sd);
    /* counted per run segment, the same exits cost no event each */
    x.exit_events = false;
    cr_expect_lt(rate_of(&x), 1);
    sim_experiment_release(&x);
    hw_setup_free(&hw);
}

static bool warned(const char *sched, const char *quantum)
{
    const char *args[] = {"run", "--generate", "n=2,interarrival=det:100000,work=det:50000",
                          "--sched", sched, "--json", "--quiet",
                          quantum ? "--quantum" : NULL, quantum, NULL};
    struct cmd_result r;
    run_hvsim(&r, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect_eq(r.err[0], '\0', "--quiet printed: %s", r.err);
    bool w = strstr(r.out, "warning: this run may take up to about") != NULL;
    if (w)
        cr_expect(strstr(r.out, "1e+05 core-seconds of vCPU work"), "%s", r.out);
    cmd_result_free(&r);
    return w;
}

/* A 10 us quantum on 10^5 core-seconds of work could mean 10^10 slices:
 * said before the run, and kept in the summary's notes.  (These two
 * guests never meet, so the run itself is short: the estimate is a bound
 * for contended cores.)  A 10 ms quantum, or fcfs, is no warning. */
Test(estimate, cli_warns_before_a_huge_run)
{
    cr_expect(warned("rr", "10us"));
    cr_expect(!warned("rr", "10ms"));
    cr_expect(!warned("fcfs", NULL));
}
