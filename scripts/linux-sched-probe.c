/*
 * scripts/linux-sched-probe.c - one process of a scheduling experiment on
 * the real Linux scheduler, for scripts/linux-vs-hvsim.sh (which pins it
 * with taskset, sets its nice value with nice, and starts several at once).
 *
 *   linux-sched-probe hog START END
 *       spin from START to END (CLOCK_REALTIME, s since the epoch); print
 *       the CPU seconds it got in between.
 *   linux-sched-probe sleeper START END RUN_US BLOCK_US
 *       from START to END, loop: run RUN_US of CPU time, then sleep BLOCK_US
 *       (clock_nanosleep to an absolute time, timer slack 1 ns); print the
 *       CPU seconds it got, the wake-ups, and the wake-up latency (from the
 *       time the sleep ends to the time it runs again) at p50, p95, p99 and
 *       its maximum, in microseconds, nearest-rank percentiles.
 *   linux-sched-probe check
 *       print the CPU it runs on and its nice value (what taskset and nice
 *       gave it).
 *
 * Output is one line of tab-separated fields.  Exit 0, 2 on bad usage, 1
 * when a clock or a sleep fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

static double ts_s(const struct timespec *t) { return (double)t->tv_sec + t->tv_nsec * 1e-9; }

static double now_s(clockid_t clk)
{
    struct timespec t;
    if (clock_gettime(clk, &t) != 0) {
        perror("clock_gettime");
        exit(1);
    }
    return ts_s(&t);
}

static struct timespec to_ts(double s)
{
    struct timespec t;
    t.tv_sec = (time_t)s;
    t.tv_nsec = (long)((s - (double)t.tv_sec) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

/* Sleep until absolute time s of clock clk. */
static void sleep_until(clockid_t clk, double s)
{
    struct timespec t = to_ts(s);
    int rc;
    while ((rc = clock_nanosleep(clk, TIMER_ABSTIME, &t, NULL)) == EINTR)
        ;
    if (rc != 0) {
        fprintf(stderr, "clock_nanosleep: %s\n", strerror(rc));
        exit(1);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted x[0..n-1]. */
static double rank(const double *x, size_t n, double p)
{
    size_t k = (size_t)(p * (double)n + 0.999999999);
    if (k < 1)
        k = 1;
    return x[(k > n ? n : k) - 1];
}

static int hog(double start, double end)
{
    sleep_until(CLOCK_REALTIME, start);
    double cpu0 = now_s(CLOCK_THREAD_CPUTIME_ID);
    volatile unsigned long spin = 0;
    while (now_s(CLOCK_REALTIME) < end)
        for (int i = 0; i < 10000; i++)
            spin++;
    printf("hog\t%.6f\n", now_s(CLOCK_THREAD_CPUTIME_ID) - cpu0);
    return 0;
}

static int sleeper(double start, double end, double run_s, double block_s)
{
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    size_t cap = (size_t)((end - start) / block_s) + 16, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    if (!lat)
        return 1;
    sleep_until(CLOCK_REALTIME, start);
    double cpu0 = now_s(CLOCK_THREAD_CPUTIME_ID);
    /* the same clock for the sleep and its end: CLOCK_MONOTONIC */
    double mono_end = now_s(CLOCK_MONOTONIC) + (end - now_s(CLOCK_REALTIME));
    volatile unsigned long spin = 0;
    for (;;) {
        double until = now_s(CLOCK_THREAD_CPUTIME_ID) + run_s;
        while (now_s(CLOCK_THREAD_CPUTIME_ID) < until)
            spin++;
        double wake = now_s(CLOCK_MONOTONIC) + block_s;
        if (wake >= mono_end)
            break;
        sleep_until(CLOCK_MONOTONIC, wake);
        if (n < cap)
            lat[n++] = now_s(CLOCK_MONOTONIC) - wake;
    }
    double cpu = now_s(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    qsort(lat, n, sizeof *lat, cmp_double);
    if (n == 0)
        printf("sleeper\t%.6f\t0\tnan\tnan\tnan\tnan\n", cpu);
    else
        printf("sleeper\t%.6f\t%zu\t%.1f\t%.1f\t%.1f\t%.1f\n", cpu, n, rank(lat, n, 0.5) * 1e6,
               rank(lat, n, 0.95) * 1e6, rank(lat, n, 0.99) * 1e6, lat[n - 1] * 1e6);
    free(lat);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "check") == 0) {
        errno = 0;
        int nice = getpriority(PRIO_PROCESS, 0);
        printf("check\t%d\t%d\n", sched_getcpu(), errno ? 0 : nice);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "hog") == 0)
        return hog(atof(argv[2]), atof(argv[3]));
    if (argc == 6 && strcmp(argv[1], "sleeper") == 0 && atof(argv[4]) > 0 && atof(argv[5]) > 0)
        return sleeper(atof(argv[2]), atof(argv[3]), atof(argv[4]) * 1e-6, atof(argv[5]) * 1e-6);
    fprintf(stderr, "usage: linux-sched-probe hog START END | sleeper START END RUN_US BLOCK_US "
                    "| check\n");
    return 2;
}
