/*
 * report/report.c - see report.h.
 *
 * Every reported figure is a row of metric_table: where it sits in the
 * JSON (group.key) and in struct sim_result.  Aggregation over
 * replications, the ci95 table and the JSON layout all walk that table.
 */
#include "report/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/hw.h"
#include "base/xalloc.h"

struct metric_desc {
    const char *group;   /* NULL = top level */
    const char *key;
    size_t off;
};

#define M(g, k, field) {g, k, offsetof(struct sim_result, field)}
static const struct metric_desc metric_table[] = {
    M("jobs", "arrived", arrived),
    M("jobs", "completed", completed),
    M("turnaround", "mean", turnaround_mean),
    M("turnaround", "p50", turnaround_p50),
    M("turnaround", "p95", turnaround_p95),
    M("turnaround", "p99", turnaround_p99),
    M("turnaround", "max", turnaround_max),
    M("waiting", "mean", waiting_mean),
    M("response", "mean", response_mean),
    M("slowdown", "mean", slowdown_mean),
    M("slowdown", "p99", slowdown_p99),
    M(NULL, "throughput", throughput),
    M(NULL, "makespan", makespan),
    M(NULL, "utilization", utilization),
    M(NULL, "fairness_jain", fairness_jain),
    M(NULL, "arrival_rate", arrival_rate),
    M("in_system", "mean", in_system_mean),
    M("in_system", "max", in_system_max),
    M("overhead", "fraction", overhead_fraction),
    M("overhead", "exit_seconds", exit_seconds),
    M("overhead", "walk_seconds", walk_seconds),
    M("overhead", "switch_seconds", switch_seconds),
    M("overhead", "switches", switches),
    M("overhead", "native_seconds", work_seconds),
    M("overhead", "busy_seconds", busy_seconds),
    M("overhead", "vs_native", vs_native),
    M("allocation", "unmet_cpu_seconds", unmet_cpu_seconds),
    M("allocation", "idle_cpu_seconds", idle_cpu_seconds),
    M("allocation", "reallocations", reallocations),
    M("allocation", "rejected", rejected),
    M("allocation", "admission_waits", admission_waits),
    M("engine", "events", events),
    M("engine", "wall_seconds", wall_seconds),
    M("engine", "events_per_second", events_per_second),
    M("engine", "peak_pending", peak_pending),
    M("engine", "peak_guests", peak_guests),
};
#undef M
#define N_METRICS (sizeof metric_table / sizeof metric_table[0])

static double field(const struct sim_result *r, size_t off)
{
    return *(const double *)(const void *)((const char *)r + off);
}

/* A number for JSON: null for NaN/inf (JSON has none), an integer when
 * the value is one (counts), a real otherwise. */
static json_t *num(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 9e15)
        return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *pair(const double ci[2])
{
    if (!isfinite(ci[0]) || !isfinite(ci[1]))
        return json_null();
    return json_pack("[o,o]", num(ci[0]), num(ci[1]));
}

static json_t *group_obj(json_t *root, const char *group)
{
    if (!group)
        return root;
    json_t *g = json_object_get(root, group);
    if (!g) {
        g = json_object();
        json_object_set_new(root, group, g);
    }
    return g;
}

/* Mean over the replications that have a value. */
static double mean_of(const double *x, size_t n)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i])) {
            s += x[i];
            k++;
        }
    return k ? s / (double)k : NAN;
}

json_t *report_summary(json_t *config, const struct sim_result *runs, size_t nruns,
                       const struct report_extra *extra)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string(REPORT_SCHEMA));
    json_object_set_new(root, "version", json_string(HVSIM_VERSION));
    json_object_set_new(root, "config", config);
    json_object_set_new(root, "workload", json_string(extra->workload));
    json_object_set_new(root, "seed", json_integer((json_int_t)extra->seed));
    json_object_set_new(root, "reps", json_integer((json_int_t)nruns));

    double *vals = xmalloc(nruns * sizeof *vals);
    json_t *ci_all = nruns >= 2 ? json_object() : NULL;
    for (size_t m = 0; m < N_METRICS; m++) {
        const struct metric_desc *d = &metric_table[m];
        for (size_t i = 0; i < nruns; i++)
            vals[i] = field(&runs[i], d->off);
        json_t *g = group_obj(root, d->group);
        json_object_set_new(g, d->key, num(mean_of(vals, nruns)));
        if (d->group && strcmp(d->group, "jobs") == 0 && strcmp(d->key, "completed") == 0) {
            json_t *sk = json_object();
            long total = 0;
            for (int s = 0; s < TRACE_SKIP_MAX; s++) {
                if (runs[0].skipped[s])
                    json_object_set_new(sk, trace_skip_names[s], json_integer(runs[0].skipped[s]));
                total += runs[0].skipped[s];
            }
            json_object_set_new(sk, "total", json_integer(total));
            json_object_set_new(g, "skipped", sk);
        }
        if (ci_all && strcmp(d->group ? d->group : "", "engine") != 0) {
            double ci[2];
            size_t k = 0;
            for (size_t i = 0; i < nruns; i++)
                if (isfinite(vals[i]))
                    vals[k++] = vals[i];
            stats_t_interval(vals, k, ci);
            char path[64];
            snprintf(path, sizeof path, "%s%s%s", d->group ? d->group : "", d->group ? "." : "",
                     d->key);
            json_object_set_new(ci_all, path, pair(ci));
        }
    }

    /* The contract's ci95 keys: over replications, else batch means. */
    json_t *t = json_object_get(root, "turnaround"), *w = json_object_get(root, "waiting");
    if (ci_all) {
        json_object_set(t, "ci95", json_object_get(ci_all, "turnaround.mean"));
        json_object_set(w, "ci95", json_object_get(ci_all, "waiting.mean"));
        json_object_set_new(root, "ci_method", json_string("replications"));
    } else {
        json_object_set_new(t, "ci95", pair(runs[0].turnaround_ci));
        json_object_set_new(w, "ci95", pair(runs[0].waiting_ci));
        json_object_set_new(root, "ci_method", json_string(isfinite(runs[0].turnaround_ci[0])
                                                               ? "batch-means" : "none"));
        if (isfinite(runs[0].batch_lag1))
            json_object_set_new(root, "batch_lag1", json_real(runs[0].batch_lag1));
    }

    json_t *ovh = json_object_get(root, "overhead");
    json_t *exits = json_object();
    for (int e = 0; e < HW_EXIT_REASONS; e++) {
        for (size_t i = 0; i < nruns; i++)
            vals[i] = runs[i].exits[e];
        json_object_set_new(exits, hw_exit_reason_name((enum hw_exit_reason)e),
                            num(round(mean_of(vals, nruns))));
    }
    json_object_set_new(ovh, "exits", exits);
    json_object_set_new(ovh, "profile", json_string(extra->hw_profile));
    if (ci_all)
        json_object_set_new(root, "ci95", ci_all);
    if (extra->hosts)
        json_object_set_new(root, "hosts", extra->hosts);
    if (json_array_size(extra->notes) > 0)
        json_object_set_new(root, "notes", extra->notes);
    else
        json_decref(extra->notes);
    free(vals);
    return root;
}

