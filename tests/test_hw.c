/*
 * tests/test_hw.c - the hardware model (models/hw*.c) against numbers
 * worked out by hand, its trade-offs, and its input errors.
 *
 * The data files are the shipped ones (tests run from the repository root,
 * so DATADIR is "models", or $HVSIM_DATA).  Variants of a shipped profile
 * (VPID off, 2M pages, costlier hardware, broken files) are written by
 * the tests into a temporary directory: they stay in step with the
 * shipped data and each test says in code what it changed.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/hw-private.h"
#include "models/hw.h"
#include "tests/helpers.h"

static const char *datadir(void)
{
    const char *d = getenv("HVSIM_DATA");
    return d && *d ? d : "models";
}

/* A scratch directory per test process (Criterion forks one per test). */
static char *scratch;

static void scratch_init(void) { scratch = test_tmpdir("hw"); }

static void scratch_fini(void)
{
    test_remove_tree(scratch);
    free(scratch);
}

static struct hw_model *load_ok(const char *name)
{
    struct hw_model *m = NULL;
    struct sim_error err = { 0 };
    int rc = hw_model_load(name, datadir(), &m, &err);
    char msg[1200] = "";
    if (rc)
        sim_error_format(&err, msg, sizeof msg);
    cr_assert_eq(rc, 0, "loading %s: %s", name, msg);
    cr_assert_not_null(m);
    return m;
}

/* Write a shipped profile, changed by mutate, to SCRATCH/NAME.json. */
static const char *variant(const char *base, const char *name, void (*mutate)(json_t *))
{
    static char path[256];
    char src[256];
    snprintf(src, sizeof src, "%s/profiles/%s.json", datadir(), base);
    json_t *doc = json_load_file(src, 0, NULL);
    cr_assert_not_null(doc, "cannot read %s", src);
    json_object_set_new(doc, "name", json_string(name));
    if (mutate)
        mutate(doc);
    snprintf(path, sizeof path, "%s/%s.json", scratch, name);
    cr_assert_eq(json_dump_file(doc, path, JSON_INDENT(1)), 0);
    json_decref(doc);
    return path;
}

