/*
 * tests/test_calibrate.c - `hvsim calibrate` (calibrate/): the statistics
 * and the walk-model fit against synthetic curves with known parameters,
 * the profile writer against the loader and `hvsim explain`, and the
 * plumbing of a real run at the test size (calibrate.h).
 *
 * Nothing here asserts a measured time: the machine is shared.  The
 * synthetic curves are built with the model itself from chosen
 * parameters, so the fit must give those parameters back: exactly (to
 * 1e-3) without noise, and within a stated tolerance with 3% Gaussian
 * noise from a seeded GSL generator.
 */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate/calib-report.h"
#include "calibrate/calibrate.h"
#include "models/hw-private.h"
#include "tests/helpers.h"

#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * MiB)

static const char *datadir(void)
{
    const char *d = getenv("HVSIM_DATA");
    return d && *d ? d : "models";
}

/* ---- statistics -------------------------------------------------------- */

Test(calib_stats, median_min_max)
{
    double odd[] = { 3, 1, 2, 5, 4 }, even[] = { 4, 1, 3, 2 };
    struct calib_stat s;
    calib_stat_of(odd, 5, &s);
    cr_expect(s.median == 3 && s.min == 1 && s.max == 5 && s.n == 5);
    calib_stat_of(even, 4, &s);
    cr_expect(s.median == 2.5 && s.min == 1 && s.max == 4 && s.n == 4);
}

Test(calib_stats, working_set_grid)
{
    struct calib_mem_plan p;
    calib_mem_plan_grid(&p, 4 * GiB, 2, 1000, 3);
    /* 16 KiB .. 4 GiB in half octaves: 18 octaves, 37 points, page multiples */
    cr_expect_eq(p.npoints, 37);
    cr_expect(p.ws[0] == 16384 && p.ws[36] == 4 * GiB);
    for (size_t i = 0; i < p.npoints; i++)
        cr_expect(fmod(p.ws[i], 4096) == 0 && (i == 0 || p.ws[i] > p.ws[i - 1]));
    calib_mem_plan_grid(&p, 256 * MiB, 1, 1000, 3);
    cr_expect_eq(p.npoints, 15);
}

/* ---- the walk model ------------------------------------------------------ */

/* The reference counts against hand computation: uncached they are hw.c's
 * (g+1)(h+1)-1 and g; with Park's rates (p = 5/6, q = 0.2267) the 4/4 walk
 * is 1.5 (1 + 0.7733 x 1.5) + 0.7733 x 1.5 = 4.40025 (docs/MODEL.md). */
Test(calib_walk, reference_counts)
{
    struct calib_walk_fixed k = { .g = 4, .h = 4, .q = 0 };
    struct calib_walk_refs r;
    calib_walk_refs(&k, 4, 0.0, &r);
    cr_expect_float_eq(r.total, 24.0, 1e-12);
    cr_expect_float_eq(r.native, 4.0, 1e-12);
    cr_expect_float_eq(r.leaf, 6.0, 1e-12);    /* guest leaf + 5 host leaves */
    k.h = 3;
    calib_walk_refs(&k, 3, 0.0, &r);           /* 2M/2M */
    cr_expect_float_eq(r.total, 15.0, 1e-12);
    k.h = 4;
    k.q = 0.2267;
    calib_walk_refs(&k, 4, 5.0 / 6.0, &r);
    cr_expect_float_eq(r.native, 1.5, 1e-12);
    cr_expect_float_eq(r.total, 1.5 * (1 + 0.7733 * 1.5) + 0.7733 * 1.5, 1e-9);
    cr_expect_float_eq(r.upper + r.leaf, r.total, 1e-12);
}

/* A latency staircase: L1 1 ns to 32 KiB, L2 3.3 ns from 64 KiB to 512
 * KiB, L3 14 ns from 1.5 to 8 MiB, DRAM 140 ns from 32 MiB, log-linear
 * between. */
