#include "tests/unit/testlib.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "engine/plan.h"
#include "engine/session.h"
#include "engine/pkg.h"
#include "engine/step.h"
#include "engine/steps.h"
#include "base/util.h"

static char tmpdir[64];
static char *saved_state;

/* Some checks run jobs (llvm-profdata reading a profile): their logs go to the test's directory. */
static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kfdo-test-steps-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	saved_state = test_env_save("XDG_STATE_HOME");
	setenv("XDG_STATE_HOME", tmpdir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_env_restore("XDG_STATE_HOME", saved_state);
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

/* An ELF file linked by cc at tmpdir/name, with a build-id of its own (seed). */
static char *make_elf(const char *name, const char *seed)
{
	char *src = xasprintf("%s/%s.c", tmpdir, name), *out = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(src, "w");
	assert_non_null(f);
	fprintf(f, "const char seed[] = \"%s\";\nint main(void) { return seed[0]; }\n", seed);
	fclose(f);
	char *cmd = xasprintf("cc -Wl,--build-id=sha1 -o '%s' '%s'", out, src);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(src);
	return out;
}

/* A raw note stream as /sys/kernel/notes holds it: one NT_GNU_BUILD_ID note. */
static void put_notes(const char *rel, const char *hex)
{
	unsigned char buf[128] = { 0 };
	uint32_t hdr[3] = { 4, (uint32_t)strlen(hex) / 2, 3 };
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + 12, "GNU", 4);
	for (size_t i = 0; i < hdr[1]; i++)
		sscanf(hex + 2 * i, "%2hhx", &buf[16 + i]);
	char *path = put(rel, "", 1);
	FILE *f = fopen(path, "w");
	assert_int_equal(fwrite(buf, 1, 16 + ((hdr[1] + 3) & ~3u), f), 16 + ((hdr[1] + 3) & ~3u));
	fclose(f);
	free(path);
}

/* A kernel tree at tmpdir/linux whose arch/Kconfig defines the given symbols. */
static void make_tree(const char *kconfig)
{
	put_free("linux/Makefile", "VERSION = 6\n", 1000);
	put_free("linux/scripts/config", "#!/bin/sh\n", 1000);
	put_free("linux/arch/Kconfig", kconfig, 1000);
}

static const char *const kconfig_613 =
	"menu \"General architecture-dependent options\"\n"
	"config AUTOFDO_CLANG\n\tbool \"Enable Clang's AutoFDO build (EXPERIMENTAL)\"\n"
	"config PROPELLER_CLANG\n\tbool \"Enable Clang's Propeller build\"\n"
	"choice\n\tprompt \"Link Time Optimization (LTO)\"\n"
	"config LTO_NONE\n\tbool \"None\"\n"
	"config LTO_CLANG_FULL\n\tbool \"Clang Full LTO (EXPERIMENTAL)\"\n"
	"config LTO_CLANG_THIN\n\tbool \"Clang ThinLTO (EXPERIMENTAL)\"\n"
	"endchoice\n";

static const char *const good_config =
	"CONFIG_64BIT=y\nCONFIG_AUTOFDO_CLANG=y\n# CONFIG_LTO_NONE is not set\nCONFIG_LTO_CLANG_THIN=y\n";

static struct session *tree_session(void)
{
	struct session *s = session_new();
	char *tree = xasprintf("%s/linux", tmpdir);
	session_set(&s->tree, tree);
	free(tree);
	return s;
}

