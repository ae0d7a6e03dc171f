/*
 * tests/test_consolidation.c - the consolidation layer piece by piece,
 * against hand-computed answers: power tables, overload detectors on
 * given histories, VM selection, PABFD and draining on tiny data centres,
 * the migration models against their closed forms, CloudSim's SLA
 * metrics on short entry sequences, and the policy specs.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "consolidation/cons-private.h"
#include "consolidation/power.h"
#include "consolidation/sla.h"

/* HP ProLiant ML110 G4, models/power/hp-proliant-ml110-g4.json. */
static const struct cons_power g4 = {
    "g4", {86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117}};

/* ----------------------------------------------------------------- power */

Test(cons_power, table_points_and_lines)
{
    cr_assert_eq(cons_power_at(&g4, 0), 86);
    cr_assert_eq(cons_power_at(&g4, 1), 117);
    cr_assert_eq(cons_power_at(&g4, 0.5), 102);
    /* 92.6 + (96 - 92.6) / 10 x 5 */
    cr_assert_float_eq(cons_power_at(&g4, 0.25), 94.3, 1e-12);
    /* 99.5 + (102 - 99.5) / 10 x 7 */
    cr_assert_float_eq(cons_power_at(&g4, 0.47), 101.25, 1e-12);
    cr_assert(isnan(cons_power_at(&g4, -0.01)));
    cr_assert(isnan(cons_power_at(&g4, 1.02)), "CloudSim throws above 100 %%");
}

Test(cons_power, exact_mean_along_a_ramp)
{
    /* [0.2, 0.3]: mean 94.3; [0.3, 0.4]: 97.75; both: 96.025 */
    cr_assert_float_eq(cons_power_mean(&g4, 0.2, 0.4), 96.025, 1e-9);
    cr_assert_float_eq(cons_power_mean(&g4, 0.4, 0.2), 96.025, 1e-9, "either direction");
    cr_assert_float_eq(cons_power_mean(&g4, 0.25, 0.25), 94.3, 1e-9);
    /* whole range: trapezoids of the table, (86/2 + 89.4 + ... + 114 + 117/2) / 10 */
    double sum = 86 / 2.0 + 117 / 2.0;
    for (int i = 1; i < 10; i++)
        sum += g4.watts[i];
    cr_assert_float_eq(cons_power_mean(&g4, 0, 1), sum / 10, 1e-9);
}

Test(cons_power, bundled_tables_load_by_name)
{
    struct cons_power p;
    struct sim_error err;
    cr_assert_eq(cons_power_load("hp-proliant-ml110-g4", "models", &p, &err), 0, "%s", err.text);
    cr_assert_str_eq(p.name, "hp-proliant-ml110-g4");
    cr_assert_arr_eq(p.watts, g4.watts, sizeof g4.watts);
    cr_assert_eq(cons_power_load("hp-proliant-ml110-g5", "models", &p, &err), 0, "%s", err.text);
    const double g5[11] = {93.7, 97, 101, 105, 110, 116, 121, 125, 129, 133, 135};
    cr_assert_arr_eq(p.watts, g5, sizeof g5);
    cr_assert_eq(cons_power_load("no-such-server", "models", &p, &err), SIM_EINVAL);
    cr_assert(strstr(err.text, "unknown power model"), "%s", err.text);
}

static int load_text(const char *text, struct sim_error *err)
{
    char path[] = "/tmp/hvsim-power-XXXXXX";   /* a '/' makes it a path */
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct cons_power p;
    int rc = cons_power_load(path, NULL, &p, err);
    unlink(path);
    return rc;
}

Test(cons_power, bad_tables_are_refused)
{
    struct sim_error err;
    const char *head = "{\"schema\": \"hvsim-power-model/1\", \"name\": \"x\", \"watts\": ";
    char buf[512];
    snprintf(buf, sizeof buf, "%s{\"value\": [1,2,3,4,5,6,7,8,9,10], \"unit\": \"W\", \"source\": \"s\"}}",
             head);
    cr_assert_eq(load_text(buf, &err), SIM_EINVAL);
    cr_assert(strstr(err.text, "11 numbers"), "%s", err.text);
    snprintf(buf, sizeof buf,
             "%s{\"value\": [1,2,3,4,5,6,7,8,9,10,9], \"unit\": \"W\", \"source\": \"s\"}}", head);
    cr_assert_eq(load_text(buf, &err), SIM_EINVAL, "decreasing");
    snprintf(buf, sizeof buf, "%s{\"value\": [1,2,3,4,5,6,7,8,9,10,11], \"unit\": \"W\"}}", head);
    cr_assert_eq(load_text(buf, &err), SIM_EINVAL);
    cr_assert(strstr(err.text, "source"), "%s", err.text);
    snprintf(buf, sizeof buf,
             "%s{\"value\": [1,2,3,4,5,6,7,8,9,10,11], \"unit\": \"W\", \"source\": \"s\"}, \"x\": 1}",
             head);
    cr_assert_eq(load_text(buf, &err), SIM_EINVAL);
    cr_assert(strstr(err.text, "unknown key"), "%s", err.text);
    snprintf(buf, sizeof buf,
             "%s{\"value\": [1,2,3,4,5,6,7,8,9,10,11], \"unit\": \"W\", \"source\": \"s\"}}", head);
    cr_assert_eq(load_text(buf, &err), 0, "%s", err.text);
}

