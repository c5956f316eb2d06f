/* Runs one step of the flow: its plan's commands one after another as jobs,
 * with live kbuild progress for the builds, and records the outcome in the
 * session (status, message, log, artifacts, build history) and saves it.
 *
 * Driven from the front end's poll() loop: poll runner_fd() (when >= 0) with
 * a timeout of at most runner_timeout(), then call runner_handle(). The step
 * is over when runner_done(); runner_cancel() stops it (Ctrl-C, q);
 * runner_stop() ends a recording cleanly. */
#ifndef KFDO_RUNNER_H
#define KFDO_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/kbuild.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "engine/session.h"
#include "engine/step.h"

struct runner;
struct makepkg_log;

struct runner_hooks {
	void *arg;
	/* A command starts: index of count (prepare and the dry run count too), its display
	 * line, and the log it writes (NULL for what kfdo does itself). */
	void (*on_command)(void *arg, size_t index, size_t count, const char *display, const char *log_path);
	/* Every output line of the real commands (not the dry run's). */
	void (*on_line)(void *arg, const char *line, size_t len);
};

/* WAITING: the step waits for something outside kfdo (the reboot into the
 * built kernel) and stays pending; kfdo run exits with status 3. */
enum runner_result { RUNNER_OK = 0, RUNNER_FAILED = -1, RUNNER_CANCELLED = -2, RUNNER_WAITING = -3 };

/* Starts the step. Returns 0, or -1 with cause when it cannot start (its
 * precondition does not hold, or its plan cannot be made); the session then
 * records the step as failed with that cause. */
int runner_start(struct runner **out, struct session *s, enum step_id id, const struct runner_hooks *hooks,
		 char **cause);
int runner_fd(const struct runner *r);
/* Milliseconds until runner_handle() is due even without input (-1: none). */
int runner_timeout(const struct runner *r, int64_t now);
/* Reads output, reaps, moves a cancel along, starts the next command. */
void runner_handle(struct runner *r, int64_t now);
bool runner_done(const struct runner *r);
void runner_cancel(struct runner *r, int64_t now);
/* Ends the profile step's recording early and cleanly (the user ends a timed
 * capture; the same happens by itself when free disk falls below the floor):
 * perf gets SIGINT once and all the time it needs to write perf.data, and the
 * step succeeds when perf.data comes out valid. Not a cancel: runner_cancel()
 * afterwards still escalates. Returns false when no recording runs (then
 * only runner_cancel() stops the step). */
bool runner_stop(struct runner *r, int64_t now);
/* True while perf record runs (runner_stop() applies). */
bool runner_recording(const struct runner *r);
/* The recording's live figures (elapsed, perf.data size and growth, free
 * disk and the floor, whether it is stopping); false when the step has no
 * recording. After the recording they stay at their last values. */
bool runner_record_figures(const struct runner *r, int64_t now, struct record_figures *f);
/* After runner_done: the outcome and a one-line message (owned by the runner). */
enum runner_result runner_result(const struct runner *r, const char **message);
/* After runner_done: what the step reported (its notes, whether it is done
 * with something left to fix); owned by the runner. */
const struct step_report *runner_report(const struct runner *r);
/* The build's progress (NULL for steps that build nothing), and the estimate now. */
const struct kbuild_progress *runner_progress(const struct runner *r);
bool runner_estimate(const struct runner *r, int64_t now, struct kbuild_estimate *e);
/* makepkg's phases when the build runs makepkg (pacman-pkg), else NULL. */
const struct makepkg_log *runner_makepkg(const struct runner *r);
/* The log of the command running (or of the last one). */
const char *runner_log_path(const struct runner *r);
bool runner_in_dryrun(const struct runner *r);
/* The running command's incomplete last line (git's "\r" progress meter), ""
 * when none; valid until the next runner_handle(). */
const char *runner_partial(const struct runner *r, size_t *len);
void runner_free(struct runner *r);

/* Runs a step to its end in a blocking loop (tests, scripts). */
enum runner_result runner_run(struct session *s, enum step_id id, const struct runner_hooks *hooks, char **cause);

#endif
