/* tui/text.c's word wrap: every screen's paragraphs go through it, so where
 * it breaks decides whether a path, a German compound or a CJK name reads
 * right at 80x24. Pure text in, lines out: no terminal needed. */
#include <locale.h>

#include "tests/unit/testlib.h"
#include "tui/tui.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_wide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
