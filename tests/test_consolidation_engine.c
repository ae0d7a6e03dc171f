/*
 * tests/test_consolidation_engine.c - dynamic consolidation in the event
 * engine (sim/consolidate.c, sim/migrate.c), both models, against
 * closed forms: the energy of a host at a known load; a guest's work done
 * exactly once however often it moves; a stop-and-copy's downtime as a
 * gap in the guest's service; the migration model's time and bytes.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "consolidation/cons-private.h"
#include "consolidation/power.h"
#include "tests/helpers.h"

static struct cons_power g4;

/* nhosts hosts of ncores reference-speed cores with the G4's power table
 * (when metered), mem_mb each; detector and migration by spec. */
static void experiment(struct sim_experiment *x, int nhosts, int ncores, double mem_mb,
                       bool metered, const char *detector, const char *migration, bool fluid)
{
    struct sim_error err;
    cr_assert_eq(cons_power_load("hp-proliant-ml110-g4", "models", &g4, &err), 0, "%s",
                 err.text);
    test_experiment(x, "rr", ncores);
    sim_experiment_uniform(x, nhosts, ncores, mem_mb);
    for (int i = 0; i < nhosts; i++)
        x->hosts[i].power = metered ? &g4 : NULL;
    x->fluid = fluid;
    cr_assert_eq(cons_choose(&x->cons.detector, &cons_detector_registry, detector, &err), 0,
                 "%s", err.text);
    cr_assert_eq(cons_choose(&x->cons.migration, &cons_migration_registry, migration, &err), 0,
                 "%s", err.text);
    if (!metered)
        cr_assert_eq(cons_choose(&x->cons.placement, &cons_place_registry, "first-fit", &err),
                     0, "%s", err.text);
}

/* Each completed guest's work done against the work its series asked. */
struct done_check {
    int guests;
    double worst;   /* largest |done - asked| / asked */
};

static void on_job(void *ctx, const struct sim_job_info *j)
{
    struct done_check *d = ctx;
    const struct guest *g = j->guest;
    double asked = 0;
    for (size_t k = 0; k < g->series->n; k++)
        asked += fmin(g->series->util[k], 1.0) * g->series->interval * g->speed * g->nvcpus;
    double done = 0;
    if (g->fl)
        done = g->done_s;
    else
        for (int i = 0; i < g->nvcpus; i++)
            done += sim_time_to_s(g->vcpu[i].attained);
    double rel = fabs(done - asked) / asked;
    if (rel > d->worst)
        d->worst = rel;
    d->guests++;
}

/* Run jobs under x, each completion to fn(ctx), the invariants checked. */
static void run_with(struct sim_experiment *x, const struct test_job *jobs, size_t n,
                     struct sim_result *res, sim_job_fn fn, void *ctx)
{
    struct sim_error err;
    struct sim_hooks hooks = {.on_job = fn, .cb_ctx = ctx, .check_invariants = true};
    struct sim *sim;
    cr_assert_eq(sim_create(&sim, x, 0, &hooks, &err), 0, "%s", err.text);
    struct trace_reader r;
    test_array_open(&r, jobs, n);
    cr_assert_eq(sim_run(sim, &r, &err), 0, "%s", err.text);
    const char *first;
    cr_assert_eq(sim_violations(sim, &first), 0, "%s", first);
    sim_result(sim, res);
    trace_close(&r);
    sim_destroy(sim);
}

static void run(struct sim_experiment *x, const struct test_job *jobs, size_t n,
                struct sim_result *res, struct done_check *dc)
{
    run_with(x, jobs, n, res, on_job, dc);
}

/* ---------------------------------------------------------------- energy */

Test(cons_engine, energy_of_a_host_at_a_known_load)
{
    /* One VM at 50 % of one vCPU for 1200 s on a 2-core host: the host
     * runs at 25 % all the time, P(0.25) = 92.6 + 0.5 x (96 - 92.6) =
     * 94.3 W (HP ML110 G4); the second host is never on. */
    static const double u[4] = {0.5, 0.5, 0.5, 0.5};
    const struct test_job jobs[] = {{.id = "vm", .work = 1, .series = u, .nseries = 4,
                                     .interval = 300}};
    for (int fluid = 0; fluid < 2; fluid++) {
        struct sim_experiment x;
        experiment(&x, 2, 2, 0, true, "none", "precopy", fluid);
        struct sim_result r;
        struct done_check dc = {0};
        run(&x, jobs, 1, &r, &dc);
        double want = 94.3 * 1200 / 3.6e6;
        cr_expect(fabs(r.energy_kwh - want) < want * (fluid ? 1e-9 : 1e-6),
                  "%s: %.9f kWh, want %.9f", fluid ? "fluid" : "discrete", r.energy_kwh, want);
        cr_expect_eq(r.live_migrations, 0);
        cr_expect_eq(r.host_shutdowns, 1, "switched off when its VM leaves");
        cr_expect(fabs(r.hosts_on_mean - 1) < 1e-9, "one host on: %g", r.hosts_on_mean);
        /* not power-aware: both hosts at P(1) = 117 W for the whole run */
        x.power_aware = false;
        run(&x, jobs, 1, &r, &dc);
        cr_expect(fabs(r.energy_kwh - 2 * 117 * 1200 / 3.6e6) < 1e-9, "%.9f", r.energy_kwh);
        cr_expect(fabs(r.hosts_on_mean - 2) < 1e-9, "%g", r.hosts_on_mean);
        sim_experiment_release(&x);
    }
}

