/*
 * cli/cmd-check.c - `hvsim check PATH`: read a trace the way run would and
 * report every problem with its location, then a summary with the offered
 * load (workloads/check.c).
 */
#include <stdio.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/datadir.h"
#include "cli/plugin.h"
#include "models/hw.h"
#include "workloads/check.h"

struct check_options {
    char *format;
    long cores;
    long max_errors;
};

#define F(field) offsetof(struct check_options, field)
static const struct param_def check_opts[] = {
    {"format", PARAM_STRING, F(format), .metavar = "NAME", .help = "trace format (default: "
     "from the extension, or a directory's files; see `hvsim list`)"},
    {"cores", PARAM_INT, F(cores), NULL, 1, 100000, .metavar = "N", .help = "cores of the "
     "offered load (default: the SWF header's MaxProcs, else its MaxNodes, else 1)"},
    {"max-errors", PARAM_INT, F(max_errors), "50", 1, 1e9, .metavar = "N",
     .help = "report at most N errors, then a count"},
    {NULL},
};
#undef F

static void check_help(FILE *out)
{
    fprintf(out, "usage: hvsim check PATH [options]\n\n"
                 "Read a trace (a file, a directory for planetlab/bitbrains, or - for standard\n"
                 "input with --format; gzip, xz, zstd or bzip2 compressed or not) the way `run`\n"
                 "would and report every problem as FILE:LINE[:COLUMN]: what is wrong, then a\n"
                 "summary: records, skipped records by reason, the entries of a directory not\n"
                 "read, time span, total work and the offered load sum(work x vcpus) / span /\n"
                 "cores.  Exit status 2 if there is any error or PATH cannot be read, 1 if a\n"
                 "read fails.\n\n");
    cli_help_options(out, check_opts);
    fprintf(out, "\nand the options of the trace formats (see `hvsim list`).\n");
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
    struct trace_options opt;
    trace_options_init(&opt);
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
    rc = trace_check(stdout, stderr, path, &opt, (double)o.cores, classes ? class_known : NULL,
                     classes, o.max_errors);
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
