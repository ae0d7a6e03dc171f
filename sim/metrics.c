/*
 * sim/metrics.c - see metrics.h.  Definitions (docs/OUTPUTS in README):
 *   turnaround = finish - arrival
 *   waiting    = turnaround - service, service = the core time of the
 *                guest's longest-running vCPU (overhead included)
 *   response   = first dispatch - arrival
 *   slowdown   = turnaround / work (work per vCPU on the reference core)
 *   makespan   = last finish - first arrival; throughput = completed / makespan
 *   utilization = busy core time / (cores x makespan)
 *   fairness_jain = Jain's index (sum x)^2 / (n sum x^2) of x = CPU a
 *                guest received / CPU it was entitled to under weights and
 *                caps while it was runnable (sim/engine.c)
 *   fairness_slowdown_jain = the same index of x = 1/slowdown, the share
 *                of a dedicated reference core each guest got
 *   wake-up latency = run - wake; burst response = end of the burst - wake
 *   steal      = time runnable (queued, throttled) but not running
 */
#include "sim/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "base/xalloc.h"
#include "models/platform.h"

void metrics_init(struct sim_metrics *m, long warmup)
{
    memset(m, 0, sizeof *m);
    m->warmup = warmup;
    m->cut_at = -1;
}

void metrics_destroy(struct sim_metrics *m)
{
    latstat_free(&m->wake_lat);
    latstat_free(&m->burst_resp);
    free(m->turnaround);
    free(m->slowdown);
    free(m->waiting);
    m->turnaround = m->slowdown = m->waiting = NULL;
}

static void acc_merge(struct sim_acc *a, const struct sim_acc *b)
{
    a->total += b->total;
    sim_acc_add(a, b->part);
}

void metrics_merge(struct sim_metrics *m, const struct sim_metrics *s)
{
    m->reallocations += s->reallocations;
    m->unmet_s += s->unmet_s;
    m->idle_s += s->idle_s;
    m->fluid_busy_s += s->fluid_busy_s;
    m->exit_seconds += s->exit_seconds;
    m->walk_seconds += s->walk_seconds;
    m->switch_seconds += s->switch_seconds;
    for (int r = 0; r < HW_EXIT_REASONS; r++)
        m->exits[r] += s->exits[r];
    m->switches += s->switches;
    m->events += s->events;
    latstat_merge(&m->wake_lat, &s->wake_lat);
    latstat_merge(&m->burst_resp, &s->burst_resp);
    m->bursts += s->bursts;
    m->blocks += s->blocks;
    m->ipis += s->ipis;
    m->vcpu_migrations += s->vcpu_migrations;
    m->poll_wakes += s->poll_wakes;
    m->ipi_seconds += s->ipi_seconds;
    m->migration_seconds += s->migration_seconds;
    m->poll_seconds += s->poll_seconds;
    acc_merge(&m->runnable_ns, &s->runnable_ns);
    acc_merge(&m->steal_ns, &s->steal_ns);
    m->ent_jain_sum += s->ent_jain_sum;
    m->ent_jain_sq += s->ent_jain_sq;
    m->ent_n += s->ent_n;
    m->vcpu_samples += s->vcpu_samples;
    m->spin_s += s->spin_s;
    m->costop_s += s->costop_s;
    m->ple_exits += s->ple_exits;
    m->costops += s->costops;
    m->lhp += s->lhp;
    m->gang_idle_s += s->gang_idle_s;
}

void metrics_complete(struct sim_metrics *m, sim_time_t arrival, sim_time_t finish,
                      sim_time_t first_start, sim_time_t service, sim_time_t work,
                      sim_time_t size)
{
    m->completed++;
    m->last_finish = finish;
    sim_acc_add(&m->turn_ns_all, finish - arrival);
    sim_acc_add(&m->work_ns, work);
    if (m->completed <= m->warmup)
        return;
    /* exact conversions from the integer clock: a turnaround of 30 s is
     * 30, and a waiting time of 0 is 0, not a rounding residue */
    double t = sim_time_seconds(finish - arrival);
    double slow = (double)(finish - arrival) / (double)size;
    if ((size_t)m->counted == m->cap) {
        size_t cap = m->cap;
        m->turnaround = xgrow(m->turnaround, &cap, m->cap + 1, sizeof(double));
        m->slowdown = xrealloc(m->slowdown, cap * sizeof(double));
        m->waiting = xrealloc(m->waiting, cap * sizeof(double));
        m->cap = cap;
    }
    m->turnaround[m->counted] = t;
    m->slowdown[m->counted] = slow;
    double w = sim_time_seconds(finish - arrival - service);
    m->waiting[m->counted] = w;
    m->counted++;
    m->sum_turn += t;
    m->sum_slow += slow;
    m->sum_wait += w;
    m->sum_resp += sim_time_seconds(first_start - arrival);
    double share = 1.0 / slow;
    m->jain_sum += share;
    m->jain_sum_sq += share * share;
}


