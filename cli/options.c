/*
 * cli/options.c - see options.h.
 *
 * One row per option: its name (the long option and the config key), the
 * kind of value, where it is stored, its range, and its help.  The parser,
 * the config reader, --help and the config echo all walk this table, so
 * they cannot disagree.
 */
#include "cli/options.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/dist.h"
#include "base/xalloc.h"

enum opt_kind {
    OPT_STR,      /* any text */
    OPT_PATH,     /* a file name: relative to the config file when read from it */
    OPT_CHOICE,   /* one of choices */
    OPT_LONG,     /* integer in [min, max] */
    OPT_DOUBLE,   /* number in [min, max] (or (min, max] if min_open) */
    OPT_DURATION, /* seconds or a number with a unit, > 0 unless min_zero */
    OPT_FLAG,     /* no value on the command line; true/false in a config */
    OPT_YESNO,    /* yes|no on the command line; true/false in a config */
};

struct opt {
    const char *name;
    enum opt_kind kind;
    size_t offset;
    const char *metavar;
    const char *help;
    double min, max;
    bool min_open;
    const char *choices;   /* OPT_CHOICE: '|'-separated */
    const char *group;     /* heading in --help, on the first option of a group */
};

#define F(field) offsetof(struct run_config, field)
static const struct opt opts[] = {
    {"trace", OPT_PATH, F(trace), "FILE", "workload from a trace file or directory "
     "(format from the extension or --format)", .group = "Workload"},
    {"format", OPT_STR, F(format), "NAME", "trace format: csv, swf, planetlab, bitbrains, "
     "azure, json (see `hvsim list`)"},
    {"generate", OPT_STR, F(generate), "SPEC", "synthetic workload, e.g. "
     "n=1000,interarrival=exp:1.25,work=exp:1 (keys n, interarrival, work, vcpus, mem_mb, "
     "priority, class; values are numbers or distributions det:V exp:MEAN uniform:A:B "
     "lognormal:MU:SIGMA pareto:ALPHA:XMIN bpareto:ALPHA:L:H hyperexp:P:M1:M2 gamma:K:THETA). "
     "Default when no --trace: n=10000,interarrival=exp:1.25,work=exp:1 (M/M/1, load 0.8)"},
    {"limit", OPT_LONG, F(limit), "N", "read only the first N records of the trace", 1, 1e15},
    {"start", OPT_DOUBLE, F(start), "T", "keep records arriving at or after T seconds "
     "(trace time; arrivals are shifted so that T becomes 0)", 0, SIM_SECONDS_MAX},
    {"end", OPT_DOUBLE, F(end), "T", "keep records arriving before T seconds (trace time)",
     0, SIM_SECONDS_MAX, true},
    {"scale-arrivals", OPT_DOUBLE, F(scale_arrivals), "F", "divide inter-arrival times by F "
     "(F > 1 raises the load)", 0, 1e9, true},
    {"scale-work", OPT_DOUBLE, F(scale_work), "F", "multiply every guest's work by F",
     0, 1e9, true},
    {"swf-class", OPT_CHOICE, F(swf_class), "RULE", "workload class of SWF jobs: none "
     "(default class), queue or partition (class qN / pN)", .choices = "none|queue|partition"},

    {"sched", OPT_STR, F(sched), "NAME", "vCPU scheduler: fcfs (default), rr, minlat, "
     "maxtput, prio (see `hvsim list`)", .group = "Scheduling"},
    {"quantum", OPT_DURATION, F(quantum), "DUR", "round-robin time slice (default 30ms, "
     "the Xen credit scheduler's tslice)"},
    {"clairvoyant", OPT_YESNO, F(clairvoyant), "yes|no", "may size-based policies see a "
     "guest's work (default yes)"},
    {"preempt", OPT_YESNO, F(preempt), "yes|no", "prio: preemptive variant (default no)"},

    {"alloc", OPT_CHOICE, F(alloc), "NAME", "CPU allocation: static (fixed at admission, the "
     "default) or demand (re-allocated every --interval by observed demand; for "
     "utilisation-series workloads)", .choices = "static|demand",
     .group = "Allocation and platform"},
    {"interval", OPT_DURATION, F(interval), "DUR", "demand: re-allocation period, the "
     "monitoring window (default 300s, the 5-minute samples of the PlanetLab traces)"},
    {"share", OPT_CHOICE, F(share), "requested|equal", "static: a guest's grant is its "
     "requested vCPUs (default) or an equal share of its host's cores",
     .choices = "requested|equal"},
    {"headroom", OPT_DOUBLE, F(headroom), "F", "demand: grant demand x F (default 1)", 1, 100},
    {"floor", OPT_DOUBLE, F(floor), "CORES", "demand: grant every guest at least this "
     "(default 0.01 cores)", 0, 1e6},
    {"place", OPT_CHOICE, F(place), "NAME", "placement across hosts: first-fit (default), "
     "best-fit (least free memory left, then fewest free vCPU slots) or worst-fit (most)",
     .choices = "first-fit|best-fit|worst-fit"},
    {"overcommit", OPT_DOUBLE, F(overcommit), "R", "CPU overcommit: a host accepts at most "
     "R x cores vCPUs (default: no limit; memory always is one)", 0, 1e6, true},
    {"admission", OPT_CHOICE, F(admission), "queue|reject", "a guest that fits nowhere waits "
     "(queue, default) or is rejected", .choices = "queue|reject"},
    {"hosts", OPT_LONG, F(hosts), "N", "number of hosts (default 1)", 1, 100000},
    {"cores", OPT_LONG, F(cores), "N", "physical cores per host (default 1)", 1, 100000},
    {"mem", OPT_DOUBLE, F(mem), "MB", "memory per host in MB (default 0 = unlimited)",
     0, 1e12},
    {"platform", OPT_PATH, F(platform), "FILE", "hosts of different sizes and hardware from "
     "a JSON file: {\"hosts\": [{\"count\": 2, \"cores\": 16, \"mem_mb\": 65536, "
     "\"hw\": \"skylake-sp\"}, ...]}"},

    {"hw", OPT_STR, F(hw), "NAME|FILE", "hardware profile (see `hvsim list`, `hvsim explain`): "
     "none (default) is ideal hardware, for theory; e.g. skylake-sp", .group = "Hardware"},
    {"exit-model", OPT_CHOICE, F(exit_model), "MODEL", "VM exits as a rate (fluid, default) "
     "or as individual events (discrete)", .choices = "fluid|discrete"},

    {"seed", OPT_LONG, F(seed), "N", "random seed (default 1)", 0, 9.2e18,
     .group = "Experiment"},
    {"reps", OPT_LONG, F(reps), "N", "independent replications (default 1)", 1, 1e6},
    {"batches", OPT_LONG, F(batches), "N", "batch means over one run for the confidence "
     "intervals (default 20 when --reps 1)", 2, 1e6},
    {"warmup", OPT_LONG, F(warmup), "N", "completions left out of the statistics at the start",
     0, 1e15},

    {"out", OPT_PATH, F(out), "DIR", "write summary.json, jobs.csv, timeline.csv and plots "
     "there", .group = "Output"},
    {"sample", OPT_DURATION, F(sample), "DUR", "sampling interval of timeline.csv (default: "
     "adaptive, from 1s and doubled as needed to keep 1,024-2,048 rows per host)"},
    {"json", OPT_FLAG, F(json), NULL, "print the summary as JSON on stdout"},
    {"gantt", OPT_FLAG, F(gantt), NULL, "print a text Gantt chart and the per-guest table"},
    {"quiet", OPT_FLAG, F(quiet), NULL, "no progress on stderr"},
    {"config", OPT_PATH, F(config), "FILE", "read options from a JSON object whose keys are "
     "the long options; flags given on the command line win"},
};
#undef F
#define N_OPTS (sizeof opts / sizeof opts[0])

