/* The build log widget's model: the scrollback, classes and counts, moving
 * the view, searching and the keys (logview.h says how it behaves; the
 * drawing is in logview_draw.c). */
#include "tui/logview_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "engine/kbuild.h"
#include "base/util.h"

/* Paging before the first draw has told the widget its height. */
#define DEFAULT_ROWS 20
#define DEFAULT_COLS 80
#define CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

static const struct logview_attrs mono = {
	.plain = A_NORMAL,
	.command = A_NORMAL,
	.warning = A_BOLD,
	.error = A_BOLD | A_UNDERLINE,
	.first_error = A_BOLD | A_REVERSE,
	.match = A_REVERSE | A_UNDERLINE,
	.status = A_REVERSE,
};

struct logview *logview_new(size_t max_lines)
{
	struct logview *lv = xcalloc(1, sizeof(*lv));
	lv->cap = max_lines ? max_lines : 1;
	lv->ring = ring_new(lv->cap);
	lv->meta = xcalloc(lv->cap, 1);
	lv->follow = true;
	lv->rows = DEFAULT_ROWS;
	lv->cols = DEFAULT_COLS;
	lv->attrs = mono;
	return lv;
}

void logview_free(struct logview *lv)
{
	if (!lv)
		return;
	ring_free(lv->ring);
	free(lv->meta);
	free(lv->first_error_text);
	free(lv->cells);
	free(lv->cch);
	free(lv);
}

void logview_clear(struct logview *lv)
{
	ring_clear(lv->ring);
	lv->chain = LOG_PLAIN;
	lv->warnings = lv->errors = lv->make_errors = 0;
	lv->has_error = false;
	free(lv->first_error_text);
	lv->first_error_text = NULL;
	/* The filter and the last pattern are the user's choices: they stay. */
	lv->follow = true;
	lv->top = 0;
	lv->hscroll = 0;
	lv->has_match = false;
	lv->msg[0] = '\0';
}

void logview_set_attrs(struct logview *lv, const struct logview_attrs *attrs)
{
	lv->attrs = attrs ? *attrs : mono;
}

enum log_class logview_classify(const char *line, size_t len)
{
	switch (kbuild_line_parse(line, len, NULL)) {
	case KBUILD_LINE_STEP:
		return LOG_COMMAND;
	case KBUILD_LINE_WARNING:
		return LOG_WARNING;
	case KBUILD_LINE_ERROR:
	case KBUILD_LINE_MAKE_ERROR:
		return LOG_ERROR;
	default:
		return LOG_PLAIN;
	}
}

/* A compiler error outranks make's line that came first: it says why. */
static void note_error(struct logview *lv, lv_seq n, const char *line, size_t len, bool is_make)
{
	if (lv->has_error && !(lv->first_error_is_make && !is_make))
		return;
	free(lv->first_error_text);
	lv->first_error_text = xmalloc(len + 1);
	memcpy(lv->first_error_text, line, len);
	lv->first_error_text[len] = '\0';
	lv->has_error = true;
	lv->first_error = n;
	lv->first_error_is_make = is_make;
}

void logview_append(struct logview *lv, const char *line, size_t len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	/* A line redrawn with carriage returns (a progress meter): what a
	 * terminal would show is the text after the last one. */
	const char *cr = len ? memrchr(line, '\r', len) : NULL;
	if (cr) {
		len -= (size_t)(cr + 1 - line);
		line = cr + 1;
	}
	lv_seq n = ring_total(lv->ring);
	ring_push(lv->ring, line, len);

	struct kbuild_line kl;
	enum kbuild_line_kind kind = kbuild_line_parse(line, len, &kl);
	enum log_class draw = LOG_PLAIN, filed;
	switch (kind) {
	case KBUILD_LINE_STEP:
		draw = LOG_COMMAND;
		lv->chain = LOG_PLAIN;
		break;
	case KBUILD_LINE_WARNING:
		draw = lv->chain = LOG_WARNING;
		lv->warnings++;
		break;
	case KBUILD_LINE_ERROR:
		draw = lv->chain = LOG_ERROR;
		lv->errors++;
		note_error(lv, n, line, len, false);
		break;
	case KBUILD_LINE_MAKE_ERROR:
		draw = LOG_ERROR;
		lv->chain = LOG_PLAIN;
		lv->make_errors++;
		note_error(lv, n, line, len, true);
		break;
	case KBUILD_LINE_NOTE:
	case KBUILD_LINE_EXCERPT:
		break;	/* drawn plain, filed under the diagnostic above (the chain goes on) */
	default:
		lv->chain = LOG_PLAIN;
		break;
	}
	filed = draw == LOG_PLAIN ? lv->chain : draw;
	lv->meta[n % lv->cap] = LV_META(draw, filed);
}

