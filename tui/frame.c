/* The frame around every screen: the title line (kfdo, its version, the CPU
 * and its branch sampling in a few words), the sidebar of steps with their
 * state, the note line, the key bar, and over it the help or a question.
 * Below TUI_MIN_COLS x TUI_MIN_ROWS a "terminal too small" screen instead. */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "tui/draw.h"
#include "tui/frame.h"
#include "tui/help.h"
#include "tui/screen.h"
#include "tui/state.h"
#include "tui/text.h"
#include "tui/theme.h"

/* Below this the frame does not fit: a "terminal too small" screen instead. */
#define MIN_COLS 80
#define MIN_ROWS 24

bool frame_too_small(void)
{
	return COLS < MIN_COLS || LINES < MIN_ROWS;
}

static int sidebar_width(void)
{
	int w = COLS * 3 / 10;
	return w < 24 ? 24 : w > 34 ? 34 : w;
}

/* The content area of the frame for the current size. */
static struct rect content_area(void)
{
	int sw = sidebar_width();
	return (struct rect){ 2, sw + 2, LINES - 5, COLS - sw - 3 };
}

/* "Emerald Rapids: no branch sampling, in a VM" */
static char *cpu_words(const struct tui *t)
{
	if (!t->hw || !t->hw->cpu_ok)
		return xstrdup(_("CPU not identified"));
	const struct cpu_info *c = &t->hw->cpu;
	const char *name = c->uarch ? c->uarch->name : c->codename[0] ? c->codename : cpu_vendor_name(c);
	const char *bs = c->branch_sampling == BS_UNKNOWN ? _("branch sampling unknown")
			 : c->branch_sampling != BS_NONE ? branch_sampling_label(c->branch_sampling)
							 : _("no branch sampling");
	return xasprintf("%s: %s%s", name, bs, c->hypervisor ? _(", in a VM") : "");
}

static void draw_title(struct tui *t)
{
	text_fill(0, 0, COLS, ROLE_TITLE);
	int x = 1;
	x += text_put(0, x, "kfdo " KFDO_VERSION, COLS - 2, ROLE_TITLE, false);
	char *cpu = cpu_words(t);
	char *mid = xasprintf("  %s  %s", text_glyph(t, "\xe2\x94\x82", "|"), cpu);
	char *right = xasprintf(_("step %d/%d"), (int)t->cur + 1, STEP_COUNT);
	int rw = text_width(right);
	x += text_put(0, x, mid, COLS - x - rw - 3, ROLE_TITLE, true);
	text_put(0, COLS - rw - 1, right, rw, ROLE_TITLE, false);
	free(right);
	free(mid);
	free(cpu);
}

static const char *side_glyph(const struct tui *t, enum side_state st)
{
	switch (st) {
	case SIDE_DONE: return text_glyph(t, "\xe2\x9c\x93", "+");	/* ✓ */
	case SIDE_FAILED: return text_glyph(t, "\xe2\x9c\x97", "x");	/* ✗ */
	case SIDE_LOCKED: return text_glyph(t, "\xc2\xb7", "-");	/* · */
	case SIDE_RUNNING: return text_glyph(t, "\xe2\x97\x8f", "*");	/* ● */
	case SIDE_PENDING: break;
	}
	return " ";
}

static enum role side_role(enum side_state st)
{
	switch (st) {
	case SIDE_DONE: return ROLE_DONE;
	case SIDE_FAILED: return ROLE_FAILED;
	case SIDE_LOCKED: return ROLE_LOCKED;
	case SIDE_RUNNING: return ROLE_RUNNING;
	case SIDE_PENDING: break;
	}
	return ROLE_NORMAL;
}

static void draw_sidebar(struct tui *t)
{
	int sw = sidebar_width();
	int bottom = LINES - 3;
	text_put(1, 1, _("Steps"), sw - 2, ROLE_HEADING, true);
	for (int i = 0; i < STEP_COUNT && 2 + i < bottom; i++) {
		int y = 2 + i;
		bool cur = (enum step_id)i == t->cur;
		enum side_state st = t->side[i];
		if (cur)
			text_fill(y, 0, sw, ROLE_CURRENT);
		text_put(y, 1, side_glyph(t, st), 1, cur ? ROLE_CURRENT : side_role(st), false);
		/* Short labels: "Install the optimized kernel" would read "Install the opti…"
		 * at 80 columns; the screen's heading has the whole title. */
		char *label = xasprintf("%2d %s", i + 1, _(step_get((enum step_id)i)->label));
		text_put(y, 3, label, sw - 4, cur ? ROLE_CURRENT : st == SIDE_LOCKED ? ROLE_LOCKED : ROLE_NORMAL,
			 true);
		free(label);
	}
	/* The legend, when there is room under the steps. */
	int ly = 3 + STEP_COUNT;
	if (ly + 2 < bottom) {
		char *a = xasprintf("%s %s  %s %s", side_glyph(t, SIDE_DONE), _("done"), side_glyph(t, SIDE_FAILED),
				    _("failed"));
		char *b = xasprintf("%s %s  %s %s", side_glyph(t, SIDE_RUNNING), _("running"),
				    side_glyph(t, SIDE_LOCKED), _("not ready"));
		text_put(ly, 1, a, sw - 2, ROLE_DIM, true);
		text_put(ly + 1, 1, b, sw - 2, ROLE_DIM, true);
		free(a);
		free(b);
	}
	attrset(theme_attr(ROLE_BORDER));
	mvvline(1, sw, ACS_VLINE, bottom - 1);
	attrset(A_NORMAL);
}

