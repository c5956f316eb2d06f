/* Text on the screen, measured in display columns (wcwidth), never in bytes:
 * a CJK character takes two columns, a combining accent none. Truncation
 * stops before a character that would not fit, never inside one. Control
 * characters and invalid bytes show as '?' so that nothing can move the
 * cursor behind curses' back. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/util.h"
#include "tui/state.h"
#include "tui/text.h"

#define TAB_STOP 8

/* One character of s (at most len bytes): its code and width. Returns the bytes used (>= 1). */
static size_t next_char(const char *s, size_t len, wchar_t *wc, int *width)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = mbrtowc(wc, s, len, &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*width = 1;
		return 1;
	}
	int w = wcwidth(*wc);
	if (w < 0 || *wc < 32) {
		*wc = *wc == L'\t' ? L'\t' : L'?';
		w = 1;
	}
	*width = w;
	return n;
}

static int char_cols(wchar_t wc, int w, int col)
{
	return wc == L'\t' ? TAB_STOP - col % TAB_STOP : w;
}

int text_width(const char *s)
{
	int cols = 0;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		int w;
		i += next_char(s + i, len - i, &wc, &w);
		cols += char_cols(wc, w, cols);
	}
	return cols;
}

const char *text_glyph(const struct tui *t, const char *utf8, const char *ascii)
{
	return t->utf8 ? utf8 : ascii;
}

static int put_range(int y, int x, const char *s, size_t len, int maxw, enum role role, bool ellipsis,
		     const char *dots)
{
	int total = 0;
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		int w;
		i += next_char(s + i, len - i, &wc, &w);
		total += char_cols(wc, w, total);
	}
	bool cut = total > maxw;
	int limit = cut && ellipsis ? maxw - 1 : maxw;
	wchar_t buf[256];
	size_t nb = 0;
	int used = 0;
	attr_t a = theme_attr(role);
	attrset(a);
	move(y, x);
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		int w;
		i += next_char(s + i, len - i, &wc, &w);
		int c = char_cols(wc, w, used);
		if (used + c > limit)
			break;
		if (wc == L'\t') {
			for (int k = 0; k < c; k++) {
				if (nb == ARRAY_LEN(buf)) {
					addnwstr(buf, (int)nb);
					nb = 0;
				}
				buf[nb++] = L' ';
			}
		} else {
			if (nb == ARRAY_LEN(buf)) {
				addnwstr(buf, (int)nb);
				nb = 0;
			}
			buf[nb++] = wc;
		}
		used += c;
	}
	if (nb)
		addnwstr(buf, (int)nb);
	if (cut && ellipsis && maxw > 0) {
		addstr(dots);
		used++;
	}
	attrset(A_NORMAL);
	return used;
}

int text_put(int y, int x, const char *s, int maxw, enum role role, bool ellipsis)
{
	if (maxw <= 0 || !s)
		return 0;
	/* "…" only where the locale can show it. */
	const char *dots = MB_CUR_MAX > 1 ? "\xe2\x80\xa6" : "~";
	return put_range(y, x, s, strlen(s), maxw, role, ellipsis, dots);
}

int text_putn(int y, int x, const char *s, size_t len, int maxw, enum role role)
{
	if (maxw <= 0 || !s)
		return 0;
	return put_range(y, x, s, len, maxw, role, false, "");
}

void text_fill(int y, int x, int w, enum role role)
{
	if (w <= 0)
		return;
	attrset(theme_attr(role));
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

struct wrapped {
	char **lines;
	size_t *starts; /* where each line starts in the text */
	size_t n;
};

static void push_line(struct wrapped *w, const char *s, size_t from, size_t len)
{
	w->lines = xrealloc(w->lines, (w->n + 1) * sizeof(*w->lines));
	w->starts = xrealloc(w->starts, (w->n + 1) * sizeof(*w->starts));
	w->starts[w->n] = from;
	w->lines[w->n++] = xasprintf("%.*s", (int)len, s + from);
}

static struct wrapped wrap(const char *s, int width)
{
	struct wrapped out = { 0 };
	if (width < 1)
		width = 1;
	size_t len = strlen(s);
	size_t start = 0;
	while (start <= len) {
		/* One paragraph: up to the next newline. */
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) : len;
		/* A line breaks at its last space (dropped); a line with no space to
		 * break at, a long path, breaks after its last '/' (kept), so that it
		 * splits between directories, not mid-name. A command keeps its words. */
		size_t line = start, brk = 0, slash = 0;
		int cols = 0, brk_cols = 0, slash_cols = 0;
		bool any = false;
		for (size_t i = start; i < end;) {
			wchar_t wc;
			int w;
			size_t k = next_char(s + i, end - i, &wc, &w);
			int c = char_cols(wc, w, cols);
			if (cols + c > width && (i > line)) {
				if (wc == L' ') {
					/* The spaces that overflow are the break itself: dropped,
					 * not the first columns of the next line. */
					push_line(&out, s, line, i - line);
					while (i < end && s[i] == ' ')
						i++;
					line = i;
					cols = 0;
					slash = 0;
				} else if (brk > line) {
					push_line(&out, s, line, brk - line);
					line = brk + 1;
					cols -= brk_cols + 1;
					/* A '/' in the words carried over still counts. */
					if (slash > line)
						slash_cols -= brk_cols + 1;
					else
						slash = 0;
				} else if (slash > line + 1) {
					push_line(&out, s, line, slash - line);
					line = slash;
					cols -= slash_cols;
					slash = 0;
				} else {
					push_line(&out, s, line, i - line);
					line = i;
					cols = 0;
					slash = 0;
				}
				brk = 0;
				any = true;
				continue;
			}
			if (wc == L' ') {
				brk = i;
				brk_cols = cols;
			}
			cols += c;
			i += k;
			if (wc == L'/' && i < end && s[i] != ' ') {
				slash = i;
				slash_cols = cols;
			}
		}
		if (end > line || !any)
			push_line(&out, s, line, end - line);
		if (!nl)
			break;
		start = end + 1;
	}
	return out;
}

char **text_wrap(const char *s, int width, size_t *n)
{
	struct wrapped w = wrap(s, width);
	free(w.starts);
	*n = w.n;
	return w.lines;
}

/* The text from here to its end on one row: newlines read as spaces, and
 * "…" where the row ends before the text does (text_para's last row). */
static int put_rest(int y, int x, const char *s, int maxw, enum role role)
{
	while (*s == ' ' || *s == '\n')
		s++;
	char *one = xstrdup(s);
	for (char *p = one; *p; p++)
		if (*p == '\n')
			*p = ' ';
	int used = text_put(y, x, one, maxw, role, true);
	free(one);
	return used;
}

void text_free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

int text_para(struct rect r, const char *s, enum role role)
{
	if (r.h <= 0)
		return 0;
	struct wrapped w = wrap(s, r.w);
	int drawn = 0;
	for (size_t i = 0; i < w.n && drawn < r.h; i++, drawn++) {
		if (drawn == r.h - 1 && i + 1 < w.n)
			put_rest(r.y + drawn, r.x, s + w.starts[i], r.w, role);
		else
			text_put(r.y + drawn, r.x, w.lines[i], r.w, role, false);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.lines[i]);
	free(w.lines);
	free(w.starts);
	return drawn;
}

int text_para_rows(const char *s, int width)
{
	size_t n;
	char **lines = text_wrap(s, width, &n);
	text_free_lines(lines, n);
	return (int)n;
}
