/* What the build steps check after the build (engine/verify.c), through
 * the step table's hooks and postconditions: .config read back against the
 * toggles, and kbuild's saved commands (.cmd files) for AutoFDO's flags and
 * the profile. The objtrees are written here; their .cmd lines are the real
 * 6.12 ones of make check-e2e's tinyconfig build, shortened. */
#include "tests/unit/testlib.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/session.h"
#include "engine/step.h"
#include "engine/steps.h"
#include "base/util.h"

static char tmpdir[64];
static char *saved_state, *saved_data;

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kfdo-test-verify-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	saved_state = test_env_save("XDG_STATE_HOME");
	saved_data = test_env_save("XDG_DATA_HOME");
	setenv("XDG_STATE_HOME", tmpdir, 1);
	setenv("XDG_DATA_HOME", tmpdir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_env_restore("XDG_STATE_HOME", saved_state);
	test_env_restore("XDG_DATA_HOME", saved_data);
	test_rm_rf(tmpdir);
	return 0;
}

static char *put(const char *rel, const char *text, time_t sec)
{
	return test_put_at(tmpdir, rel, text, sec);
}

static void put_free(const char *rel, const char *text, time_t sec)
{
	free(put(rel, text, sec));
}

static const char *const config_ok =
	"CONFIG_CC_VERSION_TEXT=\"Debian clang version 19.1.7 (3~deb12u1)\"\nCONFIG_CC_IS_CLANG=y\n"
	"CONFIG_CLANG_VERSION=190107\nCONFIG_AS_IS_LLVM=y\nCONFIG_64BIT=y\n# CONFIG_LTO_NONE is not set\n"
	"CONFIG_LTO_CLANG_THIN=y\nCONFIG_ARCH_SUPPORTS_AUTOFDO_CLANG=y\nCONFIG_AUTOFDO_CLANG=y\n";

/* What syncconfig left after the build ran with clang 16: AutoFDO needs 17. */
static const char *const config_clang16 =
	"CONFIG_CC_VERSION_TEXT=\"Debian clang version 16.0.6 (15~deb12u1)\"\nCONFIG_CC_IS_CLANG=y\n"
	"CONFIG_CLANG_VERSION=160006\nCONFIG_AS_IS_LLVM=y\nCONFIG_64BIT=y\n# CONFIG_LTO_NONE is not set\n"
	"CONFIG_LTO_CLANG_THIN=y\nCONFIG_ARCH_SUPPORTS_AUTOFDO_CLANG=y\n# CONFIG_AUTOFDO_CLANG is not set\n";

/* kernel/.fork.o.cmd as 6.12 + the AutoFDO backport writes it; extra goes
 * after -gmlt, where scripts/Makefile.autofdo puts -fprofile-sample-use. */
static char *fork_cmd(bool autofdo, const char *extra)
{
	return xasprintf(
		"savedcmd_kernel/fork.o := clang-19 -Wp,-MMD,kernel/.fork.o.d -nostdinc -I/src/linux/include "
		"-D__KERNEL__ --target=x86_64-linux-gnu -fintegrated-as -std=gnu11 -Os -fno-lto -flto=thin "
		"-fsplit-lto-unit -fvisibility=hidden -Wall -Wno-unused-parameter %s%s -I/src/linux/kernel -Ikernel "
		"-DKBUILD_MODFILE='\"kernel/fork\"' -DKBUILD_BASENAME='\"fork\"' -c -o kernel/fork.o "
		"/src/linux/kernel/fork.c  \n\nsource_kernel/fork.o := /src/linux/kernel/fork.c\n\n"
		"deps_kernel/fork.o := \\\n    $(wildcard include/config/USER_NS) \\\n",
		autofdo ? " -fdebug-info-for-profiling -mllvm -enable-fs-discriminator=true "
			  "-mllvm -improved-fs-discriminator=true -gmlt"
			: "",
		extra ? extra : "");
}

static char *link_cmd(const char *extra)
{
	return xasprintf("savedcmd_vmlinux.o := ld.lld-19 -m elf_x86_64 -mllvm -import-instr-limit=5 %s"
			 "--mllvm=-enable-fs-discriminator=true --mllvm=-improved-fs-discriminator=true "
			 "-plugin-opt=thinlto -z noexecstack -r -o vmlinux.o  -T .tmp_initcalls.lds --whole-archive "
			 "vmlinux.a --no-whole-archive --start-group lib/lib.a arch/x86/lib/lib.a --end-group  ; "
			 "./tools/objtool/objtool --hacks=jump_label --link vmlinux.o\n\n"
			 "vmlinux.o: $(wildcard ./tools/objtool/objtool)\n", extra ? extra : "");
}