static void test_table(void **state)
{
	(void)state;
	static const char *const order[] = { "hardware", "toolchain", "source", "configure", "build",
					      "baseline", "install", "reboot", "profile", "convert",
					      "final-build", "finish", "compare" };
	size_t n;
	const struct step_def *const *t = steps_table(&n);
	assert_int_equal(n, STEP_COUNT);
	assert_int_equal(n, ARRAY_LEN(order));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(t[i]->id, (enum step_id)i);
		assert_string_equal(step_name(t[i]->id), order[i]);
		assert_string_equal(step_name((enum step_id)i), order[i]);
		assert_ptr_equal(step_by_name(order[i]), t[i]);
		assert_ptr_equal(step_get((enum step_id)i), t[i]);
		assert_non_null(t[i]->title);
		assert_non_null(t[i]->help);
		assert_non_null(t[i]->precondition);
		assert_non_null(t[i]->postcondition);
	}
	assert_null(step_by_name("bulid"));
	assert_null(step_by_name(NULL));
	assert_null(step_get(STEP_COUNT));
	/* Steps that run commands have plans; the checks and the reboot do not. */
	assert_null(t[STEP_HARDWARE]->plan);
	assert_null(t[STEP_REBOOT]->plan);
	assert_non_null(t[STEP_CONFIGURE]->plan);
	assert_non_null(t[STEP_FINAL_BUILD]->plan);
	assert_true(t[STEP_BUILD]->flags & STEP_BUILDS);
	assert_true(t[STEP_FINAL_BUILD]->flags & STEP_USES_PROFILE);
	assert_false(t[STEP_BUILD]->flags & STEP_USES_PROFILE);
	assert_true(t[STEP_FINISH]->flags & STEP_USES_PROFILE);
	/* The reboots are done by hand: status shows what to do; no other step is.
	 * The compare step waits for the one into the optimized kernel. */
	for (size_t i = 0; i < n; i++) {
		assert_true((t[i]->by_hand != NULL) == (i == STEP_REBOOT || i == STEP_COMPARE));
		assert_true((t[i]->wait_for != NULL) == (i == STEP_COMPARE));
	}
	assert_non_null(t[STEP_BASELINE]->plan);
}

