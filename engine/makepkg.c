/* How kfdo runs makepkg on a linux-cachyos PKGBUILD (engine/makepkg.h). */
#include "engine/makepkg.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/export.h"
#include "engine/kmake.h"
#include "engine/pkgbuild.h"
#include "engine/step.h"

/* The knobs the flow sets itself: a --knob may not override them. */
static const char *const flow_knobs[] = { "_autofdo", "_autofdo_profile_name", "_build_debug", "_use_llvm_lto",
					  "_propeller", "_propeller_profiles", NULL };

bool makepkg_flow_knob(const char *name, size_t len)
{
	for (size_t i = 0; flow_knobs[i]; i++)
		if (strlen(flow_knobs[i]) == len && strncmp(flow_knobs[i], name, len) == 0)
			return true;
	return false;
}

/* Options that change what makepkg checks or prints, not which of its stages
 * run or what it installs (-s would ask sudo for pacman with no terminal). */
static const char *const args_ok[] = { "--nodeps", "-d", "--skippgpcheck", "--skipinteg", "--skipchecksums",
				       "--nocheck", "--nocolor", "--noprogressbar", "--ignorearch", "-A",
				       "--holdver", NULL };

bool makepkg_arg_ok(const char *arg)
{
	for (size_t i = 0; args_ok[i]; i++)
		if (strcmp(arg, args_ok[i]) == 0)
			return true;
	return false;
}

/* The PKGBUILD is there with the flow's knobs, and each --knob is one of its
 * knobs that the flow does not set. */
static bool read_checked(const struct session *s, char **cause)
{
	if (!kmake_need_abs(_("PKGBUILD folder"), s->pkgbuild, cause))
		return false;
	struct pkgbuild pb;
	if (pkgbuild_read(s->pkgbuild, &pb, cause) < 0)
		return false;
	bool ok = pkgbuild_require(&pb, s->toggles.propeller, true, cause) == 0;
	for (size_t i = 0; ok && s->makepkg_args && s->makepkg_args[i]; i++)
		if (!makepkg_arg_ok(s->makepkg_args[i])) {
			cause_set(cause, _("--makepkg-arg %s: kfdo runs makepkg's stages itself; it passes on only %s"),
				  s->makepkg_args[i], MAKEPKG_ARGS_OK);
			ok = false;
		}
	for (size_t i = 0; ok && s->knobs && s->knobs[i]; i++) {
		const char *k = s->knobs[i], *eq = strchr(k, '=');
		size_t len = eq ? (size_t)(eq - k) : strlen(k);
		char *name = xasprintf("%.*s", (int)len, k);
		if (makepkg_flow_knob(k, len)) {
			cause_set(cause, _("--knob %s: kfdo sets %s itself (from --thin-lto/--full-lto, --propeller "
					   "and the flow's stage)"), k, name);
			ok = false;
		} else if (!pkgbuild_knob(&pb, name)) {
			cause_set(cause, _("--knob %s: %s has no knob %s"), k, pb.path, name);
			ok = false;
		}
		free(name);
	}
	pkgbuild_free(&pb);
	return ok;
}

bool makepkg_source_ok(const struct session *s, char **why)
{
	char *cause = NULL;
	bool ok = read_checked(s, &cause);
	if (ok)
		why_set(why, true, _("linux-cachyos PKGBUILD: %s/PKGBUILD"), s->pkgbuild);
	else
		why_set(why, false, "%s", cause);
	free(cause);
	return ok;
}

bool makepkg_session_ok(const struct session *s, char **cause)
{
	if (!read_checked(s, cause))
		return false;
	if (!s->toggles.autofdo) {
		cause_set(cause, _("a PKGBUILD is built with AutoFDO or not at all here: --no-autofdo is for a "
				   "kernel tree"));
		return false;
	}
	/* linux-cachyos builds with clang only for an LTO kernel (_is_lto_kernel),
	 * and AutoFDO is clang's. */
	if (s->toggles.thin_lto == s->toggles.full_lto) {
		cause_set(cause, s->toggles.thin_lto ? _("ThinLTO and full LTO exclude each other: pick one")
						     : _("linux-cachyos builds with GCC without LTO, and AutoFDO "
							 "needs clang: choose --thin-lto or --full-lto"));
		return false;
	}
	return true;
}

bool makepkg_ready(const struct session *s, char **why)
{
	char *cause = NULL;
	bool ok = makepkg_session_ok(s, &cause);
	if (!ok)
		why_set(why, false, "%s", cause);
	else if (geteuid() == 0)
		ok = why_set(why, false, _("makepkg does not build as root: run kfdo as your user (it asks sudo "
					   "for what needs root)"));
	else
		why_set(why, true, _("makepkg builds %s/PKGBUILD"), s->pkgbuild);
	free(cause);
	return ok;
}

