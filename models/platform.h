/*
 * models/platform.h - the simulated objects: guests (VMs) and their vCPUs,
 * hosts and their physical cores (pCPUs).
 *
 * Ownership: the engine (struct sim) owns hosts and cores for the whole
 * run, and each guest from its arrival to its completion, when its
 * metrics are recorded and it goes back to the engine's free list.  A
 * vCPU is embedded in its guest; a scheduler links vCPUs into its run
 * queues through the rq_* fields, which belong to the host's scheduler
 * while the vCPU is queued, and keeps its own state in sched_slot.
 *
 * A vCPU alternates bursts of work and blocked (halted) periods, as its
 * guest's kind says (enum guest_kind, sim/activity.c): a job runs one
 * burst; a closed loop, explicit phases and a utilisation series run many.
 *
 * Work is counted in nanoseconds of reference work: what an ideal,
 * unvirtualised reference core does in that time.  On virtualised
 * hardware a vCPU of class c needs factor(c) = 1 + h(c) ns of core time
 * per ns of work (docs/MODEL.md).
 */
#ifndef MODELS_PLATFORM_H
#define MODELS_PLATFORM_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "base/evq.h"
#include "base/otree.h"
#include "base/latstat.h"
#include "base/types.h"
#include "base/xalloc.h"
#include "models/hw.h"
#include "workloads/trace.h"

/* Where a vCPU is in its life. */
enum vcpu_state {
    VCPU_BLOCKED,      /* halted: waits for its next burst (not runnable) */
    VCPU_QUEUED,       /* runnable, in its scheduler's queues */
    VCPU_RUNNING,      /* on a core (c->running == v) */
    VCPU_THROTTLED,    /* runnable, but its guest's cap budget is spent */
    VCPU_DONE,         /* finished its last burst */
    VCPU_COSTOPPED,    /* runnable, but held back by relaxed co-scheduling (sim/cosched.c) */
};

/* A word of per-vCPU (and per-guest) state that belongs to the
 * scheduling policy (a credit balance, a vruntime, or, as every policy
 * here keeps, a pointer to its own record): zeroed when the guest is
 * placed, before the policy's attach.  One: four were 48 bytes of every
 * one-vCPU guest that rr and fcfs never read and the others used one of. */
union sched_slot {
    int64_t i;
    double d;
    void *p;
};
#define SCHED_SLOTS 1

struct vcpu {
    /* ---- hot: what a dispatch touches (VCPU_HOT_BYTES; the run queues
     * fetch it ahead, schedulers/sched.c) ---- */
    struct guest *guest;
    int index;                 /* 0..nvcpus-1 within the guest */
    enum vcpu_state state;
    sim_time_t work_left;      /* reference ns still to do in its current burst */
    sim_time_t attained;       /* reference ns done (least-attained-service) */
    sim_time_t cpu_time;       /* core ns while running, overhead included */
    struct pcpu *core;         /* where it runs, NULL if not running */
    uint64_t affinity;         /* cores it may run on (bit k = core k), 0 = every core */
    int last_core;             /* index of the core it last ran on, -1 before its first run */
    /* run-queue linkage, owned by the scheduler while queued */
    int rq_cpu;                /* the pCPU whose queue holds it, -1 = a shared queue */
    size_t rq_idx;             /* slot in the scheduler's queue */
    uint64_t rq_seq;           /* enqueue order: FIFO among equal keys */
    bool queued;               /* in a run queue (for assertions) */
    /* accounting (sim/engine.c): times are ns */
    bool awaiting_run;         /* woke and has not run since: a wake-up latency is due */
    bool in_burst;             /* a burst's response (wake -> its end) is due */
    bool woke_remote;          /* its wake may need an IPI (it ran somewhere before) */
    bool spinning;             /* waits for its guest's spinlock (spins while on a core;
                                  sim/cosched.c) */
    sim_time_t since;          /* when it entered its state */
    sim_time_t runnable_ns;    /* time runnable (queued, throttled or running) */
    sim_time_t steal_ns;       /* ... of which not running: queued or throttled */
    /* ---- the policy's state: right after the hot fields, outside
     * them (rr and fcfs never read it; with the guest's hot block the
     * hot fields fit in four cache lines) ---- */
    union sched_slot sched_slot[SCHED_SLOTS];
    /* ---- what wakes, blocks and co-scheduling touch ---- */
    sim_time_t woke;           /* when it last became runnable from blocked (or arrived) */
    double ent_ns;             /* CPU it was entitled to while runnable (sim/engine.c) */
    double ent_mark;           /* its host's entitlement integral when it became runnable */
    sim_time_t ent_from;       /* ... and when */
    /* (its activity's position and wake event, and its co-scheduling and
     * spinlock state, are in its guest's side records, struct
     * guest_activity and struct guest_cosched: a job's vCPU needs none) */
};
/* Where the fields a dispatch touches end. */
#define VCPU_HOT_BYTES offsetof(struct vcpu, sched_slot)