static void test_next_pending_walk(void **state)
{
	(void)state;
	struct session *s = session_new();
	assert_int_equal(step_next_pending(s)->id, STEP_HARDWARE);
	/* A machine that cannot record (this VM) still builds: the hardware check failed is passed over. */
	session_step_set(s, STEP_HARDWARE, STATUS_FAILED, "no PMU");
	assert_int_equal(step_next_pending(s)->id, STEP_TOOLCHAIN);
	session_step_set(s, STEP_HARDWARE, STATUS_DONE, NULL);
	assert_int_equal(step_next_pending(s)->id, STEP_TOOLCHAIN);
	session_step_set(s, STEP_TOOLCHAIN, STATUS_SKIPPED, NULL);
	assert_int_equal(step_next_pending(s)->id, STEP_SOURCE);
	session_free(s);

	s = tree_session();
	session_step_set(s, STEP_HARDWARE, STATUS_DONE, NULL);
	session_step_set(s, STEP_TOOLCHAIN, STATUS_DONE, NULL);
	/* A session saying "done" for configure does not fool the check. */
	session_step_set(s, STEP_CONFIGURE, STATUS_DONE, NULL);
	make_tree(kconfig_613);
	assert_int_equal(step_next_pending(s)->id, STEP_CONFIGURE);

	/* A .config already holding the toggles: configure is recognised as done. */
	put_free("linux/.config", good_config, 2000);
	session_set(&s->target, "vmlinux");
	assert_int_equal(step_next_pending(s)->id, STEP_BUILD);
	put_free("linux/vmlinux", "ELF", 3000);
	/* Built: the baseline is next, unless measuring is off. */
	assert_int_equal(step_next_pending(s)->id, STEP_BASELINE);
	s->measure.off = true;
	assert_int_equal(step_next_pending(s)->id, STEP_INSTALL);
	/* "Done" in the session does not make a kernel installed: its vmlinux must be
	 * there with the build-id recorded at install time. */
	session_step_set(s, STEP_INSTALL, STATUS_DONE, NULL);
	assert_int_equal(step_next_pending(s)->id, STEP_INSTALL);
	char *vm = make_elf("vmlinux-a", "a"), *vm_b = make_elf("vmlinux-b", "b");
	char *id = NULL, *id_b = NULL, *why = NULL;
	assert_int_equal(elfid_build_id(vm, &id, NULL), 0);
	assert_int_equal(elfid_build_id(vm_b, &id_b, NULL), 0);
	assert_string_not_equal(id, id_b);
	session_set(&s->artifacts.vmlinux, vm);
	session_set(&s->artifacts.kernel_release, "6.13.0-kt");
	session_set(&s->artifacts.build_id, id_b);
	assert_false(step_get(STEP_INSTALL)->postcondition(s, &why));
	assert_non_null(strstr(why, "another kernel replaced it"));
	session_set(&s->artifacts.build_id, id);
	assert_int_equal(step_next_pending(s)->id, STEP_REBOOT);

	/* The reboot check reads the running kernel's release and build-id below the sysroot. */
	const struct step_def *reboot = step_get(STEP_REBOOT);
	char *sysroot = xasprintf("%s/root", tmpdir);
	session_set(&s->sysroot, sysroot);
	put_free("root/proc/sys/kernel/osrelease", "6.1.0-28-amd64\n", 1);
	assert_false(reboot->postcondition(s, &why));
	assert_string_equal(why, "running 6.1.0-28-amd64, built 6.13.0-kt: reboot into 6.13.0-kt");
	put_free("root/proc/sys/kernel/osrelease", "6.13.0-kt\n", 1);
	assert_false(reboot->postcondition(s, &why));
	assert_non_null(strstr(why, "its build-id cannot be read"));
	put_notes("root/sys/kernel/notes", id_b);
	assert_false(reboot->postcondition(s, &why));
	assert_non_null(strstr(why, "the same release but a different build-id"));
	assert_non_null(strstr(why, "an older build of the same version is running"));
	assert_int_equal(step_next_pending(s)->id, STEP_REBOOT);
	put_notes("root/sys/kernel/notes", id);
	assert_true(reboot->postcondition(s, &why));
	assert_non_null(strstr(why, id));
	assert_int_equal(step_next_pending(s)->id, STEP_PROFILE);
	/* Without a sysroot it is this machine's kernel, which is not 6.13.0-kt. */
	session_set(&s->sysroot, NULL);
	assert_int_equal(step_next_pending(s)->id, STEP_REBOOT);
	session_set(&s->sysroot, sysroot);

	/* Recorded as done, but the perf.data is gone: not done. */
	session_step_set(s, STEP_PROFILE, STATUS_DONE, NULL);
	char *perf = xasprintf("%s/perf.data", tmpdir);
	session_set(&s->artifacts.perf_data, perf);
	assert_int_equal(step_next_pending(s)->id, STEP_PROFILE);
	/* Only the magic: perf.data's header is read, and it is not a recording. */
	put_free("perf.data", "PERFILE2", 4000);
	assert_int_equal(step_next_pending(s)->id, STEP_PROFILE);
	assert_false(step_get(STEP_PROFILE)->postcondition(s, &why));
	assert_non_null(strstr(why, "truncated"));
	/* A complete one (written by hand: this VM records no branch stacks). */
	const char *tools = getenv("KFDO_TOOLS") ? getenv("KFDO_TOOLS") : "build/tools";
	char *gen = xasprintf("%s/gen_perfdata -o %s", tools, perf);
	assert_int_equal(system(gen), 0);
	free(gen);
	assert_int_equal(step_next_pending(s)->id, STEP_CONVERT);

	session_step_set(s, STEP_CONVERT, STATUS_DONE, NULL);
	char *prof = put("kernel.afdo", "profile", 5000);
	put_free("kernel.afdo.json", "{\"kfdo\": \"profile\", \"stats\": {\"functions\": 9, \"total_samples\": 90}}", 5000);
	session_set(&s->artifacts.profile, prof);
	assert_int_equal(step_next_pending(s)->id, STEP_FINAL_BUILD);
	session_step_set(s, STEP_FINAL_BUILD, STATUS_DONE, NULL);
	assert_int_equal(step_next_pending(s)->id, STEP_FINISH);
	/* Finish asks the package database, not the session (test_pkg installs real packages). */
	session_step_set(s, STEP_FINISH, STATUS_DONE, NULL);
	assert_int_equal(step_next_pending(s)->id, STEP_FINISH);
	session_step_set(s, STEP_FINISH, STATUS_SKIPPED, NULL);
	assert_null(step_next_pending(s));
	/* Measuring on again: the baseline, never measured, is what is left. */
	s->measure.off = false;
	assert_int_equal(step_next_pending(s)->id, STEP_BASELINE);
	s->measure.off = true;

	/* Reconfiguring (a newer .config) makes the builds pending again. */
	put_free("linux/.config", good_config, 6000);
	assert_int_equal(step_next_pending(s)->id, STEP_BUILD);
	free(perf);
	free(prof);
	free(vm);
	free(vm_b);
	free(id);
	free(id_b);
	free(why);
	free(sysroot);
	session_free(s);
}

