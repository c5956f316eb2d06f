/* A step of the flow as data: what must hold before it, the commands it runs
 * (a plan), what must hold after, and what kfdo itself does around them. One
 * file per step (engine/step_NAME.c) exports its const struct step_def, and
 * steps.c puts them in the flow's order. A step file never includes another
 * step's header: what two steps share is a library of the engine (probe,
 * kmake, verify, pkg_install, record, profile, machine). */
#ifndef KFDO_STEP_H
#define KFDO_STEP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "engine/plan.h"
#include "engine/session.h"

/* A line a step has to say besides its message. kfdo run prints FAIL and WARN
 * notes before the step's status line ("  fail TEXT"), DETAIL ones indented
 * under it and PARA ones as paragraphs after it (an empty one: a blank line);
 * the wizard's screens show the same things from the session. */
enum note_level { NOTE_FAIL, NOTE_WARN, NOTE_DETAIL, NOTE_PARA };

struct step_note {
	enum note_level level;
	char *text;
};

/* What a run of a step reports: its one-line message, whether it is done with
 * something still to fix (a fixable machine), and its notes in order. */
struct step_report {
	struct strbuf msg;
	bool warn;
	struct step_note *notes;
	size_t n_notes;
};
void step_note(struct step_report *r, enum note_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void step_report_free(struct step_report *r);

enum step_flag {
	/* Runs kbuild: live progress, an ETA from the history of the same tree and
	 * configuration (or a dry run), and the packages it wrote recorded. */
	STEP_BUILDS = 1 << 0,
	/* Judges the machine as it is now: it runs again whenever the flow passes,
	 * whatever the session recorded. */
	STEP_RECHECK = 1 << 1,
	/* Its failure does not hold the flow up (a machine that cannot record can
	 * still build); the step that needs it says why it cannot run. */
	STEP_ADVISORY = 1 << 2,
	/* Builds with the session's profile, or installs what was built with it:
	 * its screen names the profile. */
	STEP_USES_PROFILE = 1 << 3,
	/* What is on disk decides its state, even after a failed run: the source
	 * is the tree the session names, whatever a clone that failed left. */
	STEP_STATE_FROM_WORLD = 1 << 4,
	/* Installs a kernel: an unattended run (kfdo continue) stops before it,
	 * whether or not it needs sudo, since nobody saw what it would install. */
	STEP_INSTALLS = 1 << 5,
};

/* complete() returns this when the flow waits here for something outside kfdo
 * (a reboot): the step stays pending, and kfdo run exits with status 3. */
#define STEP_WAIT 1

/* The checks fill *why (malloc'd; why may be NULL) with the reason in both
 * outcomes: what is missing, or what shows it is done. */
struct step_def {
	enum step_id id;
	const char *title;	/* N_("Build the kernel") */
	const char *label;	/* N_("Build"): the wizard's sidebar */
	const char *help;	/* N_() paragraph for the help screen */
	unsigned flags;		/* enum step_flag */
	/* Before anything else: what kfdo sets up itself (the directories the
	 * step writes into, the PMU event when the session has none). Runs again
	 * on every start, so it must be idempotent. NULL: nothing. */
	int (*prepare)(struct session *s, char **cause);
	bool (*precondition)(const struct session *s, char **why);
	/* What the step waits for outside kfdo before it runs anything (the reboot
	 * into the optimized kernel before it is measured): while false the step
	 * waits, as a complete() returning STEP_WAIT does, with by_hand's
	 * paragraphs as its notes, instead of failing. NULL: nothing. */
	bool (*wait_for)(const struct session *s, char **why);
	/* The commands, appended to p; 0, or -1 with cause when the session does
	 * not hold what they need. NULL, or an empty plan: the step runs nothing
	 * (the machine checks, the reboot, a tree already on disk). */
	int (*plan)(const struct session *s, struct plan *p, char **cause);
	/* What blocks the step that commands can fix, shown and offered before it
	 * runs (the recording's sysctls, through sudo): the problems in *problems,
	 * the commands appended to p; returns how many problems. NULL: none. */
	int (*fixes)(const struct session *s, char ***problems, struct plan *p);
	/* N_() texts around the fixes: before the commands, once they took, and
	 * when the user declined them. */
	const char *fix_intro, *fix_done, *fix_needed;
	/* After every command ran to its end, before the postcondition: what kfdo
	 * itself does to finish the step (read .config back, name the profile, ask
	 * the package database, judge the machine), adding to rep. 0 goes on, -1
	 * fails the step (rep->msg says why), STEP_WAIT waits. NULL: nothing. */
	int (*complete)(struct session *s, struct step_report *rep);
	bool (*postcondition)(const struct session *s, char **why);
	/* After a failure or a cancel: what the commands left half-made (the
	 * convert step's temporary names). NULL: nothing. */
	void (*abandon)(const struct session *s);
	/* What the user does by hand for this step (the reboot), as paragraphs;
	 * kfdo status shows the first as the next action. NULL: nothing by hand. */
	char **(*by_hand)(const struct session *s);
};

/* Puts the reason in *why (when why is not NULL) and returns ok, so that a
 * check can end in `return why_set(why, false, ...)`. */
static inline bool why_set(char **why, bool ok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline bool why_set(char **why, bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cause_vset(why, fmt, ap);
	va_end(ap);
	return ok;
}

/* The precondition of a step that needs nothing first (the machine checks). */
bool step_ready(const struct session *s, char **why);
/* What the session recorded: all there is for the machine checks, and the
 * first check of the steps whose files could be left from an earlier run. */
bool step_recorded_done(const struct session *s, enum step_id id, char **why);

#endif
