/*
 * tests/test_cli.c - the command line as a user meets it: exit status,
 * messages naming the option and value, nothing on stdout on error,
 * determinism of the JSON, the config file and its precedence.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "allocators/alloc.h"
#include "allocators/place.h"
#include "cli/commands.h"
#include "report/report.h"
#include "schedulers/sched.h"
#include "tests/helpers.h"

Test(cli, version_and_help)
{
    struct cmd_result r;
    RUN(&r, "--version");
    cr_expect_eq(r.status, 0);
    cr_expect(strncmp(r.out, "hvsim ", 6) == 0, "%s", r.out);
    cmd_result_free(&r);
    RUN(&r, "--help");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "run [options]") != NULL);
    cmd_result_free(&r);
    RUN(&r, "run", "--help");
    cr_expect_eq(r.status, 0);
    const char *opts[] = {"--trace", "--generate", "--sched", "--quantum", "--cores", "--hw",
                          "--seed", "--reps", "--warmup", "--out", "--json", "--config"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        cr_expect(strstr(r.out, opts[i]) != NULL, "run --help lacks %s", opts[i]);
    cmd_result_free(&r);
    RUN(&r, "frobnicate");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "frobnicate") != NULL);
    cmd_result_free(&r);
}

struct bad_case {
    const char *args[8];
    const char *expect;   /* in the message */
};

Test(cli, bad_options_exit_2_naming_them)
{
    static const struct bad_case cases[] = {
        {{"--cores", "0"}, "cores: 0 is out of range"},
        {{"--cores", "abc"}, "cores: 'abc' is not an integer"},
        {{"--cores", "2.5"}, "cores: '2.5' is not an integer"},
        {{"--hosts", "-1"}, "hosts"},
        {{"--quantum", "-1"}, "quantum: '-1' is not a duration"},
        {{"--quantum", "5xs"}, "quantum: '5xs' is not a duration"},
        {{"--quantum", "0"}, "quantum: 0 must be > 0"},
        {{"--sample", "0s"}, "sample"},
        {{"--reps", "0"}, "reps"},
        {{"--limit", "0"}, "limit"},
        {{"--scale-arrivals", "0"}, "scale-arrivals"},
        {{"--start", "5", "--end", "3"}, "--start 5 must be before --end 3"},
        {{"--sched", "nope"}, "unknown scheduler 'nope'"},
        {{"--hw", "nope"}, "nope"},
        {{"--clairvoyant", "maybe"}, "clairvoyant: 'maybe' is not yes or no"},
        {{"--admission", "drop"}, "admission: 'drop' is not one of queue|reject"},
        {{"--generate", "n=0"}, "n=0"},
        {{"--generate", "n=10,interarrival=exp:-1"}, "interarrival"},
        {{"--generate", "n=10,bogus=1"}, "unknown key 'bogus'"},
        {{"--frob"}, "unknown option '--frob'"},
        {{"--cores"}, "--cores needs a value"},
        {{"--json=yes"}, "--json takes no value"},
        {{"stray"}, "unexpected argument 'stray'"},
        {{"--trace", "x.csv", "--generate", "n=1"}, "exclude each other"},
        {{"--seed", "1e30"}, "seed"},
        {{"--headroom", "0.5"}, "headroom"},
        {{"--share", "half"}, "share: 'half' is not one of requested|equal"},
        {{"--platform", "/nonexistent/p.json"}, "/nonexistent/p.json"},
        {{"--place", "random-fit"}, "unknown placement 'random-fit' (one of: most-free, first-fit, "
                                    "best-fit, worst-fit)"},
        {{"--overcommit", "0"}, "overcommit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[10] = {"run"};
        size_t n = 1;
        for (size_t k = 0; cases[i].args[k]; k++)
            args[n++] = cases[i].args[k];
        args[n] = NULL;
        struct cmd_result r;
        run_hvsim(&r, args);
        cr_expect_eq(r.status, 2, "case %zu (%s): exit %d", i, cases[i].expect, r.status);
        cr_expect_str_empty(r.out, "case %zu: stdout not empty", i);
        cr_expect(strstr(r.err, cases[i].expect) != NULL, "case %zu: stderr '%s' lacks '%s'", i,
                  r.err, cases[i].expect);
        cmd_result_free(&r);
    }
}

static json_t *run_json(const char *seed)
{
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=2000,interarrival=exp:1.25,work=exp:1", "--sched", "rr",
        "--quantum", "100ms", "--seed", seed, "--json", "--reps", "3");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t e;
    json_t *j = json_loads(r.out, 0, &e);
    cr_assert_not_null(j, "stdout is not JSON: %s", e.text);
    cmd_result_free(&r);
    report_strip_wallclock(j);
    return j;
}

