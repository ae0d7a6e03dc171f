/* report/output.c - see output.h */
#include "report/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "report/plots.h"

struct gantt_row {
    uint64_t seq;
    char id[TRACE_ID_MAX];
    double arrival, burst, start, finish, waiting, turnaround;
    int vcpus;
};


static void on_job(void *ctx, const struct sim_job_info *j)
{
    struct run_output *o = ctx;
    const struct guest *g = j->guest;
    double arr = sim_time_to_s(g->arrival), fin = sim_time_to_s(j->finish);
    double turn = fin - arr, work = sim_time_to_s(g->work);
    /* In integer ns, so that a guest that never waited shows 0, not a
     * rounding residue such as -4e-16. */
    double wait = sim_time_to_s(j->finish - g->arrival - j->service);
    char idbuf[TRACE_ID_MAX];
    const char *id = guest_id(g, idbuf);
    if (o->jobs)
        fprintf(o->jobs, "%s,%.9f,%.9f,%.9f,%.9f,%.9f,%.9g,%d,%.9f,%.9f,%.0f,%d,%" PRIu64 "\n",
                id, arr, sim_time_to_s(g->first_start), fin, wait, turn, turn / work,
                g->host->index, work, sim_time_to_s(j->cpu_time), round(g->exits), g->nvcpus,
                g->switches);
    if (o->gantt && o->nrows >= OUTPUT_GANTT_ROWS)
        o->rows_lost++;   /* a table beyond this is unreadable on a terminal */
    if (o->gantt && o->nrows < OUTPUT_GANTT_ROWS) {
        o->rows = xgrow(o->rows, &o->rowcap, o->nrows + 1, sizeof *o->rows);
        struct gantt_row *r = &o->rows[o->nrows++];
        r->seq = g->seq;
        snprintf(r->id, sizeof r->id, "%s", id);
        r->arrival = arr;
        r->burst = work;
        r->start = sim_time_to_s(g->first_start);
        r->finish = fin;
        r->waiting = wait;
        r->turnaround = turn;
        r->vcpus = g->nvcpus;
    }
}

#define TIMELINE_MAX_ROUNDS 2048

static void timeline_row(FILE *f, const struct sim_sample *s)
{
    fprintf(f, "%.9f,%d,%.6f,%ld,%ld,%ld,%.6f,%.6f,%.6f\n", sim_time_to_s(s->time), s->host,
            s->utilization, s->runnable, s->running, s->guests, s->demand, s->allocated, s->used);
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
            }
            o->trows[k * h + i] = m;
        }
    o->nrounds /= 2;
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
static void segments_lost(struct run_output *o, bool too_many)
{
    o->seg_lost = true;
    o->seg_too_many = too_many;
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
        segments_lost(o, false);
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
        if (!o->seg_lost || !o->seg_too_many)
            segments_lost(o, true);
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
    "summary.json", "jobs.csv", "timeline.csv", "segments.csv", "turnaround-cdf.csv",
    "timeline-plot.csv",
    "turnaround-cdf.gp", "turnaround-cdf.png", "turnaround-cdf.svg",
    "timeline.gp", "timeline.png", "timeline.svg",
    "overhead.gp", "overhead.png", "overhead.svg",
    "gantt.gp", "gantt.png", "gantt.svg",
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
    fputs("id,arrival,start,finish,waiting,turnaround,slowdown,host,work,cpu_time,exits,"
          "vcpus,switches\n", o->jobs);
    fputs("time,host,utilization,runnable,running,guests,demand,allocated,used\n", o->timeline);
    return SIM_OK;
}

void run_output_close(struct run_output *o)
{
    if (o->jobs)
        fclose(o->jobs);   /* a run that failed: the transaction removes the file */
    if (o->timeline)
        fclose(o->timeline);
    free(o->dir);
    free(o->seg);
    free(o->rows);
    free(o->trows);
    memset(o, 0, sizeof *o);
}

void run_output_attach(struct run_output *o, struct sim_hooks *hooks, int nhosts)
{
    hooks->cb_ctx = o;
    hooks->on_job = (o->jobs || o->gantt) ? on_job : NULL;
    hooks->on_sample = o->timeline ? on_sample : NULL;
    o->nhosts = nhosts;
    if (o->timeline && o->adaptive && !o->trows) {
        /* At most TIMELINE_MAX_ROUNDS samples per host, and the rows of
         * all hosts within the limit: an even number of rounds >= 2. */
        long rounds = o->max_rows / (nhosts > 0 ? nhosts : 1);
        if (rounds > TIMELINE_MAX_ROUNDS)
            rounds = TIMELINE_MAX_ROUNDS;
        rounds &= ~1L;
        o->maxrounds = rounds >= 2 ? (size_t)rounds : 2;
        o->trows = xcalloc(o->maxrounds * (size_t)nhosts, sizeof *o->trows);
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
        fprintf(f, "%d,%d,%s,%d,%.9f,%.9f\n", s->host, s->core, s->guest, s->vcpu,
                sim_time_to_s(s->start), sim_time_to_s(s->end));
    }
    return outdir_fclose(f, o->dir, "segments.csv", err);
}