/* The f-quantile exactly as gsl_stats_quantile_from_sorted_data defines
 * it on the sorted data (linear interpolation between order statistics
 * floor(f(n-1)) and the next), found with GSL's quickselect in O(n)
 * instead of an O(n log n) sort: on 10^6 jobs the sort was 40% of a run.
 * gsl_stats_select partitions data around the k-th element, so the next
 * order statistic is the minimum of what lies after it. */
static void quantiles_nested(double *data, size_t n, const double *f, size_t k, double *q);

double stats_quantile(double *data, size_t n, double f)
{
    double q;
    quantiles_nested(data, n, &f, 1, &q);
    return q;
}

/* Several quantiles, each selected in what lies after the previous one's
 * order statistic (the selection leaves it partitioned there): the
 * median costs a pass over n, the 95th percentile over n/2, the 99th over
 * n/20, instead of three passes over n.  data is reordered. */
static void quantiles_nested(double *data, size_t n, const double *f, size_t k, double *q)
{
    size_t from = 0;   /* data[from..n) holds every order statistic >= from */
    for (size_t i = 0; i < k; i++) {
        if (n == 0) {
            q[i] = NAN;
            continue;
        }
        double index = f[i] * (double)(n - 1);
        size_t lhs = (size_t)index;
        double delta = index - (double)lhs;
        if (lhs < from)
            from = 0;   /* not ascending: select in the whole array again */
        double a = gsl_stats_select(data + from, 1, n - from, lhs - from);
        from = lhs;
        if (lhs + 1 >= n || delta == 0) {
            q[i] = a;
            continue;
        }
        double b = gsl_stats_min(data + lhs + 1, 1, n - lhs - 1);
        q[i] = (1 - delta) * a + delta * b;
    }
}

/* Large sets: the order statistics a quantile needs are bracketed from a
 * sample, [lo, hi] wide enough to hold them but for a 4-sigma accident;
 * one pass counts what lies below lo and gathers what lies in between,
 * and GSL's quickselect runs on the few gathered (Floyd and Rivest's
 * idea, CACM 18(3), 1975).  The answer is exact whatever the sample: a
 * bracket that missed its order statistic, or gathered too much, falls
 * back on a selection in a copy of the whole set. */
#define QUANT_SAMPLE 4096
#define QUANT_MIN_N 65536   /* below this, copy and select */

struct quant_bracket {
    size_t lhs;              /* the order statistic of the quantile, and lhs + 1 if need_next */
    double delta;            /* the interpolation weight of lhs + 1 */
    bool need_next;
    double lo, hi;           /* the bracket */
    size_t below;            /* elements < lo */
    double *in;              /* elements in [lo, hi] */
    size_t nin, cap;
    double min_above;        /* the smallest element > hi */
    bool overflow;           /* gathered more than cap: fall back */
};

