/* The build log widget on real build logs (tests/fixtures/kbuild), drawn into
 * a curses pad that the tests read back: what a user would see, minus the
 * terminal (tests/tui/test_logview.sh adds a real one). */
#include "tests/unit/testlib.h"

#include <locale.h>
#include <wchar.h>

#include "engine/kbuild.h"
#include "base/util.h"
#include "tui/logview.h"

#define KBUILD_FIXTURES FIXTURES "/kbuild"
#define ERROR_LOG KBUILD_FIXTURES "/error-clang.log"

/* ---- Fixture logs (tlog_load in testlib.h). */

static void append_str(struct logview *lv, const char *s)
{
	logview_append(lv, s, strlen(s));
}

static void append_log(struct logview *lv, const char *path)
{
	struct tlog lg;
	tlog_load(&lg, path);
	for (size_t i = 0; i < lg.n; i++)
		append_str(lv, lg.line[i]);
	tlog_free(&lg);
}

/* Keys as getch() gives them: every byte of a string, or one key code. */
static void type(struct logview *lv, const char *s)
{
	for (; *s; s++)
		assert_true(logview_key(lv, (unsigned char)*s));
}

/* ---- The screen: a pad drawn into and read back. */

static SCREEN *screen;
static FILE *scr_out, *scr_in;

static int screen_setup(void **state)
{
	(void)state;
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		return -1;
	scr_out = fopen("/dev/null", "w");
	scr_in = fopen("/dev/null", "r");
	screen = newterm("xterm", scr_out, scr_in);
	return screen ? 0 : -1;
}

static int screen_teardown(void **state)
{
	(void)state;
	endwin();
	delscreen(screen);
	fclose(scr_out);
	fclose(scr_in);
	return 0;
}

/* Row y of win as UTF-8, trailing blanks removed. */
static const char *row(WINDOW *win, int y)
{
	static char out[2048];
	wchar_t wb[512];
	/* winnwstr stops at the right edge (its n counts one short of it). */
	if (mvwinnwstr(win, y, 0, wb, 511) == ERR)
		wb[0] = 0;
	size_t n = wcstombs(out, wb, sizeof(out) - 1);
	assert_true(n != (size_t)-1);
	out[n] = '\0';
	while (n && out[n - 1] == ' ')
		out[--n] = '\0';
	return out;
}

static attr_t attr_at(WINDOW *win, int y, int x)
{
	cchar_t cc;
	wchar_t wcs[CCHARW_MAX + 1];
	attr_t a;
	short pair;
	assert_int_not_equal(mvwin_wch(win, y, x, &cc), ERR);
	getcchar(&cc, wcs, &a, &pair, NULL);
	return a & (A_BOLD | A_REVERSE | A_UNDERLINE | A_DIM);
}

/* The row whose text starts with prefix, or -1. */
static int find_row(WINDOW *win, const char *prefix)
{
	for (int y = 0; y < getmaxy(win); y++)
		if (strncmp(row(win, y), prefix, strlen(prefix)) == 0)
			return y;
	return -1;
}

static const char *status(WINDOW *win)
{
	return row(win, getmaxy(win) - 1);
}

static WINDOW *draw(struct logview *lv, int h, int w)
{
	WINDOW *pad = newpad(h, w);
	assert_non_null(pad);
	logview_draw(lv, pad, 0, 0, h, w);
	return pad;
}

/* ---- Classification: one definition with the progress model. */