/* ---------------------------------------------------------- conservation */

/* Two VMs whose demand alternates high and low on two 2-core hosts, and
 * a threshold that keeps moving them: each still does exactly the work
 * its series asks, once. */
static const double swing_a[12] = {0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1};
static const double swing_b[12] = {0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8};
static const double swing_c[12] = {0.5, 0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2, 0.9, 0.1, 1.0, 0.0};

Test(cons_engine, work_done_exactly_once_whatever_moves)
{
    const struct test_job jobs[] = {
        {.id = "a", .work = 1, .series = swing_a, .nseries = 12, .interval = 300, .mem_mb = 512},
        {.id = "b", .work = 1, .series = swing_b, .nseries = 12, .interval = 300, .mem_mb = 1024,
         .speed = 1.5},
        {.id = "c", .work = 1, .series = swing_c, .nseries = 12, .interval = 300, .mem_mb = 256},
    };
    const char *models[] = {"precopy", "cloudsim", "precopy:migration-parallel=0"};
    for (int fluid = 0; fluid < 2; fluid++)
        for (size_t m = 0; m < 3; m++) {
            struct sim_experiment x;
            experiment(&x, 3, 2, 4096, true, "thr:0.3", models[m], fluid);
            struct sim_result r;
            struct done_check dc = {0};
            run(&x, jobs, 3, &r, &dc);
            cr_expect_eq(dc.guests, 3);
            cr_expect_gt(r.live_migrations, 5, "%s %s: %g migrations", fluid ? "fluid" :
                         "discrete", models[m], r.live_migrations);
            cr_expect_lt(dc.worst, fluid ? 1e-9 : 1e-6, "%s %s: work off by %g",
                         fluid ? "fluid" : "discrete", models[m], dc.worst);
            sim_experiment_release(&x);
        }
}

/* ------------------------------------------------------------- downtime */

Test(cons_engine, downtime_is_a_gap_in_service)
{
    /* One VM that asks a whole core all the time, on 2-core hosts, and a
     * threshold of 0.4: every tick it is overloaded where it is and moves
     * to the other (empty) host, six times (the sixth at 1,800 s, its
     * series over, its backlog not).  Each pre-copy migration pauses it
     * for its downtime d, and a VM that asks a whole core cannot catch up
     * within its series: the fluid's unmet demand is exactly five
     * downtimes (the sixth pause asks nothing).  The migration model
     * gives d, the time and bytes. */
    static const double full[6] = {1, 1, 1, 1, 1, 1};
    const struct test_job jobs[] = {{.id = "vm", .work = 1, .series = full, .nseries = 6,
                                     .interval = 300, .mem_mb = 2048}};
    struct sim_experiment x;
    experiment(&x, 2, 2, 0, true, "thr:0.4", "precopy", true);
    struct sim_result r;
    struct done_check dc = {0};
    run(&x, jobs, 1, &r, &dc);
    struct cons_migration mig;
    struct sim_error err;
    cr_assert_eq(cons_migration_init(&mig, "precopy", &err), 0, "%s", err.text);
    /* the VM's class is the default one: pre-copy takes network-heavy's
     * dirtying rate and working set for it */
    struct cons_migration_input in = {2048, 1000, 20, 26};
    struct cons_migration_cost c;
    cons_migration_cost(&mig, &in, &c);
    cons_migration_release(&mig);
    cr_assert_gt(c.downtime_s, 0);
    cr_expect_eq(r.live_migrations, 6, "one per tick while it runs: %g", r.live_migrations);
    cr_expect(fabs(r.live_migration_seconds - 6 * c.total_s) < 1e-9, "%g", r.live_migration_seconds);
    cr_expect(fabs(r.downtime_seconds - 6 * c.downtime_s) < 1e-9, "%g", r.downtime_seconds);
    cr_expect(fabs(r.migration_bytes - 6 * c.mb_sent * 1e6) < 1, "%g", r.migration_bytes);
    cr_expect(fabs(r.unmet_cpu_seconds - 5 * c.downtime_s) < 1e-6,
              "unmet %.9f s against the downtimes %.9f s", r.unmet_cpu_seconds,
              5 * c.downtime_s);
    /* CloudSim's model: no pause, but 90 % of its demand while it moves */
    cr_assert_eq(cons_choose(&x.cons.migration, &cons_migration_registry, "cloudsim", &err), 0);
    run(&x, jobs, 1, &r, &dc);
    double t = 2048 / (1000 * 0.5 / 8);
    cr_expect(fabs(r.live_migration_seconds - 6 * t) < 1e-9, "%g", r.live_migration_seconds);
    cr_expect_eq(r.downtime_seconds, 0);
    cr_expect(fabs(r.unmet_cpu_seconds - 5 * 0.1 * t) < 1e-6, "unmet %.9f, want %.9f",
              r.unmet_cpu_seconds, 5 * 0.1 * t);
    cr_expect_gt(r.pdm, 0, "PDM counts the 10 %% lost while migrating");
    sim_experiment_release(&x);
    cr_expect_lt(dc.worst, 1e-9);
}

