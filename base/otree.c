/*
 * base/otree.c - see otree.h.  Insert and erase are recursive on the
 * search path (depth O(log n) expected), rotating to restore the heap
 * order of priorities and updating aggregates on the way back up.
 */
#include "base/otree.h"

#include <assert.h>

void otree_init(struct otree *t, otree_cmp_fn cmp, otree_update_fn update)
{
    t->root = NULL;
    t->n = 0;
    t->cmp = cmp;
    t->update = update;
}

static inline void upd(const struct otree *t, struct otree_node *n)
{
    if (t->update)
        t->update(n);
}

/* Rotate the left child of *p up (p's subtree keeps its order). */
static void rotate_right(const struct otree *t, struct otree_node **p)
{
    struct otree_node *n = *p, *l = n->left;
    n->left = l->right;
    l->right = n;
    upd(t, n);
    upd(t, l);
    *p = l;
}

static void rotate_left(const struct otree *t, struct otree_node **p)
{
    struct otree_node *n = *p, *r = n->right;
    n->right = r->left;
    r->left = n;
    upd(t, n);
    upd(t, r);
    *p = r;
}

static void insert_at(const struct otree *t, struct otree_node **p, struct otree_node *n)
{
    if (!*p) {
        *p = n;
        upd(t, n);
        return;
    }
    struct otree_node *q = *p;
    if (t->cmp(n, q) < 0) {
        insert_at(t, &q->left, n);
        if (q->left->prio > q->prio)
            rotate_right(t, p);
        else
            upd(t, q);
    } else {
        insert_at(t, &q->right, n);
        if (q->right->prio > q->prio)
            rotate_left(t, p);
        else
            upd(t, q);
    }
}

void otree_insert(struct otree *t, struct otree_node *n, uint64_t prio)
{
    n->left = n->right = NULL;
    n->prio = prio;
    insert_at(t, &t->root, n);
    t->n++;
}

/* Take the node at *p out: rotate it down below its children until it
 * is a leaf, then drop it. */
static void remove_here(const struct otree *t, struct otree_node **p)
{
    struct otree_node *n = *p;
    if (!n->left || !n->right) {
        *p = n->left ? n->left : n->right;
        return;
    }
    if (n->left->prio > n->right->prio) {
        rotate_right(t, p);
        remove_here(t, &(*p)->right);
    } else {
        rotate_left(t, p);
        remove_here(t, &(*p)->left);
    }
    upd(t, *p);
}

static void erase_at(const struct otree *t, struct otree_node **p, struct otree_node *n)
{
    struct otree_node *q = *p;
    assert(q);
    if (q == n) {
        remove_here(t, p);
        return;
    }
    erase_at(t, t->cmp(n, q) < 0 ? &q->left : &q->right, n);
    upd(t, q);
}

void otree_erase(struct otree *t, struct otree_node *n)
{
    erase_at(t, &t->root, n);
    n->left = n->right = NULL;
    t->n--;
}

static void update_all(const struct otree *t, struct otree_node *n)
{
    if (!n)
        return;
    update_all(t, n->left);
    update_all(t, n->right);
    upd(t, n);
}

/* The Cartesian tree of the sequence by priority: the right spine is a
 * stack (kept in sorted[0, top), which the scan has passed). */
void otree_build(struct otree *t, struct otree_node **sorted, size_t n)
{
    size_t top = 0;
    for (size_t i = 0; i < n; i++) {
        struct otree_node *x = sorted[i], *last = NULL;
        x->left = x->right = NULL;
        while (top > 0 && sorted[top - 1]->prio < x->prio)
            last = sorted[--top];
        x->left = last;
        if (top > 0)
            sorted[top - 1]->right = x;
        sorted[top++] = x;
    }
    t->root = top > 0 ? sorted[0] : NULL;
    t->n = n;
    update_all(t, t->root);
}

struct otree_node *otree_first(const struct otree *t)
{
    struct otree_node *n = t->root;
    while (n && n->left)
        n = n->left;
    return n;
}

struct otree_node *otree_last(const struct otree *t)
{
    struct otree_node *n = t->root;
    while (n && n->right)
        n = n->right;
    return n;
}
