/* A step left "running" by a kfdo that was killed (kill -9, a crash, a closed
 * terminal under a stuck process): found on the next start, what is left of
 * its job stopped, the step marked failed so that it runs again.
 *
 * The runner records in the step's owner who runs it (recover_claim) and the
 * process group of each job it starts (recover_set_job). A later start
 * compares that with /proc: the kfdo is gone when its pid is free or belongs
 * to a process with another start time (or another boot). A leftover group
 * counts only if it is really that job's: same boot, our uid, processes that
 * started no earlier than the job, and either the leader itself (same start
 * time) or a member working in the session's tree or output directory. */
#ifndef KFDO_RECOVER_H
#define KFDO_RECOVER_H

#include <stdbool.h>
#include <sys/types.h>

#include "engine/session.h"

struct orphan {
	enum step_id step;
	int kfdo_pid;		/* 0: the run recorded no owner (an older kfdo, a failed save) */
	bool owner_alive;	/* that kfdo still runs the step: nothing to recover */
	int pgid;		/* its last job's process group, 0: none */
	int left;		/* processes of that group still running */
};

/* This process runs the step: pid, start time, boot. */
void recover_claim(struct step_owner *o);
/* The job it just started (its pid is its process group). */
void recover_set_job(struct step_owner *o, pid_t pgid);

/* The first step left running, with what /proc says about its kfdo and its
 * job; false when no step is running. */
bool recover_find(const struct session *s, struct orphan *out);

/* Stops what is left of the orphan's group the way a cancel does (SIGINT,
 * SIGTERM after grace_ms, SIGKILL after grace_ms more), rechecking before each
 * signal that the group is still that job. Returns how many processes were
 * still running at the first signal; 0 when none. */
int recover_stop(const struct session *s, const struct orphan *o, int grace_ms);

/* Marks the orphan's step failed ("interrupted: ..."). */
void recover_settle(struct session *s, const struct orphan *o);

/* Clock ticks since boot at which pid started, 0 when it is gone or a zombie. */
unsigned long long recover_proc_start(pid_t pid);

#endif
