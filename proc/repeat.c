/* The repeater: a fixed-work benchmark run again and again until the time is
 * up, then stopped with everything it started (repeat.h). */
#include "proc/repeat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "proc/spawn.h"
#include "base/util.h"

#define KILL_REPEAT_MS 100 /* SIGKILL again until no descendant is left */
#define QUICK_RUN_MS 100   /* a run that succeeds faster than this is no benchmark... */
#define QUICK_RUNS 5       /* ...and this many in a row end the repeating */

struct proc_pp {
	pid_t pid, ppid;
};

/* Every process's parent, from /proc/N/stat. */
static size_t proc_table(struct proc_pp **out)
{
	*out = NULL;
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (pid <= 0 || *end)
			continue;
		char path[64], buf[512];
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and parentheses. */
		char *p = strrchr(buf, ')');
		int ppid;
		if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[n++] = (struct proc_pp){ (pid_t)pid, (pid_t)ppid };
	}
	closedir(d);
	return n;
}

/* Sends sig to every descendant of this process. As their subreaper we are
 * the parent of any whose own parent died, so the tree never breaks apart.
 * The run itself (child) gets it even when /proc cannot be read: its pid
 * cannot be reused before we reap it. */
static void signal_descendants(pid_t child, int sig)
{
	struct proc_pp *t;
	size_t n = proc_table(&t);
	pid_t *tree = xmalloc((n + 2) * sizeof(*tree));
	size_t m = 0;
	tree[m++] = getpid();
	for (size_t i = 0; i < m; i++)
		for (size_t k = 0; k < n; k++)
			if (t[k].ppid == tree[i] && t[k].pid != tree[i] && m <= n)
				tree[m++] = t[k].pid;
	bool child_seen = false;
	for (size_t i = 1; i < m; i++)
		child_seen |= tree[i] == child;
	if (child > 0 && !child_seen)
		tree[m++] = child;
	for (size_t i = 1; i < m; i++) {
		kill(tree[i], sig);
		/* A stopped process only acts on SIGTERM once continued. */
		if (sig == SIGTERM)
			kill(tree[i], SIGCONT);
	}
	free(tree);
	free(t);
}

struct rep_state {
	char *const *argv;
	FILE *notes;
	pid_t child;
	int64_t t0, run_t0, deadline, next_at;
	bool stopping;
	int stage;     /* 0 none, 1 first signal sent, 2 SIGTERM sent, 3 SIGKILL */
	int first_sig; /* what the stop began with */
	unsigned quick; /* successful runs in a row that took under QUICK_RUN_MS */
};

static void note(struct rep_state *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct rep_state *r, const char *fmt, ...)
{
	if (!r->notes)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("kfdo: ", r->notes);
	vfprintf(r->notes, fmt, ap);
	fputc('\n', r->notes);
	va_end(ap);
	fflush(r->notes);
}

/* From here on nothing new starts; whatever still runs gets sig, then the
 * escalation. */
static void stop_begin(struct rep_state *r, int sig, int64_t now)
{
	r->stopping = true;
	r->stage = 1;
	r->first_sig = sig;
	r->next_at = now + REPEAT_INT_GRACE_MS;
	signal_descendants(r->child, sig);
}

static void escalate(struct rep_state *r, int64_t now)
{
	if (r->stage == 1) {
		r->stage = 2;
		r->next_at = now + REPEAT_TERM_GRACE_MS;
		note(r, _("still running %.1f s after SIG%s: sending SIGTERM"), REPEAT_INT_GRACE_MS / 1000.0,
		     sigabbrev_np(r->first_sig));
		signal_descendants(r->child, SIGTERM);
	} else {
		if (r->stage == 2)
			note(r, _("still running after SIGTERM: sending SIGKILL"));
		r->stage = 3;
		r->next_at = now + KILL_REPEAT_MS;
		signal_descendants(r->child, SIGKILL);
	}
}

static int start(struct rep_state *r, struct repeat_report *rep, int64_t now)
{
	/* The runs stay in our process group, the job's: every stop that reaches
	 * perf reaches them. Their output is the job's log. */
	struct spawn_spec spec = { .argv = (const char *const *)r->argv, .out = SPAWN_IO_INHERIT,
				   .err = SPAWN_IO_INHERIT };
	pid_t pid;
	char *cause = NULL;
	int e = spawn(&pid, &spec, &cause);
	if (e < 0) {
		rep->end = REPEAT_NO_START;
		rep->err = -e;
		note(r, "%s", cause);
		free(cause);
		return -1;
	}
	r->child = pid;
	r->run_t0 = now;
	rep->runs++;
	return 0;
}

