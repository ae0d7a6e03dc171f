/*
 * report/outdir.h - an output directory as one transaction: a result is
 * whole or absent.
 *
 * outdir_begin makes a fresh temporary directory beside DIR (on the same
 * file system, so that a rename can move it), named
 * .BASE.hvsim.PID@HOST.XXXXXX; every file of the result is written there
 * once (data files as the run produces them, plots from those files);
 * outdir_commit checks and syncs them and then replaces DIR in one rename
 * (renameat2 RENAME_EXCHANGE, or two renames where the file system has no
 * exchange), as its last step.  Until then DIR is untouched: a failed run
 * (exit 1 or 2), a kill or a full disk leaves DIR as it was.
 *
 *   - SIGTERM, SIGINT and SIGHUP (timeout, Slurm at the time limit, ^C)
 *     remove the temporary directory, stop a gnuplot child, and exit
 *     128 + the signal.
 *   - kill -9 cannot be caught: the next outdir_begin in the same parent
 *     directory removes the temporaries of processes of this host that
 *     are gone (by PID, which is why the host is in the name).
 *   - Two runs on one DIR: the second refuses at once with a clear message
 *     (a lock, flock(2) on .BASE.hvsim-lock beside DIR, held until the
 *     end and removed then).
 *   - An existing DIR is replaced only if it is empty or holds nothing but
 *     files hvsim writes (the caller's list of names, and the files this
 *     result has): a directory with anything else (a user's notes, a
 *     subdirectory) is refused, never deleted.
 *   - DIR given as a symbolic link to a directory: the directory it names
 *     is replaced, the link is kept.
 *   - Merge mode (hvsim compare, whose --out may hold the run directories
 *     it compares): the files are renamed into DIR one by one instead,
 *     each whole, and the listed names this result lacks are removed.
 *
 * Every write is checked: the size of each file against what was
 * written, and the result of every write, flush, fsync and close.
 * Parent directories created for DIR are removed again on failure.
 *
 * Signal handling needs state a handler can reach: one transaction at a
 * time per process, recorded in outdir.c (the only global state outside
 * the registries, and only between begin and commit/abort).
 */
#ifndef REPORT_OUTDIR_H
#define REPORT_OUTDIR_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "base/error.h"

struct outdir {
    char *dir;           /* DIR as given (owned) */
    char *target;        /* DIR without trailing slashes (owned) */
    char *parent;        /* its parent directory (owned) */
    char *tmp;           /* the temporary directory (owned), NULL once committed */
    char *lockpath;      /* .BASE.hvsim-lock beside DIR (owned) */
    int lock_fd;         /* -1 if none */
    char **made;         /* parent directories created by begin, outermost first (owned) */
    size_t nmade;
    const char *const *known;   /* names an old DIR may hold (NULL-terminated) */
    bool merge;
};

/* Start the transaction for DIR.  known lists the names of the files hvsim
 * writes there (NULL-terminated; borrowed until commit or abort).
 * SIM_EIO if DIR cannot be written (its parent, the lock) or another run
 * holds it, or it holds files hvsim does not write. */
int outdir_begin(struct outdir *d, const char *dir, const char *const *known, bool merge,
                 struct sim_error *err);

/* The temporary directory the files go to (valid until commit/abort). */
const char *outdir_tmp(const struct outdir *d);

/* Move the result into place (see above); the transaction is over. */
int outdir_commit(struct outdir *d, struct sim_error *err);
/* Remove the temporary directory and what begin created; over. */
void outdir_abort(struct outdir *d);

/* ---- the files of the result (in the temporary directory) ---- */

/* Open DIR/NAME for writing and register it for removal on a signal. */
FILE *outdir_fopen(const char *dir, const char *name, struct sim_error *err);
/* Flush, sync and close f (DIR/NAME), checking each step and that the
 * file has every byte written.  f is closed in every case. */
int outdir_fclose(FILE *f, const char *dir, const char *name, struct sim_error *err);
/* Write data (len bytes) to DIR/NAME, checked as above. */
int outdir_write(const char *dir, const char *name, const char *data, size_t len,
                 struct sim_error *err);
/* Register a file another process writes into DIR (gnuplot's images). */
void outdir_track(const char *dir, const char *name);
/* The child (gnuplot) a signal must stop first; 0 when it has ended. */
void outdir_child(pid_t pid);

#endif /* REPORT_OUTDIR_H */
