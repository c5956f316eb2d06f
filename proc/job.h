/* The job runner: every command whose output kfdo logs and shows (builds,
 * recordings, installs) runs as a job (tmux job.c is the model); proc/spawn
 * starts its process.
 *
 * A job runs an argv (no shell) in a new process group, stdin from /dev/null,
 * stdout and stderr through one pipe. Output is read without blocking, split
 * into lines (partial lines are kept across reads), written whole to a log
 * file and kept as a bounded ring of recent lines in memory.
 *
 * Driving it from a poll() loop:
 *   - poll job_fd() for POLLIN and call job_read() when it is readable
 *     (POLLHUP too: job_read() then sees EOF and job_fd() becomes -1);
 *   - call job_reap() on SIGCHLD (from the self-pipe) or on a timer;
 *   - when job_timeout() is >= 0, wake up within that many ms and call
 *     job_tick(), which moves a cancel along;
 *   - the job is over when job_done() says so; then job_status(), job_free().
 * job_wait() is that loop for a single job, for the CLI and the tests.
 *
 * The first job_start() makes the process a child subreaper, so descendants
 * orphaned by a job are reparented to kfdo and job_reap() can reap them; a
 * container without a real init would otherwise keep them as zombies forever
 * and the group would never look empty. */
#ifndef KFDO_JOB_H
#define KFDO_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/ring.h"

#define JOB_RING_LINES 1000    /* default ring size */
#define JOB_GRACE_MS 2000      /* default wait after SIGINT, then after SIGTERM */
#define JOB_LINE_MAX 65536     /* longer lines are delivered in pieces */

struct job;

struct job_spec {
	const char *const *argv;  /* NULL-terminated; argv[0] is looked up in PATH */
	const char *cwd;          /* working directory, NULL to inherit */
	const char *const *env;   /* NULL-terminated "K=V" added to (or replacing in)
	                             the environment; a bare "K" unsets K; may be NULL */
	const char *log_path;     /* whole output goes here (0600, truncated); NULL: none */
	size_t ring_lines;        /* lines kept in memory; 0: JOB_RING_LINES */
	int int_grace_ms;         /* cancel: SIGINT..SIGTERM; 0: JOB_GRACE_MS */
	int term_grace_ms;        /* cancel: SIGTERM..SIGKILL; 0: JOB_GRACE_MS */
};

/* Called for every line: NUL-terminated, without its '\n' (nor a '\r' before
 * it). The text is only valid during the call. The callback may call
 * job_cancel() but must not free the job. */
typedef void (*job_line_fn)(const char *line, size_t len, void *arg);

/* CLOCK_MONOTONIC in milliseconds: the `now` of job_cancel/job_tick/job_timeout. */
int64_t job_now(void);

/* Starts the job. Returns 0, or -errno with *cause set (e.g. "cannot run
 * 'make': No such file or directory") when the log cannot be opened or the
 * program cannot be started; nothing is left running then. */
int job_start(struct job **out, const struct job_spec *spec, char **cause);

/* Frees the job. A leader still running gets SIGKILL with its whole group
 * (waited for up to a second), as does the group of a cancel in progress;
 * what a job that ended normally left behind is not touched. */
void job_free(struct job *job);

/* The fd to poll for output, or -1 after EOF. */
int job_fd(const struct job *job);

/* Reads what is available without blocking (at most about 1 MiB per call, so
 * a flood cannot starve the rest of the loop), writes it to the log, and
 * calls cb (may be NULL) for every complete line, which also goes into the
 * ring (the ring is up to date when job_read returns, not during cb). At EOF
 * a last line without '\n' is delivered and the fd is closed.
 * Returns 0, or -errno on a read error (treated as EOF). */
int job_read(struct job *job, job_line_fn cb, void *arg);

/* Non-blocking waitpid() of the leader (and of orphans of its group). Returns
 * true once the leader has been reaped. */
bool job_reap(struct job *job);

/* True once EOF was read and the leader was reaped, in either order; after a
 * cancel, also only when no process of the group is left. */
bool job_done(const struct job *job);

/* The leader's wait status (WIFEXITED, WEXITSTATUS, WTERMSIG...), or -1 when
 * it is not known (not reaped yet, or reaped by someone else). */
int job_status(const struct job *job);

/* Starts a cancel: SIGINT to the whole group now, SIGTERM (with SIGCONT)
 * after int_grace_ms, SIGKILL after term_grace_ms more, and SIGKILL again
 * until the group is empty, grandchildren included. Calling it again while
 * a cancel runs sends the next signal at once. */
void job_cancel(struct job *job, int64_t now);
/* Moves a cancel along and notices when the group is empty. */
void job_tick(struct job *job, int64_t now);
/* Milliseconds until job_tick() has something to do, -1 when nothing is due. */
int job_timeout(const struct job *job, int64_t now);
bool job_cancelling(const struct job *job);

/* Runs the loop above until job_done() (returns 0) or timeout_ms passes
 * (returns -ETIMEDOUT; the job keeps running). timeout_ms < 0: no limit. */
int job_wait(struct job *job, int timeout_ms, job_line_fn cb, void *arg);

pid_t job_pid(const struct job *job);  /* also the process group id */
const struct ring *job_ring(const struct job *job);
/* The incomplete line read so far (e.g. a "\r" progress meter), NUL-terminated. */
const char *job_partial(const struct job *job, size_t *len);
uint64_t job_lines(const struct job *job);  /* lines delivered (pieces count one each) */
uint64_t job_bytes(const struct job *job);  /* bytes read */
/* errno of the first failed log write (ENOSPC...), 0 if none; after one the
 * log is left alone and the job goes on. */
int job_log_error(const struct job *job);

/* The argv as one line a shell would read back: "make 'A B' C=1". malloc'd. */
char *job_quote_argv(const char *const *argv);

/* $XDG_STATE_HOME/kfdo/logs/<name>-YYYYmmdd-HHMMSS.log (default state home
 * ~/.local/state), creating the directories (0700). A "-2", "-3"... suffix
 * avoids a log that already exists. malloc'd; NULL with errno on failure. */
char *job_default_log_path(const char *name);

#endif
