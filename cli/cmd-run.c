/*
 * cli/cmd-run.c - `hvsim run`: options -> one resolved experiment (struct
 * sim_experiment and the workload) -> replications -> outputs.
 *
 * The options of run are the rows of run_opts below plus the knobs every
 * registered policy declares in its own file (schedulers/, allocators/,
 * workloads/): --help, --config keys, the config echo in the summary and
 * the notes on options that do not apply are all generated from them.
 * After parsing, nothing reads the command line again: the engine gets the
 * experiment, the outputs get the experiment and the summary.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/jsonfile.h"
#include "base/xalloc.h"
#include "cli/args.h"
#include "cli/commands.h"
#include "cli/datadir.h"
#include "cli/estimate.h"
#include "cli/platform-file.h"
#include "cli/plugin.h"
#include "cli/pool.h"
#include "cli/preset.h"
#include "cli/progress.h"
#include "consolidation/quirks.h"
#include "report/census.h"
#include "report/outdir.h"
#include "report/output.h"
#include "report/plots.h"
#include "report/report.h"
#include "report/units.h"
#include "sim/engine.h"
#include "sim/hwsetup.h"
#include "workloads/check.h"
#include "workloads/synthetic.h"
#include "workloads/trace.h"

/* What the command line says, before it is resolved into an experiment. */
struct run_options {
    /* workload */
    char *trace, *format, *generate;
    long limit;
    sim_time_t start, end;
    double scale_arrivals, scale_work;
    /* policies: a registered name or a plug-in's path */
    char *sched, *alloc, *place;
    int cosched;             /* enum sim_cosched */
    sim_time_t cosched_skew;
    bool rigid;
    /* platform */
    double overcommit;
    int admission;           /* 0 queue, 1 reject */
    long hosts, cores, sockets;
    double mem;
    char *platform;
    /* hardware */
    char *hw;
    int exit_model;          /* 0 fluid, 1 discrete (counted), 2 discrete-events */
    int model;               /* 0 discrete, 1 fluid */
    sim_time_t cap_period;
    /* consolidation and energy */
    int preset;              /* 0 none, 1 cloudsim-planetlab */
    char *consolidate, *select, *cons_place, *migration;   /* NAME[:V[,KEY=V...]] */
    bool power_aware;
    char *quirks;
    /* experiment */
    long seed, reps, batches, warmup;
    long jobs;               /* replications at once, 0 = the online CPUs */
    long threads;            /* threads of one run's hosts (sim_experiment.threads) */
    /* output */
    char *out;
    sim_time_t sample;
    bool json, gantt, quiet;
    char *config;
};

#define F(field) offsetof(struct run_options, field)
/* The family options (sched, alloc, place, format) name a policy; their
 * help lists the registry (run_help).  Group headings are in run_groups. */
