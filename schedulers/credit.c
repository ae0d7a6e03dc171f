/*
 * schedulers/credit.c - Xen's credit scheduler (credit1), the default of
 * Xen up to 4.11, after xen/common/sched/credit.c of xen-project/xen at
 * commit c447b7308b13 (4.23-dev; the algorithm is the one of 4.x).
 *
 * Design (Xen's, function by function):
 *
 * Credits.  Every vCPU holds a credit balance.  A running vCPU is debited
 * for exactly the time it runs (burn_credits, called when it leaves its
 * pCPU and on every tick), and every accounting period of --tslice (30 ms,
 * sched_credit_tslice_ms) the credits of the period, tslice per pCPU of
 * the host, are shared among the active domains in proportion to their
 * weight times their active vCPUs (csched_acct).  Xen counts 10 credits
 * per ms; hvsim counts them in ns of CPU, the same quantities to a finer
 * grain, with Xen's formulas and roundings (round up) unchanged.
 *
 * Active vCPUs.  Only vCPUs on their domain's active list earn credit.  A
 * vCPU joins it when a 10 ms tick (tslice/3, csched_tick) finds it
 * running (csched_unit_acct), and leaves it when an accounting finds it
 * holding more than one period's credit, keeping half of it.  So a vCPU
 * that runs briefly between ticks (an I/O VM) is rarely accounted at all.
 *
 * Priorities.  BOOST > UNDER > OVER.  An accounting makes every active
 * vCPU UNDER (credit >= 0) or OVER (credit < 0), and clamps a debt at one
 * period's credit.  A vCPU that wakes while UNDER is boosted
 * (csched_unit_wake) unless --boost no; a tick that finds it running
 * takes the boost away.
 *
 * Run queues.  One per pCPU, ordered by priority, FIFO within one
 * (__runq_insert), re-sorted after each accounting (csched_runq_sort).  A
 * vCPU wakes on the queue of the pCPU it last ran on; an arriving one on
 * an idle pCPU, or the least loaded (a simplification of
 * _csched_cpu_pick).  A wake-up "tickles" (__runq_tickle): an idle pCPU
 * that may run it takes it (the engine offers every idle pCPU a pick, and
 * it steals); with none, the vCPU preempts the running one if its
 * priority is higher.
 *
 * Scheduling (csched_schedule).  At the end of a slice (--tslice) or when
 * tickled, the running vCPU is put back in its queue behind those of its
 * priority and the head runs.  A vCPU that has run less than --ratelimit
 * (1 ms, sched_ratelimit_us) is not preempted: the decision is deferred to
 * the end of the ratelimit.  When the best local choice is OVER (or
 * nothing), the pCPU steals from the queue of a busy peer the first vCPU
 * of strictly higher priority it may run (csched_load_balance,
 * csched_runq_steal): its own socket first, peers taken round robin from
 * the last one robbed.
 *
 * Weights and caps.  A domain's weight is 256 x the trace's `weight`
 * (default 1 -> 256, CSCHED_DEFAULT_WEIGHT), within Xen's 1..65535.  Its
 * cap in % of a pCPU is 100 x its cap in cores (the trace's `cap` column,
 * or its allocator's grant if smaller): as in csched_acct, a capped
 * domain earns at most cap% of a period's credit.  Xen also parks a
 * vCPU whose debt passes the cap at an accounting; the engine gives a
 * policy no way to take a running vCPU off a pCPU with nothing else to
 * run, so the hard limit is the engine's (sim/caps.c, per --cap-period:
 * give 30ms for Xen's accounting period) and this policy does not set
 * SCHED_OWN_CAPS.
 *
 * Left out: yield, soft affinity, SMT and NUMA placement
 * (_csched_cpu_pick's idler counting and the tick's migration of a
 * running vCPU towards idler cores: an idle pCPU here steals at once),
 * vcpu_migration_delay (0 by default) and load-balance-ratelimit (1 ms,
 * which can leave a pCPU idle for up to 1 ms in Xen).  docs/MODEL.md,
 * "credit".
 *
 * Cost: O(queue length) per insertion and steal, O(vCPUs) per accounting.
 */