Test(cons_engine, discrete_vcpus_wait_through_the_downtime)
{
    /* The same in the VM model: the VM's vCPU is runnable through each
     * stop-and-copy and does not run: at least the downtimes are steal. */
    static const double full[6] = {1, 1, 1, 1, 1, 1};
    const struct test_job jobs[] = {{.id = "vm", .work = 1, .series = full, .nseries = 6,
                                     .interval = 300, .mem_mb = 2048}};
    struct sim_experiment x;
    experiment(&x, 2, 2, 0, true, "thr:0.4", "precopy", false);
    struct sim_result r;
    struct done_check dc = {0};
    run(&x, jobs, 1, &r, &dc);
    cr_expect_eq(r.live_migrations, 6);
    cr_expect_gt(r.downtime_seconds, 0);
    /* alone on a 2-core host it never waits otherwise: exactly the five
     * pauses within its series (in the sixth it has nothing to do) */
    cr_expect(fabs(r.steal_seconds - r.downtime_seconds * 5 / 6) < 1e-6, "steal %.9f, "
              "downtime %.9f", r.steal_seconds, r.downtime_seconds);
    cr_expect_lt(dc.worst, 1e-6);
    sim_experiment_release(&x);
}

/* The seconds each host was on, from hooks.on_host. */
static void on_host(void *ctx, const struct sim_host_report *h)
{
    double *on = ctx;
    on[h->host] = h->on_seconds;
}

Test(cons_engine, one_migration_at_a_time_on_a_link)
{
    /* First fit: a, b, c fill host 0 (3,000 MB), d goes to host 1.  At
     * the first tick host 0 is the least used and all three move to host
     * 1 (THR 0.9 never overloads): host 0 is off once the last one has
     * left, 16 s after the tick when they copy together (1,000 MB at half
     * a 1 Gbit/s link), 48 s after it one at a time. */
    static const double low[3] = {0.05, 0.05, 0.05}, mid[3] = {0.5, 0.5, 0.5};
    const struct test_job jobs[] = {
        {.id = "a", .work = 1, .series = low, .nseries = 3, .interval = 300, .mem_mb = 1000},
        {.id = "b", .work = 1, .series = low, .nseries = 3, .interval = 300, .mem_mb = 1000},
        {.id = "c", .work = 1, .series = low, .nseries = 3, .interval = 300, .mem_mb = 1000},
        {.id = "d", .work = 1, .series = mid, .nseries = 3, .interval = 300, .mem_mb = 1000},
    };
    for (int p = 0; p < 2; p++) {
        struct sim_experiment x;
        struct sim_error err;
        experiment(&x, 2, 2, 0, true, "thr:0.9",
                   p ? "cloudsim:migration-parallel=1" : "cloudsim", true);
        cr_assert_eq(cons_choose(&x.cons.placement, &cons_place_registry, "first-fit", &err), 0);
        x.hosts[0].mem_mb = 3000;
        x.hosts[1].mem_mb = 5000;
        double on[2] = {0};
        struct sim_hooks hooks = {.on_host = on_host, .cb_ctx = on, .check_invariants = true};
        struct sim *sim;
        cr_assert_eq(sim_create(&sim, &x, 0, &hooks, &err), 0, "%s", err.text);
        struct trace_reader r;
        test_array_open(&r, jobs, 4);
        cr_assert_eq(sim_run(sim, &r, &err), 0, "%s", err.text);
        struct sim_result res;
        sim_result(sim, &res);
        trace_close(&r);
        sim_destroy(sim);
        cr_expect_eq(res.live_migrations, 3, "%g", res.live_migrations);
        cr_expect(fabs(on[0] - (p ? 348 : 316)) < 1e-9, "parallel %d: host 0 on %.9f s", !p,
                  on[0]);
        sim_experiment_release(&x);
    }
}

