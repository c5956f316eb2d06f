/* Starting a process (spawn.h).
 *
 * fork + exec with a CLOEXEC error pipe rather than posix_spawn: the child
 * reports which stage failed (entering the working directory or exec), and
 * the callers' messages tell those apart ("cannot run 'true' in '/x'"), which
 * posix_spawn's single error code cannot; the same child code also serves
 * spawn_fork(), which posix_spawn has no form of; and glibc's
 * POSIX_SPAWN_SETSID, addchdir_np and addclosefrom_np would tie kfdo to
 * recent glibc for what a few syscalls do. kfdo is single-threaded and small,
 * so fork's copy of the address space costs nothing worth a vfork. */
#include "proc/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"

#define CLOSE_SLOW_MAX 65536  /* without close_range, close fds up to this */

enum { STAGE_SETUP, STAGE_CHDIR, STAGE_EXEC };

/* What the child writes to the error pipe when it cannot go on. */
struct report {
	int stage;
	int err;
};

static const char *prog_name(const struct spawn_spec *spec)
{
	if (spec->argv && spec->argv[0])
		return spec->argv[0];
	return spec->file ? spec->file : "kfdo";
}

/* ---- the environment ---- */

/* The caller's entries replace (or, for a bare "K", remove) ours. Built
 * before fork so the child does not allocate. */
static size_t env_key_len(const char *s)
{
	const char *eq = strchr(s, '=');
	return eq ? (size_t)(eq - s) : strlen(s);
}

static bool env_has_key(const char *const *list, const char *entry)
{
	size_t n = env_key_len(entry);
	for (size_t i = 0; list && list[i]; i++)
		if (env_key_len(list[i]) == n && strncmp(list[i], entry, n) == 0)
			return true;
	return false;
}

static char **env_build(const char *const *extra)
{
	size_t n = 0, m = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	while (extra[m])
		m++;
	char **out = xcalloc(n + m + 1, sizeof *out);
	size_t k = 0;
	for (char **e = environ; e && *e; e++)
		if (!env_has_key(extra, *e))
			out[k++] = *e;
	for (size_t i = 0; i < m; i++)
		/* The last of duplicate keys wins, as with env(1). */
		if (strchr(extra[i], '=') && !env_has_key(extra + i + 1, extra[i]))
			out[k++] = (char *)extra[i];
	out[k] = NULL;
	return out;
}

/* ---- the child: async-signal-safe calls only ---- */

static void child_fail(int errw, int stage, int err) __attribute__((noreturn));
static void child_fail(int errw, int stage, int err)
{
	struct report r = { stage, err };
	ssize_t w = write(errw, &r, sizeof r);
	(void)w;
	_exit(127);
}

/* An ignored signal survives exec (SIGPIPE would break make's pipes), a
 * handler of ours must not run here, and a blocked one stays blocked; the
 * parent blocked everything across fork, so nothing ran before this.
 * (glibc keeps 32 and 33 for itself: sigaction fails on them, harmlessly.) */
static void child_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static int io_source(enum spawn_io io, int fd, int own, int nul)
{
	return io == SPAWN_IO_FD ? fd : io == SPAWN_IO_INHERIT ? own : nul;
}

/* Puts stdin, stdout and stderr in place. A source that sits at 0-2 but is
 * not its own target (a pipe made while the caller's stdio was closed) would
 * be overwritten by an earlier dup2: it moves above 2 first. */
static void child_stdio(const struct spawn_spec *spec, int errw)
{
	int nul = -1;
	if (!spec->terminal || spec->out == SPAWN_IO_NULL || spec->err == SPAWN_IO_NULL) {
		nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (nul < 0)
			child_fail(errw, STAGE_SETUP, errno);
	}
	int src[3] = {
		spec->terminal ? 0 : nul,
		io_source(spec->out, spec->out_fd, 1, nul),
		io_source(spec->err, spec->err_fd, 2, nul),
	};
	for (int i = 0; i < 3; i++) {
		if (src[i] == i || src[i] > 2)
			continue;
		int old = src[i], moved = fcntl(old, F_DUPFD_CLOEXEC, 3);
		if (moved < 0)
			child_fail(errw, STAGE_SETUP, errno);
		for (int k = 0; k < 3; k++)
			if (src[k] == old)
				src[k] = moved;
	}
	for (int i = 0; i < 3; i++) {
		if (src[i] == i)
			(void)fcntl(i, F_SETFD, 0);  /* kept as it is; EBADF if the caller had none */
		else if (dup2(src[i], i) < 0)
			child_fail(errw, STAGE_SETUP, errno);
	}
}