/* ------------------------------------------------------------- detectors */

static struct cons_quirks q_cloudsim, q_right;

static void quirks_init(void)
{
    cons_quirks_cloudsim(&q_cloudsim);
    cons_quirks_right(&q_right);
}

static struct cons_detector detector(const char *spec, const struct cons_quirks *q)
{
    /* The detector's knobs must outlive the manager: keep them. */
    static struct policy_choice kept[32];
    static size_t nkept;
    struct sim_error err;
    cr_assert_lt(nkept, 32);
    struct policy_choice *c = &kept[nkept++];
    cr_assert_eq(cons_choose(c, &cons_detector_registry, spec, &err), 0, "%s", err.text);
    struct cons_detector d = {cons_detector_of(c->info), c->conf, q};
    return d;
}

static bool over(const struct cons_detector *d, double req, const double *hist, int n, double mig)
{
    struct cons_load l = {1000, req, hist, n, mig, 300};
    return d->ops->overloaded(d, &l);
}

/* Twelve samples, most recent first; sorted: .40 .42 .45 .48 .49 .50 .51
 * .52 .53 .55 .58 .60. */
static const double h12[12] = {0.50, 0.52, 0.48, 0.55, 0.45, 0.60,
                               0.40, 0.58, 0.42, 0.51, 0.49, 0.53};

Test(cons_detect, thr_is_strictly_above, .init = quirks_init)
{
    struct cons_detector d = detector("thr:0.8", &q_cloudsim);
    cr_assert_not(over(&d, 800, NULL, 0, 0), "0.8 is not above 0.8");
    cr_assert(over(&d, 801, NULL, 0, 0));
}

Test(cons_detect, iqr_cloudsim_quartiles_and_gsl_quartiles, .init = quirks_init)
{
    /* CloudSim: q1 = x[round(3.25) - 1] = x[2] = .45, q3 = x[round(9.75) - 1]
     * = x[9] = .55; threshold 1 - 1.5 x 0.10 = 0.85. */
    struct cons_detector d = detector("iqr:1.5", &q_cloudsim);
    cr_assert_not(over(&d, 840, h12, 12, 0));
    cr_assert(over(&d, 860, h12, 12, 0));
    cr_assert(over(&d, 880, h12, 12, 0));
    /* GSL: q1 = x[2] + .75 (x[3] - x[2]) = .4725, q3 = x[8] + .25 (x[9] -
     * x[8]) = .535; threshold 1 - 1.5 x .0625 = 0.90625. */
    d = detector("iqr:1.5", &q_right);
    cr_assert_not(over(&d, 880, h12, 12, 0));
    cr_assert(over(&d, 910, h12, 12, 0));
    /* eleven samples: THR 0.7 */
    cr_assert(over(&d, 710, h12, 11, 0));
    cr_assert_not(over(&d, 690, h12, 11, 0));
}

Test(cons_detect, mad, .init = quirks_init)
{
    /* median .505; deviations sorted .005 .005 .015 .015 .025 .025 .045
     * .055 .075 .085 .095 .105, median .035; threshold 1 - 2.5 x .035 = .9125 */
    struct cons_detector d = detector("mad:2.5", &q_cloudsim);
    cr_assert_not(over(&d, 910, h12, 12, 0));
    cr_assert(over(&d, 915, h12, 12, 0));
    cr_assert(over(&d, 701, h12, 5, 0), "short history: THR 0.7");
}

/* Ten samples on the line y = a + b x, x = 1 (oldest) .. 10. */
static void line(double a, double b, double *hist)
{
    for (int j = 0; j < 10; j++)
        hist[j] = a + b * (10 - j);
}

