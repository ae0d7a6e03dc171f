/*
 * cli/cmd-list.c - `hvsim list [--json] [--plugin PATH.so ...]`: every
 * policy of every family with its knobs, the trace formats, the hardware
 * profiles and the workload classes, as text or as JSON.  Generated from
 * the registries, so it cannot drift from what run accepts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/datadir.h"
#include "cli/plugin.h"
#include "models/hw.h"
#include "schedulers/sched.h"

struct list_options {
    bool json;
    char *plugin;   /* the last one; every --plugin is loaded (list_plugins) */
};

static const struct param_def list_opts[] = {
    {"json", PARAM_FLAG, offsetof(struct list_options, json), .help = "the same as JSON"},
    {"plugin", PARAM_PATH, offsetof(struct list_options, plugin), .metavar = "PATH.so",
     .help = "load a policy plug-in first, to list it with its options (repeatable)"},
    {NULL},
};

const struct param_def *cmd_list_options(void) { return list_opts; }

static void list_help(FILE *out)
{
    fprintf(out, "usage: hvsim list [--json] [--plugin PATH.so ...]\n\n"
                 "The schedulers, allocators, placements and trace formats hvsim has, each\n"
                 "with its aliases and its own options (name, type, default, range), and the\n"
                 "hardware profiles and workload classes of its data directory.  The JSON\n"
                 "also lists the options of `hvsim run` itself (run_options).\n\n");
    cli_help_options(out, list_opts);
}

static void print_family(const struct cli_family_desc *f)
{
    const struct registry *r = f->registry;
    printf("%s (--%s):\n", f->heading, f->option);
    for (size_t i = 0; i < registry_count(r); i++) {
        const struct policy_info *p = registry_at(r, i);
        char text[800];
        const char *extra = "";
        if (r == &sched_registry && (sched_ops_of(p)->flags & SCHED_SIZE_BASED))
            extra = " (size-based: see --clairvoyant)";
        snprintf(text, sizeof text, "%s%s%s%s%s%s%s", p->desc ? p->desc : "", extra,
                 p->aliases ? " (also: " : "", p->aliases ? p->aliases : "",
                 p->aliases ? ")" : "", i == 0 && r != &trace_fmt_registry ? " [default]" : "",
                 i >= r->nbuiltin ? " [plug-in]" : "");
        printf("  %-10s ", p->name);
        if (strlen(p->name) > 10) {
            printf("\n%13s", "");
        }
        param_wrap(stdout, text, 13, 13);
        for (size_t k = 0; p->params && p->params[k].name; k++) {
            char val[64];
            const struct param_def *d = &p->params[k];
            snprintf(val, sizeof val, "--%s %s", d->name, d->metavar ? d->metavar : "");
            printf("%13s%-22s ", "", val);
            char help[700];
            param_help_text(d, help, sizeof help);
            param_wrap(stdout, help, 36, 36);
        }
    }
    if (r == &trace_fmt_registry)
        printf("  %-10s %s\n", "(generate)", "synthetic workload: --generate SPEC");
    printf("\n");
}

int cmd_list(int argc, char **argv)
{
    struct list_options o = {0};
    struct cli_args args = {0};
    struct cli_optset known = {0};
    struct sim_error err = {0};
    cli_optset_add(&known, list_opts);
    int rc = cli_args_parse(&args, "list", argc, argv, &known, &err);
    if (rc == SIM_OK && args.help) {
        list_help(stdout);
        goto done;
    }
    if (rc == SIM_OK)
        rc = cli_args_positional(&args, 0, 0, "", &err);
    if (rc == SIM_OK)
        rc = cli_args_apply(&args, list_opts, &o, &err);
    for (size_t i = 0; rc == SIM_OK && i < args.narg; i++)
        if (strcmp(args.arg[i].name, "plugin") == 0)
            rc = cli_plugin_load(args.arg[i].text, NULL, NULL, &err);
    if (rc < 0)
        goto done;
    if (o.json) {
        json_t *root = json_object();
        for (size_t f = 0; f < cli_nfamilies; f++)
            json_object_set_new(root, cli_families[f].option,
                                registry_describe(cli_families[f].registry));
        json_t *hw = hw_list_json(cli_datadir());
        json_object_update(root, hw);
        json_decref(hw);
        /* run's own options, so that a script can check a value of any
         * option (scripts/sweep plan) without running anything */
        json_t *opts = json_array();
        const struct param_def *run = cmd_run_options();
        for (size_t i = 0; run[i].name; i++)
            json_array_append_new(opts, param_describe(&run[i]));
        json_object_set_new(root, "run_options", opts);
        char *text = json_dumps(root, JSON_INDENT(2));
        puts(text);
        free(text);
        json_decref(root);
    } else {
        for (size_t f = 0; f < cli_nfamilies; f++)
            print_family(&cli_families[f]);
        hw_list(stdout, cli_datadir());
    }
done:
    if (rc < 0)
        sim_error_print(&err, stderr);
    param_free(list_opts, &o);
    cli_args_free(&args);
    cli_optset_free(&known);
    return sim_error_exit_status(rc);
}
