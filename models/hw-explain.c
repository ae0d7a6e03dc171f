/*
 * models/hw-explain.c - `hvsim explain` and `hvsim list` for the hardware
 * model.
 *
 * explain prints the derivation in the order a student would do it by
 * hand: the clock, the cost of each exit in ns, where the references of a
 * 2D walk come from and what one costs for every page-size pair, the price
 * of a world switch, and the slowdown of each workload class, every input
 * with its provenance tag and source.  The JSON form holds the same
 * numbers under stable keys (schema "hvsim-explain/1").  Both are built
 * from the values hw.c derived at load, so what explain shows is what the
 * engine uses; only the VPID what-if is computed here, on a copy.
 */
#include "models/hw-private.h"

#include <math.h>
#include <string.h>

#include "base/xalloc.h"

#ifndef HVSIM_DATADIR
#define HVSIM_DATADIR "models"   /* the Makefile defines the installed one */
#endif

static const char *prov_text(char prov)
{
    switch (prov) {
    case 'R': return "R";
    case 'D': return "D";
    case 'M': return "M";
    case 'E': return "E";
    case 'S': return "S";
    case 'C': return "C";
    case 'U': return "U";
    default: return "-";
    }
}

/* The model with VPID flipped, for "what if": a shallow copy, never freed. */
static struct hw_model vpid_flipped(const struct hw_model *m)
{
    struct hw_model w = *m;
    w.p.vpid.value = m->p.vpid.value ? 0 : 1;
    return w;
}

/* Worst switch cost into class to_cls, over every class coming before. */
static double switch_max_ns(const struct hw_model *m, int to_cls)
{
    double worst = hw__switch_ns(m, -1, to_cls);
    for (size_t i = 0; i < m->ncls; i++)
        worst = fmax(worst, hw__switch_ns(m, (int)i, to_cls));
    return worst;
}

static int find_class(const struct hw_model *m, const char *cls, struct sim_error *err)
{
    if (!cls || !*cls)
        return -1;   /* every class */
    int i = hw_class_find(m, cls);
    if (i >= 0 && *cls)
        return i;
    char known[300] = "";
    for (size_t k = 0; k < m->ncls; k++)
        snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", k ? ", " : "",
                 m->cls[k].name);
    sim_error_usage(err, "unknown workload class \"%s\" (known: %s)", cls, known);
    return -2;
}

/* ---- text ---------------------------------------------------------- */

static void text_param(FILE *out, const char *label, const struct hw_param *p, const char *shown)
{
    fprintf(out, "  %-22s %-14s [%s] %s\n", label, shown, prov_text(p->prov),
            p->source ? p->source : "");
}

