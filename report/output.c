/* report/output.c - see output.h.  Every file goes through report/outdir.h: written
 * once into the transaction's directory, each write checked. */
#include "report/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "report/plots.h"
#include "report/report.h"
#include "report/units.h"
#include "sim/metrics.h"
#include "base/xalloc.h"

const struct output_column output_jobs_columns[] = {
    {"id", "the guest's id"},
    {"arrival", "arrival, s"},
    {"start", "first dispatch of any vCPU, s"},
    {"finish", "completion of the last vCPU, s"},
    {"waiting", "turnaround - time run (the core time of its longest vCPU), s"},
    {"turnaround", "finish - arrival, s"},
    {"slowdown", "turnaround / work per vCPU (a series guest: / its series length): the "
                 "summary's slowdown"},
    {"host", "the host it ran on"},
    {"work", "reference work per vCPU, s"},
    {"cpu_time", "core time over its vCPUs, overhead included, s"},
    {"exits", "VM exits"},
    {"vcpus", "vCPUs"},
    {"switches", "world switches to its vCPUs"},
    {"class", "workload class"},
    {"priority", "priority"},
    {"deadline", "deadline, s (empty: none)"},
    {"deadline_missed", "1 if it finished after its deadline, 0 if not (empty: none)"},
    {"wakeup_mean", "wake-up latency (a vCPU becomes runnable to its code runs), mean over its "
                    "wake-ups, s (empty: it never woke)"},
    {"wakeup_p50", "wake-up latency, median, s (to within 6.3% past 8 wake-ups)"},
    {"wakeup_p95", "wake-up latency, 95th percentile, s"},
    {"wakeup_p99", "wake-up latency, 99th percentile, s"},
    {"wakeup_max", "wake-up latency, largest, s"},
    {"burst_response_mean", "burst response (wake to the end of that burst), mean, s (empty: "
                            "no burst ended)"},
    {"burst_response_p50", "burst response, median, s"},
    {"burst_response_p95", "burst response, 95th percentile, s"},
    {"burst_response_p99", "burst response, 99th percentile, s"},
    {"burst_response_max", "burst response, largest, s"},
    {"bursts", "bursts its vCPUs ran to their end"},
    {"steal", "time its vCPUs were runnable but not running (queued or throttled), s"},
    {"steal_fraction", "steal / time runnable: top's %st (empty: never runnable)"},
    {"migrations", "times one of its vCPUs started on another core than the one it last ran on"},
    {"cpu_entitlement", "core time received / core time entitled (its share of its host's "
                        "cores by weight, at most its cap, while runnable; empty: none)"},
    {"spin", "core time its vCPUs spun on its spinlock while a preempted sibling held it, s"},
    {"ple_exits", "PAUSE-loop exits of its spinning vCPUs"},
    {"holder_preemptions", "times one of its vCPUs was taken off its core holding its lock"},
    {"costops", "co-stops (relaxed: of one vCPU; strict: of its gang)"},
    {"costop", "time its vCPUs were co-stopped (relaxed), s"},
    {NULL},
};

const struct output_column output_timeline_columns[] = {
    {"time", "end of the sampling interval, s"},
    {"host", "host"},
    {"utilization", "busy core fraction over the interval"},
    {"runnable", "vCPUs queued or running at the sample"},
    {"running", "vCPUs running at the sample"},
    {"guests", "guests in the system (all hosts)"},
    {"demand", "cores demanded (series guests: mean over the interval)"},
    {"allocated", "cores granted"},
    {"used", "cores used"},
    {"queued", "vCPUs waiting in the host's runqueues (runnable, not running, not throttled), "
               "mean over the interval"},
    {"power_w", "the host's mean power over the interval, W (empty without power tables)"},
    {"energy_kwh", "the host's energy from the start, kWh (empty without power tables)"},
    {NULL},
};

