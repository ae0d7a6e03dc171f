/*
 * sim/engine.h - one simulation: the context that holds all of its state
 * (clock, event queue, random streams, platform, policies, metrics), so
 * that several can run side by side in one process (replications, tests).
 *
 * Life cycle: sim_create(experiment, replication) -> sim_run(source) ->
 * sim_result() -> sim_destroy().  The workload source is pulled one
 * record at a time.  struct sim is opaque outside sim/.
 */
#ifndef SIM_ENGINE_H
#define SIM_ENGINE_H

#include "allocators/alloc.h"
#include "allocators/place.h"
#include "base/error.h"
#include "base/evq.h"
#include "base/registry.h"
#include "base/rng.h"
#include "consolidation/cons.h"
#include "consolidation/power.h"
#include "models/hw.h"
#include "models/platform.h"
#include "schedulers/sched.h"
#include "sim/metrics.h"
#include "workloads/trace.h"

/* Called for each guest as it completes (jobs.csv).  service is the core
 * time of its longest vCPU; cpu_time the sum over its vCPUs. */
struct sim_job_info {
    const struct guest *guest;
    sim_time_t finish;
    sim_time_t service;
    sim_time_t cpu_time;
    long host_vcpus;       /* vCPUs placed on its host as it completed, its own included */
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
    double queued_mean;    /* vCPUs waiting in its queues, mean over the interval */
    double power_w;        /* mean power over the interval, W; NAN = no power table */
    double energy_kwh;     /* its energy so far, kWh; NAN = no power table */
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

/* Called when a vCPU's burst ends (the VM model): it became runnable at
 * `woke` (a wake, or its guest's arrival) and its burst ended at `end`,
 * so end - woke is the burst's response time. */
struct sim_burst {
    const struct vcpu *vcpu;
    sim_time_t woke, end;
};
typedef void (*sim_burst_fn)(void *ctx, const struct sim_burst *b);

/* Called for each host at the end of a run that meters energy or
 * consolidates (hosts.csv). */
struct sim_host_report {
    int host;
    const char *power;     /* its power model's name, NULL = none */
    int cores;
    double speed;          /* per core, against the reference core */
    double energy_kwh;     /* NAN without a power table */
    double on_seconds;     /* switched on */
    long shutdowns;        /* on -> off */
    long migrations_in, migrations_out;
};
typedef void (*sim_host_fn)(void *ctx, const struct sim_host_report *h);

/* Called every progress_every events (a long run's progress line). */
struct sim_progress {
    sim_time_t now;        /* simulated time */
    long records_read;     /* guests read from the workload so far */
    uint64_t events;       /* events processed so far */
    sim_time_t series_end; /* latest end of a utilisation series read so far, 0 = none */
    bool all_read;         /* the workload has no more guests to read */
    /* As last counted (every few hundred events per guest in the system):
     * the work of the job guests (one burst of fixed work per vCPU) read
     * and not rejected, reference core-seconds, and how much of it was
     * still to do; 0 and 0 when there are none. */
    double work_total, work_left;
};
typedef void (*sim_progress_fn)(void *ctx, const struct sim_progress *p);
#define SIM_PROGRESS_EVERY 65536   /* default period, events */

/* How a class costs on the modelled hardware, precomputed for the run.
 * NULL rates = ideal hardware (every cost 0). */
struct sim_hw_tables {
    size_t nclasses;
    const struct hw_rates *rates;       /* [nclasses] */
    const struct hw_rates *rates_blocking; /* [nclasses]: for vCPUs that block (no HLT rate) */
    const sim_time_t *switch_cost;      /* [(nclasses + 1) * nclasses]: row from+1, col to */
    const sim_time_t *migration_cost;   /* [nclasses]: a start on another core */
    sim_time_t hlt_cost;                /* a block: the HLT exit and re-entry */
    sim_time_t halt_poll;               /* polling after a block, before the vCPU sleeps */
    sim_time_t ipi_cost;                /* a wake on another core */
    const char *const *class_names;     /* [nclasses], index 0 = default */
    const struct dist *const *bursts;   /* [nclasses]: burst lengths (s) of series guests */
    /* Spinlocks (sim/cosched.c): NULL on ideal hardware, where no vCPU spins. */
    const double *spin_fraction;        /* [nclasses]: fraction of a burst holding a spinlock */
    const sim_time_t *critical_section; /* [nclasses]: ns held each time */
    struct hw_ple ple;                  /* PAUSE-loop exiting (window 0 = none) */
};

/* One host of the platform. */
struct sim_host_spec {
    int cores;                          /* >= 1 */
    int sockets;                        /* 0 or 1 = one; cores split evenly among them */
    double mem_mb;                      /* 0 = unlimited */
    const struct sim_hw_tables *hw;     /* its hardware; NULL = the experiment's (x->hw) */
    const char *hw_name;                /* its profile's name, for reports; NULL = the experiment's */
    /* [hw's nclasses]: the cores a class's vCPUs may run on here, as a
     * cpuset (bit k = core k), 0 = every core; NULL = none pinned.  A
     * guest's own affinity (the trace's) takes precedence. */
    const uint64_t *class_affinity;
    /* Consolidation and energy (sim/consolidate.c).  speed: one core's
     * speed against the reference core (0 = 1; CloudSim's MIPS / 1000);
     * power: its SPECpower table (borrowed), NULL = not metered; link:
     * its network link in Mbit/s, which migrations share (0 = 1000). */
    double speed;
    const struct cons_power *power;
    double link_mbit;
};

/*
 * The resolved experiment: everything a run needs except the workload
 * source, after every option, config key and platform file has been read.
 * The command line builds it; the engine and every output read only this.
 * It owns the host list and the policies' parameter values; the hardware
 * tables are borrowed (they must outlive it).  Replications share one.
 */
struct sim_experiment {
    int nhosts;                         /* >= 1 */
    struct sim_host_spec *hosts;        /* [nhosts], owned */
    struct sim_hw_tables hw;            /* hardware of hosts without their own */
    const char *hw_name;                /* its profile's name ("none" = ideal) */
    struct policy_choice sched;         /* vCPU scheduler, per host (schedulers/sched.h) */
    struct policy_choice alloc;         /* CPU allocator (allocators/alloc.h) */
    struct policy_choice place;         /* placement across hosts (allocators/place.h) */
    double overcommit;                  /* a host takes at most overcommit x cores vCPUs; 0 = no limit */
    /* A guest that does not fit in any host's free memory is rejected
     * (true) or waits in a FIFO admission queue (false). */
    bool admission_reject;
    /* VM exits as individual Poisson events on each running vCPU, each
     * charged its cost (true), or as a rate folded into the progress
     * rate (false, the fluid model).  docs/MODEL.md. */
    bool discrete_exits;
    /* With discrete_exits: every exit an event of its own (true,
     * --exit-model discrete-events: the reference, slow), or the exits of
     * each run segment drawn as Poisson counts (false; sim/exits.c). */
    bool exit_events;
    /* Guests with a utilisation series as fluids (true, --model fluid) or
     * as on/off processes of vCPUs that the scheduler runs (false). */
    bool fluid;
    sim_time_t cap_period;              /* period of the engine's caps, 0 = 100 ms */
    /* Co-scheduling of a VM's vCPUs (sim/cosched.c, docs/MODEL.md): none,
     * strict (a gang: they start and stop together) or relaxed (VMware's:
     * a vCPU that leads a sibling by cosched_skew is co-stopped). */
    enum sim_cosched { SIM_COSCHED_NONE, SIM_COSCHED_STRICT, SIM_COSCHED_RELAXED } cosched;
    sim_time_t cosched_skew;            /* relaxed: the skew threshold, 0 = SIM_COSCHED_SKEW */
    bool rigid;                         /* a job's vCPUs start together (--rigid) */
    sim_time_t horizon;                 /* the run stops at this time, 0 = when the work is done */
    /* A platform of several hosts without a consolidation manager or
     * power tables runs host by host between the run's own events
     * (sim/shards.c): on this many threads (0 or 1 = the calling thread
     * alone).  The results are the same for every value. */
    int threads;
    uint64_t seed;                      /* random streams derive from (seed, replication) */
    long warmup;                        /* completions left out of the statistics */
    sim_time_t sample;                  /* timeline interval, 0 = no sampling */
    /* Dynamic consolidation (sim/consolidate.c): the manager's policies
     * with their knobs (owned), its seed and its quirk switches (hvsim's
     * default: none of CloudSim's).  Detector none = no migrations. */
    struct cons_config cons;
    /* Hosts with power tables draw P(u) and switch off when empty (true),
     * or every host draws its peak all the time (false: CloudSim's
     * non-power-aware baseline). */
    bool power_aware;
};

/* Relaxed co-scheduling's default skew threshold (docs/MODEL.md). */
#define SIM_COSCHED_SKEW SIM_MS(3)

/* One host of 1 core, ideal hardware, every policy the default of its
 * family with default knobs, seed 1.  Returns 0 (an error is a bad
 * declaration of a default policy's knob). */
int sim_experiment_init(struct sim_experiment *x, struct sim_error *err);
/* nhosts identical hosts of ncores cores and mem_mb memory (0 = unlimited). */
void sim_experiment_uniform(struct sim_experiment *x, int nhosts, int ncores, double mem_mb);
/* The hosts of specs[0..n-1] (copied). */
void sim_experiment_hosts(struct sim_experiment *x, const struct sim_host_spec *specs, int n);
/* Total cores of the platform. */
long sim_experiment_cores(const struct sim_experiment *x);
void sim_experiment_release(struct sim_experiment *x);

/* What a run reports as it goes, and how it is watched; all optional. */
struct sim_hooks {
    sim_job_fn on_job;
    sim_sample_fn on_sample;
    sim_segment_fn on_segment;
    sim_burst_fn on_burst;
    sim_host_fn on_host;
    void *cb_ctx;               /* passed to the five above */
    /* on_job reads each guest's own latency sets (guest->lat, e.g. for
     * jobs.csv); without it they are not kept (NULL) */
    bool vm_latency;
    sim_progress_fn on_progress;
    uint64_t progress_every;    /* events between calls, 0 = SIM_PROGRESS_EVERY */
    void *progress_ctx;
    /* Check the engine's invariants after every event (tests, and
     * HVSIM_CHECK=1 in the environment of `hvsim run`): costs O(cores)
     * per event.  Violations are counted (sim_violations). */
    bool check_invariants;
};

struct sim;   /* opaque: one run */

/* A run of x (which must outlive it) as replication rep, with hooks
 * (copied; NULL = none).  SIM_EINVAL for a platform without hosts or
 * cores, or an error of a policy's init. */
int sim_create(struct sim **out, const struct sim_experiment *x, uint64_t rep,
               const struct sim_hooks *hooks, struct sim_error *err);
void sim_destroy(struct sim *sim);

/* Run the whole workload from source (opened by the caller, who also
 * closes it).  Returns 0, or the error of a bad record with its location. */
int sim_run(struct sim *sim, struct trace_reader *source, struct sim_error *err);

/* The figures of a finished run (wall_seconds is filled by the caller). */
void sim_result(const struct sim *sim, struct sim_result *r);

/* The run's accumulated measurements (batch means, tests). */
const struct sim_metrics *sim_metrics(const struct sim *sim);

/* Core time all cores were busy so far, ns (work and overhead). */
sim_time_t sim_busy_ns(const struct sim *sim);

/* Invariant violations seen (with check_invariants), and the first one
 * described in *first (may be NULL). */
long sim_violations(const struct sim *sim, const char **first);

sim_time_t sim_now(const struct sim *sim);

/* Class index of a name ("" = default), -1 if unknown. */
int sim_class_find(const struct sim_hw_tables *hw, const char *name);

#endif /* SIM_ENGINE_H */
