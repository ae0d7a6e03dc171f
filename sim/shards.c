/*
 * sim/shards.c - a run split by host: conservative parallel simulation
 * with the run's own events as the barriers (--threads).
 *
 * Hosts interact only through what the run itself does: an arrival (the
 * placement reads every host's room), the timeline's sample and the
 * allocator's window (they read and re-grant each host in turn), the
 * horizon, and guests waiting for memory (a completion anywhere may let
 * one in).  Between two such events each host's vCPUs, cores, caps and
 * exits touch that host alone.  So each host is a shard, a struct sim of
 * its own (sim/engine.c runs its events unchanged) with its clock, event
 * queue, exit stream (SIM_STREAM_EXITS, instance = the host's index) and
 * metrics, and the run (the parent) keeps the workload, the placement,
 * the periodic events and the population:
 *
 *   loop:  G = the run's next event (time, tie-break class)
 *          every shard runs its events up to G          (N threads)
 *          what the shards logged is taken in, merged by (time, class,
 *          host, order in the host): completions into the metrics and
 *          jobs.csv, segments and bursts to their consumers
 *          the run's event at G: it may place a guest on a shard, sample
 *          or re-grant every host (each with its shard's context)
 *
 * Events of the same instant and class run in the shards before the
 * run's.  While guests wait for memory the shards go one event instant at
 * a time, the earliest first (ties by host index), and the queue is tried
 * after each: a completion admits waiting guests at its own instant, as
 * on one queue.
 *
 * Which thread runs a shard changes nothing a shard computes, and the
 * merge order is a function of the simulated run alone: results are the
 * same bytes for every --threads.  They are not those of one queue for
 * all hosts (which only one-host and consolidation runs use now) in
 * three ways the model does not care about: sums over hosts are added host by
 * host, so their last bits differ; at an instant shared by several hosts
 * the order of completions in jobs.csv is by host; discrete exits draw
 * from a stream per host.
 *
 * Scheme: Chandy and Misra's conservative synchronisation (Chandy &
 * Misra 1979, "Distributed simulation: a case study in design and
 * verification of distributed programs", IEEE TSE 5(5)) with the run's
 * events as the lookahead, the "epoch" synchronisation of issue 16; the
 * logs merged in a fixed order are the usual way to keep a parallel run
 * reproducible (Fujimoto, "Parallel and Distributed Simulation Systems",
 * Wiley 2000, ch. 3).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "sim/engine-private.h"

/* A shard's place in the order of the next events: its next event's time
 * and class, then its host's index (ties). */
struct shard_key {
    sim_time_t time;
    int cls;
};

struct shards {
    int n;                       /* one per host */
    struct sim **sim;            /* [n] */
    /* the shards with an event, by their next one (a binary heap of host
     * indexes; pos[i] = i's slot, -1 = not in it) */
    int *heap, *pos;
    struct shard_key *key;       /* [n]: each one's key in the heap */
    int nheap;
    /* shards a run's event touched (placed a guest, re-granted): their
     * next event may have changed; re-keyed before the next epoch */
    int *touched;
    bool *is_touched;
    int ntouched;
    /* this epoch's shards */
    int *due;
    int ndue;
    /* the merge of their logs */
    int *mheap;                  /* shards with entries left, by their next entry */
    size_t *mpos;                /* [n]: the next entry of each */
    /* worker threads (threads - 1 of them; the run's thread works too) */
    int threads;
    pthread_t *workers;
    int nworkers;
    pthread_mutex_t lock;
    pthread_cond_t go, idle;
    uint64_t epoch;              /* bumped to start one */
    int next;                    /* the next due shard to take */
    int busy;                    /* workers still in this epoch */
    bool quit;
    sim_time_t until;            /* this epoch's end: (until, until_cls) */
    int until_cls;
    uint64_t events;             /* the shards' events so far (progress) */
    uint64_t last_events;        /* ... in the last epoch */
};

/* An epoch goes to the threads only when the one before it ran at least
 * this many events: waking the workers and waiting for them costs tens of
 * microseconds, more than a job trace's epochs (an arrival every few ms
 * of simulated time, a few events per host) take on one thread.  Which
 * thread runs a shard changes no result. */
#define SHARDS_PARALLEL_EVENTS 20000

static struct sim *shard_create(struct sim *run, int i);

struct sim *shards_sim(struct sim *run, int host)
{
    struct shards *s = run->shards;
    struct sim *sh = s->sim[host];
    if (!sh)
        return run;   /* (a host without a guest so far: nothing of its runs) */
    if (!s->is_touched[host]) {
        s->is_touched[host] = true;
        s->touched[s->ntouched++] = host;
    }
    return sh;
}