static const struct param_def run_opts[] = {
    {"trace", PARAM_PATH, F(trace), .metavar = "FILE", .help = "workload from a trace file or "
     "directory, or - for standard input (format from the extension, a directory's files, or "
     "--format); gzip, xz, zstd and bzip2 files are read as they are (kth.swf.gz is swf)"},
    {"format", PARAM_STRING, F(format), .metavar = "NAME", .help = "trace format"},
    {"generate", PARAM_STRING, F(generate), .metavar = "SPEC", .help = "synthetic workload, "
     "e.g. n=1000,interarrival=exp:1.25,work=exp:1 (keys n, interarrival, work, vcpus, "
     "mem_mb, priority, class; values are numbers or distributions det:V exp:MEAN "
     "uniform:A:B lognormal:MU:SIGMA pareto:ALPHA:XMIN bpareto:ALPHA:L:H hyperexp:P:M1:M2 "
     "gamma:K:THETA). Default when no --trace: " SYNTH_DEFAULT_SPEC " (M/M/1, load 0.8)"},
    {"limit", PARAM_INT, F(limit), NULL, 1, 1e15, .metavar = "N",
     .help = "read only the first N records of the trace"},
    {"start", PARAM_DURATION, F(start), NULL, 0, SIM_SECONDS_MAX, .metavar = "T",
     .help = "keep records arriving at or after T (trace time; arrivals are shifted so that "
     "T becomes 0)"},
    {"end", PARAM_DURATION, F(end), NULL, 0, SIM_SECONDS_MAX, PARAM_MIN_OPEN, .metavar = "T",
     .help = "keep records arriving before T (trace time)"},
    {"scale-arrivals", PARAM_REAL, F(scale_arrivals), "1", 0, 1e9, PARAM_MIN_OPEN,
     .metavar = "F", .help = "divide inter-arrival times by F (F > 1 raises the load)"},
    {"scale-work", PARAM_REAL, F(scale_work), "1", 0, 1e9, PARAM_MIN_OPEN, .metavar = "F",
     .help = "multiply every guest's work by F"},

    {"sched", PARAM_STRING, F(sched), .metavar = "NAME|PATH.so", .help = "vCPU scheduler"},
    {"alloc", PARAM_STRING, F(alloc), .metavar = "NAME|PATH.so", .help = "CPU allocation"},
    {"place", PARAM_STRING, F(place), .metavar = "NAME|PATH.so",
     .help = "placement of guests across hosts"},
    {"cosched", PARAM_CHOICE, F(cosched), "none", .choices = "none|strict|relaxed",
     .metavar = "none|strict|relaxed", .help = "co-scheduling of a VM's vCPUs, under every "
     "scheduler: strict makes them a gang (they start and stop together; idle cores are held "
     "for a gang that does not fit yet); relaxed is VMware ESX's (a vCPU whose progress leads "
     "its slowest sibling's by --cosched-skew is co-stopped until the laggards catch up).  The "
     "problem they solve, vCPUs spinning on a lock held by a preempted sibling, comes with a "
     "hardware profile (--hw): its classes' spin_fraction and PAUSE-loop exiting; see spin "
     "in the summary"},
    {"cosched-skew", PARAM_DURATION, F(cosched_skew), "3ms", 1e-6, 10, .metavar = "DUR",
     .help = "relaxed co-scheduling's skew threshold, after VMware's 'The CPU Scheduler in "
     "VMware vSphere 5.1' (2013); the default is an estimate: far above a critical section "
     "(us), below a time slice (ms)"},
    {"rigid", PARAM_FLAG, F(rigid), .help = "a job's vCPUs start together the first time (a "
     "gang start, as HPC logs such as SWF assume; jobs of every trace format), then run one by "
     "one; --cosched strict also stops them together"},

    {"overcommit", PARAM_REAL, F(overcommit), NULL, 0, 1e6, PARAM_MIN_OPEN, .metavar = "R",
     .help = "CPU overcommit: a host accepts at most R x cores vCPUs (default: no limit; "
     "memory always is one)"},
    {"admission", PARAM_CHOICE, F(admission), "queue", .choices = "queue|reject",
     .metavar = "queue|reject", .help = "a guest that fits nowhere waits (queue) or is "
     "rejected"},
    {"hosts", PARAM_INT, F(hosts), "1", 1, 100000, .metavar = "N", .help = "number of hosts"},
    {"cores", PARAM_INT, F(cores), "1", 1, 100000, .metavar = "N",
     .help = "physical cores per host; without it an SWF log runs on the MaxProcs (else "
     "MaxNodes) of its header; hosts x cores at most 4,194,304"},
    {"sockets", PARAM_INT, F(sockets), "1", 1, 1024, .metavar = "N",
     .help = "sockets per host; its cores are split evenly among them (the runqueues of "
     "credit2 are per socket)"},
    {"mem", PARAM_REAL, F(mem), "0", 0, 1e12, .metavar = "MB",
     .help = "memory per host in MB (0 = unlimited)"},
    {"platform", PARAM_PATH, F(platform), .metavar = "FILE", .help = "hosts of different "
     "sizes and hardware from a JSON file: {\"hosts\": [{\"count\": 2, \"cores\": 16, "
     "\"mem_mb\": 65536, \"hw\": \"skylake-sp\", \"sockets\": 2, \"affinity\": "
     "{\"interactive\": \"0-1\"}}, ...]}; affinity pins a workload class to a cpuset of "
     "each such host's cores, unless a guest has its own (the trace's affinity column)"},

    {"hw", PARAM_STRING, F(hw), "none", .metavar = "NAME|FILE", .help = "hardware profile "
     "(see `hvsim list`, `hvsim explain`): none is ideal hardware, for theory; e.g. "
     "skylake-sp"},
    {"exit-model", PARAM_CHOICE, F(exit_model), "fluid",
     .choices = "fluid|discrete|discrete-events", .metavar = "MODEL", .help = "VM exits as a "
     "rate folded into the progress rate (fluid), or as individual exits, Poisson in each "
     "vCPU's progress, each stalling its core for its cost: counted per run segment "
     "(discrete, fast) or one event each (discrete-events, the same model drawn exit by exit: "
     "slow, the reference)"},
    {"model", PARAM_CHOICE, F(model), "discrete", .choices = "discrete|fluid",
     .metavar = "discrete|fluid", .help = "guests with a utilisation series (PlanetLab, "
     "Bitbrains): vCPUs that run bursts and block, ordered by the scheduler and capped by the "
     "allocator (discrete), or fluids that share their host by water-filling, a fast "
     "approximation that no scheduler orders (fluid)"},
    {"cap-period", PARAM_DURATION, F(cap_period), "100ms", 0, 3600, PARAM_MIN_OPEN,
     .metavar = "DUR", .help = "period of a guest's CPU cap (its grant, or the trace's cap "
     "column): at most cap x period of core time per period; the default is Linux CFS "
     "bandwidth control's cfs_period_us"},

    {"preset", PARAM_CHOICE, F(preset), "none", .choices = "none|cloudsim-planetlab",
     .metavar = "NAME", .help = "cloudsim-planetlab: CloudSim 5.0's PlanetLab consolidation "
     "experiment (Beloglazov & Buyya 2012) on --trace DIR, a PlanetLab day: 800 hosts "
     "alternating HP ProLiant ML110 G4 and G5, CloudSim's four VM types, its time steps and "
     "every quirk of --quirks; with --consolidate none it is CloudSim's DVFS run, with "
     "--power-aware no its NPA run"},
    {"consolidate", PARAM_STRING, F(consolidate), .metavar = "NAME[:V]",
     .help = "dynamic consolidation: how the manager finds overloaded hosts every --interval; "
     "it then moves VMs off them and drains the least used hosts (live migration), and "
     "hosts left empty switch off"},
    {"select", PARAM_STRING, F(select), .metavar = "NAME",
     .help = "which VMs leave an overloaded host"},
    {"consolidate-place", PARAM_STRING, F(cons_place), .metavar = "NAME",
     .help = "where the manager puts the VMs it moves and, while consolidating, the VMs that "
     "arrive"},
    {"migration", PARAM_STRING, F(migration), .metavar = "NAME[:V]",
     .help = "live migration model"},
    {"power-aware", PARAM_BOOL, F(power_aware), "yes", .metavar = "yes|no",
     .help = "hosts with a power table draw P(utilisation) and switch off while they hold "
     "no VM (yes), or draw their peak power all the time, as CloudSim's non-power-aware "
     "baseline (no)"},
    {"quirks", PARAM_STRING, F(quirks), .flags = PARAM_OWN_DEFAULT, .metavar = "LIST",
     .help = "CloudSim 5.0's departures from physics to reproduce: all, none, or switch names "
     "separated by commas, a leading - turning one off (all,-remove_zero_demand_vms); the "
     "switches are listed in docs/MODEL.md.  Default: all with --preset, none without; the "
     "data centre's switches exist only with --preset"},

    {"seed", PARAM_INT, F(seed), "1", 0, 9.2e18, .metavar = "N", .help = "random seed"},
    {"reps", PARAM_INT, F(reps), "1", 1, 1e6, .metavar = "N",
     .help = "independent replications"},
    {"jobs", PARAM_INT, F(jobs), NULL, 1, 4096, PARAM_NEUTRAL | PARAM_OWN_DEFAULT,
     .metavar = "N", .help = "run up to N replications at once, each on a thread of its own "
     "(default: the number of online CPUs); the results are the same for every N"},
    {"threads", PARAM_INT, F(threads), "1", 1, 4096, PARAM_NEUTRAL, .metavar = "N",
     .help = "run one replication's hosts on N threads: between the run's own events "
     "(arrivals, samples, re-allocations) hosts do not interact, so each host's events run "
     "apart and the hosts are shared out among the threads; the results are the same for "
     "every N.  Pays on many busy hosts (a data-centre trace); a run with a consolidation "
     "manager or power tables, or on one host, runs on one thread"},
    {"batches", PARAM_INT, F(batches), NULL, 2, 1e6, .metavar = "N", .help = "batch means "
     "over one run for the confidence intervals of turnaround and waiting (default 20); with "
     "--reps N the interval is over the replications, unless they are all identical"},
    {"warmup", PARAM_INT, F(warmup), "0", 0, 1e15, .metavar = "N",
     .help = "completions left out of the statistics at the start"},

    {"out", PARAM_PATH, F(out), .flags = PARAM_NEUTRAL, .metavar = "DIR", .help = "write "
     "summary.json, jobs.csv, timeline.csv, reps.csv, segments.csv (up to 300 guests) and "
     "plots there: built beside DIR and moved into place at the end, so a run that fails or "
     "is stopped leaves DIR as it was; an existing DIR is replaced only if it holds nothing "
     "but hvsim's files"},
    {"sample", PARAM_DURATION, F(sample), "1s", 0, SIM_SECONDS_MAX,
     PARAM_MIN_OPEN | PARAM_OWN_DEFAULT,
     .metavar = "DUR", .help = "sampling interval of timeline.csv (default: adaptive, from 1s "
     "and doubled as needed to keep 1,024-2,048 rows per host); at most 10,000,000 rows"},
    {"json", PARAM_FLAG, F(json), .flags = PARAM_NEUTRAL,
     .help = "print the summary as JSON on stdout"},
    {"gantt", PARAM_FLAG, F(gantt), .flags = PARAM_NEUTRAL,
     .help = "print a text Gantt chart and the per-guest table (on stderr with --json, "
     "which keeps stdout for the JSON)"},
    {"quiet", PARAM_FLAG, F(quiet), .flags = PARAM_NEUTRAL, .help = "no progress or notes on "
     "stderr"},
    {"config", PARAM_PATH, F(config), .flags = PARAM_NEUTRAL, .metavar = "FILE",
     .help = "read options from a JSON object whose keys are the long options (null = not "
     "given; paths relative to the file), or from the summary.json of an earlier run, whose "
     "config it reads: the same experiment again, byte for byte (paths as that run was given "
     "them, relative to the current directory); options on the command line win"},
    {NULL},
};
#undef F

