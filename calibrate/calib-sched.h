/*
 * calibrate/calib-sched.h - switch, timer and wake-up latencies, measured
 * between pinned threads.
 *
 *   - Switch (lmbench lat_ctx): two threads on ONE CPU pass a token
 *     through two pipes; a round trip is two switches plus two pipe
 *     write/read pairs.  The pairs are timed alone in one thread (the
 *     "overhead" of lat_ctx) and subtracted: switch = (round trip -
 *     2 overhead) / 2.  With a working set, each thread walks its own
 *     pages (one line per 4 KiB page, random order) after every hop; the
 *     overhead then includes the walk with everything warm, so what is
 *     left is the switch plus refilling what the other thread evicted
 *     (cache lines and TLB entries).
 *   - Cross-CPU round trip: the same ping-pong with the threads on two
 *     CPUs (no switch: each side wakes the other).
 *   - Timer: a thread sleeps until an absolute CLOCK_MONOTONIC time 1 ms
 *     ahead (timer slack 1 ns) and records how late it woke.
 *   - Wake: a thread blocked in read() on another CPU, idle for 2 ms, is
 *     sent a timestamp; it records the time from the write to its return
 *     from read() (an IPI and, in a guest, the wake of a halted vCPU).
 */
#ifndef CALIBRATE_CALIB_SCHED_H
#define CALIBRATE_CALIB_SCHED_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdio.h>

#include "calibrate/calib-stats.h"
#include "base/error.h"

#define CALIB_SWITCH_SETS 3

struct calib_sched_plan {
    long pingpong_iters;      /* round trips per run (x 64 / pages for sets above 64 pages, >= 200) */
    int runs;                 /* runs of each ping-pong */
    int nsets;                /* working sets, <= CALIB_SWITCH_SETS */
    size_t ws_pages[CALIB_SWITCH_SETS];   /* per thread, 4 KiB pages; 0 = none */
    int timer_samples;        /* timer wake-ups */
    long timer_period_ns;
    int wake_samples;         /* cross-CPU wake-ups */
    long wake_gap_ns;         /* idle time before each */
};

struct calib_sched_result {
    int nsets;
    size_t ws_pages[CALIB_SWITCH_SETS];
    struct calib_stat overhead_ns[CALIB_SWITCH_SETS];   /* one thread: write + read (+ walk) */
    struct calib_stat round_trip_ns[CALIB_SWITCH_SETS]; /* two threads on one CPU */
    struct calib_stat switch_ns[CALIB_SWITCH_SETS];     /* per run: (rt - 2 ov) / 2 */
    bool cross_measured;      /* false on a single CPU */
    struct calib_stat cross_round_trip_ns;
    struct calib_stat wake_ns;
    struct calib_stat timer_ns;
    int cpu_a, cpu_b;
};

/* Run fn(arg) on a new thread pinned to cpu and wait for it. */
int calib_on_cpu(int cpu, void *(*fn)(void *), void *arg, struct sim_error *err);

/* All of the above; cpu_b < 0 skips what needs two CPUs. */
int calib_sched_measure(const struct calib_sched_plan *plan, int cpu_a, int cpu_b, gsl_rng *rng,
                        FILE *log, struct calib_sched_result *out, struct sim_error *err);

#endif /* CALIBRATE_CALIB_SCHED_H */
