/*
 * report/plots.h - the plots of a run directory, drawn by gnuplot.
 *
 * Each plot NAME is a gnuplot script NAME.gp written beside the data it
 * reads, so that a user can restyle it and run it again in that
 * directory (`gnuplot NAME.gp`), and the PNG and SVG it draws.  Data too
 * large to plot as is (a CDF of a million guests, a timeline of a
 * million samples) is first reduced by C into a small CSV beside the
 * script (turnaround-cdf.csv, timeline-plot.csv); the scripts never read
 * anything else than the files in their directory.
 *
 * Every file appears atomically: scripts and data through
 * output_write_atomic, images because gnuplot draws them under a hidden
 * temporary name (the script's `out` variable) that is then renamed.
 * When gnuplot is missing the scripts and data are still written, a
 * one-line note goes to stderr, and the call succeeds: the data files are
 * the results, the images a convenience.  $HVSIM_GNUPLOT names another
 * gnuplot binary.
 */
#ifndef REPORT_PLOTS_H
#define REPORT_PLOTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"

/* At most this many points of a CDF are drawn (and written to its CSV);
 * below it the CDF is exact. */
#define PLOTS_CDF_POINTS 2000
/* At most this many points of a time series are drawn. */
#define PLOTS_TIMELINE_POINTS 1000

/* Write the plots of a run: turnaround CDF (from DIR/jobs.csv),
 * utilisation and runnable vCPUs over time (DIR/timeline.csv), overhead
 * breakdown (summary) and the Gantt chart (DIR/segments.csv, when
 * present).  Returns 0, or SIM_EIO if a file cannot be written. */
int plots_write(const char *dir, const json_t *summary, struct sim_error *err);

/* ---- helpers shared with report/compare.c ---- */

/* Read the numeric columns cols[0..ncols-1] (found by name in the header)
 * of the CSV file path into *out, row-major (free it).  Errors name the
 * file and line: SIM_EIO if it cannot be read, SIM_EINVAL if a column is
 * missing or a field is not a number. */
int plots_csv_read(const char *path, const char *const *cols, size_t ncols, double **out,
                   size_t *nrows, struct sim_error *err);

/* Sort x[0..n-1] and write its empirical CDF as "x,F" lines to f: every
 * point when n <= PLOTS_CDF_POINTS, else the quantiles at
 * k/PLOTS_CDF_POINTS and the maximum. */
void plots_cdf_points(double *x, size_t n, FILE *f);

/* Write s as a gnuplot single-quoted string. */
void plots_gp_quote(FILE *f, const char *s);

/* The look every hvsim plot shares, between the lines "# hvsim plot style"
 * and "# end of the hvsim plot style": grid, border, key, and line types
 * 1-8, each with its own colour, dash and marker, so that curves that
 * coincide, or print in black and white, stay apart.  scripts/sweep writes
 * the same block (tests/sweep/test_sweep.sh compares them). */
extern const char plots_gp_style[];

/* Start a script NAME.gp: header comment (what it draws, from what),
 * the `out` variable, common style, and the loop over the PNG and SVG
 * terminals at width x height pixels.  The caller writes the plot
 * commands, then plots_gp_end. */
void plots_gp_begin(FILE *f, const char *name, const char *what, int width, int height);
/* The two halves of plots_gp_begin, for a script that defines
 * datablocks (which cannot be inside the loop) between them. */
void plots_gp_header(FILE *f, const char *name, const char *what);
void plots_gp_loop(FILE *f, int width, int height);
void plots_gp_end(FILE *f);

/* A configured duration, in the largest unit that keeps it whole: 100ms,
 * 2.5s, 30us, 1h ("-" for NaN). */
void plots_format_duration(double seconds, char *buf, size_t len);
/* A measured time, to 4 significant digits in the unit its size calls for
 * (s, min, h, d below and above): "3.142 h", "120 ms". */
void plots_format_time(double seconds, char *buf, size_t len);

/* "kth-head.swf; sched rr (quantum 60s); 100 cores; hw skylake-sp": what
 * a chart's title says of the run (workload, policy with its knobs,
 * allocator when not the default, platform, hardware), from its summary. */
void plots_run_caption(const json_t *summary, char *buf, size_t len);

/* Set up axis ("x" or "y") for times in seconds from lo to hi (> 0):
 * logarithmic with ticks at human durations (1 ms, 1 s, 1 min, 1 h, 1 d,
 * and tens of them) when hi/lo >= 20 and log_ok, else linear in the unit
 * of hi.  Writes the axis's label "WHAT (UNIT[, log scale])" too.
 * Returns the divisor the plot must apply to seconds (1 on the log axis). */
double plots_gp_time_axis(FILE *f, const char *axis, double lo, double hi, bool log_ok,
                          const char *what);

/* Run gnuplot on DIR/NAME.gp, drawing DIR/NAME.png and DIR/NAME.svg.
 * *missing is set (and the note printed) the first time gnuplot cannot
 * be started; later calls then do nothing.  A script that gnuplot
 * rejects is reported on stderr and leaves no image; it is not an error
 * of the run.  Returns 0, or SIM_EIO if an image cannot be renamed. */
int plots_render(const char *dir, const char *name, bool *missing, struct sim_error *err);

/* Write the text in buf (len bytes, from open_memstream) to DIR/NAME and
 * free it. */
int plots_write_buffer(const char *dir, const char *name, char *buf, size_t len,
                       struct sim_error *err);

#endif /* REPORT_PLOTS_H */
