#include "proc/job.h"

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
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/paths.h"
#include "base/i18n.h"
#include "base/util.h"
#include "proc/spawn.h"

#define READ_SIZE (256 << 10) /* one read(): a flood's read holds ~7000 lines, so most of
                                 them never need a copy into the ring */
#define READS_PER_CALL 4      /* then give the rest of the poll loop a turn */
#define PIPE_SIZE (1 << 20)   /* fewer context switches when the child floods */
#define BUF_SLACK 16          /* after a read: find_nl reads whole 16 bytes */
#define KILL_REPEAT_MS 100    /* SIGKILL again until the group is empty */
#define GROUP_POLL_MS 20      /* nothing wakes us when the last grandchild goes */
#define REAP_POLL_MS 10       /* without a pidfd, how often job_wait looks */
#define FREE_WAIT_MS 1000     /* job_free waits this long for a killed leader */

enum { CANCEL_NONE, CANCEL_INT, CANCEL_TERM, CANCEL_KILL };

struct job {
	pid_t pid;            /* the leader, and the process group id */
	int fd;               /* read end of the output pipe, -1 after EOF */
	int pidfd;            /* lets job_wait sleep until the leader exits; -1 if none */
	int log_fd;
	int log_err;
	bool eof, reaped, group_gone;
	int status;
	int stage;            /* CANCEL_* */
	int64_t deadline;     /* next escalation */
	int int_grace, term_grace;
	struct ring *ring;
	/* Lines of the current read still in buf, not yet in the ring: only the
	 * newest ring_cap of them are copied there once the read is split. */
	struct pending { const char *s; size_t len; } *pend;
	size_t ring_cap, pend_n, pend_at;  /* pend_at: pend_n % ring_cap, kept without a division */
	char *buf;            /* READ_SIZE + BUF_SLACK: a line is NUL-terminated in place */
	char *part;           /* JOB_LINE_MAX + 1: the line being assembled */
	size_t part_len;
	uint64_t lines, bytes;
};

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

static void log_write(struct job *j, const char *s, size_t n)
{
	if (j->log_fd < 0 || j->log_err)
		return;
	while (n) {
		ssize_t w = write(j->log_fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* Disk full: keep the job and the ring going, say so later. */
			j->log_err = errno;
			return;
		}
		s += w;
		n -= (size_t)w;
	}
}

/* Why the job did not start goes into its log too, after the command. */
static void start_failed(struct job *j, const char *msg)
{
	log_write(j, "kfdo: ", 6);
	log_write(j, msg, strlen(msg));
	log_write(j, "\n", 1);
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
		/* The log starts with the command, so it can be rerun by hand. */
		char *cmd = job_quote_argv(spec->argv);
		log_write(j, "$ ", 2);
		log_write(j, cmd, strlen(cmd));
		log_write(j, "\n", 1);
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

/* ---- output ---- */

/* Puts the pending lines into the ring: those the ring could not keep anyway
 * are only counted. */
static void ring_flush(struct job *j)
{
	size_t keep = j->pend_n < j->ring_cap ? j->pend_n : j->ring_cap;
	ring_skip(j->ring, j->pend_n - keep);
	size_t at = (j->pend_at + j->ring_cap - keep) % j->ring_cap;
	for (size_t i = 0; i < keep; i++) {
		ring_push(j->ring, j->pend[at].s, j->pend[at].len);
		at = at + 1 == j->ring_cap ? 0 : at + 1;
	}
	j->pend_n = j->pend_at = 0;
}

/* s has room for a NUL at s[len]. A line in the read buffer (in_buf) stays
 * there until the read is split; one in part goes to the ring at once, since
 * part is about to be reused. */
static void line_emit(struct job *j, char *s, size_t len, bool complete, bool in_buf,
		      job_line_fn cb, void *arg)
{
	if (complete && len && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	if (in_buf) {
		j->pend[j->pend_at] = (struct pending){ s, len };
		j->pend_at = j->pend_at + 1 == j->ring_cap ? 0 : j->pend_at + 1;
		j->pend_n++;
	} else {
		ring_flush(j);
		ring_push(j->ring, s, len);
	}
	j->lines++;
	if (cb)
		cb(s, len, arg);
}

/* Adds to the line being assembled. A full buffer is delivered as a piece
 * only when more of the same line arrives, so a line of exactly
 * JOB_LINE_MAX bytes stays one line. */
static void line_append(struct job *j, const char *s, size_t n, job_line_fn cb, void *arg)
{
	while (n) {
		if (j->part_len == JOB_LINE_MAX) {
			line_emit(j, j->part, j->part_len, false, false, cb, arg);
			j->part_len = 0;
		}
		size_t k = JOB_LINE_MAX - j->part_len;
		if (k > n)
			k = n;
		memcpy(j->part + j->part_len, s, k);
		j->part_len += k;
		s += k;
		n -= k;
	}
	j->part[j->part_len] = '\0';
}

/* memchr(p, '\n', end - p) for a buffer with BUF_SLACK bytes after end: 16
 * bytes at a time inline, since a flood's lines are short and a call per
 * line cost more than the search. */
static char *find_nl(char *p, char *end)
{
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	for (; p < end; p += 16) {
		unsigned hits = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), nl));
		if (end - p < 16)
			hits &= (1u << (end - p)) - 1;  /* not the slack */
		if (hits)
			return p + __builtin_ctz(hits);
	}
	return NULL;
