/*
 * consolidation/cons-private.h - what the manager and its policy files
 * share: the parameter declarations every policy carries, the four policy
 * families (overload detection, VM selection, placement, migration model)
 * as operations tables, and the manager's working copy of the data centre.
 *
 * Each family is an ops table per policy, one file per policy, registered
 * by one line in its list header (detect-list.h, select-list.h,
 * place-list.h, migrate-list.h); registry.c builds the tables.  A policy
 * file exports only its ops object; its parameters (name, default, range,
 * source of the default) are declared beside its code.
 */
#ifndef CONSOLIDATION_CONS_PRIVATE_H
#define CONSOLIDATION_CONS_PRIVATE_H

#include <gsl/gsl_rng.h>

#include "base/types.h"
#include "consolidation/cons.h"

/* The manager's period, a knob of every detector but none (the shared
 * `interval` knob: the demand allocator's has the same name, type and
 * default, so --interval sets the seed's monitor -> adjust period once). */
#define CONS_INTERVAL_PARAM(conf_type, name_)                                                \
    {"interval", PARAM_DURATION, offsetof(conf_type, interval), "300s", 0, SIM_SECONDS_MAX,  \
     PARAM_MIN_OPEN, .metavar = "DUR", .help = name_ ": the manager's period (measure, "    \
     "detect, select, place); 300 s is CloudSim's SCHEDULING_INTERVAL (examples/power/"      \
     "Constants.java:24), the PlanetLab traces' sampling"}

/* ------------------------------------------------------ overload detection */

/* What a detector sees of a host: its planned VMs' demand and the host's
 * utilisation history (CloudSim PowerHostUtilizationHistory: the sum over
 * its VMs of their samples x VM MIPS / host MIPS, most recent first, the
 * zero tail trimmed). */
struct cons_load {
    double mips;            /* host capacity */
    double req_mips;        /* sum of its VMs' demand, in the host's VM order */
    const double *hist;
    int hist_len;
    double max_migration_s; /* longest migration among its VMs (LR's horizon) */
    double interval;        /* s between two decisions */
};

struct cons_detector;
struct cons_detector_ops {
    struct policy_info info;   /* --consolidate NAME, its knobs */
    /* Called by the manager for every host at each optimisation, after each
     * VM selected away from an overloaded host, and for every candidate
     * target with the VM added.  Pure: reads l only. */
    bool (*overloaded)(const struct cons_detector *d, const struct cons_load *l);
};

struct cons_detector {
    const struct cons_detector_ops *ops;   /* NULL: no consolidation */
    const void *conf;       /* its knobs' values (info.conf_size bytes) */
    const struct cons_quirks *q;
};

/* The knobs every detector but none has, first in its conf struct. */
struct cons_detector_conf {
    sim_time_t interval;
};

/* LR/LRR's knobs (one conf layout for both). */
struct cons_lr_conf {
    sim_time_t interval;
    double safety;          /* s: overloaded when s x prediction >= 1 */
    double fallback;        /* THR while the history is short */
    long window;            /* samples fitted */
};
extern const struct param_def cons_lr_params[];   /* detect-lr.c */

/* LR/LRR share the regression (detect-lr.c): the predicted utilisation
 * one migration ahead, or false if the history is too short (< window). */
bool cons__lr_predict(const struct cons_detector *d, const struct cons_load *l, bool robust,
                      double *pred);

/* ------------------------------------------------------------ VM selection */

struct cons_select_ctx {
    const struct cons_dc *dc;
    const int *cand;        /* the host's VMs that are not migrating, host order */
    int ncand;
    const struct cons_migration *mig;
    double bw_mbit;         /* the source host's link */
};

struct cons_selector;
struct cons_selector_ops {
    struct policy_info info;   /* --select NAME, its knobs */
    /* Called by the manager for an overloaded host, repeatedly, until the
     * host is no longer overloaded.  Returns an index into c->cand (ncand
     * >= 1) or -1 for none.  May draw from s->rng. */
    int (*select)(struct cons_selector *s, const struct cons_select_ctx *c);
};

struct cons_selector {
    const struct cons_selector_ops *ops;
    const void *conf;
    const struct cons_quirks *q;
    gsl_rng *rng;           /* RS: its own stream, from the run's seed */
};

/* MMT is also MC's fall-back. */
extern const struct cons_selector_ops cons_select_mmt;

/* ----------------------------------------------------------- migration */

struct cons_migration_ops {
    struct policy_info info;   /* --migration NAME, its knobs */
    /* Pure: the cost of one migration. */
    void (*cost)(const struct cons_migration *m, const struct cons_migration_input *in,
                 struct cons_migration_cost *out);
};

