/*
 * consolidation/sla.h - SLA metrics with CloudSim's definitions
 * (CloudSim 5.0 examples/power/Helper.java), computed as the state
 * entries arrive instead of from stored histories.
 *
 * The driver reports, for each host and each VM, a state entry whenever it
 * updates them: (time, MIPS allocated, MIPS requested, active / migrating).
 * As in CloudSim (HostDynamicWorkload.addStateHistoryEntry, Vm.add
 * StateHistoryEntry), an entry at the same time as the previous one
 * replaces it, and the state of an entry holds until the next one: the
 * last entry of each host or VM is never counted.
 *
 *  SLATAH  (getSlaTimePerActiveHost, 493-521): time a host spent with
 *          allocated < requested, over time it spent active;
 *  PDM     ("underallocated_migration", getSlaMetrics 563-611): sum over
 *          VMs of (requested - allocated) x dt while the VM's entry says it
 *          is migrating, over the sum of requested x dt;
 *  SLAV    = SLATAH x PDM (273); ESV = energy x SLAV (not in CloudSim);
 *  overall = (requested - allocated) / requested over all VM time;
 *  average = mean over VM intervals with allocated < requested of
 *          (requested - allocated) / requested;
 *  shutdowns: active -> inactive transitions of host entries, the first
 *          entry counting as one if inactive (CloudSim starts from "active
 *          since 0"); the time active before each (mean, sample sd)
 *          (getTimesBeforeHostShutdown, 194-210).
 * Memory O(hosts + VMs).
 */
#ifndef CONSOLIDATION_SLA_H
#define CONSOLIDATION_SLA_H

#include <stdbool.h>

struct cons_sla;

struct cons_sla_result {
    double slatah;              /* fractions, not percent */
    double pdm;
    double slav;
    double overall;
    double average;
    long shutdowns;
    double shutdown_mean_s;     /* NAN without shutdowns */
    double shutdown_sd_s;       /* sample sd, NAN below two */
};

struct cons_sla *cons_sla_create(int nhosts, int nvms);
void cons_sla_destroy(struct cons_sla *s);

/* For a driver whose VMs come and go (hvsim's engine): room for VM ids
 * below n, and VM v's last entry ends at t: its sums are kept, its id may
 * be given to another VM. */
void cons_sla_reserve_vms(struct cons_sla *s, int n);
void cons_sla_vm_close(struct cons_sla *s, int v, double t);

/* Called by the driver each time it updates host h / VM v at time t
 * (non-decreasing per host and per VM). */
void cons_sla_host(struct cons_sla *s, int h, double t, double alloc_mips, double req_mips,
                   bool active);
void cons_sla_vm(struct cons_sla *s, int v, double t, double alloc_mips, double req_mips,
                 bool migrating);

/* The metrics of everything reported so far. */
void cons_sla_result(const struct cons_sla *s, struct cons_sla_result *r);

#endif /* CONSOLIDATION_SLA_H */
