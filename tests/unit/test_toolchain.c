/* Toolchain, resources, run_capture and the pacman owner lookup. Fake tools
 * are tiny shell scripts on a private PATH that print real version outputs
 * (the .txt files of tests/fixtures/toolchain). */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "detect/check.h"
#include "detect/pkgowner.h"
#include "detect/resources.h"
#include "proc/capture.h"
#include "detect/toolchain.h"
#include "detect/toolchain_int.h"

#define TC_FIXTURES FIXTURES "/toolchain"

static char *real_path_env;

/* ---- helpers ---------------------------------------------------------- */

static char *tmp_root(void)
{
	char t[] = "/tmp/kfdo-tc-XXXXXX";
	assert_non_null(mkdtemp(t));
	char real[PATH_MAX];
	assert_non_null(realpath(t, real));
	return xstrdup(real);
}


static void put_file(const char *root, const char *rel, const char *text, mode_t mode)
{
	char *path = xasprintf("%s/%s", root, rel);
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755, NULL), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
	free(dir);
	free(path);
}

/* root/<dir>/<name>: a script printing a fixture file, whatever its arguments. */
static void fake_tool_in(const char *root, const char *dir, const char *name, const char *fixture)
{
	char real[PATH_MAX];
	char *fx = xasprintf("%s/%s", TC_FIXTURES, fixture);
	assert_non_null(realpath(fx, real));
	char *script = xasprintf("#!/bin/sh\nexec /bin/cat '%s'\n", real);
	char *rel = xasprintf("%s/%s", dir, name);
	put_file(root, rel, script, 0755);
	free(rel);
	free(script);
	free(fx);
}

static void fake_tool(const char *root, const char *name, const char *fixture)
{
	fake_tool_in(root, "usr/bin", name, fixture);
}

static void fake_tool_text(const char *root, const char *name, const char *text)
{
	char *out = xasprintf("out/%s.txt", name);
	put_file(root, out, text, 0644);
	char *script = xasprintf("#!/bin/sh\nexec /bin/cat '%s/%s'\n", root, out);
	char *rel = xasprintf("usr/bin/%s", name);
	put_file(root, rel, script, 0755);
	free(rel);
	free(script);
	free(out);
}

/* create_llvm_prof as distributions build it: --version names only the
 * program, --help (exit 1, as gflags and absl do) prints the fixture. */
static void fake_clp(const char *root, const char *help)
{
	char *path = help[0] == '/' ? xstrdup(help) : xasprintf("%s/%s", TC_FIXTURES, help);
	char *script = xasprintf("#!/bin/sh\nif [ \"$1\" = --help ]; then /bin/cat '%s'; exit 1; fi\n"
				 "echo create_llvm_prof\n", path);
	free(path);
	put_file(root, "usr/bin/create_llvm_prof", script, 0755);
	free(script);
}

/* Everything but the LLVM tools. */
static void fake_base_tools(const char *root)
{
	fake_tool(root, "perf", "perf-build-options-debian.txt");
	fake_tool(root, "make", "make.txt");
	fake_tool(root, "makepkg", "makepkg.txt");
	fake_tool(root, "pacman", "pacman.txt");
	fake_tool(root, "git", "git.txt");
	fake_tool(root, "bc", "bc.txt");
	fake_tool(root, "flex", "flex.txt");
	fake_tool(root, "bison", "bison.txt");
	fake_tool(root, "pahole", "pahole.txt");
	fake_tool(root, "cpio", "cpio.txt");
	fake_tool(root, "perl", "perl-v.txt");
}

static void fake_llvm19_suffixed(const char *root)
{
	fake_tool(root, "clang", "clang-14-debian.txt");
	fake_tool(root, "clang-14", "clang-14-debian.txt");
	fake_tool(root, "clang-19", "clang-19-debian.txt");
	fake_tool(root, "ld.lld-19", "ld.lld-19-debian.txt");
	fake_tool(root, "llvm-ar-19", "llvm-ar-19-debian.txt");
	fake_tool(root, "llvm-nm-19", "llvm-nm-19-debian.txt");
	fake_tool(root, "llvm-objcopy-19", "llvm-objcopy-19-debian.txt");
	fake_tool(root, "llvm-profdata-19", "llvm-profdata-19-debian.txt");
	fake_tool(root, "llvm-profgen-19", "llvm-profgen-19-debian.txt");
	fake_tool(root, "llvm-profgen-14", "llvm-profgen-14-debian.txt");
}

static void use_path(const char *root, const char *dir)
{
	char *p = xasprintf("%s/%s", root, dir);
	setenv("PATH", p, 1);
	free(p);
}

/* Removes the tree and frees its malloc'd path. */
static void rm_rf(char *root)
{
	test_rm_rf(root);
	free(root);
}

static const struct check *find(const struct check_list *l, const char *id)
{
	const struct check *c = check_find(l, id);
	if (!c)
		fail_msg("no check %s", id);
	return c;
}