static void set_value(json_t *doc, const char *key, const char *sub, json_t *v)
{
    json_t *o = json_object_get(doc, key);
    if (sub)
        o = json_object_get(o, sub);
    cr_assert_not_null(o, "no key %s.%s", key, sub ? sub : "");
    json_object_set_new(o, "value", v);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* Load must fail with code; the formatted message must contain each of
 * the NULL-ended strings. */
static void load_fails(const char *name, const char *dir, int code, ...)
{
    struct hw_model *m = NULL;
    struct sim_error err = { 0 };
    int rc = hw_model_load(name, dir, &m, &err);
    cr_assert_eq(rc, code, "loading %s: got %d, want %d", name, rc, code);
    cr_assert_null(m);
    char msg[1200];
    sim_error_format(&err, msg, sizeof msg);
    va_list ap;
    va_start(ap, code);
    for (const char *want; (want = va_arg(ap, const char *));)
        cr_assert_not_null(strstr(msg, want), "message \"%s\" lacks \"%s\"", msg, want);
    va_end(ap);
}

/* ---- reference counts --------------------------------------------- */

Test(hw_walk, refs_every_page_size_pair)
{
    /* (g'+1)(h'+1)-1 with g' = g - {0,1,2} for 4K/2M/1G, same for h'. */
    static const int want44[3][3] = { { 24, 19, 14 }, { 19, 15, 11 }, { 14, 11, 8 } };
    static const int want55[3][3] = { { 35, 29, 23 }, { 29, 24, 19 }, { 23, 19, 15 } };
    static const int want45[3][3] = { { 29, 24, 19 }, { 23, 19, 15 }, { 17, 14, 11 } };
    for (int g = 0; g < HW_PAGE_SIZES; g++)
        for (int h = 0; h < HW_PAGE_SIZES; h++) {
            cr_expect_eq(hw_walk_refs_2d(4, g, 4, h), want44[g][h], "4/4 %s/%s",
                         hw_page_size_name(g), hw_page_size_name(h));
            cr_expect_eq(hw_walk_refs_2d(5, g, 5, h), want55[g][h], "5/5 %s/%s",
                         hw_page_size_name(g), hw_page_size_name(h));
            cr_expect_eq(hw_walk_refs_2d(4, g, 5, h), want45[g][h], "4/5 %s/%s",
                         hw_page_size_name(g), hw_page_size_name(h));
            cr_expect_eq(hw_walk_refs_2d(5, h, 4, g), want45[g][h], "5/4 is 4/5 mirrored");
        }
    cr_expect_eq(hw_walk_refs_native(4, HW_PAGE_4K), 4);
    cr_expect_eq(hw_walk_refs_native(4, HW_PAGE_2M), 3);
    cr_expect_eq(hw_walk_refs_native(4, HW_PAGE_1G), 2);
    cr_expect_eq(hw_walk_refs_native(5, HW_PAGE_4K), 5);
    cr_expect_eq(hw_walk_refs_2d(3, HW_PAGE_4K, 4, HW_PAGE_4K), -1);
    cr_expect_eq(hw_walk_refs_native(6, HW_PAGE_4K), -1);
}

Test(hw_walk, profile_table_matches_formula)
{
    struct hw_model *m = load_ok("icelake-sp-5level");
    struct hw_walk w;
    hw_model_walk_pair(m, HW_PAGE_4K, HW_PAGE_4K, &w);
    cr_expect_eq(w.max_refs, 35);
    cr_expect_eq(w.native_max_refs, 5);
    cr_expect_eq(hw_model_walk(m)->max_refs, 35);
    hw_model_free(m);
}

/* ---- overhead arithmetic, by hand ---------------------------------- */

/*
 * skylake-sp, class cpu-bound, computed by hand from the two JSON files:
 *
 *   clock 2.3 GHz.
 *   exits/s x cycles:  external_interrupt 400 x 2015 =   806000
 *                      hlt                100 x 1550 =   155000
 *                      cpuid              100 x 1550 =   155000
 *                      msr_write          900 x 2468 =  2221200
 *                      preemption_timer   500 x 1550 =   775000
 *                                              sum  =  4112200 cycles/s
 *   exit_h = 4112200 / 2.3e9 = 0.00178791304...
 *
 *   one reference: 0.4 x 4 + 0.3 x 14 + 0.2 x 60 + 0.1 x (90 ns x 2.3) = 38.5 cycles
 *   p = 0.8333, q = 0.2267, g' = h' = 4:
 *     H  = 1 + 3 (1 - p) = 1.5001          N = 1 + 3 (1 - p) = 1.5001
 *     2D = N (1 + (1-q) H) + (1-q) H = 1.5001 x 2.16002733 + 1.16002733 = 4.40028433
 *   misses/s = 0.1 / 1000 x 3e9 = 3e5
 *   walk_h = 3e5 x (4.40028433 - 1.5001) x 38.5 / 2.3e9 = 0.01456396912...
 *   native_walk_h = 3e5 x 1.5001 x 38.5 / 2.3e9 = 0.00753311087...
 *   h = 0.01635188217...
 *
 *   switch cpu-bound -> cpu-bound, VPID on, TLB 1536 entries, 512 pages each:
 *     4520 + 512 x (512 / 1536) x 4.40028433 x 38.5 = 33432.80 cycles = 14536.0 ns
 *   the same with VPID off: 4520 + 512 x 4.40028433 x 38.5 = 91258.4 cycles = 39677.6 ns
 */
Test(hw_rates, skylake_cpu_bound_by_hand)
{
    struct hw_model *m = load_ok("skylake-sp");
    int c = hw_class_find(m, "cpu-bound");
    cr_assert_eq(c, 0, "cpu-bound is the default class");
    const struct hw_rates *r = hw_class_rates(m, (size_t)c);

    cr_expect_float_eq(r->exit_h, 0.0017879130434782608, 1e-15);
    cr_expect_float_eq(hw_model_walk(m)->refs, 4.400284327732999, 1e-12);
    cr_expect_float_eq(hw_model_walk(m)->native_refs, 1.5001, 1e-12);
    cr_expect_float_eq(r->tlb_misses_per_s, 3e5, 1e-6);
    cr_expect_float_eq(r->walk_h, 0.014563969124050497, 1e-14);
    cr_expect_float_eq(r->native_walk_h, 0.007533110869565216, 1e-14);
    cr_expect_float_eq(r->h, 0.016351882167528756, 1e-14);
    cr_expect_float_eq(r->h, r->exit_h + r->walk_h, 1e-15);
    cr_expect_float_eq(r->exits_per_s, 2000.0, 1e-9);
    cr_expect_float_eq(r->exit_rate[HW_EXIT_MSR_WRITE], 900.0, 1e-9);
    cr_expect_float_eq(r->exit_cost_ns[HW_EXIT_MSR_WRITE], 2468 / 2.3, 1e-9);
    cr_expect_eq(hw_switch_cost(m, c, c), 14536);
    cr_expect_eq(hw_switch_cost(m, -1, c), 1965);   /* 4520 / 2.3: nothing evicted */
    hw_model_free(m);
}

static void vpid_off(json_t *doc) { set_value(doc, "vpid", NULL, json_false()); }

Test(hw_rates, vpid_off_by_hand, .init = scratch_init, .fini = scratch_fini)
{
    struct hw_model *m = load_ok(variant("skylake-sp", "skx-novpid", vpid_off));
    cr_expect_eq(hw_switch_cost(m, 0, 0), 39678);   /* see the comment above */
    cr_expect_not(hw_model_vpid(m));
    hw_model_free(m);
}

/* ---- the ideal profile --------------------------------------------- */

Test(hw_ideal, none_is_zero_without_data)
{
    struct hw_model *m = NULL;
    struct sim_error err = { 0 };
    cr_assert_eq(hw_model_load("none", "/nonexistent-hvsim-data", &m, &err), 0);
    cr_expect(hw_model_is_ideal(m));
    cr_expect_str_eq(hw_model_profile_name(m), "none");
    cr_expect_str_eq(hw_class_name(m, 0), HW_DEFAULT_CLASS);
    cr_expect_geq(hw_class_find(m, "io-bound"), 0, "shipped names known without data");
    cr_expect_eq(hw_class_find(m, "no-such-class"), -1);
    for (size_t i = 0; i < hw_class_count(m); i++) {
        const struct hw_rates *r = hw_class_rates(m, i);
        cr_expect(r->h == 0.0 && r->exit_h == 0.0 && r->walk_h == 0.0 && r->exits_per_s == 0.0);
        for (size_t j = 0; j < hw_class_count(m); j++)
            cr_expect_eq(hw_switch_cost(m, (int)i, (int)j), 0);
        cr_expect_eq(hw_switch_cost(m, -1, (int)i), 0);
    }
    hw_model_free(m);
}

Test(hw_ideal, none_with_data_is_still_zero)
{
    struct hw_model *m = load_ok("none");
    cr_expect_eq(hw_class_count(m), 5);
    for (size_t i = 0; i < hw_class_count(m); i++) {
        cr_expect(hw_class_rates(m, i)->h == 0.0);
        cr_expect_eq(hw_switch_cost(m, 0, (int)i), 0);
    }
    cr_expect(hw_model_ghz(m) == 0.0);
    hw_model_free(m);
}

/* ---- shipped data --------------------------------------------------- */

static void expect_tagged(const struct hw_param *p, const char *what)
{
    cr_expect(p->prov && strchr("RDMESC", p->prov), "%s: provenance '%c'", what, p->prov);
    cr_expect(p->source && *p->source, "%s: no source", what);
}

Test(hw_data, every_profile_and_class_loads_with_provenance)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/profiles", datadir());
    size_t n;
    char **names = hw__dir_names(dir, &n);
    cr_assert_not_null(names);
    cr_assert_geq(n, 3, "several CPU generations");
    for (size_t i = 0; i < n; i++) {
        struct hw_model *m = load_ok(names[i]);
        const struct hw_profile *p = &m->p;
        cr_expect_str_eq(hw_model_profile_name(m), names[i]);
        cr_expect_gt(hw_model_ghz(m), 0.0);
        expect_tagged(&p->generation, "generation");
        expect_tagged(&p->ghz, "clock_ghz");
        for (int r = 0; r < HW_EXIT_REASONS; r++)
            expect_tagged(&p->exit_cost[r], hw_exit_reason_name(r));
        expect_tagged(&p->world_switch, "world_switch");
        expect_tagged(&p->vpid, "vpid");
        expect_tagged(&p->guest_levels, "guest_levels");
        expect_tagged(&p->host_levels, "host_levels");
        expect_tagged(&p->guest_page, "guest_page");
        expect_tagged(&p->host_page, "host_page");
        expect_tagged(&p->pwc_hit, "pwc_hit_rate");
        expect_tagged(&p->ntlb_hit, "nested_tlb_hit_rate");
        expect_tagged(&p->tlb_entries, "tlb_entries");
        for (int l = 0; l < HW_MEM_LEVELS; l++) {
            expect_tagged(&p->mem_latency[l], "mem_latency");
            expect_tagged(&p->hit_fraction[l], "walk_hit_fraction");
        }
        cr_expect_geq(hw_class_count(m), 5);
        for (size_t c = 0; c < hw_class_count(m); c++) {
            const struct hw_class *k = &m->cls[c];
            const struct hw_rates *r = hw_class_rates(m, c);
            expect_tagged(&k->mpki, "tlb_mpki");
            expect_tagged(&k->ips, "instructions_per_s");
            expect_tagged(&k->ws_pages, "working_set_pages");
            for (int e = 0; e < HW_EXIT_REASONS; e++)
                if (k->exit_rate[e].value > 0)
                    expect_tagged(&k->exit_rate[e], hw_exit_reason_name(e));
            /* Literature profiles stay below h = 1; a measured one may not: a
             * network-heavy guest (150,000 exits/s) on a nested host whose
             * trivial exit takes ~4 us loses about a second per second of work. */
            double h_max = p->trivial_exit.prov == 'C' ? 5 : 1;
            cr_expect(r->h > 0 && r->h < h_max, "%s/%s: h = %g", names[i], k->name, r->h);
            cr_expect_gt(hw_switch_cost(m, (int)c, (int)c), 0);
        }
        hw_model_free(m);
    }
    hw__names_free(names, n);
}

