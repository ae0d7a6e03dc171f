/*
 * cli/cmd-calibrate.c - `hvsim calibrate [--out PROFILE.json] [--quick]`:
 * measure the machine hvsim runs on into a hardware profile
 * (calibrate/calibrate.h); the profile to a file or stdout, progress and
 * the table of what was measured to stderr.
 */
#include <stdio.h>

#include "calibrate/calibrate.h"
#include "cli/args.h"
#include "cli/commands.h"

struct calibrate_options {
    char *out;
    bool quick;
};

#define F(field) offsetof(struct calibrate_options, field)
static const struct param_def calibrate_opts[] = {
    {"out", PARAM_PATH, F(out), .metavar = "PROFILE.json",
     .help = "write the profile to this file (atomically: a failed run leaves none) instead "
     "of stdout; the profile is named after the file (its base name without .json when that "
     "is a valid profile name, else \"calibrated\")"},
    {"quick", PARAM_FLAG, F(quick), .help = "a short run (under 30 s on a quiet machine, "
     "256 MiB of memory): fewer and shorter runs, working sets up to 256 MiB"},
    {NULL},
};
#undef F

const struct param_def *cmd_calibrate_options(void) { return calibrate_opts; }

static void calibrate_help(FILE *out)
{
    fprintf(out, "usage: hvsim calibrate [--out PROFILE.json] [--quick]\n\n");
    calib_describe(out);
    fprintf(out, "\noptions:\n");
    cli_help_options(out, calibrate_opts);
    fprintf(out, "\nexamples:\n"
                 "  hvsim calibrate --quick --out /tmp/here.json   a first look\n"
                 "  hvsim calibrate --out myhost.json              the full run\n"
                 "  hvsim explain --hw myhost.json                 every value with its source\n"
                 "  hvsim run --hw myhost.json --generate \\\n"
                 "      n=1000,interarrival=exp:1.25,work=exp:1,class=memory-intensive\n"
                 "\nThe methods, the walk fit and what each number does and does not measure:\n"
                 "docs/CALIBRATE.md.\n");
}

int cmd_calibrate(int argc, char **argv)
{
    struct calibrate_options o = {0};
    struct cli_args args = {0};
    struct cli_optset known = {0};
    struct sim_error err = {0};
    json_t *profile = NULL;
    cli_optset_add(&known, calibrate_opts);
    int rc = cli_args_parse(&args, "calibrate", argc, argv, &known, &err);
    if (rc == SIM_OK && args.help) {
        calibrate_help(stdout);
        goto done;
    }
    if (rc == SIM_OK)
        rc = cli_args_positional(&args, 0, 0, "", &err);
    if (rc == SIM_OK)
        rc = cli_args_apply(&args, calibrate_opts, &o, &err);
    if (rc == SIM_OK) {
        struct calib_options opt;
        char name[32];
        calib_options_init(&opt);
        opt.size = o.quick ? CALIB_SIZE_QUICK : CALIB_SIZE_FULL;
        calib_name_from_path(o.out, name, sizeof name);
        opt.name = name;
        rc = calib_run(&opt, stderr, &profile, &err);
    }
    if (rc == SIM_OK)
        rc = calib_write_profile(profile, o.out, &err);
    if (rc == SIM_OK && o.out)
        fprintf(stderr, "profile written to %s (use it with --hw %s)\n", o.out, o.out);
done:
    if (rc < 0)
        sim_error_print(&err, stderr);
    json_decref(profile);
    param_free(calibrate_opts, &o);
    cli_args_free(&args);
    cli_optset_free(&known);
    return sim_error_exit_status(rc);
}
