/* Kernel tree inspection: fixture trees under tests/fixtures/tree, and the
 * real Debian linux-source-6.12 tree when one is unpacked in /tmp/kfdo-kernel. */
#include "tests/unit/testlib.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "detect/check.h"
#include "detect/tree.h"

#define TREE_FIXTURES FIXTURES "/tree"
#define REAL_KERNEL_DIR "/tmp/kfdo-kernel"

static const struct check *find(const struct check_list *l, const char *id)
{
	const struct check *c = check_find(l, id);
	if (!c)
		fail_msg("no check %s", id);
	return c;
}

static void test_tree_613(void **state)
{
	(void)state;
	struct kernel_tree t;
	char *cause = NULL;
	assert_int_equal(tree_inspect(TREE_FIXTURES "/linux-6.13/", &t, &cause), 0);
	assert_null(cause);
	assert_string_equal(t.path, TREE_FIXTURES "/linux-6.13");
	assert_int_equal(t.version, 6);
	assert_int_equal(t.patchlevel, 13);
	assert_int_equal(t.sublevel, 0);
	assert_string_equal(t.extraversion, "-rc7");
	assert_string_equal(t.release_string, "6.13.0-rc7");
	assert_true(t.has_autofdo);
	assert_true(t.has_propeller);
	assert_true(t.has_lto_thin);
	assert_true(t.has_pacman_pkg);
	assert_int_equal(t.status, CHECK_OK);
	assert_null(t.remedy);
	assert_true(tree_version_at_least(&t, 6, 13));
	assert_false(tree_version_at_least(&t, 6, 14));
	assert_true(tree_version_at_least(&t, 5, 99));

	/* Its .config: made by clang 19 with ThinLTO and AutoFDO. */
	assert_true(t.config.present);
	assert_true(t.config.cc_is_clang);
	assert_true(t.config.autofdo_clang);
	assert_false(t.config.propeller_clang);
	assert_true(t.config.lto_clang_thin);
	assert_false(t.config.lto_clang_full);
	assert_false(t.config.lto_none);
	assert_true(t.config.debug_info);
	assert_int_equal(t.config.clang_version, 190107);

	struct check_list l = { 0 };
	tree_checks(&t, &l);
	assert_int_equal(find(&l, "tree.version")->status, CHECK_OK);
	assert_int_equal(find(&l, "tree.autofdo")->status, CHECK_OK);
	assert_int_equal(find(&l, "tree.propeller")->status, CHECK_OK);
	assert_int_equal(find(&l, "tree.lto-thin")->status, CHECK_OK);
	assert_int_equal(find(&l, "tree.pacman-pkg")->status, CHECK_OK);
	const struct check *c = find(&l, "tree.config");
	assert_int_equal(c->status, CHECK_OK);
	assert_non_null(strstr(c->message, "clang 19.1.7"));
	assert_non_null(strstr(c->message, "AUTOFDO_CLANG on"));
	assert_non_null(strstr(c->message, "LTO thin"));
	assert_int_equal(check_list_worst(&l), CHECK_OK);
	check_list_free(&l);
	tree_free(&t);
}

static void test_tree_612_too_old(void **state)
{
	(void)state;
	struct kernel_tree t;
	assert_int_equal(tree_inspect(TREE_FIXTURES "/linux-6.12", &t, NULL), 0);
	assert_string_equal(t.release_string, "6.12.117");
	assert_string_equal(t.extraversion, "");
	assert_false(t.has_autofdo);
	assert_false(t.has_propeller);
	assert_true(t.has_lto_thin);
	assert_true(t.has_pacman_pkg);
	assert_int_equal(t.status, CHECK_FAIL);
	assert_non_null(strstr(t.message, "too old for AutoFDO"));
	assert_non_null(strstr(t.remedy, "6.13 or later"));
	assert_non_null(strstr(t.remedy, "linux-cachyos"));

	struct check_list l = { 0 };
	tree_checks(&t, &l);
	const struct check *c = find(&l, "tree.version");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_non_null(strstr(c->message, "6.12.117"));
	assert_non_null(strstr(c->remedy, "6.13"));
	assert_int_equal(find(&l, "tree.autofdo")->status, CHECK_FAIL);
	assert_int_equal(find(&l, "tree.propeller")->status, CHECK_WARN);
	assert_int_equal(find(&l, "tree.lto-thin")->status, CHECK_OK);
	/* Its .config came from GCC: AUTOFDO_CLANG would be dropped silently. */
	assert_true(t.config.present);
	assert_false(t.config.cc_is_clang);
	assert_true(t.config.lto_none);
	c = find(&l, "tree.config");
	assert_int_equal(c->status, CHECK_WARN);
	assert_non_null(strstr(c->message, "GCC"));
	assert_non_null(strstr(c->remedy, "LLVM=1"));
	check_list_free(&l);
	tree_free(&t);
}

static void expect_error(const char *path, const char *want)
{
	struct kernel_tree t;
	char *cause = NULL;
	assert_int_equal(tree_inspect(path, &t, &cause), -1);
	if (!cause || !strstr(cause, want))
		fail_msg("%s: cause \"%s\" lacks \"%s\"", path, cause ? cause : "(null)", want);
	/* A failed inspect leaves nothing to free, and freeing again is harmless. */
	assert_null(t.path);
	tree_free(&t);
	free(cause);
}

static void test_tree_errors(void **state)
{
	(void)state;
	expect_error("/nonexistent/kfdo/linux", "No such file or directory");
	expect_error(TREE_FIXTURES "/not-a-tree", "not a kernel tree: it has no top-level Makefile");
	expect_error(TREE_FIXTURES "/no-version", "sets no VERSION");
	expect_error(TREE_FIXTURES "/no-kconfig", "not a kernel tree: it has no Kconfig");
	expect_error(TREE_FIXTURES "/README.md", "is not a directory");
	expect_error("", "no kernel tree given");
}