static void put_cmd(const char *rel, char *text, time_t sec)
{
	put_free(rel, text, sec);
	free(text);
}

/* A session over tmpdir/linux built with O=tmpdir/out, target vmlinux (the
 * output check then wants a vmlinux newer than .config: it is put there). */
static struct session *built_session(void)
{
	struct session *s = session_new();
	char *tree = xasprintf("%s/linux", tmpdir), *out = xasprintf("%s/out", tmpdir);
	session_set(&s->tree, tree);
	session_set(&s->output_dir, out);
	session_set(&s->target, "vmlinux");
	free(tree);
	free(out);
	put_free("out/.config", config_ok, 2000);
	put_free("out/vmlinux", "ELF", 3000);
	return s;
}

/* Runs the step's complete hook after the runner's own summary; returns its
 * result and leaves the message in *msg. */
static int run_complete(struct session *s, enum step_id id, char **msg)
{
	struct step_report rep = { 0 };
	sb_add(&rep.msg, "built in 1s: 3 steps, 0 warnings");
	int rc = step_get(id)->complete(s, &rep);
	free(*msg);
	*msg = rep.msg.s;
	rep.msg = (struct strbuf){ 0 };
	step_report_free(&rep);
	return rc;
}

static void test_first_build_verified(void **state)
{
	(void)state;
	struct session *s = built_session();
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, NULL), 2500);
	char *msg = NULL, *why = NULL;
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), 0);
	assert_string_equal(msg, "built in 1s: 3 steps, 0 warnings; verified: AUTOFDO_CLANG, LTO_CLANG_THIN in "
				 ".config, -fdebug-info-for-profiling in kernel/fork.o");
	/* The postcondition says the same after the output check's reason. */
	assert_true(step_get(STEP_BUILD)->postcondition(s, &why));
	assert_non_null(strstr(why, "vmlinux is newer than .config; verified: AUTOFDO_CLANG, LTO_CLANG_THIN"));

	/* Without AutoFDO asked for, only .config is read: no flag is looked for. */
	s->toggles.autofdo = false;
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(false, NULL), 2500);
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), 0);
	assert_non_null(strstr(msg, "; verified: LTO_CLANG_THIN in .config"));
	assert_null(strstr(msg, "fork.o"));
	free(msg);
	free(why);
	session_free(s);
}

static void test_final_build_verified(void **state)
{
	(void)state;
	struct session *s = built_session();
	char *prof = put("data/p.afdo", "profile", 2100);
	session_set(&s->artifacts.profile, prof);
	session_step_set(s, STEP_FINAL_BUILD, STATUS_DONE, NULL);
	char *use = xasprintf(" -fprofile-sample-use=%s", prof), *lto = xasprintf("--lto-sample-profile=%s ", prof);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, use), 2500);
	put_cmd("out/.vmlinux.o.cmd", link_cmd(lto), 2600);
	char *msg = NULL, *why = NULL;
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), 0);
	char *want = xasprintf("; built with profile %s (no kfdo record of where it came from); verified: "
			       "AUTOFDO_CLANG, LTO_CLANG_THIN in .config, -fprofile-sample-use in kernel/fork.o, "
			       "--lto-sample-profile in vmlinux.o", prof);
	assert_non_null(strstr(msg, want));
	assert_true(step_get(STEP_FINAL_BUILD)->postcondition(s, &why));
	assert_non_null(strstr(why, "--lto-sample-profile in vmlinux.o"));

	/* The compiler takes the last -fprofile-sample-use: an earlier one does not count. */
	char *two = xasprintf(" -fprofile-sample-use=/old/p.afdo%s", use);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, two), 2500);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), 0);
	/* The same file by another path is the same profile. */
	char *other = xasprintf(" -fprofile-sample-use=%s/out/../data/p.afdo", tmpdir);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, other), 2500);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), 0);

	/* Full LTO: the profile reaches the compiles only, no link is looked at. */
	s->toggles.thin_lto = false;
	s->toggles.full_lto = true;
	put_free("out/.config", "CONFIG_AUTOFDO_CLANG=y\nCONFIG_LTO_CLANG_FULL=y\n", 2000);
	char *link = xasprintf("%s/out/.vmlinux.o.cmd", tmpdir);
	assert_int_equal(unlink(link), 0);
	free(link);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), 0);
	assert_non_null(strstr(msg, "verified: AUTOFDO_CLANG, LTO_CLANG_FULL in .config, -fprofile-sample-use in "
				    "kernel/fork.o"));
	assert_null(strstr(msg, "vmlinux.o"));
	free(other);
	free(two);
	free(want);
	free(use);
	free(lto);
	free(prof);
	free(msg);
	free(why);
	session_free(s);
}

