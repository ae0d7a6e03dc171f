/* sim/hwsetup.c - see hwsetup.h */
#include "sim/hwsetup.h"

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
    for (size_t i = 0; i < n; i++)
        hs->names[i] = hw_class_name(hs->model, i);
    if (!hw_model_is_ideal(hs->model) && n > 0) {
        hs->rates = xcalloc(n, sizeof *hs->rates);
        hs->switch_cost = xcalloc((n + 1) * n, sizeof *hs->switch_cost);
        for (size_t i = 0; i < n; i++)
            hs->rates[i] = *hw_class_rates(hs->model, i);
        for (size_t f = 0; f <= n; f++)
            for (size_t t = 0; t < n; t++)
                hs->switch_cost[f * n + t] = hw_switch_cost(hs->model, (int)f - 1, (int)t);
    }
    hs->tables.nclasses = n;
    hs->tables.rates = hs->rates;
    hs->tables.switch_cost = hs->switch_cost;
    hs->tables.class_names = hs->names;
    return SIM_OK;
}

void hw_setup_free(struct hw_setup *hs)
{
    free(hs->name);
    free(hs->rates);
    free(hs->switch_cost);
    free(hs->names);
    hw_model_free(hs->model);
    memset(hs, 0, sizeof *hs);
}
