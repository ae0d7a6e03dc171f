/*
 * sim/fluid.c - guests whose demand varies over time (utilisation series:
 * PlanetLab, Bitbrains): the fluid model of them (--model fluid), and the
 * accounting of demand, unmet demand and idle grant that both models
 * share.
 *
 * The fluid model.  Reference work arrives at guest i at rate r_i(t) =
 * util(t) x vcpus (util from the trace, piecewise constant over its
 * samples) and joins a backlog b_i.  On virtualised hardware it needs
 * f_i = 1 + h core-seconds per second of work (docs/MODEL.md), so it wishes
 *     w_i = min(r_i f_i, vcpus)    while b_i = 0,
 *     w_i = vcpus                  while b_i > 0 (it catches up);
 * it may use at most its grant a_i (the cap), and a host whose guests
 * want more than its cores shares them by weighted water-filling: with
 * claims c_i = min(vcpus, a_i), a level L gives u_i = min(w_i, a_i, L c_i),
 * L as high as the cores allow (water_level), so its backlog changes at
 * r_i - u_i / f_i.  A guest leaves when its series has ended and its
 * backlog is served, so a throttled guest lives longer, as in CloudSim's
 * PlanetLab experiments.  Rates are constant between events: a guest's
 * next sample, its backlog running dry, an arrival or departure on its
 * host, a re-allocation.  All changes at one instant are gathered into
 * one recomputation per host at the end of the instant (the host's
 * refluid event), as dispatch is.  Schedulers do not act on fluid
 * guests; they time-share their cores in proportion to their capped
 * wishes (processor sharing with caps).  The discrete model
 * (sim/activity.c) runs the same series as on/off vCPUs that the
 * scheduler and the caps act on.
 *
 * Accounting, per sample interval k of a series guest (length T,
 * utilisation u_k), in core-seconds, the same in both models:
 *     demand_k = min(u_k, 1) x T x vcpus x f   what the trace asks for
 *     used_k   = core time the guest got in the interval
 *     unmet   += (demand_k - used_k)+          demanded but not granted
 *                                              (CloudSim's SLA measure)
 *     idle    += (grant_k - used_k)+           granted but not used, with
 *                                              grant_k = its grant's integral
 * and after its series, while it serves its backlog, only idle grant.
 * Work caught up in a later interval does not cancel an earlier unmet
 * demand: the guest was held back when it asked.
 *
 * Work per event independent of the host's population.  Only the level
 * L is common to a host's guests: a guest whose satisfaction level
 * ell = cap / claim is at least L gets L x claim ("capped"), the others
 * their cap.  So each host keeps L, its integral Lambda = int L dt, and
 * its guests in a treap by ell with subtree sums of caps and claims
 * (base/otree.h): the level is found by one descent, O(log n), as the
 * sorted scan found it.  A guest's own state (backlog, core-seconds used,
 * its window's wish) is brought up to date only when it is touched: its
 * core time since then is its cap x dt, or claim x (Lambda - its mark)
 * while capped.  An event touches its guest, the guests whose mode flips
 * because L crossed their ell (ell between the old and the new L), and
 * the few whose flags can change before their own next event: a guest
 * whose backlog is growing from empty (it wishes all its vCPUs from the
 * next recomputation on), and the backlogged guests that drain, whose
 * dry moment depends on L (kept in a second treap by the level
 * theta = rate x f / claim at which their service equals their arrivals:
 * they are its guests with theta < L).  These are brought up to date at
 * every point where the eager model advanced every guest, so backlogs
 * are clamped (FLUID_EPS) at the same moments.  The host's sums (demand,
 * grants, cores used) are the treap's root aggregates.  When a quarter
 * or more of a host's guests change at one instant (the samples of a
 * trace's series begin together), the treap is rebuilt by a sort and an
 * O(n) build instead, or, if the host is not short, left stale (one pass
 * gives the sums; nobody is capped, so the order is not needed) until an
 * instant that needs it: O(1) amortised per guest changed.  Results
 * equal the eager model's (every guest advanced and the guests sorted at
 * every event, as before) up to the order of floating-point sums:
 * scripts/fluid-same.sh.
 */
#include "sim/fluid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/alloc.h"
#include "base/otree.h"
#include "base/rng.h"
#include "base/xalloc.h"
#include "sim/engine-private.h"

/* A backlog below one nanosecond of work is empty. */
#define FLUID_EPS 1e-9
/* Visits of the drain treap by theta reach this far past L: an
 * over-inclusion costs a visit, a miss would cost a wrong dry moment. */
#define THETA_MARGIN 1e-9

/* A guest's share of a short host, as filed in its level treap. */
struct level_rec {
    double ell;                  /* cap / claim: the level at which it is satisfied; -1: no claim */
    double cap;                  /* what it would take: min(wish, claim) */
    double claim;                /* min(vcpus, grant, a migration's limit); 0 while paused */
    double demand;               /* rate x f, for the host's sum */
    double grant;                /* for the host's sum */
};