/* ---------------------------------------------------------------- SLA */

/* VMs that always get what they ask (a host with a core each) are never
 * under-served: no VM interval counts as a violation, however demand and
 * service are summed (each apart: they may differ by rounding), in both
 * models. */
Test(cons_engine, vms_served_in_full_violate_nothing)
{
    static const double a[] = {0.13, 0.71, 0.333, 0.29, 0.97, 0.05};
    static const double b[] = {0.61, 0.07, 0.919, 0.44, 0.21, 0.38};
    static const double c[] = {0.27, 0.55, 0.11, 0.83, 0.62, 0.19};
    static const struct test_job jobs[] = {
        {"a", 0, 1, 1, .series = a, .nseries = 6, .interval = 300},
        {"b", 0, 1, 1, .series = b, .nseries = 6, .interval = 300},
        {"c", 0, 1, 1, .series = c, .nseries = 6, .interval = 300},
    };
    for (int fluid = 0; fluid < 2; fluid++) {
        struct sim_experiment x;
        experiment(&x, 1, 4, 0, true, "none", "precopy", fluid);
        struct sim_result res;
        struct done_check dc = {0};
        run(&x, jobs, 3, &res, &dc);
        cr_expect_eq(dc.guests, 3);
        cr_expect_eq(res.sla_average, 0, "%s model: mean shortfall %g over under-served "
                     "intervals", fluid ? "fluid" : "discrete", res.sla_average);
        cr_expect_eq(res.sla_overall, 0, "%s model: overall %g", fluid ? "fluid" : "discrete",
                     res.sla_overall);
        sim_experiment_release(&x);
    }
}

/* ---------------------------------------------------------- admission */

/* Each guest's placement (its series' start) and host, by id's first
 * letter. */
struct starts {
    double placed[26];
    sim_time_t turnaround[26];
    int host[26];
    int guests;
};

static void on_start(void *ctx, const struct sim_job_info *j)
{
    struct starts *s = ctx;
    int k = j->guest->id[0] - 'a';
    s->placed[k] = sim_time_to_s(j->guest->sa->series_start);
    s->turnaround[k] = j->finish - j->guest->arrival;
    s->host[k] = j->guest->host ? j->guest->host->index : -1;
    s->guests++;
}

static void run_starts(struct sim_experiment *x, const struct test_job *jobs, size_t n,
                       struct sim_result *res, struct starts *st)
{
    memset(st, 0, sizeof *st);
    run_with(x, jobs, n, res, on_start, st);
}

/* One run of the admission tests: its experiment, result and starts. */
struct admission {
    struct sim_experiment x;
    struct sim_result r;
    struct starts st;
};

/* a->x set to nhosts of ncores, first-fit, the detector det, the model
 * of fluid; then run_starts.  Release a->x. */
static void admission_run(struct admission *a, int nhosts, int ncores, const char *det, int fluid,
                          const struct test_job *jobs, size_t n)
{
    experiment(&a->x, nhosts, ncores, 4096, false, det, "precopy", fluid);
    run_starts(&a->x, jobs, n, &a->r, &a->st);
}

/* A VM of four vCPUs that asks two cores is placed on arrival: each vCPU
 * needs one core at most (CloudSim's core test, Host.isSuitableForVm, is
 * about one PE; a VM of n vCPUs spreads over n).  It arrives at 600 s and
 * is placed by its first sample, not by the sample of the clock's 600 s. */
Test(cons_engine, a_vm_of_several_vcpus_is_placed_by_its_first_sample)
{
    static const double half[4] = {0.5, 0.5, 0.0, 0.0};
    const struct test_job jobs[] = {{.id = "a", .arrival = 600, .work = 1, .vcpus = 4,
                                     .series = half, .nseries = 4, .interval = 300,
                                     .mem_mb = 512}};
    for (int fluid = 0; fluid < 2; fluid++) {
        struct admission a;
        admission_run(&a, 2, 4, "thr:0.9", fluid, jobs, 1);
        cr_expect_eq(a.r.admission_waits, 0, "%s: it waited", fluid ? "fluid" : "discrete");
        cr_expect_eq(a.st.guests, 1);
        cr_expect_eq(a.st.placed[0], 600, "%s: placed at %.9f", fluid ? "fluid" : "discrete",
                     a.st.placed[0]);
        cr_expect_eq(a.st.host[0], 0, "first fit");
        sim_experiment_release(&a.x);
    }
}