const struct param_def *cmd_run_options(void) { return run_opts; }
unsigned long cmd_run_options_size(void) { return sizeof(struct run_options); }

/* --help headings: before the option of that name. */
static const struct {
    const char *before, *heading;
} run_groups[] = {
    {"trace", "Workload"},
    {"sched", "Policies (each with its own options, listed below)"},
    {"overcommit", "Platform"},
    {"hw", "Hardware"},
    {"preset", "Consolidation and energy (each policy with its own options, listed below)"},
    {"seed", "Experiment"},
    {"out", "Output"},
};

static bool is_family_option(const char *name) { return cli_family(name) != NULL; }

/* The knobs of every policy a command can choose, with the policy they
 * belong to, so that a knob's help names its owners. */
static void help_family(FILE *out, const struct cli_family_desc *f)
{
    const struct registry *r = f->registry;
    for (size_t i = 0; i < registry_count(r); i++) {
        const struct policy_info *p = registry_at(r, i);
        fprintf(out, "  %-24s", p->name);
        char text[600];
        snprintf(text, sizeof text, "%s%s%s%s%s", p->desc ? p->desc : "",
                 p->aliases ? " (also: " : "", p->aliases ? p->aliases : "",
                 p->aliases ? ")" : "", i == 0 && r != &trace_fmt_registry ? " [default]" : "");
        param_wrap(out, text, 26, 26);
        for (size_t k = 0; p->params && p->params[k].name; k++)
            param_help(out, &p->params[k], 4);
    }
}

const char *cmd_run_group(const char *option)
{
    for (size_t g = 0; g < sizeof run_groups / sizeof run_groups[0]; g++)
        if (strcmp(run_groups[g].before, option) == 0)
            return run_groups[g].heading;
    return NULL;
}

void cmd_run_option_help(const struct param_def *d, char *buf, size_t len)
{
    if (!is_family_option(d->name)) {
        param_help_text(d, buf, len);
        return;
    }
    const struct cli_family_desc *fd = cli_family_desc(d->name);
    const struct registry *r = fd->registry;
    char names[400];
    registry_names(r, names, sizeof names);
    if (strcmp(d->name, "migration") == 0)
        snprintf(buf, len, "%s: %s (default %s; cloudsim with --preset); NAME:V sets the "
                 "model's first option, NAME:KEY=V,... any", d->help, names,
                 registry_at(r, 0)->name);
    else if (!fd->plugins && strcmp(d->name, "format") != 0)
        snprintf(buf, len, "%s: %s (default %s)%s", d->help, names, registry_at(r, 0)->name,
                 param_count(registry_at(r, 1)->params) > 0
                     ? "; NAME:V sets the policy's first option, NAME:KEY=V,... any" : "");
    else if (strcmp(d->name, "format") == 0)
        snprintf(buf, len, "%s: %s (default: from the extension, or a directory's files)",
                 d->help, names);
    else
        snprintf(buf, len, "%s: %s; or a plug-in built against the installed headers "
                 "(default %s)", d->help, names, registry_at(r, 0)->name);
}

static void run_help(FILE *out)
{
    fprintf(out,
            "usage: hvsim run [options]\n\n"
            "Run one experiment: replay a workload (a trace or a synthetic one) against a\n"
            "scheduling and an allocation policy on a modelled platform, and report latency,\n"
            "throughput, utilisation, fairness and the cost of virtualisation.\n"
            "Options are --name value or --name=value.  Durations are seconds or a number\n"
            "with ns, us, ms, s, min, h or d (a whole number of nanoseconds).  Every option\n"
            "can also be given in a --config JSON file under its long name; paths in it are\n"
            "relative to it.\n");
    for (size_t i = 0; run_opts[i].name; i++) {
        const struct param_def *d = &run_opts[i];
        if (cmd_run_group(d->name))
            fprintf(out, "\n%s:\n", cmd_run_group(d->name));
        if (is_family_option(d->name)) {
            char text[600];
            cmd_run_option_help(d, text, sizeof text);
            struct param_def row = *d;
            row.help = text;
            row.def = NULL;
            param_help(out, &row, 2);
            continue;
        }
        param_help(out, d, 2);
    }
    for (size_t f = 0; f < cli_nfamilies; f++) {
        fprintf(out, "\n%s (--%s) and their options:\n", cli_families[f].heading,
                cli_families[f].option);
        help_family(out, &cli_families[f]);
    }
    fprintf(out,
            "\nExit status: 0 success; 2 bad usage or input (FILE:LINE:COL: what is wrong, or\n"
            "PATH: reason, on stderr); 1 any other failure (an output that cannot be\n"
            "written, stdout included; 128+N when stopped by signal N).  Only the requested\n"
            "output goes to stdout; notes and warnings go to stderr and the summary.\n"
            "Example: hvsim run --generate n=1000,interarrival=exp:1.25,work=exp:1 --sched rr "
            "--quantum 10ms --json\n");
}

/* Every option run knows: its own and every registered policy's knobs. */
static void run_optset(struct cli_optset *s)
{
    cli_optset_add(s, run_opts);
    for (size_t f = 0; f < cli_nfamilies; f++) {
        const struct registry *r = cli_families[f].registry;
        for (size_t i = 0; i < registry_count(r); i++)
            cli_optset_add(s, registry_at(r, i)->params);
    }
}

/* The --config FILE of the command line, found before parsing (its
 * plug-ins must be loaded first), or NULL. */
static const char *config_path(int argc, char **argv)
{
    const char *config = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            config = argv[i] + 9;
    }
    return config;
}

/* Plug-ins named on the command line or in the config (cfg, may be NULL)
 * are loaded before parsing, so that their knobs are options like any
 * other. */
static int preload_plugins(int argc, char **argv, const struct json_file *cfg,
                           struct sim_error *err)
{
    for (int i = 1; i < argc; i++) {
        for (size_t f = 0; f < cli_nfamilies; f++) {
            if (!cli_families[f].plugins)
                continue;
            const char *opt = cli_families[f].option;
            size_t n = strlen(opt);
            const char *a = argv[i], *val = NULL;
            if (strncmp(a, "--", 2) == 0 && strncmp(a + 2, opt, n) == 0) {
                if (a[2 + n] == '=')
                    val = a + 3 + n;
                else if (a[2 + n] == '\0' && i + 1 < argc)
                    val = argv[i + 1];
            }
            if (val && cli_is_plugin_path(val)) {
                int rc = cli_plugin_load(val, opt, NULL, err);
                if (rc < 0)
                    return rc;
            }
        }
    }
    if (!cfg || !json_is_object(cfg->root))
        return SIM_OK;
    for (size_t f = 0; f < cli_nfamilies; f++) {
        if (!cli_families[f].plugins)
            continue;
        const char *opt = cli_families[f].option;
        const json_t *v = json_object_get(cfg->root, opt);
        if (json_is_string(v) && cli_is_plugin_path(json_string_value(v))) {
            /* relative to the config file, as its other paths */
            char path[4096];
            const char *p = json_string_value(v);
            const char *slash = strrchr(cfg->path, '/');
            if (p[0] != '/' && slash)
                snprintf(path, sizeof path, "%.*s/%s", (int)(slash - cfg->path), cfg->path, p);
            else
                snprintf(path, sizeof path, "%s", p);
            int rc = cli_plugin_load(path, opt, NULL, err);
            if (rc < 0)
                return rc;
        }
    }
    return SIM_OK;
}

