/*
 * tests/test_cosched.c - co-scheduling of a VM's vCPUs and the spinlocks
 * it protects (sim/cosched.c, docs/MODEL.md "Co-scheduling and
 * spinlocks"):
 *   - strict: a gang of 2 vCPUs on 2 cores beside a hog follows the
 *     schedule worked out by hand, idle core held for the gang included;
 *   - relaxed: no vCPU's progress leads its slowest sibling's by more than
 *     the skew threshold, recomputed from the segments after every one
 *     (without co-scheduling the same run exceeds it);
 *   - spin_fraction 0 changes nothing: the same bytes as no spinlock model;
 *   - lock-holder preemption: vCPUs spin without co-scheduling, never
 *     under strict (the holder's siblings are stopped with it);
 *   - PAUSE-loop exits are counted and each is charged the PAUSE exit cost;
 *   - --rigid starts a job's vCPUs together once, then lets them go.
 * The conformance of every scheduler under every mode is in
 * tests/test_conformance.c.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests/helpers.h"

struct seg {
    int core, vcpu;
    uint64_t guest;
    sim_time_t start, end;
};

struct segs {
    struct seg s[40000];
    size_t n;
};

static void on_segment(void *ctx, const struct sim_segment *s)
{
    struct segs *r = ctx;
    cr_assert_lt(r->n, sizeof r->s / sizeof r->s[0]);
    r->s[r->n++] = (struct seg){s->core, s->vcpu, s->guest->seq, s->start, s->end};
}

/* Run jobs on x with invariants checked after every event; fails the test
 * on an error or a violation.  Segments go to segs when given. */
static void run(struct sim_experiment *x, const struct test_job *jobs, size_t n,
                struct segs *segs, struct sim_result *res)
{
    struct sim_hooks hooks = {.check_invariants = true, .on_segment = segs ? on_segment : NULL,
                              .cb_ctx = segs};
    struct sim_error err;
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, x, 0, &hooks, &err), 0, "%s", err.text);
    struct trace_reader r;
    test_array_open(&r, jobs, n);
    cr_assert_eq(sim_run(sim, &r, &err), 0, "%s", err.text);
    sim_result(sim, res);
    const char *first;
    cr_expect_eq(sim_violations(sim, &first), 0, "invariant violated: %s", first);
    trace_close(&r);
    sim_destroy(sim);
}

static int seg_cmp(const void *a, const void *b)
{
    const struct seg *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->core - y->core;
}

/* ---- strict ---- */

/* A VM of 2 vCPUs (2 s each) and a hog (2 s) on 2 cores, rr 1 s, ideal
 * hardware.  By hand: the gang starts at 0 on cores 0 and 1; at 1 both
 * slices end, rr takes the hog, and the gang is stopped together; the hog
 * runs on core 0 and core 1 is held idle for the gang (it needs 2 cores);
 * at 2 the hog's slice ends, the gang starts again on its own cores and
 * finishes at 3; the hog runs its last second on core 0, 3 to 4. */
Test(cosched, strict_gang_beside_a_hog_exact_schedule)
{
    static const struct test_job j[] = {{"vm", 0, 2, 2}, {"hog", 0, 2, 1}};
    static const struct seg want[] = {
        {0, 0, 0, SIM_S(0), SIM_S(1)}, {1, 1, 0, SIM_S(0), SIM_S(1)},
        {0, 0, 1, SIM_S(1), SIM_S(2)},
        {0, 0, 0, SIM_S(2), SIM_S(3)}, {1, 1, 0, SIM_S(2), SIM_S(3)},
        {0, 0, 1, SIM_S(3), SIM_S(4)},
    };
    struct sim_experiment x;
    test_experiment(&x, "rr", 2);
    test_knob(&x.sched, "quantum", "1s");
    x.cosched = SIM_COSCHED_STRICT;
    struct segs *r = calloc(1, sizeof *r);
    struct sim_result res;
    run(&x, j, 2, r, &res);
    qsort(r->s, r->n, sizeof r->s[0], seg_cmp);
    size_t nwant = sizeof want / sizeof want[0];
    cr_assert_eq(r->n, nwant, "%zu segments, want %zu", r->n, nwant);
    for (size_t i = 0; i < nwant; i++) {
        const struct seg *g = &r->s[i], *w = &want[i];
        cr_expect(g->core == w->core && g->vcpu == w->vcpu && g->guest == w->guest &&
                      g->start == w->start && g->end == w->end,
                  "segment %zu: guest %lu vCPU %d on core %d [%g, %g], want guest %lu vCPU %d "
                  "on core %d [%g, %g]", i, (unsigned long)g->guest, g->vcpu, g->core,
                  sim_time_to_s(g->start), sim_time_to_s(g->end), (unsigned long)w->guest,
                  w->vcpu, w->core, sim_time_to_s(w->start), sim_time_to_s(w->end));
    }
    cr_expect_eq(res.gang_idle_seconds, 1.0, "held idle %g core-s, want 1",
                 res.gang_idle_seconds);
    cr_expect_eq(res.costops, 1);
    cr_expect_eq(res.busy_seconds, 6.0);
    free(r);
    sim_experiment_release(&x);
}

