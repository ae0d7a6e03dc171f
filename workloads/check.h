/*
 * workloads/check.h - `hvsim check PATH [--format NAME]` for traces: read
 * the whole input and report every problem with its location, then a
 * summary of what the trace holds.
 */
#ifndef WORKLOADS_CHECK_H
#define WORKLOADS_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "workloads/trace.h"

/* Whether a workload class called name exists (the engine's class table). */
typedef bool (*trace_class_known_fn)(const char *name, void *ctx);

/*
 * Read the trace at path with opt (format from opt->format or the
 * extension; cutting and scaling applied as in a run).  Every problem is
 * printed to errout as "FILE:LINE[:COLUMN]: what is wrong", at most
 * max_errors of them (<= 0: no limit), then "... and N more errors".  A
 * summary goes to out: format, records, skipped by reason, the entries of
 * a per-VM directory that were not read, time span, total work, and an
 * offered-load estimate sum(work * vcpus) / span / cores.  cores <= 0
 * means: MaxProcs (else MaxNodes) of an SWF header when known, else 1;
 * the summary says which was used.  class_known may be NULL (class names
 * are then only checked for their syntax).
 * Returns 0 when the trace is clean, SIM_EINVAL if it has any error,
 * SIM_EIO if it cannot be read (the summary is printed in every case but
 * the last when nothing could be opened).
 */
int trace_check(FILE *out, FILE *errout, const char *path, const struct trace_options *opt,
                double cores, trace_class_known_fn class_known, void *ctx, long max_errors);

/* What trace_check prints as its summary, as numbers (`hvsim check
 * --json`).  Seconds after cutting and scaling, as a run sees them. */
struct trace_summary {
    char path[4096];
    const char *format;           /* the format's name (static) */
    long records, errors;
    long skipped[TRACE_SKIP_MAX];
    double first, last;           /* arrivals of the first and last record */
    double time_offset;           /* subtracted by the reader so the trace starts at 0 */
    char not_read[400];           /* entries of a per-VM directory not read, "" if none */
    double work;                  /* sum of work per vCPU */
    double cpu;                   /* sum of work x vcpus */
    double series_cpu;            /* of which guests with a utilisation series */
    double cores;                 /* of the offered load */
    const char *cores_from;       /* "given", "MaxProcs (or MaxNodes) of the header", "default ..." */
    double window;                /* the load's time base: the arrival span, or ... */
    const char *window_from;      /* ... "arrival span" or "duration of the longest guest" */
    double offered_load;          /* cpu / window / cores; NAN without records */
};

/* The same reading, filling *s instead of printing it (errors still go to
 * errout, unless it is NULL).  Returns as trace_check; *s is filled unless the trace could
 * not be opened. */
int trace_check_summary(FILE *errout, const char *path, const struct trace_options *opt,
                        double cores, trace_class_known_fn class_known, void *ctx,
                        long max_errors, struct trace_summary *s);

/* The text summary trace_check prints. */
void trace_summary_print(FILE *out, const struct trace_summary *s);

#endif /* WORKLOADS_CHECK_H */
