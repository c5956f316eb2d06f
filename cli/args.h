/* The command line's one parser: a table of commands (cli/commands.c) says
 * what each takes, and cli_args_parse() reads argv against it, for kfdo's own
 * options, the command, a subcommand, their options and arguments. */
#ifndef KFDO_CLI_ARGS_H
#define KFDO_CLI_ARGS_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes: 0 success (detect: ready), 1 the answer is "no" or a step failed,
 * 2 usage or unreadable input, 3 (kfdo run) waiting for a reboot into the
 * built kernel, 130 cancelled. */
enum { EXIT_NO = 1, EXIT_USAGE = 2, EXIT_REBOOT = 3, EXIT_CANCEL = 130 };

enum cli_opt_flags {
	CLI_VALUE = 1, /* takes a value: --opt VALUE, --opt=VALUE, -o VALUE, -oVALUE */
	CLI_FINAL = 2, /* ends the parsing: the command runs at once (kfdo --version) */
};

struct cli_opt {
	const char *name; /* the long name, without "--"; NULL ends a list */
	char letter;      /* the short one, 0 when none */
	unsigned flags;
	int id; /* what the command reads it by (cli.h's OPT_*) */
	/* Checks a value as it is read, so that a bad one is told before any later
	 * word is looked at: 0, or EXIT_USAGE after saying why. */
	int (*check)(const char *topic, const char *value);
};

/* Options several commands share (the hardware inputs, the session options),
 * with the help text that describes them, printed after the command's own. */
struct cli_group {
	const struct cli_opt *opts;
	const char *help; /* N_(), or NULL when each command's text tells them */
};

enum cli_command_flags {
	CLI_HIDDEN = 1,     /* not listed in its parent's help (kfdo __repeat) */
	CLI_NO_OPTIONS = 2, /* every word is an argument, a first "--" aside: a file may start with '-' */
};

#define CLI_GROUPS_MAX 2

struct cli_args;
struct cli_command {
	const char *name;
	const char *summary;   /* N_(): its line in the parent's help, NULL for none */
	const char *help;      /* N_(): --help, up to the groups' help (NULL: the parent's) */
	const char *help_tail; /* N_(): after the groups' help and the subcommand list */
	const struct cli_opt *opts;
	const struct cli_group *groups[CLI_GROUPS_MAX];
	/* The positional arguments: their names (for the reader of the table), how
	 * many (max -1: any number), and what to say when the count is wrong (a
	 * format taking the command's name; NULL: "unexpected argument"). */
	const char *args;
	int min_args, max_args;
	const char *arity_error;
	/* Subcommands, ended by a NULL name: the first word after the options
	 * names one. Without one: missing_sub, or the command's own run with its
	 * arguments when it takes any. */
	const struct cli_command *subs;
	const char *unknown_sub, *missing_sub; /* N_() formats taking the word */
	unsigned flags;
	int (*run)(const struct cli_args *a);
};

struct cli_arg {
	int id;
	const char *value; /* NULL for an option without one */
};

/* What was read: the command to run, every option in the order given (all
 * levels: kfdo's own first; a repeated option is there each time), and the
 * arguments (a NULL-terminated tail of argv). */
struct cli_args {
	const struct cli_command *cmd;
	const char *topic; /* the command whose --help the errors point at; NULL: kfdo's */
	struct cli_arg *opt;
	size_t n_opt, cap;
	char **pos;
	int n_pos;
};

enum cli_parse {
	CLI_PARSE_RUN,   /* run a->cmd->run(a) */
	CLI_PARSE_DONE,  /* --help was printed: exit 0 */
	CLI_PARSE_ERROR, /* a usage error was said on stderr: exit EXIT_USAGE */
};

/* Reads argv (argv[0] is kfdo itself) against root's table. Free a with
 * cli_args_free() whatever the result. */
enum cli_parse cli_args_parse(const struct cli_command *root, int argc, char **argv, struct cli_args *a);
void cli_args_free(struct cli_args *a);
/* Whether option id was given. */
bool cli_args_flag(const struct cli_args *a, int id);
/* The value of option id given last (a later one replaces it), or NULL. */
const char *cli_args_value(const struct cli_args *a, int id);
/* A command's --help: its text, its groups' help, its listed subcommands, the tail. */
void cli_help_print(FILE *out, const struct cli_command *c);

/* Prints "kfdo: MESSAGE (see kfdo COMMAND --help)" and returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
