/*
 * consolidation/migrate-cloudsim.c - CloudSim's migration model: a
 * migration takes RAM / (BW / 2) and the VM is served 90 % of its demand
 * on the source while the target reserves 10 % of it.
 *
 * CloudSim 5.0 C/power/PowerDatacenter.java:122-130 delays the completion
 * by vm.getRam() / (targetHost.getBw() / (2 * 8000)): the host bandwidth
 * is in kbit/s (Constants.HOST_BW = 1,000,000 for 1 Gbit/s), / 8000 turns
 * kbit/s into MB/s (8 bits a byte, 1000 kbit a Mbit), and / 2 leaves half
 * the link to the VMs' own traffic; hence the 16000.  With our Mbit/s the
 * same time is RAM / (BW x 0.5 / 8): 870 MB over 1 Gbit/s is 13.92 s.
 * The 90/10 split is VmSchedulerTimeSharedOverSubscription.java:70-84
 * ("performance degradation due to migration = 10% MIPS", "the destination
 * host only experience 10% of the migrating VM's MIPS").  Nothing is
 * copied twice and there is no downtime: the whole RAM crosses once.
 */
#include "consolidation/cons-private.h"

static const struct cons_param cloudsim_mig_params[] = {
    {"bw_share", 0.5, 0.01, 1,
     "half the link, CloudSim 5.0 C/power/PowerDatacenter.java:123-125 (\"BW / 2 to model BW "
     "available for migration purposes, the other half of BW is for VM communication\")"},
    {"src_share", 0.9, 0, 1,
     "CloudSim 5.0 C/VmSchedulerTimeSharedOverSubscription.java:78-80 (10% degradation at the source)"},
    {"dst_share", 0.1, 0, 1,
     "CloudSim 5.0 C/VmSchedulerTimeSharedOverSubscription.java:70-73 (10% reserved at the target)"},
    {NULL, 0, 0, 0, NULL},
};

static void cloudsim_mig_cost(const struct cons_migration *m, const struct cons_migration_input *in,
                              struct cons_migration_cost *out)
{
    double mb_s = in->bw_mbit * m->p[0] / 8.0;
    out->total_s = in->mem_mb / mb_s;
    out->downtime_s = 0;
    out->mb_sent = in->mem_mb;
    out->rounds = 0;
    out->src_share = m->p[1];
    out->dst_share = m->p[2];
}

const struct cons_migration_ops cons_migrate_cloudsim = {
    .name = "cloudsim",
    .desc = "CloudSim: RAM / (BW / 2), 90% of the demand served at the source, 10% reserved at the target",
    .params = cloudsim_mig_params,
    .cost = cloudsim_mig_cost,
};
