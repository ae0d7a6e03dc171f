/*
 * base/infile.h - opening a path the user named as an input, with one set
 * of rules and messages for every option that takes one (--trace, --hw,
 * --config, --platform, check, explain, compare).
 *
 * Rules (SPEC "Exit status": bad input is exit 2):
 *   - a path that does not exist, cannot be read, is the wrong type (a
 *     directory where a file is meant, or a file where a directory is) or
 *     is a symbolic-link loop is bad input: SIM_EINVAL, "PATH: reason";
 *   - "-" is standard input where the caller allows it;
 *   - a FIFO or a character device is read like a file, with the same
 *     limits (the caller's line or size limit ends an endless one such as
 *     /dev/zero);
 *   - a small input read whole (infile_slurp: JSON files) is opened without
 *     waiting for a FIFO's writer: a FIFO nobody writes to reads as empty
 *     instead of hanging.
 * A read error after a successful open (EIO) is a failure of the run
 * (SIM_EIO, exit 1), as before.
 */
#ifndef BASE_INFILE_H
#define BASE_INFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* What a path turned out to be. */
enum infile_kind {
    INFILE_REGULAR,
    INFILE_STDIN,     /* "-" */
    INFILE_FIFO,      /* a named pipe, or a pipe such as /dev/fd/63 */
    INFILE_DEVICE,    /* a character or block device */
};

#define INFILE_ALLOW_STDIN 0x1   /* "-" means standard input */
#define INFILE_NO_WAIT     0x2   /* do not wait for a FIFO's writer */

/* Open path for reading (display names it in messages; NULL = path).
 * On success *fd is an open descriptor the caller closes (standard input
 * is a dup of 0) and *kind (may be NULL) says what it is. */
int infile_open(const char *path, const char *display, unsigned flags, int *fd,
                enum infile_kind *kind, struct sim_error *err);

/* Check that path is an existing directory (want_dir) or not one, with
 * the same messages; true when path is a directory (for callers that
 * accept both). */
int infile_check_dir(const char *path, const char *display, bool want_dir, struct sim_error *err);
bool infile_is_dir(const char *path);

/* Read the whole of path (never waiting for a FIFO's writer) into
 * *data, NUL-terminated, *len bytes; at most max bytes, more is
 * SIM_EINVAL.  Free *data. */
int infile_slurp(const char *path, size_t max, char **data, size_t *len, struct sim_error *err);

/* read(2) that retries on EINTR; -1 with errno on failure. */
long infile_read(int fd, void *buf, size_t len);

#endif /* BASE_INFILE_H */
