/*
 * schedulers/fair.c - see fair.h.  Function names follow Linux's
 * kernel/sched/fair.c (v6.5 and v6.6) where they do the same thing.
 *
 * The tree is a treap keyed by (vruntime, insertion number) whose
 * priorities come from the insertion number through a fixed mixing
 * function, so that its shape, and hence every pick, is the same on every
 * run; its nodes carry the minimum deadline of their subtree as 6.6's
 * augmented rb-tree does.  Expected O(log n) per operation.
 */
#include "schedulers/fair.h"

#include <math.h>
#include <stdlib.h>

#include "base/xalloc.h"

#define WMULT_CONST 0xFFFFFFFFu   /* ~0U */
#define WMULT_SHIFT 32

unsigned fair_factor(int scaling, int ncpus)
{
    unsigned cpus = ncpus < 1 ? 1 : ncpus > 8 ? 8 : (unsigned)ncpus;
    switch (scaling) {
    case FAIR_SCALING_NONE:
        return 1;
    case FAIR_SCALING_LINEAR:
        return cpus;
    default: {
        unsigned log = 0;   /* ilog2 */
        while (cpus >>= 1)
            log++;
        return 1 + log;
    }
    }
}

unsigned long fair_weight(double w)
{
    double x = w * FAIR_NICE_0_LOAD;
    if (!(x >= FAIR_MIN_SHARES))
        return FAIR_MIN_SHARES;
    if (x > (double)FAIR_MAX_SHARES)
        return FAIR_MAX_SHARES;
    return (unsigned long)llround(x);
}

/* mul_u64_u32_shr: (a x mul) >> shift without a 128-bit product. */
static uint64_t mul_u64_u32_shr(uint64_t a, uint32_t mul, int shift)
{
    uint32_t ah = (uint32_t)(a >> 32), al = (uint32_t)a;
    uint64_t ret = ((uint64_t)al * mul) >> shift;
    if (ah)
        ret += ((uint64_t)ah * mul) << (32 - shift);
    return ret;
}

uint64_t fair_calc_delta(uint64_t delta, unsigned long weight, unsigned long lw)
{
    /* __update_inv_weight */
    uint32_t inv = lw >= WMULT_CONST ? 1 : lw == 0 ? WMULT_CONST : (uint32_t)(WMULT_CONST / lw);
    uint64_t fact = weight;
    int shift = WMULT_SHIFT;
    while (fact >> 32) {
        fact >>= 1;
        shift--;
    }
    fact = (uint64_t)(uint32_t)fact * inv;
    while (fact >> 32) {
        fact >>= 1;
        shift--;
    }
    return mul_u64_u32_shr(delta, (uint32_t)fact, shift);
}

uint64_t fair_calc_delta_fair(uint64_t delta, const struct fair_se *se)
{
    if (se->weight != FAIR_NICE_0_LOAD)
        delta = fair_calc_delta(delta, FAIR_NICE_0_LOAD, se->weight);
    return delta;
}

/* ---- the tree ---- */

/* entity_before, with the insertion order among equal vruntimes (Linux
 * puts an equal key to the right of those already there). */
static bool se_before(const struct fair_se *a, const struct fair_se *b)
{
    int64_t d = fair_vdiff(a->vruntime, b->vruntime);
    return d < 0 || (d == 0 && a->seq < b->seq);
}

static void update_min_deadline(struct fair_se *n)
{
    uint64_t m = n->deadline;
    if (n->left && fair_vdiff(n->left->min_deadline, m) < 0)
        m = n->left->min_deadline;
    if (n->right && fair_vdiff(n->right->min_deadline, m) < 0)
        m = n->right->min_deadline;
    n->min_deadline = m;
}

/* Split t into the nodes before key and the others. */
static void treap_split(struct fair_se *t, const struct fair_se *key, struct fair_se **l,
                        struct fair_se **r)
{
    if (!t) {
        *l = *r = NULL;
    } else if (se_before(t, key)) {
        treap_split(t->right, key, &t->right, r);
        update_min_deadline(t);
        *l = t;
    } else {
        treap_split(t->left, key, l, &t->left);
        update_min_deadline(t);
        *r = t;
    }
}

