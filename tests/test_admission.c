/*
 * tests/test_admission.c - memory as a hard constraint: first-fit
 * placement by memory, the FIFO admission queue (the wait counts in the
 * turnaround) and --admission reject, on examples computed by hand.
 * Every run also checks after each event that no host is over its memory.
 */
#include <criterion/criterion.h>

#include "tests/helpers.h"

/* One host, 2 cores, 1000 MB.  A (800 MB, work 5) at 0; B (500 MB, work 1)
 * at 1 does not fit until A leaves at 5, so B runs 5-6 although a core is
 * free: turnaround 5.  C (100 MB, work 1) at 2 fits beside A but queues
 * behind B (FIFO, no overtaking): it is admitted with B at 5, runs 5-6. */
Test(admission, fifo_queue_waits_for_memory)
{
    static const struct test_job j[] = {
        {"A", 0, 5, 1, 0, 800}, {"B", 1, 1, 1, 0, 500}, {"C", 2, 1, 1, 0, 100},
    };
    struct test_run r;
    test_run_jobs_platform(j, 3, "fcfs", 2, 1, 1000, false, &r);
    cr_expect_float_eq(r.finish[0], 5, 1e-12);
    cr_expect_float_eq(r.finish[1], 6, 1e-12, "B finished at %g", r.finish[1]);
    cr_expect_float_eq(r.finish[2], 6, 1e-12, "C finished at %g", r.finish[2]);
    cr_expect_eq(r.res.completed, 3);
    cr_expect_eq(r.res.admission_waits, 2);
    cr_expect_eq(r.res.rejected, 0);
}

/* The same with --admission reject: B is turned away; C (100 MB), with
 * nobody waiting ahead of it, fits beside A and runs at once on the
 * second core, 2-3. */
Test(admission, reject_turns_away_what_does_not_fit_now)
{
    static const struct test_job j[] = {
        {"A", 0, 5, 1, 0, 800}, {"B", 1, 1, 1, 0, 500}, {"C", 2, 1, 1, 0, 100},
    };
    struct test_run r;
    test_run_jobs_platform(j, 3, "fcfs", 2, 1, 1000, true, &r);
    cr_expect_eq(r.res.rejected, 1);
    cr_expect_eq(r.res.completed, 2);
    cr_expect_float_eq(r.finish[2], 3, 1e-12, "C ran at once on the second core");
}

/* First fit across hosts: with two hosts of 1000 MB, B goes to host 1 and
 * runs at once. */
Test(admission, first_fit_uses_the_second_host)
{
    static const struct test_job j[] = {{"A", 0, 5, 1, 0, 800}, {"B", 1, 1, 1, 0, 500}};
    struct test_run r;
    test_run_jobs_platform(j, 2, "fcfs", 1, 2, 1000, false, &r);
    cr_expect_float_eq(r.finish[1], 2, 1e-12);
    cr_expect_eq(r.res.admission_waits, 0);
}

/* A guest larger than any host can never run: rejected even in queue mode
 * (it would wait forever and hold up the queue). */
Test(admission, too_big_for_every_host_is_rejected)
{
    static const struct test_job j[] = {{"A", 0, 1, 1, 0, 5000}, {"B", 0, 1, 1, 0, 10}};
    struct test_run r;
    test_run_jobs_platform(j, 2, "fcfs", 1, 1, 1000, false, &r);
    cr_expect_eq(r.res.rejected, 1);
    cr_expect_eq(r.res.completed, 1);
    cr_expect_float_eq(r.finish[1], 1, 1e-12);
}

/* Three hosts of 1000 MB.  A (500 MB) goes to host 0, B (900 MB) to host
 * 1 (both placements agree: with equal free memory, the lowest index).
 * C (80 MB) then goes to host 0 under first fit (the first that holds
 * it), host 1 under best fit (20 MB left) and host 2 under worst fit
 * (920 MB left).  All arrive at 0 and run long enough to overlap. */
Test(admission, first_best_worst_fit_differ)
{
    static const struct test_job j[] = {
        {"A", 0, 10, 1, 0, 500}, {"B", 0, 10, 1, 0, 900}, {"C", 0, 10, 1, 0, 80},
    };
    const char *const place[] = {"first-fit", "best-fit", "worst-fit"};
    const int a_host[] = {0, 0, 0}, b_host[] = {1, 1, 1}, c_host[] = {0, 1, 2};
    for (int k = 0; k < 3; k++) {
        struct test_run r;
        test_run_jobs_placed(j, 3, 1, 3, 1000, place[k], 0, &r);
        cr_expect_eq(r.host[0], a_host[k], "%s: A on host %d", place[k], r.host[0]);
        cr_expect_eq(r.host[1], b_host[k], "%s: B on host %d", place[k], r.host[1]);
        cr_expect_eq(r.host[2], c_host[k], "%s: C on host %d", place[k], r.host[2]);
    }
}

/* most-free (the default): the host with the most cores not claimed by
 * placed vCPUs, ties to the lowest index; memory still decides where a
 * guest fits. */
Test(admission, most_free_takes_the_host_with_most_free_cores)
{
    static const struct test_job j[] = {
        {"A", 0, 10, 3}, {"B", 0, 10, 1}, {"C", 0, 10, 2}, {"D", 0, 10, 1},
    };
    struct test_run r;
    test_run_jobs_placed(j, 4, 4, 2, 0, "most-free", 0, &r);
    /* A: tie (4, 4) -> 0; B: 1 vs 4 -> 1; C: 1 vs 3 -> 1; D: 1 vs 1 -> 0 */
    const int want[] = {0, 1, 1, 0};
    for (int i = 0; i < 4; i++)
        cr_expect_eq(r.host[i], want[i], "%s on host %d", j[i].id, r.host[i]);
    static const struct test_job m[] = {
        {"A", 0, 10, 1, 0, 900}, {"B", 0, 10, 1, 0, 900}, {"C", 0, 10, 1, 0, 50},
    };
    test_run_jobs_placed(m, 3, 1, 2, 1000, "most-free", 0, &r);
    /* C fits on both by memory: each has 0 free cores, so the first */
    cr_expect_eq(r.host[0], 0);
    cr_expect_eq(r.host[1], 1);
    cr_expect_eq(r.host[2], 0);
    cr_expect_eq(r.res.admission_waits, 0);
}

/* --overcommit 1 on 2 cores: a host takes 2 vCPUs; the third guest waits
 * for a slot (admission), not for a core. */
Test(admission, overcommit_limits_vcpus_per_host)
{
    static const struct test_job j[] = {{"A", 0, 4}, {"B", 0, 2}, {"C", 0, 1}};
    struct test_run r;
    test_run_jobs_placed(j, 3, 2, 1, 0, "first-fit", 1.0, &r);
    cr_expect_float_eq(r.finish[2], 3, 1e-12, "C waited for B's slot: finished at %g", r.finish[2]);
    cr_expect_eq(r.res.admission_waits, 1);
}
