/* Kbuild progress model against real kernel build logs (tests/fixtures/kbuild). */
#include "engine/kbuild.h"
#include "base/util.h"
#include "testlib.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#define KBUILD_FIXTURES FIXTURES "/kbuild"
#define LOG_FIRST KBUILD_FIXTURES "/tinyconfig-thinlto.log"
#define LOG_SECOND KBUILD_FIXTURES "/tinyconfig-thinlto-2.log"
#define FOREVER 1e30

/* The Makefile links no libm. */
static double dabs(double x)
{
	return x < 0 ? -x : x;
}

/* Feeds lines from *next up to time `until` (scaled by `scale`). */
static void replay(struct kbuild_progress *p, const struct tlog *lg, size_t *next, double until,
		   double scale)
{
	while (*next < lg->n && lg->t[*next] * scale <= until) {
		kbuild_feed(p, lg->line[*next], lg->t[*next] * scale);
		(*next)++;
	}
}

static struct kbuild_progress *run_whole(const struct tlog *lg, double scale)
{
	struct kbuild_progress *p = kbuild_new();
	size_t i = 0;
	replay(p, lg, &i, FOREVER, scale);
	kbuild_finish(p, lg->t[lg->n - 1] * scale);
	return p;
}

static size_t count_prefix(const struct tlog *lg, const char *prefix)
{
	size_t n = 0;
	for (size_t i = 0; i < lg->n; i++)
		n += str_starts(lg->line[i], prefix);
	return n;
}

static void test_real_log_counts(void **state)
{
	(void)state;
	struct tlog lg;
	tlog_load(&lg, LOG_FIRST);
	struct kbuild_progress *p = run_whole(&lg, 1);
	const struct kbuild_counts *c = kbuild_counts(p);
	/* Measured: wc -l; grep -c $'\t  CC ' and so on over the fixture. */
	assert_int_equal(c->lines, 1020);
	assert_int_equal(c->steps, 1019);
	assert_int_equal(kbuild_tag_count(p, "CC"), 506);
	assert_int_equal(kbuild_tag_count(p, "CC"), count_prefix(&lg, "  CC "));
	assert_int_equal(kbuild_tag_count(p, "AR"), 373);
	assert_int_equal(kbuild_tag_count(p, "AS"), 33);
	assert_int_equal(kbuild_tag_count(p, "LD"), 8);
	assert_int_equal(kbuild_tag_count(p, "HOSTCC"), 13);
	assert_int_equal(kbuild_tag_count(p, "WRAP"), 24);
	assert_int_equal(kbuild_tag_count(p, "UPD"), 11);
	assert_int_equal(kbuild_tag_count(p, "MODPOST"), 1);
	assert_int_equal(kbuild_tag_count(p, "Kernel:"), 0);
	/* "CC .../str_error_r.o" and "CC .../error.o" are steps, not errors. */
	assert_int_equal(c->warnings, 0);
	assert_int_equal(c->errors, 0);
	assert_int_equal(c->make_errors, 0);
	assert_null(kbuild_first_error(p));
	assert_string_equal(kbuild_current_dir(p), "arch/x86/boot");
	assert_string_equal(kbuild_last_line(p), "Kernel: arch/x86/boot/bzImage is ready  (#1)");
	kbuild_free(p);
	tlog_free(&lg);
}

static void test_current_dir(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	assert_string_equal(kbuild_current_dir(p), "");
	kbuild_feed(p, "  CC      kernel/sched/core.o\n", 1);
	assert_string_equal(kbuild_current_dir(p), "kernel/sched");
	kbuild_feed(p, "  AR      kernel/built-in.a", 2);
	assert_string_equal(kbuild_current_dir(p), "kernel/sched");
	kbuild_feed(p, "  CC [M]  fs/configfs/dir.o", 3);
	assert_string_equal(kbuild_current_dir(p), "fs/configfs");
	kbuild_feed(p, "  AS      arch/x86/lib/memcpy_64.o", 4);
	assert_string_equal(kbuild_current_dir(p), "arch/x86/lib");
	kbuild_feed(p, "  CC      .vmlinux.export.o", 5);
	assert_string_equal(kbuild_current_dir(p), ".");
	/* Not steps: clang's excerpt, prose, a tag without argument. */
	kbuild_feed(p, "   12 |   CC x;", 6);
	kbuild_feed(p, "  Cc      lower/case.o", 7);
	kbuild_feed(p, "  CC", 8);
	kbuild_feed(p, "CC      no/indent.o", 9);
	assert_int_equal(kbuild_counts(p)->steps, 5);
	assert_int_equal(kbuild_tag_count(p, "CC"), 3);
	kbuild_free(p);

	/* Halfway through the real log, the directory is that of the last CC/AS. */
	struct tlog lg;
	tlog_load(&lg, LOG_FIRST);
	p = kbuild_new();
	size_t i = 0;
	replay(p, &lg, &i, lg.t[499], 1);
	const char *last = NULL;
	for (size_t k = 0; k < i; k++)
		if (str_starts(lg.line[k], "  CC ") || str_starts(lg.line[k], "  AS "))
			last = lg.line[k] + 10;
	assert_non_null(last);
	size_t dl = (size_t)(strrchr(last, '/') - last);
	assert_int_equal(strlen(kbuild_current_dir(p)), dl);
	assert_memory_equal(kbuild_current_dir(p), last, dl);
	kbuild_free(p);
	tlog_free(&lg);
}

/* Tags are counted by their packed bytes: tags alike in their first 8 bytes,
 * the longest tag kbuild allows, the shortest step line and a tag at the end
 * of a line stay apart and exact. */
