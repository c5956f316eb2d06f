/* engine/makepkg: the makepkg runs of a linux-cachyos PKGBUILD as the flow's
 * source (tests/fixtures/cachyos-standin), their knobs, what is refused, and
 * the tree makepkg extracted. tests/cli/test_cachyos.sh runs them. */
#include "tests/unit/testlib.h"

#include "base/strv.h"
#include "base/util.h"
#include "engine/makepkg.h"
#include "engine/plan.h"
#include "engine/session.h"

static char tmp[64];
static char *old_cache;

static int setup(void **state)
{
	(void)state;
	strcpy(tmp, "/tmp/kfdo-test-makepkg-run-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	old_cache = test_env_save("XDG_CACHE_HOME");
	char *cache = xasprintf("%s/cache", tmp);
	setenv("XDG_CACHE_HOME", cache, 1);
	free(cache);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_env_restore("XDG_CACHE_HOME", old_cache);
	test_rm_rf(tmp);
	return 0;
}

/* tmp/NAME/PKGBUILD: the stand-in's text, its LTO default replaced by lto. */
static char *pkgbuild_dir(const char *name, const char *lto)
{
	char *text = file_read(FIXTURES "/cachyos-standin/linux-cachyos/PKGBUILD", 1 << 20, NULL);
	assert_non_null(text);
	char *at = strstr(text, ": \"${_use_llvm_lto:=thin}\"");
	assert_non_null(at);
	char *dir = xasprintf("%s/%s", tmp, name), *path = xasprintf("%s/PKGBUILD", dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%.*s: \"${_use_llvm_lto:=%s}\"%s", (int)(at - text), text, lto,
		at + strlen(": \"${_use_llvm_lto:=thin}\""));
	fclose(f);
	free(path);
	free(text);
	return dir;
}

static struct session *pkgbuild_session(const char *dir)
{
	struct session *s = session_new();
	s->pkgbuild = xstrdup(dir);
	return s;
}

/* How many of env are NAME=...; and the one value. */
static size_t env_count(char *const *env, const char *name, const char **value)
{
	size_t n = 0, len = strlen(name);
	for (size_t i = 0; env && env[i]; i++)
		if (strncmp(env[i], name, len) == 0 && env[i][len] == '=') {
			n++;
			*value = env[i] + len + 1;
		}
	return n;
}

static void assert_env(const struct plan_cmd *c, const char *name, const char *want)
{
	const char *v = NULL;
	if (env_count(c->env, name, &v) != 1)
		fail_msg("%s: not exactly once in the environment", name);
	assert_string_equal(v, want);
}

static void test_runs(void **state)
{
	(void)state;
	char *dir = pkgbuild_dir("linux-cachyos", "thin");
	struct session *s = pkgbuild_session(dir);
	strv_push(&s->makepkg_args, "--nodeps");
	strv_push(&s->knobs, "_cpusched=bore");
	char *cause = NULL, *builddir = xasprintf("%s/cache/kfdo/makepkg", tmp);
	const char *want[][4] = {
		{ "--nobuild", "--cleanbuild", "--nodeps", NULL },
		{ "--noextract", "--force", "--nodeps", NULL },
	};
	for (int run = 0; run < 2; run++) {
		struct plan p = { 0 };
		assert_int_equal(makepkg_plan(s, run == 0 ? MAKEPKG_RUN_CONFIGURE : MAKEPKG_RUN_BUILD, &p, &cause), 0);
		assert_int_equal(p.n, 1);
		const struct plan_cmd *c = &p.cmds[0];
		assert_string_equal(c->argv[0], "makepkg");
		for (int i = 0; want[run][i]; i++)
			assert_string_equal(c->argv[i + 1], want[run][i]);
		assert_null(c->argv[4]);
		assert_string_equal(c->cwd, dir);
		assert_env(c, "BUILDDIR", builddir);
		char *dest = xasprintf("%s/packages-first", builddir);
		assert_env(c, "PKGDEST", dest);
		free(dest);
		assert_env(c, "LC_MESSAGES", "C");
		assert_env(c, "_autofdo", "yes");
		assert_env(c, "_build_debug", "yes");
		assert_env(c, "_use_llvm_lto", "thin");
		assert_env(c, "_cpusched", "bore");
		/* What the flow leaves off and the user's shell exports is emptied
		 * (set in the second run only), not inherited. */
		const char *v;
		assert_int_equal(env_count(c->env, "_propeller", &v), run);
		assert_int_equal(env_count(c->env, "_autofdo_profile_name", &v), run);
		assert_int_equal(env_count(c->env, "LC_ALL", &v), run);
		if (run)
			assert_env(c, "_autofdo_profile_name", "");
		setenv("_autofdo_profile_name", "stale.afdo", 1);
		setenv("_propeller", "yes", 1);
		setenv("LC_ALL", "de_DE.UTF-8", 1);
		plan_free(&p);
	}
	unsetenv("_autofdo_profile_name");
	unsetenv("_propeller");
	unsetenv("LC_ALL");
	free(builddir);
	session_free(s);
	free(dir);
}

/* The final build on a PKGBUILD set to build without LTO, the session with
 * full LTO: the export would add _use_llvm_lto=thin, the session's full wins,
 * and no knob reaches makepkg twice. */
static void test_final(void **state)
{
	(void)state;
	char *dir = pkgbuild_dir("linux-cachyos", "none");
	struct session *s = pkgbuild_session(dir);
	s->toggles.thin_lto = false;
	s->toggles.full_lto = true;
	s->toggles.propeller = true;
	s->artifacts.profile = xasprintf("%s/6.13.0-kbuild.afdo", tmp);
	FILE *f = fopen(s->artifacts.profile, "w");
	assert_non_null(f);
	fputs("a profile", f);
	fclose(f);
	struct plan p = { 0 };
	char *cause = NULL;
	assert_int_equal(makepkg_plan(s, MAKEPKG_RUN_FINAL, &p, &cause), 0);
	const struct plan_cmd *c = &p.cmds[0];
	assert_string_equal(c->argv[1], "--cleanbuild");
	assert_string_equal(c->argv[2], "--skipchecksums");
	assert_env(c, "_use_llvm_lto", "full");
	assert_env(c, "_autofdo", "yes");
	assert_env(c, "_propeller", "yes");
	assert_env(c, "_autofdo_profile_name", "6.13.0-kbuild.afdo");
	char *dest = xasprintf("%s/cache/kfdo/makepkg/packages-final", tmp);
	assert_env(c, "PKGDEST", dest);
	free(dest);
	plan_free(&p);
	/* The planned copy: beside the PKGBUILD, written by the final build's prepare. */
	char *beside = makepkg_profile_beside(s), *want = xasprintf("%s/6.13.0-kbuild.afdo", dir);
	assert_string_equal(beside, want);
	assert_int_not_equal(access(beside, F_OK), 0);
	assert_int_equal(makepkg_place_profile(s, &cause), 0);
	char *copied = file_read(beside, 1024, NULL);
	assert_string_equal(copied, "a profile");
	free(copied);
	/* Another file there now: refused, and left as it was. */
	f = fopen(beside, "w");
	fputs("the user's", f);
	fclose(f);
	assert_int_equal(makepkg_place_profile(s, &cause), -1);
	assert_non_null(strstr(cause, "kfdo replaces nothing by itself"));
	free(cause);
	cause = NULL;
	assert_int_equal(makepkg_plan(s, MAKEPKG_RUN_FINAL, &p, &cause), -1);
	free(cause);
	cause = NULL;
	copied = file_read(beside, 1024, NULL);
	assert_string_equal(copied, "the user's");
	free(copied);
	free(beside);
	free(want);
	session_free(s);
	free(dir);
}

static void test_refusals(void **state)
{
	(void)state;
	char *dir = pkgbuild_dir("linux-cachyos", "thin");
	struct session *s = pkgbuild_session(dir);
	struct plan p = { 0 };
	char *cause = NULL;
	/* No LTO: linux-cachyos would build with GCC. */
	s->toggles.thin_lto = false;
	assert_false(makepkg_session_ok(s, &cause));
	assert_non_null(strstr(cause, "builds with GCC without LTO"));
	free(cause);
	cause = NULL;
	s->toggles.thin_lto = true;
	/* A knob the flow sets; one the PKGBUILD lacks. */
	strv_push(&s->knobs, "_use_llvm_lto=none");
	assert_int_equal(makepkg_plan(s, MAKEPKG_RUN_CONFIGURE, &p, &cause), -1);
	assert_non_null(strstr(cause, "kfdo sets _use_llvm_lto itself"));
	assert_int_equal(p.n, 0);
	free(cause);
	cause = NULL;
	strv_free(s->knobs);
	s->knobs = NULL;
	strv_push(&s->knobs, "_nosuch=1");
	assert_false(makepkg_session_ok(s, &cause));
	assert_non_null(strstr(cause, "has no knob _nosuch"));
	free(cause);
	cause = NULL;
	strv_free(s->knobs);
	s->knobs = NULL;
	/* Without AutoFDO there is nothing for this source to do. */
	s->toggles.autofdo = false;
	assert_false(makepkg_session_ok(s, &cause));
	assert_non_null(strstr(cause, "--no-autofdo is for a kernel tree"));
	free(cause);
	cause = NULL;
	s->toggles.autofdo = true;
	/* Not a PKGBUILD folder. */
	free(s->pkgbuild);
	s->pkgbuild = xstrdup(tmp);
	assert_false(makepkg_source_ok(s, &cause));
	free(cause);
	cause = NULL;
	session_free(s);
	free(dir);
}

static void mk_tree(const char *path, const char *makefile)
{
	char *mk = xasprintf("%s/Makefile", path);
	assert_int_equal(mkdir_p(path, 0755, NULL), 0);
	FILE *f = fopen(mk, "w");
	assert_non_null(f);
	fputs(makefile, f);
	fclose(f);
	free(mk);
}

static void test_find_tree(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_null(makepkg_find_tree(&cause));
	assert_non_null(strstr(cause, "makepkg extracted no kernel tree"));
	free(cause);
	cause = NULL;
	char *b = xasprintf("%s/cache/kfdo/makepkg", tmp);
	char *old = xasprintf("%s/linux-cachyos-bore/src/linux-6.12", b),
	     *other = xasprintf("%s/linux-cachyos/src/zfs", b), *want = xasprintf("%s/linux-cachyos/src/linux-6.13", b);
	/* Another variant's tree, extracted earlier, whose modification time is
	 * in the future (a SOURCE_DATE_EPOCH could set any): the change time
	 * decides, which no one sets. */
	mk_tree(old, "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 12\n");
	struct timespec t[2] = { { 4000000000, 0 }, { 4000000000, 0 } };
	assert_int_equal(utimensat(AT_FDCWD, old, t, 0), 0);
	struct stat st;
	assert_int_equal(stat(old, &st), 0);
	/* The next tree's change time must be later: wait for the clock the
	 * kernel stamps with to pass this one's. */
	struct timespec now;
	do
		clock_gettime(CLOCK_REALTIME_COARSE, &now);
	while (now.tv_sec < st.st_ctim.tv_sec || (now.tv_sec == st.st_ctim.tv_sec && now.tv_nsec <= st.st_ctim.tv_nsec));
	mk_tree(want, "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 13\n");
	mk_tree(other, "all:\n\techo zfs\n");
	char *got = makepkg_find_tree(&cause);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(old);
	free(other);
	free(want);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_tree, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