/* A fluid guest's state.  Owned by its guest. */
struct fluid_guest {
    size_t step;                 /* sample in force; == series->n once it ended */
    sim_time_t step_end;         /* when the next sample starts */
    double rate;                 /* reference work arriving, cores (util x vcpus) */
    double backlog;              /* reference CPU-seconds arrived, not yet served */
    double fac;                  /* core time per unit of work on its host (f) */
    bool backlogged;             /* has a backlog: wishes all its vCPUs */
    bool capped;                 /* gets L x claim (ell >= L), else its cap */
    bool in_level, in_theta;     /* in its host's treaps */
    bool queued;                 /* on its host's touch list of this recomputation */
    bool dirty;                  /* on its host's dirty list */
    bool relevel;                /* next differs from rec: re-file it */
    struct level_rec rec;        /* as filed in by_level */
    struct level_rec next;       /* as re-read by the recomputation under way */
    double theta;                /* rate x f / claim: L above this drains its backlog */
    uint64_t prio;               /* its treap priority: a hash of its trace order */
    double win_wish_acc;         /* core-seconds wished in the current allocation window */
    sim_time_t last;             /* its integrals run up to here */
    long double level_mark;      /* its host's Lambda at last */
    size_t idx;                  /* slot in host->fluid */
    size_t watch_idx;            /* slot in its host's watch list, SIZE_MAX = not there */
    struct otree_node level_node, theta_node;
    /* subtree sums of the level treap: caps, claims, demand, grants */
    double agg_cap, agg_claim, agg_demand, agg_grant;
    struct sim_event ev;         /* next sample, or the backlog running dry */
    struct guest *guest;         /* back to the owner */
};

/* A host's fluid state (sim/fluid.c only).  Owned by its host. */
struct fluid_host {
    struct otree by_level;       /* every fluid guest, by (ell, seq) */
    struct otree by_theta;       /* backlogged guests with a claim, by (theta, seq) */
    double level;                /* L; 1 when the host is not short */
    long double level_acc;       /* Lambda = int L dt, up to host->acc_last */
    sim_time_t level_since;      /* L has been what it is since then */
    bool rescan;                 /* grants may have changed (a guest came or went) */
    bool stale;                  /* by_level was not rebuilt after its keys changed
                                    (the host was not short): rebuild before use */
    struct guest **watch;        /* unbacklogged guests whose backlog grows */
    size_t nwatch, watchcap;
    struct guest **dirty;        /* touched by their own events since the last recomputation */
    size_t ndirty, dirtycap;
    struct guest **touch;        /* scratch: the guests one recomputation re-shapes */
    size_t ntouch, touchcap;
    struct otree_node **nodes;   /* scratch: a rebuild of by_level */
    size_t nodecap;
};

static void fluid_guest_event(struct sim *sim, struct sim_event *ev);
static void series_acct_event(struct sim *sim, struct sim_event *ev);

void fluid_guest_init(struct guest *g, struct trace_record *rec)
{
    struct fluid_guest *f = xcalloc(1, sizeof *f);
    f->guest = g;
    g->series = rec->series;
    rec->series = NULL;
    f->rate = g->series->util[0] * g->nvcpus * g->speed;
    f->last = g->arrival;
    f->watch_idx = SIZE_MAX;
    sim_event_init(&f->ev, fluid_guest_event);
    /* work per vCPU: what the series asks of each vCPU over its life */
    double sum = 0;
    for (size_t k = 0; k < g->series->n; k++)
        sum += g->series->util[k];
    g->work = sim_time_from_s(sum * g->series->interval * g->speed);
    if (g->work < 1)
        g->work = 1;
    g->fl = f;
}

void fluid_guest_free(struct guest *g)
{
    free(g->fl);
    g->fl = NULL;
}

void fluid_host_free(struct host *h)
{
    struct fluid_host *fh = h->fh;
    if (!fh)
        return;
    free(fh->watch);
    free(fh->dirty);
    free(fh->touch);
    free(fh->nodes);
    free(fh);
    h->fh = NULL;
}

/* ---- the treaps ---- */

static struct fluid_guest *of_level(const struct otree_node *n)
{
    return container_of(n, struct fluid_guest, level_node);
}

static struct fluid_guest *of_theta(const struct otree_node *n)
{
    return container_of(n, struct fluid_guest, theta_node);
}

static int key_cmp(double ka, uint64_t sa, double kb, uint64_t sb)
{
    if (ka != kb)
        return ka < kb ? -1 : 1;
    return (sa > sb) - (sa < sb);
}