struct sim *shards_claim(struct sim *run, struct host *h)
{
    struct shards *s = run->shards;
    if (!s->sim[h->index])
        s->sim[h->index] = shard_create(run, h->index);
    return shards_sim(run, h->index);
}

/* ---- the heap of shards by next event ---- */

static bool key_less(const struct shards *s, int a, int b)
{
    const struct shard_key *x = &s->key[a], *y = &s->key[b];
    if (x->time != y->time)
        return x->time < y->time;
    if (x->cls != y->cls)
        return x->cls < y->cls;
    return a < b;
}

static void heap_set(struct shards *s, int slot, int host)
{
    s->heap[slot] = host;
    s->pos[host] = slot;
}

static void heap_up(struct shards *s, int slot)
{
    int host = s->heap[slot];
    while (slot > 0) {
        int parent = (slot - 1) / 2;
        if (!key_less(s, host, s->heap[parent]))
            break;
        heap_set(s, slot, s->heap[parent]);
        slot = parent;
    }
    heap_set(s, slot, host);
}

static void heap_down(struct shards *s, int slot)
{
    int host = s->heap[slot];
    for (;;) {
        int child = 2 * slot + 1;
        if (child >= s->nheap)
            break;
        if (child + 1 < s->nheap && key_less(s, s->heap[child + 1], s->heap[child]))
            child++;
        if (!key_less(s, s->heap[child], host))
            break;
        heap_set(s, slot, s->heap[child]);
        slot = child;
    }
    heap_set(s, slot, host);
}

static void heap_remove(struct shards *s, int host)
{
    int slot = s->pos[host];
    if (slot < 0)
        return;
    s->pos[host] = -1;
    int last = s->heap[--s->nheap];
    if (slot == s->nheap)
        return;
    heap_set(s, slot, last);
    heap_up(s, slot);
    heap_down(s, s->pos[last]);
}

/* Host i's next event changed: file it again (or take it out). */
static void rekey(struct shards *s, int i)
{
    struct sim_event *ev = evq_peek(&s->sim[i]->evq);
    if (!ev) {
        heap_remove(s, i);
        return;
    }
    s->key[i] = (struct shard_key){ev->time, (int)(ev->seq >> 56)};
    if (s->pos[i] < 0) {
        s->pos[i] = s->nheap;
        s->heap[s->nheap++] = i;
        heap_up(s, s->pos[i]);
    } else {
        heap_up(s, s->pos[i]);
        heap_down(s, s->pos[i]);
    }
}

static void rekey_touched(struct shards *s)
{
    for (int k = 0; k < s->ntouched; k++) {
        s->is_touched[s->touched[k]] = false;
        rekey(s, s->touched[k]);
    }
    s->ntouched = 0;
}

/* ---- the logs ---- */

static void log_entry(struct sim *shard, const struct shard_entry *e)
{
    if (shard->nlog == shard->logcap)
        shard->log = xgrow(shard->log, &shard->logcap, shard->nlog + 1, sizeof *shard->log);
    shard->log[shard->nlog++] = *e;
}

static void log_segment(void *ctx, const struct sim_segment *seg)
{
    struct sim *shard = ctx;
    log_entry(shard, &(struct shard_entry){.time = shard->now, .cls = shard->ev_class,
                                           .kind = SHARD_SEGMENT, .u.seg = *seg});
}

static void log_burst(void *ctx, const struct sim_burst *b)
{
    struct sim *shard = ctx;
    log_entry(shard, &(struct shard_entry){.time = shard->now, .cls = shard->ev_class,
                                           .kind = SHARD_BURST, .u.burst = *b});
}

/* Is shard a's next entry before shard b's? */
static bool entry_less(const struct shards *s, int a, int b)
{
    const struct shard_entry *x = &s->sim[a]->log[s->mpos[a]];
    const struct shard_entry *y = &s->sim[b]->log[s->mpos[b]];
    if (x->time != y->time)
        return x->time < y->time;
    if (x->cls != y->cls)
        return x->cls < y->cls;
    return a < b;
}

static void mheap_down(struct shards *s, int n, int slot)
{
    int host = s->mheap[slot];
    for (;;) {
        int child = 2 * slot + 1;
        if (child >= n)
            break;
        if (child + 1 < n && entry_less(s, s->mheap[child + 1], s->mheap[child]))
            child++;
        if (!entry_less(s, s->mheap[child], host))
            break;
        s->mheap[slot] = s->mheap[child];
        slot = child;
    }
    s->mheap[slot] = host;
}

