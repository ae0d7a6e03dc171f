/*
 * report/compare.h - `hvsim compare DIR...`: several runs side by side.
 *
 * Reads each DIR/summary.json (written by `hvsim run --out DIR`) and
 * prints one row per run (label = the directory's name): scheduler,
 * quantum, hardware profile, turnaround mean with its 95% CI half-width,
 * p99, waiting, slowdown, throughput, utilisation, overhead fraction and
 * world switches; as an aligned table, or --csv, or --json.
 *
 * --out DIR writes the same table as comparison.{txt,csv,json} and plots
 * (report/plots.h): the turnaround CDFs of all runs on one chart (from each
 * run's jobs.csv), and, when the runs' `config` objects differ in exactly
 * one key, the metric (--metric PATH, default turnaround.mean) against
 * that key, with 95% CI error bars where the summaries have them.
 *
 */
#ifndef REPORT_COMPARE_H
#define REPORT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

struct compare_options {
    const char *const *dirs;   /* the runs, in the order of the rows */
    size_t ndirs;              /* >= 1 */
    const char *metric;        /* dotted path into summary.json; NULL = turnaround.mean */
    const char *out;           /* --out DIR, or NULL */
    bool csv, json;            /* the table's form on stdout (both false: aligned text) */
};

/* Print the table and, with out, write it and the plots there.
 * SIM_EINVAL for a DIR that is not a run; SIM_EIO if out cannot be written. */
int compare_runs(const struct compare_options *opt, struct sim_error *err);

#endif /* REPORT_COMPARE_H */
