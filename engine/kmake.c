/* How kfdo runs kbuild, for every step that does (configure, the builds, the
 * kbuild workload of a recording): the make command line with the session's
 * LLVM, ARCH, O= and variables, -j, the base configuration of the running
 * kernel, the toggles as scripts/config arguments and their read-back. */
#include "engine/kmake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "detect/tree.h"

bool kmake_need_abs(const char *what, const char *path, char **cause)
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
bool kmake_session_ok(const struct session *s, char **cause)
{
	if (!kmake_need_abs(_("kernel tree"), s->tree, cause))
		return false;
	if (s->output_dir && *s->output_dir && !kmake_need_abs(_("output directory"), s->output_dir, cause))
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

char **kmake_argv(const struct session *s, const char *tree, const char *objdir, const char *extra_var)
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

long kmake_jobs(const struct session *s)
{
	long n = s->toggles.jobs > 0 ? s->toggles.jobs : sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}

struct plan_cmd *kmake_add(const struct session *s, struct plan *p, const char *desc, char **argv)
{
	struct plan_cmd *c = plan_add(p, desc, argv);
	plan_cmd_set_cwd(c, s->tree);
	return c;
}

int kmake_build_plan(const struct session *s, struct plan *p, const char *var, const char *desc, char **cause)
{
	if (!kmake_session_ok(s, cause))
		return -1;
	char **v = kmake_argv(s, s->tree, s->output_dir, var);
	strv_pushf(&v, "-j%ld", kmake_jobs(s));
	strv_push(&v, s->target);
	kmake_add(s, p, desc, v);
	return 0;
}

char *kmake_running_config(void)
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

char **kmake_toggle_args(const struct toggles *t)
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

int kmake_config_readback(const char *config_path, const struct toggles *t, char ***not_stuck,
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
	char **ops = kmake_toggle_args(t);
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

bool kmake_configured_in_place(const char *tree)
{
	char *c = xasprintf("%s/.config", tree), *d = xasprintf("%s/include/config", tree);
	bool r = access(c, F_OK) == 0 || access(d, F_OK) == 0;
	free(c);
	free(d);
	return r;
}
