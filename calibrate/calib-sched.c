/*
 * calibrate/calib-sched.c - ping-pong, timer and wake latencies between
 * pinned threads (see calib-sched.h).  Every thread here is created and
 * joined inside one call; the calling thread's affinity is never changed.
 */
#define _GNU_SOURCE
#include "calibrate/calib-sched.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "calibrate/calib-mem.h"
#include "base/xalloc.h"

#define STOP UINT64_MAX

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int put(int fd, uint64_t v)
{
    ssize_t n;
    while ((n = write(fd, &v, sizeof v)) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)sizeof v ? 0 : -1;
}

static int get(int fd, uint64_t *v)
{
    ssize_t n;
    while ((n = read(fd, v, sizeof *v)) < 0 && errno == EINTR)
        ;
    return n == (ssize_t)sizeof *v ? 0 : -1;
}

static int start_pinned(pthread_t *t, int cpu, void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_attr_init(&attr);
    int rc = pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    if (rc == 0)
        rc = pthread_create(t, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return rc;
}

int calib_on_cpu(int cpu, void *(*fn)(void *), void *arg, struct sim_error *err)
{
    pthread_t t;
    int rc = start_pinned(&t, cpu, fn, arg);
    if (rc)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                             "calibrate: cannot start a thread on CPU %d: %s", cpu, strerror(rc));
    pthread_join(t, NULL);
    return 0;
}

/* One side of a ping-pong: its pipes and its working set. */
struct side {
    int in, out;              /* read the token here, write it there */
    void **pos;               /* its working-set chain (NULL: none) */
    long steps;               /* loads per hop */
    double *stamps;           /* wake test: receive latencies, NULL otherwise */
    int nstamps;
};

static void *partner(void *arg)
{
    struct side *s = arg;
    uint64_t tok;
    for (int i = 0; get(s->in, &tok) == 0 && tok != STOP; i++) {
        if (s->stamps && i < s->nstamps)
            s->stamps[i] = now_ns() - (double)tok;
        if (s->pos)
            calib_chase_walk(&s->pos, s->steps);
        if (put(s->out, tok) < 0)
            break;
    }
    return NULL;
}

/* Both pipes of a ping-pong, and the partner thread reading one. */
struct pingpong {
    int ab[2], ba[2];
    struct side a, b;
    pthread_t thread;
    bool running;
};

static void pingpong_clear(struct pingpong *pp)
{
    memset(pp, 0, sizeof *pp);
    pp->ab[0] = pp->ab[1] = pp->ba[0] = pp->ba[1] = -1;
}

static int pingpong_open(struct pingpong *pp, struct sim_error *err)
{
    pingpong_clear(pp);
    if (pipe(pp->ab) < 0 || pipe(pp->ba) < 0)
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, "calibrate: pipe: %s", strerror(errno));
    pp->a.in = pp->ba[0];
    pp->a.out = pp->ab[1];
    pp->b.in = pp->ab[0];
    pp->b.out = pp->ba[1];
    return 0;
}

static int pingpong_start(struct pingpong *pp, int cpu_b, struct sim_error *err)
{
    int rc = start_pinned(&pp->thread, cpu_b, partner, &pp->b);
    if (rc)
        return sim_error_set(err, SIM_EINTERNAL, NULL, 0, 0,
                             "calibrate: cannot start a thread on CPU %d: %s", cpu_b, strerror(rc));
    pp->running = true;
    return 0;
}

static void pingpong_close(struct pingpong *pp)
{
    if (pp->running) {
        put(pp->a.out, STOP);
        pthread_join(pp->thread, NULL);
    }
    for (int i = 0; i < 2; i++) {
        if (pp->ab[i] >= 0)
            close(pp->ab[i]);
        if (pp->ba[i] >= 0)
            close(pp->ba[i]);
    }
    pingpong_clear(pp);
}

/* ns per round trip: iters tokens through the partner and back. */
static double round_trips(struct side *a, long iters)
{
    uint64_t tok = 1;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        if (put(a->out, tok) < 0 || get(a->in, &tok) < 0)
            return -1;
        if (a->pos)
            calib_chase_walk(&a->pos, a->steps);
    }
    return (now_ns() - t0) / (double)iters;
}

/* lat_ctx's overhead: the same pipe operations and walk in one thread. */
static double overhead(const int p[2], void ***pos, long steps, long iters)
{
    uint64_t tok = 1;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        if (put(p[1], tok) < 0 || get(p[0], &tok) < 0)
            return -1;
        if (*pos)
            calib_chase_walk(pos, steps);
    }
    return (now_ns() - t0) / (double)iters;
}

/* What the measuring thread (pinned to cpu_a) does. */
struct job {
    const struct calib_sched_plan *plan;
    int cpu_a, cpu_b;
    gsl_rng *rng;
    FILE *log;
    struct calib_sched_result *out;
    struct sim_error *err;
    int rc;
};

