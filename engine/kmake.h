/* How kfdo runs kbuild (engine/kmake.c): the make command line every step
 * that runs make uses, the toggles as scripts/config arguments, and the
 * read-back of .config that tells which of them a Kconfig dependency refused. */
#ifndef KFDO_KMAKE_H
#define KFDO_KMAKE_H

#include <stdbool.h>

#include "engine/plan.h"
#include "engine/session.h"

/* A path a plan needs: given, and absolute (commands run in other
 * directories). false with cause ("no kernel tree chosen yet"). */
bool kmake_need_abs(const char *what, const char *path, char **cause);
/* What every make invocation needs: an absolute tree (and output directory),
 * toggles that do not exclude each other, a target. false with cause. */
bool kmake_session_ok(const struct session *s, char **cause);
/* make LLVM=.. LLVM_IAS=1 [ARCH=..] [O=objdir] [the session's make vars] [extra_var] -C tree:
 * every make kfdo runs, the build steps' and the kbuild workload's. */
char **kmake_argv(const struct session *s, const char *tree, const char *objdir, const char *extra_var);
/* make -jN: the session's jobs, else the online CPUs. */
long kmake_jobs(const struct session *s);
/* A tree configured in place (its .config or include/config): kbuild builds no
 * other directory (O=) from it. */
bool kmake_configured_in_place(const char *tree);
/* Appends argv (taken) to p, run in the session's tree; returns the command. */
struct plan_cmd *kmake_add(const struct session *s, struct plan *p, const char *desc, char **argv);
/* The build of the session's target with -j, and var (NULL, or
 * "CLANG_AUTOFDO_PROFILE=..."): both builds' plan. 0, or -1 with cause. */
int kmake_build_plan(const struct session *s, struct plan *p, const char *var, const char *desc, char **cause);

/* The base config kfdo copies for CONFIG_RUNNING: /proc/config.gz, else
 * /boot/config-RELEASE when that exists. malloc'd. */
char *kmake_running_config(void);
/* The scripts/config operations the toggles ask for, in order: "-e", "AUTOFDO_CLANG", ... */
char **kmake_toggle_args(const struct toggles *t);
/* Reads .config back and lists, by name, every toggle of t that did not
 * stick: "AUTOFDO_CLANG (asked: y, got: not set)". *not_stuck is NULL when all
 * stuck. 0, or -1 with cause when the file cannot be read. */
int kmake_config_readback(const char *config_path, const struct toggles *t, char ***not_stuck,
			  char **cause);

#endif
