/*
 * cli/cmd-explain.c - `hvsim explain --hw NAME|FILE [--class C] [--json]`:
 * the costs a hardware profile implies, derived step by step with sources
 * (models/hw-explain.c).
 */
#include <stdio.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/datadir.h"
#include "models/hw.h"

struct explain_options {
    char *hw, *cls;
    bool json;
};

#define F(field) offsetof(struct explain_options, field)
static const struct param_def explain_opts[] = {
    {"hw", PARAM_STRING, F(hw), .metavar = "NAME|FILE", .help = "the hardware profile (see "
     "`hvsim list`), or a profile file"},
    {"class", PARAM_STRING, F(cls), .metavar = "CLASS", .help = "only this workload class "
     "(default: every class)"},
    {"json", PARAM_FLAG, F(json), .help = "the same as JSON"},
    {NULL},
};
#undef F

const struct param_def *cmd_explain_options(void) { return explain_opts; }

static void explain_help(FILE *out)
{
    fprintf(out, "usage: hvsim explain --hw NAME|FILE [--class CLASS] [--json]\n\n"
                 "Derive, step by step and with sources, the costs a hardware profile implies:\n"
                 "exit costs in ns, the references and latency of a 2D page walk for each\n"
                 "page-size pair, the cost of a world switch, and the slowdown of each workload\n"
                 "class (or of CLASS).\n\n");
    cli_help_options(out, explain_opts);
}

int cmd_explain(int argc, char **argv)
{
    struct explain_options o = {0};
    struct cli_args args = {0};
    struct cli_optset known = {0};
    struct sim_error err = {0};
    struct hw_model *m = NULL;
    cli_optset_add(&known, explain_opts);
    int rc = cli_args_parse(&args, "explain", argc, argv, &known, &err);
    if (rc == SIM_OK && args.help) {
        explain_help(stdout);
        goto done;
    }
    if (rc == SIM_OK)
        rc = cli_args_positional(&args, 0, 0, "", &err);
    if (rc == SIM_OK)
        rc = cli_args_apply(&args, explain_opts, &o, &err);
    if (rc == SIM_OK && !o.hw)
        rc = sim_error_usage(&err, "explain needs --hw NAME (see `hvsim list`)");
    if (rc == SIM_OK)
        rc = hw_model_load(o.hw, cli_datadir(), &m, &err);
    if (rc == SIM_OK && o.cls && hw_class_find(m, o.cls) < 0)
        rc = sim_error_usage(&err, "--class %s: unknown workload class (see `hvsim list`)",
                             o.cls);
    if (rc == SIM_OK)
        rc = hw_explain(stdout, m, o.cls, o.json, &err);
done:
    if (rc < 0)
        sim_error_print(&err, stderr);
    hw_model_free(m);
    param_free(explain_opts, &o);
    cli_args_free(&args);
    cli_optset_free(&known);
    return sim_error_exit_status(rc);
}