static double staircase(double bytes)
{
    static const double x[] = { 15, 16, 19, 20.585, 23, 25 };   /* log2 bytes */
    static const double y[] = { 1, 3.3, 3.3, 14, 14, 140 };
    double lx = log2(bytes);
    if (lx <= x[0])
        return y[0];
    for (int i = 0; i < 5; i++)
        if (lx <= x[i + 1])
            return y[i] + (y[i + 1] - y[i]) * (lx - x[i]) / (x[i + 1] - x[i]);
    return y[5];
}

struct synthetic {
    size_t n;
    double ws[CALIB_MAX_POINTS], d[CALIB_MAX_POINTS];
    double l4k[CALIB_MAX_POINTS], lthp[CALIB_MAX_POINTS];
    struct calib_walk_fixed k;
};

/* The two one-per-page curves of the model for truth th, with relative
 * Gaussian noise (0 = none). */
static void synthesise(struct synthetic *s, int h, const struct calib_walk_theta *th,
                       double noise, unsigned long seed)
{
    struct calib_mem_plan p;
    calib_mem_plan_grid(&p, 4 * GiB, 2, 1000, 3);
    s->n = p.npoints;
    for (size_t i = 0; i < s->n; i++) {
        s->ws[i] = p.ws[i];
        s->d[i] = staircase(p.ws[i]);
    }
    s->k = (struct calib_walk_fixed){ .g = 4, .h = h, .q = 0.2267, .c_up = 1.0, .l1_tlb = 96,
                                      .nd = s->n, .d_bytes = s->ws, .d_ns = s->d };
    struct calib_dcurve *d = calib_dcurve_new(&s->k);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    for (size_t i = 0; i < s->n; i++) {
        s->l4k[i] = calib_walk_model(&s->k, d, th, false, s->ws[i]);
        s->lthp[i] = calib_walk_model(&s->k, d, th, true, s->ws[i]);
        if (noise > 0) {
            s->l4k[i] *= 1 + gsl_ran_gaussian(rng, noise);
            s->lthp[i] *= 1 + gsl_ran_gaussian(rng, noise);
        }
    }
    gsl_rng_free(rng);
    calib_dcurve_free(d);
}

static void fit_ok(struct synthetic *s, struct calib_walk_fit *f)
{
    struct sim_error err = { 0 };
    int rc = calib_walk_fit(&s->k, s->n, s->ws, s->l4k, s->lthp, f, &err);
    cr_assert_eq(rc, 0, "%s", err.text);
    cr_assert_eq(f->n, s->n);
}

/* Host with 4 KiB pages (huge pages splinter) and host with 2 MiB pages. */
static const struct calib_walk_theta truth_4k = { .c0 = 1.2, .tlb_entries = 4096, .p = 0.7,
                                                  .s = 1.0 / 300, .sigma = 1.0 };
static const struct calib_walk_theta truth_2m = { .c0 = 0.8, .tlb_entries = 1536, .p = 0.8,
                                                  .s = 1.0 / 100, .sigma = 0.0 };

Test(calib_walk, fit_recovers_exact_curves)
{
    const struct calib_walk_theta *truths[] = { &truth_4k, &truth_2m };
    const int hosts[] = { 4, 3 };
    for (int t = 0; t < 2; t++) {
        struct synthetic s;
        struct calib_walk_fit f;
        synthesise(&s, hosts[t], truths[t], 0, 1);
        fit_ok(&s, &f);
        const struct calib_walk_theta *x = truths[t];
        cr_expect(fabs(f.theta.p - x->p) < 1e-3, "case %d: p %g", t, f.theta.p);
        cr_expect(fabs(f.theta.tlb_entries / x->tlb_entries - 1) < 1e-3, "case %d: E %g", t,
                  f.theta.tlb_entries);
        cr_expect(fabs(f.theta.s / x->s - 1) < 1e-3, "case %d: s 1/%g", t, 1 / f.theta.s);
        cr_expect(fabs(f.theta.c0 - x->c0) < 1e-3, "case %d: c0 %g", t, f.theta.c0);
        cr_expect(fabs(f.theta.sigma - x->sigma) < 1e-3, "case %d: sigma %g", t, f.theta.sigma);
        cr_expect(f.rms_ns < 1e-3, "case %d: rms %g", t, f.rms_ns);
    }
}

