/*
 * schedulers/credit2.c - Xen's credit2 scheduler, Xen's default since
 * 4.12, after xen/common/sched/credit2.c of xen-project/xen at commit
 * c447b7308b13 (4.23-dev).
 *
 * Design (Xen's, function by function):
 *
 * Credit.  Each vCPU starts with CSCHED2_CREDIT_INIT = 10 ms of credit and
 * burns it while it runs in proportion to 1/weight: the heaviest vCPU of
 * its run queue burns 1 ns per ns, one of weight w burns max_weight/w
 * (burn_credits, t2c_update, with the remainder carried).  A run queue is
 * kept in credit order, highest first (runq_insert).  When the vCPU chosen
 * to run and the head of its queue both have no credit left, the epoch
 * ends (reset_credit): every vCPU of the queue, running, queued or
 * blocked, gets CSCHED2_CREDIT_INIT more, clipped at INIT + 500 us of
 * carry-over.  A weight is 256 x the trace's `weight` (default 1 -> 256),
 * within 1..65535.
 *
 * Run queues (--runqueue, Xen's credit2_runqueue): one per socket
 * (default), per pCPU (core or cpu: hvsim has no SMT), per socket for node
 * (hvsim has one NUMA node per socket) or one for the host (all), each of
 * at most --max-cpus-runqueue pCPUs (16), spread evenly
 * (cpu_add_to_runqueue).  A new vCPU goes to the queue with the least
 * load (csched2_res_pick); a waking one to the queue it left.  Queues
 * exchange vCPUs only when an epoch ends on one of them (balance_load):
 * with the queue whose decaying load average (update_runq_load, a 1 s
 * window) differs most, it pushes, pulls or swaps the vCPUs that bring the
 * two closest (migrate).
 *
 * Scheduling (csched2_schedule, runq_candidate).  A pCPU runs the queued
 * vCPU with the most credit, if it has more than the running one (or the
 * idle vCPU, whose credit is below every other), unless: the running one
 * has run less than --ratelimit (1 ms, sched_ratelimit_us); the candidate
 * was "tickled" to another pCPU at this instant; or it last ran on
 * another pCPU and its credit is less than --migrate-resist (500 us,
 * sched_credit2_migrate_resist) above.  A vCPU that moves pCPU gets 50 us
 * of credit (CSCHED2_MIGRATE_COMPENSATION).  How long it runs
 * (csched2_runtime): until its credit falls to that of the next vCPU in
 * the queue (or to 0), converted to time at its burn rate, but at least
 * CSCHED2_MIN_TIMER (500 us) and the rest of its ratelimit, and at most
 * CSCHED2_MAX_TIMER (10 ms).  A preempted vCPU returns to the queue after
 * the next one was chosen (CSFLAG_delayed_runq_add, csched2_context_saved).
 *
 * Wake-ups (runq_tickle).  A vCPU entering a queue is offered an idle
 * pCPU of its queue (the one it last ran on if idle), else the running
 * vCPU of its queue with the best score: the credit difference, less the
 * migration resistance for another pCPU, only if positive and only if
 * that vCPU has run its ratelimit (less 50 us); that pCPU reschedules.
 *
 * Caps.  Xen's credit2 gives a capped domain a budget of cap x
 * credit2_cap_period_ms (10 ms) per period, shared by its vCPUs, and parks
 * them when it is spent.  That is the engine's mechanism (sim/caps.c:
 * per --cap-period, all vCPUs of a guest together, throttled when the
 * budget is spent, refilled at each period; give --cap-period 10ms for
 * Xen's period), and the engine gives a policy no way to take a running
 * vCPU off a pCPU with nothing else to run, so caps stay the engine's and
 * this policy does not set SCHED_OWN_CAPS.
 *
 * Left out: soft affinity, SMT, yield, the budget quotas of caps (see
 * above).  A running vCPU that balance_load moves gives way at once to a
 * vCPU queued for its pCPU, as in Xen, but with none it runs on until it
 * next stops (Xen leaves the pCPU idle: the engine service above).
 * docs/MODEL.md, "credit2".
 *
 * Cost: a bisection and a move of pointers per insertion and removal
 * (Xen walks a list), the queue's head or a few more per choice, O(vCPUs
 * of a queue) per epoch end, O(n^2) in the vCPUs of two queues per
 * balancing (as Xen).
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "schedulers/sched.h"

#define CSCHED2_DEFAULT_WEIGHT       256
#define CSCHED2_MIN_TIMER            SIM_US(500)
#define CSCHED2_CREDIT_INIT          SIM_MS(10)
#define CSCHED2_CREDIT_MIN           (-CSCHED2_CREDIT_INIT)
#define CSCHED2_IDLE_CREDIT          (CSCHED2_CREDIT_MIN - 1)
#define CSCHED2_CARRYOVER_MAX        CSCHED2_MIN_TIMER
#define CSCHED2_MIGRATE_COMPENSATION SIM_US(50)
#define CSCHED2_RATELIMIT_TICKLE_TOLERANCE SIM_US(50)
#define CSCHED2_CREDIT_RESET         0
#define CSCHED2_MAX_TIMER            CSCHED2_CREDIT_INIT
/* Load tracking (Q-format fixed point): samples in units of 2^10 ns, a
 * window of 2^30 ns (about 1 s), 18 fractional bits; balance when the
 * loads differ by more than 1 (under 100% load) or 1/8 (over). */