static int level_cmp(const struct otree_node *a, const struct otree_node *b)
{
    const struct fluid_guest *x = of_level(a), *y = of_level(b);
    return key_cmp(x->rec.ell, x->guest->seq, y->rec.ell, y->guest->seq);
}

static int theta_cmp(const struct otree_node *a, const struct otree_node *b)
{
    const struct fluid_guest *x = of_theta(a), *y = of_theta(b);
    return key_cmp(x->theta, x->guest->seq, y->theta, y->guest->seq);
}

static void level_update(struct otree_node *n)
{
    struct fluid_guest *f = of_level(n);
    f->agg_cap = f->rec.cap;
    f->agg_claim = f->rec.claim;
    f->agg_demand = f->rec.demand;
    f->agg_grant = f->rec.grant;
    for (int side = 0; side < 2; side++) {
        const struct otree_node *c = side ? n->right : n->left;
        if (!c)
            continue;
        const struct fluid_guest *k = of_level(c);
        f->agg_cap += k->agg_cap;
        f->agg_claim += k->agg_claim;
        f->agg_demand += k->agg_demand;
        f->agg_grant += k->agg_grant;
    }
}

static struct fluid_host *host_fl(struct host *h)
{
    if (!h->fh) {
        struct fluid_host *fh = xcalloc(1, sizeof *fh);
        otree_init(&fh->by_level, level_cmp, level_update);
        otree_init(&fh->by_theta, theta_cmp, NULL);
        fh->level = 1;
        fh->level_since = h->acc_last;
        h->fh = fh;
    }
    return h->fh;
}

typedef void (*visit_fn)(struct sim *sim, struct host *h, struct fluid_guest *f);

/* Visit the guests of a treap whose key is in [lo, hi) (hi_incl: [lo,
 * hi]), in order: O(k + log n). */
static void visit_range(struct sim *sim, struct host *h, const struct otree_node *n, bool theta,
                        double lo, double hi, bool hi_incl, visit_fn fn)
{
    while (n) {
        struct fluid_guest *f = theta ? of_theta(n) : of_level(n);
        double k = theta ? f->theta : f->rec.ell;
        if (k < lo) {
            n = n->right;
        } else if (k > hi || (k == hi && !hi_incl)) {
            n = n->left;
        } else {
            visit_range(sim, h, n->left, theta, lo, hi, hi_incl, fn);
            fn(sim, h, f);
            n = n->right;
        }
    }
}

/* ---- bringing things up to now ---- */

/* h's integrals (Lambda, demand, grants, cores used) up to now. */
static void host_integrals(struct sim *sim, struct host *h)
{
    double dt = sim_time_to_s(sim->now - h->acc_last);
    if (dt <= 0)
        return;
    if (h->fh)
        h->fh->level_acc += (long double)(h->fh->level * dt);
    h->acc_demand += h->sum_demand * dt;
    h->acc_grant += h->sum_grant * dt;
    h->acc_used += h->sum_used * dt;
    h->acc_last = sim->now;
}

/* Cores of core time g gets now. */
static double rate_of(const struct fluid_host *fh, const struct fluid_guest *f)
{
    return f->capped ? fh->level * f->rec.claim : f->rec.cap;
}

/* g's backlog, use and wish up to now (its host's integrals are). */
static void guest_advance(struct sim *sim, struct guest *g)
{
    struct fluid_guest *f = g->fl;
    struct fluid_host *fh = g->host->fh;
    double dt = sim_time_to_s(sim->now - f->last);
    if (dt <= 0)
        return;
    double used, served;
    if (!f->capped || f->last >= fh->level_since) {
        /* one rate since last: as the eager model reckoned it */
        double u = rate_of(fh, f);
        served = u / f->fac * dt;
        used = u * dt;
    } else {
        used = f->rec.claim * (double)(fh->level_acc - f->level_mark);
        served = used / f->fac;
    }
    f->backlog += f->rate * dt - served;
    if (f->backlog < FLUID_EPS)
        f->backlog = 0;
    g->sa->used_s += used;
    f->win_wish_acc += g->wish * dt;
    sim__charge_work(sim, g, served);
    f->last = sim->now;
    f->level_mark = fh->level_acc;
}

static void advance_visit(struct sim *sim, struct host *h, struct fluid_guest *f)
{
    (void)h;
    guest_advance(sim, f->guest);
}

/* Where the eager model advanced every guest of h: the integrals, and the
 * guests whose backlog may cross zero before their own next event (the
 * watched ones, growing from empty, and those that drain), so that their
 * backlogs are clamped at the same moments. */
void fluid_host_advance(struct sim *sim, struct host *h)
{
    if (sim->now <= h->acc_last)
        return;
    host_integrals(sim, h);
    struct fluid_host *fh = h->fh;
    if (!fh)
        return;
    for (size_t i = 0; i < fh->nwatch; i++)
        guest_advance(sim, fh->watch[i]);
    visit_range(sim, h, fh->by_theta.root, true, -INFINITY,
                 fh->level * (1 + THETA_MARGIN), true, advance_visit);
}