Test(hw_data, required_classes_exist_default_first)
{
    static const char *const need[] = { "cpu-bound", "memory-intensive", "io-bound",
                                         "network-heavy", "interactive" };
    struct hw_model *m = load_ok("haswell-ep");
    cr_expect_str_eq(hw_class_name(m, 0), HW_DEFAULT_CLASS);
    cr_expect_eq(hw_class_find(m, ""), 0, "no class in a trace = the default");
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        cr_expect_geq(hw_class_find(m, need[i]), 0, "%s", need[i]);
    cr_expect_null(hw_class_name(m, hw_class_count(m)));
    /* The classes differ where they should. */
    const struct hw_rates *cpu = hw_class_rates(m, (size_t)hw_class_find(m, "cpu-bound"));
    const struct hw_rates *mem = hw_class_rates(m, (size_t)hw_class_find(m, "memory-intensive"));
    const struct hw_rates *net = hw_class_rates(m, (size_t)hw_class_find(m, "network-heavy"));
    const struct hw_rates *ia = hw_class_rates(m, (size_t)hw_class_find(m, "interactive"));
    cr_expect_gt(mem->walk_h, 5 * cpu->walk_h);
    cr_expect_gt(net->exit_h, 10 * cpu->exit_h);
    cr_expect_gt(ia->exit_rate[HW_EXIT_HLT], 0.5 * ia->exits_per_s, "HLT-dominated");
    hw_model_free(m);
}

