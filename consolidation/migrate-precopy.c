/*
 * consolidation/migrate-precopy.c - iterative pre-copy live migration
 * after C. Clark et al., "Live Migration of Virtual Machines", NSDI 2005,
 * with the stopping rules of Xen's implementation
 * (tools/libxc/xc_domain_save.c, Xen 3.x-4.2: DEF_MAX_ITERS 29, i.e. 30
 * rounds; DEF_MAX_FACTOR 3, never send more than 3 x the memory; the last
 * iteration starts when a round sent fewer than 50 pages or sent more
 * than the one before).
 *
 * Round 0 sends the whole memory M at the migration bandwidth B.  While a
 * round of T seconds runs, the VM dirties D x T MB, but at most its
 * writable working set W (the pages it keeps rewriting: Clark et al. s. 4):
 * round i+1 sends V_{i+1} = min(D T_i, W).  Pre-copy stops when the next
 * dirty set is at most the threshold (50 pages of 4 KiB), when it no
 * longer shrinks, after max_rounds rounds, or when the bytes sent would
 * exceed max_factor x M; then the VM is paused and the last dirty set is
 * copied (stop-and-copy): that is the downtime.
 *
 *   total time = sum_i V_i / B + V_last / B,   bytes = sum_i V_i + V_last.
 *
 * Without a working-set bound and with D < B the sets are geometric,
 * V_i = M (D/B)^i (the closed form the tests check).  During the copy the
 * VM runs at full speed on the source (src_share 1: pre-copy does not
 * stop it) and the target reserves dst_share of its demand (CloudSim's
 * 10 %, so that the placement's estimate of an incoming VM holds).
 *
 * Dirtying rate and working set come per VM (struct cons_vm); the values
 * per hvsim workload class are in cons_precopy_class() below, with their
 * provenance.  O(rounds) <= 30.
 */
#include <string.h>

#include "consolidation/cons-private.h"
#include "consolidation/precopy.h"

struct precopy_conf {
    double link_share;    /* of the host's link */
    long max_rounds;
    double stop_mb;       /* stop-and-copy once a round would send at most this */
    double max_factor;    /* never send more than this x the memory */
    double dst_share;     /* of the VM's demand reserved at the target */
    double cpu;           /* cores busy on each host while it copies */
    long parallel;        /* migrations a link carries at once, 0 = no limit */
};

static const struct param_def precopy_params[] = {
    {"migration-link-share", PARAM_REAL, offsetof(struct precopy_conf, link_share), "0.5", 0, 1,
     PARAM_MIN_OPEN, .metavar = "F", .help = "cloudsim, precopy: the part of the host's link a "
     "migration uses; half, as CloudSim 5.0 C/power/PowerDatacenter.java:123-125 (\"the other "
     "half of BW is for VM communication\")"},
    {"precopy-rounds", PARAM_INT, offsetof(struct precopy_conf, max_rounds), "30", 1, 1000,
     .metavar = "N", .help = "precopy: at most N pre-copy rounds; 30 is Xen's "
     "tools/libxc/xc_domain_save.c DEF_MAX_ITERS 29 (\"limit us to 30 times round loop\")"},
    {"precopy-stop-mb", PARAM_REAL, offsetof(struct precopy_conf, stop_mb), "0.2048", 0, 1e6,
     .metavar = "MB", .help = "precopy: stop-and-copy once a round would send at most MB; 50 "
     "pages of 4 KiB, Xen xc_domain_save.c (last iteration when a round sent < 50 pages)"},
    {"precopy-max-factor", PARAM_REAL, offsetof(struct precopy_conf, max_factor), "3", 1, 100,
     .metavar = "F", .help = "precopy: never send more than F x the VM's memory; Xen "
     "tools/libxc/xc_domain_save.c DEF_MAX_FACTOR 3"},
    {"migration-dst-share", PARAM_REAL, offsetof(struct precopy_conf, dst_share), "0.1", 0, 1,
     .metavar = "F", .help = "cloudsim, precopy: the part of a migrating VM's demand its target "
     "reserves; CloudSim 5.0 C/VmSchedulerTimeSharedOverSubscription.java:70-73"},
    {"migration-cpu", PARAM_REAL, offsetof(struct precopy_conf, cpu), "0.5", 0, 64,
     .metavar = "CORES", .help = "cloudsim, precopy: cores the copy keeps busy on each of the "
     "two hosts while a migration runs (metered: power and measured utilisation; not with "
     "--preset); precopy: 0.5, an estimate [E] (ZHAW ICCLab's 2014 OpenStack measurements report "
     "a 50-80% load while a QEMU/KVM migration runs over 1 GbE)"},
    {"migration-parallel", PARAM_INT, offsetof(struct precopy_conf, parallel), "1", 0, 1000,
     .metavar = "N", .help = "cloudsim, precopy: migrations a host's link carries at once, a "
     "further one waits (0 = no limit; not with --preset, which starts them all); precopy: "
     "1, one migration at a time on a link at its share of the bandwidth"},
    {NULL},
};

