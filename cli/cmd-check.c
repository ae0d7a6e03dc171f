/*
 * cli/cmd-check.c - `hvsim check PATH`: read a trace the way run would and
 * report every problem with its location, then a summary with the offered
 * load (workloads/check.c).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/xalloc.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/datadir.h"
#include "cli/plugin.h"
#include "models/hw.h"
#include "workloads/check.h"

struct check_options {
    char *format;
    long cores, hosts;
    long max_errors;
    long limit;
    sim_time_t start, end;
    double scale_arrivals, scale_work;
    bool json;
};

/* The cutting and scaling options mean what they mean to `hvsim run`, so
 * that check describes the part of a trace a run replays (and a sweep can
 * compute its offered load). */
#define F(field) offsetof(struct check_options, field)
static const struct param_def check_opts[] = {
    {"format", PARAM_STRING, F(format), .metavar = "NAME", .help = "trace format (default: "
     "from the extension, or a directory's files; see `hvsim list`)"},
    {"cores", PARAM_INT, F(cores), NULL, 1, 100000, .metavar = "N", .help = "cores per host "
     "of the offered load (default: the SWF header's MaxProcs, else its MaxNodes, else 1)"},
    {"hosts", PARAM_INT, F(hosts), "1", 1, 100000, .metavar = "N",
     .help = "hosts of the offered load: the load is over hosts x cores"},
    {"limit", PARAM_INT, F(limit), NULL, 1, 1e15, .metavar = "N",
     .help = "read only the first N records, as run --limit"},
    {"start", PARAM_DURATION, F(start), NULL, 0, SIM_SECONDS_MAX, .metavar = "T",
     .help = "keep records arriving at or after T, as run --start"},
    {"end", PARAM_DURATION, F(end), NULL, 0, SIM_SECONDS_MAX, PARAM_MIN_OPEN, .metavar = "T",
     .help = "keep records arriving before T, as run --end"},
    {"scale-arrivals", PARAM_REAL, F(scale_arrivals), "1", 0, 1e9, PARAM_MIN_OPEN,
     .metavar = "F", .help = "divide inter-arrival times by F, as run --scale-arrivals"},
    {"scale-work", PARAM_REAL, F(scale_work), "1", 0, 1e9, PARAM_MIN_OPEN, .metavar = "F",
     .help = "multiply every guest's work by F, as run --scale-work"},
    {"max-errors", PARAM_INT, F(max_errors), "50", 1, 1e9, .metavar = "N",
     .help = "report at most N errors, then a count"},
    {"json", PARAM_FLAG, F(json), .help = "the summary as JSON on stdout (errors on stderr): "
     "trace, format, records, skipped, not_read, errors, first_arrival, last_arrival, time_offset, "
     "work_seconds, cpu_seconds, cores, cores_from, window, window_from, offered_load"},
    {NULL},
};
#undef F

const struct param_def *cmd_check_options(void) { return check_opts; }

static void check_help(FILE *out)
{
    fprintf(out, "usage: hvsim check PATH [options]\n\n"
                 "Read a trace (a file, a directory for planetlab/bitbrains, or - for standard\n"
                 "input with --format; gzip, xz, zstd or bzip2 compressed or not) the way `run`\n"
                 "would and report every problem as FILE:LINE[:COLUMN]: what is wrong, then a\n"
                 "summary: records, skipped records by reason, the entries of a directory not\n"
                 "read, time span, total work and the offered load sum(work x vcpus) / span /\n"
                 "(hosts x cores) of the records kept by --limit, --start and --end.  Exit\n"
                 "status 2 if there is any error or PATH cannot be read, 1 if a read fails.\n\n");
    cli_help_options(out, check_opts);
    fprintf(out, "\nand the options of the trace formats (see `hvsim list`).\n"
                 "example: hvsim check kth.swf --limit 3000 --cores 100 --json | "
                 "jq .offered_load\n");
}