static void test_tree_no_config(void **state)
{
	(void)state;
	/* A 6.14 tree of two files: no .config, no AutoFDO in its Kconfig. */
	char tmpl[] = "/tmp/kfdo-tree-XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char *mk = xasprintf("%s/Makefile", dir), *kc = xasprintf("%s/Kconfig", dir);
	FILE *f = fopen(mk, "w");
	assert_non_null(f);
	fputs("VERSION = 6\nPATCHLEVEL = 14\nSUBLEVEL = 2\nEXTRAVERSION =\n", f);
	fclose(f);
	f = fopen(kc, "w");
	assert_non_null(f);
	fputs("mainmenu \"x\"\n", f);
	fclose(f);
	struct kernel_tree t;
	assert_int_equal(tree_inspect(dir, &t, NULL), 0);
	assert_false(t.config.present);
	/* New enough by number, but its Kconfig does not offer AutoFDO. */
	assert_false(t.has_autofdo);
	assert_int_equal(t.status, CHECK_FAIL);
	assert_non_null(strstr(t.message, "no AUTOFDO_CLANG"));
	assert_false(t.has_pacman_pkg);
	struct check_list l = { 0 };
	tree_checks(&t, &l);
	assert_int_equal(find(&l, "tree.config")->status, CHECK_SKIP);
	assert_int_equal(find(&l, "tree.version")->status, CHECK_OK);
	assert_int_equal(find(&l, "tree.autofdo")->status, CHECK_FAIL);
	assert_int_equal(find(&l, "tree.pacman-pkg")->status, CHECK_WARN);
	check_list_free(&l);
	tree_free(&t);
	remove(mk);
	remove(kc);
	rmdir(dir);
	free(mk);
	free(kc);
}

static void test_config_parse(void **state)
{
	(void)state;
	struct kernel_config c;
	char *cause = NULL;
	assert_int_equal(tree_config_read(TREE_FIXTURES "/linux-6.13/.config", &c, &cause), 0);
	assert_true(c.present);
	assert_string_equal(tree_config_get(&c, "CONFIG_AUTOFDO_CLANG"), "y");
	assert_string_equal(tree_config_get(&c, "AUTOFDO_CLANG"), "y");
	assert_string_equal(tree_config_get(&c, "LTO_NONE"), "n");
	assert_string_equal(tree_config_get(&c, "EXT4_FS"), "m");
	assert_true(tree_config_enabled(&c, "EXT4_FS"));
	assert_false(tree_config_enabled(&c, "PROPELLER_CLANG"));
	assert_string_equal(tree_config_get(&c, "HZ"), "1000");
	assert_string_equal(tree_config_get(&c, "CC_VERSION_TEXT"),
			    "Debian clang version 19.1.7 (3~deb12u1)");
	assert_string_equal(tree_config_get(&c, "LOCALVERSION"), "-kfdo \"test\"");
	assert_null(tree_config_get(&c, "NOT_THERE"));
	/* "CONFIG_HZ" must not answer for "HZ_1000" or the other way round. */
	assert_null(tree_config_get(&c, "H"));
	tree_config_free(&c);

	assert_int_equal(tree_config_read("/nonexistent/.config", &c, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/.config"));
	assert_false(c.present);
	tree_config_free(&c);
	free(cause);
}

/* Debian's linux-source-6.12, unpacked by another helper; absent on a fresh machine. */
static char *real_tree_path(void)
{
	static const char *const candidates[] = {
		REAL_KERNEL_DIR, REAL_KERNEL_DIR "/linux-source-6.12",
	};
	for (size_t i = 0; i < ARRAY_LEN(candidates); i++) {
		char *mk = xasprintf("%s/Makefile", candidates[i]);
		char *kc = xasprintf("%s/arch/Kconfig", candidates[i]);
		struct stat st;
		bool ok = stat(mk, &st) == 0 && stat(kc, &st) == 0;
		free(mk);
		free(kc);
		if (ok)
			return xstrdup(candidates[i]);
	}
	return NULL;
}

static void test_real_612_tree(void **state)
{
	(void)state;
	char *path = real_tree_path();
	if (!path) {
		print_message("no kernel tree in " REAL_KERNEL_DIR ": skipped\n");
		skip();
	}
	struct kernel_tree t;
	char *cause = NULL;
	if (tree_inspect(path, &t, &cause) != 0)
		fail_msg("%s", cause);
	print_message("  %s: Linux %s, autofdo %d, propeller %d, lto-thin %d, pacman-pkg %d\n",
		      path, t.release_string, t.has_autofdo, t.has_propeller, t.has_lto_thin,
		      t.has_pacman_pkg);
	assert_int_equal(t.version, 6);
	assert_int_equal(t.patchlevel, 12);
	assert_false(t.has_autofdo);
	assert_false(t.has_propeller);
	assert_true(t.has_lto_thin);
	assert_int_equal(t.status, CHECK_FAIL);
	assert_non_null(strstr(t.remedy, "6.13"));
	tree_free(&t);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_613),
		cmocka_unit_test(test_tree_612_too_old),
		cmocka_unit_test(test_tree_errors),
		cmocka_unit_test(test_tree_no_config),
		cmocka_unit_test(test_config_parse),
		cmocka_unit_test(test_real_612_tree),
	};
	return cmocka_run_group_tests_name("tree", tests, NULL, NULL);
}
