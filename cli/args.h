/*
 * cli/args.h - the one option parser of every subcommand.
 *
 * Rules, the same for run, list, check, explain and compare:
 *   --name value and --name=value; a flag takes no value;
 *   a missing value is an error naming the option, and a value may not
 *   start with "--" (so `--sched --quiet` is "--sched needs a value", not a
 *   scheduler named "--quiet"; write --name=--x for such a value);
 *   an unknown option is an error that says where the options are listed;
 *   --help or -h anywhere asks for the command's help;
 *   every other argument is positional (a PATH, a DIR).
 * Options are declared as struct param_def rows (base/param.h): the
 * command's own table and, for run, the knobs of every registered policy.
 * Parsing only splits the arguments; values are read and range-checked
 * when a table is applied (cli_args_apply), so that a policy's knobs are
 * read by its own rules once the policy is chosen.
 *
 * A --config FILE.json adds its keys as if given before every flag of the
 * command line (the command line wins), each remembering its file for
 * messages and for paths relative to it; a key whose value is null is not
 * given.  A summary.json of an earlier run (schema hvsim-summary/N) is
 * read as its "config" object, the echo of that run's resolved
 * experiment, with paths relative to the current directory (as the run
 * was given them).
 */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

#include <jansson.h>
#include <stdbool.h>

#include "base/error.h"
#include "base/jsonfile.h"
#include "base/param.h"

/* One option as given. */
struct cli_arg {
    char *name;           /* without the dashes */
    char *text;           /* the value; NULL for a flag or a config value */
    json_t *json;         /* a config file's value (owned), or NULL */
    char *base_dir;       /* the config file's directory (owned), NULL from argv */
    char *origin;         /* for messages: "--quantum" or "key 'quantum'" */
    char *file;           /* the config file of a config value (owned), else NULL */
    long line, column;    /* where its value starts in that file, 0 if unknown */
    bool used;            /* read by some table (cli_args_apply) */
};

struct cli_args {
    const char *cmd;      /* "run", for messages */
    struct cli_arg *arg;  /* in the order they take effect */
    size_t narg, cap;
    const char **pos;     /* positional arguments (point into argv) */
    size_t npos;
    bool help;            /* --help or -h was given */
};

/* A set of option tables (the command's and the policies' knobs), to tell
 * whether a name exists and whether it takes a value. */
struct cli_optset {
    const struct param_def **table;
    size_t n, cap;
};
void cli_optset_add(struct cli_optset *s, const struct param_def *defs);
/* The first row named name in the set, or NULL. */
const struct param_def *cli_optset_find(const struct cli_optset *s, const char *name);
void cli_optset_free(struct cli_optset *s);

/* Split argv[1..argc-1] (argv[0] is the command's name).  SIM_EINVAL on an
 * unknown option, a missing value or a value given to a flag. */
int cli_args_parse(struct cli_args *a, const char *cmd, int argc, char **argv,
                   const struct cli_optset *known, struct sim_error *err);

/* Add the keys of the JSON object of config file f (read by
 * json_file_load, which refuses a path that cannot be read and broken
 * JSON), or of the config object of a run's summary.json, before the
 * command line's options.  SIM_EINVAL with FILE:LINE:COL for a file that
 * is not an object or an unknown key; a value's own errors, found later,
 * carry its FILE:LINE:COL too.  A null value is an option not given. */
int cli_args_load_config(struct cli_args *a, const struct json_file *f,
                         const struct cli_optset *known, struct sim_error *err);

/* Read every given option of defs into values, in order (the last wins),
 * marking them used.  SIM_EINVAL with the option named (and, for a config
 * value, its FILE:LINE:COL). */
int cli_args_apply(struct cli_args *a, const struct param_def *defs, void *values,
                   struct sim_error *err);

/* Put the config file and position of g (if it came from one) into err. */
void cli_arg_locate(const struct cli_arg *g, struct sim_error *err);
/* The last option named name that was given, or NULL. */
const struct cli_arg *cli_args_last(const struct cli_args *a, const char *name);

/* Was option name given (on the command line or in a config)? */
bool cli_args_given(const struct cli_args *a, const char *name);
/* The text of the last value given for name (NULL if none, or not text). */
const char *cli_args_text(const struct cli_args *a, const char *name);

/* The check that positional arguments number between min and max (max < 0:
 * no limit); SIM_EINVAL saying what the command takes. */
int cli_args_positional(const struct cli_args *a, size_t min, long max, const char *metavar,
                        struct sim_error *err);

void cli_args_free(struct cli_args *a);

/* --help of a command: usage line, a paragraph, then its options. */
void cli_help_options(FILE *out, const struct param_def *defs);

#endif /* CLI_ARGS_H */