#define LOADAVG_GRANULARITY_SHIFT    10
#define LOADAVG_WINDOW_SHIFT         (30 - LOADAVG_GRANULARITY_SHIFT)
#define LOADAVG_PRECISION_SHIFT      18
#define BALANCE_UNDER_TOLERANCE      0
#define BALANCE_OVER_TOLERANCE       (-3)

enum csched2_runq_opt { RUNQ_CPU, RUNQ_CORE, RUNQ_SOCKET, RUNQ_NODE, RUNQ_ALL };

struct csched2_conf {
    sim_time_t ratelimit;       /* sched_ratelimit_us, 0 = off */
    sim_time_t migrate_resist;  /* sched_credit2_migrate_resist */
    int runqueue;               /* credit2_runqueue: enum csched2_runq_opt */
    long max_cpus_runqueue;     /* sched_credit2_max_cpus_runqueue */
};

static const struct param_def csched2_params[] = {
    {"ratelimit", PARAM_DURATION, offsetof(struct csched2_conf, ratelimit), "1ms", 0, 0.5,
     .metavar = "DUR", .help = "credit2: a running vCPU is not preempted before it has run this "
     "long, 0 = off, at most 500000 us (Xen's sched_ratelimit_us, 1000 us)"},
    {"migrate-resist", PARAM_DURATION, offsetof(struct csched2_conf, migrate_resist), "500us",
     0, 1, .metavar = "DUR", .help = "credit2: a vCPU moves to another pCPU only with this "
     "much more credit than what runs there (Xen's sched_credit2_migrate_resist, 500 us)"},
    {"runqueue", PARAM_CHOICE, offsetof(struct csched2_conf, runqueue), "socket",
     .choices = "cpu|core|socket|node|all", .metavar = "cpu|core|socket|node|all",
     .help = "credit2: pCPUs that share a run queue (Xen's credit2_runqueue): one per pCPU "
     "(cpu, or core: no SMT here), per socket (socket, or node: one NUMA node per socket) or "
     "the whole host (all)"},
    {"max-cpus-runqueue", PARAM_INT, offsetof(struct csched2_conf, max_cpus_runqueue), "16", 1,
     1e6, .metavar = "N", .help = "credit2: at most N pCPUs share a run queue; bigger sockets "
     "are split evenly (Xen's sched_credit2_max_cpus_runqueue)"},
    {NULL},
};

/* A minimal intrusive circular list (Xen's list_head): a node alone is
 * linked to itself. */
struct csched2_list {
    struct csched2_list *prev, *next;
};

static inline void csched2_list_init(struct csched2_list *n) { n->prev = n->next = n; }
static inline bool csched2_list_empty(const struct csched2_list *n) { return n->next == n; }

/* Insert n just before pos (at the tail when pos is the head). */
static inline void csched2_list_add_before(struct csched2_list *n, struct csched2_list *pos)
{
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
}

static inline void csched2_list_del(struct csched2_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    csched2_list_init(n);
}

#define csched2_entry(ptr, type, member) container_of(ptr, type, member)

/* A queued vCPU: its credit (which does not change while it is queued,
 * but for an epoch's end) and its place among equal credits. */
struct csched2_queued {
    int64_t credit;
    uint64_t stamp;                /* increasing along the queue among equal credits */
    struct csched2_unit *svc;
};

/* A run queue and the pCPUs that share it. */
struct csched2_runqueue {
    int id;
    int *cpus;                     /* its pCPUs, ascending */
    int ncpus;
    /* Queued vCPUs by credit, highest first, FIFO among equals: Xen's
     * ordered list, kept as a sorted array so that a place is found by
     * bisection (an overcommitted socket queues hundreds of vCPUs, and a
     * vCPU goes back every millisecond). */
    struct csched2_queued *runq;
    size_t nqueued, qcap;
    uint64_t next_stamp;
    struct csched2_list svc;       /* every vCPU assigned to it (any state) */
    int max_weight;                /* of the vCPUs assigned */
    int load;                      /* its vCPUs queued or running */
    int64_t load_last_update;      /* in units of 2^10 ns */
    int64_t avgload, b_avgload;    /* decaying load, Q18 (b_: as balancing expects it) */
    int pick_bias;                 /* the pCPU a vCPU was placed on last */
};

struct csched2_pcpu {
    struct csched2_runqueue *rqd;
    bool tickled;                  /* asked to reschedule ... */
    sim_time_t tickled_at;         /* ... at this instant (it does so within it) */
    struct csched2_unit *inflight; /* taken off here, back in the queue once the next is chosen */
};

struct csched2_unit {
    struct vcpu *vcpu;
    struct csched2_runqueue *rqd;  /* the queue it is assigned to */
    struct csched2_runqueue *migrate_rqd; /* balance_load moves it there when it stops */
    int64_t credit;                /* ns at the burn rate of the queue's heaviest vCPU */
    int weight;
    int64_t residual;              /* of the division by the weight */
    int processor;                 /* the pCPU it runs on, last ran on, or was placed on */
    int tickled_cpu;               /* the pCPU tickled to take it, -1 */
    sim_time_t start_time;         /* credit burnt up to here, while it runs */
    sim_time_t run_start;          /* when it started running: the ratelimit's clock */
    bool running, on_runq, inflight;
    uint64_t stamp;                /* its place in the queue, while on it */
    bool counted;                  /* in its queue's load (queued or running) */
    int64_t avgload;               /* its decaying runnable fraction, Q18 */
    int64_t load_last_update;
    struct csched2_list rqd_elem;  /* in rqd->svc */
    struct csched2_list all_elem;  /* in csched2_private.units */
};

