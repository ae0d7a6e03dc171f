/*
 * schedulers/eevdf.c - Linux's EEVDF scheduler as merged in v6.6 (Earliest
 * Eligible Virtual Deadline First, Stoica & Abdel-Wahab 1995): what a KVM
 * host runs its vCPU threads with from 6.6 on.
 *
 * Source followed: Linux v6.6, kernel/sched/fair.c (avg_vruntime,
 * avg_vruntime_add/sub/update, update_entity_lag, entity_eligible,
 * __pick_eevdf and pick_eevdf, update_deadline, update_curr,
 * place_entity, set_next_entity's RUN_TO_PARITY hack, check_preempt_wakeup,
 * get_update_sysctl_factor), kernel/sched/features.h (PLACE_LAG,
 * PLACE_DEADLINE_INITIAL, RUN_TO_PARITY, WAKEUP_PREEMPTION, all on;
 * NEXT_BUDDY off), kernel/sched/core.c (sched_prio_to_weight).
 *
 * Each vCPU is a task of weight guest weight x 1024 (nice 0 = 1024) on its
 * pCPU's runqueue (fair.h).  V, the runqueue's avg_vruntime, is the
 * weighted mean of the vruntimes of its vCPUs (running one included); a
 * vCPU is eligible when its lag w (V - vruntime) is >= 0.  Each vCPU asks
 * for base_slice (0.75 ms x (1 + ilog2(min(pCPUs, 8)))) at a time: its
 * virtual deadline is vruntime + base_slice x 1024 / weight.  The pick is
 * the eligible vCPU with the earliest deadline.
 *
 * Preemption:
 *   - update_curr (at each tick, --hz, and whenever the runqueue changes)
 *     gives the running vCPU a new deadline once it has used its request,
 *     and reschedules if others wait (update_deadline);
 *   - a waking vCPU keeps the lag it had when it went to sleep, clamped to
 *     the span of two slices or a tick (PLACE_LAG; the lag is inflated by
 *     (W + w) / W so that it survives its own arrival in the mean) and
 *     preempts the running vCPU if it is now the pick (check_preempt_wakeup);
 *   - RUN_TO_PARITY: a running vCPU that is still eligible keeps the pCPU
 *     until it has used the request it was picked with;
 *   - a new guest's vCPU starts at V, with half a request
 *     (PLACE_DEADLINE_INITIAL).
 * Caps: the engine's CFS-style bandwidth control (sim/caps.c); MODEL.md.
 *
 * Left out: task groups, PELT and the periodic load balancer (a pCPU
 * pulls when it goes idle, fair.c), reweighting of a queued vCPU, the
 * slices per task of later kernels (sched_attr.sched_runtime), HRTICK.
 */
#include "schedulers/fair.h"

struct eevdf_conf {
    sim_time_t base_slice;       /* normalized_sysctl_sched_base_slice */
    int scaling;                 /* enum fair_scaling */
    bool place_lag, place_deadline_initial, run_to_parity, wakeup_preemption;
    long hz;                     /* CONFIG_HZ */
};

#define F(field) offsetof(struct eevdf_conf, field)
static const struct param_def eevdf_params[] = {
    {"base-slice", PARAM_DURATION, F(base_slice), "0.75ms", 0, 1, PARAM_MIN_OPEN,
     .metavar = "DUR", .help = "eevdf: the request of each vCPU, its virtual deadline being "
     "vruntime + base-slice x 1024 / weight (sysctl_sched_base_slice before scaling: x the "
     "--tunable-scaling factor, 1 + ilog2(min(pCPUs, 8)))"},
    {"tunable-scaling", PARAM_CHOICE, F(scaling), "log", .choices = FAIR_SCALING_CHOICES,
     .metavar = FAIR_SCALING_CHOICES, .help = "eevdf: how base-slice grows with the host's "
     "pCPUs (sysctl_sched_tunable_scaling): x (1 + ilog2(min(pCPUs, 8))), x min(pCPUs, 8), "
     "or as given"},
    {"place-lag", PARAM_BOOL, F(place_lag), "yes", .metavar = "yes|no",
     .help = "eevdf: a waking vCPU keeps the lag it went to sleep with (PLACE_LAG); with no, "
     "it starts at V"},
    {"place-deadline-initial", PARAM_BOOL, F(place_deadline_initial), "yes",
     .metavar = "yes|no", .help = "eevdf: a new guest's vCPU asks for half a request first "
     "(PLACE_DEADLINE_INITIAL)"},
    {"run-to-parity", PARAM_BOOL, F(run_to_parity), "yes", .metavar = "yes|no",
     .help = "eevdf: a running vCPU that is still eligible is not preempted by a wake-up "
     "before it has used its request (RUN_TO_PARITY)"},
    {"wakeup-preemption", PARAM_BOOL, F(wakeup_preemption), "yes", .metavar = "yes|no",
     .help = "eevdf: a waking vCPU preempts the running one when it is the pick "
     "(WAKEUP_PREEMPTION); with no, only the tick preempts"},
    {"hz", PARAM_INT, F(hz), "250", 10, 10000, 0, .metavar = "N",
     .help = "eevdf: scheduler ticks per second (CONFIG_HZ; Debian's and Ubuntu's kernels "
     "250, RHEL's 1000): a used request is noticed at a tick or a runqueue change"},
    {NULL},
};
#undef F