static void test_toggle_dropped(void **state)
{
	(void)state;
	struct session *s = built_session();
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(false, NULL), 2500);
	/* syncconfig keeps what configure left in .config.old when it rewrites .config. */
	put_free("out/.config.old", config_ok, 1900);
	put_free("out/.config", config_clang16, 2000);
	char *msg = NULL, *why = NULL;
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), -1);
	assert_non_null(strstr(msg, "built in 1s: 3 steps, 0 warnings; the build dropped toggles from .config: "
				    "AUTOFDO_CLANG (asked: y, got: not set)."));
	assert_non_null(strstr(msg, "(here CC_VERSION_TEXT \"Debian clang version 19.1.7 (3~deb12u1)\" -> "
				    "\"Debian clang version 16.0.6 (15~deb12u1)\", CLANG_VERSION 190107 -> 160006)"));
	assert_non_null(strstr(msg, "configure again, then build again"));
	/* The packages are there, but the build is not done: the next run builds again. */
	assert_false(step_get(STEP_BUILD)->postcondition(s, &why));
	assert_non_null(strstr(why, "AUTOFDO_CLANG (asked: y, got: not set)"));
	session_set(&s->artifacts.profile, "/p.afdo");
	session_step_set(s, STEP_FINAL_BUILD, STATUS_DONE, NULL);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), -1);
	assert_non_null(strstr(msg, "AUTOFDO_CLANG (asked: y, got: not set)"));
	assert_false(step_get(STEP_FINAL_BUILD)->postcondition(s, &why));

	/* Without .config.old, the reason is a guess, said as one. */
	char *old = xasprintf("%s/out/.config.old", tmpdir);
	assert_int_equal(unlink(old), 0);
	free(old);
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), -1);
	assert_non_null(strstr(msg, "(another compiler or linker than at configure time?)"));
	/* Two dropped at once are both named. */
	put_free("out/.config", "CONFIG_LTO_NONE=y\n", 2000);
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), -1);
	assert_non_null(strstr(msg, "AUTOFDO_CLANG (asked: y, got: absent), LTO_CLANG_THIN (asked: y, got: absent), "
				    "LTO_NONE (asked: not set, got: y)"));
	free(msg);
	free(why);
	session_free(s);
}

static void test_flag_missing(void **state)
{
	(void)state;
	struct session *s = built_session();
	char *msg = NULL, *why = NULL;
	/* .config has AUTOFDO_CLANG, the compile has none of its flags: a tree with
	 * the Kconfig part of AutoFDO but not its Makefile part. */
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(false, NULL), 2500);
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), -1);
	char *want = xasprintf("; kernel/fork.o was compiled without -fdebug-info-for-profiling (its command in "
			       "%s/out/kernel/.fork.o.cmd), although .config has AUTOFDO_CLANG", tmpdir);
	assert_non_null(strstr(msg, want));
	assert_false(step_get(STEP_BUILD)->postcondition(s, &why));
	assert_non_null(strstr(why, "without -fdebug-info-for-profiling"));
	/* A word, not a substring: -fdebug-info-for-profiling-x is another flag. */
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(false, " -fdebug-info-for-profiling-x"), 2500);
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), -1);

	/* A final build with no profile in the session has nothing to be checked against. */
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, NULL), 2500);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), -1);
	assert_non_null(strstr(msg, "; no profile in the session to check the optimized build against"));

	/* The final build without the profile in the compile. */
	char *prof = put("data/p.afdo", "profile", 2100);
	session_set(&s->artifacts.profile, prof);
	session_step_set(s, STEP_FINAL_BUILD, STATUS_DONE, NULL);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, NULL), 2500);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), -1);
	assert_non_null(strstr(msg, "; kernel/fork.o was compiled without the profile: no -fprofile-sample-use in "
				    "its command"));
	assert_non_null(strstr(msg, "so this kernel is not optimized"));
	assert_false(step_get(STEP_FINAL_BUILD)->postcondition(s, &why));
	/* ... and without it in the ThinLTO link. */
	char *use = xasprintf(" -fprofile-sample-use=%s", prof);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, use), 2500);
	put_cmd("out/.vmlinux.o.cmd", link_cmd(NULL), 2600);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), -1);
	char *want_link = xasprintf("; vmlinux.o was linked without the profile: no --lto-sample-profile in its "
				    "command (%s/out/.vmlinux.o.cmd)", tmpdir);
	assert_non_null(strstr(msg, want_link));
	free(want_link);
	free(use);
	free(prof);
	free(want);
	free(msg);
	free(why);
	session_free(s);
}