struct csched2_private {
    struct csched2_runqueue *rqds; /* [nrqd] */
    int nrqd;
    struct csched2_pcpu *pcpu;     /* [ncpus] */
    struct csched2_list units;     /* every vCPU attached, for fini */
};

static inline struct csched2_private *csched2_priv(const struct sched *s) { return s->priv; }
static inline const struct csched2_conf *csched2_conf(const struct sched *s) { return s->conf; }
static inline struct csched2_unit *csched2_unit(const struct vcpu *v)
{
    return v->sched_slot[0].p;
}

static int csched2_weight(const struct guest *g)
{
    double w = CSCHED2_DEFAULT_WEIGHT * g->weight;
    return w < 1 ? 1 : w > 65535 ? 65535 : (int)llround(w);
}

/* Is pCPU k asked to reschedule at this instant? */
static bool csched2_tickled(const struct sched *s, int k)
{
    const struct csched2_pcpu *pc = &csched2_priv(s)->pcpu[k];
    return pc->tickled && pc->tickled_at == sched_now(s);
}

/* tickle_cpu: k picks again at the end of the instant (an idle k too: a
 * vCPU can enter a queue from within a dispatch, by balance_load). */
static void csched2_tickle_cpu(struct sched *s, int k)
{
    struct csched2_pcpu *pc = &csched2_priv(s)->pcpu[k];
    pc->tickled = true;
    pc->tickled_at = sched_now(s);
    sched_resched(s, &s->host->cores[k]);
}

/* ---- load tracking (update_runq_load, update_svc_load) ---- */

static int64_t csched2_load_now(sim_time_t now) { return now >> LOADAVG_GRANULARITY_SHIFT; }

static void csched2_ewma(int64_t *avg, int64_t *last, int64_t load, int64_t now)
{
    const int W = LOADAVG_WINDOW_SHIFT, P = LOADAVG_PRECISION_SHIFT;
    if (*last + (INT64_C(1) << W) < now) {
        *avg = load << P;
    } else {
        int64_t delta = now - *last;
        if (delta < 0)
            delta = 0;
        *avg = *avg + ((delta * (load << P)) >> W) - ((delta * *avg) >> W);
    }
}

static void csched2_runq_load(struct csched2_runqueue *rqd, int change, sim_time_t t)
{
    int64_t now = csched2_load_now(t);
    const int W = LOADAVG_WINDOW_SHIFT, P = LOADAVG_PRECISION_SHIFT;
    int64_t load = rqd->load;
    if (rqd->load_last_update + (INT64_C(1) << W) < now) {
        rqd->avgload = rqd->b_avgload = load << P;
    } else {
        int64_t delta = now - rqd->load_last_update;
        if (delta < 0)
            delta = 0;
        rqd->avgload += ((delta * (load << P)) >> W) - ((delta * rqd->avgload) >> W);
        rqd->b_avgload += ((delta * (load << P)) >> W) - ((delta * rqd->b_avgload) >> W);
    }
    rqd->load += change;
    rqd->load_last_update = now;
}

static void csched2_svc_load(struct csched2_unit *svc, int change, sim_time_t t)
{
    int64_t unit_load = change == -1 ? 1 : change == 1 ? 0 : svc->counted;
    csched2_ewma(&svc->avgload, &svc->load_last_update, unit_load, csched2_load_now(t));
    svc->load_last_update = csched2_load_now(t);
}

/* svc becomes runnable in its queue (+1) or stops being (-1). */
static void csched2_count(struct csched2_unit *svc, bool runnable, sim_time_t now)
{
    if (svc->counted == runnable)
        return;
    int change = runnable ? 1 : -1;
    csched2_runq_load(svc->rqd, change, now);
    csched2_svc_load(svc, change, now);
    svc->counted = runnable;
}

/* ---- credit ---- */

/* t2c_update: ns of running, at weight w in a queue whose heaviest vCPU
 * has max_weight, cost max_weight/w ns of credit each; never below
 * CSCHED2_CREDIT_MIN. */
static void csched2_burn(struct csched2_unit *svc, sim_time_t now)
{
    sim_time_t delta = now - svc->start_time;
    if (delta <= 0)
        return;
    int64_t val = delta * svc->rqd->max_weight + svc->residual;
    svc->residual = val % svc->weight;
    svc->credit -= val / svc->weight;
    if (svc->credit < CSCHED2_CREDIT_MIN)
        svc->credit = CSCHED2_CREDIT_MIN;
    svc->start_time = now;
}

/* The credit svc (running) would have after burning up to now, without
 * burning it (for a choice that must not change anything). */
static int64_t csched2_credit_now(const struct csched2_unit *svc, sim_time_t now)
{
    sim_time_t delta = now - svc->start_time;
    if (!svc->running || delta <= 0)
        return svc->credit;
    int64_t c = svc->credit - (delta * svc->rqd->max_weight + svc->residual) / svc->weight;
    return c < CSCHED2_CREDIT_MIN ? CSCHED2_CREDIT_MIN : c;
}

/* c2t: credit to time at svc's burn rate. */
static sim_time_t csched2_c2t(const struct csched2_runqueue *rqd, int64_t credit,
                              const struct csched2_unit *svc)
{
    return credit * svc->weight / rqd->max_weight;
}

