/* The vmlinux of a build's packages (pkg.h): which package file holds one,
 * reading it out of the package with libarchive before anything is installed,
 * and elfid's verdict on it (stripped or not, a kernel or not). Apart from
 * pkg.c, which reads the packages' metadata with libalpm, because this is the
 * one part that opens the archives themselves. */
#include "engine/pkg_int.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"

char *pkg_vmlinux_describe(const struct pkg_vmlinux *v)
{
	if (!v->checked)
		return xasprintf(_("%s in %s (not read out of its package yet)"), v->path, v->pkg->name);
	return xasprintf(_("%s in %s: %s, %s, build-id %s"), v->path, v->pkg->name,
			 v->stripped ? _("stripped") : _("unstripped"),
			 v->debug_info ? _("with debug info") : _("no debug info"), v->build_id ? v->build_id : _("none"));
}

static void add_candidate(struct pkg_set *set, const struct pkg_info *p, const char *name)
{
	set->vmlinux = xrealloc(set->vmlinux, (set->n_vmlinux + 1) * sizeof(*set->vmlinux));
	set->vmlinux[set->n_vmlinux++] = (struct pkg_vmlinux){ .path = xstrdup(name), .pkg = p };
}

/* Regular files only: the -debug package's build/vmlinux is a symlink to its
 * usr/src/debug copy, which is a candidate of its own. */
static void find_candidates(struct pkg_set *set)
{
	char *want[2] = { xasprintf("usr/src/debug/%s/vmlinux", set->base),
			  xasprintf("usr/lib/modules/%s/build/vmlinux", set->release) };
	for (size_t w = 0; w < ARRAY_LEN(want); w++)
		for (size_t i = 0; i < set->n; i++) {
			const struct pkg_info *p = &set->pkgs[i];
			if (p->role == PKG_API_HEADERS)
				continue;
			for (size_t f = 0; f < p->n_files; f++)
				if (S_ISREG(p->files[f].mode) && strcmp(p->files[f].name, want[w]) == 0)
					add_candidate(set, p, want[w]);
		}
	free(want[0]);
	free(want[1]);
}

/* Reading the vmlinux out of its package before anything is installed: a
 * stripped one (linux-cachyos strips the -headers copy) is refused before
 * sudo and pacman touch the system, not after a reboot. The copy goes next to
 * the package (the objtree has room for a few hundred MB; /tmp may be a small
 * tmpfs) and is unlinked at once, so nothing is left behind even on SIGKILL;
 * elfid reads it through /proc/self/fd. */
static int extract_entry(const char *pkgpath, const char *entry_name, int *fd_out, char **cause)
{
	char *dir = xstrdup(pkgpath);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[1] = '\0';
	else
		strcpy(dir, "./");
	char *tmpl = xasprintf("%s.kfdo-vmlinux-XXXXXX", dir);
	int fd = mkstemp(tmpl);
	if (fd < 0) {
		free(tmpl);
		const char *tmp = getenv("TMPDIR");
		tmpl = xasprintf("%s/kfdo-vmlinux-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		fd = mkstemp(tmpl);
	}
	free(dir);
	if (fd < 0) {
		cause_set(cause, _("cannot create a temporary file %s: %s"), tmpl, strerror(errno));
		free(tmpl);
		return -1;
	}
	unlink(tmpl);
	free(tmpl);

	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	int rc = -1;
	struct archive_entry *e;
	if (archive_read_open_filename(a, pkgpath, 1 << 16) != ARCHIVE_OK) {
		cause_set(cause, _("cannot open %s: %s"), pkgpath, archive_error_string(a));
		goto out;
	}
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		if (strcmp(archive_entry_pathname(e), entry_name) != 0)
			continue;
		if (archive_read_data_into_fd(a, fd) != ARCHIVE_OK) {
			cause_set(cause, _("cannot read %s out of %s: %s"), entry_name, pkgpath, archive_error_string(a));
			goto out;
		}
		rc = 0;
		goto out;
	}
	cause_set(cause, _("%s has no %s (%s)"), pkgpath, entry_name,
		  r == ARCHIVE_EOF ? _("end of the archive") : archive_error_string(a));
out:
	archive_read_free(a);
	if (rc < 0)
		close(fd);
	else
		*fd_out = fd;
	return rc;
}

static int check_candidate(struct pkg_vmlinux *v, char **cause)
{
	int fd;
	if (extract_entry(v->pkg->path, v->path, &fd, cause) < 0)
		return -1;
	char *proc = xasprintf("/proc/self/fd/%d", fd);
	struct elf_info info;
	char *err = NULL;
	int rc = elfid_inspect(proc, &info, &err);
	free(proc);
	close(fd);
	if (rc < 0) {
		cause_set(cause, _("%s in %s cannot be read as ELF: %s"), v->path, v->pkg->name, err);
		free(err);
		return -1;
	}
	v->checked = true;
	v->stripped = !info.has_symtab;
	v->debug_info = info.has_debug_info;
	v->build_id = info.build_id;
	info.build_id = NULL;
	if (!v->stripped && !info.is_kernel) {
		cause_set(cause, _("%s in %s is not a kernel image (no _text and _stext symbols)"), v->path,
			  v->pkg->name);
		return -1;
	}
	return 0;
}

int pkg_choose_vmlinux(struct pkg_set *set, unsigned flags, char **cause)
{
	find_candidates(set);
	const char *debug_name = NULL;
	for (size_t i = 0; i < set->n; i++)
		if (set->pkgs[i].role == PKG_DEBUG)
			debug_name = set->pkgs[i].name;
	if (!set->n_vmlinux) {
		cause_set(cause,
			  _("no vmlinux in these packages, and AutoFDO needs the unstripped one: %s"),
			  debug_name ? _("the debug package holds none either")
				     : _("build the debug package too (make pacman-pkg makes <base>-debug "
					 "unless PACMAN_EXTRAPACKAGES leaves debug out; linux-cachyos makes "
					 "<base>-dbg with _build_debug=yes)"));
		return -1;
	}
	if (!(flags & PKG_READ_VMLINUX)) {
		set->chosen = &set->vmlinux[0];
		return 0;
	}
	for (size_t i = 0; i < set->n_vmlinux && !set->chosen; i++) {
		struct pkg_vmlinux *v = &set->vmlinux[i];
		if (check_candidate(v, cause) < 0)
			return -1;
		if (!v->stripped)
			set->chosen = v;
		else
			strv_pushf(&set->notes, _("%s in %s is stripped: passed over"), v->path, v->pkg->name);
	}
	if (set->chosen)
		return 0;
	const struct pkg_vmlinux *v = &set->vmlinux[0];
	cause_set(cause,
		  _("the vmlinux in these packages (%s in %s) is stripped, and llvm-profgen needs its "
		    "symbols: %s"), v->path, v->pkg->name,
		  debug_name ? _("the debug package's copy is stripped as well")
			     : _("build the debug package too: with make pacman-pkg keep debug in "
				 "PACMAN_EXTRAPACKAGES (it makes <base>-debug); linux-cachyos strips "
				 "the -headers copy and makes <base>-dbg with _build_debug=yes"));
	return -1;
}
