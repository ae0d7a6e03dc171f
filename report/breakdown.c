/*
 * report/breakdown.c - see breakdown.h.
 *
 * Cost: O(1) per guest for classes, O(log p) for p distinct priorities
 * (a sorted array; traces have a handful); memory O(classes + p).
 */
#include "report/breakdown.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "sim/metrics.h"

void breakdown_init(struct breakdown *b, const struct sim_experiment *x)
{
    memset(b, 0, sizeof *b);
    b->warmup = x->warmup;
    b->class_names = x->hw.class_names;
    b->nclasses = x->hw.class_names ? x->hw.nclasses : 0;
    b->cls = xcalloc(b->nclasses ? b->nclasses : 1, sizeof *b->cls);
}

void breakdown_free(struct breakdown *b)
{
    free(b->cls);
    free(b->prio);
    memset(b, 0, sizeof *b);
}

bool breakdown_missed(const struct sim_job_info *j)
{
    return j->guest->deadline >= 0 && j->finish > j->guest->deadline;
}

const char *breakdown_class_name(const struct sim_experiment *x, const struct guest *g)
{
    if (!x->hw.class_names || g->cls < 0 || (size_t)g->cls >= x->hw.nclasses)
        return "";
    return x->hw.class_names[g->cls];
}

/* What a guest adds to each group it belongs to. */
struct group_sample {
    sim_time_t turn, wait, resp;
    double slow;
    bool with_deadline, missed;
};

static void group_add(struct breakdown_group *grp, const struct group_sample *x)
{
    grp->completed++;
    sim_acc_add(&grp->sum_turn, x->turn);
    sim_acc_add(&grp->sum_wait, x->wait);
    sim_acc_add(&grp->sum_resp, x->resp);
    grp->sum_slow += x->slow;
    grp->with_deadline += x->with_deadline;
    grp->missed += x->missed;
}

/* The group of priority p, inserted in order if new. */
static struct breakdown_group *prio_group(struct breakdown *b, double p)
{
    size_t lo = 0, hi = b->nprio;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (b->prio[mid].priority < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < b->nprio && b->prio[lo].priority == p)
        return &b->prio[lo];
    b->prio = xgrow(b->prio, &b->priocap, b->nprio + 1, sizeof *b->prio);
    memmove(&b->prio[lo + 1], &b->prio[lo], (b->nprio - lo) * sizeof *b->prio);
    b->nprio++;
    memset(&b->prio[lo], 0, sizeof *b->prio);
    b->prio[lo].priority = p;
    return &b->prio[lo];
}

void breakdown_add(struct breakdown *b, const struct sim_job_info *j)
{
    if (b->seen++ < b->warmup)
        return;
    const struct guest *g = j->guest;
    sim_time_t turn = j->finish - g->arrival;
    struct group_sample x = {
        .turn = turn,
        .wait = turn - j->service,
        .resp = g->first_start - g->arrival,
        .slow = (double)turn / (double)metrics_slowdown_size(g),
        .with_deadline = g->deadline >= 0,
        .missed = breakdown_missed(j),
    };
    size_t c = g->cls >= 0 && (size_t)g->cls < b->nclasses ? (size_t)g->cls : 0;
    if (!b->mixed) {
        if (b->all.completed == 0) {
            b->only_cls = c;
            prio_group(b, g->priority);   /* its key; its sums are all's */
        } else if (c != b->only_cls || g->priority != b->prio[0].priority) {
            /* The groups so far were all: they become groups of their own. */
            double p = b->prio[0].priority;
            b->cls[b->only_cls] = b->all;
            b->prio[0] = b->all;
            b->prio[0].priority = p;
            b->mixed = true;
        }
    }
    group_add(&b->all, &x);
    if (b->mixed) {
        group_add(&b->cls[c], &x);
        group_add(prio_group(b, g->priority), &x);
    }
}

/* Class c's group, and priority group i, as the summary reads them
 * (until a guest of another class or priority came, they are `all`). */
static const struct breakdown_group *class_group(const struct breakdown *b, size_t c)
{
    return !b->mixed && b->all.completed > 0 && c == b->only_cls ? &b->all : &b->cls[c];
}

static const struct breakdown_group *prio_group_of(const struct breakdown *b, size_t i)
{
    return !b->mixed ? &b->all : &b->prio[i];
}

