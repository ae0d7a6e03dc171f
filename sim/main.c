/*
 * sim/main.c - the hvsim command line: run, list, check, explain,
 * compare.  It turns options into a platform, policies and a workload,
 * runs the replications and writes the outputs.  Exit status: 0 success,
 * 2 bad usage or input, 1 any other failure (SPEC.md).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calibrate/calibrate.h"
#include "models/hw.h"
#include "sim/compare.h"
#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/options.h"
#include "sim/hwsetup.h"
#include "sim/output.h"
#include "sim/platform-file.h"
#include "sim/progress.h"
#include "sim/report.h"
#include "sim/xalloc.h"
#include "workloads/check.h"
#include "workloads/synthetic.h"
#include "workloads/trace.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hvsim COMMAND [options]\n\n"
            "hvsim simulates how a hypervisor allocates CPU to virtual machines and schedules\n"
            "their vCPUs, charging the cost of virtualisation (VT-x exits, EPT walks, world\n"
            "switches) from a hardware profile, and reports latency, throughput, utilisation,\n"
            "fairness and overhead.\n\n"
            "commands:\n"
            "  run [options]        one experiment (possibly several replications);\n"
            "                       `hvsim run --help` lists the options\n"
            "  list                 schedulers, allocators, hardware profiles, trace formats\n"
            "                       and workload classes built in\n"
            "  check FILE           read a trace and report every problem with its location\n"
            "                       [--format NAME] [--cores N]\n"
            "  compare DIR...       several runs (--out directories) side by side: a table,\n"
            "                       [--csv|--json] [--out DIR] for plots [--metric PATH]\n"
            "  explain --hw NAME    the costs a hardware profile implies, derived step by step\n"
            "                       [--class C] [--json]\n"
            "  calibrate            measure this machine into a hardware profile\n"
            "                       [--out PROFILE.json] [--quick]\n"
            "  --help, --version\n\n"
            "examples:\n"
            "  hvsim run --generate n=1000,interarrival=exp:1.25,work=exp:1 --sched rr --json\n"
            "  hvsim run --trace jobs.swf --sched maxtput --cores 128 --out results/kth\n"
            "  hvsim list\n");
}

/* Where the data files (hardware profiles, classes) are: $HVSIM_DATA;
 * the source tree beside the binary (build/hvsim -> models/); an install
 * beside the binary (PREFIX/bin/hvsim -> PREFIX/share/hvsim, so an
 * installed tree can be moved); the install directory compiled in. */
static const char *datadir(void)
{
    static char buf[PATH_MAX];   /* registry-like: set once, read-only after */
    const char *env = getenv("HVSIM_DATA");
    if (env && *env)
        return env;
    char exe[PATH_MAX - 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            static const char *const rel[] = {"../models", "../share/hvsim"};
            for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                snprintf(buf, sizeof buf, "%s/%s/profiles", exe, rel[i]);
                if (access(buf, R_OK) == 0) {
                    snprintf(buf, sizeof buf, "%s/%s", exe, rel[i]);
                    return buf;
                }
            }
        }
    }
    return HVSIM_DATADIR;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- run ---- */

struct workload {
    bool synthetic;
    struct synth_spec spec;
    struct trace_options topt;
    char desc[600];
};

static int open_workload(const struct workload *w, const struct run_config *c, long rep,
                         struct trace_reader *r, struct sim_error *err)
{
    if (w->synthetic) {
        synth_open(r, &w->spec, (uint64_t)c->seed, (uint64_t)rep, &w->topt);
        return SIM_OK;
    }
    return trace_open(r, c->trace, &w->topt, err);
}