static void test_classify_real_error_log(void **state)
{
	(void)state;
	struct tlog lg;
	tlog_load(&lg, ERROR_LOG);
	assert_int_equal(lg.n, 50);
	/* Lines as numbered in the file (see its excerpt in the fixture's README). */
	static const struct {
		size_t line;
		enum log_class c;
	} want[] = {
		{ 27, LOG_COMMAND },	/* "  CC      .../str_error_r.o": a step, not an error */
		{ 31, LOG_COMMAND },	/* "  CC      kernel/panic.o" */
		{ 32, LOG_WARNING },	/* kernel/panic.c:949:6: warning: unused variable */
		{ 33, LOG_PLAIN },	/* "  949 |         int unused_var;" */
		{ 34, LOG_PLAIN },
		{ 35, LOG_ERROR },	/* kernel/panic.c:955:2: error: use of undeclared identifier */
		{ 38, LOG_WARNING },	/* -Wmissing-prototypes */
		{ 41, LOG_PLAIN },	/* note: declare 'static' */
		{ 45, LOG_PLAIN },	/* "2 warnings and 1 error generated." */
		{ 46, LOG_ERROR },	/* make[3]: *** [...] Error 1 */
		{ 47, LOG_ERROR },
		{ 48, LOG_PLAIN },	/* make[2]: *** Waiting for unfinished jobs.... */
		{ 49, LOG_ERROR },
		{ 50, LOG_ERROR },	/* make: *** [Makefile:236: __sub-make] Error 2 */
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const char *s = lg.line[want[i].line - 1];
		if (logview_classify(s, strlen(s)) != want[i].c)
			fail_msg("line %zu '%s': class %d, want %d", want[i].line, s,
				 logview_classify(s, strlen(s)), want[i].c);
	}
	size_t n[4] = { 0 };
	for (size_t i = 0; i < lg.n; i++)
		n[logview_classify(lg.line[i], strlen(lg.line[i]))]++;
	assert_int_equal(n[LOG_WARNING], 2);
	assert_int_equal(n[LOG_ERROR], 5);
	assert_int_equal(n[LOG_COMMAND], 31);
	tlog_free(&lg);
}

/* Every line of every real log: the widget's class says what the progress
 * model counted for that line, so the two can never disagree. */
static void test_classify_agrees_with_kbuild(void **state)
{
	(void)state;
	static const char *const logs[] = {
		"error-clang.log", "tinyconfig-thinlto.log", "tinyconfig-thinlto-2.log",
		"tinyconfig-thinlto-after-prepare.log", "modules-kallsyms.log", "fat-modules.log",
	};
	size_t total = 0;
	for (size_t f = 0; f < ARRAY_LEN(logs); f++) {
		char path[256];
		snprintf(path, sizeof(path), KBUILD_FIXTURES "/%s", logs[f]);
		struct tlog lg;
		tlog_load(&lg, path);
		struct kbuild_progress *p = kbuild_new();
		for (size_t i = 0; i < lg.n; i++) {
			struct kbuild_counts before = *kbuild_counts(p);
			kbuild_feed(p, lg.line[i], (double)i);
			const struct kbuild_counts *after = kbuild_counts(p);
			enum log_class want = after->steps > before.steps ? LOG_COMMAND
					      : after->warnings > before.warnings ? LOG_WARNING
					      : after->errors > before.errors || after->make_errors > before.make_errors
						      ? LOG_ERROR
						      : LOG_PLAIN;
			if (logview_classify(lg.line[i], strlen(lg.line[i])) != want)
				fail_msg("%s:%zu '%s'", logs[f], i + 1, lg.line[i]);
			total++;
		}
		kbuild_free(p);
		tlog_free(&lg);
	}
	assert_int_equal(total, 50 + 1020 + 1020 + 927 + 985 + 1057);
}

/* Formats the fixtures lack (no link or modpost failure was recorded): ld.lld,
 * modpost, objtool and a fatal error, as kbuild prints them. */
static void test_classify_other_tools(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum log_class c;
	} lines[] = {
		{ "ld.lld: error: undefined symbol: kfdo_missing", LOG_ERROR },
		{ "ERROR: modpost: \"foo\" [fs/x.ko] undefined!", LOG_ERROR },
		{ "WARNING: modpost: vmlinux: section mismatch in reference", LOG_WARNING },
		{ "vmlinux.o: warning: objtool: foo+0x12: call without frame pointer", LOG_WARNING },
		{ "include/linux/x.h:3:10: fatal error: 'y.h' file not found", LOG_ERROR },
		{ "make: *** No rule to make target 'foo'.  Stop.", LOG_ERROR },
		{ "/usr/bin/make[1]: *** [Makefile:1: x] Error 2", LOG_ERROR },
		{ "the build: error: is prose here", LOG_PLAIN },
		{ "In file included from kernel/fork.c:3:", LOG_PLAIN },
		{ "  CC [M]  fs/configfs/dir.o", LOG_COMMAND },
		{ "  CC [M]", LOG_PLAIN },
		{ "", LOG_PLAIN },
	};
	for (size_t i = 0; i < ARRAY_LEN(lines); i++)
		if (logview_classify(lines[i].s, strlen(lines[i].s)) != lines[i].c)
			fail_msg("'%s'", lines[i].s);
	/* Only len bytes count: the same bytes cut before the marker are plain. */
	const char *e = "ld.lld: error: undefined symbol";
	assert_int_equal(logview_classify(e, strlen(e)), LOG_ERROR);
	assert_int_equal(logview_classify(e, 8), LOG_PLAIN);
}

