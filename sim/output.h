/*
 * sim/output.h - the files of --out DIR, written atomically: each file is
 * written to a temporary name inside DIR and renamed into place, and DIR
 * itself is created only once the run has succeeded, so a run that fails
 * (bad input) or is killed leaves no half-written file and nothing in DIR.
 *
 * During the run, per-job rows and timeline samples go to anonymous
 * temporary files (tmpfile), which vanish with the process.
 */
#ifndef SIM_OUTPUT_H
#define SIM_OUTPUT_H

#include <jansson.h>
#include <stdio.h>

#include "sim/engine.h"

struct run_output {
    FILE *jobs;        /* jobs.csv rows, NULL if not wanted */
    FILE *timeline;    /* timeline.csv rows */
    /* Gantt segments, kept in memory (small workloads only); copies,
     * since a guest's memory is reused once it completes */
    struct gantt_seg *seg;
    size_t nseg, segcap;
    bool gantt;
    /* per-guest table for --gantt */
    struct gantt_row *rows;
    size_t nrows, rowcap;
};

int run_output_open(struct run_output *o, bool files, bool gantt, struct sim_error *err);
void run_output_close(struct run_output *o);
/* Hook the callbacks into p (cb_ctx = o). */
void run_output_attach(struct run_output *o, struct sim_params *p);

/* mkdir -p DIR, then write summary.json, jobs.csv, timeline.csv (and the
 * plots, scripts/plots) atomically.  SIM_EIO if DIR cannot be written. */
int run_output_write(struct run_output *o, const char *dir, json_t *summary,
                     struct sim_error *err);

/* Text Gantt chart and per-guest table (textbook style). */
void run_output_gantt(struct run_output *o, FILE *out, int ncores, int nhosts);

/* Write data (len bytes) to DIR/NAME atomically. */
int output_write_atomic(const char *dir, const char *name, const char *data, size_t len,
                        struct sim_error *err);
/* mkdir -p */
int output_mkdirs(const char *dir, struct sim_error *err);

#endif /* SIM_OUTPUT_H */
