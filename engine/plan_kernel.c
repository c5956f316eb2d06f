/* The plan of each step, built from the session, and the read-back of .config
 * that tells which toggles a Kconfig dependency refused. */
#include "engine/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/i18n.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "engine/pkg.h"
#include "base/util.h"
#include "detect/tree.h"

static bool need_abs(const char *what, const char *path, char **cause)
{
	if (!path || !*path) {
		cause_set(cause, _("no %s chosen yet"), what);
		return false;
	}
	if (path[0] != '/') {
		cause_set(cause, _("the %s must be an absolute path: %s"), what, path);
		return false;
	}
	return true;
}

/* What every make invocation needs: a usable tree and coherent toggles. */
static bool check_session(const struct session *s, char **cause)
{
	if (!need_abs(_("kernel tree"), s->tree, cause))
		return false;
	if (s->output_dir && *s->output_dir && !need_abs(_("output directory"), s->output_dir, cause))
		return false;
	if (s->toggles.thin_lto && s->toggles.full_lto) {
		cause_set(cause, _("ThinLTO and full LTO exclude each other: pick one"));
		return false;
	}
	if (!s->target || !*s->target) {
		cause_set(cause, _("no make target chosen"));
		return false;
	}
	return true;
}

char **plan_make_argv(const struct session *s, const char *tree, const char *objdir, const char *extra_var)
{
	const struct toggles *t = &s->toggles;
	char **v = NULL;
	strv_push(&v, "make");
	strv_pushf(&v, "LLVM=%s", t->llvm && *t->llvm ? t->llvm : "1");
	strv_push(&v, "LLVM_IAS=1");
	if (t->arch && *t->arch)
		strv_pushf(&v, "ARCH=%s", t->arch);
	if (objdir && *objdir)
		strv_pushf(&v, "O=%s", objdir);
	for (size_t i = 0; t->make_vars && t->make_vars[i]; i++)
		strv_push(&v, t->make_vars[i]);
	if (extra_var)
		strv_push(&v, extra_var);
	strv_push(&v, "-C");
	strv_push(&v, tree);
	return v;
}

/* The session's own tree and output directory. */
static char **make_argv(const struct session *s, const char *extra_var)
{
	return plan_make_argv(s, s->tree, s->output_dir, extra_var);
}

long plan_jobs(const struct session *s)
{
	long n = s->toggles.jobs > 0 ? s->toggles.jobs : sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}

static void push_jobs(const struct session *s, char ***v)
{
	strv_pushf(v, "-j%ld", plan_jobs(s));
}

static struct plan_cmd *add_make(const struct session *s, struct plan *p, const char *desc,
				 char **argv)
{
	struct plan_cmd *c = plan_add(p, desc, argv);
	plan_cmd_set_cwd(c, s->tree);
	return c;
}

char *plan_running_config(void)
{
	if (access("/proc/config.gz", R_OK) == 0)
		return xstrdup("/proc/config.gz");
	/* Debian and Ubuntu kernels ship the config in /boot instead of IKCONFIG_PROC. */
	struct utsname u;
	if (uname(&u) == 0) {
		char *boot = xasprintf("/boot/config-%s", u.release);
		if (access(boot, R_OK) == 0)
			return boot;
		free(boot);
	}
	return xstrdup("/proc/config.gz");
}

char *plan_llvm_tool(const struct toggles *t, const char *tool)
{
	const char *l = t->llvm ? t->llvm : "1";
	size_t n = strlen(l);
	/* The same rules as the kernel's Makefile for LLVM=. */
	if (l[0] == '-')
		return xasprintf("%s%s", tool, l);
	if (n && l[n - 1] == '/')
		return xasprintf("%s%s", l, tool);
	return xstrdup(tool);
}