static void take_entry(struct sim *run, const struct shard_entry *e)
{
    run->now = e->time;
    switch (e->kind) {
    case SHARD_JOB:
        sim__guest_record(run, &e->u.job);
        break;
    case SHARD_SEGMENT:
        run->hooks.on_segment(run->hooks.cb_ctx, &e->u.seg);
        break;
    case SHARD_BURST:
        run->hooks.on_burst(run->hooks.cb_ctx, &e->u.burst);
        break;
    }
}

/* Take in the logs of shards[0..n-1] in (time, class, host, order), and
 * re-file the hosts whose room changed.  The run's clock is left at its
 * own time. */
static void merge(struct sim *run, const int *shards, int n)
{
    struct shards *s = run->shards;
    sim_time_t now = run->now;
    int m = 0;
    for (int k = 0; k < n; k++) {
        struct sim *sh = s->sim[shards[k]];
        if (sh->room_changed) {
            sh->room_changed = false;
            rooms_changed(&run->rooms, sh->hosts);
        }
        if (sh->nlog > 0) {
            s->mpos[shards[k]] = 0;
            s->mheap[m++] = shards[k];
        }
    }
    if (m == 1) {   /* (the usual case on job traces: no heap) */
        struct sim *sh = s->sim[s->mheap[0]];
        for (size_t i = 0; i < sh->nlog; i++)
            take_entry(run, &sh->log[i]);
        sh->nlog = 0;
        run->now = now;
        return;
    }
    for (int k = m / 2 - 1; k >= 0; k--)
        mheap_down(s, m, k);
    while (m > 0) {
        int host = s->mheap[0];
        struct sim *sh = s->sim[host];
        take_entry(run, &sh->log[s->mpos[host]++]);
        if (s->mpos[host] == sh->nlog) {
            sh->nlog = 0;
            s->mheap[0] = s->mheap[--m];
        }
        if (m > 0)
            mheap_down(s, m, 0);
    }
    run->now = now;
}

/* ---- running the shards ---- */

static int run_shard(struct shards *s, int host, sim_time_t until, int cls)
{
    struct sim *sh = s->sim[host];
    return sim__run_until(sh, until, cls);
}

