/*
 * models/hw-ideal.c - the hardware model reduced to ideal hardware
 * (profile "none": no exit, walk or switch costs), so that the engine
 * and the scheduling theory can be built and validated on their own.
 * The calibrated VT-x/EPT model (models/hw.c, profiles and classes as
 * data) replaces this file; until then --hw accepts only "none".
 */
#include <stdlib.h>
#include <string.h>

#include "models/hw.h"
#include "sim/xalloc.h"

struct hw_model {
    int unused;
};

static const char *const exit_names[HW_EXIT_REASONS] = {
    "external_interrupt", "hlt", "io", "ept_violation", "ept_misconfig", "cpuid",
    "msr_read", "msr_write", "apic_access", "vmcall", "preemption_timer", "pause",
};

const char *hw_exit_reason_name(enum hw_exit_reason r) { return exit_names[r]; }

int hw_model_load(const char *name, const char *datadir, struct hw_model **out,
                  struct sim_error *err)
{
    (void)datadir;
    if (strcmp(name, "none") != 0)
        return sim_error_usage(err, "--hw %s: only the ideal profile 'none' is available in "
                               "this build", name);
    *out = xcalloc(1, sizeof **out);
    return SIM_OK;
}

void hw_model_free(struct hw_model *m) { free(m); }
const char *hw_model_profile_name(const struct hw_model *m) { (void)m; return "none"; }
bool hw_model_is_ideal(const struct hw_model *m) { (void)m; return true; }
double hw_model_ghz(const struct hw_model *m) { (void)m; return 0; }
size_t hw_class_count(const struct hw_model *m) { (void)m; return 0; }
const char *hw_class_name(const struct hw_model *m, size_t i) { (void)m; (void)i; return ""; }
int hw_class_find(const struct hw_model *m, const char *name) { (void)m; return name[0] ? -1 : 0; }

const struct hw_rates *hw_class_rates(const struct hw_model *m, size_t cls)
{
    static const struct hw_rates zero;   /* read-only */
    (void)m;
    (void)cls;
    return &zero;
}

sim_time_t hw_switch_cost(const struct hw_model *m, int from_cls, int to_cls)
{
    (void)m;
    (void)from_cls;
    (void)to_cls;
    return 0;
}

int hw_explain(FILE *out, const struct hw_model *m, const char *cls, bool json,
               struct sim_error *err)
{
    (void)m;
    (void)cls;
    (void)err;
    fprintf(out, json ? "{\"profile\": \"none\", \"h\": 0}\n"
                      : "profile none: ideal hardware, no virtualisation overhead.\n");
    return SIM_OK;
}

void hw_list(FILE *out, const char *datadir)
{
    (void)datadir;
    fprintf(out, "hardware profiles (--hw):\n  %-10s %s\n", "none",
            "ideal hardware: zero overhead, for theory");
}
