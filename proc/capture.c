#include "proc/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

extern char **environ;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The caller's environment with LC_ALL=C: tools translate their messages and
 * we parse them. */
static char **env_c_locale(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	char **env = xcalloc(n + 2, sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!str_starts(environ[i], "LC_ALL=") && !str_starts(environ[i], "LANGUAGE="))
			env[k++] = environ[i];
	env[k++] = "LC_ALL=C";
	env[k] = NULL;
	return env;
}

static void result_append(struct run_result *res, size_t *cap, const char *buf, size_t n)
{
	if (res->len + n > RUN_MAX_OUTPUT) {
		res->truncated = true;
		n = RUN_MAX_OUTPUT - res->len;
	}
	if (res->len + n + 1 > *cap) {
		while (res->len + n + 1 > *cap)
			*cap *= 2;
		res->output = xrealloc(res->output, *cap);
	}
	memcpy(res->output + res->len, buf, n);
	res->len += n;
	res->output[res->len] = '\0';
}

static int spawn_piped(const char *exe, const char *const argv[], int out_fd, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, out_fd, 2);
	posix_spawnattr_init(&at);
	/* An ignored SIGPIPE (the TUI's) would survive exec otherwise. */
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	/* Its own group, so a timeout kills whatever it started too. */
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
					   POSIX_SPAWN_SETPGROUP);
	char **env = env_c_locale();
	int rc = posix_spawn(pid, exe, &fa, &at, (char *const *)argv, env);
	free(env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static int decode_status(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

int run_capture(const char *const argv[], int timeout_ms, struct run_result *res, char **cause)
{
	memset(res, 0, sizeof(*res));
	size_t cap = 1024;
	res->output = xmalloc(cap);
	res->output[0] = '\0';
	res->exit_code = -1;

	char *exe = path_find_exe(argv[0]);
	if (!exe) {
		cause_set(cause, "%s: not found on PATH", argv[0]);
		return -ENOENT;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0) {
		int e = errno;
		cause_set(cause, "pipe: %s", strerror(e));
		free(exe);
		return -e;
	}
	pid_t pid;
	int rc = spawn_piped(exe, argv, fds[1], &pid);
	close(fds[1]);
	if (rc != 0) {
		cause_set(cause, "%s: %s", exe, strerror(rc));
		close(fds[0]);
		free(exe);
		return -rc;
	}
	free(exe);

	if (timeout_ms <= 0)
		timeout_ms = RUN_TIMEOUT_MS;
	long long deadline = now_ms() + timeout_ms;
	bool eof = false;
	char buf[4096];
	while (!eof) {
		long long left = deadline - now_ms();
		if (left <= 0)
			break;
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno != EINTR)
			break;
		if (r <= 0)
			continue;
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n > 0)
			result_append(res, &cap, buf, (size_t)n);
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			eof = true;
	}
	close(fds[0]);

	int status = 0;
	if (!eof) {
		/* Still printing at the deadline (or a child of it holds the pipe). */
		kill(-pid, SIGKILL);
		res->timed_out = true;
	}
	/* Output closed does not mean exited: wait for both, until the deadline. */
	for (;;) {
		pid_t w = waitpid(pid, &status, res->timed_out ? 0 : WNOHANG);
		if (w == pid) {
			if (!res->timed_out)
				res->exit_code = decode_status(status);
			break;
		}
		if (w < 0 && errno != EINTR)
			break;  /* ECHILD: a SIGCHLD handler reaped it first; the code is lost. */
		if (w == 0 && now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			res->timed_out = true;
			continue;
		}
		struct timespec ts = { 0, 2 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (res->timed_out) {
		cause_set(cause, "%s: no answer within %d ms", argv[0], timeout_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

void run_result_free(struct run_result *res)
{
	free(res->output);
	res->output = NULL;
	res->len = 0;
}