Test(cons_detect, lr_predicts_one_migration_ahead, .init = quirks_init)
{
    struct cons_detector d = detector("lr:1.2", &q_cloudsim);
    double h[10], pred;
    line(0.1, 0.06, h);
    struct cons_load l = {1000, 500, h, 10, 27.84, 300};
    cr_assert(cons__lr_predict(&d, &l, false, &pred));
    cr_assert_float_eq(pred, 0.1 + 0.06 * 11, 1e-12, "x = 10 + ceil(27.84 / 300)");
    cr_assert_not(d.ops->overloaded(&d, &l), "1.2 x 0.76 < 1");
    l.max_migration_s = 0;
    cr_assert(cons__lr_predict(&d, &l, false, &pred));
    cr_assert_float_eq(pred, 0.1 + 0.06 * 10, 1e-12);
    l.max_migration_s = 301;
    cr_assert(cons__lr_predict(&d, &l, false, &pred));
    cr_assert_float_eq(pred, 0.1 + 0.06 * 12, 1e-12);
    line(0.1, 0.07, h);
    l.max_migration_s = 27.84;
    cr_assert(d.ops->overloaded(&d, &l), "1.2 x 0.87 >= 1");
    l.hist_len = 9;
    cr_assert_not(cons__lr_predict(&d, &l, false, &pred));
    l.req_mips = 710;
    cr_assert(d.ops->overloaded(&d, &l), "nine samples: THR 0.7");
    l.req_mips = 690;
    cr_assert_not(d.ops->overloaded(&d, &l));
}

/* Weighted least squares by the normal equations, for reference. */
static double wls_pred(const double *x, const double *y, const double *w, int n, double at)
{
    double sw = 0, sx = 0, sy = 0;
    for (int i = 0; i < n; i++) {
        sw += w[i];
        sx += w[i] * x[i];
        sy += w[i] * y[i];
    }
    double mx = sx / sw, my = sy / sw, sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
        sxy += w[i] * (x[i] - mx) * (y[i] - my);
        sxx += w[i] * (x[i] - mx) * (x[i] - mx);
    }
    double b = sxy / sxx;
    return my - b * mx + b * at;
}

Test(cons_detect, lr_weights_cloudsim_ignores_them, .init = quirks_init)
{
    /* Flat at 0.2, then a jump to 0.9 in the newest sample. */
    double h[10] = {0.9, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2};
    double x[10], y[10], w1[10], wt[10];
    for (int i = 0; i < 10; i++) {
        x[i] = i + 1;
        y[i] = h[9 - i];
        w1[i] = 1;
        double r = (9 - i) / 9.0;
        wt[i] = pow(1 - r * r * r, 3);
    }
    struct cons_load l = {1000, 500, h, 10, 27.84, 300};
    double pred;
    struct cons_detector d = detector("lr:1.2", &q_cloudsim);
    cr_assert(cons__lr_predict(&d, &l, false, &pred));
    cr_assert_float_eq(pred, wls_pred(x, y, w1, 10, 11), 1e-12, "CloudSim: plain OLS");
    double ols = pred;
    cr_assert(cons__lr_predict(&d, &l, true, &pred));
    cr_assert_eq(pred, ols, "CloudSim's LRR is LR");
    d = detector("lr:1.2", &q_right);
    cr_assert(cons__lr_predict(&d, &l, false, &pred));
    cr_assert_float_eq(pred, wls_pred(x, y, wt, 10, 11), 1e-12, "tricube weights");
    cr_assert_gt(pred, ols, "the newest samples weigh more");
    /* On an exact line every weighting predicts the line. */
    line(0.3, 0.02, h);
    cr_assert(cons__lr_predict(&d, &l, true, &pred));
    cr_assert_float_eq(pred, 0.3 + 0.02 * 11, 1e-12);
}

Test(cons_detect, lrr_robust_step_discounts_an_outlier, .init = quirks_init)
{
    /* A line with one wild sample in the middle: the bisquare step pulls
     * the prediction back towards the line. */
    double h[10];
    line(0.2, 0.03, h);
    h[4] = 0.95;
    struct cons_load l = {1000, 500, h, 10, 0, 300};
    struct cons_detector d = detector("lrr:1.2", &q_right);
    double plain, robust;
    cr_assert(cons__lr_predict(&d, &l, false, &plain));
    cr_assert(cons__lr_predict(&d, &l, true, &robust));
    double truth = 0.2 + 0.03 * 10;
    cr_assert_lt(fabs(robust - truth), fabs(plain - truth), "robust %g plain %g", robust, plain);
}

/* ------------------------------------------------------- a tiny data centre */

/* Up to 6 hosts of 1000 MIPS (one 1000-MIPS core), the G4 table, 1 Gbit/s;
 * VMs of 1000 MIPS. */
