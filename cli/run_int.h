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

#endif
