/*
 * cli/progress.h - a progress line on stderr for long runs.
 *
 * `hvsim run` shows, once a run has taken more than PROGRESS_DELAY
 * seconds of wall-clock time, one line that it rewrites in place: the
 * replication (or, with --jobs, the replications running and done), the
 * simulated time, the guests read (and the share of the workload when its
 * length is known), the events per second and, when the run's length can
 * be told, the time left.  Only on a terminal (the
 * caller checks isatty) and never with --quiet: a batch sweep's logs stay
 * clean.  The engine calls progress_tick every SIM_PROGRESS_EVERY events
 * (sim_hooks.on_progress), so the cost in the event loop is one countdown
 * per event.  Replications that run at once (--jobs) each report into a
 * slot of their own; a lock serialises the line.
 *
 * The time left is the wall time so far scaled by what is left of the
 * run, the run's share done being its simulated time against its
 * horizon: given (a closed loop's --end, a generated workload's n
 * inter-arrival times), or the latest end of the utilisation series read
 * so far; else, with a known number of guests, the share read times the
 * share of the job guests' work read that is done.  Once the whole
 * workload is read, past the horizon (a backlog being served) or without
 * one, it is the share of its job guests' work done.  (Both assume the
 * cores stay as busy as they were: a tail of a few wide jobs takes
 * longer.)  Without any of these, no estimate is shown.
 * Replications count as done, in progress (their share) or not started.
 *
 * Off a terminal (a batch run, a sweep) there is no line, but a run that
 * is told, from PROGRESS_NOTE_AFTER seconds in, to have more than
 * PROGRESS_NOTE_LEFT seconds to go says so once, as a note: a long run
 * is told early, not after an hour of silence.  --quiet: neither.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/engine.h"

#define PROGRESS_DELAY 2.0      /* s of wall time before the first line */
#define PROGRESS_INTERVAL 0.5   /* s of wall time between lines */
#define PROGRESS_NOTE_AFTER 10.0   /* s of wall time before the note off a terminal */
#define PROGRESS_NOTE_LEFT 600.0   /* ... which is given for more than this left */

enum progress_mode {
    PROGRESS_OFF,    /* --quiet */
    PROGRESS_LINE,   /* a line rewritten in place (a terminal) */
    PROGRESS_NOTE,   /* one note for a long run (not a terminal) */
};

struct progress;

/* What one replication reported last. */
struct progress_slot {
    struct progress *pr;
    long rep;
    bool running;
    double t0;                  /* wall clock at its start */
    struct sim_progress last;   /* its last report */
};

struct progress {
    FILE *out;          /* where the line or the note goes; NULL = off */
    enum progress_mode mode;
    bool noted;         /* PROGRESS_NOTE: the note is out */
    double delay;       /* PROGRESS_DELAY, or PROGRESS_NOTE_AFTER (tests set 0) */
    double interval;    /* PROGRESS_INTERVAL (tests set 0) */
    double t0;          /* wall clock at progress_init */
    double last;        /* wall clock of the last line */
    long total;         /* guests in the workload, 0 = unknown */
    double horizon;     /* simulated seconds a replication lasts, 0 = unknown */
    long reps;          /* replications */
    long done;          /* replications finished */
    struct progress_slot *slot;   /* [reps] */
    pthread_mutex_t lock;
    bool shown;         /* a line is on the terminal */
};

/* mode: the caller's decision (PROGRESS_OFF with --quiet, else LINE on a
 * terminal, NOTE off one).  total: guests in the workload when known
 * (--generate n, --limit), else 0; horizon: the simulated seconds a
 * replication lasts when known, else 0.  Release with progress_free. */
void progress_init(struct progress *pr, FILE *out, enum progress_mode mode, long total,
                   double horizon, long reps);

/* The share of the whole run done (replications done and the share of
 * those running), from what each reported last; NAN when it cannot be
 * told.  (The lock held, or no replication running.) */
double progress_fraction(const struct progress *pr);
/* "42s", "12m05s", "3h07m": a duration for the line. */
void progress_format_left(double seconds, char *buf, size_t len);
void progress_free(struct progress *pr);

/* Hook progress_tick into hooks for replication rep (0-based), which
 * starts now; progress_rep_done when it has finished. */
void progress_attach(struct progress *pr, struct sim_hooks *hooks, long rep);
void progress_rep_done(struct progress *pr, long rep);

/* The sim_progress_fn (ctx: the replication's slot). */
void progress_tick(void *ctx, const struct sim_progress *p);

/* Erase the line (before the results are printed). */
void progress_done(struct progress *pr);

#endif /* CLI_PROGRESS_H */