static void test_tag_counts_exact(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	static const char *const lines[] = {
		"  ABCDEFGH1 x", "  ABCDEFGH2 x", "  ABCDEFGH x", "  ABCDEFGH1 y",
		"  ABCDEFGHIJK x",	/* KBUILD_TAG_MAX long */
		"  ABCDEFGHIJKL x",	/* one more: not a step */
		"  CC x", "  CC [M] y", "  CC", "  ABCDEFGH",
		"  AB\r  CD x",	/* only what comes before the '\r' counts */
		"  AR      x/\0y/z.a",	/* a NUL ends the argument for the directory */
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		kbuild_feed_n(p, lines[i], strlen(lines[i]) + (i == 11 ? 6 : 0), (double)i);
	kbuild_feed_n(p, "  CC      d/\0e/f.o", 18, 20);
	assert_int_equal(kbuild_tag_count(p, "ABCDEFGH1"), 2);
	assert_int_equal(kbuild_tag_count(p, "ABCDEFGH2"), 1);
	assert_int_equal(kbuild_tag_count(p, "ABCDEFGH"), 1);
	assert_int_equal(kbuild_tag_count(p, "ABCDEFGHIJK"), 1);
	assert_int_equal(kbuild_tag_count(p, "ABCDEFGHIJKL"), 0);
	assert_int_equal(kbuild_tag_count(p, "CC"), 3);
	assert_int_equal(kbuild_tag_count(p, "AB"), 0);
	assert_int_equal(kbuild_tag_count(p, "AR"), 1);
	assert_int_equal(kbuild_counts(p)->steps, 9);
	assert_string_equal(kbuild_current_dir(p), "d");
	kbuild_free(p);
}

/* A NUL in a compile's argument ends it for the directory (as the C string it
 * is kept in), in short and long lines; one after the line's cut does not. */
static void test_dir_with_nul(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	kbuild_feed_n(p, "  CC a/\0b/c", 11, 1);
	assert_string_equal(kbuild_current_dir(p), "a");
	kbuild_feed_n(p, "  AS      arch/x86/\0lib/x.o", 28, 2);
	assert_string_equal(kbuild_current_dir(p), "arch/x86");
	kbuild_feed_n(p, "  CC      x\0/y.o", 16, 3);
	assert_string_equal(kbuild_current_dir(p), ".");
	kbuild_feed_n(p, "  CC      mm/slub.o\r\0z/w", 25, 4);
	assert_string_equal(kbuild_current_dir(p), "mm");
	assert_string_equal(kbuild_last_line(p), "  CC      mm/slub.o");
	kbuild_feed_n(p, "  CC      fs/ext4/inode.o", 25, 5);
	assert_string_equal(kbuild_current_dir(p), "fs/ext4");
	assert_int_equal(kbuild_tag_count(p, "CC"), 4);
	kbuild_free(p);
}

/* The step's label and the directory are made from the lines they came from
 * only when asked for: whatever came after (other steps, prose, a flood of
 * lines reusing the buffers), they are those of the last step and the last
 * compile, in the estimate, the silences and the anchors too. */
static void test_label_and_dir_after_other_lines(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	kbuild_feed(p, "  CC      kernel/fork.o", 1);
	kbuild_feed(p, "  AR      kernel/built-in.a", 2);
	for (int i = 0; i < 5; i++)
		kbuild_feed(p, "make[1]: Entering directory '/src'", 3);
	kbuild_feed(p, "  LD      vmlinux.o", 4);
	assert_string_equal(kbuild_current_dir(p), "kernel");
	for (int i = 0; i < 5; i++)
		kbuild_feed(p, "  some prose that is not a step", 5);
	assert_string_equal(kbuild_last_line(p), "  some prose that is not a step");
	assert_string_equal(kbuild_current_dir(p), "kernel");
	struct kbuild_estimate e = kbuild_estimate(p, 12);
	assert_true(e.in_silent_phase);
	assert_string_equal(e.silent_label, "LD vmlinux.o");
	kbuild_feed(p, "  AS      arch/x86/entry/entry_64.o", 12);	/* after 7 s of silence */
	assert_string_equal(kbuild_current_dir(p), "arch/x86/entry");
	kbuild_feed(p, "  CC      init/main.o", 12.5);
	kbuild_finish(p, 13);
	struct kbuild_history h;
	kbuild_history_from_run(p, &h);
	assert_int_equal(h.n_silences, 1);
	assert_string_equal(h.silences[0].label, "LD vmlinux.o");
	assert_int_equal(h.n_anchors, 3);
	assert_string_equal(h.anchors[0].label, "AS arch/x86/entry/entry_64.o");
	assert_string_equal(h.anchors[1].label, "CC init/main.o");
	assert_string_equal(h.anchors[2].label, "CC kernel/fork.o");
	kbuild_history_free(&h);
	assert_string_equal(kbuild_current_dir(p), "init");
	kbuild_free(p);
}

/* Only what comes before the first '\r' or '\n' counts, wherever it is in a
 * line of any length (long lines are scanned 16 bytes at a time, the last 16
 * overlapping the ones before). */
static void test_last_line_cut(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	char line[80];
	for (size_t n = 0; n < 70; n++) {
		for (size_t at = 0; at <= n; at++) {
			for (int c = 0; c < 3; c++) {
				for (size_t k = 0; k < n; k++)
					line[k] = (char)('a' + k % 26);
				/* at == n: no cut at all; c == 2: "\r\n" */
				if (at < n)
					line[at] = c == 1 ? '\n' : '\r';
				if (c == 2 && at + 1 < n)
					line[at + 1] = '\n';
				/* Exactly n bytes on the heap: ASan sees a read past them. */
				char *exact = xmalloc(n ? n : 1);
				memcpy(exact, line, n);
				kbuild_feed_n(p, exact, n, 1);
				free(exact);
				const char *got = kbuild_last_line(p);
				assert_int_equal(strlen(got), at);
				assert_memory_equal(got, line, at);
			}
		}
	}
	kbuild_free(p);
}

/* A real failed build: one clang error, two warnings, make's cascade. */
static void test_error_log_real(void **state)
{
	(void)state;
	struct tlog lg;
	tlog_load(&lg, KBUILD_FIXTURES "/error-clang.log");
	struct kbuild_progress *p = run_whole(&lg, 1);
	const struct kbuild_counts *c = kbuild_counts(p);
	assert_int_equal(c->errors, 1);
	assert_int_equal(c->warnings, 2);
	/* Four "***" lines; "Waiting for unfinished jobs" is not one. */
	assert_int_equal(c->make_errors, 4);
	const struct kbuild_diag *e = kbuild_first_error(p);
	assert_non_null(e);
	assert_int_equal(e->kind, KBUILD_DIAG_ERROR);
	assert_string_equal(e->file, "kernel/panic.c");
	assert_int_equal(e->line, 955);
	assert_int_equal(e->col, 2);
	assert_string_equal(e->message, "use of undeclared identifier 'kfdo_undeclared_thing'");
	assert_string_equal(kbuild_current_dir(p), "kernel");
	kbuild_free(p);
	tlog_free(&lg);
}

static void test_diag_synthetic(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	/* A failing script: make's line is all there is, so it is the first error. */
	kbuild_feed(p, "make[2]: *** [scripts/Makefile.build:229: kernel/fork.o] Error 1", 1);
	const struct kbuild_diag *e = kbuild_first_error(p);
	assert_non_null(e);
	assert_int_equal(e->kind, KBUILD_DIAG_MAKE);
	assert_string_equal(e->file, "scripts/Makefile.build");
	assert_int_equal(e->line, 229);
	assert_string_equal(e->message, "[scripts/Makefile.build:229: kernel/fork.o] Error 1");
	kbuild_feed(p, "make: *** No rule to make target 'foo'.  Stop.", 2);
	kbuild_feed(p, "make[1]: *** Waiting for unfinished jobs....", 3);
	assert_int_equal(kbuild_counts(p)->make_errors, 2);

	/* None of these is a diagnostic. */
	kbuild_feed(p, "In file included from kernel/fork.c:3:", 4);
	kbuild_feed(p, "kernel/fork.c:3:1: note: declare 'static' if ...", 5);
	kbuild_feed(p, "1 warning and 1 error generated.", 6);
	kbuild_feed(p, "  CC      lib/error.o", 7);
	kbuild_feed(p, "the build: error: is prose here", 8);
	assert_int_equal(kbuild_counts(p)->errors, 0);
	assert_int_equal(kbuild_counts(p)->warnings, 0);

	kbuild_feed(p, "fs/x.c:10: warning: no column here", 9);
	kbuild_feed(p, "drivers/gpu/drm/foo.c:1234:56: error: call to undeclared function 'bar' "
		    "[-Wimplicit-function-declaration]", 10);
	kbuild_feed(p, " 1234 |         bar();", 11);
	kbuild_feed(p, "      |         ^", 12);
	kbuild_feed(p, "ld.lld: error: undefined symbol: kfdo_missing", 13);
	kbuild_feed(p, "vmlinux.o: warning: objtool: foo+0x12: call without frame pointer", 14);
	kbuild_feed(p, "WARNING: modpost: vmlinux: section mismatch in reference", 15);
	kbuild_feed(p, "include/linux/x.h:3:10: fatal error: 'y.h' file not found", 16);
	const struct kbuild_counts *c = kbuild_counts(p);
	assert_int_equal(c->errors, 3);
	assert_int_equal(c->warnings, 3);
	/* The compiler's error outranks make's earlier line: it says why. */
	e = kbuild_first_error(p);
	assert_int_equal(e->kind, KBUILD_DIAG_ERROR);
	assert_string_equal(e->file, "drivers/gpu/drm/foo.c");
	assert_int_equal(e->line, 1234);
	assert_int_equal(e->col, 56);
	assert_int_equal(e->line_no, 10);
	assert_string_equal(e->message,
			    "call to undeclared function 'bar' [-Wimplicit-function-declaration]");
	kbuild_free(p);

	p = kbuild_new();
	kbuild_feed(p, "ld.lld-19: error: undefined symbol: kfdo_missing", 1);
	e = kbuild_first_error(p);
	assert_string_equal(e->file, "ld.lld-19");
	assert_int_equal(e->line, 0);
	assert_string_equal(e->message, "undefined symbol: kfdo_missing");
	kbuild_free(p);

	/* A location without a column. */
	p = kbuild_new();
	kbuild_feed(p, "fs/x.c:10: error: no column here", 1);
	e = kbuild_first_error(p);
	assert_string_equal(e->file, "fs/x.c");
	assert_int_equal(e->line, 10);
	assert_int_equal(e->col, 0);
	kbuild_free(p);
}

static struct kbuild_history history_of(const char *path, double scale)
{
	struct tlog lg;
	tlog_load(&lg, path);
	struct kbuild_progress *p = run_whole(&lg, scale);
	struct kbuild_history h;
	kbuild_history_from_run(p, &h);
	kbuild_free(p);
	tlog_free(&lg);
	return h;
}

/* The second real build, replayed against the history of the first. */
static void test_history_eta_replay(void **state)
{
	(void)state;
	struct kbuild_history h = history_of(LOG_FIRST, 1);
	assert_int_equal(h.steps, 1019);
	assert_true(h.n_curve >= 100 && h.n_curve <= 210);
	struct tlog lg;
	tlog_load(&lg, LOG_SECOND);
	double total = lg.t[lg.n - 1];
	struct kbuild_progress *p = kbuild_new();
	kbuild_set_history(p, &h);
	size_t next = 0;
	static const double at[] = { 0.25, 0.50, 0.75 };
	for (size_t i = 0; i < ARRAY_LEN(at); i++) {
		double now = at[i] * total;
		replay(p, &lg, &next, now, 1);
		struct kbuild_estimate e = kbuild_estimate(p, now);
		double truth = total - now;
		double err = (e.eta_seconds - truth) / truth;
		print_message("# ETA at %2.0f%%: %.1f s, true %.1f s (%+.1f%%), fraction %.3f\n",
			      at[i] * 100, e.eta_seconds, truth, err * 100, e.fraction);
		assert_int_equal(e.basis, KBUILD_EST_HISTORY);
		assert_int_equal(e.expected_steps, 1019);
		assert_true(dabs(err) <= 0.15);
		assert_true(dabs(e.fraction - at[i]) <= 0.05);
	}
	replay(p, &lg, &next, FOREVER, 1);
	kbuild_finish(p, total);
	struct kbuild_estimate e = kbuild_estimate(p, total);
	assert_true(e.fraction == 1 && e.eta_seconds == 0);
	kbuild_free(p);
	tlog_free(&lg);
	kbuild_history_free(&h);
}

/* Replays LOG_SECOND without its first `skip` lines (a tree already prepared:
 * the final build, or a rebuild after `make clean`, prints fewer steps at the
 * start), against a history recorded `slow` times slower, and checks the ETA. */
static void replay_against(const struct kbuild_history *h, size_t skip, const char *what)
{
	struct tlog lg;
	tlog_load(&lg, LOG_SECOND);
	assert_true(lg.n > skip + 100);
	double shift = lg.t[skip] - 1.0;
	for (size_t i = skip; i < lg.n; i++)
		lg.t[i] -= shift;
	double total = lg.t[lg.n - 1];
	struct kbuild_progress *p = kbuild_new();
	kbuild_set_history(p, h);
	size_t next = skip;
	static const double at[] = { 0.25, 0.50, 0.75 };
	for (size_t i = 0; i < ARRAY_LEN(at); i++) {
		double now = at[i] * total;
		replay(p, &lg, &next, now, 1);
		struct kbuild_estimate e = kbuild_estimate(p, now);
		double truth = total - now;
		double err = (e.eta_seconds - truth) / truth;
		print_message("# %s, ETA at %2.0f%%: %.1f s, true %.1f s (%+.1f%%)\n", what, at[i] * 100,
			      e.eta_seconds, truth, err * 100);
		assert_int_equal(e.basis, KBUILD_EST_HISTORY);
		assert_true(dabs(err) <= 0.15);
	}
	kbuild_free(p);
	tlog_free(&lg);
}

static void test_history_prepared_tree(void **state)
{
	(void)state;
	struct kbuild_history h = history_of(LOG_FIRST, 1);
	/* The first 80 lines are the prepare phase's (SYNC, HOSTCC, GEN, WRAP...). */
	replay_against(&h, 80, "prepared tree");
	kbuild_history_free(&h);
	/* The first build ran twice as slow (a loaded machine): the pace is scaled. */
	h = history_of(LOG_FIRST, 2);
	replay_against(&h, 80, "history 2x slower");
	kbuild_history_free(&h);
}

/* The ThinLTO link of vmlinux.o prints nothing for ~11.7 s. */
static void test_silent_phase(void **state)
{
	(void)state;
	struct kbuild_history h = history_of(LOG_FIRST, 1);
	assert_int_equal(h.n_silences, 1);
	assert_string_equal(h.silences[0].label, "LD vmlinux.o");
	assert_int_equal(h.silences[0].step, 960);
	assert_float_equal(h.silences[0].seconds, 11.702, 1e-6);

	struct tlog lg;
	tlog_load(&lg, LOG_SECOND);
	size_t ld = 0;
	while (ld < lg.n && strcmp(lg.line[ld], "  LD      vmlinux.o") != 0)
		ld++;
	assert_true(ld < lg.n);
	struct kbuild_progress *p = kbuild_new();
	kbuild_set_history(p, &h);
	size_t next = 0;
	replay(p, &lg, &next, lg.t[ld], 1);
	struct kbuild_estimate e = kbuild_estimate(p, lg.t[ld] + 3);
	assert_false(e.in_silent_phase);
	double now = lg.t[ld] + 6;
	e = kbuild_estimate(p, now);
	assert_true(e.in_silent_phase);
	assert_float_equal(e.silent_elapsed, 6, 1e-9);
	assert_float_equal(e.silent_last_time, 11.702, 1e-6);
	assert_string_equal(e.silent_label, "LD vmlinux.o");
	double truth = lg.t[lg.n - 1] - now;
	print_message("# in the ThinLTO link, 6 s in: ETA %.1f s, true %.1f s\n", e.eta_seconds, truth);
	assert_true(dabs(e.eta_seconds - truth) <= 0.15 * truth);
	/* The bar keeps moving through the silence. */
	struct kbuild_estimate later = kbuild_estimate(p, now + 3);
	assert_true(later.fraction > e.fraction);
	kbuild_free(p);
	tlog_free(&lg);
	kbuild_history_free(&h);
}

/* A tree already prepared prints fewer steps before the link than the first
 * build did (its separate make prepare fed the same progress): the silence is
 * known by the step that precedes it, not by its step number. */
static void test_silent_phase_prepared_tree(void **state)
{
	(void)state;
	struct kbuild_history h = history_of(LOG_FIRST, 1);
	struct tlog lg;
	tlog_load(&lg, LOG_SECOND);
	size_t ld = 0;
	while (ld < lg.n && strcmp(lg.line[ld], "  LD      vmlinux.o") != 0)
		ld++;
	assert_true(ld < lg.n);
	struct kbuild_progress *p = kbuild_new();
	kbuild_set_history(p, &h);
	/* The first 80 lines are the prepare phase's: a prepared tree skips them. */
	size_t next = 80;
	replay(p, &lg, &next, lg.t[ld], 1);
	struct kbuild_estimate e = kbuild_estimate(p, lg.t[ld] + 6);
	assert_true(e.in_silent_phase);
	assert_true(e.steps + 50 < h.silences[0].step);
	assert_float_equal(e.silent_last_time, 11.702, 1e-6);
	kbuild_free(p);
	tlog_free(&lg);
	kbuild_history_free(&h);
}

/* No history, no dry run: no percentage, only rate and elapsed time. */
static void test_indeterminate(void **state)
{
	(void)state;
	struct tlog lg;
	tlog_load(&lg, LOG_FIRST);
	struct kbuild_progress *p = kbuild_new();
	size_t next = 0;
	replay(p, &lg, &next, 30, 1);
	struct kbuild_estimate e = kbuild_estimate(p, 30);
	assert_int_equal(e.basis, KBUILD_EST_NONE);
	assert_true(e.fraction < 0);
	assert_true(e.eta_seconds < 0);
	assert_int_equal(e.expected_steps, 0);
	assert_float_equal(e.elapsed, 30, 1e-9);
	size_t recent = 0;
	for (size_t i = 0; i < next; i++)
		recent += lg.t[i] > 20 && lg.line[i][0] == ' ';
	assert_true(recent > 0);
	assert_float_equal(e.rate, recent / 10.0, 1e-9);
	kbuild_free(p);
	tlog_free(&lg);
}

/* History 20x slower than this run (as after a ccache warm-up): trusted for
 * the first 15 s, then replaced by the current pace. */
static void test_distrust_fast_run(void **state)
{
	(void)state;
	struct kbuild_history h = history_of(LOG_FIRST, 20);
	struct tlog lg;
	tlog_load(&lg, LOG_SECOND);
	double total = lg.t[lg.n - 1];
	struct kbuild_progress *p = kbuild_new();
	kbuild_set_history(p, &h);
	size_t next = 0;
	replay(p, &lg, &next, 14, 1);
	struct kbuild_estimate e = kbuild_estimate(p, 14);
	assert_int_equal(e.basis, KBUILD_EST_HISTORY);
	assert_true((double)e.steps >= 0.05 * 1019);
	replay(p, &lg, &next, 20, 1);
	e = kbuild_estimate(p, 20);
	assert_int_equal(e.basis, KBUILD_EST_PACE);
	assert_int_equal(e.expected_steps, 1019);
	double truth = total - 20;
	print_message("# 20x-off history at 20 s: pace ETA %.1f s, true %.1f s\n", e.eta_seconds, truth);
	assert_true(e.eta_seconds > 0.5 * truth && e.eta_seconds < 1.5 * truth);
	assert_true(dabs(e.fraction - (double)e.steps / 1019) < 1e-9);
	/* It stays distrusted. */
	replay(p, &lg, &next, 60, 1);
	assert_int_equal(kbuild_estimate(p, 60).basis, KBUILD_EST_PACE);
	kbuild_free(p);
	tlog_free(&lg);
	kbuild_history_free(&h);
}

/* A run 20x slower than its history: past 15 s but under 5% it is still
 * trusted; past 5% too, it is not. */
static void test_distrust_needs_five_percent(void **state)
{
	(void)state;
	struct kbuild_history h = history_of(LOG_FIRST, 1);
	struct tlog lg;
	tlog_load(&lg, LOG_SECOND);
	struct kbuild_progress *p = kbuild_new();
	kbuild_set_history(p, &h);
	size_t next = 0;
	replay(p, &lg, &next, 30, 20);
	struct kbuild_estimate e = kbuild_estimate(p, 30);
	assert_true(e.steps > 0 && (double)e.steps < 0.05 * 1019);
	assert_int_equal(e.basis, KBUILD_EST_HISTORY);
	replay(p, &lg, &next, 60, 20);
	e = kbuild_estimate(p, 60);
	assert_true((double)e.steps >= 0.05 * 1019);
	assert_int_equal(e.basis, KBUILD_EST_PACE);
	kbuild_free(p);
	tlog_free(&lg);
	kbuild_history_free(&h);
}

static void test_history_json_roundtrip(void **state)
{
	(void)state;
	struct kbuild_history h = history_of(LOG_FIRST, 1);
	struct json_object *o = kbuild_history_to_json(&h);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	print_message("# history: %zu curve points, %zu bytes of JSON\n", h.n_curve, strlen(text));
	assert_true(strlen(text) < 8192);
	struct json_object *back = json_tokener_parse(text);
	assert_non_null(back);
	struct kbuild_history g;
	char *cause = NULL;
	assert_int_equal(kbuild_history_from_json(back, &g, &cause), 0);
	assert_null(cause);
	assert_int_equal(g.steps, h.steps);
	assert_int_equal(g.lines, h.lines);
	assert_float_equal(g.seconds, h.seconds, 0.0005);
	assert_int_equal(g.n_curve, h.n_curve);
	for (size_t i = 0; i < h.n_curve; i++) {
		assert_int_equal(g.curve[i].step, h.curve[i].step);
		assert_float_equal(g.curve[i].t, h.curve[i].t, 0.0005);
	}
	assert_int_equal(g.n_silences, h.n_silences);
	assert_int_equal(g.silences[0].step, h.silences[0].step);
	assert_float_equal(g.silences[0].seconds, h.silences[0].seconds, 0.0005);
	assert_string_equal(g.silences[0].label, h.silences[0].label);
	assert_true(h.n_anchors >= 90 && h.n_anchors <= KBUILD_ANCHORS);
	assert_int_equal(g.n_anchors, h.n_anchors);
	for (size_t i = 0; i < h.n_anchors; i++) {
		assert_string_equal(g.anchors[i].label, h.anchors[i].label);
		assert_float_equal(g.anchors[i].t, h.anchors[i].t, 0.0005);
	}
	kbuild_history_free(&g);
	json_object_put(back);

	/* Damaged or foreign objects are refused with a reason. */
	static const char *bad[] = {
		"{\"version\":2,\"steps\":1,\"lines\":1,\"ms\":5,\"curve\":[[0,0]]}",
		"{\"version\":1,\"steps\":3,\"lines\":3,\"ms\":5,\"curve\":[[0,0],[2,9],[1,10]]}",
		"{\"version\":1,\"steps\":3,\"lines\":3,\"ms\":5,\"curve\":[[0,\"x\"]]}",
		"{\"version\":1,\"steps\":3,\"lines\":3,\"ms\":5,\"curve\":[]}",
		"[1,2]",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct json_object *b = json_tokener_parse(bad[i]);
		assert_non_null(b);
		assert_int_equal(kbuild_history_from_json(b, &g, &cause), -EINVAL);
		assert_non_null(cause);
		assert_null(g.curve);
		free(cause);
		cause = NULL;
		json_object_put(b);
	}
	json_object_put(o);
	kbuild_history_free(&h);
}

/* Reads a gzipped dry run line by line, whatever the line length. */
static void dryrun_load(struct kbuild_dryrun *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	gzFile f = gzopen(path, "rb");
	assert_non_null(f);
	struct strbuf line = { 0 };
	char buf[4096];
	while (gzgets(f, buf, sizeof(buf))) {
		sb_add(&line, buf);
		if (line.len && line.s[line.len - 1] == '\n') {
			kbuild_dryrun_feed(d, line.s);
			line.len = 0;
			line.s[0] = '\0';
		}
	}
	if (line.len)
		kbuild_dryrun_feed(d, line.s);
	sb_free(&line);
	gzclose(f);
}

/* `make -n` after `make prepare` against the real build that followed it. */
static void test_dryrun_tinyconfig(void **state)
{
	(void)state;
	struct kbuild_dryrun d;
	dryrun_load(&d, KBUILD_FIXTURES "/tinyconfig-thinlto-dryrun.txt.gz");
	assert_int_equal(d.lines, 6028);
	assert_int_equal(d.listed, 874);
	assert_int_equal(d.conditional, 10);
	assert_int_equal(d.modules, 0);
	struct tlog lg;
	tlog_load(&lg, KBUILD_FIXTURES "/tinyconfig-thinlto-after-prepare.log");
	struct kbuild_progress *p = run_whole(&lg, 1);
	size_t real = kbuild_counts(p)->steps;
	size_t expected = kbuild_dryrun_expected(&d);
	double err = ((double)expected - (double)real) / (double)real;
	print_message("# tinyconfig dry run: %zu expected, %zu real (%+.1f%%)\n", expected, real, err * 100);
	assert_int_equal(real, 926);
	assert_true(dabs(err) <= 0.02);

	/* A first build with only the dry run: the compiles (CC/AS) at this run's
	 * pace. The silent ThinLTO link is beyond its sight. */
	assert_int_equal(d.compiles, 477);
	size_t compiles = kbuild_tag_count(p, "CC") + kbuild_tag_count(p, "AS");
	size_t expected_c = kbuild_dryrun_expected_compiles(&d);
	print_message("# tinyconfig dry run: %zu compiles expected, %zu real\n", expected_c, compiles);
	assert_true(dabs(((double)expected_c - (double)compiles) / (double)compiles) <= 0.02);
	kbuild_free(p);
	p = kbuild_new();
	kbuild_set_dryrun(p, &d);
	size_t next = 0;
	double total = lg.t[lg.n - 1];
	static const double at[] = { 0.25, 0.50, 0.75 };
	for (size_t i = 0; i < ARRAY_LEN(at); i++) {
		double now = at[i] * total;
		replay(p, &lg, &next, now, 1);
		struct kbuild_estimate e = kbuild_estimate(p, now);
		double truth = total - now, eta_err = (e.eta_seconds - truth) / truth;
		print_message("# dry-run ETA at %2.0f%%: %.1f s, true %.1f s (%+.1f%%), fraction %.3f\n",
			      at[i] * 100, e.eta_seconds, truth, eta_err * 100, e.fraction);
		assert_int_equal(e.basis, KBUILD_EST_DRYRUN);
		assert_int_equal(e.expected_steps, expected);
		assert_true(e.fraction > 0 && e.fraction < 1);
		if (at[i] <= 0.5)
			assert_true(dabs(eta_err) <= 0.15);
	}
	kbuild_free(p);
	tlog_free(&lg);
}

/* With modules and kallsyms (calibrated on the first, checked on the second,
 * which played no part in choosing the constants). */
static void test_dryrun_modules(void **state)
{
	(void)state;
	static const struct {
		const char *dryrun, *log;
		size_t modules;
	} cases[] = {
		{ KBUILD_FIXTURES "/modules-kallsyms-dryrun.txt.gz", KBUILD_FIXTURES "/modules-kallsyms.log", 5 },
		{ KBUILD_FIXTURES "/fat-modules-dryrun.txt.gz", KBUILD_FIXTURES "/fat-modules.log", 7 },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct kbuild_dryrun d;
		dryrun_load(&d, cases[i].dryrun);
		assert_int_equal(d.modules, cases[i].modules);
		struct tlog lg;
		tlog_load(&lg, cases[i].log);
		struct kbuild_progress *p = run_whole(&lg, 1);
		size_t real = kbuild_counts(p)->steps, expected = kbuild_dryrun_expected(&d);
		double err = ((double)expected - (double)real) / (double)real;
		size_t compiles = kbuild_tag_count(p, "CC") + kbuild_tag_count(p, "AS");
		size_t expected_c = kbuild_dryrun_expected_compiles(&d);
		print_message("# %s: %zu steps expected, %zu real (%+.1f%%); %zu compiles expected, %zu real\n",
			      cases[i].log + strlen(KBUILD_FIXTURES) + 1, expected, real, err * 100,
			      expected_c, compiles);
		assert_true(dabs(err) <= 0.02);
		assert_true(dabs(((double)expected_c - (double)compiles) / (double)compiles) <= 0.02);
		kbuild_free(p);
		tlog_free(&lg);
	}

	struct kbuild_dryrun empty = { 0 };
	kbuild_dryrun_count(&empty, "make: *** No rule to make target 'x'.  Stop.\n");
	assert_int_equal(kbuild_dryrun_expected(&empty), 0);
	kbuild_dryrun_count(&empty, "set -e;  echo '  CC      a.o';  x\n"
			    "if cmp; then echo '  UPD     b.h'; fi; echo '  GEN     c'\n");
	assert_int_equal(empty.listed, 2);
	assert_int_equal(empty.compiles, 1);
	assert_int_equal(empty.conditional, 1);
	assert_int_equal(empty.lines, 3);
}

/* The engine runs prepare, the dry run, then the build through one progress:
 * the dry run's counts come on top of prepare's. */
static void test_dryrun_after_prepare(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	kbuild_feed(p, "  HOSTCC  scripts/basic/fixdep", 1);
	kbuild_feed(p, "  CC      kernel/bounds.s", 2);
	kbuild_feed(p, "  WRAP    arch/x86/include/generated/uapi/asm/errno.h", 3);
	struct kbuild_dryrun d = { 0 };
	kbuild_dryrun_count(&d, "set -e;  echo '  CC      a/b.o';\nset -e;  echo '  AR      a/built-in.a';\n");
	kbuild_set_dryrun(p, &d);
	struct kbuild_estimate e = kbuild_estimate(p, 3);
	assert_int_equal(e.basis, KBUILD_EST_DRYRUN);
	assert_int_equal(e.expected_steps, 3 + 2 + 64);
	/* 1 compile of 1 + 1 + 39 expected. */
	assert_true(dabs(e.fraction - 1.0 / 41) < 1e-9);

	/* A bare step count is paced by steps. */
	kbuild_set_expected(p, 30);
	e = kbuild_estimate(p, 3);
	assert_int_equal(e.basis, KBUILD_EST_DRYRUN);
	assert_int_equal(e.expected_steps, 30);
	assert_true(dabs(e.fraction - 0.1) < 1e-9);
	assert_true(dabs(e.eta_seconds - 27) < 1e-9);
	kbuild_set_expected(p, 0);
	assert_int_equal(kbuild_estimate(p, 3).basis, KBUILD_EST_NONE);
	kbuild_free(p);
}

/* Random lines built from the characters the parsers look for: no crash,
 * no leak, no read past the end (run under ASan by `make asan`). */
/* The shared classifier's spans, and that it reads only len bytes. */
static void test_line_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		enum kbuild_line_kind kind;
		const char *head, *body;
	} cases[] = {
		{ "  CC [M]  fs/configfs/dir.o", KBUILD_LINE_STEP, "CC", "fs/configfs/dir.o" },
		{ "  HOSTCC  scripts/basic/fixdep", KBUILD_LINE_STEP, "HOSTCC", "scripts/basic/fixdep" },
		{ "kernel/fork.c:12:5: error: boom", KBUILD_LINE_ERROR, "kernel/fork.c:12:5", "boom" },
		{ "x.h:3:10: fatal error: 'y.h' file not found", KBUILD_LINE_ERROR, "x.h:3:10", "'y.h' file not found" },
		{ "ld.lld: warning: w", KBUILD_LINE_WARNING, "ld.lld", "w" },
		{ "WARNING: modpost: m", KBUILD_LINE_WARNING, "", "modpost: m" },
		{ "ERROR: modpost: m", KBUILD_LINE_ERROR, "", "modpost: m" },
		{ "kernel/a.c:1:1: note: see", KBUILD_LINE_NOTE, "kernel/a.c:1:1", "see" },
		{ "make[2]: *** [x:1: y] Error 1", KBUILD_LINE_MAKE_ERROR, "make[2]", "[x:1: y] Error 1" },
		{ "/usr/bin/gmake: *** No rule.  Stop.", KBUILD_LINE_MAKE_ERROR, "/usr/bin/gmake", "No rule.  Stop." },
		{ "  949 |         int x;", KBUILD_LINE_EXCERPT, "", "" },
		{ "      |         ^~~", KBUILD_LINE_EXCERPT, "", "" },
		{ "xmake: *** [x] Error 1", KBUILD_LINE_OTHER, "", "" },
		{ "make[1]: *** Waiting for unfinished jobs....", KBUILD_LINE_OTHER, "", "" },
		{ "make[1]: Entering directory '/x: *** y'", KBUILD_LINE_OTHER, "", "" },
		{ "the build: error: is prose", KBUILD_LINE_OTHER, "", "" },
		{ "  CCX", KBUILD_LINE_OTHER, "", "" },
		{ "  TOOLONGTAGNAME x", KBUILD_LINE_OTHER, "", "" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct kbuild_line kl;
		const char *s = cases[i].s;
		enum kbuild_line_kind k = kbuild_line_parse(s, strlen(s), &kl);
		if (k != cases[i].kind || kl.kind != k)
			fail_msg("'%s': kind %d, want %d", s, k, cases[i].kind);
		if (k == KBUILD_LINE_OTHER || k == KBUILD_LINE_EXCERPT)
			continue;
		if (strlen(cases[i].head) != kl.head_len || strncmp(s + kl.head, cases[i].head, kl.head_len) != 0 ||
		    strcmp(s + kl.body, cases[i].body) != 0)
			fail_msg("'%s': head '%.*s' body '%s'", s, (int)kl.head_len, s + kl.head, s + kl.body);
	}
	/* Bytes past len do not count, and no NUL is needed. */
	char buf[] = { 'e', 'r', 'r', 'o', 'r', ':', ' ', 'x' };
	assert_int_equal(kbuild_line_parse(buf, sizeof(buf), NULL), KBUILD_LINE_ERROR);
	assert_int_equal(kbuild_line_parse(buf, 6, NULL), KBUILD_LINE_OTHER);
	assert_int_equal(kbuild_line_parse("  CC      x.o", 9, NULL), KBUILD_LINE_OTHER);
	assert_int_equal(kbuild_line_parse("", 0, NULL), KBUILD_LINE_OTHER);
}

