/*
 * report/census.h - where the guests of a run went, counted from the
 * per-guest callback (sim_hooks.on_job), without touching the engine:
 * how many guests each host received (min, mean, max over hosts), the
 * hosts left empty and the hosts that held more vCPUs than cores at once,
 * and the offered load of the workload over its arrival span.
 *
 * A census wraps the hooks another consumer (report/output.h) installed
 * and forwards every callback to it, so both see the same run.
 *
 * Peak vCPUs per host: the engine calls on_job before the finished guest
 * leaves its host, so host->vcpus_placed then counts every guest placed
 * there since the previous departure, and its largest value over all
 * completions on the host is the host's peak (exact when every guest
 * completes, as at the end of every run).  Memory: four numbers per host,
 * and two more per host for each replication running.
 *
 * Replications may run at once (--jobs): each counts into a tap of its
 * own, folded into the totals (sums of counts and maxima, so the order
 * does not matter) under a lock when it is done.
 */
#ifndef REPORT_CENSUS_H
#define REPORT_CENSUS_H

#include <jansson.h>
#include <pthread.h>

#include "sim/engine.h"

struct census_tap;

struct census {
    int nhosts;
    long reps;              /* replications counted */
    double *guests;         /* [nhosts] guests completed there, summed over replications */
    long *peak_vcpus;       /* [nhosts] most vCPUs placed there at once, over replications */
    int *cores;             /* [nhosts] its cores */
    /* the workload, for its offered load: */
    double cpu_seconds;     /* sum of work x vCPUs of the guests of the first replication */
    double first_arrival, last_arrival;
    long guests_first;      /* guests counted in the first replication */
    bool series;            /* some guest has a utilisation series (a fluid) */
    /* the replications counting now, each with the hooks it wraps */
    struct census_tap *taps;
    pthread_mutex_t lock;
    bool ready;             /* census_init ran */
};

void census_init(struct census *c, const struct sim_experiment *x);
void census_free(struct census *c);
/* Count replication rep: wrap the callbacks already in hooks (until
 * census_rep_done). */
void census_attach(struct census *c, struct sim_hooks *hooks, long rep);
/* Replication rep ran (or failed): fold its counts into the totals. */
void census_rep_done(struct census *c, long rep);

/* The "hosts" object of the summary: count, guests{min, mean, max} per
 * host (mean over replications), empty, overcommitted, and the largest
 * peak of vCPUs per core. */
json_t *census_json(const struct census *c);

/* "39 of 40 hosts received no guest while ..." when hosts were left empty
 * while another held more vCPUs than cores; "" otherwise.  place names the
 * placement policy. */
void census_warning(const struct census *c, const char *place, char *buf, size_t len);

/* Offered load of a trace over its arrival span: sum(work x vcpus) /
 * span / cores; NAN if the span is 0 or guests are utilisation series. */
double census_offered_load(const struct census *c, long total_cores);

#endif /* REPORT_CENSUS_H */
