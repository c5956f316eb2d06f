/* The job runner against real children (/bin/sh -c, seq, cat...). */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc/job.h"
#include "base/util.h"

/* ---- helpers ---- */

struct got {
	uint64_t n;
	char first[8][256];
	char last[256];
	size_t maxlen;
	uint64_t seq_errors;  /* for seq: lines that are not n+1 */
	bool check_seq;
};


/* How long a test waits for a job to get somewhere: generous, since a loaded
 * CI machine is slow by seconds, and free when the job is quicker. */
#define WAIT_MS 30000

static void got_line(const char *line, size_t len, void *arg)
{
	struct got *g = arg;
	assert_int_equal(strlen(line), len);
	if (g->check_seq && strtoull(line, NULL, 10) != g->n + 1)
		g->seq_errors++;
	if (g->n < 8)
		snprintf(g->first[g->n], sizeof g->first[0], "%s", line);
	snprintf(g->last, sizeof g->last, "%s", line);
	if (len > g->maxlen)
		g->maxlen = len;
	g->n++;
}

static char *tmpdir_new(void)
{
	char t[] = "/tmp/kfdo-test-job-XXXXXX";
	assert_non_null(mkdtemp(t));
	return xstrdup(t);
}

static void tmpdir_free(char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

static struct job *start(const struct job_spec *spec)
{
	struct job *j = NULL;
	char *cause = NULL;
	int r = job_start(&j, spec, &cause);
	if (r < 0)
		fail_msg("job_start: %d %s", r, cause ? cause : "");
	assert_non_null(j);
	assert_null(cause);
	return j;
}

static struct job *start_sh_graces(const char *script, int int_grace_ms, int term_grace_ms)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	struct job_spec spec = { .argv = argv, .int_grace_ms = int_grace_ms, .term_grace_ms = term_grace_ms };
	return start(&spec);
}

static struct job *start_sh(const char *script, int grace_ms)
{
	return start_sh_graces(script, grace_ms, grace_ms);
}

/* A SIGTERM'd process that a loaded machine has not yet run when SIGKILL
 * comes dies of SIGKILL: tests that expect SIGTERM give it this long. */
#define TERM_GRACE_LONG (2 * WAIT_MS)

/* Reads until the callback has seen `lines` lines. */
static void wait_lines(struct job *j, struct got *g, uint64_t lines)
{
	int64_t end = job_now() + WAIT_MS;
	while (g->n < lines && job_now() < end)
		job_wait(j, 20, got_line, g);
	assert_true(g->n >= lines);
}

