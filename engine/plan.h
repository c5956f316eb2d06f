/* Plans: what a step will run, as argv vectors (never through a shell, except
 * a workload command the user typed). `kfdo plan` prints them, the job runner
 * runs them, and each log starts with plan_format_command(). */
#ifndef KFDO_PLAN_H
#define KFDO_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strv.h"

enum plan_kind {
	PLAN_RUN,		/* run argv as a job */
	PLAN_COPY,		/* kfdo itself copies src to dst (gunzipping a .gz): plan_copy_run */
};

struct plan_cmd {
	enum plan_kind kind;
	char **argv;		/* PLAN_RUN */
	char *cwd;		/* NULL: kfdo's own */
	char **env;		/* "K=V" additions to the environment */
	char *desc;		/* one line, for the screen and the log header */
	bool needs_root;	/* needs root: through sudo unless kfdo is root (plan_cmd_sudo) */
	char *src, *dst;	/* PLAN_COPY */
};

struct plan {
	struct plan_cmd *cmds;
	size_t n, cap;
};

/* Appends a command, taking ownership of argv; returns it so the caller can
 * set cwd, env and needs_root. */
struct plan_cmd *plan_add(struct plan *p, const char *desc, char **argv);
struct plan_cmd *plan_add_copy(struct plan *p, const char *desc, const char *src, const char *dst);
void plan_cmd_set_cwd(struct plan_cmd *c, const char *cwd);
void plan_cmd_setenv(struct plan_cmd *c, const char *key, const char *value);
/* Frees the commands; the plan is empty and reusable afterwards. */
void plan_free(struct plan *p);

/* Whether c runs through sudo: it needs root and kfdo is not root. The one
 * place this is decided: the display line, the argv the runner starts and a
 * front end's password prompt before the step all ask here. */
bool plan_cmd_sudo(const struct plan_cmd *c);
/* Whether any command of p runs through sudo (ask for the password first). */
bool plan_needs_sudo(const struct plan *p);
/* The argv that runs for c: "sudo", its K=V environment (sudo would reset it
 * otherwise), then argv when plan_cmd_sudo(); argv alone otherwise. malloc'd. */
char **plan_cmd_argv(const struct plan_cmd *c);
/* Tests: decide as if kfdo ran with this effective uid (-1: the real one). */
void plan_set_euid(long euid);

/* One display line: [sudo] [K='V' ...] argv..., quoted so that it could be
 * pasted into a shell (display only: kfdo never runs it through one). A copy
 * shows as its shell equivalent (zcat/cp). malloc'd. */
char *plan_format_command(const struct plan_cmd *c);

/* Performs a PLAN_COPY: reads src (gzip or plain) and writes dst through a
 * temp file and rename. 0, or -1 with cause. */
int plan_copy_run(const struct plan_cmd *c, char **cause);

/* The kfdo binary running now (readlink /proc/self/exe), for the commands a
 * plan runs through kfdo itself (kfdo packages): the line shown is one a user
 * can paste. malloc'd; "kfdo" when it cannot be read. */
char *plan_self_exe(void);

#endif