struct tiny {
    struct cons_host h[6];
    struct cons_slot s[6][8];
    struct cons_vm v[16];
    double hist[16][CONS_HISTORY_MAX];
    struct cons_dc dc;
};

static void tiny_init(struct tiny *t, int nhosts)
{
    memset(t, 0, sizeof *t);
    for (int i = 0; i < nhosts; i++) {
        t->h[i] = (struct cons_host){1000, 1000, 2, 4096, 1000, 1000, 1000, 0, false, &g4, t->s[i], 0};
    }
    t->dc = (struct cons_dc){300, 300, t->h, nhosts, t->v, 0};
}

/* VM on host h (-1: none) with demand req and migration memory mem. */
static int tiny_vm(struct tiny *t, int h, double req, double mem)
{
    int v = t->dc.nvms++;
    t->v[v] = (struct cons_vm){1000, req, 0, mem, 0, 0, 0, t->hist[v], 0, h, false};
    if (h >= 0) {
        struct cons_host *H = &t->h[h];
        t->s[h][H->nslots++] = (struct cons_slot){v, req, false};
        H->avail_mips -= req;
        H->util += req / H->mips;
        H->on = true;
    }
    return v;
}

static struct cons_manager *manager(const char *det, const char *sel, const char *place,
                                    const struct cons_quirks *q)
{
    struct cons_config c;
    struct sim_error err;
    cr_assert_eq(cons_config_init(&c, &err), 0, "%s", err.text);
    cr_assert_eq(cons_choose(&c.detector, &cons_detector_registry, det, &err), 0, "%s", err.text);
    cr_assert_eq(cons_choose(&c.selector, &cons_selector_registry, sel, &err), 0, "%s", err.text);
    cr_assert_eq(cons_choose(&c.placement, &cons_place_registry, place, &err), 0, "%s", err.text);
    c.quirks = *q;
    struct cons_manager *m;
    cr_assert_eq(cons_manager_create(&c, &m, &err), 0, "%s", err.text);
    cons_config_release(&c);
    return m;
}

Test(cons_pabfd, least_power_increase, .init = quirks_init)
{
    struct tiny t;
    tiny_init(&t, 3);
    tiny_vm(&t, 0, 600, 100);
    tiny_vm(&t, 1, 250, 100);
    int v = tiny_vm(&t, -1, 100, 100);
    /* host 2 is off.  CloudSim: P(.7)-P(.6) = 2, P(.35)-P(.25) = 3.45,
     * P(.1)-P(0) = 3.4: host 0. */
    struct cons_manager *m = manager("thr:0.8", "mmt", "pabfd", &q_cloudsim);
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 0);
    cons_manager_destroy(m);
    /* With host 0 overloaded after (0.7 > 0.65), the off host is cheaper
     * for CloudSim (3.4 < 3.45), ... */
    m = manager("thr:0.65", "mmt", "pabfd", &q_cloudsim);
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 2);
    cons_manager_destroy(m);
    /* ... but waking it costs its 89.4 W in truth. */
    m = manager("thr:0.65", "mmt", "pabfd", &q_right);
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 1);
    cons_manager_destroy(m);
    /* An empty host is never refused by the detector. */
    m = manager("thr:0.05", "mmt", "pabfd", &q_cloudsim);
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 2);
    cons_manager_destroy(m);
}

Test(cons_pabfd, capacity_core_and_first_fit, .init = quirks_init)
{
    struct tiny t;
    tiny_init(&t, 3);
    tiny_vm(&t, 0, 950, 100);
    tiny_vm(&t, 1, 100, 100);
    t.h[1].pe_mips = 500;
    int v = tiny_vm(&t, -1, 600, 100);
    /* host 0: 50 MIPS free; host 1: a core of 500 < 600; host 2 fits. */
    struct cons_manager *m = manager("thr:1", "mmt", "pabfd", &q_cloudsim);
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 2);
    cons_manager_destroy(m);
    m = manager("none", "mmt", "firstfit", &q_cloudsim);
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 2);
    t.h[1].pe_mips = 1000;
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 1, "first fit, in host order");
    t.h[2].avail_mips = t.h[1].avail_mips = 500;
    cr_assert_eq(cons_manager_place(m, &t.dc, v), -1);
    cons_manager_destroy(m);
}

