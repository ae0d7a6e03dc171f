/*
 * cli/cmd-man.c - `hvsim --man`: the manual page, in roff, generated from
 * what the program itself knows: the commands (cli/commands.c), each
 * command's option table (the rows --help prints), every built-in policy
 * of every family with its knobs (the registries), the trace formats and
 * the native columns (workloads/), the summary's keys (report/report.c)
 * and the columns of the files of --out (report/output.c).  `make` writes
 * it to docs/hvsim.1 and a test checks that the file is what this prints,
 * so the manual cannot drift from --help.
 *
 * Only built-in policies are listed (a plug-in loaded at run time is not
 * part of hvsim), and hardware profiles and workload classes are data
 * files, listed by `hvsim list`, not here.
 */
#include <stdio.h>
#include <string.h>

#include "base/registry.h"
#include "cli/commands.h"
#include "cli/plugin.h"
#include "report/output.h"
#include "report/report.h"
#include "workloads/fields.h"
#include "workloads/trace.h"

/* Text with roff's special characters escaped: a backslash, a hyphen (a
 * minus sign in options, so that they can be searched and copied), and a
 * leading dot or quote. */
static void roff(FILE *out, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else if (*s == '\n')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

/* .TP entry of one option: "--name META" then its help. */
static void option_entry(FILE *out, const struct param_def *d, const char *help)
{
    fputs(d->metavar ? ".TP\n.BI \"\\-\\-" : ".TP\n.B \\-\\-", out);
    roff(out, d->name);
    if (d->metavar) {
        fputs(" \" \"", out);
        roff(out, d->metavar);
        fputc('"', out);
    }
    fputc('\n', out);
    roff(out, help);
    fputc('\n', out);
}

static void options(FILE *out, const struct param_def *defs, bool run)
{
    for (size_t i = 0; defs && defs[i].name; i++) {
        char help[1200];
        if (run) {
            const char *group = cmd_run_group(defs[i].name);
            if (group) {
                fputs(".PP\n.I ", out);
                roff(out, group);
                fputc('\n', out);
            }
            cmd_run_option_help(&defs[i], help, sizeof help);
        } else {
            param_help_text(&defs[i], help, sizeof help);
        }
        option_entry(out, &defs[i], help);
    }
}

static void family(FILE *out, const struct cli_family_desc *f)
{
    const struct registry *r = f->registry;
    fputs(".SS ", out);
    char title[128];
    snprintf(title, sizeof title, "%c%s (--%s)", f->heading[0] - ('a' <= f->heading[0] &&
                                                                   f->heading[0] <= 'z' ? 32 : 0),
             f->heading + 1, f->option);
    roff(out, title);
    fputc('\n', out);
    /* built-ins only: plug-ins are not part of hvsim */
    for (size_t i = 0; i < r->nbuiltin; i++) {
        const struct policy_info *p = registry_at(r, i);
        fputs(".TP\n.B ", out);
        roff(out, p->name);
        fputc('\n', out);
        roff(out, p->desc ? p->desc : "");
        if (p->aliases) {
            fputs(" (also: ", out);
            roff(out, p->aliases);
            fputc(')', out);
        }
        if (i == 0 && r != &trace_fmt_registry)
            fputs(" [default]", out);
        fputc('\n', out);
        if (r == &trace_fmt_registry) {
            fputs(".br\n", out);
            const struct trace_fmt *fmt = container_of(p, const struct trace_fmt, info);
            if (fmt->extensions) {
                fputs("Extension: ", out);
                roff(out, fmt->extensions);
                fputs(".  ", out);
            }
            if (fmt->columns) {
                roff(out, fmt->columns);
                fputs(".\n", out);
            }
        }
        if (p->params && p->params[0].name) {
            fputs(".RS\n", out);
            for (size_t k = 0; p->params[k].name; k++) {
                char help[1200];
                param_help_text(&p->params[k], help, sizeof help);
                option_entry(out, &p->params[k], help);
            }
            fputs(".RE\n", out);
        }
    }
}

static void key_entry(void *ctx, const char *key, const char *help)
{
    FILE *out = ctx;
    fputs(".TP\n.B ", out);
    roff(out, key);
    fputc('\n', out);
    roff(out, help);
    fputc('\n', out);
}

static void columns(FILE *out, const char *file, const char *what,
                    const struct output_column *cols)
{
    fputs(".TP\n.B ", out);
    roff(out, file);
    fputc('\n', out);
    roff(out, what);
    fputs("  Columns:\n.RS\n", out);
    for (size_t i = 0; cols[i].name; i++)
        key_entry(out, cols[i].name, cols[i].help);
    fputs(".RE\n", out);
}

static void page(FILE *out)
{
    fputs(".\\\" hvsim.1 - written by `hvsim --man` from the commands' option tables and the\n"
          ".\\\" registries; do not edit: `make` writes it again, a test compares.\n"
          ".TH HVSIM 1 \"\" \"hvsim " HVSIM_VERSION "\" \"User Commands\"\n"
          ".SH NAME\n"
          "hvsim \\- discrete\\-event simulator of hypervisor CPU allocation and vCPU "
          "scheduling\n"
          ".SH SYNOPSIS\n", out);
    for (size_t i = 0; i < cli_ncommands; i++) {
        fputs(i ? ".br\n.B hvsim " : ".B hvsim ", out);
        roff(out, cli_commands[i].name);
        fputc('\n', out);
        roff(out, cli_commands[i].synopsis);
        fputc('\n', out);
    }
    fputs(".br\n.B hvsim \\-\\-help\n|\n.B \\-\\-version\n"
          ".SH DESCRIPTION\n"
          ".B hvsim\n"
          "replays a workload (a trace or a synthetic one) against a vCPU scheduling policy and "
          "a CPU allocation policy on a modelled platform whose hardware costs (VT\\-x VM "
          "exits, two\\-dimensional EPT page walks, world switches) slow the guests down, and "
          "reports latency, throughput, utilisation, fairness and where the cycles went.  "
          "Time is integer nanoseconds: the same seed gives the same bytes.  With\n"
          ".B \\-\\-hw none\n"
          "(the default) it reproduces scheduling theory: textbook schedules exactly, "
          "queueing formulas within their confidence intervals.\n"
          ".SH COMMANDS\n", out);
    for (size_t i = 0; i < cli_ncommands; i++) {
        const struct cli_command *c = &cli_commands[i];
        fputs(".SS hvsim ", out);
        roff(out, c->name);
        fputc(' ', out);
        roff(out, c->synopsis);
        fputc('\n', out);
        roff(out, c->description);
        fputc('\n', out);
        options(out, c->options(), strcmp(c->name, "run") == 0);
        if (strcmp(c->name, "check") == 0)
            fputs(".PP\nand the options of the trace formats (TRACE FORMATS).\n", out);
    }

    fputs(".SH POLICIES\n"
          "Each policy declares its own options; an option of a policy that was not chosen "
          "is checked by its rule, then noted as ignored.  A policy can also be a plug\\-in, "
          "a shared object built against the installed headers and named by its path.\n", out);
    for (size_t f = 0; f < cli_nfamilies; f++)
        if (cli_families[f].registry != &trace_fmt_registry)
            family(out, &cli_families[f]);

    fputs(".SH TRACE FORMATS\n"
          "The format comes from the extension, from a directory's files (planetlab, or "
          "bitbrains when they are *.csv), or from\n.BR \\-\\-format .\n"
          "Every format is read as text: UTF\\-8, LF or CRLF line ends; run and check read "
          "it the same way and name a bad record as FILE:LINE[:COLUMN].\n", out);
    for (size_t f = 0; f < cli_nfamilies; f++)
        if (cli_families[f].registry == &trace_fmt_registry)
            family(out, &cli_families[f]);
    fputs(".SS Native columns (csv and json)\n", out);
    for (int k = 0; k < TRACE_F_COUNT; k++)
        key_entry(out, trace_field_names[k], trace_field_help[k]);
    fputs(".SS Synthetic workloads (\\-\\-generate SPEC)\n"
          "SPEC is key=value pairs separated by commas: n, interarrival, work, vcpus, "
          "mem_mb, priority (numbers or distributions) and class (a workload class).  "
          "Distributions: det:V, exp:MEAN, uniform:A:B, lognormal:MU:SIGMA, "
          "pareto:ALPHA:XMIN, bpareto:ALPHA:L:H, hyperexp:P:M1:M2, gamma:K:THETA.\n", out);

    fputs(".SH OUTPUT\n"
          "Without options run prints a short summary on stdout.\n"
          ".B \\-\\-json\n"
          "prints the summary as JSON on stdout and nothing else (with\n"
          ".BR \\-\\-gantt ,\n"
          "the chart goes to stderr).\n"
          ".B \\-\\-gantt\n"
          "prints a text Gantt chart, a row per core with the boundary times under the "
          "separators, and the per\\-guest table with a mean row over every guest.\n"
          ".B \\-\\-out DIR\n"
          "writes the files below and the plots (gnuplot scripts NAME.gp beside PNG and SVG): "
          "turnaround\\-cdf, timeline, overhead and, for at most 300 guests, gantt.  They "
          "are written into a temporary directory beside DIR, every write checked, and DIR "
          "is replaced by one rename at the end: a run that fails, or is stopped by SIGTERM, "
          "SIGINT or SIGHUP (which exit 128 + the signal), leaves DIR as it was.  A later "
          "run removes the temporaries of a run killed with SIGKILL; a second run on a DIR "
          "being written refuses; an existing DIR is replaced only if it holds nothing but "
          "files hvsim writes; timeline.csv has at most 10,000,000 rows.\n"
          "The summary's notes say what hvsim decided for the run (an SWF log's cores from "
          "its header, rounded --generate draws) and warn where a result changes meaning "
          "(an offered load of 1 or more, hosts left empty beside an overcommitted one, "
          "Gantt outputs cut short) or that the run may be long: the events that grow with "
          "its work (a time-slice scheduler's slices and ticks, one event per VM exit) are "
          "measured per core-second of work by two short pilot runs on one host of the "
          "platform with every core contended, times the workload's work, and more than "
          "6e9 (10 minutes at 10 M events/s) is said before the run starts; they go to "
          "stderr too, unless --quiet.\n", out);
    fputs(".SS Files of \\-\\-out\n", out);
    fputs(".TP\n.B summary.json\nthe summary (keys below).\n", out);
    columns(out, "jobs.csv", "one row per completed guest of the first replication, times "
            "in seconds exact to the nanosecond.", output_jobs_columns);
    columns(out, "timeline.csv", "one row per host per sample (without --sample the interval "
            "starts at 1 s and doubles to keep 1,024 to 2,048 rows per host).",
            output_timeline_columns);
    columns(out, "segments.csv", "which vCPU ran on which core, when (workloads of at most "
            "300 guests).", output_segments_columns);
    fputs(".TP\n.B reps.csv\none row per replication: its figures, columns named as the "
          "summary's keys with _ for . (turnaround_mean), wall\\-clock fields left out.\n", out);
    fputs(".SS Summary keys\n"
          "With --reps N every figure is the mean over the replications.\n", out);
    report_describe(key_entry, out);

    fputs(".SH EXIT STATUS\n"
          "0 success; 2 bad usage or input (a message names the option, or FILE:LINE[:COL], "
          "or gives PATH: reason for a path that is missing, of the wrong type or a "
          "symbolic\\-link loop, for every option that takes one); 1 any other failure, a "
          "failed write to standard output included; 128 + N when stopped by signal N.  A "
          "run that fails leaves no partial output.\n"
          ".SH ENVIRONMENT\n"
          ".TP\n.B HVSIM_DATA\n"
          "the directory holding profiles/ and classes/ (default: the installed data "
          "directory, or models/ beside the build directory).\n"
          ".TP\n.B HVSIM_CHECK=1\n"
          "check the engine's invariants after every event (slow; for debugging).\n"
          ".TP\n.B HVSIM_GNUPLOT\n"
          "the gnuplot binary for the plots (default gnuplot; without it the scripts and data "
          "are still written).\n"
          ".SH FILES\n"
          ".I PREFIX/share/hvsim/profiles/*.json\n"
          "hardware profiles;\n"
          ".I PREFIX/share/hvsim/classes/*.json\n"
          "workload classes (both listed by hvsim list).\n"
          ".SH EXAMPLES\n"
          ".nf\n"
          "hvsim run \\-\\-generate n=10000,interarrival=exp:1.25,work=exp:1 \\-\\-sched rr "
          "\\-\\-quantum 10ms\n"
          "hvsim run \\-\\-trace fig.csv \\-\\-sched rr \\-\\-quantum 4 \\-\\-gantt\n"
          "hvsim run \\-\\-trace jobs.swf \\-\\-cores 128 \\-\\-hw skylake\\-sp \\-\\-reps 1 "
          "\\-\\-out results/kth\n"
          "hvsim run \\-\\-config results/kth/summary.json \\-\\-out results/kth\\-again\n"
          "hvsim check jobs.swf \\-\\-limit 3000 \\-\\-cores 128 \\-\\-json\n"
          "hvsim compare results/q10ms results/q100ms \\-\\-out results/quantum\n"
          "hvsim explain \\-\\-hw skylake\\-sp \\-\\-class memory\\-intensive\n"
          "hvsim calibrate \\-\\-out myhost.json; hvsim explain \\-\\-hw myhost.json\n"
          ".fi\n"
          ".SH SEE ALSO\n"
          "README.md and docs/MODEL.md in the source tree: the model, every formula and the "
          "source of every default; docs/CALIBRATE.md: what hvsim calibrate measures and "
          "how.\n", out);
}

int cmd_man(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "hvsim: --man takes no arguments\n");
        return 2;
    }
    page(stdout);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "hvsim: cannot write to stdout\n");
        return 1;
    }
    return 0;
}