static int cmd_run(int argc, char **argv)
{
    struct run_config cfg;
    struct sim_error err = {0};
    struct hw_setup hs = {0};
    struct platform pf = {0};
    struct run_output out = {0};
    struct sim_result *results = NULL;
    json_t *summary = NULL;
    int rc;

    run_config_init(&cfg);
    rc = run_config_parse(&cfg, argc, argv, &err);
    if (rc == 1) {
        run_config_free(&cfg);
        return 0;
    }
    if (rc < 0)
        goto fail;

    const struct sched_ops *ops = sched_find(cfg.sched);
    if (!ops) {
        rc = sim_error_usage(&err, "--sched: unknown scheduler '%s' (see `hvsim list`)",
                             cfg.sched);
        goto fail;
    }
    rc = hw_setup_load(&hs, cfg.hw, datadir(), &err);
    if (rc < 0)
        goto fail;
    if (cfg.platform) {
        if (run_config_given(&cfg, "hosts") || run_config_given(&cfg, "cores") ||
            run_config_given(&cfg, "mem")) {
            rc = sim_error_usage(&err, "--platform describes the hosts: leave out --hosts, "
                                 "--cores and --mem");
            goto fail;
        }
        rc = platform_load(&pf, cfg.platform, cfg.hw, datadir(), &err);
        if (rc < 0)
            goto fail;
    }

    struct workload w = {0};
    trace_options_init(&w.topt);
    w.topt.format = cfg.format;
    w.topt.limit = cfg.limit;
    w.topt.start = cfg.start;
    w.topt.end = cfg.end;
    w.topt.scale_arrivals = cfg.scale_arrivals;
    w.topt.scale_work = cfg.scale_work;
    w.topt.swf_class_by = strcmp(cfg.swf_class, "none") == 0 ? NULL : cfg.swf_class;
    if (cfg.trace) {
        snprintf(w.desc, sizeof w.desc, "%s", cfg.trace);
    } else {
        w.synthetic = true;
        const char *spec = cfg.generate ? cfg.generate : SYNTH_DEFAULT_SPEC;
        rc = synth_parse(&w.spec, spec, &err);
        if (rc < 0)
            goto fail;
        if (w.spec.class_name[0] && sim_class_find(&hs.tables, w.spec.class_name) < 0) {
            rc = sim_error_usage(&err, "--generate class=%s: unknown workload class "
                                 "(see `hvsim list`)", w.spec.class_name);
            goto fail;
        }
        char canon[400];
        synth_format(&w.spec, canon, sizeof canon);
        snprintf(w.desc, sizeof w.desc, "generate %s", canon);
    }

    struct sim_params p;
    sim_params_init(&p);
    p.nhosts = (int)cfg.hosts;
    p.ncores = (int)cfg.cores;
    p.host_mem_mb = cfg.mem;
    p.sched = ops;
    p.sched_params.quantum = cfg.quantum;
    p.sched_params.clairvoyant = cfg.clairvoyant;
    p.sched_params.preemptive = cfg.preempt;
    p.hw = hs.tables;
    if (cfg.platform) {
        p.nhosts = pf.nhosts;
        p.host_specs = pf.specs;
    }
    p.seed = (uint64_t)cfg.seed;
    p.warmup = cfg.warmup;
    p.sample = cfg.sample;
    p.discrete_exits = strcmp(cfg.exit_model, "discrete") == 0;
    p.admission_reject = strcmp(cfg.admission, "reject") == 0;
    p.placement = strcmp(cfg.place, "best-fit") == 0    ? SIM_PLACE_BEST_FIT
                  : strcmp(cfg.place, "worst-fit") == 0 ? SIM_PLACE_WORST_FIT
                                                        : SIM_PLACE_FIRST_FIT;
    p.overcommit = cfg.overcommit;
    p.alloc = alloc_find(cfg.alloc);
    /* Options of the other allocator have no effect: say so (a warning, not
     * an error, so that sweeps may cross --alloc with them). */
    static const char *const demand_only[] = {"interval", "headroom", "floor"};
    for (size_t i = 0; i < sizeof demand_only / sizeof demand_only[0] && !cfg.quiet; i++)
        if (!p.alloc->periodic && run_config_given(&cfg, demand_only[i]))
            fprintf(stderr, "hvsim: note: --%s applies to --alloc demand; ignored with --alloc "
                    "%s\n", demand_only[i], cfg.alloc);
    if (p.alloc->periodic && run_config_given(&cfg, "share") && !cfg.quiet)
        fprintf(stderr, "hvsim: note: --share applies to --alloc static; ignored with --alloc "
                "%s\n", cfg.alloc);
    p.alloc_params.equal_share = strcmp(cfg.share, "equal") == 0;
    p.alloc_params.headroom = cfg.headroom;
    p.alloc_params.floor = cfg.floor;
    p.alloc_params.interval = cfg.interval;
    p.check_invariants = getenv("HVSIM_CHECK") && strcmp(getenv("HVSIM_CHECK"), "1") == 0;

    rc = run_output_open(&out, cfg.out != NULL, cfg.gantt, !run_config_given(&cfg, "sample"),
                         &err);
    if (rc < 0)
        goto fail;

    struct progress prog;
    long total = w.synthetic ? w.spec.n : 0;
    if (cfg.limit > 0 && (total == 0 || cfg.limit < total))
        total = cfg.limit;
    progress_init(&prog, stderr, !cfg.quiet && isatty(STDERR_FILENO), total, cfg.reps);

    results = xcalloc((size_t)cfg.reps, sizeof *results);
    for (long rep = 0; rep < cfg.reps; rep++) {
        struct trace_reader src;
        rc = open_workload(&w, &cfg, rep, &src, &err);
        if (rc < 0)
            goto fail;
        p.rep = (uint64_t)rep;
        progress_attach(&prog, &p, rep);
        /* Outputs per guest and over time describe the first replication. */
        if (rep == 0)
            run_output_attach(&out, &p);
        else
            p.on_job = NULL, p.on_sample = NULL, p.on_segment = NULL;
        struct sim *sim;
        rc = sim_create(&sim, &p, &err);
        if (rc < 0) {
            trace_close(&src);
            goto fail;
        }
        double t0 = wall_now();
        rc = sim_run(sim, &src, &err);
        if (rc == SIM_OK && sim->violations > 0)
            rc = sim_error_set(&err, SIM_EINTERNAL, NULL, 0, 0,
                               "HVSIM_CHECK: %ld engine invariant violations; the first: %s",
                               sim->violations, sim->violation);
        double wall = wall_now() - t0;
        trace_close(&src);
        if (rc == SIM_OK) {
            sim_result(sim, &results[rep]);
            results[rep].wall_seconds = wall;
            results[rep].events_per_second = wall > 0 ? results[rep].events / wall : NAN;
            if (cfg.reps == 1)
                metrics_batch_means(&sim->metrics, cfg.batches ? cfg.batches : 20,
                                    &results[rep]);
        }
        sim_destroy(sim);
        if (rc < 0) {
            progress_done(&prog);
            goto fail;
        }
    }
    progress_done(&prog);

    struct report_extra extra = {w.desc, NAN, hw_model_profile_name(hs.model)};
    summary = report_summary(&cfg, results, (size_t)cfg.reps, &extra);
    if (cfg.out) {
        rc = run_output_write(&out, cfg.out, summary, &err);
        if (rc < 0)
            goto fail;
    }
    if (cfg.gantt)
        run_output_gantt(&out, stdout, (int)cfg.cores, (int)cfg.hosts);
    if (cfg.json) {
        char *text = json_dumps(summary, JSON_INDENT(2));
        puts(text);
        free(text);
    } else if (!cfg.gantt && !cfg.out) {
        report_text(stdout, summary);
    } else if (!cfg.gantt && !cfg.quiet) {
        report_text(stderr, summary);
    }
    rc = SIM_OK;
    goto done;
fail:
    sim_error_print(&err, stderr);
done:
    json_decref(summary);
    free(results);
    run_output_close(&out);
    hw_setup_free(&hs);
    platform_free(&pf);
    run_config_free(&cfg);
    if (fflush(stdout) != 0 && rc == SIM_OK) {
        fprintf(stderr, "hvsim: cannot write to stdout: %s\n", strerror(errno));
        return 1;
    }
    return sim_error_exit_status(rc);
}

