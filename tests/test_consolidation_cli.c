/*
 * tests/test_consolidation_cli.c - consolidation through the binary, as a
 * user runs it: CloudSim's PlanetLab table with --preset (and the table
 * the README prints beside CloudSim's), every consolidation option's round
 * trip through the config echo and --config, the errors (exit 2 naming
 * the option), the same seed giving the same bytes, the files of --out.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "report/report.h"
#include "tests/helpers.h"

#define DAY "workloads/samples/planetlab-20110303"

static json_t *run_json(const char *const *args)
{
    struct cmd_result r;
    run_hvsim(&r, args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t jerr;
    json_t *j = json_loads(r.out, 0, &jerr);
    cr_assert_not_null(j, "%s", jerr.text);
    cmd_result_free(&r);
    return j;
}

static double num(const json_t *j, const char *group, const char *key)
{
    const json_t *g = group ? json_object_get(j, group) : j;
    const json_t *v = json_object_get(g, key);
    cr_assert(json_is_number(v), "%s.%s is not a number", group ? group : "", key);
    return json_number_value(v);
}

/* ------------------------------------------------------------ the table */

struct ref {
    const char *name;
    const char *detector, *selector;
    bool npa;
    double energy;          /* kWh, %.2f */
    long migrations;
    double slatah, pdm;     /* %, %.2f */
    double slav;            /* %, %.5f */
};

/* CloudSim 5.0 (commit 6790fecd) on the bundled day, sorted file order. */
static const struct ref refs[] = {
    {"npa", "none", "mmt", true, 2410.80, 0, 0.39, 0.00, 0.00000},
    {"dvfs", "none", "mmt", false, 802.75, 0, 0.00, 0.00, 0.00000},
    {"thr_mmt_0.8", "thr:0.8", "mmt", false, 192.62, 26711, 4.91, 0.06, 0.00318},
    {"iqr_mmt_1.5", "iqr:1.5", "mmt", false, 189.98, 26282, 4.82, 0.06, 0.00301},
    {"mad_mmt_2.5", "mad:2.5", "mmt", false, 185.79, 26556, 5.05, 0.07, 0.00334},
    {"lr_mmt_1.2", "lr:1.2", "mmt", false, 163.48, 27859, 5.86, 0.08, 0.00464},
    {"lrr_mmt_1.2", "lrr:1.2", "mmt", false, 163.48, 27859, 5.86, 0.08, 0.00464},
    {"lr_mc_1.2", "lr:1.2", "mc", false, 151.07, 23380, 7.01, 0.10, 0.00683},
    {"lr_mu_1.2", "lr:1.2", "mu", false, 175.60, 30166, 8.15, 0.08, 0.00613},
    {"thr_mc_0.8", "thr:0.8", "mc", false, 183.48, 23967, 6.84, 0.10, 0.00697},
    {"thr_mu_0.8", "thr:0.8", "mu", false, 207.79, 30653, 7.38, 0.07, 0.00494},
};
#define NREFS (sizeof refs / sizeof refs[0])

static bool close_to(double got, double ref, double rel, double unit)
{
    return fabs(got - ref) <= rel * fabs(ref) || fabs(got - ref) <= unit * (1 + 1e-9);
}

static void print(char *buf, size_t len, double x, int decimals)
{
    snprintf(buf, len, "%.*f", decimals, x);
}

/* The README's row for policy name: its cells, "hvsim / CloudSim" each. */
static bool readme_row(const char *name, char cells[8][64])
{
    char *text = test_slurp("README.md", NULL);
    char key[80];
    snprintf(key, sizeof key, "\n| %s |", name);
    const char *p = strstr(text, "<!-- cloudsim-table -->");
    cr_assert_not_null(p, "README.md has no <!-- cloudsim-table --> marker");
    p = strstr(p, key);
    bool found = p != NULL;
    if (found) {
        p += strlen(key);
        for (int c = 0; c < 8; c++) {
            size_t n = strcspn(p, "|\n");
            snprintf(cells[c], 64, "%.*s", (int)n, p);
            p += n + (p[n] == '|');
        }
    }
    free(text);
    return found;
}

ParameterizedTestParameters(cons_cli, preset_table)
{
    size_t *idx = cr_malloc(NREFS * sizeof *idx);
    for (size_t i = 0; i < NREFS; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, NREFS);
}

/* Each row of CloudSim's table, from `hvsim run --preset`: the issue's
 * tolerances and every printed digit; and the README's row says the same
 * beside CloudSim's. */
