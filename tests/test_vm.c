/*
 * tests/test_vm.c - the VM model: vCPUs that run bursts, block and wake.
 *   - a lone VM on a utilisation trace does exactly sum(u T) of work and
 *     never waits to run on an otherwise idle host;
 *   - a capped VM never runs more than cap x period in any period (from
 *     the segments the engine reports), and does get its cap;
 *   - blocking, waking and moving cost what the profile says: an HLT exit
 *     per block, halt polling that catches short blocks, one IPI and one
 *     migration refill for a wake on another core; nothing on ideal
 *     hardware;
 *   - phases run as given: run, block, run, ... with known finish times.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/hwsetup.h"
#include "tests/helpers.h"

/* ---- a run with segments and bursts recorded ---- */

struct rec_segment {
    int core;
    uint64_t guest;
    double start, end;
};

struct recorder {
    struct rec_segment seg[20000];
    size_t nseg;
    double finish[8];
};

static void on_segment(void *ctx, const struct sim_segment *s)
{
    struct recorder *r = ctx;
    cr_assert_lt(r->nseg, sizeof r->seg / sizeof r->seg[0]);
    r->seg[r->nseg++] = (struct rec_segment){s->core, s->guest->seq, sim_time_to_s(s->start),
                                             sim_time_to_s(s->end)};
}

static void on_job(void *ctx, const struct sim_job_info *j)
{
    struct recorder *r = ctx;
    if (j->guest->seq < 8)
        r->finish[j->guest->seq] = sim_time_to_s(j->finish);
}

static void run(struct sim_experiment *x, const struct test_job *jobs, size_t n,
                struct recorder *rec, struct sim_result *res)
{
    struct sim_hooks hooks = {.check_invariants = true, .on_segment = on_segment,
                              .on_job = on_job, .cb_ctx = rec};
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

/* ---- utilisation series ---- */

/* One VM of 2 vCPUs on 2 cores: each vCPU is an on/off process whose
 * bursts of each sample interval add up to u T, so the VM does exactly
 * 2 x sum(u) x T of work; alone on its host, it never waits. */
Test(vm, lone_series_vm_does_exactly_its_demand)
{
    static const double util[] = {0.3, 0.0, 1.0, 0.55, 0.12, 0.9};
    static const struct test_job j[] = {{"vm", 0, 1, 2, 0, 0, util, 6, 10}};
    double want = 0;
    for (size_t k = 0; k < 6; k++)
        want += 2 * util[k] * 10;
    for (int seed = 1; seed <= 3; seed++) {
        struct sim_experiment x;
        test_experiment(&x, "rr", 2);
        x.seed = (uint64_t)seed;
        struct recorder *rec = calloc(1, sizeof *rec);
        struct sim_result res;
        run(&x, j, 1, rec, &res);
        cr_expect(fabs(res.busy_seconds - want) < 1e-6, "seed %d: busy %.12g s, demand %.12g s",
                  seed, res.busy_seconds, want);
        cr_expect_eq(res.wake_max, 0, "seed %d: a wake waited %g s on an idle host", seed,
                     res.wake_max);
        cr_expect_eq(res.steal_seconds, 0);
        cr_expect_gt(res.bursts, 20, "seed %d: %g bursts", seed, res.bursts);
        /* its series lasts 60 s; work caught up after it would show here */
        cr_expect(fabs(rec->finish[0] - 60) < 1e-6, "finished at %g", rec->finish[0]);
        free(rec);
        sim_experiment_release(&x);
    }
}

/* The timeline of the same VM, sampled every interval: the trace's demand,
 * its grant (static: its 2 vCPUs) and the cores it used, each interval's
 * own (an uncontended VM does each interval's work inside it). */
struct samples {
    double demand[8], allocated[8], used[8];
    int n;
};

static sim_time_t on_sample(void *ctx, const struct sim_sample *s)
{
    struct samples *r = ctx;
    if (r->n < 8) {
        r->demand[r->n] = s->demand;
        r->allocated[r->n] = s->allocated;
        r->used[r->n] = s->used;
        r->n++;
    }
    return 0;
}

Test(vm, series_timeline_demand_grant_used)
{
    static const double util[] = {0.3, 0.0, 1.0, 0.55, 0.12, 0.9};
    static const struct test_job j[] = {{"vm", 0, 1, 2, 0, 0, util, 6, 10}};
    struct sim_experiment x;
    test_experiment(&x, "rr", 2);
    x.sample = sim_time_from_s(10);
    struct samples smp = {0};
    struct sim_hooks hooks = {.check_invariants = true, .on_sample = on_sample, .cb_ctx = &smp};
    struct sim_error err;
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0, "%s", err.text);
    struct trace_reader r;
    test_array_open(&r, j, 1);
    cr_assert_eq(sim_run(sim, &r, &err), 0, "%s", err.text);
    cr_assert_geq(smp.n, 6);
    for (int k = 0; k < 6; k++) {
        cr_expect(fabs(smp.demand[k] - 2 * util[k]) < 1e-9, "interval %d: demand %g", k,
                  smp.demand[k]);
        cr_expect(fabs(smp.allocated[k] - 2) < 1e-9, "interval %d: allocated %g", k,
                  smp.allocated[k]);
        cr_expect(fabs(smp.used[k] - 2 * util[k]) < 1e-6, "interval %d: used %g", k, smp.used[k]);
    }
    trace_close(&r);
    sim_destroy(sim);
    sim_experiment_release(&x);
}