#include <math.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "schedulers/sched.h"

#define CSCHED_DEFAULT_WEIGHT   256
#define CSCHED_TICKS_PER_TSLICE 3
#define CSCHED_ACCT_CATCHUP_MAX 10000  /* accounting periods made up at most after an idle spell */

enum csched_pri {
    CSCHED_PRI_TS_BOOST = 0,    /* woke with credit */
    CSCHED_PRI_TS_UNDER = -1,   /* has credit */
    CSCHED_PRI_TS_OVER = -2,    /* in debt */
    CSCHED_PRI_IDLE = -64,      /* nothing to run */
};

struct csched_conf {
    sim_time_t tslice;          /* sched_credit_tslice_ms */
    sim_time_t ratelimit;       /* sched_ratelimit_us, 0 = off */
    bool boost;                 /* boost vCPUs that wake with credit */
};

static const struct param_def csched_params[] = {
    {"tslice", PARAM_DURATION, offsetof(struct csched_conf, tslice), "30ms", 0.001, 1,
     .metavar = "DUR", .help = "credit: time slice and accounting period, 1 to 1000 ms (Xen's "
     "sched_credit_tslice_ms); credits are debited on ticks of tslice/3 (10 ms) and refilled "
     "every tslice"},
    {"ratelimit", PARAM_DURATION, offsetof(struct csched_conf, ratelimit), "1ms", 0, 0.5,
     .metavar = "DUR", .help = "credit: a vCPU runs at least this long before a wake-up "
     "preempts it, 0 = off, at most 500000 us (Xen's sched_ratelimit_us, 1000 us); capped "
     "at --tslice as Xen does"},
    {"boost", PARAM_BOOL, offsetof(struct csched_conf, boost), "yes", .metavar = "yes|no",
     .help = "credit: a vCPU that wakes UNDER (with credit) is BOOSTed ahead of UNDER and OVER "
     "(Xen); no: it queues at its priority (Ongaro et al., VEE 2008)"},
    {NULL},
};

/* A minimal intrusive circular list (Xen's list_head): a node alone is
 * linked to itself. */
struct csched_list {
    struct csched_list *prev, *next;
};

static inline void csched_list_init(struct csched_list *n) { n->prev = n->next = n; }
static inline bool csched_list_empty(const struct csched_list *n) { return n->next == n; }

/* Insert n just before pos (at the tail when pos is the head). */
static inline void csched_list_add_before(struct csched_list *n, struct csched_list *pos)
{
    n->next = pos;
    n->prev = pos->prev;
    pos->prev->next = n;
    pos->prev = n;
}

static inline void csched_list_del(struct csched_list *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    csched_list_init(n);
}

#define csched_entry(ptr, type, member) container_of(ptr, type, member)

/* A domain (guest): its weight and its active vCPUs. */
struct csched_dom {
    struct guest *guest;
    int weight;                    /* Xen units: 256 x the trace's weight */
    int nunits;                    /* its vCPUs attached here */
    int active_count;              /* ... of which on active_unit */
    struct csched_list active_unit; /* its vCPUs that earn credit */
    struct csched_list active_elem; /* in csched_private.active_sdom */
    struct csched_list all_elem;   /* in csched_private.doms */
};

/* A vCPU. */
struct csched_unit {
    struct vcpu *vcpu;
    struct csched_dom *sdom;
    int64_t credit;                /* ns of CPU (Xen: credits, 10 per ms) */
    int pri;                       /* enum csched_pri */
    bool active;                   /* on sdom->active_unit */
    bool running;                  /* started on a pCPU, not yet stopped */
    bool queued;                   /* in a run queue */
    int cpu;                       /* pCPU it runs on, last ran on or is queued on; -1 */
    int from_cpu;                  /* the queue it was taken from to run */
    sim_time_t start_time;         /* credit debited up to here, while it runs */
    sim_time_t run_start;          /* when it started running: the ratelimit's clock */
    struct csched_list runq_elem;  /* in its pCPU's run queue */
    struct csched_list active_elem; /* in sdom->active_unit */
    struct csched_list all_elem;   /* in csched_private.units */
};