/* With 3% noise on every point: p within 0.08, E within 6%, s within 5%,
 * sigma within 0.1, c0 within 0.4 ns, over several noise draws. */
Test(calib_walk, fit_recovers_noisy_curves)
{
    const struct calib_walk_theta *truths[] = { &truth_4k, &truth_2m };
    const int hosts[] = { 4, 3 };
    for (int t = 0; t < 2; t++)
        for (unsigned long seed = 1; seed <= 3; seed++) {
            struct synthetic s;
            struct calib_walk_fit f;
            synthesise(&s, hosts[t], truths[t], 0.03, seed);
            fit_ok(&s, &f);
            const struct calib_walk_theta *x = truths[t];
            cr_expect(fabs(f.theta.p - x->p) < 0.08, "case %d/%lu: p %g", t, seed, f.theta.p);
            cr_expect(fabs(f.theta.tlb_entries / x->tlb_entries - 1) < 0.06, "case %d/%lu: E %g",
                      t, seed, f.theta.tlb_entries);
            cr_expect(fabs(f.theta.s / x->s - 1) < 0.05, "case %d/%lu: s 1/%g", t, seed,
                      1 / f.theta.s);
            cr_expect(fabs(f.theta.sigma - x->sigma) < 0.1, "case %d/%lu: sigma %g", t, seed,
                      f.theta.sigma);
            cr_expect(fabs(f.theta.c0 - x->c0) < 0.4, "case %d/%lu: c0 %g", t, seed, f.theta.c0);
            cr_expect(f.se.p > 0 && f.se.p < 0.2, "case %d/%lu: se(p) %g", t, seed, f.se.p);
        }
}

/* Six points spoilt by +50% (a neighbour's burst): Huber's weights keep
 * the fit within the noise-free tolerance of the noisy test. */
Test(calib_walk, fit_resists_a_few_spoilt_points)
{
    struct synthetic s;
    struct calib_walk_fit f;
    synthesise(&s, 4, &truth_4k, 0.01, 7);
    const size_t spoilt[] = { 20, 26, 31 };
    for (size_t i = 0; i < 3; i++) {
        s.l4k[spoilt[i]] *= 1.5;
        s.lthp[spoilt[i] + 2] *= 1.5;
    }
    fit_ok(&s, &f);
    cr_expect(fabs(f.theta.p - truth_4k.p) < 0.08, "p %g", f.theta.p);
    cr_expect(fabs(f.theta.tlb_entries / truth_4k.tlb_entries - 1) < 0.06, "E %g",
              f.theta.tlb_entries);
    cr_expect(fabs(f.theta.s / truth_4k.s - 1) < 0.05, "s 1/%g", 1 / f.theta.s);
    cr_expect(fabs(f.theta.sigma - truth_4k.sigma) < 0.1, "sigma %g", f.theta.sigma);
    cr_expect_geq(f.downweighted, 6, "the spoilt points are down-weighted (%d)", f.downweighted);
}

Test(calib_walk, too_few_points_is_an_error)
{
    double ws[3] = { 1e6, 2e6, 4e6 }, l[3] = { 1, 2, 3 };
    struct calib_walk_fixed k = { .g = 4, .h = 4, .nd = 3, .d_bytes = ws, .d_ns = l };
    struct calib_walk_fit f;
    struct sim_error err = { 0 };
    cr_expect_eq(calib_walk_fit(&k, 3, ws, l, l, &f, &err), SIM_EINVAL);
    cr_expect(strstr(err.text, "3 working sets") != NULL, "%s", err.text);
}

/* The profile's fractions make hw.c's price reproduce the fitted walk:
 * W x sum f_l lat_l = U c_up + K D'(s ws_ref), and the fractions sum to 1. */