/* Every node of a before every node of b. */
static struct fair_se *treap_merge(struct fair_se *a, struct fair_se *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (a->prio > b->prio) {
        a->right = treap_merge(a->right, b);
        update_min_deadline(a);
        return a;
    }
    b->left = treap_merge(a, b->left);
    update_min_deadline(b);
    return b;
}

static struct fair_se *treap_insert(struct fair_se *t, struct fair_se *n)
{
    if (!t || n->prio > t->prio) {
        treap_split(t, n, &n->left, &n->right);
        update_min_deadline(n);
        return n;
    }
    if (se_before(n, t))
        t->left = treap_insert(t->left, n);
    else
        t->right = treap_insert(t->right, n);
    update_min_deadline(t);
    return t;
}

static struct fair_se *treap_remove(struct fair_se *t, struct fair_se *n)
{
    if (t == n) {
        struct fair_se *m = treap_merge(n->left, n->right);
        n->left = n->right = NULL;
        return m;
    }
    if (se_before(n, t))
        t->left = treap_remove(t->left, n);
    else
        t->right = treap_remove(t->right, n);
    update_min_deadline(t);
    return t;
}

/* splitmix64's finaliser: well-spread priorities from a counter. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static int64_t entity_key(const struct fair_rq *rq, const struct fair_se *se)
{
    return fair_vdiff(se->vruntime, rq->min_vruntime);
}

void fair_tree_insert(struct fair *f, struct fair_rq *rq, struct fair_se *se)
{
    /* avg_vruntime_add */
    rq->avg_vruntime += entity_key(rq, se) * (int64_t)se->weight;
    rq->avg_load += (long)se->weight;
    se->seq = ++f->ins_seq;
    se->prio = mix(se->seq);
    se->left = se->right = NULL;
    rq->root = treap_insert(rq->root, se);
}

void fair_tree_remove(struct fair_rq *rq, struct fair_se *se)
{
    rq->root = treap_remove(rq->root, se);
    /* avg_vruntime_sub */
    rq->avg_vruntime -= entity_key(rq, se) * (int64_t)se->weight;
    rq->avg_load -= (long)se->weight;
}

struct fair_se *fair_first(const struct fair_rq *rq)
{
    struct fair_se *n = rq->root;
    while (n && n->left)
        n = n->left;
    return n;
}

static struct fair_se *first_for(struct fair_se *t, int k)
{
    if (!t)
        return NULL;
    struct fair_se *se = first_for(t->left, k);
    if (se)
        return se;
    if (vcpu_may_run(t->v, k))
        return t;
    return first_for(t->right, k);
}

struct fair_se *fair_first_for(const struct fair_rq *rq, int k)
{
    return first_for(rq->root, k);
}

/* ---- accounting ---- */

void fair_update_min_vruntime(struct fair_rq *rq)
{
    struct fair_se *curr = rq->curr, *left = fair_first(rq);
    uint64_t v = rq->min_vruntime;
    if (curr)
        v = curr->vruntime;
    if (left)
        v = !curr || fair_vdiff(left->vruntime, v) < 0 ? left->vruntime : v;
    /* never backwards; the keys of avg_vruntime move with the base */
    int64_t d = fair_vdiff(v, rq->min_vruntime);
    if (d > 0) {
        rq->avg_vruntime -= rq->avg_load * d;
        rq->min_vruntime = v;
    }
}

sim_time_t fair_curr_unaccounted(const struct sched *s, const struct fair_rq *rq)
{
    if (!rq->curr)
        return 0;
    return sched_now(s) - rq->c->busy_since - rq->curr->charged;
}

sim_time_t fair_update_curr(struct fair *f, struct fair_rq *rq)
{
    struct fair_se *curr = rq->curr;
    sim_time_t delta = fair_curr_unaccounted(f->s, rq);
    if (!curr || delta <= 0)
        return 0;
    curr->charged += delta;
    curr->sum_exec += delta;
    curr->exec_start = sched_now(f->s);
    curr->vruntime += fair_calc_delta_fair((uint64_t)delta, curr);
    fair_update_min_vruntime(rq);
    return delta;
}

uint64_t fair_avg_vruntime(const struct fair_rq *rq)
{
    const struct fair_se *curr = rq->curr;
    int64_t avg = rq->avg_vruntime;
    long load = rq->avg_load;
    if (curr) {
        avg += entity_key(rq, curr) * (int64_t)curr->weight;
        load += (long)curr->weight;
    }
    if (load) {
        /* a floor: avg_vruntime() + 0 must be eligible */
        if (avg < 0)
            avg -= load - 1;
        avg /= load;
    }
    return rq->min_vruntime + (uint64_t)avg;
}

