#define _DEFAULT_SOURCE
/*
 * scripts/bench/runstat.c - run a command, then print its wall time, the
 * peak resident memory of the child and its CPU time (user + system;
 * getrusage via wait4), as "wall_seconds peak_rss_mb cpu_seconds" on
 * stderr.  Used by scripts/bench.sh.  On a shared machine the CPU time is
 * the steadier figure: the wall time includes the waits for a core.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: runstat COMMAND [ARGS...]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        _exit(127);
    }
    int st;
    struct rusage ru;
    wait4(pid, &st, 0, &ru);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    fprintf(stderr, "%.3f %.1f %.3f\n", wall, (double)ru.ru_maxrss / 1024.0, cpu);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
