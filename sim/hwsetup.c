/* sim/hwsetup.c - see hwsetup.h */
#include "sim/hwsetup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

int hw_setup_load(struct hw_setup *hs, const char *name, const char *datadir,
                  struct sim_error *err)
{
    memset(hs, 0, sizeof *hs);
    int rc = hw_model_load(name, datadir, &hs->model, err);
    if (rc < 0)
        return rc;
    hs->name = xstrdup(name);
    size_t n = hw_class_count(hs->model);
    hs->names = xcalloc(n ? n : 1, sizeof *hs->names);
    hs->bursts = xcalloc(n ? n : 1, sizeof *hs->bursts);
    for (size_t i = 0; i < n; i++) {
        hs->names[i] = hw_class_name(hs->model, i);
        hs->bursts[i] = hw_class_burst(hs->model, i);
    }
    if (!hw_model_is_ideal(hs->model) && n > 0) {
        hs->rates = xcalloc(n, sizeof *hs->rates);
        hs->rates_blocking = xcalloc(n, sizeof *hs->rates_blocking);
        hs->switch_cost = xcalloc((n + 1) * n, sizeof *hs->switch_cost);
        hs->migration_cost = xcalloc(n, sizeof *hs->migration_cost);
        for (size_t i = 0; i < n; i++) {
            hs->rates[i] = *hw_class_rates(hs->model, i);
            hw_class_rates_blocking(hs->model, i, &hs->rates_blocking[i]);
            hs->migration_cost[i] = (sim_time_t)llround(hw_migration_cost(hs->model, i));
        }
        for (size_t f = 0; f <= n; f++)
            for (size_t t = 0; t < n; t++)
                hs->switch_cost[f * n + t] = hw_switch_cost(hs->model, (int)f - 1, (int)t);
        hs->tables.hlt_cost = (sim_time_t)llround(hw_hlt_cost(hs->model));
        hs->tables.halt_poll = (sim_time_t)llround(hw_halt_poll(hs->model));
        hs->tables.ipi_cost = (sim_time_t)llround(hw_ipi_cost(hs->model));
    }
    hs->tables.nclasses = n;
    hs->tables.rates = hs->rates;
    hs->tables.rates_blocking = hs->rates_blocking;
    hs->tables.switch_cost = hs->switch_cost;
    hs->tables.migration_cost = hs->migration_cost;
    hs->tables.class_names = hs->names;
    hs->tables.bursts = hs->bursts;
    return SIM_OK;
}

void hw_setup_free(struct hw_setup *hs)
{
    free(hs->name);
    free(hs->rates);
    free(hs->rates_blocking);
    free(hs->switch_cost);
    free(hs->migration_cost);
    free(hs->names);
    free(hs->bursts);
    hw_model_free(hs->model);
    memset(hs, 0, sizeof *hs);
}
