/*
 * tests/test_rooms.c - the index of hosts by room (models/rooms.h) gives
 * exactly the host a scan gives, for best fit and worst fit, as hosts fill
 * and empty: memory limits or none, an overcommit limit or none, ties in
 * room (equal hosts), and guests that fit nowhere.  Also the treap under
 * it (base/otree.h): order and aggregates after random inserts and erases.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/place.h"
#include "base/otree.h"
#include "models/rooms.h"

/* The scans the policies did before the index. */
static struct host *scan(struct host *hosts, int n, const struct guest *g, int sign)
{
    struct host *pick = NULL;
    for (int i = 0; i < n; i++)
        if (host_fits(&hosts[i], g) && (!pick || sign * place_compare_room(&hosts[i], pick) > 0))
            pick = &hosts[i];
    return pick;
}

static void check_platform(double mem, double overcommit, int cores_mod, unsigned long seed)
{
    enum { N = 97, STEPS = 4000 };
    struct host *hosts = calloc(N, sizeof *hosts);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, seed);
    for (int i = 0; i < N; i++) {
        hosts[i].index = i;
        hosts[i].ncores = 4 + (cores_mod ? i % cores_mod : 0);
        hosts[i].mem_mb = mem;
        hosts[i].vcpu_limit = overcommit > 0 ? overcommit * hosts[i].ncores : 0;
    }
    struct host_rooms rooms;
    rooms_init(&rooms, hosts, N);
    long fitted = 0, none = 0;
    for (int step = 0; step < STEPS; step++) {
        struct guest g = {0};
        g.nvcpus = 1 + (int)gsl_rng_uniform_int(r, 4);
        g.mem_mb = mem > 0 ? 256.0 * (1 + gsl_rng_uniform_int(r, 16)) : 0;
        struct host *best = rooms_best(&rooms, &g), *worst = rooms_worst(&rooms, &g);
        cr_assert_eq(best, scan(hosts, N, &g, -1), "step %d: best fit %d, the scan %d", step,
                     best ? best->index : -1, scan(hosts, N, &g, -1) ? scan(hosts, N, &g, -1)->index : -1);
        cr_assert_eq(worst, scan(hosts, N, &g, +1), "step %d: worst fit", step);
        /* place on one of them, or free something */
        struct host *h = gsl_rng_uniform(r) < 0.5 ? best : worst;
        if (h && gsl_rng_uniform(r) < 0.9) {
            h->mem_used += g.mem_mb;
            h->vcpus_placed += g.nvcpus;
            rooms_changed(&rooms, h);
            fitted++;
        } else {
            none += !h;
            struct host *k = &hosts[gsl_rng_uniform_int(r, N)];
            if (k->vcpus_placed > 0) {
                long v = 1 + (long)gsl_rng_uniform_int(r, (unsigned long)k->vcpus_placed);
                k->vcpus_placed -= v;
                k->mem_used = k->vcpus_placed ? k->mem_used * 0.5 : 0;
                rooms_changed(&rooms, k);
            }
        }
    }
    cr_expect_gt(fitted, 100, "the platform never filled");
    if (mem > 0 || overcommit > 0)
        cr_expect_gt(none, 0, "no guest ever failed to fit: the full case is untested");
    gsl_rng_free(r);
    free(hosts);
}

Test(rooms, the_index_gives_the_scans_host)
{
    check_platform(0, 1.5, 0, 1);        /* vCPU slots only, equal hosts: ties */
    check_platform(0, 7, 3, 2);          /* hosts of 4, 5, 6 cores */
    check_platform(8192, 0, 0, 3);       /* memory only */
    check_platform(8192, 2, 5, 4);       /* both */
    check_platform(0, 0, 0, 5);          /* no limit at all: everything fits everywhere */
}

/* ---- the treap ---- */

struct item {
    struct otree_node node;
    double key;
    int id;
    double sum;   /* aggregate: the sum of key over the subtree */
    int count;
};

