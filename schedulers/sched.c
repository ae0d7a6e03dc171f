/*
 * schedulers/sched.c - the registry of policies built from sched-list.h,
 * instance creation with the check of mandatory ops (cf. Xen's
 * sched_test_func), and the queue helpers the policies share.
 */
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "schedulers/sched.h"
#include "base/xalloc.h"

#define SCHED(name) extern const struct sched_ops sched_ops_##name;
#include "schedulers/sched-list.h"
#undef SCHED

static const struct policy_info *const sched_table[] = {
#define SCHED(name) &sched_ops_##name.info,
#include "schedulers/sched-list.h"
#undef SCHED
};

struct registry sched_registry = {
    .family = "scheduler",
    .option = "sched",
    .builtin = sched_table,
    .nbuiltin = sizeof sched_table / sizeof sched_table[0],
};

int sched_create(struct sched **out, const struct sched_ops *ops, const void *conf,
                 struct host *host, const struct sched_env *env, unsigned long rng_seed,
                 struct sim_error *err)
{
    /* A policy that misses a mandatory op is a programming error, caught
     * by the conformance tests; refuse it rather than crash later. */
    if (!ops->init || !ops->fini || !ops->enqueue || !ops->pick || !ops->dequeue)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                             "scheduler '%s' misses a mandatory operation", ops->info.name);
    struct sched *s = xcalloc(1, sizeof *s);
    s->ops = ops;
    s->conf = conf;
    s->flags = ops->flags_for ? ops->flags_for(conf) : ops->flags;
    s->rng_seed = rng_seed;
    if ((s->flags & SCHED_PREEMPTIVE) && !ops->compare) {
        free(s);
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                             "scheduler '%s' is preemptive but has no compare", ops->info.name);
    }
    s->host = host;
    s->env = *env;
    int rc = ops->init(s, err);
    if (rc < 0) {
        free(s);
        return rc;
    }
    *out = s;
    return SIM_OK;
}

void sched_destroy(struct sched *s)
{
    if (!s)
        return;
    s->ops->fini(s);
    if (s->rng)
        gsl_rng_free(s->rng);
    free(s);
}

gsl_rng *sched_rng(struct sched *s)
{
    if (!s->rng) {
        s->rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(s->rng, s->rng_seed);
    }
    return s->rng;
}

static void fifo_resize(struct vcpu_fifo *f, size_t cap)
{
    struct vcpu **a = xmalloc(cap * sizeof *a);
    size_t n = 0;
    for (size_t p = f->head; p < f->tail; p++) {
        struct vcpu *v = f->a[p & (f->cap - 1)];
        if (v) {
            a[n] = v;
            v->rq_idx = n++;
        }
    }
    free(f->a);
    f->a = a;
    f->cap = cap;
    f->head = 0;
    f->tail = n;
}

void vcpu_fifo_push(struct vcpu_fifo *f, struct vcpu *v)
{
    if (f->tail - f->head == f->cap)
        fifo_resize(f, f->cap ? (f->len * 2 > f->cap ? f->cap * 2 : f->cap) : 16);
    v->rq_idx = f->tail;
    f->a[f->tail++ & (f->cap - 1)] = v;
    f->len++;
}

struct vcpu *vcpu_fifo_peek(struct vcpu_fifo *f)
{
    while (f->head < f->tail && !f->a[f->head & (f->cap - 1)])
        f->head++;
    return f->head < f->tail ? f->a[f->head & (f->cap - 1)] : NULL;
}

#define FIFO_AHEAD 4

void vcpu_fifo_remove(struct vcpu_fifo *f, struct vcpu *v)
{
    size_t p = v->rq_idx;
    assert(p >= f->head && p < f->tail && f->a[p & (f->cap - 1)] == v);
    f->a[p & (f->cap - 1)] = NULL;
    if (p == f->head) {
        f->head++;
        /* The heads to come will be dispatched soon and, in a long queue,
         * are cold: with 10^5 queued vCPUs those misses were most of a
         * dispatch.  Fetch the one FIFO_AHEAD places on, with its guest's
         * dispatch fields: all the cores of a host whose quanta end
         * together dispatch back to back, and fetching only the next head
         * left the fetch no time to land (rr, 10^5 vCPUs on 64 cores:
         * 1.5 s with the next head, 1.0 s four ahead).  The guest is found
         * without reading the vCPU (that would wait for the miss): its hot
         * block ends right before vcpu[0] (models/platform.h), so this is
         * exact for a first vCPU and a harmless fetch of the vCPU before
         * it for the others. */
        size_t ahead = f->head + FIFO_AHEAD;
        if (ahead < f->tail) {
            const char *soon = (const char *)f->a[ahead & (f->cap - 1)];
            if (soon) {
                const char *hot = soon - (offsetof(struct guest, vcpu) -
                                          offsetof(struct guest, seq));
                for (const char *b = hot; b < soon + VCPU_HOT_BYTES; b += 64)
                    __builtin_prefetch(b);
            }
        }
    }
    f->len--;
}

