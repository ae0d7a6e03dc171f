/*
 * cli/main.c - the hvsim command line: dispatch to a subcommand
 * (cli/commands.h).  Exit status: 0 success, 2 bad usage or input, 1 any
 * other failure, a failed write to standard output included (for every
 * command and for --help: `hvsim list > /dev/full` is not a success).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"run", cmd_run},         {"list", cmd_list},       {"check", cmd_check},
    {"explain", cmd_explain}, {"compare", cmd_compare},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hvsim COMMAND [options]\n\n"
            "hvsim simulates how a hypervisor allocates CPU to virtual machines and schedules\n"
            "their vCPUs, charging the cost of virtualisation (VT-x exits, EPT walks, world\n"
            "switches) from a hardware profile, and reports latency, throughput, utilisation,\n"
            "fairness and overhead.\n\n"
            "commands (each has --help):\n"
            "  run [options]        one experiment (possibly several replications)\n"
            "  list [--json]        schedulers, allocators, placements and trace formats with\n"
            "                       their options; hardware profiles and workload classes\n"
            "  check PATH           read a trace and report every problem with its location\n"
            "  compare DIR...       several runs (--out directories) side by side: a table,\n"
            "                       and with --out DIR plots\n"
            "  explain --hw NAME    the costs a hardware profile implies, derived step by step\n"
            "  --help, --version\n\n"
            "examples:\n"
            "  hvsim run --generate n=1000,interarrival=exp:1.25,work=exp:1 --sched rr --json\n"
            "  hvsim run --trace jobs.swf --sched maxtput --cores 128 --out results/kth\n"
            "  hvsim list\n");
}

/* The exit status once everything written to stdout has reached it:
 * a write that failed (a full disk, /dev/full, a closed terminal) turns a
 * success into exit 1; a failure keeps its own status. */
static int stdout_status(int status)
{
    errno = 0;
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int e = errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    if (!failed)
        return status;
    fprintf(stderr, "hvsim: cannot write to standard output: %s\n",
            e ? strerror(e) : "a write failed");
    return status == 0 ? 1 : status;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("hvsim %s\n", HVSIM_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "hvsim: unknown command '%s' (see hvsim --help)\n", cmd);
    return 2;
}

int main(int argc, char **argv)
{
    return stdout_status(dispatch(argc, argv));
}
