/*
 * base/error.h - error reporting with a location.
 *
 * Functions that can fail return 0 or a negative SIM_E* code and fill a
 * caller-provided struct sim_error (like Jansson's json_error_t).  The CLI
 * maps the code to the exit status: SIM_EINVAL is bad input (exit 2),
 * everything else is a failure of the run (exit 1).
 */
#ifndef BASE_ERROR_H
#define BASE_ERROR_H

#include <stdbool.h>
#include <stdio.h>

enum sim_status {
    SIM_OK = 0,
    SIM_EINVAL = -1, /* bad usage or bad input: exit status 2 */
    SIM_EIO = -2,    /* cannot read or write a file the user named: exit 1 */
    SIM_EINTERNAL = -3,
};

struct sim_error {
    int code;          /* enum sim_status */
    char file[512];    /* file as the user named it, or "" */
    long line;         /* 1-based physical line, 0 if none */
    long column;       /* 1-based column (byte or field), 0 if none */
    char text[512];    /* what is wrong, without the location */
};

/* Fill err (if not NULL) and return code.  file may be NULL. */
int sim_error_set(struct sim_error *err, int code, const char *file, long line,
                  long column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Shorthand for an error without a location. */
#define sim_error_usage(err, ...) sim_error_set((err), SIM_EINVAL, NULL, 0, 0, __VA_ARGS__)

/* "FILE:LINE:COL: text" (the parts that are known), no newline. */
void sim_error_format(const struct sim_error *err, char *buf, size_t len);

/* Print "hvsim: FILE:LINE: text\n" to out. */
void sim_error_print(const struct sim_error *err, FILE *out);

/* Exit status for a code: 0, 2 for SIM_EINVAL, 1 otherwise. */
int sim_error_exit_status(int code);

#endif /* BASE_ERROR_H */