static int setup(void **state)
{
	(void)state;
	setenv("PATH", real_path_env, 1);
	return 0;
}

/* ---- version parsing -------------------------------------------------- */

static void expect_version(const char *fixture, const char *want, int want_major)
{
	char *path = xasprintf("%s/%s", TC_FIXTURES, fixture);
	char *text = file_read(path, 1 << 20, NULL);
	if (!text)
		fail_msg("cannot read %s", path);
	int major = -1;
	char *v = toolchain_parse_version(text, &major);
	if (!v || strcmp(v, want) != 0)
		fail_msg("%s: got %s, want %s", fixture, v ? v : "(null)", want);
	assert_int_equal(major, want_major);
	free(v);
	free(text);
	free(path);
}

static void test_parse_real_outputs(void **state)
{
	(void)state;
	expect_version("clang-19-debian.txt", "19.1.7", 19);
	expect_version("clang-14-debian.txt", "14.0.6", 14);
	expect_version("ld.lld-19-debian.txt", "19.1.7", 19);
	expect_version("llvm-ar-19-debian.txt", "19.1.7", 19);
	expect_version("llvm-nm-19-debian.txt", "19.1.7", 19);
	expect_version("llvm-objcopy-19-debian.txt", "19.1.7", 19);
	expect_version("llvm-profdata-19-debian.txt", "19.1.7", 19);
	expect_version("llvm-profgen-19-debian.txt", "19.1.7", 19);
	expect_version("llvm-profgen-14-debian.txt", "14.0.6", 14);
	expect_version("perf-build-options-debian.txt", "6.1.187", 6);
	expect_version("make.txt", "4.3", 4);
	expect_version("git.txt", "2.39.5", 2);
	expect_version("pahole.txt", "1.24", 1);
	expect_version("bison.txt", "3.8.2", 3);
	expect_version("flex.txt", "2.6.4", 2);
	expect_version("bc.txt", "1.07.1", 1);
	expect_version("cpio.txt", "2.13", 2);
	expect_version("perl-v.txt", "5.36.0", 5);
	expect_version("perl--version.txt", "5.36.0", 5);
	expect_version("makepkg.txt", "6.0.2", 6);
	expect_version("pacman.txt", "6.0.2", 6);
	expect_version("clang-18-ubuntu.txt", "18.1.3", 18);
	expect_version("ld.lld-18-ubuntu.txt", "18.1.3", 18);
	expect_version("clang-19-arch.txt", "19.1.7", 19);
	expect_version("ld.lld-19-arch.txt", "19.1.7", 19);
	expect_version("llvm-19-arch.txt", "19.1.7", 19);
}

static void test_parse_edge_cases(void **state)
{
	(void)state;
	int major = -1;
	assert_null(toolchain_parse_version("create_llvm_prof\n", &major));
	assert_int_equal(major, 0);
	assert_null(toolchain_parse_version(NULL, NULL));
	/* Dotted numbers glued to words (x86_64, deb12u1) are not versions. */
	char *v = toolchain_parse_version("foo-x1.2 tool v0.30.1\n", &major);
	assert_string_equal(v, "0.30.1");
	free(v);
	/* A licence line's "version 3.0" must not beat the tool's own line. */
	v = toolchain_parse_version("Tool 1.2\nLicense: GPL version 3.0 or later\n", &major);
	assert_string_equal(v, "1.2");
	assert_int_equal(major, 1);
	free(v);

	assert_int_equal(toolchain_version_cmp("0.30.1", "0.30.1"), 0);
	assert_int_equal(toolchain_version_cmp("0.30", "0.30.1"), -1);
	assert_int_equal(toolchain_version_cmp("0.19", "0.30.1"), -1);
	assert_int_equal(toolchain_version_cmp("1.24", "1.16"), 1);
	assert_int_equal(toolchain_version_cmp("1.07.1", "1.06.95"), 1);
	assert_int_equal(toolchain_version_cmp("4.3", "4.0"), 1);
	assert_int_equal(toolchain_version_cmp("2.6.4", "2.5.35"), 1);
}

static void test_distro(void **state)
{
	(void)state;
	char *root = tmp_root();
	assert_int_equal(toolchain_distro(root), DISTRO_UNKNOWN);
	put_file(root, "etc/os-release", "NAME=\"Arch Linux\"\nID=arch\n", 0644);
	assert_int_equal(toolchain_distro(root), DISTRO_ARCH);
	put_file(root, "etc/os-release", "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", 0644);
	assert_int_equal(toolchain_distro(root), DISTRO_UBUNTU);
	put_file(root, "etc/os-release", "ID=debian\n", 0644);
	assert_int_equal(toolchain_distro(root), DISTRO_DEBIAN);
	put_file(root, "etc/os-release", "ID=fedora\nID_LIKE=\"rhel centos\"\n", 0644);
	assert_int_equal(toolchain_distro(root), DISTRO_UNKNOWN);
	assert_int_equal(toolchain_distro(TC_FIXTURES "/sysroot-arch"), DISTRO_ARCH);
	assert_int_equal(toolchain_distro(TC_FIXTURES "/sysroot-ubuntu"), DISTRO_UBUNTU);
	assert_string_equal(toolchain_distro_name(DISTRO_ARCH), "arch");
	rm_rf(root);
}

