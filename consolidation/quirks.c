/* consolidation/quirks.c - see quirks.h. */
#include "consolidation/quirks.h"

#include <stdio.h>
#include <string.h>

#define MQ(field, what) {#field, false, offsetof(struct cons_quirks, field), what}
#define DQ(field, what) {#field, true, offsetof(struct cons_cloudsim_quirks, field), what}

const struct cons_quirk_desc cons_quirk_table[] = {
    DQ(remove_zero_demand_vms, "a VM that asks for exactly 0 MIPS at an update is removed for "
       "good, though its trace goes on"),
    DQ(events_offset, "updates at 300 k + 0.1 s, demands interpolated 0.1 s into each interval"),
    DQ(zero_util_is_off, "a host at 0 % CPU draws nothing and counts as switched off, VMs or "
       "not"),
    DQ(energy_cloudsim, "energy as the trapezoid of P at the interval's ends, metered from "
       "300.1 s to the last event"),
    DQ(oversubscription_floor, "an oversubscribed host's scaled shares are rounded down to "
       "whole MIPS"),
    DQ(ram_released, "a VM holds its RAM only while it is created: RAM never limits "
       "consolidation"),
    DQ(history_of_demand, "a VM's utilisation history records what it asked for, not what it "
       "got"),
    MQ(lr_unweighted, "LR/LRR fit without weights (the tricube and bisquare weights are never "
       "applied): LRR = LR"),
    MQ(iqr_index_quartiles, "IQR's quartiles by index, x[round(0.25(n+1))-1]"),
    MQ(mc_from_min_value, "MC's search starts at Double.MIN_VALUE: R^2 <= 0 never wins"),
    MQ(mc_commons_math_qr, "MC's regressions by commons-math's Householder QR (rounding noise "
       "on rank-deficient designs)"),
    MQ(drain_overload_targets, "targets of this round's overload migrations can be drained in "
       "the same round (Abstract.java:166)"),
    MQ(power_diff_from_measured, "PABFD's power increase is counted from the utilisation "
       "measured at the step's start"),
};
const size_t cons_quirk_count = sizeof cons_quirk_table / sizeof cons_quirk_table[0];

static bool *field(const struct cons_quirk_desc *d, struct cons_quirks *mq,
                   struct cons_cloudsim_quirks *dq)
{
    return (bool *)((d->datacentre ? (char *)dq : (char *)mq) + d->offset);
}

static void set_all(struct cons_quirks *mq, struct cons_cloudsim_quirks *dq, bool on)
{
    for (size_t i = 0; i < cons_quirk_count; i++)
        *field(&cons_quirk_table[i], mq, dq) = on;
}

int cons_quirks_parse(const char *spec, bool start_all, struct cons_quirks *mq,
                      struct cons_cloudsim_quirks *dq, bool *dc_on, struct sim_error *err)
{
    set_all(mq, dq, start_all);
    char buf[1024];
    if (strlen(spec) >= sizeof buf)
        return sim_error_usage(err, "--quirks: too long");
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool on = tok[0] != '-';
        const char *name = on ? tok : tok + 1;
        if (strcmp(name, "all") == 0 || strcmp(name, "none") == 0) {
            set_all(mq, dq, on == (strcmp(name, "all") == 0));
            continue;
        }
        size_t i = 0;
        while (i < cons_quirk_count && strcmp(cons_quirk_table[i].name, name) != 0)
            i++;
        if (i == cons_quirk_count) {
            char names[1024] = "";
            for (size_t k = 0; k < cons_quirk_count; k++)
                snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                         k ? ", " : "", cons_quirk_table[k].name);
            return sim_error_usage(err, "--quirks: unknown switch '%s' (all, none, or: %s; a "
                                   "leading - turns one off)", name, names);
        }
        *field(&cons_quirk_table[i], mq, dq) = on;
    }
    *dc_on = false;
    for (size_t i = 0; i < cons_quirk_count; i++)
        if (cons_quirk_table[i].datacentre && *field(&cons_quirk_table[i], mq, dq))
            *dc_on = true;
    return SIM_OK;
}

void cons_quirks_format(const struct cons_quirks *mq, const struct cons_cloudsim_quirks *dq,
                        char *buf, size_t len)
{
    size_t on = 0, used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < cons_quirk_count; i++) {
        const struct cons_quirk_desc *d = &cons_quirk_table[i];
        const char *base = d->datacentre ? (const char *)dq : (const char *)mq;
        if (!*(const bool *)(base + d->offset))
            continue;
        on++;
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", d->name);
    }
    if (on == cons_quirk_count)
        snprintf(buf, len, "all");
    else if (on == 0)
        snprintf(buf, len, "none");
}
