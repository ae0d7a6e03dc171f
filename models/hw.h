/*
 * models/hw.h - the cost of virtualisation: hardware profiles (VT-x exit
 * costs, EPT two-dimensional walks, world switches) and workload classes
 * (how often a guest exits, how hard it is on the TLB), both loaded from
 * JSON data files, and what they imply for a running vCPU.
 *
 * The engine asks three things of this module:
 *   - for a (profile, class) pair, the overhead h per second of guest work,
 *     so a running vCPU progresses at rate 1/(1+h), split by cause, with
 *     the exit rate of every reason (hw_class_rates);
 *   - the cost of a world switch on a core (hw_switch_cost);
 *   - whether a class name exists (hw_class_find), to reject traces naming
 *     an unknown class.
 * Profile "none" is ideal hardware: h = 0 and switches cost 0, for theory.
 * The model and every default's source are in docs/MODEL.md.
 */
#ifndef MODELS_HW_H
#define MODELS_HW_H

#include <jansson.h>
#include <stdio.h>

#include "base/dist.h"
#include "base/error.h"
#include "base/types.h"

struct hw_model;   /* one profile plus the workload classes; read-only once loaded */

/* VM-exit reasons the model prices (rows of a profile's exit table and of a
 * class's exit rates).  Order is the output order of overhead.exits. */
enum hw_exit_reason {
    HW_EXIT_EXTERNAL_INTERRUPT,
    HW_EXIT_HLT,
    HW_EXIT_IO,
    HW_EXIT_EPT_VIOLATION,
    HW_EXIT_EPT_MISCONFIG,   /* MMIO fast path */
    HW_EXIT_CPUID,
    HW_EXIT_MSR_READ,
    HW_EXIT_MSR_WRITE,
    HW_EXIT_APIC_ACCESS,
    HW_EXIT_VMCALL,
    HW_EXIT_PREEMPTION_TIMER,
    HW_EXIT_PAUSE,
    HW_EXIT_REASONS
};
/* Lower-case name used in JSON files and in the summary ("hlt", "io", ...). */
const char *hw_exit_reason_name(enum hw_exit_reason r);

/* What a vCPU of one class costs on one profile, per second of guest work
 * (the work a reference, unvirtualised core would do in that second).
 * h = exit_h + walk_h; the native walk time (native_walk_h) is already
 * inside the reference work, so it is reported, never added. */
struct hw_rates {
    double h;                          /* total overhead: rate = 1/(1+h) */
    double exit_h;                     /* part of h spent in exits */
    double walk_h;                     /* part of h in 2D walks beyond the native walk */
    double exit_rate[HW_EXIT_REASONS]; /* exits per second of guest work */
    double exit_cost_ns[HW_EXIT_REASONS]; /* cost of one exit of each reason, ns */
    /* Added for reporting (not needed to run): */
    double native_walk_h;              /* s of native walks per s of work: the baseline */
    double tlb_misses_per_s;           /* TLB misses per s of guest work */
    double exits_per_s;                /* sum of exit_rate[] */
};

/* Name of the class used when a trace gives none (index 0 once loaded). */
#define HW_DEFAULT_CLASS "cpu-bound"

/* Page sizes, on the guest side (guest page tables) and on the host side
 * (EPT).  A larger page ends the walk of that side earlier: 2M one level
 * and 1G two levels above the 4K leaf. */
enum hw_page_size {
    HW_PAGE_4K,
    HW_PAGE_2M,
    HW_PAGE_1G,
    HW_PAGE_SIZES
};
const char *hw_page_size_name(enum hw_page_size ps);   /* "4K", "2M", "1G" */

/* Page-table references of an uncached walk.  Native: the levels left
 * above the leaf, g' = levels - (0, 1, 2) for 4K, 2M, 1G.  Two-dimensional
 * (EPT): (g'+1)(h'+1) - 1, 24 for 4-level/4-level with 4K pages on both
 * sides, 35 for 5/5.  Levels must be 4 or 5; returns -1 otherwise. */
int hw_walk_refs_native(int levels, enum hw_page_size ps);
int hw_walk_refs_2d(int guest_levels, enum hw_page_size guest_page,
                    int host_levels, enum hw_page_size host_page);

/* One TLB miss on a profile, for one page-size pair: uncached references,
 * expected references after page-walk-cache and nested-TLB hits, and the
 * time they take. */