static void text_walk_section(FILE *out, const struct hw_model *m)
{
    const struct hw_profile *p = &m->p;
    int g = (int)p->guest_levels.value, h = (int)p->host_levels.value;
    char buf[64];

    fprintf(out, "\n3. Two-dimensional page walk (EPT)\n");
    snprintf(buf, sizeof buf, "%d", g);
    text_param(out, "guest levels g", &p->guest_levels, buf);
    snprintf(buf, sizeof buf, "%d", h);
    text_param(out, "host (EPT) levels h", &p->host_levels, buf);
    text_param(out, "guest page", &p->guest_page, p->guest_page.text);
    text_param(out, "host page", &p->host_page, p->host_page.text);
    fprintf(out,
            "\n  A TLB miss walks the guest page table: g references.  Each guest entry\n"
            "  sits at a guest-physical address that the host must translate with its\n"
            "  own h-level walk, and so does the guest-physical address of the data:\n"
            "      g + g*h + h = (g+1)(h+1) - 1 = %d references (native: %d).\n"
            "  A 2M page ends the walk of its side one level early, a 1G page two\n"
            "  levels early, so g' = g - 0/1/2 and h' = h - 0/1/2 for 4K/2M/1G.\n",
            hw_walk_refs_2d(g, HW_PAGE_4K, h, HW_PAGE_4K), hw_walk_refs_native(g, HW_PAGE_4K));
    fprintf(out, "\n  Caches cut the references of an average walk:\n");
    snprintf(buf, sizeof buf, "p = %.4f", p->pwc_hit.value);
    text_param(out, "page-walk cache", &p->pwc_hit, buf);
    snprintf(buf, sizeof buf, "q = %.4f", p->ntlb_hit.value);
    text_param(out, "nested TLB", &p->ntlb_hit, buf);
    fprintf(out,
            "      host walk   H      = 1 + (h'-1)(1-p)\n"
            "      native walk N      = 1 + (g'-1)(1-p)\n"
            "      2D walk            = N (1 + (1-q) H) + (1-q) H\n"
            "  (an upper-level entry is skipped with probability p, and a skipped guest\n"
            "  entry skips its host walk too; the nested TLB skips a whole host walk).\n");

    fprintf(out, "\n  Price of one page-table reference, by where it hits:\n");
    for (int l = 0; l < HW_MEM_LEVELS; l++) {
        const struct hw_param *lat = &p->mem_latency[l], *f = &p->hit_fraction[l];
        fprintf(out, "  %-5s %5.3f x %7.1f cycles", hw_mem_level_names[l], f->value, lat->value);
        if (strcmp(lat->unit, "ns") == 0)
            fprintf(out, " (%g ns)", lat->given);
        fprintf(out, "   latency [%s] %s; fraction [%s]\n", prov_text(lat->prov),
                lat->source ? lat->source : "", prov_text(f->prov));
    }
    fprintf(out, "  = %.2f cycles = %.2f ns per reference (fractions: %s)\n", m->ref_cycles,
            hw__cycles_to_ns(m, m->ref_cycles), p->hit_fraction[0].source);

    fprintf(out, "\n  Every page-size pair (* = this profile's):\n"
                 "    guest host  g' h' | uncached 2D  native | expected 2D  native |"
                 "  2D ns  native ns  beyond native ns\n");
    for (int gp = 0; gp < HW_PAGE_SIZES; gp++)
        for (int hp = 0; hp < HW_PAGE_SIZES; hp++) {
            struct hw_walk w;
            hw_model_walk_pair(m, (enum hw_page_size)gp, (enum hw_page_size)hp, &w);
            bool mine = gp == (int)p->guest_page.value && hp == (int)p->host_page.value;
            fprintf(out, "  %c %-5s %-4s  %d  %d  | %11d  %6d | %11.2f  %6.2f | %6.1f  %9.1f  %16.1f\n",
                    mine ? '*' : ' ', hw_page_size_name((enum hw_page_size)gp),
                    hw_page_size_name((enum hw_page_size)hp), g - gp, h - hp, w.max_refs,
                    w.native_max_refs, w.refs, w.native_refs, w.ns, w.native_ns, w.ns - w.native_ns);
        }
}

static void text_switch_section(FILE *out, const struct hw_model *m, int only)
{
    const struct hw_profile *p = &m->p;
    char buf[64];
    struct hw_model flip = vpid_flipped(m);

    fprintf(out, "\n4. World switch (another guest's vCPU on the core, or a preemption)\n");
    snprintf(buf, sizeof buf, "%.0f cycles", p->world_switch.value);
    text_param(out, "exit + entry", &p->world_switch, buf);
    text_param(out, "VPID", &p->vpid, p->vpid.value ? "on" : "off");
    snprintf(buf, sizeof buf, "%.0f", p->tlb_entries.value);
    text_param(out, "TLB entries", &p->tlb_entries, buf);
    fprintf(out,
            "\n  cost = %.1f ns (exit + entry) + refilled entries x %.1f ns (one 2D walk each)\n"
            "  refilled entries: N = min(working set in entries of the smaller page, TLB)\n"
            "    VPID off: all N (untagged entries are flushed on the switch);\n"
            "    VPID on:  N x F / TLB, where F is the footprint of the guest that ran\n"
            "              before (it evicted that share); 0 after an idle core.\n\n",
            hw_model_world_switch_ns(m), m->walk.ns);
    fprintf(out, "    class               entries N   from idle ns  from same ns  worst ns"
                 "   same, VPID %s ns\n", p->vpid.value ? "off" : "on");
    for (size_t i = 0; i < m->ncls; i++) {
        if (only >= 0 && (int)i != only)
            continue;
        int c = (int)i;
        fprintf(out, "    %-18s  %9.0f  %13.1f  %12.1f  %8.1f  %15.1f\n", m->cls[i].name,
                hw__tlb_footprint(m, &m->cls[i]), hw__switch_ns(m, -1, c), hw__switch_ns(m, c, c),
                switch_max_ns(m, c), hw__switch_ns(&flip, c, c));
    }
}

