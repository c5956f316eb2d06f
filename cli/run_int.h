/* kfdo run's insides, shared by its step loop (cli_run.c) and its output
 * while a step runs (cli_progress.c). Nobody else includes this. */
#ifndef KFDO_CLI_RUN_INT_H
#define KFDO_CLI_RUN_INT_H

#include <signal.h>
#include <stdbool.h>

#include "engine/runner.h"
#include "engine/steps.h"

/* Runs step id through the runner, printing its commands, warnings and a
 * status line. sig_fd is the read end of kfdo run's signal pipe: a signal
 * first stops a recording (perf writes perf.data), then cancels the step.
 * Clears *got_signal when one Ctrl-C did nothing but end a recording, so the
 * run goes on to convert it. Prints the step's outcome: the status line, its
 * notes, the log of a failed command. */
enum runner_result cli_run_step(struct session *s, enum step_id id, bool tty, int sig_fd,
				volatile sig_atomic_t *got_signal);

/* A walk of the flow from one step to another (kfdo run, kfdo continue). */
struct run_flow {
	bool yes;		/* run without asking */
	bool again_from;	/* run the first step even when it is done (--from) */
	/* Nobody at the machine (the unit after a reboot): stop before the first
	 * step that needs root or a fix, instead of asking for a password. */
	bool unattended;
	/* Out: the step it stopped before and why (malloc'd), STEP_COUNT: none;
	 * how many steps ran, the last one and its result. */
	enum step_id stopped_at;
	char *stop_why;
	int ran;
	enum step_id last;
	enum runner_result last_result;
};
struct plan;
/* Before a plan's root commands run as jobs (without the terminal): sudo -v
 * on the terminal, so sudo asks for the password there; sudo -n without one.
 * True when no sudo is needed or it got root. */
bool cli_sudo_ready(const struct plan *p);
/* Runs a plan's commands as jobs, in order, stopping at the first that fails
 * (its last line or cause printed). */
bool cli_run_commands(const struct plan *p);
/* A step left running by a kfdo that was killed (a logout during kfdo
 * continue): says so, stops what is left of its job and marks the step
 * failed, so that this run does it again. -1 when another kfdo still runs it. */
int cli_recover_orphan(struct session *s);
/* Runs steps from..until with Ctrl-C handled as kfdo run does; the caller
 * holds the session lock. Returns kfdo run's exit status. */
int cli_run_flow(struct session *s, enum step_id from, enum step_id until, struct run_flow *o);

#endif