/* reset_credit: a new epoch for every vCPU of rqd. */
static void csched2_reset_credit(struct sched *s, struct csched2_runqueue *rqd,
                                 const struct csched2_unit *snext)
{
    sim_time_t now = sched_now(s);
    int64_t reset = CSCHED2_CREDIT_INIT;
    if (snext->credit == CSCHED2_CREDIT_MIN)
        reset += CSCHED2_CREDIT_INIT;   /* keep moving everyone up until it is in the black */
    for (struct csched2_list *it = rqd->svc.next; it != &rqd->svc; it = it->next) {
        struct csched2_unit *svc = csched2_entry(it, struct csched2_unit, rqd_elem);
        if (svc->running)
            csched2_burn(svc, now);
        svc->credit += reset;
        if (svc->credit > CSCHED2_CREDIT_INIT + CSCHED2_CARRYOVER_MAX)
            svc->credit = CSCHED2_CREDIT_INIT + CSCHED2_CARRYOVER_MAX;
        svc->start_time = now;
    }
    /* The same order, the new credits; equal credits (clipped) keep it. */
    for (size_t i = 0; i < rqd->nqueued; i++) {
        struct csched2_queued *q = &rqd->runq[i];
        q->credit = q->svc->credit;
        q->stamp = q->svc->stamp = rqd->next_stamp++;
    }
}

/* ---- run queues ---- */

/* The first place in rqd's queue whose credit is below credit (or, with
 * stamp, whose key (credit desc, stamp asc) is not before it). */