/* ---- trade-offs ----------------------------------------------------- */

Test(hw_tradeoff, vpid_off_costs_more, .init = scratch_init, .fini = scratch_fini)
{
    struct hw_model *on = load_ok("skylake-sp");
    struct hw_model *off = load_ok(variant("skylake-sp", "skx-novpid", vpid_off));
    cr_assert(hw_model_vpid(on));
    for (size_t to = 0; to < hw_class_count(on); to++) {
        cr_expect_gt(hw_switch_cost(off, -1, (int)to), hw_switch_cost(on, -1, (int)to));
        for (size_t from = 0; from < hw_class_count(on); from++)
            cr_expect_geq(hw_switch_cost(off, (int)from, (int)to),
                          hw_switch_cost(on, (int)from, (int)to));
    }
    int cpu = hw_class_find(on, "cpu-bound");
    cr_expect_gt(hw_switch_cost(off, cpu, cpu), 2 * hw_switch_cost(on, cpu, cpu));
    /* VPID changes switches only, not the running rate. */
    cr_expect_float_eq(hw_class_rates(off, 0)->h, hw_class_rates(on, 0)->h, 1e-15);
    hw_model_free(on);
    hw_model_free(off);
}

static void host_2m(json_t *doc) { set_value(doc, "host_page", NULL, json_string("2M")); }
static void both_2m(json_t *doc)
{
    set_value(doc, "host_page", NULL, json_string("2M"));
    set_value(doc, "guest_page", NULL, json_string("2M"));
}

