/* The wizard's state and the calls the screens change it through: the note
 * line above the key bar, a yes/no question, saving the session (a failure
 * becomes the note), the sidebar's state of every step from the engine's
 * pre- and postconditions, and the kernel tree inspected once per path. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "tui/state.h"

void tui_note(struct tui *t, enum role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(t->note);
	t->note = xvasprintf(fmt, ap);
	va_end(ap);
	t->note_role = role;
}

void tui_ask(struct tui *t, const char *title, const char *text, bool default_yes,
	     int (*answer)(struct tui *, bool))
{
	struct dialog *d = &t->dialog;
	free(d->title);
	free(d->text);
	d->title = xstrdup(title);
	d->text = xstrdup(text);
	d->answer = answer;
	d->default_yes = default_yes;
	d->open = true;
}

void tui_save(struct tui *t)
{
	char *cause = NULL;
	free(t->save_error);
	t->save_error = NULL;
	if (state_save(t->s, &cause) < 0) {
		tui_note(t, ROLE_BAD, _("The session could not be saved: %s"), cause);
		t->save_error = cause;
	}
}

void tui_refresh_steps(struct tui *t)
{
	for (int i = 0; i < STEP_COUNT; i++) {
		const struct step_def *d = step_get((enum step_id)i);
		char *why = NULL;
		enum side_state st;
		/* The last run failing says more than older outputs still lying there (a
		 * bzImage from the build before); the source step has no run to fail. */
		bool failed = t->s->steps[i].status == STATUS_FAILED && !(d->flags & STEP_STATE_FROM_WORLD);
		if (t->task.running && t->task.step == (enum step_id)i) {
			st = SIDE_RUNNING;
		} else if (failed) {
			st = SIDE_FAILED;
		} else if (d->postcondition(t->s, &why)) {
			st = SIDE_DONE;
		} else {
			free(why);
			why = NULL;
			st = d->precondition && !d->precondition(t->s, &why) ? SIDE_LOCKED : SIDE_PENDING;
		}
		free(t->why[i]);
		t->why[i] = why;
		t->side[i] = st;
	}
}

void tui_inspect_tree(struct tui *t, bool force)
{
	const char *path = t->s->tree;
	bool same = t->tree_done && path && t->tree.path && strcmp(path, t->tree.path) == 0;
	if (same && !force)
		return;
	if (t->tree_done)
		tree_free(&t->tree);
	free(t->tree_cause);
	t->tree_cause = NULL;
	t->tree_done = false;
	if (!path || !*path)
		return;
	t->tree_rc = tree_inspect(path, &t->tree, &t->tree_cause);
	if (!t->tree.path)
		t->tree.path = xstrdup(path);
	t->tree_done = true;
}

/* The step to resume at: the engine's next pending step (kfdo status shows
 * the same), or the last screen when the whole flow is done. */
enum step_id tui_resume_step(const struct session *s)
{
	const struct step_def *next = step_next_pending(s);
	/* All done: the comparison is the flow's last word, or finish without one. */
	if (!next)
		return s->measure.off ? STEP_FINISH : STEP_COMPARE;
	return next->id;
}