Test(calib_walk, profile_fractions_reproduce_the_walk)
{
    struct synthetic s;
    synthesise(&s, 4, &truth_4k, 0, 1);
    struct calib_dcurve *d = calib_dcurve_new(&s.k);
    const double lat[CALIB_LEVELS] = { 1.0, 3.3, 14, 140 };
    for (double ws = 64 * MiB; ws <= 4 * GiB; ws *= 4) {
        struct calib_walk_profile w;
        calib_walk_to_profile(&s.k, d, &truth_4k, lat, ws, &w);
        double sum = 0;
        for (int l = 0; l < CALIB_LEVELS; l++) {
            cr_expect(w.fraction[l] >= 0 && w.fraction[l] <= 1);
            sum += w.fraction[l];
        }
        cr_expect_float_eq(sum, 1.0, 1e-12);
        cr_expect_float_eq(w.model_walk_ns, w.walk_ns, 1e-9 * w.walk_ns);
        cr_expect_float_eq(w.walk_ns, calib_walk_per_miss(&s.k, d, &truth_4k, 4, ws), 1e-9);
        cr_expect_float_eq(w.native_ns + w.beyond_native_ns, w.model_walk_ns, 1e-9);
    }
    calib_dcurve_free(d);
}

Test(calib_levels, plateaus_of_a_staircase)
{
    struct calib_mem_plan p;
    calib_mem_plan_grid(&p, 1 * GiB, 2, 1000, 3);
    double ns[CALIB_MAX_POINTS];
    for (size_t i = 0; i < p.npoints; i++)
        ns[i] = staircase(p.ws[i]);
    struct calib_levels lv;
    calib_levels_from_curve(p.npoints, p.ws, ns, 48 * 1024, 1 * MiB, 32 * MiB, &lv);
    const double want[CALIB_LEVELS] = { 1, 3.3, 14, 140 };
    for (int l = 0; l < CALIB_LEVELS; l++) {
        cr_expect_float_eq(lv.ns[l], want[l], 1e-9, "level %d: %g", l, lv.ns[l]);
        cr_expect_gt(lv.points[l], 0, "level %d", l);
    }
    /* A curve stopping short of DRAM: the nearest point stands in. */
    calib_levels_from_curve(15, p.ws, ns, 48 * 1024, 1 * MiB, 32 * MiB, &lv);
    cr_expect_eq(lv.points[CALIB_DRAM], 0);
    cr_expect_float_eq(lv.ns[CALIB_DRAM], ns[14], 1e-12);
}

/* ---- the profile writer ---------------------------------------------------- */

/* A report as calib_run would leave it, with the memory curves made by the
 * model for truth th on a host walking h levels, and every other figure
 * chosen by hand.  The latency reference is the staircase plus the TLB
 * part the model says a dense huge-page chase pays (nil unless huge pages
 * splinter). */
static struct calib_report *synthetic_report_of(const struct calib_walk_theta *th, int h_levels)
{
    struct calib_report *r = calloc(1, sizeof *r);
    cr_assert_not_null(r);
    calib_options_init(&r->opt);
    r->opt.name = "synthetic";
    struct calib_host *h = &r->host;
    h->vendor = CALIB_VENDOR_AMD;
    strcpy(h->vendor_id, "AuthenticAMD");
    strcpy(h->brand, "Test EPYC");
    h->signature = 0x00B00F21;
    h->family = 0x1a;
    h->model = 2;
    h->stepping = 1;
    strcpy(h->generation, "AMD Zen 5 (test)");
    strcpy(h->generation_source, "test");
    h->virt_ext = "SVM with nested page tables (NPT)";
    h->walk_name = "NPT";
    h->guest = true;
    strcpy(h->hv_signature, "KVMKVMKVM");
    h->hv_name = "KVM";
    strcpy(h->kernel, "Linux test x86_64");
    strcpy(h->date, "2026-01-01T00:00:00Z");
    strcpy(h->thp_mode, "madvise");
    strcpy(h->tlb_source, "test");
    h->guest_levels = 4;
    h->l1d_bytes = 48 * 1024;
    h->l2_bytes = MiB;
    h->l3_bytes = 32 * MiB;
    h->l1_dtlb_4k = 96;
    h->l2_dtlb_4k = 2048;
    h->tsc_ghz = (struct calib_stat){ 2.5, 2.5, 2.5, 5 };
    h->tsc_invariant = true;
    r->exit_iters = 1000;
    r->exit_runs = 3;
    r->cpuid_ns = (struct calib_stat){ 4000, 3900, 4100, 3 };
    r->hypercall = CALIB_VMMCALL;
    r->hypercall_name = "VMMCALL";
    r->hypercall_measured = true;
    r->hypercall_ns = (struct calib_stat){ 4100, 4000, 4200, 3 };
    r->nested_likely = true;

