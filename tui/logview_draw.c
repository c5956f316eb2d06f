/* Drawing the build log widget: each row is laid out in display columns
 * (UTF-8 decoded here, widths from wcwidth), then handed to curses in one
 * call that neither wraps nor moves the cursor. */
#include "tui/logview_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/i18n.h"
#include "base/util.h"

#define TAB_STOP 8
/* A character and the combining ones drawn over it (curses keeps up to 5). */
#define CELL_WCS 5
/* Search matches marked per line; a line with more shows the first ones. */
#define MAX_MARKS 64

struct lv_cell {
	wchar_t wc[CELL_WCS];	/* L'\0'-terminated */
	attr_t attr;
	int width;		/* 1 or 2 where a character starts, 0 on a wide one's second column */
};

/* One row being laid out: logical columns count from the line's start,
 * screen columns from the rectangle's left edge, skip of them hidden on the
 * left. With no cells it only measures. */
struct row {
	struct lv_cell *c;
	int w;
	long lcol, skip;
	int last;		/* screen column of the character just placed, -1 when it was not */
	bool cut, skipped;
};

struct span {
	size_t start, end;
};

static void row_begin(struct logview *lv, struct row *r, int w, long skip, attr_t pad)
{
	if (w > lv->cells_cap) {
		lv->cells = xrealloc(lv->cells, (size_t)w * sizeof(*lv->cells));
		lv->cch = xrealloc(lv->cch, (size_t)w * sizeof(cchar_t));
		lv->cells_cap = w;
	}
	*r = (struct row){ lv->cells, w, 0, skip, -1, false, false };
	for (int i = 0; i < w; i++)
		r->c[i] = (struct lv_cell){ { L' ', 0 }, pad, 1 };
}

static void put(struct row *r, wchar_t wc, int width, attr_t attr)
{
	long at = r->lcol;
	r->lcol += width;
	r->last = -1;
	if (!r->c || r->cut)
		return;
	if (at < r->skip) {
		/* Hidden on the left; the visible half of a wide one stays blank. */
		r->skipped = true;
		return;
	}
	long col = at - r->skip;
	if (col + width > r->w) {
		r->cut = true;
		return;
	}
	r->c[col] = (struct lv_cell){ { wc, 0 }, attr, width };
	if (width == 2)
		r->c[col + 1] = (struct lv_cell){ { L' ', 0 }, attr, 0 };
	r->last = (int)col;
}

/* A zero-width character joins the one placed just before it, or is dropped. */
static void put_combining(struct row *r, wchar_t wc)
{
	if (!r->c || r->last < 0)
		return;
	wchar_t *w = r->c[r->last].wc;
	size_t n = wcslen(w);
	if (n + 1 < CELL_WCS) {
		w[n] = wc;
		w[n + 1] = 0;
	}
}

/* One UTF-8 character at s: its code point and length, or -1 and length 1
 * for a byte that does not start a valid one (overlong forms, surrogates and
 * truncated sequences included). */
static long utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	size_t k;
	long cp, min;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (n < k)
		return -1;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = k;
	return cp;
}

/* Lays out n bytes of text; bytes inside marks get mark_attr. */
static void row_text(struct row *r, const char *text, size_t n, attr_t attr, const struct span *marks,
		     size_t n_marks, attr_t mark_attr)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, m = 0;
	while (i < n && !r->cut) {
		size_t k;
		long cp = utf8_decode(s + i, n - i, &k);
		while (m < n_marks && marks[m].end <= i)
			m++;
		attr_t a = m < n_marks && marks[m].start <= i ? mark_attr : attr;
		if (cp < 0) {
			put(r, L'?', 1, a);
		} else if (cp == '\t') {
			do
				put(r, L' ', 1, a);
			while (r->lcol % TAB_STOP);
		} else if (cp < 0x20 || cp == 0x7f) {
			put(r, L'^', 1, a);
			put(r, (wchar_t)(cp ^ 0x40), 1, a);
		} else if (cp < 0x7f) {
			put(r, (wchar_t)cp, 1, a);
		} else {
			/* What the locale cannot show (C1 controls, unassigned, a
			 * non-UTF-8 locale) is '?', never raw bytes to the terminal. */
			int cw = wcwidth((wchar_t)cp);
			if (cw < 0 || cw > 2)
				put(r, L'?', 1, a);
			else if (cw == 0)
				put_combining(r, (wchar_t)cp);
			else
				put(r, (wchar_t)cp, cw, a);
		}
		i += k;
	}
}

