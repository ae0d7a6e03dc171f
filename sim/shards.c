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
#include <assert.h>
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

struct shards;

/* A binary heap of host indexes, ordered by less (ties: the lower index);
 * pos, when not NULL, keeps each host's slot.  Two of them: the shards by
 * their next event, and during a merge by their next log entry. */
struct host_heap {
    int *at, *pos;
    int n;
    bool (*less)(const struct shards *s, int a, int b);
};

struct shards {
    int n;                       /* one per host */
    struct sim **sim;            /* [n] */
    /* the shards with an event, by their next one (pos: i's slot, -1 =
     * not in it) */
    struct host_heap by_next;
    struct shard_key *key;       /* [n]: each one's key there */
    /* shards a run's event touched (placed a guest, re-granted): their
     * next event may have changed; re-keyed before the next epoch */
    int *touched;
    bool *is_touched;
    int ntouched;
    /* this epoch's shards */
    int *due;
    int ndue;
    /* the merge of their logs */
    struct host_heap merging;    /* shards with entries left, by their next entry */
    size_t *mpos;                /* [n]: the next entry of each */
    /* worker threads (--threads - 1 of them; the run's thread works too) */
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

static void heap_set(struct host_heap *h, int slot, int host)
{
    h->at[slot] = host;
    if (h->pos)
        h->pos[host] = slot;
}

static void heap_up(const struct shards *s, struct host_heap *h, int slot)
{
    int host = h->at[slot];
    while (slot > 0) {
        int parent = (slot - 1) / 2;
        if (!h->less(s, host, h->at[parent]))
            break;
        heap_set(h, slot, h->at[parent]);
        slot = parent;
    }
    heap_set(h, slot, host);
}

static void heap_down(const struct shards *s, struct host_heap *h, int slot)
{
    int host = h->at[slot];
    for (;;) {
        int child = 2 * slot + 1;
        if (child >= h->n)
            break;
        if (child + 1 < h->n && h->less(s, h->at[child + 1], h->at[child]))
            child++;
        if (!h->less(s, h->at[child], host))
            break;
        heap_set(h, slot, h->at[child]);
        slot = child;
    }
    heap_set(h, slot, host);
}

/* Take the host in slot out (without pos, only the top: slot 0). */
static void heap_take(const struct shards *s, struct host_heap *h, int slot)
{
    assert(h->pos || slot == 0);
    int host = h->at[slot], last = h->at[--h->n];
    if (h->pos)
        h->pos[host] = -1;
    if (slot == h->n)
        return;
    heap_set(h, slot, last);
    heap_up(s, h, slot);
    heap_down(s, h, h->pos ? h->pos[last] : slot);
}

/* Is the shard host's next event at or before (until, cls)? */
static bool due_by(const struct shards *s, int host, sim_time_t until, int cls)
{
    const struct shard_key *k = &s->key[host];
    return k->time < until || (k->time == until && k->cls <= cls);
}

/* Host i's next event changed: file it again (or take it out). */
static void rekey(struct shards *s, int i)
{
    struct host_heap *h = &s->by_next;
    struct sim_event *ev = evq_peek(&s->sim[i]->evq);
    if (!ev) {
        if (h->pos[i] >= 0)
            heap_take(s, h, h->pos[i]);
        return;
    }
    s->key[i] = (struct shard_key){ev->time, (int)(ev->seq >> 56)};
    if (h->pos[i] < 0) {
        heap_set(h, h->n++, i);
        heap_up(s, h, h->pos[i]);
    } else {
        heap_up(s, h, h->pos[i]);
        heap_down(s, h, h->pos[i]);
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
    struct host_heap *h = &s->merging;
    sim_time_t now = run->now;
    h->n = 0;
    for (int k = 0; k < n; k++) {
        struct sim *sh = s->sim[shards[k]];
        if (sh->room_changed) {
            sh->room_changed = false;
            rooms_changed(&run->rooms, sh->hosts);
        }
        if (sh->nlog > 0) {
            s->mpos[shards[k]] = 0;
            h->at[h->n++] = shards[k];
        }
    }
    for (int k = h->n / 2 - 1; k >= 0; k--)
        heap_down(s, h, k);
    while (h->n > 0) {
        int host = h->at[0];
        struct sim *sh = s->sim[host];
        take_entry(run, &sh->log[s->mpos[host]++]);
        if (s->mpos[host] == sh->nlog) {
            sh->nlog = 0;
            heap_take(s, h, 0);
        } else {
            heap_down(s, h, 0);
        }
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
 * runs up to it, or with one_instant (guests wait for memory) the
 * earliest shard alone through its next instant, the run's clock then at
 * that instant; their logs are taken in.  s->ndue says how many ran. */
static int epoch(struct sim *run, sim_time_t until, int cls, bool one_instant)
{
    struct shards *s = run->shards;
    struct host_heap *h = &s->by_next;
    rekey_touched(s);
    s->ndue = 0;
    while (h->n > 0 && due_by(s, h->at[0], until, cls) && !(one_instant && s->ndue > 0)) {
        int host = h->at[0];
        if (one_instant) {
            until = s->key[host].time;
            cls = s->key[host].cls;
        }
        s->due[s->ndue++] = host;
        heap_take(s, h, 0);
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
    if (one_instant)
        run->now = until;   /* (admissions that follow are at that instant) */
    return SIM_OK;
}

/* The progress hook, when `every` events have passed since the last
 * call: the run is at `now` (every shard waits for it). */
static void shards_progress(struct sim *run, sim_time_t now, uint64_t every,
                            uint64_t *last_progress)
{
    uint64_t total = run->metrics.events + run->shards->events;
    if (total - *last_progress < every)
        return;
    *last_progress = total;
    sim__progress_report(run, now, total);
}

/* The simulated time between two progress stops: about `events_aim`
 * events each (a quarter to twice that), growing fast through a stretch
 * without events.  The aim is 128 calls' worth of events, 8 M by
 * default, about 0.2-0.6 s of wall time: a stop waits for the slowest
 * shard of its epoch.  On 2.7 x 10^8 events under 2 threads the stops
 * cost 2-3% (and 16 calls' worth measured no different). */
#define PROGRESS_CHUNK_EVENTS(every) (128 * (every))
static sim_time_t progress_chunk(sim_time_t chunk, uint64_t events, uint64_t events_aim)
{
    if (events < events_aim / 4)
        return chunk < SIM_TIME_MAX / 4 ? chunk * 4 : chunk;
    if (events > 2 * events_aim && chunk > 1)
        return chunk / 2;
    return chunk;
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
    /* With a progress hook, the shards also stop at progress_at (before
     * its instant): a run without events of its own for a long stretch
     * (its last arrival passed, no timeline or allocation window) would
     * otherwise say nothing until its end.  Where they stop changes no
     * result: an epoch ends between two instants either way, and the
     * logs are taken in in (time, class, host) order across epochs. */
    sim_time_t chunk = SIM_S(1), progress_at = run->now + chunk;
    int rc = SIM_OK;
    for (;;) {
        struct sim_event *ev = evq_peek(&run->evq);
        sim_time_t until = ev ? ev->time : SIM_TIME_MAX;
        int cls = ev ? (int)(ev->seq >> 56) : SIM_EVC_DISPATCH;
        /* while guests wait for memory, one shard instant at a time */
        bool waiting = run->admit_head != NULL;
        if (progress_at <= run->now)
            progress_at = SIM_TIME_MAX - run->now > chunk ? run->now + chunk : SIM_TIME_MAX;
        bool stop_for_progress = run->hooks.on_progress && !waiting && progress_at < until;
        if (stop_for_progress) {
            until = progress_at;
            cls = -1;   /* the events before that instant, none of it */
        }
        uint64_t before = s->events;
        if ((rc = epoch(run, until, cls, waiting)) < 0)
            break;
        if (waiting && s->ndue > 0) {
            sim__admit_waiting(run);
            continue;
        }
        if (stop_for_progress) {
            shards_progress(run, progress_at, every, &last_progress);
            chunk = progress_chunk(chunk, s->events - before, PROGRESS_CHUNK_EVENTS(every));
            progress_at = SIM_TIME_MAX - progress_at > chunk ? progress_at + chunk : SIM_TIME_MAX;
            if (!ev && s->by_next.n == 0)
                break;   /* (every shard ran to its end) */
            continue;
        }
        if (!ev)
            break;   /* (every shard ran to its end) */
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
        if (run->hooks.on_progress)
            shards_progress(run, run->now, every, &last_progress);
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
    s->by_next = (struct host_heap){xcalloc((size_t)n, sizeof(int)), xcalloc((size_t)n, sizeof(int)),
                                 0, key_less};
    s->key = xcalloc((size_t)n, sizeof *s->key);
    s->touched = xcalloc((size_t)n, sizeof *s->touched);
    s->is_touched = xcalloc((size_t)n, sizeof *s->is_touched);
    s->due = xcalloc((size_t)n, sizeof *s->due);
    s->merging = (struct host_heap){xcalloc((size_t)n, sizeof(int)), NULL, 0, entry_less};
    s->mpos = xcalloc((size_t)n, sizeof *s->mpos);
    for (int i = 0; i < n; i++)
        s->by_next.pos[i] = -1;
    int threads = run->x->threads > 0 ? run->x->threads : 1;
    s->nworkers = (threads < n ? threads : n) - 1;
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
    free(s->by_next.at);
    free(s->by_next.pos);
    free(s->key);
    free(s->touched);
    free(s->is_touched);
    free(s->due);
    free(s->merging.at);
    free(s->mpos);
    free(s->workers);
    free(s);
    run->shards = NULL;
}
