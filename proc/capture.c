#include "proc/capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "proc/spawn.h"

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/* stdout and stderr into out_fd; its own group, so a timeout kills whatever
 * it started too; LC_ALL=C, since tools translate their messages and we
 * parse them. */
static int spawn_piped(const char *exe, const char *const argv[], int out_fd, pid_t *pid, char **cause)
{
	static const char *const c_locale[] = { "LC_ALL=C", "LANGUAGE", NULL };
	struct spawn_spec spec = {
		.argv = argv, .file = exe, .env = c_locale,
		.out = SPAWN_IO_FD, .out_fd = out_fd, .err = SPAWN_IO_FD, .err_fd = out_fd,
		.group = SPAWN_GROUP_NEW,
	};
	return spawn(pid, &spec, cause);
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
	int rc = spawn_piped(exe, argv, fds[1], &pid, cause);
	close(fds[1]);
	if (rc < 0) {
		close(fds[0]);
		free(exe);
		return rc;
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
