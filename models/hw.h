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

#include <stdio.h>

#include "sim/error.h"
#include "sim/types.h"

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
 * (the work a reference, unvirtualised core would do in that second). */
struct hw_rates {
    double h;                          /* total overhead: rate = 1/(1+h) */
    double exit_h;                     /* part of h spent in exits */
    double walk_h;                     /* part of h in 2D walks beyond the native walk */
    double exit_rate[HW_EXIT_REASONS]; /* exits per second of guest work */
    double exit_cost_ns[HW_EXIT_REASONS]; /* cost of one exit of each reason, ns */
};

/* Load profile NAME_OR_FILE ("none", a name found as
 * DATADIR/profiles/NAME.json, or a path to a .json file) and the classes
 * in DATADIR/classes/ (all *.json there).  Errors name file and key. */
int hw_model_load(const char *name_or_file, const char *datadir, struct hw_model **out,
                  struct sim_error *err);
void hw_model_free(struct hw_model *m);

const char *hw_model_profile_name(const struct hw_model *m);
bool hw_model_is_ideal(const struct hw_model *m);
double hw_model_ghz(const struct hw_model *m);

/* Classes: index 0 is the default class (used for "" in a trace). */
size_t hw_class_count(const struct hw_model *m);
const char *hw_class_name(const struct hw_model *m, size_t i);
int hw_class_find(const struct hw_model *m, const char *name);   /* -1 = unknown */
const struct hw_rates *hw_class_rates(const struct hw_model *m, size_t cls);

/* Cost of a world switch on a core to a vCPU of class to_cls after a vCPU
 * of class from_cls (from_cls < 0: the core was idle, nothing to evict).
 * Exit + entry + the TLB refill of to_cls's working set, unless VPID keeps
 * the entries.  Zero for the ideal profile. */
sim_time_t hw_switch_cost(const struct hw_model *m, int from_cls, int to_cls);

/* `hvsim explain`: the derivation, step by step with sources, as text or
 * as JSON (cls NULL = every class). */
int hw_explain(FILE *out, const struct hw_model *m, const char *cls, bool json,
               struct sim_error *err);

/* `hvsim list`: names and one-line descriptions of the profiles and the
 * classes found in DATADIR. */
void hw_list(FILE *out, const char *datadir);

#endif /* MODELS_HW_H */