static json_t *summary_json(const struct trace_summary *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "trace", json_string(s->path));
    json_object_set_new(o, "format", json_string(s->format));
    json_object_set_new(o, "records", json_integer(s->records));
    json_t *sk = json_object();
    long total = 0;
    for (int k = 0; k < TRACE_SKIP_MAX; k++) {
        if (s->skipped[k])
            json_object_set_new(sk, trace_skip_names[k], json_integer(s->skipped[k]));
        total += s->skipped[k];
    }
    json_object_set_new(sk, "total", json_integer(total));
    json_object_set_new(o, "skipped", sk);
    json_object_set_new(o, "not_read", json_string(s->not_read));
    json_object_set_new(o, "errors", json_integer(s->errors));
    bool any = s->records > 0;
    json_object_set_new(o, "first_arrival", any ? json_real(s->first) : json_null());
    json_object_set_new(o, "last_arrival", any ? json_real(s->last) : json_null());
    json_object_set_new(o, "time_offset", json_real(s->time_offset));
    json_object_set_new(o, "work_seconds", json_real(s->work));
    json_object_set_new(o, "cpu_seconds", json_real(s->cpu));
    json_object_set_new(o, "cores", json_real(s->cores));
    json_object_set_new(o, "cores_from", json_string(s->cores_from));
    json_object_set_new(o, "window", any ? json_real(s->window) : json_null());
    json_object_set_new(o, "window_from", json_string(s->window_from ? s->window_from : ""));
    json_object_set_new(o, "offered_load", any ? json_real(s->offered_load) : json_null());
    return o;
}

static bool class_known(const char *name, void *ctx) { return hw_class_find(ctx, name) >= 0; }

int cmd_check(int argc, char **argv)
{
    struct check_options o = {0};
    struct cli_args args = {0};
    struct cli_optset known = {0};
    struct sim_error err = {0};
    struct policy_choice fmt = {0};
    struct hw_model *classes = NULL;
    struct registry *formats = cli_family("format");
    cli_optset_add(&known, check_opts);
    for (size_t i = 0; i < registry_count(formats); i++)
        cli_optset_add(&known, registry_at(formats, i)->params);
    int rc = param_defaults(check_opts, &o, &err);
    if (rc == SIM_OK)
        rc = cli_args_parse(&args, "check", argc, argv, &known, &err);
    if (rc == SIM_OK && args.help) {
        check_help(stdout);
        goto done;
    }
    if (rc == SIM_OK)
        rc = cli_args_positional(&args, 1, 1, "a PATH", &err);
    if (rc == SIM_OK)
        rc = cli_args_apply(&args, check_opts, &o, &err);
    if (rc < 0)
        goto fail;
    const char *path = args.pos[0];
    const struct trace_fmt *f = o.format ? trace_fmt_find(o.format) : trace_fmt_for_path(path);
    if (!f && o.format) {
        rc = policy_choose(&fmt, formats, o.format, &err);
        goto fail;
    }
    if (o.end > 0 && o.start >= o.end) {
        rc = sim_error_usage(&err, "--start must be before --end");
        goto fail;
    }
    struct trace_options opt;
    trace_options_init(&opt);
    opt.limit = o.limit;
    opt.start = sim_time_seconds(o.start);
    opt.end = o.end > 0 ? sim_time_seconds(o.end) : -1;
    opt.scale_arrivals = o.scale_arrivals;
    opt.scale_work = o.scale_work;
    if (f) {
        rc = policy_choose_info(&fmt, &f->info, &err);
        if (rc == SIM_OK)
            rc = cli_args_apply(&args, f->info.params, fmt.conf, &err);
        if (rc < 0)
            goto fail;
        opt.format = f->info.name;
        opt.fmt_conf = fmt.conf;
    }
    if (hw_model_load("none", cli_datadir(), &classes, &err) < 0)
        classes = NULL;   /* no data files: class names checked for syntax only */
    /* the offered load is over every core: --cores (or MaxProcs) x --hosts */
    struct trace_summary *sum = xmalloc(sizeof *sum);
    rc = trace_check_summary(stderr, path, &opt, (double)o.cores, classes ? class_known : NULL,
                             classes, o.max_errors, sum);
    if (sum->format) {
        sum->cores *= (double)o.hosts;
        sum->offered_load /= (double)o.hosts;
        if (o.json) {
            json_t *j = summary_json(sum);
            char *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
            puts(text);
            free(text);
            json_decref(j);
        } else {
            trace_summary_print(stdout, sum);
        }
    }
    free(sum);
    goto done;
fail:
    sim_error_print(&err, stderr);
done:
    hw_model_free(classes);
    policy_release(&fmt);
    param_free(check_opts, &o);
    cli_args_free(&args);
    cli_optset_free(&known);
    return sim_error_exit_status(rc);
}
