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
int cmd_calibrate(int argc, char **argv); /* cli/cmd-calibrate.c */

/* The options of run itself (its policies' knobs aside), for tests that
 * check no knob shadows one of them, and the size of the struct they fill
 * (for the fuzzer of the config loader, tests/fuzz/targets.h). */
struct param_def;
const struct param_def *cmd_run_options(void);
unsigned long cmd_run_options_size(void);
/* The options of the other commands (the man page, cli/cmd-man.c). */
const struct param_def *cmd_check_options(void);
const struct param_def *cmd_list_options(void);
const struct param_def *cmd_compare_options(void);
const struct param_def *cmd_explain_options(void);
const struct param_def *cmd_calibrate_options(void);

/* The help of one of run's own options as `hvsim run --help` prints it
 * (for a family option, with the registered names), into buf; and the
 * heading of the group that starts at that option, or NULL. */
void cmd_run_option_help(const struct param_def *d, char *buf, size_t len);
const char *cmd_run_group(const char *option);

/* `hvsim --man`: the man page, generated from the commands' option tables
 * and the registries (cli/cmd-man.c); make writes it to docs/hvsim.1. */
int cmd_man(int argc, char **argv);

/* The commands, for dispatch (cli/main.c), --help and the man page. */
struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *synopsis;        /* after "hvsim NAME " */
    const char *summary;         /* one line */
    const char *description;     /* a paragraph (the man page) */
    const struct param_def *(*options)(void);
};
extern const struct cli_command cli_commands[];
extern const size_t cli_ncommands;

#endif /* CLI_COMMANDS_H */