/* ---- toolchain_detect with fake tools ---------------------------------- */

static void test_suffixed_llvm_chosen(void **state)
{
	(void)state;
	char *root = tmp_root();
	fake_base_tools(root);
	fake_llvm19_suffixed(root);
	use_path(root, "usr/bin");
	struct toolchain tc;
	struct toolchain_opts o = { .sysroot = TC_FIXTURES "/sysroot-arch", .no_owners = true };
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);

	/* Unsuffixed clang is 14, clang-19 is newer: -19 names every LLVM tool. */
	assert_string_equal(tc.llvm_suffix, "-19");
	assert_string_equal(tc.make_llvm_arg, "LLVM=-19");
	assert_int_equal(tc.llvm_major, 19);
	assert_string_equal(tc.tools[TOOL_CLANG].name, "clang-19");
	assert_string_equal(tc.tools[TOOL_LLD].name, "ld.lld-19");
	assert_string_equal(tc.tools[TOOL_LLVM_AR].name, "llvm-ar-19");
	assert_string_equal(tc.tools[TOOL_LLVM_PROFGEN].name, "llvm-profgen-19");
	assert_string_equal(tc.tools[TOOL_LLD].version, "19.1.7");
	assert_true(tc.profgen_kernel);
	assert_int_equal(tc.perf_libpfm, 0);
	assert_string_equal(tc.tools[TOOL_PAHOLE].version, "1.24");
	assert_string_equal(tc.tools[TOOL_PERL].version, "5.36.0");
	assert_string_equal(tc.tools[TOOL_OPENSSL].version, "3.0.22");
	assert_string_equal(tc.tools[TOOL_LIBELF].version, "0.188");

	struct check_list l = { 0 };
	toolchain_checks(&tc, &l);
	const struct check *c = find(&l, "tool.clang");
	assert_int_equal(c->status, CHECK_OK);
	assert_non_null(strstr(c->message, "LLVM=-19"));
	assert_int_equal(find(&l, "tool.llvm-profgen")->status, CHECK_OK);
	assert_int_equal(find(&l, "tool.perf")->status, CHECK_OK);
	assert_non_null(strstr(find(&l, "tool.perf")->message, "without libpfm4"));
	/* Only Propeller needs create_llvm_prof. */
	assert_int_equal(find(&l, "tool.create_llvm_prof")->status, CHECK_WARN);
	assert_non_null(find(&l, "disk"));
	assert_non_null(find(&l, "ram"));
	assert_non_null(find(&l, "cpus"));
	for (size_t i = 0; i < l.n; i++)
		if (str_starts(l.v[i].id, "tool.") && strcmp(l.v[i].id, "tool.create_llvm_prof"))
			if (l.v[i].status != CHECK_OK)
				fail_msg("%s: %s", l.v[i].id, l.v[i].message);
	assert_null(toolchain_install_command(&tc));
	check_list_free(&l);
	toolchain_free(&tc);
	rm_rf(root);
}

static void fake_llvm18_unsuffixed(const char *root)
{
	fake_tool(root, "clang", "clang-18-ubuntu.txt");
	fake_tool(root, "ld.lld", "ld.lld-18-ubuntu.txt");
	fake_tool(root, "llvm-ar", "llvm-18-ubuntu.txt");
	fake_tool(root, "llvm-nm", "llvm-18-ubuntu.txt");
	fake_tool(root, "llvm-objcopy", "llvm-18-ubuntu.txt");
	fake_tool(root, "llvm-profdata", "llvm-18-ubuntu.txt");
	fake_tool(root, "llvm-profgen", "llvm-18-ubuntu.txt");
}

