/* Runs a read-only command such as `clang-19 --version` and captures what it
 * prints. No shell: argv[0] is looked up on PATH. Only for short queries;
 * builds and recordings go through core's job runner. */
#ifndef KFDO_RUN_H
#define KFDO_RUN_H

#include <stdbool.h>
#include <stddef.h>

#define RUN_TIMEOUT_MS 5000
#define RUN_MAX_OUTPUT (64 * 1024)

struct run_result {
	char *output;    /* stdout and stderr as they came, NUL-terminated, never NULL */
	size_t len;
	int exit_code;   /* exit status, 128 + signal when killed, -1 when unknown */
	bool timed_out;  /* killed (with its process group) at the deadline */
	bool truncated;  /* more than RUN_MAX_OUTPUT bytes: the rest was read and dropped */
};

/* Returns 0 when the command ran (whatever its exit code), -ETIMEDOUT when it
 * was killed at the deadline (res holds what it printed until then), or
 * -errno when it could not be started (-ENOENT: not on PATH). The child gets
 * stdin from /dev/null, default signal dispositions, its own process group
 * and LC_ALL=C so its messages parse the same everywhere. */
int run_capture(const char *const argv[], int timeout_ms, struct run_result *res, char **cause);
void run_result_free(struct run_result *res);

#endif