struct csched_pcpu {
    struct csched_list runq;       /* by priority, FIFO within one */
    int nqueued;
    bool tickled;                  /* a wake-up asked it to reschedule */
    bool rl_split;                 /* its slice ends at the ratelimit, not the tslice */
    sim_time_t claimed_at;         /* idle, and promised to a vCPU at this instant */
};

struct csched_private {
    struct csched_pcpu *pcpu;      /* [ncpus] */
    int ncpus;
    int *balance_bias;             /* [nsockets]: the pCPU robbed last in each socket */
    struct csched_list active_sdom; /* domains with active vCPUs */
    int64_t weight;                /* sum of the weights of the active vCPUs */
    int64_t credit;                /* credit of a period: tslice x ncpus */
    int64_t credit_balance;        /* credit left over after the last accounting */
    int64_t acct_period;           /* index of the last accounting period run */
    sim_time_t tick_period;        /* tslice / ticks_per_tslice */
    int ticks_per_tslice;
    sim_time_t ratelimit;          /* the knob, capped at tslice */
    struct csched_list units, doms; /* everything allocated, for fini */
};

static inline struct csched_private *csched_priv(const struct sched *s) { return s->priv; }
static inline const struct csched_conf *csched_conf(const struct sched *s) { return s->conf; }
static inline struct csched_unit *csched_unit(const struct vcpu *v)
{
    return v->sched_slot[0].p;
}

/* Xen's weight of a guest: 256 x the trace's weight, within 1..65535. */
static int csched_weight(const struct guest *g)
{
    double w = CSCHED_DEFAULT_WEIGHT * g->weight;
    return w < 1 ? 1 : w > 65535 ? 65535 : (int)llround(w);
}

/* The guest's cap in cores (the trace's cap, or its grant if smaller);
 * 0 when it does not limit the guest. */
static double csched_cap_cores(const struct guest *g)
{
    double c = g->grant;
    if (g->cap > 0 && g->cap < c)
        c = g->cap;
    return c < g->nvcpus ? c : 0;
}

/* The time slice of a tick: tslice / 3, or the tslice itself below 3 ms
 * (__csched_set_tslice). */
static int csched_ticks_per_tslice(const struct csched_conf *conf)
{
    return conf->tslice < SIM_MS(CSCHED_TICKS_PER_TSLICE) ? 1 : CSCHED_TICKS_PER_TSLICE;
}

static sim_time_t csched_tick_period(const void *conf_)
{
    const struct csched_conf *conf = conf_;
    return conf->tslice / csched_ticks_per_tslice(conf);
}

/* ---- credit and the active lists ---- */

/* Debit a running vCPU for its time since start_time (burn_credits). */
static void csched_burn(struct csched_unit *svc, sim_time_t now)
{
    sim_time_t delta = now - svc->start_time;
    if (delta <= 0)
        return;
    svc->credit -= delta;
    svc->start_time = now;
}

/* __csched_unit_acct_start: svc earns credit from now on. */
static void csched_acct_start(struct csched_private *prv, struct csched_unit *svc)
{
    struct csched_dom *sdom = svc->sdom;
    if (svc->active)
        return;
    svc->active = true;
    sdom->active_count++;
    csched_list_add_before(&svc->active_elem, sdom->active_unit.next);
    prv->weight += sdom->weight;
    if (csched_list_empty(&sdom->active_elem))
        csched_list_add_before(&sdom->active_elem, prv->active_sdom.next);
}

/* __csched_unit_acct_stop_locked. */
static void csched_acct_stop(struct csched_private *prv, struct csched_unit *svc)
{
    struct csched_dom *sdom = svc->sdom;
    if (!svc->active)
        return;
    svc->active = false;
    sdom->active_count--;
    csched_list_del(&svc->active_elem);
    prv->weight -= sdom->weight;
    if (csched_list_empty(&sdom->active_unit))
        csched_list_del(&sdom->active_elem);
}

