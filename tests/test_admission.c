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