static void test_garbage_lines(void **state)
{
	(void)state;
	static const char alphabet[] = "  ::[]*|0123456789CCASLDMmake.-/ewarnigo\t'";
	unsigned seed = 12345;
	struct kbuild_progress *p = kbuild_new();
	struct kbuild_dryrun d = { 0 };
	char line[160];
	for (int i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		size_t n = (seed >> 16) % sizeof(line);
		for (size_t k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			line[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		line[n] = '\0';
		kbuild_feed(p, line, i * 0.01);
		kbuild_dryrun_feed(&d, line);
	}
	kbuild_feed(p, "", 31);
	kbuild_feed(p, "make[1]: *** [", 32);
	kbuild_feed(p, "x:1:2:3: error: ", 33);
	kbuild_feed(p, "  CC [M]", 34);
	kbuild_feed(p, "make: ***", 35);
	assert_int_equal(kbuild_counts(p)->lines, 3005);
	kbuild_finish(p, 40);
	struct kbuild_estimate e = kbuild_estimate(p, 40);
	assert_true(e.fraction == 1);
	struct kbuild_history h;
	kbuild_history_from_run(p, &h);
	assert_int_equal(h.steps, kbuild_counts(p)->steps);
	kbuild_history_free(&h);
	kbuild_free(p);
}

static long max_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A flood (a log replayed at full speed, a huge build) must not grow memory
 * with every step: the step times and the compile labels kept for the next
 * run's anchors are thinned, and the history made from it is still a good one:
 * ascending, ending at the last step, its anchors spread over the whole run. */
static void test_flood_bounded(void **state)
{
	(void)state;
	struct kbuild_progress *p = kbuild_new();
	const size_t n = 3000000;
	char line[96];
	long rss0 = max_rss_kb();
	for (size_t i = 1; i <= n; i++) {
		snprintf(line, sizeof(line), "  CC      drivers/flood/file%zu.o", i);
		kbuild_feed(p, line, (double)i / 1000.0);
	}
	long grown_mb = (max_rss_kb() - rss0) / 1024;
	/* Unthinned, 3 M labels and times cost well over 100 MB. */
	assert_true(grown_mb < 16);
	assert_int_equal(kbuild_counts(p)->steps, n);
	struct kbuild_estimate e = kbuild_estimate(p, (double)n / 1000.0);
	/* 1000 steps a second, measured over the last 10 s. */
	assert_true(e.rate > 990 && e.rate < 1010);
	kbuild_finish(p, (double)n / 1000.0 + 1);
	struct kbuild_history h;
	kbuild_history_from_run(p, &h);
	assert_int_equal(h.steps, n);
	assert_true(h.n_curve >= 100 && h.n_curve < 1000);
	for (size_t i = 1; i < h.n_curve; i++) {
		assert_true(h.curve[i].step > h.curve[i - 1].step);
		assert_true(h.curve[i].t >= h.curve[i - 1].t);
	}
	assert_int_equal(h.curve[h.n_curve - 1].step, n);
	assert_int_equal(h.n_anchors, KBUILD_ANCHORS);
	double first = h.anchors[0].t, last = h.anchors[0].t;
	for (size_t i = 0; i < h.n_anchors; i++) {
		first = h.anchors[i].t < first ? h.anchors[i].t : first;
		last = h.anchors[i].t > last ? h.anchors[i].t : last;
	}
	assert_true(first < 0.02 * n / 1000.0);
	assert_true(last > 0.98 * n / 1000.0);
	kbuild_history_free(&h);
	kbuild_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_log_counts),
		cmocka_unit_test(test_current_dir),
		cmocka_unit_test(test_tag_counts_exact),
		cmocka_unit_test(test_last_line_cut),
		cmocka_unit_test(test_dir_with_nul),
		cmocka_unit_test(test_label_and_dir_after_other_lines),
		cmocka_unit_test(test_error_log_real),
		cmocka_unit_test(test_diag_synthetic),
		cmocka_unit_test(test_history_eta_replay),
		cmocka_unit_test(test_history_prepared_tree),
		cmocka_unit_test(test_silent_phase),
		cmocka_unit_test(test_silent_phase_prepared_tree),
		cmocka_unit_test(test_indeterminate),
		cmocka_unit_test(test_distrust_fast_run),
		cmocka_unit_test(test_distrust_needs_five_percent),
		cmocka_unit_test(test_history_json_roundtrip),
		cmocka_unit_test(test_dryrun_tinyconfig),
		cmocka_unit_test(test_dryrun_modules),
		cmocka_unit_test(test_dryrun_after_prepare),
		cmocka_unit_test(test_line_parse),
		cmocka_unit_test(test_garbage_lines),
		cmocka_unit_test(test_flood_bounded),
	};
	return cmocka_run_group_tests_name("kbuild", tests, NULL, NULL);
}
