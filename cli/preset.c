/* cli/preset.c - see preset.h. */
#include "cli/preset.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xalloc.h"
#include "cli/datadir.h"
#include "consolidation/cloudsim.h"
#include "consolidation/quirks.h"

/* Options of run that CloudSim's set-up decides, with why. */
static const struct {
    const char *option, *why;
} fixed[] = {
    {"generate", "the workload is the PlanetLab day in --trace"},
    {"limit", "the workload is every VM of the day"},
    {"start", "the day is replayed whole"},
    {"end", "the day is replayed whole (86,400 s)"},
    {"scale-arrivals", "the VMs all start at 0"},
    {"scale-work", "the VMs' demand is the trace's"},
    {"sched", "CloudSim shares a host's CPU by its own time-shared scheduler"},
    {"alloc", "CloudSim shares a host's CPU by its own time-shared scheduler"},
    {"place", "placement is --consolidate-place (or CloudSim's baselines')"},
    {"overcommit", "the hosts are CloudSim's"},
    {"admission", "every VM is placed at the start, or CloudSim stops"},
    {"cores", "the hosts are CloudSim's (2 cores each)"},
    {"sockets", "the hosts are CloudSim's"},
    {"mem", "the hosts are CloudSim's (4,096 MB each)"},
    {"platform", "the hosts are CloudSim's (G4 and G5 alternating)"},
    {"hw", "CloudSim models no virtualisation overhead"},
    {"exit-model", "CloudSim models no virtualisation overhead"},
    {"model", "the preset is CloudSim's time-stepped model"},
    {"cap-period", "the preset is CloudSim's time-stepped model"},
    {"reps", "the preset is deterministic but for RS, whose seed is --seed"},
    {"batches", "the preset reports no turnaround"},
    {"warmup", "the preset reports no turnaround"},
    {"sample", "the timeline has a row per host per 300-s step"},
    {"gantt", "the preset runs no vCPUs"},
    {"migration-cpu", "CloudSim's migrations cost no CPU"},
    {"migration-parallel", "CloudSim starts every migration of a step at once, at full speed"},
};

bool preset_fixes(const char *option)
{
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (strcmp(fixed[i].option, option) == 0)
            return true;
    return false;
}

int preset_resolve(const struct cli_args *args, struct sim_experiment *x, const char *trace,
                   const char *quirks, struct sim_error *err)
{
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (cli_args_given(args, fixed[i].option))
            return sim_error_usage(err, "--%s does not apply with --preset cloudsim-planetlab: "
                                   "%s", fixed[i].option, fixed[i].why);
    struct stat st;
    if (!trace || stat(trace, &st) != 0 || !S_ISDIR(st.st_mode))
        return sim_error_usage(err, "--preset cloudsim-planetlab needs --trace DIR, a PlanetLab "
                               "day (a directory of per-VM files)");
    if (!x->power_aware && x->cons.detector.info != registry_at(&cons_detector_registry, 0))
        return sim_error_usage(err, "--power-aware no is CloudSim's non-power-aware baseline, "
                               "which does not consolidate: give --consolidate none");
    int rc = SIM_OK;
    if (!cli_args_given(args, "migration"))
        rc = cons_choose(&x->cons.migration, &cons_migration_registry, "cloudsim", err);
    bool dc_on;
    struct cons_cloudsim_quirks dq;
    if (rc == SIM_OK)
        rc = cons_quirks_parse(quirks ? quirks : "all", true, &x->cons.quirks, &dq, &dc_on, err);
    return rc;
}

struct preset_ctx {
    struct run_output *out;       /* NULL or without files: no timeline */
    int nhosts;
    double util_s;                /* host utilisation x time, summed over hosts */
};

static void on_step(void *ctx, const struct cons_cloudsim_step *s)
{
    struct preset_ctx *p = ctx;
    for (int h = 0; h < p->nhosts; h++)
        p->util_s += fmin(s->hosts[h].util, 1) * s->dt;
    for (int h = 0; h < p->nhosts && p->out && p->out->timeline; h++) {
        const struct cons_cloudsim_host *H = &s->hosts[h];
        double core = cons_cloudsim_host_core_mips(h);
        struct sim_sample row = {
            .time = sim_time_from_s(s->t),
            .interval = sim_time_from_s(s->dt),
            .host = h,
            .utilization = H->util,
            .runnable = H->vms,
            .running = H->vms,
            .guests = s->vms,
            .demand = H->req_mips / core,
            .allocated = H->alloc_mips / core,
            .used = H->alloc_mips / core,
            .queued_mean = 0,
            .power_w = H->power_w,
            .energy_kwh = H->energy_j / 3.6e6,
        };
        run_output_sample(p->out, &row);
    }
}

