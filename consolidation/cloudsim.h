/*
 * consolidation/cloudsim.h - a time-stepped data centre with CloudSim
 * 5.0's semantics, for its PlanetLab consolidation experiment (Beloglazov
 * & Buyya, CCPE 2012; CloudSim examples/power/planetlab): 800 hosts
 * alternating HP ProLiant ML110 G4 and G5, one VM per trace file, a
 * decision every 300 s, energy and SLA metered as CloudSim meters them.
 *
 * It drives the consolidation manager (cons.h) through the same view an
 * event engine would keep, and reproduces CloudSim's table on the
 * bundled day (tests/test_consolidation_cloudsim.c).  Every way in which
 * CloudSim's data centre departs from what is physically right is a
 * switch of struct cons_cloudsim_quirks (true = as CloudSim), documented
 * in docs/CONSOLIDATION.md.
 */
#ifndef CONSOLIDATION_CLOUDSIM_H
#define CONSOLIDATION_CLOUDSIM_H

#include <stdbool.h>

#include "consolidation/cons.h"
#include "consolidation/sla.h"
#include "base/error.h"

/* The data centre's departures from physics, true = as CloudSim 5.0. */
struct cons_cloudsim_quirks {
    /* C/HostDynamicWorkload.java:143-154 + C/power/PowerDatacenter.java:
     * 233-240: a VM that is not migrating and requests exactly 0 MIPS at an
     * update is removed for good, though its trace goes on.  false: VMs
     * stay for the whole run (an idle VM still holds its host). */
    bool remove_zero_demand_vms;
    /* C/core/CloudSim.java:66 + PowerDatacenter: the updates happen at
     * 300 k + 0.1 s (the 0.1 s between VM creation and cloudlet
     * submission), so each demand is interpolated 0.1 s into its interval.
     * false: at 300 k. */
    bool events_offset;
    /* C/power/PowerHost.java:114-121, PowerVmAllocationPolicyMigration
     * Abstract.java:431-439: a host at 0 % CPU draws nothing and counts as
     * switched off, even with VMs on it.  false: a host is on while it
     * holds a VM, and then draws at least P(0). */
    bool zero_util_is_off;
    /* C/power/PowerDatacenter.java:199-229: energy per update interval is
     * the trapezoid (P(u_prev) + P(u_now)) / 2 x dt, 0 if u_prev is 0, and
     * it is metered from the first update (300.1 s) to the last event
     * (86100.1 s or the last migration's end).  false: the exact integral
     * of P along the linear utilisation ramp of each interval, from 0 to
     * the end of the day. */
    bool energy_cloudsim;
    /* C/VmSchedulerTimeSharedOverSubscription.java:97-169: on an
     * oversubscribed host every VM gets its request scaled to fit, rounded
     * down to a whole MIPS.  false: the exact proportional share. */
    bool oversubscription_floor;
    /* C/Vm.java:90-95 with UtilizationModelNull for RAM (examples/power/
     * planetlab/PlanetLabHelper.java:52-62): a VM requests its RAM only
     * while it is created, then 0 MB, so after the first step RAM never
     * limits consolidation.  false: a VM always holds its RAM. */
    bool ram_released;
    /* C/power/PowerVm.java:83-93: a VM's utilisation history records what
     * it asked for.  false: what it got (what a monitor inside the host
     * sees). */
    bool history_of_demand;
};

void cons_cloudsim_quirks_on(struct cons_cloudsim_quirks *q);
void cons_cloudsim_quirks_off(struct cons_cloudsim_quirks *q);

enum cons_cloudsim_mode {
    CONS_CLOUDSIM_NPA,      /* every host at full power, no migration (NonPowerAware.java) */
    CONS_CLOUDSIM_DVFS,     /* power follows utilisation, first-fit, no migration (Dvfs.java) */
    CONS_CLOUDSIM_MIGRATE,  /* the manager's consolidation (ThrMmt.java, LrMmt.java, ...) */
};

/* One host, after an update of the data centre (the preset's timeline)
 * or at the end of the run (hosts.csv). */
struct cons_cloudsim_host {
    double util;                    /* MIPS in use / its MIPS */
    double req_mips, alloc_mips;    /* its VMs' demand and what they got */
    int vms;                        /* VMs on it (not counting one migrating in) */
    bool on;                        /* active, as CloudSim counts it */
    double power_w;                 /* drawn now */
    double energy_j;                /* metered so far */
    double on_s;                    /* time active so far */
    long shutdowns;                 /* active -> inactive so far */
    long migrations_in, migrations_out;
};

/* The data centre after one of its periodic updates. */
struct cons_cloudsim_step {
    double t;                       /* s */
    double dt;                      /* since the previous periodic update */
    const struct cons_cloudsim_host *hosts;   /* [hosts] */
    int vms;                        /* VMs in the data centre */
};

struct cons_cloudsim_config {
    const char *trace_dir;          /* a PlanetLab day: one file per VM */
    const char *datadir;            /* for DATADIR/power/NAME.json, NULL = installed */
    enum cons_cloudsim_mode mode;
    struct cons_config manager;     /* detector, selector, migration model, seed, quirks */
    struct cons_cloudsim_quirks quirks;
    int hosts;                      /* 800 (PlanetLabConstants.java:17) */
    double interval;                /* 300 s (Constants.java:24) */
    double duration;                /* 86400 s (Constants.java:25) */
    const char *precopy_class;      /* workload class of the VMs for precopy, NULL = network-heavy */
    /* Optional outputs.  hosts_out: [hosts], each host at the end of the
     * run.  on_step: called with ctx after every periodic update (300.1,
     * 600.1, ... s), not after those a migration's end causes. */
    struct cons_cloudsim_host *hosts_out;
    void (*on_step)(void *ctx, const struct cons_cloudsim_step *s);
    void *ctx;
};

/* The power model and core speed (MIPS) of host h of the set-up (host h
 * is of type h mod 2). */
const char *cons_cloudsim_host_power(int h);
double cons_cloudsim_host_core_mips(int h);
int cons_cloudsim_host_cores(int h);

/* CloudSim's set-up with every quirk on: mode MIGRATE, detector none
 * (cons_config_init).  Returns 0; cons_cloudsim_config_release frees the
 * manager's policy choices. */
int cons_cloudsim_config_init(struct cons_cloudsim_config *c, struct sim_error *err);
void cons_cloudsim_config_release(struct cons_cloudsim_config *c);

struct cons_cloudsim_result {
    int hosts, vms;
    double sim_end_s;               /* time of the last event processed */
    double energy_kwh;
    long migrations;
    struct cons_sla_result sla;
    double esv;                     /* energy x SLAV */
    long vms_removed;               /* zero-demand removals */
    double migration_s;             /* sum of migration durations */
    double downtime_s;              /* sum of stop-and-copy pauses */
    double migration_mb;            /* sent over the links */
    long steps;                     /* optimisations run */
    long overloaded;                /* hosts found overloaded, summed over the steps */
    long drained;                   /* under-utilised hosts emptied */
};

/* Run the experiment.  Returns 0, or SIM_EINVAL / SIM_EIO (bad trace, bad
 * policy, missing power model) with err filled. */
int cons_cloudsim_run(const struct cons_cloudsim_config *c, struct cons_cloudsim_result *r,
                      struct sim_error *err);

#endif /* CONSOLIDATION_CLOUDSIM_H */
