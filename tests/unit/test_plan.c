#include "tests/unit/testlib.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/kmake.h"
#include "engine/pkg.h"
#include "engine/plan.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "engine/step.h"
#include "engine/steps.h"
#include "engine/session.h"
#include "base/util.h"

#define CONFIG_FIXTURES FIXTURES "/config"

/* Compares a command's argv with the expected words, printing both on a mismatch. */
static void assert_argv(const struct plan_cmd *c, const char *const *want)
{
	assert_int_equal(c->kind, PLAN_RUN);
	bool same = strv_len(c->argv) == strv_len((char *const *)want);
	for (size_t i = 0; same && want[i]; i++)
		same = strcmp(c->argv[i], want[i]) == 0;
	if (!same) {
		for (size_t i = 0; c->argv && c->argv[i]; i++)
			print_error("got[%zu]  %s\n", i, c->argv[i]);
		for (size_t i = 0; want[i]; i++)
			print_error("want[%zu] %s\n", i, want[i]);
	}
	assert_true(same);
}

static struct session *base_session(void)
{
	struct session *s = session_new();
	session_set(&s->tree, "/src/linux");
	s->toggles.jobs = 4;
	return s;
}

static void test_configure_running_llvm1(void **state)
{
	(void)state;
	struct session *s = base_session();
	struct plan p = { 0 };
	char *cause = NULL;
	assert_int_equal(step_get(STEP_CONFIGURE)->plan(s, &p, &cause), 0);
	assert_null(cause);
	assert_int_equal(p.n, 4);

	/* kfdo copies the running config itself; the plan says so. */
	assert_int_equal(p.cmds[0].kind, PLAN_COPY);
	assert_null(p.cmds[0].argv);
	assert_string_equal(p.cmds[0].dst, "/src/linux/.config");
	assert_non_null(strstr(p.cmds[0].desc, "kfdo does this itself"));

	const char *olddef[] = { "make", "LLVM=1", "LLVM_IAS=1", "-C", "/src/linux", "olddefconfig", NULL };
	assert_argv(&p.cmds[1], olddef);
	assert_string_equal(p.cmds[1].cwd, "/src/linux");
	const char *toggles[] = { "/src/linux/scripts/config", "--file", "/src/linux/.config",
				  "-e", "AUTOFDO_CLANG", "-e", "LTO_CLANG_THIN", "-d", "LTO_NONE", NULL };
	assert_argv(&p.cmds[2], toggles);
	assert_argv(&p.cmds[3], olddef);
	for (size_t i = 0; i < p.n; i++)
		assert_false(p.cmds[i].needs_root);
	plan_free(&p);
	assert_int_equal(p.n, 0);
	session_free(s);
}

static void test_configure_tiny_llvm19_output(void **state)
{
	(void)state;
	struct session *s = base_session();
	s->config_source = CONFIG_TINYCONFIG;
	session_set(&s->toggles.llvm, "-19");
	session_set(&s->toggles.arch, "x86_64");
	session_set(&s->output_dir, "/build/out");
	s->toggles.autofdo = false;
	strv_push(&s->toggles.config_enable, "64BIT");
	strv_push(&s->toggles.config_disable, "DEBUG_INFO");
	struct plan p = { 0 };
	assert_int_equal(step_get(STEP_CONFIGURE)->plan(s, &p, NULL), 0);
	assert_int_equal(p.n, 3);
	const char *tiny[] = { "make", "LLVM=-19", "LLVM_IAS=1", "ARCH=x86_64", "O=/build/out",
			       "-C", "/src/linux", "tinyconfig", NULL };
	assert_argv(&p.cmds[0], tiny);
	const char *toggles[] = { "/src/linux/scripts/config", "--file", "/build/out/.config",
				  "-e", "LTO_CLANG_THIN", "-d", "LTO_NONE", "-e", "64BIT",
				  "-d", "DEBUG_INFO", NULL };
	assert_argv(&p.cmds[1], toggles);
	const char *olddef[] = { "make", "LLVM=-19", "LLVM_IAS=1", "ARCH=x86_64", "O=/build/out",
				 "-C", "/src/linux", "olddefconfig", NULL };
	assert_argv(&p.cmds[2], olddef);
	plan_free(&p);
	session_free(s);
}