/* Closes every fd above 2 but a and b. */
static void child_close_fds(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;
	const int keep[2] = { lo, hi };
	unsigned from = 3;
	for (int i = 0; i < 2; i++) {
		if (keep[i] < (int)from)
			continue;
		if (keep[i] > (int)from && close_range(from, (unsigned)keep[i] - 1, 0) < 0)
			goto slow;
		from = (unsigned)keep[i] + 1;
	}
	if (close_range(from, ~0U, 0) == 0)
		return;
slow:
	/* A kernel before 5.9 has no close_range. */
	for (int fd = 3; fd < CLOSE_SLOW_MAX; fd++)
		if (fd != a && fd != b)
			close(fd);
}

/* Everything the child does before exec (or fn): resets, group, fds, cwd, env. */
static void child_setup(const struct spawn_spec *spec, char **envp, int errw)
{
	child_signals();
	if (spec->group == SPAWN_GROUP_NEW && setpgid(0, 0) < 0)
		child_fail(errw, STAGE_SETUP, errno);
	if (spec->group == SPAWN_SESSION_NEW && setsid() < 0)
		child_fail(errw, STAGE_SETUP, errno);
	child_stdio(spec, errw);
	child_close_fds(errw, spec->keep_fd);
	if (spec->keep_fd > 2)
		(void)fcntl(spec->keep_fd, F_SETFD, 0);  /* kept across exec too */
	if (spec->cwd && chdir(spec->cwd) < 0)
		child_fail(errw, STAGE_CHDIR, errno);
	if (envp)
		environ = envp;
}

/* ---- the parent ---- */

static int fd_above_stdio(int fd)
{
	if (fd > 2)
		return fd;
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

int spawn_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	p[0] = fd_above_stdio(p[0]);
	p[1] = fd_above_stdio(p[1]);
	if (p[0] < 0 || p[1] < 0) {
		int e = errno;
		if (p[0] >= 0)
			close(p[0]);
		if (p[1] >= 0)
			close(p[1]);
		return -e;
	}
	return 0;
}

static void report_cause(const struct spawn_spec *spec, const struct report *rep, char **cause)
{
	const char *prog = prog_name(spec);
	if (rep->stage == STAGE_EXEC)
		cause_set(cause, _("cannot run '%s': %s"), prog, strerror(rep->err));
	else if (rep->stage == STAGE_CHDIR)
		cause_set(cause, _("cannot run '%s' in '%s': %s"), prog, spec->cwd, strerror(rep->err));
	else
		cause_set(cause, _("cannot start '%s': %s"), prog, strerror(rep->err));
}

/* fork, then exec spec's program (fn NULL) or run fn; waits for the child to
 * get that far. */
static int start(pid_t *pid, const struct spawn_spec *spec, int (*fn)(void *), void *arg, char **cause)
{
	*pid = -1;
	int errp[2], r;
	if ((r = spawn_pipe(errp)) < 0) {
		cause_set(cause, _("cannot start '%s': pipe: %s"), prog_name(spec), strerror(-r));
		return r;
	}
	char **envp = spec->env ? env_build(spec->env) : NULL;

	/* Blocked across fork so none of our handlers runs in the child. */
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid_t child = fork();
	if (child == 0) {
		child_setup(spec, envp, errp[1]);
		if (fn) {
			/* Whatever fn does, the terminal is not its to restore. */
			util_set_fatal_hook(NULL);
			close(errp[1]);
			_exit(fn(arg));
		}
		execvp(spec->file ? spec->file : spec->argv[0], (char *const *)spec->argv);
		child_fail(errp[1], STAGE_EXEC, errno);
	}
	int fork_err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(envp);
	close(errp[1]);
	if (child < 0) {
		close(errp[0]);
		cause_set(cause, _("cannot start '%s': %s"), prog_name(spec), strerror(fork_err));
		return -fork_err;
	}

	/* EOF means exec succeeded (or fn started): the CLOEXEC write end went
	 * away. The group or session is in place by then too. */
	struct report rep;
	ssize_t n;
	do
		n = read(errp[0], &rep, sizeof rep);
	while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n == (ssize_t)sizeof rep) {
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		report_cause(spec, &rep, cause);
		return -rep.err;
	}
	*pid = child;
	return 0;
}

int spawn(pid_t *pid, const struct spawn_spec *spec, char **cause)
{
	if (!spec->argv || !spec->argv[0]) {
		*pid = -1;
		cause_set(cause, _("cannot run an empty command"));
		return -EINVAL;
	}
	return start(pid, spec, NULL, NULL, cause);
}

int spawn_fork(pid_t *pid, const struct spawn_spec *spec, int (*fn)(void *arg), void *arg, char **cause)
{
	return start(pid, spec, fn, arg, cause);
}
