/* engine/perfdata against real perf.data files that real perf records here with
 * a software event (cpu-clock: this VM has no hardware PMU, so nothing with
 * branch stacks), their truncated copy, one whose perf was SIGKILLed, one in
 * pipe mode, an empty file and a text file. A perf.data WITH branch stacks
 * cannot be recorded here: tests/tools/gen_perfdata writes one by hand, and
 * real perf (buildid-list, script) is the judge that it is well formed.
 * Build-ids and sample counts are checked against what perf itself says. */
#include "testlib.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/perfdata.h"
#include "base/util.h"

static char dir[] = "/tmp/kfdo-perfdata-XXXXXX";
static bool have_real; /* perf could record here */
static int need_perf; /* test_need("perf"): make check installs perf */
static bool system_wide;

static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* What a shell command prints, trimmed (malloc'd). */
static char *sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sh_out(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *cmd = xvasprintf(fmt, ap);
	va_end(ap);
	char *out = in_dir("sh.out");
	char *full = xasprintf("%s > '%s' 2>/dev/null", cmd, out);
	int rc = system(full);
	char *text = rc == 0 ? file_read(out, 1 << 20, NULL) : NULL;
	free(cmd);
	free(full);
	free(out);
	for (size_t n = text ? strlen(text) : 0; n && strchr(" \t\n", text[n - 1]); n--)
		text[n - 1] = 0;
	return text;
}

static const char *tools(void)
{
	const char *t = getenv("KFDO_TOOLS");
	return t ? t : "build/tools";
}

static int setup(void **state)
{
	(void)state;
	need_perf = test_need("perf");
	if (!mkdtemp(dir))
		return -1;
	/* System-wide as the how-to records (root, or perf_event_paranoid <= 0);
	 * else a user-space-only recording of a busy child. */
	system_wide = test_sh("cd %s && perf record -q -e cpu-clock -a -o real.data -- sleep 0.3 >/dev/null 2>&1", dir) == 0;
	have_real = system_wide ||
		    test_sh("cd %s && perf record -q -e cpu-clock:u -o real.data -- sh -c 'i=0; while [ $i -lt 200000 ]; "
		       "do i=$((i+1)); done' >/dev/null 2>&1", dir) == 0;
	if (!have_real)
		fprintf(stderr, "# perf cannot record here: the tests of real perf files are skipped\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_rm_rf(dir);
	return 0;
}

static void test_real_recording(void **state)
{
	(void)state;
	TEST_NEED(need_perf, "perf");
	if (!have_real) /* perf is there, but may not record here */
		skip();
	char *f = in_dir("real.data"), *cause = NULL;
	struct perfdata_info pd;
	assert_int_equal(perfdata_read(f, &pd, &cause), 0);
	assert_int_equal(pd.problem, PERFDATA_OK);
	assert_true(pd.data_size > 0);
	assert_int_equal(pd.n_attrs >= 1, 1);
	assert_false(pd.branch_stack);
	assert_true(pd.sample_type & 1); /* PERF_SAMPLE_IP */
	assert_non_null(pd.cmdline);
	assert_non_null(strstr(pd.cmdline, "cpu-clock"));
	struct utsname u;
	uname(&u);
	assert_string_equal(pd.os_release, u.release);
	/* The sample count perf reports itself (perf report --stats). */
	assert_int_equal(perfdata_count(&pd, &cause), 0);
	char *want = sh_out("perf report -i %s --stats 2>/dev/null | sed -n 's/^ *SAMPLE events: *\\([0-9]*\\).*/\\1/p'", f);
	assert_non_null(want);
	assert_true(pd.samples > 0);
	assert_int_equal(pd.samples, strtoull(want, NULL, 10));
	free(want);
	if (system_wide) {
		/* The kernel's build-id, as perf buildid-list reads it. */
		char *id = sh_out("perf buildid-list -i %s | sed -n 's/ \\[kernel.kallsyms\\]$//p'", f);
		assert_non_null(id);
		assert_non_null(pd.kernel_build_id);
		assert_string_equal(pd.kernel_build_id, id);
		free(id);
	}
	/* Complete, but useless for AutoFDO: the message says -b. */
	perfdata_info_free(&pd);
	assert_int_equal(perfdata_check(f, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_NO_BRANCH_STACK);
	assert_non_null(strstr(cause, "without branch stacks (perf record -b)"));
	perfdata_info_free(&pd);
	free(cause);
	free(f);
}

static void test_truncated_copy(void **state)
{
	(void)state;
	TEST_NEED(need_perf, "perf");
	if (!have_real) /* perf is there, but may not record here */
		skip();
	char *f = in_dir("real.data"), *t = in_dir("cut.data"), *cause = NULL;
	size_t len;
	char *buf = file_read(f, 256 << 20, &len);
	assert_non_null(buf);
	FILE *o = fopen(t, "w");
	fwrite(buf, 1, len / 2, o);
	fclose(o);
	struct perfdata_info pd;
	assert_int_equal(perfdata_read(t, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_TRUNCATED);
	assert_non_null(strstr(cause, "is truncated"));
	assert_non_null(strstr(cause, "the file has only"));
	perfdata_info_free(&pd);
	/* Cut inside the header itself. */
	o = fopen(t, "w");
	fwrite(buf, 1, 40, o);
	fclose(o);
	assert_int_equal(perfdata_read(t, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_TRUNCATED);
	assert_non_null(strstr(cause, "inside its own header"));
	perfdata_info_free(&pd);
	free(buf);
	free(cause);
	free(f);
	free(t);
}

/* perf SIGKILLed in the middle: the header still says "no data yet". */
static void test_killed_perf(void **state)
{
	(void)state;
	if (!system_wide)
		skip();
	char *f = in_dir("killed.data"), *cause = NULL;
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0); /* its workload goes with it at the kill */
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		/* A workload that outlasts the wait below: perf must never get to
		 * finish the file on its own before the kill. */
		execlp("perf", "perf", "record", "-e", "cpu-clock", "-a", "-o", f, "--", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	/* Until perf has written past its first header (20 s at most: a loaded
	 * machine is slow to start perf). */
	struct stat st;
	for (int i = 0; i < 400 && (stat(f, &st) < 0 || st.st_size < 20000); i++)
		usleep(50000);
	setpgid(pid, pid);
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
	struct perfdata_info pd;
	assert_int_equal(perfdata_read(f, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_UNFINISHED);
	assert_non_null(strstr(cause, "unfinished"));
	assert_non_null(strstr(cause, "SIGINT"));
	perfdata_info_free(&pd);
	free(cause);
	free(f);
}

static void test_pipe_mode(void **state)
{
	(void)state;
	TEST_NEED(need_perf, "perf");
	if (!have_real) /* perf is there, but may not record here */
		skip();
	char *f = in_dir("pipe.data"), *cause = NULL;
	assert_int_equal(test_sh("perf record -q -e cpu-clock%s -o - -- sleep 0.1 > %s 2>/dev/null", system_wide ? " -a" : ":u", f), 0);
	struct perfdata_info pd;
	assert_int_equal(perfdata_read(f, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_PIPE);
	assert_non_null(strstr(cause, "pipe mode"));
	assert_non_null(strstr(cause, "perf inject"));
	perfdata_info_free(&pd);
	free(cause);
	free(f);
}

static void test_not_perf_data(void **state)
{
	(void)state;
	char *e = in_dir("empty.data"), *t = in_dir("text.data"), *cause = NULL;
	FILE *f = fopen(e, "w");
	fclose(f);
	f = fopen(t, "w");
	fputs("this is a text file, not a recording\n", f);
	fclose(f);
	struct perfdata_info pd;
	assert_int_equal(perfdata_read(e, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_EMPTY);
	assert_non_null(strstr(cause, "is empty (0 bytes)"));
	perfdata_info_free(&pd);
	assert_int_equal(perfdata_read(t, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_NOT_PERF);
	assert_non_null(strstr(cause, "not a perf.data file"));
	perfdata_info_free(&pd);
	char *missing = in_dir("nope.data");
	assert_int_equal(perfdata_read(missing, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_UNREADABLE);
	assert_non_null(strstr(cause, "cannot open"));
	perfdata_info_free(&pd);
	free(missing);
	free(cause);
	free(e);
	free(t);
}

/* Written by gen_perfdata (no LBR here); real perf reads it the same way. */
static void test_branch_stack_written(void **state)
{
	(void)state;
	char *f = in_dir("lbr.data"), *cause = NULL;
	const char *id = "0123456789abcdef0123456789abcdef01234567";
	assert_int_equal(test_sh("%s/gen_perfdata -o %s --samples 37 --kernel-build-id %s --os-release 6.13.7-test", tools(), f, id), 0);
	struct perfdata_info pd;
	assert_int_equal(perfdata_check(f, &pd, &cause), 0);
	assert_true(pd.branch_stack);
	assert_int_equal(pd.samples, 37);
	assert_string_equal(pd.kernel_build_id, id);
	assert_string_equal(pd.os_release, "6.13.7-test");
	char *perf_id = sh_out("perf buildid-list -i %s | sed -n 's/ \\[kernel.kallsyms\\]$//p'", f);
	assert_non_null(perf_id);
	assert_string_equal(perf_id, id);
	free(perf_id);
	/* perf script shows the same 37 samples, each with its branch stack. */
	char *n = sh_out("perf script -F ip,brstack -i %s | grep -c '0x.*/0x'", f);
	assert_non_null(n);
	assert_int_equal(strtol(n, NULL, 10), 37);
	free(n);
	perfdata_info_free(&pd);

	/* A directory-format recording (perf record --threads) keeps it in DIR/data. */
	char *d = in_dir("threads.data"), *inner = in_dir("threads.data/data");
	mkdir(d, 0700);
	assert_int_equal(rename(f, inner), 0);
	assert_int_equal(perfdata_check(d, &pd, &cause), 0);
	assert_string_equal(pd.path, inner);
	perfdata_info_free(&pd);

	/* One record in the middle with a broken size: the walk says where. */
	size_t len;
	unsigned char *buf = (unsigned char *)file_read(inner, 1 << 20, &len);
	assert_non_null(buf);
	uint64_t data;
	memcpy(&data, buf + 40, 8);
	uint16_t size;
	memcpy(&size, buf + data + 6, 2);
	memset(buf + data + size + 6, 0, 2);
	/* A damaged copy put in its place (a new file: perfdata_count keeps the
	 * last walk of an unchanged file, by inode, size and mtime). */
	char *tmp = in_dir("threads.data/data.new");
	FILE *o = fopen(tmp, "w");
	fwrite(buf, 1, len, o);
	fclose(o);
	assert_int_equal(rename(tmp, inner), 0);
	free(tmp);
	assert_int_equal(perfdata_check(d, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_TRUNCATED);
	assert_non_null(strstr(cause, "is damaged: the event at byte"));
	perfdata_info_free(&pd);
	free(buf);
	free(d);
	free(inner);
	free(cause);
	free(f);
}

/* The walk of an unchanged file is remembered (the wizard asks on every
 * redraw); a file written anew is walked again. */
static void test_walk_remembered(void **state)
{
	(void)state;
	char *f = in_dir("again.data"), *cause = NULL;
	assert_int_equal(test_sh("%s/gen_perfdata -o %s --samples 11", tools(), f), 0);
	struct perfdata_info pd;
	assert_int_equal(perfdata_check(f, &pd, &cause), 0);
	assert_int_equal(pd.samples, 11);
	perfdata_info_free(&pd);
	assert_int_equal(perfdata_check(f, &pd, &cause), 0);
	assert_int_equal(pd.samples, 11);
	perfdata_info_free(&pd);
	assert_int_equal(test_sh("%s/gen_perfdata -o %s --samples 23", tools(), f), 0);
	assert_int_equal(perfdata_check(f, &pd, &cause), 0);
	assert_int_equal(pd.samples, 23);
	perfdata_info_free(&pd);
	free(cause);
	free(f);
}

/* A copy cut exactly where the feature section starts (the end of the samples),
 * or inside it: the samples are whole, but the build-ids and the rest are gone. */
static void test_cut_at_features(void **state)
{
	(void)state;
	char *f = in_dir("feat.data"), *t = in_dir("feat-cut.data"), *cause = NULL;
	assert_int_equal(test_sh("%s/gen_perfdata -o %s --samples 5 --kernel-build-id %s", tools(), f,
				 "0123456789abcdef0123456789abcdef01234567"), 0);
	struct perfdata_info pd;
	assert_int_equal(perfdata_read(f, &pd, &cause), 0);
	assert_non_null(pd.kernel_build_id);
	uint64_t features = pd.data_offset + pd.data_size;
	assert_true(features < pd.file_size);
	perfdata_info_free(&pd);
	uint64_t cuts[] = { features, features + 8, features + 16 + 8 };
	for (size_t i = 0; i < ARRAY_LEN(cuts); i++) {
		assert_int_equal(test_sh("head -c %llu %s > %s", (unsigned long long)cuts[i], f, t), 0);
		assert_int_equal(perfdata_check(t, &pd, &cause), -1);
		assert_int_equal(pd.problem, PERFDATA_TRUNCATED);
		assert_non_null(strstr(cause, "is truncated"));
		assert_non_null(strstr(cause, "feature"));
		perfdata_info_free(&pd);
	}
	free(cause);
	free(f);
	free(t);
}

static void test_written_without_branches(void **state)
{
	(void)state;
	char *f = in_dir("nolbr.data"), *cause = NULL;
	assert_int_equal(test_sh("%s/gen_perfdata -o %s --no-branch-stack", tools(), f), 0);
	struct perfdata_info pd;
	assert_int_equal(perfdata_read(f, &pd, &cause), 0);
	assert_false(pd.branch_stack);
	perfdata_info_free(&pd);
	assert_int_equal(perfdata_check(f, &pd, &cause), -1);
	assert_int_equal(pd.problem, PERFDATA_NO_BRANCH_STACK);
	assert_string_equal(perfdata_problem_name(pd.problem), "no-branch-stack");
	perfdata_info_free(&pd);
	free(cause);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_recording),
		cmocka_unit_test(test_truncated_copy),
		cmocka_unit_test(test_killed_perf),
		cmocka_unit_test(test_pipe_mode),
		cmocka_unit_test(test_not_perf_data),
		cmocka_unit_test(test_branch_stack_written),
		cmocka_unit_test(test_written_without_branches),
		cmocka_unit_test(test_walk_remembered),
		cmocka_unit_test(test_cut_at_features),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