Test(hw_tradeoff, large_pages_cut_walk_cost, .init = scratch_init, .fini = scratch_fini)
{
    struct hw_model *m4k = load_ok("skylake-sp");
    struct hw_model *h2m = load_ok(variant("skylake-sp", "skx-host2m", host_2m));
    struct hw_model *b2m = load_ok(variant("skylake-sp", "skx-2m", both_2m));
    cr_expect_eq(hw_model_walk(m4k)->max_refs, 24);
    cr_expect_eq(hw_model_walk(h2m)->max_refs, 19);
    cr_expect_eq(hw_model_walk(b2m)->max_refs, 15);
    cr_expect_lt(hw_model_walk(h2m)->ns, hw_model_walk(m4k)->ns);
    cr_expect_lt(hw_model_walk(b2m)->ns, hw_model_walk(h2m)->ns);
    int mem = hw_class_find(m4k, "memory-intensive");
    cr_expect_lt(hw_class_rates(h2m, (size_t)mem)->walk_h, hw_class_rates(m4k, (size_t)mem)->walk_h);
    /* Every pair: a larger page on either side never adds references or time. */
    for (int g = 0; g < HW_PAGE_SIZES; g++)
        for (int h = 0; h + 1 < HW_PAGE_SIZES; h++) {
            struct hw_walk a, b;
            hw_model_walk_pair(m4k, g, h, &a);
            hw_model_walk_pair(m4k, g, h + 1, &b);
            cr_expect_lt(b.ns, a.ns);
            hw_model_walk_pair(m4k, h, g, &a);
            hw_model_walk_pair(m4k, h + 1, g, &b);
            cr_expect_lt(b.refs - b.native_refs, a.refs - a.native_refs + 1e-12);
        }
    /* 2M on both sides: a cpu-bound working set of 512 4K pages fits one entry. */
    cr_expect_lt(hw_switch_cost(b2m, 0, 0), hw_switch_cost(m4k, 0, 0));
    hw_model_free(m4k);
    hw_model_free(h2m);
    hw_model_free(b2m);
}

static void costlier(json_t *doc)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(doc, "exit_cost"), k, v)
        json_object_set_new(v, "value", json_real(2 * json_number_value(json_object_get(v, "value"))));
    json_object_foreach(json_object_get(doc, "mem_latency"), k, v)
        json_object_set_new(v, "value", json_real(2 * json_number_value(json_object_get(v, "value"))));
}

Test(hw_tradeoff, costlier_profile_larger_h, .init = scratch_init, .fini = scratch_fini)
{
    struct hw_model *base = load_ok("skylake-sp");
    struct hw_model *dear = load_ok(variant("skylake-sp", "skx-dear", costlier));
    for (size_t c = 0; c < hw_class_count(base); c++) {
        const struct hw_rates *a = hw_class_rates(base, c), *b = hw_class_rates(dear, c);
        /* Everything doubled: h doubles exactly. */
        cr_expect_float_eq(b->h, 2 * a->h, 1e-12, "%s", hw_class_name(base, c));
        cr_expect_gt(b->exit_h, a->exit_h);
        cr_expect_gt(b->walk_h, a->walk_h);
    }
    /* 5-level paging is costlier than 4-level on the same CPU. */
    struct hw_model *l4 = load_ok("icelake-sp"), *l5 = load_ok("icelake-sp-5level");
    for (size_t c = 0; c < hw_class_count(l4); c++)
        cr_expect_gt(hw_class_rates(l5, c)->h, hw_class_rates(l4, c)->h);
    hw_model_free(base);
    hw_model_free(dear);
    hw_model_free(l4);
    hw_model_free(l5);
}

