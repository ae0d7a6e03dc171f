/*
 * report/gantt.c - see gantt.h.
 *
 * The chart is drawn as textbooks draw it (Silberschatz et al., "CPU
 * Scheduling"): one row per core, a separator between every pair of
 * segments, the guest's id inside each, and under every separator the time
 * of that boundary:
 *
 *   cpu0 |          P1          |P2 |P3 |
 *        0                      24  27  30
 *
 * Scale.  Time is proportional to columns, with the scale chosen so that
 * the shortest segment still holds its label (at least 2 columns between
 * its separators) and the time under its left separator, and a chart
 * that fits on one line spreads over it; boundaries are
 * placed by rounding, then pushed right by a column where rounding would
 * break that promise.  A chart wider than a line wraps, at a boundary
 * where it can, each part starting again with the time of its first
 * separator.  Past GANTT_MAX_LINES lines per core the chart is no longer
 * to scale for its shortest segments: the scale is set by the line budget
 * and segments too short for a label keep only their separators (the
 * header says from which duration).  After GANTT_MAX_BOUNDARIES
 * boundaries the chart stops and says where.
 *
 * Times are printed exactly from the integer clock, in the unit the span
 * of the chart calls for (ns to s, report/units.h), so a workload in
 * milliseconds reads 0 1.5 3, not 0 0.0015 0.003.
 *
 * Memory: the pieces of the chart (O(segments)), freed before returning.
 */
#include "report/gantt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "report/units.h"
#include "sim/metrics.h"

#define GANTT_WIDTH 100        /* columns when the output is not a terminal */
#define GANTT_MAX_LINES 40     /* wrapped lines per core before the scale gives way */
#define GANTT_LABEL_MAX 8      /* a guest id is cut to this many columns in the chart */
#define GANTT_DECIMALS 3       /* of a time, in the chosen unit */

struct gantt_row {
    uint64_t seq;
    char id[TRACE_ID_MAX];
    sim_time_t arrival, work, start, finish, waiting, turnaround;
    double slowdown;
    int vcpus;
};

void gantt_table_add(struct gantt_table *t, const struct sim_job_info *j)
{
    const struct guest *g = j->guest;
    /* waiting = turnaround - service, in integer ns: a guest that never
     * waited shows 0, not a rounding residue */
    sim_time_t turn = j->finish - g->arrival, wait = turn - j->service;
    double slow = (double)turn / (double)metrics_slowdown_size(g);
    t->completed++;
    t->sum_wait += (long double)wait;
    t->sum_turn += (long double)turn;
    t->sum_slow += slow;
    if (g->seq >= GANTT_MAX_ROWS)
        return;
    t->rows = xgrow(t->rows, &t->rowcap, t->nrows + 1, sizeof *t->rows);
    struct gantt_row *r = &t->rows[t->nrows++];
    char idbuf[TRACE_ID_MAX];
    r->seq = g->seq;
    snprintf(r->id, sizeof r->id, "%s", guest_id(g, idbuf));
    r->arrival = g->arrival;
    r->work = g->work;
    r->start = g->first_start;
    r->finish = j->finish;
    r->waiting = wait;
    r->turnaround = turn;
    r->slowdown = slow;
    r->vcpus = g->nvcpus;
    t->multi_vcpu = t->multi_vcpu || g->nvcpus > 1;
}

