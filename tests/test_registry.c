/*
 * tests/test_registry.c - declared parameters (base/param.h) and the one
 * registry mechanism (base/registry.h), and "one file plus one line": a
 * scheduler that lives only in this file, registered at run time, shows
 * in `run --help` and `list --json`, and its knob is parsed, range-checked
 * and echoed by `hvsim run` exactly as a built-in policy's.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>

#include "allocators/alloc.h"
#include "allocators/place.h"
#include "base/param.h"
#include "base/registry.h"
#include "cli/commands.h"
#include "consolidation/cons.h"
#include "schedulers/sched.h"
#include "workloads/trace.h"

/* ---- a policy of the tests only: FCFS that counts its dispatches ---- */

struct testpol_conf {
    long burst;            /* a knob with a range: 1..10 */
    sim_time_t pause;      /* a duration knob */
};

static const struct param_def testpol_params[] = {
    {"test-burst", PARAM_INT, offsetof(struct testpol_conf, burst), "3", 1, 10,
     .metavar = "N", .help = "testpol: a knob declared only in tests/test_registry.c"},
    {"test-pause", PARAM_DURATION, offsetof(struct testpol_conf, pause), "2ms", 0, 1,
     PARAM_MIN_OPEN, .metavar = "DUR", .help = "testpol: a duration knob"},
    {NULL},
};

static const struct sched_ops sched_ops_testpol = {
    .info = {
        .name = "testpol",
        .desc = "a scheduler that lives in tests/ only",
        .aliases = "test-policy",
        .params = testpol_params,
        .conf_size = sizeof(struct testpol_conf),
    },
    .init = sched_fifo_init,
    .fini = sched_fifo_fini,
    .enqueue = sched_fifo_enqueue,
    .pick = sched_fifo_pick,
    .dequeue = sched_fifo_dequeue,
};

static void add_testpol(void)
{
    struct sim_error err;
    cr_assert_eq(registry_add(&sched_registry, &sched_ops_testpol.info, &err), 0, "%s",
                 err.text);
}

/* Run a command in this process; its stdout is captured (redirected). */
static int run_cmd(int (*fn)(int, char **), const char *const *args)
{
    int argc = 0;
    while (args[argc])
        argc++;
    char **argv = calloc((size_t)argc + 1, sizeof *argv);
    for (int i = 0; i < argc; i++)
        argv[i] = strdup(args[i]);
    int rc = fn(argc, argv);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
    fflush(stdout);
    return rc;
}

static char *captured(void)
{
    FILE *f = cr_get_redirected_stdout();
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    return buf;
}

#define CMD(fn, ...) run_cmd((fn), (const char *const[]){__VA_ARGS__, NULL})

Test(registry, test_policy_in_run_help, .init = cr_redirect_stdout)
{
    add_testpol();
    cr_assert_eq(CMD(cmd_run, "run", "--help"), 0);
    char *out = captured();
    cr_expect(strstr(out, "\n  testpol ") != NULL, "no testpol in run --help");
    cr_expect(strstr(out, "--test-burst N") != NULL, "no --test-burst in run --help");
    cr_expect(strstr(out, "(default 3)") != NULL, "the knob's default is not shown");
    free(out);
    registry_reset(&sched_registry);
}

Test(registry, test_policy_in_list_json, .init = cr_redirect_stdout)
{
    add_testpol();
    cr_assert_eq(CMD(cmd_list, "list", "--json"), 0);
    char *out = captured();
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    cr_assert_not_null(root, "list --json is not JSON: %s", jerr.text);
    json_t *found = NULL, *e;
    size_t i;
    json_array_foreach(json_object_get(root, "sched"), i, e)
        if (strcmp(json_string_value(json_object_get(e, "name")), "testpol") == 0)
            found = e;
    cr_assert_not_null(found, "testpol not in list --json");
    json_t *knob = json_array_get(json_object_get(found, "params"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(knob, "name")), "test-burst");
    cr_expect_str_eq(json_string_value(json_object_get(knob, "type")), "int");
    cr_expect_str_eq(json_string_value(json_object_get(knob, "default")), "3");
    cr_expect_eq(json_number_value(json_object_get(knob, "max")), 10);
    cr_expect_str_eq(json_string_value(json_array_get(json_object_get(found, "aliases"), 0)),
                     "test-policy");
    cr_expect(json_is_true(json_object_get(found, "plugin")));
    /* the built-ins: every family, fcfs the default scheduler */
    json_t *first = json_array_get(json_object_get(root, "sched"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(first, "name")), "fcfs");
    cr_expect(json_is_true(json_object_get(first, "default")));
    cr_expect(json_array_size(json_object_get(root, "alloc")) >= 2);
    cr_expect(json_array_size(json_object_get(root, "place")) >= 3);
    cr_expect(json_array_size(json_object_get(root, "format")) >= 6);
    json_decref(root);
    free(out);
    registry_reset(&sched_registry);
}