static void test_clang18_profgen_too_old(void **state)
{
	(void)state;
	char *root = tmp_root();
	fake_base_tools(root);
	fake_llvm18_unsuffixed(root);
	use_path(root, "usr/bin");
	struct toolchain tc;
	struct toolchain_opts o = { .sysroot = TC_FIXTURES "/sysroot-ubuntu", .no_owners = true };
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	assert_string_equal(tc.llvm_suffix, "");
	assert_string_equal(tc.make_llvm_arg, "LLVM=1");
	assert_int_equal(tc.llvm_major, 18);
	assert_false(tc.profgen_kernel);
	assert_int_equal(tc.distro, DISTRO_UBUNTU);

	struct check_list l = { 0 };
	toolchain_checks(&tc, &l);
	/* clang 18 builds with AutoFDO; Propeller wants 19. */
	assert_int_equal(find(&l, "tool.clang")->status, CHECK_WARN);
	const struct check *c = find(&l, "tool.llvm-profgen");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_non_null(strstr(c->message, "too old for --kernel"));
	assert_non_null(c->remedy);
	assert_non_null(strstr(c->remedy, "create_llvm_prof"));
	assert_non_null(strstr(c->remedy, "sudo apt-get install llvm-19"));
	/* The Ubuntu sysroot has no openssl or libelf headers. */
	assert_int_equal(find(&l, "tool.openssl")->status, CHECK_FAIL);
	assert_non_null(strstr(find(&l, "tool.openssl")->remedy, "libssl-dev"));
	/* A 4 GiB machine: ThinLTO may run out of memory, and -j is capped. */
	assert_int_equal(find(&l, "ram")->status, CHECK_WARN);
	assert_true(tc.res.jobs <= 2);
	/* Not Arch: missing pacman is a warning, not a failure. */
	char *cmd = toolchain_install_command(&tc);
	assert_non_null(cmd);
	assert_string_equal(cmd, "sudo apt-get install llvm-19 libssl-dev libelf-dev");
	free(cmd);
	check_list_free(&l);
	toolchain_free(&tc);

	/* With create_llvm_prof (absl's --version prints no number) it is workable. */
	fake_tool_text(root, "create_llvm_prof", "create_llvm_prof\n");
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	toolchain_checks(&tc, &l);
	c = find(&l, "tool.llvm-profgen");
	assert_int_equal(c->status, CHECK_WARN);
	assert_non_null(strstr(c->message, "create_llvm_prof will convert"));
	c = find(&l, "tool.create_llvm_prof");
	assert_int_equal(c->status, CHECK_OK);
	assert_non_null(strstr(c->message, "v0.30.1"));
	check_list_free(&l);
	toolchain_free(&tc);

	/* One that says its version: 0.19 is too old for kernel profiles. */
	fake_tool_text(root, "create_llvm_prof", "create_llvm_prof version 0.19\n");
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	assert_int_equal(tc.tools[TOOL_LLVM_PROFGEN].status, CHECK_FAIL);
	assert_int_equal(tc.tools[TOOL_CREATE_LLVM_PROF].status, CHECK_WARN);
	toolchain_free(&tc);

	/* Debian's real autofdo 0.19 prints no version at all; its --help shows
	 * a --format without extbinary: too old, found before any recording. */
	fake_clp(root, "create_llvm_prof-0.19-debian-help.txt");
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	assert_null(tc.tools[TOOL_CREATE_LLVM_PROF].version);
	assert_int_equal(tc.clp_extbinary, 0);
	assert_false(toolchain_create_llvm_prof_ok(&tc));
	assert_int_equal(tc.tools[TOOL_LLVM_PROFGEN].status, CHECK_FAIL);
	assert_int_equal(tc.tools[TOOL_CREATE_LLVM_PROF].status, CHECK_WARN);
	assert_non_null(strstr(tc.tools[TOOL_CREATE_LLVM_PROF].message, "no extbinary"));
	toolchain_free(&tc);

	/* extbinary named only by another flag's text is not --format's. */
	char *other = xasprintf("%s/other-help.txt", root);
	FILE *f = fopen(other, "w");
	assert_non_null(f);
	fputs("  Flags from create_llvm_prof.cc:\n"
	      "    -format (LLVM profile format to emit. Possible values are 'text' or\n"
	      "      'binary'.) type: string default: \"binary\"\n"
	      "    -prof_sym_list (only with --format=extbinary) type: bool default: false\n", f);
	fclose(f);
	fake_clp(root, other);
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	assert_int_equal(tc.clp_extbinary, 0);
	toolchain_free(&tc);
	free(other);

	/* A current build (absl flags, no version either) offers extbinary: used. */
	fake_clp(root, "create_llvm_prof-absl-help.txt");
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	assert_int_equal(tc.clp_extbinary, 1);
	assert_true(toolchain_create_llvm_prof_ok(&tc));
	assert_int_equal(tc.tools[TOOL_LLVM_PROFGEN].status, CHECK_WARN);
	assert_int_equal(tc.tools[TOOL_CREATE_LLVM_PROF].status, CHECK_OK);
	assert_null(strstr(tc.tools[TOOL_CREATE_LLVM_PROF].message, "v0.30.1"));
	toolchain_free(&tc);

	/* Any llvm-profgen >= 19 will do, even beside clang 18. */
	fake_tool(root, "llvm-profgen-19", "llvm-profgen-19-debian.txt");
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	assert_true(tc.profgen_kernel);
	assert_string_equal(tc.tools[TOOL_LLVM_PROFGEN].name, "llvm-profgen-19");
	assert_int_equal(tc.tools[TOOL_LLVM_PROFGEN].status, CHECK_OK);
	assert_string_equal(tc.make_llvm_arg, "LLVM=1");
	toolchain_free(&tc);
	rm_rf(root);
}