/* (a + b - 1) / b for b > 0: Xen rounds its shares up. */
static int64_t csched_div_up(__int128 a, __int128 b)
{
    return (int64_t)((a + b - 1) / b);
}

/* One accounting period (csched_acct): share the period's credit among
 * the active domains by weight, recompute priorities, clamp debts, and
 * retire the vCPUs that hold more than a period's credit. */
static void csched_acct(struct sched *s)
{
    struct csched_private *prv = csched_priv(s);
    const int64_t per_tslice = csched_conf(s)->tslice;
    int64_t weight_total = prv->weight, credit_total = prv->credit;
    if (prv->credit_balance < 0)
        credit_total -= prv->credit_balance;   /* converge the balance towards 0 */
    if (weight_total == 0) {
        prv->credit_balance = 0;
        return;
    }
    int64_t weight_left = weight_total, credit_balance = 0;
    bool credit_xtra = false;
    struct csched_list *it = prv->active_sdom.next;
    while (it != &prv->active_sdom) {
        struct csched_list *next_dom = it->next;
        struct csched_dom *sdom = csched_entry(it, struct csched_dom, active_elem);
        int64_t n = sdom->active_count, w = sdom->weight;
        weight_left -= w * n;
        /* At most a period's credit per active vCPU, more only while the
         * host's balance is negative. */
        int64_t credit_peak = n * per_tslice, credit_cap = 0;
        if (prv->credit_balance < 0)
            credit_peak += csched_div_up((__int128)-prv->credit_balance * w * n, weight_total);
        double cap = csched_cap_cores(sdom->guest);
        if (cap > 0) {
            credit_cap = llround(cap * (double)per_tslice);
            if (credit_cap < credit_peak)
                credit_peak = credit_cap;
        }
        int64_t credit_fair = csched_div_up((__int128)credit_total * w * n, weight_total);
        if (credit_fair < credit_peak) {
            credit_xtra = true;
        } else {
            if (weight_left != 0)   /* give the others a chance at what it cannot use */
                credit_total += csched_div_up((__int128)(credit_fair - credit_peak) * weight_total,
                                              weight_left);
            if (credit_xtra) {
                /* lazily keep domains with spare credit at the head */
                csched_list_del(&sdom->active_elem);
                csched_list_add_before(&sdom->active_elem, prv->active_sdom.next);
            }
            credit_fair = credit_peak;
        }
        credit_fair = csched_div_up(credit_fair, n);   /* per vCPU */
        struct csched_list *u = sdom->active_unit.next;
        while (u != &sdom->active_unit) {
            struct csched_list *next_unit = u->next;
            struct csched_unit *svc = csched_entry(u, struct csched_unit, active_elem);
            svc->credit += credit_fair;
            if (svc->credit < 0) {
                svc->pri = CSCHED_PRI_TS_OVER;
                if (svc->credit < -per_tslice)
                    svc->credit = -per_tslice;   /* lower bound on the debt */
            } else {
                svc->pri = CSCHED_PRI_TS_UNDER;
                if (svc->credit > per_tslice) {
                    /* it stops earning, and starts again a little ahead */
                    csched_acct_stop(prv, svc);
                    svc->credit /= 2;
                }
            }
            credit_balance += svc->credit;
            u = next_unit;
        }
        it = next_dom;
    }
    prv->credit_balance = credit_balance;
}

/* ---- run queues ---- */

static inline struct csched_unit *csched_runq_elem(struct csched_list *n)
{
    return csched_entry(n, struct csched_unit, runq_elem);
}

/* __runq_insert: behind every vCPU of its priority or higher. */
static void csched_runq_insert(struct csched_private *prv, int cpu, struct csched_unit *svc)
{
    struct csched_pcpu *pc = &prv->pcpu[cpu];
    struct csched_list *it = pc->runq.next;
    while (it != &pc->runq && csched_runq_elem(it)->pri >= svc->pri)
        it = it->next;
    csched_list_add_before(&svc->runq_elem, it);
    pc->nqueued++;
    svc->queued = true;
    svc->cpu = cpu;
    svc->vcpu->rq_cpu = cpu;
}

