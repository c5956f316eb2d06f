/* The child's output (job.h): reading the pipe, splitting it into lines for
 * the caller, keeping the newest in the ring and copying all to the log, and
 * the accessors for what that reading counts. Apart from job.c, which starts,
 * reaps and cancels the process, because this is the hot path of a flooding
 * build and is read and tuned on its own. */
#include "proc/job_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/util.h"

void job_log_write(struct job *j, const char *s, size_t n)
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
		job_log_write(j, j->buf, (size_t)n);
		feed(j, j->buf, j->buf + n, cb, arg);
		/* A short read means the pipe is (nearly) empty: poll again rather
		 * than spend a read() on EAGAIN. */
		if (n < READ_SIZE)
			return 0;
	}
	return 0;
}


/* ---- accessors of the output ---- */

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
