/* proc/spawn against real children (sh, grep, cat, readlink, ls): what a
 * child starts with, whatever state its parent is in. */
#include "tests/unit/testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "proc/spawn.h"

/* How long a test waits for a child's output: generous for a loaded CI
 * machine, and free when the child is quicker. */
#define WAIT_MS 30000

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Everything fd gives until EOF (failing the test after WAIT_MS), with a NUL
 * after it; *len (may be NULL) gets its length. */
static char *read_all_len(int fd, size_t *len)
{
	size_t n = 0, cap = 4096;
	char *buf = xmalloc(cap + 1);
	int64_t end = ms_now() + WAIT_MS;
	for (;;) {
		int64_t left = end - ms_now();
		if (left <= 0)
			fail_msg("no EOF within %d ms", WAIT_MS);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		if (n == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static char *read_all(int fd)
{
	return read_all_len(fd, NULL);
}

static int reap(pid_t pid)
{
	int st;
	pid_t r;
	do
		r = waitpid(pid, &st, 0);
	while (r < 0 && errno == EINTR);
	assert_int_equal(r, pid);
	return st;
}

/* Runs spec with its stdout (on_err: its stderr) into a pipe; returns what it
 * printed there. *pid_out (may be NULL) gets the child's pid, *status its wait status. */
static char *run(struct spawn_spec *spec, bool on_err, pid_t *pid_out, int *status)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	if (on_err) {
		spec->err = SPAWN_IO_FD;
		spec->err_fd = p[1];
	} else {
		spec->out = SPAWN_IO_FD;
		spec->out_fd = p[1];
	}
	pid_t pid;
	char *cause = NULL;
	int r = spawn(&pid, spec, &cause);
	close(p[1]);
	if (r < 0)
		fail_msg("spawn: %d %s", r, cause ? cause : "");
	assert_null(cause);
	char *out = read_all(p[0]);
	close(p[0]);
	int st = reap(pid);
	if (pid_out)
		*pid_out = pid;
	if (status)
		*status = st;
	return out;
}

static char *run_argv(const char *const *argv)
{
	struct spawn_spec spec = { .argv = argv };
	return run(&spec, false, NULL, NULL);
}

/* The hex value after "Name:\t" in /proc/.../status text; all ones when
 * missing (no assert: forked children use it too). */
static unsigned long long status_mask(const char *text, const char *name)
{
	const char *p = strstr(text, name);
	return p ? strtoull(p + strlen(name), NULL, 16) : ~0ULL;
}

/* Signals 32 and 33 are glibc's own (sigaction refuses them) and GNU make
 * passes them on ignored: every other one must be back to default. */
#define GLIBC_SIGS (3ULL << 31) /* bit n-1 is signal n */

/* ---- signals ---- */

static void on_usr2(int sig)
{
	(void)sig;
}

static void test_signals_reset(void **state)
{
	(void)state;
	struct sigaction ign = { .sa_handler = SIG_IGN }, hnd = { .sa_handler = on_usr2 };
	struct sigaction old_pipe, old_int, old_usr2;
	sigemptyset(&ign.sa_mask);
	sigemptyset(&hnd.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGUSR2, &hnd, &old_usr2);
	sigset_t usr1, old_mask, mask_before, mask_after;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old_mask);
	sigprocmask(SIG_SETMASK, NULL, &mask_before);

	const char *argv[] = { "grep", "-E", "^(SigIgn|SigBlk)", "/proc/self/status", NULL };
	char *out = run_argv(argv);
	assert_int_equal(status_mask(out, "SigBlk:\t"), 0);
	assert_int_equal(status_mask(out, "SigIgn:\t") & ~GLIBC_SIGS, 0);
	free(out);

	/* The parent's own state is as it was. */
	sigprocmask(SIG_SETMASK, NULL, &mask_after);
	for (int sig = 1; sig < 32; sig++)
		assert_int_equal(sigismember(&mask_after, sig), sigismember(&mask_before, sig));
	struct sigaction now;
	sigaction(SIGPIPE, NULL, &now);
	assert_true(now.sa_handler == SIG_IGN);

	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGUSR2, &old_usr2, NULL);
}

