/*
 * sim/engine.h - one simulation: the context that holds all of its state
 * (clock, event queue, random streams, platform, policies, metrics), so
 * that several can run side by side in one process (replications, tests).
 *
 * Life cycle: sim_create(params) -> sim_run(source) -> sim_result() ->
 * sim_destroy().  The workload source is pulled one record at a time.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include "allocators/alloc.h"
#include "models/hw.h"
#include "models/platform.h"
#include "schedulers/sched.h"
#include "base/error.h"
#include "base/evq.h"
#include "sim/metrics.h"
#include "base/rng.h"
#include "workloads/trace.h"

/* Called for each guest as it completes (jobs.csv).  service is the core
 * time of its longest vCPU; cpu_time the sum over its vCPUs. */
struct sim_job_info {
    const struct guest *guest;
    sim_time_t finish;
    sim_time_t service;
    sim_time_t cpu_time;
};
typedef void (*sim_job_fn)(void *ctx, const struct sim_job_info *job);

/* Called every sample interval (timeline.csv): figures over the last
 * interval for each host. */
struct sim_sample {
    sim_time_t time;       /* end of the interval */
    sim_time_t interval;   /* its length */
    int host;
    double utilization;    /* busy core fraction over the interval */
    double demand;         /* cores demanded: mean over the interval (series guests)
                              or runnable vCPUs at the sample (job guests) */
    double allocated;      /* cores granted: mean over the interval, or placed vCPUs */
    double used;           /* cores used: mean over the interval */
    long runnable;         /* vCPUs queued or running at the sample */
    long running;          /* vCPUs running at the sample */
    long guests;           /* guests in the system (all hosts) */
};
/* Returns the sampling interval wanted from now on (0 = unchanged): a
 * consumer that keeps a bounded number of rows widens it as it merges. */
typedef sim_time_t (*sim_sample_fn)(void *ctx, const struct sim_sample *s);

/* Called when a vCPU leaves a core (Gantt chart): it ran there over
 * [start, end), a switch included. */
struct sim_segment {
    int host, core;
    const struct guest *guest;
    int vcpu;
    sim_time_t start, end;
};
typedef void (*sim_segment_fn)(void *ctx, const struct sim_segment *seg);

/* Called every progress_every events (a long run's progress line): the
 * simulation is between two events; read it, do not change it. */
struct sim;
typedef void (*sim_progress_fn)(void *ctx, const struct sim *sim);
#define SIM_PROGRESS_EVERY 65536   /* default period, events */

/* How a class costs on the modelled hardware, precomputed for the run.
 * NULL tables = ideal hardware. */
struct sim_hw_tables {
    size_t nclasses;
    const struct hw_rates *rates;       /* [nclasses] */
    const sim_time_t *switch_cost;      /* [(nclasses + 1) * nclasses]: row from+1, col to */
    const char *const *class_names;     /* [nclasses], index 0 = default */
};

enum sim_placement {
    SIM_PLACE_FIRST_FIT,   /* the first host (by index) where the guest fits */
    SIM_PLACE_BEST_FIT,    /* the tightest fit: least free memory left, then fewest slots */
    SIM_PLACE_WORST_FIT,   /* the loosest fit: most free memory left, then most slots */
};

/* One host of a heterogeneous platform (--platform). */
struct sim_host_spec {
    int cores;                          /* >= 1 */
    double mem_mb;                      /* 0 = unlimited */
    const struct sim_hw_tables *hw;     /* its hardware; NULL = the run's (p.hw) */
};

struct sim_params {
    int nhosts;                 /* >= 1 */
    int ncores;                 /* cores per host, >= 1 (without host_specs) */
    double host_mem_mb;         /* 0 = unlimited (without host_specs) */
    const struct sim_host_spec *host_specs; /* [nhosts], NULL = nhosts identical hosts */
    const struct sched_ops *sched;
    struct sched_params sched_params;
    struct sim_hw_tables hw;
    uint64_t seed, rep;         /* random streams */
    long warmup;                /* completions left out of the statistics */
    sim_time_t sample;          /* timeline interval, 0 = no sampling */
    /* VM exits as individual Poisson events on each running vCPU, each
     * charged its cost (true), or as a rate folded into the progress
     * rate (false, the fluid model).  docs/MODEL.md. */
    bool discrete_exits;
    /* A guest that does not fit in any host's free memory is rejected
     * (true) or waits in a FIFO admission queue (false, the default). */
    bool admission_reject;
    enum sim_placement placement;
    const struct alloc_ops *alloc;      /* CPU allocator (allocators/alloc.h) */
    struct alloc_params alloc_params;
    double overcommit;          /* a host takes at most overcommit x cores vCPUs; 0 = no limit */
    sim_job_fn on_job;          /* optional */
    sim_sample_fn on_sample;    /* optional */
    sim_segment_fn on_segment;  /* optional */
    /* Check the engine's invariants after every event (tests, and
     * HVSIM_CHECK=1 in the environment of `hvsim run`): costs O(cores)
     * per event.  Violations are counted in sim->violations and the
     * first is described in sim->violation. */
    bool check_invariants;
    void *cb_ctx;
    sim_progress_fn on_progress; /* optional, called with progress_ctx */
    uint64_t progress_every;    /* events between calls, 0 = SIM_PROGRESS_EVERY */
    void *progress_ctx;
};
void sim_params_init(struct sim_params *p);

struct sim {
    sim_time_t now;
    struct evq evq;
    struct sim_rng rng;
    struct sim_params p;
    struct host *hosts;
    struct pcpu *cores;          /* all cores, host-major */
    int ncores_total;
    struct sim_metrics metrics;
    /* workload */
    struct trace_reader *source;
    struct trace_record pending; /* the next guest, read ahead */
    bool have_pending;
    struct sim_event arrival_ev;
    uint64_t next_guest_seq;
    struct guest *free_guests;   /* completed guests, reused */
    struct guest *admit_head, *admit_tail; /* waiting for memory, FIFO */
    long live_guests;            /* allocated and not freed: bounded by the system */
    long peak_live_guests;
    /* timeline */
    struct sim_event sample_ev;
    sim_time_t last_sample;
    double *sample_busy;         /* per host: busy ns at the last sample */
    double *sample_acc;          /* per host: demand, grant, used core-s at the last sample */
    struct sim_event realloc_ev; /* the allocator's interval */
    int mode;                    /* 0 = no guest yet, 1 = job guests, 2 = series guests */
    long violations;
    char violation[256];
    /* a bad record met during the run stops it */
    int status;
    struct sim_error error;
};

/* The rng of the simulation (workload generators draw from it). */
int sim_create(struct sim **out, const struct sim_params *p, struct sim_error *err);
void sim_destroy(struct sim *sim);

/* Run the whole workload from source (opened by the caller, who also
 * closes it).  Returns 0, or the error of a bad record with its location. */
int sim_run(struct sim *sim, struct trace_reader *source, struct sim_error *err);

/* The figures of a finished run (wall_seconds is filled by the caller). */
void sim_result(const struct sim *sim, struct sim_result *r);

static inline sim_time_t sim_now(const struct sim *sim) { return sim->now; }

/* Class index of a name ("" = default), -1 if unknown. */
int sim_class_find(const struct sim_hw_tables *hw, const char *name);

#endif /* SIM_ENGINE_H */
