/* The runner's insides (engine/runner.c), shared with its build part
 * (engine/runner_build.c): the commands it runs and its state. */
#ifndef KFDO_RUNNER_INT_H
#define KFDO_RUNNER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/util.h"
#include "engine/kbuild.h"
#include "engine/makepkg_log.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "engine/runner.h"

enum rcmd_kind { RC_PLAN, RC_PREPARE, RC_DRYRUN };

struct rcmd {
	enum rcmd_kind kind;
	const struct plan_cmd *cmd; /* RC_PLAN */
	char **argv;                /* RC_PREPARE, RC_DRYRUN: derived from the build command */
};

struct runner {
	struct session *s;
	enum step_id id;
	struct runner_hooks hooks;
	struct plan plan;
	struct rcmd *cmds;
	size_t ncmds, cur;
	struct job *job;
	char *log_path;
	struct kbuild_progress *kb;
	struct makepkg_log mk; /* makepkg's phases, when a command of the step runs it */
	bool mk_on;            /* mk is read: a build (pacman-pkg runs makepkg), or a makepkg run */
	struct kbuild_dryrun dry;
	int64_t t0;        /* when the build's first job started, ms (moved past the dry run) */
	int64_t dry_start; /* when the dry run started */
	double read_s;     /* build seconds when the lines being read arrived */
	struct timespec wall_start; /* when the step started, to tell its packages from older ones */
	char *config_hash;
	bool cancelled, done;
	int log_error;      /* errno of the first log that could not be written whole */
	char *log_error_path;
	enum runner_result result;
	char *message;
	struct step_report report; /* what the step said: its message as built, its notes */
	/* The recording (perf record) of the profile step: its figures, and what it made. */
	struct record_watch *rec;
	const char *rec_path; /* in the plan's argv */
	bool recording;       /* the current job is perf record */
	char *rec_msg;
};

void runner_add_cmd(struct runner *r, enum rcmd_kind kind, const struct plan_cmd *cmd, char **argv);
/* Seconds since the build's first job (past its dry run); 0 before it. */
double runner_build_seconds(const struct runner *r, int64_t now);

/* A build step's setup: its progress model, makepkg's phases, and the ETA
 * from the last build of the same tree and .config, else a dry run first. */
void runner_build_setup(struct runner *r);
/* The build's own outcome: history for the next ETA, packages, a summary in msg. */
void runner_build_complete(struct runner *r, int64_t now, struct strbuf *msg);

#endif