void fluid_guest_sync(struct sim *sim, struct guest *g)
{
    fluid_host_advance(sim, g->host);
    guest_advance(sim, g);
}

double fluid_guest_rate(const struct guest *g)
{
    return rate_of(g->host->fh, g->fl);
}

/* ---- the lists ---- */

static void watch_set(struct fluid_host *fh, struct guest *g, bool on)
{
    struct fluid_guest *f = g->fl;
    if (on == (f->watch_idx != SIZE_MAX))
        return;
    if (on) {
        if (fh->nwatch == fh->watchcap)
            fh->watch = xgrow(fh->watch, &fh->watchcap, fh->nwatch + 1, sizeof *fh->watch);
        f->watch_idx = fh->nwatch;
        fh->watch[fh->nwatch++] = g;
    } else {
        fh->watch[f->watch_idx] = fh->watch[--fh->nwatch];
        fh->watch[f->watch_idx]->fl->watch_idx = f->watch_idx;
        f->watch_idx = SIZE_MAX;
    }
}

static void mark_dirty(struct fluid_host *fh, struct guest *g)
{
    struct fluid_guest *f = g->fl;
    if (f->dirty)
        return;
    f->dirty = true;
    if (fh->ndirty == fh->dirtycap)
        fh->dirty = xgrow(fh->dirty, &fh->dirtycap, fh->ndirty + 1, sizeof *fh->dirty);
    fh->dirty[fh->ndirty++] = g;
}

static void touch(struct sim *sim, struct host *h, struct fluid_guest *f)
{
    (void)sim;
    struct fluid_host *fh = h->fh;
    if (f->queued)
        return;
    f->queued = true;
    if (fh->ntouch == fh->touchcap)
        fh->touch = xgrow(fh->touch, &fh->touchcap, fh->ntouch + 1, sizeof *fh->touch);
    fh->touch[fh->ntouch++] = f->guest;
}

/* g leaves h's structures (it departs or migrates). */
static void host_drop(struct host *h, struct guest *g)
{
    struct fluid_host *fh = h->fh;
    struct fluid_guest *f = g->fl;
    if (f->in_level && !fh->stale)   /* a stale index is rebuilt without it */
        otree_erase(&fh->by_level, &f->level_node);
    if (f->in_theta)
        otree_erase(&fh->by_theta, &f->theta_node);
    f->in_level = f->in_theta = false;
    watch_set(fh, g, false);
    if (f->dirty) {
        for (size_t i = 0; i < fh->ndirty; i++)
            if (fh->dirty[i] == g) {
                fh->dirty[i] = fh->dirty[--fh->ndirty];
                break;
            }
        f->dirty = false;
    }
    fh->rescan = true;   /* its allocator may share the host anew */
}

/* ---- sharing the cores ---- */

static double wish_of(const struct guest *g)
{
    const struct fluid_guest *f = g->fl;
    if (f->backlogged)
        return g->nvcpus;
    double w = f->rate * f->fac;
    return w < g->nvcpus ? w : g->nvcpus;
}

/* Re-read g's flags, wish, claim and cap (it is up to date) into its
 * pending record, and re-file it in by_theta.  Whether its record in
 * by_level must change. */
static bool guest_reshape(struct sim *sim, struct host *h, struct guest *g)
{
    struct fluid_host *fh = h->fh;
    struct fluid_guest *f = g->fl;
    f->fac = sim__class_factor(sim, g);
    f->backlogged = f->backlog > 0;
    g->wish = wish_of(g);
    double claim = fmin((double)g->nvcpus, g->grant);
    if (g->mig_cap > 0)   /* a live migration serves only part of it */
        claim = fmin(claim, g->mig_cap);
    if (g->paused)        /* its stop-and-copy: it runs nowhere */
        claim = 0;
    struct level_rec *r = &f->next;
    r->cap = fmin(g->wish, claim);
    r->ell = claim > 0 ? r->cap / claim : -1;   /* the level at which it is satisfied */
    r->claim = claim;
    r->demand = f->rate * f->fac;
    r->grant = g->grant;
    bool drains = f->backlogged && claim > 0;
    double theta = drains ? f->rate * f->fac / claim : 0;
    if (f->in_theta && (!drains || theta != f->theta)) {
        otree_erase(&fh->by_theta, &f->theta_node);
        f->in_theta = false;
    }
    if (drains && !f->in_theta) {
        f->theta = theta;
        otree_insert(&fh->by_theta, &f->theta_node, f->prio ^ 0x5bd1e995u);
        f->in_theta = true;
    }
    f->relevel = !f->in_level || memcmp(r, &f->rec, sizeof *r) != 0;
    return f->relevel;
}

