/*
 * allocators/alloc-demand.c - demand-based allocation, the seed's loop:
 *
 *   collect   R_i = C_i x T_i: guest i's demand over the last monitoring
 *             window T_i (--interval), C_i its observed utilisation: the
 *             core time it wished to use (its arrival rate of work, or all
 *             its vCPUs while it has a backlog), in cores, averaged over
 *             the part of the window it was there;
 *   allocate  A_i = R_i x S_i: each demand with --headroom, at least
 *             --floor cores, scaled by S = min(1, capacity / sum) so that
 *             the grants fit the host (proportional share), and at most
 *             the guest's vCPUs;
 *   monitor   and adjust: again every interval.
 *
 * The grant follows demand with the lag of one interval: a guest whose
 * demand rises is capped at its old grant until the next re-allocation
 * (unmet demand), one whose demand falls keeps a grant it does not use
 * (idle allocation).  A newcomer starts with its current wish.
 */
#include "allocators/alloc.h"

static double demand_wanted(const struct alloc_params *p, double wish)
{
    double a = wish * p->headroom;
    return a < p->floor ? p->floor : a;
}

static void demand_admit(const struct alloc_params *p, struct host *h, struct guest *g)
{
    (void)h;
    double a = demand_wanted(p, g->fl->wish);
    g->fl->grant = a < g->nvcpus ? a : g->nvcpus;
}

static bool demand_reallocate(const struct alloc_params *p, struct host *h, double window)
{
    if (h->nfluid == 0 || window <= 0)
        return false;
    double sum = 0;
    for (size_t i = 0; i < h->nfluid; i++) {
        struct fluid_guest *f = h->fluid[i]->fl;
        /* collect: R_i / T_i, the mean wish over the window (sim/fluid.c
         * leaves it in win_wish) */
        f->win_wish = demand_wanted(p, f->win_wish);
        sum += f->win_wish;
    }
    double scale = sum > h->ncores ? (double)h->ncores / sum : 1.0;   /* S_i */
    bool changed = false;
    for (size_t i = 0; i < h->nfluid; i++) {
        struct guest *g = h->fluid[i];
        double a = g->fl->win_wish * scale;                             /* A_i */
        if (a > g->nvcpus)
            a = g->nvcpus;
        changed |= a != g->fl->grant;
        g->fl->grant = a;
    }
    return changed;
}

const struct alloc_ops alloc_ops_demand = {
    .name = "demand",
    .desc = "collect each guest's demand every --interval, grant it (with --headroom, at "
            "least --floor) in proportion when the host is short",
    .periodic = true,
    .admit = demand_admit,
    .reallocate = demand_reallocate,
};