static bool pid_gone(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* ---- 1. a flood ---- */

static void test_flood(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *log = xasprintf("%s/seq.log", dir);
	const char *argv[] = { "seq", "1000000", NULL };
	struct job_spec spec = { .argv = argv, .log_path = log, .ring_lines = 100 };
	struct job *j = start(&spec);
	struct got g = { .check_seq = true };

	assert_int_equal(job_wait(j, 60000, got_line, &g), 0);
	assert_true(job_done(j));
	assert_true(WIFEXITED(job_status(j)));
	assert_int_equal(WEXITSTATUS(job_status(j)), 0);
	assert_int_equal(g.n, 1000000);
	assert_int_equal(g.seq_errors, 0);
	assert_int_equal(job_lines(j), 1000000);

	uint64_t expect = 0;
	char num[16];
	for (int i = 1; i <= 1000000; i++)
		expect += (uint64_t)snprintf(num, sizeof num, "%d\n", i);
	assert_int_equal(job_bytes(j), expect);

	const struct ring *r = job_ring(j);
	assert_int_equal(ring_count(r), 100);
	assert_string_equal(ring_get(r, 0, NULL), "1000000");
	assert_string_equal(ring_get(r, 99, NULL), "999901");
	assert_null(ring_get(r, 100, NULL));

	/* The log is the command line, then every byte. */
	const char *head = "$ seq 1000000\n";
	assert_int_equal(file_size(log), (off_t)(strlen(head) + expect));
	size_t len;
	char *text = file_read(log, 64 << 20, &len);
	assert_non_null(text);
	assert_memory_equal(text, head, strlen(head));
	assert_string_equal(text + len - 8, "1000000\n");
	assert_int_equal(job_log_error(j), 0);
	free(text);

	job_free(j);
	free(log);
	tmpdir_free(dir);
}

/* ---- 2. cancel escalation ---- */

static void test_cancel_int_ignored_ends_with_term(void **state)
{
	(void)state;
	struct job *j = start_sh_graces("trap '' INT; echo ready; sleep 60", 200, TERM_GRACE_LONG);
	struct got g = {0};
	wait_lines(j, &g, 1); /* the trap is in place */
	pid_t pgid = job_pid(j);
	assert_int_equal(getpgid(pgid), pgid);

	int64_t t0 = job_now();
	job_cancel(j, t0);
	assert_true(job_cancelling(j));
	/* SIGTERM is due after the grace asked for, not the default one (asked
	 * of the job, not timed: a loaded machine is late by seconds). */
	assert_int_equal(job_timeout(j, t0), 200);
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	int64_t took = job_now() - t0;
	assert_true(took >= 200);  /* SIGINT alone did not do it */
	assert_true(WIFSIGNALED(job_status(j)));
	assert_int_equal(WTERMSIG(job_status(j)), SIGTERM);
	assert_true(pid_gone(-pgid));
	job_free(j);
}

static void test_cancel_int_and_term_ignored_ends_with_kill(void **state)
{
	(void)state;
	struct job *j = start_sh("trap '' INT TERM; echo ready; sleep 60", 200);
	struct got g = {0};
	wait_lines(j, &g, 1);
	pid_t pgid = job_pid(j);

	int64_t t0 = job_now();
	job_cancel(j, t0);
	assert_int_equal(job_timeout(j, t0), 200);
	/* Moved along by hand: SIGTERM now, and SIGKILL due one grace later. */
	job_tick(j, t0 + 200);
	assert_int_equal(job_timeout(j, t0 + 200), 200);
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	int64_t took = job_now() - t0;
	assert_true(took >= 400);
	assert_true(WIFSIGNALED(job_status(j)));
	assert_int_equal(WTERMSIG(job_status(j)), SIGKILL);
	assert_true(pid_gone(-pgid));
	job_free(j);
}

static void test_cancel_twice_escalates_at_once(void **state)
{
	(void)state;
	/* A grace longer than the wait: only the second cancel can end it in time. */
	struct job *j = start_sh("trap '' INT; echo ready; sleep 60", 50000);
	struct got g = {0};
	wait_lines(j, &g, 1);
	int64_t t0 = job_now();
	job_cancel(j, t0);
	assert_int_equal(job_timeout(j, t0), 50000);
	job_cancel(j, t0);
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_true(job_now() - t0 < 50000);
	assert_int_equal(WTERMSIG(job_status(j)), SIGTERM);
	job_free(j);
}

static void test_cancel_plain_child_ends_with_int(void **state)
{
	(void)state;
	const char *argv[] = { "sleep", "60", NULL };
	struct job_spec spec = { .argv = argv, .int_grace_ms = 50000 };
	struct job *j = start(&spec);
	assert_int_equal(job_timeout(j, job_now()), -1);
	job_cancel(j, job_now());
	assert_int_equal(job_wait(j, WAIT_MS, NULL, NULL), 0);
	assert_int_equal(WTERMSIG(job_status(j)), SIGINT);
	job_free(j);
}

/* ---- 3. grandchildren ---- */

static void test_cancel_reaches_grandchildren(void **state)
{
	(void)state;
	/* Background jobs of a non-interactive sh ignore SIGINT: the leader dies
	 * at once, its children only at SIGTERM. */
	struct job *j = start_sh("sleep 60 & echo $!; sleep 60 & echo $!; wait", 200);
	struct got g = {0};
	wait_lines(j, &g, 2);
	pid_t kids[2] = { (pid_t)atoi(g.first[0]), (pid_t)atoi(g.first[1]) };
	pid_t pgid = job_pid(j);
	assert_true(kids[0] > 0 && kids[1] > 0);
	assert_int_equal(getpgid(kids[0]), pgid);
	assert_int_equal(getpgid(kids[1]), pgid);

	job_cancel(j, job_now());
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_true(pid_gone(kids[0]));
	assert_true(pid_gone(kids[1]));
	assert_true(pid_gone(-pgid));
	job_free(j);
}

static void test_cancel_done_waits_for_group_after_eof(void **state)
{
	(void)state;
	/* The grandchild does not hold the pipe: EOF and the leader's exit come
	 * first, yet the job is not done while the grandchild lives. */
	struct job *j = start_sh("sleep 60 >/dev/null 2>&1 & echo $!; wait", 50000);
	struct got g = {0};
	wait_lines(j, &g, 1);
	pid_t kid = (pid_t)atoi(g.first[0]);
	pid_t pgid = job_pid(j);
	assert_true(kid > 0);
	/* $! is printed as soon as sh forked: until the child has become sleep,
	 * it may not ignore SIGINT yet (sh sets that between fork and exec), and
	 * a loaded machine's SIGINT would end it there. */
	char comm_path[64];
	snprintf(comm_path, sizeof(comm_path), "/proc/%d/comm", (int)kid);
	for (int64_t until = job_now() + WAIT_MS; job_now() < until; usleep(5000)) {
		char *comm = file_read(comm_path, 64, NULL);
		bool sleeping = comm && strcmp(comm, "sleep\n") == 0;
		free(comm);
		if (sleeping)
			break;
	}

	job_cancel(j, job_now());
	int64_t end = job_now() + WAIT_MS;
	while (!(job_fd(j) < 0 && job_reap(j)) && job_now() < end)
		job_wait(j, 10, got_line, &g);
	assert_true(job_fd(j) < 0);
	assert_true(job_reap(j));
	assert_false(job_done(j));
	assert_false(pid_gone(kid));

	/* The grace is long (a slow machine must not reach it above): hurry. */
	job_cancel(j, job_now());
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_true(pid_gone(kid));
	assert_true(pid_gone(-pgid));
	job_free(j);
}

static void test_free_kills_running_job(void **state)
{
	(void)state;
	struct job *j = start_sh("sleep 60 & echo $!; sleep 60", 200);
	struct got g = {0};
	wait_lines(j, &g, 1);
	pid_t kid = (pid_t)atoi(g.first[0]);
	pid_t pid = job_pid(j);
	job_free(j);
	assert_true(pid_gone(pid));
	/* The grandchild got SIGKILL too; give the reparenting a moment. */
	for (int i = 0; i < 3000 && !pid_gone(kid); i++) {
		waitpid(-pid, NULL, WNOHANG);
		usleep(10000);
	}
	assert_true(pid_gone(kid));
}

static pid_t parent_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	char *stat = file_read(path, 4096, NULL);
	assert_non_null(stat);
	/* pid (comm) state ppid: comm may hold spaces, so start after ')'. */
	char state;
	int ppid = -1;
	assert_int_equal(sscanf(strrchr(stat, ')') + 1, " %c %d", &state, &ppid), 2);
	free(stat);
	return (pid_t)ppid;
}