/* The costs of the VM model's steps: a block, a wake on another core, a
 * start on another core (sim/engine.c prices them from these). */
static void text_block_section(FILE *out, const struct hw_model *m, int only)
{
    const struct hw_profile *p = &m->p;
    char buf[64];
    fprintf(out, "\n6. Blocking, waking and moving (vCPUs that halt and wake)\n");
    fprintf(out, "  A vCPU that blocks takes an HLT exit (%.1f ns, section 2); with nobody else\n"
                 "  waiting for the core, KVM then polls for a wake before it sleeps:\n",
            hw_hlt_cost(m));
    snprintf(buf, sizeof buf, "%.0f ns", p->halt_poll.value);
    text_param(out, "halt polling window", &p->halt_poll, buf);
    fprintf(out, "  A woken vCPU that starts on another core than it blocked on was sent an IPI:\n");
    snprintf(buf, sizeof buf, "%s", p->posted_interrupts.value ? "yes" : "no");
    text_param(out, "posted interrupts", &p->posted_interrupts, buf);
    snprintf(buf, sizeof buf, "%.0f cycles", p->ipi.value);
    text_param(out, "IPI", &p->ipi, buf);
    snprintf(buf, sizeof buf, "%.0f cycles", p->ipi_posted.value);
    text_param(out, "IPI, posted", &p->ipi_posted, buf);
    fprintf(out, "  -> a wake-up IPI costs %.1f ns\n", hw_ipi_cost(m));
    fprintf(out, "  A vCPU that starts on another core than its last refills that core's TLB\n"
                 "  and private cache:\n");
    snprintf(buf, sizeof buf, "%.0f KB", p->l2_kb.value);
    text_param(out, "private L2", &p->l2_kb, buf);
    snprintf(buf, sizeof buf, "%.0f", p->fill_buffers.value);
    text_param(out, "fill buffers", &p->fill_buffers, buf);
    fprintf(out, "\n  cost = TLB footprint x %.1f ns (a 2D walk each, as a switch without VPID)\n"
                 "       + min(working set, L2) / 64 B x L3 latency %.1f ns / %.0f fill buffers\n\n",
            m->walk.ns, hw__cycles_to_ns(m, p->mem_latency[HW_MEM_L3].value), p->fill_buffers.value);
    fprintf(out, "    class               TLB entries   L2 lines   migration ns\n");
    for (size_t i = 0; i < m->ncls; i++) {
        if (only >= 0 && (int)i != only)
            continue;
        const struct hw_class *c = &m->cls[i];
        double lines = fmin(c->ws_pages.value * 4096.0, p->l2_kb.value * 1024.0) / 64.0;
        fprintf(out, "    %-18s  %11.0f  %9.0f  %13.1f\n", c->name, hw__tlb_footprint(m, c), lines,
                hw_migration_cost(m, i));
    }
}

/* Spinlocks: the class side (how often a vCPU holds one) and the
 * hardware side (PAUSE-loop exiting bounds a spin); sim/cosched.c uses
 * both. */
