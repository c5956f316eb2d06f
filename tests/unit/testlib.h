/* Common includes for the cmocka unit tests, and the path of the source tree
 * (tests run from the top of the tree: `make unit`). */
#ifndef KFDO_TESTLIB_H
#define KFDO_TESTLIB_H

#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/util.h"

#define FIXTURES "tests/fixtures"
#define CPUID_FIXTURES FIXTURES "/cpuid"

static inline int testlib_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* An environment variable's value to restore later (malloc'd, NULL when unset). */
static inline char *test_env_save(const char *name)
{
	const char *v = getenv(name);
	return v ? strdup(v) : NULL;
}

/* Puts back what test_env_save() kept (unsetting a variable that was unset) and frees it. */
static inline void test_env_restore(const char *name, char *saved)
{
	if (saved)
		setenv(name, saved, 1);
	else
		unsetenv(name);
	free(saved);
}

/* Removes a test's temporary directory tree. */
/* Runs a shell command (a test's own setup: compilers, perf, llvm tools);
 * its exit status, or -1 when it did not exit. */
static inline int test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int test_sh(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = xvasprintf(fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	free(cmd);
	return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Whether the commands a test starts are there (space-separated): the status of
 * `scripts/deps.sh need test CMDS`, whose reason goes to stderr. 0: listed in
 * scripts/deps.list and installed; 77: this distribution has no package for one
 * (the test skips); anything else fails the test (TEST_NEED): a missing install
 * step, or a tool the list lacks, which only happened to be on this machine. */
static inline int test_need(const char *cmds)
{
	return test_sh("scripts/deps.sh need test %s >&2", cmds);
}
#define TEST_NEED(rc, cmds)                                                                  \
	do {                                                                                 \
		if ((rc) == 77)                                                              \
			skip();                                                              \
		if ((rc) != 0)                                                               \
			fail_msg("%s: not listed in scripts/deps.list or not installed", cmds); \
	} while (0)

/* Writes dir/rel (creating its directories) with its mtime at sec; returns its path. */
static inline char *test_put_at(const char *dir, const char *rel, const char *text, time_t sec)
{
	char *path = xasprintf("%s/%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	return path;
}

static inline void test_rm_rf(const char *dir)
{
	nftw(dir, testlib_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A real build log of tests/fixtures/kbuild: "milliseconds TAB line" per line,
 * its lines and their times (seconds). */
struct tlog {
	char *buf;
	char **line;
	double *t;
	size_t n;
};

static inline void tlog_load(struct tlog *lg, const char *path)
{
	memset(lg, 0, sizeof(*lg));
	lg->buf = file_read(path, 1 << 24, NULL);
	assert_non_null(lg->buf);
	size_t cap = 0;
	for (char *s = lg->buf; *s;) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		char *tab = strchr(s, '\t');
		assert_non_null(tab);
		if (lg->n == cap) {
			cap = cap ? 2 * cap : 1024;
			lg->line = xrealloc(lg->line, cap * sizeof(*lg->line));
			lg->t = xrealloc(lg->t, cap * sizeof(*lg->t));
		}
		lg->t[lg->n] = strtod(s, NULL) / 1000.0;
		lg->line[lg->n++] = tab + 1;
		if (!nl)
			break;
		s = nl + 1;
	}
}

static inline void tlog_free(struct tlog *lg)
{
	free(lg->buf);
	free(lg->line);
	free(lg->t);
}

#endif
