/* The plain command-line face of kfdo: one function per command. No curses here. */
#ifndef KFDO_CLI_H
#define KFDO_CLI_H

#include <stdbool.h>

/* Exit codes: 0 success (detect: ready), 1 the answer is "no" or a step failed,
 * 2 usage or unreadable input, 3 (kfdo run) waiting for a reboot into the
 * built kernel, 130 cancelled. */
enum { EXIT_NO = 1, EXIT_USAGE = 2, EXIT_REBOOT = 3, EXIT_CANCEL = 130 };

extern bool cli_color; /* stdout is a terminal and neither --no-color nor NO_COLOR */
extern bool cli_no_color; /* --no-color or NO_COLOR */

int cli_detect(int argc, char **argv);
/* The hardware options detect and doctor share: --sysroot 's', --cpuid-dump 'd',
 * --pmu 'p' (cli_hw_option takes one), and their checks once parsed (extra
 * arguments, an unreadable sysroot, a PMU libpfm4 lacks): 0 or EXIT_USAGE. */
struct detect_opts;
bool cli_hw_option(struct detect_opts *o, int c, const char *arg);
int cli_hw_check(const char *command, int argc, char **argv, const struct detect_opts *o);
int cli_doctor(int argc, char **argv);
int cli_plan(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_profile(int argc, char **argv);
int cli_packages(int argc, char **argv);
/* kfdo __repeat SECONDS -- ARGV...: internal, the benchmark workloads' timer (cli_repeat.c). */
int cli_repeat(int argc, char **argv);
/* The full-screen wizard (cli/wizard.c). */
int tui_main(int argc, char **argv);
/* Takes the session's lock (one kfdo at work per session): the fd to keep
 * open, or -1 after saying why on stderr. */
int cli_lock_session(void);

/* Options shared by plan and run (cli_session.c). */
enum {
	OPT_TREE = 1000, OPT_OUTPUT, OPT_CONFIG_FROM, OPT_JOBS, OPT_NO_AUTOFDO, OPT_AUTOFDO, OPT_NO_THIN_LTO,
	OPT_FULL_LTO, OPT_PROPELLER, OPT_LLVM, OPT_ARCH, OPT_TARGET, OPT_ENABLE, OPT_DISABLE, OPT_MAKE_VAR,
	OPT_THIN_LTO, OPT_NO_FULL_LTO, OPT_NO_PROPELLER,
	/* The profile, convert and final-build steps' options. */
	OPT_WORKLOAD, OPT_COMMAND, OPT_MINUTES, OPT_BENCH, OPT_WORKLOAD_TREE, OPT_PERF_DATA, OPT_VMLINUX,
	OPT_PROFILE, OPT_MERGE, OPT_NO_MERGE, OPT_DISK_FLOOR, OPT_SYSROOT,
	/* Root mode for install and finish. */
	OPT_ROOT, OPT_DBPATH,
	OPT_SESSION_END, /* keep last: the session options are OPT_TREE .. OPT_SESSION_END - 1 */
};
struct cli_session_opts {
	bool any;
	const char *tree, *output, *config_from, *jobs, *llvm, *arch, *target;
	const char *root, *dbpath;
	int autofdo, thin_lto, full_lto, propeller; /* -1: not given */
	char **enable, **disable, **make_vars;
	const char *workload, *command, *minutes, *bench, *workload_tree, *perf_data, *vmlinux, *profile,
		*disk_floor, *sysroot;
	char **merge;
	bool no_merge;
};
struct option;
struct session;
extern const struct option cli_session_long_options[];
extern const char *const cli_session_help;
void cli_session_opts_init(struct cli_session_opts *o);
void cli_session_opts_free(struct cli_session_opts *o);
/* Takes one parsed option if it is a session option. */
bool cli_session_option(struct cli_session_opts *o, int c, const char *arg);
/* The saved session (or a new one) with the options applied; NULL after
 * printing why (a bad option value, an unreadable state directory). */
/* own's options followed by the session options, NULL-terminated; free() it. */
struct option *cli_options_merge(const struct option *own);
struct session *cli_session_open(const struct cli_session_opts *o, const char *command, bool *loaded);
/* The usage error for what getopt_long returned (':' missing value, '?' unknown):
 * names the option as the user wrote it. Returns EXIT_USAGE. */
int cli_bad_option(const char *command, int c, char **argv);
/* "SIGINT (Ctrl-C)", "SIGTERM", "SIGHUP (the terminal closed)": the signal
 * that cancelled something, for messages. */
const char *cli_signal_name(int sig);
/* Prints "kfdo: MESSAGE (see kfdo COMMAND --help)" and returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
