/* engine/pkg on real packages: real makepkg builds them at test time from
 * small PKGBUILDs laid out like the kernel's (tests/tools/mkkernelpkgs, as
 * nobody when the tests run as root), libalpm reads them, and libalpm
 * installs them into a temporary root and package database. The vmlinux in
 * them is a real ELF file linked by cc; its build-id is checked against what
 * readelf says of the same file. makepkg that cannot run fails the setup:
 * no test here is skipped. */
#include "testlib.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/pkg.h"
#include "engine/plan.h"
#include "engine/session.h"
#include "base/util.h"

extern char **environ;

static char dir[] = "/tmp/kfdo-pkg-XXXXXX";

/* The builds, made once for every test (each makepkg run takes seconds). */
struct build {
	const char *name;
	const char *args[24];
	char *build_id; /* what mkkernelpkgs printed: readelf's reading of the vmlinux */
};
static struct build builds[] = {
	/* The brief's layout: a stripped copy in -headers, the unstripped one in -debug. */
	{ .name = "A", .args = { "--base", "linux-kt", "--release", "6.13.0-kt", "--headers-vmlinux", "stripped",
		 "--extra", "headers api-headers debug", "--pkgext", ".pkg.tar.zst", "--seed", "A", NULL } },
	/* The next build of the same kernel, its -debug laid out as upstream make
	 * pacman-pkg does: build/vmlinux is a symlink to usr/src/debug/<base>/vmlinux. */
	{ .name = "B", .args = { "--base", "linux-kt", "--release", "6.13.0-kt", "--pkgrel", "2", "--debug-link", "yes",
		 "--extra", "debug", "--pkgext", ".pkg.tar.xz", "--seed", "B", NULL } },
	/* linux-cachyos: its own pkgver spelling, -dbg, a stripped -headers copy. */
	{ .name = "C", .args = { "--base", "linux-cy", "--release", "6.12.4-2-cachyos", "--pkgver", "6.12.4", "--pkgrel", "2",
		 "--debug-suffix", "dbg", "--headers-vmlinux", "stripped", "--extra", "headers debug",
		 "--pkgext", ".pkg.tar.gz", "--seed", "C", NULL } },
	/* A pkgver that does not fit the release in usr/lib/modules/ (and no PKGEXT compression). */
	{ .name = "E", .args = { "--base", "linux-odd", "--release", "6.13.1", "--pkgver", "7.0.0", "--extra", "",
		 "--pkgext", ".pkg.tar", NULL } },
};

