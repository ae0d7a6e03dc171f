/*
 * calibrate/calib-report.h - everything one calibration measured and
 * derived, shared by the files that produce it (calib-run.c), write it as
 * a profile (calib-profile.c) and print it (calib-run.c's table).  Private
 * to calibrate/.
 */
#ifndef CALIBRATE_CALIB_REPORT_H
#define CALIBRATE_CALIB_REPORT_H

#include <jansson.h>
#include <stdbool.h>

#include "calibrate/calib-cpu.h"
#include "calibrate/calib-fit.h"
#include "calibrate/calib-host.h"
#include "calibrate/calib-mem.h"
#include "calibrate/calib-sched.h"
#include "calibrate/calibrate.h"

/* Above this a CPUID exit is taken for nested virtualisation: every
 * single-level KVM trivial exit in docs/hw-calibration.md (s1c, s2a) is
 * below 1 us (the largest, 1800 cycles at 2.5 GHz, is 0.72 us), while the
 * nested CPUID of Bonzini's 2019 table is 13142 cycles, about 5 us. */
#define CALIB_NESTED_EXIT_NS 2000.0

struct calib_report {
    struct calib_options opt;
    struct calib_host host;
    double load_after[3];
    double seconds;                       /* wall time of the whole run */

    /* exits */
    long exit_iters;
    int exit_runs;
    struct calib_stat cpuid_ns;
    enum calib_hypercall hypercall;
    const char *hypercall_name;           /* "VMMCALL" or "VMCALL" */
    bool hypercall_measured;              /* false: it faulted in user mode */
    struct calib_stat hypercall_ns;
    bool nested_likely;                   /* guest and CPUID > CALIB_NESTED_EXIT_NS */

    /* memory */
    struct calib_mem_plan mem_plan;
    struct calib_mem_result mem;
    struct calib_levels levels;
    bool walk_fitted;                     /* false: the fallback below is used */
    char walk_note[300];                  /* why not fitted, or "" */
    struct calib_walk_fixed walk_fixed;   /* its D points at data_ns */
    double data_ns[CALIB_MAX_POINTS];     /* THP random-lines medians: D(ws) */
    double l4k[CALIB_MAX_POINTS];         /* one-per-page medians, 4 KiB pages */
    double lthp[CALIB_MAX_POINTS];        /* one-per-page medians, huge pages */
    bool splinters;                       /* fitted sigma >= 0.5: host maps guest memory in 4 KiB */
    struct calib_walk_fit fit;
    struct calib_walk_profile walk;       /* at walk.ws_ref */
    double walk_at_ws[CALIB_MAX_POINTS];  /* the fitted walk per TLB miss at each ws, ns */
    double tlb_part_max_ns;               /* the most the fit took off the reference for levels */

    /* switches, timer, wake */
    struct calib_sched_plan sched_plan;
    struct calib_sched_result sched;
    /* The switch with a TLB's worth of pages per thread against the model:
     * (switch - empty switch) / pages, and the fitted walk at the two
     * threads' working set (0 when not fitted). */
    double refill_per_page_ns;
    double refill_walk_ns;
};

/* From the memory curves (r->mem, r->host filled) to the levels, the
 * walk fit, the levels again without the walks the reference paid, and the
 * profile's walk at the largest working set (r->levels, walk_fixed, fit, walk, walk_fitted,
 * walk_note, splinters). */
void calib_report_analyse(struct calib_report *r);

/* The hardware profile (schema hvsim-hw-profile/1) with a "_calibration"
 * record of every measurement. */
json_t *calib_profile_json(const struct calib_report *r);

#endif /* CALIBRATE_CALIB_REPORT_H */
