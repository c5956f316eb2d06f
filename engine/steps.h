/* The flow as data: one const table of steps that the TUI and the CLI both
 * walk. Each step checks its own postcondition first, so a step already done
 * shows as done instead of running again. */
#ifndef KFDO_STEPS_H
#define KFDO_STEPS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "engine/plan.h"
#include "engine/session.h"
#include "base/util.h"

/* The checks fill *why (malloc'd, may be NULL when why is NULL) with the
 * reason in both outcomes: what is missing, or what shows it is done. */
struct step_def {
	enum step_id id;
	const char *title;	/* N_("Build the kernel") */
	const char *label;	/* N_("Build"): the wizard's sidebar */
	const char *help;	/* N_() paragraph for the help screen */
	bool (*precondition)(const struct session *s, char **why);
	/* NULL when the step runs nothing of its own (hardware, toolchain, reboot). */
	int (*plan)(const struct session *s, struct plan *p, char **cause);
	bool (*postcondition)(const struct session *s, char **why);
	/* After every command ran to its end, before the postcondition: what kfdo
	 * itself does to finish the step (read .config back, name the profile, ask
	 * the package database), adding to the step's message. -1 fails the step,
	 * msg then says why. NULL: nothing. */
	int (*complete)(struct session *s, struct strbuf *msg);
};

/* The table, in flow order (index == id). */
const struct step_def *steps_table(size_t *n);
const struct step_def *step_get(enum step_id id);
/* "build": the CLI argument and state key (session_step_key). */
const char *step_name(enum step_id id);
const struct step_def *step_by_name(const char *name);
/* The first step neither skipped nor satisfying its postcondition (a hardware
 * check that failed does not count: building goes on without a PMU); NULL
 * when the whole flow is done. */
const struct step_def *step_next_pending(const struct session *s);

/* The running kernel as the reboot check reads it below the session's sysroot:
 * its release (as uname -r) and build-id (/sys/kernel/notes), malloc'd. Either
 * is NULL when it cannot be read, and *cause (may be NULL) says why. */
void steps_running_kernel(const struct session *s, char **release, char **build_id, char **cause);


#endif