Test(cons_manager, overload_then_drain, .init = quirks_init)
{
    struct tiny t;
    tiny_init(&t, 4);
    tiny_vm(&t, 0, 500, 100);
    int b = tiny_vm(&t, 0, 400, 50);   /* host 0 at 0.9 > 0.8; MMT picks b */
    tiny_vm(&t, 1, 300, 100);
    int d = tiny_vm(&t, 3, 100, 100);  /* host 3 at 0.1: drained */
    /* b: host 1 P(.7)-P(.3) = 12, host 3 P(.5)-P(.1) = 12.6, host 2 (off)
     * P(.4)-P(0) = 13.5 -> host 1.  Then host 3 is the least utilised; d
     * fits on host 1 only (0.8, not above 0.8). */
    struct cons_manager *m = manager("thr:0.8", "mmt", "pabfd", &q_cloudsim);
    struct cons_plan p;
    cons_plan_init(&p);
    cr_assert_eq(cons_manager_optimize(m, &t.dc, &p), 0);
    cr_assert_eq(p.overloaded, 1);
    cr_assert_eq(p.nmoves, 2);
    cr_assert_eq(p.moves[0].vm, b);
    cr_assert_eq(p.moves[0].from, 0);
    cr_assert_eq(p.moves[0].to, 1);
    cr_assert_eq(p.moves[1].vm, d);
    cr_assert_eq(p.moves[1].from, 3);
    cr_assert_eq(p.moves[1].to, 1);
    cr_assert_eq(p.nswitch_off, 1);
    cr_assert_eq(p.switch_off[0], 3);
    cr_assert_eq(p.drained, 1);
    cons_manager_destroy(m);
    /* At 0.75 d does not fit: nothing is drained (all or nothing). */
    m = manager("thr:0.75", "mmt", "pabfd", &q_cloudsim);
    cr_assert_eq(cons_manager_optimize(m, &t.dc, &p), 0);
    cr_assert_eq(p.nmoves, 1);
    cr_assert_eq(p.nswitch_off, 0);
    cons_manager_destroy(m);
    /* No detector: no plan. */
    m = manager("none", "mmt", "pabfd", &q_cloudsim);
    cr_assert_eq(cons_manager_optimize(m, &t.dc, &p), 0);
    cr_assert_eq(p.nmoves, 0);
    cons_manager_destroy(m);
    cons_plan_free(&p);
}

Test(cons_manager, line_166_drains_an_overload_target, .init = quirks_init)
{
    struct tiny t;
    tiny_init(&t, 3);
    tiny_vm(&t, 0, 500, 100);
    int b = tiny_vm(&t, 0, 400, 50);
    int c = tiny_vm(&t, 1, 100, 100);
    int e = tiny_vm(&t, 2, 200, 100);
    /* b -> host 1 (P(.5)-P(.1) = 12.6 < P(.6)-P(.2) = 13.4).  CloudSim then
     * drains host 1, b included: b gets a second migration. */
    struct cons_quirks q = q_cloudsim;
    struct cons_manager *m = manager("thr:0.8", "mmt", "pabfd", &q);
    struct cons_plan p;
    cons_plan_init(&p);
    cons_manager_optimize(m, &t.dc, &p);
    cr_assert_eq(p.nmoves, 3);
    cr_assert(p.moves[0].vm == b && p.moves[0].to == 1);
    cr_assert(p.moves[1].vm == b && p.moves[1].from == 1 && p.moves[1].to == 2);
    cr_assert(p.moves[2].vm == c && p.moves[2].to == 2);
    cr_assert(p.nswitch_off == 1 && p.switch_off[0] == 1);
    cons_manager_destroy(m);
    /* Fixed: host 1 is not drained; host 2's VM joins it. */
    q.drain_overload_targets = false;
    m = manager("thr:0.8", "mmt", "pabfd", &q);
    cons_manager_optimize(m, &t.dc, &p);
    cr_assert_eq(p.nmoves, 2);
    cr_assert(p.moves[0].vm == b && p.moves[0].to == 1);
    cr_assert(p.moves[1].vm == e && p.moves[1].from == 2 && p.moves[1].to == 1);
    cr_assert(p.nswitch_off == 1 && p.switch_off[0] == 2);
    cons_manager_destroy(m);
    cons_plan_free(&p);
}

Test(cons_manager, mostfree_counts_cores_not_cpu, .init = quirks_init)
{
    struct tiny t;
    tiny_init(&t, 3);
    tiny_vm(&t, 0, 900, 100);
    tiny_vm(&t, 1, 10, 100);
    tiny_vm(&t, 1, 10, 100);
    int v = tiny_vm(&t, -1, 500, 100);
    struct cons_manager *m = manager("none", "mmt", "mostfree", &q_cloudsim);
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 2, "host 2 has both cores free");
    t.h[2].ram_free_mb = 0;
    t.v[v].ram_mb = 1;
    cr_assert_eq(cons_manager_place(m, &t.dc, v), 0, "then host 0's free core, CPU unchecked");
    cons_manager_destroy(m);
}

