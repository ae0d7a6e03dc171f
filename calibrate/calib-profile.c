/*
 * calibrate/calib-profile.c - the hardware profile a calibration writes.
 *
 * Tags (docs/MODEL.md, "Provenance tags"): C for a value measured here;
 * D for one fitted to or derived from measurements here (and for a read
 * multiple of a measured exit); E, M as the multiple's own tag when an
 * exit reason was not measured and is priced from the measured CPUID exit
 * (the multiples are those of docs/MODEL.md, "VM exits"); R only for
 * architecture facts.  Costs are written in ns, as measured, so the clock
 * only converts them to cycles.  The "_calibration" key (a comment to the
 * loader) keeps every run's median, min and max, the curves and the fit.
 */
#include "calibrate/calib-report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "models/hw.h"

#ifndef HVSIM_VERSION
#define HVSIM_VERSION "unknown"
#endif

/* 4 significant digits: the runs of a shared machine do not carry more. */
static double sig4(double v)
{
    if (v == 0 || !isfinite(v))
        return v;
    double scale = pow(10.0, 3 - floor(log10(fabs(v))));
    return round(v * scale) / scale;
}

static json_t *tagged(json_t *value, const char *unit, char prov, const char *fmt, va_list ap)
{
    char source[1200];
    vsnprintf(source, sizeof source, fmt, ap);
    json_t *o = json_object();
    json_object_set_new(o, "value", value);
    if (unit)
        json_object_set_new(o, "unit", json_string(unit));
    char tag[2] = { prov, 0 };
    json_object_set_new(o, "prov", json_string(tag));
    json_object_set_new(o, "source", json_string(source));
    return o;
}

