/* engine/makepkg_log: makepkg's phases, downloads and failures read from real
 * makepkg 6.0.2 logs of a PKGBUILD shaped like linux-cachyos's
 * (tests/fixtures/makepkg, made by its make-logs.sh). */
#include "tests/unit/testlib.h"

#include "base/util.h"
#include "engine/makepkg_log.h"

#define MK FIXTURES "/makepkg"

/* The whole log fed; the model stays for the asserts. */
static void replay(struct makepkg_log *m, struct tlog *lg, const char *path)
{
	tlog_load(lg, path);
	makepkg_log_init(m);
	for (size_t i = 0; i < lg->n; i++)
		makepkg_log_feed(m, lg->line[i], strlen(lg->line[i]), lg->t[i]);
}

/* When the log printed the first line that starts with prefix; -1: never. */
static double when(const struct tlog *lg, const char *prefix)
{
	for (size_t i = 0; i < lg->n; i++)
		if (strncmp(lg->line[i], prefix, strlen(prefix)) == 0)
			return lg->t[i];
	return -1;
}

static void test_ok_phases(void **state)
{
	(void)state;
	struct tlog lg;
	struct makepkg_log m;
	replay(&m, &lg, MK "/linux-cachyos-ok.log");
	assert_int_equal(m.phase, MAKEPKG_DONE);
	assert_null(m.error);
	assert_string_equal(m.pkgbase, "linux-cachyos");
	assert_string_equal(m.version, "6.12.7-1");
	/* Each phase starts at its own line of the log. */
	static const struct {
		enum makepkg_phase p;
		const char *line;
	} at[] = {
		{ MAKEPKG_RETRIEVE, "==> Retrieving sources" },	{ MAKEPKG_EXTRACT, "==> Extracting sources" },
		{ MAKEPKG_PREPARE, "==> Starting prepare()" },	{ MAKEPKG_BUILD, "==> Starting build()" },
		{ MAKEPKG_PACKAGE, "==> Entering fakeroot" },	{ MAKEPKG_DONE, "==> Finished making: " },
	};
	for (size_t i = 0; i < ARRAY_LEN(at); i++) {
		double t = when(&lg, at[i].line);
		assert_true(t > 0);
		assert_true(m.phase_start[at[i].p] == t);
	}
	/* --nodeps and --skipchecksums: neither phase ran, and the skip is known. */
	assert_true(m.phase_start[MAKEPKG_DEPENDS] < 0);
	assert_true(m.phase_start[MAKEPKG_VALIDATE] < 0);
	assert_true(m.skipped_checksums);
	/* The download, the patches, the last function. */
	assert_int_equal(m.downloads, 1);
	assert_string_equal(m.source, "linux-6.12.7.tar");
	assert_int_equal(m.patches, 2);
	assert_string_equal(m.patch, "0002-sched-ext.patch");
	assert_string_equal(m.function, "package_linux-cachyos-dbg");
	assert_int_equal(m.lines, lg.n);
	char *doing = makepkg_log_doing(&m);
	assert_string_equal(doing, "done");
	free(doing);
	makepkg_log_free(&m);
	tlog_free(&lg);
}

static void test_download_fails(void **state)
{
	(void)state;
	struct tlog lg;
	struct makepkg_log m;
	replay(&m, &lg, MK "/linux-cachyos-download-fails.log");
	assert_int_equal(m.phase, MAKEPKG_RETRIEVE);
	assert_int_equal(m.error_phase, MAKEPKG_RETRIEVE);
	assert_string_equal(m.error, "Failure while downloading http://127.0.0.1:PORT/linux-6.12.8.tar");
	/* Which source, and why, in curl's words, which makepkg's error leaves out. */
	assert_string_equal(m.error_source, "linux-6.12.8.tar");
	assert_string_equal(m.cause, "curl: (22) The requested URL returned error: 404");
	char *doing = makepkg_log_doing(&m);
	assert_string_equal(doing, "downloading linux-6.12.8.tar");
	free(doing);
	makepkg_log_free(&m);
	tlog_free(&lg);
}

