/*
 * models/hw.c - the hardware model: what a profile and a workload class
 * imply for a running vCPU.  docs/MODEL.md has the same derivation with
 * every source; this file is its arithmetic.
 *
 * Design:
 *   - Everything is computed once, at load (hw__derive): the price of one
 *     page-table reference, the expected 2D and native walk for the
 *     profile's page sizes, and for every class its struct hw_rates.  The
 *     engine then only reads: hw_class_rates is an index, hw_switch_cost a
 *     few multiplications.  Nothing is mutable after load.
 *
 *   - Overhead per second of guest work (the fluid model):
 *         h = sum_r rate_r * cost_r / f
 *           + misses/s * (walk_2d - walk_native) / f
 *     with f the nominal clock in cycles per second.  The native walk is
 *     already inside the reference work (a guest second is a second of an
 *     unvirtualised core, TLB misses included), so only the walk beyond
 *     native is overhead; native_walk_h reports the baseline.
 *
 *   - A walk (hw_model_walk_pair): g' and h' levels above the leaf on
 *     each side.  Uncached, the guest walk reads g' entries, each at a
 *     guest-physical address that needs an h'-level host walk, and the
 *     data's guest-physical address needs one more host walk:
 *         g' + g'h' + h' = (g'+1)(h'+1) - 1.
 *     Page-walk caches skip each upper-level (non-leaf) reference with
 *     probability p (a skipped guest entry skips its host walk too: Intel's
 *     paging-structure caches hold guest entries by host-physical address);
 *     the nested TLB skips a whole host walk with probability q:
 *         H      = 1 + (h'-1)(1-p)             one host walk
 *         native = 1 + (g'-1)(1-p)             the native walk
 *         2D     = native (1 + (1-q) H) + (1-q) H
 *     Each reference costs sum_l P(hit in l) * latency(l).
 *
 *   - A world switch: the profile's world_switch cycles (exit + switch of
 *     guest state + entry) plus a 2D walk per TLB entry the incoming vCPU
 *     must refill.  Without VPID every entry is gone: min(working set,
 *     TLB).  With VPID the entries survive except those the other guest
 *     evicted: its footprint F among the C entries evicts that fraction,
 *     N * F / C (random replacement, fluid).  See hw__switch_ns.
 */
#include "models/hw-private.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

const char *const hw_mem_level_names[HW_MEM_LEVELS] = { "l1", "l2", "l3", "dram" };

static const char *const exit_names[HW_EXIT_REASONS] = {
    [HW_EXIT_EXTERNAL_INTERRUPT] = "external_interrupt",
    [HW_EXIT_HLT] = "hlt",
    [HW_EXIT_IO] = "io",
    [HW_EXIT_EPT_VIOLATION] = "ept_violation",
    [HW_EXIT_EPT_MISCONFIG] = "ept_misconfig",
    [HW_EXIT_CPUID] = "cpuid",
    [HW_EXIT_MSR_READ] = "msr_read",
    [HW_EXIT_MSR_WRITE] = "msr_write",
    [HW_EXIT_APIC_ACCESS] = "apic_access",
    [HW_EXIT_VMCALL] = "vmcall",
    [HW_EXIT_PREEMPTION_TIMER] = "preemption_timer",
    [HW_EXIT_PAUSE] = "pause",
};

const char *hw_exit_reason_name(enum hw_exit_reason r)
{
    return (unsigned)r < HW_EXIT_REASONS ? exit_names[r] : "unknown";
}

const char *hw_page_size_name(enum hw_page_size ps)
{
    static const char *const names[HW_PAGE_SIZES] = { "4K", "2M", "1G" };
    return (unsigned)ps < HW_PAGE_SIZES ? names[ps] : "?";
}

/* Levels above the leaf: a 2M page is mapped by a level-2 entry, a 1G page
 * by a level-3 entry, so the walk stops one or two levels early. */
static int levels_walked(int levels, enum hw_page_size ps)
{
    if ((levels != 4 && levels != 5) || (unsigned)ps >= HW_PAGE_SIZES)
        return -1;
    return levels - (int)ps;
}

int hw_walk_refs_native(int levels, enum hw_page_size ps)
{
    return levels_walked(levels, ps);
}

