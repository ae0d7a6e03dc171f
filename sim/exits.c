/*
 * sim/exits.c - discrete VM exits counted per run segment, not placed one
 * by one (--exit-model discrete; docs/MODEL.md, "Progress and overhead").
 *
 * The model is the one of --exit-model discrete-events (sim/engine.c,
 * core_exit): while a vCPU makes progress, exits of reason r come as a
 * Poisson process of rate lambda_r per ns of progress (the class's exits
 * per second of work over its progress factor), and each stalls the core
 * for its reason's cost.  What differs is how it is drawn.  When a core
 * starts a run segment of L ns of progress (what is left of the burst,
 * no further than the slice's end), the number of exits of each reason in
 * it is drawn at once, N_r ~ Poisson(lambda_r L) (as a total split by a
 * multinomial), and the segment ends at L + sum N_r c_r: one event
 * instead of one per exit.
 *
 * When something looks at the vCPU's progress before that end (a slice
 * end, a preemption, a cap, a tick) at wall time t, the progress made by
 * t is found by splitting the segment: given the count n_r in a stretch
 * [a, b) of progress, the exits are independent and uniform in it, so
 * the count left of a point m is Binomial(n_r, (m - a) / (b - a)) and the
 * stall they add says on which side t falls.  The stretch containing t
 * shrinks until it holds no exit (O(reasons x log N) draws).  The exits
 * left of the point reached have happened and are charged.  Those right
 * of it stay drawn, as the stretches the splitting left behind, each
 * with its counts (uniform within it): the plan goes on from the point
 * reached, and the next look at the vCPU splits the next stretch: a
 * segment costs one Poisson draw and one multinomial split however often
 * it is looked at while it runs.  More work (a series' backlog) extends the plan at its far
 * end with a Poisson draw for the extra progress, less work cuts it there
 * (a binomial thinning of the last stretch); a vCPU that leaves its core
 * drops its plan, and its next run draws a new one.  Dropping what is not
 * yet come is exact too: the plan's origin is a stopping time of the exit
 * process, and a Poisson process after a stopping time is a fresh one
 * (the strong Markov property).  tests/test_exits.c compares the two
 * implementations in distribution.
 *
 * The split point is where t would fall if the stretch's stall were
 * spread evenly over it (interpolation, not halving): any point that
 * depends only on what is already known is exact, and this one narrows
 * the stretch fastest.
 */
#include <limits.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "base/xalloc.h"
#include "sim/engine-private.h"

/* gsl_ran_poisson and gsl_ran_binomial count in unsigned int: larger
 * counts are drawn as sums of independent parts. */
#define PART_MEAN 1e9

static uint64_t draw_poisson(const gsl_rng *rng, double mean)
{
    uint64_t n = 0;
    for (; mean > PART_MEAN; mean -= PART_MEAN)
        n += gsl_ran_poisson(rng, PART_MEAN);
    return n + (mean > 0 ? gsl_ran_poisson(rng, mean) : 0);
}

static uint64_t draw_binomial(const gsl_rng *rng, double p, uint64_t n)
{
    uint64_t k = 0;
    for (; n > UINT_MAX; n -= UINT_MAX)
        k += gsl_ran_binomial(rng, p, UINT_MAX);
    return k + gsl_ran_binomial(rng, p, (unsigned int)n);
}

static inline struct exit_plan *plan_of(struct sim *sim, struct pcpu *c)
{
    return &sim->exit_plans[c - sim->cores];
}

/* One exit's cost, ns: rounded as core_exit rounds it (llround, for a
 * cost that is never negative). */
static inline sim_time_t exit_cost(const struct hw_rates *hr, int r)
{
    return (sim_time_t)(hr->exit_cost_ns[r] + 0.5);
}

/* A new stretch on top of p's stack (the next to come); the caller fills it. */
static struct exit_stretch *push(struct exit_plan *p)
{
    if (p->depth == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->s = xrealloc(p->s, p->cap * sizeof *p->s);
    }
    return &p->s[p->depth++];
}

/* A stretch of len ns of progress of v, its counts drawn: the total
 * N ~ Poisson(len x the sum of the rates), split among the reasons in
 * proportion to their rates (a multinomial: the same law as a Poisson
 * draw per reason, for one Poisson draw instead of one per reason). */
