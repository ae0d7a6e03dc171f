/* models/rooms.c - see rooms.h */
#include "models/rooms.h"

#include <math.h>

#include "base/rng.h"

static struct host *host_of(const struct otree_node *n)
{
    return container_of(container_of(n, struct room_node, node), struct host, room);
}

static int room_cmp(const struct otree_node *a, const struct otree_node *b)
{
    const struct room_node *x = container_of(a, struct room_node, node);
    const struct room_node *y = container_of(b, struct room_node, node);
    if (x->mem_room != y->mem_room)
        return x->mem_room < y->mem_room ? -1 : 1;
    if (x->slot_room != y->slot_room)
        return x->slot_room < y->slot_room ? -1 : 1;
    int i = host_of(a)->index, j = host_of(b)->index;
    return (i > j) - (i < j);
}

static void room_update(struct otree_node *n)
{
    struct room_node *x = container_of(n, struct room_node, node);
    x->max_mem = x->fit_mem;
    x->max_vcpus = x->fit_vcpus;
    for (int k = 0; k < 2; k++) {
        struct otree_node *c = k ? n->right : n->left;
        if (!c)
            continue;
        const struct room_node *y = container_of(c, struct room_node, node);
        x->max_mem = fmax(x->max_mem, y->max_mem);
        x->max_vcpus = fmax(x->max_vcpus, y->max_vcpus);
    }
}

/* File h under its present room (the same figures place_compare_room and
 * host_fits compute). */
static void file(struct host_rooms *r, struct host *h)
{
    struct room_node *x = &h->room;
    x->mem_room = h->mem_mb > 0 ? h->mem_mb - h->mem_used : INFINITY;
    x->slot_room = (h->vcpu_limit > 0 ? h->vcpu_limit : h->ncores) - (double)h->vcpus_placed;
    x->fit_mem = h->mem_mb > 0 ? h->mem_mb - h->mem_used : INFINITY;
    x->fit_vcpus = h->vcpu_limit > 0 ? h->vcpu_limit - (double)h->vcpus_placed : INFINITY;
    otree_insert(&r->tree, &x->node, sim_mix64((uint64_t)h->index));
    x->filed = true;
}

void rooms_init(struct host_rooms *r, struct host *hosts, int n)
{
    otree_init(&r->tree, room_cmp, room_update);
    r->hosts = hosts;
    r->nhosts = n;
    r->built = false;
    r->dirty = NULL;
    for (int i = 0; i < n; i++) {
        hosts[i].rooms = r;
        hosts[i].room = (struct room_node){0};
    }
}

static void sync(struct host_rooms *r)
{
    if (!r->built) {
        for (int i = 0; i < r->nhosts; i++)
            file(r, &r->hosts[i]);
        r->built = true;
        return;
    }
    while (r->dirty) {
        struct host *h = r->dirty;
        r->dirty = h->room.next_dirty;
        h->room.dirty = false;
        otree_erase(&r->tree, &h->room.node);
        file(r, h);
    }
}

/* Could some host of n's subtree hold g?  Only false when none can: the
 * margin covers the rounding between a - b >= c and b + c <= a. */
static bool may_fit(const struct otree_node *n, const struct guest *g)
{
    const struct room_node *x = container_of(n, struct room_node, node);
    double m = g->mem_mb, v = g->nvcpus;
    if (x->max_mem < m - 1e-9 * (fabs(m) + fabs(x->max_mem)) - 1e-12)
        return false;
    if (x->max_vcpus < v - 1e-9 * (v + fabs(x->max_vcpus)) - 1e-12)
        return false;
    return true;
}

/* The first node in order, in n's subtree, where g fits and whose key is
 * not before floor's (NULL floor: any). */
static struct host *leftmost_fit(struct otree_node *n, const struct guest *g,
                                 const struct otree_node *floor)
{
    if (!n || !may_fit(n, g))
        return NULL;
    bool here_ok = !floor || room_cmp(n, floor) >= 0;
    if (here_ok) {
        struct host *h = leftmost_fit(n->left, g, floor);
        if (h)
            return h;
        if (host_fits(host_of(n), g))
            return host_of(n);
    }
    return leftmost_fit(n->right, g, floor);
}

/* The last node in order, in n's subtree, where g fits. */
static struct host *rightmost_fit(struct otree_node *n, const struct guest *g)
{
    if (!n || !may_fit(n, g))
        return NULL;
    struct host *h = rightmost_fit(n->right, g);
    if (h)
        return h;
    if (host_fits(host_of(n), g))
        return host_of(n);
    return rightmost_fit(n->left, g);
}

struct host *rooms_best(struct host_rooms *r, const struct guest *g)
{
    sync(r);
    return leftmost_fit(r->tree.root, g, NULL);
}

struct host *rooms_worst(struct host_rooms *r, const struct guest *g)
{
    sync(r);
    struct host *last = rightmost_fit(r->tree.root, g);
    if (!last)
        return NULL;
    /* the lowest index among the hosts with its room: the first that
     * fits from the start of its key */
    struct host probe = {.index = -1};
    probe.room.mem_room = last->room.mem_room;
    probe.room.slot_room = last->room.slot_room;
    return leftmost_fit(r->tree.root, g, &probe.room.node);
}
