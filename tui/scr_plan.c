/* What the screens of the later steps share (install, reboot, profile,
 * convert, finish): the step's header, the screen's own block (what the
 * engine found: packages, kernels, build-ids, live figures), then the exact
 * commands before they run, or the run through the runner with its log. A
 * screen passes its block as a function. */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "tui/curses.h"
#include "tui/draw.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/text.h"

void plan_screen_draw(struct tui *t, struct rect r, plan_block_fn block)
{
	int y = r.y + draw_step_header(t, r);
	struct rect rest = { y, r.x, r.y + r.h - y, r.w };
	if (block) {
		int used = block(t, rest);
		rest.y += used;
		rest.h -= used;
	}
	struct logview *lv = task_log(t, t->cur);
	if (lv) {
		int used = draw_task_status(t, rest);
		rest.y += used;
		rest.h -= used;
		if (rest.h > 3)
			logview_draw(lv, stdscr, rest.y, rest.x, rest.h, rest.w);
		return;
	}
	if (task_running(t) && rest.h > 0) {
		char *m = xasprintf(_("The %s step is running; this one can start when it is over."),
				    step_name(t->task.step));
		text_put(rest.y, rest.x, m, rest.w, ROLE_WARN, true);
		free(m);
		rest.y += 2;
		rest.h -= 2;
	}
	draw_plan(t, rest);
}

static int answer_cancel(struct tui *t, bool yes)
{
	if (yes)
		task_cancel(t);
	return RE_REDRAW;
}

int plan_screen_start(struct tui *t)
{
	const struct step_def *d = step_get(t->cur);
	char *why = NULL;
	if (d->precondition && !d->precondition(t->s, &why)) {
		tui_note(t, ROLE_BAD, _("This step cannot run yet: %s"), why ? why : "");
		free(why);
		return RE_REDRAW | RE_STEPS;
	}
	free(why);
	if (task_start(t, t->cur) == 0)
		tui_note(t, ROLE_RUNNING, _("Running: %s"), _(d->title));
	return RE_REDRAW | RE_STEPS;
}

int plan_screen_key(struct tui *t, int key)
{
	struct logview *lv = task_log(t, t->cur);
	if (lv && logview_prompting(lv))
		return tui_log_key(lv, key) ? RE_REDRAW | RE_HANDLED : RE_HANDLED;
	bool running_here = task_running(t) && t->task.step == t->cur;
	if (running_here && (key == 'c' || key == KEY_F(8))) {
		tui_ask(t, _("Cancel this step?"), _("Everything the step started is stopped."), false, answer_cancel);
		return RE_REDRAW | RE_HANDLED;
	}
	if (!task_running(t) && (key == '\r' || key == KEY_ENTER || key == KEY_F(5)))
		return plan_screen_start(t) | RE_HANDLED;
	if (lv && tui_log_key(lv, key))
		return RE_REDRAW | RE_HANDLED;
	return RE_NONE;
}

int plan_screen_tick(struct tui *t, int64_t now)
{
	(void)now;
	return task_running(t) && t->task.step == t->cur ? RE_REDRAW : RE_NONE;
}

static const struct keyhint idle_hints[] = { { "Enter/F5", N_("Run") }, { NULL, NULL } };
static const struct keyhint run_hints[] = { { "c", N_("Cancel") }, { "/", N_("Search") }, { NULL, NULL } };

const struct keyhint *plan_screen_hints(struct tui *t)
{
	return task_running(t) && t->task.step == t->cur ? run_hints : idle_hints;
}

int plan_screen_line(struct rect r, int row, const char *label, const char *value, enum role role)
{
	if (row >= r.h)
		return 0;
	int used = text_put(r.y + row, r.x, label, r.w, ROLE_DIM, false);
	text_put(r.y + row, r.x + used + 1, value, r.w - used - 1, role, true);
	return 1;
}

int plan_screen_wrapped(struct rect r, int row, const char *label, const char *value, enum role role, int max)
{
	if (row >= r.h || max <= 0)
		return 0;
	/* A label of spaces keeps the column of the row above. */
	int lw = label && *label ? text_width(label) + 1 : 0;
	if (lw > r.w / 3)
		lw = 0;
	if (lw)
		text_put(r.y + row, r.x, label, lw, ROLE_DIM, false);
	int rows = max < r.h - row ? max : r.h - row;
	return text_para((struct rect){ r.y + row, r.x + lw, rows, r.w - lw }, value, role);
}

int plan_screen_paras(struct rect r, int row, char *const *paras, enum role role)
{
	int used = 0;
	for (size_t i = 0; paras && paras[i] && row + used < r.h; i++)
		used += text_para((struct rect){ r.y + row + used, r.x, r.h - row - used, r.w }, paras[i], role);
	return used;
}