/* ------------------------------------------------------------- selection */

static int select_from(const char *sel, const struct cons_quirks *q, struct tiny *t, int host)
{
    struct cons_manager *m = manager("thr:0.8", sel, "pabfd", q);
    m->dc = &t->dc;
    int cand[8], n = 0;
    for (int i = 0; i < t->h[host].nslots; i++)
        cand[n++] = t->s[host][i].vm;
    struct cons_select_ctx c = {&t->dc, cand, n, &m->mig, 1000};
    int i = m->sel.ops->select(&m->sel, &c);
    cons_manager_destroy(m);
    return i < 0 ? -1 : cand[i];
}

Test(cons_select, mmt_and_mu, .init = quirks_init)
{
    struct tiny t;
    tiny_init(&t, 1);
    tiny_vm(&t, 0, 300, 1740);
    int b = tiny_vm(&t, 0, 100, 613);
    int c = tiny_vm(&t, 0, 50, 613);
    cr_assert_eq(select_from("mmt", &q_cloudsim, &t, 0), b, "smallest RAM, first on a tie");
    cr_assert_eq(select_from("mu", &q_cloudsim, &t, 0), c);
}

Test(cons_select, rs_is_seeded_and_uniform, .init = quirks_init)
{
    struct cons_config cf;
    struct sim_error err;
    cr_assert_eq(cons_config_init(&cf, &err), 0);
    cr_assert_eq(cons_choose(&cf.detector, &cons_detector_registry, "thr", &err), 0);
    cr_assert_eq(cons_choose(&cf.selector, &cons_selector_registry, "rs", &err), 0);
    struct cons_manager *m1, *m2, *m3;
    cf.seed = 7;
    cr_assert_eq(cons_manager_create(&cf, &m1, &err), 0);
    cr_assert_eq(cons_manager_create(&cf, &m2, &err), 0);
    cf.seed = 8;
    cr_assert_eq(cons_manager_create(&cf, &m3, &err), 0);
    struct tiny t;
    tiny_init(&t, 1);
    int cand[4] = {0, 1, 2, 3};
    struct cons_select_ctx c = {&t.dc, cand, 4, &m1->mig, 1000};
    int counts[4] = {0}, differ = 0;
    for (int k = 0; k < 4000; k++) {
        int a = m1->sel.ops->select(&m1->sel, &c);
        cr_assert_eq(a, m2->sel.ops->select(&m2->sel, &c), "same seed, same draws");
        differ += a != m3->sel.ops->select(&m3->sel, &c);
        counts[a]++;
    }
    cr_assert_gt(differ, 2000, "another seed, other draws");
    for (int i = 0; i < 4; i++)   /* 1000 +- 4 sd (sd 27) */
        cr_assert(counts[i] > 890 && counts[i] < 1110, "count[%d] = %d", i, counts[i]);
    cons_manager_destroy(m1);
    cons_manager_destroy(m2);
    cons_manager_destroy(m3);
    cons_config_release(&cf);
}

Test(cons_select, mc_picks_the_best_explained_vm, .init = quirks_init)
{
    struct tiny t;
    tiny_init(&t, 1);
    for (int i = 0; i < 4; i++)
        tiny_vm(&t, 0, 100, 1000 - 100 * i);
    /* v2 = v0 + v1 + small noise: best explained (its variance is the
     * largest for the same residual); v3 unrelated. */
    for (int r = 0; r < 12; r++) {
        double a = 0.2 + 0.1 * sin(r * 1.3), b = 0.3 + 0.1 * cos(r * 0.7);
        t.hist[0][r] = a;
        t.hist[1][r] = b;
        t.hist[2][r] = a + b + 0.002 * ((r * 7) % 5 - 2);
        t.hist[3][r] = 0.1 + 0.05 * ((r * 3) % 7);
    }
    for (int i = 0; i < 4; i++)
        t.v[i].hist_len = 12;
    cr_assert_eq(select_from("mc", &q_cloudsim, &t, 0), 2);
    cr_assert_eq(select_from("mc", &q_right, &t, 0), 2);
    /* Too few samples for 4 VMs (m = 3 < n): MMT, the smallest memory. */
    for (int i = 0; i < 4; i++)
        t.v[i].hist_len = 3;
    cr_assert_eq(select_from("mc", &q_cloudsim, &t, 0), 3);
    /* An all-zero history makes the design exactly singular: MMT. */
    for (int i = 0; i < 4; i++)
        t.v[i].hist_len = 12;
    for (int r = 0; r < 12; r++)
        t.hist[1][r] = 0;
    cr_assert_eq(select_from("mc", &q_cloudsim, &t, 0), 3);
}