static void test_clang14_too_old(void **state)
{
	(void)state;
	char *root = tmp_root();
	fake_base_tools(root);
	fake_tool(root, "clang", "clang-14-debian.txt");
	use_path(root, "usr/bin");
	struct toolchain tc;
	struct toolchain_opts o = { .sysroot = TC_FIXTURES "/sysroot-ubuntu", .no_owners = true };
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	const struct tool *t = &tc.tools[TOOL_CLANG];
	assert_int_equal(t->status, CHECK_FAIL);
	assert_non_null(strstr(t->message, "AUTOFDO_CLANG needs 17"));
	assert_non_null(strstr(t->remedy, "clang-19 lld-19 llvm-19"));
	assert_int_equal(tc.tools[TOOL_LLD].status, CHECK_FAIL);
	assert_string_equal(tc.tools[TOOL_LLD].remedy, "sudo apt-get install lld-19");
	toolchain_free(&tc);
	rm_rf(root);
}

static void test_missing_perf(void **state)
{
	(void)state;
	char *root = tmp_root();
	fake_base_tools(root);
	fake_llvm19_suffixed(root);
	char *perf = xasprintf("%s/usr/bin/perf", root);
	assert_int_equal(unlink(perf), 0);
	free(perf);
	use_path(root, "usr/bin");
	struct toolchain tc;
	struct toolchain_opts o = { .sysroot = TC_FIXTURES "/sysroot-arch", .no_owners = true };
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	struct check_list l = { 0 };
	toolchain_checks(&tc, &l);
	const struct check *c = find(&l, "tool.perf");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_non_null(strstr(c->message, "perf not found"));
	assert_string_equal(c->remedy, "sudo pacman -S --needed perf");
	assert_int_equal(tc.perf_libpfm, -1);
	char *cmd = toolchain_install_command(&tc);
	assert_string_equal(cmd, "sudo pacman -S --needed perf");
	free(cmd);
	assert_int_equal(check_list_worst(&l), CHECK_FAIL);
	check_list_free(&l);
	toolchain_free(&tc);
	rm_rf(root);
}

static void test_llvm_dir(void **state)
{
	(void)state;
	char *root = tmp_root();
	fake_base_tools(root);
	fake_tool_in(root, "opt/llvm/bin", "clang", "clang-19-arch.txt");
	fake_tool_in(root, "opt/llvm/bin", "ld.lld", "ld.lld-19-arch.txt");
	static const char *const llvm[] = { "llvm-ar", "llvm-nm", "llvm-objcopy", "llvm-profdata",
					    "llvm-profgen" };
	for (size_t i = 0; i < ARRAY_LEN(llvm); i++)
		fake_tool_in(root, "opt/llvm/bin", llvm[i], "llvm-19-arch.txt");
	use_path(root, "usr/bin");
	char *dir = xasprintf("%s/opt/llvm/bin", root);
	struct toolchain tc;
	struct toolchain_opts o = { .sysroot = TC_FIXTURES "/sysroot-arch", .llvm_dir = dir,
				    .no_owners = true };
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	char *want = xasprintf("LLVM=%s/", dir);
	assert_string_equal(tc.make_llvm_arg, want);
	assert_int_equal(tc.llvm_major, 19);
	assert_true(tc.profgen_kernel);
	assert_int_equal(tc.tools[TOOL_LLD].status, CHECK_OK);
	assert_true(str_starts(tc.tools[TOOL_LLVM_AR].path, dir));
	free(want);
	toolchain_free(&tc);

	char *cause = NULL;
	o.llvm_dir = "/nonexistent/llvm/bin";
	assert_int_equal(toolchain_detect(&o, &tc, &cause), -1);
	assert_non_null(strstr(cause, "not a directory"));
	free(cause);
	toolchain_free(&tc);
	free(dir);
	rm_rf(root);
}

/* ---- the real machine ---------------------------------------------------- */

/* The class of bug a fresh machine found: the CLI tests take `kfdo run` through
 * the toolchain step, which fails without a tool it requires, and the install
 * step for `make check` did not list four of them (flex, bison, pahole, cpio).
 * Every required tool must be installed by scripts/deps.sh test, under the name
 * the tests use (LLVM with Debian's -19 suffix): scripts/deps.sh need says so. */
