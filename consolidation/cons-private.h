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

#include "consolidation/cons.h"

#define CONS_PARAM_MAX 4

/* One tunable of a policy.  A table of them ends with {NULL}. */
struct cons_param {
    const char *name;
    double def;           /* default */
    double min, max;      /* accepted range, inclusive */
    const char *source;   /* where the default comes from */
};

/* Parse "NAME[:V[,KEY=V...]]" against the params of the policy that
 * lookup() finds by NAME (a bare V sets the first parameter).  family
 * ("detector", ...) is for messages.  Fills *ops_out and value[] (every
 * parameter, defaults where not given).  SIM_EINVAL with a message on an
 * unknown name or key or a value out of range. */
typedef const void *(*cons_lookup_fn)(const char *name, const struct cons_param **params);
int cons__parse_spec(const char *spec, const char *family, cons_lookup_fn lookup,
                     const void **ops_out, double value[CONS_PARAM_MAX], struct sim_error *err);
/* "name:v1,key2=v2" into buf (for reports). */
void cons__format_spec(char *buf, size_t len, const char *name, const struct cons_param *params,
                       const double value[CONS_PARAM_MAX]);

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
    const char *name;       /* --consolidate NAME */
    const char *desc;
    const struct cons_param *params;
    /* Called by the manager for every host at each optimisation, after each
     * VM selected away from an overloaded host, and for every candidate
     * target with the VM added.  Pure: reads l only. */
    bool (*overloaded)(const struct cons_detector *d, const struct cons_load *l);
};

struct cons_detector {
    const struct cons_detector_ops *ops;
    double p[CONS_PARAM_MAX];
    const struct cons_quirks *q;
};

/* LR/LRR share the regression (detect-lr.c): the predicted utilisation
 * one migration ahead, or false if the history is too short (< p[2]). */
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
    const char *name;       /* --select NAME */
    const char *desc;
    const struct cons_param *params;
    /* Called by the manager for an overloaded host, repeatedly, until the
     * host is no longer overloaded.  Returns an index into c->cand (ncand
     * >= 1) or -1 for none.  May draw from s->rng. */
    int (*select)(struct cons_selector *s, const struct cons_select_ctx *c);
};

struct cons_selector {
    const struct cons_selector_ops *ops;
    double p[CONS_PARAM_MAX];
    const struct cons_quirks *q;
    gsl_rng *rng;           /* RS: its own stream, from the run's seed */
};

/* MMT is also MC's fall-back. */
extern const struct cons_selector_ops cons_select_mmt;

/* ----------------------------------------------------------- migration */

struct cons_migration_ops {
    const char *name;       /* --migration NAME */
    const char *desc;
    const struct cons_param *params;
    /* Pure: the cost of one migration. */
    void (*cost)(const struct cons_migration *m, const struct cons_migration_input *in,
                 struct cons_migration_cost *out);
};

struct cons_migration {
    const struct cons_migration_ops *ops;
    double p[CONS_PARAM_MAX];
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
    double ram_free, bw_free;
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
    double place_p[CONS_PARAM_MAX];
    struct cons_migration mig;
    char describe[4 * 64 + 8];

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
    const char *name;       /* placement NAME */
    const char *desc;
    const struct cons_param *params;
    /* Called by the manager for each VM to place (new, or planned away
     * from its host), in the order it places them.  Returns the host for
     * VM v on the working copy, skipping hosts with excluded[h] set, or -1.
     * Reads the working copy only: the manager records the choice. */
    int (*find_host)(struct cons_manager *m, int v, const unsigned char *excluded);
};

/* ------------------------------------------------------------- registry */

const struct cons_detector_ops *cons_detector_find(const char *name);
const struct cons_selector_ops *cons_selector_find(const char *name);
const struct cons_place_ops *cons_place_find(const char *name);
const struct cons_migration_ops *cons_migration_find(const char *name);
size_t cons_detector_count(void);
const struct cons_detector_ops *cons_detector_at(size_t i);
size_t cons_selector_count(void);
const struct cons_selector_ops *cons_selector_at(size_t i);
size_t cons_migration_count(void);
const struct cons_migration_ops *cons_migration_at(size_t i);

/* Create a migration model from a spec (the DC model uses it without a
 * manager for NPA/DVFS).  SIM_EINVAL on a bad spec. */
int cons_migration_init(struct cons_migration *m, const char *spec, struct sim_error *err);

#endif /* CONSOLIDATION_CONS_PRIVATE_H */