static int node_order(const void *a, const void *b)
{
    return level_cmp(*(struct otree_node *const *)a, *(struct otree_node *const *)b);
}

/* by_level anew from h's guests. */
static void level_rebuild(struct host *h)
{
    struct fluid_host *fh = h->fh;
    size_t n = h->nfluid;
    fh->nodes = xgrow(fh->nodes, &fh->nodecap, n, sizeof *fh->nodes);
    for (size_t i = 0; i < n; i++) {
        struct fluid_guest *f = h->fluid[i]->fl;
        f->in_level = true;
        f->level_node.prio = f->prio;
        fh->nodes[i] = &f->level_node;
    }
    if (n > 32) {
        qsort(fh->nodes, n, sizeof *fh->nodes, node_order);
    } else {   /* a host's few guests: insertion sort, no calls */
        for (size_t i = 1; i < n; i++) {
            struct otree_node *x = fh->nodes[i];
            size_t j = i;
            for (; j > 0 && level_cmp(fh->nodes[j - 1], x) > 0; j--)
                fh->nodes[j] = fh->nodes[j - 1];
            fh->nodes[j] = x;
        }
    }
    otree_build(&fh->by_level, fh->nodes, n);
}

/* The water level of h's treap: weighted water-filling.  Each guest
 * claims c = min(vcpus, grant) and takes at most its cap: all of c while
 * it has a backlog, min(rate x f, c) while it has none.  A common level L
 * gives guest i min(cap_i, L c_i), with L as high as the cores allow.  A
 * guest whose share is below its arrival rate gets the same share whether
 * its backlog is empty or not, so the rates never flip back and forth as
 * a backlog empties and refills (proportional scaling of wishes did,
 * every few nanoseconds).  A guest with an empty backlog is never served
 * above its rate: no work out of nothing.
 *
 * In ell order the guests satisfied come first: the first guest i with
 * ell_i x (claims from i on) + (caps before i) > cores is the first
 * capped one, and L = (cores - caps before i) / (claims from i on).  One
 * descent finds it.  Returns L (1 if nobody is short) and the cores
 * used. */
static double water_level(const struct host *h, double *used)
{
    const struct otree_node *root = h->fh->by_level.root;
    double cores = h->ncores;
    if (!root || of_level(root)->agg_cap <= cores) {   /* everyone gets what it takes */
        *used = root ? of_level(root)->agg_cap : 0;
        return 1;
    }
    double before = 0, after = 0;   /* caps before the subtree, claims after it */
    double best_before = -1, best_from = 0;
    for (const struct otree_node *n = root; n;) {
        const struct fluid_guest *f = of_level(n);
        double caps_before = before + (n->left ? of_level(n->left)->agg_cap : 0);
        double claims_from = f->rec.claim + (n->right ? of_level(n->right)->agg_claim : 0) + after;
        if (f->rec.ell * claims_from + caps_before > cores) {
            best_before = caps_before;
            best_from = claims_from;
            after = claims_from;
            n = n->left;
        } else {
            before = caps_before + f->rec.cap;
            n = n->right;
        }
    }
    if (best_before < 0 || best_from <= 0) {   /* rounding: nobody is short after all */
        *used = of_level(root)->agg_cap;
        return 1;
    }
    double level = (cores - best_before) / best_from;
    if (level > 1)
        level = 1;
    if (level < 0)
        level = 0;
    *used = best_before + level * best_from;
    return level;
}

/* g's next event: its next sample, its backlog running dry, or now if it
 * is over. */
static void guest_rearm(struct sim *sim, struct host *h, struct guest *g)
{
    struct fluid_guest *f = g->fl;
    sim_time_t next = f->step < g->series->n ? f->step_end : SIM_TIME_MAX;
    double service = rate_of(h->fh, f) / f->fac;
    if (f->step >= g->series->n && f->backlog <= 0) {
        next = sim->now;   /* over: leaves at once */
    } else if (f->backlog > 0 && service > f->rate) {
        /* compared in seconds first: a nearly balanced guest can take
         * longer to drain than the clock can count */
        double dry = f->backlog / (service - f->rate);
        if (dry < sim_time_to_s(next - sim->now))
            next = sim->now + (sim_time_t)ceil(dry * 1e9);
    }
    if (sim_event_pending(&f->ev)) {
        if (f->ev.time == next)
            return;
        evq_cancel(&sim->evq, &f->ev);
    }
    if (next != SIM_TIME_MAX)
        evq_push(&sim->evq, &f->ev, next, SIM_EVC_CORE);
}