static char *in_dir(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *in_dir(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *rel = xvasprintf(fmt, ap);
	va_end(ap);
	char *p = xasprintf("%s/%s", dir, rel);
	free(rel);
	return p;
}

static pid_t spawn_build(struct build *b)
{
	const char *argv[32] = { "tests/tools/mkkernelpkgs" };
	size_t n = 1;
	char *out = in_dir("%s", b->name), *vm = in_dir("%s.vmlinux", b->name);
	char *id = in_dir("%s.id", b->name), *log = in_dir("%s.log", b->name);
	argv[n++] = out;
	for (size_t i = 0; b->args[i]; i++)
		argv[n++] = b->args[i];
	argv[n++] = "--vmlinux-out";
	argv[n++] = vm;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, id, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid = -1;
	if (posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	free(out);
	free(vm);
	free(id);
	free(log);
	return pid;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	pid_t pids[ARRAY_LEN(builds)];
	/* All at once: makepkg is mostly bash waiting on its children. */
	int failed = 0;
	for (size_t k = 0; k < ARRAY_LEN(builds); k++)
		pids[k] = spawn_build(&builds[k]);
	{
		for (size_t k = 0; k < ARRAY_LEN(builds); k++) {
			int st = -1;
			if (pids[k] < 0 || waitpid(pids[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
				char *log = in_dir("%s.log", builds[k].name);
				char *text = file_read(log, 1 << 16, NULL);
				fprintf(stderr, "mkkernelpkgs %s failed (makepkg must run for these tests):\n%s\n",
					builds[k].name, text ? text : "(no output)");
				free(text);
				free(log);
				failed = 1;
				continue;
			}
			char *id = in_dir("%s.id", builds[k].name);
			char *text = file_read(id, 4096, NULL);
			builds[k].build_id = text ? str_trim(text) : NULL;
			free(id);
		}
	}
	return failed ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(builds); i++)
		free(builds[i].build_id);
	test_rm_rf(dir);
	return 0;
}

/* The packages of a build, sorted; with names, only those (NULL-terminated list of package names). */
static char **pkgs_of(const char *build, const char *const *names)
{
	char *d = in_dir("%s", build);
	char **all = NULL, *older = NULL, *cause = NULL;
	assert_int_equal(pkg_find_newest(d, &all, &older, &cause), 0);
	assert_null(older);
	char **out = NULL;
	for (size_t i = 0; all[i]; i++) {
		char *name = pkg_name_from_filename(all[i]);
		bool want = !names;
		for (size_t k = 0; names && names[k]; k++)
			want |= strcmp(names[k], name) == 0;
		if (want)
			strv_push(&out, all[i]);
		free(name);
	}
	strv_free(all);
	free(d);
	return out;
}

static const struct pkg_info *find_pkg(const struct pkg_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->pkgs[i].name, name) == 0)
			return &set->pkgs[i];
	fail_msg("no package %s in the set", name);
	return NULL;
}

static const struct pkg_file *find_file(const struct pkg_info *p, const char *name)
{
	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i].name, name) == 0)
			return &p->files[i];
	return NULL;
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static void test_read_kernel_layout(void **state)
{
	(void)state;
	char **paths = pkgs_of("A", NULL);
	assert_int_equal(strv_len(paths), 4);
	struct pkg_set set;
	char *cause = NULL;
	assert_int_equal(pkg_set_load(&set, paths, PKG_READ_VMLINUX, &cause), 0);
	assert_null(cause);
	struct utsname u;
	assert_int_equal(uname(&u), 0);
	assert_string_equal(set.base, "linux-kt");
	assert_string_equal(set.version, "6.13.0_kt-1");
	assert_string_equal(set.pkgver, "6.13.0_kt");
	assert_string_equal(set.release, "6.13.0-kt");
	assert_null(set.notes);
	static const struct {
		const char *name;
		enum pkg_role role;
	} want[] = { { "linux-kt", PKG_KERNEL }, { "linux-kt-headers", PKG_HEADERS },
		     { "linux-kt-api-headers", PKG_API_HEADERS }, { "linux-kt-debug", PKG_DEBUG } };
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct pkg_info *p = find_pkg(&set, want[i].name);
		assert_int_equal(p->role, want[i].role);
		assert_string_equal(p->version, "6.13.0_kt-1");
		assert_string_equal(p->base, "linux-kt");
		assert_string_equal(p->arch, u.machine);
		assert_int_equal(p->size, file_size(p->path));
		assert_true(p->isize > 0);
	}
	assert_ptr_equal(set.kernel, find_pkg(&set, "linux-kt"));

	/* File lists, with sizes and types, as makepkg packed them. */
	const struct pkg_info *k = find_pkg(&set, "linux-kt");
	const struct pkg_file *f = find_file(k, "usr/lib/modules/6.13.0-kt/vmlinuz");
	assert_non_null(f);
	assert_true(S_ISREG(f->mode));
	assert_int_equal(f->size, strlen("MZ stand-in boot image of 6.13.0-kt\n"));
	assert_non_null(find_file(k, "usr/lib/modules/6.13.0-kt/pkgbase"));
	const struct pkg_info *h = find_pkg(&set, "linux-kt-headers");
	f = find_file(h, "usr/src/linux-kt");
	assert_non_null(f);
	assert_true(S_ISLNK(f->mode));
	const struct pkg_info *d = find_pkg(&set, "linux-kt-debug");
	char *vm = in_dir("A.vmlinux");
	f = find_file(d, "usr/src/debug/linux-kt/vmlinux");
	assert_non_null(f);
	assert_int_equal(f->size, file_size(vm));
	assert_true(d->isize >= f->size);

	/* The unstripped vmlinux of -debug, not the stripped copy in -headers. */
	assert_non_null(set.chosen);
	assert_string_equal(set.chosen->path, "usr/src/debug/linux-kt/vmlinux");
	assert_ptr_equal(set.chosen->pkg, d);
	assert_true(set.chosen->checked);
	assert_false(set.chosen->stripped);
	assert_true(set.chosen->debug_info);
	assert_non_null(builds[0].build_id);
	assert_int_equal(strlen(builds[0].build_id), 40);
	assert_string_equal(set.chosen->build_id, builds[0].build_id);
	assert_int_equal(set.n_vmlinux, 2);
	assert_string_equal(set.vmlinux[1].path, "usr/lib/modules/6.13.0-kt/build/vmlinux");
	assert_false(set.vmlinux[1].checked);
	free(vm);
	pkg_set_free(&set);
	strv_free(paths);
}