char **config_toggle_args(const struct toggles *t)
{
	char **v = NULL;
	if (t->autofdo) {
		strv_push(&v, "-e");
		strv_push(&v, "AUTOFDO_CLANG");
	}
	if (t->thin_lto || t->full_lto) {
		strv_push(&v, "-e");
		strv_push(&v, t->thin_lto ? "LTO_CLANG_THIN" : "LTO_CLANG_FULL");
		strv_push(&v, "-d");
		strv_push(&v, "LTO_NONE");
	}
	if (t->propeller) {
		strv_push(&v, "-e");
		strv_push(&v, "PROPELLER_CLANG");
	}
	for (size_t i = 0; t->config_enable && t->config_enable[i]; i++) {
		strv_push(&v, "-e");
		strv_push(&v, t->config_enable[i]);
	}
	for (size_t i = 0; t->config_disable && t->config_disable[i]; i++) {
		strv_push(&v, "-d");
		strv_push(&v, t->config_disable[i]);
	}
	return v;
}

int plan_source(const struct session *s, struct plan *p, char **cause)
{
	if (!need_abs(_("kernel tree"), s->tree, cause))
		return -1;
	if (!s->clone_url || !*s->clone_url)
		return 0;
	char **v = NULL;
	strv_push(&v, "git");
	strv_push(&v, "clone");
	strv_push(&v, "--progress");
	strv_push(&v, "--depth=1");
	if (s->clone_branch && *s->clone_branch) {
		strv_push(&v, "--branch");
		strv_push(&v, s->clone_branch);
	}
	strv_push(&v, "--");
	strv_push(&v, s->clone_url);
	strv_push(&v, s->tree);
	plan_add(p, _("Clone the kernel source"), v);
	return 0;
}

int plan_configure(const struct session *s, struct plan *p, char **cause)
{
	if (!check_session(s, cause))
		return -1;
	char *config = session_config_path(s);
	char **v;
	switch (s->config_source) {
	case CONFIG_RUNNING: {
		char *src = plan_running_config();
		plan_add_copy(p, _("Copy the running kernel's configuration (kfdo does this itself)"),
			      src, config);
		free(src);
		break;
	}
	case CONFIG_FILE:
		if (!need_abs(_("base configuration file"), s->config_file, cause)) {
			free(config);
			return -1;
		}
		plan_add_copy(p, _("Copy the chosen base configuration (kfdo does this itself)"),
			      s->config_file, config);
		break;
	case CONFIG_DEFCONFIG:
	case CONFIG_TINYCONFIG: {
		const char *target = s->config_source == CONFIG_DEFCONFIG ? "defconfig" : "tinyconfig";
		v = make_argv(s, NULL);
		strv_push(&v, target);
		add_make(s, p, s->config_source == CONFIG_DEFCONFIG
				       ? _("Start from the architecture's default configuration")
				       : _("Start from the smallest configuration"), v);
		break;
	}
	}
	if (s->config_source == CONFIG_RUNNING || s->config_source == CONFIG_FILE) {
		v = make_argv(s, NULL);
		strv_push(&v, "olddefconfig");
		add_make(s, p, _("Update the base configuration to this tree (olddefconfig)"), v);
	}

	char **ops = config_toggle_args(&s->toggles);
	if (ops) {
		v = NULL;
		strv_pushf(&v, "%s/scripts/config", s->tree);
		strv_push(&v, "--file");
		strv_push(&v, config);
		for (size_t i = 0; ops[i]; i++)
			strv_push(&v, ops[i]);
		add_make(s, p, _("Set the toggles (AutoFDO, LTO, Propeller, extras)"), v);
		strv_free(ops);
		v = make_argv(s, NULL);
		strv_push(&v, "olddefconfig");
		add_make(s, p, _("Resolve the toggles' dependencies (olddefconfig)"), v);
	}
	free(config);
	return 0;
}

int plan_build(const struct session *s, struct plan *p, char **cause)
{
	if (!check_session(s, cause))
		return -1;
	char **v = make_argv(s, NULL);
	push_jobs(s, &v);
	strv_push(&v, s->target);
	add_make(s, p, _("Build the kernel"), v);
	return 0;
}

int plan_final_build(const struct session *s, struct plan *p, char **cause)
{
	if (!check_session(s, cause) || !need_abs(_("AutoFDO profile"), s->artifacts.profile, cause))
		return -1;
	char *var = xasprintf("CLANG_AUTOFDO_PROFILE=%s", s->artifacts.profile);
	char **v = make_argv(s, var);
	free(var);
	push_jobs(s, &v);
	strv_push(&v, s->target);
	add_make(s, p, _("Build the kernel optimized with the profile"), v);
	return 0;
}