/* ---- list ---- */

static int cmd_list(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "hvsim: list takes no arguments\n");
        return 2;
    }
    printf("schedulers (--sched):\n");
    for (size_t i = 0; i < sched_count(); i++)
        printf("  %-10s %s%s%s\n", sched_at(i)->name, sched_at(i)->desc,
               sched_at(i)->flags & SCHED_SIZE_BASED ? " (size-based: see --clairvoyant)" : "",
               i == 0 ? " [default]" : "");
    printf("\nallocators (--alloc):\n");
    for (size_t i = 0; i < alloc_count(); i++)
        printf("  %-10s %s%s\n", alloc_at(i)->name, alloc_at(i)->desc, i == 0 ? " [default]" : "");
    printf("\nplacement (--place):\n");
    printf("  %-10s %s\n", "first-fit", "the lowest-numbered host where the guest fits [default]");
    printf("  %-10s %s\n", "best-fit", "the host left with the least free memory, then vCPU slots");
    printf("  %-10s %s\n", "worst-fit", "the host left with the most free memory, then vCPU slots");
    printf("\ntrace formats (--format):\n");
    for (size_t i = 0; i < trace_fmt_count(); i++)
        printf("  %-10s %s\n", trace_fmt_at(i)->name, trace_fmt_at(i)->desc);
    printf("  %-10s %s\n", "(generate)", "synthetic workload: --generate SPEC");
    printf("\n");
    hw_list(stdout, datadir());
    return 0;
}

/* ---- check ---- */

static bool class_known(const char *name, void *ctx)
{
    return hw_class_find(ctx, name) >= 0;
}

