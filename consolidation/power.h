/*
 * consolidation/power.h - host power models: a SPECpower_ssj2008-style
 * table of watts at 0, 10, ..., 100 % CPU utilisation, linearly
 * interpolated (CloudSim PowerModelSpecPower).  Tables are data files,
 * DATADIR/power/NAME.json (models/power/ in the source tree), each citing
 * the SPECpower result it comes from.
 */
#ifndef CONSOLIDATION_POWER_H
#define CONSOLIDATION_POWER_H

#include "base/error.h"

#define CONS_POWER_POINTS 11

struct cons_power {
    char name[64];
    double watts[CONS_POWER_POINTS];  /* at 0 %, 10 %, ..., 100 % */
};

/* Watts at utilisation u, computed exactly as CloudSim 5.0 does
 * (C/power/models/PowerModelSpecPower.java:30-44: the table entry when
 * u % 0.1 == 0, else the straight line between the two neighbouring
 * entries, in CloudSim's floating-point order).  NAN if u is outside
 * [0, 1] (CloudSim throws). */
double cons_power_at(const struct cons_power *p, double u);

/* Exact mean power while the utilisation moves linearly from u0 to u1
 * (both in [0, 1]): the integral of the piecewise-linear table over
 * [u0, u1] divided by u1 - u0, P(u0) when they are equal. */
double cons_power_mean(const struct cons_power *p, double u0, double u1);

/* Load a table by name (DATADIR/power/NAME.json; datadir NULL = the
 * installed one) or from a path ending in .json.  Strict: an unknown key,
 * a table that is not 11 non-decreasing, non-negative watts, or a missing
 * source is SIM_EINVAL naming the file. */
int cons_power_load(const char *name_or_file, const char *datadir, struct cons_power *out,
                    struct sim_error *err);

#endif /* CONSOLIDATION_POWER_H */