/* A VM that asks more than any host has (8 cores of 4-core hosts) can
 * never be placed by a manager that asks for CPU room: it is rejected on
 * arrival (it would otherwise wait for ever, and the manager's steps with
 * it), and the run ends.  most-free asks for no CPU: it takes it. */
Test(cons_engine, a_vm_no_host_could_take_is_rejected)
{
    static const double full[2] = {1, 1};
    static const double half[2] = {0.5, 0.5};
    const struct test_job jobs[] = {
        {.id = "a", .work = 1, .vcpus = 8, .series = full, .nseries = 2, .interval = 300,
         .mem_mb = 512},
        {.id = "b", .work = 1, .series = half, .nseries = 2, .interval = 300, .mem_mb = 512},
    };
    for (int fluid = 0; fluid < 2; fluid++) {
        struct admission a;
        admission_run(&a, 2, 4, "thr:0.9", fluid, jobs, 2);
        cr_expect_eq(a.r.rejected, 1, "%s", fluid ? "fluid" : "discrete");
        cr_expect_eq(a.r.completed, 1);
        cr_expect_eq(a.st.placed[1], 0);
        struct sim_error err;
        cr_assert_eq(cons_choose(&a.x.cons.placement, &cons_place_registry, "most-free", &err), 0,
                     "%s", err.text);
        run_starts(&a.x, jobs, 2, &a.r, &a.st);
        cr_expect_eq(a.r.rejected, 0, "%s, most-free", fluid ? "fluid" : "discrete");
        cr_expect_eq(a.r.completed, 2);
        cr_expect_eq(a.st.placed[0], 0);
        sim_experiment_release(&a.x);
    }
}

/* A VM turned away for want of CPU room is placed at the manager's first
 * step that finds room, not when another VM leaves.  One host of 2 cores:
 * a asks both for 900 s, then nothing until 2,400 s; b (half a core)
 * arrives at 450 s and waits.  The step at 1,200 s measures a's last
 * interval at 0 and places b there. */
Test(cons_engine, a_waiting_vm_is_placed_at_the_step_that_finds_room)
{
    static const double burst[8] = {1, 1, 1, 0, 0, 0, 0, 0};
    static const double half[2] = {0.5, 0.5};
    const struct test_job jobs[] = {
        {.id = "a", .work = 1, .vcpus = 2, .series = burst, .nseries = 8, .interval = 300,
         .mem_mb = 512},
        {.id = "b", .arrival = 450, .work = 1, .series = half, .nseries = 2, .interval = 300,
         .mem_mb = 512},
    };
    for (int fluid = 0; fluid < 2; fluid++) {
        struct admission a;
        admission_run(&a, 1, 2, "thr:1", fluid, jobs, 2);
        cr_expect_eq(a.r.admission_waits, 1, "%s", fluid ? "fluid" : "discrete");
        cr_expect_eq(a.r.completed, 2);
        cr_expect_eq(a.st.placed[1], 1200, "%s: b placed at %.9f s",
                     fluid ? "fluid" : "discrete", a.st.placed[1]);
        sim_experiment_release(&a.x);
    }
}

/* A VM served in full ends with its series, to the nanosecond, in both
 * models, whatever its interval: here one that is no whole number of
 * nanoseconds (Bitbrains' are measured: 300.0278... s), where a sum of
 * rounded intervals ended the fluid's last sample 3 ns early (a waiting
 * time of -3 ns in jobs.csv). */
Test(cons_engine, a_series_ends_on_its_own_clock)
{
    static const double third[8] = {0.32, 0.32, 0.32, 0.32, 0.32, 0.32, 0.32, 0.32};
    const double interval = 300.02787456432;
    const struct test_job jobs[] = {{.id = "a", .arrival = 7, .work = 1, .series = third,
                                     .nseries = 8, .interval = interval, .mem_mb = 512}};
    for (int fluid = 0; fluid < 2; fluid++) {
        struct admission a;
        admission_run(&a, 1, 1, "none", fluid, jobs, 1);
        cr_expect_eq(a.st.turnaround[0], sim_time_from_s(8 * interval),
                     "%s: %lld ns, the series %lld", fluid ? "fluid" : "discrete",
                     (long long)a.st.turnaround[0], (long long)sim_time_from_s(8 * interval));
        sim_experiment_release(&a.x);
    }
}