/* After L is known: g's mode, its watch, its event. */
static void guest_settle(struct sim *sim, struct host *h, struct guest *g)
{
    struct fluid_host *fh = h->fh;
    struct fluid_guest *f = g->fl;
    f->capped = f->rec.claim > 0 && f->rec.ell >= fh->level;
    f->level_mark = fh->level_acc;
    bool watch = false;
    if (!f->backlogged && f->rec.claim > 0) {
        /* its backlog grows from empty: it wishes all its vCPUs from the
         * next recomputation on.  A capped one grows (up to ties, kept
         * too); a satisfied one only if its cap is below its arrivals by
         * more than rounding over the time to its next sample. */
        double grow = f->rate - rate_of(fh, f) / f->fac;
        double horizon = f->step < g->series->n ? sim_time_to_s(f->step_end - sim->now) : 0;
        watch = f->capped || grow * horizon > FLUID_EPS * 1e-3;
    }
    watch_set(fh, g, watch);
    guest_rearm(sim, h, g);
}

/* The end of an instant on h (or a re-allocation): the guests touched
 * since the last one re-read their flags, the level is found anew, and
 * the guests it concerns take their new rates. */
static void host_refresh(struct sim *sim, struct host *h)
{
    struct fluid_host *fh = host_fl(h);
    fluid_host_advance(sim, h);
    if (fh->rescan) {   /* a guest came or went: its allocator may have moved grants */
        fh->rescan = false;
        for (size_t i = 0; i < h->nfluid; i++) {
            struct guest *g = h->fluid[i];
            if (g->grant != g->fl->rec.grant)
                mark_dirty(fh, g);
        }
    }
    fh->ntouch = 0;
    for (size_t i = 0; i < fh->ndirty; i++) {
        fh->dirty[i]->fl->dirty = false;
        touch(sim, h, fh->dirty[i]->fl);
    }
    fh->ndirty = 0;
    for (size_t i = 0; i < fh->nwatch; i++)
        touch(sim, h, fh->watch[i]->fl);
    visit_range(sim, h, fh->by_theta.root, true, -INFINITY, fh->level * (1 + THETA_MARGIN), true,
                touch);
    size_t reshaped = fh->ntouch, changed = 0;
    for (size_t i = 0; i < reshaped; i++) {
        guest_advance(sim, fh->touch[i]);
        changed += guest_reshape(sim, h, fh->touch[i]);
    }
    /* Re-file the changed: one by one, or all at once when they are many
     * (their samples begin together) and a sort and an O(n) build cost
     * less than an erase and an insert each. */
    bool many = changed >= 2 && changed * 4 >= h->nfluid;
    bool bulk = many || fh->stale;   /* the index is rebuilt (or left stale), not edited */
    for (size_t i = 0; i < reshaped && changed > 0; i++) {
        struct fluid_guest *f = fh->touch[i]->fl;
        if (!f->relevel)
            continue;
        if (f->in_level && !bulk)
            otree_erase(&fh->by_level, &f->level_node);
        f->rec = f->next;
        if (!bulk) {
            otree_insert(&fh->by_level, &f->level_node, f->prio);
            f->in_level = true;
        }
    }
    /* When many changed, one pass gives the sums; if the host is not
     * short, nobody is capped below its cap, the order does not matter
     * and the sort waits until it does: the index stays stale until an
     * instant that changes few guests (or makes the host short). */
    double caps = 0, demand = 0, grant = 0, used, level, old = fh->level;
    fh->stale = false;
    if (many) {
        for (size_t i = 0; i < h->nfluid; i++) {
            const struct level_rec *r = &h->fluid[i]->fl->rec;
            caps += r->cap;
            demand += r->demand;
            grant += r->grant;
        }
        fh->stale = caps <= h->ncores;
    }
    if (bulk && !fh->stale)
        level_rebuild(h);
    if (fh->stale) {
        level = 1;
        used = caps;
    } else {
        level = water_level(h, &used);
        const struct otree_node *root = fh->by_level.root;
        demand = root ? of_level(root)->agg_demand : 0;
        grant = root ? of_level(root)->agg_grant : 0;
    }
    if (level != old) {
        /* guests whose mode flips (ell between the two levels), and the
         * backlogged ones whose draining may start or stop; all are up to
         * date under the old level before it changes */
        double lo = fmin(level, old), hi = fmax(level, old);
        if (fh->stale) {   /* level 1: the capped below it flip */
            for (size_t i = 0; i < h->nfluid; i++) {
                struct fluid_guest *f = h->fluid[i]->fl;
                if (f->capped && f->rec.ell < 1)
                    touch(sim, h, f);
            }
        } else {
            visit_range(sim, h, fh->by_level.root, false, lo, hi, false, touch);
        }
        visit_range(sim, h, fh->by_theta.root, true, lo * (1 - THETA_MARGIN),
                    hi * (1 + THETA_MARGIN), true, touch);
        for (size_t i = reshaped; i < fh->ntouch; i++)
            guest_advance(sim, fh->touch[i]);
        fh->level = level;
        fh->level_since = sim->now;
    }
    for (size_t i = 0; i < fh->ntouch; i++)
        guest_settle(sim, h, fh->touch[i]);
    for (size_t i = 0; i < fh->ntouch; i++)
        fh->touch[i]->fl->queued = false;
    fh->ntouch = 0;
    h->sum_demand = demand;
    h->sum_grant = grant;
    h->sum_used = used;
}

