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

static const struct cons_param thr_params[] = {
    {"threshold", 0.8, 0, 1,
     "Beloglazov & Buyya 2012 s. 7.3 (THR-0.8); CloudSim 5.0 examples/power/planetlab/ThrMmt.java "
     "parameter \"0.8\""},
    {NULL, 0, 0, 0, NULL},
};

static bool thr_overloaded(const struct cons_detector *d, const struct cons_load *l)
{
    return l->req_mips / l->mips > d->p[0];
}

const struct cons_detector_ops cons_detect_thr = {
    .name = "thr",
    .desc = "static threshold on the VMs' demand / capacity",
    .params = thr_params,
    .overloaded = thr_overloaded,
};
