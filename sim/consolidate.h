/*
 * sim/consolidate.h - dynamic consolidation and energy inside the event
 * engine: the hosts' power meters and their switching on and off, the
 * consolidation manager (consolidation/cons.h) run every --interval on
 * what a monitor measures, live migrations (sim/migrate.c) and CloudSim's
 * SLA metrics (consolidation/sla.h) from the engine's own accounting, in
 * both models (series guests as fluids or as on/off vCPUs).  Part of the
 * engine: sim/engine.c calls the hooks below; docs/MODEL.md,
 * "Consolidation and energy", says what they model.
 *
 * Active when a host has a power table or the detector is not none;
 * otherwise sim->cons is NULL and every hook returns at once.
 */
#ifndef SIM_CONSOLIDATE_H
#define SIM_CONSOLIDATE_H

#include "consolidation/sla.h"
#include "sim/engine-private.h"

/* ---- hooks of sim/engine.c ---- */

/* sim_create: set up (sim->cons stays NULL when there is nothing to
 * do).  Returns 0 (an error is a policy's bad declaration). */
int consolidate_create(struct sim *sim, struct sim_error *err);
void consolidate_destroy(struct sim *sim);
/* sim_run, before the first event: the manager's first tick. */
void consolidate_start(struct sim *sim);
/* While consolidating (a detector other than none) the manager places
 * arriving guests: *out = a host where g fits, or NULL; false when the
 * engine's --place decides. */
bool consolidate_place(struct sim *sim, const struct guest *g, struct host **out);
/* Would the manager place g on h if h were empty (CPU only: the engine
 * asks about memory and vCPU slots)?  True when it is not placing. */
bool consolidate_could_place(const struct sim *sim, const struct guest *g, const struct host *h);
/* g has just been placed on g->host. */
void consolidate_admitted(struct sim *sim, struct guest *g);
/* g completes: still on its host (a migration of it is given up)... */
void consolidate_leaving(struct sim *sim, struct guest *g);
/* ... and h no longer holds it. */
void consolidate_left(struct sim *sim, struct host *h);
/* h's power over a timeline sample that ends now, and its energy so far. */
void consolidate_sample(struct sim *sim, struct host *h, struct sim_sample *s);
/* The run ended: close the meters, report every host (hooks.on_host). */
void consolidate_finish(struct sim *sim);
/* The run's figures (NAN where they do not apply). */
void consolidate_result(const struct sim *sim, struct sim_result *r);

/* ---- shared by sim/consolidate.c and sim/migrate.c ---- */

struct sim_migration;

/* Per guest while a manager or a meter runs (g->cons, owned by sim_cons). */
struct cons_vm_state {
    int idx;                     /* its slot in the view (cons_dc.vms) */
    int sla_id;                  /* its id in the SLA metrics, stable for its life */
    double dirty_mb_s, wws_mb;   /* of its workload class (pre-copy) */
    double req_mips, got_mips;   /* demand and service over the last tick window (MIPS) */
    double hist[CONS_HISTORY_MAX];   /* utilisation it got per tick, newest first */
    int hist_len;
    sim_time_t win_t;            /* the tick window: since then, */
    double win_demand, win_done; /* ... reference core-s asked and done at its start */
    sim_time_t seg_t;            /* the SLA segment in progress: since then, */
    double seg_demand, seg_done; /* ... the same */
    bool seg_migrating;
    long dem_k;                  /* its demand so far, cached: the samples before dem_k */
    double dem_acc;
    struct sim_migration *mig;   /* under way or waiting, NULL = none */
};

