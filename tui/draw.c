/* Pieces that several screens draw: boxes, the progress bar, a step's plan,
 * the "not in this version yet" notice, the header with the step's state and
 * the running command's status. Only called from the screens' draw, except
 * draw_plan_scan, which reads the plan beforehand: the engine's plan
 * functions look at files, and a redraw reads none. */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "engine/plan.h"
#include "tui/draw.h"
#include "tui/state.h"
#include "tui/text.h"
#include "tui/theme.h"

void draw_hline(int y, int x, int w, enum role role)
{
	if (w <= 0)
		return;
	attrset(theme_attr(role));
	mvhline(y, x, ACS_HLINE, w);
	attrset(A_NORMAL);
}

void draw_box(struct rect r, enum role role)
{
	if (r.h < 2 || r.w < 2)
		return;
	attrset(theme_attr(role));
	mvaddch(r.y, r.x, ACS_ULCORNER);
	mvaddch(r.y, r.x + r.w - 1, ACS_URCORNER);
	mvaddch(r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvaddch(r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	mvhline(r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvhline(r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	mvvline(r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvvline(r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	attrset(A_NORMAL);
}

void draw_bar(const struct tui *t, int y, int x, int w, double fraction, unsigned phase)
{
	if (w < 3)
		return;
	const char *empty = text_glyph(t, "\xc2\xb7", "-");
	for (int i = 0; i < w; i++)
		text_put(y, x + i, empty, 1, ROLE_DIM, false);
	if (fraction >= 0) {
		int fill = (int)(fraction * w + 0.5);
		text_fill(y, x, fill > w ? w : fill, ROLE_BAR);
	} else {
		/* Unknown total: a block that moves, so the screen shows life. */
		int block = w / 5 > 1 ? w / 5 : 1;
		int span = w - block;
		int pos = span > 0 ? (int)(phase % (unsigned)(2 * span)) : 0;
		if (pos > span)
			pos = 2 * span - pos;
		text_fill(y, x + pos, block, ROLE_BAR);
	}
}

static int put_wrapped(struct rect r, int row, const char *s, int indent, enum role role)
{
	size_t n;
	char **lines = text_wrap(s, r.w - indent, &n);
	int used = 0;
	for (size_t i = 0; i < n && row + used < r.h; i++, used++)
		text_put(r.y + row + used, r.x + indent, lines[i], r.w - indent, role, true);
	text_free_lines(lines, n);
	return used;
}

/* The plan as read: paragraphs with a role and an indent, wrapped when drawn. */
struct plan_view {
	struct plan_para {
		char *text;
		enum role role;
		int indent;
	} *v;
	size_t n;
};

static void para_add(struct plan_view *pv, const char *s, int indent, enum role role)
{
	pv->v = xrealloc(pv->v, (pv->n + 1) * sizeof(*pv->v));
	pv->v[pv->n++] = (struct plan_para){ xstrdup(s), role, indent };
}

void draw_plan_free(struct tui *t)
{
	struct plan_view *pv = t->plan;
	if (!pv)
		return;
	for (size_t i = 0; i < pv->n; i++)
		free(pv->v[i].text);
	free(pv->v);
	free(pv);
	t->plan = NULL;
}

void draw_plan_scan(struct tui *t)
{
	draw_plan_free(t);
	struct plan_view *pv = t->plan = xcalloc(1, sizeof(*pv));
	const struct step_def *def = step_get(t->cur);
	if (!def->plan) {
		para_add(pv, _("This step runs no command of its own."), 0, ROLE_DIM);
		return;
	}
	struct plan p = { 0 };
	char *cause = NULL;
	if (def->plan(t->s, &p, &cause) < 0) {
		char *m = xasprintf(_("No commands yet: %s"), cause ? cause : "");
		para_add(pv, m, 0, ROLE_DIM);
		free(m);
	} else if (p.n == 0) {
		para_add(pv, _("Nothing to run: the tree is used as it is."), 0, ROLE_DIM);
	} else {
		para_add(pv, _("Commands that will run, in order:"), 0, ROLE_HEADING);
		for (size_t i = 0; i < p.n; i++) {
			char *head = xasprintf("%zu. %s", i + 1, p.cmds[i].desc ? p.cmds[i].desc : "");
			para_add(pv, head, 0, ROLE_NORMAL);
			free(head);
			char *cmd = plan_format_command(&p.cmds[i]);
			char *line = xasprintf("$ %s", cmd);
			para_add(pv, line, 3, ROLE_COMMAND);
			free(line);
			free(cmd);
		}
	}
	free(cause);
	plan_free(&p);
}

/* The lines of the plan as drawn: its paragraphs wrapped to the width. */
struct plan_lines {
	struct plan_line {
		char *text;
		enum role role;
		int indent;
	} *v;
	size_t n;
};

static void lines_add(struct plan_lines *pl, const struct plan_para *p, int width)
{
	size_t n;
	char **w = text_wrap(p->text, width - p->indent, &n);
	pl->v = xrealloc(pl->v, (pl->n + n) * sizeof(*pl->v));
	for (size_t i = 0; i < n; i++)
		pl->v[pl->n++] = (struct plan_line){ w[i], p->role, p->indent };
	free(w);
}

int draw_plan(struct tui *t, struct rect r)
{
	if (r.h <= 0 || r.w < 8 || !t->plan)
		return 0;
	struct plan_lines pl = { 0 };
	for (size_t i = 0; i < t->plan->n; i++)
		lines_add(&pl, &t->plan->v[i], r.w);
	/* What does not fit scrolls with PgUp/PgDn; the last row says there is more. */
	int rows = (int)pl.n <= r.h ? (int)pl.n : r.h - 1;
	int max = (int)pl.n - rows;
	if (t->plan_scroll > max)
		t->plan_scroll = max;
	if (t->plan_scroll < 0)
		t->plan_scroll = 0;
	t->plan_page = rows > 2 ? rows - 1 : 1;
	for (int i = 0; i < rows; i++) {
		const struct plan_line *l = &pl.v[t->plan_scroll + i];
		text_put(r.y + i, r.x + l->indent, l->text, r.w - l->indent, l->role, true);
	}
	if (rows < (int)pl.n) {
		int below = (int)pl.n - rows - t->plan_scroll;
		char *m = below > 0 ? xasprintf(_("(PgDn: %d more lines)"), below) : xstrdup(_("(PgUp: back to the top)"));
		text_put(r.y + rows, r.x, m, r.w, ROLE_DIM, true);
		free(m);
		rows++;
	}
	for (size_t i = 0; i < pl.n; i++)
		free(pl.v[i].text);
	free(pl.v);
	return rows;
}

int draw_not_yet(struct rect r, const char *text)
{
	if (r.h < 3 || r.w < 10)
		return 0;
	size_t n;
	char **lines = text_wrap(text, r.w - 4, &n);
	int h = (int)n + 2 < r.h ? (int)n + 2 : r.h;
	draw_box((struct rect){ r.y, r.x, h, r.w }, ROLE_WARN);
	text_put(r.y, r.x + 2, _(" Not in this version yet "), r.w - 4, ROLE_WARN, true);
	for (int i = 0; i < h - 2; i++)
		text_put(r.y + 1 + i, r.x + 2, lines[i], r.w - 4, ROLE_NORMAL, true);
	text_free_lines(lines, n);
	return h;
}

static const char *state_word(enum side_state st)
{
	switch (st) {
	case SIDE_DONE: return _("Done");
	case SIDE_FAILED: return _("Failed");
	case SIDE_LOCKED: return _("Not ready");
	case SIDE_RUNNING: return _("Running");
	case SIDE_PENDING: break;
	}
	return _("Ready");
}

static enum role state_role(enum side_state st)
{
	switch (st) {
	case SIDE_DONE: return ROLE_GOOD;
	case SIDE_FAILED: return ROLE_BAD;
	case SIDE_LOCKED: return ROLE_DIM;
	case SIDE_RUNNING: return ROLE_RUNNING;
	case SIDE_PENDING: break;
	}
	return ROLE_NORMAL;
}

int draw_step_title(struct tui *t, struct rect r)
{
	const struct step_def *def = step_get(t->cur);
	char *title = xasprintf(_("Step %d of %d: %s"), (int)t->cur + 1, STEP_COUNT, _(def->title));
	text_put(r.y, r.x, title, r.w, ROLE_HEADING, true);
	free(title);
	return 2;
}

int draw_step_header(struct tui *t, struct rect r)
{
	draw_step_title(t, r);
	enum side_state st = t->side[t->cur];
	const char *word = state_word(st);
	int used = text_put(r.y + 1, r.x, word, r.w, state_role(st), true);
	const char *why = t->why[t->cur];
	/* A failure says what went wrong; the checks' steps say what they found this time. */
	bool checks = step_get(t->cur)->flags & STEP_RECHECK;
	if ((st == SIDE_FAILED || checks) && t->s->steps[t->cur].message)
		why = t->s->steps[t->cur].message;
	if (!why || !*why)
		return 3;
	text_put(r.y + 1, r.x + used, ": ", r.w - used, ROLE_NORMAL, false);
	/* The reason a step is blocked or failed is what the user acts on: a long
	 * one (German at 80 columns often) takes up to two more lines under itself
	 * rather than losing its end; beyond that it is cut with "…". Ready and
	 * done say what the screen below shows anyway: one line. */
	int x = used + 2, w = r.w - x;
	bool acts = st == SIDE_LOCKED || st == SIDE_FAILED;
	int rows = w <= 8 || !acts ? 1 : 3;
	return 2 + text_para((struct rect){ r.y + 1, r.x + x, rows, w }, why, ROLE_NORMAL);
}

int draw_task_status(struct tui *t, struct rect r)
{
	struct task *k = &t->task;
	if (!k->r || k->step != t->cur || r.h <= 0)
		return 0;
	int row = 0;
	if (k->command) {
		char *line = xasprintf("[%zu/%zu] $ %s", k->cmd_index + 1, k->cmd_count, k->command);
		text_put(r.y + row++, r.x, line, r.w, ROLE_COMMAND, true);
		free(line);
	}
	if (!k->running && row < r.h) {
		enum role role = k->result == RUNNER_OK ? ROLE_GOOD : ROLE_BAD;
		const char *word = k->result == RUNNER_OK	  ? _("Done")
				   : k->result == RUNNER_CANCELLED ? _("Cancelled")
								   : _("Failed");
		char *line = xasprintf("%s: %s", word, k->message ? k->message : "");
		row += put_wrapped((struct rect){ r.y, r.x, r.h, r.w }, row, line, 0, role);
		free(line);
	}
	if (k->log_path && row < r.h) {
		char *line = xasprintf(_("log: %s"), k->log_path);
		text_put(r.y + row++, r.x, line, r.w, ROLE_DIM, true);
		free(line);
	}
	return row;
}