static void text_spin_section(FILE *out, const struct hw_model *m, int only)
{
    const struct hw_profile *p = &m->p;
    char buf[64];
    fprintf(out, "\n7. Spinlocks: lock-holder preemption and PAUSE-loop exiting\n");
    fprintf(out, "  A vCPU preempted inside a critical section keeps its lock; a sibling that\n"
                 "  needs it spins.  With PAUSE-loop exiting, a loop of PAUSEs at most ple_gap\n"
                 "  cycles apart that lasts ple_window cycles takes a PAUSE exit (%.1f ns,\n"
                 "  section 2) and the spinner yields to a preempted sibling, as KVM's\n"
                 "  kvm_vcpu_on_spin does; each exit grows the window, a schedule-in resets it.\n",
            hw__cycles_to_ns(m, p->exit_cost[HW_EXIT_PAUSE].value));
    snprintf(buf, sizeof buf, "%.0f cycles", p->ple_gap.value);
    text_param(out, "ple_gap", &p->ple_gap, buf);
    snprintf(buf, sizeof buf, "%.0f cycles", p->ple_window.value);
    text_param(out, "ple_window", &p->ple_window, buf);
    snprintf(buf, sizeof buf, "x %g", p->ple_window_grow.value);
    text_param(out, "ple_window_grow", &p->ple_window_grow, buf);
    struct hw_ple ple;
    hw_ple(m, &ple);
    if (ple.window_ns > 0)
        fprintf(out, "  -> a spinner exits after %.1f ns of spinning, then after %.1f ns, ...\n",
                ple.window_ns, ple.window_ns * ple.grow_factor + ple.grow_add_ns);
    else
        fprintf(out, "  -> PAUSE-loop exiting is off (ple_gap 0): a spinner spins until the\n"
                     "     holder releases the lock or its own core is taken\n");
    fprintf(out, "\n    class               spin fraction  critical section   [prov] source\n");
    for (size_t i = 0; i < m->ncls; i++) {
        if (only >= 0 && (int)i != only)
            continue;
        const struct hw_class *c = &m->cls[i];
        fprintf(out, "    %-18s  %13.4g  %13.0f ns   [%s] %s\n", c->name, c->spin_fraction.value,
                c->critical_section.value, prov_text(c->spin_fraction.prov),
                c->spin_fraction.source ? c->spin_fraction.source : "");
        fprintf(out, "    %-18s  %13s  %16s   [%s] %s\n", "", "", "",
                prov_text(c->critical_section.prov),
                c->critical_section.source ? c->critical_section.source : "");
    }
}

static void text_class(FILE *out, const struct hw_model *m, const struct hw_class *c)
{
    const struct hw_rates *r = &c->rates;
    fprintf(out, "\n  %s%s: %s\n", c->name, c == &m->cls[0] ? " (default)" : "",
            c->description ? c->description : "");
    fprintf(out, "    exits            rate/s     x cost ns  = s per s of work\n");
    for (int i = 0; i < HW_EXIT_REASONS; i++) {
        if (c->exit_rate[i].value == 0)
            continue;
        fprintf(out, "    %-18s %9.0f x %8.1f  = %.6f   [%s] %s\n",
                hw_exit_reason_name((enum hw_exit_reason)i), r->exit_rate[i], r->exit_cost_ns[i],
                r->exit_rate[i] * r->exit_cost_ns[i] * 1e-9, prov_text(c->exit_rate[i].prov),
                c->exit_rate[i].source);
    }
    fprintf(out, "    exit_h = %.6f  (%.0f exits/s)\n", r->exit_h, r->exits_per_s);
    fprintf(out, "    TLB misses/s = %g MPKI [%s] / 1000 x %g instr/s [%s] = %.4g\n", c->mpki.value,
            prov_text(c->mpki.prov), c->ips.value, prov_text(c->ips.prov), r->tlb_misses_per_s);
    fprintf(out, "    walk_h = %.4g misses/s x (%.1f - %.1f) ns = %.6f   (2D beyond native)\n",
            r->tlb_misses_per_s, m->walk.ns, m->walk.native_ns, r->walk_h);
    fprintf(out, "    native walk baseline = %.4g x %.1f ns = %.6f s per s (inside the work, not added)\n",
            r->tlb_misses_per_s, m->walk.native_ns, r->native_walk_h);
    fprintf(out, "    h = %.6f  ->  progress rate 1/(1+h) = %.4f: the work takes %.2f%% longer than native\n",
            r->h, 1.0 / (1.0 + r->h), 100.0 * r->h);
}