static json_t *num(double v, const char *unit, char prov, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static json_t *num(double v, const char *unit, char prov, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *o = tagged(json_real(v), unit, prov, fmt, ap);
    va_end(ap);
    return o;
}

static json_t *text(const char *v, char prov, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static json_t *text(const char *v, char prov, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *o = tagged(json_string(v), NULL, prov, fmt, ap);
    va_end(ap);
    return o;
}

static json_t *flag(bool v, char prov, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static json_t *flag(bool v, char prov, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    json_t *o = tagged(json_boolean(v), NULL, prov, fmt, ap);
    va_end(ap);
    return o;
}

static json_t *stat_json(const struct calib_stat *s)
{
    return json_pack("{s:f, s:f, s:f, s:I}", "median", sig4(s->median), "min", sig4(s->min), "max",
                     sig4(s->max), "runs", (json_int_t)s->n);
}

/* "hvsim calibrate DATE, CPU, guest or not, kernel": the C tag's locator. */
static void where(const struct calib_report *r, char *buf, size_t len)
{
    const struct calib_host *h = &r->host;
    char virt[120];
    if (h->guest)
        snprintf(virt, sizeof virt, "%s guest%s", h->hv_name,
                 r->nested_likely ? " (likely nested)" : "");
    else
        snprintf(virt, sizeof virt, "not a guest");
    /* The load says how quiet the machine was: a neighbour's work inflates
     * every figure, so a reader of any measured value must see it. */
    snprintf(buf, len, "hvsim calibrate%s %.10s, %s, %s, %s, load average %.2f before and "
             "%.2f after on %d CPUs", calib_size_label(r->opt.size), h->date, h->generation,
             virt, h->kernel, h->load_before[0], r->load_after[0], h->ncpus_online);
}

/* An exit reason not measured here: a multiple of the measured CPUID exit. */
struct exit_multiple {
    enum hw_exit_reason reason;
    double apicv, no_apicv;      /* the multiple with and without APICv/AVIC */
    char prov;                   /* the multiple's tag */
    const char *why;
};

static const struct exit_multiple multiples[] = {
    { HW_EXIT_EXTERNAL_INTERRUPT, 1.3, 1.3, 'E',
      "exit + interrupt dispatch: systemtap kvm_service_time example, reason 1 mean 1.4 us, "
      "CPU unknown (docs/hw-calibration.md s2c)" },
    { HW_EXIT_HLT, 1.0, 1.0, 'E', "HLT exit + re-entry only; the blocked time is not guest work" },
    { HW_EXIT_IO, 1.0, 1.0, 'R',
      "in-kernel PIO (ioeventfd) costs about a CPUID: Bonzini, KVM list 2019-10-16; nested, "
      "outl_to_kernel 13436 vs cpuid 13142 cycles (Bonzini 2019, docs/hw-calibration.md s2b)" },
    { HW_EXIT_EPT_VIOLATION, 5.0, 5.0, 'E',
      "EPT violation / #NPF with a 4K fault-in, host page present: no measurement found "
      "(docs/hw-calibration.md s7 item 3)" },
    { HW_EXIT_EPT_MISCONFIG, 1.2, 1.2, 'E',
      "fast MMIO (EPT misconfig on VT-x, #NPF on a reserved-bit entry on SVM): systemtap "
      "example reason 49 mean 1.9 us, CPU unknown (docs/hw-calibration.md s2c)" },
    { HW_EXIT_MSR_READ, 1.0, 1.0, 'E', "MSR read: no number found (docs/hw-calibration.md s7)" },
    { HW_EXIT_MSR_WRITE, 1.6, 2.5, 'D',
      "TSC-deadline write: 3851 cycles without APICv, 2467.75 with, on SKX (Wanpeng Li, "
      "2020-04-21), / 1550 (docs/MODEL.md)" },
    { HW_EXIT_APIC_ACCESS, 2.1, 1.8, 'M',
      "APIC trap without APICv/AVIC, Dall et al. ISCA'16 2384/1300 [M]; IPI send with APICv "
      "3293/1550 on SKX [D] (docs/MODEL.md)" },
    { HW_EXIT_VMCALL, 1.0, 1.0, 'R',
      "VMCALL costs about a CPUID: Bonzini, KVM list 2019-10-16; nested, vmcall 13189 vs cpuid "
      "13142 cycles (docs/hw-calibration.md s2b)" },
    { HW_EXIT_PREEMPTION_TIMER, 1.0, 1.0, 'E',
      "VMX preemption timer, KVM fastpath; SVM has none (KVM arms an hrtimer, whose expiry is "
      "an external-interrupt exit): 1.0 x trivial either way" },
    { HW_EXIT_PAUSE, 0.5, 0.5, 'D',
      "PAUSE-loop exit (SVM: PAUSE filter): systemtap example reason 40 mean 0.26 us vs ~0.5-1 us "
      "for trivial exits (docs/hw-calibration.md s2c)" },
};

/* A multiple's tag, combined with the measured exit it multiplies. */
static char product_tag(char multiple)
{
    return multiple == 'R' || multiple == 'D' ? 'D' : multiple;
}

static json_t *exit_table(const struct calib_report *r, const char *here)
{
    const struct calib_host *h = &r->host;
    json_t *t = json_object();
    double cpuid = r->cpuid_ns.min;
    /* APICv/AVIC: nested SVM offers no AVIC to L2, and an AMD host may run
     * KVM without it (module parameter avic); single-level Intel KVM
     * uses APICv where the CPU has it (every server part since Ivy
     * Bridge-EP). */
    bool apicv = h->vendor == CALIB_VENDOR_INTEL && !r->nested_likely;
    for (int i = 0; i < HW_EXIT_REASONS; i++) {
        enum hw_exit_reason reason = (enum hw_exit_reason)i;
        json_t *v = NULL;
        if (reason == HW_EXIT_CPUID) {
            v = num(sig4(cpuid), "ns", 'C',
                    "CPUID leaf 0, best of %d runs of %ld on CPU %d (median %.4g, max %.4g ns); %s",
                    r->exit_runs, r->exit_iters, r->sched.cpu_a, r->cpuid_ns.median,
                    r->cpuid_ns.max, here);
        } else if (reason == HW_EXIT_VMCALL && r->hypercall_measured) {
            v = num(sig4(r->hypercall_ns.min), "ns", 'C',
                    "%s from user mode (KVM answers -KVM_EPERM at ring 3 after the full exit), "
                    "best of %d runs of %ld (median %.4g, max %.4g ns); %s",
                    r->hypercall_name, r->exit_runs, r->exit_iters, r->hypercall_ns.median,
                    r->hypercall_ns.max, here);
        } else {
            for (size_t k = 0; k < sizeof multiples / sizeof *multiples; k++) {
                const struct exit_multiple *m = &multiples[k];
                if (m->reason != reason)
                    continue;
                double x = apicv ? m->apicv : m->no_apicv;
                char tag = product_tag(m->prov);
                v = num(sig4(x * cpuid), "ns", tag,
                        "not measured here: x%.1f the CPUID exit measured here (%.4g ns), the "
                        "multiple [%c] from %s%s%s [%c]",
                        x, cpuid, m->prov, m->why,
                        reason == HW_EXIT_VMCALL ? "; the hypercall faulted in user mode here" : "",
                        m->apicv != m->no_apicv ? (apicv ? "; with APICv" : "; without APICv/AVIC")
                                                : "",
                        tag);
            }
        }
        json_object_set_new(t, hw_exit_reason_name(reason), v);
    }
    return t;
}

static json_t *levels_json(const struct calib_report *r, const char *here)
{
    static const char *const names[CALIB_LEVELS] = { "l1", "l2", "l3", "dram" };
    json_t *o = json_object();
    char minus[300] = "";
    if (r->walk_fitted && r->tlb_part_max_ns > 0)
        snprintf(minus, sizeof minus, ", minus the TLB misses the walk fit says this chase pays "
                 "(guest huge pages keep %.0f%% of the 4 KiB TLB behaviour here; up to %.4g ns "
                 "per load)", 100 * r->fit.theta.sigma, r->tlb_part_max_ns);
    for (int l = 0; l < CALIB_LEVELS; l++) {
        const struct calib_levels *lv = &r->levels;
        char window[200];
        if (lv->points[l] == 0)
            snprintf(window, sizeof window, "the working set nearest to the level (none inside)");
        else if (isfinite(lv->hi[l]))
            snprintf(window, sizeof window, "median over the %d working sets in [%.0f, %.0f] KiB",
                     lv->points[l], lv->lo[l] / 1024, lv->hi[l] / 1024);
        else
            snprintf(window, sizeof window, "median over the %d working sets of %.0f MiB or more",
                     lv->points[l], lv->lo[l] / 1048576);
        json_object_set_new(o, names[l],
            num(sig4(lv->ns[l]), "ns", 'C',
                "dependent loads, one line of every 128-byte pair of the working set in one "
                "random order, transparent huge pages (%.0f%% of the region), %d runs of %ld "
                "loads per working set: %s%s (cache sizes from sysfs: L1d %.0f KiB, L2 %.0f KiB, "
                "L3 %.0f KiB); %s",
                100 * r->mem.huge_fraction[1], r->mem_plan.runs,
                r->mem_plan.accesses, window, l == CALIB_L1 ? "" : minus,
                r->host.l1d_bytes / 1024, r->host.l2_bytes / 1024, r->host.l3_bytes / 1024, here));
    }
    return o;
}

/* The walk parameters: fitted, or (when the walk could not be isolated)
 * the literature's, with the measured latencies. */
static void walk_keys(json_t *doc, const struct calib_report *r, const char *here)
{
    static const char *const names[CALIB_LEVELS] = { "l1", "l2", "l3", "dram" };
    const struct calib_walk_fit *f = &r->fit;
    const struct calib_walk_profile *w = &r->walk;
    const struct calib_host *h = &r->host;
    char cpuid_tlb[300];
    snprintf(cpuid_tlb, sizeof cpuid_tlb, "CPUID reports %d L2 DTLB entries for 4 KiB pages (%s; "
             "a hypervisor may rewrite it)", h->l2_dtlb_4k, h->tlb_source[0] ? h->tlb_source : "-");
    json_t *frac = json_object();
    if (r->walk_fitted) {
        json_object_set_new(doc, "pwc_hit_rate",
            num(round(f->theta.p * 1e4) / 1e4, "fraction", 'D',
                "fitted here: p = %.3f +- %.3f, jointly with the TLB size, the leaf footprint and "
                "the splintering of huge pages, to the one-per-page chases with 4 KiB and with "
                "huge pages at %zu working sets %.0f KiB-%.0f MiB (model in calibrate/calib-fit.h "
                "and docs/CALIBRATE.md; q and c_up = the L1 latency fixed); "
                "residuals rms %.3g ns, "
                "largest %.3g ns%s.  In a guest the hardware walks the guest table against the "
                "host's %s (under nesting, L0's shadow of it: Ben-Yehuda et al., OSDI 2010, "
                "multi-dimensional paging), so p is an effective rate; %s",
                f->theta.p, f->se.p, f->n, r->mem.ws[0] / 1024,
                r->mem.ws[r->mem.npoints - 1] / 1048576, f->rms_ns, f->max_abs_ns,
                f->at_bound ? "; p or sigma ended at the bound of its range, where the standard "
                              "error means nothing"
                            : "",
                h->walk_name, here));
        json_object_set_new(doc, "nested_tlb_hit_rate",
            num(r->walk_fixed.q, "fraction", 'D',
                "not identifiable from inside a guest: kept at the value of every shipped profile, "
                "Park et al. ASPLOS'22 solved for this model (docs/MODEL.md); AMD's nested TLB: "
                "Bhargava et al. ASPLOS'08"));
        json_object_set_new(doc, "tlb_entries",
            num(fmax(1, round(f->theta.tlb_entries)), "entries", 'D',
                "fitted here: the working set where TLB misses start, E = %.0f +- %.0f 4 KiB "
                "entries (share of misses 1 - E/pages); %s; %s",
                f->theta.tlb_entries, f->se.tlb_entries, cpuid_tlb, here));
        /* The levels bound the price: a leaf latency outside [L1, DRAM]
         * (above DRAM when the reference still pays walks there) cannot be
         * reached by any split, and the profile's walk then differs from
         * the fitted one; say by how much. */
        char gap[200] = ", the fitted walk per TLB miss";
        if (fabs(w->model_walk_ns / w->walk_ns - 1) > 0.005)
            snprintf(gap, sizeof gap, ", against a fitted walk of %.4g ns per TLB miss (%+.0f%%: "
                     "the leaf latency lies outside the levels' range, so no split reaches it)",
                     w->walk_ns, 100 * (w->model_walk_ns / w->walk_ns - 1));
        for (int l = 0; l < CALIB_LEVELS; l++)
            json_object_set_new(frac, names[l],
                num(round(w->fraction[l] * 1e4) / 1e4, "fraction", 'D',
                    "from the fit at the largest working set measured, %.0f MiB: %.2f upper-level "
                    "references at L1 and %.2f leaf references at D(s ws) = %.3g ns (s = 1/%.0f), "
                    "split between the levels that bracket it, so that W x price = %.4g ns%s; %s",
                    w->ws_ref / 1048576, w->refs.upper, w->refs.leaf, w->leaf_ns, 1 / f->theta.s,
                    w->model_walk_ns, gap, here));
    } else {
        json_object_set_new(doc, "pwc_hit_rate",
            num(0.8333, "fraction", 'D',
                "NOT fitted here (%s): Park et al. ASPLOS'22, 1.5 references per native walk, "
                "solved for this model as in every shipped profile (docs/MODEL.md)", r->walk_note));
        json_object_set_new(doc, "nested_tlb_hit_rate",
            num(0.2267, "fraction", 'D',
                "NOT fitted here: Park et al. ASPLOS'22 solved for this model (docs/MODEL.md)"));
        json_object_set_new(doc, "tlb_entries",
            h->l2_dtlb_4k > 0
                ? num(h->l2_dtlb_4k, "entries", 'C', "%s; %s", cpuid_tlb, here)
                : num(1536, "entries", 'E', "NOT measured here (%s): skylake-sp's STLB",
                      r->walk_note));
        static const double placeholder[CALIB_LEVELS] = { 0.4, 0.3, 0.2, 0.1 };
        /* The levels bound the price: a leaf latency outside [L1, DRAM]
         * (above DRAM when the reference still pays walks there) cannot be
         * reached by any split, and the profile's walk then differs from
         * the fitted one; say by how much. */
        char gap[200] = ", the fitted walk per TLB miss";
        if (fabs(w->model_walk_ns / w->walk_ns - 1) > 0.005)
            snprintf(gap, sizeof gap, ", against a fitted walk of %.4g ns per TLB miss (%+.0f%%: "
                     "the leaf latency lies outside the levels' range, so no split reaches it)",
                     w->walk_ns, 100 * (w->model_walk_ns / w->walk_ns - 1));
        for (int l = 0; l < CALIB_LEVELS; l++)
            json_object_set_new(frac, names[l],
                num(placeholder[l], "fraction", 'E',
                    "NOT fitted here (%s): the placeholder of every shipped profile "
                    "(docs/hw-calibration.md s7 item 6)", r->walk_note));
    }
    json_object_set_new(doc, "mem_latency", levels_json(r, here));
    json_object_set_new(doc, "walk_hit_fraction", frac);
}

/* The costs of the VM model (docs/MODEL.md, "Costs of blocking, waking and
 * moving"): what a guest can see is measured, the rest is scaled from the
 * measured exit or kept at KVM's default, each said so. */
static void vm_model_keys(json_t *doc, const struct calib_report *r, const char *here)
{
    const struct calib_host *h = &r->host;
    const struct calib_sched_result *s = &r->sched;
    bool apicv = h->vendor == CALIB_VENDOR_INTEL && !r->nested_likely;   /* as exit_table */
    double ipi = 2.73 * r->cpuid_ns.min;
    char wake[200] = "";
    if (s->cross_measured)
        snprintf(wake, sizeof wake, "; the wake of a thread halted 2 ms on the other CPU took "
                 "%.3g us here (median; the latency, not the core time: _calibration.scheduling)",
                 s->wake_ns.median / 1000);
    json_object_set_new(doc, "ipi", num(sig4(ipi), "ns", 'D',
        "not measured as such: the sender's ICR write and the receiver's injection are exits a "
        "guest cannot time apart; 2.73 x the CPUID exit measured here (%.4g ns), the ratio of "
        "IPI send to ACK 4238 cycles to the 1550-cycle trivial exit on Skylake-SP (Wanpeng Li "
        "2020) [R]%s; %s", r->cpuid_ns.min, wake, here));
    json_object_set_new(doc, "posted_interrupts", flag(apicv, 'E', "%s", apicv
        ? "APICv with posted interrupts, used by KVM by default on Intel parts since Ivy "
          "Bridge-EP (enable_apicv); not observable from a guest"
        : h->vendor == CALIB_VENDOR_INTEL
        ? "nested: the guest hypervisor's vCPUs get no APICv from L0 in this model; not "
          "observable from a guest"
        : "AMD: AVIC is off in KVM unless the avic module parameter is set, and nested SVM "
          "offers L2 no AVIC; not observable from a guest"));
    json_object_set_new(doc, "ipi_posted", num(sig4(0.64 * ipi), "ns", 'D',
        "0.64 x the IPI above, the APICv / no-APICv ratio of an injected timer interrupt on "
        "Skylake-SP (2467 / 3851 cycles, Wanpeng Li 2020) [R]; used only with "
        "posted_interrupts"));
    json_object_set_new(doc, "halt_poll_ns", num(200000, "ns", 'R',
        "KVM's default halt_poll_ns on x86, KVM_HALT_POLL_NS_DEFAULT 200000 "
        "(arch/x86/include/asm/kvm_host.h); the host's setting is not visible from a guest"));
    if (h->l2_bytes > 0)
        json_object_set_new(doc, "l2_kb", num(h->l2_bytes / 1024, "KB", 'C',
            "the private L2 as sysfs reports it to this guest (/sys/devices/system/cpu/cpuN/"
            "cache); %s", here));
    json_object_set_new(doc, "fill_buffers", num(10, "entries", 'E',
        "not measured here (a guest could time overlapping misses, hvsim calibrate does not): "
        "the 10 L1 fill buffers of Intel cores from Nehalem to Skylake [M]; AMD cores track L1 "
        "misses in miss address buffers, whose number is not read here"));
}

/* ---- the _calibration record ------------------------------------------ */

static void set(json_t *o, const char *key, json_t *v) { json_object_set_new(o, key, v); }

static json_t *triple(const double v[3]) { return json_pack("[f,f,f]", v[0], v[1], v[2]); }

static json_t *host_json(const struct calib_report *r)
{
    const struct calib_host *h = &r->host;
    json_t *o = json_object();
    set(o, "vendor", json_string(h->vendor_id));
    set(o, "brand", json_string(h->brand));
    set(o, "cpuinfo_model", json_string(h->cpuinfo_model));
    set(o, "cpuid_signature", json_sprintf("0x%08X", h->signature));
    set(o, "family_model_stepping", json_sprintf("%Xh %02Xh %u", h->family, h->model, h->stepping));
    set(o, "generation", json_string(h->generation));
    set(o, "generation_source", json_string(h->generation_source));
    set(o, "virtualisation", json_string(h->virt_ext));
    set(o, "guest", json_boolean(h->guest));
    set(o, "hypervisor_signature", json_string(h->hv_signature));
    set(o, "hypervisor", json_string(h->hv_name));
    set(o, "sys_hypervisor", json_string(h->sys_hypervisor));
    set(o, "systemd_detect_virt", json_string(h->detect_virt));
    set(o, "nested_likely", json_boolean(r->nested_likely));
    set(o, "nested_rule", json_sprintf("a guest whose CPUID exit takes more than %.0f ns",
                                       CALIB_NESTED_EXIT_NS));
    set(o, "kernel", json_string(h->kernel));
    set(o, "date", json_string(h->date));
    set(o, "cpus_online", json_integer(h->ncpus_online));
    set(o, "cpus_allowed", json_integer(h->ncpus_allowed));
    set(o, "cpus_used", json_pack("[i,i]", r->sched.cpu_a, r->sched.cpu_b));
    set(o, "transparent_hugepage", json_string(h->thp_mode));
    set(o, "paging_levels", json_integer(h->guest_levels));
    set(o, "mem_available_bytes", json_real(h->mem_available));
    set(o, "load_before", triple(h->load_before));
    set(o, "load_after", triple(r->load_after));
    set(o, "cache_bytes", json_pack("{s:f, s:f, s:f}", "l1d", h->l1d_bytes, "l2", h->l2_bytes,
                                    "l3", h->l3_bytes));
    set(o, "dtlb_4k_entries_cpuid", json_pack("{s:i, s:i, s:s}", "l1", h->l1_dtlb_4k, "l2",
                                              h->l2_dtlb_4k, "source", h->tlb_source));
    set(o, "tsc_ghz", stat_json(&h->tsc_ghz));
    set(o, "tsc_invariant", json_boolean(h->tsc_invariant));
    return o;
}

static json_t *memory_json(const struct calib_report *r)
{
    const struct calib_mem_result *m = &r->mem;
    json_t *o = json_object(), *curves = json_object();
    set(o, "accesses_per_run", json_integer(r->mem_plan.accesses));
    set(o, "runs", json_integer(r->mem_plan.runs));
    set(o, "huge_page_fraction", json_pack("{s:f, s:f}", "4k_region", m->huge_fraction[0],
                                           "thp_region", m->huge_fraction[1]));
    set(o, "seconds", json_real(round(m->seconds * 10) / 10));
    for (int c = 0; c < CALIB_CURVES; c++) {
        json_t *a = json_array();
        for (size_t i = 0; i < m->npoints; i++) {
            json_t *p = stat_json(&m->ns[c][i]);
            set(p, "ws_bytes", json_integer((json_int_t)m->ws[i]));
            json_array_append_new(a, p);
        }
        set(curves, calib_curve_name((enum calib_curve)c), a);
    }
    set(o, "ns_per_access", curves);
    return o;
}

static json_t *fit_json(const struct calib_report *r)
{
    const struct calib_walk_fit *f = &r->fit;
    const struct calib_walk_profile *w = &r->walk;
    json_t *o = json_object();
    set(o, "fitted", json_boolean(r->walk_fitted));
    if (!r->walk_fitted) {
        set(o, "why_not", json_string(r->walk_note));
        return o;
    }
    set(o, "model", json_string("L4K = D'(ws/32) + c0 m1 + m2 walk(g'); LTHP = D'(ws/32) + sigma (c0 m1 "
                                "+ m2 walk(g'-1)); walk(g) = U c_up + K D'(s ws); m1 = max(0, 1 - "
                                "L1TLB/pages), m2 = max(0, 1 - E/pages), N = 1 + (g-1)(1-p), K = 1 + "
                                "(1-q)(N+1), U = (1-p)((g-1) + (1-q)(N+1)(h'-1)), D'(x) = (1-sigma) "
                                "D(x) + sigma D(min(x, 4096 E)); calibrate/calib-fit.h"));
    set(o, "fixed", json_pack("{s:i, s:i, s:f, s:f, s:f, s:s}", "g", r->walk_fixed.g, "h",
                              r->walk_fixed.h, "q", r->walk_fixed.q, "c_up_ns", r->walk_fixed.c_up,
                              "l1_tlb", r->walk_fixed.l1_tlb, "D",
                              "thp_random_lines, interpolated (Steffen) in log2 ws"));
    set(o, "theta", json_pack("{s:f, s:f, s:f, s:f, s:f}", "c0_ns", f->theta.c0, "tlb_entries",
                              f->theta.tlb_entries, "p", f->theta.p, "s", f->theta.s, "sigma",
                              f->theta.sigma));
    set(o, "standard_error", json_pack("{s:f, s:f, s:f, s:f, s:f}", "c0_ns", f->se.c0,
                                       "tlb_entries", f->se.tlb_entries, "p", f->se.p, "s",
                                       f->se.s, "sigma", f->se.sigma));
    set(o, "rms_residual_ns", json_real(f->rms_ns));
    set(o, "max_abs_residual_ns", json_real(f->max_abs_ns));
    set(o, "weighted_chisq", json_real(f->chisq));
    set(o, "starts", json_integer(f->starts));
    set(o, "downweighted_residuals", json_integer(f->downweighted));
    set(o, "at_bound", json_boolean(f->at_bound));
    json_t *pts = json_array();
    for (size_t i = 0; i < f->n; i++)
        json_array_append_new(pts, json_pack("{s:I, s:f, s:f, s:f, s:f, s:f}", "ws_bytes",
                                             (json_int_t)r->mem.ws[i], "4k_ns", sig4(r->l4k[i]),
                                             "4k_model_ns", sig4(f->model_4k[i]), "thp_ns",
                                             sig4(r->lthp[i]), "thp_model_ns",
                                             sig4(f->model_thp[i]), "walk_per_miss_ns",
                                             sig4(r->walk_at_ws[i])));
    set(o, "points", pts);
    set(o, "at_reference", json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
                                      "ws_bytes", w->ws_ref, "refs_2d", w->refs.total,
                                      "refs_upper", w->refs.upper, "refs_leaf", w->refs.leaf,
                                      "refs_native", w->refs.native, "leaf_ns", w->leaf_ns,
                                      "walk_ns", w->walk_ns, "price_ns", w->price_ns,
                                      "native_ns", w->native_ns, "beyond_native_ns",
                                      w->beyond_native_ns));
    return o;
}

static json_t *sched_json(const struct calib_report *r)
{
    const struct calib_sched_result *s = &r->sched;
    json_t *o = json_object(), *sw = json_array();
    for (int i = 0; i < s->nsets; i++) {
        json_t *e = json_object();
        set(e, "pages_per_thread", json_integer((json_int_t)s->ws_pages[i]));
        set(e, "round_trip_ns", stat_json(&s->round_trip_ns[i]));
        set(e, "overhead_ns", stat_json(&s->overhead_ns[i]));
        set(e, "switch_ns", stat_json(&s->switch_ns[i]));
        json_array_append_new(sw, e);
    }
    set(o, "switch_same_cpu", sw);
    set(o, "refill_per_page_ns", json_real(sig4(r->refill_per_page_ns)));
    set(o, "fitted_walk_at_both_working_sets_ns", json_real(sig4(r->refill_walk_ns)));
    if (s->cross_measured) {
        set(o, "round_trip_cross_cpu_ns", stat_json(&s->cross_round_trip_ns));
        set(o, "wake_cross_cpu_ns", stat_json(&s->wake_ns));
        set(o, "wake_gap_ns", json_integer(r->sched_plan.wake_gap_ns));
    }
    set(o, "timer_late_ns", stat_json(&s->timer_ns));
    set(o, "timer_period_ns", json_integer(r->sched_plan.timer_period_ns));
    return o;
}

static json_t *calibration_json(const struct calib_report *r)
{
    json_t *o = json_object();
    set(o, "tool", json_string("hvsim calibrate " HVSIM_VERSION));
    static const char *const sizes[] = { "full", "quick", "test" };
    set(o, "size", json_string(sizes[r->opt.size]));
    set(o, "seed", json_integer((json_int_t)r->opt.seed));
    set(o, "seconds", json_real(round(r->seconds * 10) / 10));
    set(o, "host", host_json(r));
    json_t *ex = json_object();
    set(ex, "iterations_per_run", json_integer(r->exit_iters));
    set(ex, "cpuid_ns", stat_json(&r->cpuid_ns));
    set(ex, "hypercall", json_string(r->hypercall_name));
    if (r->hypercall_measured)
        set(ex, "hypercall_ns", stat_json(&r->hypercall_ns));
    else
        set(ex, "hypercall_ns", json_string("not measured: the instruction faulted in user mode"));
    set(o, "exits", ex);
    set(o, "memory", memory_json(r));
    set(o, "walk_fit", fit_json(r));
    set(o, "scheduling", sched_json(r));
    set(o, "notes", json_string("What each number does and does not measure: docs/CALIBRATE.md."));
    return o;
}

json_t *calib_profile_json(const struct calib_report *r)
{
    const struct calib_host *h = &r->host;
    char here[900], buf[900];
    where(r, here, sizeof here);
    json_t *doc = json_object();

    set(doc, "_comment", json_string(
        "hvsim hardware profile measured by `hvsim calibrate`. Every value: value, unit, prov "
        "(C measured here, D fitted or derived, R read, M remembered, E estimate), source. "
        "The model is in docs/MODEL.md, the measurements in docs/CALIBRATE.md; "
        "\"_calibration\" keeps every run."));
    set(doc, "_calibration", calibration_json(r));
    set(doc, "schema", json_string("hvsim-hw-profile/1"));
    set(doc, "name", json_string(r->opt.name ? r->opt.name : "calibrated"));
    snprintf(buf, sizeof buf,
             "%s%s, %s, measured by hvsim calibrate %.10s: CPUID exit %.2f us, DRAM %.0f ns",
             h->generation, h->guest ? (r->nested_likely ? " as a nested-virtualisation guest"
                                                         : " as a guest")
                                     : " (not a guest)",
             h->walk_name[0] == 'N' ? "SVM/NPT" : "VT-x/EPT", h->date, r->cpuid_ns.min / 1000,
             r->levels.ns[CALIB_DRAM]);
    set(doc, "description", json_string(buf));
    snprintf(buf, sizeof buf, "%s, %s", h->generation, h->virt_ext);
    set(doc, "generation", text(buf, 'C', "CPUID 1 signature 0x%08X (family %Xh, model %02Xh, "
                                "stepping %u), vendor %s, brand \"%s\"; %s; %s",
                                h->signature, h->family, h->model, h->stepping, h->vendor_id,
                                h->brand, h->generation_source, here));
    set(doc, "clock_ghz", num(round(h->tsc_ghz.median * 1e4) / 1e4, "GHz", 'C',
                              "TSC rate: RDTSC against CLOCK_MONOTONIC_RAW, %zu runs of 20 ms "
                              "(median; %.4f-%.4f), invariant TSC %s; the costs here are in ns, so "
                              "the clock only converts them to cycles; %s",
                              h->tsc_ghz.n, h->tsc_ghz.min, h->tsc_ghz.max,
                              h->tsc_invariant ? "yes" : "no", here));
    set(doc, "trivial_exit", num(sig4(r->cpuid_ns.min), "ns", 'C',
                                 "the CPUID exit round trip (exit_cost.cpuid); %s", here));
    set(doc, "exit_cost", exit_table(r, here));
    set(doc, "world_switch", num(sig4(r->cpuid_ns.min * 4812.0 / 1650.0), "ns", 'E',
        "not measurable from a guest: Dall et al. ISCA'16 x86 KVM VM switch 4812 cycles [M] over "
        "Sandy Bridge's trivial exit 1650 [D], times the CPUID exit measured here (as the other "
        "profiles scale it, docs/MODEL.md); the guest's own thread switch measured here is %.4g ns "
        "(_calibration.scheduling)", r->sched.switch_ns[0].median));
    set(doc, "vpid", flag(true, 'R', "%s", h->vendor == CALIB_VENDOR_AMD
        ? "SVM tags TLB entries with an ASID (AMD64 APM vol. 2, TLB control) and KVM gives each "
          "vCPU one (arch/x86/kvm/svm/svm.c); not observable from a guest"
        : "VPID tags TLB entries per vCPU; KVM uses it on every VT-x part since Nehalem; not "
          "observable from a guest"));
    set(doc, "guest_levels", num(h->guest_levels, "levels", 'C',
        "%s (an mmap hint above 2^47 %s honoured: Documentation/arch/x86/x86_64/5level-paging.rst); "
        "%s", h->guest_levels == 5 ? "5-level paging" : "4-level paging",
        h->guest_levels == 5 ? "is" : "is not", here));
    set(doc, "host_levels", num(4, "levels", 'E',
        "not observable from a guest: 4-level %s (5 needs LA57 on the host)", h->walk_name));
    set(doc, "guest_page", text("4K", 'C', "the walk was measured and fitted with 4 KiB guest "
                                "pages (madvise MADV_NOHUGEPAGE; transparent_hugepage here: %s); %s",
                                h->thp_mode, here));
    if (r->walk_fitted)
        set(doc, "host_page", text(r->splinters ? "4K" : "2M", 'D',
            "fitted here: a guest huge page keeps %.0f%% +- %.0f%% of the 4 KiB TLB behaviour "
            "(sigma), so the host maps guest memory with %s pages (the TLB holds a translation "
            "at the smaller of the guest and host page: the huge page splinters when the host's "
            "is 4 KiB); %s", 100 * r->fit.theta.sigma, 100 * r->fit.se.sigma,
            r->splinters ? "4 KiB" : "2 MiB or larger", here));
    else
        set(doc, "host_page", text("4K", 'E', "not measured here (%s): 4K, the worst case",
                                   r->walk_note));
    walk_keys(doc, r, here);
    vm_model_keys(doc, r, here);
    return doc;
}
