/*
 * sim/hwsetup.h - a hardware profile loaded (models/hw.h) and turned into
 * the tables the engine reads on its hot path (struct sim_hw_tables): the
 * rates of each class and the switch cost of each pair of classes.
 */
#ifndef SIM_HWSETUP_H
#define SIM_HWSETUP_H

#include "sim/engine.h"

struct hw_setup {
    char *name;                  /* as the user gave it */
    struct hw_model *model;
    struct hw_rates *rates;      /* NULL for ideal hardware */
    struct hw_rates *rates_blocking;
    sim_time_t *switch_cost;
    sim_time_t *migration_cost;
    const struct dist **bursts;
    const char **names;
    struct sim_hw_tables tables; /* points into the above */
};

int hw_setup_load(struct hw_setup *hs, const char *name, const char *datadir,
                  struct sim_error *err);
void hw_setup_free(struct hw_setup *hs);

#endif /* SIM_HWSETUP_H */