bool fair_eligible(const struct fair_rq *rq, const struct fair_se *se)
{
    const struct fair_se *curr = rq->curr;
    int64_t avg = rq->avg_vruntime;
    long load = rq->avg_load;
    if (curr) {
        avg += entity_key(rq, curr) * (int64_t)curr->weight;
        load += (long)curr->weight;
    }
    return avg >= entity_key(rq, se) * load;
}

void fair_update_entity_lag(struct fair *f, const struct fair_rq *rq, struct fair_se *se)
{
    int64_t lag = fair_vdiff(fair_avg_vruntime(rq), se->vruntime);
    sim_time_t span = 2 * se->slice > f->tick_ns ? 2 * se->slice : f->tick_ns;
    int64_t limit = (int64_t)fair_calc_delta_fair((uint64_t)span, se);
    se->vlag = lag < -limit ? -limit : lag > limit ? limit : lag;
}

struct fair_se *fair_earliest_eligible(const struct fair_rq *rq, struct fair_se *best)
{
    struct fair_se *node = rq->root, *best_left = NULL;
    while (node) {
        /* not eligible: neither is anything to its right */
        if (!fair_eligible(rq, node)) {
            node = node->left;
            continue;
        }
        if (!best || fair_vdiff(node->deadline, best->deadline) < 0)
            best = node;
        /* everything to its left is eligible: remember the best subtree */
        if (node->left && (!best_left || fair_vdiff(node->left->min_deadline,
                                                    best_left->min_deadline) < 0))
            best_left = node->left;
        node = node->right;
    }
    if (!best_left || (best && fair_vdiff(best_left->min_deadline, best->deadline) >= 0))
        return best;
    /* the earliest deadline is in best_left's subtree, all of it eligible */
    node = best_left;
    for (;;) {
        if (node->deadline == node->min_deadline)
            return node;
        if (node->left && node->left->min_deadline == node->min_deadline)
            node = node->left;
        else
            node = node->right;
    }
}

void fair_account_enqueue(struct fair_rq *rq, struct fair_se *se)
{
    rq->nr_running++;
    rq->load += se->weight;
}

void fair_account_dequeue(struct fair_rq *rq, struct fair_se *se)
{
    rq->nr_running--;
    rq->load -= se->weight;
}

void fair_forget(struct fair_rq *rq, struct fair_se *se)
{
    if (rq->next == se)
        rq->next = NULL;
    if (rq->last == se)
        rq->last = NULL;
    if (rq->pending == se)
        rq->pending = NULL;
}

void fair_set_curr(struct sched *s, struct fair_rq *rq, struct fair_se *se)
{
    fair_forget(rq, se);   /* clear_buddies */
    se->state = FAIR_SE_CURR;
    se->cpu = rq->c->index;
    se->charged = 0;
    se->prev_sum_exec = se->sum_exec;
    se->exec_start = sched_now(s);
    rq->curr = se;
    rq->pending = NULL;
    rq->need_resched = false;
    fair_account_enqueue(rq, se);
}

void fair_resched(struct sched *s, struct fair_rq *rq)
{
    rq->need_resched = true;
    sched_resched(s, rq->c);
}

/* available_idle_cpu: nothing running, nothing queued (a core that polls
 * for a halted vCPU runs that vCPU's thread: busy). */
static bool rq_idle(const struct fair_rq *rq)
{
    return rq->nr_running == 0 && !rq->c->running && !rq->c->poller;
}