static void test_configure_file_and_defconfig(void **state)
{
	(void)state;
	struct session *s = base_session();
	s->config_source = CONFIG_FILE;
	struct plan p = { 0 };
	char *cause = NULL;
	/* No file chosen: refused, nothing planned. */
	assert_int_equal(step_get(STEP_CONFIGURE)->plan(s, &p, &cause), -1);
	assert_non_null(cause);
	assert_int_equal(p.n, 0);
	free(cause);
	cause = NULL;
	session_set(&s->config_file, "/home/me/my.config");
	s->toggles.thin_lto = false;
	s->toggles.full_lto = true;
	s->toggles.propeller = true;
	assert_int_equal(step_get(STEP_CONFIGURE)->plan(s, &p, &cause), 0);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.cmds[0].kind, PLAN_COPY);
	assert_string_equal(p.cmds[0].src, "/home/me/my.config");
	const char *toggles[] = { "/src/linux/scripts/config", "--file", "/src/linux/.config",
				  "-e", "AUTOFDO_CLANG", "-e", "LTO_CLANG_FULL", "-d", "LTO_NONE",
				  "-e", "PROPELLER_CLANG", NULL };
	assert_argv(&p.cmds[2], toggles);
	plan_free(&p);

	/* No toggle at all: no scripts/config, no second olddefconfig. */
	s->config_source = CONFIG_DEFCONFIG;
	s->toggles.autofdo = s->toggles.full_lto = s->toggles.propeller = false;
	assert_int_equal(step_get(STEP_CONFIGURE)->plan(s, &p, NULL), 0);
	assert_int_equal(p.n, 1);
	const char *def[] = { "make", "LLVM=1", "LLVM_IAS=1", "-C", "/src/linux", "defconfig", NULL };
	assert_argv(&p.cmds[0], def);
	plan_free(&p);
	session_free(s);
}

static void test_refusals(void **state)
{
	(void)state;
	struct session *s = base_session();
	struct plan p = { 0 };
	char *cause = NULL;
	s->toggles.full_lto = true;
	assert_int_equal(step_get(STEP_CONFIGURE)->plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "LTO"));
	s->toggles.full_lto = false;
	session_set(&s->tree, "src/linux");
	assert_int_equal(step_get(STEP_BUILD)->plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "src/linux"));
	session_set(&s->tree, NULL);
	assert_int_equal(step_get(STEP_BUILD)->plan(s, &p, &cause), -1);
	session_set(&s->tree, "/src/linux");
	session_set(&s->output_dir, "out");
	assert_int_equal(step_get(STEP_BUILD)->plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "out"));
	assert_int_equal(p.n, 0);
	free(cause);
	session_free(s);
}

static void test_build(void **state)
{
	(void)state;
	struct session *s = base_session();
	struct plan p = { 0 };
	assert_int_equal(step_get(STEP_BUILD)->plan(s, &p, NULL), 0);
	assert_int_equal(p.n, 1);
	const char *b1[] = { "make", "LLVM=1", "LLVM_IAS=1", "-C", "/src/linux", "-j4", "pacman-pkg", NULL };
	assert_argv(&p.cmds[0], b1);
	assert_string_equal(p.cmds[0].cwd, "/src/linux");
	plan_free(&p);

	session_set(&s->toggles.llvm, "-19");
	session_set(&s->output_dir, "/build/out");
	strv_push(&s->toggles.make_vars, "MAKEPKGOPTS=--nodeps");
	session_set(&s->target, "bzImage");
	s->toggles.jobs = 2;
	assert_int_equal(step_get(STEP_BUILD)->plan(s, &p, NULL), 0);
	const char *b2[] = { "make", "LLVM=-19", "LLVM_IAS=1", "O=/build/out", "MAKEPKGOPTS=--nodeps",
			     "-C", "/src/linux", "-j2", "bzImage", NULL };
	assert_argv(&p.cmds[0], b2);
	plan_free(&p);

	/* jobs 0: the number of CPUs, never -j0. */
	s->toggles.jobs = 0;
	assert_int_equal(step_get(STEP_BUILD)->plan(s, &p, NULL), 0);
	char **argv = p.cmds[0].argv;
	const char *j = argv[strv_len(argv) - 2];
	assert_true(str_starts(j, "-j"));
	assert_true(atoi(j + 2) >= 1);
	plan_free(&p);
	session_free(s);
}