ParameterizedTest(size_t *index, cons_cli, preset_table, .timeout = 120)
{
    const struct ref *f = &refs[*index];
    json_t *j = run_json((const char *const[]){
        "run", "--preset", "cloudsim-planetlab", "--trace", DAY, "--consolidate", f->detector,
        "--select", f->selector, "--power-aware", f->npa ? "no" : "yes", "--json", NULL});
    double kwh = num(j, NULL, "energy_kwh"), mig = num(j, "migrations", "count");
    double slatah = 100 * num(j, "sla", "slatah"), pdm = 100 * num(j, "sla", "pdm");
    double slav = 100 * num(j, "sla", "slav");
    cr_expect(close_to(kwh, f->energy, 0.01, 0), "%s: %.2f kWh", f->name, kwh);
    cr_expect(close_to(mig, (double)f->migrations, 0.03, 0), "%s: %g migrations", f->name, mig);
    cr_expect(close_to(slatah, f->slatah, 0.05, 0.01), "%s: SLATAH %.2f", f->name, slatah);
    cr_expect(close_to(pdm, f->pdm, 0.05, 0.01), "%s: PDM %.2f", f->name, pdm);
    cr_expect(close_to(slav, f->slav, 0.05, 0.00001), "%s: SLAV %.5f", f->name, slav);
    char got[5][64], want[5][64];
    print(got[0], 64, kwh, 2);
    print(want[0], 64, f->energy, 2);
    print(got[1], 64, mig, 0);
    print(want[1], 64, (double)f->migrations, 0);
    print(got[2], 64, slatah, 2);
    print(want[2], 64, f->slatah, 2);
    print(got[3], 64, pdm, 2);
    print(want[3], 64, f->pdm, 2);
    print(got[4], 64, slav, 5);
    print(want[4], 64, f->slav, 5);
    for (int c = 0; c < 5; c++)
        cr_expect_str_eq(got[c], want[c], "%s: column %d, every printed digit", f->name, c);
    cr_expect_eq(num(j, "jobs", "arrived"), 1052);
    cr_expect_eq(num(j, "consolidation", "vms_removed"), 532);
    /* the README prints "hvsim / CloudSim" for each of these columns */
    char cells[8][64];
    cr_assert(readme_row(f->name, cells), "README.md has no row %s", f->name);
    for (int c = 0; c < 5; c++) {
        char expect[140];
        snprintf(expect, sizeof expect, " %s / %s ", got[c], want[c]);
        cr_expect_str_eq(cells[c], expect, "README row %s, column %d", f->name, c + 1);
    }
    json_decref(j);
}

/* ------------------------------------------------ a small day, a platform */

/* DIR/day: twelve VMs, two hours at 5-minute samples, loads that rise and
 * fall out of step; DIR/hosts.json: six ML110 G4/G5 hosts, interleaved. */
static void small_day(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/day", dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    cr_assert_eq(system(cmd), 0);
    for (int v = 0; v < 12; v++) {
        snprintf(path, sizeof path, "%s/day/vm%02d", dir, v);
        FILE *f = fopen(path, "w");
        cr_assert_not_null(f);
        for (int k = 0; k < 24; k++)
            fprintf(f, "%d\n", (int)(50 + 45 * sin(0.4 * k + v)) * (k % 7 != v % 7));
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/hosts.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"interleave\": true, \"hosts\": [\n"
          " {\"count\": 3, \"cores\": 2, \"speed\": 1.86, \"mem_mb\": 4096, "
          "\"power\": \"hp-proliant-ml110-g4\"},\n"
          " {\"count\": 3, \"cores\": 2, \"speed\": 2.66, \"mem_mb\": 4096, "
          "\"power\": \"hp-proliant-ml110-g5\"}]}\n", f);
    fclose(f);
}

/* A run's summary.json (in out1) given back as --config, into out2: the
 * same run, byte for byte (the files of --out that both have, and the
 * summary but for its wall clock). */
