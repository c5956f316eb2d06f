/* timeit: runs a command RUNS times and prints, for each run, its wall time
 * and the CPU time of the command and every descendant it waited for, for the
 * benchmarks (scripts/bench.sh).
 *
 *   timeit [-n RUNS] [-q | -O OUT] [-o FILE] CMD [ARG...]
 *
 * -q sends the command's output to /dev/null, -O to the file OUT; -o appends the lines to FILE
 * instead of stdout. Each line: "wall_s cpu_s user_s sys_s status".
 * It is a test program: never installed. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_s(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	int runs = 1, quiet = 0, c;
	const char *out_path = NULL, *cmd_out = NULL;
	while ((c = getopt(argc, argv, "+n:qo:O:")) != -1) {
		if (c == 'n')
			runs = atoi(optarg);
		else if (c == 'q')
			quiet = 1;
		else if (c == 'o')
			out_path = optarg;
		else if (c == 'O')
			cmd_out = optarg;
		else
			return 2;
	}
	if (optind >= argc || runs < 1) {
		fprintf(stderr, "usage: timeit [-n RUNS] [-q | -O OUT] [-o FILE] CMD [ARG...]\n");
		return 2;
	}
	FILE *out = out_path ? fopen(out_path, "ae") : stdout;
	if (!out) {
		fprintf(stderr, "timeit: %s: %s\n", out_path, strerror(errno));
		return 2;
	}
	int last = 0;
	for (int i = 0; i < runs; i++) {
		double t0 = now_s();
		pid_t pid = fork();
		if (pid < 0) {
			perror("timeit: fork");
			return 2;
		}
		if (pid == 0) {
			if (quiet || cmd_out) {
				int fd = open(cmd_out ? cmd_out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
				if (fd < 0)
					_exit(127);
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "timeit: cannot run %s: %s\n", argv[optind], strerror(errno));
			_exit(127);
		}
		int status;
		struct rusage ru;
		while (wait4(pid, &status, 0, &ru) < 0)
			if (errno != EINTR)
				return 2;
		double wall = now_s() - t0, user = tv_s(ru.ru_utime), sys = tv_s(ru.ru_stime);
		last = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		fprintf(out, "%.6f %.6f %.6f %.6f %d\n", wall, user + sys, user, sys, last);
		fflush(out);
	}
	return last;
}