Test(registry, test_policy_knob_parsed_and_echoed, .init = cr_redirect_stdout)
{
    add_testpol();
    cr_assert_eq(CMD(cmd_run, "run", "--generate", "n=20", "--sched", "test-policy",
                     "--test-burst=7", "--test-pause", "0.5ms", "--json"), 0);
    char *out = captured();
    json_t *root = json_loads(out, 0, NULL);
    cr_assert_not_null(root, "run --json is not JSON: %s", out);
    json_t *cfg = json_object_get(root, "config");
    cr_expect_str_eq(json_string_value(json_object_get(cfg, "sched")), "testpol");
    cr_expect_eq(json_integer_value(json_object_get(cfg, "test-burst")), 7);
    cr_expect_eq(json_real_value(json_object_get(cfg, "test-pause")), 0.0005);
    cr_expect_null(json_object_get(cfg, "quantum"), "fcfs-like testpol has no quantum");
    cr_expect_eq(json_integer_value(json_object_get(json_object_get(root, "jobs"), "completed")),
                 20);
    json_decref(root);
    free(out);
    registry_reset(&sched_registry);
}

Test(registry, test_policy_knob_range_checked)
{
    add_testpol();
    cr_expect_eq(CMD(cmd_run, "run", "--generate", "n=2", "--sched", "testpol",
                     "--test-burst", "11", "--quiet"), 2);
    cr_expect_eq(CMD(cmd_run, "run", "--generate", "n=2", "--sched", "testpol",
                     "--test-burst", "2.5", "--quiet"), 2);
    /* given with another scheduler, it is still checked (then ignored) */
    cr_expect_eq(CMD(cmd_run, "run", "--generate", "n=2", "--test-burst", "0", "--quiet"), 2);
    registry_reset(&sched_registry);
}

/* ---- the registry ---- */

Test(registry, add_refuses_taken_names_and_twice_declared_knobs)
{
    struct sim_error err;
    static const struct sched_ops dup = {.info = {.name = "rr"}};
    cr_expect_eq(registry_add(&sched_registry, &dup.info, &err), SIM_EINVAL);
    cr_expect(strstr(err.text, "'rr' is already registered") != NULL, "%s", err.text);
    static const struct sched_ops alias = {.info = {.name = "fresh", .aliases = "x sjf"}};
    cr_expect_eq(registry_add(&sched_registry, &alias.info, &err), SIM_EINVAL);
    cr_expect(strstr(err.text, "alias 'sjf' is taken") != NULL, "%s", err.text);
    static const struct param_def twice[] = {
        {"k", PARAM_INT, 0, "1"}, {"k", PARAM_INT, 0, "2"}, {NULL}};
    static const struct sched_ops knobs = {.info = {.name = "twice", .params = twice,
                                                    .conf_size = sizeof(long)}};
    cr_expect_eq(registry_add(&sched_registry, &knobs.info, &err), SIM_EINVAL);
    cr_expect(strstr(err.text, "declares --k twice") != NULL, "%s", err.text);
    cr_expect_eq(registry_count(&sched_registry), sched_registry.nbuiltin);
}