Test(cli, same_seed_same_bytes)
{
    json_t *a = run_json("5"), *b = run_json("5"), *c = run_json("6");
    char *sa = json_dumps(a, 0), *sb = json_dumps(b, 0), *sc = json_dumps(c, 0);
    cr_expect_str_eq(sa, sb, "same seed, different output");
    cr_expect_str_neq(sa, sc, "different seeds, same output");
    free(sa);
    free(sb);
    free(sc);
    json_decref(a);
    json_decref(b);
    json_decref(c);
}

Test(cli, summary_has_contract_keys)
{
    json_t *j = run_json("1");
    const char *top[] = {"schema", "version", "config", "seed", "reps", "jobs", "turnaround",
                         "waiting", "response", "slowdown", "throughput", "makespan",
                         "utilization", "fairness_jain", "overhead", "engine"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        cr_expect_not_null(json_object_get(j, top[i]), "missing key %s", top[i]);
    json_t *t = json_object_get(j, "turnaround");
    const char *tk[] = {"mean", "p50", "p95", "p99", "max", "ci95"};
    for (size_t i = 0; i < 6; i++)
        cr_expect(json_is_number(json_object_get(t, tk[i])) ||
                      json_is_array(json_object_get(t, tk[i])), "turnaround.%s", tk[i]);
    json_t *ci = json_object_get(t, "ci95");
    cr_expect(json_is_array(ci) && json_array_size(ci) == 2);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "jobs"), "completed")),
                 2000);
    cr_expect_not_null(json_object_get(json_object_get(j, "engine"), "peak_pending"));
    json_decref(j);
}

Test(cli, config_file_and_flags_override)
{
    char *cfg = write_temp(".json", "{\"sched\": \"rr\", \"quantum\": \"4s\", \"cores\": 1,\n"
                                    " \"generate\": \"n=50,interarrival=exp:2,work=exp:1\",\n"
                                    " \"json\": true}\n");
    struct cmd_result r;
    RUN(&r, "run", "--config", cfg, "--quantum", "2");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    json_t *c = json_object_get(j, "config");
    cr_expect_str_eq(json_string_value(json_object_get(c, "sched")), "rr");
    cr_expect_float_eq(json_number_value(json_object_get(c, "quantum")), 2.0, 1e-12);
    json_decref(j);
    cmd_result_free(&r);
    unlink(cfg);
    free(cfg);
}

Test(cli, config_errors_name_the_key)
{
    const char *cases[][2] = {
        {"{\"cores\": \"many\"}", "key 'cores' must be a number"},
        {"{\"bogus\": 1}", "unknown key 'bogus'"},
        {"{\"cores\": 2, \"cores\": 3}", "duplicate"},
        {"{\"json\": \"yes\"}", "'json' must be true or false"},
        {"{\"sched\": [1]}", "key 'sched' must be a string"},
        {"[1, 2]", "must be a JSON object"},
        {"{\"cores\": 2,", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *cfg = write_temp(".json", cases[i][0]);
        struct cmd_result r;
        RUN(&r, "run", "--config", cfg);
        cr_expect_eq(r.status, 2, "case %zu: exit %d", i, r.status);
        cr_expect(strstr(r.err, cfg) != NULL, "case %zu: '%s' does not name the file", i, r.err);
        cr_expect(strstr(r.err, cases[i][1]) != NULL, "case %zu: '%s' lacks '%s'", i, r.err,
                  cases[i][1]);
        cmd_result_free(&r);
        unlink(cfg);
        free(cfg);
    }
    struct cmd_result r;
    RUN(&r, "run", "--config", "/nonexistent/hvsim.json");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "/nonexistent/hvsim.json") != NULL);
    cmd_result_free(&r);
}