static void test_other_profile(void **state)
{
	(void)state;
	struct session *s = built_session();
	char *prof = put("data/new.afdo", "profile", 2100);
	put_free("data/old.afdo", "profile", 1000);
	session_set(&s->artifacts.profile, prof);
	session_step_set(s, STEP_FINAL_BUILD, STATUS_DONE, NULL);
	char *old = xasprintf("%s/data/old.afdo", tmpdir);
	char *use_old = xasprintf(" -fprofile-sample-use=%s", old), *use = xasprintf(" -fprofile-sample-use=%s", prof);
	char *lto_old = xasprintf("--lto-sample-profile=%s ", old);
	char *msg = NULL, *why = NULL;
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, use_old), 2500);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), -1);
	char *want = xasprintf("; kernel/fork.o was built with another profile, %s, not the session's %s", old, prof);
	assert_non_null(strstr(msg, want));
	assert_false(step_get(STEP_FINAL_BUILD)->postcondition(s, &why));
	assert_non_null(strstr(why, want + 2));
	/* The compiles right, the link with the old one. */
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, use), 2500);
	put_cmd("out/.vmlinux.o.cmd", link_cmd(lto_old), 2600);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), -1);
	free(want);
	want = xasprintf("; vmlinux.o was built with another profile, %s, not the session's %s", old, prof);
	assert_non_null(strstr(msg, want));

	/* The right path, but the object is older than the profile's content:
	 * kbuild did not rebuild when a new profile replaced the old at that path. */
	put_cmd("out/.vmlinux.o.cmd", link_cmd(NULL), 2600);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, use), 2050);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), -1);
	free(want);
	want = xasprintf("; kernel/fork.o was built before the profile %s was last written", prof);
	assert_non_null(strstr(msg, want));
	assert_non_null(strstr(msg, "Run make clean in"));

	/* kbuild's .cmd escapes: $$ for $ and $(pound) for #. */
	char *odd = put("data/a#b$c.afdo", "profile", 2100);
	session_set(&s->artifacts.profile, odd);
	char *esc = xasprintf(" -fprofile-sample-use=%s/data/a$(pound)b$$c.afdo", tmpdir);
	char *lto_esc = xasprintf("--lto-sample-profile=%s/data/a$(pound)b$$c.afdo ", tmpdir);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, esc), 2500);
	put_cmd("out/.vmlinux.o.cmd", link_cmd(lto_esc), 2600);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), 0);
	free(lto_esc);
	free(esc);
	free(odd);
	free(want);
	free(lto_old);
	free(use);
	free(use_old);
	free(old);
	free(prof);
	free(msg);
	free(why);
	session_free(s);
}

static void test_no_cmd_file(void **state)
{
	(void)state;
	struct session *s = built_session();
	char *msg = NULL, *why = NULL;
	/* No saved command at all: .config is checked, the flags are said to be unchecked. */
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), 0);
	char *want = xasprintf("built in 1s: 3 steps, 0 warnings; verified: AUTOFDO_CLANG, LTO_CLANG_THIN in .config; "
			       "not verified: the compile flags (no kernel/.fork.o.cmd in %s/out)", tmpdir);
	assert_string_equal(msg, want);
	assert_true(step_get(STEP_BUILD)->postcondition(s, &why));
	assert_non_null(strstr(why, "not verified: the compile flags"));
	/* A .cmd file that is not kbuild's is as good as none. */
	put_free("out/kernel/.fork.o.cmd", "garbage\n", 2500);
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), 0);
	assert_string_equal(msg, want);
	/* Another always-built object stands in for kernel/fork.o. */
	put_cmd("out/init/.main.o.cmd", fork_cmd(true, NULL), 2500);
	assert_int_equal(run_complete(s, STEP_BUILD, &msg), 0);
	assert_non_null(strstr(msg, "-fdebug-info-for-profiling in init/main.o"));

	/* The final build with the compiles right but no link command: said, not failed. */
	char *prof = put("data/p.afdo", "profile", 2100);
	session_set(&s->artifacts.profile, prof);
	char *use = xasprintf(" -fprofile-sample-use=%s", prof);
	put_cmd("out/kernel/.fork.o.cmd", fork_cmd(true, use), 2500);
	assert_int_equal(run_complete(s, STEP_FINAL_BUILD, &msg), 0);
	free(want);
	want = xasprintf("-fprofile-sample-use in kernel/fork.o; not verified: the ThinLTO link (no .vmlinux.o.cmd "
			 "in %s/out)", tmpdir);
	assert_non_null(strstr(msg, want));
	free(use);
	free(prof);
	free(want);
	free(msg);
	free(why);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_build_verified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final_build_verified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_toggle_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flag_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cmd_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
