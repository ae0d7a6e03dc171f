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

struct demand_conf {
    sim_time_t interval;  /* re-allocation period, the monitoring window */
    double headroom;      /* grant = demand x headroom */
    double floor;         /* at least this many cores per guest */
};

static const struct param_def demand_params[] = {
    {"interval", PARAM_DURATION, offsetof(struct demand_conf, interval), "300s", 0,
     SIM_SECONDS_MAX, PARAM_MIN_OPEN, .metavar = "DUR", .help = "demand: re-allocation "
     "period, the monitoring window; the default is the 5-minute sampling of the "
     "PlanetLab traces"},
    {"headroom", PARAM_REAL, offsetof(struct demand_conf, headroom), "1", 1, 100,
     .metavar = "F", .help = "demand: grant demand x F"},
    {"floor", PARAM_REAL, offsetof(struct demand_conf, floor), "0.01", 0, 1e6,
     .metavar = "CORES", .help = "demand: grant every guest at least this many cores"},
    {NULL},
};

static sim_time_t demand_period(const void *conf)
{
    const struct demand_conf *c = conf;
    return c->interval;
}

static double demand_wanted(const struct demand_conf *c, double wish)
{
    double a = wish * c->headroom;
    return a < c->floor ? c->floor : a;
}

static void demand_admit(const void *conf, struct host *h, struct guest *g)
{
    (void)h;
    double a = demand_wanted(conf, g->wish);
    g->grant = a < g->nvcpus ? a : g->nvcpus;
}

static bool demand_reallocate(const void *conf, struct host *h, double window)
{
    const struct demand_conf *p = conf;
    if (h->nguests == 0 || window <= 0)
        return false;
    double sum = 0;
    for (size_t i = 0; i < h->nguests; i++) {
        struct guest *g = h->guests[i];
        /* collect: R_i / T_i, the mean wish over the window (the engine
         * leaves it in the window's win_wish: the runnable core-time of
         * its vCPUs, or a fluid's wish, over the window) */
        struct alloc_window *w = guest_side_win(g);
        w->win_wish = demand_wanted(p, w->win_wish);
        sum += w->win_wish;
    }
    double scale = sum > h->ncores ? (double)h->ncores / sum : 1.0;   /* S_i */
    bool changed = false;
    for (size_t i = 0; i < h->nguests; i++) {
        struct guest *g = h->guests[i];
        double a = guest_side_win(g)->win_wish * scale;                 /* A_i */
        if (a > g->nvcpus)
            a = g->nvcpus;
        changed |= a != g->grant;
        g->grant = a;
    }
    return changed;
}

const struct alloc_ops alloc_ops_demand = {
    .info = {
        .name = "demand",
        .desc = "collect each guest's demand every --interval, grant it (with --headroom, at "
                "least --floor) in proportion when the host is short",
        .params = demand_params,
        .conf_size = sizeof(struct demand_conf),
    },
    .period = demand_period,
    .admit = demand_admit,
    .reallocate = demand_reallocate,
};