static void test_patch_fails(void **state)
{
	(void)state;
	struct tlog lg;
	struct makepkg_log m;
	replay(&m, &lg, MK "/linux-cachyos-patch-fails.log");
	assert_int_equal(m.phase, MAKEPKG_PREPARE);
	assert_int_equal(m.error_phase, MAKEPKG_PREPARE);
	assert_string_equal(m.error, "A failure occurred in prepare().");
	assert_string_equal(m.error_source, "0002-sched-ext.patch");
	assert_string_equal(m.cause, "1 out of 1 hunk FAILED -- saving rejects to file f2.c.rej");
	char *doing = makepkg_log_doing(&m);
	assert_string_equal(doing, "preparing: patch 0002-sched-ext.patch");
	free(doing);
	/* Only the first error counts: the download's source is not blamed. */
	assert_string_equal(m.source, "linux-6.12.7.tar");
	makepkg_log_free(&m);
	tlog_free(&lg);
}

/* curl's meter, from the real download lines: the last piece is what shows. */
static void test_meter(void **state)
{
	(void)state;
	struct tlog lg;
	tlog_load(&lg, MK "/linux-cachyos-ok.log");
	struct makepkg_meter mt;
	size_t i = 0;
	while (i < lg.n && !strstr(lg.line[i], "Downloading linux-6.12.7.tar"))
		i++;
	assert_true(i + 3 < lg.n);
	/* The two header lines are not a meter. */
	assert_false(makepkg_meter_parse(lg.line[i + 1], strlen(lg.line[i + 1]), &mt));
	assert_false(makepkg_meter_parse(lg.line[i + 2], strlen(lg.line[i + 2]), &mt));
	const char *meter = lg.line[i + 3];
	assert_true(makepkg_meter_parse(meter, strlen(meter), &mt));
	assert_int_equal(mt.percent, 100);
	/* 8 MiB of data and the tar's headers: "8210k". */
	assert_true(mt.total == 8210.0 * 1024 && mt.received == mt.total);
	/* Its first piece, as a partial line is while the download starts: size unknown. */
	const char *cr = strchr(meter + 1, '\r');
	assert_non_null(cr);
	assert_true(makepkg_meter_parse(meter, (size_t)(cr - meter), &mt));
	assert_int_equal(mt.percent, -1);
	assert_true(mt.received == 0);
	/* Halfway, with decimals. */
	const char *half = "\r 48 92.7M   48 44.6M    0     0  10.1M      0  0:00:09  0:00:04  0:00:05 10.3M";
	assert_true(makepkg_meter_parse(half, strlen(half), &mt));
	assert_int_equal(mt.percent, 48);
	assert_true(mt.total > 92.6 * 1048576 && mt.total < 92.8 * 1048576);
	assert_true(mt.speed > 10.2 * 1048576 && mt.speed < 10.4 * 1048576);
	/* Not a meter: a kbuild line, a percentage over 100, a unit curl never writes. */
	assert_false(makepkg_meter_parse("  CC      f1.o", 14, &mt));
	const char *bad = "101  123M  100  123M    0     0   235k      0  0:08:16  0:08:16 --:--:--  239k";
	assert_false(makepkg_meter_parse(bad, strlen(bad), &mt));
	bad = "100  123X  100  123M    0     0   235k      0  0:08:16  0:08:16 --:--:--  239k";
	assert_false(makepkg_meter_parse(bad, strlen(bad), &mt));
	/* 13 fields are not curl's 12. */
	bad = "100  123M  100  123M    0     0   235k      0  0:08:16  0:08:16 --:--:--  239k x";
	assert_false(makepkg_meter_parse(bad, strlen(bad), &mt));
	/* The last of many redraws counts, however long the line grew. */
	struct strbuf many = { 0 };
	for (int k = 0; k < 400; k++)
		sb_addf(&many, "\r%3d 92.7M  %3d 44.6M    0     0  10.1M      0  0:00:09  0:00:04  0:00:05 10.3M",
			k % 100, k % 100);
	assert_true(makepkg_meter_parse(many.s, many.len, &mt));
	assert_int_equal(mt.percent, 399 % 100);
	sb_free(&many);
	tlog_free(&lg);
}