/* ---- caps ---- */

/* The core time guest `guest` got in [a, b), from the segments. */
static double used_in(const struct recorder *r, uint64_t guest, double a, double b)
{
    double sum = 0;
    for (size_t i = 0; i < r->nseg; i++) {
        const struct rec_segment *s = &r->seg[i];
        if (s->guest != guest)
            continue;
        double lo = fmax(a, s->start), hi = fmin(b, s->end);
        if (hi > lo)
            sum += hi - lo;
    }
    return sum;
}

/* A VM of 2 vCPU hogs capped at 0.5 cores beside an uncapped hog, on 2
 * cores, rr 10 ms: in every 100 ms period it runs at most 50 ms (checked
 * exactly, each period), and, since it always wants more, at least 50 ms
 * (less the nanoseconds a budget shared by two vCPUs cannot split). */
Test(vm, cap_holds_in_every_period)
{
    static const struct test_job j[] = {
        {"capped", 0, 3, 2, .cap = 0.5},
        {"hog", 0, 3, 1},
    };
    struct sim_experiment x;
    test_experiment(&x, "rr", 2);
    test_knob(&x.sched, "quantum", "10ms");
    x.cap_period = SIM_MS(100);
    struct recorder *rec = calloc(1, sizeof *rec);
    struct sim_result res;
    run(&x, j, 2, rec, &res);
    double P = 0.1, cap = 0.5;
    int periods = 0;
    for (double a = 0; a + P <= rec->finish[1] - 1e-9; a += P, periods++) {
        double u = used_in(rec, 0, a, a + P);
        cr_expect_leq(u, cap * P + 1e-9, "period [%g, %g): ran %.9g s > %g", a, a + P, u,
                      cap * P);
        /* the budget is shared out in whole ns: each vCPU may leave < 1 ns */
        cr_expect_geq(u, cap * P - 2e-9, "period [%g, %g): ran only %.9g s", a, a + P, u);
    }
    cr_expect_gt(periods, 20);
    /* 6 s of work at 0.05 s a period: done in the 120th period */
    cr_expect(rec->finish[0] > 11.9 && rec->finish[0] <= 12.0 + 1e-6, "capped VM finished at "
              "%.9g", rec->finish[0]);
    free(rec);
    sim_experiment_release(&x);
}

/* ---- what blocking, waking and moving cost ---- */

static struct hw_setup skylake;

static void load_skylake(struct sim_experiment *x)
{
    struct sim_error err;
    cr_assert_eq(hw_setup_load(&skylake, "skylake-sp", getenv("HVSIM_DATA") ? getenv("HVSIM_DATA")
                                                                             : "models", &err),
                 0, "%s", err.text);
    x->hw = skylake.tables;
}

static void free_skylake(void) { hw_setup_free(&skylake); }

/* A VM on 2 cores runs 1 ms, blocks 1 ms, runs 1 ms (phases).  A hog
 * arrives at 1.5 ms and takes core 0, where the VM ran: the VM wakes at
 * 2 ms (plus its first run's stretch), starts on core 1 - one migration,
 * one IPI - and blocks again; its last run finds core 1 again.  Each block
 * is an HLT exit; a 0.1 ms block falls inside the 200 us polling window
 * and resumes on the spot. */
