/*
 * report/report.c - see report.h.
 *
 * Every reported figure is a row of metric_table: where it sits in the
 * JSON (group.key) and in struct sim_result.  Aggregation over
 * replications, the ci95 table and the JSON layout all walk that table.
 */
#include "report/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/hw.h"
#include "base/xalloc.h"

struct metric_desc {
    const char *group;   /* NULL = top level */
    const char *key;
    size_t off;
    const char *help;    /* for the man page (report_describe) */
};

#define M(g, k, field, h) {g, k, offsetof(struct sim_result, field), h}
static const struct metric_desc metric_table[] = {
    M("jobs", "arrived", arrived, "guests that arrived"),
    M("jobs", "completed", completed, "guests that completed"),
    M("turnaround", "mean", turnaround_mean, "mean turnaround (finish - arrival), s"),
    M("turnaround", "p50", turnaround_p50, "median turnaround, s"),
    M("turnaround", "p95", turnaround_p95, "95th percentile of turnaround, s"),
    M("turnaround", "p99", turnaround_p99, "99th percentile of turnaround, s"),
    M("turnaround", "max", turnaround_max, "largest turnaround, s"),
    M("waiting", "mean", waiting_mean, "mean waiting (turnaround - time run), s"),
    M("response", "mean", response_mean, "mean response (first dispatch - arrival), s"),
    M("slowdown", "mean", slowdown_mean, "mean slowdown (turnaround / work per vCPU, or / "
      "series length)"),
    M("slowdown", "p99", slowdown_p99, "99th percentile of slowdown"),
    M(NULL, "throughput", throughput, "completions / makespan, guests/s"),
    M(NULL, "makespan", makespan, "last completion - first arrival, s"),
    M(NULL, "utilization", utilization, "busy core time / (cores x makespan)"),
    M(NULL, "fairness_jain", fairness_jain, "Jain's index of each VM's CPU received / CPU it "
      "was entitled to under weights and caps while runnable (1 = all got their due)"),
    M(NULL, "fairness_slowdown_jain", fairness_slowdown_jain, "Jain's index of 1/slowdown "
      "(1 = all alike)"),
    M(NULL, "arrival_rate", arrival_rate, "arrivals / makespan, guests/s"),
    M("in_system", "mean", in_system_mean, "time average of guests in the system"),
    M("in_system", "max", in_system_max, "most guests in the system at once"),
    M("wakeup_latency", "mean", wake_mean, "mean wake-up latency: a vCPU runnable (woken, or "
      "arrived) until it runs, s"),
    M("wakeup_latency", "p50", wake_p50, "median wake-up latency, s"),
    M("wakeup_latency", "p95", wake_p95, "95th percentile of wake-up latency, s"),
    M("wakeup_latency", "p99", wake_p99, "99th percentile of wake-up latency, s"),
    M("wakeup_latency", "max", wake_max, "largest wake-up latency, s"),
    M("burst_response", "mean", burst_mean, "mean burst response: wake until the end of that "
      "burst (an interactive request's response time), s"),
    M("burst_response", "p50", burst_p50, "median burst response, s"),
    M("burst_response", "p95", burst_p95, "95th percentile of burst response, s"),
    M("burst_response", "p99", burst_p99, "99th percentile of burst response, s"),
    M("burst_response", "max", burst_max, "largest burst response, s"),
    M("bursts", "completed", bursts, "bursts of work completed (a job is one per vCPU)"),
    M("bursts", "rate", burst_rate, "bursts completed / makespan, per s"),
    M("bursts", "blocks", blocks, "times a vCPU blocked (halted) after a burst"),
    M("steal", "seconds", steal_seconds, "vCPU time runnable but not running (queued or "
      "throttled): what top shows as %st, s"),
    M("steal", "fraction", steal_fraction, "steal / time runnable"),
    M("steal", "runnable_seconds", runnable_seconds, "vCPU time runnable (queued, throttled "
      "or running), s"),
    M("overhead", "fraction", overhead_fraction, "virtualisation overhead / busy core time"),
    M("overhead", "exit_seconds", exit_seconds, "core time on VM exits, s"),
    M("overhead", "walk_seconds", walk_seconds, "core time on 2D page walks beyond native, s"),
    M("overhead", "switch_seconds", switch_seconds, "core time on world switches, s"),
    M("overhead", "switches", switches, "world switches"),
    M("overhead", "ipi_seconds", ipi_seconds, "core time on IPIs that woke a vCPU on another "
      "pCPU, s"),
    M("overhead", "ipis", ipis, "wake-up IPIs"),
    M("overhead", "migration_seconds", migration_seconds, "core time refilling the TLB and "
      "private cache of vCPUs started on another pCPU, s"),
    M("overhead", "vcpu_migrations", vcpu_migrations, "starts of a vCPU on another pCPU than "
      "its last"),
    M("overhead", "hlt_exits", hlt_exits, "HLT exits (a vCPU blocking, and the class's HLT "
      "rate of vCPUs that never block)"),
    M("overhead", "poll_seconds", poll_seconds, "core time KVM polled halted vCPUs "
      "(halt_poll_ns), s"),
    M("overhead", "poll_wakes", poll_wakes, "wakes caught by polling: the vCPU resumed at "
      "once, on its core"),
    M("overhead", "spin_seconds", spin_seconds, "core time vCPUs spun on a spinlock whose "
      "holder was preempted (spin.seconds), s"),
    M("overhead", "native_seconds", work_seconds, "reference work of the completed guests "
      "(core time on a native core), s"),
    M("overhead", "busy_seconds", busy_seconds, "core time the cores were busy, s"),
    M("overhead", "vs_native", vs_native, "(busy - native) / native"),
    M("spin", "seconds", spin_seconds, "core time vCPUs spun on a spinlock held by a "
      "preempted sibling (lock-holder preemption; the class's spin_fraction, with a hardware "
      "profile), s"),
    M("spin", "fraction", spin_fraction, "spin.seconds / busy core time"),
    M("spin", "ple_exits", ple_exits, "PAUSE-loop exits of spinning vCPUs (also in "
      "overhead.exits.pause, priced in overhead.exit_seconds)"),
    M("spin", "holder_preemptions", holder_preemptions, "times a vCPU was taken off its core "
      "inside a critical section, keeping its guest's lock"),
    M("cosched", "costops", costops, "co-stops: --cosched relaxed, a vCPU held back for "
      "leading its slowest sibling by the skew threshold; strict, a gang stopped together"),
    M("cosched", "costop_seconds", costop_seconds, "vCPU time co-stopped (relaxed; counted "
      "in steal), s"),
    M("cosched", "gang_idle_seconds", gang_idle_seconds, "core time left idle for a gang that "
      "did not fit yet (--cosched strict, --rigid), s"),
    M("allocation", "unmet_cpu_seconds", unmet_cpu_seconds, "core-seconds demanded and not "
      "granted (series guests)"),
    M("allocation", "idle_cpu_seconds", idle_cpu_seconds, "core-seconds granted and not used "
      "(series guests)"),
    M("allocation", "reallocations", reallocations, "re-allocations that changed a grant"),
    M("allocation", "rejected", rejected, "guests rejected: --admission reject, or no empty host "
      "could take them"),
    M("allocation", "admission_waits", admission_waits, "guests that waited for admission "
      "(memory, vCPU slots, or room the consolidation manager asks)"),
    M(NULL, "energy_kwh", energy_kwh, "energy drawn by the hosts with a power table, kWh "
      "(null without power tables)"),
    M("migrations", "count", live_migrations, "VM live migrations started by the "
      "consolidation manager (vCPU moves between cores are overhead.vcpu_migrations)"),
    M("migrations", "seconds", live_migration_seconds, "their total duration, s"),
    M("migrations", "mean_seconds", live_migration_mean_seconds, "their mean duration, s"),
    M("migrations", "downtime_seconds", downtime_seconds, "their total downtime (stop-and-copy: "
      "the VM runs nowhere), s"),
    M("migrations", "bytes", migration_bytes, "bytes sent over the links (1 MB = 10^6 bytes)"),
    M("sla", "slatah", slatah, "SLA time per active host: time a host's VMs got less CPU than "
      "they asked / time active (CloudSim's SLATAH, a fraction)"),
    M("sla", "pdm", pdm, "performance degradation due to migration: CPU asked and not given "
      "to migrating VMs / CPU asked (CloudSim's PDM, a fraction)"),
    M("sla", "slav", slav, "SLATAH x PDM"),
    M("sla", "esv", esv, "energy_kwh x SLAV"),
    M("sla", "overall", sla_overall, "CPU asked and not given / CPU asked, all VM time"),
    M("sla", "average", sla_average, "mean over under-served VM intervals of (asked - given) "
      "/ asked"),
    M("hosts", "shutdowns", host_shutdowns, "hosts switched off (active -> inactive)"),
    M("hosts", "shutdown_mean_seconds", shutdown_mean_seconds, "mean time a host was active "
      "before a shutdown, s"),
    M("hosts", "shutdown_sd_seconds", shutdown_sd_seconds, "its standard deviation, s"),
    M("hosts", "on_mean", hosts_on_mean, "hosts switched on, time average"),
    M("consolidation", "steps", cons_steps, "times the manager ran"),
    M("consolidation", "overloaded", cons_overloaded, "hosts it found overloaded, summed over "
      "its runs"),
    M("consolidation", "drained", cons_drained, "under-utilised hosts it emptied"),
    M("consolidation", "vms_removed", vms_removed, "VMs removed at zero demand (CloudSim's "
      "quirk remove_zero_demand_vms)"),
    M("engine", "events", events, "events processed"),
    M("engine", "wall_seconds", wall_seconds, "wall-clock time of the run, s"),
    M("engine", "events_per_second", events_per_second, "events / wall_seconds"),
    M("engine", "peak_pending", peak_pending, "most events pending at once"),
    M("engine", "peak_guests", peak_guests, "most guest records allocated at once"),
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

static bool is_wallclock(const struct metric_desc *d)
{
    return d->group && strcmp(d->group, "engine") == 0 &&
           (strcmp(d->key, "wall_seconds") == 0 || strcmp(d->key, "events_per_second") == 0);
}

/* Do all replications give the same figures?  A trace replayed without
 * randomness does: their interval would be zero-wide.  The engine's own
 * counters are left out (the first replication also samples the
 * timeline, which costs events). */
static bool replications_identical(const struct sim_result *runs, size_t nruns)
{
    for (size_t m = 0; m < N_METRICS; m++) {
        if (metric_table[m].group && strcmp(metric_table[m].group, "engine") == 0)
            continue;
        double a = field(&runs[0], metric_table[m].off);
        for (size_t i = 1; i < nruns; i++) {
            double b = field(&runs[i], metric_table[m].off);
            if (!(a == b || (isnan(a) && isnan(b))))
                return false;
        }
    }
    return true;
}

/* One replication's figures, laid out as the summary's. */
static json_t *rep_json(const struct sim_result *r, size_t i, const struct breakdown *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "rep", json_integer((json_int_t)i));
    for (size_t m = 0; m < N_METRICS; m++) {
        const struct metric_desc *d = &metric_table[m];
        if (!is_wallclock(d))
            json_object_set_new(group_obj(o, d->group), d->key, num(field(r, d->off)));
    }
    if (b) {
        double with, missed;
        breakdown_deadlines(b, &with, &missed);
        json_t *dl = json_object();
        json_object_set_new(dl, "guests", num(with));
        json_object_set_new(dl, "missed", num(missed));
        json_object_set_new(o, "deadlines", dl);
    }
    return o;
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
    bool identical = nruns >= 2 && replications_identical(runs, nruns);
    if (nruns >= 2)
        json_object_set_new(root, "replications_identical", json_boolean(identical));

    double *vals = xmalloc(nruns * sizeof *vals);
    json_t *ci_all = nruns >= 2 && !identical ? json_object() : NULL;
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
    if (extra->breakdown)
        breakdown_summary(root, extra->breakdown, nruns);
    if (ci_all)
        json_object_set_new(root, "ci95", ci_all);
    json_t *reps = json_array();
    for (size_t i = 0; i < nruns; i++)
        json_array_append_new(reps, rep_json(&runs[i], i, extra->breakdown ? &extra->breakdown[i]
                                                                           : NULL));
    json_object_set_new(root, "replications", reps);
    if (extra->hosts) {   /* where the guests went, beside the hosts' energy figures */
        json_t *have = json_object_get(root, "hosts");
        if (json_is_object(have)) {
            json_object_update(have, extra->hosts);
            json_decref(extra->hosts);
        } else {
            json_object_set_new(root, "hosts", extra->hosts);
        }
    }
    if (json_array_size(extra->notes) > 0)
        json_object_set_new(root, "notes", extra->notes);
    else
        json_decref(extra->notes);
    free(vals);
    return root;
}

