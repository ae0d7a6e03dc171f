/*
 * calibrate/calibrate.h - `hvsim calibrate`: measure the machine it runs
 * on into a hardware profile (schema hvsim-hw-profile/1, the format of
 * models/profiles/NAME.json) whose every value says where it comes from.
 *
 * What is measured, and what each number does and does not mean, is in
 * docs/CALIBRATE.md and in calib_describe().  The fitting code the profile's
 * walk parameters come from is in calibrate/calib-fit.h.
 */
#ifndef CALIBRATE_CALIBRATE_H
#define CALIBRATE_CALIBRATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/error.h"

/* How much to measure: the full run (a few minutes, working sets up to
 * 4 GiB), --quick (under 30 s, up to 256 MiB), or the test size (a few
 * seconds, up to 8 MiB: too little for a walk fit worth having, enough to
 * exercise every step; for the test suite, not offered on the command
 * line).  The rows are calib_sizes in calibrate/calib-run.c. */
enum calib_size { CALIB_SIZE_FULL, CALIB_SIZE_QUICK, CALIB_SIZE_TEST };
/* How a run of that size is named after "hvsim calibrate" in the log and
 * the sources: "", " --quick", " (test size)". */
const char *calib_size_label(enum calib_size size);

struct calib_options {
    enum calib_size size;
    const char *name;      /* the profile's name; NULL = from the output file, or "calibrated" */
    uint64_t seed;         /* layouts of the pointer chains (GSL MT19937) */
};

void calib_options_init(struct calib_options *opt);

/* Run every measurement, fit the walk model, and return the profile in
 * *profile (the caller owns it: json_decref).  Progress and a table of
 * what was measured go to log (may be NULL).  Fails with SIM_EINTERNAL
 * off x86-64 ("not supported on this architecture"), SIM_EIO when memory
 * or threads cannot be had. */
int calib_run(const struct calib_options *opt, FILE *log, json_t **profile,
              struct sim_error *err);

/* Write a profile: to path atomically (a temporary file renamed), or to
 * stdout when path is NULL.  SIM_EIO on failure. */
int calib_write_profile(const json_t *profile, const char *path, struct sim_error *err);

/* The profile name implied by an output path: its base name without
 * ".json" when that is a valid profile name, else "calibrated". */
void calib_name_from_path(const char *path, char *buf, size_t len);

/* What `hvsim calibrate` measures and how, for its --help (cli/cmd-calibrate.c
 * adds the usage line and the options). */
void calib_describe(FILE *out);

#endif /* CALIBRATE_CALIBRATE_H */