static void precopy_cost(const struct cons_migration *m, const struct cons_migration_input *in,
                         struct cons_migration_cost *out)
{
    const struct precopy_conf *c = m->conf;
    double mb_s = in->bw_mbit * c->link_share / 8.0;
    int max_rounds = (int)c->max_rounds;
    double stop = c->stop_mb, cap = c->max_factor * in->mem_mb;
    double v = in->mem_mb, t = 0, sent = 0;
    int rounds = 0;
    for (;;) {
        double round_s = v / mb_s;
        t += round_s;
        sent += v;
        rounds++;
        double next = in->dirty_mb_s * round_s;
        if (in->wws_mb > 0 && next > in->wws_mb)
            next = in->wws_mb;
        bool last = next <= stop || next >= v || rounds >= max_rounds || sent + next > cap;
        v = next;
        if (last)
            break;
    }
    out->downtime_s = v / mb_s;
    out->total_s = t + out->downtime_s;
    out->mb_sent = sent + v;
    out->rounds = rounds;
    out->src_share = 1.0;
    out->dst_share = c->dst_share;
    out->cpu_cores = c->cpu;
}

const struct cons_migration_ops cons_migrate_precopy = {
    .info = {
        .name = "precopy",
        .desc = "iterative pre-copy (Clark et al., NSDI 2005; Xen's stopping rules), then "
                "stop-and-copy: the VM runs on its source until the downtime, a gap in its "
                "service",
        .params = precopy_params,
        .conf_size = sizeof(struct precopy_conf),
    },
    .cost = precopy_cost,
};

/*
 * Page-dirtying rate and writable working set per hvsim workload class
 * (models/classes).  Provenance as in the hardware profiles: R read from
 * a source, D derived from one, E estimate.
 *
 *  network-heavy  W = 26 MB   [D] Clark et al. 2005 (abstract, s. 6): a
 *                 SPECweb99 server migrated with 210 ms downtime over
 *                 gigabit Ethernet; 0.21 s x 125 MB/s = 26 MB copied in
 *                 the stop-and-copy round.  D = 20 MB/s [E].
 *  interactive    W = 7.5 MB  [D] the same paper: a Quake 3 server with
 *                 60 ms downtime, 0.06 s x 125 MB/s.  D = 5 MB/s [E].
 *  cpu-bound      W = 4 MB, D = 2 MB/s [E]: compute kernels rewrite a
 *                 small set of pages (Clark et al. s. 4 measured the WWS
 *                 of SPEC CINT2000 as a small fraction of memory).
 *  io-bound       W = 16 MB, D = 10 MB/s [E]: page-cache and buffer writes.
 *  memory-intensive W = 512 MB, D = 200 MB/s [E]: rewrites memory faster
 *                 than half a gigabit link copies it, the case pre-copy
 *                 does not converge on (Clark et al. s. 6.5 "diabolical
 *                 workload").
 * Unknown class: network-heavy.
 */
static const struct {
    const char *name;
    double dirty_mb_s, wws_mb;
} precopy_classes[] = {
    {"network-heavy", 20, 26},
    {"interactive", 5, 7.5},
    {"cpu-bound", 2, 4},
    {"io-bound", 10, 16},
    {"memory-intensive", 200, 512},
};

bool cons_precopy_class(const char *cls, double *dirty_mb_s, double *wws_mb)
{
    size_t n = sizeof precopy_classes / sizeof precopy_classes[0];
    for (size_t i = 0; i < n; i++)
        if (cls && strcmp(cls, precopy_classes[i].name) == 0) {
            *dirty_mb_s = precopy_classes[i].dirty_mb_s;
            *wws_mb = precopy_classes[i].wws_mb;
            return true;
        }
    *dirty_mb_s = precopy_classes[0].dirty_mb_s;
    *wws_mb = precopy_classes[0].wws_mb;
    return false;
}
