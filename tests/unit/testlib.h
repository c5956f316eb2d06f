/* Common includes for the cmocka unit tests, and the path of the source tree
 * (tests run from the top of the tree: `make unit`). */
#ifndef KFDO_TESTLIB_H
#define KFDO_TESTLIB_H

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

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
static inline void test_rm_rf(const char *dir)
{
	nftw(dir, testlib_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
