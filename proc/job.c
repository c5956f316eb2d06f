/* A job (job.h): starting the child in its own process group with its output
 * on a pipe, reaping it and the group, cancelling it step by step (SIGINT,
 * SIGTERM, SIGKILL), and the small things around (quoting, log paths). What
 * it prints is read in job_output.c; the state both use is in job_int.h. */
#include "proc/job_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "base/util.h"
#include "proc/spawn.h"

#define PIPE_SIZE (1 << 20)   /* fewer context switches when the child floods */
#define KILL_REPEAT_MS 100    /* SIGKILL again until the group is empty */
#define GROUP_POLL_MS 20      /* nothing wakes us when the last grandchild goes */
#define REAP_POLL_MS 10       /* without a pidfd, how often job_wait looks */
#define FREE_WAIT_MS 1000     /* job_free waits this long for a killed leader */

int64_t job_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- quoting and paths ---- */

char *job_quote_argv(const char *const *argv)
{
	struct strbuf sb = {0};
	sb_add(&sb, "");
	for (size_t i = 0; argv && argv[i]; i++) {
		const char *a = argv[i];
		if (i)
			sb_add(&sb, " ");
		sb_add_quoted(&sb, a);
	}
	return sb.s;
}

char *job_default_log_path(const char *name)
{
	/* Logs live with the session, wherever its directory is. */
	char *state = paths_state_dir();
	char *dir = xasprintf("%s/logs", state);
	free(state);
	int r = mkdir_p(dir, 0700, NULL);
	if (r < 0) {
		free(dir);
		errno = -r;
		return NULL;
	}

	char *base = xstrdup(name && *name ? name : "job");
	for (char *p = base; *p; p++)
		if (*p == '/')
			*p = '_';
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);

	char *path = NULL;
	for (int n = 1; n < 1000; n++) {
		path = n == 1 ? xasprintf("%s/%s-%s.log", dir, base, stamp)
			      : xasprintf("%s/%s-%s-%d.log", dir, base, stamp, n);
		if (access(path, F_OK) < 0 && errno == ENOENT)
			break;
		free(path);
		path = NULL;
	}
	free(base);
	free(dir);
	if (!path)
		errno = EEXIST;
	return path;
}

/* ---- starting ---- */

/* Why the job did not start goes into its log too, after the command. */
static void start_failed(struct job *j, const char *msg)
{
	job_log_write(j, "kfdo: ", 6);
	job_log_write(j, msg, strlen(msg));
	job_log_write(j, "\n", 1);
}

static void subreaper_once(void)
{
	static bool done;
	if (!done) {
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		done = true;
	}
}

static void job_destroy(struct job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->pidfd >= 0)
		close(j->pidfd);
	if (j->log_fd >= 0)
		close(j->log_fd);
	ring_free(j->ring);
	free(j->pend);
	free(j->buf);
	free(j->part);
	free(j);
}

