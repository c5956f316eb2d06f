/* The wizard's state (struct tui), which every part of it sees, and the
 * calls that change it for the screens: the note line, a question, saving
 * the session, the sidebar's step states, the kernel tree inspected
 * (state.c). The loop that drives it all is app.c. */
#ifndef KFDO_TUI_STATE_H
#define KFDO_TUI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/runner.h"
#include "engine/session.h"
#include "engine/steps.h"
#include "detect/report.h"
#include "detect/toolchain.h"
#include "detect/tree.h"
#include "tui/theme.h"

struct logview;
struct plan_view;
struct screen_ops;
struct tui;

/* What a handler asks of the loop. */
enum {
	RE_NONE = 0,
	RE_HANDLED = 1 << 0,	/* the key was used: stop looking for a binding */
	RE_REDRAW = 1 << 1,
	RE_NEXT = 1 << 2,	/* go to the next step */
	RE_PREV = 1 << 3,
	RE_QUIT = 1 << 4,	/* quit (asks first when a step runs) */
	RE_STEPS = 1 << 5,	/* step states changed: recompute the sidebar, scan the screen */
	RE_SCAN = 1 << 6,	/* what the screen shows may have changed: scan it again */
};

/* How a step shows in the sidebar. */
enum side_state { SIDE_PENDING, SIDE_DONE, SIDE_FAILED, SIDE_LOCKED, SIDE_RUNNING };

/* The step running through engine/runner, and what the screens show of it (task.c). */
struct task {
	enum step_id step;
	struct runner *r;	/* kept after it is done, for its counts */
	struct logview *lv;
	bool running;
	bool cancel_asked;
	/* The step's screen has read back what the run changed (task_take_end):
	 * kept here, not by the screen, so that a run that ends while another
	 * screen is up is still read back when its own comes. */
	bool end_taken;
	enum runner_result result;
	char *message;		/* the runner's outcome line */
	char *command;		/* display line of the command running */
	size_t cmd_index, cmd_count;
	char *log_path;
	int64_t started, finished;
};

/* A yes/no question over the screen. */
struct dialog {
	bool open;
	bool default_yes;	/* what Enter answers */
	char *title, *text;
	/* Called with the answer; returns reaction flags. */
	int (*answer)(struct tui *t, bool yes);
};

struct tui {
	struct session *s;
	bool color, utf8;
	enum step_id cur;
	const struct screen_ops *scr;
	/* The current screen's own state (screen_ops.view_size bytes, zeroed):
	 * made before its enter, freed after its leave. */
	void *view;
	/* The current step's commands as the last scan read them (draw.c). */
	struct plan_view *plan;
	enum side_state side[STEP_COUNT];
	char *why[STEP_COUNT];	/* the sidebar state's reason (pre/postcondition) */

	/* What the machine checks found, shared by the title, the screens and configure. */
	struct detect_opts hw_opts;	/* --sysroot, --cpuid-dump, --pmu (tests hand fixtures) */
	/* The readings the hardware and toolchain steps judged, owned by
	 * engine/machine.c: NULL until the step ran (tc also when the tools could
	 * not be looked for). */
	const struct detect_report *hw;
	const struct toolchain *tc;
	bool tree_done;
	int tree_rc;
	struct kernel_tree tree;
	char *tree_cause;

	struct task task;
	pid_t notify_pid;	/* the desktop notification still running, or <= 0 */
	struct dialog dialog;
	bool help_open;
	int help_scroll;
	int plan_scroll;	/* first row of the plan shown, when it does not fit */
	int plan_page;		/* rows of the plan the last draw showed: PgDn's step */
	char *note;		/* one line above the key bar */
	enum role note_role;
	/* Why the last save failed, NULL once one succeeds: quitting must not
	 * then say "the session is saved". */
	char *save_error;

	/* The text cursor the drawn screen wants (an input field), -1: hidden. */
	int cursor_y, cursor_x;
	bool quit, quitting;
	int exit_code;
};

void tui_note(struct tui *t, enum role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tui_ask(struct tui *t, const char *title, const char *text, bool default_yes,
	     int (*answer)(struct tui *, bool));
/* Saves the session; a failure becomes the note. */
void tui_save(struct tui *t);
/* Recomputes the sidebar from the session (cheap checks of files). */
void tui_refresh_steps(struct tui *t);
/* Inspects the session's tree when it changed (or force). */
void tui_inspect_tree(struct tui *t, bool force);
/* Where a session resumes: the first step not done (a hardware check that
 * said "unsupported" does not hold the flow up). */
enum step_id tui_resume_step(const struct session *s);

#endif
