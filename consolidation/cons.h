/*
 * consolidation/cons.h - dynamic VM consolidation: the interface between a
 * data centre (whoever simulates hosts and VMs) and the consolidation
 * manager (overload detection, VM selection, placement, draining).
 *
 * The manager never owns or changes the data centre.  Its driver (the
 * CloudSim-compatible time-stepped model of consolidation/cloudsim.c
 * today, hvsim's event engine later) keeps a read-only *view* of it, a
 * struct cons_dc of plain arrays, up to date, and asks the manager for
 * decisions:
 *
 *   admission    a VM that is not placed yet: cons_manager_place() names a
 *                host for it (or none);
 *   every        cons_manager_optimize() plans migrations away from
 *   interval     overloaded hosts and out of under-utilised ones, and
 *                names the hosts that the plan leaves empty (switch-off
 *                candidates).
 *
 * The driver then carries the decisions out with its own semantics: it
 * starts each migration (its duration and costs come from the manager's
 * migration model, cons_migration_cost()), keeps serving the VM during
 * it, completes it, switches hosts off, and meters energy and SLA
 * (consolidation/sla.h, consolidation/power.h).
 *
 * Algorithms: A. Beloglazov and R. Buyya, "Optimal online deterministic
 * algorithms and adaptive heuristics for energy and performance efficient
 * dynamic consolidation of virtual machines in cloud data centers",
 * Concurrency and Computation: Practice and Experience 24(13), 2012, as
 * implemented in CloudSim 5.0 (org.cloudbus.cloudsim.power, commit
 * 6790fecd).  Where CloudSim's code departs from the paper or from what
 * is physically right, a switch of struct cons_quirks chooses (see
 * docs/CONSOLIDATION.md).
 *
 * Units: CPU in MIPS (as CloudSim; a driver with cores and speed factors
 * converts), memory in MB, link bandwidth in Mbit/s, time in seconds.
 */
#ifndef CONSOLIDATION_CONS_H
#define CONSOLIDATION_CONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/registry.h"

/* Utilisation samples a VM keeps: CloudSim PowerVm.HISTORY_LENGTH = 30
 * (C/power/PowerVm.java:39). */
#define CONS_HISTORY_MAX 30

struct cons_power;      /* consolidation/power.h */
struct cons_manager;
struct cons_migration;

/* ---------------------------------------------------------------- view */

/* One VM as the data centre sees it now. */
struct cons_vm {
    double mips;          /* capacity it was created with (CloudSim VM type MIPS), > 0 */
    double req_mips;      /* demand now, >= 0 */
    double ram_mb;        /* RAM it holds on its host: a placement constraint (0 = none) */
    double mem_mb;        /* memory a migration has to copy */
    double bw_mbit;       /* link bandwidth it holds on its host (0 = none) */
    double dirty_mb_s;    /* page-dirtying rate while running (precopy), MB/s */
    double wws_mb;        /* writable working set (precopy), MB */
    const double *hist;   /* utilisation samples (fraction of mips), most recent first */
    int hist_len;         /* 0..CONS_HISTORY_MAX */
    int host;             /* where it runs (the source while it migrates), -1 = nowhere */
    bool migrating;       /* a migration of it is under way */
    int vcpus;            /* its vCPUs, each of which runs on one core (pe_mips) at most, and
                           * the slots they hold on its host (0: one vCPU, no slots) */
};

/* A VM as one host sees it.  A migrating VM has a slot on its source and
 * an incoming slot on its target. */
struct cons_slot {
    int vm;               /* index into cons_dc.vms */
    double alloc_mips;    /* MIPS the host gives it now (an incoming VM: what the target reserves) */
    bool incoming;        /* it is migrating in to this host */
};

/* One host. */
struct cons_host {
    double mips;          /* total CPU capacity, > 0 */
    double pe_mips;       /* one core's capacity: the most one vCPU of a VM can use */
    int cores;
    double ram_free_mb;   /* RAM not held by VMs */
    double bw_free_mbit;  /* link bandwidth not held by VMs */
    double bw_mbit;       /* the host's link (migrations use it) */
    double avail_mips;    /* CPU a new VM can still be given */
    double util;          /* CPU utilisation measured at the last update, 0..1 (CloudSim
                           * clamps (1, 1.01) to 1); the host's utilisation history is
                           * derived from its VMs' (CloudSim's definition) */
    bool on;              /* switched on (an off host draws nothing and runs no VM) */
    const struct cons_power *power;
    const struct cons_slot *slots;  /* its VMs in the host's order */
    int nslots;
    double vcpus_free;    /* vCPU slots not held by VMs (hvsim's --overcommit; with VMs' vcpus 0, 0) */
};

