/*
 * cli/options.h - the options of `hvsim run`, from a declarative table
 * (cf. ROSS tw_optdef) that parses the command line, reads the same keys
 * from a --config JSON file, range-checks every value, prints --help and
 * echoes the resolved configuration into the summary.
 */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <jansson.h>
#include <stdio.h>

#include "base/error.h"
#include "base/types.h"

struct run_config {
    /* workload */
    char *trace, *format, *generate;
    long limit;
    double start, end, scale_arrivals, scale_work;
    char *swf_class;
    /* scheduling */
    char *sched;
    sim_time_t quantum;
    bool clairvoyant, preempt;
    /* allocation and platform */
    char *alloc, *place, *admission, *platform, *share;
    double headroom, floor;
    sim_time_t interval;
    double overcommit;
    long hosts, cores;
    double mem;
    /* hardware */
    char *hw, *exit_model;
    /* experiment */
    long seed, reps, batches, warmup;
    /* output */
    char *out;
    sim_time_t sample;
    bool json, gantt, quiet;
    char *config;
    /* which options were given (on the command line or in the config) */
    unsigned char given[64];
};

void run_config_init(struct run_config *c);
void run_config_free(struct run_config *c);

/* Parse `hvsim run` arguments (argv[0] is "run"), including --config.
 * Returns 0, SIM_EINVAL with err filled, or 1 if --help was printed. */
int run_config_parse(struct run_config *c, int argc, char **argv, struct sim_error *err);

/* Was the option NAME set by the user? */
bool run_config_given(const struct run_config *c, const char *name);

/* The resolved configuration as a JSON object (the summary's config). */
json_t *run_config_to_json(const struct run_config *c);

void run_config_help(FILE *out);

/* Parse a duration: seconds, or a number with ns/us/ms/s. */
bool sim_parse_duration(const char *text, sim_time_t *out);

#endif /* CLI_OPTIONS_H */
