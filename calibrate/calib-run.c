/*
 * calibrate/calib-run.c - `hvsim calibrate` from start to profile: detect
 * the machine, time the exits, chase pointers, fit the walk, ping-pong,
 * then build the profile and print what was measured.
 *
 * Order matters: the switch test sizes its largest working set by the TLB
 * the walk fit found, so memory comes before scheduling.  Every
 * measurement runs on a thread pinned to the first CPU this process may
 * use (the second for the cross-CPU tests); the caller's own affinity is
 * left alone.  Randomness (chain layouts only) is one GSL MT19937 stream
 * seeded from the options' seed by SplitMix64.
 */
#define _GNU_SOURCE
#include "calibrate/calib-report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "base/rng.h"
#include "base/xalloc.h"

#define MiB (1024.0 * 1024.0)
#define GiB (1024.0 * MiB)

/* The sizes of the runs (calibrate.h, enum calib_size). */
static const struct calib_size_plan {
    const char *label;          /* in the log and in every measured value's source */
    long exit_iters;            /* CPUID or hypercall round trips per run */
    int exit_runs;
    double max_ws;              /* largest working set, bytes (capped by the memory) */
    int per_octave;             /* working sets per doubling */
    long accesses;              /* timed loads per chase */
    int mem_runs;               /* passes over every working set */
    long pingpong_iters;        /* round trips per switch run */
    int sched_runs;
    int timer_samples, wake_samples;
} calib_sizes[] = {
    [CALIB_SIZE_FULL] = { "", 200000, 7, 4 * GiB, 2, 1L << 20, 5, 20000, 5, 1000, 500 },
    [CALIB_SIZE_QUICK] = { " --quick", 20000, 5, 256 * MiB, 1, 1L << 17, 3, 2000, 3, 100, 50 },
    [CALIB_SIZE_TEST] = { " (test size)", 2000, 3, 8 * MiB, 1, 1L << 13, 1, 200, 2, 10, 5 },
};

const char *calib_size_label(enum calib_size size) { return calib_sizes[size].label; }