/* The workload of the experiment: a trace or a synthetic spec. */
struct workload {
    bool synthetic;
    struct synth_spec spec;
    struct trace_options topt;
    struct policy_choice fmt;   /* the trace's format and its knobs */
    char desc[600];
    /* The trace, opened once by resolve (its header may set the platform,
     * and standard input can be read only once): the first replication
     * reads it, later ones open it again. */
    struct trace_reader first;
    bool first_open;
};

/* The policy chosen for the family option `option`, or NULL if option
 * names no family. */
static const struct policy_choice *chosen_of(const struct sim_experiment *x,
                                             const struct workload *w, const char *option)
{
    static const struct {
        const char *option;
        size_t offset;   /* in struct sim_experiment */
    } map[] = {
        {"sched", offsetof(struct sim_experiment, sched)},
        {"alloc", offsetof(struct sim_experiment, alloc)},
        {"place", offsetof(struct sim_experiment, place)},
        {"consolidate", offsetof(struct sim_experiment, cons.detector)},
        {"select", offsetof(struct sim_experiment, cons.selector)},
        {"consolidate-place", offsetof(struct sim_experiment, cons.placement)},
        {"migration", offsetof(struct sim_experiment, cons.migration)},
    };
    if (strcmp(option, "format") == 0)
        return &w->fmt;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].option, option) == 0)
            return (const struct policy_choice *)((const char *)x + map[i].offset);
    return NULL;
}

/* What hvsim decided for the user or warns about: printed to stderr (as
 * it happens, unless --quiet) and kept for the summary's "notes". */
struct run_notes {
    json_t *list;   /* array of strings (owned) */
    bool quiet;
};

static void run_note(struct run_notes *n, bool warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void run_note(struct run_notes *n, bool warning, const char *fmt, ...)
{
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* one note per line of text */
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!n->list)
            n->list = json_array();
        json_array_append_new(n->list, json_sprintf("%s%s", warning ? "warning: " : "", line));
        if (!n->quiet)
            fprintf(stderr, "hvsim: %s: %s\n", warning ? "warning" : "note", line);
    }
}

/* Choose a policy of the family of option name (a registered name, or a
 * plug-in loaded by preload_plugins) and read its knobs. */
static int choose_policy(struct policy_choice *c, const char *option, const char *value,
                         struct cli_args *args, struct sim_error *err)
{
    const struct cli_family_desc *fd = cli_family_desc(option);
    struct registry *r = fd->registry;
    int rc;
    if (!fd->plugins)   /* NAME[:V[,KEY=V...]]; an option given on its own wins */
        rc = cons_choose(c, r, value ? value : registry_at(r, 0)->name, err);
    else if (!value)
        rc = policy_choose_info(c, registry_at(r, 0), err);
    else if (cli_is_plugin_path(value)) {
        const struct policy_info *p;
        rc = cli_plugin_load(value, option, &p, err);
        if (rc == SIM_OK)
            rc = policy_choose_info(c, p, err);
    } else {
        rc = policy_choose(c, r, value, err);
    }
    if (rc == SIM_OK)
        rc = cli_args_apply(args, c->info->params, c->conf, err);
    return rc;
}

/* Options given but read by no chosen policy are still checked by the rule
 * of every policy that declares them (a sweep that crosses --sched with
 * --quantum must not hide a bad quantum), then noted as ignored: "--quantum
 * applies to --sched rr, minlat; ignored with --sched fcfs". */
static int check_unused(const struct cli_args *args, const struct sim_experiment *x,
                        const struct workload *w, bool quiet, struct sim_error *err)
{
    for (size_t i = 0; i < args->narg; i++) {
        const struct cli_arg *g = &args->arg[i];
        if (g->used)
            continue;
        for (size_t f = 0; f < cli_nfamilies; f++) {
            const struct registry *r = cli_families[f].registry;
            char owners[300] = "";
            size_t used = 0;
            for (size_t p = 0; p < registry_count(r); p++) {
                const struct policy_info *info = registry_at(r, p);
                const struct param_def *d = param_find(info->params, g->name);
                if (!d)
                    continue;
                void *scratch = xcalloc(1, info->conf_size);
                int rc = g->json ? param_set_json(d, scratch, g->json, g->origin, g->base_dir, err)
                                 : param_set(d, scratch, g->text ? g->text : "", g->origin,
                                             g->base_dir, err);
                param_free(info->params, scratch);
                free(scratch);
                if (rc < 0) {
                    cli_arg_locate(g, err);
                    return rc;
                }
                if (used < sizeof owners)
                    used += (size_t)snprintf(owners + used, sizeof owners - used, "%s%s",
                                             used ? ", " : "", info->name);
            }
            bool first = true;   /* one note per option, however often it was given */
            for (size_t k = 0; k < i; k++)
                first = first && strcmp(args->arg[k].name, g->name) != 0;
            if (!used || quiet || !first)
                continue;
            const struct policy_choice *c = chosen_of(x, w, cli_families[f].option);
            if (c->info)
                fprintf(stderr, "hvsim: note: --%s applies to --%s %s; ignored with --%s %s\n",
                        g->name, cli_families[f].option, owners, cli_families[f].option,
                        c->info->name);
            else
                fprintf(stderr, "hvsim: note: --%s applies to --%s %s; ignored without a "
                        "trace of that format\n", g->name, cli_families[f].option, owners);
        }
    }
    return SIM_OK;
}

/* The echo of the resolved experiment: every option that can change the
 * results, in --help order, each policy followed by its knobs; an option
 * without a default that was not given is null.  Read back with --config
 * (a summary.json is accepted as is), it gives the same experiment: the
 * same results, byte for byte. */