/* The interval that keeps timeline.csv within its limit over horizon. */
static void fitting_interval(double horizon_s, long max_rows, int nhosts, char *buf, size_t len)
{
    double per_host = (double)max_rows / (nhosts > 0 ? nhosts : 1);
    plots_format_duration(horizon_s / (per_host - 1), buf, len);
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
                               o->nhosts, o->nhosts == 1 ? "" : "s", output_timeline_rows(horizon, o->sample, o->nhosts),
                               fit);
    }
    char *text = json_dumps(summary, JSON_INDENT(2));
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    int rc = outdir_write(o->dir, "summary.json", text, len, err);
    free(text);
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
                                 o->seg_too_many ? "100,000 segments" : "300 guests");
    if (o->gantt && o->seg_too_many && used < len)
        used += (size_t)snprintf(buf + used, len - used, "%sthe text Gantt chart shows the "
                                 "first %d segments only", used ? "\n" : "",
                                 OUTPUT_MAX_SEGMENTS);
    if (o->gantt && o->rows_lost && used < len)
        snprintf(buf + used, len - used, "%sthe per-guest table lists the first %d guests to "
                 "complete (%ld more are left out)", used ? "\n" : "", OUTPUT_GANTT_ROWS,
                 o->rows_lost);
}

static int row_by_trace_order(const void *a, const void *b)
{
    const struct gantt_row *x = a, *y = b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

void run_output_gantt(struct run_output *o, FILE *out, const struct sim_experiment *x)
{
    int nhosts = x->nhosts;
    if (o->nrows == 0) {
        fprintf(out, "(no guest completed)\n");
        return;
    }
    /* Scale: one column per time unit when the makespan is short (the
     * textbook's integer bursts), else 72 columns in all. */
    double tmax = 0;
    for (size_t i = 0; i < o->nseg; i++)
        tmax = fmax(tmax, sim_time_to_s(o->seg[i].end));
    double unit = tmax <= 72 ? 1.0 : tmax / 72;
    int width = (int)ceil(tmax / unit - 1e-9);
    fprintf(out, "Gantt chart (one column = %g s)\n", unit);
    for (int h = 0; h < nhosts; h++) {
        for (int c = 0; c < x->hosts[h].cores; c++) {
            char *line = xmalloc((size_t)width + 1);
            memset(line, '.', (size_t)width);
            line[width] = '\0';
            char label[32];
            if (nhosts > 1)
                snprintf(label, sizeof label, "h%d/cpu%d", h, c);
            else
                snprintf(label, sizeof label, "cpu%d", c);
            fprintf(out, "%-10s |", label);
            /* Label each segment with its guest id, repeated to fill it. */
            for (size_t i = 0; i < o->nseg; i++) {
                const struct out_segment *s = &o->seg[i];
                if (s->host != h || s->core != c)
                    continue;
                int a = (int)floor(sim_time_to_s(s->start) / unit + 1e-9);
                int b = (int)ceil(sim_time_to_s(s->end) / unit - 1e-9);
                const char *id = s->guest;
                size_t idlen = strlen(id);
                for (int k = a; k < b && k < width; k++)
                    line[k] = (k - a) < (int)idlen ? id[k - a] : '=';
                if (b - 1 > a && b - 1 < width)
                    line[b - 1] = '|';
            }
            fprintf(out, "%s|\n", line);
            free(line);
        }
    }
    fprintf(out, "%11s", "");
    for (int k = 0; k <= width; k += 10)
        fprintf(out, "%-10g", k * unit);
    /* the table in trace order, as textbooks print it */
    qsort(o->rows, o->nrows, sizeof *o->rows, row_by_trace_order);
    fprintf(out, "\n\n%-10s %10s %10s %10s %10s %10s %10s\n", "guest", "arrival", "burst",
            "start", "finish", "waiting", "turnaround");
    double sw = 0, st = 0;
    for (size_t i = 0; i < o->nrows; i++) {
        const struct gantt_row *r = &o->rows[i];
        fprintf(out, "%-10s %10.6g %10.6g %10.6g %10.6g %10.6g %10.6g\n", r->id, r->arrival,
                r->burst, r->start, r->finish, r->waiting, r->turnaround);
        sw += r->waiting;
        st += r->turnaround;
    }
    fprintf(out, "%-10s %54s %10.6g %10.6g\n", "mean", "", sw / (double)o->nrows,
            st / (double)o->nrows);
}