void run_config_init(struct run_config *c)
{
    memset(c, 0, sizeof *c);
    c->end = -1;
    c->scale_arrivals = 1;
    c->scale_work = 1;
    c->sched = xstrdup("fcfs");
    c->quantum = SIM_MS(30);
    c->clairvoyant = true;
    c->alloc = xstrdup("static");
    c->place = xstrdup("first-fit");
    c->share = xstrdup("requested");
    c->headroom = 1;
    c->floor = 0.01;
    c->admission = xstrdup("queue");
    c->swf_class = xstrdup("none");
    c->interval = SIM_S(300);
    c->overcommit = 0;   /* no limit */
    c->hosts = 1;
    c->cores = 1;
    c->hw = xstrdup("none");
    c->exit_model = xstrdup("fluid");
    c->seed = 1;
    c->reps = 1;
    c->sample = SIM_S(1);
}

static char **str_field(struct run_config *c, const struct opt *o)
{
    return (char **)(void *)((char *)c + o->offset);
}

void run_config_free(struct run_config *c)
{
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct opt *o = &opts[i];
        if (o->kind == OPT_STR || o->kind == OPT_PATH || o->kind == OPT_CHOICE) {
            free(*str_field(c, o));
            *str_field(c, o) = NULL;
        }
    }
}