const struct output_column output_hosts_columns[] = {
    {"host", "host"},
    {"power_model", "its power table (models/power/NAME.json)"},
    {"cores", "its cores"},
    {"speed", "a core's speed against the reference core (CloudSim's MIPS / 1000)"},
    {"energy_kwh", "the energy it drew over the run, kWh"},
    {"on_seconds", "the time it was switched on, s"},
    {"shutdowns", "times it was switched off"},
    {"migrations_in", "live migrations to it"},
    {"migrations_out", "live migrations from it"},
    {NULL},
};

const struct output_column output_segments_columns[] = {
    {"host", "host"},
    {"core", "core of the host"},
    {"guest", "the guest's id"},
    {"vcpu", "its vCPU"},
    {"start", "when it started on the core (a world switch included), s"},
    {"end", "when it left, s"},
    {NULL},
};

/* A time in seconds, exactly from the integer clock: "12.000000132". */
static void put_seconds(FILE *f, sim_time_t t)
{
    char buf[48];
    time_seconds_text(buf, sizeof buf, t);
    fputs(buf, f);
}

/* ",mean,p50,p95,p99,max" of a latency set, empty fields if it has none. */
static void put_latency(FILE *f, const struct latstat *l)
{
    if (l->n == 0) {
        fputs(",,,,,", f);
        return;
    }
    fprintf(f, ",%.9g,%.9g,%.9g,%.9g,%.9g", latstat_mean(l), latstat_quantile(l, 0.50),
            latstat_quantile(l, 0.95), latstat_quantile(l, 0.99), l->max);
}

/* One row of jobs.csv; the header is in run_output_open. */
static void job_row(struct run_output *o, const struct sim_job_info *j)
{
    const struct guest *g = j->guest;
    FILE *f = o->jobs;
    sim_time_t turn = j->finish - g->arrival;
    char idbuf[TRACE_ID_MAX];
    csv_put_field(f, guest_id(g, idbuf));
    fputc(',', f);
    put_seconds(f, g->arrival);
    fputc(',', f);
    put_seconds(f, g->first_start);
    fputc(',', f);
    put_seconds(f, j->finish);
    fputc(',', f);
    /* waiting = turnaround - service, in integer ns: no rounding residue */
    put_seconds(f, turn - j->service);
    fputc(',', f);
    put_seconds(f, turn);
    /* slowdown as the summary defines it (sim/metrics.h) */
    fprintf(f, ",%.9g,%d,", (double)turn / (double)metrics_slowdown_size(g), g->host->index);
    put_seconds(f, g->work);
    fputc(',', f);
    put_seconds(f, j->cpu_time);
    fprintf(f, ",%.0f,%d,%" PRIu64 ",", round(guest_overhead_of(g)->exits), g->nvcpus,
            g->lat->switches);   /* (lat: kept for jobs.csv, as below) */
    csv_put_field(f, breakdown_class_name(o->x, g));
    fprintf(f, ",%.15g,", g->priority);
    if (g->deadline >= 0) {
        put_seconds(f, g->deadline);
        fprintf(f, ",%d", breakdown_missed(j));
    } else {
        fputc(',', f);
    }
    put_latency(f, &g->lat->wake);    /* (kept: hooks.vm_latency, run_output_attach) */
    put_latency(f, &g->lat->burst);
    sim_time_t runnable = 0, steal = 0;
    double cpu = 0, ent = 0;
    for (int i = 0; i < g->nvcpus; i++) {
        runnable += g->vcpu[i].runnable_ns;
        steal += g->vcpu[i].steal_ns;
        cpu += (double)g->vcpu[i].cpu_time;
        ent += g->vcpu[i].ent_ns;
    }
    fprintf(f, ",%ld,", g->bursts);
    put_seconds(f, steal);
    fputc(',', f);
    if (runnable > 0)
        fprintf(f, "%.9g", (double)steal / (double)runnable);
    fprintf(f, ",%ld,", (long)g->migrations);
    if (ent > 0)
        fprintf(f, "%.9g", cpu / ent);
    const struct guest_cosched *co = guest_cosched_of(g);
    fprintf(f, ",%.9g,%ld,%ld,%ld,%.9g\n", co->spin_seconds, co->ple_exits, co->lhp, co->costops,
            co->costop_seconds);
}