/* ---- stdin, stdout, stderr ---- */

static void test_stdio(void **state)
{
	(void)state;
	/* By default: /dev/null on stdin and stderr. */
	const char *in[] = { "readlink", "/proc/self/fd/0", NULL };
	char *out = run_argv(in);
	assert_string_equal(out, "/dev/null\n");
	free(out);
	const char *err[] = { "sh", "-c", "readlink /proc/$$/fd/2", NULL };
	out = run_argv(err);
	assert_string_equal(out, "/dev/null\n");
	free(out);
	/* stdout to /dev/null, as the shell sees it, told on stderr. */
	const char *o[] = { "sh", "-c", "x=$(readlink /proc/$$/fd/1); echo \"$x\" >&2", NULL };
	struct spawn_spec spec = { .argv = o };
	out = run(&spec, true, NULL, NULL);
	assert_string_equal(out, "/dev/null\n");
	free(out);

	/* One fd for both, in the order written. */
	const char *both[] = { "sh", "-c", "echo out; echo err >&2; echo out2", NULL };
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	spec = (struct spawn_spec){ .argv = both, .out = SPAWN_IO_FD, .out_fd = p[1], .err = SPAWN_IO_FD,
				    .err_fd = p[1] };
	pid_t pid;
	assert_int_equal(spawn(&pid, &spec, NULL), 0);
	close(p[1]);
	out = read_all(p[0]);
	close(p[0]);
	assert_int_equal(reap(pid), 0);
	assert_string_equal(out, "out\nerr\nout2\n");
	free(out);

	/* Inherited: our stderr, and with the terminal handed over, our stdin. */
	char path[] = "/tmp/kfdo-spawn-stdio-XXXXXX";
	int f = mkstemp(path);
	assert_true(f >= 0);
	int saved0 = dup(0), saved2 = dup(2);
	assert_true(saved0 >= 0 && saved2 >= 0);
	assert_int_equal(dup2(f, 0), 0);
	assert_int_equal(dup2(f, 2), 2);
	const char *links[] = { "sh", "-c", "readlink /proc/$$/fd/0 /proc/$$/fd/2", NULL };
	spec = (struct spawn_spec){ .argv = links, .terminal = true, .err = SPAWN_IO_INHERIT };
	out = run(&spec, false, NULL, NULL);
	spec = (struct spawn_spec){ .argv = links, .err = SPAWN_IO_INHERIT };
	char *out2 = run(&spec, false, NULL, NULL);
	dup2(saved0, 0);
	dup2(saved2, 2);
	close(saved0);
	close(saved2);
	close(f);
	char *want = xasprintf("%s\n%s\n", path, path);
	assert_string_equal(out, want);
	free(want);
	want = xasprintf("/dev/null\n%s\n", path);
	assert_string_equal(out2, want);
	free(want);
	free(out);
	free(out2);
	unlink(path);
}

/* With the caller's stdio closed, the pipes it makes sit at 0-2: the child
 * must still get /dev/null on stdin and the pipe on stdout and stderr. Runs
 * in a forked test process, whose stdio can be closed. */
static void test_stdio_closed(void **state)
{
	(void)state;
	int rep[2];
	assert_int_equal(pipe(rep), 0);
	assert_true(rep[0] > 2 && rep[1] > 2);
	pid_t t = fork();
	assert_true(t >= 0);
	if (t == 0) {
		close(0);
		close(1);
		close(2);
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0 || p[0] != 0 || p[1] != 1)
			_exit(2);
		const char *argv[] = { "sh", "-c", "readlink /proc/self/fd/0; echo err >&2", NULL };
		struct spawn_spec spec = { .argv = argv, .out = SPAWN_IO_FD, .out_fd = p[1], .err = SPAWN_IO_FD,
					   .err_fd = p[1] };
		pid_t pid;
		if (spawn(&pid, &spec, NULL) < 0)
			_exit(3);
		close(p[1]);
		char buf[256];
		ssize_t n, got = 0;
		while ((n = read(p[0], buf + got, sizeof buf - 1 - (size_t)got)) > 0)
			got += n;
		waitpid(pid, NULL, 0);
		_exit(write(rep[1], buf, (size_t)got) == got ? 0 : 4);
	}
	close(rep[1]);
	char *out = read_all(rep[0]);
	close(rep[0]);
	int st = reap(t);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_string_equal(out, "/dev/null\nerr\n");
	free(out);
}