/* Reading needs a database directory of its own; nothing of it is left behind,
 * nor of the vmlinux copies. */
static void test_reading_leaves_nothing(void **state)
{
	(void)state;
	char *tmp = in_dir("tmpdir"), *saved = test_env_save("TMPDIR");
	assert_int_equal(mkdir(tmp, 0700), 0);
	setenv("TMPDIR", tmp, 1);
	char **paths = pkgs_of("A", NULL);
	struct pkg_set set;
	assert_int_equal(pkg_set_load(&set, paths, PKG_READ_VMLINUX, NULL), 0);
	pkg_set_free(&set);
	char **newest = NULL, *older = NULL;
	char *a = in_dir("A");
	assert_int_equal(pkg_find_newest(a, &newest, &older, NULL), 0);
	test_env_restore("TMPDIR", saved);
	DIR *d = opendir(tmp);
	size_t left = 0;
	for (struct dirent *e; (e = readdir(d));)
		left += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(left, 0);
	d = opendir(a);
	for (struct dirent *e; (e = readdir(d));)
		assert_null(strstr(e->d_name, "kfdo-vmlinux"));
	closedir(d);
	strv_free(newest);
	strv_free(paths);
	free(a);
	free(tmp);
}

static void test_api_headers_left_out(void **state)
{
	(void)state;
	char **paths = pkgs_of("A", NULL);
	struct pkg_set set;
	assert_int_equal(pkg_set_load(&set, paths, 0, NULL), 0);
	char **todo = pkg_set_install_paths(&set);
	assert_int_equal(strv_len(todo), 3);
	for (size_t i = 0; todo[i]; i++)
		assert_null(strstr(todo[i], "api-headers"));
	const char *why = pkg_api_headers_reason();
	assert_non_null(strstr(why, "conflicts with linux-api-headers"));
	assert_non_null(strstr(why, "C library"));

	/* The plan leaves it out by name too, and reads every package first. */
	struct session *s = session_new();
	s->artifacts.packages = strv_dup(paths);
	struct plan p = { 0 };
	char *cause = NULL;
	assert_int_equal(pkg_install_plan(s, &p, &cause), 0);
	assert_int_equal(p.n, 2);
	char *self = plan_self_exe();
	assert_string_equal(p.cmds[0].argv[0], self);
	assert_string_equal(p.cmds[0].argv[1], "packages");
	assert_int_equal(strv_len(p.cmds[0].argv), 2 + 4);
	assert_string_equal(p.cmds[1].argv[0], "pacman");
	assert_int_equal(strv_len(p.cmds[1].argv), 3 + 3);
	for (size_t i = 0; p.cmds[1].argv[i]; i++)
		assert_null(strstr(p.cmds[1].argv[i], "api-headers"));
	free(self);
	plan_free(&p);
	session_free(s);
	strv_free(todo);
	pkg_set_free(&set);
	strv_free(paths);
}