void stats_quantiles(const double *data, size_t n, const double *f, size_t k, double *q)
{
    if (n < QUANT_MIN_N || k > 8) {
        double *copy = n ? xmalloc(n * sizeof *copy) : NULL;
        if (n)
            memcpy(copy, data, n * sizeof *copy);
        quantiles_nested(copy, n, f, k, q);
        free(copy);
        return;
    }
    double sample[QUANT_SAMPLE];
    size_t stride = n / QUANT_SAMPLE;
    for (size_t i = 0; i < QUANT_SAMPLE; i++)
        sample[i] = data[i * stride + stride / 2];
    gsl_sort(sample, 1, QUANT_SAMPLE);
    struct quant_bracket b[8];
    for (size_t i = 0; i < k; i++) {
        struct quant_bracket *br = &b[i];
        double index = f[i] * (double)(n - 1);
        br->lhs = (size_t)index;
        br->delta = index - (double)br->lhs;
        br->need_next = br->lhs + 1 < n && br->delta != 0;
        /* the ranks of lhs and lhs + 1 in the sample, and 4 sigmas of a
         * binomial count around them */
        double p = (double)br->lhs / (double)(n - 1), m = QUANT_SAMPLE;
        double r = p * (m - 1), band = 4 * sqrt(p * (1 - p) * m) + 2;
        double lo_r = floor(r - band), hi_r = ceil(r + band) + 1;
        br->lo = lo_r < 0 ? -INFINITY : sample[(size_t)lo_r];
        br->hi = hi_r >= m ? INFINITY : sample[(size_t)hi_r];
        br->below = 0;
        br->nin = 0;
        br->cap = (size_t)(2 * (hi_r - lo_r + 1) / m * (double)n) + 64;
        if (br->cap > n / 4)
            br->cap = n / 4;
        br->in = xmalloc(br->cap * sizeof *br->in);
        br->min_above = INFINITY;
        br->overflow = false;
    }
    for (size_t j = 0; j < n; j++) {
        double x = data[j];
        for (size_t i = 0; i < k; i++) {
            struct quant_bracket *br = &b[i];
            if (x < br->lo) {
                br->below++;
            } else if (x > br->hi) {
                if (x < br->min_above)
                    br->min_above = x;
            } else if (br->nin < br->cap) {
                br->in[br->nin++] = x;
            } else {
                br->overflow = true;
            }
        }
    }
    double *copy = NULL;
    for (size_t i = 0; i < k; i++) {
        struct quant_bracket *br = &b[i];
        size_t last = br->lhs + br->need_next;   /* the highest order statistic needed */
        if (br->overflow || br->below > br->lhs || last > br->below + br->nin ||
            (last == br->below + br->nin && !br->need_next)) {
            if (!copy) {
                copy = xmalloc(n * sizeof *copy);
                memcpy(copy, data, n * sizeof *copy);
            }
            quantiles_nested(copy, n, &f[i], 1, &q[i]);
        } else {
            size_t r = br->lhs - br->below;
            double a = gsl_stats_select(br->in, 1, br->nin, r);
            if (!br->need_next) {
                q[i] = a;
            } else {
                double next = r + 1 < br->nin ? gsl_stats_min(br->in + r + 1, 1, br->nin - r - 1)
                                              : br->min_above;
                q[i] = (1 - br->delta) * a + br->delta * next;
            }
        }
        free(br->in);
    }
    free(copy);
}

/* (Its latencies went into the run's as they happened: the run keeps the
 * finer histogram.) */
void metrics_guest(struct sim_metrics *m, const struct guest *g)
{
    double cpu = 0, ent = 0;
    for (int i = 0; i < g->nvcpus; i++) {
        const struct vcpu *v = &g->vcpu[i];
        sim_acc_add(&m->runnable_ns, v->runnable_ns);
        sim_acc_add(&m->steal_ns, v->steal_ns);
        cpu += (double)v->cpu_time;
        ent += v->ent_ns;
    }
    m->vcpu_samples += (uint64_t)g->nvcpus;
    const struct guest_cosched *co = guest_side_co(g);
    if (co) {   /* (none: all five are 0) */
        m->spin_s += co->spin_seconds;
        m->costop_s += co->costop_seconds;
        m->ple_exits += (uint64_t)co->ple_exits;
        m->costops += (uint64_t)co->costops;
        m->lhp += (uint64_t)co->lhp;
    }
    if (ent > 0) {
        double x = cpu / ent;
        m->ent_jain_sum += x;
        m->ent_jain_sq += x * x;
        m->ent_n++;
    }
}

void metrics_no_consolidation(struct sim_result *r)
{
    r->energy_kwh = NAN;
    r->live_migrations = r->live_migration_seconds = r->live_migration_mean_seconds = NAN;
    r->downtime_seconds = r->migration_bytes = NAN;
    r->slatah = r->pdm = r->slav = r->esv = r->sla_overall = r->sla_average = NAN;
    r->host_shutdowns = r->shutdown_mean_seconds = r->shutdown_sd_seconds = NAN;
    r->hosts_on_mean = NAN;
    r->cons_steps = r->cons_overloaded = r->cons_drained = r->vms_removed = NAN;
}