static void explain_text(FILE *out, const struct hw_model *m, int only)
{
    const struct hw_profile *p = &m->p;
    char buf[64];

    if (m->ideal) {
        fprintf(out, "Hardware profile none: ideal hardware, no virtualisation.\n"
                     "Every cost is zero: no VM exits, no 2D walks, a world switch costs 0 ns,\n"
                     "so every class has h = 0 and runs at rate 1/(1+h) = 1.  Use it to check\n"
                     "the simulator against scheduling theory.  Spinlocks cost nothing either:\n"
                     "no vCPU spins on ideal hardware (lock-holder preemption needs a profile).\n"
                     "\nClasses:");
        for (size_t i = 0; i < m->ncls; i++)
            if (only < 0 || (int)i == only)
                fprintf(out, " %s%s", m->cls[i].name, i == 0 ? " (default)" : "");
        fprintf(out, "\n");
        return;
    }
    fprintf(out, "Hardware profile %s: %s\n", m->name, p->description);
    if (m->file)
        fprintf(out, "File: %s\n", m->file);
    fprintf(out, "Provenance: [R] read in the source, [D] derived from read numbers, [M] remembered,\n"
                 "not re-verified, [E] engineering estimate, [S] simulator default, [C] measured on the\n"
                 "named machine by hvsim calibrate, [U] given without a source.  Model and sources:\n"
                 "docs/MODEL.md.\n");

    fprintf(out, "\n1. CPU and clock\n");
    text_param(out, "generation", &p->generation, p->generation.text);
    snprintf(buf, sizeof buf, "%g GHz", p->ghz.value);
    text_param(out, "nominal clock", &p->ghz, buf);
    fprintf(out, "  1 cycle = %.4f ns.  Cycle counts come from RDTSC, which ticks at the nominal\n"
                 "  clock, so cycles / nominal GHz is the time even under turbo.\n",
            1.0 / p->ghz.value);

    fprintf(out, "\n2. VM exits: one exit's cost (hardware round trip + handler)\n");
    if (p->trivial_exit.prov) {
        snprintf(buf, sizeof buf, "%.0f cycles", p->trivial_exit.value);
        text_param(out, "trivial exit (CPUID)", &p->trivial_exit, buf);
        fprintf(out, "  Costs without a measurement of their own are a multiple of it.\n");
    }
    fprintf(out, "    reason               cycles        ns  prov  source\n");
    for (int i = 0; i < HW_EXIT_REASONS; i++) {
        const struct hw_param *c = &p->exit_cost[i];
        fprintf(out, "    %-18s %8.0f  %8.1f  [%s]  %s\n", hw_exit_reason_name((enum hw_exit_reason)i),
                c->value, hw__cycles_to_ns(m, c->value), prov_text(c->prov), c->source);
    }
    text_walk_section(out, m);
    text_switch_section(out, m, only);

    fprintf(out, "\n5. Slowdown of each workload class\n"
                 "  h = sum over reasons of rate x cost + TLB misses/s x (2D walk - native walk),\n"
                 "  per second of guest work; a running vCPU progresses at 1/(1+h).\n");
    for (size_t i = 0; i < m->ncls; i++)
        if (only < 0 || (int)i == only)
            text_class(out, m, &m->cls[i]);
    fprintf(out, "\n  Summary\n    class               exits/s    exit_h    walk_h         h"
                 "   native walk\n");
    for (size_t i = 0; i < m->ncls; i++) {
        if (only >= 0 && (int)i != only)
            continue;
        const struct hw_rates *r = &m->cls[i].rates;
        fprintf(out, "    %-18s %8.0f  %8.5f  %8.5f  %8.5f  %12.5f\n", m->cls[i].name, r->exits_per_s,
                r->exit_h, r->walk_h, r->h, r->native_walk_h);
    }
    text_block_section(out, m, only);
    text_spin_section(out, m, only);
}

/* ---- JSON ---------------------------------------------------------- */

static json_t *param_json(const struct hw_param *p)
{
    json_t *o = json_object();
    if (p->text)
        json_object_set_new(o, "value", json_string(p->text));
    else if (p->is_bool)
        json_object_set_new(o, "value", json_boolean(p->given != 0));
    else if (p->given == floor(p->given) && fabs(p->given) < 1e15)
        json_object_set_new(o, "value", json_integer((json_int_t)p->given));
    else
        json_object_set_new(o, "value", json_real(p->given));
    if (p->unit && *p->unit)
        json_object_set_new(o, "unit", json_string(p->unit));
    char tag[2] = { p->prov ? p->prov : '-', 0 };
    json_object_set_new(o, "prov", json_string(tag));
    json_object_set_new(o, "source", json_string(p->source ? p->source : ""));
    return o;
}

static json_t *walk_json(const struct hw_walk *w, enum hw_page_size gp, enum hw_page_size hp)
{
    return json_pack("{s:s, s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:f, s:f}",
                     "guest_page", hw_page_size_name(gp), "host_page", hw_page_size_name(hp),
                     "max_refs", w->max_refs, "native_max_refs", w->native_max_refs,
                     "refs", w->refs, "native_refs", w->native_refs, "cycles", w->cycles,
                     "native_cycles", w->native_cycles, "ns", w->ns, "native_ns", w->native_ns);
}