int hw_walk_refs_2d(int guest_levels, enum hw_page_size guest_page,
                    int host_levels, enum hw_page_size host_page)
{
    int g = levels_walked(guest_levels, guest_page);
    int h = levels_walked(host_levels, host_page);
    if (g < 0 || h < 0)
        return -1;
    return (g + 1) * (h + 1) - 1;
}

double hw__cycles_to_ns(const struct hw_model *m, double cycles)
{
    return m->ideal ? 0.0 : cycles / m->p.ghz.value;
}

void hw_model_walk_pair(const struct hw_model *m, enum hw_page_size guest_page,
                        enum hw_page_size host_page, struct hw_walk *out)
{
    memset(out, 0, sizeof *out);
    if (m->ideal)
        return;
    int gl = (int)m->p.guest_levels.value, hl = (int)m->p.host_levels.value;
    int g = levels_walked(gl, guest_page), h = levels_walked(hl, host_page);
    assert(g > 0 && h > 0);   /* levels validated at load */
    double p = m->p.pwc_hit.value, q = m->p.ntlb_hit.value;
    double host = 1.0 + (h - 1) * (1.0 - p);
    double native = 1.0 + (g - 1) * (1.0 - p);

    out->max_refs = (g + 1) * (h + 1) - 1;
    out->native_max_refs = g;
    out->native_refs = native;
    out->refs = native * (1.0 + (1.0 - q) * host) + (1.0 - q) * host;
    out->cycles = out->refs * m->ref_cycles;
    out->native_cycles = out->native_refs * m->ref_cycles;
    out->ns = hw__cycles_to_ns(m, out->cycles);
    out->native_ns = hw__cycles_to_ns(m, out->native_cycles);
}

/* One class on this profile: h and its parts (see the design note). */
static void derive_rates(const struct hw_model *m, struct hw_class *c)
{
    struct hw_rates *r = &c->rates;
    memset(r, 0, sizeof *r);
    if (m->ideal)
        return;   /* no virtualisation: no exits, no 2D walks */
    double hz = m->p.ghz.value * 1e9;
    double exit_cycles = 0;
    for (int i = 0; i < HW_EXIT_REASONS; i++) {
        r->exit_rate[i] = c->exit_rate[i].value;
        r->exit_cost_ns[i] = hw__cycles_to_ns(m, m->p.exit_cost[i].value);
        r->exits_per_s += r->exit_rate[i];
        exit_cycles += r->exit_rate[i] * m->p.exit_cost[i].value;
    }
    r->exit_h = exit_cycles / hz;
    r->tlb_misses_per_s = c->mpki.value / 1000.0 * c->ips.value;
    r->walk_h = r->tlb_misses_per_s * (m->walk.cycles - m->walk.native_cycles) / hz;
    r->native_walk_h = r->tlb_misses_per_s * m->walk.native_cycles / hz;
    r->h = r->exit_h + r->walk_h;
}

void hw__derive(struct hw_model *m)
{
    m->ref_cycles = 0;
    if (!m->ideal)
        for (int l = 0; l < HW_MEM_LEVELS; l++)
            m->ref_cycles += m->p.hit_fraction[l].value * m->p.mem_latency[l].value;
    hw_model_walk_pair(m, (enum hw_page_size)m->p.guest_page.value,
                       (enum hw_page_size)m->p.host_page.value, &m->walk);
    for (size_t i = 0; i < m->ncls; i++)
        derive_rates(m, &m->cls[i]);
}

/* TLB entries of the effective page size (the smaller of guest and host
 * page: the TLB caches the combined translation at that size) that hold a
 * working set of ws 4K pages, at most the TLB's size. */
double hw__tlb_footprint(const struct hw_model *m, const struct hw_class *c)
{
    if (m->ideal)
        return 0;
    static const double pages_4k[HW_PAGE_SIZES] = { 1.0, 512.0, 262144.0 };
    int eff = (int)fmin(m->p.guest_page.value, m->p.host_page.value);
    double entries = ceil(c->ws_pages.value / pages_4k[eff]);
    return fmin(entries, m->p.tlb_entries.value);
}

double hw__switch_ns(const struct hw_model *m, int from_cls, int to_cls)
{
    assert(to_cls >= 0 && (size_t)to_cls < m->ncls);
    assert(from_cls < 0 || (size_t)from_cls < m->ncls);
    if (m->ideal)
        return 0;
    double need = hw__tlb_footprint(m, &m->cls[to_cls]);
    double refill;
    if (!m->p.vpid.value)
        refill = need;               /* untagged entries are flushed on the switch */
    else if (from_cls < 0)
        refill = 0;                  /* idle core: nobody evicted the entries */
    else
        refill = need * hw__tlb_footprint(m, &m->cls[from_cls]) / m->p.tlb_entries.value;
    return hw__cycles_to_ns(m, m->p.world_switch.value + refill * m->walk.cycles);
}