static void test_deps_list_has_required_tools(void **state)
{
	(void)state;
	struct strbuf cmds = { 0 }, headers = { 0 };
	for (size_t i = 0; i < TOOL_COUNT; i++) {
		const struct tool_spec *t = &toolchain_specs[i];
		/* makepkg and pacman are required on Arch only (toolchain_rate.c). */
		if (!t->required || i == TOOL_MAKEPKG || i == TOOL_PACMAN)
			continue;
		if (t->how == FIND_HEADER)
			sb_addf(&headers, " %s", t->debian_pkg);
		else
			sb_addf(&cmds, " %s%s", t->name, t->how == FIND_LLVM ? "-19" : "");
	}
	assert_non_null(cmds.s);
	int rc = test_need(cmds.s);
	if (rc == 77)
		skip(); /* not Debian: the -19 names do not apply */
	if (rc != 0)
		fail_msg("scripts/deps.sh test leaves out a tool the toolchain step requires:%s", cmds.s);
	/* Headers are no commands: their packages must be in the test or build level. */
	assert_non_null(headers.s);
	assert_int_equal(test_sh("for p in%s; do scripts/deps.sh packages build | grep -qx \"$p\" || "
				 "scripts/deps.sh packages test | grep -qx \"$p\" || { echo \"$p is not in scripts/deps.list\" >&2; "
				 "exit 1; }; done", headers.s), 0);
	sb_free(&cmds);
	sb_free(&headers);
}

static void test_real_toolchain(void **state)
{
	(void)state;
	TEST_NEED(test_need("clang-19 llvm-profgen-19"), "clang-19 llvm-profgen-19");
	struct toolchain tc;
	assert_int_equal(toolchain_detect(NULL, &tc, NULL), 0);
	assert_true(tc.llvm_major >= 19);
	if (*tc.llvm_suffix) {
		char *want = xasprintf("LLVM=%s", tc.llvm_suffix);
		assert_string_equal(tc.make_llvm_arg, want);
		free(want);
	}
	assert_non_null(tc.tools[TOOL_CLANG].path);
	assert_non_null(tc.tools[TOOL_LLD].path);
	assert_int_equal(tc.tools[TOOL_CLANG].status, CHECK_OK);
	assert_int_equal(tc.tools[TOOL_LLD].status, CHECK_OK);
	assert_true(tc.profgen_kernel);
	assert_true(tc.res.cpus >= 1);
	assert_true(tc.res.jobs >= 1 && tc.res.jobs <= tc.res.cpus);
	/* Debian's real autofdo (scripts/deps.sh test installs it) prints no
	 * version: its own --help decided, and it cannot write extbinary. */
	const struct tool *clp = &tc.tools[TOOL_CREATE_LLVM_PROF];
	if (clp->path && !clp->version && access("/var/lib/dpkg/info/autofdo.list", F_OK) == 0) {
		assert_int_equal(tc.clp_extbinary, 0);
		assert_int_equal(clp->status, CHECK_WARN);
	}
	struct check_list l = { 0 };
	toolchain_checks(&tc, &l);
	for (size_t i = 0; i < l.n; i++)
		print_message("  %-22s %-4s %s\n", l.v[i].id, check_status_name(l.v[i].status),
			      l.v[i].message);
	check_list_free(&l);
	toolchain_free(&tc);
}

/* ---- pacman database owners ------------------------------------------- */

static void put_pkg(const char *root, const char *name, const char *ver, const char *files)
{
	char *desc = xasprintf("%%NAME%%\n%s\n\n%%VERSION%%\n%s\n\n%%ARCH%%\nx86_64\n\n", name, ver);
	char *rel = xasprintf("var/lib/pacman/local/%s-%s/desc", name, ver);
	put_file(root, rel, desc, 0644);
	free(rel);
	free(desc);
	char *list = xasprintf("%%FILES%%\n%s\n", files);
	rel = xasprintf("var/lib/pacman/local/%s-%s/files", name, ver);
	put_file(root, rel, list, 0644);
	free(rel);
	free(list);
}

static void test_pkgowner(void **state)
{
	(void)state;
	char *root = tmp_root();
	assert_false(pkgowner_available(root));
	put_file(root, "etc/os-release", "ID=arch\n", 0644);
	put_file(root, "var/lib/pacman/local/ALPM_DB_VERSION", "9\n", 0644);
	put_pkg(root, "clang", "19.1.7-1", "usr/\nusr/bin/\nusr/bin/clang\nusr/bin/clang++\n");
	put_pkg(root, "perf", "6.12-1", "usr/\nusr/bin/\nusr/bin/perf\n");
	fake_base_tools(root);
	fake_tool(root, "clang", "clang-19-arch.txt");
	/* Arch's /bin is a symlink to usr/bin: the database only knows usr/bin. */
	char *bin = xasprintf("%s/bin", root);
	assert_int_equal(symlink("usr/bin", bin), 0);
	assert_true(pkgowner_available(root));

	char *p_clang = xasprintf("%s/usr/bin/clang", root);
	char *p_bin_clang = xasprintf("%s/bin/clang", root);
	const char *paths[] = { p_clang, "/usr/bin/perf", p_bin_clang, "/usr/bin/nothing", NULL };
	char *owners[ARRAY_LEN(paths)] = { 0 };
	assert_int_equal(pkgowner_lookup(root, paths, ARRAY_LEN(paths), owners, NULL), 3);
	assert_string_equal(owners[0], "clang");
	assert_string_equal(owners[1], "perf");
	assert_string_equal(owners[2], "clang");
	assert_null(owners[3]);
	assert_null(owners[4]);
	for (size_t i = 0; i < ARRAY_LEN(owners); i++)
		free(owners[i]);

	/* Through toolchain_detect, with the tools found on PATH=<root>/bin. */
	use_path(root, "bin");
	struct toolchain tc;
	struct toolchain_opts o = { .sysroot = root };
	assert_int_equal(toolchain_detect(&o, &tc, NULL), 0);
	assert_int_equal(tc.distro, DISTRO_ARCH);
	assert_non_null(tc.tools[TOOL_CLANG].package);
	assert_string_equal(tc.tools[TOOL_CLANG].package, "clang");
	assert_non_null(strstr(tc.tools[TOOL_CLANG].message, "package clang"));
	assert_null(tc.tools[TOOL_MAKE].package);
	toolchain_free(&tc);

	char *cause = NULL;
	const char *one[] = { "/usr/bin/clang" };
	char *own[1] = { 0 };
	assert_int_equal(pkgowner_lookup("/nonexistent-root", one, 1, own, &cause), -1);
	assert_non_null(strstr(cause, "no pacman database"));
	free(cause);
	free(p_clang);
	free(p_bin_clang);
	free(bin);
	rm_rf(root);
}

