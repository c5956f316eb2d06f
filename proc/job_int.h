/* What job.c (starting, exit and cancel) and job_output.c (the child's output
 * into lines, the ring and the log) share: the job's state. Private to those
 * two files. */
#ifndef KFDO_JOB_INT_H
#define KFDO_JOB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc/job.h"

#define READ_SIZE (256 << 10) /* one read(): a flood's read holds ~7000 lines, so most of
                                 them never need a copy into the ring */
#define READS_PER_CALL 4      /* then give the rest of the poll loop a turn */
#define BUF_SLACK 16          /* after a read: find_nl reads whole 16 bytes */

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

/* Appends n bytes to the job's log; the first error is kept for job_log_error. */
void job_log_write(struct job *j, const char *s, size_t n);

#endif