struct cons_migration {
    const struct cons_migration_ops *ops;
    const void *conf;
    struct policy_choice own;   /* the policy and its values, owned */
};

/* --------------------------------------------------- the working copy */

/* A host as the manager plans it: its VM slots change as VMs are planned
 * away and onto it (CloudSim does the same on its real hosts, vmDestroy
 * and vmCreate, and restores them afterwards). */
struct cons_ws_host {
    struct cons_slot *slots;
    int n, cap;
    double used;            /* MIPS counted as used (CloudSim getUtilizationOfCpuMips) */
    double p_measured;      /* W at the measured utilisation (fixed while planning) */
    double avail;           /* MIPS a new VM can get */
    double ram_free, bw_free, vcpus_free;
    /* Caches, recomputed when the slots change. */
    bool req_ok, hist_ok, mig_ok;
    double req;             /* sum of demand over the slots, in order */
    double hist[CONS_HISTORY_MAX];
    int hist_len;
    double max_mig_s;
};

struct cons_place_ops;

struct cons_manager {
    struct cons_quirks q;
    struct cons_detector det;       /* det.ops NULL: no consolidation */
    struct cons_selector sel;
    const struct cons_place_ops *place;
    const void *place_conf;
    struct cons_migration mig;
    struct policy_choice own_det, own_sel, own_place;   /* copies of the config's */
    char describe[4 * 160 + 8];

    /* Working copy, rebuilt from the view at each call. */
    const struct cons_dc *dc;
    struct cons_ws_host *ws;
    int ws_cap;
    double *vm_mig_s;               /* per VM: migration time from its host (cached) */
    int vm_cap;
    unsigned char *excl_over, *excl_under, *excl_place;
    int *order, *cand, *picked, *picked_host;
    int order_cap;
};

/* Rebuild the working copy from dc. */
void cons__ws_load(struct cons_manager *m, const struct cons_dc *dc);
/* Plan VM v onto / away from host h (CloudSim vmCreate / vmDestroy). */
void cons__ws_add(struct cons_manager *m, int h, int v);
void cons__ws_remove(struct cons_manager *m, int h, int v);
/* Host h's load as a detector sees it, with VM extra (-1 = none) added. */
void cons__ws_load_of(struct cons_manager *m, int h, int extra, struct cons_load *l,
                      double hist_buf[CONS_HISTORY_MAX]);
bool cons__ws_overloaded(struct cons_manager *m, int h, int extra);
/* CloudSim Host.isSuitableForVm on the working copy. */
bool cons__ws_suitable(const struct cons_manager *m, int h, int v);
/* Migration time of VM v over a link of bw_mbit. */
double cons__vm_migration_s(const struct cons_manager *m, int v, double bw_mbit);

/* -------------------------------------------------------------- placement */

struct cons_place_ops {
    struct policy_info info;   /* --consolidate-place NAME, its knobs */
    /* Called by the manager for each VM to place (new, or planned away
     * from its host), in the order it places them.  Returns the host for
     * VM v on the working copy, skipping hosts with excluded[h] set, or -1.
     * Reads the working copy only: the manager records the choice. */
    int (*find_host)(struct cons_manager *m, int v, const unsigned char *excluded);
    /* It places without asking for CPU room: an empty host takes any VM
     * whose RAM and link fit (the manager's cons_manager_could_place). */
    bool cpu_unchecked;
};

/* ------------------------------------------------------------- registry */

static inline const struct cons_detector_ops *cons_detector_of(const struct policy_info *i)
{
    return i ? container_of(i, const struct cons_detector_ops, info) : NULL;
}
static inline const struct cons_selector_ops *cons_selector_of(const struct policy_info *i)
{
    return i ? container_of(i, const struct cons_selector_ops, info) : NULL;
}
static inline const struct cons_place_ops *cons_place_of(const struct policy_info *i)
{
    return i ? container_of(i, const struct cons_place_ops, info) : NULL;
}
static inline const struct cons_migration_ops *cons_migration_of(const struct policy_info *i)
{
    return i ? container_of(i, const struct cons_migration_ops, info) : NULL;
}

/* A copy of src (its policy and values) into dst, released first. */
int cons__choice_copy(struct policy_choice *dst, const struct policy_choice *src,
                      struct sim_error *err);

/* A migration model from a spec (the tests, and the DC model without a
 * manager).  SIM_EINVAL on a bad spec; cons_migration_release frees it. */
int cons_migration_init(struct cons_migration *m, const char *spec, struct sim_error *err);
void cons_migration_release(struct cons_migration *m);

#endif /* CONSOLIDATION_CONS_PRIVATE_H */