static void test_source_post(void **state)
{
	(void)state;
	struct session *s = tree_session();
	char *why = NULL;
	const struct step_def *d = step_get(STEP_SOURCE);
	assert_false(d->postcondition(s, &why));
	assert_non_null(strstr(why, "Makefile"));

	/* A 6.12 tree: no AutoFDO in arch/Kconfig. */
	make_tree("config LTO_NONE\nconfig LTO_CLANG_THIN\nconfig LTO_CLANG_FULL\n"
		  "# config AUTOFDO_CLANG in a comment does not count\n");
	assert_false(d->postcondition(s, &why));
	assert_non_null(strstr(why, "AUTOFDO_CLANG"));
	assert_non_null(strstr(why, "6.13"));
	/* Without AutoFDO asked, the same tree is fine. */
	s->toggles.autofdo = false;
	assert_true(d->postcondition(s, &why));
	s->toggles.propeller = true;
	assert_false(d->postcondition(s, &why));
	assert_non_null(strstr(why, "PROPELLER_CLANG"));
	free(why);
	session_free(s);
}

static void test_configure_post(void **state)
{
	(void)state;
	struct session *s = tree_session();
	make_tree(kconfig_613);
	const struct step_def *d = step_get(STEP_CONFIGURE);
	char *why = NULL;
	assert_false(d->postcondition(s, &why));
	assert_non_null(strstr(why, ".config"));

	put_free("linux/.config", "CONFIG_64BIT=y\n# CONFIG_AUTOFDO_CLANG is not set\n"
				  "# CONFIG_LTO_NONE is not set\nCONFIG_LTO_CLANG_THIN=y\n", 2000);
	assert_false(d->postcondition(s, &why));
	assert_non_null(strstr(why, "AUTOFDO_CLANG (asked: y, got: not set)"));
	assert_null(strstr(why, "LTO"));

	put_free("linux/.config", good_config, 2000);
	assert_true(d->postcondition(s, &why));

	/* With O=, the .config that counts is the output directory's. */
	char *out = xasprintf("%s/out", tmpdir);
	session_set(&s->output_dir, out);
	assert_false(d->postcondition(s, &why));
	put_free("out/.config", good_config, 2000);
	assert_true(d->postcondition(s, &why));
	/* ...and a configured source tree blocks an O= configure. */
	s->config_source = CONFIG_DEFCONFIG;
	assert_false(step_get(STEP_CONFIGURE)->precondition(s, &why));
	assert_non_null(strstr(why, "mrproper"));
	free(out);
	free(why);
	session_free(s);
}

static void test_build_post_packages(void **state)
{
	(void)state;
	struct session *s = tree_session();
	const struct step_def *d = step_get(STEP_BUILD);
	char *why = NULL;
	assert_false(d->postcondition(s, &why));
	assert_false(d->precondition(s, &why));
	put_free("linux/.config", good_config, 2000);
	assert_true(d->precondition(s, &why));
	assert_false(d->postcondition(s, &why));

	/* Packages older than .config are a previous configuration's. */
	put_free("linux/linux-upstream-6.13.0-1-x86_64.pkg.tar.zst", "pkg", 1500);
	assert_false(d->postcondition(s, &why));
	assert_non_null(strstr(why, "no package"));
	/* A vmlinux does not count for pacman-pkg. */
	put_free("linux/vmlinux", "ELF", 3000);
	assert_false(d->postcondition(s, &why));

	put_free("linux/linux-upstream-6.13.0-2-x86_64.pkg.tar.zst", "pkg", 3000);
	put_free("linux/linux-upstream-headers-6.13.0-2-x86_64.pkg.tar.zst", "pkg", 3000);
	put_free("linux/PKGBUILD", "x", 3000);
	assert_true(d->postcondition(s, &why));

	struct timespec after = { 2000, 0 };
	char **pkgs = NULL;
	char *dir = xasprintf("%s/linux", tmpdir);
	assert_int_equal(pkg_find_files(dir, &after, &pkgs), 2);
	char *want = xasprintf("%s/linux/linux-upstream-6.13.0-2-x86_64.pkg.tar.zst", tmpdir);
	assert_string_equal(pkgs[0], want);
	assert_null(pkgs[2]);
	strv_free(pkgs);
	assert_int_equal(pkg_find_files(dir, NULL, &pkgs), 3);
	strv_free(pkgs);
	assert_int_equal(pkg_find_files("/nonexistent-kfdo", NULL, &pkgs), -1);
	assert_null(pkgs);
	free(want);
	free(dir);
	free(why);
	session_free(s);
}

