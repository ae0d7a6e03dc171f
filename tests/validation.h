/*
 * tests/validation.h - the validation cases: closed-form queueing results
 * (docs/validation/queueing.md) that hvsim must reproduce on ideal
 * hardware.  One table serves the Criterion tests (test_validation.c)
 * and `make validate` (scripts/validate.c), so the README's table and
 * the tests cannot drift apart.
 */
#ifndef TESTS_VALIDATION_H
#define TESTS_VALIDATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmetric {
    VM_TURNAROUND,      /* mean turnaround of all counted guests */
    VM_CLASS_T,         /* mean turnaround of priority class `cls` */
    VM_SLOWDOWN_SIZE,   /* mean T/x of guests with work x in [x_lo, x_hi] */
    VM_BURST_RESPONSE,  /* mean burst response (wake -> end of the burst) */
    VM_BURST_RATE,      /* bursts completed per second */
};

struct vcase {
    const char *name;
    const char *generate;
    const char *sched;
    double quantum;       /* s */
    int cores;
    bool blind;           /* --clairvoyant no */
    bool preempt;
    long warmup;
    enum vmetric metric;
    double cls, x_lo, x_hi;
    double theory;
    const char *source;
    double horizon;       /* s: the run's end (closed loops), 0 = none */
};

struct vresult {
    double mean, ci[2];
    long n;
    bool within;          /* |mean - theory| <= CI half-width + 0.5% theory */
};

extern const struct vcase validation_cases[];
extern const size_t validation_ncases;

/* Run case c (20 batch means for the CI). */
void validation_run(const struct vcase *c, uint64_t seed, struct vresult *out);

/*
 * The hypervisor schedulers against what they promise (issue 13): CPU
 * shares by weight, caps per period, the wake-up latency of an I/O VM
 * beside CPU hogs.  Guests are built in memory (all arrive at 0) and run
 * on one host of ideal hardware; core time is counted from the engine's
 * segments, to the nanosecond.
 */
enum svmetric {
    SV_SHARES,          /* each guest's share of the core time over [0, span) vs w / sum w */
    SV_CAP,             /* the target's most core time in one cap period, in cores, vs its cap */
    SV_WAKE_P99,        /* the target's p99 wake-up latency (s) after a block, vs a bound */
};

#define SV_MAXG 4

struct sv_guest {
    int vcpus;          /* 0 = 1 */
    double work;        /* s per vCPU (a CPU-bound guest) */
    double weight;      /* 0 = 1 */
    int nice;           /* with has_nice: the weight is Linux's for it / 1024 */
    bool has_nice;
    double cap;         /* cores, 0 = none */
    double run, block;  /* > 0: an I/O guest, each vCPU runs run s, blocks block s ... */
    long repeat;        /* ... repeat times */
};

struct svcase {
    const char *name;
    const char *sched;
    int cores;
    struct sv_guest g[SV_MAXG];
    int ng;
    enum svmetric metric;
    int target;         /* SV_CAP, SV_WAKE_P99: the guest measured */
    double span;        /* SV_SHARES: s */
    double bound;       /* SV_WAKE_P99: s */
    const char *knobs;  /* "name=value,..." of the scheduler, or NULL */
    const char *source;
};

struct svresult {
    double theory[SV_MAXG], value[SV_MAXG];   /* SV_SHARES: per guest; else [0] */
    double mean;        /* SV_CAP: the target's mean core time per period, cores */
    long samples;       /* periods (SV_CAP) or wake-ups (SV_WAKE_P99) */
    bool within;        /* shares within 1%; never over the cap; p99 <= bound */
};

extern const struct svcase sched_cases[];
extern const size_t sched_ncases;

/* Run case c (its knobs, then extra "name=value,..." if not NULL). */
void sched_case_run(const struct svcase *c, const char *extra, struct svresult *out);
/* The case's target and result as text for the table (`make validate`). */
void sched_case_format(const struct svcase *c, const struct svresult *r, char *target,
                       char *value, size_t len);

#endif