static void test_orphans_come_to_us(void **state)
{
	(void)state;
	/* Without a cancel, a job that leaves a process behind is done at EOF and
	 * exit; the orphan is ours (subreaper), not a container init's. */
	struct job *j = start_sh("sleep 60 >/dev/null 2>&1 & echo $!", 0);
	struct got g = {0};
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	pid_t kid = (pid_t)atoi(g.first[0]);
	assert_true(kid > 0);
	assert_int_equal(parent_of(kid), getpid());
	job_free(j);
	assert_int_equal(kill(kid, SIGKILL), 0);
	assert_int_equal(waitpid(kid, NULL, 0), kid);
}

/* ---- 4. exit before reading ---- */

static void test_exit_before_read(void **state)
{
	(void)state;
	struct job *j = start_sh("seq 1 1000; exit 3", 0);
	int64_t end = job_now() + WAIT_MS;
	while (!job_reap(j) && job_now() < end)
		usleep(5000);
	assert_true(job_reap(j));
	assert_false(job_done(j));
	assert_true(job_fd(j) >= 0);
	assert_int_equal(job_bytes(j), 0);

	struct got g = {0};
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(g.n, 1000);
	assert_string_equal(g.first[0], "1");
	assert_string_equal(g.last, "1000");
	assert_string_equal(ring_get(job_ring(j), 0, NULL), "1000");
	assert_true(WIFEXITED(job_status(j)));
	assert_int_equal(WEXITSTATUS(job_status(j)), 3);
	job_free(j);
}

