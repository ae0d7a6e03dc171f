/* report/gantt.c - see gantt.h */
#include "report/gantt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct gantt_row {
    uint64_t seq;
    char id[TRACE_ID_MAX];
    double arrival, burst, start, finish, waiting, turnaround;
    int vcpus;
};

#define GANTT_MAX_ROWS 200   /* a chart beyond this is unreadable on a terminal */

void gantt_table_add(struct gantt_table *t, const struct sim_job_info *j)
{
    const struct guest *g = j->guest;
    if (t->nrows >= GANTT_MAX_ROWS)
        return;
    char idbuf[TRACE_ID_MAX];
    t->rows = xgrow(t->rows, &t->rowcap, t->nrows + 1, sizeof *t->rows);
    struct gantt_row *r = &t->rows[t->nrows++];
    r->seq = g->seq;
    snprintf(r->id, sizeof r->id, "%s", guest_id(g, idbuf));
    r->arrival = sim_time_to_s(g->arrival);
    r->burst = sim_time_to_s(g->work);
    r->start = sim_time_to_s(g->first_start);
    r->finish = sim_time_to_s(j->finish);
    /* In integer ns, so that a guest that never waited shows 0, not a
     * rounding residue such as -4e-16. */
    r->waiting = sim_time_to_s(j->finish - g->arrival - j->service);
    r->turnaround = r->finish - r->arrival;
    r->vcpus = g->nvcpus;
}

void gantt_table_free(struct gantt_table *t)
{
    free(t->rows);
    memset(t, 0, sizeof *t);
}

static int row_by_trace_order(const void *a, const void *b)
{
    const struct gantt_row *x = a, *y = b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

void gantt_print(FILE *out, const struct out_segment *seg, size_t nseg, struct gantt_table *o,
                 const struct sim_experiment *x)
{
    int nhosts = x->nhosts;
    if (o->nrows == 0) {
        fprintf(out, "(no guest completed)\n");
        return;
    }
    /* Scale: one column per time unit when the makespan is short (the
     * textbook's integer bursts), else 72 columns in all. */
    double tmax = 0;
    for (size_t i = 0; i < nseg; i++)
        tmax = fmax(tmax, sim_time_to_s(seg[i].end));
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
            for (size_t i = 0; i < nseg; i++) {
                const struct out_segment *s = &seg[i];
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