/* Flatten the numbers of obj into columns PREFIX_KEY (header) or values. */
static void flatten(FILE *f, const json_t *obj, const char *prefix, bool header, bool *first)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        char name[128];
        snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "_" : "", key);
        if (json_is_object(v)) {
            flatten(f, v, name, header, first);
            continue;
        }
        if (!json_is_number(v) && !json_is_null(v))
            continue;
        fputs(*first ? "" : ",", f);
        *first = false;
        if (header)
            fputs(name, f);
        else if (json_is_integer(v))
            fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        else if (json_is_real(v))
            fprintf(f, "%.15g", json_real_value(v));
    }
}

char *report_reps_csv(const json_t *summary, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    const json_t *reps = json_object_get(summary, "replications");
    size_t i;
    json_t *r;
    json_array_foreach(reps, i, r) {
        bool first = true;
        if (i == 0) {
            flatten(m, r, "", true, &first);
            fputc('\n', m);
            first = true;
        }
        flatten(m, r, "", false, &first);
        fputc('\n', m);
    }
    fclose(m);
    if (len)
        *len = n;
    return buf;
}

char *report_dumps(const json_t *summary)
{
    char *text = json_dumps(summary, REPORT_JSON_FLAGS);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len] = '\n';
    text[len + 1] = '\0';
    return text;
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