static size_t csched2_runq_bisect(const struct csched2_runqueue *rqd, int64_t credit,
                                  uint64_t stamp)
{
    size_t lo = 0, hi = rqd->nqueued;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct csched2_queued *q = &rqd->runq[mid];
        if (q->credit > credit || (q->credit == credit && q->stamp < stamp))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static inline struct csched2_unit *csched2_runq_head(const struct csched2_runqueue *rqd)
{
    return rqd->nqueued ? rqd->runq[0].svc : NULL;
}

/* runq_insert: behind every vCPU with as much credit. */
static void csched2_runq_insert(struct csched2_unit *svc)
{
    struct csched2_runqueue *rqd = svc->rqd;
    size_t at = csched2_runq_bisect(rqd, svc->credit, UINT64_MAX);
    if (rqd->nqueued == rqd->qcap)
        rqd->runq = xgrow(rqd->runq, &rqd->qcap, rqd->nqueued + 1, sizeof *rqd->runq);
    memmove(&rqd->runq[at + 1], &rqd->runq[at], (rqd->nqueued - at) * sizeof *rqd->runq);
    svc->stamp = rqd->next_stamp++;
    rqd->runq[at] = (struct csched2_queued){svc->credit, svc->stamp, svc};
    rqd->nqueued++;
    svc->on_runq = true;
    svc->vcpu->rq_cpu = svc->processor;
}

static void csched2_runq_remove(struct csched2_unit *svc)
{
    struct csched2_runqueue *rqd = svc->rqd;
    size_t at = csched2_runq_bisect(rqd, svc->credit, svc->stamp);
    assert(at < rqd->nqueued && rqd->runq[at].svc == svc);
    memmove(&rqd->runq[at], &rqd->runq[at + 1], (rqd->nqueued - at - 1) * sizeof *rqd->runq);
    rqd->nqueued--;
    svc->on_runq = false;
}

/* update_max_weight, for a vCPU of weight new_weight joining (0 = none)
 * or old_weight leaving (0 = none). */
static void csched2_update_max_weight(struct csched2_runqueue *rqd, int new_weight,
                                      int old_weight)
{
    if (new_weight > rqd->max_weight) {
        rqd->max_weight = new_weight;
    } else if (old_weight == rqd->max_weight) {
        int max_weight = 1;
        for (struct csched2_list *it = rqd->svc.next; it != &rqd->svc; it = it->next) {
            const struct csched2_unit *svc = csched2_entry(it, struct csched2_unit, rqd_elem);
            if (svc->weight > max_weight)
                max_weight = svc->weight;
        }
        rqd->max_weight = max_weight;
    }
}

static void csched2_runq_assign(struct csched2_unit *svc, struct csched2_runqueue *rqd)
{
    svc->rqd = rqd;
    csched2_list_add_before(&svc->rqd_elem, &rqd->svc);
    csched2_update_max_weight(rqd, svc->weight, 0);
    rqd->b_avgload += svc->avgload;   /* expected load with it */
}

static void csched2_runq_deassign(struct csched2_unit *svc)
{
    struct csched2_runqueue *rqd = svc->rqd;
    csched2_list_del(&svc->rqd_elem);
    csched2_update_max_weight(rqd, 0, svc->weight);
    rqd->b_avgload -= svc->avgload;
    if (rqd->b_avgload < 0)
        rqd->b_avgload = 0;
    svc->rqd = NULL;
}

/* The first pCPU of rqd that v may run on after `from` in cyclic order,
 * `from` itself last (cpumask_cycle), -1 if none. */
static int csched2_cycle(const struct sched *s, const struct csched2_runqueue *rqd,
                         const struct vcpu *v, int from)
{
    const struct host *h = s->host;
    for (int d = 1; d <= h->ncores; d++) {
        int k = (from + d) % h->ncores;
        if (csched2_priv(s)->pcpu[k].rqd == rqd && sched_may_run(v, &h->cores[k]))
            return k;
    }
    return -1;
}

static bool csched2_rqd_allows(const struct sched *s, const struct csched2_runqueue *rqd,
                               const struct vcpu *v)
{
    for (int i = 0; i < rqd->ncpus; i++)
        if (sched_may_run(v, &s->host->cores[rqd->cpus[i]]))
            return true;
    return false;
}

/* Move svc (neither queued nor running) to trqd, on a pCPU of it picked
 * round robin (migrate(), not-running case). */
static void csched2_move(struct sched *s, struct csched2_unit *svc, struct csched2_runqueue *trqd)
{
    csched2_runq_deassign(svc);
    int cpu = csched2_cycle(s, trqd, svc->vcpu, trqd->pick_bias);
    svc->processor = cpu >= 0 ? cpu : trqd->cpus[0];
    trqd->pick_bias = svc->processor;
    csched2_runq_assign(svc, trqd);
    svc->migrate_rqd = NULL;
}

/* ---- choosing ---- */

/* is_preemptable: has svc (running) run its ratelimit, less a tolerance? */
static bool csched2_preemptable(const struct sched *s, const struct csched2_unit *svc)
{
    sim_time_t rl = csched2_conf(s)->ratelimit;
    if (rl <= CSCHED2_RATELIMIT_TICKLE_TOLERANCE)
        return true;
    return sched_now(s) - svc->run_start > rl - CSCHED2_RATELIMIT_TICKLE_TOLERANCE;
}

/* tickle_score: how much new deserves pCPU k (running cur); < 0 if not. */
static int64_t csched2_tickle_score(struct sched *s, const struct csched2_unit *new, int k)
{
    struct csched2_unit *cur = csched2_unit(s->host->cores[k].running);
    if (!csched2_preemptable(s, cur))
        return -1;
    csched2_burn(cur, sched_now(s));
    int64_t score = new->credit - cur->credit;
    if (new->processor != k)
        score -= csched2_conf(s)->migrate_resist;
    if (score > 0)
        score += CSCHED2_CREDIT_INIT;   /* k is in new's (every-pCPU) soft affinity */
    return score;
}

/* runq_tickle for new, just queued: an idle, untickled pCPU of its queue
 * (its own first), else the busy one with the best positive score. */
static void csched2_runq_tickle(struct sched *s, struct csched2_unit *new)
{
    struct csched2_private *prv = csched2_priv(s);
    const struct host *h = s->host;
    struct csched2_runqueue *rqd = new->rqd;
    int cpu = new->processor;
    for (int d = 0; d < h->ncores; d++) {
        int k = (cpu + d) % h->ncores;
        if (prv->pcpu[k].rqd == rqd && !h->cores[k].running && !csched2_tickled(s, k) &&
            sched_may_run(new->vcpu, &h->cores[k])) {
            csched2_tickle_cpu(s, k);
            new->tickled_cpu = k;
            return;
        }
    }
    int ipid = -1;
    int64_t max = 0;
    for (int pass = 0; pass < 2; pass++) {
        /* its own pCPU first, then the others in order */
        for (int i = 0; i < rqd->ncpus; i++) {
            int k = rqd->cpus[i];
            if ((pass == 0) != (k == cpu) || !h->cores[k].running || csched2_tickled(s, k) ||
                !sched_may_run(new->vcpu, &h->cores[k]))
                continue;
            int64_t score = csched2_tickle_score(s, new, k);
            if (score > max) {
                max = score;
                ipid = k;
            }
        }
    }
    if (ipid < 0)
        return;
    csched2_tickle_cpu(s, ipid);
    new->tickled_cpu = ipid;
}

/* runq_candidate for pCPU c whose current vCPU is scurr (NULL: idle):
 * scurr itself, a queued vCPU, or NULL for idle.  Pure. */
static struct csched2_unit *csched2_candidate(const struct sched *s, const struct pcpu *c,
                                              struct csched2_unit *scurr)
{
    const struct csched2_conf *conf = csched2_conf(s);
    const struct csched2_runqueue *rqd = csched2_priv(s)->pcpu[c->index].rqd;
    sim_time_t now = sched_now(s);
    int64_t snext_credit = CSCHED2_IDLE_CREDIT;
    struct csched2_unit *snext = NULL;
    /* A vCPU balance_load moves is, as in Xen, no longer runnable here:
     * neither its ratelimit nor its credit keeps it. */
    if (scurr && !scurr->migrate_rqd) {
        if (conf->ratelimit > 0 && now - scurr->run_start < conf->ratelimit)
            return scurr;
        snext = scurr;
        snext_credit = csched2_credit_now(scurr, now);
    }
    for (size_t i = 0; i < rqd->nqueued; i++) {
        struct csched2_unit *svc = rqd->runq[i].svc;
        if (svc->credit <= snext_credit)
            break;
        if (!sched_may_run(svc->vcpu, c))
            continue;
        if (svc->tickled_cpu >= 0 && svc->tickled_cpu != c->index &&
            csched2_tickled(s, svc->tickled_cpu))
            continue;   /* left for the pCPU tickled to take it */
        if (svc->processor != c->index && snext_credit + conf->migrate_resist > svc->credit)
            continue;   /* not worth a migration */
        return svc;
    }
    /* Nothing better.  A scurr that balance_load moves runs on all the
     * same: the engine cannot leave c idle under it. */
    return snext ? snext : scurr;
}

/* csched2_runtime: how long snext, chosen for c, runs before c decides
 * again. */
static sim_time_t csched2_runtime(const struct sched *s, const struct csched2_runqueue *rqd,
                                  const struct csched2_unit *snext, bool continuing,
                                  int64_t inflight_credit)
{
    const struct csched2_conf *conf = csched2_conf(s);
    sim_time_t now = sched_now(s), min_time = CSCHED2_MIN_TIMER;
    if (conf->ratelimit > 0) {
        sim_time_t rl_min = continuing ? snext->run_start + conf->ratelimit - now
                                       : conf->ratelimit;
        if (rl_min > min_time)
            min_time = rl_min;
    }
    int64_t rt_credit = snext->credit, swait_credit = 0;
    if (rqd->nqueued) {
        const struct csched2_unit *swait = csched2_runq_head(rqd);
        if (swait->credit > 0)
            swait_credit = swait->credit;
    }
    if (swait_credit < inflight_credit)
        swait_credit = inflight_credit;
    if (swait_credit > 0)
        rt_credit = snext->credit - swait_credit;   /* run until its credit ~= theirs */
    sim_time_t time = rt_credit > 0 ? csched2_c2t(rqd, rt_credit, snext) : 0;
    if (time < min_time)
        time = min_time;
    else if (time > CSCHED2_MAX_TIMER)
        time = CSCHED2_MAX_TIMER;
    return time;
}

/* ---- balancing (balance_load, consider, migrate) ---- */

struct csched2_balance {
    int64_t load_delta;
    struct csched2_unit *push, *pull;
    struct csched2_runqueue *lrqd, *orqd;
};

static void csched2_consider(struct csched2_balance *st, struct csched2_unit *push,
                             struct csched2_unit *pull)
{
    int64_t l_load = st->lrqd->b_avgload, o_load = st->orqd->b_avgload;
    if (push) {
        l_load -= push->avgload;
        o_load += push->avgload;
    }
    if (pull) {
        l_load += pull->avgload;
        o_load -= pull->avgload;
    }
    int64_t delta = l_load > o_load ? l_load - o_load : o_load - l_load;
    if (delta < st->load_delta) {
        st->load_delta = delta;
        st->push = push;
        st->pull = pull;
    }
}

static bool csched2_migrateable(const struct sched *s, const struct csched2_unit *svc,
                                const struct csched2_runqueue *rqd)
{
    return !svc->migrate_rqd && csched2_rqd_allows(s, rqd, svc->vcpu);
}

/* migrate(): a running (or in-flight) vCPU is moved when it stops; a
 * queued one at once, and tickles; a blocked one is reassigned. */
static void csched2_migrate(struct sched *s, struct csched2_unit *svc,
                            struct csched2_runqueue *trqd)
{
    sim_time_t now = sched_now(s);
    if (svc->running || svc->inflight) {
        svc->migrate_rqd = trqd;
        if (svc->running)
            csched2_tickle_cpu(s, svc->processor);
        return;
    }
    bool on_runq = svc->on_runq, counted = svc->counted;
    if (on_runq)
        csched2_runq_remove(svc);
    if (counted)
        csched2_runq_load(svc->rqd, -1, now);
    csched2_move(s, svc, trqd);
    if (counted)
        csched2_runq_load(trqd, +1, now);
    if (on_runq) {
        csched2_runq_insert(svc);
        csched2_runq_tickle(s, svc);
    }
}

static void csched2_balance_load(struct sched *s, const struct pcpu *c)
{
    struct csched2_private *prv = csched2_priv(s);
    sim_time_t now = sched_now(s);
    struct csched2_balance st = {.lrqd = prv->pcpu[c->index].rqd};
    csched2_runq_load(st.lrqd, 0, now);
    struct csched2_runqueue *max_delta_rqd = NULL;
    for (int i = 0; i < prv->nrqd; i++) {
        struct csched2_runqueue *rqd = &prv->rqds[i];
        st.orqd = rqd;   /* Xen leaves the last one here for load_max below */
        if (rqd == st.lrqd)
            continue;
        csched2_runq_load(rqd, 0, now);
        int64_t delta = st.lrqd->b_avgload - rqd->b_avgload;
        if (delta < 0)
            delta = -delta;
        if (delta > st.load_delta) {
            st.load_delta = delta;
            max_delta_rqd = rqd;
        }
    }
    if (!max_delta_rqd)
        return;
    int64_t load_max = st.lrqd->b_avgload;
    if (st.orqd->b_avgload > load_max)
        load_max = st.orqd->b_avgload;
    int cpus_max = st.lrqd->ncpus > st.orqd->ncpus ? st.lrqd->ncpus : st.orqd->ncpus;
    const int P = LOADAVG_PRECISION_SHIFT;
    /* Under 100% load shift only for a difference above 1, else above 1/8. */
    if (load_max < ((int64_t)cpus_max << P)) {
        if (st.load_delta < (INT64_C(1) << (P + BALANCE_UNDER_TOLERANCE)))
            return;
    } else if (st.load_delta < (INT64_C(1) << (P + BALANCE_OVER_TOLERANCE))) {
        return;
    }
    st.orqd = max_delta_rqd;
    bool inner_load_updated = false;
    for (struct csched2_list *pi = st.lrqd->svc.next; pi != &st.lrqd->svc; pi = pi->next) {
        struct csched2_unit *push = csched2_entry(pi, struct csched2_unit, rqd_elem);
        csched2_svc_load(push, 0, now);
        if (!csched2_migrateable(s, push, st.orqd))
            continue;
        for (struct csched2_list *qi = st.orqd->svc.next; qi != &st.orqd->svc; qi = qi->next) {
            struct csched2_unit *pull = csched2_entry(qi, struct csched2_unit, rqd_elem);
            if (!inner_load_updated)
                csched2_svc_load(pull, 0, now);
            if (!csched2_migrateable(s, pull, st.lrqd))
                continue;
            csched2_consider(&st, push, pull);
        }
        inner_load_updated = true;
        csched2_consider(&st, push, NULL);
    }
    for (struct csched2_list *qi = st.orqd->svc.next; qi != &st.orqd->svc; qi = qi->next) {
        struct csched2_unit *pull = csched2_entry(qi, struct csched2_unit, rqd_elem);
        if (csched2_migrateable(s, pull, st.lrqd))
            csched2_consider(&st, NULL, pull);
    }
    struct csched2_runqueue *lrqd = st.lrqd, *orqd = st.orqd;
    if (st.push)
        csched2_migrate(s, st.push, orqd);
    if (st.pull)
        csched2_migrate(s, st.pull, lrqd);
}

/* ---- operations ---- */

/* cpu_add_to_runqueue for every pCPU in order: the least full matching
 * queue with room, else a new one; room is ncores / (the fewest queues of
 * at most max_cpus_runqueue pCPUs). */
static int csched2_init(struct sched *s, struct sim_error *err)
{
    (void)err;
    const struct csched2_conf *conf = csched2_conf(s);
    const struct host *h = s->host;
    struct csched2_private *prv = xcalloc(1, sizeof *prv);
    prv->pcpu = xcalloc((size_t)h->ncores, sizeof *prv->pcpu);
    prv->rqds = xcalloc((size_t)h->ncores, sizeof *prv->rqds);
    csched2_list_init(&prv->units);
    long min_rqs = (h->ncores - 1) / conf->max_cpus_runqueue + 1;
    long max_cpus_runq = h->ncores / min_rqs;
    for (int k = 0; k < h->ncores; k++) {
        struct csched2_runqueue *valid = NULL;
        for (int i = 0; i < prv->nrqd; i++) {
            struct csched2_runqueue *rqd = &prv->rqds[i];
            int peer = rqd->cpus[0];
            bool match = conf->runqueue == RUNQ_ALL ||
                         ((conf->runqueue == RUNQ_SOCKET || conf->runqueue == RUNQ_NODE) &&
                          h->cores[peer].socket == h->cores[k].socket);
            if (match && rqd->ncpus < max_cpus_runq && (!valid || rqd->ncpus < valid->ncpus))
                valid = rqd;
        }
        if (!valid) {
            valid = &prv->rqds[prv->nrqd];
            valid->id = prv->nrqd++;
            valid->cpus = xcalloc((size_t)h->ncores, sizeof *valid->cpus);
            csched2_list_init(&valid->svc);
            valid->max_weight = 1;
            valid->pick_bias = k;
        }
        valid->cpus[valid->ncpus++] = k;
        prv->pcpu[k].rqd = valid;
        prv->pcpu[k].tickled_at = -1;
    }
    s->priv = prv;
    return SIM_OK;
}

static void csched2_fini(struct sched *s)
{
    struct csched2_private *prv = csched2_priv(s);
    while (!csched2_list_empty(&prv->units)) {
        struct csched2_list *n = prv->units.next;
        csched2_list_del(n);
        free(csched2_entry(n, struct csched2_unit, all_elem));
    }
    for (int i = 0; i < prv->nrqd; i++) {
        free(prv->rqds[i].cpus);
        free(prv->rqds[i].runq);
    }
    free(prv->rqds);
    free(prv->pcpu);
    free(prv);
}

/* csched2_alloc_udata and csched2_unit_insert: placed on the queue with
 * the least load among those it may run on (csched2_res_pick). */
static void csched2_attach(struct sched *s, struct vcpu *v)
{
    struct csched2_private *prv = csched2_priv(s);
    sim_time_t now = sched_now(s);
    struct csched2_unit *svc = xcalloc(1, sizeof *svc);
    svc->vcpu = v;
    svc->credit = CSCHED2_CREDIT_INIT;
    svc->weight = csched2_weight(v->guest);
    svc->avgload = INT64_C(1) << (LOADAVG_PRECISION_SHIFT - 1);   /* starting load of 50% */
    svc->load_last_update = csched2_load_now(now);
    svc->tickled_cpu = -1;
    csched2_list_init(&svc->rqd_elem);
    csched2_list_add_before(&svc->all_elem, &prv->units);
    v->sched_slot[0].p = svc;
    struct csched2_runqueue *min_rqd = NULL;
    for (int i = 0; i < prv->nrqd; i++) {
        struct csched2_runqueue *rqd = &prv->rqds[i];
        if (!csched2_rqd_allows(s, rqd, v))
            continue;
        if (!min_rqd || rqd->b_avgload < min_rqd->b_avgload)
            min_rqd = rqd;
    }
    if (!min_rqd)
        min_rqd = &prv->rqds[0];   /* pinned outside the host: it never runs */
    int cpu = csched2_cycle(s, min_rqd, v, min_rqd->pick_bias);
    svc->processor = cpu >= 0 ? cpu : min_rqd->cpus[0];
    min_rqd->pick_bias = svc->processor;
    csched2_runq_assign(svc, min_rqd);
}

static void csched2_detach(struct sched *s, struct vcpu *v)
{
    struct csched2_unit *svc = csched2_unit(v);
    struct csched2_private *prv = csched2_priv(s);
    if (svc->inflight)
        prv->pcpu[svc->processor].inflight = NULL;
    if (svc->on_runq)
        csched2_runq_remove(svc);
    csched2_count(svc, false, sched_now(s));
    csched2_runq_deassign(svc);
    csched2_list_del(&svc->all_elem);
    free(svc);
    v->sched_slot[0].p = NULL;
}

/* csched2_unit_wake (ARRIVAL, WAKE, UNTHROTTLE): into the queue, and
 * tickle.  PREEMPTED: in flight until the next vCPU of its pCPU is chosen
 * (csched2_timeslice puts it back), unless balance_load moved it. */
static void csched2_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    struct csched2_unit *svc = csched2_unit(v);
    sim_time_t now = sched_now(s);
    if (svc->migrate_rqd)
        csched2_move(s, svc, svc->migrate_rqd);
    csched2_count(svc, true, now);
    if (why == SCHED_ENQ_PREEMPTED && v->last_core == svc->processor) {
        struct csched2_pcpu *pc = &csched2_priv(s)->pcpu[svc->processor];
        pc->inflight = svc;
        svc->inflight = true;
        v->rq_cpu = svc->processor;
        return;
    }
    csched2_runq_insert(svc);
    csched2_runq_tickle(s, svc);
}

