/* One timed benchmark run (measure.h). */
#include "proc/measure.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "proc/spawn.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

int measure_run(const char *const argv[], struct measure_result *res, char **cause)
{
	memset(res, 0, sizeof *res);
	struct spawn_spec spec = {
		.argv = argv, .out = SPAWN_IO_INHERIT, .err = SPAWN_IO_INHERIT,
		/* Our group, which the step's job owns: a cancel stops the benchmark
		 * and everything it forked (perf bench, make) with us. */
		.group = SPAWN_GROUP_SAME,
	};
	pid_t pid;
	double t0 = now_s();
	int rc = spawn(&pid, &spec, cause);
	if (rc < 0)
		return rc;
	int status;
	struct rusage ru;
	pid_t w;
	while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
		;
	res->wall_s = now_s() - t0;
	if (w < 0) {
		res->exit_code = -1;
		return 0;
	}
	res->sys_s = tv_s(ru.ru_stime);
	res->user_s = tv_s(ru.ru_utime);
	res->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return 0;
}
