/*
 * examples/lottery/lottery.c - lottery scheduling (Waldspurger & Weihl,
 * "Lottery Scheduling: Flexible Proportional-Share Resource Management",
 * OSDI 1994) as an hvsim plug-in, built out of tree against the installed
 * headers:
 *
 *     cc $(pkg-config --cflags hvsim) -shared -fPIC -o lottery.so lottery.c
 *     hvsim run --sched ./lottery.so --tickets 100 --trace guests.csv
 *
 * Design.  Each ready vCPU holds tickets in proportion to its guest's
 * weight (the trace's `weight`, default 1): weight x --tickets.  When a
 * core needs a vCPU, a lottery draws a ticket uniformly from all tickets
 * of the ready vCPUs; the holder wins and runs for one quantum, then goes
 * back among the ready ones if others wait.  Over many quanta each vCPU's
 * share of the core converges to its share of the tickets, with binomial
 * noise: after n lotteries the share of a vCPU holding a fraction p of
 * the tickets has standard deviation sqrt(p (1 - p) / n) (the paper, 2.1).
 * The draws come from the policy's own GSL stream (sched_rng), seeded
 * from --seed and the host, so that a run repeats exactly and no other
 * consumer's random numbers move.
 *
 * The engine asks pick() for the vCPU a core should run next and may ask
 * again before it dequeues it, so the winner of a lottery is kept until
 * the ready set changes; a draw happens at the first pick after a change.
 * (Affinity: a winner pinned away from the asking core is passed over and
 * the draw repeats among the others.)
 *
 * Parameters: --tickets (per unit of weight), --quantum.
 * Cost: O(n) per lottery over n ready vCPUs (a list walk, as the paper's
 * own prototype; a tree of partial sums would make it O(log n)).
 */
#include <stdlib.h>

#include "base/xalloc.h"
#include "schedulers/sched.h"

struct lottery_conf {
    double tickets;          /* tickets per unit of weight */
    sim_time_t quantum;      /* how long a winner runs */
};

static const struct param_def lottery_params[] = {
    {"tickets", PARAM_REAL, offsetof(struct lottery_conf, tickets), "100", 0, 1e12,
     PARAM_MIN_OPEN, .metavar = "N", .help = "lottery: tickets per unit of a guest's weight "
     "(only their ratios matter)"},
    {"quantum", PARAM_DURATION, offsetof(struct lottery_conf, quantum), "100ms", 0, 1e9,
     PARAM_MIN_OPEN, .metavar = "DUR", .help = "lottery: how long a winner runs; the default "
     "is the paper's 100 ms quantum (its Mach 3.0 prototype)"},
    {NULL},
};

/* The ready vCPUs, in no order (a removal moves the last one into the
 * hole); the index of each is v->rq_idx. */
struct lottery_priv {
    struct vcpu **ready;
    size_t n, cap;
    struct vcpu *winner;     /* of the last lottery, NULL = none drawn since a change */
};

static double lottery_tickets(const struct sched *s, const struct vcpu *v)
{
    const struct lottery_conf *c = s->conf;
    return c->tickets * v->guest->weight;
}

static int lottery_init(struct sched *s, struct sim_error *err)
{
    (void)err;
    s->priv = xcalloc(1, sizeof(struct lottery_priv));
    return SIM_OK;
}

static void lottery_fini(struct sched *s)
{
    struct lottery_priv *p = s->priv;
    free(p->ready);
    free(p);
}

static void lottery_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    (void)why;
    struct lottery_priv *p = s->priv;
    if (p->n == p->cap)
        p->ready = xgrow(p->ready, &p->cap, p->n + 1, sizeof *p->ready);
    v->rq_idx = p->n;
    p->ready[p->n++] = v;
    p->winner = NULL;
}

static void lottery_dequeue(struct sched *s, struct vcpu *v)
{
    struct lottery_priv *p = s->priv;
    size_t i = v->rq_idx;
    p->ready[i] = p->ready[--p->n];
    p->ready[i]->rq_idx = i;
    p->winner = NULL;
}

/* Draw a ticket in [0, total) among the vCPUs that may run on c and walk
 * to its holder. */
static struct vcpu *lottery_pick(struct sched *s, struct pcpu *c)
{
    struct lottery_priv *p = s->priv;
    if (p->winner && sched_may_run(p->winner, c))
        return p->winner;
    double total = 0;
    for (size_t i = 0; i < p->n; i++)
        if (sched_may_run(p->ready[i], c))
            total += lottery_tickets(s, p->ready[i]);
    if (total <= 0)
        return NULL;
    double ticket = gsl_rng_uniform(sched_rng(s)) * total;
    struct vcpu *win = NULL;
    for (size_t i = 0; i < p->n; i++) {
        if (!sched_may_run(p->ready[i], c))
            continue;
        win = p->ready[i];
        ticket -= lottery_tickets(s, win);
        if (ticket < 0)
            break;
    }
    p->winner = win;
    return win;
}

static sim_time_t lottery_timeslice(struct sched *s, const struct vcpu *v,
                                    const struct pcpu *c)
{
    (void)v, (void)c;
    const struct lottery_conf *conf = s->conf;
    return conf->quantum;
}

const struct sched_ops sched_ops_lottery = {
    .info = {
        .name = "lottery",
        .desc = "lottery scheduling (Waldspurger & Weihl 1994): each quantum goes to a ticket "
                "drawn at random; tickets = weight x --tickets",
        .params = lottery_params,
        .conf_size = sizeof(struct lottery_conf),
    },
    .init = lottery_init,
    .fini = lottery_fini,
    .enqueue = lottery_enqueue,
    .pick = lottery_pick,
    .dequeue = lottery_dequeue,
    .timeslice = lottery_timeslice,
};

HVSIM_PLUGIN("sched", sched_ops_lottery);