/* Per host. */
struct cons_host_state {
    double link_mbit;
    bool on;
    sim_time_t on_since;
    double on_s;
    long shutdowns, mig_in, mig_out;
    /* the meter: since seg_t, P(mean utilisation) x time */
    sim_time_t seg_t;
    double seg_busy, seg_cpu;    /* busy core-s and migration core-s at its start */
    double smp_energy_j;         /* energy metered at the host's last timeline sample */
    double cpu_cores;            /* cores migrations keep busy now */
    double cpu_acc;              /* their core-s up to cpu_t */
    sim_time_t cpu_t;
    double energy_j;
    /* the tick window: busy and migration core-s at its start */
    sim_time_t win_t;
    double win_busy, win_cpu;
    double util;                 /* measured over the last window */
    /* the SLA segment: its guests' asked and done at its start */
    sim_time_t sla_t;
    double sla_demand, sla_done;
    int links;                   /* migrations on its link now */
    int incoming;                /* migrations to it, under way or waiting */
};

struct sim_cons {
    struct cons_manager *mgr;    /* NULL while only metering */
    const struct cons_migration *mig;
    struct cons_sla *sla;
    sim_time_t interval;
    bool metered;                /* hosts have power tables */
    struct sim_event tick_ev;
    struct cons_host_state *hs;  /* [nhosts] */
    /* live guests, by view slot; SLA ids free for reuse */
    struct guest **vms;
    size_t nvms, vmcap;
    int *free_ids;
    size_t nfree, freecap;
    int next_id;
    /* the view handed to the manager, rebuilt at each tick */
    struct cons_host *vh;
    struct cons_vm *vv;
    size_t vvcap;
    struct cons_slot *slots;
    size_t slotcap;
    struct cons_dc dc;
    struct cons_plan plan;
    long steps, overloaded, drained;
    /* hosts on, integrated */
    int non;
    double on_acc;
    sim_time_t on_t;
    /* shutdowns and the time on before each (Welford) */
    long shut_n;
    double shut_mean, shut_m2;
    /* migrations (sim/migrate.c) */
    struct sim_migration *waiting, *waiting_tail;   /* FIFO, for a free link */
    struct sim_migration **incoming;   /* [nhosts]: list of migrations to each host */
    long mig_count;
    double mig_s, mig_down_s, mig_mb;
};

/* The reference core-seconds g has asked for / done so far. */
double consolidate_demand(struct sim *sim, struct guest *g);
double consolidate_done(struct sim *sim, struct guest *g);
/* Close the SLA segment of g / h (an entry for its span) and start the
 * next: whenever what it measures changes (a tick, a migration's start,
 * pause or end, a guest's arrival or departure, a switch on or off). */
void consolidate_vm_boundary(struct sim *sim, struct guest *g);
void consolidate_host_boundary(struct sim *sim, struct host *h);
/* Switch h on if it holds a guest or an incoming migration, off if not
 * (power-aware runs); a change closes its meter segment. */
void consolidate_host_check(struct sim *sim, struct host *h);
/* The cores migrations keep busy on h change by delta (metered). */
void consolidate_host_cpu(struct sim *sim, struct host *h, double delta);

/* ---- sim/migrate.c ---- */

struct sim_migration {
    struct guest *g;
    struct host *from, *to;
    struct cons_migration_cost cost;
    sim_time_t start;            /* -1 while it waits for a link */
    struct sim_event ev;         /* its pause (stop-and-copy), then its end */
    bool paused;
    double demand_cores;         /* its demand when planned (the target's reservation) */
    struct sim_migration *next_wait;   /* sim_cons.waiting */
    struct sim_migration *next_in;     /* sim_cons.incoming[to] */
};

/* The plan moves g to `to`: reserve to's memory and vCPU slots and start
 * the migration, or queue it while a link is busy.  False (nothing done)
 * if to can no longer hold g. */
bool migrate_begin(struct sim *sim, struct guest *g, struct host *to);
/* g completes: give its migration up (the target's reservation goes). */
void migrate_abandon(struct sim *sim, struct guest *g);
/* Free every migration still under way or waiting (the end of the run);
 * cancel: take their events out of the queue (false once it is gone). */
void migrate_free_all(struct sim *sim, bool cancel);

#endif /* SIM_CONSOLIDATE_H */
