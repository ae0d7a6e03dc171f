/* report/census.c - see census.h. */
#include "report/census.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* One replication's counts and the hooks it wraps. */
struct census_tap {
    struct census *c;
    long rep;
    double *guests;         /* [nhosts] */
    long *peak_vcpus;       /* [nhosts] */
    struct sim_hooks inner;
    struct census_tap *next;
};

void census_init(struct census *c, const struct sim_experiment *x)
{
    memset(c, 0, sizeof *c);
    c->nhosts = x->nhosts;
    c->guests = xcalloc((size_t)x->nhosts, sizeof *c->guests);
    c->peak_vcpus = xcalloc((size_t)x->nhosts, sizeof *c->peak_vcpus);
    c->cores = xcalloc((size_t)x->nhosts, sizeof *c->cores);
    for (int h = 0; h < x->nhosts; h++)
        c->cores[h] = x->hosts[h].cores;
    c->first_arrival = INFINITY;
    c->last_arrival = -INFINITY;
    pthread_mutex_init(&c->lock, NULL);
    c->ready = true;
}

static void tap_free(struct census_tap *t)
{
    free(t->guests);
    free(t->peak_vcpus);
    free(t);
}

void census_free(struct census *c)
{
    if (!c->ready)
        return;
    while (c->taps) {
        struct census_tap *t = c->taps;
        c->taps = t->next;
        tap_free(t);
    }
    pthread_mutex_destroy(&c->lock);
    free(c->guests);
    free(c->peak_vcpus);
    free(c->cores);
    memset(c, 0, sizeof *c);
}

static void census_job(void *ctx, const struct sim_job_info *j)
{
    struct census_tap *t = ctx;
    struct census *c = t->c;
    const struct guest *g = j->guest;
    const struct host *h = g->host;
    if (h && h->index >= 0 && h->index < c->nhosts) {
        t->guests[h->index] += 1;
        if (j->host_vcpus > t->peak_vcpus[h->index])
            t->peak_vcpus[h->index] = j->host_vcpus;
    }
    if (t->rep == 0) {   /* (the workload's own figures: only this tap writes them) */
        c->guests_first++;
        c->cpu_seconds += sim_time_to_s(g->work) * g->nvcpus;
        double a = sim_time_to_s(g->arrival);
        /* (compares, not fmin and fmax: calls into libm for every guest) */
        if (a < c->first_arrival)
            c->first_arrival = a;
        if (a > c->last_arrival)
            c->last_arrival = a;
        c->series = c->series || g->fl != NULL;
    }
    if (t->inner.on_job)
        t->inner.on_job(t->inner.cb_ctx, j);
}

static sim_time_t census_sample(void *ctx, const struct sim_sample *s)
{
    struct census_tap *t = ctx;
    return t->inner.on_sample(t->inner.cb_ctx, s);
}

static void census_segment(void *ctx, const struct sim_segment *seg)
{
    struct census_tap *t = ctx;
    t->inner.on_segment(t->inner.cb_ctx, seg);
}

static void census_burst(void *ctx, const struct sim_burst *b)
{
    struct census_tap *t = ctx;
    t->inner.on_burst(t->inner.cb_ctx, b);
}

static void census_host(void *ctx, const struct sim_host_report *h)
{
    struct census_tap *t = ctx;
    t->inner.on_host(t->inner.cb_ctx, h);
}

void census_attach(struct census *c, struct sim_hooks *hooks, long rep)
{
    struct census_tap *t = xcalloc(1, sizeof *t);
    t->c = c;
    t->rep = rep;
    t->guests = xcalloc((size_t)c->nhosts, sizeof *t->guests);
    t->peak_vcpus = xcalloc((size_t)c->nhosts, sizeof *t->peak_vcpus);
    t->inner = *hooks;
    pthread_mutex_lock(&c->lock);
    t->next = c->taps;
    c->taps = t;
    if (rep + 1 > c->reps)
        c->reps = rep + 1;
    pthread_mutex_unlock(&c->lock);
    hooks->cb_ctx = t;
    hooks->on_job = census_job;
    hooks->on_sample = t->inner.on_sample ? census_sample : NULL;
    hooks->on_segment = t->inner.on_segment ? census_segment : NULL;
    hooks->on_host = t->inner.on_host ? census_host : NULL;
    hooks->on_burst = t->inner.on_burst ? census_burst : NULL;
}

void census_rep_done(struct census *c, long rep)
{
    pthread_mutex_lock(&c->lock);
    struct census_tap **p = &c->taps;
    while (*p && (*p)->rep != rep)
        p = &(*p)->next;
    struct census_tap *t = *p;
    if (t) {
        *p = t->next;
        for (int h = 0; h < c->nhosts; h++) {
            c->guests[h] += t->guests[h];
            if (t->peak_vcpus[h] > c->peak_vcpus[h])
                c->peak_vcpus[h] = t->peak_vcpus[h];
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (t)
        tap_free(t);
}

json_t *census_json(const struct census *c)
{
    double lo = INFINITY, hi = 0, sum = 0, peak = 0;
    long empty = 0, over = 0;
    double reps = c->reps > 0 ? (double)c->reps : 1;
    for (int h = 0; h < c->nhosts; h++) {
        double g = c->guests[h] / reps;
        lo = fmin(lo, g);
        hi = fmax(hi, g);
        sum += g;
        empty += c->guests[h] == 0;
        over += c->peak_vcpus[h] > c->cores[h];
        peak = fmax(peak, (double)c->peak_vcpus[h] / c->cores[h]);
    }
    json_t *o = json_object();
    json_object_set_new(o, "count", json_integer(c->nhosts));
    json_object_set_new(o, "guests", json_pack("{s:f, s:f, s:f}", "min", c->nhosts ? lo : 0.0,
                                               "mean", c->nhosts ? sum / c->nhosts : 0.0, "max",
                                               hi));
    json_object_set_new(o, "empty", json_integer(empty));
    json_object_set_new(o, "overcommitted", json_integer(over));
    json_object_set_new(o, "peak_vcpus_per_core", json_real(peak));
    return o;
}

void census_warning(const struct census *c, const char *place, char *buf, size_t len)
{
    long empty = 0, over = 0;
    int worst = -1;
    for (int h = 0; h < c->nhosts; h++) {
        empty += c->guests[h] == 0;
        if (c->peak_vcpus[h] > c->cores[h]) {
            over++;
            if (worst < 0 || c->peak_vcpus[h] * c->cores[worst] > c->peak_vcpus[worst] * c->cores[h])
                worst = h;
        }
    }
    buf[0] = '\0';
    if (empty == 0 || over == 0)
        return;
    snprintf(buf, len, "%ld of %d hosts received no guest while %ld held more vCPUs than cores "
             "(host %d: up to %ld vCPUs on %d cores); --place %s put them there%s", empty,
             c->nhosts, over, worst, c->peak_vcpus[worst], c->cores[worst], place,
             strcmp(place, "most-free") == 0 ? " (memory or --overcommit limits leave no choice)"
                                             : " (--place most-free spreads guests)");
}

double census_offered_load(const struct census *c, long total_cores)
{
    double span = c->last_arrival - c->first_arrival;
    if (c->series || c->guests_first < 2 || !(span > 0) || total_cores < 1)
        return NAN;
    return c->cpu_seconds / span / (double)total_cores;
}
