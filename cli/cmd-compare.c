/*
 * cli/cmd-compare.c - `hvsim compare DIR...`: several runs side by side
 * (report/compare.c).  Exit status: 0; 2 for bad usage or a DIR that is not
 * a run (no or a malformed summary.json), named on stderr; 1 if --out
 * cannot be written (checked before the table is printed).
 */
#include <stdio.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "report/compare.h"

struct compare_cli {
    bool csv, json;
    char *out, *metric;
};

#define F(field) offsetof(struct compare_cli, field)
static const struct param_def compare_opts[] = {
    {"csv", PARAM_FLAG, F(csv), .help = "the table as CSV"},
    {"json", PARAM_FLAG, F(json), .help = "the table as JSON"},
    {"out", PARAM_PATH, F(out), .metavar = "DIR", .help = "also write the table "
     "(comparison.txt/.csv/.json) and plots there: the turnaround CDFs of all runs on one "
     "chart, and, when the runs' configurations differ in exactly one key, the metric against "
     "that key with 95% CI error bars"},
    {"metric", PARAM_STRING, F(metric), "turnaround.mean", .metavar = "PATH", .help = "the "
     "metric of that plot, a dotted path into summary.json (e.g. slowdown.p99, utilization)"},
    {NULL},
};
#undef F

const struct param_def *cmd_compare_options(void) { return compare_opts; }

static void compare_help(FILE *f)
{
    fprintf(f, "usage: hvsim compare [options] DIR...\n\n"
               "Several runs side by side: one row per DIR written by `hvsim run --out DIR`\n"
               "(label = the directory's name), with the turnaround mean and its 95%% CI\n"
               "half-width, p99, waiting, slowdown, throughput, utilisation, overhead and\n"
               "world switches.\n\n");
    cli_help_options(f, compare_opts);
    fprintf(f, "\nexample: hvsim compare results/q10ms results/q100ms --out results/quantum\n");
}

int cmd_compare(int argc, char **argv)
{
    struct compare_cli o = {0};
    struct cli_args args = {0};
    struct cli_optset known = {0};
    struct sim_error err = {0};
    cli_optset_add(&known, compare_opts);
    int rc = param_defaults(compare_opts, &o, &err);
    if (rc == SIM_OK)
        rc = cli_args_parse(&args, "compare", argc, argv, &known, &err);
    if (rc == SIM_OK && args.help) {
        compare_help(stdout);
        goto done;
    }
    if (rc == SIM_OK)
        rc = cli_args_positional(&args, 1, -1, "one DIR or more", &err);
    if (rc == SIM_OK)
        rc = cli_args_apply(&args, compare_opts, &o, &err);
    if (rc == SIM_OK) {
        struct compare_options c = {args.pos, args.npos, o.metric, o.out, o.csv, o.json};
        rc = compare_runs(&c, &err);
    }
done:
    if (rc < 0)
        sim_error_print(&err, stderr);
    param_free(compare_opts, &o);
    cli_args_free(&args);
    cli_optset_free(&known);
    return sim_error_exit_status(rc);
}
