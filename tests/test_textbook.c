/*
 * tests/test_textbook.c - the worked examples of Silberschatz, Galvin &
 * Gagne, "CPU Scheduling" (docs/validation/textbook.md), exactly:
 * finish times, mean waiting and mean turnaround, on one ideal core.
 */
#include <criterion/criterion.h>

#include "tests/helpers.h"

static const struct test_job example_a[] = {
    {"P1", 0, 24}, {"P2", 0, 3}, {"P3", 0, 3},
};

static void expect(const struct test_run *r, const double *finish, size_t n, double wait,
                   double turn)
{
    for (size_t i = 0; i < n; i++)
        cr_expect_float_eq(r->finish[i], finish[i], 1e-12, "P%zu finished at %g, expected %g",
                           i + 1, r->finish[i], finish[i]);
    cr_expect_float_eq(r->res.waiting_mean, wait, 1e-9, "mean waiting %.10g, expected %.10g",
                       r->res.waiting_mean, wait);
    cr_expect_float_eq(r->res.turnaround_mean, turn, 1e-9, "mean turnaround %.10g, expected %.10g",
                       r->res.turnaround_mean, turn);
}

Test(textbook, a_fcfs)
{
    struct test_run r;
    test_run_jobs(example_a, 3, "fcfs", 0.03, 1, &r);
    expect(&r, (double[]){24, 27, 30}, 3, 17, 27);
}

Test(textbook, a_rr_quantum_4)
{
    struct test_run r;
    test_run_jobs(example_a, 3, "rr", 4, 1, &r);
    expect(&r, (double[]){30, 7, 10}, 3, 17.0 / 3, 47.0 / 3);
}

/* The textbook tie rule: a guest arriving exactly when a quantum ends
 * is queued ahead of the preempted one.  P1 (work 6) runs [0,2); P2
 * arrives at 2 = the end of P1's quantum, so P2 runs [2,4), then P1. */
Test(textbook, rr_arrival_at_quantum_end_goes_first)
{
    static const struct test_job jobs[] = {{"P1", 0, 6}, {"P2", 2, 2}};
    struct test_run r;
    test_run_jobs(jobs, 2, "rr", 2, 1, &r);
    cr_expect_float_eq(r.first_start[1], 2, 1e-12);
    cr_expect_float_eq(r.finish[1], 4, 1e-12, "P2 finished at %g", r.finish[1]);
    cr_expect_float_eq(r.finish[0], 8, 1e-12, "P1 finished at %g", r.finish[0]);
}

/* FCFS with arrivals: C's processes in arrival order, FCFS by hand:
 * P1 0-8, P2 8-12, P3 12-21, P4 21-26. */
Test(textbook, c_fcfs_with_arrivals)
{
    static const struct test_job c[] = {{"P1", 0, 8}, {"P2", 1, 4}, {"P3", 2, 9}, {"P4", 3, 5}};
    struct test_run r;
    test_run_jobs(c, 4, "fcfs", 0.03, 1, &r);
    /* waiting 0, 7, 10, 18 = 35/4; turnaround 8, 11, 19, 23 = 61/4 */
    expect(&r, (double[]){8, 12, 21, 26}, 4, 35.0 / 4, 61.0 / 4);
}

/* Two cores, FCFS: the global queue feeds both in order. */
Test(textbook, two_cores_fcfs)
{
    struct test_run r;
    test_run_jobs(example_a, 3, "fcfs", 0.03, 2, &r);
    /* P1 on cpu0 0-24, P2 on cpu1 0-3, P3 on cpu1 3-6 */
    expect(&r, (double[]){24, 3, 6}, 3, 1, 11);
}

/* B: SJF (non-preemptive) = maxtput: P4, P1, P3, P2. */
Test(textbook, b_sjf_maxtput)
{
    static const struct test_job b[] = {{"P1", 0, 6}, {"P2", 0, 8}, {"P3", 0, 7}, {"P4", 0, 3}};
    struct test_run r;
    test_run_jobs(b, 4, "maxtput", 0.03, 1, &r);
    expect(&r, (double[]){9, 24, 16, 3}, 4, 7, 13);
}

static const struct test_job example_c[] = {
    {"P1", 0, 8}, {"P2", 1, 4}, {"P3", 2, 9}, {"P4", 3, 5},
};

/* C: SRTF = minlat with known work. */
Test(textbook, c_srtf_minlat)
{
    struct test_run r;
    test_run_jobs(example_c, 4, "minlat", 0.03, 1, &r);
    expect(&r, (double[]){17, 5, 26, 10}, 4, 6.5, 13);
}

