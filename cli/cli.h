/* The plain command-line face of kfdo: one function per command. No curses here. */
#ifndef KFDO_CLI_H
#define KFDO_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/args.h"

extern bool cli_color; /* stdout is a terminal and neither --no-color nor NO_COLOR */
extern bool cli_no_color; /* --no-color or NO_COLOR */

/* The command table (commands.c): kfdo, its commands and their subcommands. */
extern const struct cli_command cli_root;

/* What each command runs once its words are read (struct cli_args: its options
 * in order, its arguments). The return value is kfdo's exit status. */
int cli_detect(const struct cli_args *a);
int cli_doctor(const struct cli_args *a);
int cli_plan(const struct cli_args *a);
int cli_run(const struct cli_args *a);
int cli_status(const struct cli_args *a);
int cli_profile_stats(const struct cli_args *a);
int cli_profile_perfdata(const struct cli_args *a);
int cli_profile_list(const struct cli_args *a);
int cli_profile_export(const struct cli_args *a);
int cli_packages(const struct cli_args *a);
int cli_packages_install(const struct cli_args *a);
/* kfdo __repeat SECONDS -- ARGV...: internal, the benchmark workloads' timer (repeat.c). */
int cli_repeat(const struct cli_args *a);
/* kfdo compare (the benchmarks before and after) and kfdo __measure, one
 * benchmark run of the baseline and compare steps (compare.c). */
int cli_compare(const struct cli_args *a);
int cli_measure(const struct cli_args *a);
/* kfdo reboot: into the built kernel once, and the unit that goes on after
 * it; kfdo continue, what that unit runs; kfdo reset, the end of a session
 * and of everything it installed (all three in unattended.c). */
int cli_reboot(const struct cli_args *a);
int cli_continue(const struct cli_args *a);
int cli_reset(const struct cli_args *a);
/* "While you were away": the log of the last unattended run, on out; once:
 * only when nobody was shown it yet, and then it is marked shown. */
void cli_away_show(FILE *out, bool once);
/* `kfdo` and `kfdo tui`: the full-screen wizard (wizard.c: it opens the session, tui/ runs it). */
int cli_tui(const struct cli_args *a);

/* The hardware inputs detect, doctor and tui share (--sysroot, --cpuid-dump,
 * --pmu), taken from what was read, and their checks (an unreadable sysroot, a
 * PMU libpfm4 lacks): 0 or EXIT_USAGE. */
struct detect_opts;
void cli_hw_opts_take(struct detect_opts *o, const struct cli_args *a);
int cli_hw_check(const char *command, const struct detect_opts *o);
/* Takes the session's lock (one kfdo at work per session): the fd to keep
 * open, or -1 after saying why on stderr. */
int cli_lock_session(void);

/* Option ids (struct cli_opt's id): kfdo's own and the commands'. */
enum {
	OPT_VERSION = 1, OPT_NO_COLOR, OPT_JSON, OPT_LLVM_DIR, OPT_YES, OPT_UNTIL, OPT_FROM, OPT_CSV,
	OPT_BY_HAND, OPT_NO_CONTINUE, OPT_PKGBUILD, OPT_PROPELLER_PREFIX, OPT_FORCE,
	/* The hardware group (detect, doctor, tui). */
	OPT_HW_SYSROOT, OPT_CPUID_DUMP, OPT_PMU,
};

/* The session group: options shared by plan, run and tui (session.c applies them). */
enum {
	OPT_TREE = 1000, OPT_OUTPUT, OPT_CONFIG_FROM, OPT_JOBS, OPT_NO_AUTOFDO, OPT_AUTOFDO, OPT_NO_THIN_LTO,
	OPT_FULL_LTO, OPT_PROPELLER, OPT_LLVM, OPT_ARCH, OPT_TARGET, OPT_ENABLE, OPT_DISABLE, OPT_MAKE_VAR,
	OPT_THIN_LTO, OPT_NO_FULL_LTO, OPT_NO_PROPELLER,
	/* The profile, convert and final-build steps' options. */
	OPT_WORKLOAD, OPT_COMMAND, OPT_MINUTES, OPT_BENCH, OPT_WORKLOAD_TREE, OPT_PERF_DATA, OPT_VMLINUX,
	OPT_PROFILE, OPT_MERGE, OPT_NO_MERGE, OPT_DISK_FLOOR, OPT_SYSROOT,
	/* Root mode for install and finish. */
	OPT_ROOT, OPT_DBPATH,
	/* The baseline and compare steps. */
	OPT_NO_COMPARE, OPT_COMPARE, OPT_BENCH_ROUNDS, OPT_BENCHMARKS,
	/* A linux-cachyos PKGBUILD as the source. */
	OPT_SOURCE_PKGBUILD, OPT_KNOB, OPT_MAKEPKG_ARG,
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
	int compare; /* -1: not given */
	const char *bench_rounds, *benchmarks;
	const char *pkgbuild;
	char **knobs, **makepkg_args;
};
struct session;
void cli_session_opts_init(struct cli_session_opts *o);
void cli_session_opts_free(struct cli_session_opts *o);
/* Takes the session options among what was read, in the order given (a
 * repeated --enable adds, --no-merge forgets the --merge before it). */
void cli_session_opts_take(struct cli_session_opts *o, const struct cli_args *a);
/* The saved session (or a new one) with the options applied; NULL after
 * printing why (a bad option value, an unreadable state directory). */
struct session *cli_session_open(const struct cli_session_opts *o, const char *command, bool *loaded);
/* "SIGINT (Ctrl-C)", "SIGTERM", "SIGHUP (the terminal closed)": the signal
 * that cancelled something, for messages. */
const char *cli_signal_name(int sig);

#endif