/* ---- 5. partial lines ---- */

static void test_partial_lines(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *go = xasprintf("%s/go", dir);
	const char *argv[] = { "sh", "-c",
		"printf abc; while [ ! -e \"$1\" ]; do sleep 0.01; done; printf 'def\\r\\n'; printf 'ghi\\r'",
		"sh", go, NULL };
	struct job_spec spec = { .argv = argv };
	struct job *j = start(&spec);
	struct got g = {0};

	int64_t end = job_now() + WAIT_MS;
	while (job_bytes(j) < 3 && job_now() < end)
		job_wait(j, 10, got_line, &g);
	assert_int_equal(job_bytes(j), 3);
	assert_int_equal(g.n, 0);
	size_t len;
	assert_string_equal(job_partial(j, &len), "abc");
	assert_int_equal(len, 3);

	int fd = open(go, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.first[0], "abcdef");
	assert_string_equal(g.first[1], "ghi");
	assert_string_equal(job_partial(j, NULL), "");
	assert_int_equal(job_status(j), 0);
	job_free(j);
	free(go);
	tmpdir_free(dir);
}

static void test_long_line_in_pieces(void **state)
{
	(void)state;
	/* 200000 bytes and no newline at all. */
	struct job *j = start_sh("head -c 200000 /dev/zero | tr '\\0' a; echo; echo end", 0);
	struct got g = {0};
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(g.maxlen, JOB_LINE_MAX);
	assert_int_equal(g.n, 200000 / JOB_LINE_MAX + 1 + 1);
	size_t len;
	const char *tail = ring_get(job_ring(j), 1, &len);
	assert_int_equal(len, 200000 % JOB_LINE_MAX);
	assert_int_equal(tail[0], 'a');
	assert_string_equal(g.last, "end");
	job_free(j);
}

/* Every line the callback saw, as its length and first bytes. */
struct seen {
	size_t n, cap;
	struct { size_t len; char head[24]; } *v;
};

static void seen_line(const char *line, size_t len, void *arg)
{
	struct seen *sn = arg;
	if (sn->n == sn->cap) {
		sn->cap = sn->cap ? 2 * sn->cap : 1024;
		sn->v = xrealloc(sn->v, sn->cap * sizeof(*sn->v));
	}
	sn->v[sn->n].len = len;
	snprintf(sn->v[sn->n].head, sizeof(sn->v[0].head), "%s", line);
	sn->n++;
}

/* The ring is filled once a read is split, only with the lines it can keep:
 * whatever the mix (a line completed from the read before, thousands of short
 * lines in one read, a long line in pieces, a last line without '\n'), it
 * ends up holding the newest lines the callback saw, in order. */