static const struct eevdf_conf *eevdf_conf(const struct sched *s) { return s->conf; }

static sim_time_t sysctl_base_slice(const struct sched *s)
{
    return eevdf_conf(s)->base_slice * fair_of(s)->factor;
}

/* update_deadline: vd_i = ve_i + r_i / w_i once the request is used. */
static void update_deadline(struct sched *s, struct fair_rq *rq, struct fair_se *se,
                            bool resched)
{
    if (fair_vdiff(se->vruntime, se->deadline) < 0)
        return;
    se->slice = sysctl_base_slice(s);
    se->deadline = se->vruntime + fair_calc_delta_fair((uint64_t)se->slice, se);
    if (resched && rq->nr_running > 1)
        fair_resched(s, rq);
}

/* update_curr, with the deadline of the running vCPU. */
static void update_curr(struct sched *s, struct fair_rq *rq, bool resched)
{
    if (fair_update_curr(fair_of(s), rq) > 0)
        update_deadline(s, rq, rq->curr, resched);
}

/* pick_eevdf: the eligible vCPU with the earliest deadline, the running
 * one included when with_curr. */
static struct fair_se *pick_eevdf(const struct sched *s, const struct fair_rq *rq,
                                  bool with_curr)
{
    struct fair_se *curr = with_curr ? rq->curr : NULL;
    if (curr && !fair_eligible(rq, curr))
        curr = NULL;
    /* run a vCPU until it is no longer eligible or has used its request */
    if (eevdf_conf(s)->run_to_parity && curr && curr->deadline == curr->picked_deadline)
        return curr;
    struct fair_se *se = fair_earliest_eligible(rq, curr);
    return se ? se : fair_first(rq);   /* "EEVDF scheduling fail, picking leftmost" */
}

/* place_entity: at V minus the lag se left with (inflated), its deadline
 * one request (half for a new vCPU) further. */
static void place_entity(const struct sched *s, const struct fair_rq *rq, struct fair_se *se,
                         bool initial)
{
    const struct eevdf_conf *conf = eevdf_conf(s);
    uint64_t vruntime = fair_avg_vruntime(rq);
    int64_t lag = 0;
    se->slice = sysctl_base_slice(s);
    uint64_t vslice = fair_calc_delta_fair((uint64_t)se->slice, se);
    if (conf->place_lag && rq->nr_running) {
        long load = rq->avg_load + (rq->curr ? (long)rq->curr->weight : 0);
        lag = se->vlag * (load + (long)se->weight);
        if (!load)
            load = 1;
        lag /= load;
    }
    se->vruntime = vruntime - (uint64_t)lag;
    if (conf->place_deadline_initial && initial)
        vslice /= 2;
    se->deadline = se->vruntime + vslice;
}

/* check_preempt_wakeup: pse was just queued on rq. */
static void check_preempt_wakeup(struct sched *s, struct fair_rq *rq, struct fair_se *pse)
{
    if (!rq->curr || rq->need_resched || !eevdf_conf(s)->wakeup_preemption)
        return;
    update_curr(s, rq, true);
    if (pick_eevdf(s, rq, true) == pse)
        fair_resched(s, rq);
}

/* ---- the engine's hooks ---- */

static int eevdf_init(struct sched *s, struct sim_error *err)
{
    const struct eevdf_conf *conf = s->conf;
    return fair_init(s, conf->scaling, conf->hz, err);
}

static void eevdf_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
{
    struct fair *f = fair_of(s);
    struct fair_se *se = fair_se_of(v);
    if (why == SCHED_ENQ_PREEMPTED) {
        /* put_prev_entity: back into its tree as it is */
        struct fair_rq *rq = fair_rq_at(f, se->cpu);
        fair_tree_insert(f, rq, se);
        fair_account_enqueue(rq, se);
        se->state = FAIR_SE_QUEUED;
        return;
    }
    bool fresh = se->fresh;
    se->sleeping = false;
    struct fair_rq *rq = why == SCHED_ENQ_UNTHROTTLE && se->cpu >= 0
                             ? fair_rq_at(f, se->cpu) : fair_select_rq(s, v, fresh);
    update_curr(s, rq, true);
    place_entity(s, rq, se, fresh);
    se->fresh = false;
    se->cpu = rq->c->index;
    fair_tree_insert(f, rq, se);
    fair_account_enqueue(rq, se);
    se->state = FAIR_SE_QUEUED;
    check_preempt_wakeup(s, rq, se);
}