/* ---- resources ----------------------------------------------------------- */

static void test_resources(void **state)
{
	(void)state;
	uint64_t total = 0, avail = 0;
	assert_true(resources_parse_meminfo("MemTotal:  1000 kB\nMemFree:  10 kB\n"
					    "MemAvailable:  600 kB\n", &total, &avail));
	assert_int_equal(total, 1000 * 1024);
	assert_int_equal(avail, 600 * 1024);
	/* Before 3.14 there is no MemAvailable. */
	assert_true(resources_parse_meminfo("MemTotal: 2000 kB\nMemFree: 50 kB\n", &total, &avail));
	assert_int_equal(avail, 50 * 1024);
	assert_false(resources_parse_meminfo("garbage\n", &total, &avail));

	/* One job per CPU, at most one per 2 GiB of RAM. */
	assert_int_equal(resources_jobs(16, 8 * GiB), 4);
	assert_int_equal(resources_jobs(2, 24 * GiB), 2);
	assert_int_equal(resources_jobs(8, 0), 8);
	assert_int_equal(resources_jobs(4, GiB), 1);
	assert_int_equal(resources_jobs(32, 7 * GiB + GiB * 8 / 10), 4);
	assert_int_equal(resources_jobs(0, 0), 1);

	struct resources r;
	assert_int_equal(resources_read(TC_FIXTURES "/sysroot-ubuntu",
					 "/nonexistent-kfdo/build/dir", &r, NULL), 0);
	assert_string_equal(r.fs_dir, "/");
	assert_true(r.disk_known);
	assert_true(r.disk_total > 0);
	assert_true(r.mem_known);
	assert_int_equal(r.mem_total, 4020184ULL * 1024);
	assert_int_equal(r.mem_available, 2811220ULL * 1024);
	assert_true(r.jobs >= 1 && r.jobs <= 2);
	struct check_list l = { 0 };
	resources_checks(&r, &l);
	assert_int_equal(find(&l, "ram")->status, CHECK_WARN);
	assert_non_null(find(&l, "ram")->remedy);
	assert_int_not_equal(find(&l, "disk")->status, CHECK_SKIP);
	assert_int_equal(find(&l, "cpus")->status, CHECK_OK);
	check_list_free(&l);
	resources_free(&r);

	/* Thresholds on a made-up machine. */
	struct resources fake = { .dir = "/w", .fs_dir = "/w", .disk_known = true,
				  .disk_free = GiB, .mem_known = true, .mem_total = 32 * GiB,
				  .mem_available = 30 * GiB, .cpus = 16, .jobs = 16 };
	resources_checks(&fake, &l);
	assert_int_equal(find(&l, "disk")->status, CHECK_FAIL);
	assert_int_equal(find(&l, "ram")->status, CHECK_OK);
	check_list_free(&l);
	fake.disk_free = 10 * GiB;
	resources_checks(&fake, &l);
	assert_int_equal(find(&l, "disk")->status, CHECK_WARN);
	check_list_free(&l);
	fake.disk_free = 100 * GiB;
	resources_checks(&fake, &l);
	assert_int_equal(find(&l, "disk")->status, CHECK_OK);
	check_list_free(&l);
}

/* ---- run_capture ----------------------------------------------------------- */

