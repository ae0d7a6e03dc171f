/*
 * report/output.h - the files of --out DIR: summary.json, reps.csv,
 * jobs.csv, timeline.csv, segments.csv (small workloads) and the plots
 * (report/plots.h), written once, into the temporary directory of the
 * run's output transaction (report/outdir.h), which replaces DIR as a
 * whole once everything is written and checked.  A run that fails (bad
 * input, a full disk) or is killed leaves DIR as it was.
 *
 * jobs.csv and timeline.csv stream into that directory as the run goes:
 * on the target file system, written once, never copied.
 *
 * timeline.csv has at most OUTPUT_TIMELINE_MAX_ROWS rows: an explicit
 * --sample that would write more is refused before the run when its
 * length can be estimated (a synthetic workload, a trace with --end), and
 * a run that reaches the limit fails with the estimate and the interval
 * that would fit.  The adaptive timeline (no --sample) keeps 1,024-2,048
 * rows per host, fewer on platforms of more than 4,882 hosts, so that it
 * too stays within the limit.
 *
 * Segments (which vCPU ran on which core, when) are kept in memory for
 * the text Gantt chart (--gantt) and, with --out, for segments.csv and
 * the Gantt plot while the workload has at most OUTPUT_GANTT_GUESTS
 * guests: a chart of more is unreadable, and the memory would grow with
 * the trace.  What the bounds leave out is said (run_output_notes).  A
 * segment copies the guest's id, because the engine reuses a completed
 * guest's memory for the next arrival.
 */
#ifndef REPORT_OUTPUT_H
#define REPORT_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "report/breakdown.h"
#include "report/gantt.h"
#include "report/outdir.h"
#include "sim/engine.h"

#define OUTPUT_GANTT_GUESTS 300     /* segments.csv and gantt plot up to this many guests */
#define OUTPUT_MAX_SEGMENTS 100000  /* memory bound of the segment list */
/* timeline.csv: about 70 bytes a row, so at most about 0.7 GB */
#define OUTPUT_TIMELINE_MAX_ROWS 10000000L

/* The columns of jobs.csv, one row per completed guest (times in seconds,
 * exact from the integer clock; docs/MODEL.md defines each). */
#define OUTPUT_JOBS_HEADER                                                                  \
    "id,arrival,start,finish,waiting,turnaround,slowdown,host,work,cpu_time,exits,vcpus,"  \
    "switches,class,priority,deadline,deadline_missed,wakeup_mean,wakeup_p50,wakeup_p95,"    \
    "wakeup_p99,wakeup_max,burst_response_mean,burst_response_p50,burst_response_p95,"      \
    "burst_response_p99,burst_response_max,bursts,steal,steal_fraction,migrations,"         \
    "cpu_entitlement"

/* A column of a file of --out, with what it holds (the man page); the
 * tables end with {NULL}.  Their names are the files' headers (a test
 * checks jobs.csv's against OUTPUT_JOBS_HEADER). */
struct output_column {
    const char *name, *help;
};
extern const struct output_column output_jobs_columns[];
extern const struct output_column output_timeline_columns[];
extern const struct output_column output_segments_columns[];
extern const struct output_column output_hosts_columns[];

struct run_output {
    const struct sim_experiment *x;   /* the run's (class names), from run_output_attach */
    struct breakdown *breakdown;      /* this replication's, fed every guest; may be NULL */
    char *dir;         /* where the files go (the transaction's temporary directory), NULL = none */
    FILE *jobs;        /* jobs.csv rows, NULL if not wanted */
    FILE *timeline;    /* timeline.csv rows */
    FILE *hosts;       /* hosts.csv, opened at its first row (runs that meter energy or
                        * consolidate); NULL before */
    size_t nhost_rows;
    struct sim_error hosts_err;   /* why hosts.csv could not be opened (code < 0) */
    long trows_written;        /* rows written to timeline (explicit --sample) */
    long max_rows;             /* OUTPUT_TIMELINE_MAX_ROWS (tests set less) */
    sim_time_t sample;         /* the --sample interval asked for */
    sim_time_t over_at;        /* simulated time the row limit was reached, 0 = not */
    /* Adaptive timeline (--sample not given): rows are kept in memory, at
     * most TIMELINE_MAX_ROUNDS samples per host; when full, neighbouring
     * samples are merged pairwise and the engine samples half as often,
     * so any run gives between 1,024 and 2,048 rows per host. */
    bool adaptive;
    int nhosts;
    struct sim_sample *trows;   /* rounds x nhosts, round-major */
    size_t nrounds, maxrounds;  /* maxrounds: even, <= TIMELINE_MAX_ROUNDS */
    /* Gantt segments, kept in memory (small workloads only); copies,
     * since a guest's memory is reused once it completes */
    struct out_segment *seg;
    size_t nseg, segcap;
    bool gantt;        /* --gantt: text chart on stdout */
    bool segments;     /* collecting for segments.csv (--out) */
    bool seg_lost;     /* more guests or segments than the bounds: no segments.csv */
    bool seg_full;     /* OUTPUT_MAX_SEGMENTS reached: later segments were dropped */
    struct gantt_table table;   /* per-guest table for --gantt */
};

/* dir: where the files go (NULL: no --out); adaptive_timeline: --sample
 * was not given, else sample is its interval.  Opens jobs.csv and
 * timeline.csv there. */
int run_output_open(struct run_output *o, const char *dir, bool gantt, bool adaptive_timeline,
                    sim_time_t sample, struct sim_error *err);
void run_output_close(struct run_output *o);
/* Hook the callbacks into hooks for replication rep of x: every guest
 * goes to bd (if not NULL); the per-guest files, the timeline and the
 * segments describe replication 0, and only its hooks touch o, so that
 * the replications may run at once on threads of their own (--jobs). */
void run_output_attach(struct run_output *o, struct sim_hooks *hooks,
                       const struct sim_experiment *x, long rep, struct breakdown *bd);

/* A timeline row and a hosts.csv row given directly (the preset's
 * time-stepped model, which is not the engine). */
void run_output_sample(struct run_output *o, const struct sim_sample *s);
void run_output_host(struct run_output *o, const struct sim_host_report *h);

/* Write summary.json and reps.csv, finish jobs.csv and timeline.csv,
 * write hosts.csv (runs that meter energy or consolidate), segments.csv
 * (small workloads) and the plots (report/plots.h), each checked.  SIM_EINVAL if timeline.csv reached its row limit (the
 * message says which --sample would fit); SIM_EIO if a file cannot be
 * written. */
int run_output_write(struct run_output *o, json_t *summary, struct sim_error *err);

/* The names of the files a run may write in DIR (NULL-terminated), for
 * report/outdir.h: an old DIR holding only these may be replaced. */
extern const char *const run_output_names[];

/* What the bounds above left out, one line each ("" if nothing): for
 * notes on stderr and in the summary. */
void run_output_notes(const struct run_output *o, bool files, char *buf, size_t len);

/* Rows an explicit --sample would write over horizon seconds on nhosts
 * hosts, for the check before a run. */
double output_timeline_rows(double horizon_s, sim_time_t sample, int nhosts);

/* Text Gantt chart (a row per core of x's platform) and per-guest table
 * (textbook style). */
void run_output_gantt(struct run_output *o, FILE *out, const struct sim_experiment *x);

#endif /* REPORT_OUTPUT_H */