void fluid_host_recompute(struct sim *sim, struct host *h)
{
    host_fl(h)->rescan = true;   /* the allocator set new grants */
    host_refresh(sim, h);
}

static void host_refluid(struct sim *sim, struct sim_event *ev)
{
    host_refresh(sim, container_of(ev, struct host, refluid_ev));
}

static void request_refluid(struct sim *sim, struct host *h)
{
    if (!sim_event_pending(&h->refluid_ev)) {
        h->refluid_ev.fn = host_refluid;
        evq_push_now(&sim->evq, &h->refluid_ev, sim->now, SIM_EVC_DISPATCH);
    }
}

/* g (up to date at now) joins h: filed at the end of the instant. */
static void host_add(struct sim *sim, struct host *h, struct guest *g)
{
    struct fluid_host *fh = host_fl(h);
    struct fluid_guest *f = g->fl;
    fluid_host_advance(sim, h);
    h->fluid = xgrow(h->fluid, &h->fluidcap, h->nfluid + 1, sizeof *h->fluid);
    f->idx = h->nfluid;
    h->fluid[h->nfluid++] = g;
    f->last = sim->now;
    f->level_mark = fh->level_acc;
    f->capped = false;
    f->rec.cap = 0;   /* it uses nothing until the instant's recomputation */
    f->prio = sim_mix64(g->seq);
    f->fac = sim__class_factor(sim, g);
    mark_dirty(fh, g);
    fh->rescan = true;
    request_refluid(sim, h);
}

static void host_remove(struct host *h, struct guest *g)
{
    struct fluid_guest *f = g->fl;
    host_drop(h, g);
    h->fluid[f->idx] = h->fluid[--h->nfluid];
    h->fluid[f->idx]->fl->idx = f->idx;
}

void fluid_admit(struct sim *sim, struct guest *g, struct host *h)
{
    struct fluid_guest *f = g->fl;
    /* Its series starts when it starts, which is later than its arrival
     * if it waited in the admission queue. */
    f->step_end = sim__series_step_end(g, 0);
    g->first_start = sim->now;   /* served from its admission on */
    host_add(sim, h, g);
}

void fluid_guest_leave(struct sim *sim, struct guest *g)
{
    struct host *h = g->host;
    fluid_guest_sync(sim, g);
    evq_cancel(&sim->evq, &g->fl->ev);
    host_remove(h, g);
    request_refluid(sim, h);
}

void fluid_guest_join(struct sim *sim, struct guest *g)
{
    host_add(sim, g->host, g);
}

void fluid_guest_changed(struct sim *sim, struct guest *g)
{
    fluid_guest_sync(sim, g);
    mark_dirty(host_fl(g->host), g);
    request_refluid(sim, g->host);
}

double fluid_window_wish(struct sim *sim, struct guest *g)
{
    struct fluid_guest *f = g->fl;
    fluid_guest_sync(sim, g);
    double there = sim_time_to_s(sim->now - guest_side_win(g)->win_from);
    double w = there > 0 ? f->win_wish_acc / there : g->wish;
    f->win_wish_acc = 0;
    return w;
}

static void fluid_depart(struct sim *sim, struct guest *g)
{
    struct host *h = g->host;
    evq_cancel(&sim->evq, &g->fl->ev);
    host_remove(h, g);
    sim__guest_complete(sim, g);
    request_refluid(sim, h);
}

static void fluid_guest_event(struct sim *sim, struct sim_event *ev)
{
    struct fluid_guest *f = container_of(ev, struct fluid_guest, ev);
    struct guest *g = f->guest;
    fluid_guest_sync(sim, g);
    if (f->step < g->series->n && sim->now >= f->step_end) {
        f->step++;
        f->rate = f->step < g->series->n ? g->series->util[f->step] * g->nvcpus * g->speed : 0;
        f->step_end = sim__series_step_end(g, (long)f->step);
    }
    if (f->step >= g->series->n && f->backlog <= 0) {
        fluid_depart(sim, g);
    } else {
        mark_dirty(g->host->fh, g);
        request_refluid(sim, g->host);
    }
}

/* ---- series accounting, both models ---- */

double fluid_series_wish(const struct sim *sim, const struct guest *g, size_t k)
{
    double u = k < g->series->n ? g->series->util[k] : 0;
    double w = u * g->nvcpus * g->speed * sim__class_factor(sim, g);
    return w < g->nvcpus ? w : g->nvcpus;
}