/* ---- Counts, the first error, the scrollback. */

static void test_counts_and_first_error(void **state)
{
	(void)state;
	struct logview *lv = logview_new(1000);
	assert_null(logview_first_error(lv));
	append_log(lv, ERROR_LOG);
	assert_int_equal(logview_lines(lv), 50);
	assert_int_equal(logview_warnings(lv), 2);
	assert_int_equal(logview_errors(lv), 1);
	assert_int_equal(logview_make_errors(lv), 4);
	assert_string_equal(logview_first_error(lv),
			    "kernel/panic.c:955:2: error: use of undeclared identifier 'kfdo_undeclared_thing'");
	logview_clear(lv);
	assert_int_equal(logview_lines(lv), 0);
	assert_int_equal(logview_warnings(lv), 0);
	assert_int_equal(logview_errors(lv), 0);
	assert_null(logview_first_error(lv));

	/* A failing script: make's line is the first error until a compiler's comes. */
	append_str(lv, "make[2]: *** [scripts/Makefile.build:229: kernel/fork.o] Error 1");
	assert_string_equal(logview_first_error(lv), "make[2]: *** [scripts/Makefile.build:229: kernel/fork.o] Error 1");
	append_str(lv, "ld.lld: error: undefined symbol: kfdo_missing");
	append_str(lv, "kernel/a.c:1:1: error: later");
	assert_string_equal(logview_first_error(lv), "ld.lld: error: undefined symbol: kfdo_missing");
	logview_free(lv);
	logview_free(NULL);
}

static void test_scrollback_bound_exact_counts(void **state)
{
	(void)state;
	struct logview *lv = logview_new(100);
	append_log(lv, ERROR_LOG);
	char line[128];
	size_t warned = 0;
	for (size_t i = 0; i < 200000; i++) {
		if (i % 1000 == 7) {
			snprintf(line, sizeof(line), "kernel/f%zu.c:1:2: warning: flood %zu", i, i);
			warned++;
		} else {
			snprintf(line, sizeof(line), "  CC      kernel/f%zu.o", i);
		}
		append_str(lv, line);
	}
	assert_int_equal(logview_lines(lv), 200050);
	assert_int_equal(logview_warnings(lv), 2 + warned);
	assert_int_equal(logview_errors(lv), 1);
	assert_int_equal(logview_make_errors(lv), 4);
	assert_string_equal(logview_first_error(lv),
			    "kernel/panic.c:955:2: error: use of undeclared identifier 'kfdo_undeclared_thing'");

	/* 100 lines kept: the view holds the newest, numbered as appended; the
	 * first error is long gone from it, so it is pinned on the top row. */
	WINDOW *w = draw(lv, 10, 120);
	assert_string_equal(row(w, 0), "first error, line 35: kernel/panic.c:955:2: error: use of undeclared "
					"identifier 'kfdo_undeclared_thing'");
	assert_int_equal(attr_at(w, 0, 0), A_BOLD | A_REVERSE);
	assert_string_equal(row(w, 8), "  CC      kernel/f199999.o");
	assert_non_null(strstr(status(w), "line 200050 of 200050"));
	assert_non_null(strstr(status(w), "warnings: 202, errors: 1"));
	/* Home goes to the oldest line kept, not to line 1. */
	assert_true(logview_key(lv, KEY_HOME));
	logview_draw(lv, w, 0, 0, 10, 120);
	assert_string_equal(row(w, 1), "  CC      kernel/f199900.o");
	assert_non_null(strstr(status(w), "line 199958 of 200050"));
	/* e says where the first error went. */
	assert_true(logview_key(lv, 'e'));
	logview_draw(lv, w, 0, 0, 10, 120);
	assert_non_null(strstr(status(w), "the first error (line 35) has left the scrollback"));
	delwin(w);
	logview_free(lv);
}