/* Side records: what only some guests use, allocated for those (one
 * pointer each in struct guest, NULL otherwise).  A job guest under the
 * default options has none: with them embedded a one-vCPU job was 960
 * bytes, and 10^5 of them in the system at once (the rr benchmark) were
 * 96 MB.  Each is owned by its guest from when it is made (its arrival,
 * its placement, or the first use: each says) and freed when the guest is
 * released (sim/engine.c guest_release: at its completion, or merged from
 * a shard, or by sim_destroy); a record reused from the free list starts
 * without any. */

/* A vCPU's position in its activity and its wake event (sim/activity.c). */
struct vcpu_activity {
    struct sim_event wake_ev;  /* the end of its block, or its series' next burst */
    struct vcpu *vcpu;         /* whose (the event's handler finds it here) */
    long step;                 /* position in its activity */
    double debt;               /* series: reference seconds of the current interval not yet given out */
};
/* Phases, closed loops and series under the discrete model, from the
 * arrival (sim/activity.c activity_admit). */
struct guest_activity {
    gsl_rng *rng;              /* its own stream (closed loops, series bursts; owned), or NULL */
    struct vcpu_activity v[];  /* one per vCPU */
};

/* A utilisation series' accounting per sample interval, both models
 * (sim/fluid.c; made at the placement, sim/engine.c guest_admit):
 * allocation figures in core-seconds over its life. */
struct series_acct {
    struct sim_event acct_ev;  /* the end of its series' current sample interval */
    struct guest *guest;       /* whose */
    sim_time_t series_start;   /* when its series began (its placement) */
    long acct_step;            /* that interval */
    double acct_used;          /* core-s it had used when the interval began */
    double grant_acc;          /* integral of its grant, core-s, up to grant_last */
    sim_time_t grant_last;
    double acct_grant;         /* grant_acc when the interval began */
    double demand_s, used_s, unmet_s, idle_s;
};

/* The engine's caps on a guest it limits (sim/caps.c), from the first
 * time it does. */
struct guest_caps {
    struct sim_event cap_ev;   /* its budget running out at the present rate */
    struct guest *guest;       /* whose */
    sim_time_t budget;         /* core ns it may still run in cap period budget_period */
    int64_t budget_period;     /* the period its budget was set for, -1 = none yet */
};

/* The allocator's window (sim/engine.c reallocate_timer), in a run whose
 * allocator re-allocates periodically (made at the placement): what a
 * guest's vCPUs were runnable over it, and the wish the allocator reads
 * (allocators/alloc.h reallocate). */
struct alloc_window {
    sim_time_t runnable_acc;   /* integral of its nrunnable (core ns), up to runnable_last */
    sim_time_t runnable_last;
    sim_time_t win_acc;        /* runnable_acc at the start of the window */
    sim_time_t win_from;       /* the window's start (or the guest's placement) */
    double win_wish;           /* cores it wished, on average over the last window */
};

/* The overhead a guest was charged on hardware with costs (a profile's
 * rates, IPIs, halt polling, PAUSE exits), from the first charge (sim/
 * engine.c guest_ovh): on ideal hardware, the default, there is none. */
struct guest_overhead {
    double exit_seconds, walk_seconds, exits; /* VM exits (their count), page walks */
    double poll_seconds;       /* halt polling after its HLT exits */
    double ipi_seconds;        /* wake-up IPIs */
};