static void test_final_build(void **state)
{
	(void)state;
	struct session *s = base_session();
	struct plan p = { 0 };
	char *cause = NULL;
	assert_int_equal(step_get(STEP_FINAL_BUILD)->plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "profile"));
	session_set(&s->artifacts.profile, "kernel.afdo");
	assert_int_equal(step_get(STEP_FINAL_BUILD)->plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "absolute"));
	assert_non_null(strstr(cause, "kernel.afdo"));
	assert_int_equal(p.n, 0);
	free(cause);
	cause = NULL;

	session_set(&s->artifacts.profile, "/data/kfdo/profiles/kernel.afdo");
	assert_int_equal(step_get(STEP_FINAL_BUILD)->plan(s, &p, &cause), 0);
	assert_null(cause);
	const char *want[] = { "make", "LLVM=1", "LLVM_IAS=1",
			       "CLANG_AUTOFDO_PROFILE=/data/kfdo/profiles/kernel.afdo",
			       "-C", "/src/linux", "-j4", "pacman-pkg", NULL };
	assert_argv(&p.cmds[0], want);
	plan_free(&p);
	session_free(s);
}

static void test_install_profile_convert(void **state)
{
	(void)state;
	struct session *s = base_session();
	struct plan p = { 0 };
	char *cause = NULL;
	assert_int_equal(pkg_install_plan(s, &p, &cause), -1);
	strv_push(&s->artifacts.packages, "/o/linux-upstream-6.13.0-1-x86_64.pkg.tar.zst");
	strv_push(&s->artifacts.packages, "/o/linux-upstream-api-headers-6.13.0-1-x86_64.pkg.tar.zst");
	strv_push(&s->artifacts.packages, "/o/linux-upstream-debug-6.13.0-1-x86_64.pkg.tar.zst");
	assert_int_equal(pkg_install_plan(s, &p, &cause), 0);
	assert_int_equal(p.n, 2);
	/* kfdo's own binary reads all of them first (it says why one is left out)... */
	char *self = plan_self_exe();
	assert_true(str_ends(self, "/test_plan"));
	const char *check[] = { self, "packages", "/o/linux-upstream-6.13.0-1-x86_64.pkg.tar.zst",
				"/o/linux-upstream-api-headers-6.13.0-1-x86_64.pkg.tar.zst",
				"/o/linux-upstream-debug-6.13.0-1-x86_64.pkg.tar.zst", NULL };
	assert_argv(&p.cmds[0], check);
	assert_false(p.cmds[0].needs_root);
	/* ...then pacman installs all but -api-headers, as root: through sudo
	 * unless kfdo is root, in the line shown and in the argv that runs alike. */
	const char *inst[] = { "pacman", "-U", "--noconfirm",
			       "/o/linux-upstream-6.13.0-1-x86_64.pkg.tar.zst",
			       "/o/linux-upstream-debug-6.13.0-1-x86_64.pkg.tar.zst", NULL };
	assert_argv(&p.cmds[1], inst);
	assert_true(p.cmds[1].needs_root);
	plan_set_euid(1000);
	assert_true(plan_cmd_sudo(&p.cmds[1]));
	assert_true(plan_needs_sudo(&p));
	char *line = plan_format_command(&p.cmds[1]);
	assert_true(str_starts(line, "sudo pacman -U --noconfirm /o/"));
	free(line);
	char **run = plan_cmd_argv(&p.cmds[1]);
	assert_string_equal(run[0], "sudo");
	assert_string_equal(run[1], "pacman");
	assert_int_equal(strv_len(run), strv_len(p.cmds[1].argv) + 1);
	strv_free(run);
	plan_set_euid(0);
	assert_false(plan_cmd_sudo(&p.cmds[1]));
	assert_false(plan_needs_sudo(&p));
	line = plan_format_command(&p.cmds[1]);
	assert_true(str_starts(line, "pacman -U --noconfirm /o/"));
	free(line);
	run = plan_cmd_argv(&p.cmds[1]);
	assert_true(strv_eq(run, p.cmds[1].argv));
	strv_free(run);
	plan_set_euid(-1);
	plan_free(&p);

	/* Root mode: kfdo installs through libalpm into the root, never through sudo. */
	session_set(&s->install_root, "/tmp/r");
	assert_int_equal(pkg_install_plan(s, &p, &cause), 0);
	const char *rooted[] = { self, "packages", "install", "--root", "/tmp/r", "--dbpath", "/tmp/r/var/lib/pacman",
				 "/o/linux-upstream-6.13.0-1-x86_64.pkg.tar.zst",
				 "/o/linux-upstream-debug-6.13.0-1-x86_64.pkg.tar.zst", NULL };
	assert_argv(&p.cmds[1], rooted);
	assert_false(p.cmds[1].needs_root);
	plan_set_euid(1000);
	assert_false(plan_needs_sudo(&p));
	plan_set_euid(-1);
	plan_free(&p);
	session_set(&s->install_dbpath, "/tmp/db");
	assert_int_equal(pkg_install_plan(s, &p, &cause), 0);
	assert_string_equal(p.cmds[1].argv[6], "/tmp/db");
	plan_free(&p);
	session_set(&s->install_root, NULL);
	session_set(&s->install_dbpath, NULL);
	free(self);

	assert_int_equal(record_plan(s, &p, &cause), -1);
	strv_push(&s->perf_event, "-e");
	strv_push(&s->perf_event, "rc4:k");
	session_set(&s->artifacts.perf_data, "/data/perf.data");
	s->workload.kind = WORKLOAD_TIMED;
	s->workload.minutes = 2;
	assert_int_equal(record_plan(s, &p, &cause), 0);
	const char *rec[] = { "perf", "record", "-e", "rc4:k", "-a", "-N", "-b", "-c", "500009",
			      "-o", "/data/perf.data", "--", "sleep", "120", NULL };
	assert_argv(&p.cmds[0], rec);
	plan_free(&p);
	s->workload.kind = WORKLOAD_COMMAND;
	session_set(&s->workload.command, "make -C ~/src/foo -j8");
	assert_int_equal(record_plan(s, &p, &cause), 0);
	char **argv = p.cmds[0].argv;
	size_t n = strv_len(argv);
	assert_string_equal(argv[n - 3], "sh");
	assert_string_equal(argv[n - 1], "make -C ~/src/foo -j8");
	plan_free(&p);

	assert_int_equal(profile_plan(s, &p, &cause), -1);
	session_set(&s->artifacts.vmlinux, "/usr/src/debug/linux-upstream/vmlinux");
	session_set(&s->toggles.llvm, "-19");
	char *saved = test_env_save("XDG_DATA_HOME");
	setenv("XDG_DATA_HOME", "/data", 1);
	assert_int_equal(profile_plan(s, &p, &cause), 0);
	/* Into a temporary name: the step gives the result its own when it is done.
	 * llvm-profgen is whichever of LLVM 19 or later the toolchain check finds. */
	assert_non_null(strstr(p.cmds[0].argv[0], "llvm-profgen"));
	const char *conv[] = { p.cmds[0].argv[0], "--kernel", "--binary=/usr/src/debug/linux-upstream/vmlinux",
			       "--perfdata=/data/perf.data", "-o", "/data/kfdo/profiles/.convert-new.afdo", NULL };
	assert_argv(&p.cmds[0], conv);
	assert_string_equal(p.cmds[0].cwd, "/data/kfdo/profiles");
	/* Then llvm-profdata checks it and counts. */
	assert_int_equal(p.n, 2);
	assert_non_null(strstr(p.cmds[1].argv[0], "llvm-profdata"));
	assert_string_equal(p.cmds[1].argv[1], "show");
	assert_string_equal(p.cmds[1].argv[2], "--sample");
	plan_free(&p);
	/* A perf script input (the tests' stand-in for an LBR recording) goes in with --perfscript. */
	session_set(&s->artifacts.perf_data, "/data/trace.perfscript");
	assert_int_equal(profile_plan(s, &p, &cause), 0);
	assert_string_equal(p.cmds[0].argv[3], "--perfscript=/data/trace.perfscript");
	plan_free(&p);
	test_env_restore("XDG_DATA_HOME", saved);
	free(cause);
	session_free(s);
}

