/*
 * report/gantt.h - the text Gantt chart of --gantt and the per-guest table
 * textbooks print beside it.
 *
 * The run's outputs (report/output.c) collect the segments (which vCPU ran
 * on which core, when) and hand every completed guest to gantt_table_add;
 * gantt_print draws both once the run is over.  The table keeps the
 * first GANTT_MAX_ROWS guests of the trace, and sums over every guest for
 * its mean row.
 */
#ifndef REPORT_GANTT_H
#define REPORT_GANTT_H

#include <stdio.h>

#include "sim/engine.h"

#define GANTT_MAX_ROWS 200        /* table rows shown: the first guests of the trace */
#define GANTT_MAX_BOUNDARIES 1000 /* the chart ends after this many segment boundaries */

/* One interval of a vCPU on a core, with its own copy of the guest id
 * (the engine reuses a completed guest's memory for the next arrival). */
struct out_segment {
    int host, core, vcpu;
    uint64_t guest_seq;             /* engine's guest number, to merge segments */
    char guest[TRACE_ID_MAX];       /* guest id as in jobs.csv */
    sim_time_t start, end;
};

struct gantt_row;

/* The per-guest table: a row for each of the first GANTT_MAX_ROWS guests
 * (trace order), and the sums of the mean row over every guest. */
struct gantt_table {
    struct gantt_row *rows;
    size_t nrows, rowcap;
    long completed;                   /* every completed guest */
    long double sum_wait, sum_turn;   /* ns, over every completed guest */
    double sum_slow;
    bool multi_vcpu;                  /* some guest has several vCPUs: a vcpus column */
};

/* Record a completed guest (the engine's per-guest callback). */
void gantt_table_add(struct gantt_table *t, const struct sim_job_info *j);
void gantt_table_free(struct gantt_table *t);

/* The text Gantt chart of seg[0..nseg-1], a row per core of x's
 * platform, then the per-guest table, to out.  complete: seg holds every
 * segment of the run (false when the run had more than could be kept:
 * the chart then stops where the kept ones do).  width: columns of a
 * line, 0 = the terminal's when out is one, else 100. */
void gantt_print(FILE *out, const struct out_segment *seg, size_t nseg, bool complete,
                 const struct gantt_table *t, const struct sim_experiment *x, int width);

#endif /* REPORT_GANTT_H */
