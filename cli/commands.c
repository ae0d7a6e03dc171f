/*
 * cli/commands.c - the table of hvsim's commands (cli/commands.h): what
 * dispatches them (cli/main.c), lists them in `hvsim --help`, and writes
 * their part of the man page (cli/cmd-man.c).
 */
#include <stddef.h>

#include "cli/commands.h"

const struct cli_command cli_commands[] = {
    {"run", cmd_run, "[options]", "one experiment (possibly several replications)",
     "Replay a workload (a trace or a synthetic one) against a scheduling and an allocation "
     "policy on a modelled platform, and report latency, throughput, utilisation, fairness "
     "and the cost of virtualisation.  Options are --name value or --name=value; durations "
     "are seconds or a number with ns, us, ms, s, min, h or d, a whole number of "
     "nanoseconds; every option can also be given in a --config JSON file under its long "
     "name, paths in it relative to it.  A trace may be standard input (--trace - with "
     "--format), a FIFO or a device, and gzip, xz, zstd or bzip2 compressed (told by its "
     "first bytes; the format by the name without the compression suffix).  Without "
     "--cores, an SWF log runs on the MaxProcs (else MaxNodes) of its header.  The options "
     "of each policy are listed under POLICIES.",
     cmd_run_options},
    {"list", cmd_list, "[--json] [--plugin PATH.so ...]",
     "policies and trace formats with their options; hardware profiles, workload classes",
     "The schedulers, allocators, placements and trace formats hvsim has, each with its "
     "aliases and its own options, and the hardware profiles and workload classes of its "
     "data directory; with --json, also the options of run itself.",
     cmd_list_options},
    {"check", cmd_check, "PATH [options]", "read a trace and report every problem with its "
     "location",
     "Read a trace the way run would (a file, a per-VM directory, or - for standard input "
     "with --format; compressed or not) and report every problem as FILE:LINE[:COLUMN]: "
     "what is wrong, then a summary: records, skipped records by reason, the entries of a "
     "directory not read, time span, total work and the offered load sum(work x vcpus) / "
     "span / (hosts x cores) of the records kept by --limit, --start and --end.  Exit "
     "status 2 if there is any error or PATH cannot be read, 1 if a read fails.",
     cmd_check_options},
    {"compare", cmd_compare, "[options] DIR...", "several runs (--out directories) side by "
     "side: a table, and with --out DIR plots",
     "One row per DIR written by run --out (label = the directory's name): the turnaround "
     "mean and its 95% confidence half-width, p99, waiting, slowdown, throughput, "
     "utilisation, overhead and world switches; an option a run's policy does not have is "
     "blank.  With --out, the turnaround CDFs of all runs on one chart and, when the runs' "
     "configurations differ in exactly one key (knobs of a policy only some runs chose do "
     "not count), the metric against that key.  --out is checked before the table is "
     "printed, and each of its files is replaced whole.",
     cmd_compare_options},
    {"explain", cmd_explain, "--hw NAME|FILE [--class CLASS] [--json]",
     "the costs a hardware profile implies, derived step by step",
     "Derive, step by step and with sources, the costs a hardware profile implies: exit "
     "costs in ns, the references and latency of a 2D page walk for each page-size pair, "
     "the cost of a world switch, and the slowdown of each workload class.",
     cmd_explain_options},
    {"calibrate", cmd_calibrate, "[--out PROFILE.json] [--quick]",
     "measure this machine into a hardware profile",
     "Measure the machine hvsim runs on into a hardware profile in the format of the bundled "
     "ones, for --hw PROFILE.json and hvsim explain: the round trip of a CPUID (in a guest, a "
     "VM exit), dependent pointer chases over working sets from 16 KiB to several GiB with "
     "4 KiB and transparent huge pages (cache and DRAM latencies, and the page-walk model "
     "fitted to the cost of TLB misses, with its residuals), a pipe ping-pong between "
     "threads (lmbench's lat_ctx), cross-CPU wake-ups and timer lateness.  Each figure is "
     "the median of repeated runs with its minimum and maximum; each value of the profile "
     "carries its provenance: [C] measured here (date, CPU, kernel, guest or not, load "
     "average), [D] fitted or derived from measurements, or the literature's tag where "
     "nothing here can measure it.  Progress and a table of what was measured go to "
     "stderr.  x86-64 Linux only; a full run takes several minutes and maps two regions "
     "of up to 4 GiB each (at most a fifth of the available memory each): run it on a quiet "
     "machine.",
     cmd_calibrate_options},
};
const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];