static void csched_runq_remove(struct csched_private *prv, struct csched_unit *svc)
{
    prv->pcpu[svc->cpu].nqueued--;
    csched_list_del(&svc->runq_elem);
    svc->queued = false;
}

/* csched_runq_sort: UNDER (and BOOST) ahead of OVER, each in its order. */
static void csched_runq_sort(struct csched_pcpu *pc)
{
    struct csched_list *last_under = &pc->runq, *it = pc->runq.next;
    while (it != &pc->runq) {
        struct csched_list *next = it->next;
        if (csched_runq_elem(it)->pri >= CSCHED_PRI_TS_UNDER) {
            if (it->prev != last_under) {
                csched_list_del(it);
                csched_list_add_before(it, last_under->next);
            }
            last_under = it;
        }
        it = next;
    }
}

/* The first vCPU of c's queue that may run on c: the head, unless a
 * vCPU pinned outside the host ended up there (it never runs). */
static struct csched_unit *csched_runq_head(struct csched_pcpu *pc, const struct pcpu *c)
{
    for (struct csched_list *it = pc->runq.next; it != &pc->runq; it = it->next)
        if (sched_may_run(csched_runq_elem(it)->vcpu, c))
            return csched_runq_elem(it);
    return NULL;
}

/* csched_runq_steal and csched_load_balance: the first vCPU of priority
 * above pri that c may run, queued on a busy peer; c's socket first, each
 * socket's peers round robin after the one robbed last.  Pure: the
 * robbery is recorded when the vCPU starts (csched_timeslice). */
static struct csched_unit *csched_steal(struct sched *s, const struct pcpu *c, int pri)
{
    struct csched_private *prv = csched_priv(s);
    const struct host *h = s->host;
    for (int ds = 0; ds < h->nsockets; ds++) {
        int socket = (c->socket + ds) % h->nsockets;
        int bias = prv->balance_bias[socket];
        for (int d = 1; d <= h->ncores; d++) {
            int k = (bias + d) % h->ncores;
            const struct pcpu *peer = &h->cores[k];
            if (k == c->index || peer->socket != socket || !peer->running)
                continue;   /* an idle pCPU is about to take its own work */
            struct csched_pcpu *pp = &prv->pcpu[k];
            for (struct csched_list *it = pp->runq.next; it != &pp->runq; it = it->next) {
                struct csched_unit *speer = csched_runq_elem(it);
                if (speer->pri <= pri)
                    break;   /* nothing better on this peer */
                if (sched_may_run(speer->vcpu, c))
                    return speer;
            }
        }
    }
    return NULL;
}

/* csched_schedule's choice for c, whose running vCPU is cur (NULL if
 * idle): cur goes back behind its priority, the head runs, and a head
 * that is OVER (or none) makes c look for better work on its peers.
 * Returns the unit to run (cur itself to go on, NULL to idle). */
static struct csched_unit *csched_choose(struct sched *s, const struct pcpu *c,
                                         struct csched_unit *cur)
{
    struct csched_private *prv = csched_priv(s);
    struct csched_unit *snext = csched_runq_head(&prv->pcpu[c->index], c);
    if (cur && (!snext || snext->pri < cur->pri))
        snext = cur;
    int pri = snext ? snext->pri : CSCHED_PRI_IDLE;
    if (pri <= CSCHED_PRI_TS_OVER) {
        struct csched_unit *stolen = csched_steal(s, c, pri);
        if (stolen)
            return stolen;
    }
    return snext;
}

/* A pCPU for a vCPU that has none yet: an idle one it may run on and
 * that no other vCPU was promised at this instant, else the one with the
 * fewest vCPUs (running and queued), the lowest index among equals. */