int job_start(struct job **out, const struct job_spec *spec, char **cause)
{
	*out = NULL;
	if (!spec || !spec->argv || !spec->argv[0]) {
		cause_set(cause, "cannot run an empty command");
		return -EINVAL;
	}
	subreaper_once();

	struct job *j = xcalloc(1, sizeof *j);
	j->fd = j->pidfd = j->log_fd = -1;
	j->status = -1;
	j->int_grace = spec->int_grace_ms > 0 ? spec->int_grace_ms : JOB_GRACE_MS;
	j->term_grace = spec->term_grace_ms > 0 ? spec->term_grace_ms : JOB_GRACE_MS;
	/* Allocated now: an abort on allocation failure after the fork would
	 * leave the child running unowned. */
	j->ring_cap = spec->ring_lines ? spec->ring_lines : JOB_RING_LINES;
	j->ring = ring_new(j->ring_cap);
	j->pend = xmalloc(j->ring_cap * sizeof *j->pend);
	j->buf = xmalloc(READ_SIZE + BUF_SLACK);
	j->part = xmalloc(JOB_LINE_MAX + 1);
	j->part[0] = '\0';

	if (spec->log_path) {
		j->log_fd = open(spec->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (j->log_fd < 0) {
			int e = errno;
			cause_set(cause, _("cannot open log '%s': %s"), spec->log_path, strerror(e));
			job_destroy(j);
			return -e;
		}
		/* The log starts with the command, so it can be rerun by hand: the
		 * K=V the job adds to the environment first, as a shell takes them. */
		char *cmd = job_quote_argv(spec->argv);
		job_log_write(j, "$ ", 2);
		for (size_t i = 0; spec->env && spec->env[i]; i++) {
			const char *eq = strchr(spec->env[i], '=');
			if (!eq)
				continue; /* an unset has no such form */
			job_log_write(j, spec->env[i], (size_t)(eq - spec->env[i]) + 1);
			if (eq[1]) {
				const char *one[] = { eq + 1, NULL };
				char *v = job_quote_argv(one);
				job_log_write(j, v, strlen(v));
				free(v);
			}
			job_log_write(j, " ", 1);
		}
		job_log_write(j, cmd, strlen(cmd));
		job_log_write(j, "\n", 1);
		free(cmd);
	}

	int outp[2], r;
	if ((r = spawn_pipe(outp)) < 0) {
		cause_set(cause, _("cannot start '%s': pipe: %s"), spec->argv[0], strerror(-r));
		job_destroy(j);
		return r;
	}
	(void)fcntl(outp[0], F_SETPIPE_SZ, PIPE_SIZE);

	/* A group of its own, so a cancel reaches everything the job started. */
	struct spawn_spec sp = {
		.argv = spec->argv, .cwd = spec->cwd, .env = spec->env,
		.out = SPAWN_IO_FD, .out_fd = outp[1], .err = SPAWN_IO_FD, .err_fd = outp[1],
		.group = SPAWN_GROUP_NEW,
	};
	pid_t pid;
	char *why = NULL;
	r = spawn(&pid, &sp, &why);
	close(outp[1]);
	if (r < 0) {
		close(outp[0]);
		start_failed(j, why);
		cause_set(cause, "%s", why);
		free(why);
		job_destroy(j);
		return r;
	}

	j->pid = pid;
	j->fd = outp[0];
	fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
#ifdef SYS_pidfd_open
	j->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	*out = j;
	return 0;
}

/* ---- exit and cancel ---- */

/* Reaps orphans of the group (ours, as subreaper: zombies would keep the
 * group alive) and notices when the group is empty. */
static void group_reap(struct job *j)
{
	if (j->group_gone)
		return;
	/* Once the leader is reaped the group id is only ours while the group
	 * has members: look before waiting on it. */
	if (j->reaped && kill(-j->pid, 0) < 0 && errno == ESRCH) {
		j->group_gone = true;
		return;
	}
	for (;;) {
		int st;
		pid_t r = waitpid(-j->pid, &st, WNOHANG);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (r == j->pid && !j->reaped) {
			j->reaped = true;
			j->status = st;
		}
	}
	if (j->reaped && kill(-j->pid, 0) < 0 && errno == ESRCH)
		j->group_gone = true;
}

bool job_reap(struct job *j)
{
	if (!j->reaped) {
		int st;
		pid_t r;
		do
			r = waitpid(j->pid, &st, WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == j->pid) {
			j->reaped = true;
			j->status = st;
		} else if (r < 0 && errno == ECHILD) {
			/* Someone else reaped it (SIGCHLD set to SIG_IGN...). */
			j->reaped = true;
		}
	}
	if (!job_done(j) || (j->stage != CANCEL_NONE && !j->group_gone))
		group_reap(j);
	if (j->reaped && j->pidfd >= 0) {
		close(j->pidfd);
		j->pidfd = -1;
	}
	return j->reaped;
}

bool job_done(const struct job *j)
{
	return j->eof && j->reaped && (j->stage == CANCEL_NONE || j->group_gone);
}

int job_status(const struct job *j)
{
	return j->reaped ? j->status : -1;
}

static void group_signal(struct job *j, int sig)
{
	if (j->group_gone)
		return;
	/* With the leader still unreaped its zombie keeps the group, so ESRCH
	 * can only mean "empty" after the reap. */
	if (kill(-j->pid, sig) < 0 && errno == ESRCH && j->reaped)
		j->group_gone = true;
}

static void cancel_step(struct job *j, int64_t now)
{
	switch (j->stage) {
	case CANCEL_NONE:
		j->stage = CANCEL_INT;
		group_signal(j, SIGINT);
		j->deadline = now + j->int_grace;
		break;
	case CANCEL_INT:
		j->stage = CANCEL_TERM;
		group_signal(j, SIGTERM);
		/* A stopped process only acts on SIGTERM once continued. */
		group_signal(j, SIGCONT);
		j->deadline = now + j->term_grace;
		break;
	default:
		j->stage = CANCEL_KILL;
		group_signal(j, SIGKILL);
		j->deadline = now + KILL_REPEAT_MS;
		break;
	}
}

void job_cancel(struct job *j, int64_t now)
{
	if (job_done(j) || j->group_gone)
		return;
	cancel_step(j, now);
}

void job_tick(struct job *j, int64_t now)
{
	if (j->stage == CANCEL_NONE || j->group_gone)
		return;
	job_reap(j);
	if (!j->group_gone && now >= j->deadline)
		cancel_step(j, now);
}

int job_timeout(const struct job *j, int64_t now)
{
	if (j->stage == CANCEL_NONE || j->group_gone)
		return -1;
	int64_t t = j->deadline - now;
	if (t < 0)
		t = 0;
	if (j->reaped && t > GROUP_POLL_MS)
		t = GROUP_POLL_MS;
	return t > INT_MAX ? INT_MAX : (int)t;
}

bool job_cancelling(const struct job *j)
{
	return j->stage != CANCEL_NONE;
}

int job_wait(struct job *j, int timeout_ms, job_line_fn cb, void *arg)
{
	int64_t end = timeout_ms < 0 ? INT64_MAX : job_now() + timeout_ms;
	for (;;) {
		job_reap(j);
		int64_t now = job_now();
		job_tick(j, now);
		if (job_done(j))
			return 0;
		if (now >= end)
			return -ETIMEDOUT;

		int64_t t = end == INT64_MAX ? -1 : end - now;
		int jt = job_timeout(j, now);
		if (jt >= 0 && (t < 0 || jt < t))
			t = jt;
		struct pollfd pfd[2];
		nfds_t n = 0;
		if (j->fd >= 0)
			pfd[n++] = (struct pollfd){ .fd = j->fd, .events = POLLIN };
		if (!j->reaped) {
			if (j->pidfd >= 0)
				pfd[n++] = (struct pollfd){ .fd = j->pidfd, .events = POLLIN };
			else if (t < 0 || t > REAP_POLL_MS)
				t = REAP_POLL_MS;
		}
		if (t > INT_MAX)
			t = INT_MAX;
		if (poll(pfd, n, (int)t) < 0 && errno != EINTR)
			return -errno;
		if (j->fd >= 0 && pfd[0].revents)
			job_read(j, cb, arg);
	}
}

void job_free(struct job *j)
{
	if (!j)
		return;
	if (!j->reaped) {
		/* Leave nothing behind: the leader's zombie still holds the group id. */
		kill(-j->pid, SIGKILL);
		/* Bounded: a leader we may not signal (sudo) must not hang us. */
		for (int i = 0; i < FREE_WAIT_MS / 5 && !job_reap(j); i++) {
			struct pollfd p = { .fd = j->pidfd, .events = POLLIN };
			poll(&p, 1, 5);
		}
		group_reap(j);
	} else if (j->stage != CANCEL_NONE && !j->group_gone) {
		kill(-j->pid, SIGKILL);
		group_reap(j);
	}
	job_destroy(j);
}

/* ---- accessors ---- */

int job_fd(const struct job *j)
{
	return j->fd;
}

pid_t job_pid(const struct job *j)
{
	return j->pid;
}

