/* A one-line text field: editing keys like readline's basic ones, Tab
 * completion of paths, and horizontal scrolling measured in display columns
 * so that wide characters neither overflow the field nor get cut. The text
 * is kept as wide characters; input_text() gives it back as UTF-8. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include "base/util.h"
#include "tui/input.h"
#include "tui/keys.h"
#include "tui/state.h"
#include "tui/text.h"
#include "tui/theme.h"

static void reserve(struct input *in, size_t n)
{
	if (n + 1 <= in->cap)
		return;
	in->cap = n + 64;
	in->buf = xrealloc(in->buf, in->cap * sizeof(*in->buf));
}

static void clear_cands(struct input *in)
{
	strv_free(in->cands);
	in->cands = NULL;
}

void input_set(struct input *in, const char *s)
{
	in->len = in->cur = in->scroll = 0;
	clear_cands(in);
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t left = s ? strlen(s) : 0;
	reserve(in, left);
	while (left) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, left, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			/* Not text in this locale: keep the byte visible as '?'. */
			wc = L'?';
			n = 1;
			memset(&st, 0, sizeof(st));
		}
		in->buf[in->len++] = wc;
		s += n;
		left -= n;
	}
	in->cur = in->len;
}

char *input_text(const struct input *in)
{
	struct strbuf sb = { 0 };
	sb_add(&sb, "");
	for (size_t i = 0; i < in->len; i++) {
		char mb[MB_LEN_MAX + 1];
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(mb, in->buf[i], &st);
		if (n == (size_t)-1)
			continue;
		mb[n] = 0;
		sb_add(&sb, mb);
	}
	return sb.s;
}

void input_free(struct input *in)
{
	free(in->buf);
	clear_cands(in);
	memset(in, 0, sizeof(*in));
}

static void insert(struct input *in, wchar_t wc)
{
	reserve(in, in->len + 1);
	memmove(in->buf + in->cur + 1, in->buf + in->cur, (in->len - in->cur) * sizeof(*in->buf));
	in->buf[in->cur++] = wc;
	in->len++;
}

static void erase_range(struct input *in, size_t from, size_t to)
{
	memmove(in->buf + from, in->buf + to, (in->len - to) * sizeof(*in->buf));
	in->len -= to - from;
	in->cur = from;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tab: the directory part as typed, its entries starting with the last part. */
static void complete(struct input *in)
{
	char *text = input_text(in);
	char *slash = strrchr(text, '/');
	char *dirpart = slash ? xasprintf("%.*s", (int)(slash - text + 1), text) : xstrdup("");
	const char *base = slash ? slash + 1 : text;
	char *dir;
	if (dirpart[0] == '~' && (dirpart[1] == '/' || !dirpart[1]) && getenv("HOME"))
		dir = xasprintf("%s%s", getenv("HOME"), dirpart + 1);
	else
		dir = xstrdup(*dirpart ? dirpart : ".");
	char **names = NULL;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(e->d_name, base, strlen(base)) != 0)
			continue;
		char *full = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		bool isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		free(full);
		strv_pushf(&names, "%s%s", e->d_name, isdir ? "/" : "");
	}
	if (d)
		closedir(d);
	size_t n = strv_len(names);
	clear_cands(in);
	if (n == 1) {
		char *t = xasprintf("%s%s", dirpart, names[0]);
		input_set(in, t);
		free(t);
		strv_free(names);
	} else if (n > 1) {
		qsort(names, n, sizeof(*names), cmp_str);
		size_t lcp = strlen(names[0]);
		for (size_t i = 1; i < n; i++) {
			size_t k = 0;
			while (k < lcp && names[i][k] == names[0][k])
				k++;
			lcp = k;
		}
		/* Never end inside a UTF-8 sequence. */
		while (lcp > 0 && ((unsigned char)names[0][lcp] & 0xC0) == 0x80)
			lcp--;
		char *t = xasprintf("%s%.*s", dirpart, (int)lcp, names[0]);
		input_set(in, t);
		free(t);
		in->cands = names;
	}
	in->no_match = n == 0;
	free(dir);
	free(dirpart);
	free(text);
}

bool input_key(struct input *in, int key)
{
	in->no_match = false;
	if (key != '\t')
		clear_cands(in);
	if (tui_key_is_char(key)) {
		insert(in, (wchar_t)tui_key_char(key));
		return true;
	}
	switch (key) {
	case KEY_LEFT: if (in->cur) in->cur--; return true;
	case KEY_RIGHT: if (in->cur < in->len) in->cur++; return true;
	case KEY_HOME: case TUI_CTRL('a'): in->cur = 0; return true;
	case KEY_END: case TUI_CTRL('e'): in->cur = in->len; return true;
	case KEY_BACKSPACE:
		if (in->cur)
			erase_range(in, in->cur - 1, in->cur);
		return true;
	case KEY_DC: case TUI_CTRL('d'):
		if (in->cur < in->len) {
			size_t c = in->cur;
			erase_range(in, c, c + 1);
		}
		return true;
	case TUI_CTRL('u'): erase_range(in, 0, in->cur); return true;
	case TUI_CTRL('k'): in->len = in->cur; return true;
	case TUI_CTRL('w'): {
		size_t i = in->cur;
		while (i && in->buf[i - 1] == L' ')
			i--;
		while (i && in->buf[i - 1] != L' ' && in->buf[i - 1] != L'/')
			i--;
		if (i == in->cur && i)
			i--;
		erase_range(in, i, in->cur);
		return true;
	}
	case '\t':
		if (in->path)
			complete(in);
		return in->path;
	}
	return false;
}

static int wc_cols(wchar_t wc)
{
	int w = wcwidth(wc);
	return w < 0 ? 1 : w;
}

static int cols_between(const struct input *in, size_t a, size_t b)
{
	int c = 0;
	for (size_t i = a; i < b; i++)
		c += wc_cols(in->buf[i]);
	return c;
}

void input_draw(struct tui *t, struct input *in, int y, int x, int w, bool focus)
{
	if (w < 2)
		return;
	text_fill(y, x, w, ROLE_INPUT);
	/* Keep the cursor in view, one column spare for it at the end; a field
	 * without focus shows its beginning. */
	if (!focus)
		in->scroll = 0;
	else if (in->cur < in->scroll)
		in->scroll = in->cur;
	while (focus && in->scroll < in->cur && cols_between(in, in->scroll, in->cur) > w - 1)
		in->scroll++;
	attrset(theme_attr(ROLE_INPUT));
	move(y, x);
	int used = 0;
	for (size_t i = in->scroll; i < in->len; i++) {
		wchar_t wc = in->buf[i];
		int c = wc_cols(wc);
		if (used + c > w)
			break;
		if (wcwidth(wc) < 0 || wc < 32)
			wc = L'?';
		addnwstr(&wc, 1);
		used += c;
	}
	attrset(A_NORMAL);
	if (focus) {
		t->cursor_y = y;
		t->cursor_x = x + cols_between(in, in->scroll, in->cur);
	}
}