/* ---- Follow mode. */

static void test_follow_and_pause(void **state)
{
	(void)state;
	struct logview *lv = logview_new(1000);
	char line[64];
	for (int i = 1; i <= 30; i++) {
		snprintf(line, sizeof(line), "line %d", i);
		append_str(lv, line);
	}
	WINDOW *w = draw(lv, 6, 40);	/* 5 rows of lines */
	assert_true(logview_following(lv));
	assert_string_equal(row(w, 0), "line 26");
	assert_string_equal(row(w, 4), "line 30");
	assert_non_null(strstr(status(w), "following"));

	assert_true(logview_key(lv, KEY_UP));
	assert_false(logview_following(lv));
	append_str(lv, "line 31");
	logview_draw(lv, w, 0, 0, 6, 40);
	assert_string_equal(row(w, 0), "line 25");	/* stays put while lines arrive */
	assert_string_equal(row(w, 4), "line 29");
	assert_non_null(strstr(status(w), "paused"));
	assert_non_null(strstr(status(w), "line 29 of 31"));

	assert_true(logview_key(lv, KEY_PPAGE));	/* a page keeps one line */
	logview_draw(lv, w, 0, 0, 6, 40);
	assert_string_equal(row(w, 0), "line 21");
	assert_true(logview_key(lv, 'g'));
	logview_draw(lv, w, 0, 0, 6, 40);
	assert_string_equal(row(w, 0), "line 1");
	assert_true(logview_key(lv, ' '));
	assert_true(logview_key(lv, 'j'));
	logview_draw(lv, w, 0, 0, 6, 40);
	assert_string_equal(row(w, 0), "line 6");
	/* Down to the end stops there, still paused. */
	for (int i = 0; i < 50; i++)
		logview_key(lv, KEY_DOWN);
	logview_draw(lv, w, 0, 0, 6, 40);
	assert_string_equal(row(w, 4), "line 31");
	assert_false(logview_following(lv));
	append_str(lv, "line 32");
	logview_draw(lv, w, 0, 0, 6, 40);
	assert_string_equal(row(w, 4), "line 31");

	assert_true(logview_key(lv, 'G'));
	assert_true(logview_following(lv));
	logview_draw(lv, w, 0, 0, 6, 40);
	assert_string_equal(row(w, 4), "line 32");
	assert_true(logview_key(lv, 'f'));
	assert_false(logview_following(lv));
	assert_true(logview_key(lv, 'f'));
	assert_true(logview_following(lv));
	assert_true(logview_key(lv, 'k'));
	assert_true(logview_key(lv, KEY_END));
	assert_true(logview_following(lv));

	/* Keys the screen keeps. */
	assert_false(logview_key(lv, 'q'));
	assert_false(logview_key(lv, 27));
	assert_false(logview_key(lv, KEY_RESIZE));
	delwin(w);
	logview_free(lv);
}

/* A paused view whose lines drop out of the scrollback starts at the oldest kept. */
static void test_paused_view_scrolled_off(void **state)
{
	(void)state;
	struct logview *lv = logview_new(10);
	char line[64];
	for (int i = 1; i <= 10; i++) {
		snprintf(line, sizeof(line), "line %d", i);
		append_str(lv, line);
	}
	WINDOW *w = draw(lv, 4, 40);
	logview_key(lv, 'g');
	for (int i = 11; i <= 15; i++) {
		snprintf(line, sizeof(line), "line %d", i);
		append_str(lv, line);
	}
	logview_draw(lv, w, 0, 0, 4, 40);
	assert_string_equal(row(w, 0), "line 6");
	delwin(w);
	logview_free(lv);
}

/* ---- The filter. */

