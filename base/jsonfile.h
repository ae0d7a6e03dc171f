/*
 * base/jsonfile.h - a JSON file the user wrote (a --config, a hardware
 * profile, a --platform file, a run's summary.json), read with the input
 * rules of base/infile.h, and the position of any value in it.
 *
 * Jansson reports FILE:LINE:COL for syntax errors but keeps no position
 * for values once parsed, so an error in a value ("cores must be an
 * integer") could only name the key.  The text is kept beside the parsed
 * document and json_file_locate finds where a value starts by scanning it
 * (only called on an error; O(size of the file)).  Columns count UTF-8
 * characters from 1, as Jansson's do.
 *
 * A value is named by a key path: object keys and array indexes separated
 * by '.', e.g. "hosts.2.cores" or "exit_cost.hlt.value"; "" is the root.
 */
#ifndef BASE_JSONFILE_H
#define BASE_JSONFILE_H

#include <jansson.h>
#include <stdbool.h>

#include "base/error.h"

#define JSON_FILE_MAX (16u << 20)   /* bytes: larger is not a file of ours */

struct json_file {
    char *path;       /* as the user named it (owned) */
    char *text;       /* the bytes read, NUL-terminated (owned) */
    size_t len;
    json_t *root;     /* the parsed document (one reference, owned) */
};

/* Read and parse path with Jansson flags (JSON_REJECT_DUPLICATES...).
 * SIM_EINVAL for a bad path ("PATH: reason") or broken JSON
 * (FILE:LINE:COL).  On failure f holds nothing. */
int json_file_load(struct json_file *f, const char *path, size_t flags, struct sim_error *err);
void json_file_free(struct json_file *f);

/* Where the value at key path where starts in text (line and column from
 * 1), or with key its key; false if the path is not there. */
bool json_text_locate(const char *text, size_t len, const char *where, bool key, long *line,
                      long *col);

/* SIM_EINVAL at the position of the value at where in f (the file alone
 * if it cannot be found), with the message fmt: for a value of the wrong
 * type or out of range. */
int json_file_error(const struct json_file *f, const char *where, struct sim_error *err,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same at the value's key: for a key that is unknown or misplaced. */
int json_file_key_error(const struct json_file *f, const char *where, struct sim_error *err,
                        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* BASE_JSONFILE_H */