static json_t *class_json(const struct hw_model *m, int ci)
{
    const struct hw_class *c = &m->cls[ci];
    const struct hw_rates *r = &c->rates;
    json_t *o = json_object(), *ex = json_object();

    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "default", json_boolean(ci == 0));
    json_object_set_new(o, "description", json_string(c->description ? c->description : ""));
    for (int i = 0; i < HW_EXIT_REASONS; i++) {
        if (c->exit_rate[i].value == 0)
            continue;
        json_t *e = json_pack("{s:f, s:f, s:f}", "rate", r->exit_rate[i], "cost_ns",
                              r->exit_cost_ns[i], "h", r->exit_rate[i] * r->exit_cost_ns[i] * 1e-9);
        json_object_set_new(e, "input", param_json(&c->exit_rate[i]));
        json_object_set_new(ex, hw_exit_reason_name((enum hw_exit_reason)i), e);
    }
    json_object_set_new(o, "exits", ex);
    if (c->doc) {
        json_object_set_new(o, "tlb_mpki", param_json(&c->mpki));
        json_object_set_new(o, "instructions_per_s", param_json(&c->ips));
        json_object_set_new(o, "working_set_pages", param_json(&c->ws_pages));
    }
    json_object_set_new(o, "exits_per_s", json_real(r->exits_per_s));
    json_object_set_new(o, "exit_h", json_real(r->exit_h));
    json_object_set_new(o, "tlb_misses_per_s", json_real(r->tlb_misses_per_s));
    json_object_set_new(o, "walk_h", json_real(r->walk_h));
    json_object_set_new(o, "native_walk_h", json_real(r->native_walk_h));
    json_object_set_new(o, "h", json_real(r->h));
    json_object_set_new(o, "rate", json_real(1.0 / (1.0 + r->h)));
    /* The same-class switch both ways, whatever the profile says, so a
     * reader sees what VPID buys without editing the profile. */
    struct hw_model flip = vpid_flipped(m);
    const struct hw_model *on = m->p.vpid.value ? m : &flip, *off = m->p.vpid.value ? &flip : m;
    json_object_set_new(o, "switch", json_pack("{s:f, s:f, s:f, s:f, s:f, s:f}",
        "tlb_entries", hw__tlb_footprint(m, c), "from_idle_ns", hw__switch_ns(m, -1, ci),
        "from_same_class_ns", hw__switch_ns(m, ci, ci), "worst_ns", switch_max_ns(m, ci),
        "from_same_class_vpid_on_ns", hw__switch_ns(on, ci, ci),
        "from_same_class_vpid_off_ns", hw__switch_ns(off, ci, ci)));
    json_object_set_new(o, "migration_ns", json_real(hw_migration_cost(m, (size_t)ci)));
    json_object_set_new(o, "spin_fraction", param_json(&c->spin_fraction));
    json_object_set_new(o, "critical_section", param_json(&c->critical_section));
    return o;
}