static void test_source(void **state)
{
	(void)state;
	struct session *s = base_session();
	struct plan p = { 0 };
	assert_int_equal(step_get(STEP_SOURCE)->plan(s, &p, NULL), 0);
	assert_int_equal(p.n, 0);
	session_set(&s->clone_url, "https://example.org/linux.git");
	session_set(&s->clone_branch, "v6.13");
	assert_int_equal(step_get(STEP_SOURCE)->plan(s, &p, NULL), 0);
	const char *clone[] = { "git", "clone", "--progress", "--depth=1", "--branch", "v6.13", "--",
				"https://example.org/linux.git", "/src/linux", NULL };
	assert_argv(&p.cmds[0], clone);
	plan_free(&p);
	session_free(s);
}

static void test_quoting(void **state)
{
	(void)state;
	struct plan p = { 0 };
	char **argv = NULL;
	strv_push(&argv, "make");
	strv_push(&argv, "KCFLAGS=-O2 -march=native");
	strv_push(&argv, "-C");
	strv_push(&argv, "/home/me/my kernel");
	struct plan_cmd *c = plan_add(&p, "x", argv);
	plan_cmd_setenv(c, "MAKEPKGOPTS", "--nodeps --skipinteg");
	plan_cmd_setenv(c, "EMPTY", "");
	c->needs_root = true;
	plan_set_euid(1000);
	char *line = plan_format_command(c);
	assert_string_equal(line, "sudo MAKEPKGOPTS='--nodeps --skipinteg' EMPTY= make "
				  "'KCFLAGS=-O2 -march=native' -C '/home/me/my kernel'");
	free(line);
	/* sudo resets the environment: the assignments go on its command line, as shown. */
	char **run = plan_cmd_argv(c);
	const char *want[] = { "sudo", "MAKEPKGOPTS=--nodeps --skipinteg", "EMPTY=", "make",
			       "KCFLAGS=-O2 -march=native", "-C", "/home/me/my kernel", NULL };
	assert_true(strv_eq(run, (char *const *)want));
	strv_free(run);
	/* As root the same command runs as it is, and says so. */
	plan_set_euid(0);
	line = plan_format_command(c);
	assert_string_equal(line, "MAKEPKGOPTS='--nodeps --skipinteg' EMPTY= make "
				  "'KCFLAGS=-O2 -march=native' -C '/home/me/my kernel'");
	free(line);
	plan_set_euid(-1);

	c = plan_add_copy(&p, "copy", "/proc/config.gz", "/src/my linux/.config");
	line = plan_format_command(c);
	assert_string_equal(line, "zcat /proc/config.gz > '/src/my linux/.config'");
	free(line);
	c = plan_add_copy(&p, "copy", "/boot/config-6.13", "/src/linux/.config");
	line = plan_format_command(c);
	assert_string_equal(line, "cp /boot/config-6.13 /src/linux/.config");
	free(line);
	assert_int_equal(p.n, 3);
	plan_free(&p);
}

