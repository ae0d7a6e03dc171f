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

struct cloudsim_mig_conf {
    double link_share;    /* of the host's link */
    double src_share;     /* of the VM's demand served at the source */
    double dst_share;     /* of it reserved at the target */
    double cpu;           /* cores busy on each host while it copies */
    long parallel;        /* migrations a link carries at once, 0 = no limit */
};

static const struct param_def cloudsim_mig_params[] = {
    {"migration-link-share", PARAM_REAL, offsetof(struct cloudsim_mig_conf, link_share), "0.5",
     0, 1, PARAM_MIN_OPEN, .metavar = "F", .help = "cloudsim, precopy: the part of the host's "
     "link a migration uses; half, as CloudSim 5.0 C/power/PowerDatacenter.java:123-125 "
     "(\"the other half of BW is for VM communication\")"},
    {"migration-src-share", PARAM_REAL, offsetof(struct cloudsim_mig_conf, src_share), "0.9", 0, 1,
     .metavar = "F", .help = "cloudsim: the part of its demand a migrating VM is served on its "
     "source; CloudSim 5.0 C/VmSchedulerTimeSharedOverSubscription.java:78-80 (10% "
     "degradation)"},
    {"migration-dst-share", PARAM_REAL, offsetof(struct cloudsim_mig_conf, dst_share), "0.1", 0, 1,
     .metavar = "F", .help = "cloudsim, precopy: the part of a migrating VM's demand its target "
     "reserves; CloudSim 5.0 C/VmSchedulerTimeSharedOverSubscription.java:70-73"},
    {"migration-cpu", PARAM_REAL, offsetof(struct cloudsim_mig_conf, cpu), "0", 0, 64,
     .metavar = "CORES", .help = "cloudsim, precopy: cores the copy keeps busy on each of the "
     "two hosts while a migration runs (metered: power and measured utilisation; not with "
     "--preset); cloudsim: 0, CloudSim charges none"},
    {"migration-parallel", PARAM_INT, offsetof(struct cloudsim_mig_conf, parallel), "0", 0, 1000,
     .metavar = "N", .help = "cloudsim, precopy: migrations a host's link carries at once, a "
     "further one waits (0 = no limit; not with --preset, which starts them all); cloudsim: "
     "0, CloudSim starts every migration of a step at once at full speed"},
    {NULL},
};

static void cloudsim_mig_cost(const struct cons_migration *m, const struct cons_migration_input *in,
                              struct cons_migration_cost *out)
{
    const struct cloudsim_mig_conf *c = m->conf;
    double mb_s = in->bw_mbit * c->link_share / 8.0;
    out->total_s = in->mem_mb / mb_s;
    out->downtime_s = 0;
    out->mb_sent = in->mem_mb;
    out->rounds = 0;
    out->src_share = c->src_share;
    out->dst_share = c->dst_share;
    out->cpu_cores = c->cpu;
}

const struct cons_migration_ops cons_migrate_cloudsim = {
    .info = {
        .name = "cloudsim",
        .desc = "CloudSim's: RAM / (link / 2), 90% of the demand served at the source and 10% "
                "reserved at the target meanwhile, no downtime",
        .params = cloudsim_mig_params,
        .conf_size = sizeof(struct cloudsim_mig_conf),
    },
    .cost = cloudsim_mig_cost,
};