    struct synthetic s;
    synthesise(&s, h_levels, th, 0, 1);
    double ref[CALIB_MAX_POINTS];
    struct calib_dcurve *dc = calib_dcurve_new(&s.k);
    for (size_t i = 0; i < s.n; i++)
        ref[i] = s.d[i] + calib_walk_tlb_part(&s.k, dc, th, true, s.ws[i]);
    calib_dcurve_free(dc);
    calib_mem_plan_grid(&r->mem_plan, 4 * GiB, 2, 1000, 3);
    r->mem.npoints = s.n;
    memcpy(r->mem.ws, s.ws, s.n * sizeof *s.ws);
    r->mem.huge_fraction[0] = 0;
    r->mem.huge_fraction[1] = 1;
    for (size_t i = 0; i < s.n; i++) {
        double v[CALIB_CURVES] = { s.l4k[i], s.lthp[i], s.d[i], s.d[i], ref[i] };
        for (int c = 0; c < CALIB_CURVES; c++)
            r->mem.ns[c][i] = (struct calib_stat){ v[c], v[c], v[c], 3 };
    }
    r->sched.nsets = 1;
    r->sched.switch_ns[0] = (struct calib_stat){ 1500, 1400, 1600, 3 };
    r->sched.timer_ns = (struct calib_stat){ 20000, 15000, 30000, 100 };
    r->sched.cpu_a = 0;
    r->sched.cpu_b = -1;
    r->sched_plan.timer_period_ns = 1000000;
    return r;
}

/* Host with 2 MiB pages, so the analysis refits with h' = 3. */
static struct calib_report *synthetic_report(void) { return synthetic_report_of(&truth_2m, 3); }

/* Host with 4 KiB pages: guest huge pages splinter, so the latency
 * reference itself walks past the TLB's reach (512 entries, 2 MiB), inside
 * the L3 window [2, 4] MiB; the levels must come out without the walks.
 * c0 = 0 keeps the reference below the reach free of TLB costs, so the
 * model reads the same D from it as from the staircase. */
Test(calib_levels, splintering_huge_pages_walks_taken_off_the_levels)
{
    static const struct calib_walk_theta truth = { .c0 = 0, .tlb_entries = 512, .p = 0.7,
                                                   .s = 1.0 / 300, .sigma = 1.0 };
    struct calib_report *r = synthetic_report_of(&truth, 4);
    calib_report_analyse(r);
    cr_assert(r->walk_fitted, "%s", r->walk_note);
    cr_expect(r->splinters);
    cr_expect_gt(r->tlb_part_max_ns, 10, "the reference paid walks: %g ns", r->tlb_part_max_ns);
    const double want[CALIB_LEVELS] = { 1, 3.3, 14, 140 };
    for (int l = 0; l < CALIB_LEVELS; l++)
        cr_expect(fabs(r->levels.ns[l] - want[l]) < 0.01 * want[l], "level %d: %g, want %g", l,
                  r->levels.ns[l], want[l]);
    json_t *doc = calib_profile_json(r);
    json_t *l3 = json_object_get(json_object_get(doc, "mem_latency"), "l3");
    cr_expect(strstr(json_string_value(json_object_get(l3, "source")), "minus the TLB misses") != NULL,
              "the source says the walks were taken off");
    /* the walk the profile prices against the fitted one: a gap is said */
    json_t *l1f = json_object_get(json_object_get(doc, "walk_hit_fraction"), "l1");
    const char *src = json_string_value(json_object_get(l1f, "source"));
    bool gap = fabs(r->walk.model_walk_ns / r->walk.walk_ns - 1) > 0.005;
    cr_expect((strstr(src, "against a fitted walk") != NULL) == gap, "profile walk %g ns, fitted "
              "%g ns: %s", r->walk.model_walk_ns, r->walk.walk_ns, src);
    json_decref(doc);
    free(r);
}