static void on_job(void *ctx, const struct sim_job_info *j)
{
    struct run_output *o = ctx;
    if (o->breakdown)
        breakdown_add(o->breakdown, j);
    if (o->jobs)
        job_row(o, j);
    if (o->gantt)
        gantt_table_add(&o->table, j);
}

#define TIMELINE_MAX_ROUNDS 2048

static void timeline_row(FILE *f, const struct sim_sample *s)
{
    fprintf(f, "%.9f,%d,%.6f,%ld,%ld,%ld,%.6f,%.6f,%.6f,%.6f", sim_time_to_s(s->time), s->host,
            s->utilization, s->runnable, s->running, s->guests, s->demand, s->allocated, s->used,
            s->queued_mean);
    if (isnan(s->power_w))
        fputs(",,\n", f);
    else
        fprintf(f, ",%.6f,%.9f\n", s->power_w, s->energy_kwh);
}

/* Merge rounds 2k and 2k+1 into round k: means over the two intervals for
 * the rates, the later sample's instantaneous counts. */
static void timeline_halve(struct run_output *o)
{
    size_t h = (size_t)o->nhosts;
    for (size_t k = 0; k < o->nrounds / 2; k++)
        for (size_t i = 0; i < h; i++) {
            const struct sim_sample *a = &o->trows[2 * k * h + i], *b = &o->trows[(2 * k + 1) * h + i];
            double wa = (double)a->interval, wb = (double)b->interval, w = wa + wb;
            struct sim_sample m = *b;
            m.interval = a->interval + b->interval;
            if (w > 0) {
                m.utilization = (a->utilization * wa + b->utilization * wb) / w;
                m.demand = (a->demand * wa + b->demand * wb) / w;
                m.allocated = (a->allocated * wa + b->allocated * wb) / w;
                m.used = (a->used * wa + b->used * wb) / w;
                m.queued_mean = (a->queued_mean * wa + b->queued_mean * wb) / w;
                m.power_w = (a->power_w * wa + b->power_w * wb) / w;
            }
            o->trows[k * h + i] = m;
        }
    o->nrounds /= 2;
}

static void on_host(void *ctx, const struct sim_host_report *h)
{
    struct run_output *o = ctx;
    if (!o->hosts) {   /* the first row: the run reports hosts */
        if (o->hosts_err.code < 0)
            return;
        o->hosts = outdir_fopen(o->dir, "hosts.csv", &o->hosts_err);
        if (!o->hosts) {
            if (o->hosts_err.code >= 0)
                o->hosts_err.code = SIM_EIO;
            return;
        }
        for (size_t i = 0; output_hosts_columns[i].name; i++)
            fprintf(o->hosts, "%s%s", i ? "," : "", output_hosts_columns[i].name);
        fputc('\n', o->hosts);
    }
    FILE *f = o->hosts;
    fprintf(f, "%d,%s,%d,%.9g,", h->host, h->power ? h->power : "", h->cores, h->speed);
    if (isnan(h->energy_kwh))
        fputc(',', f);
    else
        fprintf(f, "%.9f,", h->energy_kwh);
    fprintf(f, "%.9f,%ld,%ld,%ld\n", h->on_seconds, h->shutdowns, h->migrations_in,
            h->migrations_out);
    o->nhost_rows++;
}

void run_output_host(struct run_output *o, const struct sim_host_report *h)
{
    if (o->dir)
        on_host(o, h);
}

void run_output_sample(struct run_output *o, const struct sim_sample *s)
{
    if (o->timeline)
        timeline_row(o->timeline, s);
}