Test(registry, find_by_name_and_textbook_alias)
{
    cr_expect_eq(sched_find("sjf"), sched_find("maxtput"));
    cr_expect_eq(sched_find("srtf"), sched_find("minlat"));
    cr_expect_eq(sched_find("fifo"), sched_find("fcfs"));
    cr_expect_eq(sched_find("priority"), sched_find("prio"));
    cr_expect_null(sched_find("FCFS"));
    cr_expect_eq(place_find("best-fit"), place_ops_of(registry_at(&place_registry, 2)));
    struct policy_choice c = {0};
    struct sim_error err;
    cr_expect_eq(policy_choose(&c, &alloc_registry, "nope", &err), SIM_EINVAL);
    cr_expect(strstr(err.text, "--alloc: unknown allocator 'nope' (one of: static, demand") != NULL,
              "%s", err.text);
}

/* Every knob of every registered policy: not a run option's name, and
 * declared with one type wherever it is declared (a config value or a
 * flag means the same whatever the policy), with help. */
Test(registry, knobs_never_shadow_run_options_and_agree_on_type)
{
    struct registry *fam[] = {&sched_registry,         &alloc_registry,
                              &place_registry,         &trace_fmt_registry,
                              &cons_detector_registry, &cons_selector_registry,
                              &cons_place_registry,    &cons_migration_registry};
    const struct param_def *run = cmd_run_options();
    const struct param_def *seen[256];
    size_t nseen = 0;
    for (size_t f = 0; f < sizeof fam / sizeof fam[0]; f++)
        for (size_t i = 0; i < registry_count(fam[f]); i++) {
            const struct policy_info *p = registry_at(fam[f], i);
            cr_expect(p->desc && p->desc[0], "%s has no description", p->name);
            for (size_t k = 0; p->params && p->params[k].name; k++) {
                const struct param_def *d = &p->params[k];
                cr_expect_null(param_find(run, d->name), "%s's --%s shadows a run option",
                               p->name, d->name);
                cr_expect(d->help && d->help[0], "%s --%s has no help", p->name, d->name);
                cr_expect(p->conf_size >= d->offset + 1, "%s --%s outside its conf", p->name,
                          d->name);
                for (size_t s = 0; s < nseen; s++)
                    if (strcmp(seen[s]->name, d->name) == 0)
                        cr_expect_eq(seen[s]->type, d->type, "--%s declared with two types",
                                     d->name);
                if (nseen < 256)
                    seen[nseen++] = d;
            }
            struct policy_choice c = {0};
            struct sim_error err;
            cr_expect_eq(policy_choose_info(&c, p, &err), 0, "%s: its defaults: %s", p->name,
                         err.text);
            policy_release(&c);
        }
}

/* ---- declared parameters ---- */

struct vals {
    bool flag, yes;
    long n;
    double x;
    sim_time_t d;
    int choice;
    char *s;
};

static const struct param_def defs[] = {
    {"flag", PARAM_FLAG, offsetof(struct vals, flag)},
    {"yes", PARAM_BOOL, offsetof(struct vals, yes), "no"},
    {"n", PARAM_INT, offsetof(struct vals, n), "4", 1, 100},
    {"x", PARAM_REAL, offsetof(struct vals, x), "0.5", 0, 1, PARAM_MIN_OPEN},
    {"d", PARAM_DURATION, offsetof(struct vals, d), "30ms", 0, 86400 * 2, PARAM_MIN_OPEN},
    {"choice", PARAM_CHOICE, offsetof(struct vals, choice), "b", .choices = "a|b|c"},
    {"s", PARAM_STRING, offsetof(struct vals, s), "hello"},
    {NULL},
};