static int item_cmp(const struct otree_node *a, const struct otree_node *b)
{
    const struct item *x = container_of(a, struct item, node), *y = container_of(b, struct item, node);
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static void item_update(struct otree_node *n)
{
    struct item *x = container_of(n, struct item, node);
    x->sum = x->key;
    x->count = 1;
    if (n->left) {
        x->sum += container_of(n->left, struct item, node)->sum;
        x->count += container_of(n->left, struct item, node)->count;
    }
    if (n->right) {
        x->sum += container_of(n->right, struct item, node)->sum;
        x->count += container_of(n->right, struct item, node)->count;
    }
}

/* In-order walk: keys ascending, heap order of priorities, aggregates
 * right; returns the count. */
static int walk(const struct otree_node *n, const struct item **prev)
{
    if (!n)
        return 0;
    const struct item *x = container_of(n, struct item, node);
    if (n->left)
        cr_assert_geq(n->prio, n->left->prio);
    if (n->right)
        cr_assert_geq(n->prio, n->right->prio);
    int c = walk(n->left, prev);
    if (*prev)
        cr_assert_lt(item_cmp(&(*prev)->node, n), 0, "out of order");
    *prev = x;
    c += 1 + walk(n->right, prev);
    cr_assert_eq(c, x->count);
    return c;
}

Test(rooms, treap_order_and_aggregates)
{
    enum { N = 2000 };
    static struct item it[N];
    bool in[N] = {false};
    struct otree t;
    otree_init(&t, item_cmp, item_update);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 7);
    int n = 0;
    double sum = 0;
    for (int step = 0; step < 20000; step++) {
        int k = (int)gsl_rng_uniform_int(r, N);
        if (in[k]) {
            otree_erase(&t, &it[k].node);
            sum -= it[k].key;
            n--;
        } else {
            it[k].key = floor(gsl_rng_uniform(r) * 50);   /* ties, broken by id */
            it[k].id = k;
            otree_insert(&t, &it[k].node, gsl_rng_get(r));
            sum += it[k].key;
            n++;
        }
        in[k] = !in[k];
    }
    const struct item *prev = NULL;
    cr_assert_eq(walk(t.root, &prev), n);
    cr_assert_eq(t.n, (size_t)n);
    cr_expect_eq(container_of(t.root, struct item, node)->sum, sum);   /* integers: exact */
    cr_expect_eq(otree_last(&t), &prev->node);
    gsl_rng_free(r);
}

/* A build from sorted nodes is the tree the inserts make: same shape
 * (so the aggregates are summed in the same order), same sums. */
static int node_cmp_sort(const void *a, const void *b)
{
    return item_cmp(*(struct otree_node *const *)a, *(struct otree_node *const *)b);
}

Test(rooms, treap_build_equals_inserts)
{
    enum { N = 1500 };
    static struct item it[N];
    static struct otree_node *sorted[N];
    static struct otree_node *left[N], *right[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
    gsl_rng_set(r, 11);
    struct otree t, b;
    otree_init(&t, item_cmp, item_update);
    otree_init(&b, item_cmp, item_update);
    for (int k = 0; k < N; k++) {
        it[k].key = floor(gsl_rng_uniform(r) * 100);   /* ties, broken by id */
        it[k].id = k;
        otree_insert(&t, &it[k].node, gsl_rng_get(r));
    }
    for (int k = 0; k < N; k++) {   /* the inserted tree, before the build relinks it */
        left[k] = it[k].node.left;
        right[k] = it[k].node.right;
        sorted[k] = &it[k].node;
    }
    const struct otree_node *root = t.root;
    double sum = container_of(root, struct item, node)->sum;
    qsort(sorted, N, sizeof *sorted, node_cmp_sort);
    otree_build(&b, sorted, N);
    cr_assert_eq(b.root, root);
    cr_assert_eq(b.n, (size_t)N);
    for (int k = 0; k < N; k++) {
        cr_assert_eq(it[k].node.left, left[k], "node %d: another left child", k);
        cr_assert_eq(it[k].node.right, right[k], "node %d: another right child", k);
    }
    cr_expect_eq(container_of(b.root, struct item, node)->sum, sum);
    const struct item *prev = NULL;
    cr_assert_eq(walk(b.root, &prev), N);
    otree_build(&b, sorted, 0);
    cr_assert_null(b.root);
    gsl_rng_free(r);
}