static int put_hint(int y, int x, int limit, const char *key, const char *label)
{
	int need = text_width(key) + 1 + text_width(label) + 2;
	if (x + need > limit)
		return 0;
	int used = text_put(y, x, key, limit - x, ROLE_KEY, false);
	used += 1;
	used += text_put(y, x + used, label, limit - x - used, ROLE_NORMAL, false);
	return used + 2;
}

static void draw_keybar(struct tui *t)
{
	int y = LINES - 1;
	/* Quit sits at the right end and always fits; the rest fills from the left. */
	const char *qkey = "F10/q", *qlabel = _("Quit");
	int qw = text_width(qkey) + 1 + text_width(qlabel);
	int limit = COLS - qw - 2;
	int x = 0;
	x += put_hint(y, x, limit, "F1/?", _("Help"));
	/* The screen's own keys (Configure, Check again, Fix...) before moving
	 * between steps: at 80 columns not all fit, and the help lists them all. */
	const struct keyhint *h = t->scr->hints ? t->scr->hints(t) : NULL;
	for (; h && h->key; h++)
		x += put_hint(y, x, limit, h->key, _(h->label));
	/* Back on the first step and Next on the last do nothing: their room goes to keys that do. */
	if (t->cur > 0)
		x += put_hint(y, x, limit, "F2/Esc", _("Back"));
	if (t->cur + 1 < STEP_COUNT)
		x += put_hint(y, x, limit, "F3/]", _("Next"));
	put_hint(y, COLS - qw - 1, COLS + 2, qkey, qlabel);
}

static void draw_dialog(struct tui *t)
{
	struct dialog *d = &t->dialog;
	int w = COLS - 8 < 64 ? COLS - 8 : 64;
	size_t n;
	char **lines = text_wrap(d->text, w - 4, &n);
	int h = (int)n + 5;
	if (h > LINES - 2)
		h = LINES - 2;
	struct rect r = { (LINES - h) / 2, (COLS - w) / 2, h, w };
	for (int i = 0; i < h; i++)
		text_fill(r.y + i, r.x, w, ROLE_DIALOG);
	draw_box(r, ROLE_DIALOG);
	char *title = xasprintf(" %s ", d->title);
	text_put(r.y, r.x + 2, title, w - 4, ROLE_DIALOG, true);
	free(title);
	for (int i = 0; i < (int)n && i < h - 5; i++)
		text_put(r.y + 2 + i, r.x + 2, lines[i], w - 4, ROLE_DIALOG, true);
	text_free_lines(lines, n);
	/* TRANSLATORS: the letter in brackets is the key (y or n, in every language: those are
	 * the keys the dialog takes), capital when Enter answers it; "[Y] Ja" keeps the key. */
	const char *yes = d->default_yes ? _("[Y]es") : _("[y]es"), *no = d->default_yes ? _("[n]o") : _("[N]o");
	char *buttons = xasprintf("%s   %s", yes, no);
	int bw = text_width(buttons);
	text_put(r.y + h - 2, r.x + (w - bw) / 2, buttons, w - 4, ROLE_DIALOG, true);
	free(buttons);
}

static void draw_too_small(void)
{
	/* TRANSLATORS: these three lines must fit a 40-column terminal. */
	char *a = xasprintf(_("The terminal is too small: %dx%d."), COLS, LINES);
	char *b = xasprintf(_("kfdo needs at least %dx%d."), MIN_COLS, MIN_ROWS);
	const char *c = _("Make the window larger (q quits).");
	const char *lines[] = { a, b, c };
	int y = LINES / 2 - 1;
	for (int i = 0; i < 3; i++) {
		int w = text_width(lines[i]);
		int x = w < COLS ? (COLS - w) / 2 : 0;
		if (y + i >= 0 && y + i < LINES)
			text_put(y + i, x, lines[i], COLS - x, i == 0 ? ROLE_HEADING : ROLE_NORMAL, true);
	}
	free(a);
	free(b);
}

void frame_draw(struct tui *t)
{
	if (frame_too_small()) {
		draw_too_small();
		return;
	}
	draw_title(t);
	draw_sidebar(t);
	struct rect area = content_area();
	if (t->help_open)
		help_draw(t, area);
	else
		t->scr->draw(t, area);
	draw_hline(LINES - 3, sidebar_width() + 1, COLS - sidebar_width() - 1, ROLE_BORDER);
	if (t->note)
		text_put(LINES - 2, 1, t->note, COLS - 2, t->note_role, true);
	draw_keybar(t);
	if (t->dialog.open) {
		t->cursor_y = -1;
		draw_dialog(t);
	}
}