static void expect_tagged(const struct hw_param *p, const char *what)
{
    cr_expect(p->prov && strchr("CDREM", p->prov), "%s: provenance '%c'", what, p->prov);
    cr_expect(p->source && *p->source, "%s: no source", what);
    if (p->prov == 'C')
        cr_expect(strstr(p->source, "hvsim calibrate 2026-01-01") != NULL,
                  "%s: a measured value names the run: %s", what, p->source);
}

Test(calib_profile, synthetic_report_loads_and_prices_the_fitted_walk)
{
    struct calib_report *r = synthetic_report();
    calib_report_analyse(r);
    cr_assert(r->walk_fitted, "%s", r->walk_note);
    cr_expect(!r->splinters);
    cr_expect_eq(r->walk_fixed.h, 3, "a 2 MiB host refits with h' = 3");
    cr_expect(fabs(r->fit.theta.p - truth_2m.p) < 1e-3, "p %g", r->fit.theta.p);
    const double want[CALIB_LEVELS] = { 1, 3.3, 14, 140 };
    for (int l = 0; l < CALIB_LEVELS; l++)
        cr_expect_float_eq(r->levels.ns[l], want[l], 1e-3, "level %d: %g", l, r->levels.ns[l]);

    json_t *doc = calib_profile_json(r);
    char *dir = test_tmpdir("calib");
    char path[512];
    snprintf(path, sizeof path, "%s/synthetic.json", dir);
    struct sim_error err = { 0 };
    cr_assert_eq(calib_write_profile(doc, path, &err), 0, "%s", err.text);
    json_decref(doc);

    struct hw_model *m = NULL;
    int rc = hw_model_load(path, datadir(), &m, &err);
    cr_assert_eq(rc, 0, "%s: %s", path, err.text);
    const struct hw_profile *p = &m->p;
    cr_expect_str_eq(hw_model_profile_name(m), "synthetic");
    /* ns in the file, cycles in the model: the best CPUID run x 2.5 GHz */
    cr_expect_float_eq(p->exit_cost[HW_EXIT_CPUID].value, 3900 * 2.5, 1e-6);
    cr_expect_eq(p->exit_cost[HW_EXIT_CPUID].prov, 'C');
    cr_expect_float_eq(p->exit_cost[HW_EXIT_VMCALL].value, 4000 * 2.5, 1e-6);
    cr_expect_eq(p->exit_cost[HW_EXIT_HLT].prov, 'E', "an unmeasured reason keeps its multiple's tag");
    cr_expect_float_eq(p->exit_cost[HW_EXIT_PAUSE].value, 0.5 * 3900 * 2.5, 1e-6);
    cr_expect_str_eq(p->host_page.text, "2M");
    cr_expect_float_eq(p->tlb_entries.value, 1536, 0.5);
    /* hw.c's walk for the profile's pages (4K guest, 2M host) is the fitted
     * walk at 4 GiB, up to the rounding of the file's values (4 digits). */
    const struct hw_walk *w = hw_model_walk(m);
    cr_expect(fabs(w->ns / r->walk.walk_ns - 1) < 2e-3, "hw.c walk %g ns, fitted %g ns", w->ns,
              r->walk.walk_ns);
    cr_expect(fabs(w->refs - r->walk.refs.total) < 2e-3, "refs %g vs %g", w->refs,
              r->walk.refs.total);
    expect_tagged(&p->generation, "generation");
    expect_tagged(&p->ghz, "clock_ghz");
    expect_tagged(&p->trivial_exit, "trivial_exit");
    for (int i = 0; i < HW_EXIT_REASONS; i++)
        expect_tagged(&p->exit_cost[i], hw_exit_reason_name((enum hw_exit_reason)i));
    expect_tagged(&p->world_switch, "world_switch");
    /* the VM model's costs are written, not left to the loader's [S] fallbacks */
    expect_tagged(&p->ipi, "ipi");
    expect_tagged(&p->posted_interrupts, "posted_interrupts");
    expect_tagged(&p->ipi_posted, "ipi_posted");
    expect_tagged(&p->halt_poll, "halt_poll_ns");
    expect_tagged(&p->l2_kb, "l2_kb");
    expect_tagged(&p->fill_buffers, "fill_buffers");
    cr_expect_float_eq(p->l2_kb.value, 1024, 1e-9, "the L2 sysfs reports");
    cr_expect(!p->posted_interrupts.value, "no posted interrupts in a nested AMD guest");
    cr_expect(fabs(p->ipi.value / (2.73 * 3900 * 2.5) - 1) < 1e-3, "ipi %g cycles", p->ipi.value);
    expect_tagged(&p->pwc_hit, "pwc_hit_rate");
    expect_tagged(&p->ntlb_hit, "nested_tlb_hit_rate");
    expect_tagged(&p->tlb_entries, "tlb_entries");
    for (int l = 0; l < HW_MEM_LEVELS; l++) {
        expect_tagged(&p->mem_latency[l], "mem_latency");
        expect_tagged(&p->hit_fraction[l], "walk_hit_fraction");
    }
    hw_model_free(m);

    /* hvsim explain prints it, with the measured tags */
    struct cmd_result cr;
    RUN(&cr, "explain", "--hw", path);
    cr_expect_eq(cr.status, 0, "%s", cr.err);
    cr_expect(strstr(cr.out, "Hardware profile synthetic") != NULL);
    cr_expect(strstr(cr.out, "CPUID leaf 0, best of 3 runs") != NULL);
    cr_expect(strstr(cr.out, "[C] measured on the") != NULL, "the legend names the tag");
    cmd_result_free(&cr);
    test_remove_tree(dir);
    free(dir);
    free(r);
}