static int switch_costs(struct job *j, int set)
{
    const struct calib_sched_plan *plan = j->plan;
    size_t pages = plan->ws_pages[set];
    struct calib_region ra = { 0 }, rb = { 0 };
    struct pingpong pp;
    int solo[2] = { -1, -1 };
    int runs = plan->runs < 64 ? plan->runs : 64;
    double ov[64], rt[64], sw[64];
    /* A hop walks the whole working set: fewer round trips for larger
     * sets keep each run near the time of the empty one. */
    long iters = pages > 64 ? plan->pingpong_iters * 64 / (long)pages : plan->pingpong_iters;
    if (iters < 200)
        iters = 200;
    int rc = pingpong_open(&pp, j->err);
    if (rc)
        goto done;
    if (pipe(solo) < 0) {
        rc = sim_error_set(j->err, SIM_EIO, NULL, 0, 0, "calibrate: pipe: %s", strerror(errno));
        goto done;
    }
    if (pages > 0) {
        size_t nodes;
        if ((rc = calib_region_map(&ra, pages * 4096, CALIB_PAGES_4K, j->err)) ||
            (rc = calib_region_map(&rb, pages * 4096, CALIB_PAGES_4K, j->err)))
            goto done;
        pp.a.pos = calib_chain_build(&ra, pages * 4096, CALIB_ONE_PER_PAGE, j->rng, &nodes);
        pp.b.pos = calib_chain_build(&rb, pages * 4096, CALIB_ONE_PER_PAGE, j->rng, &nodes);
        pp.a.steps = pp.b.steps = (long)pages;
    }
    if ((rc = pingpong_start(&pp, j->cpu_a, j->err)))
        goto done;
    round_trips(&pp.a, iters / 10 + 1);   /* warm up */
    for (int k = 0; k < runs; k++) {
        ov[k] = overhead(solo, &pp.a.pos, pp.a.steps, iters);
        rt[k] = round_trips(&pp.a, iters);
        if (ov[k] < 0 || rt[k] < 0) {
            rc = sim_error_set(j->err, SIM_EIO, NULL, 0, 0, "calibrate: pipe I/O failed");
            goto done;
        }
        sw[k] = (rt[k] - 2 * ov[k]) / 2;
    }
    j->out->ws_pages[set] = pages;
    calib_stat_of(ov, (size_t)runs, &j->out->overhead_ns[set]);
    calib_stat_of(rt, (size_t)runs, &j->out->round_trip_ns[set]);
    calib_stat_of(sw, (size_t)runs, &j->out->switch_ns[set]);
done:
    pingpong_close(&pp);
    if (solo[0] >= 0) {
        close(solo[0]);
        close(solo[1]);
    }
    calib_region_unmap(&ra);
    calib_region_unmap(&rb);
    return rc;
}

static int cross_cpu(struct job *j)
{
    const struct calib_sched_plan *plan = j->plan;
    struct pingpong pp;
    int runs = plan->runs < 64 ? plan->runs : 64;
    double rt[64];
    int rc = pingpong_open(&pp, j->err);
    if (!rc)
        rc = pingpong_start(&pp, j->cpu_b, j->err);
    if (rc)
        goto done;
    round_trips(&pp.a, plan->pingpong_iters / 10 + 1);
    for (int k = 0; k < runs && !rc; k++)
        if ((rt[k] = round_trips(&pp.a, plan->pingpong_iters)) < 0)
            rc = sim_error_set(j->err, SIM_EIO, NULL, 0, 0, "calibrate: pipe I/O failed");
    if (!rc)
        calib_stat_of(rt, (size_t)runs, &j->out->cross_round_trip_ns);
    pingpong_close(&pp);

    /* The wake of a sleeping thread: the partner records each latency. */
    double *lat = xcalloc((size_t)plan->wake_samples, sizeof *lat);
    if (!rc)
        rc = pingpong_open(&pp, j->err);
    pp.b.stamps = lat;
    pp.b.nstamps = plan->wake_samples;
    if (!rc)
        rc = pingpong_start(&pp, j->cpu_b, j->err);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);   /* this thread only */
    for (int i = 0; i < plan->wake_samples && !rc; i++) {
        struct timespec gap = { 0, plan->wake_gap_ns };
        nanosleep(&gap, NULL);
        uint64_t ack;
        if (put(pp.a.out, (uint64_t)now_ns()) < 0 || get(pp.a.in, &ack) < 0)
            rc = sim_error_set(j->err, SIM_EIO, NULL, 0, 0, "calibrate: pipe I/O failed");
    }
    pingpong_close(&pp);
    if (!rc)
        calib_stat_of(lat, (size_t)plan->wake_samples, &j->out->wake_ns);
    free(lat);
done:
    pingpong_close(&pp);
    return rc;
}

static void timer_wakeups(struct job *j)
{
    int n = j->plan->timer_samples;
    double *late = xcalloc((size_t)n, sizeof *late);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);   /* this thread only: no 50 us default slack */
    for (int i = 0; i < n; i++) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += j->plan->timer_period_ns;
        while (t.tv_nsec >= 1000000000L) {
            t.tv_nsec -= 1000000000L;
            t.tv_sec++;
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR)
            ;
        late[i] = now_ns() - ((double)t.tv_sec * 1e9 + (double)t.tv_nsec);
    }
    calib_stat_of(late, (size_t)n, &j->out->timer_ns);
    free(late);
}

static void *measure(void *arg)
{
    struct job *j = arg;
    const struct calib_sched_plan *plan = j->plan;
    j->out->nsets = plan->nsets;
    for (int s = 0; s < plan->nsets && !j->rc; s++) {
        j->rc = switch_costs(j, s);
        if (!j->rc && j->log)
            fprintf(j->log, "  switch, %zu pages per thread: %.0f ns\n", plan->ws_pages[s],
                    j->out->switch_ns[s].median);
    }
    if (!j->rc && j->cpu_b >= 0) {
        j->rc = cross_cpu(j);
        j->out->cross_measured = j->rc == 0;
    }
    if (!j->rc)
        timer_wakeups(j);
    return NULL;
}

int calib_sched_measure(const struct calib_sched_plan *plan, int cpu_a, int cpu_b, gsl_rng *rng,
                        FILE *log, struct calib_sched_result *out, struct sim_error *err)
{
    memset(out, 0, sizeof *out);
    out->cpu_a = cpu_a;
    out->cpu_b = cpu_b;
    struct job j = { plan, cpu_a, cpu_b, rng, log, out, err, 0 };
    int rc = calib_on_cpu(cpu_a, measure, &j, err);
    return rc ? rc : j.rc;
}
