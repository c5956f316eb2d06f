/* Runs one benchmark command to its end and says what it cost: the wall time
 * and the CPU time of the command and every descendant it waited for
 * (wait4's rusage), which is how a kernel build's system time is read. Its
 * output goes where kfdo's goes (the step's log). */
#ifndef KFDO_MEASURE_H
#define KFDO_MEASURE_H

struct measure_result {
	double wall_s, sys_s, user_s;
	int exit_code;	/* exit status, 128 + signal when killed */
};

/* 0 once argv ran (whatever its exit code), or -errno with *cause when it
 * could not be started. */
int measure_run(const char *const argv[], struct measure_result *res, char **cause);

#endif
