/* engine/propeller_prof: the cc and ld profiles' statistics on create_llvm_prof's
 * own golden outputs (tests/fixtures/propeller), what is refused; and
 * engine/elfid's basic-block address map version on objects real clang-19
 * writes. */
#include "tests/unit/testlib.h"

#include "base/util.h"
#include "engine/elfid.h"
#include "engine/propeller_prof.h"

#define PF FIXTURES "/propeller"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmp, "/tmp/kfdo-test-propeller-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	test_rm_rf(tmp);
	return 0;
}

static void cc_expect(const char *file, int version, size_t functions, size_t clusters, size_t blocks)
{
	struct propeller_cc_stats st;
	char *cause = NULL;
	char *path = xasprintf("%s/%s", PF, file);
	if (propeller_cc_read(path, &st, &cause) != 0)
		fail_msg("%s: %s", file, cause);
	assert_int_equal(st.version, version);
	assert_int_equal(st.functions, functions);
	assert_int_equal(st.clusters, clusters);
	assert_int_equal(st.blocks, blocks);
	assert_int_equal(st.modules, 0);
	free(path);
}

/* Counted by hand from the files (their README has the same figures). */
static void test_cc_real(void **state)
{
	(void)state;
	cc_expect("propeller_sample_cc_directives.golden.txt", 1, 2, 2, 12);
	/* The verbose form's comments change nothing. */
	cc_expect("propeller_sample_verbose_cc_directives.golden.txt", 1, 2, 2, 12);
	cc_expect("propeller_sample_section_cc_directives.golden.txt", 1, 4, 4, 9);
	cc_expect("propeller_sample_cc_directives.v0.golden.txt", 0, 3, 3, 13);
	struct propeller_cc_stats st;
	assert_int_equal(propeller_cc_read(PF "/propeller_sample_cc_directives.golden.txt", &st, NULL), 0);
	assert_int_equal(st.bytes, 51);
}

static void test_ld_real(void **state)
{
	(void)state;
	struct propeller_ld_stats st;
	char *cause = NULL;
	assert_int_equal(propeller_ld_read(PF "/propeller_sample_ld_directives.golden.txt", &st, &cause), 0);
	assert_int_equal(st.symbols, 3);
	assert_int_equal(st.parts, 1);
	assert_int_equal(st.bytes, 28);
	assert_int_equal(propeller_ld_read(PF "/propeller_sample_section_ld_directives.golden.txt", &st, &cause), 0);
	assert_int_equal(st.symbols, 6);
	assert_int_equal(st.parts, 2);
}

static char *put(const char *name, const char *text)
{
	return test_put_at(tmp, name, text, 1700000000);
}

static void cc_refused(const char *text, const char *why)
{
	char *path = put("cc.txt", text), *cause = NULL;
	struct propeller_cc_stats st;
	assert_int_equal(propeller_cc_read(path, &st, &cause), -1);
	assert_non_null(cause);
	if (!strstr(cause, why))
		fail_msg("'%s' lacks '%s'", cause, why);
	free(cause);
	free(path);
}

static void test_refused(void **state)
{
	(void)state;
	/* An AutoFDO text profile handed in by mistake: its first line is quoted. */
	cc_refused("main:1234:5\n 1: 5\n", "line 1: a Propeller cc profile starts with v1 or !name, not 'main:1234:5'");
	/* Blank lines and comments count in the line numbers. */
	cc_refused("v1\n\n# a comment\nf main\nx 1 2\n", "line 5: not valid in a Propeller cc profile: 'x 1 2'");
	cc_refused("v1\nc0 1\nf main\n", "line 2: a cluster before any function: 'c0 1'");
	cc_refused("v1\nf main\nc0 one\n", "line 3: a cluster's block ids are numbers (or N.M): 'c0 one'");
	cc_refused("v1\nf main\nc0 3.\n", "line 3: a cluster's block ids are numbers (or N.M)");
	/* Larger than any kernel's profile (sparse): refused before it is read. */
	assert_int_equal(test_sh("truncate -s 300MB %s/huge_cc_profile.txt", tmp), 0);
	char *huge = xasprintf("%s/huge_cc_profile.txt", tmp), *why = NULL;
	struct propeller_cc_stats hs;
	assert_int_equal(propeller_cc_read(huge, &hs, &why), -1);
	if (!strstr(why, "more than any Propeller profile of a kernel (a few MB); kfdo reads at most 256"))
		fail_msg("%s", why);
	free(why), free(huge);
	cc_refused("v1\n# nothing\n", "names no function");
	cc_refused("", "is empty");
	char *cause = NULL;
	struct propeller_cc_stats cs;
	assert_int_equal(propeller_cc_read("/nonexistent/cc.txt", &cs, &cause), -1);
	assert_non_null(strstr(cause, "cannot read /nonexistent/cc.txt"));
	free(cause), cause = NULL;

	struct propeller_ld_stats ls;
	char *path = put("ld.txt", "main\nfoo bar\n");
	assert_int_equal(propeller_ld_read(path, &ls, &cause), -1);
	assert_non_null(strstr(cause, "line 2: a symbol ordering file has one symbol a line, not 'foo bar'"));
	free(cause), cause = NULL;
	free(path);
	/* As lld reads it: trimmed, '#' comments. */
	path = put("ld.txt", "# hot first\n  main \nmain.cold\t\n");
	assert_int_equal(propeller_ld_read(path, &ls, &cause), 0);
	assert_int_equal(ls.symbols, 2);
	assert_int_equal(ls.parts, 1);
	free(path);
	path = put("ld.txt", "\n\n");
	assert_int_equal(propeller_ld_read(path, &ls, &cause), -1);
	assert_non_null(strstr(cause, "lists no symbol"));
	free(cause);
	free(path);
}