static long text_width(const char *s)
{
	struct row r = { NULL, INT_MAX, 0, 0, -1, false, false };
	row_text(&r, s, strlen(s), 0, NULL, 0, 0);
	return r.lcol;
}

/* Puts the row on screen; with markers, '>' says the line goes on past the
 * right edge and '<' that it was scrolled sideways. */
static void row_end(struct logview *lv, struct row *r, WINDOW *win, int y, int x, bool markers, attr_t mark_attr)
{
	struct lv_cell *c = r->c;
	int w = r->w;
	if (markers && r->cut) {
		if (c[w - 1].width == 0 && w >= 2)
			c[w - 2] = (struct lv_cell){ { L' ', 0 }, c[w - 2].attr, 1 };
		c[w - 1] = (struct lv_cell){ { L'>', 0 }, mark_attr, 1 };
	}
	if (markers && r->skipped) {
		if (c[0].width == 2 && w >= 2)
			c[1] = (struct lv_cell){ { L' ', 0 }, c[1].attr, 1 };
		c[0] = (struct lv_cell){ { L'<', 0 }, mark_attr, 1 };
	}
	cchar_t *out = lv->cch;
	int m = 0;
	for (int i = 0; i < w; i++)
		if (c[i].width > 0)
			setcchar(&out[m++], c[i].wc, c[i].attr & ~A_COLOR, (short)PAIR_NUMBER(c[i].attr), NULL);
	mvwadd_wchnstr(win, y, x, out, m);
}

static attr_t class_attr(const struct logview *lv, enum log_class c)
{
	switch (c) {
	case LOG_COMMAND:
		return lv->attrs.command;
	case LOG_WARNING:
		return lv->attrs.warning;
	case LOG_ERROR:
		return lv->attrs.error;
	default:
		return lv->attrs.plain;
	}
}

static void draw_line(struct logview *lv, WINDOW *win, int y, int x, int w, lv_seq n)
{
	size_t len;
	const char *s = lv_line(lv, n, &len);
	bool first = lv->has_error && n == lv->first_error;
	attr_t attr = first ? lv->attrs.first_error : class_attr(lv, LV_DRAW(lv_meta(lv, n)));
	struct span marks[MAX_MARKS];
	size_t n_marks = 0;
	for (size_t at = 0; n_marks < MAX_MARKS;) {
		size_t p = lv_find(lv, s, len, at);
		if (p == (size_t)-1)
			break;
		marks[n_marks++] = (struct span){ p, p + lv->pattern_len };
		at = p + lv->pattern_len;
	}
	struct row r;
	/* The first error's whole row is highlighted; others pad plain. */
	row_begin(lv, &r, w, lv->hscroll, first ? attr : lv->attrs.plain);
	row_text(&r, s, len, attr, marks, n_marks, lv->attrs.match);
	row_end(lv, &r, win, y, x, true, attr);
}

static void draw_pinned(struct logview *lv, WINDOW *win, int y, int x, int w)
{
	char label[64];
	snprintf(label, sizeof(label), _("first error, line %llu: "), (unsigned long long)lv->first_error + 1);
	attr_t a = lv->attrs.first_error;
	struct row r;
	row_begin(lv, &r, w, 0, a);
	row_text(&r, label, strlen(label), a, NULL, 0, 0);
	row_text(&r, lv->first_error_text, strlen(lv->first_error_text), a, NULL, 0, 0);
	row_end(lv, &r, win, y, x, true, a);
}

static void draw_prompt(struct logview *lv, WINDOW *win, int y, int x, int w)
{
	attr_t a = lv->attrs.plain;
	char text[LV_PATTERN_MAX + 2];
	snprintf(text, sizeof(text), "/%.*s", (int)lv->input_len, lv->input);
	long tw = text_width(text);
	/* Long input scrolls so its end and the cursor stay in sight. */
	long skip = tw + 1 > w ? tw + 1 - w : 0;
	struct row r;
	row_begin(lv, &r, w, skip, a);
	row_text(&r, text, strlen(text), a, NULL, 0, 0);
	put(&r, L' ', 1, a ^ A_REVERSE);
	const char *hint = _("Enter: search, Esc: cancel");
	long hw = text_width(hint);
	if (!skip && tw + 1 + 2 + hw <= w) {
		r.lcol = w - hw;
		row_text(&r, hint, strlen(hint), a | A_DIM, NULL, 0, 0);
	}
	row_end(lv, &r, win, y, x, false, a);
}

