/*
 * base/param.h - declared parameters: what a policy, a trace format or a
 * command takes, each with its type, default, range and one line of help,
 * and one set of rules to turn text (a command-line value) or JSON (a
 * config key) into a value.
 *
 * A table of struct param_def describes the fields of one C struct (the
 * owner's "values"): each row gives the field's offset.  Policies declare
 * their knobs this way beside their code, as Xen's credit2.c declares its
 * tunables with integer_param() and Linux's fair.c keeps its sysctls next
 * to the code that reads them; the command line, --config, --help, the
 * config echo in the summary and `hvsim list --json` are all generated
 * from these tables, so they cannot disagree.
 *
 * Storage by type:
 *   PARAM_FLAG, PARAM_BOOL     bool
 *   PARAM_INT                  long
 *   PARAM_REAL                 double
 *   PARAM_DURATION             sim_time_t (ns); min and max are in seconds
 *   PARAM_CHOICE               int, the index in choices ("a|b|c")
 *   PARAM_STRING, PARAM_PATH   char *, owned by the values (param_free)
 */
#ifndef BASE_PARAM_H
#define BASE_PARAM_H

#include <jansson.h>
#include <stdio.h>

#include "base/error.h"
#include "base/types.h"

enum param_type {
    PARAM_FLAG,      /* no value on the command line; true/false in a config */
    PARAM_BOOL,      /* yes|no on the command line; true/false in a config */
    PARAM_INT,       /* an integer in [min, max] */
    PARAM_REAL,      /* a number in [min, max], or (min, max] with PARAM_MIN_OPEN */
    PARAM_DURATION,  /* seconds, or a number with ns, us, ms, s, min, h or d */
    PARAM_CHOICE,    /* one of choices */
    PARAM_STRING,    /* any non-empty text */
    PARAM_PATH,      /* a file name: relative to the config file when read from one */
};

#define PARAM_MIN_OPEN 0x1  /* the minimum itself is out of range */
#define PARAM_NEUTRAL  0x2  /* does not change results (--out, --json): not echoed */
#define PARAM_OWN_DEFAULT 0x4 /* the help says what the default is (--help adds nothing) */

struct param_def {
    const char *name;     /* --NAME and the config key; NULL ends a table */
    enum param_type type;
    size_t offset;        /* of the value in the owner's struct */
    const char *def;      /* default, as text read by the same rules; NULL = none */
    double min, max;      /* INT, REAL, DURATION (s); min == max == 0: no range */
    unsigned flags;       /* PARAM_* */
    const char *choices;  /* PARAM_CHOICE: '|'-separated */
    const char *metavar;  /* the value in --help: "DUR", "N" (NULL for a flag) */
    const char *help;     /* one line: what it does, its unit, the source of the default */
};

/* Number of rows before the terminating {NULL}; 0 for defs == NULL. */
size_t param_count(const struct param_def *defs);

/* The row named name, or NULL. */
const struct param_def *param_find(const struct param_def *defs, const char *name);

/* Set every field of values to its default (fields without one to zero
 * or NULL).  values must be zeroed or hold only defaults: strings are
 * replaced, not freed.  An error here is a bad declaration (SIM_EINTERNAL). */
int param_defaults(const struct param_def *defs, void *values, struct sim_error *err);

/* Parse text for d into values.  label names the value in messages
 * ("--quantum", "key 'quantum'"); base_dir (may be NULL) is the directory
 * of the config file a PATH came from.  SIM_EINVAL with a message that
 * states the rule broken (type, range, choices). */
int param_set(const struct param_def *d, void *values, const char *text, const char *label,
              const char *base_dir, struct sim_error *err);

/* The same from a config value: a boolean for FLAG and BOOL, a number (or
 * a string for reals and durations) for numbers, a string otherwise. */
int param_set_json(const struct param_def *d, void *values, const json_t *v, const char *label,
                   const char *base_dir, struct sim_error *err);

/* The value as JSON for the config echo: durations in seconds from the
 * integer nanoseconds (60 s is 60, not 60.00000000000001), choices by name.
 * A real or a duration that 15 significant digits (the precision of the
 * summary's JSON) would not give back exactly is a string instead, "%.17g"
 * or "123456789123456789ns", which param_set_json reads back exactly. */
json_t *param_to_json(const struct param_def *d, const void *values);

/* The value as text that param_set reads back to the same value. */
void param_format(const struct param_def *d, const void *values, char *buf, size_t len);

/* Free the strings of values (STRING and PATH fields). */
void param_free(const struct param_def *defs, void *values);

/* A row for `hvsim list --json`: name, type, default, range, choices, help. */
json_t *param_describe(const struct param_def *d);

/* One row of --help: "--NAME META  help (default X)" indented by indent,
 * wrapped at 78 columns with the help from column 26. */
void param_help(FILE *out, const struct param_def *d, int indent);

/* The help of d with its default: "help (default X)". */
void param_help_text(const struct param_def *d, char *buf, size_t len);

/* Write text wrapped at 78 columns, each line indented by indent spaces,
 * the first line starting at column col (already printed). */
void param_wrap(FILE *out, const char *text, int col, int indent);

/* Duration text: a number of seconds, or a number with ns, us, ms, s, min,
 * h or d.  Rounded to the nearest ns; false if not a duration or beyond
 * SIM_SECONDS_MAX. */
bool sim_parse_duration(const char *text, sim_time_t *out);

#endif /* BASE_PARAM_H */
