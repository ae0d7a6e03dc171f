/*
 * sim/metrics.h - what a run measures, and the figures it reports.
 *
 * struct sim_metrics accumulates during a run (owned by struct sim);
 * metrics_finish turns it into struct sim_result, plain numbers that
 * replications can average (report/report.c).  Per-job samples of turnaround
 * and slowdown are kept for exact percentiles (GSL sort + quantile), 16
 * bytes per completed guest: the one thing that grows with the trace.
 */
#ifndef SIM_METRICS_H
#define SIM_METRICS_H

#include "base/latstat.h"
#include "base/types.h"
#include "models/hw.h"
#include "models/platform.h"
#include "workloads/trace.h"

/* An exact sum of integer nanosecond quantities: int64 arithmetic on the
 * hot path, flushed into a long double before it could overflow. */
struct sim_acc {
    int64_t part;
    long double total;
};
static inline void sim_acc_add(struct sim_acc *a, int64_t x)
{
    if (a->part > (INT64_C(1) << 62) - x) {
        a->total += (long double)a->part;
        a->part = 0;
    }
    a->part += x;
}
static inline long double sim_acc_value(const struct sim_acc *a)
{
    return a->total + (long double)a->part;
}

struct sim_metrics {
    long arrived, completed, counted;   /* counted = completed after --warmup */
    long warmup;
    long rejected;
    long admission_waits;               /* guests that waited for admission */
    long reallocations;                 /* (host, interval) re-allocations that changed a grant */
    double unmet_s, idle_s;             /* allocation: core-seconds, completed series guests */
    double fluid_busy_s;                /* core-seconds used by series guests */
    double *turnaround, *slowdown, *waiting; /* counted samples, in completion order */
    size_t cap;
    double sum_turn, sum_slow, sum_wait, sum_resp; /* over counted guests, seconds */
    struct sim_acc turn_ns_all;         /* every completed guest, ns (Little) */
    double jain_sum, jain_sum_sq;       /* of 1/slowdown, counted guests */
    sim_time_t first_arrival, last_finish;
    sim_time_t cut_at;           /* --end stopped the run here with guests in it; -1 = no */
    bool any_arrival;
    long in_system, max_in_system;      /* guests arrived and not finished */
    struct sim_acc area_in_system;      /* integral of in_system dt, guest-ns */
    sim_time_t last_change;
    struct sim_acc work_ns;             /* reference work of completed guests, all vCPUs */
    /* virtualisation overhead (seconds) and counts */
    long double exit_seconds, walk_seconds, switch_seconds;
    long double exits[HW_EXIT_REASONS];
    uint64_t switches;
    uint64_t events;
    long skipped[TRACE_SKIP_MAX];
    /* the VM model: vCPUs that block, wake and move (every guest's, merged
     * when it completes or when the run ends) */
    struct latstat wake_lat;            /* wake -> run, s */
    struct latstat burst_resp;          /* wake -> the end of that burst, s */
    uint64_t bursts, blocks, ipis, vcpu_migrations, poll_wakes;
    long double ipi_seconds, migration_seconds, poll_seconds;
    struct sim_acc runnable_ns, steal_ns; /* vCPU time runnable, and of it not running */
    double ent_jain_sum, ent_jain_sq;   /* of x = CPU received / entitlement, per guest */
    long ent_n;
    uint64_t vcpu_samples;              /* vCPUs counted in runnable_ns */
    /* co-scheduling and spinlocks (sim/cosched.c) */
    long double spin_s, costop_s;       /* core time spinning; vCPU time co-stopped */
    uint64_t ple_exits, costops, lhp;
    double gang_idle_s;                 /* core time held idle for gangs */
};

