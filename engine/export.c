/* A profile handed to a linux-cachyos PKGBUILD (engine/export.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/export.h"
#include "engine/pkgbuild.h"

#define CHUNK (64 * 1024)

/* rename() that never replaces a file: renameat2's RENAME_NOREPLACE, or
 * where the filesystem lacks it, a link and an unlink. */
static int rename_fresh(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (link(from, to) < 0)
		return -1;
	return unlink(from);
}

/* A profile to copy: a regular file with something in it. */
static int check_source(const char *path, const char *what, off_t *size, char **cause)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		cause_set(cause, _("%s %s: %s"), what, path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		cause_set(cause, S_ISREG(st.st_mode) ? _("%s %s is empty") : _("%s %s is not a file"), what, path);
		return -1;
	}
	*size = st.st_size;
	return 0;
}

/* Whether two files hold the same bytes: 1 same, 0 different, -1 unreadable (errno). */
static int same_bytes(const char *a, const char *b)
{
	int fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC);
	int ret = -1;
	char *ba = xmalloc(CHUNK), *bb = xmalloc(CHUNK);
	if (fa >= 0 && fb >= 0) {
		for (;;) {
			ssize_t na = read(fa, ba, CHUNK), nb = na > 0 ? read(fb, bb, (size_t)na) : read(fb, bb, 1);
			if (na < 0 || nb < 0)
				break;
			if (na != nb || memcmp(ba, bb, (size_t)na)) {
				ret = 0;
				break;
			}
			if (na == 0) {
				ret = 1;
				break;
			}
		}
	}
	int e = errno;
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	free(ba), free(bb);
	errno = e;
	return ret;
}

/* Plans one file: from, to DIR/name, and what is at the name now. */
static int plan_file(struct export_plan *ep, const char *from, const char *name, const char *what, bool force,
		     char **cause)
{
	struct export_file *f = &ep->files[ep->n_files];
	if (check_source(from, what, &f->size, cause) < 0)
		return -1;
	f->from = xstrdup(from);
	f->to = xasprintf("%s/%s", ep->dir, name);
	ep->n_files++;
	struct stat st;
	if (lstat(f->to, &st) < 0) {
		f->state = EXPORT_NEW;
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		cause_set(cause, _("%s is a directory"), f->to);
		return -1;
	}
	int same = S_ISREG(st.st_mode) ? same_bytes(from, f->to) : 0;
	if (same < 0) {
		cause_set(cause, _("cannot compare %s with %s: %s"), from, f->to, strerror(errno));
		return -1;
	}
	f->state = same ? EXPORT_SAME : EXPORT_REPLACE;
	if (!same && !force) {
		cause_set(cause, _("%s is there already and differs from %s: kfdo replaces nothing by itself"),
			  f->to, from);
		return EXPORT_CONFLICT;
	}
	return 0;
}

/* The AutoFDO profile's name beside the PKGBUILD: its own. It becomes a
 * makepkg source and part of CLANG_AUTOFDO_PROFILE in kbuild's flags, which
 * split on spaces and expand $: only letters, digits and ._+- there, as
 * kfdo's own profile names are. And never a name the PKGBUILD's own files
 * have (its config, patches and signatures, the Propeller profiles), which
 * --force would replace. */
static bool plain_name(const char *s)
{
	if (!*s || *s == '.' || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("._+-", *s)))
			return false;
	return true;
}

static int afdo_name(const char *afdo, char **name, char **cause)
{
	const char *base = strrchr(afdo, '/');
	base = base ? base + 1 : afdo;
	if (!plain_name(base) || !strcmp(base, "PKGBUILD") || !strcmp(base, "config") ||
	    str_starts(base, "propeller_") || str_ends(base, ".patch") || str_ends(base, ".sig") ||
	    str_ends(base, ".asc")) {
		cause_set(cause, _("%s cannot go beside a PKGBUILD under its own name (only letters, digits and "
				   "._+- there, and no name of the PKGBUILD's own files): copy it under another "
				   "name first"), afdo);
		return -1;
	}
	*name = xstrdup(base);
	return 0;
}

