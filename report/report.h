/*
 * report/report.h - the summary of an experiment (one or more replications)
 * as JSON, built with Jansson; docs/MODEL.md says what each figure means.
 */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

#include <jansson.h>

#include "sim/metrics.h"

#define REPORT_SCHEMA "hvsim-summary/1"

struct report_extra {
    const char *workload;         /* "--generate SPEC" or the trace path */
    const char *hw_profile;
    uint64_t seed;
    json_t *hosts;                /* the "hosts" object (report/census.h), stolen; NULL = none */
    json_t *notes;                /* what hvsim decided or warns about: an array of
                                     strings, stolen; NULL or empty = none */
};

/* Summary of runs[0..nruns-1] (replications of one configuration).  With
 * nruns >= 2 every metric is the mean over replications and ci95 holds
 * its Student-t 95% interval; with one run the intervals of turnaround
 * and waiting come from batch means (if computed).  config is the echo of
 * the resolved experiment (the caller's reference is stolen); so are
 * extra's hosts and notes, which become the keys "hosts" and "notes". */
json_t *report_summary(json_t *config, const struct sim_result *runs, size_t nruns,
                       const struct report_extra *extra);

/* Remove wall-clock fields (engine.wall_seconds, events_per_second), for
 * byte comparisons of runs. */
void report_strip_wallclock(json_t *summary);

/* One-screen text summary (stdout when neither --json nor --out). */
void report_text(FILE *out, json_t *summary);

#endif /* REPORT_REPORT_H */