static void test_build_post_plain(void **state)
{
	(void)state;
	struct session *s = tree_session();
	session_set(&s->target, "bzImage");
	char *out = xasprintf("%s/out", tmpdir);
	session_set(&s->output_dir, out);
	const struct step_def *d = step_get(STEP_BUILD);
	char *why = NULL;
	put_free("out/.config", good_config, 2000);
	put_free("out/arch/x86/boot/bzImage", "MZ", 1999);
	assert_false(d->postcondition(s, &why));
	/* Same second, later nanoseconds would count; an equal time does not. */
	put_free("out/arch/x86/boot/bzImage", "MZ", 2000);
	assert_false(d->postcondition(s, &why));
	put_free("out/arch/x86/boot/bzImage", "MZ", 2001);
	assert_true(d->postcondition(s, &why));
	assert_non_null(strstr(why, "bzImage"));
	/* The in-tree build does not count for an O= session. */
	session_set(&s->target, "vmlinux");
	put_free("linux/vmlinux", "ELF", 5000);
	assert_false(d->postcondition(s, &why));
	put_free("out/vmlinux", "ELF", 5000);
	assert_true(d->postcondition(s, &why));
	free(out);
	free(why);
	session_free(s);
}

static void test_final_build_needs_profile(void **state)
{
	(void)state;
	struct session *s = tree_session();
	put_free("linux/.config", good_config, 2000);
	const struct step_def *d = step_get(STEP_FINAL_BUILD);
	char *why = NULL;
	assert_false(d->precondition(s, &why));
	assert_non_null(strstr(why, "profile"));
	session_set(&s->artifacts.profile, "kernel.afdo");
	assert_false(d->precondition(s, &why));
	char *prof = put("kernel.afdo", "", 3000);
	session_set(&s->artifacts.profile, prof);
	assert_false(d->precondition(s, &why));
	/* Not a profile, and no kfdo record says it is one: llvm-profdata reads it first. */
	put_free("kernel.afdo", "data", 3000);
	assert_false(d->precondition(s, &why));
	assert_non_null(strstr(why, "llvm-profdata rejects"));
	/* kfdo's record of a profile it made is trusted (the convert step checked it). */
	put_free("kernel.afdo.json", "{\"kfdo\": \"profile\", \"stats\": {\"functions\": 9, \"total_samples\": 90}}", 3000);
	assert_true(d->precondition(s, &why));
	/* ... and so is its verdict of an empty one. */
	put_free("kernel.afdo.json", "{\"kfdo\": \"profile\", \"stats\": {\"functions\": 0, \"total_samples\": 0}}", 3000);
	assert_false(d->precondition(s, &why));
	assert_non_null(strstr(why, "is empty"));
	put_free("kernel.afdo.json", "{\"kfdo\": \"profile\", \"stats\": {\"functions\": 9, \"total_samples\": 90}}", 3000);

	struct plan p = { 0 };
	assert_int_equal(d->plan(s, &p, NULL), 0);
	assert_int_equal(p.n, 1);
	plan_free(&p);
	free(prof);
	free(why);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test_setup_teardown(test_next_pending_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_source_post, setup, teardown),
		cmocka_unit_test_setup_teardown(test_configure_post, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_post_packages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_post_plain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_final_build_needs_profile, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