/* A gang that can never start is refused at its record. */
Test(cosched, strict_gang_wider_than_its_host_is_an_error)
{
    static const struct test_job j[] = {{"vm", 0, 1, 3}};
    struct sim_experiment x;
    test_experiment(&x, "rr", 2);
    x.cosched = SIM_COSCHED_STRICT;
    struct sim_hooks hooks = {0};
    struct sim_error err;
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0, "%s", err.text);
    struct trace_reader r;
    test_array_open(&r, j, 1);
    cr_expect_neq(sim_run(sim, &r, &err), 0);
    cr_expect(strstr(err.text, "could never start") != NULL, "%s", err.text);
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
}

/* ---- rigid ---- */

/* --rigid: the VM's vCPUs wait until both can start (a gang start), then
 * are scheduled one by one.  A hog arrives first on 2 cores, rr 1 s: the
 * job of 2 vCPUs (3 s each) arrives at 0.5 and cannot start on the one
 * idle core; it starts on both at 1, when the hog's slice ends.  Without
 * --rigid its first vCPU starts at 0.5. */
Test(cosched, rigid_job_starts_its_vcpus_together)
{
    static const struct test_job j[] = {{"hog", 0, 4, 1}, {"job", 0.5, 3, 2}};
    for (int rigid = 0; rigid <= 1; rigid++) {
        struct sim_experiment x;
        test_experiment(&x, "rr", 2);
        test_knob(&x.sched, "quantum", "1s");
        x.rigid = rigid;
        struct segs *r = calloc(1, sizeof *r);
        struct sim_result res;
        run(&x, j, 2, r, &res);
        sim_time_t first[2] = {SIM_TIME_MAX, SIM_TIME_MAX};
        bool apart = false;   /* did the job's vCPUs ever run alone after their start? */
        for (size_t i = 0; i < r->n; i++)
            if (r->s[i].guest == 1 && r->s[i].start < first[r->s[i].vcpu])
                first[r->s[i].vcpu] = r->s[i].start;
        for (size_t i = 0; i < r->n; i++)
            if (r->s[i].guest == 1 && r->s[i].start > first[0]) {
                bool sibling = false;
                for (size_t k = 0; k < r->n; k++)
                    sibling |= r->s[k].guest == 1 && r->s[k].vcpu != r->s[i].vcpu &&
                               r->s[k].start <= r->s[i].start && r->s[k].end > r->s[i].start;
                apart |= !sibling;
            }
        if (rigid) {
            cr_expect_eq(first[0], SIM_S(1), "vCPU 0 first ran at %g", sim_time_to_s(first[0]));
            cr_expect_eq(first[1], SIM_S(1), "vCPU 1 first ran at %g", sim_time_to_s(first[1]));
            cr_expect_eq(res.gang_idle_seconds, 0.5, "held idle %g", res.gang_idle_seconds);
        } else {
            cr_expect_eq(first[0] < first[1] ? first[0] : first[1], SIM_MS(500));
            cr_expect_eq(res.gang_idle_seconds, 0);
        }
        /* one start together, then one by one: the rr rotation of 3
         * vCPUs on 2 cores leaves one of them alone at times */
        cr_expect(apart, "rigid %d: the job's vCPUs always ran together", rigid);
        free(r);
        sim_experiment_release(&x);
    }
}

/* ---- relaxed ---- */

/* A VM of 3 CPU-bound vCPUs beside 2 hogs on 3 cores: rr rotates 5 vCPUs
 * over 3 cores, so the siblings drift apart.  With relaxed co-scheduling
 * the progress (here: run time) of no vCPU leads its slowest sibling's by
 * more than the threshold at any instant, recomputed from the segments;
 * without it, the same run drifts past it. */