static void test_ring_holds_newest_lines(void **state)
{
	(void)state;
	static const size_t caps[] = { 1, 7, 5000 };
	char *dir = tmpdir_new();
	char *go = xasprintf("%s/go", dir);
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		unlink(go);
		const char *argv[] = { "sh", "-c",
			"printf abc; while [ ! -e \"$1\" ]; do sleep 0.01; done; printf 'def\\n'; seq 1 20000; "
			"head -c 100000 /dev/zero | tr '\\0' b; printf '\\r\\n'; seq 1 3; printf tail",
			"sh", go, NULL };
		struct job_spec spec = { .argv = argv, .ring_lines = caps[c] };
		struct job *j = start(&spec);
		struct seen sn = {0};
		/* "abc" in a read of its own... */
		int64_t end = job_now() + 5000;
		while (job_bytes(j) < 3 && job_now() < end)
			job_wait(j, 10, seen_line, &sn);
		assert_int_equal(job_bytes(j), 3);
		/* ...then the rest (210 KB, less than the pipe holds) written before
		 * we read again, so that it comes in one read. */
		int fd = open(go, O_WRONLY | O_CREAT, 0600);
		assert_true(fd >= 0);
		close(fd);
		end = job_now() + 5000;
		while (!job_reap(j) && job_now() < end)
			usleep(5000);
		assert_true(job_reap(j));
		assert_int_equal(job_wait(j, 10000, seen_line, &sn), 0);
		/* abcdef, 20000 numbers, the long line in 2 pieces, 3 numbers, tail */
		assert_int_equal(sn.n, 1 + 20000 + 2 + 3 + 1);
		assert_string_equal(sn.v[0].head, "abcdef");
		assert_int_equal(sn.v[20001].len, JOB_LINE_MAX);
		assert_int_equal(sn.v[20002].len, 100000 - JOB_LINE_MAX);
		const struct ring *r = job_ring(j);
		assert_int_equal(ring_total(r), sn.n);
		assert_int_equal(job_lines(j), sn.n);
		size_t count = sn.n < caps[c] ? sn.n : caps[c];
		assert_int_equal(ring_count(r), count);
		for (size_t i = 0; i < count; i++) {
			size_t len;
			const char *line = ring_get(r, i, &len);
			assert_non_null(line);
			assert_int_equal(len, sn.v[sn.n - 1 - i].len);
			assert_int_equal(strlen(line), len);
			assert_memory_equal(line, sn.v[sn.n - 1 - i].head, strlen(sn.v[sn.n - 1 - i].head));
		}
		assert_string_equal(ring_get(r, 0, NULL), "tail");
		job_free(j);
		free(sn.v);
	}
	free(go);
	tmpdir_free(dir);
}

/* ---- 6. exec failure and exit status ---- */

static void test_exec_failure(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *log = xasprintf("%s/fail.log", dir);
	const char *argv[] = { "kfdo-no-such-program", "x", NULL };
	struct job_spec spec = { .argv = argv, .log_path = log };
	struct job *j = (struct job *)1;
	char *cause = NULL;
	assert_int_equal(job_start(&j, &spec, &cause), -ENOENT);
	assert_null(j);
	assert_non_null(cause);
	assert_string_equal(cause, "cannot run 'kfdo-no-such-program': No such file or directory");
	char *text = file_read(log, 1 << 16, NULL);
	assert_non_null(text);
	assert_string_equal(text, "$ kfdo-no-such-program x\n"
			    "kfdo: cannot run 'kfdo-no-such-program': No such file or directory\n");
	free(text);

	/* The environment the job adds comes first in the logged command, quoted
	 * as a shell takes it, so that the line can be run by hand. */
	const char *env[] = { "_knob=a b", "EMPTY=", "UNSET", NULL };
	spec.env = env;
	j = (struct job *)1;
	free(cause);
	cause = NULL;
	assert_int_equal(job_start(&j, &spec, &cause), -ENOENT);
	text = file_read(log, 1 << 16, NULL);
	assert_non_null(text);
	assert_true(str_starts(text, "$ _knob='a b' EMPTY= kfdo-no-such-program x\n"));
	free(text);
	spec.env = NULL;

	/* A file that is not executable. */
	char *noexec = xasprintf("%s/noexec", dir);
	int fd = open(noexec, O_WRONLY | O_CREAT, 0644);
	assert_true(fd >= 0);
	close(fd);
	const char *argv2[] = { noexec, NULL };
	spec = (struct job_spec){ .argv = argv2 };
	assert_int_equal(job_start(&j, &spec, &cause), -EACCES);
	assert_non_null(strstr(cause, "Permission denied"));

	/* A working directory that does not exist. */
	const char *argv3[] = { "true", NULL };
	spec = (struct job_spec){ .argv = argv3, .cwd = "/nonexistent-kfdo-dir" };
	assert_int_equal(job_start(&j, &spec, &cause), -ENOENT);
	assert_string_equal(cause, "cannot run 'true' in '/nonexistent-kfdo-dir': No such file or directory");

	/* A log that cannot be opened: nothing runs. */
	spec = (struct job_spec){ .argv = argv3, .log_path = "/nonexistent-kfdo-dir/x.log" };
	assert_int_equal(job_start(&j, &spec, &cause), -ENOENT);
	assert_non_null(strstr(cause, "cannot open log"));

	const char *none[] = { NULL };
	spec = (struct job_spec){ .argv = none };
	assert_int_equal(job_start(&j, &spec, &cause), -EINVAL);

	free(cause);
	free(noexec);
	free(log);
	tmpdir_free(dir);
}