static void test_filter(void **state)
{
	(void)state;
	struct logview *lv = logview_new(1000);
	append_log(lv, ERROR_LOG);
	WINDOW *w = draw(lv, 30, 120);
	assert_int_equal(logview_filter(lv), LOG_FILTER_ALL);
	assert_string_equal(row(w, 28), "make: *** [Makefile:236: __sub-make] Error 2");

	assert_true(logview_key(lv, 'w'));
	assert_int_equal(logview_filter(lv), LOG_FILTER_PROBLEMS);
	logview_draw(lv, w, 0, 0, 30, 120);
	/* Warnings and errors with clang's notes and excerpts under them; no
	 * command, no "generated" summary, no make "Waiting". */
	static const char *const problems[] = {
		"kernel/panic.c:949:6: warning: unused variable 'unused_var' [-Wunused-variable]",
		"  949 |         int unused_var;",
		"      |             ^~~~~~~~~~",
		"kernel/panic.c:955:2: error: use of undeclared identifier 'kfdo_undeclared_thing'",
		"  955 |         kfdo_undeclared_thing = 1;",
		"      |         ^",
		"kernel/panic.c:953:6: warning: no previous prototype for function 'kfdo_fixture_broken' "
		"[-Wmissing-prototypes]",
		"  953 | void kfdo_fixture_broken(void)",
		"      |      ^",
		"kernel/panic.c:953:1: note: declare 'static' if the function is not intended to be used "
		"outside of this translation unit",
		"  953 | void kfdo_fixture_broken(void)",
		"      | ^",
		"      | static",
		"make[3]: *** [scripts/Makefile.build:234: kernel/panic.o] Error 1",
		"make[2]: *** [scripts/Makefile.build:471: kernel] Error 2",
		"make[1]: *** [/tmp/kfdo-kbuild-out/tree-err/Makefile:2008: .] Error 2",
		"make: *** [Makefile:236: __sub-make] Error 2",
	};
	for (size_t i = 0; i < ARRAY_LEN(problems); i++) {
		char want[200];
		/* Lines wider than the pad end in '>'. */
		if (strlen(problems[i]) > 120)
			snprintf(want, sizeof(want), "%.119s>", problems[i]);
		else
			snprintf(want, sizeof(want), "%s", problems[i]);
		assert_string_equal(row(w, (int)i), want);
	}
	assert_string_equal(row(w, (int)ARRAY_LEN(problems)), "");
	assert_non_null(strstr(status(w), "warnings+errors"));
	assert_non_null(strstr(status(w), "line 50 of 50"));

	assert_true(logview_key(lv, 'w'));
	assert_int_equal(logview_filter(lv), LOG_FILTER_ERRORS);
	logview_draw(lv, w, 0, 0, 30, 120);
	assert_string_equal(row(w, 0), problems[3]);
	assert_string_equal(row(w, 1), problems[4]);
	assert_string_equal(row(w, 2), problems[5]);
	assert_string_equal(row(w, 3), problems[13]);
	assert_string_equal(row(w, 6), problems[16]);
	assert_string_equal(row(w, 7), "");
	assert_non_null(strstr(status(w), "errors only"));

	assert_true(logview_key(lv, 'w'));
	assert_int_equal(logview_filter(lv), LOG_FILTER_ALL);

	/* A build without problems: the filter says so rather than show nothing. */
	logview_clear(lv);
	append_str(lv, "  CC      kernel/fork.o");
	logview_key(lv, 'w');
	logview_draw(lv, w, 0, 0, 30, 120);
	assert_string_equal(row(w, 0), "(no warnings or errors)");
	logview_key(lv, 'w');
	logview_key(lv, 'w');
	delwin(w);
	logview_free(lv);
}

/* ---- Search. */