/* csched2_schedule's choice for c: with c->running set, at the end of its
 * slice or when tickled; idle otherwise, or in the middle of a preemption
 * (the vCPU just taken off is in flight: the choice is made against it,
 * as in Xen). */
static struct vcpu *csched2_pick(struct sched *s, struct pcpu *c)
{
    struct csched2_pcpu *pc = &csched2_priv(s)->pcpu[c->index];
    struct csched2_unit *scurr = c->running ? csched2_unit(c->running) : pc->inflight;
    struct csched2_unit *snext = csched2_candidate(s, c, scurr);
    if (!snext || (c->running && snext == scurr))
        return NULL;
    return snext->vcpu;
}

static void csched2_dequeue(struct sched *s, struct vcpu *v)
{
    struct csched2_unit *svc = csched2_unit(v);
    if (svc->inflight) {
        csched2_priv(s)->pcpu[svc->processor].inflight = NULL;
        svc->inflight = false;
    } else {
        csched2_runq_remove(svc);
    }
    csched2_count(svc, false, sched_now(s));
    v->rq_cpu = -1;
}

/* v starts on c, or goes on there (its slice ended and nothing better
 * waits): the rest of csched2_schedule - the epoch's end, the migration
 * compensation, the runtime - then csched2_context_saved for the vCPU c
 * was running before, which goes back into its queue and tickles. */