/* Runs config_readback on a fixture and returns the report joined by "; ". */
static char *readback(const char *fixture, const struct toggles *t)
{
	char *path = xasprintf("%s/%s", CONFIG_FIXTURES, fixture);
	char **bad = (char **)1;
	char *cause = NULL;
	assert_int_equal(kmake_config_readback(path, t, &bad, &cause), 0);
	assert_null(cause);
	struct strbuf sb = { 0 };
	sb_add(&sb, "");
	for (size_t i = 0; bad && bad[i]; i++)
		sb_addf(&sb, "%s%s", i ? "; " : "", bad[i]);
	strv_free(bad);
	free(path);
	return sb.s;
}

static void test_readback(void **state)
{
	(void)state;
	struct session *s = session_new();
	char *r = readback("autofdo_thin_ok.config", &s->toggles);
	assert_string_equal(r, "");
	free(r);

	r = readback("autofdo_refused.config", &s->toggles);
	assert_string_equal(r, "AUTOFDO_CLANG (asked: y, got: not set)");
	free(r);

	/* GCC: the clang-only symbols are not even written. */
	strv_push(&s->toggles.config_enable, "MODULES");
	strv_push(&s->toggles.config_disable, "DEBUG_INFO");
	r = readback("gcc_built.config", &s->toggles);
	assert_string_equal(r, "AUTOFDO_CLANG (asked: y, got: absent); "
			       "LTO_CLANG_THIN (asked: y, got: absent); "
			       "LTO_NONE (asked: not set, got: y); "
			       "MODULES (asked: y, got: m); "
			       "DEBUG_INFO (asked: not set, got: y)");
	free(r);
	session_free(s);

	/* The e2e setup on 6.12: tinyconfig + 64BIT + ThinLTO, no AutoFDO. */
	s = session_new();
	s->toggles.autofdo = false;
	strv_push(&s->toggles.config_enable, "64BIT");
	strv_push(&s->toggles.config_disable, "DEBUG_INFO");
	r = readback("tinyconfig_6.12.config", &s->toggles);
	assert_string_equal(r, "LTO_CLANG_THIN (asked: y, got: absent); "
			       "LTO_NONE (asked: not set, got: y); "
			       "64BIT (asked: y, got: not set)");
	free(r);
	session_free(s);

	struct toggles none = { 0 };
	char **bad = NULL;
	char *cause = NULL;
	assert_int_equal(kmake_config_readback("/nonexistent/.config", &none, &bad, &cause), -1);
	assert_non_null(strstr(cause, "/nonexistent/.config"));
	assert_null(bad);
	free(cause);
}