/* The consolidation lines: energy, live migrations, CloudSim's SLA
 * metrics and the hosts switched off, where they apply. */
static void consolidation_text(FILE *out, json_t *s)
{
    double kwh = get(s, NULL, "energy_kwh"), n = get(s, "migrations", "count");
    if (isnan(kwh) && isnan(n))
        return;
    char energy[64] = "not metered (no power tables)";
    if (!isnan(kwh))
        snprintf(energy, sizeof energy, "%.2f kWh", kwh);
    fprintf(out, "energy       %s; hosts on %.4g on average, %.0f shutdowns", energy,
            get(s, "hosts", "on_mean"), get(s, "hosts", "shutdowns"));
    if (get(s, "hosts", "shutdowns") > 0)
        fprintf(out, " (active %.6g s before one, sd %.6g)",
                get(s, "hosts", "shutdown_mean_seconds"), get(s, "hosts", "shutdown_sd_seconds"));
    fputc('\n', out);
    if (isnan(n))
        return;
    if (n == 0) {
        fprintf(out, "migrations   none (the manager ran %.0f times)\n",
                get(s, "consolidation", "steps"));
        return;
    }
    fprintf(out, "migrations   %.0f live (%.6g s, mean %.4g s, downtime %.6g s, %.6g GB sent); "
            "manager ran %.0f times, %.0f overloaded hosts, %.0f drained\n", n,
            get(s, "migrations", "seconds"), get(s, "migrations", "mean_seconds"),
            get(s, "migrations", "downtime_seconds"), get(s, "migrations", "bytes") / 1e9,
            get(s, "consolidation", "steps"), get(s, "consolidation", "overloaded"),
            get(s, "consolidation", "drained"));
    fprintf(out, "SLA          SLATAH %.4g%%, PDM %.4g%%, SLAV %.5f%%, ESV %.5f; under-served "
            "%.4g%% of the CPU asked (%.4g%% in intervals that were)\n",
            100 * get(s, "sla", "slatah"), 100 * get(s, "sla", "pdm"),
            100 * get(s, "sla", "slav"), get(s, "sla", "esv"), 100 * get(s, "sla", "overall"),
            100 * get(s, "sla", "average"));
    if (get(s, "consolidation", "vms_removed") > 0)
        fprintf(out, "             %.0f VMs removed at zero demand (quirk "
                "remove_zero_demand_vms)\n", get(s, "consolidation", "vms_removed"));
}