static void test_search(void **state)
{
	(void)state;
	struct logview *lv = logview_new(1000);
	append_log(lv, ERROR_LOG);
	WINDOW *w = draw(lv, 12, 120);	/* 11 rows: lines 40-50 */

	assert_true(logview_key(lv, '/'));
	assert_true(logview_prompting(lv));
	type(lv, "panic");
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_true(str_starts(status(w), "/panic"));
	assert_non_null(strstr(status(w), "Enter: search, Esc: cancel"));
	type(lv, "\n");
	assert_false(logview_prompting(lv));
	/* Backwards from the bottom: the newest line with "panic" is make's. It
	 * is on screen, so the view only pauses. */
	assert_false(logview_following(lv));
	logview_draw(lv, w, 0, 0, 12, 120);
	int y = find_row(w, "make[3]: *** [scripts/Makefile.build:234: kernel/panic.o]");
	assert_int_equal(y, 6);
	const char *s = row(w, y);
	int x = (int)(strstr(s, "panic") - s);
	assert_int_equal(attr_at(w, y, x), A_REVERSE | A_UNDERLINE);
	assert_int_equal(attr_at(w, y, x + 4), A_REVERSE | A_UNDERLINE);
	assert_int_equal(attr_at(w, y, x + 5), A_BOLD | A_UNDERLINE);	/* an error line again */
	assert_int_equal(attr_at(w, y, x - 1), A_BOLD | A_UNDERLINE);
	assert_non_null(strstr(status(w), "/panic"));

	/* n: the next older match, the note (line 41); the clang warning at 38
	 * is off screen, so the view moves to show it a third of the way down. */
	assert_true(logview_key(lv, 'n'));
	assert_true(logview_key(lv, 'n'));
	logview_draw(lv, w, 0, 0, 12, 120);
	y = find_row(w, "kernel/panic.c:953:6: warning");
	assert_int_equal(y, 3);
	assert_true(str_starts(row(w, 0), "kernel/panic.c:955:2: error"));	/* line 35 */
	/* N comes back. */
	assert_true(logview_key(lv, 'N'));
	assert_true(logview_key(lv, 'N'));
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_true(find_row(w, "make[3]") >= 0);
	assert_true(logview_key(lv, 'N'));
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "no newer match for panic"));
	/* To the oldest and past it. */
	for (int i = 0; i < 30; i++)
		logview_key(lv, 'n');
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "no older match for panic"));
	assert_true(find_row(w, "  CC      kernel/panic.o") >= 0);

	/* Not found, said. Capitals make it case-sensitive. */
	type(lv, "/zzzz\n");
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "not found: zzzz"));
	type(lv, "/PANIC\n");
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "not found: PANIC"));
	logview_key(lv, 'G');
	type(lv, "/Undeclared\n");
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "not found: Undeclared"));
	logview_key(lv, 'G');
	type(lv, "/UNDECLARED\n");	/* no match either way: case counts */
	type(lv, "/undeclared\n");
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_true(find_row(w, "kernel/panic.c:955:2: error") >= 0);
	/* An empty Enter repeats the last pattern; Esc leaves it alone. */
	type(lv, "/\n");
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "/undeclared"));
	assert_null(strstr(status(w), "not found"));
	type(lv, "/abc");
	assert_true(logview_key(lv, 27));
	assert_false(logview_prompting(lv));
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "/undeclared"));

	/* The search goes through what the filter shows. */
	logview_key(lv, 'G');
	logview_key(lv, 'w');
	logview_key(lv, 'w');
	type(lv, "/unused\n");
	logview_draw(lv, w, 0, 0, 12, 120);
	assert_non_null(strstr(status(w), "not found: unused"));
	delwin(w);
	logview_free(lv);
}

static void test_prompt_editing(void **state)
{
	(void)state;
	struct logview *lv = logview_new(100);
	append_str(lv, "das Fahrrad: café, naïve");
	append_str(lv, "x");
	WINDOW *w = draw(lv, 4, 60);
	type(lv, "/cafx");
	assert_true(logview_key(lv, KEY_BACKSPACE));
	type(lv, "\xc3");
	type(lv, "\xa9");	/* é, one byte at a time as getch() gives it */
	logview_draw(lv, w, 0, 0, 4, 60);
	assert_true(str_starts(status(w), "/café"));
	assert_true(logview_key(lv, 127));	/* deletes é, both bytes */
	logview_draw(lv, w, 0, 0, 4, 60);
	assert_true(str_starts(status(w), "/caf"));
	assert_false(str_starts(status(w), "/caf?"));
	assert_true(logview_key(lv, 21));	/* Ctrl-U */
	assert_false(logview_key(lv, KEY_RESIZE));
	assert_true(logview_key(lv, 'q'));	/* typed, not quit */
	assert_true(logview_key(lv, KEY_UP));	/* swallowed */
	type(lv, "\b");
	type(lv, "naïve\n");
	logview_draw(lv, w, 0, 0, 4, 60);
	assert_int_equal(attr_at(w, 0, 19), A_REVERSE | A_UNDERLINE);	/* "naïve" at column 19 */
	assert_int_equal(attr_at(w, 0, 23), A_REVERSE | A_UNDERLINE);
	assert_int_equal(attr_at(w, 0, 18), A_NORMAL);
	delwin(w);
	logview_free(lv);
}