void calib_options_init(struct calib_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->seed = 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- exits ------------------------------------------------------------ */

static void *exit_thread(void *arg)
{
    struct calib_report *r = arg;
    double x[64];
    calib_time_cpuid(r->exit_iters / 10 + 1, 1, x);   /* warm up */
    calib_time_cpuid(r->exit_iters, r->exit_runs, x);
    calib_stat_of(x, (size_t)r->exit_runs, &r->cpuid_ns);
    r->hypercall_measured = calib_hypercall_returns(r->hypercall);
    if (r->hypercall_measured) {
        calib_time_hypercall(r->hypercall, r->exit_iters, r->exit_runs, x);
        calib_stat_of(x, (size_t)r->exit_runs, &r->hypercall_ns);
    }
    return NULL;
}

/* ---- memory ----------------------------------------------------------- */

struct mem_job {
    struct calib_report *r;
    gsl_rng *rng;
    FILE *log;
    struct sim_error *err;
    int rc;
};

static void *mem_thread(void *arg)
{
    struct mem_job *j = arg;
    j->rc = calib_mem_measure(&j->r->mem_plan, j->rng, j->log, &j->r->mem, j->err);
    return NULL;
}

/* The largest power of two of at most a fifth of the available memory:
 * two regions of it are mapped at once, and the machine is shared. */
static double max_working_set(const struct calib_host *h, double want)
{
    double avail = h->mem_available > 0 ? h->mem_available : 2 * GiB;
    double cap = pow(2.0, floor(log2(avail / 5)));
    return fmin(want, cap);
}

/* The levels again, from the reference chase minus the TLB part the fit
 * says it pays.  With host pages of 2 MiB or more (sigma = 0) that part is
 * nil; when guest huge pages splinter (sigma > 0), every load of the
 * reference past the TLB's reach also walks, and the L3 window of a large
 * shared L3 lies past it (measured on a nested EPYC guest: 365 ns "L3"
 * before, the walk included).  L1 is kept: the fit took it as c_up, and
 * no L1 working set misses the TLB. */
static void levels_without_walks(struct calib_report *r, const struct calib_dcurve *d)
{
    const struct calib_mem_result *m = &r->mem;
    double x[CALIB_MAX_POINTS];
    r->tlb_part_max_ns = 0;
    for (size_t i = 0; i < m->npoints; i++) {
        double tlb = calib_walk_tlb_part(&r->walk_fixed, d, &r->fit.theta, true, m->ws[i]);
        x[i] = fmax(r->data_ns[i] - tlb, r->levels.ns[CALIB_L1]);   /* never below a hit */
        r->tlb_part_max_ns = fmax(r->tlb_part_max_ns, tlb);
    }
    double l1 = r->levels.ns[CALIB_L1];
    calib_levels_from_curve(m->npoints, m->ws, x, r->host.l1d_bytes, r->host.l2_bytes,
                            r->host.l3_bytes, &r->levels);
    r->levels.ns[CALIB_L1] = l1;
}

void calib_report_analyse(struct calib_report *r)
{
    const struct calib_mem_result *m = &r->mem;
    struct calib_walk_fixed *k = &r->walk_fixed;

    for (size_t i = 0; i < m->npoints; i++) {
        r->data_ns[i] = m->ns[CALIB_CURVE_THP_RANDOM][i].median;
        r->l4k[i] = m->ns[CALIB_CURVE_4K_ONE][i].median;
        r->lthp[i] = m->ns[CALIB_CURVE_THP_ONE][i].median;
    }
    calib_levels_from_curve(m->npoints, m->ws, r->data_ns, r->host.l1d_bytes, r->host.l2_bytes,
                            r->host.l3_bytes, &r->levels);
    k->g = r->host.guest_levels;   /* 4 KiB guest pages: every level is walked */
    k->h = 4;                      /* host levels, 4 KiB host pages; 2 MiB below if the fit says so */
    k->q = 0.2267;                 /* Park et al. via docs/MODEL.md, as every shipped profile */
    k->c_up = r->levels.ns[CALIB_L1];
    k->l1_tlb = r->host.l1_dtlb_4k;
    k->nd = m->npoints;
    k->d_bytes = m->ws;
    k->d_ns = r->data_ns;

    if (m->huge_fraction[1] < 0.5) {
        snprintf(r->walk_note, sizeof r->walk_note,
                 "only %.0f%% of the huge-page region got huge pages (transparent_hugepage: %s), "
                 "so there is no reference without TLB misses", 100 * m->huge_fraction[1],
                 r->host.thp_mode);
        return;
    }
    struct sim_error err = { 0 };
    if (calib_walk_fit(k, m->npoints, m->ws, r->l4k, r->lthp, &r->fit, &err) != 0) {
        snprintf(r->walk_note, sizeof r->walk_note, "%.280s", err.text);
        return;
    }
    /* A guest huge page that keeps its 2 MiB reach means the host maps
     * guest memory with 2 MiB pages too: one host level less (h' = 3). */
    r->splinters = r->fit.theta.sigma >= 0.5;
    if (!r->splinters) {
        k->h = 3;
        if (calib_walk_fit(k, m->npoints, m->ws, r->l4k, r->lthp, &r->fit, &err) != 0) {
            snprintf(r->walk_note, sizeof r->walk_note, "%.280s", err.text);
            return;
        }
    }
    r->walk_fitted = true;
    struct calib_dcurve *d = calib_dcurve_new(k);
    levels_without_walks(r, d);
    calib_walk_to_profile(k, d, &r->fit.theta, r->levels.ns, m->ws[m->npoints - 1], &r->walk);
    for (size_t i = 0; i < m->npoints; i++)
        r->walk_at_ws[i] = calib_walk_per_miss(k, d, &r->fit.theta, k->g, m->ws[i]);
    calib_dcurve_free(d);
}

/* ---- the table on the log ---------------------------------------------- */

static void log_stat(FILE *log, const char *what, const struct calib_stat *s, const char *into)
{
    fprintf(log, "  %-40s %10.4g %10.4g %10.4g %5zu   %s\n", what, s->median, s->min, s->max, s->n,
            into);
}

static void log_table(FILE *log, const struct calib_report *r)
{
    const struct calib_host *h = &r->host;
    const struct calib_mem_result *m = &r->mem;
    const struct calib_sched_result *s = &r->sched;
    char buf[200];

    fprintf(log, "\nWhat was measured (ns unless said; median, min and max over runs):\n");
    fprintf(log, "  %-40s %10s %10s %10s %5s   %s\n", "measurement", "median", "min", "max", "runs",
            "goes into the profile");
    log_stat(log, "TSC rate (GHz)", &h->tsc_ghz, "clock_ghz (median)");
    snprintf(buf, sizeof buf, "CPUID exit round trip (x%ld per run)", r->exit_iters);
    log_stat(log, buf, &r->cpuid_ns, "exit_cost.cpuid, trivial_exit (best run)");
    snprintf(buf, sizeof buf, "%s exit round trip", r->hypercall_name);
    if (r->hypercall_measured)
        log_stat(log, buf, &r->hypercall_ns, "exit_cost.vmcall (best run)");
    else
        fprintf(log, "  %-40s faulted in user mode: not measured\n", buf);
    fprintf(log, "  (other exit reasons: multiples of the CPUID exit, tagged as such)\n");

    fprintf(log, "\n  Pointer chase, ns per load (median of %d runs of %ld loads):\n",
            r->mem_plan.runs, r->mem_plan.accesses);
    fprintf(log, "  %12s %10s %10s %10s %10s %10s %10s %10s %10s\n", "working set", "4K 1/page",
            "THP 1/page", "4K 32/page", "THP 32/page", "THP random", "fit 4K", "fit THP",
            "walk/miss");
    for (size_t i = 0; i < m->npoints; i++) {
        double ws = m->ws[i];
        if (ws >= GiB)
            snprintf(buf, sizeof buf, "%.3g GiB", ws / GiB);
        else if (ws >= MiB)
            snprintf(buf, sizeof buf, "%.3g MiB", ws / MiB);
        else
            snprintf(buf, sizeof buf, "%.3g KiB", ws / 1024);
        fprintf(log, "  %12s %10.2f %10.2f %10.2f %10.2f %10.2f", buf,
                m->ns[CALIB_CURVE_4K_ONE][i].median, m->ns[CALIB_CURVE_THP_ONE][i].median,
                m->ns[CALIB_CURVE_4K_SEVERAL][i].median, m->ns[CALIB_CURVE_THP_SEVERAL][i].median,
                m->ns[CALIB_CURVE_THP_RANDOM][i].median);
        if (r->walk_fitted)
            fprintf(log, " %10.2f %10.2f %10.2f", r->fit.model_4k[i], r->fit.model_thp[i],
                    r->walk_at_ws[i]);
        fprintf(log, "\n");
    }
    fprintf(log, "  huge pages: %.0f%% of the 4K region, %.0f%% of the THP region\n",
            100 * m->huge_fraction[0], 100 * m->huge_fraction[1]);
    fprintf(log, "  levels (THP, random lines): L1 %.3g, L2 %.3g, L3 %.3g, DRAM %.4g ns"
            "  -> mem_latency\n", r->levels.ns[CALIB_L1], r->levels.ns[CALIB_L2],
            r->levels.ns[CALIB_L3], r->levels.ns[CALIB_DRAM]);
    if (r->walk_fitted) {
        const struct calib_walk_fit *f = &r->fit;
        const struct calib_walk_profile *w = &r->walk;
        fprintf(log, "  walk fit over %zu working sets x 2 curves: TLB E = %.0f +- %.0f entries, "
                "PWC hit p = %.3f +- %.3f,\n    leaf footprint s = 1/%.0f, L2-TLB lookup c0 = "
                "%.2f ns, huge pages splinter sigma = %.2f +- %.2f (host pages %s);\n"
                "    residuals: rms %.3g ns, largest %.3g ns, %d of %zu down-weighted (Huber)%s\n"
                "    -> tlb_entries, pwc_hit_rate, host_page\n", f->n, f->theta.tlb_entries,
                f->se.tlb_entries, f->theta.p, f->se.p, 1 / f->theta.s, f->theta.c0,
                f->theta.sigma, f->se.sigma, r->splinters ? "4 KiB" : "2 MiB", f->rms_ns,
                f->max_abs_ns, f->downweighted, 2 * f->n,
                f->at_bound ? "; p or sigma at the bound of its range (its error means nothing)"
                            : "");
        fprintf(log, "  at %.4g MiB: a 2D walk is %.2f references (%.2f upper at L1, %.2f leaf at "
                "%.3g ns) = %.4g ns per TLB miss;\n    price %.3g ns per reference, walk %.4g ns "
                "in the profile, native %.3g ns, beyond native %.4g ns  -> walk_hit_fraction\n",
                w->ws_ref / MiB, w->refs.total, w->refs.upper, w->refs.leaf, w->leaf_ns,
                w->walk_ns, w->price_ns, w->model_walk_ns, w->native_ns, w->beyond_native_ns);
    } else {
        fprintf(log, "  walk NOT fitted: %s; literature values used, tagged as such\n",
                r->walk_note);
    }

    fprintf(log, "\n  Scheduling (CPU %d%s):\n", s->cpu_a, s->cross_measured ? " and the next" : "");
    for (int i = 0; i < s->nsets; i++) {
        snprintf(buf, sizeof buf, "thread switch, %zu pages per thread", s->ws_pages[i]);
        log_stat(log, buf, &s->switch_ns[i], i == 0 ? "_calibration only" : "");
    }
    if (s->cross_measured) {
        log_stat(log, "cross-CPU pipe round trip", &s->cross_round_trip_ns, "_calibration only");
        snprintf(buf, sizeof buf, "wake of a thread idle %.0f ms, other CPU",
                 r->sched_plan.wake_gap_ns / 1e6);
        log_stat(log, buf, &s->wake_ns, "_calibration only");
    }
    if (r->refill_per_page_ns != 0)
        fprintf(log, "  refill after a switch: %.3g ns per page of a TLB's worth; the fitted walk "
                "at the two threads' %.0f MiB is %.3g ns per miss\n", r->refill_per_page_ns,
                2.0 * 4096 * (double)s->ws_pages[s->nsets - 1] / MiB, r->refill_walk_ns);
    snprintf(buf, sizeof buf, "timer lateness after a %.0f ms sleep", r->sched_plan.timer_period_ns / 1e6);
    log_stat(log, buf, &s->timer_ns, "_calibration only");
    fprintf(log, "  world_switch: not measurable from a guest; scaled from the CPUID exit [E]\n");
    fprintf(log, "\n  load average %.2f before, %.2f after (%d CPUs online); %.0f s in all\n",
            h->load_before[0], r->load_after[0], h->ncpus_online, r->seconds);
}

/* ---- the run ------------------------------------------------------------ */

int calib_run(const struct calib_options *opt, FILE *log, json_t **profile, struct sim_error *err)
{
    *profile = NULL;
    int rc = calib_arch_check(err);
    if (rc)
        return rc;
    struct calib_report *r = xcalloc(1, sizeof *r);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, (unsigned long)sim_mix64(opt->seed));
    r->opt = *opt;
    double t0 = now_s();
    char buf[800];
    const struct calib_size_plan *sz = &calib_sizes[opt->size];

    calib_host_detect(&r->host);
    const struct calib_host *h = &r->host;
    int cpu_a = h->cpus[0] >= 0 ? h->cpus[0] : 0;
    int cpu_b = h->ncpus_allowed >= 2 ? h->cpus[1] : -1;
    r->sched.cpu_a = cpu_a;
    r->sched.cpu_b = cpu_b;
    if (log) {
        calib_host_summary(h, buf, sizeof buf);
        fprintf(log, "hvsim calibrate%s: %s\n  load average %.2f %.2f %.2f, %d CPUs online, "
                "measuring on CPU %d%s\n", sz->label, buf, h->load_before[0],
                h->load_before[1], h->load_before[2], h->ncpus_online, cpu_a,
                cpu_b >= 0 ? " (and the next allowed one)" : "");
    }

    /* 1. exits */
    r->exit_iters = sz->exit_iters;
    r->exit_runs = sz->exit_runs;
    r->hypercall = h->vendor == CALIB_VENDOR_AMD ? CALIB_VMMCALL : CALIB_VMCALL;
    r->hypercall_name = r->hypercall == CALIB_VMMCALL ? "VMMCALL" : "VMCALL";
    if (log)
        fprintf(log, "  exits: CPUID and %s, %d runs of %ld\n", r->hypercall_name, r->exit_runs,
                r->exit_iters);
    if ((rc = calib_on_cpu(cpu_a, exit_thread, r, err)))
        goto done;
    r->nested_likely = h->guest && r->cpuid_ns.min > CALIB_NESTED_EXIT_NS;

    /* 2. memory, then the fit */
    double max_ws = max_working_set(h, sz->max_ws);   /* mapped twice */
    calib_mem_plan_grid(&r->mem_plan, max_ws, sz->per_octave, sz->accesses, sz->mem_runs);
    struct mem_job mj = { r, rng, log, err, 0 };
    if ((rc = calib_on_cpu(cpu_a, mem_thread, &mj, err)) || (rc = mj.rc))
        goto done;
    calib_report_analyse(r);

    /* 3. switches, cross-CPU wake, timer */
    struct calib_sched_plan *sp = &r->sched_plan;
    sp->pingpong_iters = sz->pingpong_iters;
    sp->runs = sz->sched_runs;
    sp->nsets = 3;
    sp->ws_pages[0] = 0;
    sp->ws_pages[1] = 64;   /* inside the L1 DTLB of every part since Nehalem */
    double tlb = r->walk_fitted ? r->fit.theta.tlb_entries
                 : h->l2_dtlb_4k > 0 ? h->l2_dtlb_4k : 1536;
    sp->ws_pages[2] = (size_t)fmin(fmax(round(tlb), 128), 65536);   /* a TLB's worth each */
    sp->timer_samples = sz->timer_samples;
    sp->timer_period_ns = 1000000;
    sp->wake_samples = sz->wake_samples;
    sp->wake_gap_ns = 2000000;   /* past guest and host halt polling (200 us defaults) */
    if (log)
        fprintf(log, "  scheduling: pipe ping-pong, timer and wake-ups\n");
    if ((rc = calib_sched_measure(sp, cpu_a, cpu_b, rng, log, &r->sched, err)))
        goto done;

    int last = sp->nsets - 1;
    if (sp->ws_pages[last] > 0) {
        r->refill_per_page_ns = (r->sched.switch_ns[last].median - r->sched.switch_ns[0].median) /
                                (double)sp->ws_pages[last];
        if (r->walk_fitted) {
            struct calib_dcurve *d = calib_dcurve_new(&r->walk_fixed);
            r->refill_walk_ns = calib_walk_per_miss(&r->walk_fixed, d, &r->fit.theta,
                                                    r->walk_fixed.g,
                                                    2.0 * 4096 * (double)sp->ws_pages[last]);
            calib_dcurve_free(d);
        }
    }
    calib_loadavg(r->load_after);
    r->seconds = now_s() - t0;
    *profile = calib_profile_json(r);
    if (log)
        log_table(log, r);
done:
    gsl_rng_free(rng);
    free(r);
    return rc;
}