/* makepkg colours its messages on a terminal; another language is only counted. */
static void test_colour_and_language(void **state)
{
	(void)state;
	struct makepkg_log m;
	makepkg_log_init(&m);
	const char *l = "\033[1m\033[32m==>\033[0m\033[1m Starting build()...\033[0m";
	makepkg_log_feed(&m, l, strlen(l), 3.0);
	assert_int_equal(m.phase, MAKEPKG_BUILD);
	assert_null(makepkg_log_doing(&m));
	assert_true(m.phase_start[MAKEPKG_BUILD] == 3.0);
	assert_string_equal(m.function, "build");
	/* tput sgr0 on xterm: "\033(B\033[m". */
	l = "\033[1m\033[31m==> ERROR:\033(B\033[m\033[1m A failure occurred in build().\033(B\033[m";
	makepkg_log_feed(&m, l, strlen(l), 4.0);
	assert_string_equal(m.error, "A failure occurred in build().");
	assert_int_equal(m.error_phase, MAKEPKG_BUILD);
	makepkg_log_free(&m);

	makepkg_log_init(&m);
	l = "==> Запуск build()...";
	makepkg_log_feed(&m, l, strlen(l), 1.0);
	assert_int_equal(m.phase, MAKEPKG_NOT_STARTED);
	assert_int_equal(m.lines, 1);
	/* Nor does makepkg go back: a later "Retrieving" is not a new phase. */
	l = "==> Starting package_linux-cachyos()...";
	makepkg_log_feed(&m, l, strlen(l), 2.0);
	l = "==> Retrieving sources...";
	makepkg_log_feed(&m, l, strlen(l), 3.0);
	assert_int_equal(m.phase, MAKEPKG_PACKAGE);
	assert_true(m.phase_start[MAKEPKG_RETRIEVE] < 0);
	char *doing = makepkg_log_doing(&m);
	assert_string_equal(doing, "packaging linux-cachyos");
	free(doing);
	makepkg_log_free(&m);
	assert_string_equal(makepkg_phase_key(MAKEPKG_RETRIEVE), "retrieve");
	assert_string_equal(makepkg_phase_key(MAKEPKG_PHASE_COUNT), "?");
}

/* A cause is the word of the tool that ran since makepkg's last message, and a
 * patch is blamed only when patch said it failed. */
static void test_causes(void **state)
{
	(void)state;
	static const char *const later[] = {
		"==> Starting prepare()...",
		"Applying patch 0001-bore-cachy.patch...",
		"patching file f1.c",
		"fatal: not a git repository (or any of the parent directories): .git",
		"==> Starting build()...",
		"==> Entering fakeroot environment...",
		"==> Starting package_linux-cachyos()...",
		"==> ERROR: A failure occurred in package_linux-cachyos().",
	};
	struct makepkg_log m;
	makepkg_log_init(&m);
	for (size_t i = 0; i < ARRAY_LEN(later); i++)
		makepkg_log_feed(&m, later[i], strlen(later[i]), (double)i);
	assert_string_equal(m.error, "A failure occurred in package_linux-cachyos().");
	assert_int_equal(m.error_phase, MAKEPKG_PACKAGE);
	assert_null(m.cause);
	assert_null(m.error_source);
	makepkg_log_free(&m);

	/* prepare() fails after its patches applied (linux-cachyos sets its config there). */
	static const char *const config[] = {
		"==> Starting prepare()...",
		"Applying patch 0001-bore-cachy.patch...",
		"patching file f1.c",
		"Setting config...",
		"cp: cannot stat '../config': No such file or directory",
		"==> ERROR: A failure occurred in prepare().",
	};
	makepkg_log_init(&m);
	for (size_t i = 0; i < ARRAY_LEN(config); i++)
		makepkg_log_feed(&m, config[i], strlen(config[i]), (double)i);
	assert_string_equal(m.error, "A failure occurred in prepare().");
	assert_null(m.error_source);
	makepkg_log_free(&m);

	/* Trailing blanks go, as on the copying path. */
	makepkg_log_init(&m);
	const char *tb = "==> ERROR: Failure while downloading x.tar  ";
	makepkg_log_feed(&m, tb, strlen(tb), 0);
	assert_string_equal(m.error, "Failure while downloading x.tar");
	makepkg_log_free(&m);

	/* --skipinteg says it in other words. */
	makepkg_log_init(&m);
	const char *w = "==> WARNING: Skipping all source file integrity checks.";
	makepkg_log_feed(&m, w, strlen(w), 0);
	assert_true(m.skipped_checksums);
	makepkg_log_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_phases),
		cmocka_unit_test(test_download_fails),
		cmocka_unit_test(test_patch_fails),
		cmocka_unit_test(test_meter),
		cmocka_unit_test(test_colour_and_language),
		cmocka_unit_test(test_causes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