static void test_exit_status(void **state)
{
	(void)state;
	struct job *j = start_sh("echo out; echo err >&2; exit 7", 0);
	struct got g = {0};
	assert_int_equal(job_status(j), -1);
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_true(WIFEXITED(job_status(j)));
	assert_int_equal(WEXITSTATUS(job_status(j)), 7);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.first[0], "out");
	assert_string_equal(g.first[1], "err");
	job_free(j);

	j = start_sh("kill -KILL $$", 0);
	assert_int_equal(job_wait(j, WAIT_MS, NULL, NULL), 0);
	assert_true(WIFSIGNALED(job_status(j)));
	assert_int_equal(WTERMSIG(job_status(j)), SIGKILL);
	job_free(j);
}

/* ---- 7. log write error ---- */

static void test_log_write_error(void **state)
{
	(void)state;
	const char *argv[] = { "seq", "5000", NULL };
	struct job_spec spec = { .argv = argv, .log_path = "/dev/full", .ring_lines = 10 };
	struct job *j = start(&spec);
	struct got g = {0};
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(job_log_error(j), ENOSPC);
	assert_int_equal(job_status(j), 0);
	assert_int_equal(g.n, 5000);
	assert_int_equal(ring_count(job_ring(j)), 10);
	assert_string_equal(ring_get(job_ring(j), 0, NULL), "5000");
	job_free(j);
}

/* ---- 8. the child's surroundings ---- */

static void test_stdin_is_dev_null(void **state)
{
	(void)state;
	const char *argv[] = { "cat", NULL };
	struct job_spec spec = { .argv = argv };
	struct job *j = start(&spec);
	struct got g = {0};
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(job_status(j), 0);
	assert_int_equal(g.n, 0);
	job_free(j);

	const char *argv2[] = { "readlink", "/proc/self/fd/0", NULL };
	spec.argv = argv2;
	j = start(&spec);
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_string_equal(g.last, "/dev/null");
	job_free(j);
}

static void test_child_signals_and_fds(void **state)
{
	(void)state;
	/* Things a child must not inherit: ignored and blocked signals, our fds. */
	struct sigaction sa = { .sa_handler = SIG_IGN }, old_sa;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, &old_sa);
	sigset_t usr1, old_mask;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old_mask);
	int leak[2];
	assert_int_equal(pipe(leak), 0); /* no O_CLOEXEC on purpose */

	const char *argv[] = { "grep", "-E", "^(SigIgn|SigBlk)", "/proc/self/status", NULL };
	struct job_spec spec = { .argv = argv };
	struct job *j = start(&spec);
	struct got g = {0};
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.first[0], "SigBlk:\t0000000000000000");
	/* Signals 32 and 33 are glibc's own (sigaction refuses them) and GNU make
	 * passes them on ignored; the standard ones must all be back to default. */
	assert_true(str_starts(g.first[1], "SigIgn:\t"));
	unsigned long long ign = strtoull(g.first[1] + 8, NULL, 16);
	assert_int_equal(ign & 0x7fffffffULL, 0); /* bit n-1 is signal n */
	job_free(j);

	/* ls has its directory open as fd 3; nothing else may be there. */
	const char *argv2[] = { "ls", "/proc/self/fd", NULL };
	spec.argv = argv2;
	j = start(&spec);
	memset(&g, 0, sizeof g);
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.first[0], "0");
	assert_string_equal(g.first[1], "1");
	assert_string_equal(g.first[2], "2");
	assert_string_equal(g.first[3], "3");
	job_free(j);

	close(leak[0]);
	close(leak[1]);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_sa, NULL);
}