static sim_time_t csched2_timeslice(struct sched *s, const struct vcpu *v, const struct pcpu *c)
{
    struct csched2_private *prv = csched2_priv(s);
    struct csched2_unit *svc = csched2_unit(v);
    struct csched2_pcpu *pc = &prv->pcpu[c->index];
    struct csched2_runqueue *rqd = pc->rqd;
    sim_time_t now = sched_now(s);
    bool continuing = svc->running;
    if (svc->rqd != rqd) {
        /* balance_load moved it while it was blocked, and the engine
         * resumed it where it polled: it joins this pCPU's queue */
        csched2_count(svc, false, now);
        csched2_move(s, svc, rqd);
    }
    if (continuing) {
        csched2_burn(svc, now);
        csched2_svc_load(svc, 0, now);
        csched2_runq_load(rqd, 0, now);
    } else {
        svc->running = true;
        svc->run_start = now;
        csched2_count(svc, true, now);
    }
    pc->tickled = false;
    struct csched2_unit *old = pc->inflight;
    int64_t top = svc->credit;
    if (rqd->nqueued && csched2_runq_head(rqd)->credit > top)
        top = csched2_runq_head(rqd)->credit;
    if (top <= CSCHED2_CREDIT_RESET) {
        csched2_reset_credit(s, rqd, svc);
        csched2_balance_load(s, c);
    }
    int64_t inflight_credit = old ? old->credit : 0;
    svc->start_time = now;
    svc->tickled_cpu = -1;
    if (svc->processor != c->index) {
        svc->credit += CSCHED2_MIGRATE_COMPENSATION;
        svc->processor = c->index;
    }
    sim_time_t runtime = csched2_runtime(s, rqd, svc, continuing, inflight_credit);
    if (old) {
        pc->inflight = NULL;
        old->inflight = false;
        if (old->migrate_rqd) {
            csched2_count(old, false, now);
            csched2_move(s, old, old->migrate_rqd);
            csched2_count(old, true, now);
        }
        csched2_runq_insert(old);
        csched2_runq_tickle(s, old);
    }
    return runtime;
}