/* ---- fds ---- */

static void test_fds_closed(void **state)
{
	(void)state;
	int leak[2];
	assert_int_equal(pipe(leak), 0); /* no O_CLOEXEC on purpose */
	/* ls has its directory open as fd 3; nothing else may be there. */
	const char *argv[] = { "ls", "/proc/self/fd", NULL };
	char *out = run_argv(argv);
	assert_string_equal(out, "0\n1\n2\n3\n");
	free(out);

	/* keep_fd stays, at its number, even when it is CLOEXEC here. */
	int keep[2];
	assert_int_equal(spawn_pipe(keep), 0);
	assert_true(keep[0] > 2 && keep[1] > 2);
	struct spawn_spec spec = { .argv = argv, .keep_fd = keep[1] };
	out = run(&spec, false, NULL, NULL);
	char *line = xasprintf("\n%d\n", keep[1]);
	assert_non_null(strstr(out, line));
	free(line);
	size_t n = 0;
	for (char *s = out; *s; s++)
		n += *s == '\n';
	assert_int_equal(n, 5);
	free(out);
	close(keep[0]);
	close(keep[1]);
	close(leak[0]);
	close(leak[1]);
}

/* ---- failures ---- */

static void assert_no_child(void)
{
	errno = 0;
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static void test_exec_failure(void **state)
{
	(void)state;
	pid_t pid = 1;
	char *cause = NULL;
	const char *argv[] = { "kfdo-no-such-program", "x", NULL };
	struct spawn_spec spec = { .argv = argv };
	assert_int_equal(spawn(&pid, &spec, &cause), -ENOENT);
	assert_int_equal(pid, -1);
	assert_string_equal(cause, "cannot run 'kfdo-no-such-program': No such file or directory");
	assert_no_child();

	/* A file that is not executable. */
	char path[] = "/tmp/kfdo-spawn-noexec-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	const char *argv2[] = { path, NULL };
	spec = (struct spawn_spec){ .argv = argv2 };
	assert_int_equal(spawn(&pid, &spec, &cause), -EACCES);
	char *want = xasprintf("cannot run '%s': Permission denied", path);
	assert_string_equal(cause, want);
	free(want);
	unlink(path);
	assert_no_child();

	/* The program named apart from argv[0]: the message still says argv[0]. */
	const char *argv3[] = { "true", NULL };
	spec = (struct spawn_spec){ .argv = argv3, .file = "/nonexistent-kfdo-dir/true" };
	assert_int_equal(spawn(&pid, &spec, &cause), -ENOENT);
	assert_string_equal(cause, "cannot run 'true': No such file or directory");

	/* A working directory that does not exist. */
	spec = (struct spawn_spec){ .argv = argv3, .cwd = "/nonexistent-kfdo-dir" };
	assert_int_equal(spawn(&pid, &spec, &cause), -ENOENT);
	assert_string_equal(cause, "cannot run 'true' in '/nonexistent-kfdo-dir': No such file or directory");
	assert_no_child();

	const char *none[] = { NULL };
	spec = (struct spawn_spec){ .argv = none };
	assert_int_equal(spawn(&pid, &spec, &cause), -EINVAL);
	assert_string_equal(cause, "cannot run an empty command");
	assert_no_child();

	/* No cause asked for: the errno alone. */
	spec = (struct spawn_spec){ .argv = argv };
	assert_int_equal(spawn(&pid, &spec, NULL), -ENOENT);
	free(cause);
}

/* ---- process group and session ---- */

struct ids {
	long pgrp, session;
};

/* The child's process group and session, from its own /proc/self/stat. */
static struct ids ids_of(enum spawn_group group, pid_t *pid)
{
	const char *argv[] = { "cat", "/proc/self/stat", NULL };
	struct spawn_spec spec = { .argv = argv, .group = group };
	char *out = run(&spec, false, pid, NULL);
	/* "pid (comm) state ppid pgrp session ...": comm may hold spaces. */
	char *p = strrchr(out, ')');
	assert_non_null(p);
	struct ids id;
	assert_int_equal(sscanf(p + 1, " %*c %*d %ld %ld", &id.pgrp, &id.session), 2);
	free(out);
	return id;
}

static void test_group_and_session(void **state)
{
	(void)state;
	pid_t pid;
	struct ids id = ids_of(SPAWN_GROUP_SAME, &pid);
	assert_int_equal(id.pgrp, getpgrp());
	assert_int_equal(id.session, getsid(0));

	id = ids_of(SPAWN_GROUP_NEW, &pid);
	assert_int_equal(id.pgrp, pid);
	assert_int_equal(id.session, getsid(0));

	id = ids_of(SPAWN_SESSION_NEW, &pid);
	assert_int_equal(id.pgrp, pid);
	assert_int_equal(id.session, pid);
}

/* ---- working directory and environment ---- */

static void test_cwd_and_env(void **state)
{
	(void)state;
	char dir[] = "/tmp/kfdo-spawn-cwd-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *real = realpath(dir, NULL);
	assert_non_null(real);
	char *keep = test_env_save("KFDO_T_KEEP"), *drop = test_env_save("KFDO_T_DROP"),
	     *set = test_env_save("KFDO_T_SET");
	setenv("KFDO_T_KEEP", "keep", 1);
	setenv("KFDO_T_DROP", "drop", 1);
	setenv("KFDO_T_SET", "old", 1);

	const char *argv[] = { "sh", "-c",
			       "pwd -P; echo \"$KFDO_T_KEEP ${KFDO_T_DROP-unset} $KFDO_T_SET $KFDO_T_ADD\"", NULL };
	/* A bare key unsets, K=V replaces or adds, the last of a key wins. */
	const char *env[] = { "KFDO_T_SET=new", "KFDO_T_DROP", "KFDO_T_ADD=1", "KFDO_T_ADD=2", NULL };
	struct spawn_spec spec = { .argv = argv, .cwd = dir, .env = env };
	char *out = run(&spec, false, NULL, NULL);
	char *want = xasprintf("%s\nkeep unset new 2\n", real);
	assert_string_equal(out, want);
	free(want);
	free(out);
	/* Ours is untouched. */
	assert_string_equal(getenv("KFDO_T_DROP"), "drop");
	assert_string_equal(getenv("KFDO_T_SET"), "old");
	assert_null(getenv("KFDO_T_ADD"));

	/* argv[0] is looked up in the child's PATH, env applied. */
	char *prog = xasprintf("%s/kfdo-spawn-prog", dir);
	int fd = open(prog, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	assert_true(fd >= 0);
	const char *script = "#!/bin/sh\necho \"found $0\"\n";
	assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
	close(fd);
	char *path_env = xasprintf("PATH=%s:/usr/bin:/bin", dir);
	const char *env2[] = { path_env, NULL };
	const char *argv2[] = { "kfdo-spawn-prog", NULL };
	spec = (struct spawn_spec){ .argv = argv2, .env = env2 };
	out = run(&spec, false, NULL, NULL);
	want = xasprintf("found %s\n", prog);
	assert_string_equal(out, want);
	free(want);
	free(out);
	free(path_env);

	/* file runs a program named apart from argv[0], which the program sees. */
	const char *argv3[] = { "kfdo-name", "-c", "echo \"$0\"", NULL };
	spec = (struct spawn_spec){ .argv = argv3, .file = "/bin/sh" };
	out = run(&spec, false, NULL, NULL);
	assert_string_equal(out, "kfdo-name\n");
	free(out);

	unlink(prog);
	free(prog);
	rmdir(dir);
	free(real);
	test_env_restore("KFDO_T_KEEP", keep);
	test_env_restore("KFDO_T_DROP", drop);
	test_env_restore("KFDO_T_SET", set);
}

/* ---- spawn_fork ---- */

struct fork_report {
	unsigned long long sigign, sigblk, sigcgt;
	int fds;            /* open fds but 0-2, the kept one and the one reading the list */
	bool stdin_null;
	char cwd[256];
};

static int report_fd;

static int fork_child(void *arg)
{
	struct fork_report r;
	memset(&r, 0, sizeof r);
	char *st = file_read("/proc/self/status", 1 << 16, NULL);
	if (!st)
		return 1;
	r.sigign = status_mask(st, "SigIgn:\t");
	r.sigblk = status_mask(st, "SigBlk:\t");
	r.sigcgt = status_mask(st, "SigCgt:\t");
	free(st);
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 1;
	struct dirent *e;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] != '.' && fd > 2 && fd != report_fd && fd != dirfd(d))
			r.fds++;
	}
	closedir(d);
	char link[PATH_MAX];
	ssize_t n = readlink("/proc/self/fd/0", link, sizeof link - 1);
	r.stdin_null = n == 9 && memcmp(link, "/dev/null", 9) == 0;
	if (!getcwd(r.cwd, sizeof r.cwd))
		return 1;
	return write(report_fd, &r, sizeof r) == (ssize_t)sizeof r ? *(int *)arg : 1;
}