static void same_run_from_its_summary(const char *out1, const char *out2, const char **files,
                                      size_t nfiles)
{
    char summary[600];
    snprintf(summary, sizeof summary, "%s/summary.json", out1);
    struct cmd_result r;
    RUN(&r, "run", "--config", summary, "--out", out2, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    for (size_t i = 0; i < nfiles; i++) {
        char *a = test_slurp_in(out1, files[i]), *b = test_slurp_in(out2, files[i]);
        cr_expect_str_eq(a, b, "%s differs after --config summary.json", files[i]);
        free(a);
        free(b);
    }
    json_t *a = json_load_file(summary, 0, NULL);
    snprintf(summary, sizeof summary, "%s/summary.json", out2);
    json_t *b = json_load_file(summary, 0, NULL);
    cr_assert(a && b);
    report_strip_wallclock(a);
    report_strip_wallclock(b);
    cr_expect(json_equal(a, b), "summary.json differs after --config");
    json_decref(a);
    json_decref(b);
}

static json_t *config_of(const char *out)
{
    char summary[600];
    snprintf(summary, sizeof summary, "%s/summary.json", out);
    json_t *s = json_load_file(summary, 0, NULL);
    cr_assert_not_null(s, "%s", summary);
    return s;
}

#define CFG_STR(cfg, key) json_string_value(json_object_get((cfg), (key)))
#define CFG_NUM(cfg, key) json_number_value(json_object_get((cfg), (key)))

Test(cons_cli, options_round_trip_through_the_echo_and_config, .timeout = 60)
{
    char *dir = test_tmpdir("cons");
    small_day(dir);
    char day[512], hosts[512], out1[512], out2[512], summary[600];
    snprintf(day, sizeof day, "%s/day", dir);
    snprintf(hosts, sizeof hosts, "%s/hosts.json", dir);
    snprintf(out1, sizeof out1, "%s/a", dir);
    snprintf(out2, sizeof out2, "%s/b", dir);
    struct cmd_result r;
    RUN(&r, "run", "--trace", day, "--planetlab-vm-types", "cloudsim", "--platform", hosts,
        "--consolidate", "lr:2.5", "--lr-window", "8", "--select", "rs", "--consolidate-place",
        "pabfd", "--migration", "precopy:0.4", "--precopy-rounds", "12", "--migration-cpu",
        "0.25", "--quirks", "lr_unweighted", "--interval", "10min", "--seed", "7", "--out", out1,
        "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    snprintf(summary, sizeof summary, "%s/summary.json", out1);
    json_t *s = json_load_file(summary, 0, NULL);
    cr_assert_not_null(s);
    const json_t *cfg = json_object_get(s, "config");
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "consolidate")), "lr");
    cr_expect_eq(json_number_value(json_object_get(cfg, "safety")), 2.5);
    cr_expect_eq(json_integer_value(json_object_get(cfg, "lr-window")), 8);
    cr_expect_eq(json_number_value(json_object_get(cfg, "interval")), 600);
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "select")), "rs");
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "consolidate-place")), "pabfd");
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "migration")), "precopy");
    cr_expect_eq(json_number_value(json_object_get(cfg, "migration-link-share")), 0.4);
    cr_expect_eq(json_integer_value(json_object_get(cfg, "precopy-rounds")), 12);
    cr_expect_eq(json_number_value(json_object_get(cfg, "migration-cpu")), 0.25);
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "quirks")), "lr_unweighted");
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "planetlab-vm-types")), "cloudsim");
    cr_expect(json_is_true(json_object_get(cfg, "power-aware")));
    cr_expect_null(json_object_get(cfg, "threshold"), "a knob of a detector not chosen");
    cr_expect_gt(num(s, "migrations", "count"), 0);
    cr_expect_gt(num(s, NULL, "energy_kwh"), 0);
    cr_expect_gt(num(s, "migrations", "downtime_seconds"), 0, "pre-copy pauses");
    json_decref(s);
    /* the summary as a config: the same run, byte for byte */
    const char *files[] = {"timeline.csv", "hosts.csv", "jobs.csv"};
    same_run_from_its_summary(out1, out2, files, 3);
    test_remove_tree(dir);
    free(dir);
}

/* The options the first round trip leaves at their defaults: IQR's and
 * THR's knobs, MC and MU, the other two placements, CloudSim's migration
 * model and its shares, pre-copy's stopping rules, the parallel links,
 * the non-power-aware meter. */