/* The run in progress ended by itself: again while there is time left. */
static void run_ended(struct rep_state *r, struct repeat_report *rep, int st, int64_t now)
{
	char took[32], left[32];
	fmt_duration(took, sizeof(took), (double)(now - r->run_t0) / 1000.0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		rep->end = REPEAT_FAILED;
		rep->status = st;
		note(r, WIFEXITED(st) ? _("%s failed with exit status %d after %s (run %u): not running it again")
				      : _("%s was killed by signal %d after %s (run %u): not running it again"),
		     r->argv[0], WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), took, rep->runs);
		stop_begin(r, SIGINT, now);
		return;
	}
	if (now >= r->deadline) {
		/* Said as when the deadline stops a run: the log always ends
		 * with why the repeating stopped. */
		char len[32];
		fmt_duration(len, sizeof(len), (double)(r->deadline - r->t0) / 1000.0);
		rep->end = REPEAT_TIME_UP;
		note(r, _("%s are up: %s ended as they ran out (run %u), not running it again"), len, r->argv[0],
		     rep->runs);
		stop_begin(r, SIGINT, now);
		return;
	}
	/* A command that succeeds at once would be started thousands of times:
	 * the profile would be of fork and exec, the log a flood. */
	r->quick = now - r->run_t0 < QUICK_RUN_MS ? r->quick + 1 : 0;
	if (r->quick >= QUICK_RUNS) {
		rep->end = REPEAT_TOO_QUICK;
		note(r, _("%s ended after %s, %u times in a row: too quick to be a benchmark, not running it "
			  "again"), r->argv[0], took, r->quick);
		stop_begin(r, SIGINT, now);
		return;
	}
	/* A stop that came as this run ended is taken first: nothing new starts. */
	sigset_t pend;
	if (sigpending(&pend) == 0 &&
	    (sigismember(&pend, SIGINT) || sigismember(&pend, SIGTERM) || sigismember(&pend, SIGHUP)))
		return;
	fmt_duration(left, sizeof(left), (double)(r->deadline - now) / 1000.0);
	note(r, _("%s ended after %s (run %u): running it again, %s left"), r->argv[0], took, rep->runs, left);
	if (start(r, rep, now) < 0)
		stop_begin(r, SIGINT, now);
}

void repeat_run(char *const argv[], int64_t ms, FILE *notes, struct repeat_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	struct rep_state r = { .argv = argv, .notes = notes, .child = -1 };
	/* Ignored, the kernel would reap the runs itself and waitpid never see them. */
	signal(SIGCHLD, SIG_DFL);
	/* Orphans of a run (its parent killed first) become ours: still found and stopped. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	/* Blocked and taken with sigtimedwait: no handler, no race between a
	 * signal and the next start. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* The runs get the signal mask and dispositions a workload expects, not
	 * ours: spawn() resets both. */

	int64_t now = job_now();
	r.t0 = now;
	r.deadline = now + ms;
	if (start(&r, rep, now) < 0)
		stop_begin(&r, SIGINT, now);
	for (;;) {
		bool none = false;
		for (;;) {
			int st;
			pid_t p = waitpid(-1, &st, WNOHANG);
			if (p < 0 && errno == EINTR)
				continue;
			if (p <= 0) {
				none = p < 0 && errno == ECHILD;
				break;
			}
			if (p == r.child) {
				r.child = -1;
				if (!r.stopping)
					run_ended(&r, rep, st, job_now());
			}
		}
		now = job_now();
		if (r.stopping && none)
			break;
		if (!r.stopping && now >= r.deadline) {
			char len[32];
			fmt_duration(len, sizeof(len), (double)ms / 1000.0);
			rep->end = REPEAT_TIME_UP;
			note(&r, _("%s are up: stopping %s (run %u)"), len, argv[0], rep->runs);
			stop_begin(&r, SIGINT, now);
		}
		if (r.stopping && now >= r.next_at)
			escalate(&r, now);
		int64_t wait = (r.stopping ? r.next_at : r.deadline) - now;
		if (wait < 0)
			wait = 0;
		struct timespec ts = { .tv_sec = wait / 1000, .tv_nsec = (long)(wait % 1000) * 1000000L };
		int sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			if (r.stopping) {
				/* Passed on: a second Ctrl-C reaches the runs as it reached us. */
				signal_descendants(r.child, sig);
			} else {
				rep->end = REPEAT_SIGNALLED;
				rep->signal = sig;
				note(&r, _("got SIG%s: stopping %s (run %u)"), sigabbrev_np(sig), argv[0], rep->runs);
				stop_begin(&r, sig, job_now());
			}
		}
	}
	rep->seconds = (double)(job_now() - r.t0) / 1000.0;
}

int repeat_exit_code(const struct repeat_report *rep)
{
	switch (rep->end) {
	case REPEAT_TIME_UP:
		return 0;
	case REPEAT_FAILED:
		return WIFEXITED(rep->status) ? WEXITSTATUS(rep->status) : -WTERMSIG(rep->status);
	case REPEAT_SIGNALLED:
		return -rep->signal;
	case REPEAT_TOO_QUICK:
		return 1;
	default:
		return rep->err == ENOENT ? 127 : 126;
	}
}