/* ---- The first error. */

static void test_first_error_jump_and_highlight(void **state)
{
	(void)state;
	struct logview *lv = logview_new(1000);
	append_log(lv, ERROR_LOG);
	char line[64];
	for (int i = 0; i < 200; i++) {
		snprintf(line, sizeof(line), "  CC      after/%d.o", i);
		append_str(lv, line);
	}
	WINDOW *w = draw(lv, 20, 100);
	assert_int_equal(find_row(w, "kernel/panic.c:955:2"), -1);
	assert_true(logview_key(lv, 'e'));
	assert_false(logview_following(lv));
	logview_draw(lv, w, 0, 0, 20, 100);
	int y = find_row(w, "kernel/panic.c:955:2: error:");
	assert_int_equal(y, 6);	/* a third of the way down */
	/* Highlighted across the whole row, unlike the other errors. */
	assert_int_equal(attr_at(w, y, 0), A_BOLD | A_REVERSE);
	assert_int_equal(attr_at(w, y, 99), A_BOLD | A_REVERSE);
	y = find_row(w, "make[3]");
	assert_int_equal(y, 17);
	assert_int_equal(attr_at(w, y, 0), A_BOLD | A_UNDERLINE);
	assert_int_equal(attr_at(w, y, 99), A_NORMAL);
	assert_int_equal(attr_at(w, find_row(w, "kernel/panic.c:953:6"), 0), A_BOLD);

	logview_clear(lv);
	append_str(lv, "  CC      kernel/fork.o");
	assert_true(logview_key(lv, 'e'));
	logview_draw(lv, w, 0, 0, 20, 100);
	assert_non_null(strstr(status(w), "no error so far"));
	delwin(w);
	logview_free(lv);
}

/* ---- What reaches the terminal. */

static void test_invalid_utf8_and_controls(void **state)
{
	(void)state;
	struct logview *lv = logview_new(100);
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "a\xff" "b", "a?b" },
		{ "caf\xc3\xa9", "café" },
		{ "over\xc0\xaflong", "over??long" },
		{ "over\xe0\x80\xaflong3", "over???long3" },	/* '/' in three bytes */
		{ "surr\xed\xa0\x80ogate", "surr???ogate" },
		{ "c1 \xc2\x9b x", "c1 ? x" },	/* U+009B, a C1 control (CSI) */
		{ "cut \xe2\x82", "cut ??" },
		{ "\x1b[31mred\x1b[0m", "^[[31mred^[[0m" },
		{ "bell\x07 del\x7f", "bell^G del^?" },
		{ "x\ty\tz", "x       y       z" },
		{ "50%\r75%\r100%", "100%" },
		{ "crlf\r\n", "crlf" },
		{ "e\xcc\x81t\xc3\xa9", "e\xcc\x81t\xc3\xa9" },	/* a combining accent stays on its e */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		append_str(lv, cases[i].in);
	/* A NUL inside the line: the bytes after it are kept too. */
	logview_append(lv, "nul\0after", 9);
	WINDOW *w = draw(lv, 20, 40);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++)
		assert_string_equal(row(w, (int)i), cases[i].out);
	assert_string_equal(row(w, ARRAY_LEN(cases)), "nul^@after");
	assert_int_equal(logview_lines(lv), ARRAY_LEN(cases) + 1);
	delwin(w);
	logview_free(lv);
}

/* Cut by display width, never inside a character, with '>' for the rest. */
static void test_wide_truncation(void **state)
{
	(void)state;
	struct logview *lv = logview_new(100);
	append_str(lv, "漢字漢字漢字");	/* 12 columns */
	append_str(lv, "ab😀😀😀");		/* 8 columns */
	append_str(lv, "12345678");
	WINDOW *w = draw(lv, 4, 10);
	assert_string_equal(row(w, 0), "漢字漢字 >");	/* the 5th would end on column 10: cut */
	assert_string_equal(row(w, 1), "ab😀😀😀");
	assert_string_equal(row(w, 2), "12345678");
	delwin(w);
	w = draw(lv, 4, 9);
	assert_string_equal(row(w, 0), "漢字漢字>");
	assert_string_equal(row(w, 1), "ab😀😀😀");
	delwin(w);
	w = draw(lv, 4, 7);
	assert_string_equal(row(w, 1), "ab😀😀>");
	assert_string_equal(row(w, 2), "123456>");
	/* Sideways: Right scrolls by half the width (3), '<' says so. */
	assert_true(logview_key(lv, KEY_RIGHT));
	logview_draw(lv, w, 0, 0, 4, 7);
	assert_string_equal(row(w, 0), "<漢字 >");	/* 字 straddled the edge: blank, then '<' */
	assert_string_equal(row(w, 2), "<5678");
	assert_true(logview_key(lv, KEY_LEFT));
	logview_draw(lv, w, 0, 0, 4, 7);
	assert_string_equal(row(w, 2), "123456>");
	delwin(w);
	logview_free(lv);
}