Test(cli, bad_input_creates_nothing_in_out)
{
    char *dir = test_tmpdir("out");
    char out[300];
    snprintf(out, sizeof out, "%s/results", dir);
    struct cmd_result r;
    RUN(&r, "run", "--out", out, "--generate", "n=10,work=exp:-1");
    cr_expect_eq(r.status, 2);
    struct stat st;
    cr_expect_neq(stat(out, &st), 0, "%s was created on bad input", out);
    cmd_result_free(&r);
    RUN(&r, "run", "--out", out, "--generate", "n=10", "--quiet");
    cr_expect_eq(r.status, 0, "%s", r.err);
    const char *files[] = {"summary.json", "jobs.csv", "timeline.csv"};
    for (int i = 0; i < 3; i++) {
        char p[400];
        snprintf(p, sizeof p, "%s/%s", out, files[i]);
        cr_expect_eq(stat(p, &st), 0, "%s missing", p);
        unlink(p);
    }
    cmd_result_free(&r);
    rmdir(out);
    test_remove_tree(dir);
    free(dir);
}

Test(cli, unwritable_out_exits_1)
{
    struct cmd_result r;
    RUN(&r, "run", "--out", "/proc/hvsim-cannot-exist", "--generate", "n=5");
    cr_expect_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_expect(strstr(r.err, "/proc/hvsim-cannot-exist") != NULL);
    cmd_result_free(&r);
}

/* --platform: hosts of different hardware.  Two 1-core hosts of 1000 MB,
 * ideal and skylake-sp; two 800 MB guests of 1 s at 0 go one to each
 * (first fit): the one on skylake-sp pays exits, walks and a switch, so
 * the makespan exceeds 1 s and the overhead is not zero. */
Test(cli, platform_file_hosts_of_different_hardware)
{
    char *pf = write_temp(".json", "{\"hosts\": [{\"cores\": 1, \"mem_mb\": 1000, \"hw\": \"none\"},"
                                   " {\"cores\": 1, \"mem_mb\": 1000, \"hw\": \"skylake-sp\"}]}");
    struct cmd_result r;
    RUN(&r, "run", "--platform", pf, "--generate", "n=2,interarrival=det:0,work=det:1,mem_mb=800",
        "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    double makespan = json_number_value(json_object_get(j, "makespan"));
    json_t *o = json_object_get(j, "overhead");
    cr_expect_gt(makespan, 1.0, "makespan %g", makespan);
    cr_expect_lt(makespan, 1.1, "makespan %g", makespan);
    cr_expect_gt(json_number_value(json_object_get(o, "walk_seconds")), 0);
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "jobs"), "completed")), 2);
    json_decref(j);
    cmd_result_free(&r);

    const char *bad[][2] = {
        {"{\"hosts\": [{\"cores\": 2, \"bogus\": 1}]}", "unknown key 'bogus'"},
        {"{\"hosts\": [{\"mem_mb\": 10}]}", "key 'cores' is required"},
        {"{\"hosts\": [{\"cores\": 0}]}", "key 'cores' must be an integer"},
        {"{\"hosts\": [{\"cores\": 2, \"mem_mb\": -1}]}", "key 'mem_mb' must be a number"},
        {"{\"hosts\": [{\"cores\": 2, \"hw\": \"nope\"}]}", "nope"},
        {"{\"hosts\": []}", "at least one host"},
        {"{\"hosts\": [{\"cores\": 2, \"cores\": 3}]}", "duplicate"},
        {"{\"hosts\": [{\"cores\": 2, \"affinity\": [1]}]}", "key 'affinity' must be an object"},
        {"{\"hosts\": [{\"cores\": 2, \"affinity\": {\"nope\": \"0\"}}]}",
         "unknown workload class 'nope'"},
        {"{\"hosts\": [{\"cores\": 2, \"affinity\": {\"io-bound\": 0}}]}",
         "must be a cpuset string"},
        {"{\"hosts\": [{\"cores\": 2, \"affinity\": {\"io-bound\": \"0-x\"}}]}",
         "bad range at 'x'"},
        {"{\"hosts\": [{\"cores\": 2, \"affinity\": {\"io-bound\": \"2-3\"}}]}",
         "names none of its 2 cores (0-1)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *b = write_temp(".json", bad[i][0]);
        RUN(&r, "run", "--platform", b);
        cr_expect_eq(r.status, 2, "case %zu: exit %d", i, r.status);
        cr_expect(strstr(r.err, bad[i][1]) != NULL, "case %zu: '%s' lacks '%s'", i, r.err,
                  bad[i][1]);
        cmd_result_free(&r);
        unlink(b);
        free(b);
    }
    RUN(&r, "run", "--platform", pf, "--cores", "4");
    cr_expect_eq(r.status, 2);
    cmd_result_free(&r);
    unlink(pf);
    free(pf);
}