static bool same_bytes(const char *a, const char *b)
{
	size_t na, nb;
	char *x = file_read(a, 1 << 24, &na), *y = file_read(b, 1 << 24, &nb);
	bool same = x && y && na == nb && memcmp(x, y, na) == 0;
	free(x);
	free(y);
	return same;
}

static void test_install_root(void **state)
{
	(void)state;
	char *root = in_dir("root"), *db = in_dir("root-db");
	char **a = pkgs_of("A", NULL), **b = pkgs_of("B", NULL);
	struct pkg_set sa, sb;
	char *cause = NULL;
	assert_int_equal(pkg_set_load(&sa, a, 0, &cause), 0);
	assert_int_equal(pkg_set_load(&sb, b, 0, &cause), 0);
	/* Nothing there yet: each package is named. */
	assert_int_equal(pkg_check_installed(&sa, root, db, &cause), -1);
	assert_non_null(strstr(cause, db));

	char **todo = pkg_set_install_paths(&sa);
	assert_int_equal(pkg_install_root(root, db, todo, NULL, &cause), 0);
	strv_free(todo);
	char *vmlinuz = in_dir("root/usr/lib/modules/6.13.0-kt/vmlinuz");
	char *vmlinux = in_dir("root/usr/src/debug/linux-kt/vmlinux");
	char *hcopy = in_dir("root/usr/lib/modules/6.13.0-kt/build/vmlinux");
	char *api = in_dir("root/usr/include/linux/version.h");
	char *vm_a = in_dir("A.vmlinux");
	assert_int_equal(access(vmlinuz, F_OK), 0);
	assert_true(same_bytes(vmlinux, vm_a));
	struct stat st;
	assert_int_equal(lstat(hcopy, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(access(api, F_OK), -1);
	/* The database lives where it was told, not under the root. */
	char *local = in_dir("root-db/local/linux-kt-debug-6.13.0_kt-1/desc");
	assert_int_equal(access(local, F_OK), 0);
	free(local);
	assert_int_equal(pkg_check_installed(&sa, root, db, &cause), 0);

	/* The next build is not what is installed: each package and both versions named. */
	assert_int_equal(pkg_check_installed(&sb, root, db, &cause), -1);
	assert_non_null(strstr(cause, "linux-kt is installed at 6.13.0_kt-1, but the build made 6.13.0_kt-2"));
	assert_non_null(strstr(cause, "linux-kt-debug is installed at 6.13.0_kt-1"));

	/* Its -debug brings a build/vmlinux symlink that the installed -headers owns as a
	 * file: libalpm refuses, and the message names the file and its owner. */
	assert_int_equal(pkg_install_root(root, db, b, NULL, &cause), -1);
	char *want = xasprintf("conflicting files: linux-kt-debug: %s is already there, owned by "
			       "linux-kt-headers", hcopy);
	assert_non_null(strstr(cause, want));
	free(want);
	assert_int_equal(pkg_check_installed(&sa, root, db, &cause), 0);

	/* The record of the install step: the vmlinux under the root, the release, the build-id. */
	struct session *s = session_new();
	session_set(&s->install_root, root);
	session_set(&s->install_dbpath, db);
	s->artifacts.packages = strv_dup(a);
	char *summary = NULL;
	assert_int_equal(pkg_record_install(s, &summary, &cause), 0);
	assert_string_equal(s->artifacts.vmlinux, vmlinux);
	assert_string_equal(s->artifacts.kernel_release, "6.13.0-kt");
	assert_string_equal(s->artifacts.build_id, builds[0].build_id);
	assert_non_null(strstr(summary, "installed linux-kt, linux-kt-debug, linux-kt-headers 6.13.0_kt-1 "
					"(kernel 6.13.0-kt"));
	free(summary);
	/* Recorded against packages that are not what is installed: refused, by name. */
	strv_free(s->artifacts.packages);
	s->artifacts.packages = strv_dup(b);
	assert_int_equal(pkg_record_install(s, NULL, &cause), -1);
	assert_non_null(strstr(cause, "linux-kt is installed at 6.13.0_kt-1, but the build made 6.13.0_kt-2"));
	session_free(s);

	/* Root mode never installs into the running system. */
	assert_int_equal(pkg_install_root("/", db, b, NULL, &cause), -1);
	assert_non_null(strstr(cause, "sudo pacman -U"));
	free(cause);
	free(vmlinuz);
	free(vmlinux);
	free(hcopy);
	free(api);
	free(vm_a);
	pkg_set_free(&sa);
	pkg_set_free(&sb);
	strv_free(a);
	strv_free(b);
	free(root);
	free(db);
}

/* An upgrade to the next build, upstream's layout: the vmlinux is the new one,
 * reached through the build/vmlinux symlink as well. */
static void test_upgrade_root(void **state)
{
	(void)state;
	char *root = in_dir("up"), *db = in_dir("up/var/lib/pacman");
	char **a = pkgs_of("A", (const char *[]){ "linux-kt", "linux-kt-debug", NULL });
	char **b = pkgs_of("B", NULL);
	char *cause = NULL;
	assert_int_equal(pkg_install_root(root, db, a, NULL, &cause), 0);
	assert_int_equal(pkg_install_root(root, db, b, NULL, &cause), 0);
	struct pkg_set sb;
	assert_int_equal(pkg_set_load(&sb, b, 0, &cause), 0);
	assert_int_equal(pkg_check_installed(&sb, root, db, &cause), 0);
	char *link = in_dir("up/usr/lib/modules/6.13.0-kt/build/vmlinux"), *vm_b = in_dir("B.vmlinux");
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(same_bytes(link, vm_b));

	/* The default database of a root is ROOT/var/lib/pacman, as pacman --root has it. */
	struct session *s = session_new();
	session_set(&s->install_root, root);
	s->artifacts.packages = strv_dup(b);
	assert_int_equal(pkg_record_install(s, NULL, &cause), 0);
	char *vmlinux = in_dir("up/usr/src/debug/linux-kt/vmlinux");
	assert_string_equal(s->artifacts.vmlinux, vmlinux);
	assert_string_equal(s->artifacts.build_id, builds[1].build_id);
	assert_string_not_equal(builds[0].build_id, builds[1].build_id);
	session_free(s);
	free(vmlinux);
	free(link);
	free(vm_b);
	free(cause);
	pkg_set_free(&sb);
	strv_free(a);
	strv_free(b);
	free(root);
	free(db);
}

static void test_mixed_builds(void **state)
{
	(void)state;
	char **a = pkgs_of("A", (const char *[]){ "linux-kt", NULL });
	char **b = pkgs_of("B", (const char *[]){ "linux-kt-debug", NULL });
	strv_push(&a, b[0]);
	struct pkg_set set;
	char *cause = NULL;
	assert_int_equal(pkg_set_load(&set, a, PKG_READ_VMLINUX, &cause), -1);
	assert_non_null(strstr(cause, "packages of two builds are mixed"));
	assert_non_null(strstr(cause, "linux-kt 6.13.0_kt-1"));
	assert_non_null(strstr(cause, "linux-kt-debug is linux-kt 6.13.0_kt-2"));
	pkg_set_free(&set);

	/* Two pkgbases are two builds as well. */
	char **c = pkgs_of("C", (const char *[]){ "linux-cy-dbg", NULL });
	strv_free(a);
	a = pkgs_of("A", (const char *[]){ "linux-kt", NULL });
	strv_push(&a, c[0]);
	assert_int_equal(pkg_set_load(&set, a, 0, &cause), -1);
	assert_non_null(strstr(cause, "linux-cy-dbg is linux-cy 6.12.4-2"));
	pkg_set_free(&set);
	free(cause);
	strv_free(a);
	strv_free(b);
	strv_free(c);
}

static void test_stripped_only(void **state)
{
	(void)state;
	char **p = pkgs_of("C", (const char *[]){ "linux-cy", "linux-cy-headers", NULL });
	assert_int_equal(strv_len(p), 2);
	struct pkg_set set;
	char *cause = NULL;
	assert_int_equal(pkg_set_load(&set, p, PKG_READ_VMLINUX, &cause), -1);
	assert_non_null(strstr(cause, "usr/lib/modules/6.12.4-2-cachyos/build/vmlinux in linux-cy-headers) is "
				      "stripped"));
	assert_non_null(strstr(cause, "llvm-profgen needs its symbols"));
	assert_non_null(strstr(cause, "_build_debug=yes"));
	assert_non_null(strstr(cause, "PACMAN_EXTRAPACKAGES"));
	assert_true(set.vmlinux[0].checked);
	assert_true(set.vmlinux[0].stripped);
	assert_null(set.chosen);
	pkg_set_free(&set);
	free(cause);
	strv_free(p);
}

static void test_cachyos_dbg(void **state)
{
	(void)state;
	char **p = pkgs_of("C", NULL);
	struct pkg_set set;
	char *cause = NULL;
	assert_int_equal(pkg_set_load(&set, p, PKG_READ_VMLINUX, &cause), 0);
	assert_string_equal(set.release, "6.12.4-2-cachyos");
	assert_string_equal(set.pkgver, "6.12.4");
	assert_int_equal(find_pkg(&set, "linux-cy-dbg")->role, PKG_DEBUG);
	assert_string_equal(set.chosen->path, "usr/src/debug/linux-cy/vmlinux");
	assert_string_equal(set.chosen->pkg->name, "linux-cy-dbg");
	assert_string_equal(set.chosen->build_id, builds[2].build_id);
	/* The release is spelled its own way in pkgver: said, not refused. */
	assert_non_null(set.notes);
	assert_non_null(strstr(set.notes[0], "pkgver 6.12.4 spells the release 6.12.4-2-cachyos"));
	pkg_set_free(&set);
	strv_free(p);
}

static void test_refusals(void **state)
{
	(void)state;
	struct pkg_set set;
	char *cause = NULL;
	char *empty = in_dir("empty");
	assert_int_equal(mkdir(empty, 0755), 0);
	char **paths = NULL, *older = NULL;
	assert_int_equal(pkg_find_newest(empty, &paths, &older, &cause), -1);
	assert_non_null(strstr(cause, "no package in"));
	assert_non_null(strstr(cause, empty));
	assert_null(paths);
	assert_int_equal(pkg_set_load(&set, NULL, 0, &cause), -1);
	assert_non_null(strstr(cause, "no package to read"));
	pkg_set_free(&set);

	/* No kernel package: what is there is named. */
	char **p = pkgs_of("A", (const char *[]){ "linux-kt-headers", "linux-kt-debug", NULL });
	assert_int_equal(pkg_set_load(&set, p, 0, &cause), -1);
	assert_non_null(strstr(cause, "no kernel package (linux-kt) among linux-kt-debug, linux-kt-headers"));
	pkg_set_free(&set);
	strv_free(p);

	/* A kernel package without any vmlinux: the debug package is what to build. */
	p = pkgs_of("A", (const char *[]){ "linux-kt", NULL });
	assert_int_equal(pkg_set_load(&set, p, PKG_READ_VMLINUX, &cause), -1);
	assert_non_null(strstr(cause, "no vmlinux in these packages"));
	assert_non_null(strstr(cause, "<base>-debug"));
	pkg_set_free(&set);
	strv_free(p);

	/* A pkgver that does not fit usr/lib/modules/<release>/. */
	p = pkgs_of("E", NULL);
	assert_int_equal(pkg_set_load(&set, p, 0, &cause), -1);
	assert_non_null(strstr(cause, "the kernel release 6.13.1 (usr/lib/modules/) does not fit the package "
				      "version 7.0.0"));
	pkg_set_free(&set);
	strv_free(p);

	/* Not a package at all. */
	char *junk = in_dir("empty/linux-x-1.0-1-x86_64.pkg.tar.zst");
	FILE *f = fopen(junk, "w");
	fputs("not an archive\n", f);
	fclose(f);
	char *v[] = { junk, NULL };
	assert_int_equal(pkg_set_load(&set, v, 0, &cause), -1);
	assert_non_null(strstr(cause, "cannot read the package"));
	assert_non_null(strstr(cause, junk));
	pkg_set_free(&set);
	free(junk);
	free(empty);
	free(cause);
}

static void copy_into(const char *dst_dir, char **paths, time_t mtime)
{
	for (size_t i = 0; paths[i]; i++) {
		size_t n;
		char *data = file_read(paths[i], 1 << 24, &n);
		assert_non_null(data);
		char *dst = xasprintf("%s/%s", dst_dir, strrchr(paths[i], '/') + 1);
		FILE *f = fopen(dst, "w");
		assert_int_equal(fwrite(data, 1, n, f), n);
		fclose(f);
		struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };
		assert_int_equal(utimensat(AT_FDCWD, dst, ts, 0), 0);
		free(dst);
		free(data);
	}
}

static void test_find_newest(void **state)
{
	(void)state;
	char *both = in_dir("both");
	assert_int_equal(mkdir(both, 0755), 0);
	char **a = pkgs_of("A", NULL), **b = pkgs_of("B", NULL);
	copy_into(both, a, 1700000000);
	copy_into(both, b, 1700000100);
	/* A signature beside a package is not a package. */
	char *sig = xasprintf("%s.sig", a[0]);
	FILE *f = fopen(sig, "w");
	fclose(f);
	char **paths = NULL, *older = NULL, *cause = NULL;
	assert_int_equal(pkg_find_newest(both, &paths, &older, &cause), 0);
	assert_int_equal(strv_len(paths), 2);
	for (size_t i = 0; paths[i]; i++)
		assert_non_null(strstr(paths[i], "6.13.0_kt-2"));
	assert_non_null(older);
	assert_string_equal(older, "linux-kt 6.13.0_kt-1 (4)");
	strv_free(paths);
	free(older);
	free(sig);
	free(both);
	strv_free(a);
	strv_free(b);
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		const char *file, *name;
	} cases[] = {
		{ "/o/linux-upstream-6.13.0_kfdo-1-x86_64.pkg.tar.zst", "linux-upstream" },
		{ "linux-upstream-api-headers-6.13.0-1-x86_64.pkg.tar.xz", "linux-upstream-api-headers" },
		{ "linux-cachyos-dbg-1:6.12.4-2-x86_64_v3.pkg.tar", "linux-cachyos-dbg" },
		{ "/o/linux-6.13.0-1-x86_64.pkg.tar.zst.sig", NULL },
		{ "/o/linux-6.13.0-x86_64.pkg.tar.zst", NULL },
		{ "/o/README", NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *n = pkg_name_from_filename(cases[i].file);
		if (cases[i].name)
			assert_string_equal(n, cases[i].name);
		else
			assert_null(n);
		free(n);
	}
	assert_true(pkg_filename_is_package("a-1-1-any.pkg.tar"));
	assert_true(pkg_filename_is_package("a-1-1-any.pkg.tar.gz"));
	assert_false(pkg_filename_is_package("a-1-1-any.pkg.tar.gz.sig"));
	assert_false(pkg_filename_is_package("a-1-1-any.pkg.tar.zst.part"));
	assert_false(pkg_filename_is_package("a-1-1-any.tar.gz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_read_kernel_layout),
		cmocka_unit_test(test_reading_leaves_nothing),
		cmocka_unit_test(test_api_headers_left_out),
		cmocka_unit_test(test_install_root),
		cmocka_unit_test(test_upgrade_root),
		cmocka_unit_test(test_mixed_builds),
		cmocka_unit_test(test_stripped_only),
		cmocka_unit_test(test_cachyos_dbg),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_find_newest),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