static void *worker(void *arg)
{
    struct shards *s = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (s->epoch == seen && !s->quit)
            pthread_cond_wait(&s->go, &s->lock);
        if (s->quit)
            break;
        seen = s->epoch;
        while (s->next < s->ndue) {
            int host = s->due[s->next++];
            pthread_mutex_unlock(&s->lock);
            run_shard(s, host, s->until, s->until_cls);
            pthread_mutex_lock(&s->lock);
        }
        if (--s->busy == 0)
            pthread_cond_signal(&s->idle);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* Run the due shards up to (until, cls): on the workers and this thread
 * when there are several, else here. */
static void run_due(struct shards *s, sim_time_t until, int cls)
{
    if (s->nworkers == 0 || s->ndue < 2 || s->last_events < SHARDS_PARALLEL_EVENTS) {
        for (int k = 0; k < s->ndue; k++)
            if (run_shard(s, s->due[k], until, cls) < 0)
                return;
        return;
    }
    pthread_mutex_lock(&s->lock);
    s->until = until;
    s->until_cls = cls;
    s->next = 0;
    s->busy = s->nworkers;
    s->epoch++;
    pthread_cond_broadcast(&s->go);
    while (s->next < s->ndue) {
        int host = s->due[s->next++];
        pthread_mutex_unlock(&s->lock);
        run_shard(s, host, until, cls);
        pthread_mutex_lock(&s->lock);
    }
    while (s->busy > 0)
        pthread_cond_wait(&s->idle, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

/* The first error among the shards that ran, by host: the run's. */
static int due_status(struct sim *run)
{
    struct shards *s = run->shards;
    int first = -1;
    for (int k = 0; k < s->ndue; k++)
        if (s->sim[s->due[k]]->status < 0 && (first < 0 || s->due[k] < first))
            first = s->due[k];
    if (first < 0)
        return SIM_OK;
    run->error = s->sim[first]->error;
    return run->status = s->sim[first]->status;
}

/* An epoch: every shard whose next event is at or before (until, cls)
 * runs up to it; their logs are taken in. */
static int epoch(struct sim *run, sim_time_t until, int cls, bool one_instant)
{
    struct shards *s = run->shards;
    rekey_touched(s);
    s->ndue = 0;
    if (one_instant && s->nheap > 0) {
        /* one instant of the earliest shard alone (guests wait for memory) */
        int host = s->heap[0];
        struct shard_key k = s->key[host];
        if (k.time < until || (k.time == until && k.cls <= cls)) {
            until = k.time;
            cls = k.cls;
            s->due[s->ndue++] = host;
            heap_remove(s, host);
        }
    } else {
        while (s->nheap > 0) {
            int host = s->heap[0];
            struct shard_key k = s->key[host];
            if (k.time > until || (k.time == until && k.cls > cls))
                break;
            s->due[s->ndue++] = host;
            heap_remove(s, host);
        }
    }
    if (s->ndue == 0)
        return SIM_OK;
    uint64_t before = 0, after = 0;
    for (int k = 0; k < s->ndue; k++)
        before += s->sim[s->due[k]]->metrics.events;
    run_due(s, until, cls);
    for (int k = 0; k < s->ndue; k++)
        after += s->sim[s->due[k]]->metrics.events;
    s->events += after - before;
    s->last_events = after - before;
    int rc = due_status(run);
    if (rc < 0)
        return rc;
    merge(run, s->due, s->ndue);
    for (int k = 0; k < s->ndue; k++)
        rekey(s, s->due[k]);
    return SIM_OK;
}

int shards_run(struct sim *run)
{
    struct shards *s = run->shards;
    for (int t = 0; t < s->nworkers; t++)
        if (pthread_create(&s->workers[t], NULL, worker, s) != 0) {
            s->nworkers = t;   /* (fewer threads: the same results) */
            break;
        }
    uint64_t every = run->hooks.progress_every ? run->hooks.progress_every : SIM_PROGRESS_EVERY;
    uint64_t last_progress = 0;
    int rc = SIM_OK;
    for (;;) {
        struct sim_event *ev = evq_peek(&run->evq);
        sim_time_t until = ev ? ev->time : SIM_TIME_MAX;
        int cls = ev ? (int)(ev->seq >> 56) : SIM_EVC_DISPATCH;
        if (run->admit_head) {
            /* guests wait for memory: one shard instant at a time */
            rekey_touched(s);
            if (s->nheap > 0 && (s->key[s->heap[0]].time < until ||
                                 (s->key[s->heap[0]].time == until &&
                                  s->key[s->heap[0]].cls <= cls))) {
                sim_time_t at = s->key[s->heap[0]].time;
                if ((rc = epoch(run, until, cls, true)) < 0)
                    break;
                run->now = at;   /* (the run is at that instant: admissions are) */
                sim__admit_waiting(run);
                continue;
            }
        } else if ((rc = epoch(run, until, cls, false)) < 0) {
            break;
        }
        if (!ev) {
            rekey_touched(s);
            if (s->nheap == 0)
                break;
            continue;   /* (merging placed nothing: cannot happen, but be exact) */
        }
        evq_pop(&run->evq);
        run->now = ev->time;
        run->metrics.events++;
        ev->fn(run, ev);
        if (run->hooks.check_invariants)
            sim__check_invariants(run);
        if (run->status < 0) {
            rc = run->status;
            break;
        }
        if (run->stopped)
            break;
        uint64_t total = run->metrics.events + s->events;
        if (run->hooks.on_progress && total - last_progress >= every) {
            last_progress = total;
            struct sim_progress pr = {run->now, run->source->records, total, run->series_end};
            run->hooks.on_progress(run->hooks.progress_ctx, &pr);
        }
    }
    pthread_mutex_lock(&s->lock);
    s->quit = true;
    pthread_cond_broadcast(&s->go);
    pthread_mutex_unlock(&s->lock);
    for (int t = 0; t < s->nworkers; t++)
        pthread_join(s->workers[t], NULL);
    s->nworkers = 0;
    /* the run ends at its last event, in whichever shard */
    for (int i = 0; i < s->n && rc == SIM_OK && !run->stopped; i++)
        if (s->sim[i] && s->sim[i]->now > run->now)
            run->now = s->sim[i]->now;
    return rc;
}

/* ---- life cycle ---- */

bool shards_possible(const struct sim *sim)
{
    return sim->nhosts > 1 && !sim->cons;
}

static struct sim *shard_create(struct sim *run, int i)
{
    struct sim *sh = xcalloc(1, sizeof *sh);
    struct host *h = &run->hosts[i];
    sh->parent = run;
    sh->x = run->x;
    sh->rep = run->rep;
    sh->sched = run->sched;
    sh->alloc = run->alloc;
    sh->place = run->place;
    sh->alloc_period = run->alloc_period;
    sh->caps = run->caps;
    sh->exit_events = run->exit_events;
    sh->exits_counted = run->exits_counted;
    sh->strict = run->strict;
    sh->relaxed = run->relaxed;
    sh->gangs = run->gangs;
    sh->skew = run->skew;
    sh->cap_period = run->cap_period;
    sh->horizon = run->horizon;
    sh->source = run->source;
    sh->now = run->now;
    sh->nhosts = 1;
    sh->hosts = h;
    sh->cores = h->cores;
    sh->ncores_total = h->ncores;
    sh->min_cores = run->min_cores;
    sh->hooks = (struct sim_hooks){
        .on_segment = run->hooks.on_segment ? log_segment : NULL,
        .on_burst = run->hooks.on_burst ? log_burst : NULL,
        .cb_ctx = sh,
        .vm_latency = run->hooks.vm_latency,
        .check_invariants = run->hooks.check_invariants,
    };
    evq_init(&sh->evq);
    /* (a shard draws only exits: its other streams stay NULL) */
    sh->rng.stream[SIM_STREAM_EXITS] = gsl_rng_alloc(SIM_RNG_TYPE);
    gsl_rng_set(sh->rng.stream[SIM_STREAM_EXITS],
                sim_rng_seed(run->x->seed, run->rep, SIM_STREAM_EXITS, (uint64_t)i));
    metrics_init(&sh->metrics, run->x->warmup);
    if (sh->exits_counted)
        sh->exit_plans = xcalloc((size_t)h->ncores, sizeof *sh->exit_plans);
    /* The host's scheduler answers to its shard from now on (it has had
     * nothing to do so far: the host was empty). */
    h->sched->env.clock = &sh->now;
    h->sched->env.engine = sh;
    return sh;
}

void shards_create(struct sim *run)
{
    struct shards *s = xcalloc(1, sizeof *s);
    int n = run->nhosts;
    run->shards = s;
    s->n = n;
    s->sim = xcalloc((size_t)n, sizeof *s->sim);
    s->heap = xcalloc((size_t)n, sizeof *s->heap);
    s->pos = xcalloc((size_t)n, sizeof *s->pos);
    s->key = xcalloc((size_t)n, sizeof *s->key);
    s->touched = xcalloc((size_t)n, sizeof *s->touched);
    s->is_touched = xcalloc((size_t)n, sizeof *s->is_touched);
    s->due = xcalloc((size_t)n, sizeof *s->due);
    s->mheap = xcalloc((size_t)n, sizeof *s->mheap);
    s->mpos = xcalloc((size_t)n, sizeof *s->mpos);
    for (int i = 0; i < n; i++)
        s->pos[i] = -1;
    s->threads = run->x->threads > 0 ? run->x->threads : 1;
    if (s->threads > n)
        s->threads = n;
    s->nworkers = s->threads - 1;
    s->last_events = SHARDS_PARALLEL_EVENTS;   /* (the first epoch may be long) */
    s->workers = xcalloc((size_t)(s->nworkers > 0 ? s->nworkers : 1), sizeof *s->workers);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->go, NULL);
    pthread_cond_init(&s->idle, NULL);
}

void shards_finish(struct sim *run)
{
    struct shards *s = run->shards;
    for (int i = 0; i < s->n; i++) {
        struct sim *sh = s->sim[i];
        if (!sh)
            continue;
        metrics_merge(&run->metrics, &sh->metrics);
        /* (the peak of a sum is at most the sum of the peaks: a bound) */
        run->evq.peak += sh->evq.peak;
        if (sh->violations > 0 && run->violations == 0)
            memcpy(run->violation, sh->violation, sizeof run->violation);
        run->violations += sh->violations;
    }
}

void shards_destroy(struct sim *run)
{
    struct shards *s = run->shards;
    if (!s)
        return;
    for (int i = 0; i < s->n; i++) {
        struct sim *sh = s->sim[i];
        if (!sh)
            continue;
        /* guests that completed in an epoch a failure cut short */
        for (size_t k = 0; k < sh->nlog; k++)
            if (sh->log[k].kind == SHARD_JOB)
                sim__guest_release(run, sh->log[k].u.job.g);
        free(sh->log);
        evq_destroy(&sh->evq);
        sim_rng_destroy(&sh->rng);
        metrics_destroy(&sh->metrics);
        exits_free(sh);
        free(sh);
    }
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->go);
    pthread_cond_destroy(&s->idle);
    free(s->sim);
    free(s->heap);
    free(s->pos);
    free(s->key);
    free(s->touched);
    free(s->is_touched);
    free(s->due);
    free(s->mheap);
    free(s->mpos);
    free(s->workers);
    free(s);
    run->shards = NULL;
}