/* timeline.csv stays readable whatever the run's length: without
 * --sample the interval starts at 1 s and doubles as samples are merged,
 * leaving 1,024 to 2,048 rows per host; with --sample it is exact.  The
 * merged utilisation still averages to the run's (time-weighted). */
static long count_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    long n = 0;
    int c;
    while ((c = fgetc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

Test(cli, timeline_adaptive_and_fixed, .timeout = 60)
{
    char *dir = test_tmpdir("tl");
    char out[300], csv[400];
    snprintf(out, sizeof out, "%s/a", dir);
    struct cmd_result r;
    /* about 12,500 s of simulated time at 1 s: merged three times */
    RUN(&r, "run", "--generate", "n=10000,interarrival=exp:1.25,work=exp:1", "--hosts", "2",
        "--out", out, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    snprintf(csv, sizeof csv, "%s/timeline.csv", out);
    long rows = count_lines(csv) - 1;
    cr_expect(rows >= 2 * 1024 && rows <= 2 * 2048, "%ld rows for 2 hosts", rows);
    snprintf(out, sizeof out, "%s/b", dir);
    RUN(&r, "run", "--generate", "n=100,interarrival=det:1,work=det:0.5", "--sample", "10s",
        "--out", out, "--quiet");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    snprintf(csv, sizeof csv, "%s/timeline.csv", out);
    /* arrivals at 1..100, the last leaves at 100.5: samples at 10, .., 100,
     * and 110, the first that finds the system empty */
    cr_expect_eq(count_lines(csv) - 1, 11);
    test_remove_tree(dir);
    free(dir);
}

/* run on a bad trace: exit 2 with the first error and its location, and
 * nothing created in --out (issue: a half-run leaves no results). */
Test(cli, run_bad_trace_exits_2_and_writes_nothing)
{
    const char *cases[][2] = {
        {"arrival,work\n0,1\n1,abc\n", ":3"},
        {"arrival,work,class\n0,1,nope\n", ":2: unknown workload class 'nope'"},
        {"arrival,work\n5,1\n3,1\n", ":3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *tr = write_temp(".csv", cases[i][0]);
        char *dir = test_tmpdir("bad");
        char out[300];
        snprintf(out, sizeof out, "%s/out", dir);
        struct cmd_result r;
        RUN(&r, "run", "--trace", tr, "--out", out);
        cr_expect_eq(r.status, 2, "case %zu: exit %d", i, r.status);
        cr_expect(strstr(r.err, tr) && strstr(r.err, cases[i][1]), "case %zu: '%s'", i, r.err);
        cr_expect_str_empty(r.out);
        struct stat st;
        cr_expect_neq(stat(out, &st), 0, "case %zu: %s created", i, out);
        cmd_result_free(&r);
        test_remove_tree(dir);
        free(dir);
        unlink(tr);
        free(tr);
    }
}

/* One set of rules for every command: a value may not be the next option,
 * --opt=value works everywhere, and an unknown option names the command. */
Test(cli, one_parser_for_every_command)
{
    static const struct {
        const char *args[6];
        const char *want;
    } cases[] = {
        {{"run", "--sched", "--quiet"}, "--sched needs a value (NAME|PATH.so); '--quiet' is an option"},
        {{"run", "--quantum"}, "--quantum needs a value (DUR)"},
        {{"check", "--format", "--cores", "x.swf"}, "--format needs a value"},
        {{"explain", "--hw"}, "--hw needs a value"},
        {{"compare", "--metric", "--csv", "a"}, "--metric needs a value"},
        {{"compare", "--bogus", "a"}, "unknown option '--bogus' (see hvsim compare --help)"},
        {{"list", "extra"}, "unexpected argument 'extra'"},
        {{"check"}, "check needs a PATH"},
        {{"check", "a.swf", "b.swf"}, "check takes a PATH ('b.swf' is one too many)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cmd_result r;
        run_hvsim(&r, cases[i].args);
        cr_expect_eq(r.status, 2, "case %zu: exit %d", i, r.status);
        cr_expect(strstr(r.err, cases[i].want) != NULL, "case %zu: '%s' lacks '%s'", i, r.err,
                  cases[i].want);
        cr_expect_str_empty(r.out, "case %zu", i);
        cmd_result_free(&r);
    }
    struct cmd_result r;
    RUN(&r, "explain", "--hw=skylake-sp", "--class=cpu-bound", "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate=n=3", "--sched=rr", "--quantum=5ms", "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_expect_eq(json_real_value(json_object_get(json_object_get(j, "config"), "quantum")), 0.005);
    json_decref(j);
    cmd_result_free(&r);
}

/* --gantt draws every core of the resolved platform: with a --platform of
 * 2 hosts x 2 cores, four rows (it once drew only cpu0, from --cores). */
Test(cli, gantt_rows_from_the_platform_file)
{
    char *pf = write_temp(".json", "{\"hosts\": [{\"count\": 2, \"cores\": 2}]}");
    struct cmd_result r;
    RUN(&r, "run", "--platform", pf, "--generate", "n=8,interarrival=det:0,work=det:1",
        "--place", "worst-fit", "--gantt");
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *rows[] = {"h0/cpu0 ", "h0/cpu1 ", "h1/cpu0 ", "h1/cpu1 "};
    for (int i = 0; i < 4; i++)
        cr_expect(strstr(r.out, rows[i]) != NULL, "no row %s in\n%s", rows[i], r.out);
    cr_expect(strstr(r.out, "h2/") == NULL);
    cmd_result_free(&r);
    unlink(pf);
    free(pf);
}

/* Policy knobs are generated: an option of another policy is checked by
 * its rule, then noted as ignored; the config echo has the chosen
 * policy's knobs only. */
Test(cli, knobs_of_the_chosen_policy_only)
{
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=5", "--sched", "fcfs", "--quantum", "5ms", "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "--quantum applies to --sched rr, minlat; ignored with --sched fcfs")
              != NULL, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    json_t *cfg = json_object_get(j, "config");
    cr_expect_null(json_object_get(cfg, "quantum"));
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "share")), "requested");
    cr_expect_null(json_object_get(cfg, "interval"), "a knob of demand with --alloc static");
    json_decref(j);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=5", "--sched", "fcfs", "--quantum", "-3", "--json");
    cr_expect_eq(r.status, 2, "a bad --quantum is refused even where it is ignored");
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=5", "--sched", "sjf", "--json");
    cr_expect_eq(r.status, 0, "%s", r.err);
    j = json_loads(r.out, 0, NULL);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j, "config"), "sched")),
                     "maxtput", "an alias resolves to its policy's name");
    json_decref(j);
    cmd_result_free(&r);
}

