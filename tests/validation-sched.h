/*
 * tests/validation-sched.h - the hypervisor schedulers against what their
 * designs promise: CPU shares in proportion to weight, caps enforced in
 * every period, and the wake-up latency of an I/O VM beside CPU hogs
 * (with and without credit's BOOST; Ongaro, Cox & Rixner, VEE 2008).  One
 * table serves the Criterion tests (test_xen.c) and `make validate`
 * (scripts/validate.c), as tests/validation.h does for queueing theory.
 *
 * Every case runs one host on ideal hardware (--hw none) for a fixed
 * simulated time and measures from the segments the engine reports (its
 * on_segment hook), clipped to the window measured: exactly, nanosecond
 * by nanosecond.  Shares are measured after a warm-up: credit's vCPUs
 * start with no credit and off the active list, and the first seconds
 * are a transient (docs/MODEL.md gives the figures from 0 as well).
 */
#ifndef TESTS_VALIDATION_SCHED_H
#define TESTS_VALIDATION_SCHED_H

#include <stdbool.h>
#include <stddef.h>

enum vs_check {
    VS_SHARES,      /* each VM's share of the host within tol (relative) of w / sum(w) */
    VS_CAP,         /* guest 0 never runs more than cap x P in a period [kP, (k+1)P) */
    VS_WAKE_BELOW,  /* guest 0's p99 wake-up latency is below bound (s) */
    VS_WAKE_ABOVE,  /* ... is at least bound (s) */
};

#define VS_MAX_GUESTS 6
#define VS_MAX_VCPUS 8

/* A VM of a case: CPU-bound (run = 0), or I/O-like: each vCPU runs `run`
 * seconds of work, blocks `block` seconds, `repeat` times. */
struct vs_guest {
    double weight;          /* the trace's weight (1 = Xen's 256) */
    double cap;             /* cores, 0 = none */
    int vcpus;
    double run, block;      /* s; run = 0: CPU-bound for the whole case */
    long repeat;
};

struct vs_case {
    const char *name;
    const char *sched;
    const char *knobs;      /* "name=value,..." of the policy, or NULL */
    int cores;
    double warmup;          /* s: VS_SHARES measures over [warmup, warmup + horizon) */
    double horizon;         /* s of simulated time measured */
    double cap_period;      /* s: --cap-period, the period checked (VS_CAP) */
    enum vs_check check;
    double bound;           /* VS_SHARES: relative tolerance; VS_WAKE_*: seconds */
    int nguests;
    struct vs_guest guests[VS_MAX_GUESTS];
    const char *source;
};

struct vs_result {
    double share[VS_MAX_GUESTS];    /* of the host's core time over the window */
    double expected[VS_MAX_GUESTS]; /* VS_SHARES: w_i v_i / sum(w v) */
    double busy;            /* fraction of the host's core time used */
    double worst;           /* SHARES: max relative error; CAP: max fraction of a period;
                               WAKE: p99 wake-up latency (s) */
    double mean;            /* CAP: mean fraction of a period; WAKE: mean latency (s) */
    long n;                 /* CAP: periods checked; WAKE: wake-ups of guest 0 */
    bool completed;         /* WAKE: guest 0 did all its cycles within the horizon */
    bool within;            /* the case's promise holds */
    char expected_text[96], simulated_text[160];
};

extern const struct vs_case vsched_cases[];
extern const size_t vsched_ncases;

/* Run case c; returns 0, or -1 with a message on stderr if the
 * simulation could not be set up or run. */
int vsched_run(const struct vs_case *c, struct vs_result *out);

#endif /* TESTS_VALIDATION_SCHED_H */