static void test_env_and_cwd(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	setenv("KFDO_TEST_GONE", "still here", 1);
	const char *argv[] = { "sh", "-c",
		"echo \"$KFDO_TEST_A\"; echo \"${KFDO_TEST_GONE-unset}\"; echo \"$HOME\"; pwd", NULL };
	const char *env[] = { "KFDO_TEST_A=first", "KFDO_TEST_A=hello world", "KFDO_TEST_GONE",
			      "HOME=/nowhere", NULL };
	struct job_spec spec = { .argv = argv, .env = env, .cwd = dir };
	struct job *j = start(&spec);
	struct got g = {0};
	assert_int_equal(job_wait(j, WAIT_MS, got_line, &g), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.first[0], "hello world");
	assert_string_equal(g.first[1], "unset");
	assert_string_equal(g.first[2], "/nowhere");
	assert_string_equal(g.first[3], dir);
	/* Our own environment is untouched. */
	assert_string_equal(getenv("KFDO_TEST_GONE"), "still here");
	unsetenv("KFDO_TEST_GONE");
	job_free(j);
	tmpdir_free(dir);
}

/* ---- 9. inside the caller's poll loop ---- */

static void test_poll_loop_with_other_fd(void **state)
{
	(void)state;
	struct job *j = start_sh("for i in 1 2 3 4 5; do echo $i; sleep 0.05; done", 0);
	int other[2];
	assert_int_equal(pipe(other), 0);
	/* Like a key pressed before the job says anything. */
	assert_int_equal(write(other[1], "k", 1), 1);

	struct got g = {0};
	int other_reads = 0;
	uint64_t seen = 0;
	int64_t end = job_now() + WAIT_MS;
	while (!job_done(j) && job_now() < end) {
		struct pollfd pfd[2] = {
			{ .fd = other[0], .events = POLLIN },
			{ .fd = job_fd(j), .events = POLLIN }, /* -1 after EOF: poll skips it */
		};
		int r = poll(pfd, 2, 20);
		assert_true(r >= 0);
		if (pfd[0].revents & POLLIN) {
			char c;
			assert_int_equal(read(other[0], &c, 1), 1);
			other_reads++;
		}
		if (pfd[1].revents)
			job_read(j, got_line, &g);
		job_reap(j);
		/* Answer each job line on the other fd: both must keep flowing. */
		for (; seen < g.n; seen++)
			assert_int_equal(write(other[1], "l", 1), 1);
	}
	/* Drain what the last line wrote. */
	struct pollfd p = { .fd = other[0], .events = POLLIN };
	while (poll(&p, 1, 0) == 1) {
		char c;
		assert_int_equal(read(other[0], &c, 1), 1);
		other_reads++;
	}
	assert_true(job_done(j));
	assert_int_equal(g.n, 5);
	assert_string_equal(g.last, "5");
	assert_int_equal(other_reads, 1 + 5);
	close(other[0]);
	close(other[1]);
	job_free(j);
}

static void test_poll_loop_cancel(void **state)
{
	(void)state;
	/* The TUI's way: its own poll(), with job_timeout() and job_tick(). */
	struct job *j = start_sh_graces("trap '' INT; echo ready; sleep 60", 150, TERM_GRACE_LONG);
	struct got g = {0};
	bool cancelled = false;
	int64_t t0 = 0, end = job_now() + WAIT_MS;
	while (!job_done(j) && job_now() < end) {
		int64_t now = job_now();
		if (!cancelled && g.n == 1) {
			job_cancel(j, now);
			cancelled = true;
			t0 = now;
		}
		int t = job_timeout(j, now);
		/* Within the SIGINT grace, the loop is woken for its end. */
		assert_true(t <= 150 || (cancelled && now - t0 >= 150));
		struct pollfd p = { .fd = job_fd(j), .events = POLLIN };
		poll(&p, 1, t < 0 || t > 50 ? 50 : t);
		if (p.revents)
			job_read(j, got_line, &g);
		job_reap(j);
		job_tick(j, job_now());
	}
	assert_true(job_done(j));
	assert_true(cancelled);
	assert_true(job_now() - t0 >= 150);
	assert_int_equal(WTERMSIG(job_status(j)), SIGTERM);
	assert_int_equal(job_timeout(j, job_now()), -1);
	job_free(j);
}