/* A vCPU's co-scheduling and spinlock state (sim/cosched.c). */
struct vcpu_cosched {
    sim_time_t progress;       /* relaxed: ns it ran or was halted, up to `since` */
    sim_time_t lock_mark;      /* attained at its next critical-section entry, or (the
                                  holder) at the end of its critical section */
    sim_time_t ple_window;     /* its PAUSE-loop window now, ns */
};
/* Co-scheduling and spinlocks (sim/cosched.c): every guest of a run with
 * --cosched or --rigid, and a guest whose class takes a spinlock (made at
 * the placement, cosched_admit). */
struct guest_cosched {
    struct sim_event cosched_ev; /* relaxed: its next co-stop or co-start */
    struct guest *guest;       /* whose */
    sim_time_t critical_section; /* ns held each time */
    gsl_rng *lock_rng;         /* its spinlock draws (owned), or NULL */
    struct guest *gang_next;   /* strict: its host's list of gangs with a vCPU left out */
    int lock_holder;           /* the vCPU preempted inside a critical section, -1 = none */
    int last_boosted;          /* where KVM's directed yield starts its round (kvm_vcpu_on_spin) */
    bool gang_partial;         /* strict: on that list */
    bool cosched_busy;         /* relaxed: its event is being handled (no re-arming meanwhile) */
    double spin_seconds, costop_seconds; /* core time spinning; vCPU time co-stopped */
    long ple_exits, costops;   /* PAUSE exits; co-stops (a vCPU, or under strict a gang) */
    long lhp;                  /* times a vCPU of it was preempted holding its lock */
    struct vcpu_cosched vc[];  /* one per vCPU */
};

/* The side records only some guests have, other than their activity's
 * and their series': one pointer to them in struct guest, NULL until the
 * first is made (guest_sides_make).  A job under the default options has
 * none, and the five pointers were 40 bytes of each of its records: a
 * one-vCPU job is seven cache lines with them here, eight before. */
struct cons_vm_state;
struct guest_sides {
    struct alloc_window *win;  /* (owned) NULL when the allocator has no window */
    struct guest_caps *caps;   /* (owned) NULL until the engine first limits it */
    struct guest_cosched *co;  /* (owned) NULL unless co-scheduled or taking a spinlock */
    struct guest_overhead *ovh; /* (owned) NULL until it is charged an overhead */
    struct cons_vm_state *cons; /* dynamic consolidation's state (owned by sim/consolidate.c),
                                   NULL when no manager runs */
};

/* A guest whose demand varies over time (a utilisation series from the
 * PlanetLab or Bitbrains readers), under --model fluid, is served as a
 * fluid (sim/fluid.c, which owns this state and its host's). */
struct fluid_guest;
struct fluid_host;

/* A guest's own wake-up latencies and burst responses (coarse sets, 8
 * bins per octave), and its world switches, kept only for a consumer that
 * reads them (sim_hooks.vm_latency: jobs.csv): two sets embedded in every
 * guest were a fifth of its record, zeroed at each arrival, and two more
 * sample additions per burst, in runs that never print them; the switch
 * count took 8 bytes of the hot block (the run's is counted apart). */
struct guest_latency {
    struct latstat wake, burst;
    uint64_t switches;
};

/* What a guest does with its vCPUs. */
enum guest_kind {
    GUEST_JOB,         /* one burst of `work` per vCPU, then done */
    GUEST_PHASES,      /* explicit runs and blocks (the phases format) */
    GUEST_CLOSED,      /* think and burst in a loop (--generate think=,burst=) */
    GUEST_SERIES,      /* a utilisation series as an on/off process per vCPU */
    GUEST_FLUID,       /* a utilisation series served as a fluid (--model fluid) */
};

/* Field order is for the cache: what every dispatch touches (core_start,
 * core_stop, the caps) comes last, right before the vCPUs, 104 bytes
 * from a cache line's start that the run queues fetch with the vCPU's
 * own hot fields ahead of a dispatch (schedulers/sched.c
 * vcpu_fifo_remove; four lines with one vCPU's); before it
 * what wakes, blocks and a profile's rates touch; the trace's
 * description and the per-VM statistics come first, and what only
 * some guests use is in side records (above).  A one-vCPU job's record is
 * then seven whole lines (GUEST_JOB1_LINES): three cold, four hot.  A
 * field added here goes to the part whose paths read it: one
 * read per dispatch outside the hot block costs a cache miss per
 * dispatch on large runs (cachegrind: 10^5 vCPUs under rr). */