static void switch_in_ns(json_t *doc)
{
    json_t *ws = json_object_get(doc, "world_switch");
    json_object_set_new(ws, "value", json_real(2000.0));
    json_object_set_new(ws, "unit", json_string("ns"));
}

Test(hw_units, ns_values_become_cycles, .init = scratch_init, .fini = scratch_fini)
{
    struct hw_model *m = load_ok(variant("skylake-sp", "skx-ns", switch_in_ns));
    cr_expect_float_eq(hw_model_world_switch_ns(m), 2000.0, 1e-9);
    cr_expect_eq(hw_switch_cost(m, -1, 0), 2000);
    hw_model_free(m);
}

/* ---- loading errors ------------------------------------------------- */

Test(hw_errors, missing_file)
{
    /* a path that cannot be read is bad input (exit 2), named */
    load_fails("/nonexistent/dir/p.json", datadir(), SIM_EINVAL, "/nonexistent/dir/p.json",
               "No such file or directory", NULL);
}

Test(hw_errors, unknown_name_lists_known)
{
    load_fails("pentium4", datadir(), SIM_EINVAL, "unknown hardware profile \"pentium4\"",
               "skylake-sp", "none", NULL);
}

Test(hw_errors, bad_json_has_line, .init = scratch_init, .fini = scratch_fini)
{
    char path[256];
    snprintf(path, sizeof path, "%s/broken.json", scratch);
    write_text(path, "{\n  \"name\": \"broken\",\n  \"clock_ghz\": 2.3,\n  \"vpid\": tru\n}\n");
    load_fails(path, datadir(), SIM_EINVAL, path, ":4:", "bad JSON", NULL);
}

static void drop_clock(json_t *doc) { json_object_del(doc, "clock_ghz"); }
static void drop_hlt(json_t *doc) { json_object_del(json_object_get(doc, "exit_cost"), "hlt"); }
static void drop_prov(json_t *doc) { json_object_del(json_object_get(doc, "tlb_entries"), "prov"); }
static void vpid_text(json_t *doc) { set_value(doc, "vpid", NULL, json_string("yes")); }
static void ghz_text(json_t *doc) { set_value(doc, "clock_ghz", NULL, json_string("fast")); }
static void negative_hlt(json_t *doc) { set_value(doc, "exit_cost", "hlt", json_integer(-5)); }
static void levels_3(json_t *doc) { set_value(doc, "guest_levels", NULL, json_integer(3)); }
static void page_3m(json_t *doc) { set_value(doc, "host_page", NULL, json_string("3M")); }
static void bad_unit(json_t *doc)
{
    json_object_set_new(json_object_get(doc, "world_switch"), "unit", json_string("ms"));
}
static void unknown_key(json_t *doc) { json_object_set_new(doc, "turbo", json_true()); }
static void unknown_reason(json_t *doc)
{
    json_object_set_new(json_object_get(doc, "exit_cost"), "triple_fault", json_integer(1));
}
static void fractions_off(json_t *doc) { set_value(doc, "walk_hit_fraction", "dram", json_real(0.5)); }
static void bad_prov(json_t *doc)
{
    json_object_set_new(json_object_get(doc, "clock_ghz"), "prov", json_string("X"));
}

struct bad_case {
    const char *name;
    void (*mutate)(json_t *);
    const char *key;       /* must appear in the message */
    const char *what;      /* and this */
};