static json_t *explain_json(const struct hw_model *m, int only)
{
    const struct hw_profile *p = &m->p;
    json_t *root = json_object(), *prof = json_object();

    json_object_set_new(root, "schema", json_string("hvsim-explain/1"));
    json_object_set_new(prof, "name", json_string(m->name));
    json_object_set_new(prof, "ideal", json_boolean(m->ideal));
    json_object_set_new(prof, "file", m->file ? json_string(m->file) : json_null());
    if (!m->ideal) {
        json_object_set_new(prof, "description", json_string(p->description));
        json_object_set_new(prof, "generation", param_json(&p->generation));
        json_object_set_new(prof, "clock_ghz", param_json(&p->ghz));
        json_object_set_new(prof, "vpid", param_json(&p->vpid));
        json_object_set_new(prof, "tlb_entries", param_json(&p->tlb_entries));
    }
    json_object_set_new(root, "profile", prof);

    if (!m->ideal) {
        json_t *ex = json_object();
        for (int i = 0; i < HW_EXIT_REASONS; i++) {
            json_t *e = param_json(&p->exit_cost[i]);
            json_object_set_new(e, "cycles", json_real(p->exit_cost[i].value));
            json_object_set_new(e, "ns", json_real(hw__cycles_to_ns(m, p->exit_cost[i].value)));
            json_object_set_new(ex, hw_exit_reason_name((enum hw_exit_reason)i), e);
        }
        json_object_set_new(root, "exit_costs", ex);
        if (p->trivial_exit.prov)
            json_object_set_new(root, "trivial_exit", param_json(&p->trivial_exit));

        json_t *walk = json_object(), *price = json_object(), *pairs = json_array();
        json_object_set_new(walk, "formula", json_string("(g'+1)(h'+1)-1 uncached; "
            "N (1 + (1-q) H) + (1-q) H expected, H = 1 + (h'-1)(1-p), N = 1 + (g'-1)(1-p)"));
        json_object_set_new(walk, "guest_levels", param_json(&p->guest_levels));
        json_object_set_new(walk, "host_levels", param_json(&p->host_levels));
        json_object_set_new(walk, "guest_page", param_json(&p->guest_page));
        json_object_set_new(walk, "host_page", param_json(&p->host_page));
        json_object_set_new(walk, "pwc_hit_rate", param_json(&p->pwc_hit));
        json_object_set_new(walk, "nested_tlb_hit_rate", param_json(&p->ntlb_hit));
        for (int l = 0; l < HW_MEM_LEVELS; l++) {
            json_t *e = json_object();
            json_object_set_new(e, "latency", param_json(&p->mem_latency[l]));
            json_object_set_new(e, "latency_cycles", json_real(p->mem_latency[l].value));
            json_object_set_new(e, "fraction", param_json(&p->hit_fraction[l]));
            json_object_set_new(price, hw_mem_level_names[l], e);
        }
        json_object_set_new(walk, "reference", price);
        json_object_set_new(walk, "ref_cycles", json_real(m->ref_cycles));
        json_object_set_new(walk, "ref_ns", json_real(hw__cycles_to_ns(m, m->ref_cycles)));
        json_object_set_new(walk, "profile_pair", walk_json(&m->walk,
            (enum hw_page_size)p->guest_page.value, (enum hw_page_size)p->host_page.value));
        for (int gp = 0; gp < HW_PAGE_SIZES; gp++)
            for (int hp = 0; hp < HW_PAGE_SIZES; hp++) {
                struct hw_walk w;
                hw_model_walk_pair(m, (enum hw_page_size)gp, (enum hw_page_size)hp, &w);
                json_array_append_new(pairs, walk_json(&w, (enum hw_page_size)gp,
                                                       (enum hw_page_size)hp));
            }
        json_object_set_new(walk, "pairs", pairs);
        json_object_set_new(root, "walk", walk);

        json_t *sw = param_json(&p->world_switch);
        json_object_set_new(sw, "cycles", json_real(p->world_switch.value));
        json_object_set_new(sw, "ns", json_real(hw_model_world_switch_ns(m)));
        json_object_set_new(sw, "refill_walk_ns", json_real(m->walk.ns));
        json_object_set_new(root, "world_switch", sw);

        json_t *bl = json_object();
        json_object_set_new(bl, "hlt_ns", json_real(hw_hlt_cost(m)));
        json_object_set_new(bl, "halt_poll", param_json(&p->halt_poll));
        json_object_set_new(bl, "posted_interrupts", param_json(&p->posted_interrupts));
        json_object_set_new(bl, "ipi", param_json(&p->ipi));
        json_object_set_new(bl, "ipi_posted", param_json(&p->ipi_posted));
        json_object_set_new(bl, "ipi_ns", json_real(hw_ipi_cost(m)));
        json_object_set_new(bl, "l2_kb", param_json(&p->l2_kb));
        json_object_set_new(bl, "fill_buffers", param_json(&p->fill_buffers));
        json_object_set_new(root, "blocking", bl);

        struct hw_ple ple;
        hw_ple(m, &ple);
        json_t *pl = json_object();
        json_object_set_new(pl, "ple_gap", param_json(&p->ple_gap));
        json_object_set_new(pl, "ple_window", param_json(&p->ple_window));
        json_object_set_new(pl, "ple_window_grow", param_json(&p->ple_window_grow));
        json_object_set_new(pl, "window_ns", json_real(ple.window_ns));
        json_object_set_new(pl, "pause_exit_ns",
                            json_real(hw__cycles_to_ns(m, p->exit_cost[HW_EXIT_PAUSE].value)));
        json_object_set_new(root, "ple", pl);
    }
    json_t *classes = json_array();
    for (size_t i = 0; i < m->ncls; i++)
        if (only < 0 || (int)i == only)
            json_array_append_new(classes, class_json(m, (int)i));
    json_object_set_new(root, "classes", classes);
    return root;
}

