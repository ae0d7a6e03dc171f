/*
 * report/output.h - the files of --out DIR, written atomically: each file is
 * written to a temporary name inside DIR and renamed into place, and DIR
 * itself is created only once the run has succeeded, so a run that fails
 * (bad input) or is killed leaves no half-written file and nothing in DIR.
 *
 * During the run, per-job rows and timeline samples go to anonymous
 * temporary files (tmpfile), which vanish with the process.
 *
 * Segments (which vCPU ran on which core, when) are kept in memory for
 * the text Gantt chart (--gantt) and, with --out, for segments.csv and
 * the Gantt plot while the workload has at most OUTPUT_GANTT_GUESTS
 * guests: a chart of more is unreadable, and the memory would grow with
 * the trace.  A segment copies the guest's id, because the engine reuses
 * a completed guest's memory for the next arrival.
 */
#ifndef REPORT_OUTPUT_H
#define REPORT_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "report/breakdown.h"
#include "report/gantt.h"
#include "sim/engine.h"

#define OUTPUT_GANTT_GUESTS 300     /* segments.csv and gantt plot up to this many guests */
#define OUTPUT_MAX_SEGMENTS 100000  /* memory bound of the segment list */

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

struct run_output {
    const struct sim_experiment *x;   /* the run's (class names), from run_output_attach */
    long rep;                         /* replication being run */
    struct breakdown *breakdown;      /* this replication's, fed every guest; may be NULL */
    FILE *jobs;        /* jobs.csv rows, NULL if not wanted */
    FILE *timeline;    /* timeline.csv rows */
    /* Adaptive timeline (--sample not given): rows are kept in memory, at
     * most TIMELINE_MAX_ROUNDS samples per host; when full, neighbouring
     * samples are merged pairwise and the engine samples half as often,
     * so any run gives between 1,024 and 2,048 rows per host. */
    bool adaptive;
    int nhosts;
    struct sim_sample *trows;   /* rounds x nhosts, round-major */
    size_t nrounds;
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

/* files: --out was given; adaptive_timeline: --sample was not. */
int run_output_open(struct run_output *o, bool files, bool gantt, bool adaptive_timeline,
                    struct sim_error *err);
void run_output_close(struct run_output *o);
/* Hook the callbacks into hooks (cb_ctx = o) for replication rep of x:
 * every guest goes to bd (if not NULL); the per-guest files, the timeline
 * and the segments describe replication 0. */
void run_output_attach(struct run_output *o, struct sim_hooks *hooks,
                       const struct sim_experiment *x, long rep, struct breakdown *bd);

/* mkdir -p DIR, then write summary.json, jobs.csv, timeline.csv,
 * segments.csv (small workloads) atomically, then the plots
 * (report/plots.h).  SIM_EIO if DIR cannot be written. */
int run_output_write(struct run_output *o, const char *dir, json_t *summary,
                     struct sim_error *err);

/* Text Gantt chart (a row per core of x's platform) and per-guest table
 * (textbook style). */
void run_output_gantt(struct run_output *o, FILE *out, const struct sim_experiment *x);

/* Write data (len bytes) to DIR/NAME atomically. */
int output_write_atomic(const char *dir, const char *name, const char *data, size_t len,
                        struct sim_error *err);
/* mkdir -p */
int output_mkdirs(const char *dir, struct sim_error *err);

#endif /* REPORT_OUTPUT_H */
