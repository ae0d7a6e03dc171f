/*
 * schedulers/cfs.c - Linux's Completely Fair Scheduler as of v6.5, the
 * last release before EEVDF: what a KVM host ran its vCPU threads with.
 *
 * Source followed: Linux v6.5, kernel/sched/fair.c (update_curr,
 * calc_delta_fair and __calc_delta, __sched_period, sched_slice,
 * sched_vslice, place_entity, entity_is_long_sleeper, enqueue_entity,
 * check_preempt_tick, pick_next_entity, wakeup_gran,
 * wakeup_preempt_entity, check_preempt_wakeup, update_min_vruntime,
 * get_update_sysctl_factor), kernel/sched/features.h (GENTLE_FAIR_SLEEPERS,
 * START_DEBIT, NEXT_BUDDY, LAST_BUDDY, WAKEUP_PREEMPTION, ALT_PERIOD and
 * BASE_SLICE, on as there), and kernel/sched/core.c (sched_prio_to_weight).
 *
 * Each vCPU is a task whose weight is its guest's weight x 1024 (nice 0 =
 * 1024; a trace's `nice` column gives sched_prio_to_weight[nice]).  Its
 * vruntime grows by calc_delta_fair(core time) = time x 1024 / weight, in
 * __calc_delta's fixed point.  Each pCPU has its runqueue (fair.h); the
 * leftmost vruntime runs next.  The tunables are the normalized sysctls
 * (sched_latency 6 ms, min_granularity 0.75 ms, wakeup_granularity 1 ms)
 * times get_update_sysctl_factor(), 1 + ilog2(min(pCPUs, 8)).
 *
 * Preemption happens where Linux decides it:
 *   - at each tick (--hz): check_preempt_tick ends the running vCPU's turn
 *     once it ran its ideal_runtime = min(sched_slice, sched_latency), its
 *     share of the period __sched_period(nr_running) = max(sched_latency,
 *     nr x min_granularity) by weight, or when it ran min_granularity and
 *     leads the leftmost by more than ideal_runtime in vruntime;
 *   - at a wake-up: place_entity puts the sleeper at
 *     max(its vruntime, min_vruntime - sched_latency/2) (gentle fair
 *     sleepers), and check_preempt_wakeup preempts the running vCPU when
 *     its vruntime leads the sleeper's by more than wakeup_gran (the next
 *     buddy then runs first; the preempted one becomes the last buddy when
 *     the queue holds sched_nr_latency or more);
 *   - a new guest's vCPU starts at min_vruntime + sched_vslice (START_DEBIT).
 * The engine's caps (sim/caps.c) are CFS bandwidth control: quota = cap x
 * period per period, period --cap-period (cfs_period_us); see MODEL.md.
 *
 * Left out: task groups (a VM's vCPUs compete as tasks, the entitlement
 * the engine reports assumes the same), PELT and the periodic load
 * balancer (a pCPU pulls when it goes idle, fair.c), the skip buddy
 * (yield), HRTICK.
 */
#include "schedulers/fair.h"

struct cfs_conf {
    sim_time_t latency;          /* normalized_sysctl_sched_latency */
    sim_time_t min_granularity;  /* normalized_sysctl_sched_min_granularity */
    sim_time_t wakeup_granularity; /* normalized_sysctl_sched_wakeup_granularity */
    int scaling;                 /* enum fair_scaling */
    bool gentle_fair_sleepers, start_debit, wakeup_preemption, next_buddy, last_buddy;
    long hz;                     /* CONFIG_HZ */
};