struct hw_walk {
    int max_refs;            /* uncached 2D references, (g'+1)(h'+1)-1 */
    int native_max_refs;     /* uncached native references, g' */
    double refs;             /* expected 2D references after PWC/nested-TLB hits */
    double native_refs;      /* expected native references after PWC hits */
    double cycles;           /* refs x price of one reference */
    double native_cycles;    /* native_refs x price of one reference */
    double ns;               /* cycles / clock */
    double native_ns;        /* native_cycles / clock */
};
/* The walk for the profile's own page sizes, and for any pair (explain's
 * table, what-if studies).  All zero for the ideal profile. */
const struct hw_walk *hw_model_walk(const struct hw_model *m);
void hw_model_walk_pair(const struct hw_model *m, enum hw_page_size guest_page,
                        enum hw_page_size host_page, struct hw_walk *out);

bool hw_model_vpid(const struct hw_model *m);          /* false for the ideal profile */
/* Cost of the exit + entry of a world switch alone, without TLB refill, ns. */
double hw_model_world_switch_ns(const struct hw_model *m);

/* Load profile NAME_OR_FILE ("none", a name found as
 * DATADIR/profiles/NAME.json, or a path to a .json file) and the classes
 * in DATADIR/classes/ (all *.json there; DATADIR NULL = the installed
 * one).  Returns 0; SIM_EINVAL for an unknown profile name, a profile
 * path that cannot be read ("PATH: reason") or bad data (FILE:LINE:COL
 * and the key path); SIM_EIO for a data directory that cannot be read.  "none"
 * needs no file: without DATADIR/classes it knows the shipped class names. */
int hw_model_load(const char *name_or_file, const char *datadir, struct hw_model **out,
                  struct sim_error *err);
void hw_model_free(struct hw_model *m);
/* Whether name_or_file names a file (it has a '/' or ends in ".json")
 * rather than a profile of DATADIR/profiles. */
bool hw_model_is_path(const char *name_or_file);

const char *hw_model_profile_name(const struct hw_model *m);
bool hw_model_is_ideal(const struct hw_model *m);
double hw_model_ghz(const struct hw_model *m);

/* Classes: index 0 is the default class (used for "" in a trace). */
size_t hw_class_count(const struct hw_model *m);
const char *hw_class_name(const struct hw_model *m, size_t i);
int hw_class_find(const struct hw_model *m, const char *name);   /* -1 = unknown */
const struct hw_rates *hw_class_rates(const struct hw_model *m, size_t cls);
/* The same for a vCPU that blocks explicitly (the VM model): its halts
 * are its blocks, each an HLT exit charged as it happens, so the class's
 * rate of HLT exits is left out of h. */
void hw_class_rates_blocking(const struct hw_model *m, size_t cls, struct hw_rates *out);
/* The distribution of the class's CPU bursts, s (an on/off process of a
 * utilisation series draws its bursts from it). */
const struct dist *hw_class_burst(const struct hw_model *m, size_t cls);

/* The costs of blocking, waking and moving a vCPU, ns (0 on the ideal
 * profile; docs/MODEL.md, "Blocking, waking and moving"):
 *   hw_hlt_cost        the HLT exit and re-entry of a vCPU that blocks;
 *   hw_halt_poll       how long KVM polls a halted vCPU before it sleeps;
 *   hw_ipi_cost        the IPI that wakes a vCPU on another pCPU (posted
 *                      interrupts when the profile has them);
 *   hw_migration_cost  a vCPU of class cls started on another pCPU than
 *                      its last: its TLB entries and the core's private
 *                      cache refilled. */
double hw_hlt_cost(const struct hw_model *m);
double hw_halt_poll(const struct hw_model *m);
double hw_ipi_cost(const struct hw_model *m);
double hw_migration_cost(const struct hw_model *m, size_t cls);

/* Cost of a world switch on a core to a vCPU of class to_cls after a vCPU
 * of class from_cls (from_cls < 0: the core was idle, nothing to evict).
 * Exit + entry + a 2D walk per TLB entry to_cls must refill: its whole
 * working set (bounded by the TLB) without VPID; with VPID only the share
 * from_cls's footprint evicted, none after an idle core.  Zero for the
 * ideal profile.  docs/MODEL.md, "World switch". */
sim_time_t hw_switch_cost(const struct hw_model *m, int from_cls, int to_cls);

/* `hvsim explain`: the derivation, step by step with sources, as text or
 * as JSON (cls NULL = every class). */
int hw_explain(FILE *out, const struct hw_model *m, const char *cls, bool json,
               struct sim_error *err);

/* `hvsim list`: names and one-line descriptions of the profiles and the
 * classes found in DATADIR. */
void hw_list(FILE *out, const char *datadir);
/* The same as {"profiles": [{name, desc, default}], "classes": [...],
 * "datadir": DIR} (`hvsim list --json`). */
json_t *hw_list_json(const char *datadir);

#endif /* MODELS_HW_H */