struct guest {
    /* ---- cold: what the trace said, read at admission and at the end ---- */
    char *id;                  /* the trace's id (owned), NULL = numbered (guest_id) */
    struct guest *free_next;   /* engine free list, or the admission queue */
    struct fluid_guest *fl;    /* --model fluid state (owned), NULL otherwise */
    int vcpus_left;            /* vCPUs not yet finished */
    int vcpu_cap;              /* vCPUs this allocation can hold */
    double priority;           /* smaller = more important */
    sim_time_t arrival;        /* ns */
    sim_time_t work;           /* reference ns per vCPU (over its life) */
    double mem_mb;
    sim_time_t deadline;       /* absolute ns, < 0 = none */
    size_t host_idx;           /* slot in host->guests */
    /* what its vCPUs do (sim/activity.c) */
    struct activity *activity; /* phases or closed loop (owned), NULL otherwise */
    struct util_series *series; /* utilisation series (owned), NULL otherwise */
    struct guest_activity *act; /* its vCPUs' activity (owned), NULL for a job or a fluid */
    /* allocation (allocators/alloc.h): what it would use (over the
     * allocator's window: its side record, guest_side_win) */
    double wish;               /* cores it would use unconstrained, now */
    /* per-VM figures: wake-up latency, burst response (owned by the
     * record and kept with it when it is reused), NULL when no consumer
     * asked for them (sim_hooks.vm_latency) */
    struct guest_latency *lat;
    long bursts;               /* bursts completed */
    /* side records (above): a series' accounting; the rest behind one
     * pointer (struct guest_sides, read with guest_side_*) */
    struct series_acct *sa;    /* (owned) NULL unless it has a series */
    struct guest_sides *sides; /* (owned) NULL until one of them is made */
    double speed;              /* its vCPUs' speed against the reference core: a series'
                                  demand is util x speed reference cores (trace, 1) */
    /* ---- warm: what a wake, a block, a placement or hardware costs touch ---- */
    double weight;             /* > 0: the trace's share weight */
    uint64_t affinity;         /* cores its vCPUs may run on, 0 = every core */
    union sched_slot sched_slot[SCHED_SLOTS]; /* the policy's per-guest state */
    int nrunnable;             /* its vCPUs queued, running or throttled */
    bool throttled;            /* caps: its budget is spent until the next period */
    bool paused;               /* a live migration's stop-and-copy holds it: it runs
                                  nowhere (sim/migrate.c) */
    /* virtualisation overhead charged by rate (a profile's exits and walks;
     * the overhead itself is in ovh, the IPIs' count the run's only) */
    double done_s;             /* reference work done, s: the base of rate-charged overhead */
    /* (throttled and paused, caps' as well, fill nrunnable's hole: the
     * cold part is a whole number of cache lines, so the hot block starts
     * without padding) */
    /* ---- hot: every dispatch, right before the vCPUs (the run queues
     * fetch it with the vCPU, schedulers/sched.c).  It starts a cache
     * line (the engine allocates guests 64-byte aligned), and with a
     * single vCPU's hot fields it fills four lines (GUEST_HOT_LINES): 10^5
     * vCPUs' dispatch state then stays within a 32 MB last-level cache
     * (five lines did not). ---- */
    _Alignas(64) uint64_t seq; /* trace order, 0-based */
    int cls;                   /* workload class index (models/hw.h) */
    int nvcpus;
    const struct hw_rates *rates; /* its class's costs on its host, NULL = ideal */
    enum guest_kind kind;
    int nrunning;              /* its vCPUs on cores */
    struct host *host;         /* where it was placed */
    sim_time_t first_start;    /* first dispatch of any vCPU, -1 before */
    /* allocation: its grant and cap, enforced by the engine (sim/caps.c)
     * unless the policy does */
    double grant;              /* what its allocator grants: a cap on its core time */
    double cap;                /* the trace's own cap, 0 = none */
    double mig_cap;            /* a live migration serves at most this many cores of it
                                  (sim/migrate.c), 0 = no such limit */
    /* switches and moves (the count of switches: lat) */
    double switch_seconds;
    double migration_seconds;
    long migrations;
    double spin_fraction;      /* its class's, on its host; 0 = it takes no spinlock
                                  (sim/cosched.c; read at every start and stop) */
    struct vcpu vcpu[];        /* nvcpus of them */
};
/* The guest's hot block and its first vCPU's hot fields, in cache lines. */
#define GUEST_HOT_LINES 4
_Static_assert(offsetof(struct guest, vcpu) - offsetof(struct guest, seq) + VCPU_HOT_BYTES <=
                   GUEST_HOT_LINES * 64,
               "a dispatch's fields of a one-vCPU guest fit in GUEST_HOT_LINES cache lines");