size_t logview_warnings(const struct logview *lv)
{
	return lv->warnings;
}

size_t logview_errors(const struct logview *lv)
{
	return lv->errors;
}

size_t logview_make_errors(const struct logview *lv)
{
	return lv->make_errors;
}

size_t logview_lines(const struct logview *lv)
{
	return (size_t)ring_total(lv->ring);
}

bool logview_following(const struct logview *lv)
{
	return lv->follow;
}

const char *logview_first_error(const struct logview *lv)
{
	return lv->has_error ? lv->first_error_text : NULL;
}

bool logview_prompting(const struct logview *lv)
{
	return lv->prompting;
}

enum log_filter logview_filter(const struct logview *lv)
{
	return lv->filter;
}

/* ---- The lines as the view sees them. */

lv_seq lv_total(const struct logview *lv)
{
	return ring_total(lv->ring);
}

lv_seq lv_oldest(const struct logview *lv)
{
	return ring_total(lv->ring) - ring_count(lv->ring);
}

const char *lv_line(const struct logview *lv, lv_seq n, size_t *len)
{
	return ring_get(lv->ring, (size_t)(lv_total(lv) - 1 - n), len);
}

uint8_t lv_meta(const struct logview *lv, lv_seq n)
{
	return lv->meta[n % lv->cap];
}

bool lv_visible(const struct logview *lv, lv_seq n)
{
	enum log_class c = LV_FILED(lv_meta(lv, n));
	switch (lv->filter) {
	case LOG_FILTER_PROBLEMS:
		return c == LOG_WARNING || c == LOG_ERROR;
	case LOG_FILTER_ERRORS:
		return c == LOG_ERROR;
	default:
		return true;
	}
}

bool lv_pinned(const struct logview *lv)
{
	return lv->has_error && lv->first_error < lv_oldest(lv);
}

static bool prev_visible(const struct logview *lv, lv_seq n, lv_seq *out)
{
	lv_seq oldest = lv_oldest(lv);
	while (n > oldest) {
		n--;
		if (lv_visible(lv, n)) {
			*out = n;
			return true;
		}
	}
	return false;
}

bool lv_next_visible(const struct logview *lv, lv_seq n, lv_seq *out)
{
	lv_seq total = lv_total(lv);
	while (n + 1 < total) {
		n++;
		if (lv_visible(lv, n)) {
			*out = n;
			return true;
		}
	}
	return false;
}

/* The first line shown at or after n. */
static bool visible_from(const struct logview *lv, lv_seq n, lv_seq *out)
{
	if (n < lv_oldest(lv))
		n = lv_oldest(lv);
	if (n >= lv_total(lv))
		return false;
	if (lv_visible(lv, n)) {
		*out = n;
		return true;
	}
	return lv_next_visible(lv, n, out);
}

/* The last line shown at or before n. */
static bool visible_upto(const struct logview *lv, lv_seq n, lv_seq *out)
{
	if (lv_total(lv) == 0 || n < lv_oldest(lv))
		return false;
	if (n >= lv_total(lv))
		n = lv_total(lv) - 1;
	if (lv_visible(lv, n)) {
		*out = n;
		return true;
	}
	return prev_visible(lv, n, out);
}

/* Back from n by up to k lines shown. */
static lv_seq back_by(const struct logview *lv, lv_seq n, int k)
{
	while (k-- > 0 && prev_visible(lv, n, &n))
		;
	return n;
}

static lv_seq forward_by(const struct logview *lv, lv_seq n, int k)
{
	while (k-- > 0 && lv_next_visible(lv, n, &n))
		;
	return n;
}