#define F(field) offsetof(struct cfs_conf, field)
static const struct param_def cfs_params[] = {
    {"sched-latency", PARAM_DURATION, F(latency), "6ms", 0, 1, PARAM_MIN_OPEN,
     .metavar = "DUR", .help = "cfs: targeted preemption latency, the period in which each "
     "runnable vCPU of a pCPU runs once (sysctl_sched_latency before scaling: x the "
     "--tunable-scaling factor, 1 + ilog2(min(pCPUs, 8)))"},
    {"min-granularity", PARAM_DURATION, F(min_granularity), "0.75ms", 0, 1, PARAM_MIN_OPEN,
     .metavar = "DUR", .help = "cfs: the shortest turn; past sched-latency / min-granularity "
     "vCPUs the period is their number x this (sysctl_sched_min_granularity before scaling)"},
    {"wakeup-granularity", PARAM_DURATION, F(wakeup_granularity), "1ms", 0, 1, 0,
     .metavar = "DUR", .help = "cfs: a waking vCPU preempts the running one when it is "
     "behind it by more than this in vruntime, converted to its own weight "
     "(sysctl_sched_wakeup_granularity before scaling)"},
    {"tunable-scaling", PARAM_CHOICE, F(scaling), "log", .choices = FAIR_SCALING_CHOICES,
     .metavar = FAIR_SCALING_CHOICES, .help = "cfs: how the three durations grow with the "
     "host's pCPUs (sysctl_sched_tunable_scaling): x (1 + ilog2(min(pCPUs, 8))), x min(pCPUs, "
     "8), or as given"},
    {"gentle-fair-sleepers", PARAM_BOOL, F(gentle_fair_sleepers), "yes", .metavar = "yes|no",
     .help = "cfs: a waking vCPU is placed at min_vruntime - sched-latency/2 (yes) or - "
     "sched-latency (no), if that is ahead of its own vruntime (GENTLE_FAIR_SLEEPERS)"},
    {"start-debit", PARAM_BOOL, F(start_debit), "yes", .metavar = "yes|no",
     .help = "cfs: a new guest's vCPU starts one virtual slice after min_vruntime (START_DEBIT)"},
    {"wakeup-preemption", PARAM_BOOL, F(wakeup_preemption), "yes", .metavar = "yes|no",
     .help = "cfs: a waking vCPU may preempt the running one (WAKEUP_PREEMPTION); with no, "
     "only the tick preempts"},
    {"next-buddy", PARAM_BOOL, F(next_buddy), "no", .metavar = "yes|no",
     .help = "cfs: prefer the vCPU woken last when the queue is long (NEXT_BUDDY)"},
    {"last-buddy", PARAM_BOOL, F(last_buddy), "yes", .metavar = "yes|no",
     .help = "cfs: after a wake-up preemption with a long queue, give the pCPU back to the "
     "preempted vCPU (LAST_BUDDY)"},
    {"hz", PARAM_INT, F(hz), "250", 10, 10000, 0, .metavar = "N",
     .help = "cfs: scheduler ticks per second (CONFIG_HZ; Debian's and Ubuntu's kernels 250, "
     "RHEL's 1000): preemption is checked at each tick and at wake-ups"},
    {NULL},
};
#undef F

static const struct cfs_conf *cfs_conf(const struct sched *s) { return s->conf; }

/* The sysctls in force: the normalized values x the factor (update_sysctl). */
static sim_time_t sysctl_latency(const struct sched *s)
{
    return cfs_conf(s)->latency * fair_of(s)->factor;
}
static sim_time_t sysctl_min_granularity(const struct sched *s)
{
    return cfs_conf(s)->min_granularity * fair_of(s)->factor;
}
static sim_time_t sysctl_wakeup_granularity(const struct sched *s)
{
    return cfs_conf(s)->wakeup_granularity * fair_of(s)->factor;
}
/* sched_nr_latency = DIV_ROUND_UP(sysctl_sched_latency, sysctl_sched_min_granularity) */
static unsigned long sched_nr_latency(const struct sched *s)
{
    sim_time_t l = sysctl_latency(s), g = sysctl_min_granularity(s);
    return (unsigned long)((l + g - 1) / g);
}

/* __sched_period: one turn each, stretched past sched_nr_latency. */
static uint64_t sched_period(const struct sched *s, unsigned long nr_running)
{
    if (nr_running > sched_nr_latency(s))
        return nr_running * (uint64_t)sysctl_min_granularity(s);
    return (uint64_t)sysctl_latency(s);
}

/* sched_slice: se's share of the period by weight, at least
 * min_granularity (BASE_SLICE); on_rq says whether se is counted in rq. */
