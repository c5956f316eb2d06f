/* Plans: what a step will run, as argv vectors (never through a shell, except
 * a workload command the user typed). `kfdo plan` prints them, the job runner
 * runs them, and each log starts with plan_format_command(). */
#ifndef KFDO_PLAN_H
#define KFDO_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strv.h"
#include "engine/session.h"

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

/* Shell-quotes one word for display ('it'\''s'; bare when only safe characters). */
char *plan_quote_arg(const char *arg);
/* One display line: [sudo] [K='V' ...] argv..., quoted so that it could be
 * pasted into a shell (display only: kfdo never runs it through one). A copy
 * shows as its shell equivalent (zcat/cp). malloc'd. */
char *plan_format_command(const struct plan_cmd *c);

/* Performs a PLAN_COPY: reads src (gzip or plain) and writes dst through a
 * temp file and rename. 0, or -1 with cause. */
int plan_copy_run(const struct plan_cmd *c, char **cause);

/* Plans for the steps (plan_kernel.c). Each appends to p and returns 0, or
 * -1 with cause when the session does not hold what the plan needs yet. */
int plan_source(const struct session *s, struct plan *p, char **cause);
int plan_configure(const struct session *s, struct plan *p, char **cause);
int plan_build(const struct session *s, struct plan *p, char **cause);
int plan_install(const struct session *s, struct plan *p, char **cause);
int plan_profile(const struct session *s, struct plan *p, char **cause);
int plan_convert(const struct session *s, struct plan *p, char **cause);
int plan_final_build(const struct session *s, struct plan *p, char **cause);

/* The kfdo binary running now (readlink /proc/self/exe), for the commands a
 * plan runs through kfdo itself (kfdo packages): the line shown is one a user
 * can paste. malloc'd; "kfdo" when it cannot be read. */
char *plan_self_exe(void);

/* make LLVM=.. LLVM_IAS=1 [ARCH=..] [O=objdir] [the session's make vars] [extra_var] -C tree:
 * every make kfdo runs, the build steps' and the kbuild workload's. */
char **plan_make_argv(const struct session *s, const char *tree, const char *objdir, const char *extra_var);
/* make -jN: the session's jobs, else the online CPUs. */
long plan_jobs(const struct session *s);

/* The base config kfdo copies for CONFIG_RUNNING: /proc/config.gz, else
 * /boot/config-RELEASE when that exists. malloc'd. */
char *plan_running_config(void);
/* An LLVM tool named as kbuild would with this LLVM= value
 * ("-19" -> llvm-profgen-19, "/opt/llvm/bin/" -> /opt/llvm/bin/llvm-profgen). */
char *plan_llvm_tool(const struct toggles *t, const char *tool);

/* Reads .config back and lists, by name, every toggle of t that did not
 * stick: "AUTOFDO_CLANG (asked: y, got: not set)". *not_stuck is NULL when all
 * stuck. 0, or -1 with cause when the file cannot be read. */
int config_readback(const char *config_path, const struct toggles *t, char ***not_stuck,
		    char **cause);
/* The scripts/config operations the toggles ask for, in order: "-e", "AUTOFDO_CLANG", ... */
char **config_toggle_args(const struct toggles *t);

#endif