Test(param, defaults_and_rules)
{
    struct vals v = {0};
    struct sim_error err;
    cr_assert_eq(param_defaults(defs, &v, &err), 0, "%s", err.text);
    cr_expect(!v.flag && !v.yes);
    cr_expect_eq(v.n, 4);
    cr_expect_eq(v.x, 0.5);
    cr_expect_eq(v.d, SIM_MS(30));
    cr_expect_eq(v.choice, 1);
    cr_expect_str_eq(v.s, "hello");
    cr_expect_eq(param_count(defs), 7);
    const struct {
        const char *name, *text, *want;   /* want NULL = accepted */
    } cases[] = {
        {"n", "0", "--n: 0 is out of range (>= 1, <= 100)"},
        {"n", "2.5", "--n: '2.5' is not an integer"},
        {"n", "1e30", "out of range"},
        {"x", "0", "--x: 0 is out of range (> 0, <= 1)"},
        {"x", "nan", "is not a number"},
        {"x", "1", NULL},
        {"d", "0", "--d: 0 must be > 0 s"},
        {"d", "0.4ns", "--d: 0.4ns is below the clock's resolution (1 ns)"},
        {"d", "3d", "out of range"},
        {"d", "1d", NULL},
        {"d", "5xs", "is not a duration"},
        {"choice", "z", "--choice: 'z' is not one of a|b|c"},
        {"yes", "maybe", "is not yes or no"},
        {"s", "", "--s: empty value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char label[32];
        snprintf(label, sizeof label, "--%s", cases[i].name);
        int rc = param_set(param_find(defs, cases[i].name), &v, cases[i].text, label, NULL, &err);
        if (!cases[i].want)
            cr_expect_eq(rc, 0, "%s %s: %s", cases[i].name, cases[i].text, err.text);
        else
            cr_expect(rc == SIM_EINVAL && strstr(err.text, cases[i].want),
                      "%s %s: rc %d, '%s' lacks '%s'", cases[i].name, cases[i].text, rc,
                      err.text, cases[i].want);
    }
    cr_expect_eq(v.d, SIM_S(86400));
    param_free(defs, &v);
    cr_expect_null(v.s);
}

Test(param, durations_with_every_unit)
{
    const struct {
        const char *text;
        sim_time_t ns;
    } cases[] = {{"1.5", SIM_MS(1500)}, {"7ns", 7},         {"3us", SIM_US(3)},
                 {"30ms", SIM_MS(30)},  {"2s", SIM_S(2)},   {"5min", SIM_S(300)},
                 {"2h", SIM_S(7200)},   {"1d", SIM_S(86400)}, {"0.25min", SIM_S(15)}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sim_time_t t;
        cr_expect(sim_parse_duration(cases[i].text, &t), "%s", cases[i].text);
        cr_expect_eq(t, cases[i].ns, "%s: %" PRI_simtime, cases[i].text, t);
    }
    sim_time_t t;
    cr_expect(!sim_parse_duration("", &t));
    cr_expect(!sim_parse_duration("ms", &t));
    cr_expect(!sim_parse_duration("-1s", &t));
    cr_expect(!sim_parse_duration("1e10d", &t));
}

/* What param_format prints, param_set reads back to the same value; the
 * JSON echo of a duration is exact (60 s is 60). */
Test(param, format_and_json_round_trip)
{
    struct vals v = {0}, w = {0};
    struct sim_error err;
    cr_assert_eq(param_defaults(defs, &v, &err), 0);
    cr_assert_eq(param_defaults(defs, &w, &err), 0);
    param_set(param_find(defs, "d"), &v, "60s", "--d", NULL, &err);
    json_t *j = param_to_json(param_find(defs, "d"), &v);
    cr_expect_eq(json_real_value(j), 60.0);
    json_decref(j);
    param_set(param_find(defs, "x"), &v, "0.1", "--x", NULL, &err);
    param_set(param_find(defs, "choice"), &v, "c", "--choice", NULL, &err);
    for (size_t i = 0; defs[i].name; i++) {
        char text[128];
        param_format(&defs[i], &v, text, sizeof text);
        if (defs[i].type == PARAM_FLAG)
            continue;
        cr_expect_eq(param_set(&defs[i], &w, text, defs[i].name, NULL, &err), 0, "%s: '%s': %s",
                     defs[i].name, text, err.text);
        json_t *a = param_to_json(&defs[i], &v), *b = param_to_json(&defs[i], &w);
        cr_expect(json_equal(a, b), "%s does not read back from '%s'", defs[i].name, text);
        /* and from its JSON echo, as a config key */
        cr_expect_eq(param_set_json(&defs[i], &w, a, defs[i].name, NULL, &err), 0, "%s: %s",
                     defs[i].name, err.text);
        json_t *c = param_to_json(&defs[i], &w);
        cr_expect(json_equal(a, c), "%s does not read back from its JSON", defs[i].name);
        json_decref(a);
        json_decref(b);
        json_decref(c);
    }
    param_free(defs, &v);
    param_free(defs, &w);
}