static sim_time_t max_skew(const struct segs *r, int nvcpus, sim_time_t end)
{
    /* progress of each vCPU at every segment boundary: run time so far */
    sim_time_t worst = 0;
    for (size_t b = 0; b < 2 * r->n; b++) {
        sim_time_t t = b < r->n ? r->s[b].start : r->s[b - r->n].end;
        if (t >= end)
            continue;
        sim_time_t p[8] = {0};
        for (size_t i = 0; i < r->n; i++) {
            const struct seg *s = &r->s[i];
            if (s->guest == 0 && s->start < t)
                p[s->vcpu] += (s->end < t ? s->end : t) - s->start;
        }
        sim_time_t lo = p[0], hi = p[0];
        for (int k = 1; k < nvcpus; k++) {
            lo = p[k] < lo ? p[k] : lo;
            hi = p[k] > hi ? p[k] : hi;
        }
        worst = hi - lo > worst ? hi - lo : worst;
    }
    return worst;
}

Test(cosched, relaxed_bounds_the_skew, .timeout = 60)
{
    static const struct test_job j[] = {{"vm", 0, 2, 3}, {"hog1", 0, 3, 1}, {"hog2", 0, 3, 1}};
    const sim_time_t skew = SIM_MS(3);
    sim_time_t worst[2];
    for (int relaxed = 0; relaxed <= 1; relaxed++) {
        struct sim_experiment x;
        test_experiment(&x, "rr", 3);
        test_knob(&x.sched, "quantum", "7ms");
        x.cosched = relaxed ? SIM_COSCHED_RELAXED : SIM_COSCHED_NONE;
        x.cosched_skew = skew;
        struct segs *r = calloc(1, sizeof *r);
        struct sim_result res;
        run(&x, j, 3, r, &res);
        /* the first vCPU of the VM to finish ends the comparison: a vCPU
         * done is no sibling to wait for */
        sim_time_t end = SIM_TIME_MAX;
        sim_time_t last[3] = {0};
        for (size_t i = 0; i < r->n; i++)
            if (r->s[i].guest == 0 && r->s[i].end > last[r->s[i].vcpu])
                last[r->s[i].vcpu] = r->s[i].end;
        for (int k = 0; k < 3; k++)
            end = last[k] < end ? last[k] : end;
        worst[relaxed] = max_skew(r, 3, end);
        if (relaxed)
            cr_expect_gt(res.costops, 0, "no co-stop");
        else
            cr_expect_eq(res.costops, 0);
        free(r);
        sim_experiment_release(&x);
    }
    cr_expect_leq(worst[1], skew, "relaxed: skew %.6f ms over the threshold %.6f ms",
                  worst[1] / 1e6, skew / 1e6);
    cr_expect_gt(worst[0], skew, "none: skew %.6f ms, the scenario never drifts",
                 worst[0] / 1e6);
}

/* ---- spinlocks ---- */

/* Ideal hardware with spinlocks of fraction f, critical sections of cs,
 * and PAUSE-loop exiting of window ple (0 = none). */
struct spin_hw {
    double fraction[1];
    sim_time_t cs[1];
};

static void spin_tables(struct sim_experiment *x, struct spin_hw *t, double f, sim_time_t cs,
                        double ple_ns)
{
    t->fraction[0] = f;
    t->cs[0] = cs;
    x->hw.spin_fraction = t->fraction;
    x->hw.critical_section = t->cs;
    x->hw.ple = (struct hw_ple){ple_ns, 2, 0, ple_ns > 0 ? 64 * ple_ns : 0};
}

/* Lock-holder preemption: a VM of 2 vCPUs that hold a lock half the
 * time in 200 us sections, beside a hog on 2 cores (rr 10 ms).  Without
 * co-scheduling, a vCPU preempted inside a section leaves its sibling
 * spinning; under strict its sibling is stopped with it, so nobody spins.
 * Without PLE nothing else ends a spin but the release, so the spinning
 * is a slice's worth each time. */
Test(cosched, lock_holder_preemption_spins_unless_strict, .timeout = 30)
{
    static const struct test_job j[] = {{"vm", 0, 2, 2}, {"hog", 0, 2, 1}};
    for (int strict = 0; strict <= 1; strict++) {
        struct sim_experiment x;
        test_experiment(&x, "rr", 2);
        test_knob(&x.sched, "quantum", "10ms");
        x.cosched = strict ? SIM_COSCHED_STRICT : SIM_COSCHED_NONE;
        struct spin_hw t;
        spin_tables(&x, &t, 0.5, SIM_US(200), 0);
        struct sim_result res;
        run(&x, j, 2, NULL, &res);
        cr_expect_gt(res.holder_preemptions, 10, "strict %d: %g holders preempted", strict,
                     res.holder_preemptions);
        if (strict) {
            cr_expect_eq(res.spin_seconds, 0, "strict: spun %g s", res.spin_seconds);
        } else {
            cr_expect_gt(res.spin_seconds, 0.1, "none: spun %g s", res.spin_seconds);
        }
        /* core time = work + spinning (ideal hardware: no other overhead) */
        cr_expect(fabs(res.busy_seconds - 6 - res.spin_seconds) < 1e-6,
                  "strict %d: busy %.9f s, work 6 s + spin %.9f s", strict, res.busy_seconds,
                  res.spin_seconds);
        cr_expect_eq(res.ple_exits, 0);
        sim_experiment_release(&x);
    }
}

