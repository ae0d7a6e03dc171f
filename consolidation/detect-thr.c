/*
 * consolidation/detect-thr.c - THR, static threshold: a host is overloaded
 * when its VMs' demand exceeds a fixed fraction of its capacity
 * (Beloglazov & Buyya 2012, s. 6.1; CloudSim 5.0
 * C/power/PowerVmAllocationPolicyMigrationStaticThreshold.java:62-70).
 *
 * The demand is what the VMs ask for, not what they get, so an
 * oversubscribed host is overloaded whatever it is given.  O(1).
 */
#include "consolidation/cons-private.h"

struct thr_conf {
    sim_time_t interval;
    double threshold;
};

static const struct param_def thr_params[] = {
    {"threshold", PARAM_REAL, offsetof(struct thr_conf, threshold), "0.8", 0, 1,
     .metavar = "U", .help = "thr: overloaded when demand / capacity > U; 0.8 is Beloglazov & "
     "Buyya 2012 s. 7.3 (THR-0.8), CloudSim 5.0 examples/power/planetlab/ThrMmt.java"},
    CONS_INTERVAL_PARAM(struct thr_conf, "thr"),
    {NULL},
};

static bool thr_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    const struct thr_conf *c = d->conf;
    return l->req_mips / l->mips > c->threshold;
}

const struct cons_detector_ops cons_detect_thr = {
    .info = {
        .name = "thr",
        .desc = "static threshold on the VMs' demand / capacity (--consolidate thr:0.8)",
        .params = thr_params,
        .conf_size = sizeof(struct thr_conf),
    },
    .overloaded = thr_overloaded,
};