static struct vcpu *eevdf_pick(struct sched *s, struct pcpu *c)
{
    struct fair *f = fair_of(s);
    struct fair_rq *rq = fair_rq_at(f, c->index);
    if (c->running) {
        if (!rq->need_resched || !rq->curr)
            return NULL;
        update_curr(s, rq, false);
        struct fair_se *se = pick_eevdf(s, rq, true);
        if (!se || se == rq->curr) {
            rq->need_resched = false;   /* schedule() picked it again */
            return NULL;
        }
        rq->pending = se;
        return se->v;
    }
    if (rq->pending && rq->pending->state == FAIR_SE_QUEUED && rq->pending->cpu == c->index)
        return rq->pending->v;
    struct fair_se *se = pick_eevdf(s, rq, false);
    return se ? se->v : NULL;
}

static void eevdf_dequeue(struct sched *s, struct vcpu *v)
{
    struct fair *f = fair_of(s);
    struct fair_se *se = fair_se_of(v);
    if (se->state != FAIR_SE_QUEUED)
        return;
    struct fair_rq *rq = fair_rq_at(f, se->cpu);
    update_curr(s, rq, true);
    fair_update_entity_lag(f, rq, se);
    fair_tree_remove(rq, se);
    fair_account_dequeue(rq, se);
    fair_forget(rq, se);
    se->state = FAIR_SE_OFF;
}

/* v starts on c (the engine asks its slice then): set_next_entity, after
 * the placement that a move from another pCPU or a resume from halt
 * polling calls for.  Ticks and wake-ups preempt: no slice of its own. */
static sim_time_t eevdf_timeslice(struct sched *s, const struct vcpu *cv, const struct pcpu *c)
{
    struct fair *f = fair_of(s);
    struct fair_rq *rq = fair_rq_at(f, c->index);
    struct fair_se *se = fair_se_of(cv);
    if (rq->curr == se)
        return 0;
    if (se->state == FAIR_SE_QUEUED)
        eevdf_dequeue(s, se->v);   /* the engine dequeues first; be safe */
    bool moved = se->cpu >= 0 && se->cpu != c->index;
    if (se->fresh || se->sleeping || moved) {
        update_curr(s, rq, false);
        place_entity(s, rq, se, se->fresh);
    }
    se->fresh = se->sleeping = false;
    fair_set_curr(s, rq, se);
    /* the hack of set_next_entity: the deadline it was picked with */
    se->picked_deadline = se->deadline;
    return 0;
}

/* v left c: update_curr, and its lag as it leaves (dequeue_entity's
 * update_entity_lag; unused if it is only put back). */
static void eevdf_stop(struct sched *s, struct vcpu *v, struct pcpu *c, sim_time_t ran)
{
    (void)ran;
    struct fair *f = fair_of(s);
    struct fair_rq *rq = fair_rq_at(f, c->index);
    struct fair_se *se = fair_se_of(v);
    if (rq->curr != se)
        return;
    update_curr(s, rq, false);
    fair_update_entity_lag(f, rq, se);
    fair_account_dequeue(rq, se);
    rq->curr = NULL;
    rq->need_resched = false;
    se->state = FAIR_SE_OFF;
}

static void eevdf_block(struct sched *s, struct vcpu *v)
{
    struct fair_se *se = fair_se_of(v);
    se->sleeping = true;
    if (se->cpu >= 0)
        fair_update_min_vruntime(fair_rq_at(fair_of(s), se->cpu));
}

/* scheduler_tick -> entity_tick -> update_curr on every busy pCPU. */
static void eevdf_tick(struct sched *s)
{
    struct fair *f = fair_of(s);
    for (int k = 0; k < f->nrq; k++)
        if (f->rq[k].curr)
            update_curr(s, &f->rq[k], true);
}

static sim_time_t eevdf_tick_period(const void *conf)
{
    long hz = ((const struct eevdf_conf *)conf)->hz;
    return (SIM_S(1) + hz / 2) / hz;
}

const struct sched_ops sched_ops_eevdf = {
    .info = {
        .name = "eevdf",
        .desc = "Linux EEVDF as of 6.6 (KVM hosts now): the eligible vCPU (lag >= 0) with the "
                "earliest virtual deadline, vruntime + base-slice x 1024 / weight (guest "
                "weight x 1024); per-pCPU runqueues, lag kept across sleep, run to parity; "
                "idle pCPUs pull work; caps per --cap-period as CFS bandwidth control",
        .params = eevdf_params,
        .conf_size = sizeof(struct eevdf_conf),
    },
    .flags = SCHED_PERCPU,
    .init = eevdf_init,
    .fini = fair_fini,
    .enqueue = eevdf_enqueue,
    .pick = eevdf_pick,
    .dequeue = eevdf_dequeue,
    .timeslice = eevdf_timeslice,
    .attach = fair_attach,
    .detach = fair_detach,
    .stop = eevdf_stop,
    .block = eevdf_block,
    .balance = fair_balance,
    .tick = eevdf_tick,
    .tick_period = eevdf_tick_period,
};