/* A one-vCPU job guest's whole record (the pool rounds it to 64 bytes;
 * a job has no side record under the default options): 10^5 of them live
 * at once are most of the rr benchmark's peak memory (960 bytes each
 * before the side records, 51 MB more; 512 with the five of struct
 * guest_sides as pointers of their own).  A field added to the cold part
 * or to a vCPU takes an eighth line: put it where only its users pay. */
#define GUEST_JOB1_LINES 7
_Static_assert(offsetof(struct guest, vcpu) + sizeof(struct vcpu) <= GUEST_JOB1_LINES * 64,
               "a one-vCPU job guest's record fits in GUEST_JOB1_LINES cache lines");

/* g's side records (struct guest_sides), or NULL where it has none. */
static inline struct alloc_window *guest_side_win(const struct guest *g)
{
    return g->sides ? g->sides->win : NULL;
}
static inline struct guest_caps *guest_side_caps(const struct guest *g)
{
    return g->sides ? g->sides->caps : NULL;
}
static inline struct guest_cosched *guest_side_co(const struct guest *g)
{
    return g->sides ? g->sides->co : NULL;
}
static inline struct guest_overhead *guest_side_ovh(const struct guest *g)
{
    return g->sides ? g->sides->ovh : NULL;
}
static inline struct cons_vm_state *guest_side_cons(const struct guest *g)
{
    return g->sides ? g->sides->cons : NULL;
}
/* g's side records for setting one: made (all NULL) on first use, freed
 * with the guest (sim/engine.c guest_release). */
static inline struct guest_sides *guest_sides_make(struct guest *g)
{
    if (!g->sides)
        g->sides = xcalloc(1, sizeof *g->sides);
    return g->sides;
}

/* g's overhead and co-scheduling figures for reading: a record of zeros
 * when it has none (it was never charged, or never co-scheduled). */
static inline const struct guest_overhead *guest_overhead_of(const struct guest *g)
{
    static const struct guest_overhead none;
    const struct guest_overhead *o = guest_side_ovh(g);
    return o ? o : &none;
}
static inline const struct guest_cosched *guest_cosched_of(const struct guest *g)
{
    static const struct guest_cosched none;
    const struct guest_cosched *co = guest_side_co(g);
    return co ? co : &none;
}

