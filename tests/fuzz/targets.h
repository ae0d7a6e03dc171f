/*
 * tests/fuzz/targets.h - the inputs that are not traces, fed to the code
 * that reads them: the --config loader, the --generate parser, durations
 * and numbers, --platform files, hardware profiles, and compare's reader
 * of a run directory.  Shared by the libFuzzer targets
 * (tests/fuzz/fuzz_<name>.c) and tests/test_fuzz_regress.c, which replays
 * their corpora, so a saved input runs exactly the code that found it.
 *
 * Beyond "no crash, no sanitizer report, no hang", each target checks a
 * property and abort()s when it breaks: a generated guest keeps trace.h's
 * invariants; a number or duration that was accepted reads back to the
 * same value from the text hvsim prints for it.
 *
 * Data files (profiles, classes) come from $HVSIM_DATA, else ./models:
 * run the targets from the repository (make fuzz does).
 */
#ifndef TESTS_FUZZ_TARGETS_H
#define TESTS_FUZZ_TARGETS_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonfile.h"
#include "base/param.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/platform-file.h"
#include "cli/plugin.h"
#include "models/hw.h"
#include "report/compare.h"
#include "report/plots.h"
#include "tests/fuzz/harness.h"
#include "workloads/fields.h"
#include "workloads/synthetic.h"

static FUZZ_UNUSED const char *fuzz_datadir(void)
{
    const char *d = getenv("HVSIM_DATA");
    return d && *d ? d : "models";
}