/* s with every '-' as roff writes it, "\\-". */
static void roff_minus(const char *s, char *out, size_t len)
{
    size_t k = 0;
    for (; *s && k + 3 < len; s++) {
        if (*s == '-')
            out[k++] = '\\';
        out[k++] = *s;
    }
    out[k] = '\0';
}

/* The man page is generated (`hvsim --man`, written by make to
 * docs/hvsim.1): the file in the tree is what the binary prints, and it
 * has every option of every command, every built-in policy with its
 * knobs, every trace format, every column of jobs.csv and every key of a
 * summary, so it cannot drift from --help. */
Test(cli, man_page_is_generated_and_complete)
{
    struct cmd_result r;
    RUN(&r, "--man");
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *file = test_slurp("docs/hvsim.1", NULL);
    cr_expect_str_eq(r.out, file, "docs/hvsim.1 is stale: run make");
    free(file);
    const struct param_def *tables[] = {cmd_run_options(), cmd_check_options(),
                                        cmd_list_options(), cmd_compare_options(),
                                        cmd_explain_options()};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; tables[t][i].name; i++) {
            char opt[80], roffed[160];
            snprintf(opt, sizeof opt, "--%s", tables[t][i].name);
            roff_minus(opt, roffed, sizeof roffed);
            cr_expect(strstr(r.out, roffed) != NULL, "no %s in the man page", roffed);
        }
    struct registry *fams[] = {&sched_registry, &alloc_registry, &place_registry,
                               &trace_fmt_registry};
    for (size_t f = 0; f < 4; f++)
        for (size_t i = 0; i < fams[f]->nbuiltin; i++) {
            char name[96], line[200];
            roff_minus(registry_at(fams[f], i)->name, name, sizeof name);
            snprintf(line, sizeof line, "\n.B %s\n", name);
            cr_expect(strstr(r.out, line) != NULL, "no entry %s", line + 1);
        }
    static const char *const sections[] = {".SH SYNOPSIS", ".SH COMMANDS", ".SH POLICIES",
                                           ".SH TRACE FORMATS", ".SH OUTPUT", ".SH EXIT STATUS",
                                           ".SH ENVIRONMENT", ".SH EXAMPLES", ".B deadline_missed",
                                           ".B by_priority", ".B slowdown.mean",
                                           ".B replications", ".SS Native columns"};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        cr_expect(strstr(r.out, sections[i]) != NULL, "no %s", sections[i]);
    cmd_result_free(&r);
}