static uint64_t sched_slice(const struct sched *s, const struct fair_rq *rq,
                            const struct fair_se *se, bool on_rq)
{
    uint64_t slice = sched_period(s, rq->nr_running + !on_rq);
    unsigned long load = rq->load + (on_rq ? 0 : se->weight);
    slice = fair_calc_delta(slice, se->weight, load);
    uint64_t min_gran = (uint64_t)sysctl_min_granularity(s);
    return slice > min_gran ? slice : min_gran;
}

/* wakeup_preempt_entity: should se preempt curr?  -1 no (se is not
 * behind), 0 not by enough, 1 yes (behind by more than wakeup_gran). */
static int wakeup_preempt_entity(const struct sched *s, const struct fair_se *curr,
                                 const struct fair_se *se)
{
    int64_t vdiff = fair_vdiff(curr->vruntime, se->vruntime);
    if (vdiff <= 0)
        return -1;
    int64_t gran = (int64_t)fair_calc_delta_fair((uint64_t)sysctl_wakeup_granularity(s), se);
    return vdiff > gran ? 1 : 0;
}

/* Is se waiting in rq's tree?  A buddy may have left it since it was
 * named (it halted, or its guest's cap was spent): Linux clears it then,
 * this model at its next use. */
static bool queued_on(const struct fair_rq *rq, const struct fair_se *se)
{
    return se && se->state == FAIR_SE_QUEUED && se->cpu == rq->c->index;
}

/* pick_next_entity: the leftmost (curr counts), unless a buddy may run
 * without being too unfair. */
static struct fair_se *pick_next_entity(const struct sched *s, const struct fair_rq *rq,
                                        struct fair_se *curr)
{
    struct fair_se *left = fair_first(rq);
    if (!left || (curr && fair_vdiff(curr->vruntime, left->vruntime) < 0))
        left = curr;
    struct fair_se *se = left;
    if (queued_on(rq, rq->next) && left && wakeup_preempt_entity(s, rq->next, left) < 1)
        se = rq->next;
    else if (queued_on(rq, rq->last) && left && wakeup_preempt_entity(s, rq->last, left) < 1)
        se = rq->last;
    return se;
}

/* entity_is_long_sleeper: a sleep so long that vruntimes could overflow
 * if compared (2^63 / 1024 ns, about 104 days): placed at the base. */
static bool long_sleeper(const struct sched *s, const struct fair_se *se)
{
    if (se->fresh)
        return false;
    sim_time_t slept = sched_now(s) - se->exec_start;
    return slept > (sim_time_t)(((uint64_t)1 << 63) / FAIR_NICE_0_LOAD);
}

/* place_entity, for a new vCPU (initial) or a waking one. */
static void place_entity(struct sched *s, const struct fair_rq *rq, struct fair_se *se,
                         bool initial)
{
    const struct cfs_conf *conf = cfs_conf(s);
    uint64_t vruntime = rq->min_vruntime;
    if (initial && conf->start_debit)
        vruntime += fair_calc_delta_fair(sched_slice(s, rq, se, false), se);
    if (!initial) {
        uint64_t thresh = (uint64_t)sysctl_latency(s);
        if (conf->gentle_fair_sleepers)
            thresh >>= 1;
        vruntime -= thresh;
    }
    /* A new vCPU has no parent's vruntime to start from (task_fork_fair):
     * it starts at the base. */
    if (initial || long_sleeper(s, se) || fair_vdiff(se->vruntime, vruntime) < 0)
        se->vruntime = vruntime;
}

/* check_preempt_wakeup: pse was just queued on rq. */
static void check_preempt_wakeup(struct sched *s, struct fair_rq *rq, struct fair_se *pse,
                                 bool fork)
{
    const struct cfs_conf *conf = cfs_conf(s);
    struct fair_se *curr = rq->curr;
    if (!curr)
        return;   /* an idle pCPU: the dispatch runs it */
    bool scale = rq->nr_running >= sched_nr_latency(s);
    bool next_marked = false;
    if (conf->next_buddy && scale && !fork) {
        rq->next = pse;
        next_marked = true;
    }
    if (rq->need_resched || !conf->wakeup_preemption)
        return;
    fair_update_curr(fair_of(s), rq);
    if (wakeup_preempt_entity(s, curr, pse) == 1) {
        if (!next_marked)
            rq->next = pse;
        fair_resched(s, rq);
        if (conf->last_buddy && scale)
            rq->last = curr;
    }
}