int hw_explain(FILE *out, const struct hw_model *m, const char *cls, bool json,
               struct sim_error *err)
{
    int only = find_class(m, cls, err);
    if (only == -2)
        return SIM_EINVAL;
    if (!json) {
        explain_text(out, m, only);
        return 0;
    }
    json_t *root = explain_json(m, only);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(root);
    fputc('\n', out);
    if (rc)
        return sim_error_set(err, SIM_EIO, NULL, 0, 0, "cannot write the explanation");
    return 0;
}

/* ---- list ---------------------------------------------------------- */

/* One line per data file of DATADIR/SUB: its name and "description",
 * read without validating the rest (hvsim explain validates). */
/* The data files in DATADIR/sub as [{name, desc, default}], the default
 * (first) one first; NULL if the directory cannot be read. */
static json_t *list_dir(const char *datadir, const char *sub, const char *first)
{
    size_t dlen = strlen(datadir) + strlen(sub) + 2;
    char *dir = xmalloc(dlen);
    snprintf(dir, dlen, "%s/%s", datadir, sub);
    size_t n;
    char **names = hw__dir_names(dir, &n);
    json_t *a = names ? json_array() : NULL;
    for (int pass = 0; names && pass < 2; pass++)   /* the default first, then the rest */
        for (size_t i = 0; i < n; i++) {
            bool is_first = first && strcmp(names[i], first) == 0;
            if (is_first != (pass == 0))
                continue;
            size_t flen = dlen + strlen(names[i]) + 6;
            char *file = xmalloc(flen);
            snprintf(file, flen, "%s/%s.json", dir, names[i]);
            json_t *doc = json_load_file(file, 0, NULL);
            const char *desc = json_string_value(json_object_get(doc, "description"));
            json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "name", names[i], "desc",
                                               desc ? desc : doc ? "" : "(unreadable)",
                                               "default", is_first));
            json_decref(doc);
            free(file);
        }
    hw__names_free(names, n);
    free(dir);
    return a;
}

json_t *hw_list_json(const char *datadir)
{
    if (!datadir)
        datadir = HVSIM_DATADIR;
    json_t *profiles = list_dir(datadir, "profiles", NULL);
    json_t *all = json_array();
    json_array_append_new(all, json_pack("{s:s, s:s, s:b}", "name", "none", "desc",
                                         "ideal hardware: no virtualisation overhead (for "
                                         "theory)", "default", 1));
    json_array_extend(all, profiles ? profiles : json_array());
    json_decref(profiles);
    json_t *classes = list_dir(datadir, "classes", HW_DEFAULT_CLASS);
    json_t *o = json_pack("{s:o, s:o, s:s}", "profiles", all, "classes",
                          classes ? classes : json_array(), "datadir", datadir);
    return o;
}

static void print_list(FILE *out, const json_t *a, const char *what, const char *datadir)
{
    size_t i;
    const json_t *e;
    if (json_array_size(a) == 0)
        fprintf(out, "  (no %s found in %s/%s)\n", what, datadir, what);
    json_array_foreach(a, i, e) {
        bool def = json_is_true(json_object_get(e, "default"));
        fprintf(out, "  %-20s %s%s\n", json_string_value(json_object_get(e, "name")),
                def && strcmp(what, "classes") == 0 ? "(default) " : "",
                json_string_value(json_object_get(e, "desc")));
    }
}

void hw_list(FILE *out, const char *datadir)
{
    json_t *l = hw_list_json(datadir);
    const char *dir = json_string_value(json_object_get(l, "datadir"));
    fprintf(out, "Hardware profiles (--hw NAME, or --hw FILE.json):\n");
    print_list(out, json_object_get(l, "profiles"), "profiles", dir);
    fprintf(out, "Workload classes (the trace's class column):\n");
    print_list(out, json_object_get(l, "classes"), "classes", dir);
    json_decref(l);
}