void report_strip_wallclock(json_t *summary)
{
    json_t *e = json_object_get(summary, "engine");
    if (e) {
        json_object_del(e, "wall_seconds");
        json_object_del(e, "events_per_second");
    }
}

static double get(json_t *root, const char *group, const char *key)
{
    json_t *g = group ? json_object_get(root, group) : root;
    json_t *v = g ? json_object_get(g, key) : NULL;
    return v && json_is_number(v) ? json_number_value(v) : NAN;
}

void report_text(FILE *out, json_t *s)
{
    json_t *cfg = json_object_get(s, "config");
    fprintf(out, "workload     %s\n", json_string_value(json_object_get(s, "workload")));
    fprintf(out, "policy       sched %s, alloc %s, %.0f host(s) x %.0f core(s), hw %s\n",
            json_string_value(json_object_get(cfg, "sched")),
            json_string_value(json_object_get(cfg, "alloc")), get(cfg, NULL, "hosts"),
            get(cfg, NULL, "cores"), json_string_value(json_object_get(cfg, "hw")));
    fprintf(out, "jobs         %.0f arrived, %.0f completed, %.0f rejected\n",
            get(s, "jobs", "arrived"), get(s, "jobs", "completed"),
            get(s, "allocation", "rejected"));
    json_t *ci = json_object_get(json_object_get(s, "turnaround"), "ci95");
    fprintf(out, "turnaround   mean %.6g s", get(s, "turnaround", "mean"));
    if (json_is_array(ci))
        fprintf(out, " (95%% CI %.6g .. %.6g)", json_number_value(json_array_get(ci, 0)),
                json_number_value(json_array_get(ci, 1)));
    fprintf(out, ", p50 %.6g, p95 %.6g, p99 %.6g, max %.6g\n", get(s, "turnaround", "p50"),
            get(s, "turnaround", "p95"), get(s, "turnaround", "p99"), get(s, "turnaround", "max"));
    fprintf(out, "waiting      mean %.6g s;  response mean %.6g s;  slowdown mean %.6g, p99 %.6g\n",
            get(s, "waiting", "mean"), get(s, "response", "mean"), get(s, "slowdown", "mean"),
            get(s, "slowdown", "p99"));
    fprintf(out, "throughput   %.6g guests/s over a makespan of %.6g s; utilization %.4f; "
            "Jain fairness %.4f\n", get(s, NULL, "throughput"), get(s, NULL, "makespan"),
            get(s, NULL, "utilization"), get(s, NULL, "fairness_jain"));
    fprintf(out, "overhead     %.4f%% of busy time: exits %.6g s, walks %.6g s, "
            "switches %.6g s (%.0f switches)\n", 100 * get(s, "overhead", "fraction"),
            get(s, "overhead", "exit_seconds"), get(s, "overhead", "walk_seconds"),
            get(s, "overhead", "switch_seconds"), get(s, "overhead", "switches"));
    json_t *hosts = json_object_get(s, "hosts");
    if (hosts && get(hosts, NULL, "count") > 1)
        fprintf(out, "hosts        %.0f; guests per host min %.6g, mean %.6g, max %.6g; %.0f "
                "empty, %.0f overcommitted\n", get(hosts, NULL, "count"),
                get(hosts, "guests", "min"), get(hosts, "guests", "mean"),
                get(hosts, "guests", "max"), get(hosts, NULL, "empty"),
                get(hosts, NULL, "overcommitted"));
    size_t i;
    json_t *note;
    json_array_foreach(json_object_get(s, "notes"), i, note) {
        const char *t = json_string_value(note);
        bool warning = t && strncmp(t, "warning: ", 9) == 0;
        fprintf(out, "%-12s %s\n", warning ? "warning" : "note", warning ? t + 9 : t);
    }
    fprintf(out, "engine       %.0f events in %.3f s (%.3g events/s), peak %.0f pending\n",
            get(s, "engine", "events"), get(s, "engine", "wall_seconds"),
            get(s, "engine", "events_per_second"), get(s, "engine", "peak_pending"));
}