void metrics_finish(const struct sim_metrics *m, double busy_ns, int cores, struct sim_result *r)
{
    memset(r, 0, sizeof *r);
    metrics_no_consolidation(r);
    r->arrived = (double)m->arrived;
    r->completed = (double)m->completed;
    r->rejected = (double)m->rejected;
    r->admission_waits = (double)m->admission_waits;
    r->unmet_cpu_seconds = m->unmet_s;
    r->idle_cpu_seconds = m->idle_s;
    r->reallocations = (double)m->reallocations;
    memcpy(r->skipped, m->skipped, sizeof r->skipped);
    size_t n = (size_t)m->counted;
    double nan = NAN;
    r->turnaround_mean = r->turnaround_p50 = r->turnaround_p95 = r->turnaround_p99 = nan;
    r->turnaround_max = r->waiting_mean = r->response_mean = nan;
    r->slowdown_mean = r->slowdown_p99 = r->fairness_slowdown_jain = nan;
    if (n > 0) {
        const double *t = m->turnaround, *s = m->slowdown;
        r->turnaround_mean = m->sum_turn / (double)n;
        r->slowdown_mean = m->sum_slow / (double)n;
        r->turnaround_max = gsl_stats_max(t, 1, n);
        static const double fs[3] = {0.50, 0.95, 0.99};
        double qs[3];
        stats_quantiles(t, n, fs, 3, qs);
        r->turnaround_p50 = qs[0];
        r->turnaround_p95 = qs[1];
        r->turnaround_p99 = qs[2];
        static const double f99 = 0.99;
        stats_quantiles(s, n, &f99, 1, &r->slowdown_p99);
        r->waiting_mean = m->sum_wait / (double)n;
        r->response_mean = m->sum_resp / (double)n;
        r->fairness_slowdown_jain = m->jain_sum * m->jain_sum / ((double)n * m->jain_sum_sq);
    }
    /* A run that --end cut short spans up to the cut: rates are over it. */
    double span = m->cut_at >= 0 && m->any_arrival
                      ? sim_time_seconds(m->cut_at - m->first_arrival)
                  : m->completed ? sim_time_seconds(m->last_finish - m->first_arrival) : 0;
    r->makespan = span;
    r->busy_seconds = busy_ns < 9e18 ? sim_time_seconds((sim_time_t)busy_ns) : busy_ns * 1e-9;
    long double work_ns = sim_acc_value(&m->work_ns);
    r->work_seconds = work_ns < 9e18L ? sim_time_seconds((sim_time_t)work_ns)
                                      : (double)(work_ns * 1e-9L);
    r->vs_native = r->work_seconds > 0 ? (r->busy_seconds - r->work_seconds) / r->work_seconds
                                       : NAN;
    if (span > 0) {
        r->throughput = (double)m->completed / span;
        r->utilization = busy_ns * 1e-9 / (cores * span);
        r->in_system_mean = (double)(sim_acc_value(&m->area_in_system) * 1e-9L / span);
        r->arrival_rate = (double)m->arrived / span;
    } else {
        r->throughput = r->utilization = r->in_system_mean = r->arrival_rate = nan;
    }
    r->in_system_max = (double)m->max_in_system;
    r->exit_seconds = (double)m->exit_seconds;
    r->walk_seconds = (double)m->walk_seconds;
    r->switch_seconds = (double)m->switch_seconds;
    r->switches = (double)m->switches;
    for (int i = 0; i < HW_EXIT_REASONS; i++)
        r->exits[i] = (double)m->exits[i];
    r->fairness_jain = m->ent_n ? m->ent_jain_sum * m->ent_jain_sum /
                                      ((double)m->ent_n * m->ent_jain_sq) : nan;
    r->wake_mean = latstat_mean(&m->wake_lat);
    r->wake_p50 = latstat_quantile(&m->wake_lat, 0.50);
    r->wake_p95 = latstat_quantile(&m->wake_lat, 0.95);
    r->wake_p99 = latstat_quantile(&m->wake_lat, 0.99);
    r->wake_max = m->wake_lat.n ? m->wake_lat.max : nan;
    r->burst_mean = latstat_mean(&m->burst_resp);
    r->burst_p50 = latstat_quantile(&m->burst_resp, 0.50);
    r->burst_p95 = latstat_quantile(&m->burst_resp, 0.95);
    r->burst_p99 = latstat_quantile(&m->burst_resp, 0.99);
    r->burst_max = m->burst_resp.n ? m->burst_resp.max : nan;
    r->bursts = (double)m->bursts;
    r->burst_rate = span > 0 ? (double)m->bursts / span : nan;
    r->blocks = (double)m->blocks;
    r->hlt_exits = (double)m->exits[HW_EXIT_HLT];
    r->ipis = (double)m->ipis;
    r->vcpu_migrations = (double)m->vcpu_migrations;
    r->poll_wakes = (double)m->poll_wakes;
    r->ipi_seconds = (double)m->ipi_seconds;
    r->migration_seconds = (double)m->migration_seconds;
    r->poll_seconds = (double)m->poll_seconds;
    long double runnable_ns = sim_acc_value(&m->runnable_ns);
    long double steal_ns = sim_acc_value(&m->steal_ns);
    r->runnable_seconds = (double)(runnable_ns * 1e-9L);
    r->steal_seconds = (double)(steal_ns * 1e-9L);
    r->steal_fraction = runnable_ns > 0 ? (double)(steal_ns / runnable_ns) : nan;
    /* Overhead as a fraction of busy core time: what the cores spent on
     * exits, extra walk references, switches, IPIs, migrations' refills,
     * halt polling and spinning on a preempted lock holder instead of
     * guest work. */
    r->spin_seconds = (double)m->spin_s;
    r->spin_fraction = r->busy_seconds > 0 ? r->spin_seconds / r->busy_seconds : 0;
    r->ple_exits = (double)m->ple_exits;
    r->holder_preemptions = (double)m->lhp;
    r->costops = (double)m->costops;
    r->costop_seconds = (double)m->costop_s;
    r->gang_idle_seconds = m->gang_idle_s;
    double ovh = r->exit_seconds + r->walk_seconds + r->switch_seconds + r->ipi_seconds +
                 r->migration_seconds + r->poll_seconds + r->spin_seconds;
    r->overhead_fraction = r->busy_seconds > 0 ? ovh / r->busy_seconds : 0;
    r->events = (double)m->events;
    r->turnaround_ci[0] = r->turnaround_ci[1] = NAN;
    r->waiting_ci[0] = r->waiting_ci[1] = NAN;
    r->batch_lag1 = NAN;
}