/* The widget paints its rectangle, every cell of it, and nothing else. */
static void test_draws_only_its_rectangle(void **state)
{
	(void)state;
	struct logview *lv = logview_new(100);
	append_log(lv, ERROR_LOG);
	WINDOW *w = newpad(12, 40);
	for (int y = 0; y < 12; y++)
		mvwhline(w, y, 0, '#', 40);
	logview_draw(lv, w, 2, 3, 8, 30);
	for (int y = 0; y < 12; y++) {
		const char *s = row(w, y);
		if (y < 2 || y >= 10) {
			assert_string_equal(s, "########################################");
			continue;
		}
		assert_true(str_starts(s, "###"));
		assert_int_equal(strlen(s), 40);
		assert_string_equal(s + 33, "#######");
		assert_null(memchr(s + 3, '#', 30));
	}
	/* Too small to hold anything but the status row, or nothing: no harm. */
	logview_draw(lv, w, 0, 0, 1, 40);
	assert_non_null(strstr(row(w, 0), "following"));
	logview_draw(lv, w, 0, 0, 0, 40);
	logview_draw(lv, w, 0, 0, 5, 0);
	delwin(w);
	logview_free(lv);
}

static void test_colour_attrs(void **state)
{
	(void)state;
	struct logview *lv = logview_new(100);
	struct logview_attrs a = {
		.plain = A_NORMAL, .command = A_DIM, .warning = A_UNDERLINE, .error = A_BOLD,
		.first_error = A_REVERSE, .match = A_BOLD | A_REVERSE, .status = A_BOLD,
	};
	logview_set_attrs(lv, &a);
	append_str(lv, "  CC      kernel/fork.o");
	append_str(lv, "kernel/a.c:1:1: warning: w");
	append_str(lv, "kernel/a.c:1:1: error: e");
	append_str(lv, "kernel/a.c:1:1: error: f");
	WINDOW *w = draw(lv, 5, 40);
	assert_int_equal(attr_at(w, 0, 2), A_DIM);
	assert_int_equal(attr_at(w, 1, 0), A_UNDERLINE);
	assert_int_equal(attr_at(w, 2, 0), A_REVERSE);
	assert_int_equal(attr_at(w, 3, 0), A_BOLD);
	assert_int_equal(attr_at(w, 4, 0), A_BOLD);
	logview_set_attrs(lv, NULL);
	logview_draw(lv, w, 0, 0, 5, 40);
	assert_int_equal(attr_at(w, 1, 0), A_BOLD);
	assert_int_equal(attr_at(w, 4, 0), A_REVERSE);
	delwin(w);
	logview_free(lv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify_real_error_log),
		cmocka_unit_test(test_classify_agrees_with_kbuild),
		cmocka_unit_test(test_classify_other_tools),
		cmocka_unit_test(test_counts_and_first_error),
		cmocka_unit_test(test_scrollback_bound_exact_counts),
		cmocka_unit_test(test_follow_and_pause),
		cmocka_unit_test(test_paused_view_scrolled_off),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_prompt_editing),
		cmocka_unit_test(test_first_error_jump_and_highlight),
		cmocka_unit_test(test_invalid_utf8_and_controls),
		cmocka_unit_test(test_wide_truncation),
		cmocka_unit_test(test_draws_only_its_rectangle),
		cmocka_unit_test(test_colour_attrs),
	};
	return cmocka_run_group_tests(tests, screen_setup, screen_teardown);
}
