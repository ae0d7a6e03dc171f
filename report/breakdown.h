/*
 * report/breakdown.h - what the summary says per guest beyond the
 * engine's metrics, computed here from the per-guest callback
 * (sim_job_info: the guest and its finish): deadline misses, and the
 * results of each workload class and each priority.
 *
 * A guest counts once it completes, after the run's --warmup completions
 * (as in the engine's metrics).  A deadline is missed when the guest
 * finishes after it; guests without a deadline are not counted in the
 * ratio.  One struct breakdown per replication; the summary averages
 * them (report/report.h).
 */
#ifndef REPORT_BREAKDOWN_H
#define REPORT_BREAKDOWN_H

#include <jansson.h>

#include "sim/engine.h"

struct breakdown_group {
    double priority;          /* the group's priority (by_priority) */
    long completed;
    struct sim_acc sum_turn, sum_wait, sum_resp;   /* ns, exact (sim/metrics.h) */
    double sum_slow;
    long with_deadline, missed;
};

struct breakdown {
    long warmup, seen;
    const char *const *class_names;   /* borrowed from the experiment; NULL = none */
    size_t nclasses;
    struct breakdown_group *cls;      /* [nclasses], by class index */
    struct breakdown_group *prio;     /* sorted by priority */
    size_t nprio, priocap;
    struct breakdown_group all;
    /* While every counted guest had the same class and priority (most
     * runs), that class's and that priority's groups are `all` itself:
     * they are not added to guest by guest, but copied from `all` when
     * the first guest of another class or priority comes (mixed), and
     * read as `all` by the summary until then. */
    bool mixed;
    size_t only_cls;                  /* the one class so far (until mixed) */
};

void breakdown_init(struct breakdown *b, const struct sim_experiment *x);
/* A guest completed (the engine's on_job). */
void breakdown_add(struct breakdown *b, const struct sim_job_info *j);
void breakdown_free(struct breakdown *b);

/* Did the guest miss its deadline (false if it has none)? */
bool breakdown_missed(const struct sim_job_info *j);
/* The workload class name of a guest of x ("" if the experiment has no
 * class table). */
const char *breakdown_class_name(const struct sim_experiment *x, const struct guest *g);

/* Add to summary, from b[0..n-1] (replications, averaged): "deadlines"
 * {guests, missed, miss_ratio}, "by_class" {NAME: {...}} and
 * "by_priority" [{priority, ...}], each group with completed,
 * turnaround_mean, waiting_mean, response_mean, slowdown_mean and
 * deadline_missed. */
void breakdown_summary(json_t *summary, const struct breakdown *b, size_t n);

/* The deadline figures of one replication (reps.csv): guests with a
 * deadline and how many missed it. */
void breakdown_deadlines(const struct breakdown *b, double *with_deadline, double *missed);

#endif /* REPORT_BREAKDOWN_H */