void stats_t_interval(const double *x, size_t n, double ci[2])
{
    if (n < 2) {
        ci[0] = ci[1] = NAN;
        return;
    }
    double mean = gsl_stats_mean(x, 1, n);
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * gsl_stats_sd_m(x, 1, n, mean) /
                  sqrt((double)n);
    ci[0] = mean - half;
    ci[1] = mean + half;
}

static void batch_ci(const double *x, size_t n, size_t batches, double ci[2], double *lag1)
{
    size_t per = n / batches;
    double *means = xmalloc(batches * sizeof *means);
    /* The remainder n % batches (at most batches-1 samples) is dropped
     * from the end so that all batches have the same length. */
    for (size_t b = 0; b < batches; b++) {
        double sum = 0;
        for (size_t i = 0; i < per; i++)
            sum += x[b * per + i];
        means[b] = sum / (double)per;
    }
    stats_t_interval(means, batches, ci);
    if (lag1)
        *lag1 = gsl_stats_lag1_autocorrelation(means, 1, batches);
    free(means);
}

void metrics_batch_means(const struct sim_metrics *m, long batches, struct sim_result *r)
{
    size_t n = (size_t)m->counted;
    if (batches < 2 || n < 2 * (size_t)batches)
        return;
    batch_ci(m->turnaround, n, (size_t)batches, r->turnaround_ci, &r->batch_lag1);
    batch_ci(m->waiting, n, (size_t)batches, r->waiting_ci, NULL);
}