Test(cons_cli, the_other_options_round_trip, .timeout = 90)
{
    char *dir = test_tmpdir("cons");
    small_day(dir);
    char day[512], hosts[512], out1[512], out2[512];
    snprintf(day, sizeof day, "%s/day", dir);
    snprintf(hosts, sizeof hosts, "%s/hosts.json", dir);
    const char *files[] = {"timeline.csv", "hosts.csv", "jobs.csv"};
    struct cmd_result r;

    snprintf(out1, sizeof out1, "%s/iqr1", dir);
    snprintf(out2, sizeof out2, "%s/iqr2", dir);
    RUN(&r, "run", "--trace", day, "--planetlab-vm-types", "cloudsim", "--platform", hosts,
        "--model", "fluid", "--consolidate", "iqr:1.4", "--fallback-threshold", "0.65",
        "--min-history", "6", "--select", "mc", "--consolidate-place", "first-fit",
        "--migration", "cloudsim", "--migration-src-share", "0.85", "--migration-dst-share",
        "0.15", "--migration-parallel", "2", "--out", out1, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    json_t *s = config_of(out1);
    const json_t *cfg = json_object_get(s, "config");
    cr_expect_str_eq(CFG_STR(cfg, "consolidate"), "iqr");
    cr_expect_eq(CFG_NUM(cfg, "safety"), 1.4);
    cr_expect_eq(CFG_NUM(cfg, "fallback-threshold"), 0.65);
    cr_expect_eq(CFG_NUM(cfg, "min-history"), 6);
    cr_expect_str_eq(CFG_STR(cfg, "select"), "mc");
    cr_expect_str_eq(CFG_STR(cfg, "consolidate-place"), "first-fit");
    cr_expect_str_eq(CFG_STR(cfg, "migration"), "cloudsim");
    cr_expect_eq(CFG_NUM(cfg, "migration-src-share"), 0.85);
    cr_expect_eq(CFG_NUM(cfg, "migration-dst-share"), 0.15);
    cr_expect_eq(CFG_NUM(cfg, "migration-parallel"), 2);
    cr_expect_null(json_object_get(cfg, "precopy-rounds"), "a knob of pre-copy, not chosen");
    cr_expect_eq(num(s, "migrations", "downtime_seconds"), 0, "CloudSim's model has none");
    json_decref(s);
    same_run_from_its_summary(out1, out2, files, 3);

    snprintf(out1, sizeof out1, "%s/thr1", dir);
    snprintf(out2, sizeof out2, "%s/thr2", dir);
    RUN(&r, "run", "--trace", day, "--planetlab-vm-types", "cloudsim", "--platform", hosts,
        "--consolidate", "thr", "--threshold", "0.55", "--select", "mu", "--consolidate-place",
        "most-free", "--migration", "precopy", "--precopy-stop-mb", "1", "--precopy-max-factor",
        "2", "--power-aware", "no", "--out", out1, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    s = config_of(out1);
    cfg = json_object_get(s, "config");
    cr_expect_str_eq(CFG_STR(cfg, "consolidate"), "thr");
    cr_expect_eq(CFG_NUM(cfg, "threshold"), 0.55);
    cr_expect_str_eq(CFG_STR(cfg, "select"), "mu");
    cr_expect_str_eq(CFG_STR(cfg, "consolidate-place"), "most-free");
    cr_expect_eq(CFG_NUM(cfg, "precopy-stop-mb"), 1);
    cr_expect_eq(CFG_NUM(cfg, "precopy-max-factor"), 2);
    cr_expect(json_is_false(json_object_get(cfg, "power-aware")));
    /* not power-aware: the six hosts on at their peak power (117 W for a
     * G4, 135 W for a G5) for the whole run, whatever moves */
    char *h = test_slurp_in(out1, "hosts.csv");
    double on0 = -1, sum = 0;
    for (char *line = strchr(h, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        int host;
        double kwh, on;
        cr_assert_eq(sscanf(line, "%d,%*[^,],%*d,%*f,%lf,%lf", &host, &kwh, &on), 3, "%s", line);
        if (on0 < 0)
            on0 = on;
        cr_expect_eq(on, on0, "host %d on for %g s, host 0 for %g s", host, on, on0);
        cr_expect(fabs(kwh - (host % 2 ? 135 : 117) * on / 3.6e6) < 1e-9, "host %d", host);
        sum += kwh;
    }
    free(h);
    cr_expect_geq(on0, num(s, NULL, "makespan"));
    cr_expect(fabs(num(s, NULL, "energy_kwh") - 3 * (117 + 135) * on0 / 3.6e6) < 1e-9,
              "%.9f kWh over %g s", num(s, NULL, "energy_kwh"), on0);
    json_decref(s);
    same_run_from_its_summary(out1, out2, files, 3);
    test_remove_tree(dir);
    free(dir);
}

/* The preset's run given back as --config: CloudSim's experiment again,
 * its quirks and hosts included. */
Test(cons_cli, preset_round_trips, .timeout = 120)
{
    char *dir = test_tmpdir("cons");
    char out1[512], out2[512];
    snprintf(out1, sizeof out1, "%s/a", dir);
    snprintf(out2, sizeof out2, "%s/b", dir);
    struct cmd_result r;
    RUN(&r, "run", "--preset", "cloudsim-planetlab", "--trace", DAY, "--consolidate", "mad",
        "--safety", "2", "--select", "rs", "--seed", "3", "--quirks", "all,-lr_unweighted",
        "--hosts", "1000", "--out", out1, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    json_t *s = config_of(out1);
    const json_t *cfg = json_object_get(s, "config");
    cr_expect_str_eq(CFG_STR(cfg, "preset"), "cloudsim-planetlab");
    cr_expect_str_eq(CFG_STR(cfg, "consolidate"), "mad");
    cr_expect_eq(CFG_NUM(cfg, "safety"), 2);
    cr_expect_str_eq(CFG_STR(cfg, "select"), "rs");
    cr_expect_str_eq(CFG_STR(cfg, "quirks"), "all,-lr_unweighted");
    cr_expect_eq(CFG_NUM(cfg, "hosts"), 1000);
    cr_expect_str_eq(CFG_STR(cfg, "migration"), "cloudsim");
    json_decref(s);
    const char *files[] = {"hosts.csv"};
    same_run_from_its_summary(out1, out2, files, 1);
    test_remove_tree(dir);
    free(dir);
}

Test(cons_cli, same_seed_same_bytes_both_models, .timeout = 120)
{
    char *dir = test_tmpdir("cons");
    small_day(dir);
    char day[512], hosts[512];
    snprintf(day, sizeof day, "%s/day", dir);
    snprintf(hosts, sizeof hosts, "%s/hosts.json", dir);
    const char *models[] = {"fluid", "discrete"};
    for (int m = 0; m < 2; m++) {
        char *text[3] = {0};
        for (int k = 0; k < 3; k++) {
            char out[600];
            snprintf(out, sizeof out, "%s/%s%d", dir, models[m], k);
            struct cmd_result r;
            RUN(&r, "run", "--trace", day, "--planetlab-vm-types", "cloudsim", "--platform", hosts,
                "--model", models[m], "--consolidate", "thr:0.6", "--select", "rs", "--seed",
                k == 2 ? "8" : "7", "--out", out, "--quiet");
            cr_assert_eq(r.status, 0, "%s", r.err);
            cmd_result_free(&r);
            char *t = test_slurp_in(out, "timeline.csv"), *h = test_slurp_in(out, "hosts.csv");
            size_t n = strlen(t) + strlen(h) + 2;
            text[k] = xmalloc(n);
            snprintf(text[k], n, "%s\n%s", t, h);
            free(t);
            free(h);
        }
        cr_expect_str_eq(text[0], text[1], "%s: seed 7 twice", models[m]);
        cr_expect(strcmp(text[0], text[2]) != 0, "%s: seed 8 draws other VMs", models[m]);
        for (int k = 0; k < 3; k++)
            free(text[k]);
    }
    test_remove_tree(dir);
    free(dir);
}

Test(cons_cli, out_files_of_a_consolidating_run, .timeout = 60)
{
    char *dir = test_tmpdir("cons");
    small_day(dir);
    char day[512], hosts[512], out[512];
    snprintf(day, sizeof day, "%s/day", dir);
    snprintf(hosts, sizeof hosts, "%s/hosts.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    struct cmd_result r;
    RUN(&r, "run", "--trace", day, "--planetlab-vm-types", "cloudsim", "--platform", hosts,
        "--model", "fluid", "--consolidate", "thr:0.6", "--sample", "300", "--out", out,
        "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *s = json_loads(r.out, 0, NULL);
    cmd_result_free(&r);
    /* hosts.csv: one row per host, and its energies add up to the summary's */
    char *h = test_slurp_in(out, "hosts.csv");
    cr_assert(strncmp(h, "host,power_model,cores,speed,energy_kwh,on_seconds,shutdowns,"
                         "migrations_in,migrations_out\n", 88) == 0, "%s", h);
    double sum = 0;
    int rows = 0;
    long in = 0, outm = 0;
    for (char *line = strchr(h, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        int host, cores;
        char power[64];
        double speed, kwh, on;
        long shut, mi, mo;
        cr_assert_eq(sscanf(line, "%d,%63[^,],%d,%lf,%lf,%lf,%ld,%ld,%ld", &host, power, &cores,
                            &speed, &kwh, &on, &shut, &mi, &mo), 9, "%s", line);
        cr_expect_str_eq(power, host % 2 ? "hp-proliant-ml110-g5" : "hp-proliant-ml110-g4");
        cr_expect_eq(speed, host % 2 ? 2.66 : 1.86);
        sum += kwh;
        in += mi;
        outm += mo;
        rows++;
    }
    cr_expect_eq(rows, 6);
    cr_expect(fabs(sum - num(s, NULL, "energy_kwh")) < 1e-6, "%g against %g", sum,
              num(s, NULL, "energy_kwh"));
    cr_expect_eq(in, (long)num(s, "migrations", "count"));
    cr_expect_eq(outm, in);
    free(h);
    /* timeline.csv: the hosts' last energies add up too, and the power of
     * each 300-s sample, read as the meter reads it, integrates to them */
    char *t = test_slurp_in(out, "timeline.csv");
    cr_expect(strstr(t, ",power_w,energy_kwh\n") != NULL);
    double last[6] = {0}, integral = 0;
    for (char *line = strchr(t, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        double time, w, kwh;
        int host;
        cr_assert_eq(sscanf(line, "%lf,%d,%*f,%*d,%*d,%*d,%*f,%*f,%*f,%*f,%lf,%lf", &time, &host,
                            &w, &kwh), 4, "%s", line);
        cr_assert(host >= 0 && host < 6);
        last[host] = kwh;
        integral += w * 300 / 3.6e6;
    }
    double ends = 0;
    for (int i = 0; i < 6; i++)
        ends += last[i];
    cr_expect(fabs(ends - num(s, NULL, "energy_kwh")) < 1e-6, "%g against %g", ends,
              num(s, NULL, "energy_kwh"));
    cr_expect(fabs(integral - ends) < 1e-6 * ends, "sum of power x 300 s %.9f kWh, metered %.9f",
              integral, ends);
    free(t);
    cr_expect(test_exists(out, "timeline.png") || test_exists(out, "timeline.gp"));
    json_decref(s);
    test_remove_tree(dir);
    free(dir);
}

/* ------------------------------------------------------------- errors */

struct bad_case {
    const char *args[12];
    const char *msg;
};

Test(cons_cli, bad_options_exit_2_naming_them, .timeout = 60)
{
    char *dir = test_tmpdir("cons");
    small_day(dir);
    char day[512], hosts[512], half[600];
    snprintf(day, sizeof day, "%s/day", dir);
    snprintf(hosts, sizeof hosts, "%s/hosts.json", dir);
    snprintf(half, sizeof half, "%s/half.json", dir);
    FILE *f = fopen(half, "w");
    fputs("{\"hosts\": [{\"cores\": 2, \"power\": \"hp-proliant-ml110-g4\"}, {\"cores\": 2}]}\n",
          f);
    fclose(f);
    const struct bad_case cases[] = {
        {{"--consolidate", "foo"}, "--consolidate: unknown overload detector 'foo' (one of: "
                                   "none, thr, iqr, mad, lr, lrr)"},
        {{"--consolidate", "thr:1.5"}, "--consolidate thr:1.5 (threshold): 1.5 is out of range"},
        {{"--consolidate", "lr:x=1"}, "--consolidate lr:x=1: 'lr' has no knob 'x'"},
        {{"--consolidate", "lr", "--safety", "-1"}, "--safety: -1 is out of range"},
        {{"--consolidate", "lr", "--interval", "0"}, "--interval: 0 must be > 0"},
        {{"--select", "best"}, "--select: unknown VM selection policy 'best' (one of: mmt, mu, "
                               "mc, rs)"},
        {{"--select", "mmt:1"}, "--select mmt:1: 'mmt' takes no value"},
        {{"--consolidate-place", "random"}, "--consolidate-place: unknown consolidation "
                                            "placement 'random'"},
        {{"--migration", "teleport"}, "--migration: unknown migration model 'teleport' (one "
                                      "of: precopy, cloudsim)"},
        {{"--migration", "precopy:0"}, "--migration precopy:0 (migration-link-share): 0 is out "
                                       "of range"},
        {{"--precopy-rounds", "0"}, "--precopy-rounds: 0 is out of range"},
        {{"--power-aware", "maybe"}, "--power-aware: 'maybe' is not yes or no"},
        {{"--quirks", "bogus"}, "--quirks: unknown switch 'bogus'"},
        {{"--quirks", "remove_zero_demand_vms"}, "--quirks remove_zero_demand_vms: the data "
                                                 "centre's switches"},
        {{"--preset", "cloudsim"}, "--preset: 'cloudsim' is not one of none|cloudsim-planetlab"},
        {{"--preset", "cloudsim-planetlab"}, "--preset cloudsim-planetlab needs --trace DIR"},
        {{"--preset", "cloudsim-planetlab", "--trace", DAY, "--cores", "4"},
         "--cores does not apply with --preset cloudsim-planetlab"},
        {{"--preset", "cloudsim-planetlab", "--trace", DAY, "--consolidate", "thr",
          "--power-aware", "no"}, "--power-aware no is CloudSim's non-power-aware baseline"},
        {{"--trace", day, "--cores", "2", "--consolidate", "thr"},
         "--consolidate-place pabfd places by power"},
        {{"--trace", day, "--platform", half}, "key 'power' is given for 1 of the 2 rows"},
        {{"--planetlab-vm-types", "big"}, "--planetlab-vm-types: 'big' is not one of "
                                          "none|cloudsim"},
        {{"--consolidate", "thr", "--threshold", "2"}, "--threshold: 2 is out of range"},
        {{"--consolidate", "iqr", "--fallback-threshold", "1.5"},
         "--fallback-threshold: 1.5 is out of range"},
        {{"--consolidate", "mad", "--min-history", "0"}, "--min-history: 0 is out of range"},
        {{"--consolidate", "lr", "--lr-window", "2"}, "--lr-window: 2 is out of range"},
        {{"--consolidate", "lr", "--interval", "5x"}, "--interval: '5x' is not a duration"},
        {{"--migration", "cloudsim", "--migration-src-share", "1.5"},
         "--migration-src-share: 1.5 is out of range"},
        {{"--migration-dst-share", "2"}, "--migration-dst-share: 2 is out of range"},
        {{"--migration-cpu", "-1"}, "--migration-cpu: -1 is out of range"},
        {{"--migration-parallel", "-1"}, "--migration-parallel: -1 is out of range"},
        {{"--precopy-stop-mb", "-1"}, "--precopy-stop-mb: -1 is out of range"},
        {{"--precopy-max-factor", "0"}, "--precopy-max-factor: 0 is out of range"},
        {{"--preset", "cloudsim-planetlab", "--trace", DAY, "--hosts", "0"},
         "--hosts: 0 is out of range"},
        {{"--preset", "cloudsim-planetlab", "--trace", DAY, "--model", "fluid"},
         "--model does not apply with --preset cloudsim-planetlab"},
        {{"--preset", "cloudsim-planetlab", "--trace", DAY, "--hosts", "10"},
         "fits no host at the start"},
        {{"--preset", "cloudsim-planetlab", "--trace", DAY, "--migration-parallel", "2"},
         "--migration-parallel does not apply with --preset cloudsim-planetlab"},
        {{"--preset", "cloudsim-planetlab", "--trace", DAY, "--migration", "precopy",
          "--migration-cpu", "1"}, "--migration-cpu does not apply with --preset"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[16] = {"run"};
        size_t n = 1;
        bool has_trace = false;
        for (size_t k = 0; cases[i].args[k]; k++) {
            has_trace |= strcmp(cases[i].args[k], "--trace") == 0;
            args[n++] = cases[i].args[k];
        }
        if (!has_trace && strcmp(cases[i].args[0], "--preset") != 0) {
            args[n++] = "--generate";
            args[n++] = "n=3";
        }
        args[n] = NULL;
        struct cmd_result r;
        run_hvsim(&r, args);
        cr_expect_eq(r.status, 2, "case %zu (%s): status %d, %s", i, cases[i].args[0], r.status,
                     r.err);
        cr_expect(strstr(r.err, cases[i].msg) != NULL, "case %zu: want '%s', got: %s", i,
                  cases[i].msg, r.err);
        cr_expect_str_eq(r.out, "", "nothing on stdout");
        cmd_result_free(&r);
    }
    (void)hosts;
    test_remove_tree(dir);
    free(dir);
}

/* The manager places and moves VMs within --overcommit's vCPU slots:
 * twelve 1-vCPU VMs on six 2-core hosts at --overcommit 1 fill every slot,
 * so each is admitted at once (none waits) and no host ever runs more
 * than two.  (The manager once saw only CPU and memory: it chose full
 * hosts, and the VMs waited for admission for weeks.) */
Test(cons_cli, consolidation_keeps_the_overcommit_limit, .timeout = 60)
{
    char *dir = test_tmpdir("cons");
    small_day(dir);
    char day[512], hosts[512], out[512];
    snprintf(day, sizeof day, "%s/day", dir);
    snprintf(hosts, sizeof hosts, "%s/hosts.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    const char *places[] = {"pabfd", "first-fit", "most-free"};
    for (size_t p = 0; p < 3; p++) {
        struct cmd_result r;
        RUN(&r, "run", "--trace", day, "--platform", hosts, "--overcommit", "1", "--model",
            "fluid", "--consolidate", "thr:0.3", "--consolidate-place", places[p], "--sample",
            "300", "--out", out, "--json", "--quiet");
        cr_assert_eq(r.status, 0, "%s", r.err);
        json_t *s = json_loads(r.out, 0, NULL);
        cmd_result_free(&r);
        cr_assert_not_null(s);
        cr_expect_eq(num(s, "jobs", "completed"), 12, "%s", places[p]);
        cr_expect_eq(num(s, "waiting", "mean"), 0, "%s: a VM waited for a slot", places[p]);
        char *t = test_slurp_in(out, "timeline.csv");
        for (char *line = strchr(t, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
            double time;
            int host, runnable;
            cr_assert_eq(sscanf(line, "%lf,%d,%*f,%d", &time, &host, &runnable), 3, "%s", line);
            cr_expect_leq(runnable, 2, "%s: host %d runs %d vCPUs at %g s", places[p], host,
                          runnable, time);
        }
        free(t);
        json_decref(s);
        test_remove_tree(out);
    }
    test_remove_tree(dir);
    free(dir);
}

/* Consolidation on hosts without power tables (placed first-fit, as
 * pabfd needs the tables): nothing is metered, the manager still moves
 * VMs.  (The manager once read the power of every host: a crash.) */
Test(cons_cli, consolidation_without_power_tables, .timeout = 60)
{
    char *dir = test_tmpdir("cons");
    small_day(dir);
    char day[512];
    snprintf(day, sizeof day, "%s/day", dir);
    struct cmd_result r;
    RUN(&r, "run", "--trace", day, "--hosts", "6", "--cores", "2", "--overcommit", "2",
        "--consolidate", "thr:0.3", "--consolidate-place", "first-fit", "--json", "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *s = json_loads(r.out, 0, NULL);
    cmd_result_free(&r);
    cr_assert_not_null(s);
    cr_expect(json_is_null(json_object_get(s, "energy_kwh")), "not metered");
    cr_expect_gt(num(s, "migrations", "count"), 0);
    cr_expect_eq(num(s, "jobs", "completed"), 12);
    /* the two-hour day, not a VM held back at admission */
    cr_expect_lt(num(s, NULL, "makespan"), 7260, "%g s", num(s, NULL, "makespan"));
    json_decref(s);
    test_remove_tree(dir);
    free(dir);
}

/* A VM faster than the reference core keeps its series' clock in the VM
 * model: one 2,500-MIPS VM at 80% for an hour, alone on a 2,660-MIPS
 * core, does each interval's work within it and ends with its series at
 * 3,600 s, as the fluid does.  (Bursts were once laid out as if they took
 * their reference length: 2 reference seconds per second, so it ended at
 * 7,200 s, idle in between for want of its next burst.) */
Test(cons_cli, a_fast_vm_keeps_its_series_clock, .timeout = 60)
{
    char *dir = test_tmpdir("cons");
    char path[600];
    snprintf(path, sizeof path, "mkdir -p '%s/day'", dir);
    cr_assert_eq(system(path), 0);
    snprintf(path, sizeof path, "%s/day/vm", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    for (int k = 0; k < 12; k++)
        fputs("80\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/host.json", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"hosts\": [{\"cores\": 1, \"speed\": 2.66}]}\n", f);
    fclose(f);
    char day[600];
    snprintf(day, sizeof day, "%s/day", dir);
    const char *models[] = {"fluid", "discrete"};
    for (int m = 0; m < 2; m++) {
        struct cmd_result r;
        RUN(&r, "run", "--trace", day, "--planetlab-vm-types", "cloudsim", "--platform", path,
            "--model", models[m], "--sched", "rr", "--json", "--quiet");
        cr_assert_eq(r.status, 0, "%s", r.err);
        json_t *s = json_loads(r.out, 0, NULL);
        cmd_result_free(&r);
        cr_assert_not_null(s);
        double makespan = num(s, NULL, "makespan");
        cr_expect(makespan > 3599 && makespan <= 3600 + 1e-6, "%s: ends at %.3f s", models[m],
                  makespan);
        /* busy 0.8 x 2.5 / 2.66 of the hour */
        cr_expect(fabs(num(s, NULL, "utilization") - 0.8 * 2.5 / 2.66) < 1e-3, "%s: %.6f",
                  models[m], num(s, NULL, "utilization"));
        json_decref(s);
    }
    test_remove_tree(dir);
    free(dir);
}
