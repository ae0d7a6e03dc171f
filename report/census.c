/* report/census.c - see census.h. */
#include "report/census.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

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
}

void census_free(struct census *c)
{
    free(c->guests);
    free(c->peak_vcpus);
    free(c->cores);
    memset(c, 0, sizeof *c);
}

static void census_job(void *ctx, const struct sim_job_info *j)
{
    struct census *c = ctx;
    const struct guest *g = j->guest;
    const struct host *h = g->host;
    if (h && h->index >= 0 && h->index < c->nhosts) {
        c->guests[h->index] += 1;
        if (h->vcpus_placed > c->peak_vcpus[h->index])
            c->peak_vcpus[h->index] = h->vcpus_placed;
    }
    if (c->reps == 1) {
        c->guests_first++;
        c->cpu_seconds += sim_time_to_s(g->work) * g->nvcpus;
        double a = sim_time_to_s(g->arrival);
        c->first_arrival = fmin(c->first_arrival, a);
        c->last_arrival = fmax(c->last_arrival, a);
        c->series = c->series || g->fl != NULL;
    }
    if (c->inner.on_job)
        c->inner.on_job(c->inner.cb_ctx, j);
}

static sim_time_t census_sample(void *ctx, const struct sim_sample *s)
{
    struct census *c = ctx;
    return c->inner.on_sample(c->inner.cb_ctx, s);
}

static void census_segment(void *ctx, const struct sim_segment *seg)
{
    struct census *c = ctx;
    c->inner.on_segment(c->inner.cb_ctx, seg);
}

void census_attach(struct census *c, struct sim_hooks *hooks, long rep)
{
    c->inner = *hooks;
    if (rep + 1 > c->reps)
        c->reps = rep + 1;
    hooks->cb_ctx = c;
    hooks->on_job = census_job;
    hooks->on_sample = c->inner.on_sample ? census_sample : NULL;
    hooks->on_segment = c->inner.on_segment ? census_segment : NULL;
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