static void draw_stretch(struct sim *sim, const struct vcpu *v, struct exit_stretch *st,
                         sim_time_t len)
{
    const struct hw_rates *hr = v->guest->rates;
    const gsl_rng *rng = sim->rng.stream[SIM_STREAM_EXITS];
    /* exits per ns of progress: per s of work, over the progress factor */
    double per_ns = 1e-9 / sim__class_factor(sim, v->guest);
    uint64_t total = draw_poisson(rng, hr->exits_per_s * per_ns * (double)len);
    st->len = len;
    st->stall = 0;
    memset(st->n, 0, sizeof st->n);
    unsigned int part[HW_EXIT_REASONS];
    while (total > 0) {
        unsigned int chunk = total > UINT_MAX ? UINT_MAX : (unsigned int)total;
        gsl_ran_multinomial(rng, HW_EXIT_REASONS, chunk, hr->exit_rate, part);
        for (int r = 0; r < HW_EXIT_REASONS; r++)
            st->n[r] += part[r];
        total -= chunk;
    }
    for (int r = 0; r < HW_EXIT_REASONS; r++)
        st->stall += (sim_time_t)st->n[r] * exit_cost(hr, r);
}

sim_time_t exits_plan(struct sim *sim, struct pcpu *c, sim_time_t len)
{
    struct exit_plan *p = plan_of(sim, c);
    const struct vcpu *v = c->running;
    if (!exits_planned(sim, c)) {
        p->valid = true;
        p->v = v;
        p->from = c->run_from;
        p->depth = 0;
        p->len = p->stall = 0;
    }
    const struct hw_rates *hr = v->guest->rates;
    while (p->len > len) {   /* less to do: cut the far end */
        struct exit_stretch *far = &p->s[0];
        sim_time_t cut = p->len - len;
        if (cut >= far->len) {
            p->len -= far->len;
            p->stall -= far->stall;
            memmove(&p->s[0], &p->s[1], (p->depth - 1) * sizeof *p->s);
            p->depth--;
            continue;
        }
        /* keep the exits in the first (len - cut) ns of it */
        double keep = (double)(far->len - cut) / (double)far->len;
        const gsl_rng *rng = sim->rng.stream[SIM_STREAM_EXITS];
        p->stall -= far->stall;
        far->stall = 0;
        for (int r = 0; r < HW_EXIT_REASONS; r++) {
            if (far->n[r])
                far->n[r] = draw_binomial(rng, keep, far->n[r]);
            far->stall += (sim_time_t)far->n[r] * exit_cost(hr, r);
        }
        far->len -= cut;
        p->len -= cut;
        p->stall += far->stall;
    }
    if (p->len < len) {   /* more to do: a stretch beyond the far end */
        push(p);
        memmove(&p->s[1], &p->s[0], (p->depth - 1) * sizeof *p->s);
        draw_stretch(sim, v, &p->s[0], len - p->len);
        p->len = len;
        p->stall += p->s[0].stall;
    }
    return p->stall;
}

bool exits_planned(struct sim *sim, struct pcpu *c)
{
    const struct exit_plan *p = plan_of(sim, c);
    return p->valid && p->v == c->running && p->from == c->run_from;
}

void exits_forget(struct sim *sim, struct pcpu *c)
{
    plan_of(sim, c)->valid = false;
}

void exits_free(struct sim *sim)
{
    if (!sim->exit_plans)
        return;
    for (int i = 0; i < sim->ncores_total; i++)
        free(sim->exit_plans[i].s);
    free(sim->exit_plans);
    sim->exit_plans = NULL;
}

/* The exits n[] have happened on g's vCPU: charge them. */
static void charge(struct sim *sim, struct guest *g, const uint64_t *n)
{
    const struct hw_rates *hr = g->rates;
    uint64_t total = 0;
    sim_time_t stall = 0;
    for (int r = 0; r < HW_EXIT_REASONS; r++) {
        if (!n[r])
            continue;
        total += n[r];
        stall += (sim_time_t)n[r] * exit_cost(hr, r);
        sim->metrics.exits[r] += (double)n[r];
    }
    struct guest_overhead *o = guest_ovh(g);
    o->exits += (double)total;
    o->exit_seconds += sim_time_to_s(stall);
}