/* check_preempt_tick: has curr had its turn? */
static void check_preempt_tick(struct sched *s, struct fair_rq *rq)
{
    struct fair_se *curr = rq->curr;
    uint64_t ideal = sched_slice(s, rq, curr, true);
    if (ideal > (uint64_t)sysctl_latency(s))
        ideal = (uint64_t)sysctl_latency(s);
    uint64_t delta_exec = (uint64_t)(curr->sum_exec - curr->prev_sum_exec);
    if (delta_exec > ideal) {
        fair_resched(s, rq);
        /* it ran long enough: no buddy favours for it */
        if (rq->next == curr)
            rq->next = NULL;
        if (rq->last == curr)
            rq->last = NULL;
        return;
    }
    /* a vCPU that missed wake-up preemption narrowly need not wait a turn */
    if (delta_exec < (uint64_t)sysctl_min_granularity(s))
        return;
    struct fair_se *se = fair_first(rq);
    if (!se)
        return;
    int64_t delta = fair_vdiff(curr->vruntime, se->vruntime);
    if (delta > 0 && (uint64_t)delta > ideal)
        fair_resched(s, rq);
}

/* ---- the engine's hooks ---- */

static int cfs_init(struct sched *s, struct sim_error *err)
{
    const struct cfs_conf *conf = s->conf;
    return fair_init(s, conf->scaling, conf->hz, err);
}

static void cfs_enqueue(struct sched *s, struct vcpu *v, enum sched_enqueue_why why)
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
    fair_update_curr(f, rq);
    if (!fresh && se->cpu >= 0 && se->cpu != rq->c->index) {
        /* a wake-up on another pCPU: vruntime relative to the old
         * min_vruntime, then to the new (migrate_task_rq_fair) */
        const struct fair_rq *old = fair_rq_at(f, se->cpu);
        se->vruntime = se->vruntime - old->min_vruntime + rq->min_vruntime;
    }
    place_entity(s, rq, se, fresh);
    se->fresh = false;
    se->cpu = rq->c->index;
    fair_tree_insert(f, rq, se);
    fair_account_enqueue(rq, se);
    se->state = FAIR_SE_QUEUED;
    check_preempt_wakeup(s, rq, se, fresh);
}

static struct vcpu *cfs_pick(struct sched *s, struct pcpu *c)
{
    struct fair *f = fair_of(s);
    struct fair_rq *rq = fair_rq_at(f, c->index);
    if (c->running) {
        if (!rq->need_resched || !rq->curr)
            return NULL;
        fair_update_curr(f, rq);
        struct fair_se *se = pick_next_entity(s, rq, rq->curr);
        if (!se || se == rq->curr) {
            rq->need_resched = false;   /* schedule() picked it again */
            return NULL;
        }
        rq->pending = se;
        return se->v;
    }
    if (queued_on(rq, rq->pending))
        return rq->pending->v;
    struct fair_se *se = pick_next_entity(s, rq, NULL);
    return se ? se->v : NULL;
}

static void cfs_dequeue(struct sched *s, struct vcpu *v)
{
    struct fair *f = fair_of(s);
    struct fair_se *se = fair_se_of(v);
    if (se->state != FAIR_SE_QUEUED)
        return;
    struct fair_rq *rq = fair_rq_at(f, se->cpu);
    fair_update_curr(f, rq);
    se->rel_vruntime = fair_vdiff(se->vruntime, rq->min_vruntime);
    fair_tree_remove(rq, se);
    fair_account_dequeue(rq, se);
    fair_forget(rq, se);
    se->state = FAIR_SE_OFF;
}

/* v starts on c (the engine asks its slice then): set_next_entity, after
 * the placement a move from another pCPU or a resume from halt polling
 * calls for.  The tick and wake-ups preempt: no slice of its own. */