static char tmpdir[64];

static void test_copy_run(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kfdo-test-plan-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	const char *text = "CONFIG_64BIT=y\n# CONFIG_LTO_NONE is not set\n";
	char *gz = xasprintf("%s/config.gz", tmpdir);
	gzFile f = gzopen(gz, "wb");
	assert_non_null(f);
	assert_int_equal(gzwrite(f, text, (unsigned)strlen(text)), (int)strlen(text));
	gzclose(f);

	struct plan p = { 0 };
	/* The O= directory does not exist yet: the copy creates it. */
	char *dst = xasprintf("%s/out/sub/.config", tmpdir);
	struct plan_cmd *c = plan_add_copy(&p, "copy", gz, dst);
	char *cause = NULL;
	assert_int_equal(plan_copy_run(c, &cause), 0);
	assert_null(cause);
	char *got = file_read(dst, 1 << 20, NULL);
	assert_string_equal(got, text);
	free(got);

	/* A plain file is copied as it is. */
	char *plain = xasprintf("%s/plain.config", tmpdir);
	int fd = open(plain, O_WRONLY | O_CREAT, 0644);
	assert_int_equal(write(fd, "CONFIG_X=y\n", 11), 11);
	close(fd);
	c = plan_add_copy(&p, "copy", plain, dst);
	assert_int_equal(plan_copy_run(c, &cause), 0);
	got = file_read(dst, 1 << 20, NULL);
	assert_string_equal(got, "CONFIG_X=y\n");
	free(got);

	char *missing = xasprintf("%s/missing.gz", tmpdir);
	c = plan_add_copy(&p, "copy", missing, dst);
	assert_int_equal(plan_copy_run(c, &cause), -1);
	assert_non_null(strstr(cause, "missing.gz"));
	/* A failed copy leaves the old .config alone and no temp file behind. */
	got = file_read(dst, 1 << 20, NULL);
	assert_string_equal(got, "CONFIG_X=y\n");
	free(got);
	char *sub = xasprintf("%s/out/sub", tmpdir);
	DIR *dir = opendir(sub);
	assert_non_null(dir);
	int entries = 0;
	for (struct dirent *e; (e = readdir(dir));)
		entries += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(dir);
	assert_int_equal(entries, 1);
	free(sub);
	plan_free(&p);

	free(cause);
	free(missing);
	free(plain);
	free(dst);
	free(gz);
	test_rm_rf(tmpdir);
}

static void test_strv(void **state)
{
	(void)state;
	char **v = NULL;
	assert_int_equal(strv_len(v), 0);
	strv_push(&v, "a");
	strv_pushf(&v, "-j%d", 8);
	assert_int_equal(strv_len(v), 2);
	assert_null(v[2]);
	char **d = strv_dup(v);
	assert_true(strv_eq(v, d));
	strv_push(&d, "c");
	assert_false(strv_eq(v, d));
	assert_true(strv_eq(NULL, NULL));
	assert_false(strv_eq(NULL, v));
	strv_free(v);
	strv_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_configure_running_llvm1),
		cmocka_unit_test(test_configure_tiny_llvm19_output),
		cmocka_unit_test(test_configure_file_and_defconfig),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_final_build),
		cmocka_unit_test(test_install_profile_convert),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_readback),
		cmocka_unit_test(test_copy_run),
		cmocka_unit_test(test_strv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