bool lv_view_top(const struct logview *lv, int rows, lv_seq *top)
{
	lv_seq last, t;
	if (!visible_upto(lv, lv_total(lv), &last))
		return false;
	/* The top that shows the newest lines: a paused view never goes past it,
	 * so the screen stays full. */
	lv_seq end_top = back_by(lv, last, (rows > 0 ? rows : 1) - 1);
	if (lv->follow || !visible_from(lv, lv->top, &t) || t > end_top)
		t = end_top;
	*top = t;
	return true;
}

/* Leaves follow mode where the view is, and normalises the paused top. */
static void pause_here(struct logview *lv)
{
	lv_seq t;
	bool any = lv_view_top(lv, lv->rows, &t);
	lv->follow = false;
	lv->top = any ? t : lv_total(lv);
}

/* Shows line n (a match, the first error): the view moves only when n is
 * off screen, and then puts it a third of the way down. */
static void place(struct logview *lv, lv_seq n)
{
	pause_here(lv);
	lv_seq bottom = forward_by(lv, lv->top, lv->rows - 1);
	if (n >= lv->top && n <= bottom)
		return;
	lv->top = back_by(lv, n, lv->rows / 3);
	pause_here(lv);
}

/* ---- Search. */

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

size_t lv_find(const struct logview *lv, const char *s, size_t n, size_t from)
{
	size_t m = lv->pattern_len;
	if (!m || from > n || n - from < m)
		return (size_t)-1;
	if (!lv->icase) {
		const char *p = memmem(s + from, n - from, lv->pattern, m);
		return p ? (size_t)(p - s) : (size_t)-1;
	}
	for (size_t i = from; i + m <= n; i++) {
		size_t j = 0;
		while (j < m && lower(s[i + j]) == lv->pattern[j])
			j++;
		if (j == m)
			return i;
	}
	return (size_t)-1;
}

static bool matches(const struct logview *lv, lv_seq n)
{
	size_t len;
	const char *s = lv_line(lv, n, &len);
	return lv_find(lv, s, len, 0) != (size_t)-1;
}

/* The nearest line shown that matches, from n (included) towards older
 * lines, or towards newer ones. */
static bool search_from(const struct logview *lv, lv_seq n, bool older, lv_seq *out)
{
	bool ok = older ? visible_upto(lv, n, &n) : visible_from(lv, n, &n);
	while (ok) {
		if (matches(lv, n)) {
			*out = n;
			return true;
		}
		ok = older ? prev_visible(lv, n, &n) : lv_next_visible(lv, n, &n);
	}
	return false;
}

enum search_how { SEARCH_NEW, SEARCH_OLDER, SEARCH_NEWER };

static void search(struct logview *lv, enum search_how how)
{
	if (!lv->pattern_len)
		return;
	lv_seq top, from, found;
	bool any = lv_view_top(lv, lv->rows, &top);
	lv_seq bottom = any ? forward_by(lv, top, lv->rows - 1) : 0;
	bool older = how != SEARCH_NEWER;
	bool have = false;
	if (how != SEARCH_NEW && lv->has_match && lv->match >= lv_oldest(lv)) {
		if (older && lv->match > 0) {
			from = lv->match - 1;
			have = lv->match > lv_oldest(lv);
		} else if (!older) {
			from = lv->match + 1;
			have = true;
		}
	} else if (any) {
		from = older ? bottom : top;
		have = true;
	}
	if (have && search_from(lv, from, older, &found)) {
		lv->has_match = true;
		lv->match = found;
		place(lv, found);
		return;
	}
	if (how == SEARCH_NEW) {
		lv->has_match = false;
		snprintf(lv->msg, sizeof(lv->msg), _("not found: %s"), lv->pattern);
	} else {
		snprintf(lv->msg, sizeof(lv->msg), older ? _("no older match for %s") : _("no newer match for %s"),
			 lv->pattern);
	}
}

