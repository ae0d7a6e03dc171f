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
 * Exit status: 0; 2 for bad usage or a DIR that is not a run (no or a
 * malformed summary.json), named on stderr; 1 if --out cannot be written.
 */
#ifndef REPORT_COMPARE_H
#define REPORT_COMPARE_H

/* argv[0] is "compare". */
int compare_main(int argc, char **argv);

#endif /* REPORT_COMPARE_H */