/* C: SJF non-preemptive = maxtput. */
Test(textbook, c_sjf_maxtput)
{
    struct test_run r;
    test_run_jobs(example_c, 4, "maxtput", 0.03, 1, &r);
    expect(&r, (double[]){8, 12, 26, 17}, 4, 7.75, 14.25);
}

/* prio: equal priorities run in arrival order (FCFS), as textbooks
 * assume: on B, P1 P2 P3 P4 = FCFS's 6, 14, 21, 24. */
Test(textbook, b_prio_equal_priorities_in_arrival_order)
{
    static const struct test_job b[] = {{"P1", 0, 6}, {"P2", 0, 8}, {"P3", 0, 7}, {"P4", 0, 3}};
    struct test_run r;
    test_run_jobs(b, 4, "prio", 0.03, 1, &r);
    expect(&r, (double[]){6, 14, 21, 24}, 4, 41.0 / 4, 65.0 / 4);
}

/* prio --tie smith with equal classes and weights and known work is
 * Smith's rule with equal weights, i.e. SJF: the same schedule as
 * maxtput on B. */
Test(textbook, b_prio_tie_smith_equal_weights_is_sjf)
{
    static const struct test_job b[] = {{"P1", 0, 6}, {"P2", 0, 8}, {"P3", 0, 7}, {"P4", 0, 3}};
    static const char *const smith[] = {"tie", "smith", NULL};
    struct test_run r;
    test_run_jobs_knobs(b, 4, "prio", smith, 1, &r);
    expect(&r, (double[]){9, 24, 16, 3}, 4, 7, 13);
}

/* Preemptive prio keeps a preempted vCPU's place among its equals: P1
 * (priority 2) runs from 0, P2 (priority 2) arrives at 0.5 and waits, H
 * (priority 1) preempts P1 at 1; when H ends at 3, P1, the earlier
 * arrival, resumes before P2 (in enqueue order P2 would go first). */
Test(textbook, prio_preempted_keeps_its_place)
{
    static const struct test_job j[] = {{"P1", 0, 4, 1, 2}, {"P2", 0.5, 1, 1, 2},
                                        {"H", 1, 2, 1, 1}};
    static const char *const pr[] = {"preempt", "yes", NULL};
    struct test_run r;
    test_run_jobs_knobs(j, 3, "prio", pr, 1, &r);
    cr_expect_float_eq(r.finish[2], 3, 1e-12, "H finished at %g", r.finish[2]);
    cr_expect_float_eq(r.finish[0], 6, 1e-12, "P1 finished at %g", r.finish[0]);
    cr_expect_float_eq(r.finish[1], 7, 1e-12, "P2 finished at %g", r.finish[1]);
}

/* prio classes dominate size: P1 (class 1, long) before P2 (class 2,
 * short), both at 0. */
Test(textbook, prio_class_before_size)
{
    static const struct test_job j[] = {{"P1", 0, 10, 1, 1}, {"P2", 0, 1, 1, 2}};
    struct test_run r;
    test_run_jobs(j, 2, "prio", 0.03, 1, &r);
    cr_expect_float_eq(r.finish[0], 10, 1e-12);
    cr_expect_float_eq(r.finish[1], 11, 1e-12);
}

/* A vCPU alone runs on past its quantum boundaries (without an event per
 * quantum); a guest arriving later is served at the next boundary, as if
 * the quantum had been renewed every q: P1 (work 10) alone from 0, q = 2.
 * P2 (work 2) arriving at 5 waits for the boundary at 6, runs 6-8; P1
 * finishes at 12.  Arriving exactly on a boundary (4), it runs at once. */
Test(textbook, rr_free_running_quantum_boundaries)
{
    static const struct test_job mid[] = {{"P1", 0, 10}, {"P2", 5, 2}};
    struct test_run r;
    test_run_jobs(mid, 2, "rr", 2, 1, &r);
    cr_expect_float_eq(r.first_start[1], 6, 1e-12, "P2 started at %g", r.first_start[1]);
    cr_expect_float_eq(r.finish[1], 8, 1e-12);
    cr_expect_float_eq(r.finish[0], 12, 1e-12);
    static const struct test_job on[] = {{"P1", 0, 10}, {"P2", 4, 2}};
    test_run_jobs(on, 2, "rr", 2, 1, &r);
    cr_expect_float_eq(r.first_start[1], 4, 1e-12, "P2 started at %g", r.first_start[1]);
    cr_expect_float_eq(r.finish[1], 6, 1e-12);
    cr_expect_float_eq(r.finish[0], 12, 1e-12);
}