/* Module names (create_llvm_prof --propeller_output_module_name), both formats,
 * CRLF line ends, and the other v1 specifiers LLVM reads. */
static void test_modules(void **state)
{
	(void)state;
	char *path = put("cc.txt", "v1\r\nm kernel/sched/core.c\r\nf schedule\r\nc0 1 2\r\nc3\r\n"
				   "m kernel/fork.c\r\nf copy_process\r\nc0\r\np 1 2\r\ng 0:10,1:9\r\n"
				   "m kernel/sched/core.c\r\nf pick_next_task\r\nc0 4\r\n"
				   /* path cloning: cloned blocks are N.M; '@' lines are skipped */
				   "@ anything\r\nf cloned\r\np 1 3 4\r\nc 1 3.1 4.1 6\r\n");
	struct propeller_cc_stats st;
	char *cause = NULL;
	if (propeller_cc_read(path, &st, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(st.functions, 4);
	assert_int_equal(st.clusters, 5);
	assert_int_equal(st.blocks, 11);
	assert_int_equal(st.modules, 2);
	free(path);
	path = put("cc0.txt", "!schedule M=kernel/sched/core.c\n!!0 1\n!copy_process M=kernel/fork.c\n!!0\n");
	assert_int_equal(propeller_cc_read(path, &st, NULL), 0);
	assert_int_equal(st.version, 0);
	assert_int_equal(st.modules, 2);
	free(path);
}

/* What clang-19 writes with and without the address map (the kernel's
 * CONFIG_PROPELLER_CLANG passes -fbasic-block-sections=labels before clang 20,
 * -fbasic-block-address-map from 20 on; clang-19 takes both). */
static void test_bb_addr_map(void **state)
{
	(void)state;
	TEST_NEED(test_need("clang-19"), "clang-19");
	char *src = put("bb.c", "int f(int x) { if (x > 3) return x * 2; return x + 1; }\n");
	static const struct {
		const char *flags;
		bool has;
	} cases[] = {
		{ "-fbasic-block-sections=labels", true },
		{ "-fbasic-block-address-map", true },
		{ "", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		assert_int_equal(test_sh("clang-19 -O2 -c %s -o %s/bb.o %s", cases[i].flags, tmp, src), 0);
		char *obj = xasprintf("%s/bb.o", tmp), *cause = NULL;
		struct elf_info info;
		if (elfid_inspect(obj, &info, &cause) != 0)
			fail_msg("%s", cause);
		assert_int_equal(info.has_bb_addr_map, cases[i].has);
		/* LLVM 16 to 20 write version 2. */
		assert_int_equal(info.bb_addr_map_version, cases[i].has ? 2 : 0);
		elf_info_free(&info);
		free(obj);
	}
	/* Compressed, the section's first byte is the compression header's: not
	 * taken for a version (zstd's 2 would pass for LLVM 19's). */
	TEST_NEED(test_need("llvm-objcopy-19"), "llvm-objcopy-19");
	assert_int_equal(test_sh("clang-19 -O2 -c -fbasic-block-sections=labels -o %s/bb.o %s && "
				 "llvm-objcopy-19 --compress-sections=.llvm_bb_addr_map=zstd %s/bb.o %s/bbz.o",
				 tmp, src, tmp, tmp),
			 0);
	char *z = xasprintf("%s/bbz.o", tmp), *cause = NULL;
	struct elf_info info;
	if (elfid_inspect(z, &info, &cause) != 0)
		fail_msg("%s", cause);
	assert_true(info.has_bb_addr_map);
	assert_int_equal(info.bb_addr_map_version, -1);
	elf_info_free(&info);
	free(z);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cc_real),
		cmocka_unit_test(test_ld_real),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bb_addr_map, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