static void add_part(char *buf, size_t size, const char *part)
{
	if (!*part)
		return;
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s%s", n ? " | " : " ", part);
}

static void draw_status(struct logview *lv, WINDOW *win, int y, int x, int w, bool shown, lv_seq bottom)
{
	static const char *const filters[] = { "", N_("warnings+errors"), N_("errors only") };
	char core[LV_MSG_MAX + LV_PATTERN_MAX + 128] = "", counts[LV_PATTERN_MAX + 96] = "";
	char part[LV_PATTERN_MAX + 64], right[96];
	add_part(core, sizeof(core), lv->follow ? _("following") : _("paused, End follows"));
	if (lv->filter != LOG_FILTER_ALL)
		add_part(core, sizeof(core), _(filters[lv->filter]));
	if (lv->msg[0]) {
		add_part(core, sizeof(core), lv->msg);
	} else if (lv->pattern_len) {
		snprintf(part, sizeof(part), "/%s", lv->pattern);
		add_part(core, sizeof(core), part);
	}
	snprintf(part, sizeof(part), _("warnings: %zu, errors: %zu"), lv->warnings, lv->errors);
	snprintf(counts, sizeof(counts), " | %s", part);
	if (shown)
		snprintf(right, sizeof(right), _("line %llu of %llu "), (unsigned long long)bottom + 1,
			 (unsigned long long)lv_total(lv));
	else
		snprintf(right, sizeof(right), _("%llu lines "), (unsigned long long)lv_total(lv));

	/* What goes first when the row is short: the counts (the screen shows
	 * them elsewhere), then the position; the state and the message stay. */
	long cw = text_width(core), kw = text_width(counts), rw = text_width(right);
	bool with_counts = cw + kw + 1 + rw <= w;
	bool with_right = cw + 1 + rw <= w || rw + 12 <= w;
	attr_t a = lv->attrs.status;
	struct row r;
	row_begin(lv, &r, w, 0, a);
	r.w = with_right ? w - (int)rw - 1 : w;
	row_text(&r, core, strlen(core), a, NULL, 0, 0);
	if (with_counts)
		row_text(&r, counts, strlen(counts), a, NULL, 0, 0);
	if (with_right) {
		r.w = w;
		r.cut = false;
		r.lcol = w - rw;
		row_text(&r, right, strlen(right), a, NULL, 0, 0);
	}
	row_end(lv, &r, win, y, x, false, a);
}

void logview_draw(struct logview *lv, WINDOW *win, int y, int x, int h, int w)
{
	if (h <= 0 || w <= 0)
		return;
	int rows = h - 1;
	bool pin = lv_pinned(lv) && rows >= 2;
	int line_rows = rows - pin;
	lv->rows = line_rows > 0 ? line_rows : 1;
	lv->cols = w;
	int row = y;
	if (pin)
		draw_pinned(lv, win, row++, x, w);

	lv_seq n = 0, bottom = 0;
	bool more = line_rows > 0 && lv_view_top(lv, line_rows, &n), shown = false;
	for (int i = 0; i < line_rows; i++, row++) {
		if (more) {
			draw_line(lv, win, row, x, w, n);
			bottom = n;
			shown = true;
			more = lv_next_visible(lv, n, &n);
			continue;
		}
		struct row r;
		row_begin(lv, &r, w, 0, lv->attrs.plain);
		if (i == 0 && !shown) {
			const char *empty = !lv_total(lv) ? _("(no output yet)")
					    : lv->filter == LOG_FILTER_ERRORS ? _("(no errors)")
					    : _("(no warnings or errors)");
			row_text(&r, empty, strlen(empty), lv->attrs.plain | A_DIM, NULL, 0, 0);
		}
		row_end(lv, &r, win, row, x, false, lv->attrs.plain);
	}
	if (lv->prompting)
		draw_prompt(lv, win, y + h - 1, x, w);
	else
		draw_status(lv, win, y + h - 1, x, w, shown, bottom);
}
