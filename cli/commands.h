/*
 * cli/commands.h - the subcommands of hvsim (cli/main.c dispatches).
 * Each takes its arguments with argv[0] its own name and returns the exit
 * status: 0 success, 2 bad usage or input, 1 any other failure.
 */
#ifndef CLI_COMMANDS_H
#define CLI_COMMANDS_H

int cmd_run(int argc, char **argv);       /* cli/cmd-run.c */
int cmd_list(int argc, char **argv);      /* cli/cmd-list.c */
int cmd_check(int argc, char **argv);     /* cli/cmd-check.c */
int cmd_explain(int argc, char **argv);   /* cli/cmd-explain.c */
int cmd_compare(int argc, char **argv);   /* cli/cmd-compare.c */

/* The options of run itself (its policies' knobs aside), for tests that
 * check no knob shadows one of them, and the size of the struct they fill
 * (for the fuzzer of the config loader, tests/fuzz/targets.h). */
struct param_def;
const struct param_def *cmd_run_options(void);
unsigned long cmd_run_options_size(void);

#endif /* CLI_COMMANDS_H */