static sim_time_t on_sample(void *ctx, const struct sim_sample *s)
{
    struct run_output *o = ctx;
    if (!o->adaptive) {
        if (o->trows_written < o->max_rows) {
            timeline_row(o->timeline, s);
            o->trows_written++;
            return 0;
        }
        /* Over the limit: the run will fail (run_output_write); sample
         * ever less often meanwhile, so that it ends soon. */
        if (!o->over_at)
            o->over_at = s->time;
        return s->host == o->nhosts - 1 ? 2 * s->interval : 0;
    }
    size_t h = (size_t)o->nhosts;
    o->trows[o->nrounds * h + (size_t)s->host] = *s;
    if (s->host < o->nhosts - 1)
        return 0;
    if (++o->nrounds < o->maxrounds)
        return 0;
    timeline_halve(o);
    return 2 * s->interval;
}

/* The workload is too large for segments.csv: say so, and unless the
 * text chart still wants them, drop the collected segments for good. */
static void segments_lost(struct run_output *o)
{
    o->seg_lost = true;
    if (o->gantt)
        return;
    free(o->seg);
    o->seg = NULL;
    o->nseg = o->segcap = 0;
}

static void on_segment(void *ctx, const struct sim_segment *seg)
{
    struct run_output *o = ctx;
    if (o->seg_lost && !o->gantt)
        return;
    /* Guests are numbered from 0 in arrival order, so seq tells how many
     * the workload has at least.  The text chart (--gantt) keeps its
     * own, larger bound. */
    if (seg->guest->seq >= OUTPUT_GANTT_GUESTS && !o->seg_lost) {
        segments_lost(o);
        if (!o->gantt)
            return;
    }
    /* Merge with the previous segment of the same vCPU on the same core
     * when contiguous (a quantum renewed without a switch). */
    if (o->nseg) {
        struct out_segment *p = &o->seg[o->nseg - 1];
        if (p->end == seg->start && p->host == seg->host && p->core == seg->core &&
            p->guest_seq == seg->guest->seq && p->vcpu == seg->vcpu) {
            p->end = seg->end;
            return;
        }
    }
    if (o->nseg >= OUTPUT_MAX_SEGMENTS) {
        o->seg_full = true;
        if (!o->seg_lost)
            segments_lost(o);
        return;   /* the text chart shows the beginning */
    }
    o->seg = xgrow(o->seg, &o->segcap, o->nseg + 1, sizeof *o->seg);
    struct out_segment *s = &o->seg[o->nseg++];
    s->host = seg->host;
    s->core = seg->core;
    s->vcpu = seg->vcpu;
    s->guest_seq = seg->guest->seq;
    char idbuf[TRACE_ID_MAX];
    snprintf(s->guest, sizeof s->guest, "%s", guest_id(seg->guest, idbuf));
    s->start = seg->start;
    s->end = seg->end;
}

const char *const run_output_names[] = {
    "summary.json", "reps.csv", "jobs.csv", "timeline.csv", "hosts.csv", "segments.csv",
    "turnaround-cdf.csv", "timeline-plot.csv",
    "turnaround-cdf.gp", "turnaround-cdf.png", "turnaround-cdf.svg",
    "timeline.gp", "timeline.png", "timeline.svg",
    "overhead.gp", "overhead.png", "overhead.svg",
    "gantt.gp", "gantt.png", "gantt.svg", "gantt-plot.csv",
    NULL,
};

int run_output_open(struct run_output *o, const char *dir, bool gantt, bool adaptive_timeline,
                    sim_time_t sample, struct sim_error *err)
{
    memset(o, 0, sizeof *o);
    o->gantt = gantt;
    o->adaptive = adaptive_timeline;
    o->sample = sample;
    o->max_rows = OUTPUT_TIMELINE_MAX_ROWS;
    o->segments = dir != NULL;
    if (!dir)
        return SIM_OK;
    o->dir = xstrdup(dir);
    o->jobs = outdir_fopen(dir, "jobs.csv", err);
    o->timeline = o->jobs ? outdir_fopen(dir, "timeline.csv", err) : NULL;
    if (!o->jobs || !o->timeline) {
        run_output_close(o);
        return SIM_EIO;
    }
    fputs(OUTPUT_JOBS_HEADER "\n", o->jobs);
    for (size_t i = 0; output_timeline_columns[i].name; i++)
        fprintf(o->timeline, "%s%s", i ? "," : "", output_timeline_columns[i].name);
    fputc('\n', o->timeline);
    return SIM_OK;
}