void report_text(FILE *out, json_t *s)
{
    json_t *cfg = json_object_get(s, "config");
    const char *preset = json_string_value(json_object_get(cfg, "preset"));
    if (preset && strcmp(preset, "none") != 0) {
        char quirks[64];
        const json_t *q = json_object_get(cfg, "quirks");
        snprintf(quirks, sizeof quirks, "%s", json_is_string(q) ? json_string_value(q) : "all");
        fprintf(out, "workload     %s: %.0f VMs\n",
                json_string_value(json_object_get(s, "workload")), get(s, "jobs", "arrived"));
        fprintf(out, "preset       %s: CloudSim 5.0's set-up, consolidate %s, select %s, "
                "migration %s, power-aware %s, quirks %s\n", preset,
                json_string_value(json_object_get(cfg, "consolidate")),
                json_string_value(json_object_get(cfg, "select")),
                json_string_value(json_object_get(cfg, "migration")),
                json_is_true(json_object_get(cfg, "power-aware")) ? "yes" : "no", quirks);
        consolidation_text(out, s);
        fprintf(out, "engine       CloudSim's time steps, %.3f s\n",
                get(s, "engine", "wall_seconds"));
        return;
    }
    fprintf(out, "workload     %s\n", json_string_value(json_object_get(s, "workload")));
    const char *pf = json_string_value(json_object_get(cfg, "platform"));
    if (pf)
        fprintf(out, "policy       sched %s, alloc %s, platform %s, hw %s\n",
                json_string_value(json_object_get(cfg, "sched")),
                json_string_value(json_object_get(cfg, "alloc")), pf,
                json_string_value(json_object_get(cfg, "hw")));
    else
        fprintf(out, "policy       sched %s, alloc %s, %.0f host(s) x %.0f core(s), hw %s\n",
                json_string_value(json_object_get(cfg, "sched")),
                json_string_value(json_object_get(cfg, "alloc")), get(cfg, NULL, "hosts"),
                get(cfg, NULL, "cores"), json_string_value(json_object_get(cfg, "hw")));
    const char *det = json_string_value(json_object_get(cfg, "consolidate"));
    if (det && strcmp(det, "none") != 0)
        fprintf(out, "consolidate  %s, select %s, place %s, migration %s, power-aware %s\n", det,
                json_string_value(json_object_get(cfg, "select")),
                json_string_value(json_object_get(cfg, "consolidate-place")),
                json_string_value(json_object_get(cfg, "migration")),
                json_is_false(json_object_get(cfg, "power-aware")) ? "no" : "yes");
    fprintf(out, "jobs         %.0f arrived, %.0f completed, %.0f rejected\n",
            get(s, "jobs", "arrived"), get(s, "jobs", "completed"),
            get(s, "allocation", "rejected"));
    json_t *ci = json_object_get(json_object_get(s, "turnaround"), "ci95");
    if (get(s, "jobs", "completed") > 0) {
        fprintf(out, "turnaround   mean %.6g s", get(s, "turnaround", "mean"));
        if (json_is_array(ci))
            fprintf(out, " (95%% CI %.6g .. %.6g)", json_number_value(json_array_get(ci, 0)),
                    json_number_value(json_array_get(ci, 1)));
        fprintf(out, ", p50 %.6g, p95 %.6g, p99 %.6g, max %.6g\n", get(s, "turnaround", "p50"),
                get(s, "turnaround", "p95"), get(s, "turnaround", "p99"),
                get(s, "turnaround", "max"));
        fprintf(out, "waiting      mean %.6g s;  response mean %.6g s;  slowdown mean %.6g, p99 "
                "%.6g\n", get(s, "waiting", "mean"), get(s, "response", "mean"),
                get(s, "slowdown", "mean"), get(s, "slowdown", "p99"));
    } else {
        fprintf(out, "turnaround   none: no guest completed%s\n",
                json_is_null(json_object_get(cfg, "end")) ? "" : " before --end");
    }
    fprintf(out, "throughput   %.6g guests/s over a makespan of %.6g s; utilization %.4f; "
            "Jain fairness %.4f (CPU against entitlement)\n", get(s, NULL, "throughput"),
            get(s, NULL, "makespan"), get(s, NULL, "utilization"),
            get(s, NULL, "fairness_jain"));
    if (get(s, "bursts", "blocks") > 0) {
        fprintf(out, "wake-up      latency mean %.6g s, p50 %.6g, p95 %.6g, p99 %.6g, max %.6g\n",
                get(s, "wakeup_latency", "mean"), get(s, "wakeup_latency", "p50"),
                get(s, "wakeup_latency", "p95"), get(s, "wakeup_latency", "p99"),
                get(s, "wakeup_latency", "max"));
        fprintf(out, "bursts       %.6g, response mean %.6g s, p50 %.6g, p95 %.6g, p99 %.6g, "
                "max %.6g\n", get(s, "bursts", "completed"), get(s, "burst_response", "mean"),
                get(s, "burst_response", "p50"), get(s, "burst_response", "p95"),
                get(s, "burst_response", "p99"), get(s, "burst_response", "max"));
        fprintf(out, "steal        %.6g s, %.4f%% of the time runnable\n",
                get(s, "steal", "seconds"), 100 * get(s, "steal", "fraction"));
    }
    fprintf(out, "overhead     %.4f%% of busy time: exits %.6g s, walks %.6g s, "
            "switches %.6g s (%.0f switches)\n", 100 * get(s, "overhead", "fraction"),
            get(s, "overhead", "exit_seconds"), get(s, "overhead", "walk_seconds"),
            get(s, "overhead", "switch_seconds"), get(s, "overhead", "switches"));
    if (get(s, "overhead", "hlt_exits") + get(s, "overhead", "vcpu_migrations") > 0)
        fprintf(out, "             HLT exits %.0f, polling %.6g s (%.0f wakes caught), IPIs %.6g s "
                "(%.0f), migration refills %.6g s (%.0f vCPU migrations)\n",
                get(s, "overhead", "hlt_exits"), get(s, "overhead", "poll_seconds"),
                get(s, "overhead", "poll_wakes"), get(s, "overhead", "ipi_seconds"),
                get(s, "overhead", "ipis"), get(s, "overhead", "migration_seconds"),
                get(s, "overhead", "vcpu_migrations"));
    const char *cs = json_string_value(json_object_get(cfg, "cosched"));
    bool rigid = json_is_true(json_object_get(cfg, "rigid"));
    if (get(s, "spin", "holder_preemptions") > 0 || get(s, "spin", "seconds") > 0)
        fprintf(out, "spinlocks    %.0f lock holders preempted; spinning %.6g s (%.4f%% of busy "
                "time), %.0f PAUSE-loop exits\n", get(s, "spin", "holder_preemptions"),
                get(s, "spin", "seconds"), 100 * get(s, "spin", "fraction"),
                get(s, "spin", "ple_exits"));
    if ((cs && strcmp(cs, "none") != 0) || rigid)
        fprintf(out, "co-sched     %s%s: %.0f co-stops, %.6g s co-stopped, %.6g core-s idle "
                "for gangs\n", cs ? cs : "none", rigid ? ", rigid jobs" : "",
                get(s, "cosched", "costops"), get(s, "cosched", "costop_seconds"),
                get(s, "cosched", "gang_idle_seconds"));
    consolidation_text(out, s);
    const json_t *dl = json_object_get(s, "deadlines");
    if (get(s, "deadlines", "guests") > 0)
        fprintf(out, "deadlines    %.6g of %.6g guests with a deadline missed it (ratio %.4g)\n",
                get(s, "deadlines", "missed"), get(s, "deadlines", "guests"),
                json_number_value(json_object_get(dl, "miss_ratio")));
    /* by class and by priority, when there is more than one */
    const json_t *bc = json_object_get(s, "by_class");
    if (json_object_size(bc) > 1) {
        const char *name;
        json_t *g;
        int k = 0;
        json_object_foreach((json_t *)bc, name, g)
            fprintf(out, "%s%s: %.6g guests, turnaround mean %.6g s, slowdown %.6g",
                    k++ ? "; " : "by class     ", name, get(g, NULL, "completed"),
                    get(g, NULL, "turnaround_mean"), get(g, NULL, "slowdown_mean"));
        fputc('\n', out);
    }
    const json_t *bp = json_object_get(s, "by_priority");
    if (json_array_size(bp) > 1) {
        size_t i;
        json_t *g;
        json_array_foreach((json_t *)bp, i, g) {
            if (i == 8) {
                fprintf(out, "; ... (%zu priorities in all)", json_array_size(bp));
                break;
            }
            fprintf(out, "%spriority %.6g: %.6g guests, turnaround mean %.6g s",
                    i ? "; " : "by priority  ", get(g, NULL, "priority"),
                    get(g, NULL, "completed"), get(g, NULL, "turnaround_mean"));
        }
        fputc('\n', out);
    }
    if (json_is_true(json_object_get(s, "replications_identical")))
        fprintf(out, "reps         %.0f identical replications (the workload replays the same "
                "way): no interval over them\n", get(s, NULL, "reps"));
    json_t *hosts = json_object_get(s, "hosts");
    if (hosts && get(hosts, NULL, "count") > 1)
        fprintf(out, "hosts        %.0f; guests per host min %.6g, mean %.6g, max %.6g; %.0f "
                "empty, %.0f overcommitted\n", get(hosts, NULL, "count"),
                get(hosts, "guests", "min"), get(hosts, "guests", "mean"),
                get(hosts, "guests", "max"), get(hosts, NULL, "empty"),
                get(hosts, NULL, "overcommitted"));
    size_t n;
    json_t *note;
    json_array_foreach(json_object_get(s, "notes"), n, note) {
        const char *t = json_string_value(note);
        bool warning = t && strncmp(t, "warning: ", 9) == 0;
        fprintf(out, "%-12s %s\n", warning ? "warning" : "note", warning ? t + 9 : t);
    }
    fprintf(out, "engine       %.0f events in %.3f s (%.3g events/s), peak %.0f pending\n",
            get(s, "engine", "events"), get(s, "engine", "wall_seconds"),
            get(s, "engine", "events_per_second"), get(s, "engine", "peak_pending"));
}