/* The whole view.  The driver owns every array and keeps them valid
 * during a call into the manager. */
struct cons_dc {
    double now;           /* s */
    double interval;      /* s between two cons_manager_optimize() calls */
    const struct cons_host *hosts;
    int nhosts;
    const struct cons_vm *vms;
    int nvms;
};

/* ------------------------------------------------------------ decisions */

struct cons_move {
    int vm;
    int from;             /* the VM's host when the plan was made */
    int to;
};

/* What one optimisation decided.  The moves are in the order the driver
 * must start them (CloudSim starts them in this order, and the order
 * decides the VM order on the targets).  A VM can appear twice: CloudSim
 * plans a VM onto a host and then drains that same host (quirk
 * drain_overload_targets).  Owned by the caller: cons_plan_init /
 * cons_plan_free. */
struct cons_plan {
    struct cons_move *moves;
    size_t nmoves, cap_moves;
    int *switch_off;      /* hosts left without VMs once the moves complete */
    size_t nswitch_off, cap_switch_off;
    size_t overloaded;    /* hosts found overloaded this time */
    size_t drained;       /* under-utilised hosts emptied */
};

/* The driver initialises one plan before the run, passes it to every
 * cons_manager_optimize() (which clears it first), and frees it at the
 * end.  cons_plan_clear empties it and keeps the memory. */
void cons_plan_init(struct cons_plan *p);
void cons_plan_clear(struct cons_plan *p);
void cons_plan_free(struct cons_plan *p);

/* -------------------------------------------------------------- quirks */

/* Where CloudSim 5.0's consolidation code departs from the paper or from
 * what is right.  true = do what CloudSim does.  docs/CONSOLIDATION.md
 * explains each. */
struct cons_quirks {
    /* C/util/MathUtil.java:266-290: the tricube weights are applied only if
     * 40% of them are <= 0, which never happens, so LR is plain OLS and LRR
     * (bisquare robustness) is identical to LR.  false: weighted local
     * regression (tricube), and for LRR one bisquare robustness step. */
    bool lr_unweighted;
    /* C/util/MathUtil.java:184-189: quartiles by index round(0.25(n+1))-1.
     * false: GSL's interpolated quantiles. */
    bool iqr_index_quartiles;
    /* PowerVmSelectionPolicyMaximumCorrelation.java:86: the search for the
     * largest R^2 starts at Double.MIN_VALUE (> 0), so a VM with R^2 <= 0
     * is never chosen and the first VM wins by default.  false: -inf. */
    bool mc_from_min_value;
    /* MC's regressions are often rank deficient (a VM idle at a constant
     * 1-4 % is collinear with the intercept); commons-math 3.4.1's
     * Householder QR then returns rounding noise rather than failing, and
     * CloudSim picks by it.  true: that QR, in its order of operations, so
     * the choices are CloudSim's; false: GSL's SVD least squares, whose R^2
     * is well defined for a rank-deficient design (select-mc.c). */
    bool mc_commons_math_qr;
    /* PowerVmAllocationPolicyMigrationAbstract.java:166 excludes the
     * targets of this round's overload migrations from draining, but reads
     * a list that is still empty: those targets can be drained in the same
     * round (and a VM can get two migrations).  false: they are excluded. */
    bool drain_overload_targets;
    /* ...Abstract.java:257: PABFD's power increase is P(u_after) -
     * host.getPower(), the power at the utilisation measured at the start
     * of the step: VMs placed earlier in the round are not subtracted, and a
     * switched-off host counts as drawing P(0).  false: the increase over
     * the planned load, and from 0 W for a host that is off. */
    bool power_diff_from_measured;
};

/* Called by the driver while it builds its configuration: every switch
 * as CloudSim (the preset) / every switch off (hvsim's own default). */
void cons_quirks_cloudsim(struct cons_quirks *q);
void cons_quirks_right(struct cons_quirks *q);

/* -------------------------------------------------------------- manager */

/*
 * The four policy families, each a registry (base/registry.h) built from
 * its list header: overload detectors (--consolidate, detect-list.h; the
 * first, "none", means no consolidation), VM selection (--select),
 * placement (--consolidate-place) and migration models (--migration).
 * Every policy declares its knobs (struct param_def) in its own file.
 */
extern struct registry cons_detector_registry;
extern struct registry cons_selector_registry;
extern struct registry cons_place_registry;
extern struct registry cons_migration_registry;

/* Choose a policy of r by a spec "NAME[:V[,KEY=V...]]": the policy (or
 * an alias) with every knob at its default, then a bare V for its first
 * knob and KEY=V for the knob named KEY, each read by the knob's own rule.
 * SIM_EINVAL naming the option (r->option) on an unknown name or knob or
 * a value the knob refuses. */