struct toggles makepkg_toggles(const struct session *s)
{
	struct toggles t = s->toggles;
	if (s->pkgbuild) {
		t.config_enable = NULL;
		t.config_disable = NULL;
	}
	return t;
}

void makepkg_choose(struct session *s, const char *dir)
{
	/* The same PKGBUILD again keeps the tree its configure run extracted. */
	if (!s->pkgbuild || strcmp(s->pkgbuild, dir) != 0)
		session_set(&s->tree, NULL);
	session_set(&s->pkgbuild, dir);
	session_set(&s->output_dir, NULL);
	session_set(&s->clone_url, NULL);
	session_set(&s->clone_branch, NULL);
	strv_free(s->toggles.config_enable);
	strv_free(s->toggles.config_disable);
	strv_free(s->toggles.make_vars);
	s->toggles.config_enable = s->toggles.config_disable = s->toggles.make_vars = NULL;
}

void makepkg_forget(struct session *s)
{
	session_set(&s->pkgbuild, NULL);
	strv_free(s->knobs);
	strv_free(s->makepkg_args);
	s->knobs = s->makepkg_args = NULL;
}

char *makepkg_builddir(void)
{
	char *cache = paths_cache_dir(), *d = xasprintf("%s/makepkg", cache);
	free(cache);
	return d;
}

char *makepkg_pkgdest(bool final)
{
	char *b = makepkg_builddir(), *d = xasprintf("%s/%s", b, final ? "packages-final" : "packages-first");
	free(b);
	return d;
}

/* Sets NAME=VALUE in env unless NAME is there already: the first word wins,
 * so that one name never reaches makepkg twice. */
static void env_add(char ***env, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t len = eq ? (size_t)(eq - kv) : strlen(kv);
	for (size_t i = 0; *env && (*env)[i]; i++)
		if (strncmp((*env)[i], kv, len) == 0 && (*env)[i][len] == '=')
			return;
	strv_push(env, kv);
}

int makepkg_plan(const struct session *s, enum makepkg_run run, struct plan *p, char **cause)
{
	if (!makepkg_session_ok(s, cause))
		return -1;
	char **knobs = NULL;
	/* The session's first: the final build's LTO is the first build's, whatever
	 * the export adds for a PKGBUILD set to build without LTO. */
	env_add(&knobs, "_autofdo=yes");
	env_add(&knobs, "_build_debug=yes");
	env_add(&knobs, s->toggles.full_lto ? "_use_llvm_lto=full" : "_use_llvm_lto=thin");
	if (s->toggles.propeller)
		env_add(&knobs, "_propeller=yes");
	if (run == MAKEPKG_RUN_FINAL) {
		if (!kmake_need_abs(_("AutoFDO profile"), s->artifacts.profile, cause)) {
			strv_free(knobs);
			return -1;
		}
		/* The profile's name and knobs as kfdo profile export gives them;
		 * makepkg_place_profile copies it before the run. A profile not
		 * made yet (kfdo plan's placeholder) is shown by its name. */
		if (access(s->artifacts.profile, F_OK) == 0) {
			struct export_opts o = { .pkgbuild_dir = s->pkgbuild, .afdo = s->artifacts.profile };
			struct export_plan ep;
			if (export_prepare(&o, &ep, cause) < 0) {
				strv_free(knobs);
				return -1;
			}
			for (size_t i = 0; ep.env && ep.env[i]; i++)
				env_add(&knobs, ep.env[i]);
			export_plan_free(&ep);
		} else {
			char *name = makepkg_profile_beside(s);
			char *kv = xasprintf("_autofdo_profile_name=%s", strrchr(name, '/') + 1);
			env_add(&knobs, kv);
			free(kv);
			free(name);
		}
	}
	for (size_t i = 0; s->knobs && s->knobs[i]; i++)
		env_add(&knobs, s->knobs[i]);
	/* A flow knob this run leaves off but the user's shell exports (the
	 * how-to's _autofdo_profile_name=...) would reach the profiling build:
	 * emptied, which both knob forms read as off. Only those, so that the
	 * command shown is the one that runs, without noise. */
	for (size_t i = 0; flow_knobs[i]; i++) {
		const char *inherited = getenv(flow_knobs[i]);
		char *off = xasprintf("%s=", flow_knobs[i]);
		if (inherited && *inherited)
			env_add(&knobs, off);
		free(off);
	}

	char **v = strv_dup((char *[]){ "makepkg", NULL });
	const char *desc;
	switch (run) {
	case MAKEPKG_RUN_CONFIGURE:
		/* --cleanbuild: a configure starts from the tarball, as make's
		 * configure starts from a base config. */
		strv_push(&v, "--nobuild");
		strv_push(&v, "--cleanbuild");
		desc = _("Download, extract and configure the kernel as the PKGBUILD does (makepkg --nobuild)");
		break;
	case MAKEPKG_RUN_BUILD:
		strv_push(&v, "--noextract");
		strv_push(&v, "--force");
		desc = _("Build the kernel and its packages in that tree (makepkg --noextract)");
		break;
	default:
		strv_push(&v, "--cleanbuild");
		strv_push(&v, "--skipchecksums");
		strv_push(&v, "--force");
		desc = _("Build the kernel optimized with the profile, from a fresh extraction (kfdo first copies "
			 "the profile beside the PKGBUILD)");
		break;
	}
	for (size_t i = 0; s->makepkg_args && s->makepkg_args[i]; i++)
		strv_push(&v, s->makepkg_args[i]);
	struct plan_cmd *c = plan_add(p, desc, v);
	plan_cmd_set_cwd(c, s->pkgbuild);
	char *builddir = makepkg_builddir(), *dest = makepkg_pkgdest(run == MAKEPKG_RUN_FINAL);
	plan_cmd_setenv(c, "BUILDDIR", builddir);
	plan_cmd_setenv(c, "PKGDEST", dest);
	/* An LC_ALL of the user's would win over LC_MESSAGES; empty, the C
	 * library ignores it. */
	const char *lc_all = getenv("LC_ALL");
	if (lc_all && *lc_all)
		plan_cmd_setenv(c, "LC_ALL", "");
	plan_cmd_setenv(c, "LC_MESSAGES", "C");
	for (size_t i = 0; knobs && knobs[i]; i++)
		strv_push(&c->env, knobs[i]);
	free(builddir);
	free(dest);
	strv_free(knobs);
	return 0;
}