/* v left c: burn its credit; it no longer counts in its queue's load
 * until it is queued again.  A move balance_load asked for while it ran
 * happens now. */
static void csched2_stop(struct sched *s, struct vcpu *v, struct pcpu *c, sim_time_t ran)
{
    (void)c, (void)ran;
    struct csched2_unit *svc = csched2_unit(v);
    sim_time_t now = sched_now(s);
    csched2_burn(svc, now);
    svc->running = false;
    csched2_count(svc, false, now);
    if (svc->migrate_rqd)
        csched2_move(s, svc, svc->migrate_rqd);
}

const struct sched_ops sched_ops_credit2 = {
    .info = {
        .name = "credit2",
        .desc = "Xen's credit2 scheduler: credit burnt in proportion to 1/weight (256 x the "
                "trace's weight), reset when the next vCPU has none; run queues per socket "
                "(--runqueue); --ratelimit, migration resistance, a 0.5..10 ms timer; caps per "
                "--cap-period (give 10ms, Xen's credit2_cap_period_ms)",
        .params = csched2_params,
        .conf_size = sizeof(struct csched2_conf),
    },
    .flags = SCHED_PERCPU,
    .init = csched2_init,
    .fini = csched2_fini,
    .enqueue = csched2_enqueue,
    .pick = csched2_pick,
    .dequeue = csched2_dequeue,
    .timeslice = csched2_timeslice,
    .attach = csched2_attach,
    .detach = csched2_detach,
    .stop = csched2_stop,
};
