/*
 * allocators/alloc-static.c - static allocation: fixed at admission.
 *
 * By default a guest is granted its requested vCPUs (grant = vcpus cores)
 * for its whole life, whatever it does: a guest that demands less leaves
 * its grant idle, one that demands more cannot have it (it is capped at
 * its vCPUs anyway).  With --share equal, the host's cores are split
 * equally among the guests on it, W_i = F_i x H_i with F_i = 1/n and H_i
 * the host's cores (the seed's VM-level share), recomputed when a guest
 * arrives or leaves, never because of what they demand.
 */
#include "allocators/alloc.h"

enum static_share { STATIC_REQUESTED, STATIC_EQUAL };

struct static_conf {
    int share;            /* enum static_share */
};

static const struct param_def static_params[] = {
    {"share", PARAM_CHOICE, offsetof(struct static_conf, share), "requested",
     .choices = "requested|equal", .metavar = "requested|equal", .help = "static: a guest's "
     "grant is its requested vCPUs, or an equal share of its host's cores"},
    {NULL},
};

static void static_equal_shares(struct host *h)
{
    if (h->nguests == 0)
        return;
    double share = (double)h->ncores / (double)h->nguests;
    for (size_t i = 0; i < h->nguests; i++) {
        struct guest *g = h->guests[i];
        g->grant = share < g->nvcpus ? share : g->nvcpus;
    }
}

static void static_admit(const void *conf, struct host *h, struct guest *g)
{
    const struct static_conf *c = conf;
    if (c->share == STATIC_EQUAL)
        static_equal_shares(h);
    else
        g->grant = g->nvcpus;
}

static void static_depart(const void *conf, struct host *h)
{
    const struct static_conf *c = conf;
    if (c->share == STATIC_EQUAL)
        static_equal_shares(h);
}

const struct alloc_ops alloc_ops_static = {
    .info = {
        .name = "static",
        .desc = "fixed at admission: the requested vCPUs (or, with --share equal, equal "
                "shares of the host)",
        .params = static_params,
        .conf_size = sizeof(struct static_conf),
    },
    .admit = static_admit,
    .depart = static_depart,
};