void run_output_close(struct run_output *o)
{
    if (o->jobs)
        fclose(o->jobs);   /* a run that failed: the transaction removes the file */
    if (o->timeline)
        fclose(o->timeline);
    if (o->hosts)
        fclose(o->hosts);
    free(o->dir);
    free(o->seg);
    gantt_table_free(&o->table);
    free(o->trows);
    memset(o, 0, sizeof *o);
}

/* A guest of a run without jobs.csv or a Gantt table: the breakdown
 * only (on_job, with the rows inlined, cost a guest of an M/M/1 run
 * more than the breakdown's sums). */
static void on_job_summary(void *ctx, const struct sim_job_info *j)
{
    struct run_output *o = ctx;
    breakdown_add(o->breakdown, j);
}

/* A later replication's guests: its breakdown only. */
static void on_job_breakdown(void *ctx, const struct sim_job_info *j)
{
    breakdown_add(ctx, j);
}

void run_output_attach(struct run_output *o, struct sim_hooks *hooks,
                       const struct sim_experiment *x, long rep, struct breakdown *bd)
{
    if (rep > 0) {
        /* nothing of o: replications may run at once (--jobs) */
        hooks->cb_ctx = bd;
        hooks->on_job = bd ? on_job_breakdown : NULL;
        return;
    }
    o->x = x;
    o->breakdown = bd;
    hooks->cb_ctx = o;
    hooks->on_job = (o->jobs || o->gantt) ? on_job : bd ? on_job_summary : NULL;
    hooks->vm_latency = o->jobs != NULL;   /* jobs.csv prints each guest's latencies */
    hooks->on_sample = o->timeline ? on_sample : NULL;
    hooks->on_host = o->dir ? on_host : NULL;   /* hosts.csv, for runs that report hosts */
    o->nhosts = x->nhosts;
    if (o->timeline && o->adaptive && !o->trows) {
        /* At most TIMELINE_MAX_ROUNDS samples per host, and the rows of
         * all hosts within the limit: an even number of rounds >= 2. */
        long rounds = o->max_rows / (x->nhosts > 0 ? x->nhosts : 1);
        if (rounds > TIMELINE_MAX_ROUNDS)
            rounds = TIMELINE_MAX_ROUNDS;
        rounds &= ~1L;
        o->maxrounds = rounds >= 2 ? (size_t)rounds : 2;
        o->trows = xcalloc(o->maxrounds * (size_t)x->nhosts, sizeof *o->trows);
    }
    hooks->on_segment = (o->gantt || o->segments) ? on_segment : NULL;
}

double output_timeline_rows(double horizon_s, sim_time_t sample, int nhosts)
{
    if (sample <= 0 || !(horizon_s > 0))
        return 0;
    return (floor(horizon_s / sim_time_to_s(sample)) + 1) * nhosts;
}

/* segments.csv: host,core,guest,vcpu,start,end (seconds), in the order
 * the segments ended. */
static int write_segments(const struct run_output *o, struct sim_error *err)
{
    FILE *f = outdir_fopen(o->dir, "segments.csv", err);
    if (!f)
        return SIM_EIO;
    fputs("host,core,guest,vcpu,start,end\n", f);
    for (size_t i = 0; i < o->nseg; i++) {
        const struct out_segment *s = &o->seg[i];
        fprintf(f, "%d,%d,", s->host, s->core);
        csv_put_field(f, s->guest);
        fprintf(f, ",%d,", s->vcpu);
        put_seconds(f, s->start);
        fputc(',', f);
        put_seconds(f, s->end);
        fputc('\n', f);
    }
    return outdir_fclose(f, o->dir, "segments.csv", err);
}