static void search_enter(struct logview *lv)
{
	lv->prompting = false;
	if (lv->input_len) {
		memcpy(lv->pattern, lv->input, lv->input_len);
		lv->pattern_len = lv->input_len;
		lv->pattern[lv->pattern_len] = '\0';
		/* Smart case, like less -i and vim's smartcase. */
		lv->icase = true;
		for (size_t i = 0; i < lv->pattern_len; i++)
			if (lv->pattern[i] >= 'A' && lv->pattern[i] <= 'Z')
				lv->icase = false;
		if (lv->icase)
			for (size_t i = 0; i < lv->pattern_len; i++)
				lv->pattern[i] = lower(lv->pattern[i]);
	}
	search(lv, SEARCH_NEW);
}

/* ---- Keys. */

static bool prompt_key(struct logview *lv, int key)
{
	switch (key) {
	case KEY_RESIZE:
		return false;
	case KEY_ESC:
	case CTRL('g'):
		lv->prompting = false;
		return true;
	case '\n':
	case '\r':
	case KEY_ENTER:
		search_enter(lv);
		return true;
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		/* A whole character: back over UTF-8 continuation bytes. */
		while (lv->input_len && ((unsigned char)lv->input[lv->input_len - 1] & 0xc0) == 0x80)
			lv->input_len--;
		if (lv->input_len)
			lv->input_len--;
		return true;
	case CTRL('u'):
		lv->input_len = 0;
		return true;
	default:
		if (key >= ' ' && key < 256 && lv->input_len + 1 < sizeof(lv->input))
			lv->input[lv->input_len++] = (char)key;
		return true;	/* the prompt owns every key while open */
	}
}

static void scroll_up(struct logview *lv, int k)
{
	pause_here(lv);
	lv->top = back_by(lv, lv->top, k);
}

static void scroll_down(struct logview *lv, int k)
{
	if (lv->follow)
		return;
	pause_here(lv);
	lv->top = forward_by(lv, lv->top, k);
	pause_here(lv);
}

static void first_error(struct logview *lv)
{
	if (!lv->has_error)
		snprintf(lv->msg, sizeof(lv->msg), "%s", _("no error so far"));
	else if (lv_pinned(lv))
		snprintf(lv->msg, sizeof(lv->msg), _("the first error (line %llu) has left the scrollback: see the top row"),
			 (unsigned long long)lv->first_error + 1);
	else
		place(lv, lv->first_error);
}

bool logview_key(struct logview *lv, int key)
{
	if (lv->prompting)
		return prompt_key(lv, key);
	int page = lv->rows > 1 ? lv->rows - 1 : 1;	/* a line of the last page stays */
	lv->msg[0] = '\0';
	switch (key) {
	case KEY_UP:
	case 'k':
		scroll_up(lv, 1);
		break;
	case KEY_DOWN:
	case 'j':
		scroll_down(lv, 1);
		break;
	case KEY_PPAGE:
		scroll_up(lv, page);
		break;
	case KEY_NPAGE:
	case ' ':
		scroll_down(lv, page);
		break;
	case KEY_HOME:
	case 'g':
		lv->follow = false;
		lv->top = lv_oldest(lv);
		pause_here(lv);
		break;
	case KEY_END:
	case 'G':
		lv->follow = true;
		break;
	case 'f':
		if (lv->follow)
			pause_here(lv);
		else
			lv->follow = true;
		break;
	case KEY_LEFT:
		lv->hscroll -= lv->cols / 2 > 0 ? lv->cols / 2 : 1;
		if (lv->hscroll < 0)
			lv->hscroll = 0;
		break;
	case KEY_RIGHT:
		if (lv->hscroll < 100000)
			lv->hscroll += lv->cols / 2 > 0 ? lv->cols / 2 : 1;
		break;
	case '/':
		lv->prompting = true;
		lv->input_len = 0;
		break;
	case 'n':
		if (!lv->pattern_len)
			snprintf(lv->msg, sizeof(lv->msg), "%s", _("no search yet: / searches"));
		search(lv, SEARCH_OLDER);
		break;
	case 'N':
		if (!lv->pattern_len)
			snprintf(lv->msg, sizeof(lv->msg), "%s", _("no search yet: / searches"));
		search(lv, SEARCH_NEWER);
		break;
	case 'w':
		lv->filter = (enum log_filter)((lv->filter + 1) % 3);
		if (!lv->follow)
			pause_here(lv);
		break;
	case 'e':
		first_error(lv);
		break;
	default:
		return false;
	}
	return true;
}