struct fair_rq *fair_select_rq(struct sched *s, struct vcpu *v, bool fresh)
{
    struct fair *f = fair_of(s);
    const struct fair_se *se = fair_se_of(v);
    int prev = se->cpu;
    if (!fresh && prev >= 0) {
        if (vcpu_may_run(v, prev) && rq_idle(&f->rq[prev]))
            return &f->rq[prev];
        int socket = f->rq[prev].c->socket;
        for (int i = 1; i < f->nrq; i++) {
            int k = (prev + i) % f->nrq;
            if (f->rq[k].c->socket == socket && vcpu_may_run(v, k) && rq_idle(&f->rq[k]))
                return &f->rq[k];
        }
        if (vcpu_may_run(v, prev))
            return &f->rq[prev];
    }
    /* find_idlest_cpu: an idle pCPU, else the least load */
    struct fair_rq *best = NULL;
    for (int k = 0; k < f->nrq; k++) {
        struct fair_rq *rq = &f->rq[k];
        if (!vcpu_may_run(v, k))
            continue;
        if (rq_idle(rq))
            return rq;
        if (!best || rq->load < best->load)
            best = rq;
    }
    /* An affinity that names no pCPU of this host (the engine refuses
     * one at its trace line; a guest built in memory could still have
     * it): as Linux's select_fallback_rq, give the affinity up rather
     * than keep a vCPU runnable that no pCPU may run. */
    if (!best)
        best = &f->rq[prev >= 0 ? prev : 0];
    return best;
}

struct vcpu *fair_balance(struct sched *s, struct pcpu *c)
{
    struct fair *f = fair_of(s);
    if (s->host->nqueued == 0)
        return NULL;
    bool pinned = s->host->npinned > 0;
    /* the pCPU's own socket (its LLC domain) first, then the host */
    for (int pass = 0; pass < 2; pass++) {
        struct fair_rq *busiest = NULL;
        struct fair_se *pull = NULL;
        for (int k = 0; k < f->nrq; k++) {
            struct fair_rq *rq = &f->rq[k];
            if (k == c->index || !rq->root || !rq->c->running ||
                (pass == 0 && rq->c->socket != c->socket))
                continue;
            struct fair_se *se = pinned ? fair_first_for(rq, c->index) : fair_first(rq);
            if (!se)
                continue;
            if (!busiest || rq->nr_running > busiest->nr_running ||
                (rq->nr_running == busiest->nr_running && rq->load > busiest->load)) {
                busiest = rq;
                pull = se;
            }
        }
        if (pull)
            return pull->v;
    }
    return NULL;
}

/* ---- the instance ---- */

int fair_init(struct sched *s, int scaling, long hz, struct sim_error *err)
{
    (void)err;
    struct fair *f = xcalloc(1, sizeof *f);
    f->s = s;
    f->nrq = s->host->ncores;
    f->rq = xcalloc((size_t)f->nrq, sizeof *f->rq);
    for (int k = 0; k < f->nrq; k++)
        f->rq[k].c = &s->host->cores[k];
    f->factor = fair_factor(scaling, f->nrq);
    f->tick_ns = (SIM_S(1) + hz / 2) / hz;   /* TICK_NSEC */
    s->priv = f;
    return SIM_OK;
}

void fair_fini(struct sched *s)
{
    struct fair *f = fair_of(s);
    if (!f)
        return;
    struct fair_se *se = f->all;
    while (se) {
        struct fair_se *next = se->next_all;
        se->v->sched_slot[0].p = NULL;
        free(se);
        se = next;
    }
    free(f->rq);
    free(f);
    s->priv = NULL;
}

void fair_attach(struct sched *s, struct vcpu *v)
{
    struct fair *f = fair_of(s);
    struct fair_se *se = xcalloc(1, sizeof *se);
    se->v = v;
    se->weight = fair_weight(v->guest->weight);
    se->cpu = -1;
    se->state = FAIR_SE_OFF;
    se->fresh = true;
    se->next_all = f->all;
    if (f->all)
        f->all->prev_all = se;
    f->all = se;
    v->sched_slot[0].p = se;
}

void fair_detach(struct sched *s, struct vcpu *v)
{
    struct fair *f = fair_of(s);
    struct fair_se *se = fair_se_of(v);
    if (!se)
        return;
    if (se->cpu >= 0) {
        struct fair_rq *rq = &f->rq[se->cpu];
        if (se->state == FAIR_SE_QUEUED) {
            fair_tree_remove(rq, se);
            fair_account_dequeue(rq, se);
        } else if (se->state == FAIR_SE_CURR) {
            fair_account_dequeue(rq, se);
            rq->curr = NULL;
        }
        fair_forget(rq, se);
    }
    if (se->prev_all)
        se->prev_all->next_all = se->next_all;
    else
        f->all = se->next_all;
    if (se->next_all)
        se->next_all->prev_all = se->prev_all;
    free(se);
    v->sched_slot[0].p = NULL;
}