/* ------------------------------------------------------------ migration */

static struct cons_migration_cost mig(const char *spec, double mem, double dirty, double wws)
{
    struct cons_migration m;
    struct sim_error err;
    cr_assert_eq(cons_migration_init(&m, spec, &err), 0, "%s", err.text);
    struct cons_migration_input in = {mem, 1000, dirty, wws};
    struct cons_migration_cost c;
    cons_migration_cost(&m, &in, &c);
    cons_migration_release(&m);
    return c;
}

Test(cons_migration, cloudsim_ram_over_half_the_link)
{
    /* 870 MB x 16000 / 1,000,000 kbit/s */
    struct cons_migration_cost c = mig("cloudsim", 870, 0, 0);
    cr_assert_float_eq(c.total_s, 13.92, 1e-12);
    cr_assert_float_eq(mig("cloudsim", 1740, 0, 0).total_s, 27.84, 1e-12);
    cr_assert_float_eq(mig("cloudsim", 613, 0, 0).total_s, 9.808, 1e-12);
    cr_assert_eq(c.downtime_s, 0);
    cr_assert_eq(c.mb_sent, 870);
    cr_assert_eq(c.src_share, 0.9);
    cr_assert_eq(c.dst_share, 0.1);
}

Test(cons_migration, precopy_geometric_closed_form)
{
    /* B = 1000 x 0.5 / 8 = 62.5 MB/s, D = 31.25 (rho = 1/2), no WWS bound:
     * V_i = 1000 / 2^i; the first V <= 0.2048 MB is V_13, so 13 rounds,
     * then stop-and-copy of V_13. */
    struct cons_migration_cost c = mig("precopy", 1000, 31.25, 0);
    cr_assert_eq(c.rounds, 13);
    cr_assert_float_eq(c.mb_sent, 2000 * (1 - pow(0.5, 14)), 1e-9);
    cr_assert_float_eq(c.total_s, 2000 * (1 - pow(0.5, 14)) / 62.5, 1e-9);
    cr_assert_float_eq(c.downtime_s, 1000 * pow(0.5, 13) / 62.5, 1e-12);
    cr_assert_eq(c.src_share, 1);
}

Test(cons_migration, precopy_stopping_rules)
{
    /* Working set 50 MB: round 0 16 s, then 50, 50: no longer shrinking. */
    struct cons_migration_cost c = mig("precopy", 1000, 100, 50);
    cr_assert_eq(c.rounds, 2);
    cr_assert_float_eq(c.downtime_s, 0.8, 1e-12);
    cr_assert_float_eq(c.total_s, 16 + 0.8 + 0.8, 1e-12);
    cr_assert_float_eq(c.mb_sent, 1100, 1e-9);
    /* rho = 0.9: 1000, 900, 810 sent, then 2710 + 729 > 3 x 1000: the
     * factor rule stops it after 3 rounds; precopy-rounds=2 after 2. */
    c = mig("precopy", 1000, 56.25, 0);
    cr_assert_eq(c.rounds, 3);
    cr_assert_float_eq(c.downtime_s, 729 / 62.5, 1e-9);
    cr_assert_float_eq(c.total_s, 3439 / 62.5, 1e-9);
    c = mig("precopy:0.5,precopy-rounds=2", 1000, 56.25, 0);
    cr_assert_eq(c.rounds, 2);
    cr_assert_float_eq(c.downtime_s, 810 / 62.5, 1e-9);
    cr_assert_float_eq(c.total_s, 2710 / 62.5, 1e-9);
    /* rho = 0.95: 1000 + 950 + 902.5 = 2852.5, + 857.375 > 3 x 1000. */
    c = mig("precopy", 1000, 59.375, 0);
    cr_assert_eq(c.rounds, 3);
    cr_assert_float_eq(c.downtime_s, 857.375 / 62.5, 1e-9);
}

/* ------------------------------------------------------------------ SLA */