/* ---- small things ---- */

static void test_quote_argv(void **state)
{
	(void)state;
	const char *argv[] = { "make", "LLVM=1", "-j8", "A B", "it's", "", "x;y", NULL };
	char *s = job_quote_argv(argv);
	assert_string_equal(s, "make LLVM=1 -j8 'A B' 'it'\\''s' '' 'x;y'");
	free(s);
	/* Every character kept bare is one a shell takes as it is. */
	const char *more[] = { "plain-word_1.2/x=y:z,@%+", "it's a \"test\"", "$HOME `x` *", NULL };
	s = job_quote_argv(more);
	assert_string_equal(s, "plain-word_1.2/x=y:z,@%+ 'it'\\''s a \"test\"' '$HOME `x` *'");
	free(s);
}

static void test_default_log_path(void **state)
{
	(void)state;
	char *dir = tmpdir_new();
	char *old_xdg = test_env_save("XDG_STATE_HOME");
	char *old_home = test_env_save("HOME");

	setenv("XDG_STATE_HOME", dir, 1);
	char *p = job_default_log_path("build");
	assert_non_null(p);
	char *prefix = xasprintf("%s/kfdo/logs/build-", dir);
	assert_true(str_starts(p, prefix));
	/* build-YYYYmmdd-HHMMSS.log */
	assert_int_equal(strlen(p), strlen(prefix) + 15 + 4);
	assert_string_equal(p + strlen(p) - 4, ".log");
	char *logs = xasprintf("%s/kfdo/logs", dir);
	struct stat st;
	assert_int_equal(stat(logs, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);

	/* An existing log is not reused. */
	int fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	char *p2 = job_default_log_path("build");
	assert_non_null(p2);
	assert_string_not_equal(p, p2);
	free(p2);

	/* A relative XDG_STATE_HOME is ignored for $HOME/.local/state. */
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", dir, 1);
	char *p3 = job_default_log_path("a/b");
	assert_non_null(p3);
	char *prefix3 = xasprintf("%s/.local/state/kfdo/logs/a_b-", dir);
	assert_true(str_starts(p3, prefix3));

	free(prefix3);
	free(p3);
	free(logs);
	free(prefix);
	free(p);
	test_env_restore("XDG_STATE_HOME", old_xdg);
	test_env_restore("HOME", old_home);
	tmpdir_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_cancel_int_ignored_ends_with_term),
		cmocka_unit_test(test_cancel_int_and_term_ignored_ends_with_kill),
		cmocka_unit_test(test_cancel_twice_escalates_at_once),
		cmocka_unit_test(test_cancel_plain_child_ends_with_int),
		cmocka_unit_test(test_cancel_reaches_grandchildren),
		cmocka_unit_test(test_cancel_done_waits_for_group_after_eof),
		cmocka_unit_test(test_free_kills_running_job),
		cmocka_unit_test(test_orphans_come_to_us),
		cmocka_unit_test(test_exit_before_read),
		cmocka_unit_test(test_partial_lines),
		cmocka_unit_test(test_long_line_in_pieces),
		cmocka_unit_test(test_ring_holds_newest_lines),
		cmocka_unit_test(test_exec_failure),
		cmocka_unit_test(test_exit_status),
		cmocka_unit_test(test_log_write_error),
		cmocka_unit_test(test_stdin_is_dev_null),
		cmocka_unit_test(test_child_signals_and_fds),
		cmocka_unit_test(test_env_and_cwd),
		cmocka_unit_test(test_poll_loop_with_other_fd),
		cmocka_unit_test(test_poll_loop_cancel),
		cmocka_unit_test(test_quote_argv),
		cmocka_unit_test(test_default_log_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