static int csched_cpu_pick(struct sched *s, const struct vcpu *v)
{
    struct csched_private *prv = csched_priv(s);
    const struct host *h = s->host;
    sim_time_t now = sched_now(s);
    int best = -1, best_load = 0;
    for (int k = 0; k < h->ncores; k++) {
        const struct pcpu *c = &h->cores[k];
        if (!sched_may_run(v, c))
            continue;
        if (!c->running && prv->pcpu[k].nqueued == 0 && prv->pcpu[k].claimed_at != now)
            return k;
        int load = prv->pcpu[k].nqueued + (c->running != NULL);
        if (best < 0 || load < best_load) {
            best = k;
            best_load = load;
        }
    }
    return best >= 0 ? best : 0;
}

/* __runq_tickle for svc, just queued on its pCPU: an idle pCPU that may
 * run it takes it (promised to it for this instant, so that the next
 * wake-up of the instant looks elsewhere); with none, a busy pCPU of
 * lower priority is asked to reschedule. */
static void csched_tickle(struct sched *s, struct csched_unit *svc)
{
    struct csched_private *prv = csched_priv(s);
    struct host *h = s->host;
    sim_time_t now = sched_now(s);
    struct pcpu *c = &h->cores[svc->cpu];
    if (!c->running) {
        prv->pcpu[c->index].claimed_at = now;
        return;
    }
    for (int k = 0; k < h->ncores; k++) {
        struct pcpu *idle = &h->cores[k];
        if (!idle->running && prv->pcpu[k].claimed_at != now && sched_may_run(svc->vcpu, idle)) {
            prv->pcpu[k].claimed_at = now;
            return;
        }
    }
    if (svc->pri > csched_unit(c->running)->pri) {
        prv->pcpu[c->index].tickled = true;
        sched_resched(s, c);
    }
}

/* ---- operations ---- */

static int csched_init(struct sched *s, struct sim_error *err)
{
    (void)err;
    const struct csched_conf *conf = csched_conf(s);
    const struct host *h = s->host;
    struct csched_private *prv = xcalloc(1, sizeof *prv);
    prv->ncpus = h->ncores;
    prv->pcpu = xcalloc((size_t)h->ncores, sizeof *prv->pcpu);
    for (int k = 0; k < h->ncores; k++) {
        csched_list_init(&prv->pcpu[k].runq);
        prv->pcpu[k].claimed_at = -1;
    }
    prv->balance_bias = xcalloc((size_t)h->nsockets, sizeof *prv->balance_bias);
    for (int k = h->ncores - 1; k >= 0; k--)
        prv->balance_bias[h->cores[k].socket] = k;   /* the first pCPU of each socket */
    csched_list_init(&prv->active_sdom);
    csched_list_init(&prv->units);
    csched_list_init(&prv->doms);
    prv->credit = conf->tslice * h->ncores;
    prv->ticks_per_tslice = csched_ticks_per_tslice(conf);
    prv->tick_period = csched_tick_period(conf);
    prv->ratelimit = conf->ratelimit < conf->tslice ? conf->ratelimit : conf->tslice;
    s->priv = prv;
    return SIM_OK;
}

static void csched_fini(struct sched *s)
{
    struct csched_private *prv = csched_priv(s);
    while (!csched_list_empty(&prv->units)) {
        struct csched_list *n = prv->units.next;
        csched_list_del(n);
        free(csched_entry(n, struct csched_unit, all_elem));
    }
    while (!csched_list_empty(&prv->doms)) {
        struct csched_list *n = prv->doms.next;
        csched_list_del(n);
        free(csched_entry(n, struct csched_dom, all_elem));
    }
    free(prv->balance_bias);
    free(prv->pcpu);
    free(prv);
}

