/* engine/elfid against real ELF files that the test links with the system's cc
 * (a kernel-like image with _text/_stext, its stripped copy, one without a
 * build-id, a truncated copy), the raw notes objcopy cuts out of one, and the
 * running kernel's /sys/kernel/notes. Build-ids are checked against what
 * readelf prints for the same file. */
#include "testlib.h"

#include <elf.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "base/util.h"

extern char **environ;

static char dir[] = "/tmp/kfdo-elfid-XXXXXX";

static int run(const char *const *argv)
{
	pid_t pid;
	if (posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ) != 0)
		return -1;
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* The build-id readelf -n prints for path (the reference), malloc'd or NULL. */
static char *readelf_build_id(const char *path)
{
	char *out = in_dir("readelf.out");
	char *cmd = xasprintf("readelf -n '%s' > '%s' 2>/dev/null", path, out);
	int rc = system(cmd);
	free(cmd);
	char *text = rc == 0 ? file_read(out, 1 << 20, NULL) : NULL;
	free(out);
	char *id = NULL, *p = text ? strstr(text, "Build ID: ") : NULL;
	if (p) {
		p += strlen("Build ID: ");
		id = strndup(p, strspn(p, "0123456789abcdef"));
	}
	free(text);
	return id;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	char *src = in_dir("k.c"), *img = in_dir("vmlinux"), *plain = in_dir("noid");
	FILE *f = fopen(src, "w");
	fputs("void _text(void) {}\nvoid _stext(void) {}\nint start_kernel(void) { return 0; }\n"
	      "int main(void) { return start_kernel(); }\n", f);
	fclose(f);
	const char *cc[] = { "cc", "-g", "-Wl,--build-id=sha1", "-o", img, src, NULL };
	const char *cc2[] = { "cc", "-Wl,--build-id=none", "-o", plain, src, NULL };
	int rc = run(cc) | run(cc2);
	char *stripped = in_dir("vmlinux.stripped"), *notes = in_dir("notes");
	const char *strip[] = { "objcopy", "--strip-all", img, stripped, NULL };
	const char *cut[] = { "objcopy", "-O", "binary", "--only-section=.note.gnu.build-id", img, notes, NULL };
	rc |= run(strip) | run(cut);
	free(src);
	free(img);
	free(plain);
	free(stripped);
	free(notes);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	test_rm_rf(dir);
	return 0;
}

static void test_kernel_image(void **state)
{
	(void)state;
	char *img = in_dir("vmlinux"), *cause = NULL;
	struct elf_info info;
	assert_int_equal(elfid_inspect(img, &info, &cause), 0);
	char *want = readelf_build_id(img);
	assert_non_null(want);
	assert_int_equal(strlen(want), 40);
	assert_string_equal(info.build_id, want);
	assert_true(info.has_symtab);
	assert_true(info.has_debug_info);
	assert_true(info.is_kernel);
	assert_int_equal(info.machine, EM_X86_64);
	elf_info_free(&info);
	free(want);
	free(img);
}

static void test_stripped_keeps_id(void **state)
{
	(void)state;
	char *img = in_dir("vmlinux"), *st = in_dir("vmlinux.stripped"), *cause = NULL;
	struct elf_info info;
	assert_int_equal(elfid_inspect(st, &info, &cause), 0);
	assert_false(info.has_symtab);
	assert_false(info.has_debug_info);
	assert_false(info.is_kernel);
	char *id;
	assert_int_equal(elfid_build_id(img, &id, &cause), 0);
	/* Stripping keeps the note: the same build, unusable for llvm-profgen. */
	assert_string_equal(info.build_id, id);
	free(id);
	elf_info_free(&info);
	free(img);
	free(st);
}

static void test_no_build_id(void **state)
{
	(void)state;
	char *plain = in_dir("noid"), *cause = NULL, *id = NULL;
	struct elf_info info;
	assert_int_equal(elfid_inspect(plain, &info, &cause), 0);
	assert_null(info.build_id);
	assert_int_equal(elfid_build_id(plain, &id, &cause), -1);
	assert_null(id);
	assert_non_null(strstr(cause, "no build-id"));
	free(cause);
	free(plain);
}

static void test_bad_files(void **state)
{
	(void)state;
	char *cause = NULL, *id = NULL;
	struct elf_info info;
	/* Missing. */
	char *missing = in_dir("nope");
	assert_int_equal(elfid_inspect(missing, &info, &cause), -1);
	assert_non_null(strstr(cause, "cannot open"));
	/* Not ELF: the C source. */
	char *src = in_dir("k.c");
	assert_int_equal(elfid_build_id(src, &id, &cause), -1);
	assert_non_null(strstr(cause, "not an ELF file"));
	/* A directory. */
	assert_int_equal(elfid_inspect(dir, &info, &cause), -1);
	assert_non_null(strstr(cause, "not a regular file"));
	/* Cut in half: the header is there, the section table is not. */
	char *img = in_dir("vmlinux"), *half = in_dir("half");
	size_t len;
	char *buf = file_read(img, 64 << 20, &len);
	assert_non_null(buf);
	FILE *f = fopen(half, "w");
	fwrite(buf, 1, len / 2, f);
	fclose(f);
	assert_int_equal(elfid_inspect(half, &info, &cause), -1);
	assert_non_null(strstr(cause, "truncated"));
	free(buf);
	free(cause);
	free(missing);
	free(src);
	free(img);
	free(half);
}

static void test_raw_notes(void **state)
{
	(void)state;
	char *notes = in_dir("notes"), *img = in_dir("vmlinux"), *cause = NULL, *a, *b;
	assert_int_equal(elfid_notes_build_id(notes, &a, &cause), 0);
	assert_int_equal(elfid_build_id(img, &b, &cause), 0);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* Text is no note stream. */
	char *src = in_dir("k.c");
	assert_int_equal(elfid_notes_build_id(src, &a, &cause), -1);
	assert_non_null(strstr(cause, "no GNU build-id note"));
	free(cause);
	free(src);
	free(notes);
	free(img);
}

/* The running kernel's own notes, where this machine shows them. */
static void test_running_kernel_notes(void **state)
{
	(void)state;
	if (access("/sys/kernel/notes", R_OK) != 0)
		skip();
	char *id = NULL, *cause = NULL;
	assert_int_equal(elfid_notes_build_id("/sys/kernel/notes", &id, &cause), 0);
	assert_int_equal(strlen(id), 40);
	assert_int_equal(strspn(id, "0123456789abcdef"), 40);
	free(id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_image),
		cmocka_unit_test(test_stripped_keeps_id),
		cmocka_unit_test(test_no_build_id),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_raw_notes),
		cmocka_unit_test(test_running_kernel_notes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
