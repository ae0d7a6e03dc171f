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

#endif