bool sim_parse_duration(const char *text, sim_time_t *out)
{
    static const struct {
        const char *suffix;
        double scale;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    char buf[64];
    size_t n = strlen(text);
    if (n == 0 || n >= sizeof buf)
        return false;
    double scale = 1e9;
    strcpy(buf, text);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t k = strlen(units[i].suffix);
        if (n > k && strcmp(buf + n - k, units[i].suffix) == 0 &&
            !(k == 1 && (buf[n - 2] == 'n' || buf[n - 2] == 'u' || buf[n - 2] == 'm'))) {
            buf[n - k] = '\0';
            scale = units[i].scale;
            break;
        }
    }
    double v;
    if (!sim_parse_double(buf, &v) || v < 0 || v * scale / 1e9 > SIM_SECONDS_MAX)
        return false;
    *out = (sim_time_t)llround(v * scale);
    return true;
}

static const struct opt *find_opt(const char *name)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (strcmp(opts[i].name, name) == 0)
            return &opts[i];
    return NULL;
}

static bool choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        size_t len = strcspn(p, "|");
        if (len == n && strncmp(p, v, n) == 0)
            return true;
        p += len;
        if (*p == '|')
            p++;
    }
    return false;
}

static void mark_given(struct run_config *c, const struct opt *o)
{
    size_t i = (size_t)(o - opts);
    c->given[i / 8] |= (unsigned char)(1u << (i % 8));
}

bool run_config_given(const struct run_config *c, const char *name)
{
    const struct opt *o = find_opt(name);
    if (!o)
        return false;
    size_t i = (size_t)(o - opts);
    return c->given[i / 8] & (1u << (i % 8));
}

/* Store a textual value (from the command line, or a config string). */
static int set_text(struct run_config *c, const struct opt *o, const char *v, const char *where,
                    const char *base_dir, struct sim_error *err)
{
    void *field = (char *)c + o->offset;
    switch (o->kind) {
    case OPT_STR:
    case OPT_PATH:
    case OPT_CHOICE:
        if (!v[0])
            return sim_error_usage(err, "%s%s: empty value", where, o->name);
        if (o->kind == OPT_CHOICE && !choice_ok(o->choices, v))
            return sim_error_usage(err, "%s%s: '%s' is not one of %s", where, o->name, v,
                                   o->choices);
        free(*(char **)field);
        if (o->kind == OPT_PATH && base_dir && v[0] != '/') {
            size_t n = strlen(base_dir) + strlen(v) + 2;
            char *p = xmalloc(n);
            snprintf(p, n, "%s/%s", base_dir, v);
            *(char **)field = p;
        } else {
            *(char **)field = xstrdup(v);
        }
        return SIM_OK;
    case OPT_LONG: {
        double d;
        if (!sim_parse_double(v, &d) || d != floor(d))
            return sim_error_usage(err, "%s%s: '%s' is not an integer", where, o->name, v);
        if (d < o->min || d > o->max)
            return sim_error_usage(err, "%s%s: %s is out of range (%.0f..%.0f)", where, o->name,
                                   v, o->min, o->max);
        *(long *)field = (long)d;
        return SIM_OK;
    }
    case OPT_DOUBLE: {
        double d;
        if (!sim_parse_double(v, &d))
            return sim_error_usage(err, "%s%s: '%s' is not a number", where, o->name, v);
        if ((o->min_open ? d <= o->min : d < o->min) || d > o->max)
            return sim_error_usage(err, "%s%s: %s is out of range (%s %g, <= %g)", where, o->name,
                                   v, o->min_open ? ">" : ">=", o->min, o->max);
        *(double *)field = d;
        return SIM_OK;
    }
    case OPT_DURATION: {
        sim_time_t t;
        if (!sim_parse_duration(v, &t))
            return sim_error_usage(err, "%s%s: '%s' is not a duration (seconds, or a number "
                                   "with ns, us, ms or s)", where, o->name, v);
        if (t <= 0)
            return sim_error_usage(err, "%s%s: %s must be > 0", where, o->name, v);
        *(sim_time_t *)field = t;
        return SIM_OK;
    }
    case OPT_YESNO:
        if (strcmp(v, "yes") == 0)
            *(bool *)field = true;
        else if (strcmp(v, "no") == 0)
            *(bool *)field = false;
        else
            return sim_error_usage(err, "%s%s: '%s' is not yes or no", where, o->name, v);
        return SIM_OK;
    case OPT_FLAG:
        *(bool *)field = true;
        return SIM_OK;
    }
    return SIM_OK;
}