int export_prepare(const struct export_opts *o, struct export_plan *ep, char **cause)
{
	*ep = (struct export_plan){ 0 };
	struct pkgbuild pb;
	if (pkgbuild_read(o->pkgbuild_dir, &pb, cause) < 0)
		return -1;
	/* Absolute: the line is run elsewhere, and "cd -x" or "cd -" would not
	 * go where it says. */
	ep->dir = realpath(o->pkgbuild_dir, NULL);
	if (!ep->dir) {
		cause_set(cause, _("cannot resolve %s: %s"), o->pkgbuild_dir, strerror(errno));
		goto fail;
	}
	ep->pkgbuild = xasprintf("%s/PKGBUILD", ep->dir);
	/* makepkg builds in DIR/src unless BUILDDIR says otherwise, and the
	 * kernel's build refuses a source path with a space or a colon. */
	if (strpbrk(ep->dir, " :"))
		ep->warning = xasprintf(_("the kernel cannot be built below %s (its path has a space or a colon): "
					  "set BUILDDIR in makepkg.conf, or use another folder"), ep->dir);
	if (pkgbuild_require(&pb, o->propeller != NULL, false, cause) < 0)
		goto fail;
	char *name = NULL;
	int rc = afdo_name(o->afdo, &name, cause);
	if (rc == 0)
		rc = plan_file(ep, o->afdo, name, _("the AutoFDO profile"), o->force, cause);
	if (rc < 0) {
		free(name);
		pkgbuild_free(&pb);
		export_plan_free(ep);
		return rc;
	}
	strv_push(&ep->env, "_autofdo=yes");
	strv_pushf(&ep->env, "_autofdo_profile_name=%s", name);
	free(name);
	/* The PKGBUILD builds with clang only for an LTO kernel (_is_lto_kernel),
	 * and AutoFDO is clang's: a PKGBUILD set to build without LTO would build
	 * with GCC and fail on CONFIG_AUTOFDO_CLANG. */
	const struct pkgbuild_knob *lto = pkgbuild_knob(&pb, "_use_llvm_lto");
	if (lto && (!*lto->value || !strcmp(lto->value, "none")))
		strv_push(&ep->env, "_use_llvm_lto=thin");
	if (o->propeller) {
		char *cc = xasprintf("%s_cc_profile.txt", o->propeller), *ld = xasprintf("%s_ld_profile.txt", o->propeller);
		rc = plan_file(ep, cc, PKGBUILD_PROPELLER_CC, _("the Propeller cc profile"), o->force, cause);
		if (rc == 0)
			rc = plan_file(ep, ld, PKGBUILD_PROPELLER_LD, _("the Propeller ld profile"), o->force, cause);
		free(cc), free(ld);
		if (rc < 0) {
			pkgbuild_free(&pb);
			export_plan_free(ep);
			return rc;
		}
		strv_push(&ep->env, "_propeller=yes");
		strv_push(&ep->env, "_propeller_profiles=yes");
	}
	/* The profiles go into source=() between the PKGBUILD's own sources, so
	 * its checksum arrays no longer line up: --skipchecksums, which keeps the
	 * PGP check of the kernel sources (--skipinteg would drop that too). */
	strv_push(&ep->makepkg, "makepkg");
	strv_push(&ep->makepkg, "--skipchecksums");
	pkgbuild_free(&pb);
	return 0;
fail:
	pkgbuild_free(&pb);
	export_plan_free(ep);
	return -1;
}

/* Writes from into a new temporary file in dir: its name, or NULL with a cause. */
static char *copy_to_temp(const char *from, const char *dir, char **cause)
{
	char *tmp = xasprintf("%s/.kfdo-export-XXXXXX", dir);
	int out = mkstemp(tmp), in = open(from, O_RDONLY | O_CLOEXEC);
	char *buf = xmalloc(CHUNK);
	int err = out < 0 ? errno : in < 0 ? errno : 0;
	const char *where = out < 0 ? dir : from;
	while (!err) {
		ssize_t n = read(in, buf, CHUNK);
		if (n < 0) {
			err = errno, where = from;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n && !err;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				err = errno, where = tmp;
			else
				off += w;
		}
	}
	/* Readable by makepkg's build user, as a file the user put there would be. */
	if (!err && (fchmod(out, 0644) < 0 || fsync(out) < 0))
		err = errno, where = tmp;
	if (out >= 0 && close(out) < 0 && !err)
		err = errno, where = tmp;
	if (in >= 0)
		close(in);
	free(buf);
	if (err) {
		cause_set(cause, _("cannot copy %s: %s: %s"), from, where, strerror(err));
		if (out >= 0)
			unlink(tmp);
		free(tmp);
		return NULL;
	}
	return tmp;
}

int export_write(struct export_plan *ep, char **cause)
{
	for (size_t i = 0; i < ep->n_files; i++) {
		struct export_file *f = &ep->files[i];
		if (f->state == EXPORT_SAME)
			continue;
		char *tmp = copy_to_temp(f->from, ep->dir, cause);
		if (!tmp)
			return -1;
		if (f->state == EXPORT_REPLACE) {
			f->kept = file_move_fresh(f->to, f->to, ".before-kfdo");
			if (!f->kept) {
				cause_set(cause, _("cannot move %s aside: %s"), f->to, strerror(errno));
				unlink(tmp), free(tmp);
				return -1;
			}
		}
		/* No replacing here: a file that came to the name since the plan
		 * is not the one the user was asked about. */
		if (rename_fresh(tmp, f->to) < 0) {
			int e = errno;
			cause_set(cause, e == EEXIST ? _("cannot write %s: a file came there meanwhile")
						     : _("cannot write %s: %s"), f->to, strerror(e));
			unlink(tmp), free(tmp);
			/* The replaced file goes back where it was. */
			if (f->kept && rename_fresh(f->kept, f->to) == 0) {
				free(f->kept);
				f->kept = NULL;
			}
			return -1;
		}
		free(tmp);
		f->written = true;
	}
	return 0;
}

char *export_line(const struct export_plan *ep)
{
	struct strbuf sb = { 0 };
	sb_add(&sb, "cd ");
	sb_add_quoted(&sb, ep->dir);
	sb_add(&sb, " &&");
	for (size_t i = 0; ep->env && ep->env[i]; i++) {
		/* KNOB=VALUE: the name is safe as it is, the value is quoted. */
		const char *eq = strchr(ep->env[i], '=');
		sb_addf(&sb, " %.*s", (int)(eq - ep->env[i] + 1), ep->env[i]);
		sb_add_quoted(&sb, eq + 1);
	}
	for (size_t i = 0; ep->makepkg && ep->makepkg[i]; i++) {
		sb_add(&sb, " ");
		sb_add_quoted(&sb, ep->makepkg[i]);
	}
	return sb.s;
}

void export_plan_free(struct export_plan *ep)
{
	for (size_t i = 0; i < ep->n_files; i++)
		free(ep->files[i].from), free(ep->files[i].to), free(ep->files[i].kept);
	free(ep->dir);
	free(ep->pkgbuild);
	free(ep->warning);
	strv_free(ep->env);
	strv_free(ep->makepkg);
	*ep = (struct export_plan){ 0 };
}
