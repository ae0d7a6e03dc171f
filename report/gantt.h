/*
 * report/gantt.h - the text Gantt chart of --gantt and the per-guest table
 * textbooks print beside it.
 *
 * The run's outputs (report/output.c) collect the segments (which vCPU ran
 * on which core, when) and hand every completed guest to gantt_table_add;
 * gantt_print draws both once the run is over.
 */
#ifndef REPORT_GANTT_H
#define REPORT_GANTT_H

#include <stdio.h>

#include "sim/engine.h"

/* One interval of a vCPU on a core, with its own copy of the guest id
 * (the engine reuses a completed guest's memory for the next arrival). */
struct out_segment {
    int host, core, vcpu;
    uint64_t guest_seq;             /* engine's guest number, to merge segments */
    char guest[TRACE_ID_MAX];       /* guest id as in jobs.csv */
    sim_time_t start, end;
};

struct gantt_row;

/* The per-guest table: a row per completed guest. */
struct gantt_table {
    struct gantt_row *rows;
    size_t nrows, rowcap;
};

/* Record a completed guest (the engine's per-guest callback). */
void gantt_table_add(struct gantt_table *t, const struct sim_job_info *j);
void gantt_table_free(struct gantt_table *t);

/* Text Gantt chart of seg[0..nseg-1] (a row per core of x's platform) and
 * the per-guest table (textbook style), to out. */
void gantt_print(FILE *out, const struct out_segment *seg, size_t nseg, struct gantt_table *t,
                 const struct sim_experiment *x);

#endif /* REPORT_GANTT_H */