static int load_config(struct run_config *c, const char *path, struct sim_error *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        FILE *f = fopen(path, "r");
        if (!f)
            return sim_error_set(err, SIM_EINVAL, path, 0, 0, "cannot open config: %s",
                                 strerror(errno));
        fclose(f);
        return sim_error_set(err, SIM_EINVAL, path, jerr.line, jerr.column, "%s", jerr.text);
    }
    int rc = SIM_OK;
    if (!json_is_object(root)) {
        rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "a config must be a JSON object");
        goto out;
    }
    char *dup = xstrdup(path);
    char *dir = xstrdup(dirname(dup));
    free(dup);
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val) {
        const struct opt *o = find_opt(key);
        char where[600];
        snprintf(where, sizeof where, "%s: key ", path);
        if (!o || strcmp(key, "config") == 0) {
            rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "unknown key '%s'", key);
            break;
        }
        char buf[64];
        const char *text = NULL;
        if (o->kind == OPT_FLAG || o->kind == OPT_YESNO) {
            if (!json_is_boolean(val)) {
                rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "key '%s' must be true or false",
                                   key);
                break;
            }
            *(bool *)(void *)((char *)c + o->offset) = json_is_true(val);
            mark_given(c, o);
            continue;
        }
        if (json_is_string(val)) {
            if (o->kind == OPT_LONG || o->kind == OPT_DOUBLE) {
                rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "key '%s' must be a number", key);
                break;
            }
            text = json_string_value(val);
        } else if (json_is_number(val)) {
            if (o->kind == OPT_STR || o->kind == OPT_PATH || o->kind == OPT_CHOICE) {
                if (strcmp(key, "hw") != 0 && strcmp(key, "sched") != 0) {
                    rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "key '%s' must be a string",
                                       key);
                    break;
                }
            }
            if (json_is_integer(val))
                snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(val));
            else
                snprintf(buf, sizeof buf, "%.17g", json_real_value(val));
            text = buf;
        } else {
            rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "key '%s' has the wrong type", key);
            break;
        }
        rc = set_text(c, o, text, where, dir, err);
        if (rc < 0)
            break;
        mark_given(c, o);
    }
    free(dir);
out:
    json_decref(root);
    return rc;
}

