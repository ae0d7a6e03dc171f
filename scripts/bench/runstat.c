#define _DEFAULT_SOURCE
/*
 * scripts/bench/runstat.c - run a command, then print its wall time and
 * the peak resident memory of the child (getrusage via wait4), as
 * "wall_seconds peak_rss_mb" on stderr.  Used by scripts/bench.sh.
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
    fprintf(stderr, "%.3f %.1f\n", wall, (double)ru.ru_maxrss / 1024.0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