/* csched_alloc_domdata and csched_alloc_udata: v's guest placed here. */
static void csched_attach(struct sched *s, struct vcpu *v)
{
    struct csched_private *prv = csched_priv(s);
    struct guest *g = v->guest;
    struct csched_dom *sdom = g->sched_slot[0].p;
    if (!sdom) {
        sdom = xcalloc(1, sizeof *sdom);
        sdom->guest = g;
        sdom->weight = csched_weight(g);
        csched_list_init(&sdom->active_unit);
        csched_list_init(&sdom->active_elem);
        csched_list_add_before(&sdom->all_elem, &prv->doms);
        g->sched_slot[0].p = sdom;
    }
    sdom->nunits++;
    struct csched_unit *svc = xcalloc(1, sizeof *svc);
    svc->vcpu = v;
    svc->sdom = sdom;
    svc->pri = CSCHED_PRI_TS_UNDER;
    svc->cpu = svc->from_cpu = -1;
    csched_list_init(&svc->runq_elem);
    csched_list_init(&svc->active_elem);
    csched_list_add_before(&svc->all_elem, &prv->units);
    v->sched_slot[0].p = svc;
}

/* csched_unit_remove and csched_free_*: v's guest leaves. */
static void csched_detach(struct sched *s, struct vcpu *v)
{
    struct csched_private *prv = csched_priv(s);
    struct csched_unit *svc = csched_unit(v);
    struct csched_dom *sdom = svc->sdom;
    if (svc->queued)
        csched_runq_remove(prv, svc);
    csched_acct_stop(prv, svc);
    csched_list_del(&svc->all_elem);
    free(svc);
    v->sched_slot[0].p = NULL;
    if (--sdom->nunits == 0) {
        csched_list_del(&sdom->all_elem);
        v->guest->sched_slot[0].p = NULL;
        free(sdom);
    }
}

/* csched_unit_wake (ARRIVAL, WAKE, UNTHROTTLE: a capped vCPU unpaused
 * after its budget was refilled is not boosted), or csched_schedule's
 * reinsertion of the vCPU it takes off (PREEMPTED: no tickle). */
static void csched_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    struct csched_private *prv = csched_priv(s);
    struct csched_unit *svc = csched_unit(v);
    if (why == SCHED_ENQ_PREEMPTED) {
        csched_runq_insert(prv, svc->cpu, svc);
        return;
    }
    int cpu = svc->cpu >= 0 ? svc->cpu : csched_cpu_pick(s, v);
    if (why != SCHED_ENQ_UNTHROTTLE && csched_conf(s)->boost && svc->pri == CSCHED_PRI_TS_UNDER)
        svc->pri = CSCHED_PRI_TS_BOOST;
    csched_runq_insert(prv, cpu, svc);
    csched_tickle(s, svc);
}

/* csched_schedule, called for c at the end of its slice or when tickled
 * (c->running set), or for an idle c.  Pure: the same answer while
 * nothing changed. */
static struct vcpu *csched_pick(struct sched *s, struct pcpu *c)
{
    struct csched_private *prv = csched_priv(s);
    struct csched_pcpu *pc = &prv->pcpu[c->index];
    struct csched_unit *cur = c->running ? csched_unit(c->running) : NULL;
    if (cur) {
        /* The end of the ratelimit within a slice is a decision point
         * only if a wake-up asked for one meanwhile. */
        if (pc->rl_split && !pc->tickled)
            return NULL;
        if (prv->ratelimit > 0 && sched_now(s) - cur->run_start < prv->ratelimit)
            return NULL;   /* decided again when the ratelimit expires */
    }
    struct csched_unit *next = csched_choose(s, c, cur);
    return next && next != cur ? next->vcpu : NULL;
}

static void csched_dequeue(struct sched *s, struct vcpu *v)
{
    struct csched_unit *svc = csched_unit(v);
    svc->from_cpu = svc->cpu;
    csched_runq_remove(csched_priv(s), svc);
    v->rq_cpu = -1;
}

/* v starts on c (or its slice is renewed): the slice is the ratelimit
 * first, when a ratelimit shorter than the tslice is in force, so that a
 * preemption deferred by it is decided when it expires; then the rest of
 * the tslice; then a tslice at a time. */