/* An interval that keeps timeline.csv within its limit over horizon: the
 * exact bound rounded up to 1, 2 or 5 times a power of ten. */
static void fitting_interval(double horizon_s, long max_rows, int nhosts, char *buf, size_t len)
{
    double per_host = (double)max_rows / (nhosts > 0 ? nhosts : 1);
    plots_format_duration(nice_step(horizon_s / (per_host - 1)), buf, len);
}

int run_output_write(struct run_output *o, json_t *summary, struct sim_error *err)
{
    if (o->over_at) {
        double makespan = json_number_value(json_object_get(summary, "makespan"));
        double horizon = fmax(makespan, sim_time_to_s(o->over_at));
        char fit[64], asked[64];
        fitting_interval(horizon, o->max_rows, o->nhosts, fit, sizeof fit);
        plots_format_duration(sim_time_to_s(o->sample), asked, sizeof asked);
        return sim_error_usage(err, "--sample %s: timeline.csv reached its limit of %ld rows "
                               "at simulated time %g s; the whole run (%g s on %d host%s) "
                               "would need about %.3g rows: give --sample %s or more, or "
                               "leave --sample out for an adaptive interval", asked,
                               o->max_rows, sim_time_to_s(o->over_at), horizon,
                               o->nhosts, o->nhosts == 1 ? "" : "s",
                               output_timeline_rows(horizon, o->sample, o->nhosts), fit);
    }
    char *text = report_dumps(summary);
    int rc = outdir_write(o->dir, "summary.json", text, strlen(text), err);
    free(text);
    if (rc == SIM_OK) {
        size_t len;
        text = report_reps_csv(summary, &len);
        rc = outdir_write(o->dir, "reps.csv", text, len, err);
        free(text);
    }
    if (rc == SIM_OK && o->jobs) {
        rc = outdir_fclose(o->jobs, o->dir, "jobs.csv", err);
        o->jobs = NULL;
    }
    if (rc == SIM_OK && o->timeline) {
        if (o->adaptive) {
            /* the kept rows, now that no more will merge */
            for (size_t i = 0; i < o->nrounds * (size_t)o->nhosts; i++)
                timeline_row(o->timeline, &o->trows[i]);
        }
        rc = outdir_fclose(o->timeline, o->dir, "timeline.csv", err);
        o->timeline = NULL;
    }
    if (rc == SIM_OK && o->hosts_err.code < 0) {
        *err = o->hosts_err;
        rc = err->code;
    }
    if (rc == SIM_OK && o->hosts) {
        rc = outdir_fclose(o->hosts, o->dir, "hosts.csv", err);
        o->hosts = NULL;
    }
    if (rc == SIM_OK && o->segments && !o->seg_lost)
        rc = write_segments(o, err);
    if (rc == SIM_OK)
        rc = plots_write(o->dir, summary, err);
    return rc;
}

void run_output_notes(const struct run_output *o, bool files, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (files && o->seg_lost)
        used += (size_t)snprintf(buf + used, len - used, "segments.csv and the Gantt plot are "
                                 "left out: the workload has more than %s (a chart of more is "
                                 "unreadable; memory would grow with the trace)",
                                 o->seg_full ? "100,000 segments" : "300 guests");
    if (o->gantt && o->seg_full && used < len)
        snprintf(buf + used, len - used, "%sthe text Gantt chart shows the first %d segments "
                 "only", used ? "\n" : "", OUTPUT_MAX_SEGMENTS);
}

void run_output_gantt(struct run_output *o, FILE *out, const struct sim_experiment *x)
{
    gantt_print(out, o->seg, o->nseg, !o->seg_full, &o->table, x, 0);
}