/* A platform file's affinity pins a class to cores: on 4 cores, the two
 * io-bound guests share core 0 (one after the other, 2 s), the cpu-bound
 * ones run on cores 1-3 at once (1 s); a trace's own affinity wins over
 * its class's; an affinity no host has is an error at its line. */
Test(cli, platform_file_class_affinity)
{
    char *pf = write_temp(".json", "{\"hosts\": [{\"cores\": 4, \"affinity\": "
                                   "{\"io-bound\": \"0\", \"cpu-bound\": \"1-3\"}}]}");
    char *tr = write_temp(".csv", "id,arrival,work,class,affinity\n"
                                  "a,0,1,io-bound,\nb,0,1,io-bound,\nc,0,1,cpu-bound,\n"
                                  "d,0,1,cpu-bound,\ne,0,1,io-bound,3\n");
    struct cmd_result r;
    RUN(&r, "run", "--platform", pf, "--trace", tr, "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_float_eq(json_number_value(json_object_get(j, "makespan")), 2.0, 1e-12);
    /* turnarounds 1, 2, 1, 1, 1 (e on core 3 beside c or d: 3 cores, 3 guests) */
    cr_expect_float_eq(json_number_value(json_object_get(json_object_get(j, "turnaround"), "mean")),
                       1.2, 1e-12);
    json_decref(j);
    cmd_result_free(&r);
    char *bad = write_temp(".csv", "id,arrival,work,affinity\na,0,1,0\nb,0,1,4-5\n");
    RUN(&r, "run", "--platform", pf, "--trace", bad);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, ":3: affinity names no core of the smallest host (cores 0-3)") != NULL,
              "%s", r.err);
    cmd_result_free(&r);
    unlink(pf);
    unlink(tr);
    unlink(bad);
    free(pf);
    free(tr);
    free(bad);
}

/* A closed loop cut by --end: one guest on one core thinks 1 s and runs
 * 1 s in turn; cut at 9.5 s it has run [1,2), [3,4), [5,6), [7,8) and
 * half of [9,10): 4 bursts ended, 4.5 s busy.  Rates are over the 9.5 s
 * the run lasted, and the text summary says no guest completed. */
Test(cli, closed_loop_cut_by_end)
{
    struct cmd_result r;
    RUN(&r, "run", "--generate", "n=1,interarrival=det:0,think=det:1,burst=det:1", "--end", "9.5", "--json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j);
    cr_expect_float_eq(json_number_value(json_object_get(j, "makespan")), 9.5, 1e-12);
    cr_expect_float_eq(json_number_value(json_object_get(j, "utilization")), 4.5 / 9.5, 1e-12);
    cr_expect_float_eq(json_number_value(json_object_get(json_object_get(j, "bursts"),
                                                         "completed")), 4, 1e-12);
    cr_expect_float_eq(json_number_value(json_object_get(json_object_get(j, "in_system"),
                                                         "mean")), 1, 1e-12);
    json_decref(j);
    cmd_result_free(&r);
    RUN(&r, "run", "--generate", "n=1,interarrival=det:0,think=det:1,burst=det:1", "--end", "9.5");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "turnaround   none: no guest completed before --end") != NULL, "%s",
              r.out);
    cr_expect(strstr(r.out, "bursts       4, response mean 1 s") != NULL, "%s", r.out);
    cmd_result_free(&r);
}