void breakdown_deadlines(const struct breakdown *b, double *with_deadline, double *missed)
{
    *with_deadline = (double)b->all.with_deadline;
    *missed = (double)b->all.missed;
}

/* ---- the summary ---- */

static json_t *num(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 9e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

/* Mean over the replications that have the group. */
struct group_mean {
    double n, completed, turn, wait, resp, slow, with_deadline, missed;
};

static void mean_add(struct group_mean *m, const struct breakdown_group *g)
{
    if (g->completed == 0)
        return;
    double n = (double)g->completed;
    m->n++;
    m->completed += n;
    m->turn += (double)(sim_acc_value(&g->sum_turn) / n * 1e-9L);
    m->wait += (double)(sim_acc_value(&g->sum_wait) / n * 1e-9L);
    m->resp += (double)(sim_acc_value(&g->sum_resp) / n * 1e-9L);
    m->slow += g->sum_slow / n;
    m->with_deadline += (double)g->with_deadline;
    m->missed += (double)g->missed;
}

static json_t *group_json(const struct group_mean *m)
{
    json_t *o = json_object();
    double k = m->n;
    json_object_set_new(o, "completed", num(m->completed / k));
    json_object_set_new(o, "turnaround_mean", num(m->turn / k));
    json_object_set_new(o, "waiting_mean", num(m->wait / k));
    json_object_set_new(o, "response_mean", num(m->resp / k));
    json_object_set_new(o, "slowdown_mean", num(m->slow / k));
    json_object_set_new(o, "deadline_missed", num(m->missed / k));
    return o;
}

void breakdown_summary(json_t *summary, const struct breakdown *b, size_t n)
{
    struct group_mean all = {0};
    for (size_t r = 0; r < n; r++) {
        all.with_deadline += (double)b[r].all.with_deadline;
        all.missed += (double)b[r].all.missed;
    }
    json_t *d = json_object();
    json_object_set_new(d, "guests", num(all.with_deadline / (double)n));
    json_object_set_new(d, "missed", num(all.missed / (double)n));
    json_object_set_new(d, "miss_ratio", all.with_deadline > 0
                                             ? json_real(all.missed / all.with_deadline)
                                             : json_null());
    json_object_set_new(summary, "deadlines", d);

    json_t *by_class = json_object();
    for (size_t c = 0; n > 0 && c < (b[0].nclasses ? b[0].nclasses : 1); c++) {
        struct group_mean m = {0};
        for (size_t r = 0; r < n; r++)
            mean_add(&m, class_group(&b[r], c));
        if (m.n > 0)
            json_object_set_new(by_class, b[0].nclasses ? b[0].class_names[c] : "default",
                                group_json(&m));
    }
    json_object_set_new(summary, "by_class", by_class);

    /* every priority seen in any replication, in order */
    double *keys = NULL;
    size_t nkeys = 0, cap = 0;
    for (size_t r = 0; r < n; r++)
        for (size_t i = 0; i < b[r].nprio; i++) {
            bool seen = false;
            for (size_t k = 0; k < nkeys && !seen; k++)
                seen = keys[k] == b[r].prio[i].priority;
            if (!seen) {
                keys = xgrow(keys, &cap, nkeys + 1, sizeof *keys);
                keys[nkeys++] = b[r].prio[i].priority;
            }
        }
    for (size_t i = 1; i < nkeys; i++)
        for (size_t k = i; k > 0 && keys[k - 1] > keys[k]; k--) {
            double t = keys[k];
            keys[k] = keys[k - 1];
            keys[k - 1] = t;
        }
    json_t *by_prio = json_array();
    for (size_t k = 0; k < nkeys; k++) {
        struct group_mean m = {0};
        for (size_t r = 0; r < n; r++)
            for (size_t i = 0; i < b[r].nprio; i++)
                if (b[r].prio[i].priority == keys[k])
                    mean_add(&m, prio_group_of(&b[r], i));
        json_t *o = json_object();
        json_object_set_new(o, "priority", num(keys[k]));
        json_object_update_new(o, group_json(&m));
        json_array_append_new(by_prio, o);
    }
    free(keys);
    json_object_set_new(summary, "by_priority", by_prio);
}