sim_time_t hw_switch_cost(const struct hw_model *m, int from_cls, int to_cls)
{
    return (sim_time_t)llround(hw__switch_ns(m, from_cls, to_cls));
}

void hw_class_rates_blocking(const struct hw_model *m, size_t cls, struct hw_rates *out)
{
    *out = *hw_class_rates(m, cls);
    if (m->ideal)
        return;
    double hlt = out->exit_rate[HW_EXIT_HLT];
    double hlt_h = hlt * m->p.exit_cost[HW_EXIT_HLT].value / (m->p.ghz.value * 1e9);
    out->exit_rate[HW_EXIT_HLT] = 0;
    out->exits_per_s -= hlt;
    out->exit_h -= hlt_h;
    out->h -= hlt_h;
}

const struct dist *hw_class_burst(const struct hw_model *m, size_t cls)
{
    return &m->cls[cls].burst_dist;
}

double hw_hlt_cost(const struct hw_model *m)
{
    return m->ideal ? 0 : hw__cycles_to_ns(m, m->p.exit_cost[HW_EXIT_HLT].value);
}

double hw_halt_poll(const struct hw_model *m) { return m->ideal ? 0 : m->p.halt_poll.value; }

double hw_ipi_cost(const struct hw_model *m)
{
    if (m->ideal)
        return 0;
    return hw__cycles_to_ns(m, m->p.posted_interrupts.value ? m->p.ipi_posted.value
                                                            : m->p.ipi.value);
}

/* A vCPU started on another core finds none of its translations in that
 * core's TLB (as after a switch without VPID: its whole footprint is
 * refilled, a 2D walk each) and none of its lines in the core's private
 * L2: min(working set, L2) / 64 B lines come from L3, fill_buffers of them
 * in flight at a time. */
double hw_migration_cost(const struct hw_model *m, size_t cls)
{
    if (m->ideal)
        return 0;
    const struct hw_class *c = &m->cls[cls];
    double tlb = hw__tlb_footprint(m, c) * m->walk.cycles;
    double bytes = fmin(c->ws_pages.value * 4096.0, m->p.l2_kb.value * 1024.0);
    double cache = bytes / 64.0 * m->p.mem_latency[HW_MEM_L3].value / m->p.fill_buffers.value;
    return hw__cycles_to_ns(m, tlb + cache);
}

const char *hw_model_profile_name(const struct hw_model *m) { return m->name; }
bool hw_model_is_ideal(const struct hw_model *m) { return m->ideal; }
double hw_model_ghz(const struct hw_model *m) { return m->ideal ? 0.0 : m->p.ghz.value; }
bool hw_model_vpid(const struct hw_model *m) { return !m->ideal && m->p.vpid.value != 0; }
const struct hw_walk *hw_model_walk(const struct hw_model *m) { return &m->walk; }

double hw_model_world_switch_ns(const struct hw_model *m)
{
    return hw__cycles_to_ns(m, m->p.world_switch.value);
}

size_t hw_class_count(const struct hw_model *m) { return m->ncls; }

const char *hw_class_name(const struct hw_model *m, size_t i)
{
    return i < m->ncls ? m->cls[i].name : NULL;
}

int hw_class_find(const struct hw_model *m, const char *name)
{
    if (!name || !*name)
        return m->ncls ? 0 : -1;
    for (size_t i = 0; i < m->ncls; i++)
        if (strcmp(m->cls[i].name, name) == 0)
            return (int)i;
    return -1;
}

const struct hw_rates *hw_class_rates(const struct hw_model *m, size_t cls)
{
    assert(cls < m->ncls);
    return &m->cls[cls].rates;
}

/* The one place a model is freed: the documents own every string. */
void hw_model_free(struct hw_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->ncls; i++) {
        json_decref(m->cls[i].doc);
        free(m->cls[i].name);
        free(m->cls[i].file);
    }
    free(m->cls);
    json_decref(m->doc);
    free(m->name);
    free(m->file);
    free(m);
}