sim_time_t exits_resolve(struct sim *sim, struct pcpu *c, sim_time_t *resume)
{
    struct exit_plan *p = plan_of(sim, c);
    struct guest *g = p->v->guest;
    const struct hw_rates *hr = g->rates;
    const gsl_rng *rng = sim->rng.stream[SIM_STREAM_EXITS];
    sim_time_t t = sim->now, wall = p->from, progress = 0;
    *resume = t;
    /* whole stretches that ended by t */
    while (p->depth > 0) {
        struct exit_stretch *st = &p->s[p->depth - 1];
        if (t < wall + st->len + st->stall)
            break;
        charge(sim, g, st->n);
        wall += st->len + st->stall;
        progress += st->len;
        p->len -= st->len;
        p->stall -= st->stall;
        p->depth--;
    }
    if (p->depth == 0) {   /* the plan is spent */
        progress += t - wall;   /* (0 unless the plan was shorter than the run so far) */
        p->from = t;
        return progress;
    }
    /* t falls in the next stretch: take it off and split it.  [a, b):
     * progress in it; wa: the wall time at a; n[]: the exits in [a, b),
     * count of them and their stall. */
    struct exit_stretch cur = p->s[--p->depth];
    p->len -= cur.len;
    p->stall -= cur.stall;
    uint64_t happened[HW_EXIT_REASONS] = {0}, count = 0;
    for (int r = 0; r < HW_EXIT_REASONS; r++)
        count += cur.n[r];
    sim_time_t a = 0, b = cur.len, wa = wall, stall = cur.stall, at;
    for (;;) {
        if (count == 0) {   /* no exit in [a, b): t is in plain progress */
            at = a + (t - wa);
            break;
        }
        if (b - a <= 1) {
            /* exits at a, one after the other: t is in their stall or in
             * the progress after it */
            for (int r = 0; r < HW_EXIT_REASONS; r++)
                happened[r] += cur.n[r];
            count = 0;
            if (t < wa + stall) {
                at = a;
                *resume = wa + stall;
            } else {
                at = a + (t - wa - stall);
                if (at > b)
                    at = b;
            }
            break;
        }
        /* split where t would be if the stall were spread evenly */
        double share = (double)(t - wa) / (double)(b - a + stall);
        sim_time_t m = a + (sim_time_t)(share * (double)(b - a));
        if (m <= a)
            m = a + 1;
        if (m >= b)
            m = b - 1;
        double q = (double)(m - a) / (double)(b - a);
        uint64_t left[HW_EXIT_REASONS], left_count = 0;
        sim_time_t left_stall = 0;
        for (int r = 0; r < HW_EXIT_REASONS; r++) {
            left[r] = cur.n[r] ? draw_binomial(rng, q, cur.n[r]) : 0;
            left_count += left[r];
            left_stall += (sim_time_t)left[r] * exit_cost(hr, r);
        }
        sim_time_t wm = wa + (m - a) + left_stall;
        if (t < wm) {
            /* t is left of m: [m, b) comes right after, with the rest */
            struct exit_stretch *right = push(p);
            right->len = b - m;
            right->stall = stall - left_stall;
            for (int r = 0; r < HW_EXIT_REASONS; r++) {
                right->n[r] = cur.n[r] - left[r];
                cur.n[r] = left[r];
            }
            p->len += right->len;
            p->stall += right->stall;
            b = m;
            count = left_count;
            stall = left_stall;
        } else {
            /* the exits left of m have happened */
            for (int r = 0; r < HW_EXIT_REASONS; r++) {
                happened[r] += left[r];
                cur.n[r] -= left[r];
            }
            a = m;
            wa = wm;
            count -= left_count;
            stall -= left_stall;
        }
    }
    charge(sim, g, happened);
    if (b > at) {   /* what is left of [a, b): no exit in it */
        struct exit_stretch *rest = push(p);
        rest->len = b - at;
        rest->stall = 0;
        memset(rest->n, 0, sizeof rest->n);
        p->len += rest->len;
    }
    p->from = *resume;
    return progress + at;
}