static void test_spawn_fork(void **state)
{
	(void)state;
	struct sigaction ign = { .sa_handler = SIG_IGN }, hnd = { .sa_handler = on_usr2 }, old_pipe, old_usr2;
	sigemptyset(&ign.sa_mask);
	sigemptyset(&hnd.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGUSR2, &hnd, &old_usr2);
	sigset_t usr1, old_mask;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old_mask);
	int leak[2];
	assert_int_equal(pipe(leak), 0);

	int p[2];
	assert_int_equal(spawn_pipe(p), 0);
	report_fd = p[1];
	int code = 42;
	struct spawn_spec spec = { .cwd = "/", .keep_fd = p[1] };
	pid_t pid;
	char *cause = NULL;
	assert_int_equal(spawn_fork(&pid, &spec, fork_child, &code, &cause), 0);
	assert_null(cause);
	close(p[1]);
	struct fork_report r;
	size_t len;
	char *got = read_all_len(p[0], &len);
	close(p[0]);
	int st = reap(pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 42);
	assert_int_equal(len, sizeof r);
	memcpy(&r, got, sizeof r);
	free(got);
	assert_int_equal(r.sigign & ~GLIBC_SIGS, 0);
	assert_int_equal(r.sigblk, 0);
	assert_int_equal(r.sigcgt, 0);
	assert_int_equal(r.fds, 0);
	assert_true(r.stdin_null);
	assert_string_equal(r.cwd, "/");

	/* A working directory that is not there: reported before fn runs. */
	spec.cwd = "/nonexistent-kfdo-dir";
	assert_int_equal(spawn_fork(&pid, &spec, fork_child, &code, &cause), -ENOENT);
	assert_string_equal(cause, "cannot run 'kfdo' in '/nonexistent-kfdo-dir': No such file or directory");
	free(cause);
	assert_no_child();

	close(leak[0]);
	close(leak[1]);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGUSR2, &old_usr2, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signals_reset),
		cmocka_unit_test(test_stdio),
		cmocka_unit_test(test_stdio_closed),
		cmocka_unit_test(test_fds_closed),
		cmocka_unit_test(test_exec_failure),
		cmocka_unit_test(test_group_and_session),
		cmocka_unit_test(test_cwd_and_env),
		cmocka_unit_test(test_spawn_fork),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
