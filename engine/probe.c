/* What the steps' checks read of the machine, shared by the step files (each
 * has its own checks): the tree, .config, the packages or images a build left
 * newer than .config and what it really built, the installed and the running
 * kernel with their build-ids, perf.data and the profile. */
#include "engine/probe.h"

#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "engine/makepkg.h"
#include "base/i18n.h"
#include "engine/perfdata.h"
#include "engine/pkg.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "base/util.h"
#include "detect/tree.h"
#include "engine/step.h"
#include "engine/verify.h"

static bool stat_mtime(const char *path, struct timespec *ts)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return false;
	*ts = st.st_mtim;
	return true;
}

static bool nonempty_file(const char *path)
{
	struct stat st;
	return path && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* The build's output newer than .config: packages for pacman-pkg, else the
 * boot image or vmlinux (plain-make trees in tests). */
bool probe_build_output(const struct session *s, char **why)
{
	char *obj = session_objtree(s);
	if (!obj)
		return why_set(why, false, _("no kernel tree chosen yet"));
	char *config = xasprintf("%s/.config", obj);
	struct timespec cfg;
	bool ok = false;
	if (!stat_mtime(config, &cfg)) {
		why_set(why, false, _("%s does not exist: configure first"), config);
	} else if (s->pkgbuild) {
		/* makepkg writes each build's packages to a folder of kfdo's; the
		 * final build's --cleanbuild makes .config anew, after the first's. */
		int n = 0;
		for (int final = 0; final < 2 && n <= 0; final++) {
			char *dest = makepkg_pkgdest(final), **pkgs;
			n = pkg_find_files(dest, &cfg, &pkgs);
			if (n > 0)
				why_set(why, true, _("%d packages in %s, newer than .config"), n, dest);
			strv_free(pkgs);
			free(dest);
		}
		ok = n > 0;
		if (!ok) {
			char *b = makepkg_builddir();
			why_set(why, false, _("no package in %s/packages-* newer than .config"), b);
			free(b);
		}
	} else if (strcmp(s->target, "pacman-pkg") == 0) {
		char **pkgs;
		int n = pkg_find_files(obj, &cfg, &pkgs);
		ok = n > 0;
		if (ok)
			why_set(why, true, _("%d packages in %s, newer than .config"), n, obj);
		else
			why_set(why, false, _("no package in %s newer than .config"), obj);
		strv_free(pkgs);
	} else {
		const char *arch = s->toggles.arch;
		bool x86 = !arch || !*arch || strcmp(arch, "x86_64") == 0 || strcmp(arch, "x86") == 0 ||
			   strcmp(arch, "i386") == 0;
		const char *rel[] = { x86 && strcmp(s->target, "vmlinux") != 0 ? "arch/x86/boot/bzImage"
									 : NULL,
				      "vmlinux" };
		why_set(why, false, _("no vmlinux in %s newer than .config"), obj);
		for (size_t i = 0; i < ARRAY_LEN(rel) && !ok; i++) {
			if (!rel[i])
				continue;
			char *p = xasprintf("%s/%s", obj, rel[i]);
			struct timespec t;
			if (stat_mtime(p, &t) && timespec_after(&t, &cfg))
				ok = why_set(why, true, _("%s is newer than .config"), p);
			free(p);
		}
	}
	free(config);
	free(obj);
	return ok;
}

/* The kernel kfdo installed is still in place: its vmlinux (under the root)
 * has the build-id recorded at install time. Cheap (only the ELF notes are
 * read), and it stays true after the final build, whose packages replace
 * artifacts.packages before the finish step installs them. */
bool probe_installed_kernel(const struct session *s, char **why)
{
	const struct artifacts *a = &s->artifacts;
	if (!a->vmlinux || !a->build_id || !a->kernel_release)
		return why_set(why, false, _("no kernel installed by kfdo yet"));
	char *id = NULL, *err = NULL;
	bool ok = false;
	if (elfid_build_id(a->vmlinux, &id, &err) < 0)
		why_set(why, false, _("the installed kernel is gone (%s): install again"), err);
	else if (strcmp(id, a->build_id) != 0)
		why_set(why, false, _("%s now has the build-id %s, not %s as installed: another kernel "
				      "replaced it, install again"), a->vmlinux, id, a->build_id);
	else
		ok = why_set(why, true, _("kernel %s installed (%s, build-id %s)"), a->kernel_release,
			     a->vmlinux, a->build_id);
	free(id);
	free(err);
	return ok;
}

/* The running kernel's release, read as uname -r would below the sysroot. */
static char *running_release(const char *sysroot)
{
	char *rel = sysroot_read_line(sysroot, "/proc/sys/kernel/osrelease");
	struct utsname u;
	if (!rel && strcmp(sysroot, "/") == 0 && uname(&u) == 0)
		rel = xstrdup(u.release);
	return rel;
}

void probe_running_kernel(const struct session *s, char **release, char **build_id, char **cause)
{
	const char *sysroot = session_sysroot(s);
	*build_id = NULL;
	*release = running_release(sysroot);
	if (!*release) {
		cause_set(cause, _("cannot read the running kernel's release (%s/proc/sys/kernel/osrelease)"),
			  strcmp(sysroot, "/") ? sysroot : "");
		return;
	}
	char *notes = sysroot_path(sysroot, "/sys/kernel/notes");
	char *err = NULL;
	if (elfid_notes_build_id(notes, build_id, &err) < 0) {
		*build_id = NULL;
		cause_set(cause, "%s", err);
	}
	free(err);
	free(notes);
}

/* A complete perf.data (or the perf script tests stand in for one). */
bool probe_recording_usable(const char *path, char **why)
{
	if (!path || !*path)
		return why_set(why, false, _("no perf.data recorded yet"));
	if (profile_is_perfscript(path))
		return nonempty_file(path) ? why_set(why, true, _("perf script %s"), path)
					   : why_set(why, false, _("the perf script %s is missing or empty"), path);
	struct perfdata_info pd;
	char *cause = NULL;
	bool ok = perfdata_read(path, &pd, &cause) == 0;
	if (ok) {
		char size[32];
		record_fmt_size(size, sizeof(size), pd.file_size);
		why_set(why, true, _("%s recorded (%s)"), path, size);
	} else {
		why_set(why, false, "%s", cause);
	}
	free(cause);
	perfdata_info_free(&pd);
	return ok;
}

/* A non-empty profile that kfdo's record (when there is one) does not call empty. */
bool probe_profile_usable(const char *prof, char **why)
{
	if (!prof || prof[0] != '/' || !nonempty_file(prof))
		return why_set(why, false, _("no usable profile yet (an absolute path to a non-empty file)%s%s"),
			       prof ? ": " : "", prof ? prof : "");
	struct profile_record rec;
	bool known = profile_record_read(prof, &rec, NULL) == 0, empty = known && rec.empty;
	profile_record_free(&rec);
	if (empty)
		return why_set(why, false, _("the profile %s is empty: record again"), prof);
	if (known)
		return why_set(why, true, _("profile %s"), prof);
	/* A profile kfdo did not make: llvm-profdata reads it now, not clang 30 minutes into the build. */
	struct profile_stats st;
	char *cause = NULL;
	bool ok = profile_stats_run(NULL, prof, -1, &st, &cause) == 0 && !profile_stats_empty(&st);
	if (!ok && !cause)
		cause = profile_stats_warning(&st);
	ok ? why_set(why, true, _("profile %s (%" PRIu64 " functions)"), prof, st.functions) : why_set(why, false, "%s", cause);
	profile_stats_free(&st);
	free(cause);
	return ok;
}

/* The session's tree is a kernel tree with every option its toggles ask for
 * (the source step's postcondition, and what configure needs first). */
bool probe_tree(const struct session *s, char **why)
{
	if (!s->tree || !*s->tree)
		return why_set(why, false, _("no kernel tree chosen yet"));
	const char *need[] = { "Makefile", "scripts/config", "arch/Kconfig" };
	for (size_t i = 0; i < ARRAY_LEN(need); i++) {
		char *p = xasprintf("%s/%s", s->tree, need[i]);
		bool ok = access(p, F_OK) == 0;
		free(p);
		if (!ok)
			return why_set(why, false, _("%s has no %s: not a kernel tree"), s->tree, need[i]);
	}
	char *kpath = xasprintf("%s/arch/Kconfig", s->tree);
	char *kconfig = file_read(kpath, 16u << 20, NULL);
	free(kpath);
	if (!kconfig)
		return why_set(why, false, _("cannot read %s/arch/Kconfig"), s->tree);
	const struct toggles *t = &s->toggles;
	const char *sym = t->autofdo && !tree_kconfig_defines(kconfig, "AUTOFDO_CLANG")   ? "AUTOFDO_CLANG"
			  : t->propeller && !tree_kconfig_defines(kconfig, "PROPELLER_CLANG") ? "PROPELLER_CLANG"
			  : t->thin_lto && !tree_kconfig_defines(kconfig, "LTO_CLANG_THIN")   ? "LTO_CLANG_THIN"
			  : t->full_lto && !tree_kconfig_defines(kconfig, "LTO_CLANG_FULL")   ? "LTO_CLANG_FULL"
										    : NULL;
	free(kconfig);
	if (sym)
		return why_set(why, false,
			       _("this tree has no CONFIG_%s (AutoFDO and Propeller need Linux "
				 "6.13 or later)"), sym);
	return why_set(why, true, _("%s is a kernel tree with the options asked for"), s->tree);
}

/* The objtree has a .config (configured; the builds need it first). */
bool probe_configured(const struct session *s, char **why)
{
	char *config = session_config_path(s);
	bool ok = config && access(config, F_OK) == 0;
	why_set(why, ok, ok ? _("%s exists") : _("%s does not exist: configure first"),
		config ? config : ".config");
	free(config);
	return ok;
}

/* The output is there and the build did what was asked: a build whose
 * syncconfig dropped a toggle, or without AutoFDO's flags, is not done. */
bool probe_built(const struct session *s, bool final, char **why)
{
	if (!probe_build_output(s, why))
		return false;
	char *note = NULL;
	int rc = verify_build(s, final, &note);
	if (rc < 0)
		why_set(why, false, "%s", note);
	else if (why)
		why_set(why, true, "%s; %s", *why, note);
	free(note);
	return rc >= 0;
}

/* The packages the last build recorded are all still there (both installs need them). */
bool probe_packages(const struct session *s, char **why)
{
	char **pkgs = s->artifacts.packages;
	if (!pkgs)
		return why_set(why, false, _("no built packages recorded yet"));
	for (size_t i = 0; pkgs[i]; i++)
		if (access(pkgs[i], R_OK) != 0)
			return why_set(why, false, _("%s is gone: build again"), pkgs[i]);
	return why_set(why, true, _("%zu packages to install"), strv_len(pkgs));
}

/* The release alone would take an older build of the same version for the
 * new one (the first and the final build share it): the build-id decides. */
bool probe_running_built(const struct session *s, char **why)
{
	const struct artifacts *a = &s->artifacts;
	if (!a->kernel_release || !*a->kernel_release || !a->build_id)
		return why_set(why, false, _("the built kernel is not installed yet"));
	char *running, *id, *err = NULL;
	bool ok = false;
	probe_running_kernel(s, &running, &id, &err);
	if (!running)
		why_set(why, false, "%s", err);
	else if (strcmp(running, a->kernel_release) != 0)
		why_set(why, false, _("running %s, built %s: reboot into %s"), running, a->kernel_release,
			a->kernel_release);
	else if (!id)
		why_set(why, false, _("running %s, but its build-id cannot be read: %s"), running, err);
	else if (strcmp(id, a->build_id) != 0)
		why_set(why, false, _("running %s, the same release but a different build-id (%s, built %s): an "
				      "older build of the same version is running; reboot into the new one"),
			running, id, a->build_id);
	else
		ok = why_set(why, true, _("running %s, the kernel kfdo built (build-id %s)"), running, id);
	free(running);
	free(id);
	free(err);
	return ok;
}

char *probe_boot_id(const struct session *s)
{
	char *path = xasprintf("%s/proc/sys/kernel/random/boot_id", session_sysroot(s));
	char *id = file_read(path, 128, NULL);
	free(path);
	if (id)
		id[strcspn(id, "\n")] = '\0';
	return id;
}