static const struct bad_case bad_cases[] = {
    { "missing-key", drop_clock, "\"clock_ghz\"", "missing" },
    { "missing-reason", drop_hlt, "\"exit_cost.hlt\"", "missing" },
    { "missing-prov", drop_prov, "\"tlb_entries.prov\"", "missing" },
    { "wrong-type", vpid_text, "\"vpid.value\"", "expected true or false" },
    { "wrong-type-num", ghz_text, "\"clock_ghz.value\"", "expected a number" },
    { "negative-cost", negative_hlt, "\"exit_cost.hlt.value\"", "must be >= 0 (got -5)" },
    { "bad-levels", levels_3, "\"guest_levels.value\"", "must be >= 4" },
    { "bad-page", page_3m, "\"host_page.value\"", "\"4K\", \"2M\" or \"1G\"" },
    { "bad-unit", bad_unit, "\"world_switch.unit\"", "\"cycles\" or \"ns\"" },
    { "unknown-key", unknown_key, "\"turbo\"", "unknown key" },
    { "unknown-reason", unknown_reason, "\"exit_cost.triple_fault\"", "unknown exit reason" },
    { "fractions", fractions_off, "\"walk_hit_fraction\"", "add up to 1" },
    { "bad-prov", bad_prov, "\"clock_ghz.prov\"", "\"R\"" },
};

Test(hw_errors, each_bad_profile_names_file_and_key, .init = scratch_init, .fini = scratch_fini)
{
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *b = &bad_cases[i];
        const char *path = variant("skylake-sp", b->name, b->mutate);
        load_fails(path, datadir(), SIM_EINVAL, path, b->key, b->what, NULL);
    }
}

/* A data directory with the shipped profiles and one extra class file. */
static void datadir_with_class(const char *file, const char *text)
{
    char cmd[512], path[256];
    snprintf(cmd, sizeof cmd, "cp -r '%s/profiles' '%s/classes' '%s/'", datadir(), datadir(),
             scratch);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/classes/%s", scratch, file);
    write_text(path, text);
}

Test(hw_errors, bad_class_names_file_and_key, .init = scratch_init, .fini = scratch_fini)
{
    datadir_with_class("batch.json",
                       "{\"exit_rate\": {\"hlt\": {\"value\": -1, \"prov\": \"E\", \"source\": \"t\"}},"
                       " \"tlb_mpki\": 1, \"instructions_per_s\": 1e9, \"working_set_pages\": 10}\n");
    /* FILE:LINE:COL of the value: "value": -1 starts at column 33 */
    load_fails("skylake-sp", scratch, SIM_EINVAL, "classes/batch.json:1:33: ",
               "\"exit_rate.hlt.value\"", "must be >= 0", NULL);
    /* The ideal profile reads the classes too when they are there. */
    load_fails("none", scratch, SIM_EINVAL, "classes/batch.json", NULL);
}

Test(hw_errors, class_missing_key_and_name, .init = scratch_init, .fini = scratch_fini)
{
    datadir_with_class("batch.json", "{\"name\": \"batch\", \"exit_rate\": {},"
                                     " \"instructions_per_s\": 1e9, \"working_set_pages\": 10}\n");
    /* a missing key points at the object that lacks it */
    load_fails("skylake-sp", scratch, SIM_EINVAL, "classes/batch.json:1:1: ", "\"tlb_mpki\"",
               "missing", NULL);
    datadir_with_class("batch.json", "{\"name\": \"other\", \"exit_rate\": {}, \"tlb_mpki\": 1,"
                                     " \"instructions_per_s\": 1e9, \"working_set_pages\": 10}\n");
    load_fails("skylake-sp", scratch, SIM_EINVAL, "classes/batch.json", "\"name\"",
               "does not match", NULL);
}

Test(hw_errors, user_class_with_bare_values_loads, .init = scratch_init, .fini = scratch_fini)
{
    datadir_with_class("batch.json", "{\"exit_rate\": {\"hlt\": 1000}, \"tlb_mpki\": 0,"
                                     " \"instructions_per_s\": 1e9, \"working_set_pages\": 10}\n");
    struct hw_model *m = NULL;
    struct sim_error err = { 0 };
    cr_assert_eq(hw_model_load("skylake-sp", scratch, &m, &err), 0, "%s", err.text);
    int c = hw_class_find(m, "batch");
    cr_assert_geq(c, 1);
    /* 1000 HLT exits/s x 1550 cycles / 2.3 GHz, no TLB misses. */
    cr_expect_float_eq(hw_class_rates(m, (size_t)c)->h, 1000 * 1550 / 2.3e9, 1e-15);
    cr_expect_eq(m->cls[c].exit_rate[HW_EXIT_HLT].prov, 'U');
    hw_model_free(m);
}