static sim_time_t cfs_timeslice(struct sched *s, const struct vcpu *cv, const struct pcpu *c)
{
    struct fair *f = fair_of(s);
    struct fair_rq *rq = fair_rq_at(f, c->index);
    struct fair_se *se = fair_se_of(cv);
    if (rq->curr == se)
        return 0;
    if (se->state == FAIR_SE_QUEUED)
        cfs_dequeue(s, se->v);   /* the engine dequeues first; be safe */
    fair_update_curr(f, rq);
    bool moved = se->cpu >= 0 && se->cpu != c->index;
    if (se->fresh) {
        place_entity(s, rq, se, true);
    } else if (se->sleeping) {
        /* it halted and resumes from halt polling: a wake-up */
        if (moved)
            se->vruntime = se->vruntime - fair_rq_at(f, se->cpu)->min_vruntime +
                           rq->min_vruntime;
        place_entity(s, rq, se, false);
    } else if (moved) {
        /* pulled by an idle pCPU: its place relative to min_vruntime */
        se->vruntime = rq->min_vruntime + (uint64_t)se->rel_vruntime;
    }
    se->fresh = se->sleeping = false;
    fair_set_curr(s, rq, se);
    return 0;
}

/* v left c after ran ns: update_curr, and it leaves the runqueue until
 * it is put back (preempted), or sleeps, or is throttled. */
static void cfs_stop(struct sched *s, struct vcpu *v, struct pcpu *c, sim_time_t ran)
{
    (void)ran;
    struct fair *f = fair_of(s);
    struct fair_rq *rq = fair_rq_at(f, c->index);
    struct fair_se *se = fair_se_of(v);
    if (rq->curr != se)
        return;
    fair_update_curr(f, rq);
    se->rel_vruntime = fair_vdiff(se->vruntime, rq->min_vruntime);
    fair_account_dequeue(rq, se);
    rq->curr = NULL;
    rq->need_resched = false;
    se->state = FAIR_SE_OFF;
}

/* dequeue_entity(DEQUEUE_SLEEP): min_vruntime may move on without it. */
static void cfs_block(struct sched *s, struct vcpu *v)
{
    struct fair_se *se = fair_se_of(v);
    se->sleeping = true;
    if (se->cpu >= 0)
        fair_update_min_vruntime(fair_rq_at(fair_of(s), se->cpu));
}

/* scheduler_tick -> entity_tick on every busy pCPU. */
static void cfs_tick(struct sched *s)
{
    struct fair *f = fair_of(s);
    for (int k = 0; k < f->nrq; k++) {
        struct fair_rq *rq = &f->rq[k];
        if (!rq->curr)
            continue;
        fair_update_curr(f, rq);
        if (rq->nr_running > 1 && !rq->need_resched)
            check_preempt_tick(s, rq);
    }
}

static sim_time_t cfs_tick_period(const void *conf)
{
    long hz = ((const struct cfs_conf *)conf)->hz;
    return (SIM_S(1) + hz / 2) / hz;
}

const struct sched_ops sched_ops_cfs = {
    .info = {
        .name = "cfs",
        .desc = "Linux CFS as of 6.5 (KVM hosts before EEVDF): vruntime by weight (guest "
                "weight x 1024, nice 0 = 1024), per-pCPU runqueues, turns of sched_slice "
                "checked at each tick, sleepers placed at min_vruntime - sched-latency/2 "
                "and preempting on wake-up; idle pCPUs pull work; caps per --cap-period "
                "as CFS bandwidth control",
        .params = cfs_params,
        .conf_size = sizeof(struct cfs_conf),
    },
    .flags = SCHED_PERCPU,
    .init = cfs_init,
    .fini = fair_fini,
    .enqueue = cfs_enqueue,
    .pick = cfs_pick,
    .dequeue = cfs_dequeue,
    .timeslice = cfs_timeslice,
    .attach = fair_attach,
    .detach = fair_detach,
    .stop = cfs_stop,
    .block = cfs_block,
    .balance = fair_balance,
    .tick = cfs_tick,
    .tick_period = cfs_tick_period,
};