static void grant_advance(struct sim *sim, struct guest *g)
{
    g->sa->grant_acc += g->grant * sim_time_to_s(sim->now - g->sa->grant_last);
    g->sa->grant_last = sim->now;
}

void fluid_series_grants_advance(struct sim *sim, struct host *h)
{
    for (size_t i = 0; h->nseries > 0 && i < h->nguests; i++)
        if (h->guests[i]->series)
            grant_advance(sim, h->guests[i]);
}

/* The core-seconds g has used so far. */
static double used_so_far(struct sim *sim, struct guest *g)
{
    if (g->fl) {
        fluid_guest_sync(sim, g);
        return g->sa->used_s;
    }
    double used = 0;
    for (int i = 0; i < g->nvcpus; i++) {
        const struct vcpu *v = &g->vcpu[i];
        used += sim_time_to_s(v->cpu_time);
        if (v->state == VCPU_RUNNING)
            used += sim_time_to_s(sim->now - v->core->busy_since);
    }
    for (int i = 0; i < g->host->ncores; i++) {
        const struct pcpu *c = &g->host->cores[i];
        if (c->poller && c->poller->guest == g && sim->now > c->busy_since)
            used += sim_time_to_s(sim->now - c->busy_since);   /* its HLT exit and polling */
    }
    return used;
}

double fluid_series_used(struct sim *sim, struct guest *g) { return used_so_far(sim, g); }

/* Close g's interval in force at now: demand is the interval's if it is
 * one of the series' (k < n), none after it. */
static void account_interval(struct sim *sim, struct guest *g)
{
    const struct util_series *s = g->series;
    double used_now = used_so_far(sim, g);
    grant_advance(sim, g);
    double used = used_now - g->sa->acct_used;
    double grant = g->sa->grant_acc - g->sa->acct_grant;
    double demand = 0;
    if (g->sa->acct_step < (long)s->n)
        demand = fmin(s->util[g->sa->acct_step], 1.0) * s->interval * g->nvcpus * g->speed *
                 sim__class_factor(sim, g);
    g->sa->demand_s += demand;
    if (demand > used)
        g->sa->unmet_s += demand - used;
    if (grant > used)
        g->sa->idle_s += grant - used;
    g->sa->acct_used = used_now;
    g->sa->acct_grant = g->sa->grant_acc;
}

void fluid_series_begin(struct sim *sim, struct guest *g)
{
    /* A fluid's progress counts from here, before anything (the
     * consolidation's accounting) reads it: a guest that waited for
     * admission was served nothing while it waited. */
    if (g->fl)
        g->fl->last = sim->now;
    g->sa->acct_step = 0;
    g->sa->acct_used = 0;
    g->sa->acct_grant = g->sa->grant_acc;
    g->sa->acct_ev.fn = series_acct_event;
    evq_push(&sim->evq, &g->sa->acct_ev, sim__series_step_end(g, 0), SIM_EVC_CONTROL);
}

static void series_acct_event(struct sim *sim, struct sim_event *ev)
{
    struct guest *g = container_of(ev, struct series_acct, acct_ev)->guest;
    account_interval(sim, g);
    g->sa->acct_step++;
    if (!g->fl)
        fluid_series_host_rates(sim, g->host);
    if (g->sa->acct_step < (long)g->series->n)
        evq_push(&sim->evq, ev, sim__series_step_end(g, g->sa->acct_step), SIM_EVC_CONTROL);
}

void fluid_series_account(struct sim *sim, struct guest *g)
{
    account_interval(sim, g);
    g->sa->acct_step = (long)g->series->n;
}

static void series_host_advance(struct sim *sim, struct host *h)
{
    double dt = sim_time_to_s(sim->now - h->ser_last);
    if (dt > 0) {
        h->ser_acc_demand += h->ser_demand * dt;
        h->ser_acc_grant += h->ser_grant * dt;
    }
    h->ser_last = sim->now;
}

void fluid_series_host_rates(struct sim *sim, struct host *h)
{
    series_host_advance(sim, h);
    double demand = 0, grant = 0;
    for (size_t i = 0; i < h->nguests; i++) {
        const struct guest *g = h->guests[i];
        if (!g->series || g->fl)
            continue;
        if (g->sa->acct_step < (long)g->series->n)
            demand += fmin(g->series->util[g->sa->acct_step], 1.0) * g->nvcpus * g->speed *
                      sim__class_factor(sim, g);
        grant += fmin(caps_cores(g), g->nvcpus);
    }
    h->ser_demand = demand;
    h->ser_grant = grant;
}

void fluid_series_host_acc(struct sim *sim, struct host *h, double out[2])
{
    series_host_advance(sim, h);
    out[0] = h->ser_acc_demand;
    out[1] = h->ser_acc_grant;
}