/* ---- output --------------------------------------------------------------- */

/* The rule of hw__name_ok (models/hw-json.c): 1-31 of [a-z0-9._-], no
 * leading '.'; repeated here because that header is private to models/. */
static bool name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 31 || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_' || s[i] == '.'))
            return false;
    return true;
}

void calib_name_from_path(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "calibrated");
    if (!path)
        return;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".json") == 0)
        n -= 5;
    if (name_ok(base, n) && n < len)
        snprintf(buf, len, "%.*s", (int)n, base);
}

int calib_write_profile(const json_t *profile, const char *path, struct sim_error *err)
{
    size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);
    if (!path) {
        if (json_dumpf(profile, stdout, flags) != 0 || fputc('\n', stdout) == EOF ||
            fflush(stdout) != 0)
            return sim_error_set(err, SIM_EIO, NULL, 0, 0, "cannot write to stdout: %s",
                                 strerror(errno));
        return 0;
    }
    size_t len = strlen(path) + 16;
    char *tmp = xmalloc(len);
    snprintf(tmp, len, "%s.tmp-XXXXXX", path);
    int rc = 0;
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        rc = sim_error_set(err, SIM_EIO, path, 0, 0, "cannot create: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        free(tmp);
        return rc;
    }
    bool ok = json_dumpf(profile, f, flags) == 0 && fputc('\n', f) != EOF;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        rc = sim_error_set(err, SIM_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

void calib_describe(FILE *out)
{
    fprintf(out,
        "Measure the machine hvsim runs on into a hardware profile, in the format of\n"
        "models/profiles/*.json: use it with --hw PROFILE.json, read it with hvsim\n"
        "explain --hw PROFILE.json.  No root is needed.  Without --out the profile goes\n"
        "to stdout; progress and a table of what was measured go to stderr.\n\n"
        "Every value says where it comes from: [C] measured here (the source names the\n"
        "date, CPU, kernel, whether this is a guest, and the load average before and\n"
        "after), [D] fitted to or derived from those measurements, [R]/[M]/[E] taken\n"
        "from the literature where nothing here can measure it.  Each figure is the\n"
        "median of repeated runs, kept with their minimum and maximum in the profile's\n"
        "_calibration record.  Other work on the machine inflates every figure: run it\n"
        "when the machine is quiet (see uptime).\n\n"
        "A full run takes several minutes (5 passes over up to 37 working sets) and\n"
        "maps two regions of up to 4 GiB each (each at most a fifth of the available\n"
        "memory); --quick takes under 30 s and two regions of 256 MiB, with fewer runs.\n\n"
        "What is measured, on a thread pinned to one CPU (x86-64 Linux only):\n"
        "  exits      CPUID, and VMMCALL (AMD) or VMCALL (Intel) when it does not\n"
        "             fault, in a loop: in a guest each one is a VM exit round trip\n"
        "             (exit, the hypervisor's handler, entry); the best run goes into\n"
        "             exit_cost.cpuid, exit_cost.vmcall and trivial_exit.  Not\n"
        "             measured: any other exit reason (they are multiples of the CPUID\n"
        "             exit, tagged with the multiple's provenance), and the indirect\n"
        "             cost of an exit (cache and TLB pollution).  On bare metal CPUID\n"
        "             does not exit and the figure is just the instruction.  Under\n"
        "             nested virtualisation it is the exit as this guest sees it,\n"
        "             through every level (Ben-Yehuda et al., OSDI 2010).\n"
        "  memory     dependent pointer chases over working sets from 16 KiB up, one\n"
        "             load per 4 KiB page and 32 per page, with 4 KiB pages and with\n"
        "             transparent huge pages (madvise), and one over every line pair in\n"
        "             a random order with huge pages: that one gives the L1, L2, L3 and\n"
        "             DRAM latencies (mem_latency), the latency of one load with\n"
        "             nothing to overlap, not bandwidth.  One per page, 4 KiB against\n"
        "             huge pages, is the cost of the TLB misses per load; the profile's\n"
        "             walk model is fitted to it (tlb_entries, pwc_hit_rate,\n"
        "             walk_hit_fraction, host_page) and the residuals are reported.  In\n"
        "             a guest this is the whole 2D walk; the native walk and the\n"
        "             nested-TLB rate cannot be measured from inside and come from the\n"
        "             model and the literature.\n"
        "  switch     lmbench's lat_ctx: two threads on one CPU pass a token through\n"
        "             pipes, with no working set and with one of 64 pages and a TLB's\n"
        "             worth per thread; the pipe cost timed in one thread is\n"
        "             subtracted.  This is the guest kernel's own thread switch (plus\n"
        "             refilling what the other thread evicted), not a hypervisor world\n"
        "             switch, which a guest cannot cause: world_switch stays the\n"
        "             literature's ratio to the trivial exit [E].\n"
        "  wake-ups   the same ping-pong across two CPUs; the wake of a thread blocked\n"
        "             for 2 ms on the other CPU (an IPI, and in a guest the wake of a\n"
        "             halted vCPU); and how late a 1 ms absolute sleep wakes (timer\n"
        "             slack 1 ns).  Recorded in the profile's _calibration, not used by\n"
        "             the model.\n");
}
