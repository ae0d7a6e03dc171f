/*
 * workloads/synthetic.h - the synthetic workload of --generate SPEC, read
 * through the same stream interface as a trace.
 *
 * SPEC is comma-separated key=value: n (guests, a whole number 1..10^12),
 * interarrival, work, vcpus, mem_mb, priority (numbers or distributions,
 * base/dist.h), and class (a workload class name).  vcpus and priority
 * (a class number, smaller = more important, 0 the default) are whole
 * numbers: a constant that is not one, or vcpus outside
 * 1..TRACE_VCPUS_MAX, is an error; the draws of a distribution are
 * rounded (vcpus kept within that range), and the spec's note says so.
 * Each key draws from its own random stream.
 */
#ifndef WORKLOADS_SYNTHETIC_H
#define WORKLOADS_SYNTHETIC_H

#include "base/dist.h"
#include "workloads/trace.h"

/* The workload `hvsim run` uses when given neither --trace nor
 * --generate: M/M/1 at load 0.8 (mean work 1 s). */
#define SYNTH_DEFAULT_SPEC "n=10000,interarrival=exp:1.25,work=exp:1"

#define SYNTH_MAX_GUESTS 1e12

struct synth_spec {
    long n;
    struct dist interarrival, work, vcpus, mem_mb, priority;
    char class_name[TRACE_CLASS_MAX];
    char note[400];   /* what is rounded, for a note on stderr; "" if nothing */
    /* A closed loop (think= and burst= given): each vCPU blocks for a
     * think time, then runs a burst, `cycles` times (0: until --end). */
    bool closed;
    struct dist think, burst;
    long cycles;
};

int synth_parse(struct synth_spec *spec, const char *text, struct sim_error *err);
/* Canonical text of a spec (for the config echo). */
void synth_format(const struct synth_spec *spec, char *buf, size_t len);

/* Open a stream of spec's guests with streams seeded from (seed, rep).
 * trace_close frees it. */
void synth_open(struct trace_reader *r, const struct synth_spec *spec, uint64_t seed,
                uint64_t rep, const struct trace_options *opt);

#endif /* WORKLOADS_SYNTHETIC_H */