static int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    struct trace_options opt;
    trace_options_init(&opt);
    double cores = 0;
    long max_errors = 50;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: hvsim check PATH [--format NAME] [--cores N] [--max-errors N]\n\n"
                   "Read a trace (a file, or a directory for planetlab/bitbrains) the way `run`\n"
                   "would and report every problem as FILE:LINE[:COLUMN]: what is wrong (at most\n"
                   "--max-errors, default 50, then a count), then a summary: records, skipped\n"
                   "records by reason, time span, total work and the offered load\n"
                   "sum(work x vcpus) / span / cores (--cores; default the SWF header's MaxProcs,\n"
                   "else 1).  Exit status 2 if there is any error.\n");
            return 0;
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            opt.format = argv[++i];
        } else if (strcmp(a, "--cores") == 0 && i + 1 < argc) {
            if (!sim_parse_double(argv[++i], &cores) || cores < 1 || cores != floor(cores)) {
                fprintf(stderr, "hvsim: check: --cores '%s' is not an integer >= 1\n", argv[i]);
                return 2;
            }
        } else if (strcmp(a, "--max-errors") == 0 && i + 1 < argc) {
            double v;
            if (!sim_parse_double(argv[++i], &v) || v < 1 || v != floor(v)) {
                fprintf(stderr, "hvsim: check: --max-errors '%s' is not an integer >= 1\n",
                        argv[i]);
                return 2;
            }
            max_errors = (long)v;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "hvsim: check: unknown option '%s' (see hvsim check --help)\n", a);
            return 2;
        } else if (!path) {
            path = a;
        } else {
            fprintf(stderr, "hvsim: check: one PATH only ('%s' is a second)\n", a);
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "hvsim: check needs a PATH (see hvsim check --help)\n");
        return 2;
    }
    struct hw_model *classes = NULL;
    struct sim_error err = {0};
    if (hw_model_load("none", datadir(), &classes, &err) < 0)
        classes = NULL;   /* no data files: class names checked for syntax only */
    int rc = trace_check(stdout, stderr, path, &opt, cores, classes ? class_known : NULL,
                         classes, max_errors);
    hw_model_free(classes);
    return sim_error_exit_status(rc);
}

/* ---- explain ---- */

static int cmd_explain(int argc, char **argv)
{
    const char *hw = NULL, *cls = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: hvsim explain --hw NAME|FILE [--class CLASS] [--json]\n\n"
                   "Derive, step by step and with sources, the costs a hardware profile implies:\n"
                   "exit costs in ns, the references and latency of a 2D page walk for each\n"
                   "page-size pair, the cost of a world switch, and the slowdown of each workload\n"
                   "class (or of CLASS).  --json prints the same as JSON.\n");
            return 0;
        } else if (strcmp(argv[i], "--hw") == 0 && i + 1 < argc) {
            hw = argv[++i];
        } else if (strncmp(argv[i], "--hw=", 5) == 0) {
            hw = argv[i] + 5;
        } else if (strcmp(argv[i], "--class") == 0 && i + 1 < argc) {
            cls = argv[++i];
        } else if (strncmp(argv[i], "--class=", 8) == 0) {
            cls = argv[i] + 8;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else {
            fprintf(stderr, "hvsim: explain: unexpected argument '%s' (usage: hvsim explain "
                    "--hw NAME [--class C] [--json])\n", argv[i]);
            return 2;
        }
    }
    if (!hw) {
        fprintf(stderr, "hvsim: explain needs --hw NAME (see `hvsim list`)\n");
        return 2;
    }
    struct sim_error err = {0};
    struct hw_model *m;
    int rc = hw_model_load(hw, datadir(), &m, &err);
    if (rc == SIM_OK) {
        if (cls && hw_class_find(m, cls) < 0)
            rc = sim_error_usage(&err, "--class %s: unknown workload class (see `hvsim list`)",
                                 cls);
        else
            rc = hw_explain(stdout, m, cls, json, &err);
        hw_model_free(m);
    }
    if (rc < 0)
        sim_error_print(&err, stderr);
    return sim_error_exit_status(rc);
}

/* ---- calibrate ---- */

static int cmd_calibrate(int argc, char **argv)
{
    struct calib_options opt;
    const char *out = NULL;
    calib_options_init(&opt);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            calib_usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strncmp(argv[i], "--out=", 6) == 0) {
            out = argv[i] + 6;
        } else if (strcmp(argv[i], "--quick") == 0) {
            opt.quick = true;
        } else {
            fprintf(stderr, "hvsim: calibrate: unexpected argument '%s' (usage: hvsim calibrate "
                    "[--out PROFILE.json] [--quick])\n", argv[i]);
            return 2;
        }
    }
    char name[32];
    calib_name_from_path(out, name, sizeof name);
    opt.name = name;
    struct sim_error err = {0};
    json_t *profile = NULL;
    int rc = calib_run(&opt, stderr, &profile, &err);
    if (rc == SIM_OK)
        rc = calib_write_profile(profile, out, &err);
    if (rc == SIM_OK && out)
        fprintf(stderr, "profile written to %s (use it with --hw %s)\n", out, out);
    json_decref(profile);
    if (rc < 0)
        sim_error_print(&err, stderr);
    return sim_error_exit_status(rc);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("hvsim %s\n", HVSIM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return compare_main(argc - 1, argv + 1);
    if (strcmp(cmd, "calibrate") == 0)
        return cmd_calibrate(argc - 1, argv + 1);
    fprintf(stderr, "hvsim: unknown command '%s' (see hvsim --help)\n", cmd);
    return 2;
}
