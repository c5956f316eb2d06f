/* The repeater behind `kfdo __repeat SECONDS -- ARGV...`: runs a benchmark
 * that does a fixed amount of work (perf bench sched messaging, hackbench)
 * again and again until the recording's time is up, so that --minutes holds
 * for every benchmark workload.
 *
 * perf record starts it as its workload. The runs stay in the process group
 * kfdo's job owns, so every stop that reaches perf (the stop on request, the
 * disk floor, a cancel, a recovery after a crash, SIGKILL) reaches them as it
 * always did. The repeater is the child subreaper of its runs: at the deadline
 * it stops all of its descendants, and only them (never perf), and it ends
 * only once none is left. A SIGKILL to the repeater alone (not its group)
 * leaves its runs to init: perf record then ends, the runs do not. */
#ifndef KFDO_REPEAT_H
#define KFDO_REPEAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define REPEAT_INT_GRACE_MS 3000  /* at a stop: SIGINT, SIGTERM this much later, */
#define REPEAT_TERM_GRACE_MS 2000 /* then SIGKILL this much later */

enum repeat_end {
	REPEAT_TIME_UP,    /* the time ran out: success, whatever the last run was doing */
	REPEAT_FAILED,     /* a run failed on its own before the time: status says how */
	REPEAT_SIGNALLED,  /* SIGINT, SIGTERM or SIGHUP from outside: signal says which */
	REPEAT_NO_START,   /* argv could not be started: err says why */
	REPEAT_TOO_QUICK,  /* runs kept succeeding in under a second: no benchmark */
};

struct repeat_report {
	enum repeat_end end;
	unsigned runs;   /* runs started */
	int status;      /* REPEAT_FAILED: the failed run's wait status */
	int signal;      /* REPEAT_SIGNALLED: the first signal received */
	int err;         /* REPEAT_NO_START: the errno spawn() failed with */
	double seconds;  /* from the first start to the last descendant's end */
};

/* Runs argv (looked up in PATH, no shell) again and again until ms have
 * passed, then stops the run in progress. Returns once every descendant has
 * ended. Blocks SIGCHLD, SIGINT, SIGTERM and SIGHUP in the calling process and
 * makes it a child subreaper: meant for a process of its own (kfdo __repeat),
 * or a forked child in a test. notes (may be NULL) gets one line per event. */
void repeat_run(char *const argv[], int64_t ms, FILE *notes, struct repeat_report *rep);

/* The exit status for kfdo __repeat: 0 when the time ran out, the failed
 * run's exit status, 126/127 as a shell would when argv cannot be started,
 * 1 when the runs were too quick;
 * -SIG when the process should end by signal SIG (a run killed by it, or a
 * stop from outside), as perf record and shells expect of a workload. */
int repeat_exit_code(const struct repeat_report *rep);

#endif