/* Plain figures of one run; NAN where undefined (no completions). */
struct sim_result {
    double arrived, completed, rejected, admission_waits;
    double unmet_cpu_seconds, idle_cpu_seconds, reallocations;
    double turnaround_mean, turnaround_p50, turnaround_p95, turnaround_p99, turnaround_max;
    double waiting_mean, response_mean, slowdown_mean, slowdown_p99;
    double throughput, makespan, utilization, fairness_jain;
    double fairness_slowdown_jain;  /* Jain's index of 1/slowdown (one dedicated core each) */
    double in_system_mean, in_system_max, arrival_rate;
    double overhead_fraction, exit_seconds, walk_seconds, switch_seconds, switches;
    double exits[HW_EXIT_REASONS];
    double events, wall_seconds, events_per_second, peak_pending;
    double peak_guests;      /* guest records allocated at once: bounded by the system, not the trace */
    /* 95% intervals of turnaround.mean and waiting.mean from batch means
     * within this run (NAN when not computed). */
    double turnaround_ci[2], waiting_ci[2], batch_lag1;
    double busy_seconds;
    double work_seconds;    /* reference work of completed guests = native core time */
    double vs_native;       /* (busy - work) / work: extra core time over native */
    long skipped[TRACE_SKIP_MAX];
    /* the VM model */
    double wake_mean, wake_p50, wake_p95, wake_p99, wake_max;      /* s */
    double burst_mean, burst_p50, burst_p95, burst_p99, burst_max; /* s */
    double bursts, burst_rate;        /* bursts completed, and per second of makespan */
    double blocks, hlt_exits, ipis, vcpu_migrations, poll_wakes;
    double ipi_seconds, migration_seconds, poll_seconds;
    double runnable_seconds, steal_seconds, steal_fraction;
    double spin_seconds, spin_fraction, ple_exits, holder_preemptions; /* spinlocks */
    double costops, costop_seconds, gang_idle_seconds;  /* co-scheduling */
    /* consolidation and energy (sim/consolidate.c, or the preset's
     * time-stepped model); NAN where they do not apply (no power table:
     * no energy; no manager: no SLA metrics) */
    double energy_kwh;
    double live_migrations, live_migration_seconds, live_migration_mean_seconds;
    double downtime_seconds, migration_bytes;
    double slatah, pdm, slav, esv, sla_overall, sla_average;   /* fractions */
    double host_shutdowns, shutdown_mean_seconds, shutdown_sd_seconds, hosts_on_mean;
    double cons_steps, cons_overloaded, cons_drained, vms_removed;
};

/* Every consolidation figure of r NAN: what a run without a manager or
 * power tables reports. */
void metrics_no_consolidation(struct sim_result *r);

void metrics_init(struct sim_metrics *m, long warmup);
void metrics_destroy(struct sim_metrics *m);

/* The number of guests in the system changes at now by delta (inline:
 * twice per guest). */
static inline void metrics_population(struct sim_metrics *m, sim_time_t now, int delta)
{
    if (m->any_arrival)
        sim_acc_add(&m->area_in_system, m->in_system * (now - m->last_change));
    m->last_change = now;
    m->in_system += delta;
    if (m->in_system > m->max_in_system)
        m->max_in_system = m->in_system;
}

/* What a host's shard measured by itself (sim/shards.c) into the run's
 * m: every count, sum and latency set that events add to.  A shard
 * records no completion and no population (its run does, in order), so
 * the samples, the population and the first and last times are left. */
void metrics_merge(struct sim_metrics *m, const struct sim_metrics *shard);

/* A guest completed.  work is the reference work its vCPUs did (all of
 * them, ns); size is the base of its slowdown: its work per vCPU, or for
 * a utilisation-series guest the length of its series. */
void metrics_complete(struct sim_metrics *m, sim_time_t arrival, sim_time_t finish,
                      sim_time_t first_start, sim_time_t service, sim_time_t work,
                      sim_time_t size);

/* A guest leaves the system (completed, or still in it when the run
 * ends): merge its per-VM figures (wake-up latency, burst response,
 * steal, CPU against entitlement) into the run's. */
void metrics_guest(struct sim_metrics *m, const struct guest *g);

/* The base of a guest's slowdown, turnaround / size (docs/MODEL.md): its
 * work per vCPU, or for a utilisation-series guest the length of its
 * series.  The summary and jobs.csv both divide by it.  (Inline: asked
 * twice per guest.) */
static inline sim_time_t metrics_slowdown_size(const struct guest *g)
{
    if (!g->series)
        return g->work;
    return sim_time_from_s(g->series->interval * (double)g->series->n);
}

/* busy = total core-ns busy, cores = number of cores. */
void metrics_finish(const struct sim_metrics *m, double busy_ns, int cores,
                    struct sim_result *r);

/* Batch means: split the counted samples (completion order) into
 * `batches` equal batches and fill r's turnaround_ci and waiting_ci with
 * the Student-t 95% interval of their means, and batch_lag1 with the
 * lag-1 autocorrelation of the turnaround batch means (should be < 0.1,
 * queueing.md section 8).  Needs at least 2 samples per batch. */
void metrics_batch_means(const struct sim_metrics *m, long batches, struct sim_result *r);

/* The f-quantile of data[0..n-1] (reordered), equal to
 * gsl_stats_quantile_from_sorted_data on the sorted data. */
double stats_quantile(double *data, size_t n, double f);
/* The f[0..k-1]-quantiles of data[0..n-1] (left as it is) into q[0..k-1],
 * each equal to stats_quantile's, in about one pass over a large set. */
void stats_quantiles(const double *data, size_t n, const double *f, size_t k, double *q);

/* Student-t 95% interval of the mean of x[0..n-1]; NAN for n < 2. */
void stats_t_interval(const double *x, size_t n, double ci[2]);

#endif /* SIM_METRICS_H */