Test(hw_errors, classes_dir_missing)
{
    load_fails("/dev/null/x.json", "/nonexistent", SIM_EINVAL, "/dev/null/x.json: Not a directory",
               NULL);
    char path[512];
    snprintf(path, sizeof path, "%s/profiles/skylake-sp.json", datadir());
    load_fails(path, "/nonexistent", SIM_EIO, "/nonexistent/classes", NULL);
}

/* ---- explain and list ----------------------------------------------- */

static char *capture(void (*fn)(FILE *, void *), void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    fn(f, arg);
    fclose(f);
    return buf;
}

struct explain_args {
    struct hw_model *m;
    const char *cls;
    bool json;
    int rc;
};

static void run_explain(FILE *f, void *arg)
{
    struct explain_args *a = arg;
    struct sim_error err = { 0 };
    a->rc = hw_explain(f, a->m, a->cls, a->json, &err);
}

Test(hw_explain, text_derivation)
{
    struct explain_args a = { load_ok("skylake-sp"), NULL, false, -9 };
    char *out = capture(run_explain, &a);
    cr_assert_eq(a.rc, 0);
    cr_expect_not_null(strstr(out, "(g+1)(h+1) - 1 = 24 references"));
    cr_expect_not_null(strstr(out, "memory-intensive"));
    cr_expect_not_null(strstr(out, "[R]"));
    cr_expect_not_null(strstr(out, "h = 0.016352"), "cpu-bound h of the hand computation");
    free(out);
    hw_model_free(a.m);
}

Test(hw_explain, json_matches_model)
{
    struct explain_args a = { load_ok("skylake-sp"), "network-heavy", true, -9 };
    char *out = capture(run_explain, &a);
    cr_assert_eq(a.rc, 0);
    json_error_t jerr;
    json_t *doc = json_loads(out, 0, &jerr);
    cr_assert_not_null(doc, "explain --json is not JSON: %s", jerr.text);
    json_t *pairs = json_object_get(json_object_get(doc, "walk"), "pairs");
    cr_assert_eq(json_array_size(pairs), 9);
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(pairs, 0), "max_refs")), 24);
    cr_expect_eq(json_integer_value(json_object_get(json_array_get(pairs, 8), "max_refs")), 8);
    json_t *classes = json_object_get(doc, "classes");
    cr_assert_eq(json_array_size(classes), 1);
    json_t *c = json_array_get(classes, 0);
    int ci = hw_class_find(a.m, "network-heavy");
    cr_expect_float_eq(json_real_value(json_object_get(c, "h")), hw_class_rates(a.m, (size_t)ci)->h,
                       1e-9);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(doc, "profile"), "name")),
                     "skylake-sp");
    json_decref(doc);
    free(out);
    hw_model_free(a.m);
}

Test(hw_explain, unknown_class_and_ideal)
{
    struct explain_args a = { load_ok("skylake-sp"), "batch", false, -9 };
    char *out = capture(run_explain, &a);
    cr_expect_eq(a.rc, SIM_EINVAL);
    free(out);
    hw_model_free(a.m);

    struct explain_args b = { load_ok("none"), NULL, true, -9 };
    out = capture(run_explain, &b);
    cr_assert_eq(b.rc, 0);
    json_t *doc = json_loads(out, 0, NULL);
    cr_assert_not_null(doc);
    cr_expect(json_is_true(json_object_get(json_object_get(doc, "profile"), "ideal")));
    cr_expect_eq(json_real_value(json_object_get(json_array_get(json_object_get(doc, "classes"), 0),
                                                 "h")), 0.0);
    json_decref(doc);
    free(out);
    hw_model_free(b.m);
}

static void run_list(FILE *f, void *arg) { hw_list(f, arg); }

Test(hw_list, names_profiles_and_classes)
{
    char *out = capture(run_list, (void *)datadir());
    cr_expect_not_null(strstr(out, "none"));
    cr_expect_not_null(strstr(out, "skylake-sp"));
    cr_expect_not_null(strstr(out, "haswell-ep"));
    cr_expect_not_null(strstr(out, "cpu-bound            (default)"));
    cr_expect_not_null(strstr(out, "network-heavy"));
    free(out);
}