/* A spin_fraction of 0 draws nothing and changes nothing: the same
 * segments and the same results, bit for bit, as no spinlock model,
 * under every co-scheduling mode. */
Test(cosched, spin_fraction_zero_changes_nothing, .timeout = 30)
{
    static const struct test_job j[] = {{"vm", 0, 1.5, 3}, {"hog", 0, 2, 1},
                                        {"vm2", 0.2, 1, 2}};
    for (int mode = SIM_COSCHED_NONE; mode <= SIM_COSCHED_RELAXED; mode++) {
        struct segs *r[2];
        struct sim_result res[2];
        for (int zero = 0; zero <= 1; zero++) {
            struct sim_experiment x;
            test_experiment(&x, "rr", 3);
            test_knob(&x.sched, "quantum", "10ms");
            x.cosched = (enum sim_cosched)mode;
            struct spin_hw t;
            if (zero)
                spin_tables(&x, &t, 0, SIM_US(200), 3000);
            r[zero] = calloc(1, sizeof *r[zero]);
            run(&x, j, 3, r[zero], &res[zero]);
            res[zero].wall_seconds = 0;
            sim_experiment_release(&x);
        }
        cr_expect_eq(r[0]->n, r[1]->n, "mode %d: %zu and %zu segments", mode, r[0]->n, r[1]->n);
        cr_expect(r[0]->n == r[1]->n &&
                      memcmp(r[0]->s, r[1]->s, r[0]->n * sizeof r[0]->s[0]) == 0,
                  "mode %d: the schedules differ", mode);
        cr_expect(memcmp(&res[0], &res[1], sizeof res[0]) == 0, "mode %d: the results differ",
                  mode);
        free(r[0]);
        free(r[1]);
    }
}

/* PAUSE-loop exits: a spinner takes one after each window and yields to
 * its preempted sibling when it can (kvm_vcpu_on_spin).  Ideal rates but
 * a PAUSE exit of 2 us: the exits are counted in spin.ple_exits and in
 * the exit counts, and each is charged exactly its cost. */
Test(cosched, ple_exits_counted_and_priced, .timeout = 30)
{
    static const struct test_job j[] = {{"vm", 0, 2, 2}, {"hog", 0, 2, 1}};
    struct hw_rates rates[1];
    memset(rates, 0, sizeof rates);
    rates[0].exit_cost_ns[HW_EXIT_PAUSE] = 2000;
    double ple_off_spin = 0;
    for (int ple = 0; ple <= 1; ple++) {
        struct sim_experiment x;
        test_experiment(&x, "rr", 2);
        test_knob(&x.sched, "quantum", "10ms");
        struct spin_hw t;
        spin_tables(&x, &t, 0.5, SIM_US(200), ple ? 10000 : 0);
        x.hw.nclasses = 1;
        x.hw.rates = rates;
        x.hw.rates_blocking = rates;
        struct sim_result res;
        run(&x, j, 2, NULL, &res);
        cr_expect_gt(res.spin_seconds, 0, "ple %d: no spinning", ple);
        if (!ple) {
            cr_expect_eq(res.ple_exits, 0);
            ple_off_spin = res.spin_seconds;
        } else {
            cr_expect_gt(res.ple_exits, 10, "%g PAUSE-loop exits", res.ple_exits);
            cr_expect_eq(res.exits[HW_EXIT_PAUSE], res.ple_exits, "%g PAUSE exits, %g PLE exits",
                         res.exits[HW_EXIT_PAUSE], res.ple_exits);
            cr_expect(fabs(res.exit_seconds - 2e-6 * res.ple_exits) < 1e-9,
                      "exit time %.9f s for %g PLE exits of 2 us", res.exit_seconds,
                      res.ple_exits);
            /* yielding to the holder cuts the spinning short */
            cr_expect_lt(res.spin_seconds, ple_off_spin / 2, "spin with PLE %g s, without %g s",
                         res.spin_seconds, ple_off_spin);
        }
        sim_experiment_release(&x);
    }
}