void report_describe(void (*fn)(void *ctx, const char *key, const char *help), void *ctx)
{
    static const struct {
        const char *key, *help;
    } head[] = {
        {"schema", "\"" REPORT_SCHEMA "\""},
        {"version", "hvsim's version"},
        {"config", "the resolved experiment: every option that can change the results, "
                   "with the chosen policies' knobs; null = not given.  hvsim run --config "
                   "SUMMARY.json runs it again"},
        {"workload", "the trace's path, or \"generate SPEC\""},
        {"seed", "the run's seed"},
        {"reps", "replications"},
        {"replications_identical", "with --reps >= 2: whether every replication gave the "
                                   "same figures"},
    }, tail[] = {
        {"ci_method", "replications, batch-means or none: where ci95 comes from"},
        {"batch_lag1", "lag-1 autocorrelation of the turnaround batch means (should be < 0.1)"},
        {"turnaround.ci95, waiting.ci95", "95% confidence interval of the mean [low, high], "
                                          "or null"},
        {"jobs.skipped", "trace records skipped, by reason, and their total"},
        {"overhead.exits", "VM exits by reason"},
        {"overhead.profile", "the hardware profile"},
        {"deadlines", "guests: those with a deadline; missed: finished after it; miss_ratio: "
                      "missed / guests (null without deadlines)"},
        {"by_class", "per workload class: completed, turnaround_mean, waiting_mean, "
                     "response_mean, slowdown_mean, deadline_missed"},
        {"by_priority", "the same per priority, in priority order ([{priority, ...}])"},
        {"ci95", "with --reps >= 2 (not identical): the 95% interval of every metric over "
                 "the replications, by dotted path"},
        {"replications", "each replication's figures, laid out as the summary's (reps.csv "
                         "with --out)"},
        {"hosts", "where the guests went: count (hosts), guests {min, mean, max} received per "
                  "host (mean over replications), empty (hosts that received none), "
                  "overcommitted (hosts that held more vCPUs than cores at once), "
                  "peak_vcpus_per_core"},
        {"notes", "what hvsim decided for the run (an SWF log's cores, rounded --generate "
                  "draws, a per-VM directory's skipped entries) and, prefixed \"warning: \", "
                  "where a result changes meaning (offered load >= 1, empty hosts beside an "
                  "overcommitted one, Gantt outputs cut short) or the run may be long (its "
                  "work-driven events, estimated before it starts, over 6e9); absent when "
                  "there are none"},
    };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        fn(ctx, head[i].key, head[i].help);
    for (size_t m = 0; m < N_METRICS; m++) {
        char path[64];
        snprintf(path, sizeof path, "%s%s%s", metric_table[m].group ? metric_table[m].group : "",
                 metric_table[m].group ? "." : "", metric_table[m].key);
        fn(ctx, path, metric_table[m].help);
    }
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
        fn(ctx, tail[i].key, tail[i].help);
}
