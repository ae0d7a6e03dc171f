/*
 * cli/progress.h - a progress line on stderr for long runs.
 *
 * `hvsim run` shows, once a run has taken more than PROGRESS_DELAY
 * seconds of wall-clock time, one line that it rewrites in place: the
 * replication, the simulated time, the guests read (and the share of the
 * workload when its length is known) and the events per second.  Only on
 * a terminal (the caller checks isatty) and never with --quiet: a batch
 * sweep's logs stay clean.  The engine calls progress_tick every
 * SIM_PROGRESS_EVERY events (sim_params.on_progress), so the cost in the
 * event loop is one countdown per event.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/engine.h"

#define PROGRESS_DELAY 2.0      /* s of wall time before the first line */
#define PROGRESS_INTERVAL 0.5   /* s of wall time between lines */

struct progress {
    FILE *out;          /* where the line goes; NULL = off */
    double delay;       /* PROGRESS_DELAY (tests set 0) */
    double interval;    /* PROGRESS_INTERVAL (tests set 0) */
    double t0;          /* wall clock at progress_init */
    double rep_t0;      /* wall clock at the start of the replication */
    double last;        /* wall clock of the last line */
    long total;         /* guests in the workload, 0 = unknown */
    long rep, reps;     /* replication running (0-based), of reps */
    bool shown;         /* a line is on the terminal */
};

/* enabled: the caller's decision (!quiet && isatty(fileno(out))). total:
 * guests in the workload when known (--generate n, --limit), else 0. */
void progress_init(struct progress *pr, FILE *out, bool enabled, long total, long reps);

/* Hook progress_tick into hooks for replication rep (0-based). */
void progress_attach(struct progress *pr, struct sim_hooks *hooks, long rep);

/* The sim_progress_fn. */
void progress_tick(void *ctx, const struct sim_progress *p);

/* Erase the line (before the results are printed). */
void progress_done(struct progress *pr);

#endif /* CLI_PROGRESS_H */
