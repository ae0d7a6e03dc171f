/*
 * models/platform.h - the simulated objects: guests (VMs) and their vCPUs,
 * hosts and their physical cores (pCPUs).
 *
 * Ownership: the engine (struct sim) owns hosts and cores for the whole
 * run, and each guest from its arrival to its completion, when its
 * metrics are recorded and it goes back to the engine's free list.  A
 * vCPU is embedded in its guest; a scheduler links vCPUs into its run
 * queue through the rq_* fields, which belong to the host's scheduler
 * while the vCPU is queued.
 *
 * Work is counted in nanoseconds of reference work: what an ideal,
 * unvirtualised reference core does in that time.  On virtualised
 * hardware a vCPU of class c needs factor(c) = 1 + h(c) ns of core time
 * per ns of work (docs/MODEL.md).
 */
#ifndef MODELS_PLATFORM_H
#define MODELS_PLATFORM_H

#include "base/evq.h"
#include "base/types.h"
#include "workloads/trace.h"

struct vcpu {
    struct guest *guest;
    int index;                 /* 0..nvcpus-1 within the guest */
    sim_time_t work_left;      /* reference ns still to do */
    sim_time_t attained;       /* reference ns done (least-attained-service) */
    sim_time_t cpu_time;       /* core ns while running, overhead included */
    struct pcpu *core;         /* where it runs, NULL if not running */
    /* run-queue linkage, owned by the scheduler while queued */
    size_t rq_idx;             /* slot in the scheduler's queue */
    uint64_t rq_seq;           /* enqueue order: FIFO among equal keys */
    bool queued;               /* in a run queue (for assertions) */
};

/* A guest whose demand varies over time (a utilisation series from the
 * PlanetLab or Bitbrains readers) is served as a fluid (sim/fluid.c):
 * reference work arrives at rate util(t) x vcpus, waits in a backlog, and
 * is served at the rate of the core time the host gives it, at most its
 * grant (the cap its allocator sets).  Owned by its guest. */
struct fluid_guest {
    struct util_series *series;  /* owned */
    size_t step;                 /* sample in force; == series->n once it ended */
    sim_time_t step_end;         /* when the next sample starts */
    double rate;                 /* reference work arriving, cores (util x vcpus) */
    double backlog;              /* reference CPU-seconds arrived, not yet served */
    double grant;                /* cores allocated: a cap on its core time */
    double wish;                 /* cores of core time it would use unconstrained */
    double used;                 /* cores of core time it gets */
    bool backlogged;             /* has a backlog: wishes all its vCPUs */
    double claim, cap, level;    /* its share of a short host (sim/fluid.c host_share) */
    sim_time_t last;             /* the integrals below run up to here */
    size_t idx;                  /* slot in host->fluid */
    struct sim_event ev;         /* next sample, or the backlog running dry */
    double win_wish;             /* core-seconds wished in the current allocation window */
    sim_time_t win_from;         /* ... counted from here */
    struct guest *guest;         /* back to the owner */
    /* core-seconds over its life: */
    double demand_s;             /* the trace's demand, rate x (1 + h) */
    double unmet_s;              /* demanded but not granted: (demand - used)+ */
    double idle_s;               /* granted but not used: (grant - used)+ */
    double used_s;
};

/* Field order is for the cache: what every dispatch touches comes first,
 * next to the vCPUs; the trace id and the accounting come last. */
struct guest {
    uint64_t seq;              /* trace order, 0-based */
    int cls;                   /* workload class index (models/hw.h) */
    int nvcpus;
    int vcpus_left;            /* vCPUs not yet finished */
    int vcpu_cap;              /* vCPUs this allocation can hold */
    sim_time_t first_start;    /* first dispatch of any vCPU, -1 before */
    uint64_t switches;
    double switch_seconds;
    double priority;           /* smaller = more important */
    double weight;             /* > 0 */
    struct host *host;         /* where it was placed */
    sim_time_t arrival;        /* ns */
    sim_time_t work;           /* reference ns per vCPU */
    double mem_mb;
    sim_time_t deadline;       /* absolute ns, < 0 = none */
    /* virtualisation overhead accounting (seconds / counts) */
    double done_s;             /* reference work done, s: the base of rate-charged overhead */
    double exit_seconds, walk_seconds, exits;
    char *id;                  /* the trace's id (owned), NULL = numbered (guest_id) */
    struct fluid_guest *fl;    /* utilisation-series state (owned), NULL = a job guest */
    struct guest *free_next;   /* engine free list, or the admission queue */
    struct vcpu vcpu[];        /* nvcpus of them */
};