int preset_run(const struct sim_experiment *x, const char *trace, const char *quirks,
               long hosts, struct run_output *out, struct sim_result *r, struct sim_error *err)
{
    struct cons_cloudsim_config c;
    int rc = cons_cloudsim_config_init(&c, err);
    if (rc < 0)
        return rc;
    /* The experiment's policies, borrowed (the manager copies them): the
     * config's own defaults go first. */
    cons_config_release(&c.manager);
    c.manager = x->cons;
    c.manager.seed = x->seed;
    /* The manager's switches are in x (preset_resolve); the data centre's
     * come from the same text. */
    struct cons_quirks mq;
    bool dc_on;
    rc = cons_quirks_parse(quirks ? quirks : "all", true, &mq, &c.quirks, &dc_on, err);
    if (rc < 0)
        return rc;
    c.trace_dir = trace;
    c.datadir = cli_datadir();
    c.hosts = (int)hosts;
    bool none = x->cons.detector.info == registry_at(&cons_detector_registry, 0);
    c.mode = !x->power_aware ? CONS_CLOUDSIM_NPA : none ? CONS_CLOUDSIM_DVFS
                                                        : CONS_CLOUDSIM_MIGRATE;
    sim_time_t iv = cons_detector_interval(&x->cons.detector);
    if (iv > 0)
        c.interval = sim_time_to_s(iv);
    c.hosts_out = xcalloc((size_t)c.hosts, sizeof *c.hosts_out);
    struct preset_ctx ctx = {out, c.hosts, 0};
    c.on_step = on_step;
    c.ctx = &ctx;

    struct cons_cloudsim_result cr;
    rc = cons_cloudsim_run(&c, &cr, err);
    if (rc == SIM_OK) {
        /* What the engine would report is not measured by this model: the
         * figures of a run without guests (NAN where undefined). */
        struct sim_metrics m;
        metrics_init(&m, 0);
        metrics_finish(&m, 0, 1, r);
        metrics_destroy(&m);
        r->arrived = cr.vms;
        r->completed = 0;
        r->rejected = 0;
        r->energy_kwh = cr.energy_kwh;
        r->live_migrations = (double)cr.migrations;
        r->live_migration_seconds = cr.migration_s;
        r->live_migration_mean_seconds = cr.migrations ? cr.migration_s / (double)cr.migrations
                                                       : NAN;
        r->downtime_seconds = cr.downtime_s;
        r->migration_bytes = cr.migration_mb * 1e6;
        r->slatah = cr.sla.slatah;
        r->pdm = cr.sla.pdm;
        r->slav = cr.sla.slav;
        r->esv = cr.esv;
        r->sla_overall = cr.sla.overall;
        r->sla_average = cr.sla.average;
        r->host_shutdowns = (double)cr.sla.shutdowns;
        r->shutdown_mean_seconds = cr.sla.shutdown_mean_s;
        r->shutdown_sd_seconds = cr.sla.shutdown_sd_s;
        double on_s = 0;
        for (int h = 0; h < c.hosts; h++)
            on_s += c.hosts_out[h].on_s;
        r->hosts_on_mean = on_s / cr.sim_end_s;
        r->cons_steps = (double)cr.steps;
        r->cons_overloaded = (double)cr.overloaded;
        r->cons_drained = (double)cr.drained;
        r->vms_removed = (double)cr.vms_removed;
        r->makespan = cr.sim_end_s;
        /* the hosts' mean utilisation (MIPS in use / MIPS) over the run */
        r->utilization = ctx.util_s / ((double)c.hosts * cr.sim_end_s);
        r->events = r->events_per_second = r->peak_pending = r->peak_guests = NAN;
        /* the engine's allocation accounting does not run here */
        r->unmet_cpu_seconds = r->idle_cpu_seconds = NAN;
        for (int h = 0; out && h < c.hosts; h++) {
            const struct cons_cloudsim_host *H = &c.hosts_out[h];
            struct sim_host_report row = {
                h, cons_cloudsim_host_power(h), cons_cloudsim_host_cores(h),
                cons_cloudsim_host_core_mips(h) / 1000, H->energy_j / 3.6e6, H->on_s,
                H->shutdowns, H->migrations_in, H->migrations_out,
            };
            run_output_host(out, &row);
        }
    }
    free(c.hosts_out);
    return rc;
}