int cons_choose(struct policy_choice *c, struct registry *r, const char *spec,
                struct sim_error *err);
/* The spec that gives c again, "thr:threshold=0.8,interval=300", for
 * reports. */
void cons_describe_choice(const struct policy_choice *c, char *buf, size_t len);
/* The manager's period a detector's knobs set (its `interval`). */
sim_time_t cons_detector_interval(const struct policy_choice *detector);

struct cons_config {
    /* The policies with their knobs' values (owned; cons_config_release).
     * The manager copies them: the config may go once it is created. */
    struct policy_choice detector, selector, placement, migration;
    uint64_t seed;            /* RS draws from its own GSL stream seeded from this */
    struct cons_quirks quirks;
};

/* Called by the driver before it sets its options: detector none, mmt,
 * pabfd, cloudsim, every knob at its default, seed 1, CloudSim's quirks on
 * (what the preset uses).  Returns 0 (an error is a bad declaration). */
int cons_config_init(struct cons_config *c, struct sim_error *err);
void cons_config_release(struct cons_config *c);

/* Called once by the driver before the run: copies cfg's policies.
 * Returns 0 and sets *out (an error is only a policy's bad declaration). */
int cons_manager_create(const struct cons_config *cfg, struct cons_manager **out,
                        struct sim_error *err);
/* Called once by the driver at the end; frees everything the manager owns. */
void cons_manager_destroy(struct cons_manager *m);

/* Called by the driver when VM vm (host -1 in the view, its demand set to
 * what it will ask for) has to be placed: at the start of a run, or when
 * it arrives.  Returns the host chosen by the placement policy, or -1 if
 * none fits.  Reads the view only; the driver then creates the VM there
 * and updates its view before the next call. */
int cons_manager_place(struct cons_manager *m, const struct cons_dc *dc, int vm);

/* Would the placement policy take vm (its demand set) on host h if h held
 * no VM?  Only CPU is asked (each vCPU one core at most, the whole no more
 * than the host); RAM, link and vCPU slots are the driver's to ask.  A VM
 * for which no host says yes can never be placed: the driver must refuse
 * it rather than let it wait. */
bool cons_manager_could_place(const struct cons_manager *m, const struct cons_host *h,
                              const struct cons_vm *vm);

/* Called by the driver every dc->interval seconds, after it has measured
 * the hosts (util, each VM's demand and history) for the step that ended.
 * Runs overload detection, VM selection, placement and draining on a
 * private working copy of the view and fills plan (cleared first) with the
 * migrations to start now and the hosts they leave empty.  It never
 * changes the view; the driver must start the moves in order before it
 * advances time (a move's target already holds the VMs planned before it).
 * Returns 0. */
int cons_manager_optimize(struct cons_manager *m, const struct cons_dc *dc,
                          struct cons_plan *plan);

/* The migration model the manager plans with (MMT and LR use its times);
 * the driver uses the same one to time the migrations it starts. */
const struct cons_migration *cons_manager_migration(const struct cons_manager *m);

/* Names of the chosen policies with their parameters, e.g. "lr:1.2"; for
 * reports.  Valid while m lives. */
const char *cons_manager_describe(const struct cons_manager *m);

/* ----------------------------------------------------------- migration */

struct cons_migration_input {
    double mem_mb;        /* memory to copy */
    double bw_mbit;       /* the link the migration uses */
    double dirty_mb_s;    /* page-dirtying rate of the running VM */
    double wws_mb;        /* its writable working set */
};

struct cons_migration_cost {
    double total_s;       /* from start to the VM running on the target */
    double downtime_s;    /* the VM runs nowhere (stop-and-copy) */
    double mb_sent;       /* over the link, all rounds */
    int rounds;           /* pre-copy rounds before stop-and-copy (0 = one-shot) */
    double src_share;     /* fraction of its demand the VM gets on the source meanwhile */
    double dst_share;     /* fraction of its demand the target reserves meanwhile */
    double cpu_cores;     /* cores the copy keeps busy on each of the two hosts meanwhile */
};

/* Migrations one host's link carries at once (0 = no limit): a further
 * one waits until one ends. */
long cons_migration_parallel(const struct cons_migration *m);

/* Cost of migrating one VM under model m.  Called by the manager (MMT,
 * LR) and by the driver when it starts a migration. */
void cons_migration_cost(const struct cons_migration *m, const struct cons_migration_input *in,
                         struct cons_migration_cost *out);

#endif /* CONSOLIDATION_CONS_H */