int run_config_parse(struct run_config *c, int argc, char **argv, struct sim_error *err)
{
    /* Pass 1: --help and --config, so that flags given beside a config
     * override it whatever their order. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            run_config_help(stdout);
            return 1;
        }
        if (strcmp(argv[i], "--config") == 0 || strncmp(argv[i], "--config=", 9) == 0) {
            const char *path = argv[i][8] == '=' ? argv[i] + 9 : (i + 1 < argc ? argv[i + 1] : NULL);
            if (!path)
                return sim_error_usage(err, "--config needs a FILE");
            int rc = load_config(c, path, err);
            if (rc < 0)
                return rc;
            free(c->config);
            c->config = xstrdup(path);
        }
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0)
            return sim_error_usage(err, "unexpected argument '%s' (options start with --; "
                                   "see hvsim run --help)", arg);
        char name[64];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        if (len >= sizeof name)
            return sim_error_usage(err, "unknown option '%s' (see hvsim run --help)", arg);
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        const struct opt *o = find_opt(name);
        if (!o)
            return sim_error_usage(err, "unknown option '--%s' (see hvsim run --help)", name);
        const char *val = NULL;
        if (o->kind == OPT_FLAG) {
            if (eq)
                return sim_error_usage(err, "--%s takes no value", name);
        } else if (eq) {
            val = eq + 1;
        } else {
            if (i + 1 >= argc)
                return sim_error_usage(err, "--%s needs a value (%s)", name, o->metavar);
            val = argv[++i];
        }
        if (strcmp(name, "config") == 0)
            continue;   /* read in pass 1 */
        int rc = set_text(c, o, val ? val : "", "--", NULL, err);
        if (rc < 0)
            return rc;
        mark_given(c, o);
    }
    if (c->end >= 0 && c->start >= c->end)
        return sim_error_usage(err, "--start %g must be before --end %g", c->start, c->end);
    if (c->trace && c->generate)
        return sim_error_usage(err, "--trace and --generate exclude each other");
    return SIM_OK;
}

static json_t *duration_json(sim_time_t t) { return json_real(sim_time_to_s(t)); }

json_t *run_config_to_json(const struct run_config *c)
{
    json_t *o = json_object();
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct opt *p = &opts[i];
        const void *field = (const char *)c + p->offset;
        json_t *v = NULL;
        switch (p->kind) {
        case OPT_STR:
        case OPT_PATH:
        case OPT_CHOICE: {
            const char *s = *(char *const *)field;
            v = s ? json_string(s) : json_null();
            break;
        }
        case OPT_LONG:
            v = json_integer(*(const long *)field);
            break;
        case OPT_DOUBLE:
            v = json_real(*(const double *)field);
            break;
        case OPT_DURATION:
            v = duration_json(*(const sim_time_t *)field);
            break;
        case OPT_FLAG:
        case OPT_YESNO:
            v = json_boolean(*(const bool *)field);
            break;
        }
        /* Output options do not change results: leave them out so that the
         * same experiment echoes the same config wherever it was written. */
        if (strcmp(p->name, "out") == 0 || strcmp(p->name, "json") == 0 ||
            strcmp(p->name, "quiet") == 0 || strcmp(p->name, "config") == 0 ||
            strcmp(p->name, "gantt") == 0) {
            json_decref(v);
            continue;
        }
        json_object_set_new(o, p->name, v);
    }
    return o;
}

void run_config_help(FILE *out)
{
    fprintf(out,
            "usage: hvsim run [options]\n\n"
            "Run one experiment: replay a workload (a trace or a synthetic one) against a\n"
            "scheduling and an allocation policy on a modelled platform, and report latency,\n"
            "throughput, utilisation, fairness and the cost of virtualisation.\n"
            "Durations are seconds or a number with ns, us, ms or s.  Every option can also\n"
            "be given in a --config JSON file under its long name.\n");
    for (size_t i = 0; i < N_OPTS; i++) {
        const struct opt *o = &opts[i];
        if (o->group)
            fprintf(out, "\n%s:\n", o->group);
        char head[64];
        snprintf(head, sizeof head, "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        /* wrap the help at 78 columns, indented under a 26-column head */
        const char *h = o->help;
        int col = fprintf(out, "  %-24s", head);
        if (strlen(head) >= 24) {   /* no room for a space: help on the next line */
            fprintf(out, "\n%26s", "");
            col = 26;
        }
        bool first = true;
        while (*h) {
            h += strspn(h, " ");
            size_t w = strcspn(h, " ");
            if (!w)
                break;
            if (!first && col + 1 + (int)w > 78) {
                fprintf(out, "\n%26s", "");
                col = 26;
            } else if (!first) {
                fputc(' ', out);
                col++;
            }
            col += fprintf(out, "%.*s", (int)w, h);
            h += w;
            first = false;
        }
        fputc('\n', out);
    }
    fprintf(out,
            "\nExit status: 0 success; 2 bad usage or input (FILE:LINE: what is wrong on\n"
            "stderr); 1 any other failure.  Only the requested output goes to stdout.\n"
            "Example: hvsim run --generate n=1000,interarrival=exp:1.25,work=exp:1 --sched rr "
            "--quantum 10ms --json\n");
}