/* A kernel's top Makefile starts with its VERSION line (after the SPDX one). */
static bool kernel_makefile(const char *dir)
{
	char *mk = xasprintf("%s/Makefile", dir);
	char *text = file_read(mk, 4096, NULL);
	bool ok = text && (str_starts(text, "VERSION = ") || strstr(text, "\nVERSION = "));
	free(text);
	free(mk);
	return ok;
}

char *makepkg_find_tree(char **cause)
{
	char *builddir = makepkg_builddir(), *best = NULL;
	struct timespec best_t = { 0, 0 };
	DIR *b = opendir(builddir);
	struct dirent *e;
	while (b && (e = readdir(b))) {
		if (e->d_name[0] == '.')
			continue;
		char *src = xasprintf("%s/%s/src", builddir, e->d_name);
		DIR *d = opendir(src);
		struct dirent *f;
		while (d && (f = readdir(d))) {
			char *dir = xasprintf("%s/%s", src, f->d_name);
			struct stat st;
			/* The change time, which no one sets: makepkg sets the
			 * modification times of src/ to SOURCE_DATE_EPOCH when it
			 * builds reproducibly. */
			if (f->d_name[0] != '.' && lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && kernel_makefile(dir) &&
			    (!best || timespec_after(&st.st_ctim, &best_t))) {
				free(best);
				best = dir;
				best_t = st.st_ctim;
				dir = NULL;
			}
			free(dir);
		}
		if (d)
			closedir(d);
		free(src);
	}
	if (b)
		closedir(b);
	if (!best)
		cause_set(cause, _("makepkg extracted no kernel tree into %s/*/src"), builddir);
	free(builddir);
	return best;
}

char *makepkg_profile_beside(const struct session *s)
{
	const char *p = s->artifacts.profile;
	if (!s->pkgbuild || !p || !*p)
		return NULL;
	const char *base = strrchr(p, '/');
	return xasprintf("%s/%s", s->pkgbuild, base ? base + 1 : p);
}

int makepkg_place_profile(const struct session *s, char **cause)
{
	struct export_opts o = { .pkgbuild_dir = s->pkgbuild, .afdo = s->artifacts.profile };
	struct export_plan ep;
	/* A different file at the name is refused (EXPORT_CONFLICT), named in
	 * the cause: the flow replaces nothing beside the user's PKGBUILD. */
	if (export_prepare(&o, &ep, cause) < 0)
		return -1;
	int rc = export_write(&ep, cause);
	export_plan_free(&ep);
	return rc;
}