static json_t *config_echo(const struct run_options *o, const struct sim_experiment *x,
                           const struct workload *w, const struct cli_args *args)
{
    json_t *cfg = json_object();
    for (size_t i = 0; run_opts[i].name; i++) {
        const struct param_def *d = &run_opts[i];
        if (d->flags & PARAM_NEUTRAL)
            continue;
        if (o->preset && preset_fixes(d->name)) {   /* the preset decides it: not given */
            json_object_set_new(cfg, d->name, json_null());
            continue;
        }
        const struct policy_choice *c = chosen_of(x, w, d->name);
        if (c) {
            json_object_set_new(cfg, d->name, c->info ? json_string(c->info->name) : json_null());
            for (size_t k = 0; c->info && c->info->params && c->info->params[k].name; k++) {
                const struct param_def *p = &c->info->params[k];
                json_object_set_new(cfg, p->name, o->preset && preset_fixes(p->name)
                                                      ? json_null()
                                                      : param_to_json(p, c->conf));
            }
            continue;
        }
        if (strcmp(d->name, "generate") == 0 && w->synthetic) {
            char canon[400];
            synth_format(&w->spec, canon, sizeof canon);
            json_object_set_new(cfg, d->name, json_string(canon));
            continue;
        }
        /* not given, and no default to echo (the adaptive --sample, no
         * --end, no --limit): null, which --config reads as not given;
         * nor the uniform platform's size when a platform file gives the
         * hosts (--config would then refuse both) */
        bool by_platform = o->platform && (strcmp(d->name, "hosts") == 0 ||
                                           strcmp(d->name, "cores") == 0 ||
                                           strcmp(d->name, "sockets") == 0 ||
                                           strcmp(d->name, "mem") == 0);
        if (((!d->def || (d->flags & PARAM_OWN_DEFAULT)) && !cli_args_given(args, d->name)) ||
            by_platform) {
            json_object_set_new(cfg, d->name, json_null());
            continue;
        }
        json_object_set_new(cfg, d->name, param_to_json(d, o));
    }
    return cfg;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int open_workload(struct workload *w, const struct run_options *o, long rep,
                         struct trace_reader *r, struct sim_error *err)
{
    if (w->synthetic) {
        synth_open(r, &w->spec, (uint64_t)o->seed, (uint64_t)rep, &w->topt);
        return SIM_OK;
    }
    if (rep == 0 && w->first_open) {   /* (only replication 0 touches it: --jobs) */
        *r = w->first;   /* ownership moves to the caller, who closes it */
        w->first_open = false;
        return SIM_OK;
    }
    return trace_open(r, o->trace, &w->topt, err);
}

/* The horizon of a synthetic workload, for the size of timeline.csv:
 * n inter-arrival times and one work; 0 if a mean is not finite. */
static double synth_horizon(const struct synth_spec *spec)
{
    double h = (double)spec->n * dist_mean(&spec->interarrival) + dist_mean(&spec->work);
    return isfinite(h) ? h : 0;
}

/* An SWF log says how large its machine was (MaxProcs, else MaxNodes):
 * without --cores or --platform, a replay runs on that many cores. */
static int swf_default_cores(struct run_options *o, struct cli_args *args,
                             const struct trace_reader *r, struct run_notes *notes,
                             struct sim_error *err)
{
    if (o->platform || cli_args_given(args, "cores") || strcmp(r->fmt->info.name, "swf") != 0)
        return SIM_OK;
    long procs = r->max_procs > 0 ? r->max_procs : r->max_nodes;
    const char *key = r->max_procs > 0 ? "MaxProcs" : "MaxNodes";
    const struct param_def *d = param_find(run_opts, "cores");
    if (procs <= 0) {
        run_note(notes, true, "%s says nothing of its machine's size (no MaxProcs or MaxNodes "
                 "in its header): it runs on --cores %ld; give --cores N", r->path, o->cores);
        return SIM_OK;
    }
    if (procs > d->max)
        return sim_error_set(err, SIM_EINVAL, r->path, 0, 0, "header %s: %ld processors, more "
                             "than --cores allows (%g); give --cores or --hosts", key, procs,
                             d->max);
    o->cores = procs;
    run_note(notes, false, "cores: %ld, the %s of %s's header (give --cores to change it)",
             procs, key, r->path);
    return SIM_OK;
}

/* Options -> the workload, the platform and the policies. */
static int resolve(struct run_options *o, struct cli_args *args, struct sim_experiment *x,
                   struct workload *w, struct hw_setup *hs, struct platform *pf,
                   struct run_notes *notes, struct sim_error *err)
{
    if (o->trace && o->generate)
        return sim_error_usage(err, "--trace and --generate exclude each other");
    if (o->end > 0 && o->start >= o->end) {
        char start[64], end[64];
        param_format(param_find(run_opts, "start"), o, start, sizeof start);
        param_format(param_find(run_opts, "end"), o, end, sizeof end);
        return sim_error_usage(err, "--start %s must be before --end %s", cli_args_text(args,
                               "start") ? cli_args_text(args, "start") : start,
                               cli_args_text(args, "end") ? cli_args_text(args, "end") : end);
    }
    if (o->platform && (cli_args_given(args, "hosts") || cli_args_given(args, "cores") ||
                        cli_args_given(args, "mem") || cli_args_given(args, "sockets")))
        return sim_error_usage(err, "--platform describes the hosts: leave out --hosts, "
                               "--cores, --sockets and --mem");
    int rc = choose_policy(&x->sched, "sched", o->sched, args, err);
    if (rc == SIM_OK)
        rc = choose_policy(&x->alloc, "alloc", o->alloc, args, err);
    if (rc == SIM_OK)
        rc = choose_policy(&x->place, "place", o->place, args, err);
    if (rc == SIM_OK)
        rc = choose_policy(&x->cons.detector, "consolidate", o->consolidate, args, err);
    if (rc == SIM_OK)
        rc = choose_policy(&x->cons.selector, "select", o->select, args, err);
    if (rc == SIM_OK)
        rc = choose_policy(&x->cons.placement, "consolidate-place", o->cons_place, args, err);
    if (rc == SIM_OK)
        rc = choose_policy(&x->cons.migration, "migration", o->migration, args, err);
    if (rc < 0)
        return rc;

    trace_options_init(&w->topt);
    w->topt.limit = o->limit;
    w->topt.start = sim_time_seconds(o->start);
    w->topt.end = o->end > 0 ? sim_time_seconds(o->end) : -1;
    w->topt.scale_arrivals = o->scale_arrivals;
    w->topt.scale_work = o->scale_work;
    if (o->trace) {
        snprintf(w->desc, sizeof w->desc, "%s", o->trace);
        const struct trace_fmt *fmt = o->format ? trace_fmt_find(o->format)
                                                : trace_fmt_for_path(o->trace);
        if (!fmt && o->format)
            return policy_choose(&w->fmt, &trace_fmt_registry, o->format, err);
        if (!fmt)
            return trace_format_unknown(o->trace, err);
        rc = policy_choose_info(&w->fmt, &fmt->info, err);
        if (rc == SIM_OK)
            rc = cli_args_apply(args, fmt->info.params, w->fmt.conf, err);
        if (rc < 0)
            return rc;
        w->topt.format = fmt->info.name;
        w->topt.fmt_conf = w->fmt.conf;
        /* Open it now: a path that cannot be read is bad input before
         * anything is written, and its header may size the platform. */
        rc = trace_open(&w->first, o->trace, &w->topt, err);
        if (rc < 0)
            return rc;
        w->first_open = true;
        if (w->first.once && o->reps > 1)
            return sim_error_usage(err, "--trace %s can be read only once (standard input, a "
                                   "FIFO or a device): --reps must be 1", o->trace);
        if (w->first.dir_skipped[0])
            run_note(notes, false, "%s: not read: %s", w->first.path, w->first.dir_skipped);
        rc = swf_default_cores(o, args, &w->first, notes, err);
        if (rc < 0)
            return rc;
    } else {
        if (o->format)
            return sim_error_usage(err, "--format applies to --trace");
        w->synthetic = true;
        const char *spec = o->generate ? o->generate : SYNTH_DEFAULT_SPEC;
        rc = synth_parse(&w->spec, spec, err);
        if (rc < 0)
            return rc;
        char canon[400];
        synth_format(&w->spec, canon, sizeof canon);
        snprintf(w->desc, sizeof w->desc, "generate %s", canon);
        if (w->spec.note[0])
            run_note(notes, false, "%s", w->spec.note);
    }
    if (!o->platform && (double)o->hosts * (double)o->cores > (double)PLATFORM_MAX_CORES)
        return sim_error_usage(err, "--hosts %ld x --cores %ld = %.4g cores, more than the "
                               "limit of %ld (%s)", o->hosts, o->cores,
                               (double)o->hosts * (double)o->cores, PLATFORM_MAX_CORES,
                               PLATFORM_MAX_CORES_WHY);

    /* A profile file named in a config file is relative to it, like the
     * config's other paths (a profile name is not a path). */
    const struct cli_arg *hw_arg = cli_args_last(args, "hw");
    if (hw_arg && hw_arg->base_dir && o->hw && o->hw[0] != '/' && hw_model_is_path(o->hw)) {
        char *joined = xmalloc(strlen(hw_arg->base_dir) + strlen(o->hw) + 2);
        sprintf(joined, "%s/%s", hw_arg->base_dir, o->hw);
        free(o->hw);
        o->hw = joined;
    }
    rc = hw_setup_load(hs, o->hw, cli_datadir(), err);
    if (rc < 0)
        return rc;
    x->hw = hs->tables;
    x->hw_name = hw_model_profile_name(hs->model);
    if (w->synthetic && w->spec.class_name[0] && sim_class_find(&x->hw, w->spec.class_name) < 0)
        return sim_error_usage(err, "--generate class=%s: unknown workload class (see `hvsim "
                               "list`)", w->spec.class_name);
    if (o->platform) {
        rc = platform_load(pf, o->platform, o->hw, cli_datadir(), err);
        if (rc < 0)
            return rc;
        sim_experiment_hosts(x, pf->specs, pf->nhosts);
    } else {
        if (o->sockets > o->cores)
            return sim_error_usage(err, "--sockets %ld: more sockets than --cores %ld",
                                   o->sockets, o->cores);
        sim_experiment_uniform(x, (int)o->hosts, (int)o->cores, o->mem);
        for (int i = 0; i < x->nhosts; i++)
            x->hosts[i].sockets = (int)o->sockets;
    }
    x->overcommit = o->overcommit;
    x->admission_reject = o->admission == 1;
    x->discrete_exits = o->exit_model != 0;
    x->exit_events = o->exit_model == 2;
    /* A closed loop without a number of cycles runs until --end (in
     * simulated time: the trace window's end, shifted and scaled as the
     * arrivals are). */
    if (w->synthetic && w->spec.closed && w->spec.cycles == 0) {
        if (o->end <= 0)
            return sim_error_usage(err, "--generate think=,burst= without cycles=N runs until "
                                   "--end T: give one of them");
        x->horizon = (sim_time_t)llround((double)(o->end - o->start) / o->scale_arrivals);
    }
    x->fluid = o->model == 1;
    x->power_aware = o->power_aware;
    if (!o->preset) {
        /* the manager's quirk switches (hvsim's default: none of them);
         * the data centre's exist only in the preset's model */
        struct cons_cloudsim_quirks dq;
        bool dc_on;
        rc = cons_quirks_parse(o->quirks ? o->quirks : "none", false, &x->cons.quirks, &dq,
                               &dc_on, err);
        if (rc < 0)
            return rc;
        if (dc_on)
            return sim_error_usage(err, "--quirks %s: the data centre's switches (%s) exist only "
                                   "in CloudSim's model: give --preset cloudsim-planetlab, or "
                                   "only the manager's (lr_unweighted, iqr_index_quartiles, "
                                   "mc_from_min_value, mc_commons_math_qr, "
                                   "drain_overload_targets, power_diff_from_measured)",
                                   o->quirks, "remove_zero_demand_vms, events_offset, "
                                   "zero_util_is_off, energy_cloudsim, oversubscription_floor, "
                                   "ram_released, history_of_demand");
    }
    x->cap_period = o->cap_period;
    x->cosched = (enum sim_cosched)o->cosched;
    x->cosched_skew = o->cosched_skew;
    x->rigid = o->rigid;
    if (x->cosched != SIM_COSCHED_RELAXED && cli_args_given(args, "cosched-skew") && !o->quiet)
        fprintf(stderr, "hvsim: note: --cosched-skew applies to --cosched relaxed; ignored "
                "with --cosched %s\n", x->cosched == SIM_COSCHED_STRICT ? "strict" : "none");

    x->seed = (uint64_t)o->seed;
    x->threads = (int)o->threads;
    x->warmup = o->warmup;
    x->sample = o->sample;
    return SIM_OK;
}

/* One replication of the experiment: its inputs are shared and read
 * only, its hooks, result and error are its own (--jobs runs several at
 * once; cli/pool.h). */
struct rep_task {
    struct sim_hooks hooks;
    struct sim_result *result;
    struct sim_error err;
};
struct rep_batch {
    const struct sim_experiment *x;
    struct workload *w;
    const struct run_options *o;
    struct rep_task *tasks;
    struct progress *prog;
    struct census *census;
};

static int run_rep(void *ctx, long rep)
{
    struct rep_batch *b = ctx;
    struct rep_task *t = &b->tasks[rep];
    struct trace_reader src;
    int rc = open_workload(b->w, b->o, rep, &src, &t->err);
    if (rc < 0)
        return rc;
    census_attach(b->census, &t->hooks, rep);
    progress_attach(b->prog, &t->hooks, rep);
    struct sim *sim;
    rc = sim_create(&sim, b->x, (uint64_t)rep, &t->hooks, &t->err);
    if (rc < 0) {
        trace_close(&src);
        census_rep_done(b->census, rep);
        progress_rep_done(b->prog, rep);
        return rc;
    }
    double t0 = wall_now();
    rc = sim_run(sim, &src, &t->err);
    const char *first;
    long violations = sim_violations(sim, &first);
    if (rc == SIM_OK && violations > 0)
        rc = sim_error_set(&t->err, SIM_EINTERNAL, NULL, 0, 0,
                           "HVSIM_CHECK: %ld engine invariant violations; the first: %s",
                           violations, first);
    double wall = wall_now() - t0;
    trace_close(&src);
    if (rc == SIM_OK) {
        struct sim_result *r = t->result;
        sim_result(sim, r);
        r->wall_seconds = wall;
        r->events_per_second = wall > 0 ? r->events / wall : NAN;
        /* every replication: with replications that all come out the
         * same, the first one's batch means give the interval */
        metrics_batch_means(sim_metrics(sim), b->o->batches ? b->o->batches : 20, r);
    }
    sim_destroy(sim);
    census_rep_done(b->census, rep);
    progress_rep_done(b->prog, rep);
    return rc;
}

/* A run of more events than this is announced before it starts, with
 * its length at a typical rate of this engine on one core (7-13 M
 * events/s on KTH jobs under rr, credit, credit2, cfs and eevdf; 13-16 M
 * in make bench's M/M/1 and rr rows): ten minutes, when the progress
 * line's note off a terminal also speaks up (cli/progress.h). */
#define HUGE_RUN_EVENTS_PER_S 1e7
#define HUGE_RUN_EVENTS (600 * HUGE_RUN_EVENTS_PER_S)

/* The vCPU core-seconds of work a replication of the run serves through
 * its scheduler (work x vCPUs of every guest, a fluid's series not), from
 * the generator's means or by reading the trace once; 0 when it cannot
 * be told without consuming the input (standard input). */
static double run_work(const struct run_options *o, const struct workload *w)
{
    if (w->synthetic) {
        const struct synth_spec *sp = &w->spec;
        double n = (double)(o->limit > 0 && o->limit < sp->n ? o->limit : sp->n);
        double per_vcpu = dist_mean(&sp->work);
        if (sp->closed) {
            double cycle = dist_mean(&sp->think) + dist_mean(&sp->burst);
            double cycles = sp->cycles > 0 ? (double)sp->cycles
                            : o->end > 0 && cycle > 0 ? sim_time_seconds(o->end) / cycle : 0;
            per_vcpu = cycles * dist_mean(&sp->burst);
        }
        double work = n * dist_mean(&sp->vcpus) * per_vcpu * o->scale_work;
        return isfinite(work) ? work : 0;
    }
    if (!o->trace || strcmp(o->trace, "-") == 0)
        return 0;
    struct trace_summary s;
    if (trace_check_summary(NULL, o->trace, &w->topt, 1, NULL, NULL, 0, &s) == SIM_EIO)
        return 0;
    return o->model == 1 ? s.cpu - s.series_cpu : s.cpu;
}

static void huge_run_note(struct run_notes *notes, const struct run_options *o,
                          const struct sim_experiment *x, double rate, double work)
{
    double events = rate * work, hours = events / HUGE_RUN_EVENTS_PER_S / 3600;
    char len[64];
    if (hours >= 1)
        snprintf(len, sizeof len, "%.3g hours", hours);
    else
        snprintf(len, sizeof len, "%.0f minutes", hours * 60);
    run_note(notes, true, "this run may take up to about %.3g events, %s at %.0f M events/s: "
             "%.3g core-seconds of vCPU work%s at %.3g events per core-second, as many as "
             "%s%s takes on a contended host of this platform (measured before the run; a "
             "vCPU alone on its core takes fewer); %s", events, len,
             HUGE_RUN_EVENTS_PER_S / 1e6, work, o->reps > 1 ? " over the replications" : "",
             rate, x->sched.info->name, x->exit_events ? " with one event per VM exit" : "",
             x->exit_events ? "--exit-model discrete draws the same exits as counts"
                            : "a longer time slice, or --limit N for the first N guests, "
                              "takes fewer");
}

/* Warnings and checks that need the resolved experiment. */
static int check_experiment(const struct run_options *o, struct cli_args *args,
                            const struct sim_experiment *x, const struct workload *w,
                            struct run_notes *notes, struct sim_error *err)
{
    long cores = sim_experiment_cores(x);
    /* An open workload at load >= 1 has no steady state: its queue grows
     * with n, and so do the means it reports.  (det:0 arrivals are one
     * batch, not an open stream.) */
    double ia_mean = w->synthetic ? dist_mean(&w->spec.interarrival) : 0;
    if (w->synthetic && ia_mean > 0) {
        double rho = dist_mean(&w->spec.work) * dist_mean(&w->spec.vcpus) * o->scale_work *
                     o->scale_arrivals / ia_mean / (double)cores;
        char ia[96], wk[96];
        dist_format(&w->spec.interarrival, ia, sizeof ia);
        dist_format(&w->spec.work, wk, sizeof wk);
        bool default_ia = !o->generate || !strstr(o->generate, "interarrival");
        if (!(rho < 1))
            run_note(notes, true, "offered load %.3g >= 1 (work=%s x vcpus / interarrival=%s "
                     "/ %ld core%s): the queue grows without bound, so turnaround and waiting "
                     "grow with n and have no steady state%s", rho, wk, ia, cores,
                     cores == 1 ? "" : "s", default_ia ? " (interarrival=exp:1 is what a "
                     "--generate without it takes)" : "");
    }
    /* An explicit --sample that would write more timeline rows than the
     * limit: refused before the run when its length is known. */
    if (o->out && cli_args_given(args, "sample")) {
        double horizon = w->synthetic ? synth_horizon(&w->spec) / o->scale_arrivals
                         : o->end > 0 ? sim_time_to_s(o->end - o->start) / o->scale_arrivals : 0;
        double rows = output_timeline_rows(horizon, o->sample, x->nhosts);
        if (rows > (double)OUTPUT_TIMELINE_MAX_ROWS) {
            char fit[64];
            plots_format_duration(nice_step(horizon * x->nhosts / (double)OUTPUT_TIMELINE_MAX_ROWS),
                                  fit, sizeof fit);
            return sim_error_usage(err, "--sample %s: timeline.csv would have about %.3g rows "
                                   "(%d host%s over about %.4g s of simulated time), more than "
                                   "its limit of %ld (about 0.7 GB): give --sample %s or "
                                   "more, or leave --sample out for an adaptive interval",
                                   cli_args_text(args, "sample") ? cli_args_text(args, "sample")
                                                                 : "", rows, x->nhosts,
                                   x->nhosts == 1 ? "" : "s", horizon,
                                   OUTPUT_TIMELINE_MAX_ROWS, fit);
        }
    }
    /* Options read by nothing in this experiment. */
    if (cli_args_given(args, "batches") && o->reps > 1)
        run_note(notes, false, "--batches applies to a single replication; ignored with --reps "
                 "%ld (the intervals are over replications)", o->reps);
    if (cli_args_given(args, "sample") && !o->out)
        run_note(notes, false, "--sample sets the interval of timeline.csv; ignored without "
                 "--out");
    /* (the default value is no change: a config from a summary.json
     * gives every key) */
    if (cli_args_given(args, "exit-model") && o->exit_model != 0 && !x->hw.rates && !o->platform)
        run_note(notes, false, "--exit-model applies to modelled hardware; ignored with --hw "
                 "none (no VM exits)");
    /* A run whose work may take more than ten minutes of events, told
     * before it starts (cli/estimate.h). */
    if (!o->preset) {
        double rate = 0;
        int rc = estimate_work_events(x, &rate, err);
        if (rc < 0)
            return rc;
        double work = rate > 0 ? run_work(o, w) * o->reps : 0;
        if (rate * work > HUGE_RUN_EVENTS)
            huge_run_note(notes, o, x, rate, work);
    }
    return SIM_OK;
}

int cmd_run(int argc, char **argv)
{
    struct run_options o;
    struct cli_args args = {0};
    struct cli_optset known = {0};
    struct sim_error err = {0};
    struct sim_experiment x = {0};
    struct workload w = {0};
    struct hw_setup hs = {0};
    struct platform pf = {0};
    struct run_output out = {0};
    struct outdir od = {0};
    struct census census = {0};
    struct run_notes notes = {0};
    struct json_file cfgfile = {0};
    struct sim_result *results = NULL;
    struct breakdown *breakdowns = NULL;
    json_t *summary = NULL;
    bool transaction = false;
    int rc;

    memset(&o, 0, sizeof o);
    rc = param_defaults(run_opts, &o, &err);
    /* The config is read once: it may be a pipe (--config <(...)). */
    const char *config = config_path(argc, argv);
    if (rc == SIM_OK && config)
        rc = json_file_load(&cfgfile, config, JSON_REJECT_DUPLICATES, &err);
    if (rc == SIM_OK)
        rc = preload_plugins(argc, argv, config ? &cfgfile : NULL, &err);
    if (rc < 0)
        goto fail;
    run_optset(&known);
    rc = cli_args_parse(&args, "run", argc, argv, &known, &err);
    if (rc < 0)
        goto fail;
    if (args.help) {
        run_help(stdout);
        goto done;
    }
    rc = cli_args_positional(&args, 0, 0, "", &err);
    if (rc == SIM_OK && config)
        rc = cli_args_load_config(&args, &cfgfile, &known, &err);
    if (rc == SIM_OK)
        rc = cli_args_apply(&args, run_opts, &o, &err);
    notes.quiet = o.quiet;
    if (rc == SIM_OK)
        rc = sim_experiment_init(&x, &err);
    if (rc == SIM_OK)
        rc = resolve(&o, &args, &x, &w, &hs, &pf, &notes, &err);
    if (rc == SIM_OK)
        rc = check_unused(&args, &x, &w, o.quiet, &err);
    if (rc == SIM_OK && o.preset) {
        rc = preset_resolve(&args, &x, o.trace, o.quirks, &err);
        if (!cli_args_given(&args, "hosts"))
            o.hosts = 800;   /* CloudSim's NUMBER_OF_HOSTS, echoed as such */
    }
    if (rc == SIM_OK)
        rc = check_experiment(&o, &args, &x, &w, &notes, &err);
    if (rc < 0)
        goto fail;

    /* --out: the result is built in a temporary directory beside DIR and
     * replaces it at the end (report/outdir.h). */
    if (o.out) {
        rc = outdir_begin(&od, o.out, run_output_names, false, &err);
        if (rc < 0)
            goto fail;
        transaction = true;
    }
    bool adaptive = !cli_args_given(&args, "sample") && !o.preset;
    rc = run_output_open(&out, o.out ? outdir_tmp(&od) : NULL, o.gantt, adaptive, o.sample, &err);
    if (rc < 0)
        goto fail;
    if (o.preset && out.jobs) {   /* CloudSim's model runs no guest to completion and no vCPU */
        fclose(out.jobs);
        out.jobs = NULL;
        out.segments = false;
        char path[4200];
        snprintf(path, sizeof path, "%s/jobs.csv", outdir_tmp(&od));
        unlink(path);
    }
    census_init(&census, &x);

    struct progress prog;
    long total = w.synthetic ? w.spec.n : 0;
    if (o.limit > 0 && (total == 0 || o.limit < total))
        total = o.limit;
    /* how long a replication lasts in simulated time, when it can be told */
    double horizon = x.horizon > 0 ? sim_time_to_s(x.horizon)
                     : w.synthetic && !w.spec.closed ? synth_horizon(&w.spec) / o.scale_arrivals
                     : 0;
    progress_init(&prog, stderr,
                  o.quiet                   ? PROGRESS_OFF
                  : isatty(STDERR_FILENO)   ? PROGRESS_LINE
                                            : PROGRESS_NOTE,
                  total, horizon, o.reps);
    const char *check = getenv("HVSIM_CHECK");

    results = xcalloc((size_t)o.reps, sizeof *results);
    breakdowns = xcalloc((size_t)o.reps, sizeof *breakdowns);
    struct rep_task *tasks = xcalloc((size_t)o.reps, sizeof *tasks);
    struct rep_batch batch = {&x, &w, &o, tasks, &prog, &census};
    if (o.preset) {   /* CloudSim's time-stepped model, one replication */
        double t0 = wall_now();
        rc = preset_run(&x, o.trace, o.quirks, o.hosts, &out, &results[0], &err);
        if (rc < 0) {
            free(tasks);
            progress_done(&prog);
            progress_free(&prog);
            goto fail;
        }
        results[0].wall_seconds = wall_now() - t0;
        breakdown_init(&breakdowns[0], &x);
    }
    for (long rep = 0; rep < o.reps && !o.preset; rep++) {
        struct rep_task *t = &tasks[rep];
        t->result = &results[rep];
        t->hooks.check_invariants = check && strcmp(check, "1") == 0;
        /* Outputs per guest and over time describe the first replication;
         * every replication has its breakdown (deadlines, classes). */
        breakdown_init(&breakdowns[rep], &x);
        run_output_attach(&out, &t->hooks, &x, rep, &breakdowns[rep]);
    }
    long failed = 0;
    int jobs = o.jobs > 0 ? (int)o.jobs : pool_online_cpus();
    if (!o.preset)
        rc = pool_run(o.reps, jobs, run_rep, &batch, &failed);
    progress_done(&prog);
    progress_free(&prog);
    if (rc < 0)
        err = tasks[failed].err;
    free(tasks);
    if (rc < 0)
        goto fail;

    /* What the run did that a reader of its figures should know. */
    char text[1200] = "";
    /* (consolidation packs guests and moves them on purpose: --place is
     * not what put them there) */
    bool consolidating = o.preset || (x.cons.detector.info &&
                                      x.cons.detector.info != registry_at(&cons_detector_registry, 0));
    if (!consolidating)
        census_warning(&census, x.place.info->name, text, sizeof text);
    if (text[0])
        run_note(&notes, true, "%s", text);
    double rho = census_offered_load(&census, sim_experiment_cores(&x));
    if (!w.synthetic && rho >= 1)
        run_note(&notes, true, "offered load %.3g >= 1 over the trace's arrival span (sum of "
                 "work x vcpus / span / %ld cores): the queue grows while guests arrive, and "
                 "turnaround depends on the trace's length", rho, sim_experiment_cores(&x));
    run_output_notes(&out, o.out != NULL, text, sizeof text);
    if (text[0])
        run_note(&notes, true, "%s", text);

    struct report_extra extra = {w.desc, x.hw_name, (uint64_t)o.seed, breakdowns,
                                 census_json(&census), notes.list};
    notes.list = NULL;   /* the summary owns it now */
    summary = report_summary(config_echo(&o, &x, &w, &args), results, (size_t)o.reps, &extra);
    if (o.out) {
        rc = run_output_write(&out, summary, &err);
        if (rc == SIM_OK) {
            transaction = false;
            rc = outdir_commit(&od, &err);
        }
        if (rc < 0)
            goto fail;
    }
    /* With --json, stdout is the summary alone (`| jq` must parse): the
     * chart goes to stderr. */
    if (o.gantt)
        run_output_gantt(&out, o.json ? stderr : stdout, &x);
    if (json_is_true(json_object_get(summary, "replications_identical")) && !o.quiet)
        fprintf(stderr, "hvsim: note: the %ld replications are identical (the workload "
                "replays the same way each time), so an interval over them would be "
                "zero-wide; %s\n", o.reps,
                strcmp(json_string_value(json_object_get(summary, "ci_method")),
                       "batch-means") == 0
                    ? "ci95 comes from the batch means of one run"
                    : "too few guests for batch means: no ci95");
    if (o.json) {
        char *dump = report_dumps(summary);
        fputs(dump, stdout);
        free(dump);
    } else if (!o.gantt && !o.out) {
        report_text(stdout, summary);
    } else if (!o.gantt && !o.quiet) {
        report_text(stderr, summary);
    }
    rc = SIM_OK;
    goto done;
fail:
    sim_error_print(&err, stderr);
done:
    run_output_close(&out);   /* before the abort: its open files are in the directory */
    if (transaction)
        outdir_abort(&od);
    if (w.first_open)
        trace_close(&w.first);
    json_decref(summary);
    json_decref(notes.list);
    free(results);
    census_free(&census);
    for (long rep = 0; breakdowns && rep < o.reps; rep++)
        breakdown_free(&breakdowns[rep]);
    free(breakdowns);
    policy_release(&w.fmt);
    sim_experiment_release(&x);
    hw_setup_free(&hs);
    platform_free(&pf);
    param_free(run_opts, &o);
    cli_args_free(&args);
    cli_optset_free(&known);
    json_file_free(&cfgfile);
    return sim_error_exit_status(rc);
}
