/* proc/repeat: the report and the exit code of the repeater, with real
 * processes. repeat_run() blocks signals and makes its caller a subreaper, so
 * each case runs it in a forked child that writes its report to a pipe. The
 * command line, signals from outside and orphans are tests/cli/test_repeat.sh's. */
#include "testlib.h"

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "proc/repeat.h"

static char dir[] = "/tmp/kfdo-repeat-XXXXXX";
static bool child_ignores_sigchld; /* the forked repeater starts with SIGCHLD ignored */

/* repeat_run(argv, ms) in a child: its report, and the child's own wait status. */
static void run_forked(const char *const *argv, int64_t ms, struct repeat_report *rep)
{
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		if (child_ignores_sigchld)
			signal(SIGCHLD, SIG_IGN);
		struct repeat_report r;
		repeat_run((char *const *)argv, ms, NULL, &r);
		ssize_t n = write(fd[1], &r, sizeof(r));
		_exit(n == (ssize_t)sizeof(r) ? 0 : 1);
	}
	close(fd[1]);
	memset(rep, 0, sizeof(*rep));
	ssize_t n;
	do
		n = read(fd[0], rep, sizeof(*rep));
	while (n < 0 && errno == EINTR);
	close(fd[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(n, sizeof(*rep));
}

static size_t lines_in(const char *path)
{
	size_t len = 0, n = 0;
	char *s = file_read(path, 1 << 20, &len);
	for (size_t i = 0; s && i < len; i++)
		n += s[i] == '\n';
	free(s);
	return n;
}

/* A short command runs again and again: every run whole, one after another. */
static void test_time_up(void **state)
{
	(void)state;
	char *log = xasprintf("%s/runs", dir);
	char *script = xasprintf("echo start >> %s; sleep 0.1; echo end >> %s", log, log);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct repeat_report rep;
	run_forked(argv, 1500, &rep);
	assert_int_equal(rep.end, REPEAT_TIME_UP);
	assert_int_equal(repeat_exit_code(&rep), 0);
	assert_true(rep.runs >= 3);
	/* Never two at once: start, end, start, end...; the last may have been
	 * stopped, on a loaded machine before its shell wrote anything. */
	size_t len;
	char *s = file_read(log, 1 << 20, &len);
	assert_non_null(s);
	const char *p = s;
	for (unsigned i = 0; i + 1 < rep.runs; i++) {
		assert_true(str_starts(p, "start\nend\n"));
		p += strlen("start\nend\n");
	}
	assert_true(*p == '\0' || strcmp(p, "start\n") == 0 || strcmp(p, "start\nend\n") == 0);
	assert_true(rep.seconds >= 1.5);
	free(s);
	free(script);
	free(log);
}

/* The third run fails: not a fourth, and its status is the repeater's. */
static void test_failure_stops(void **state)
{
	(void)state;
	char *log = xasprintf("%s/fail", dir);
	char *script = xasprintf("echo run >> %s; [ $(wc -l < %s) -lt 3 ] || exit 5", log, log);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct repeat_report rep;
	run_forked(argv, 60000, &rep);
	assert_int_equal(rep.end, REPEAT_FAILED);
	assert_int_equal(rep.runs, 3);
	assert_int_equal(lines_in(log), 3);
	assert_true(WIFEXITED(rep.status));
	assert_int_equal(repeat_exit_code(&rep), 5);
	/* Long before the minute: it did not wait for the time. */
	assert_true(rep.seconds < 50);
	free(script);
	free(log);
}

/* A run killed by a signal it did not get from the repeater: the repeater
 * ends by that signal too (-SIG), as a workload killed by it would. */
static void test_killed_run(void **state)
{
	(void)state;
	const char *argv[] = { "sh", "-c", "kill -USR1 $$", NULL };
	struct repeat_report rep;
	run_forked(argv, 60000, &rep);
	assert_int_equal(rep.end, REPEAT_FAILED);
	assert_int_equal(rep.runs, 1);
	assert_true(WIFSIGNALED(rep.status));
	assert_int_equal(repeat_exit_code(&rep), -SIGUSR1);
}

static void test_cannot_start(void **state)
{
	(void)state;
	const char *argv[] = { "kfdo-no-such-benchmark", NULL };
	struct repeat_report rep;
	run_forked(argv, 60000, &rep);
	assert_int_equal(rep.end, REPEAT_NO_START);
	assert_int_equal(rep.err, ENOENT);
	assert_int_equal(rep.runs, 0);
	assert_int_equal(repeat_exit_code(&rep), 127);
}

/* A command that succeeds at once is no benchmark: five such runs in a row
 * end the repeating (exit 1) long before the minute, instead of thousands of
 * starts filling the profile with fork and exec. On a loaded machine a run of
 * true can take longer than the quick limit and break the row, so the count
 * is at least five, not exactly five. */
static void test_too_quick(void **state)
{
	(void)state;
	const char *argv[] = { "true", NULL };
	struct repeat_report rep;
	run_forked(argv, 60000, &rep);
	assert_int_equal(rep.end, REPEAT_TOO_QUICK);
	assert_true(rep.runs >= 5);
	assert_true(rep.seconds < 30);
	assert_int_equal(repeat_exit_code(&rep), 1);
}

/* SIGCHLD ignored by whoever started us: the runs are still waited for, and
 * repeated (ignored, the kernel would reap them and the first run would be
 * the only one). */
static void test_sigchld_ignored(void **state)
{
	(void)state;
	char *log = xasprintf("%s/ign", dir);
	char *script = xasprintf("echo run >> %s; sleep 0.2", log);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct repeat_report rep;
	child_ignores_sigchld = true;
	run_forked(argv, 1500, &rep);
	child_ignores_sigchld = false;
	assert_int_equal(rep.end, REPEAT_TIME_UP);
	assert_true(rep.runs >= 3);
	/* The run in flight at the deadline is stopped; on a loaded machine its
	 * shell may not have written its line yet. */
	int lines = lines_in(log);
	assert_true(lines == (int)rep.runs || lines == (int)rep.runs - 1);
	free(script);
	free(log);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, testlib_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_up),
		cmocka_unit_test(test_failure_stops),
		cmocka_unit_test(test_killed_run),
		cmocka_unit_test(test_cannot_start),
		cmocka_unit_test(test_too_quick),
		cmocka_unit_test(test_sigchld_ignored),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
