/* jobflood: runs a command as a kfdo job exactly the way engine/runner.c feeds a
 * build (proc/job with its log file and ring, every line into engine/kbuild's
 * progress model and engine/makepkg_log's phases), for the log throughput benchmark (scripts/bench.sh).
 *
 *   jobflood LOG CMD [ARG...]
 *
 * Prints one line when the command is over:
 *   bytes=N lines=N seconds=S cpu_seconds=S peak_rss_kb=N status=N log_error=N
 * cpu_seconds and peak_rss_kb are this process's (ru_maxrss): the ring and the progress model,
 * not the command's. It is a test program: never installed. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "proc/job.h"
#include "engine/kbuild.h"
#include "engine/makepkg_log.h"
#include "base/util.h"

struct feed {
	struct kbuild_progress *kb;
	struct makepkg_log mk;
	int64_t t0;
	double read_s; /* seconds since the start when the lines being read arrived */
};

/* runner.c's on_line for a build: the line, stamped with its read's time. */
static void on_line(const char *line, size_t len, void *arg)
{
	struct feed *f = arg;
	kbuild_feed_n(f->kb, line, len, f->read_s);
	makepkg_log_feed(&f->mk, line, len, f->read_s);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: jobflood LOG CMD [ARG...]\n");
		return 2;
	}
	struct feed f = { .kb = kbuild_new(), .t0 = job_now() };
	makepkg_log_init(&f.mk);
	struct job_spec spec = { .argv = (const char *const *)argv + 2, .log_path = argv[1] };
	struct job *job;
	char *cause = NULL;
	if (job_start(&job, &spec, &cause) < 0) {
		fprintf(stderr, "jobflood: %s\n", cause);
		return 1;
	}
	/* runner.c's loop: poll, one clock read, then every line of that read. */
	while (job_fd(job) >= 0) {
		struct pollfd pfd = { .fd = job_fd(job), .events = POLLIN };
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		f.read_s = (double)(job_now() - f.t0) / 1000.0;
		job_read(job, on_line, &f);
	}
	job_wait(job, -1, NULL, NULL);
	double secs = (double)(job_now() - f.t0) / 1000.0;
	kbuild_finish(f.kb, secs);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	int status = job_status(job);
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
		     ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
	printf("bytes=%llu lines=%llu seconds=%.3f cpu_seconds=%.3f peak_rss_kb=%ld status=%d log_error=%d\n",
	       (unsigned long long)job_bytes(job), (unsigned long long)job_lines(job), secs, cpu, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), job_log_error(job));
	job_free(job);
	kbuild_free(f.kb);
	makepkg_log_free(&f.mk);
	return 0;
}
