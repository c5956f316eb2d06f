/* kfdo __repeat SECONDS -- COMMAND [ARG...]: the workload perf record runs for
 * a benchmark that does a fixed amount of work, so that the recording lasts
 * the minutes the user chose (proc/repeat.h). Internal: not in kfdo --help,
 * but shown as it is in `kfdo plan`, and it can be pasted from there. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "base/i18n.h"
#include "proc/repeat.h"
#include "cli/cli.h"

/* A week: longer than any recording --minutes allows (a day). */
#define REPEAT_MAX_S (7L * 24 * 60 * 60)

static int usage_error(const char *fmt, const char *arg)
{
	fputs("kfdo __repeat: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(_("\nUsage: kfdo __repeat SECONDS -- COMMAND [ARG...] (runs COMMAND again and again until "
		"SECONDS have passed; kfdo's benchmark workloads use it)\n"),
	      stderr);
	return EXIT_USAGE;
}

int cli_repeat(const struct cli_args *a)
{
	/* The table gives every word as it is (no options): SECONDS -- COMMAND [ARG...]. */
	int argc = a->n_pos;
	char **argv = a->pos;
	if (argc < 1)
		return usage_error("%s", _("how long to repeat, in seconds, is missing"));
	char *end;
	errno = 0;
	long secs = strtol(argv[0], &end, 10);
	if (errno || end == argv[0] || *end || secs < 1 || secs > REPEAT_MAX_S)
		return usage_error(_("SECONDS is a whole number of seconds from 1 to 604800, not '%s'"), argv[0]);
	if (argc < 2 || strcmp(argv[1], "--") != 0)
		return usage_error("%s", _("'--' must come between SECONDS and the command"));
	if (argc < 3)
		return usage_error("%s", _("no command to repeat after '--'"));
	fflush(stdout);
	struct repeat_report rep;
	repeat_run(argv + 2, (int64_t)secs * 1000, stderr, &rep);
	int code = repeat_exit_code(&rep);
	if (code >= 0)
		return code;
	/* Ended by a signal, as the run was: perf record and shells tell it apart
	 * from an exit status. The repeater keeps it blocked until here. */
	int sig = -code;
	/* The run's crash dumped its core already; ours would only mislead. */
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	signal(sig, SIG_DFL);
	raise(sig);
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	/* A signal whose default is not to end the process. */
	return 128 + sig;
}
