/*
 * cli/main.c - the hvsim command line: dispatch to a subcommand
 * (cli/commands.h).  Exit status: 0 success, 2 bad usage or input, 1 any
 * other failure, a failed write to standard output included (for every
 * command and for --help: `hvsim list > /dev/full` is not a success).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/param.h"
#include "cli/commands.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hvsim COMMAND [options]\n\n"
            "hvsim simulates how a hypervisor allocates CPU to virtual machines and schedules\n"
            "their vCPUs, charging the cost of virtualisation (VT-x exits, EPT walks, world\n"
            "switches) from a hardware profile, and reports latency, throughput, utilisation,\n"
            "fairness and overhead.\n\n"
            "commands (each has --help):\n");
    for (size_t i = 0; i < cli_ncommands; i++) {
        char head[128];
        snprintf(head, sizeof head, "%s %s", cli_commands[i].name, cli_commands[i].synopsis);
        if (strlen(head) > 20)
            fprintf(out, "  %s\n%23s", head, "");
        else
            fprintf(out, "  %-20s ", head);
        param_wrap(out, cli_commands[i].summary, 23, 23);
    }
    fprintf(out,
            "  --help, --version\n\n"
            "examples:\n"
            "  hvsim run --generate n=1000,interarrival=exp:1.25,work=exp:1 --sched rr --json\n"
            "  hvsim run --trace jobs.swf --sched maxtput --cores 128 --out results/kth\n"
            "  hvsim list\n"
            "The manual: man hvsim (docs/hvsim.1 in the source tree).\n");
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
    if (strcmp(cmd, "--man") == 0)   /* not in --help: make writes docs/hvsim.1 with it */
        return cmd_man(argc - 1, argv + 1);
    for (size_t i = 0; i < cli_ncommands; i++)
        if (strcmp(cmd, cli_commands[i].name) == 0)
            return cli_commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "hvsim: unknown command '%s' (see hvsim --help)\n", cmd);
    return 2;
}

int main(int argc, char **argv)
{
    return stdout_status(dispatch(argc, argv));
}