void gantt_table_free(struct gantt_table *t)
{
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* ---- the chart ---- */

/* A stretch of one core: a vCPU running, or idle (id NULL). */
struct piece {
    sim_time_t a, b;
    const char *id;
    uint64_t gseq;
    int vcpu;
    size_t ia, ib;     /* indices of a and b among the chart's boundaries */
    long need;         /* columns from its left separator to the next one */
};

struct chart_row {
    char label[32];
    struct piece *p;
    size_t n, cap;
};

struct chart {
    struct chart_row *rows;
    size_t nrows;
    sim_time_t *t;     /* every boundary of every row, sorted, unique */
    long *col;         /* the column of each */
    size_t nt;
    sim_time_t t0;     /* where the chart starts: the first segment */
    const struct time_unit *unit;
    bool idle;         /* some row has an idle stretch */
};

static int piece_by_start(const void *x, const void *y)
{
    const struct piece *a = x, *b = y;
    return (a->a > b->a) - (a->a < b->a);
}

static int time_cmp(const void *x, const void *y)
{
    sim_time_t a = *(const sim_time_t *)x, b = *(const sim_time_t *)y;
    return (a > b) - (a < b);
}

static void row_push(struct chart_row *r, struct piece p)
{
    r->p = xgrow(r->p, &r->cap, r->n + 1, sizeof *r->p);
    r->p[r->n++] = p;
}

static size_t boundary_index(const struct chart *c, sim_time_t t)
{
    size_t lo = 0, hi = c->nt;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->t[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void collect_boundaries(struct chart *c)
{
    size_t n = 0;
    for (size_t r = 0; r < c->nrows; r++)
        n += 2 * c->rows[r].n;
    free(c->t);
    c->t = xmalloc((n + 1) * sizeof *c->t);
    c->nt = 0;
    c->t[c->nt++] = c->t0;
    for (size_t r = 0; r < c->nrows; r++)
        for (size_t i = 0; i < c->rows[r].n; i++) {
            c->t[c->nt++] = c->rows[r].p[i].a;
            c->t[c->nt++] = c->rows[r].p[i].b;
        }
    qsort(c->t, c->nt, sizeof *c->t, time_cmp);
    size_t k = 0;
    for (size_t i = 0; i < c->nt; i++)
        if (k == 0 || c->t[i] != c->t[k - 1])
            c->t[k++] = c->t[i];
    c->nt = k;
}

/* Rows of pieces from the segments: sorted, contiguous stretches of one
 * vCPU merged, cut at *cut (SIM_TIME_MAX = not cut; lowered when the
 * chart has too many boundaries), idle stretches filled in from the first
 * segment of any core. */
static void build_rows(struct chart *c, const struct out_segment *seg, size_t nseg,
                       bool complete, const struct sim_experiment *x, sim_time_t *cut)
{
    int *first = xmalloc((size_t)x->nhosts * sizeof *first);
    size_t total = 0;
    for (int h = 0; h < x->nhosts; h++) {
        first[h] = (int)total;
        total += (size_t)x->hosts[h].cores;
    }
    c->rows = xcalloc(total, sizeof *c->rows);
    c->nrows = total;
    c->t0 = -1;
    for (int h = 0; h < x->nhosts; h++)
        for (int k = 0; k < x->hosts[h].cores; k++) {
            struct chart_row *r = &c->rows[first[h] + k];
            if (x->nhosts > 1)
                snprintf(r->label, sizeof r->label, "h%d/cpu%d", h, k);
            else
                snprintf(r->label, sizeof r->label, "cpu%d", k);
        }
    for (size_t i = 0; i < nseg; i++) {
        const struct out_segment *s = &seg[i];
        if (s->host < 0 || s->host >= x->nhosts || s->core < 0 ||
            s->core >= x->hosts[s->host].cores || s->end <= s->start)
            continue;
        row_push(&c->rows[first[s->host] + s->core],
                 (struct piece){s->start, s->end, s->guest, s->guest_seq, s->vcpu, 0, 0, 0});
    }
    free(first);
    for (size_t r = 0; r < c->nrows; r++) {
        struct chart_row *row = &c->rows[r];
        if (row->n > 1)
            qsort(row->p, row->n, sizeof *row->p, piece_by_start);
        size_t k = 0;
        for (size_t i = 0; i < row->n; i++) {
            struct piece *q = k ? &row->p[k - 1] : NULL;
            if (q && q->b == row->p[i].a && q->gseq == row->p[i].gseq &&
                q->vcpu == row->p[i].vcpu)
                q->b = row->p[i].b;
            else
                row->p[k++] = row->p[i];
        }
        row->n = k;
        if (k > 0 && (c->t0 < 0 || row->p[0].a < c->t0))
            c->t0 = row->p[0].a;
        /* Segments are kept in the order they ended: when some were lost,
         * a core is known only up to the end of its last kept one. */
        if (!complete && k > 0 && row->p[k - 1].b < *cut)
            *cut = row->p[k - 1].b;
    }
    if (c->t0 < 0)
        c->t0 = 0;
    collect_boundaries(c);
    if (c->nt > GANTT_MAX_BOUNDARIES && c->t[GANTT_MAX_BOUNDARIES - 1] < *cut)
        *cut = c->t[GANTT_MAX_BOUNDARIES - 1];
    for (size_t r = 0; r < c->nrows; r++) {
        struct chart_row *row = &c->rows[r];
        struct piece *old = row->p;
        size_t n = row->n;
        row->p = NULL;
        row->n = row->cap = 0;
        sim_time_t at = c->t0;
        for (size_t i = 0; i < n && old[i].a < *cut; i++) {
            struct piece q = old[i];
            if (q.b > *cut)
                q.b = *cut;
            if (q.a > at) {
                row_push(row, (struct piece){at, q.a, NULL, 0, -1, 0, 0, 0});
                c->idle = true;
            }
            row_push(row, q);
            at = q.b;
        }
        free(old);
    }
    collect_boundaries(c);
}

static size_t time_width(const struct chart *c, sim_time_t t)
{
    char buf[64];
    time_format(buf, sizeof buf, t, c->unit, GANTT_DECIMALS);
    return strlen(buf);
}

/* Columns of the boundaries: proportional at cols_per_ns, each piece
 * given at least its need.  Returns the scale used; *short_below is the
 * duration under which a piece is too short for its label (0 if none). */
static double place_columns(struct chart *c, long line, long budget, sim_time_t *short_below)
{
    struct piece **all = NULL;
    size_t n = 0, cap = 0;
    double scale = 0;
    for (size_t r = 0; r < c->nrows; r++)
        for (size_t i = 0; i < c->rows[r].n; i++) {
            struct piece *p = &c->rows[r].p[i];
            size_t idlen = p->id ? strlen(p->id) : 0;
            if (idlen > GANTT_LABEL_MAX)
                idlen = GANTT_LABEL_MAX;
            long need = 1 + (long)(idlen > 2 ? idlen : 2);
            long tw = (long)time_width(c, p->a) + 1;
            p->need = need > tw ? need : tw;
            p->ia = boundary_index(c, p->a);
            p->ib = boundary_index(c, p->b);
            scale = fmax(scale, (double)p->need / (double)(p->b - p->a));
            all = xgrow(all, &cap, n + 1, sizeof *all);
            all[n++] = p;
        }
    sim_time_t end = c->t[c->nt - 1];
    *short_below = 0;
    /* A chart that fits on a line fills it, at a whole number of columns
     * per unit of time when there are several (textbook charts). */
    double spread = end > c->t0 ? (double)line / (double)(end - c->t0) : 0;
    if (spread > scale) {
        double per_unit = floor(spread * (double)c->unit->ns);
        scale = per_unit >= 1 && per_unit / (double)c->unit->ns >= scale
                    ? per_unit / (double)c->unit->ns : spread;
    }
    if (end > c->t0 && scale * (double)(end - c->t0) > (double)budget) {
        /* Too long to draw every label: the budget sets the scale, and
         * short pieces keep only their separators. */
        scale = (double)budget / (double)(end - c->t0);
        *short_below = (sim_time_t)ceil(3 / scale);
        for (size_t i = 0; i < n; i++)
            if ((double)(all[i]->b - all[i]->a) * scale < (double)all[i]->need)
                all[i]->need = 1;
    }
    long *req = xcalloc(c->nt, sizeof *req);
    c->col = xmalloc(c->nt * sizeof *c->col);
    /* pieces by start boundary, so that each pushes its end's minimum */
    size_t *count = xcalloc(c->nt + 1, sizeof *count);
    for (size_t i = 0; i < n; i++)
        count[all[i]->ia + 1]++;
    for (size_t j = 0; j < c->nt; j++)
        count[j + 1] += count[j];
    struct piece **by_start = xmalloc((n ? n : 1) * sizeof *by_start);
    size_t *fill = xmalloc((c->nt + 1) * sizeof *fill);
    memcpy(fill, count, (c->nt + 1) * sizeof *fill);
    for (size_t i = 0; i < n; i++)
        by_start[fill[all[i]->ia]++] = all[i];
    for (size_t j = 0; j < c->nt; j++) {
        long col = lround((double)(c->t[j] - c->t0) * scale);
        if (j > 0 && col < c->col[j - 1] + 1)
            col = c->col[j - 1] + 1;
        if (col < req[j])
            col = req[j];
        c->col[j] = col;
        for (size_t k = count[j]; k < count[j + 1]; k++) {
            struct piece *p = by_start[k];
            if (req[p->ib] < col + p->need)
                req[p->ib] = col + p->need;
        }
    }
    free(fill);
    free(by_start);
    free(count);
    free(req);
    free(all);
    return scale;
}

/* Columns [c0, c1] of one row: its bar, and the times under it. */
static void draw_row(FILE *out, const struct chart *c, const struct chart_row *row, long c0,
                     long c1, int prefix, long avail)
{
    size_t w = (size_t)(c1 - c0 + 1);
    char *bar = xmalloc(w + 1), *times = xmalloc((size_t)avail + 64);
    memset(bar, ' ', w);
    bar[w] = '\0';
    memset(times, ' ', (size_t)avail + 63);
    times[avail + 63] = '\0';
    long last_label_end = -2;
    for (size_t i = 0; i < row->n; i++) {
        const struct piece *p = &row->p[i];
        long pa = c->col[p->ia], pb = c->col[p->ib];
        if (pb < c0 || pa > c1)
            continue;
        if (pa >= c0)
            bar[pa - c0] = '|';
        if (pb <= c1)
            bar[pb - c0] = '|';
        long lo = pa + 1 > c0 ? pa + 1 : c0, hi = pb - 1 < c1 ? pb - 1 : c1;
        if (lo <= hi) {
            memset(bar + (lo - c0), p->id ? ' ' : '.', (size_t)(hi - lo + 1));
            if (p->id) {
                size_t room = (size_t)(hi - lo + 1), len = strlen(p->id);
                if (len > room)
                    len = room;
                memcpy(bar + (lo - c0) + (room - len) / 2, p->id, len);
            }
        }
        /* the times of its left separator and, for the last piece, its right */
        for (int end = 0; end < 2; end++) {
            if (end && i + 1 < row->n)
                break;
            long at = end ? pb : pa;
            if (at < c0 || at > c1)
                continue;
            char text[64];
            time_format(text, sizeof text, end ? p->b : p->a, c->unit, GANTT_DECIMALS);
            long pos = at - c0, len = (long)strlen(text);
            if (pos <= last_label_end || pos + len > avail)
                continue;
            memcpy(times + pos, text, (size_t)len);
            last_label_end = pos + len;
        }
    }
    size_t tl = (size_t)(last_label_end > 0 ? last_label_end : 0);
    times[tl] = '\0';
    while (w > 0 && bar[w - 1] == ' ')
        bar[--w] = '\0';
    fprintf(out, "%-*s%s\n", w ? prefix : 0, row->label, bar);
    if (tl)
        fprintf(out, "%*s%s\n", prefix, "", times);
    else
        fputc('\n', out);
    free(bar);
    free(times);
}

static int line_width(FILE *out, int width)
{
    if (width > 0)
        return width;
    struct winsize ws;
    if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return GANTT_WIDTH;
}

static void print_chart(FILE *out, struct chart *c, sim_time_t cut, int width)
{
    int prefix = 0;
    for (size_t r = 0; r < c->nrows; r++)
        if ((int)strlen(c->rows[r].label) + 1 > prefix)
            prefix = (int)strlen(c->rows[r].label) + 1;
    long avail = width - prefix;
    if (avail < 20)
        avail = 20;
    sim_time_t short_below;
    place_columns(c, avail - 3, GANTT_MAX_LINES * avail, &short_below);

    fprintf(out, "Gantt chart, times in %s", c->unit->name);
    if (c->idle)
        fprintf(out, " (. = idle)");
    fputc('\n', out);
    if (short_below > 0) {
        char t[64];
        time_format(t, sizeof t, short_below, c->unit, GANTT_DECIMALS);
        fprintf(out, "(to fit in %d lines per core, segments shorter than %s %s are too "
                "narrow for their label)\n", GANTT_MAX_LINES, t, c->unit->name);
    }
    long end = c->col[c->nt - 1];
    long c0 = c->col[0];
    bool more = false;
    for (;;) {
        /* the last boundary whose time still fits on this line */
        long c1 = -1;
        for (size_t j = 0; j < c->nt; j++) {
            long cj = c->col[j];
            if (cj <= c0)
                continue;
            if (cj - c0 + (long)time_width(c, c->t[j]) > avail)
                break;
            c1 = cj;
        }
        /* A long segment next would leave most of the line empty: fill
         * the line and go on with the segment on the next one. */
        if (c1 < 0 || (c1 - c0 < avail / 2 && end - c0 >= avail))
            c1 = c0 + avail - 1 < end ? c0 + avail - 1 : end;
        if (more)
            fputc('\n', out);
        for (size_t r = 0; r < c->nrows; r++) {
            if (c->rows[r].n == 0) {
                if (!more)
                    fprintf(out, "%-*s(idle)\n", prefix, c->rows[r].label);
                continue;
            }
            draw_row(out, c, &c->rows[r], c0, c1, prefix, avail);
        }
        if (c1 >= end)
            break;
        c0 = c1;
        more = true;
    }
    if (cut != SIM_TIME_MAX) {
        char t[64];
        time_format(t, sizeof t, cut, c->unit, GANTT_DECIMALS);
        fprintf(out, "(chart cut at %s %s: the schedule goes on)\n", t, c->unit->name);
    }
}

static void chart_free(struct chart *c)
{
    for (size_t r = 0; r < c->nrows; r++)
        free(c->rows[r].p);
    free(c->rows);
    free(c->t);
    free(c->col);
}

/* ---- the table ---- */

static int row_by_trace_order(const void *a, const void *b)
{
    const struct gantt_row *x = a, *y = b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

enum { COL_GUEST, COL_ARRIVAL, COL_WORK, COL_START, COL_FINISH, COL_WAITING, COL_TURNAROUND,
       COL_SLOWDOWN, COL_VCPUS, NCOLS };
static const char *const col_names[NCOLS] = {"guest", "arrival", "work", "start", "finish",
                                             "waiting", "turnaround", "slowdown", "vcpus"};

/* "2.56": two decimals, as textbooks print a ratio, trailing zeros dropped. */
static void ratio_format(char *buf, size_t len, double v)
{
    snprintf(buf, len, "%.2f", v);
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    size_t n = strlen(buf);
    while (buf[n - 1] == '0')
        buf[--n] = '\0';
    if (buf[n - 1] == '.')
        buf[n - 1] = '\0';
}

static void cell(const struct gantt_row *r, int col, const struct time_unit *u, char *buf,
                 size_t len)
{
    switch (col) {
    case COL_GUEST: snprintf(buf, len, "%s", r->id); break;
    case COL_ARRIVAL: time_format(buf, len, r->arrival, u, GANTT_DECIMALS); break;
    case COL_WORK: time_format(buf, len, r->work, u, GANTT_DECIMALS); break;
    case COL_START: time_format(buf, len, r->start, u, GANTT_DECIMALS); break;
    case COL_FINISH: time_format(buf, len, r->finish, u, GANTT_DECIMALS); break;
    case COL_WAITING: time_format(buf, len, r->waiting, u, GANTT_DECIMALS); break;
    case COL_TURNAROUND: time_format(buf, len, r->turnaround, u, GANTT_DECIMALS); break;
    case COL_SLOWDOWN: ratio_format(buf, len, r->slowdown); break;
    case COL_VCPUS: snprintf(buf, len, "%d", r->vcpus); break;
    default: buf[0] = '\0';
    }
}

static void print_table(FILE *out, const struct gantt_table *t, const struct time_unit *u)
{
    struct gantt_row *rows = xmalloc((t->nrows ? t->nrows : 1) * sizeof *rows);
    if (t->nrows)
        memcpy(rows, t->rows, t->nrows * sizeof *rows);
    qsort(rows, t->nrows, sizeof *rows, row_by_trace_order);
    int ncols = t->multi_vcpu ? NCOLS : NCOLS - 1;
    /* the mean row: over every guest, in the columns it has a value */
    struct gantt_row mean = {0};
    snprintf(mean.id, sizeof mean.id, "mean");
    mean.waiting = (sim_time_t)llroundl(t->sum_wait / t->completed);
    mean.turnaround = (sim_time_t)llroundl(t->sum_turn / t->completed);
    mean.slowdown = t->sum_slow / (double)t->completed;
    size_t width[NCOLS];
    char buf[128];
    for (int k = 0; k < ncols; k++) {
        width[k] = strlen(col_names[k]);
        for (size_t i = 0; i <= t->nrows; i++) {
            cell(i < t->nrows ? &rows[i] : &mean, k, u, buf, sizeof buf);
            if (strlen(buf) > width[k])
                width[k] = strlen(buf);
        }
    }
    fprintf(out, "\nPer-guest table, times in %s (waiting = turnaround - time run; slowdown "
            "= turnaround / work)\n", u->name);
    for (int k = 0; k < ncols; k++)
        fprintf(out, k ? "  %*s" : "%-*s", (int)width[k], col_names[k]);
    fputc('\n', out);
    char line[1024];
    for (size_t i = 0; i <= t->nrows; i++) {
        const struct gantt_row *r = i < t->nrows ? &rows[i] : &mean;
        bool is_mean = i == t->nrows;
        size_t used = 0;
        for (int k = 0; k < ncols; k++) {
            bool blank = is_mean && k != COL_GUEST && k != COL_WAITING && k != COL_TURNAROUND &&
                         k != COL_SLOWDOWN;
            if (blank)
                buf[0] = '\0';
            else
                cell(r, k, u, buf, sizeof buf);
            if (used < sizeof line)
                used += (size_t)snprintf(line + used, sizeof line - used, k ? "  %*s" : "%-*s",
                                         (int)width[k], buf);
        }
        if (used >= sizeof line)
            used = sizeof line - 1;
        while (used > 0 && line[used - 1] == ' ')
            used--;   /* the mean row's blank cells at the end */
        fprintf(out, "%.*s\n", (int)used, line);
    }
    if ((long)t->nrows < t->completed) {
        char shown[32], all[32];
        number_format(shown, sizeof shown, (double)t->nrows, 15);
        number_format(all, sizeof all, (double)t->completed, 15);
        fprintf(out, "(the first %s of %s guests in trace order; the mean is over all %s; "
                "jobs.csv under --out has every one)\n", shown, all, all);
    }
    free(rows);
}

void gantt_print(FILE *out, const struct out_segment *seg, size_t nseg, bool complete,
                 const struct gantt_table *t, const struct sim_experiment *x, int width)
{
    if (t->completed == 0) {
        fprintf(out, "(no guest completed)\n");
        return;
    }
    struct chart c = {0};
    sim_time_t cut = SIM_TIME_MAX;
    build_rows(&c, seg, nseg, complete, x, &cut);
    sim_time_t span = c.t[c.nt - 1];
    for (size_t i = 0; i < t->nrows; i++)
        if (t->rows[i].finish > span)
            span = t->rows[i].finish;
    c.unit = time_unit_for_span(span, false);
    if (c.nt > 1)
        print_chart(out, &c, cut, line_width(out, width));
    else
        fprintf(out, "(no segment to draw)\n");
    print_table(out, t, c.unit);
    chart_free(&c);
}