char *plan_self_exe(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return xstrdup("kfdo");
	buf[n] = '\0';
	/* Rebuilt while it runs: the new binary at the same path is the one to run. */
	static const char deleted[] = " (deleted)";
	size_t len = (size_t)n, dl = sizeof(deleted) - 1;
	if (len > dl && strcmp(buf + len - dl, deleted) == 0)
		buf[len - dl] = '\0';
	return xstrdup(buf);
}

int plan_install(const struct session *s, struct plan *p, char **cause)
{
	char **all = s->artifacts.packages, **install = NULL;
	for (size_t i = 0; all && all[i]; i++) {
		char *name = pkg_name_from_filename(all[i]);
		/* The -api-headers package would replace the system's linux-api-headers. */
		if (!name || !str_ends(name, "-api-headers"))
			strv_push(&install, all[i]);
		free(name);
	}
	if (!install) {
		cause_set(cause, _("no built packages recorded yet"));
		return -1;
	}
	/* The check runs as a job of its own before anything is installed: reading a
	 * real vmlinux out of its package takes seconds, and a stripped one or a
	 * mixed set must stop the step before sudo is asked for. */
	char *self = plan_self_exe();
	char **v = NULL;
	strv_push(&v, self);
	strv_push(&v, "packages");
	for (size_t i = 0; all[i]; i++)
		strv_push(&v, all[i]);
	plan_add(p, _("Read the packages: one build, its kernel release, an unstripped vmlinux"), v);
	v = NULL;
	struct plan_cmd *c;
	if (s->install_root && *s->install_root) {
		char *dbpath = pkg_session_dbpath(s);
		strv_push(&v, self);
		strv_push(&v, "packages");
		strv_push(&v, "install");
		strv_push(&v, "--root");
		strv_push(&v, s->install_root);
		strv_push(&v, "--dbpath");
		strv_push(&v, dbpath);
		free(dbpath);
		c = plan_add(p, _("Install the kernel packages into another root (libalpm, root mode)"), v);
	} else {
		strv_push(&v, "pacman");
		strv_push(&v, "-U");
		/* The job's output goes through a pipe: pacman cannot ask there. */
		strv_push(&v, "--noconfirm");
		c = plan_add(p, _("Install the kernel packages (pacman, through sudo)"), v);
		c->needs_root = true;
	}
	for (size_t i = 0; install[i]; i++)
		strv_push(&c->argv, install[i]);
	strv_free(install);
	free(self);
	return 0;
}

/* The workload and perf record (engine/record.c). */
int plan_profile(const struct session *s, struct plan *p, char **cause)
{
	return record_plan(s, p, cause);
}

/* llvm-profgen or create_llvm_prof, then the stats and the merge (engine/profile.c). */
int plan_convert(const struct session *s, struct plan *p, char **cause)
{
	return profile_plan(s, p, cause);
}

/* ---- read-back ---- */

int config_readback(const char *config_path, const struct toggles *t, char ***not_stuck,
		    char **cause)
{
	*not_stuck = NULL;
	struct kernel_config cfg;
	char *err = NULL;
	if (tree_config_read(config_path, &cfg, &err) < 0) {
		cause_set(cause, _("cannot read %s"), err);
		free(err);
		return -1;
	}
	char **ops = config_toggle_args(t);
	for (size_t i = 0; ops && ops[i] && ops[i + 1]; i += 2) {
		const char *sym = ops[i + 1];
		bool enable = strcmp(ops[i], "-e") == 0;
		/* "# CONFIG_X is not set" reads as "n"; the last assignment wins, as in Kconfig. */
		const char *v = tree_config_get(&cfg, sym);
		bool off = !v || strcmp(v, "n") == 0;
		const char *got = !v ? _("absent") : strcmp(v, "n") == 0 ? _("not set") : v;
		/* -d LTO_NONE and the like are satisfied by "not set" as by absence. */
		bool ok = enable ? v && strcmp(v, "y") == 0 : off;
		if (!ok)
			strv_pushf(not_stuck, _("%s (asked: %s, got: %s)"), sym, enable ? "y" : _("not set"), got);
	}
	strv_free(ops);
	tree_config_free(&cfg);
	return 0;
}
