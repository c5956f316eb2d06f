/* The log widget's insides, shared by its model (logview.c: lines, counts,
 * moving, searching, keys) and its drawing (logview_draw.c). Nobody else
 * includes this. */
#ifndef KFDO_LOGVIEW_INT_H
#define KFDO_LOGVIEW_INT_H

#include <stdint.h>

#include "base/ring.h"
#include "tui/logview.h"

/* Lines are numbered from 0 since the last clear, dropped ones included: a
 * line keeps its number while the scrollback moves under it. */
typedef uint64_t lv_seq;

#define LV_PATTERN_MAX 256
#define LV_MSG_MAX 256

/* Per-line class bits: how the line is drawn, and under which filter class
 * it is shown (a clang note or excerpt is drawn plain but filed under its
 * warning or error). */
#define LV_DRAW(m) ((enum log_class)((m) & 3))
#define LV_FILED(m) ((enum log_class)(((m) >> 2) & 3))
#define LV_META(draw, filed) ((uint8_t)((draw) | ((filed) << 2)))

struct lv_cell;

struct logview {
	struct ring *ring;
	uint8_t *meta;		/* by line number modulo the capacity */
	size_t cap;
	enum log_class chain;	/* filing class of the diagnostic the next note or excerpt belongs to */

	size_t warnings, errors, make_errors;
	bool has_error;
	lv_seq first_error;	/* its line number, when has_error */
	bool first_error_is_make;	/* only make's line so far: a compiler error replaces it */
	char *first_error_text;

	enum log_filter filter;
	bool follow;
	lv_seq top;		/* first line shown when not following */
	int hscroll;		/* columns scrolled sideways */
	int rows, cols;		/* of the last draw (the line area), for paging */

	char pattern[LV_PATTERN_MAX];	/* the last search, lower-cased when it ignores case */
	size_t pattern_len;
	bool icase;
	bool has_match;
	lv_seq match;
	bool prompting;
	char input[LV_PATTERN_MAX];
	size_t input_len;
	char msg[LV_MSG_MAX];	/* a one-key message on the status row ("not found") */

	struct logview_attrs attrs;
	struct lv_cell *cells;	/* one row being drawn, reused */
	void *cch;		/* cchar_t[], reused */
	int cells_cap;
};

/* The model's view of itself, for the drawing. */
lv_seq lv_oldest(const struct logview *lv);
lv_seq lv_total(const struct logview *lv);
const char *lv_line(const struct logview *lv, lv_seq n, size_t *len);
uint8_t lv_meta(const struct logview *lv, lv_seq n);
bool lv_visible(const struct logview *lv, lv_seq n);
/* The first error's line has dropped out of the scrollback: it is pinned. */
bool lv_pinned(const struct logview *lv);
/* The line at the top of the view for this many rows (following or not), and
 * false when the filter leaves nothing to show. */
bool lv_view_top(const struct logview *lv, int rows, lv_seq *top);
/* The next line shown after n, false at the end. */
bool lv_next_visible(const struct logview *lv, lv_seq n, lv_seq *out);
/* Where the pattern occurs in a line at or after byte from: its offset, or
 * (size_t)-1. */
size_t lv_find(const struct logview *lv, const char *s, size_t n, size_t from);

#endif