Test(calib_profile, no_huge_pages_falls_back_and_says_so)
{
    struct calib_report *r = synthetic_report();
    r->mem.huge_fraction[1] = 0;
    calib_report_analyse(r);
    cr_expect(!r->walk_fitted);
    cr_expect(strstr(r->walk_note, "huge pages") != NULL, "%s", r->walk_note);
    json_t *doc = calib_profile_json(r);
    json_t *pwc = json_object_get(doc, "pwc_hit_rate");
    cr_expect_str_eq(json_string_value(json_object_get(pwc, "prov")), "D");
    cr_expect(strstr(json_string_value(json_object_get(pwc, "source")), "NOT fitted") != NULL);
    json_t *l1 = json_object_get(json_object_get(doc, "walk_hit_fraction"), "l1");
    cr_expect_str_eq(json_string_value(json_object_get(l1, "prov")), "E");
    json_decref(doc);
    free(r);
}

Test(calib_profile, name_from_path)
{
    char buf[32];
    calib_name_from_path("models/profiles/epyc-nested-guest.json", buf, sizeof buf);
    cr_expect_str_eq(buf, "epyc-nested-guest");
    calib_name_from_path("My Profile.json", buf, sizeof buf);
    cr_expect_str_eq(buf, "calibrated");
    calib_name_from_path(NULL, buf, sizeof buf);
    cr_expect_str_eq(buf, "calibrated");
}

