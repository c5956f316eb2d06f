/* tui/text.c's word wrap: every screen's paragraphs go through it, so where
 * it breaks decides whether a path, a German compound or a CJK name reads
 * right at 80x24. Pure text in, lines out: no terminal needed. */
#include <locale.h>

#include "tests/unit/testlib.h"
#include "tui/curses.h"
#include "tui/text.h"

static char *joined(const char *s, int width, size_t *n)
{
	char **l = text_wrap(s, width, n);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < *n; i++) {
		sb_addf(&sb, "%s%s", i ? "|" : "", l[i]);
		/* No line is wider than asked. */
		assert_true(text_width(l[i]) <= width);
	}
	text_free_lines(l, *n);
	return sb.s ? sb.s : xstrdup("");
}

#define WRAP(s, w, want)                                    \
	do {                                                \
		size_t n_;                                  \
		char *got_ = joined((s), (w), &n_);         \
		assert_string_equal(got_, (want));          \
		assert_int_equal(text_para_rows((s), (w)), n_); \
		free(got_);                                 \
	} while (0)

static void test_words(void **state)
{
	(void)state;
	WRAP("the quick brown fox", 10, "the quick|brown fox");
	WRAP("the quick brown fox", 19, "the quick brown fox");
	/* The space at the break is dropped, not carried to the next line. */
	WRAP("aaaa bbbb", 4, "aaaa|bbbb");
	/* A word longer than the width is cut where it must be. */
	WRAP("abcdefghij", 4, "abcd|efgh|ij");
	/* Newlines start paragraphs; an empty one stays an empty line. */
	WRAP("one\n\ntwo", 10, "one||two");
	WRAP("", 10, "");
	/* A run of spaces at the break is dropped whole, not a line of blanks. */
	WRAP("aaaa    bbbb", 4, "aaaa|bbbb");
}

static void test_paths(void **state)
{
	(void)state;
	/* A path splits after a '/', keeping it, never mid-name; but only a
	 * line with no space to break at: a command keeps its words whole. */
	WRAP("perf.data: /home/u/.local/share/kfdo/recordings/perf-6.18.2-timed-1.data", 44,
	     "perf.data:|/home/u/.local/share/kfdo/recordings/|perf-6.18.2-timed-1.data");
	WRAP("$ git clone -- file:///tmp/k/repo /tmp/k/clone", 40, "$ git clone -- file:///tmp/k/repo|/tmp/k/clone");
	WRAP("/home/u/.local/share/kfdo/recordings/perf-6.18.2-timed-1.data", 40,
	     "/home/u/.local/share/kfdo/recordings/|perf-6.18.2-timed-1.data");
	/* A space wins over a later '/'. */
	WRAP("a/b c/defgh", 8, "a/b|c/defgh");
	/* A path that starts the line does not leave a lone "/" behind. */
	WRAP("/verylongname/x", 8, "/verylon|gname/x");
	/* A '/' in the words a space break carried over still breaks. */
	WRAP("a /usr/libxxxxxxxx", 9, "a|/usr/|libxxxxxx|xx");
	/* "and/or" followed by a space is a word, not a path to split. */
	WRAP("this and/ or that", 9, "this and/|or that");
}

static void test_wide(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	/* German compounds count one column a letter; CJK two. */
	WRAP("Branch-Sampling-Hardware für", 24, "Branch-Sampling-Hardware|für");
	WRAP("\xe6\xbc\xa2\xe5\xad\x97\xe6\xbc\xa2\xe5\xad\x97", 5, "\xe6\xbc\xa2\xe5\xad\x97|\xe6\xbc\xa2\xe5\xad\x97");
	setlocale(LC_CTYPE, "C");
}

/* What a row of a real (off-screen) curses screen shows. */
static char *row_text(int y)
{
	wchar_t w[256];
	int n = mvinnwstr(y, 0, w, 255);
	assert_true(n >= 0);
	w[n] = 0;
	char buf[1024];
	size_t len = wcstombs(buf, w, sizeof(buf) - 1);
	assert_true(len != (size_t)-1);
	buf[len] = 0;
	while (len && buf[len - 1] == ' ')
		buf[--len] = 0;
	return xstrdup(buf);
}

#define ROW(y, want)                             \
	do {                                     \
		char *r_ = row_text(y);          \
		assert_string_equal(r_, (want)); \
		free(r_);                        \
	} while (0)

/* The last row of a cut text holds the rest of the text itself: no space
 * put into a path, no paragraph lost without "…". */
static void test_cut_rows(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		skip();
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm("xterm", out, in);
	if (!scr) {
		fclose(out);
		fclose(in);
		skip();
	}
	struct rect r = { 0, 0, 2, 40 };
	erase();
	assert_int_equal(text_para(r, "First paragraph.\nSecond.\nThird.\nFourth is lost.", ROLE_NORMAL), 2);
	ROW(0, "First paragraph.");
	ROW(1, "Second. Third. Fourth is lost.");
	erase();
	r.w = 30;
	text_para(r, "First paragraph.\n\nSecond paragraph is long enough to wrap twice over.", ROLE_NORMAL);
	ROW(0, "First paragraph.");
	ROW(1, "Second paragraph is long enou\xe2\x80\xa6");
	erase();
	r = (struct rect){ 0, 0, 1, 24 };
	text_para(r, "/usr/src/debug/linux-upstream/vmlinux", ROLE_NORMAL);
	ROW(0, "/usr/src/debug/linux-up\xe2\x80\xa6");
	erase();
	/* Two rows asked, the text fits in them: nothing cut, nothing added. */
	r = (struct rect){ 0, 0, 2, 24 };
	assert_int_equal(text_para(r, "/usr/src/debug/linux-upstream/vmlinux", ROLE_NORMAL), 2);
	ROW(0, "/usr/src/debug/");
	ROW(1, "linux-upstream/vmlinux");
	erase();
	/* make's own double space at the break (the step header shows such a
	 * message): the rows follow the text, nothing read past its end. */
	r = (struct rect){ 0, 0, 3, 40 };
	assert_int_equal(text_para(r, "make failed: No rule to make target 'x'.  Stop.", ROLE_NORMAL), 2);
	ROW(0, "make failed: No rule to make target 'x'.");
	ROW(1, "Stop.");
	erase();
	r = (struct rect){ 0, 0, 1, 30 };
	text_para(r, "a: xx\n   indented and long enough to be cut", ROLE_NORMAL);
	ROW(0, "a: xx    indented and long en\xe2\x80\xa6");
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	setlocale(LC_CTYPE, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_wide),
		cmocka_unit_test(test_cut_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
