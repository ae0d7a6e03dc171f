/*
 * report/report.h - the summary of an experiment (one or more replications)
 * as JSON, built with Jansson; docs/MODEL.md says what each figure means.
 */
#ifndef REPORT_REPORT_H
#define REPORT_REPORT_H

#include <jansson.h>

#include "report/breakdown.h"
#include "sim/metrics.h"

#define REPORT_SCHEMA "hvsim-summary/1"

/* How summaries are written: indented, reals to 15 significant digits, so
 * that 41/5 reads 8.2 and not 8.1999999999999993 (binary noise past the
 * 15th digit); the config echo is exact at that precision
 * (param_to_json). */
#define REPORT_JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(15))

struct report_extra {
    const char *workload;         /* "--generate SPEC" or the trace path */
    const char *hw_profile;
    uint64_t seed;
    const struct breakdown *breakdown;   /* [nruns], one per replication; may be NULL */
    json_t *hosts;                /* the "hosts" object (report/census.h), stolen; NULL = none */
    json_t *notes;                /* what hvsim decided or warns about: an array of
                                     strings, stolen; NULL or empty = none */
};

/* Summary of runs[0..nruns-1] (replications of one configuration).  With
 * nruns >= 2 every metric is the mean over replications and ci95 holds
  * its Student-t 95% interval, and "replications" lists each one's
 * figures; with one run, or replications that are all identical (a
 * trace without randomness replays the same way: "replications_identical"
 * says so), the intervals of turnaround and waiting come from the batch
 * means of the first (if computed).  config is the echo of the resolved
 * experiment (the caller's reference is stolen); so are extra's hosts and
 * notes, which become the keys "hosts" and "notes". */
json_t *report_summary(json_t *config, const struct sim_result *runs, size_t nruns,
                       const struct report_extra *extra);

/* Remove wall-clock fields (engine.wall_seconds, events_per_second), for
 * byte comparisons of runs. */
void report_strip_wallclock(json_t *summary);

/* The "replications" of a summary as CSV (reps.csv): a header, then a row
 * per replication, columns GROUP_KEY as in the summary (turnaround_mean,
 * overhead_fraction, ...), wall-clock fields left out so that runs
 * compare byte for byte.  A summary of one run gives one row.  Returns
 * the text (free it). */
char *report_reps_csv(const json_t *summary, size_t *len);

/* The summary as JSON text with a final newline (free it). */
char *report_dumps(const json_t *summary);

/* Every key of a summary with one line of what it holds, in the order of
 * the JSON (the man page). */
void report_describe(void (*fn)(void *ctx, const char *key, const char *help), void *ctx);

/* One-screen text summary (stdout when neither --json nor --out). */
void report_text(FILE *out, json_t *summary);

#endif /* REPORT_REPORT_H */