#else
	return memchr(p, '\n', (size_t)(end - p));
#endif
}

static void feed(struct job *j, char *p, char *end, job_line_fn cb, void *arg)
{
	while (p < end) {
		char *nl = find_nl(p, end);
		if (!nl) {
			line_append(j, p, (size_t)(end - p), cb, arg);
			break;
		}
		size_t len = (size_t)(nl - p);
		if (j->part_len || len > JOB_LINE_MAX) {
			line_append(j, p, len, cb, arg);
			line_emit(j, j->part, j->part_len, true, false, cb, arg);
			j->part_len = 0;
			j->part[0] = '\0';
		} else {
			/* The common case: straight from the read buffer, no copy. */
			line_emit(j, p, len, true, true, cb, arg);
		}
		p = nl + 1;
	}
	ring_flush(j);
}

static void job_eof(struct job *j, job_line_fn cb, void *arg)
{
	if (j->part_len) {
		line_emit(j, j->part, j->part_len, true, false, cb, arg);
		j->part_len = 0;
		j->part[0] = '\0';
	}
	close(j->fd);
	j->fd = -1;
	j->eof = true;
	if (j->log_fd >= 0) {
		close(j->log_fd);
		j->log_fd = -1;
	}
}

int job_read(struct job *j, job_line_fn cb, void *arg)
{
	for (int i = 0; i < READS_PER_CALL && j->fd >= 0; i++) {
		ssize_t n = read(j->fd, j->buf, READ_SIZE);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			int e = errno;
			job_eof(j, cb, arg);
			return -e;
		}
		if (n == 0) {
			job_eof(j, cb, arg);
			return 0;
		}
		j->bytes += (uint64_t)n;
		/* Log first: feed() writes NULs into the buffer. */
		log_write(j, j->buf, (size_t)n);
		feed(j, j->buf, j->buf + n, cb, arg);
		/* A short read means the pipe is (nearly) empty: poll again rather
		 * than spend a read() on EAGAIN. */
		if (n < READ_SIZE)
			return 0;
	}
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

const struct ring *job_ring(const struct job *j)
{
	return j->ring;
}

const char *job_partial(const struct job *j, size_t *len)
{
	if (len)
		*len = j->part_len;
	return j->part;
}

uint64_t job_lines(const struct job *j)
{
	return j->lines;
}

uint64_t job_bytes(const struct job *j)
{
	return j->bytes;
}

int job_log_error(const struct job *j)
{
	return j->log_err;
}