static long long ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_run_capture(void **state)
{
	(void)state;
	setenv("PATH", "/usr/bin:/bin", 1);
	struct run_result r;
	const char *const both[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	assert_int_equal(run_capture(both, 20000, &r, NULL), 0);
	assert_int_equal(r.exit_code, 3);
	assert_non_null(strstr(r.output, "out\n"));
	assert_non_null(strstr(r.output, "err\n"));
	assert_false(r.timed_out);
	run_result_free(&r);

	const char *const locale[] = { "sh", "-c", "printf '%s' \"$LC_ALL\"", NULL };
	assert_int_equal(run_capture(locale, 20000, &r, NULL), 0);
	assert_string_equal(r.output, "C");
	run_result_free(&r);

	char *cause = NULL;
	const char *const missing[] = { "kfdo-no-such-tool", "--version", NULL };
	assert_int_equal(run_capture(missing, 2000, &r, &cause), -ENOENT);
	assert_string_equal(r.output, "");
	assert_non_null(strstr(cause, "not found"));
	run_result_free(&r);

	/* A hung tool is killed at the deadline, with whatever it printed. The
	 * deadline leaves a loaded machine time to start sh and print; the bound
	 * is far below the tool's own end, so it tells a kill from a wait. */
	long long t0 = ms_now();
	const char *const hang[] = { "sh", "-c", "echo started; exec sleep 60", NULL };
	assert_int_equal(run_capture(hang, 2000, &r, &cause), -ETIMEDOUT);
	assert_true(r.timed_out);
	assert_non_null(strstr(r.output, "started"));
	assert_true(ms_now() - t0 < 30000);
	run_result_free(&r);

	/* A child that exits but leaves a grandchild holding the pipe. */
	t0 = ms_now();
	const char *const orphan[] = { "sh", "-c", "sleep 60 & echo parent-done", NULL };
	assert_int_equal(run_capture(orphan, 2000, &r, &cause), -ETIMEDOUT);
	assert_non_null(strstr(r.output, "parent-done"));
	assert_true(ms_now() - t0 < 30000);
	run_result_free(&r);
	free(cause);

	const char *const flood[] = { "sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x", NULL };
	assert_int_equal(run_capture(flood, 20000, &r, NULL), 0);
	assert_true(r.truncated);
	assert_int_equal(r.len, RUN_MAX_OUTPUT);
	assert_int_equal(strlen(r.output), RUN_MAX_OUTPUT);
	assert_int_equal(r.exit_code, 0);
	run_result_free(&r);
}

static void test_check_list(void **state)
{
	(void)state;
	struct check_list l = { 0 };
	assert_int_equal(check_list_worst(&l), CHECK_OK);
	for (int i = 0; i < 40; i++)
		check_add(&l, "x.many", CHECK_OK, NULL, "item %d", i);
	check_add(&l, "x.skip", CHECK_SKIP, NULL, "skipped");
	assert_int_equal(check_list_worst(&l), CHECK_OK);
	struct check *c = check_add(&l, "x.warn", CHECK_WARN, "do this", "warned %s", "here");
	assert_string_equal(c->message, "warned here");
	assert_string_equal(c->remedy, "do this");
	assert_int_equal(check_list_worst(&l), CHECK_WARN);
	check_add(&l, "x.fail", CHECK_FAIL, NULL, "failed");
	assert_int_equal(check_list_worst(&l), CHECK_FAIL);
	assert_int_equal(l.n, 43);
	assert_string_equal(check_find(&l, "x.many")->message, "item 0");
	assert_null(check_find(&l, "x.none"));
	assert_string_equal(check_status_name(CHECK_OK), "ok");
	assert_string_equal(check_status_name(CHECK_WARN), "warn");
	assert_string_equal(check_status_name(CHECK_FAIL), "fail");
	assert_string_equal(check_status_name(CHECK_SKIP), "skip");
	check_list_free(&l);
	assert_int_equal(l.n, 0);
}

int main(void)
{
	const char *p = getenv("PATH");
	real_path_env = xstrdup(p ? p : "/usr/local/bin:/usr/bin:/bin");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_parse_real_outputs, setup),
		cmocka_unit_test_setup(test_parse_edge_cases, setup),
		cmocka_unit_test_setup(test_distro, setup),
		cmocka_unit_test_setup(test_suffixed_llvm_chosen, setup),
		cmocka_unit_test_setup(test_clang18_profgen_too_old, setup),
		cmocka_unit_test_setup(test_clang14_too_old, setup),
		cmocka_unit_test_setup(test_missing_perf, setup),
		cmocka_unit_test_setup(test_llvm_dir, setup),
		cmocka_unit_test_setup(test_deps_list_has_required_tools, setup),
		cmocka_unit_test_setup(test_real_toolchain, setup),
		cmocka_unit_test_setup(test_pkgowner, setup),
		cmocka_unit_test_setup(test_resources, setup),
		cmocka_unit_test_setup(test_run_capture, setup),
		cmocka_unit_test_setup(test_check_list, setup),
	};
	int rc = cmocka_run_group_tests_name("toolchain", tests, NULL, NULL);
	free(real_path_env);
	return rc;
}