/* The input as a NUL-terminated string of at most max bytes (owned). */
static FUZZ_UNUSED char *fuzz_text(const unsigned char *data, size_t n, size_t max)
{
    if (n > max)
        n = max;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

/* --config FILE: load it as `hvsim run` does, then read every key by the
 * table of run's options and of every registered policy. */
static FUZZ_UNUSED void fuzz_config_one(const unsigned char *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/cfg.json", fuzz_dir());
    fuzz_put(path, data, n);
    struct cli_optset known = {0};
    cli_optset_add(&known, cmd_run_options());
    for (size_t f = 0; f < cli_nfamilies; f++)
        for (size_t i = 0; i < registry_count(cli_families[f].registry); i++)
            cli_optset_add(&known, registry_at(cli_families[f].registry, i)->params);
    struct cli_args args;
    struct sim_error err;
    char *argv[] = {"run", NULL};
    if (cli_args_parse(&args, "run", 1, argv, &known, &err) < 0)
        abort();
    struct json_file f;
    char msg[1400];
    if (json_file_load(&f, path, JSON_REJECT_DUPLICATES, &err) == SIM_OK) {
        if (cli_args_load_config(&args, &f, &known, &err) == SIM_OK) {
            const struct param_def *run = cmd_run_options();
            void *o = calloc(1, cmd_run_options_size());
            if (!o || param_defaults(run, o, &err) < 0)
                abort();
            if (cli_args_apply(&args, run, o, &err) < 0)
                sim_error_format(&err, msg, sizeof msg);
            param_free(run, o);
            free(o);
            for (size_t k = 0; k < cli_nfamilies; k++) {
                const struct registry *r = cli_families[k].registry;
                for (size_t i = 0; i < registry_count(r); i++) {
                    const struct policy_info *p = registry_at(r, i);
                    void *conf = calloc(1, p->conf_size ? p->conf_size : 1);
                    if (!conf || param_defaults(p->params, conf, &err) < 0)
                        abort();
                    if (cli_args_apply(&args, p->params, conf, &err) < 0)
                        sim_error_format(&err, msg, sizeof msg);
                    param_free(p->params, conf);
                    free(conf);
                }
            }
        } else {
            sim_error_format(&err, msg, sizeof msg);
        }
        json_file_free(&f);
    }
    cli_args_free(&args);
    cli_optset_free(&known);
    remove(path);
}

/* --generate SPEC: parse it; an accepted spec gives guests that keep
 * trace.h's invariants. */
static FUZZ_UNUSED void fuzz_generate_one(const unsigned char *data, size_t n)
{
    char *text = fuzz_text(data, n, 4096);
    struct synth_spec spec;
    struct sim_error err;
    if (synth_parse(&spec, text, &err) == SIM_OK) {
        char canon[400];
        synth_format(&spec, canon, sizeof canon);
        struct trace_reader r;
        synth_open(&r, &spec, 1, 0, NULL);
        struct trace_record rec;
        trace_record_init(&rec);
        double prev = 0;
        for (int i = 0; i < 64 && trace_next(&r, &rec, &err) == TRACE_RECORD; i++) {
            if (!(rec.work > 0) || rec.vcpus < 1 || rec.vcpus > TRACE_VCPUS_MAX ||
                !(rec.arrival >= prev) || rec.priority != floor(rec.priority))
                abort();
            prev = rec.arrival;
        }
        trace_record_clear(&rec);
        trace_close(&r);
    }
    free(text);
}

/* A value of each numeric kind, as on the command line and in a config. */
struct fuzz_values {
    sim_time_t d, d2;
    long i;
    double x;
};
static FUZZ_UNUSED const struct param_def fuzz_value_defs[] = {
    {"d", PARAM_DURATION, offsetof(struct fuzz_values, d), NULL, 0, SIM_SECONDS_MAX,
     PARAM_MIN_OPEN},
    {"d2", PARAM_DURATION, offsetof(struct fuzz_values, d2), NULL, 0.001, 3600},
    {"i", PARAM_INT, offsetof(struct fuzz_values, i), NULL, 1, 1e15},
    {"x", PARAM_REAL, offsetof(struct fuzz_values, x), NULL, 0, 1e9, PARAM_MIN_OPEN},
    {NULL},
};

/* Durations and numbers: what is accepted prints as text that reads back
 * to the same value (the config echo and --help depend on it). */
static FUZZ_UNUSED void fuzz_duration_one(const unsigned char *data, size_t n)
{
    char *text = fuzz_text(data, n, 256);
    struct sim_error err;
    json_t *js = json_loads(text, JSON_DECODE_ANY, NULL);
    for (size_t k = 0; fuzz_value_defs[k].name; k++) {
        const struct param_def *d = &fuzz_value_defs[k];
        for (int form = 0; form < 2; form++) {
            struct fuzz_values v = {0}, w = {0};
            int rc = form == 0 ? param_set(d, &v, text, "--v", NULL, &err)
                               : js ? param_set_json(d, &v, js, "key 'v'", NULL, &err) : -1;
            if (rc < 0)
                continue;
            char back[128];
            param_format(d, &v, back, sizeof back);
            if (param_set(d, &w, back, "--v", NULL, &err) < 0 || memcmp(&v, &w, sizeof v) != 0)
                abort();   /* printed as text it does not read back */
            json_t *echo = param_to_json(d, &v);
            json_decref(echo);
        }
    }
    json_decref(js);
    sim_time_t t;
    sim_parse_duration(text, &t);
    free(text);
}

/* --platform FILE. */
static FUZZ_UNUSED void fuzz_platform_one(const unsigned char *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/platform.json", fuzz_dir());
    fuzz_put(path, data, n);
    struct platform pf;
    struct sim_error err;
    if (platform_load(&pf, path, "none", fuzz_datadir(), &err) == SIM_OK)
        platform_free(&pf);
    remove(path);
}

/* A hardware profile file (--hw FILE), then everything explain derives
 * from it. */
static FUZZ_UNUSED void fuzz_profile_one(const unsigned char *data, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/profile.json", fuzz_dir());
    fuzz_put(path, data, n);
    struct hw_model *m = NULL;
    struct sim_error err;
    if (hw_model_load(path, fuzz_datadir(), &m, &err) == SIM_OK) {
        FILE *null = fopen("/dev/null", "w");
        if (!null)
            abort();
        hw_explain(null, m, NULL, false, &err);
        hw_explain(null, m, NULL, true, &err);
        fclose(null);
        hw_model_free(m);
    }
    remove(path);
}

/* compare's reader of a run directory: the input is summary.json, then
 * after "\n@@" jobs.csv (absent if there is no "\n@@").  Read as compare
 * reads two runs (the table goes to /dev/null), and jobs.csv as compare
 * reads it for its plots. */
static FUZZ_UNUSED void fuzz_summary_one(const unsigned char *data, size_t n)
{
    static const char *const metrics[] = {"turnaround.mean", "utilization",
                                          "overhead.exits.hlt", "a.b.c.d.e.f"};
    char dir[256], sum[300], jobs[300];
    snprintf(dir, sizeof dir, "%s/run", fuzz_dir());
    mkdir(dir, 0700);
    snprintf(sum, sizeof sum, "%s/summary.json", dir);
    snprintf(jobs, sizeof jobs, "%s/jobs.csv", dir);
    size_t len;
    const unsigned char *rest = fuzz_split(data, n, &len);
    fuzz_put(sum, data, len);
    if (rest)
        fuzz_put(jobs, rest, n - (size_t)(rest - data));
    static FILE *null_out;
    if (!null_out) {
        fflush(stdout);
        null_out = freopen("/dev/null", "w", stdout);   /* the table */
        if (!null_out)
            abort();
    }
    const char *dirs[] = {dir, dir};
    struct compare_options o = {dirs, 2, metrics[n % 4], NULL, n % 3 == 1, n % 3 == 2};
    struct sim_error err;
    compare_runs(&o, &err);
    if (rest) {
        static const char *const cols[] = {"turnaround", "arrival"};
        double *v;
        size_t rows;
        if (plots_csv_read(jobs, cols, 2, &v, &rows, &err) == SIM_OK)
            free(v);
    }
    remove(sum);
    remove(jobs);
    rmdir(dir);
}

/* The targets by name, for the regression replay. */
static FUZZ_UNUSED const struct {
    const char *name;
    void (*one)(const unsigned char *data, size_t n);
} fuzz_targets[] = {
    {"config", fuzz_config_one},     {"generate", fuzz_generate_one},
    {"duration", fuzz_duration_one}, {"platform", fuzz_platform_one},
    {"profile", fuzz_profile_one},   {"summary", fuzz_summary_one},
};

#endif /* TESTS_FUZZ_TARGETS_H */