Test(cons_sla, cloudsim_definitions)
{
    struct cons_sla *s = cons_sla_create(2, 1);
    cons_sla_host(s, 0, 0, 100, 100, true);
    cons_sla_host(s, 0, 10, 80, 100, true);
    cons_sla_host(s, 0, 10, 90, 100, true);   /* replaces */
    cons_sla_host(s, 0, 30, 0, 0, false);     /* shutdown after 30 s */
    cons_sla_host(s, 1, 5, 0, 0, false);      /* first entry off: counts, 5 s */
    cons_sla_host(s, 1, 50, 10, 10, true);
    cons_sla_host(s, 1, 80, 0, 0, false);     /* 30 s */
    cons_sla_vm(s, 0, 0, 100, 100, false);
    cons_sla_vm(s, 0, 10, 90, 100, true);
    cons_sla_vm(s, 0, 20, 100, 100, false);
    cons_sla_vm(s, 0, 30, 0, 0, false);       /* last entry: never counted */
    struct cons_sla_result r;
    cons_sla_result(s, &r);
    /* active 10 + 20 (host 0) + 30 (host 1) s, violated 20 s */
    cr_assert_float_eq(r.slatah, 20.0 / 60, 1e-12);
    /* requested 3000, allocated 2900, 100 of it while migrating */
    cr_assert_float_eq(r.overall, 100.0 / 3000, 1e-12);
    cr_assert_float_eq(r.pdm, 100.0 / 3000, 1e-12);
    cr_assert_float_eq(r.slav, r.slatah * r.pdm, 1e-15);
    cr_assert_float_eq(r.average, 0.1, 1e-12);
    cr_assert_eq(r.shutdowns, 3);
    cr_assert_float_eq(r.shutdown_mean_s, 65.0 / 3, 1e-9);
    cr_assert_float_eq(r.shutdown_sd_s, sqrt((2 * pow(30 - 65.0 / 3, 2) + pow(5 - 65.0 / 3, 2)) / 2),
                       1e-9);
    cons_sla_destroy(s);
}

/* ---------------------------------------------------------------- specs */

Test(cons_spec, parameters_are_declared_and_checked, .init = quirks_init)
{
    struct cons_config c;
    struct sim_error err;
    cr_assert_eq(cons_config_init(&c, &err), 0, "%s", err.text);
    struct cons_manager *m;
    cr_assert_eq(cons_choose(&c.detector, &cons_detector_registry, "iqr:safety=2", &err), 0,
                 "%s", err.text);
    cr_assert_eq(cons_manager_create(&c, &m, &err), 0, "%s", err.text);
    cr_assert(strstr(cons_manager_describe(m),
                     "iqr:safety=2,fallback-threshold=0.7,min-history=12,interval=5min"),
              "%s", cons_manager_describe(m));
    cr_assert(strstr(cons_manager_describe(m), "cloudsim:migration-link-share=0.5"), "%s",
              cons_manager_describe(m));
    cons_manager_destroy(m);
    cr_assert_eq(cons_choose(&c.detector, &cons_detector_registry, "lr", &err), 0);
    cr_assert_eq(cons_manager_create(&c, &m, &err), 0);
    cr_assert_eq(((const struct cons_lr_conf *)m->det.conf)->safety, 1.2, "Beloglazov's default");
    cons_manager_destroy(m);
    cr_assert_eq(cons_choose(&c.detector, &cons_detector_registry, "thr:0.75", &err), 0);
    cr_assert_eq(cons_manager_create(&c, &m, &err), 0);
    cons_config_release(&c);   /* the manager keeps its own copy */
    char buf[200];
    cons_describe_choice(&m->own_det, buf, sizeof buf);
    cr_assert_str_eq(buf, "thr:threshold=0.75,interval=5min");
    cons_manager_destroy(m);
    struct policy_choice p = {0};
    const char *bad[] = {"foo", "thr:1.5", "thr:abc", "thr:0.5,0.6", "lr:x=1", "", "none:1"};
    const char *why[] = {"--consolidate: unknown overload detector 'foo' (one of: none, thr, "
                         "iqr, mad, lr, lrr)",
                         "--consolidate thr:1.5 (threshold): 1.5 is out of range",
                         "--consolidate thr:abc (threshold): 'abc' is not a number",
                         "only the first value may come without KEY=",
                         "'lr' has no knob 'x'", "expected NAME", "'none' takes no value"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(cons_choose(&p, &cons_detector_registry, bad[i], &err), SIM_EINVAL, "%s",
                     bad[i]);
        cr_assert(strstr(err.text, why[i]), "%s: %s", bad[i], err.text);
        cr_assert_null(p.info, "nothing chosen after an error");
    }
    cr_assert_eq(cons_choose(&p, &cons_selector_registry, "mmt:1", &err), SIM_EINVAL);
    cr_assert(strstr(err.text, "takes no value"), "%s", err.text);
    cr_assert_eq(cons_choose(&p, &cons_migration_registry, "teleport", &err), SIM_EINVAL);
    cr_assert(strstr(err.text, "precopy, cloudsim"), "%s", err.text);
    cr_assert_eq(cons_choose(&p, &cons_place_registry, "mostfree", &err), 0, "an alias");
    cr_assert_str_eq(p.info->name, "most-free");
    policy_release(&p);
}