struct pcpu {
    struct host *host;
    int index;                 /* within the host */
    struct vcpu *running;      /* NULL = idle */
    /* The last vCPU that ran here, by identity (guest seq, vCPU index):
     * a pointer could be reused by a later guest.  last_guest is
     * UINT64_MAX before the first dispatch. */
    uint64_t last_guest;
    int last_vcpu;
    int last_cls;              /* its class, -1 if none yet */
    sim_time_t run_from;       /* work accrues from here (after a switch) */
    sim_time_t slice_end;      /* end of the current quantum, SIM_TIME_MAX = none */
    /* A quantum that ended with nobody waiting is not renewed one by one:
     * the core runs on "free" from slice_base, and when a vCPU becomes
     * ready its next quantum boundary, slice_base + k x quantum, is armed
     * (the same instants, without an event per idle quantum). */
    bool free_running;
    sim_time_t slice_base;
    sim_time_t busy_since;     /* when the current busy period began */
    sim_time_t busy_total;     /* core ns busy (work + overhead) */
    struct sim_event ev;       /* completion / quantum end of the running vCPU */
    struct sim_event exit_ev;  /* next VM exit of the running vCPU (discrete model) */
};

struct sim_hw_tables;

struct host {
    int index;
    int ncores;
    const struct sim_hw_tables *hw; /* its hardware's costs (sim/engine.h) */
    double mem_mb;             /* capacity, 0 = unlimited */
    double mem_used;
    long vcpus_placed;         /* vCPUs of the guests placed here (overcommit) */
    double vcpu_limit;         /* at most this many placed vCPUs (overcommit x cores), 0 = none */
    struct pcpu *cores;        /* ncores of them */
    struct sched *sched;       /* this host's scheduler instance */
    int nrunnable;             /* vCPUs queued or running here */
    int nidle;                 /* cores with nothing running */
    int nfree_running;         /* cores whose quantum runs on unarmed (pcpu) */
    uint64_t *idle_bits;       /* bit k set = core k idle: dispatch finds the
                                  lowest idle core without scanning them all */
    struct sim_event dispatch_ev; /* deferred dispatch at the end of an instant */
    /* utilisation-series guests (sim/fluid.c) */
    struct guest **fluid;      /* the fluid guests placed here */
    size_t nfluid, fluidcap;
    struct guest **fluid_tmp;  /* scratch for sharing the cores */
    size_t fluid_tmpcap;
    struct sim_event refluid_ev;  /* recompute their rates at the end of an instant */
    double sum_demand, sum_grant, sum_used;   /* cores, now */
    double acc_demand, acc_grant, acc_used;   /* core-seconds, up to acc_last */
    sim_time_t acc_last;
};

/* Does g fit on h now?  Memory is a hard limit; CPU only through the
 * overcommit limit. */
static inline bool host_fits(const struct host *h, const struct guest *g)
{
    if (h->mem_mb > 0 && h->mem_used + g->mem_mb > h->mem_mb)
        return false;
    if (h->vcpu_limit > 0 && (double)(h->vcpus_placed + g->nvcpus) > h->vcpu_limit)
        return false;
    return true;
}

/* Would g fit on h if h were empty? */
static inline bool host_could_fit(const struct host *h, const struct guest *g)
{
    if (h->mem_mb > 0 && g->mem_mb > h->mem_mb)
        return false;
    if (h->vcpu_limit > 0 && (double)g->nvcpus > h->vcpu_limit)
        return false;
    return true;
}

/* The guest's id as text: the trace's, or its 1-based trace position
 * (formatted only when someone asks: most runs never print ids). */
const char *guest_id(const struct guest *g, char buf[TRACE_ID_MAX]);

#endif /* MODELS_PLATFORM_H */