/* The cpuset of cores 0..n-1. */
static inline uint64_t cpuset_upto(int n)
{
    return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

/* May v run on core k of its host?  (Cores past 63 cannot be named in an
 * affinity: a pinned vCPU never runs there.) */
static inline bool vcpu_may_run(const struct vcpu *v, int k)
{
    return v->affinity == 0 || (k < 64 && ((v->affinity >> k) & 1));
}

/* A physical CPU of a host. */
struct pcpu {
    struct host *host;
    int index;                 /* within the host */
    int socket;                /* its socket within the host, 0-based */
    struct vcpu *running;      /* NULL = idle (or polling) */
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
    bool resched;              /* asked to pick again at the end of the instant */
    sim_time_t slice_base;
    sim_time_t busy_since;     /* when the current busy period began */
    sim_time_t busy_total;     /* core ns busy (work + overhead) */
    /* halt polling: a vCPU that just blocked, the core spinning for it */
    struct vcpu *poller;       /* NULL = not polling */
    sim_time_t poll_from, poll_end; /* the polling window; the HLT exit before poll_from */
    struct sim_event ev;       /* completion / quantum end of the running vCPU */
    struct sim_event exit_ev;  /* next VM exit of the running vCPU (discrete model) */
    struct sim_event poll_ev;  /* the end of the polling window */
    struct sim_event lock_ev;  /* its vCPU's next critical-section entry or release, or its
                                  next PAUSE exit (sim/cosched.c) */
    bool ple_yield;            /* lock_ev ends a PAUSE exit: the spinner yields then */
};

struct sim_hw_tables;
struct host_rooms;

/* A host's entry in the index of hosts by room (models/rooms.h): its key
 * as it was when it was filed (the host itself may have changed since). */
struct room_node {
    struct otree_node node;
    double mem_room, slot_room;   /* place_compare_room's key, then the host's index */
    double fit_mem, fit_vcpus;    /* what host_fits allows (INFINITY: no limit) */
    double max_mem, max_vcpus;    /* ... the most of them in the subtree */
    bool filed;                   /* in the tree */
    bool dirty;                   /* changed since it was filed: on the dirty list */
    struct host *next_dirty;
};

struct host {
    int index;
    int ncores;
    double speed;              /* a core's speed against the reference core (1) */
    int nsockets;              /* sockets; cores are split evenly among them */
    const struct sim_hw_tables *hw; /* its hardware's costs (sim/engine.h) */
    const uint64_t *class_affinity; /* [classes]: cores a class may use, 0 = all; or NULL */
    double mem_mb;             /* capacity, 0 = unlimited */
    double mem_used;
    long vcpus_placed;         /* vCPUs of the guests placed here (overcommit) */
    double vcpu_limit;         /* at most this many placed vCPUs (overcommit x cores), 0 = none */
    struct pcpu *cores;        /* ncores of them */
    struct sched *sched;       /* this host's scheduler instance */
    int nrunnable;             /* vCPUs queued or running here */
    int nqueued;               /* vCPUs in its scheduler's queues */
    int nidle;                 /* cores with nothing running */
    int nfree_running;         /* cores whose quantum runs on unarmed (pcpu) */
    int nresched;              /* cores with resched set */
    int npinned;               /* vCPUs placed here with an affinity */
    int nseries;               /* guests placed here with a utilisation series */
    uint64_t *idle_bits;       /* bit k set = core k idle: dispatch finds the
                                  lowest idle core without scanning them all */
    struct sim_event dispatch_ev; /* deferred dispatch at the end of an instant */
    struct sim_event tick_ev;  /* the policy's periodic tick */
    /* every guest placed here */
    struct guest **guests;
    size_t nguests, guestcap;
    /* time integrals for the timeline and the fairness index */
    double queued_acc;         /* integral of nqueued dt, vCPU-ns */
    sim_time_t queued_last;
    double weight_runnable;    /* sum of the weights of its runnable vCPUs */
    double ent_integral;       /* integral of min(1, cores / weight_runnable) dt per unit weight, ns */
    sim_time_t ent_last;
    /* utilisation-series guests under --model fluid (sim/fluid.c) */
    struct guest **fluid;      /* the fluid guests placed here */
    size_t nfluid, fluidcap;
    struct fluid_host *fh;     /* their water level and indexes (sim/fluid.c, owned), or NULL */
    struct sim_event refluid_ev;  /* recompute their rates at the end of an instant */
    double sum_demand, sum_grant, sum_used;   /* cores, now */
    double acc_demand, acc_grant, acc_used;   /* core-seconds, up to acc_last */
    sim_time_t acc_last;
    /* the index of the platform's hosts by room (models/rooms.h), for
     * best and worst fit; NULL outside the engine */
    struct host_rooms *rooms;
    struct room_node room;
    /* its series guests under --model discrete, for the timeline */
    double ser_demand, ser_grant;             /* cores, now */
    double ser_acc_demand, ser_acc_grant;     /* core-seconds, up to ser_last */
    sim_time_t ser_last;
    /* gangs (--cosched strict, --rigid; sim/cosched.c) */
    struct guest *gang_wait;   /* the gang its idle cores are held for, NULL = none */
    struct guest *gang_partial; /* running gangs with a vCPU left out (strict) */
    int held;                  /* idle cores held for gang_wait */
    sim_time_t held_last;      /* held counts up to here */
    double held_ns;            /* core ns held idle for gangs */
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
