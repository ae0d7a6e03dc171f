/*
 * base/otree.h - an ordered index: an intrusive treap (Seidel and Aragon,
 * "Randomized search trees", Algorithmica 16, 1996) whose nodes carry
 * aggregates of their subtree.
 *
 * Promises:
 *   - the owner embeds struct otree_node in its object and recovers it
 *     with container_of; the tree never allocates;
 *   - order is the owner's cmp, which must be a total order (break ties
 *     with an id); a node's key must not change while it is in the tree
 *     (erase, change, insert);
 *   - insert and erase are O(log n) expected, a build from sorted nodes
 *     O(n), and after each the owner's
 *     update callback has recomputed the aggregates of every node whose
 *     subtree changed, from its children (so sums are recomputed, never
 *     accumulated: they carry no drift);
 *   - the shape, and so the order in which aggregates are summed, depends
 *     only on the sequence of inserts and erases and on each node's
 *     priority, which the owner gives (a hash of a stable id): runs
 *     repeat to the bit.
 *
 * Queries descend from otree_root with the node's left and right
 * children and the owner's aggregates (sim/fluid.c: the water level;
 * models/rooms.c: the host a guest fits best).
 */
#ifndef BASE_OTREE_H
#define BASE_OTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct otree_node {
    struct otree_node *left, *right;
    uint64_t prio;          /* heap order: a parent's prio >= its children's */
};

struct otree;
/* < 0, 0, > 0 as a sorts before, is, after b. */
typedef int (*otree_cmp_fn)(const struct otree_node *a, const struct otree_node *b);
/* Recompute n's aggregates from n and its children (either may be NULL). */
typedef void (*otree_update_fn)(struct otree_node *n);

struct otree {
    struct otree_node *root;
    size_t n;
    otree_cmp_fn cmp;
    otree_update_fn update;   /* NULL: no aggregates */
};

void otree_init(struct otree *t, otree_cmp_fn cmp, otree_update_fn update);
/* Insert n (not in the tree) with priority prio. */
void otree_insert(struct otree *t, struct otree_node *n, uint64_t prio);
/* Remove n (in the tree). */
void otree_erase(struct otree *t, struct otree_node *n);
/* Make t (emptied first) of the n nodes of sorted, in t's order, each with
 * its prio already set: O(n), the very tree the inserts would build (a
 * treap's shape depends only on its keys and priorities, when these are
 * distinct).  The array is used as scratch and left in no order. */
void otree_build(struct otree *t, struct otree_node **sorted, size_t n);
/* The first and last nodes in order, NULL if empty. */
struct otree_node *otree_first(const struct otree *t);
struct otree_node *otree_last(const struct otree *t);

#endif /* BASE_OTREE_H */