Test(vm, block_wake_move_costs, .fini = free_skylake)
{
    static const struct test_job j[] = {
        {"vm", 0, 1, 1, .phases = "1ms 1ms 1ms 0.1ms 1ms"},
        {"hog", 0.0015, 0.02, 1},
    };
    struct sim_experiment x;
    test_experiment(&x, "fcfs", 2);
    load_skylake(&x);
    struct recorder *rec = calloc(1, sizeof *rec);
    struct sim_result res;
    run(&x, j, 2, rec, &res);
    const struct sim_hw_tables *hw = &skylake.tables;
    cr_expect_eq(res.blocks, 2, "%g blocks", res.blocks);
    cr_expect_eq(res.vcpu_migrations, 1, "%g migrations", res.vcpu_migrations);
    cr_expect_eq(res.ipis, 1, "%g IPIs", res.ipis);
    cr_expect_eq(res.poll_wakes, 1, "%g wakes caught by polling", res.poll_wakes);
    cr_expect(fabs(res.ipi_seconds - sim_time_to_s(hw->ipi_cost)) < 1e-12, "IPI %g s",
              res.ipi_seconds);
    sim_time_t mig = hw->migration_cost[0];
    cr_expect(fabs(res.migration_seconds - sim_time_to_s(mig)) < 1e-12, "migration %g s",
              res.migration_seconds);
    cr_expect_gt(mig, SIM_US(10), "a migration refills the TLB and L2: %" PRI_simtime " ns",
                 mig);
    /* the polled block: the vCPU resumed after the HLT exit, inside the window */
    cr_expect_gt(res.poll_seconds, 0);
    cr_expect_lt(res.poll_seconds, 0.0002 * 2 + 1e-9);
    cr_expect_geq(res.hlt_exits, 2);
    free(rec);
    sim_experiment_release(&x);
}

/* The same on ideal hardware: the same events, no cost at all, and the
 * schedule of the textbook: the VM's phases end at 1 + 1 + 1 + 0.1 + 1. */
Test(vm, ideal_hardware_costs_nothing)
{
    static const struct test_job j[] = {
        {"vm", 0, 1, 1, .phases = "1ms 1ms 1ms 0.1ms 1ms"},
        {"hog", 0.0015, 0.02, 1},
    };
    struct sim_experiment x;
    test_experiment(&x, "fcfs", 2);
    struct recorder *rec = calloc(1, sizeof *rec);
    struct sim_result res;
    run(&x, j, 2, rec, &res);
    cr_expect_eq(res.vcpu_migrations, 1);
    cr_expect_eq(res.ipi_seconds + res.migration_seconds + res.poll_seconds +
                 res.exit_seconds + res.switch_seconds, 0);
    cr_expect(fabs(rec->finish[0] - 0.0041) < 1e-12, "the VM finished at %.12g",
              rec->finish[0]);
    cr_expect(fabs(rec->finish[1] - 0.0215) < 1e-12, "the hog finished at %.12g",
              rec->finish[1]);
    cr_expect_eq(res.wake_max, 0, "nobody waited for a core");
    free(rec);
    sim_experiment_release(&x);
}

/* Phases repeat: "2 1" twice on one core beside nothing: runs at [0,2)
 * and [3,5), blocks between; with a second VM of "1 2" x 2 the core is
 * shared as FCFS shares it. */
Test(vm, phases_repeat_and_share_a_core)
{
    static const struct test_job j[] = {
        {"a", 0, 1, 1, .phases = "2 1", .repeat = 2},
        {"b", 0, 1, 1, .phases = "1 2", .repeat = 2},
    };
    struct sim_experiment x;
    test_experiment(&x, "fcfs", 1);
    struct recorder *rec = calloc(1, sizeof *rec);
    struct sim_result res;
    run(&x, j, 2, rec, &res);
    /* a [0,2) b [2,3) a blocks [2,3) then waits; a [3,5) b blocked [3,5)
     * -> b [5,6) ; a blocks [5,6) and is done (its phases end on a block);
     * b blocks [6,8) and is done */
    cr_expect(fabs(rec->finish[0] - 6) < 1e-12, "a finished at %g", rec->finish[0]);
    cr_expect(fabs(rec->finish[1] - 8) < 1e-12, "b finished at %g", rec->finish[1]);
    cr_expect_eq(res.bursts, 4);
    cr_expect(fabs(res.busy_seconds - 6) < 1e-12, "busy %g", res.busy_seconds);
    free(rec);
    sim_experiment_release(&x);
}