/* ---- the command ------------------------------------------------------------ */

Test(calib_cli, help_and_bad_arguments)
{
    struct cmd_result r;
    RUN(&r, "calibrate", "--help");
    cr_expect_eq(r.status, 0);
    const char *words[] = { "--out", "--quick", "exits", "memory", "switch", "wake-ups",
                            "does not", "docs/CALIBRATE.md" };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        cr_expect(strstr(r.out, words[i]) != NULL, "calibrate --help lacks '%s'", words[i]);
    cmd_result_free(&r);
    RUN(&r, "calibrate", "--frob");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "--frob") != NULL, "%s", r.err);
    cr_expect_str_empty(r.out);
    cmd_result_free(&r);
    RUN(&r, "--help");
    cr_expect(strstr(r.out, "calibrate") != NULL);
    cmd_result_free(&r);
}

/* One real run at the test size (a few seconds; --quick takes 10-30 s,
 * too long for every `make test`): the profile file loads, explain and run
 * accept it, and the table went to the log.  The command line's own path
 * (options, --out, nothing on stdout) is the same calib_run and
 * calib_write_profile behind cli/cmd-calibrate.c, whose parsing the test
 * above covers. */
Test(calib_run, test_size_run_writes_a_profile_that_loads)
{
    if (!calib_arch_supported())
        cr_skip_test("calibrate measures x86-64 instructions; not supported here");
    char *dir = test_tmpdir("calib-run");
    char path[512], logpath[512];
    snprintf(path, sizeof path, "%s/here.json", dir);
    snprintf(logpath, sizeof logpath, "%s/log.txt", dir);
    struct calib_options opt;
    calib_options_init(&opt);
    opt.size = CALIB_SIZE_TEST;
    opt.name = "here";
    FILE *log = fopen(logpath, "w");
    cr_assert_not_null(log);
    json_t *doc = NULL;
    struct sim_error err = { 0 };
    int rc = calib_run(&opt, log, &doc, &err);
    fclose(log);
    cr_assert_eq(rc, 0, "%s", err.text);
    cr_assert_eq(calib_write_profile(doc, path, &err), 0, "%s", err.text);
    json_decref(doc);
    char *text = test_slurp(logpath, NULL);
    cr_expect(strstr(text, "What was measured") != NULL, "no table in the log: %s", text);
    cr_expect(strstr(text, "CPUID exit round trip") != NULL);
    cr_expect(strstr(text, "hvsim calibrate (test size)") != NULL);
    free(text);

    struct hw_model *m = NULL;
    cr_assert_eq(hw_model_load(path, datadir(), &m, &err), 0, "%s", err.text);
    cr_expect_str_eq(hw_model_profile_name(m), "here");
    cr_expect_eq(m->p.exit_cost[HW_EXIT_CPUID].prov, 'C');
    cr_expect_gt(m->p.exit_cost[HW_EXIT_CPUID].value, 0);
    cr_expect(strstr(m->p.exit_cost[HW_EXIT_CPUID].source, "load average") != NULL,
              "a measured value says how loaded the machine was: %s",
              m->p.exit_cost[HW_EXIT_CPUID].source);
    hw_model_free(m);

    doc = json_load_file(path, 0, NULL);
    cr_assert_not_null(doc);
    json_t *cal = json_object_get(doc, "_calibration");
    cr_expect_str_eq(json_string_value(json_object_get(cal, "size")), "test");
    json_t *curves = json_object_get(json_object_get(cal, "memory"), "ns_per_access");
    cr_expect_geq(json_array_size(json_object_get(curves, "thp_random_lines")), 5);
    json_decref(doc);

    struct cmd_result r;
    RUN(&r, "explain", "--hw", path);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "hvsim calibrate (test size)") != NULL);
    cmd_result_free(&r);
    RUN(&r, "run", "--hw", path, "--generate", "n=50,interarrival=exp:1.25,work=exp:1", "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    test_remove_tree(dir);
    free(dir);
}