static sim_time_t csched_timeslice(struct sched *s, const struct vcpu *v, const struct pcpu *c)
{
    struct csched_private *prv = csched_priv(s);
    const struct csched_conf *conf = csched_conf(s);
    struct csched_unit *svc = csched_unit(v);
    struct csched_pcpu *pc = &prv->pcpu[c->index];
    sim_time_t now = sched_now(s);
    bool start = !svc->running;
    if (start) {
        if (svc->from_cpu >= 0 && svc->from_cpu != c->index)
            prv->balance_bias[s->host->cores[svc->from_cpu].socket] = svc->from_cpu;
        svc->running = true;
        svc->cpu = c->index;
        svc->from_cpu = -1;
        svc->start_time = svc->run_start = now;
    }
    pc->tickled = false;
    sim_time_t ran = now - svc->run_start;
    if (prv->ratelimit > 0 && prv->ratelimit < conf->tslice && ran < prv->ratelimit) {
        pc->rl_split = true;
        return prv->ratelimit - ran;
    }
    pc->rl_split = false;
    return ran < conf->tslice ? conf->tslice - ran : conf->tslice;
}

/* v left c: debit it (csched_schedule's burn_credits). */
static void csched_stop(struct sched *s, struct vcpu *v, struct pcpu *c, sim_time_t ran)
{
    (void)ran;
    struct csched_unit *svc = csched_unit(v);
    csched_burn(svc, sched_now(s));
    svc->running = false;
    svc->cpu = c->index;
    csched_priv(s)->pcpu[c->index].rl_split = false;
}

/* Every tick (tslice/3): csched_tick's csched_unit_acct for each running
 * vCPU (its boost ends, it is debited and, if it was idle, it joins the
 * active list); every third tick an accounting (csched_acct), then the
 * run queues are sorted by the new priorities.  Accounting periods missed
 * while the host had nothing runnable (the engine ticks only while
 * something is) are made up first, as Xen's master ticker keeps running. */
static void csched_tick(struct sched *s)
{
    struct csched_private *prv = csched_priv(s);
    struct host *h = s->host;
    sim_time_t now = sched_now(s);
    for (int k = 0; k < h->ncores; k++) {
        if (!h->cores[k].running)
            continue;
        struct csched_unit *svc = csched_unit(h->cores[k].running);
        if (svc->pri == CSCHED_PRI_TS_BOOST)
            svc->pri = CSCHED_PRI_TS_UNDER;
        csched_burn(svc, now);
        csched_acct_start(prv, svc);
    }
    int64_t period = now / prv->tick_period / prv->ticks_per_tslice;
    if (now / prv->tick_period % prv->ticks_per_tslice != 0 || period <= prv->acct_period)
        return;
    int64_t missed = period - prv->acct_period - 1;
    if (missed > CSCHED_ACCT_CATCHUP_MAX)
        missed = CSCHED_ACCT_CATCHUP_MAX;
    for (int64_t i = 0; i < missed && prv->weight > 0; i++)
        csched_acct(s);
    csched_acct(s);
    prv->acct_period = period;
    for (int k = 0; k < h->ncores; k++)
        csched_runq_sort(&prv->pcpu[k]);
}

const struct sched_ops sched_ops_credit = {
    .info = {
        .name = "credit",
        .desc = "Xen's credit scheduler (credit1): weights (256 x the trace's weight); credits "
                "debited on 10 ms ticks and refilled every 30 ms accounting period; BOOST > "
                "UNDER > OVER; a queue per pCPU, idle and OVER pCPUs steal; caps per "
                "--cap-period (give 30ms, Xen's accounting period)",
        .aliases = "credit1",
        .params = csched_params,
        .conf_size = sizeof(struct csched_conf),
    },
    .flags = SCHED_PERCPU,
    .init = csched_init,
    .fini = csched_fini,
    .enqueue = csched_enqueue,
    .pick = csched_pick,
    .dequeue = csched_dequeue,
    .timeslice = csched_timeslice,
    .attach = csched_attach,
    .detach = csched_detach,
    .stop = csched_stop,
    .tick = csched_tick,
    .tick_period = csched_tick_period,
};