struct vcpu *vcpu_fifo_first_for(struct vcpu_fifo *f, int k)
{
    struct vcpu *v = vcpu_fifo_peek(f);
    if (!v || vcpu_may_run(v, k))
        return v;
    for (size_t p = f->head + 1; p < f->tail; p++) {
        v = f->a[p & (f->cap - 1)];
        if (v && vcpu_may_run(v, k))
            return v;
    }
    return NULL;
}

void vcpu_fifo_destroy(struct vcpu_fifo *f)
{
    free(f->a);
    memset(f, 0, sizeof *f);
}

void vcpu_heap_init(struct vcpu_heap *h, struct sched *s,
                    int (*cmp)(struct sched *, const struct vcpu *, const struct vcpu *))
{
    memset(h, 0, sizeof *h);
    h->s = s;
    h->cmp = cmp;
}

void vcpu_heap_destroy(struct vcpu_heap *h)
{
    free(h->a);
    h->a = NULL;
    h->len = h->cap = 0;
}

static inline bool heap_less(const struct vcpu_heap *h, const struct vcpu *a, const struct vcpu *b)
{
    int c = h->cmp(h->s, a, b);
    return c < 0 || (c == 0 && a->rq_seq < b->rq_seq);
}

static inline void heap_place(struct vcpu_heap *h, size_t i, struct vcpu *v)
{
    h->a[i] = v;
    v->rq_idx = i;
}

static void heap_sift_up(struct vcpu_heap *h, size_t i, struct vcpu *v)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!heap_less(h, v, h->a[p]))
            break;
        heap_place(h, i, h->a[p]);
        i = p;
    }
    heap_place(h, i, v);
}

static void heap_sift_down(struct vcpu_heap *h, size_t i, struct vcpu *v)
{
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len)
            break;
        if (c + 1 < h->len && heap_less(h, h->a[c + 1], h->a[c]))
            c++;
        if (!heap_less(h, h->a[c], v))
            break;
        heap_place(h, i, h->a[c]);
        i = c;
    }
    heap_place(h, i, v);
}

void vcpu_heap_push(struct vcpu_heap *h, struct vcpu *v)
{
    if (h->len == h->cap)
        h->a = xgrow(h->a, &h->cap, h->len + 1, sizeof *h->a);
    v->rq_seq = h->next_seq++;
    h->len++;
    heap_sift_up(h, h->len - 1, v);
}

struct vcpu *vcpu_heap_best_for(struct vcpu_heap *h, int k)
{
    struct vcpu *best = vcpu_heap_peek(h);
    if (!best || vcpu_may_run(best, k))
        return best;
    best = NULL;
    for (size_t i = 1; i < h->len; i++)
        if (vcpu_may_run(h->a[i], k) && (!best || heap_less(h, h->a[i], best)))
            best = h->a[i];
    return best;
}

void vcpu_heap_remove(struct vcpu_heap *h, struct vcpu *v)
{
    size_t i = v->rq_idx;
    assert(i < h->len && h->a[i] == v);
    h->len--;
    if (i == h->len)
        return;
    struct vcpu *last = h->a[h->len];
    if (i > 0 && heap_less(h, last, h->a[(i - 1) / 2]))
        heap_sift_up(h, i, last);
    else
        heap_sift_down(h, i, last);
}

/* ---- shared ready queues ---- */

int sched_fifo_init(struct sched *s, struct sim_error *err)
{
    (void)err;
    s->priv = xcalloc(1, sizeof(struct vcpu_fifo));
    return SIM_OK;
}

void sched_fifo_fini(struct sched *s)
{
    vcpu_fifo_destroy(s->priv);
    free(s->priv);
}

void sched_fifo_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    (void)why;
    vcpu_fifo_push(s->priv, v);
}

struct vcpu *sched_fifo_pick(struct sched *s, struct pcpu *c)
{
    return vcpu_fifo_first_for(s->priv, c->index);
}

void sched_fifo_dequeue(struct sched *s, struct vcpu *v) { vcpu_fifo_remove(s->priv, v); }

int sched_heap_init(struct sched *s, struct sim_error *err)
{
    (void)err;
    struct vcpu_heap *h = xmalloc(sizeof *h);
    vcpu_heap_init(h, s, s->ops->compare);
    s->priv = h;
    return SIM_OK;
}

void sched_heap_fini(struct sched *s)
{
    vcpu_heap_destroy(s->priv);
    free(s->priv);
}

void sched_heap_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    (void)why;
    vcpu_heap_push(s->priv, v);
}

struct vcpu *sched_heap_pick(struct sched *s, struct pcpu *c)
{
    return vcpu_heap_best_for(s->priv, c->index);
}

void sched_heap_dequeue(struct sched *s, struct vcpu *v) { vcpu_heap_remove(s->priv, v); }
