/*
 * cli/pool.h - run numbered tasks on a few threads (--jobs N: the
 * replications of `hvsim run`).
 *
 * Tasks 0..n-1 are handed out in increasing order to up to `threads`
 * POSIX threads; each task writes only its own slot of the caller's
 * arrays, so the results do not depend on the number of threads or on
 * which thread ran what.  Once a task fails no further task starts (those
 * already running finish), and the failure reported is the one of the
 * lowest-numbered failed task: every task before it was handed out
 * before it and ran to its end, so it is the failure a serial loop would
 * have stopped at.
 */
#ifndef CLI_POOL_H
#define CLI_POOL_H

/* One task: 0 on success, a negative SIM_E* status on failure. */
typedef int (*pool_task_fn)(void *ctx, long task);

/* Run tasks 0..n-1 with fn on min(threads, n) threads (threads <= 1: in
 * the calling thread, in order).  Returns 0, or the status of the
 * lowest-numbered failed task, whose number goes to *failed (if not
 * NULL).  A thread that cannot be started leaves its share to the
 * others (fewer threads, the same results). */
int pool_run(long n, int threads, pool_task_fn fn, void *ctx, long *failed);

/* The number of online CPUs (at least 1): --jobs's default. */
int pool_online_cpus(void);

#endif /* CLI_POOL_H */
