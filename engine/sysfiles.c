/* Where each file goes, the user's own files (written and removed by kfdo
 * itself), and the status lines. The manifest is in sysfiles_manifest.c,
 * root's files in sysfiles_root.c, the texts in sysfiles_text.c. */
#include "engine/sysfiles.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/json_out.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/sysfiles_int.h"

static const char *const kind_names[SYSFILE_KIND_COUNT] = {
	[SYSFILE_SYSCTL] = "sysctl",	   [SYSFILE_UNIT] = "unit",	   [SYSFILE_UNIT_LINK] = "unit-link",
	[SYSFILE_AUTOSTART] = "autostart",
};

const char *sysfile_kind_name(enum sysfile_kind k)
{
	return (unsigned)k < SYSFILE_KIND_COUNT ? kind_names[k] : "?";
}

bool sysfile_kind_parse(const char *name, enum sysfile_kind *out)
{
	for (int i = 0; i < SYSFILE_KIND_COUNT; i++)
		if (strcmp(name, kind_names[i]) == 0) {
			*out = (enum sysfile_kind)i;
			return true;
		}
	return false;
}

bool sysfile_kind_root(enum sysfile_kind k)
{
	return k == SYSFILE_SYSCTL;
}

char *sysfiles_config_home(void)
{
	/* Where systemd's user manager and the desktop look, if the session has the
	 * same $XDG_CONFIG_HOME as this shell (the unit text writes it down). */
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		return xstrdup(xdg);
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw && pw->pw_dir ? pw->pw_dir : "/";
	}
	return xasprintf("%s/.config", strcmp(home, "/") ? home : "");
}

char *sysfiles_journalctl(void)
{
	char *j = path_find_exe("journalctl");
	return j ? j : xstrdup("/usr/bin/journalctl");
}

char *sysfiles_path(enum sysfile_kind k, const char *sysroot)
{
	if (k == SYSFILE_SYSCTL)
		return sysroot_path(sysroot, "/etc/sysctl.d/99-kfdo-perf.conf");
	static const char *const rel[SYSFILE_KIND_COUNT] = {
		[SYSFILE_UNIT] = "systemd/user/" SYSFILES_UNIT_NAME,
		[SYSFILE_UNIT_LINK] = "systemd/user/default.target.wants/" SYSFILES_UNIT_NAME,
		[SYSFILE_AUTOSTART] = "autostart/kfdo-continue.desktop",
	};
	char *home = sysfiles_config_home();
	char *p = xasprintf("%s/%s", home, (unsigned)k < SYSFILE_KIND_COUNT && rel[k] ? rel[k] : "kfdo-unknown");
	free(home);
	return p;
}

char *sysfiles_state_path(const char *sub)
{
	char *dir = paths_state_dir();
	char *p = xasprintf("%s/%s", dir, sub);
	free(dir);
	return p;
}

char *sysfiles_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xasprintf("%.*s", (int)(slash - path), path);
}

char **sysfiles_missing_dirs(const char *dir)
{
	char **v = NULL;
	char *d = xstrdup(dir);
	struct stat st;
	while (strcmp(d, "/") && strcmp(d, ".") && lstat(d, &st) < 0 && errno == ENOENT) {
		strv_push(&v, d);
		char *up = sysfiles_dirname(d);
		free(d);
		d = up;
	}
	free(d);
	return v;
}

/* ---- the user's files ---- */

static int stop_at;

void sysfiles_test_stop_at(int stage)
{
	stop_at = stage;
}

static bool stopped(int stage, char **cause)
{
	if (stop_at != stage)
		return false;
	cause_set(cause, "stopped at stage %d (a test)", stage);
	return true;
}

/* Whether what is at path is this text (or, for a link, points at it). */
static bool same_content(const char *path, const char *text, bool link)
{
	if (link) {
		char buf[4096];
		ssize_t r = readlink(path, buf, sizeof(buf) - 1);
		if (r < 0)
			return false;
		buf[r] = '\0';
		return strcmp(buf, text) == 0;
	}
	size_t len;
	char *cur = file_read(path, 1 << 20, &len);
	bool same = cur && len == strlen(text) && memcmp(cur, text, len) == 0;
	free(cur);
	return same;
}

/* A name under saved/ that is not taken: "NAME", "NAME-2"... */
static char *fresh_saved(const char *path)
{
	const char *base = strrchr(path, '/') + 1;
	char *dir = sysfiles_state_path("saved");
	char *p = NULL;
	struct stat st;
	for (int i = 1; i < 1000; i++) {
		free(p);
		p = i == 1 ? xasprintf("%s/%s", dir, base) : xasprintf("%s/%s-%d", dir, base, i);
		if (lstat(p, &st) < 0 && errno == ENOENT)
			break;
	}
	free(dir);
	return p;
}

/* Keeps the previous file: a hard link, so that its bytes, mode and owner stay
 * exactly as they were while the new file replaces the name. */
static int keep_previous(const char *path, const char *saved, char **cause)
{
	char *dir = sysfiles_dirname(saved);
	int rc = mkdir_p(dir, 0700, cause) < 0 ? -1 : 0;
	free(dir);
	if (rc == 0 && link(path, saved) < 0) {
		cause_set(cause, _("cannot keep %s as %s: %s (the previous file was left as it is)"), path, saved,
			  strerror(errno));
		rc = -1;
	}
	return rc;
}

/* Installs one file (content: its text, or for a link its target). */
static int install_one(enum sysfile_kind kind, const char *content, bool link, char **cause)
{
	char *path = sysfiles_path(kind, NULL);
	char *dir = sysfiles_dirname(path);
	struct sysfile *v = NULL;
	size_t n = 0;
	int rc = -1;
	struct stat st;
	if (sysfiles_load(&v, &n, cause) < 0)
		goto out;
	long i = sysfiles_find(v, n, path);
	if (i < 0) {
		/* Recorded before anything is written: a run cut short from here on
		 * still leaves an entry that removal can act on. */
		struct sysfile f = { .kind = kind, .path = path };
		if (lstat(path, &st) == 0)
			f.saved = fresh_saved(path);
		else if (errno != ENOENT) {
			cause_set(cause, _("cannot read %s: %s"), path, strerror(errno));
			goto out;
		}
		f.dirs = sysfiles_missing_dirs(dir);
		sysfiles_put(&v, &n, &f);
		free(f.saved);
		strv_free(f.dirs);
		i = (long)n - 1;
		if (sysfiles_save(v, n, cause) < 0)
			goto out;
	}
	if (stopped(1, cause))
		goto out;
	const struct sysfile *f = &v[i];
	/* The previous file is kept once: when the copy is there already, what is
	 * at path is kfdo's own (an install run again). With no copy, what is at
	 * path is still the user's: kept, or left alone when it is this very text. */
	if (f->saved && lstat(f->saved, &st) < 0 && lstat(path, &st) == 0) {
		if (same_content(path, content, link)) {
			rc = 0;
			goto out;
		}
		if (keep_previous(path, f->saved, cause) < 0)
			goto out;
	}
	if (stopped(2, cause))
		goto out;
	if (mkdir_p(dir, 0700, cause) < 0)
		goto out;
	if (!link) {
		rc = sysfiles_write_file(path, content, 0644, cause);
		goto out;
	}
	char *tmp = xasprintf("%s.kfdo-link", path);
	unlink(tmp);
	if (symlink(content, tmp) < 0 || rename(tmp, path) < 0) {
		cause_set(cause, _("cannot create the link %s: %s"), path, strerror(errno));
		unlink(tmp);
	} else {
		rc = 0;
	}
	free(tmp);
out:
	sysfiles_free(v, n);
	free(dir);
	free(path);
	return rc;
}

int sysfiles_install_user(enum sysfile_kind kind, const struct sysfiles_in *in, char **cause)
{
	char *text = NULL;
	int rc = -1;
	if (kind == SYSFILE_UNIT) {
		if (sysfiles_unit_text(in->kfdo_path, &text, cause) < 0)
			return -1;
		/* Enabled as `systemctl --user enable` would, a link in the wants
		 * directory of its WantedBy= target to the unit's absolute path: kfdo
		 * makes it itself, so that no running user manager is needed (sudo, ssh,
		 * tests) and the manifest holds it like any other file. The reboot
		 * follows, so no daemon-reload is either. */
		char *unit = sysfiles_path(SYSFILE_UNIT, NULL);
		if (install_one(SYSFILE_UNIT, text, false, cause) == 0 &&
		    install_one(SYSFILE_UNIT_LINK, unit, true, cause) == 0)
			rc = 0;
		free(unit);
	} else if (kind == SYSFILE_AUTOSTART) {
		char *journalctl = sysfiles_journalctl();
		if (sysfiles_autostart_text(journalctl, in->terminal, &text, cause) == 0)
			rc = install_one(SYSFILE_AUTOSTART, text, false, cause);
		free(journalctl);
	} else {
		cause_set(cause, _("%s is root's file: it is installed through the plan"), sysfile_kind_name(kind));
	}
	free(text);
	return rc;
}

/* Puts back what was at f->path, or removes kfdo's file. */
static int remove_one(const struct sysfile *f, char **cause)
{
	struct stat st;
	if (!f->saved) {
		if (unlink(f->path) < 0 && errno != ENOENT) {
			cause_set(cause, _("cannot remove %s: %s"), f->path, strerror(errno));
			return -1;
		}
	} else if (lstat(f->saved, &st) == 0) {
		/* rename() between two names of one file does nothing: the previous
		 * file was kept but never replaced; the extra name goes. */
		if (rename(f->saved, f->path) < 0 || (lstat(f->saved, &st) == 0 && unlink(f->saved) < 0)) {
			cause_set(cause, _("cannot put %s back as %s: %s"), f->saved, f->path, strerror(errno));
			return -1;
		}
	}
	/* (A saved name with no file behind it: the install stopped before it
	 * replaced anything, and what is at the path is the user's own.) */
	for (size_t i = 0; f->dirs && f->dirs[i]; i++)
		rmdir(f->dirs[i]);
	return 0;
}

int sysfiles_remove_user(char **cause)
{
	struct sysfile *v = NULL;
	size_t n = 0;
	if (sysfiles_load(&v, &n, cause) < 0)
		return -1;
	int rc = 0;
	/* The last installed first: the unit's link before the unit. */
	for (size_t i = n; i-- > 0;) {
		if (v[i].root)
			continue;
		if (remove_one(&v[i], cause) < 0) {
			rc = -1;
			continue;
		}
		sysfiles_drop(v, &n, i);
		if (sysfiles_save(v, n, cause) < 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0) {
		char *saved = sysfiles_state_path("saved");
		rmdir(saved);
		free(saved);
	}
	sysfiles_free(v, n);
	return rc;
}

/* ---- status ---- */

static const char *purpose(enum sysfile_kind k)
{
	static const char *const text[SYSFILE_KIND_COUNT] = {
		[SYSFILE_SYSCTL] = N_("perf may record the kernel (perf_event_paranoid 0, kptr_restrict 0)"),
		[SYSFILE_UNIT] = N_("runs `kfdo continue` after the next login"),
		[SYSFILE_UNIT_LINK] = N_("enables that unit for default.target"),
		[SYSFILE_AUTOSTART] = N_("shows the run in a terminal when the desktop starts"),
	};
	return (unsigned)k < SYSFILE_KIND_COUNT ? _(text[k]) : "?";
}

static int exists(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/* Whether kfdo's file is in place. 1: yes, 0: no, -1: cannot tell (a
 * directory kfdo may not read). Root's is known by its second name. */
static int present(const struct sysfile *f)
{
	int p = exists(f->path);
	if (p != 1 || !f->root)
		return p;
	char *mine = xasprintf("%s%s", f->path, SYSFILES_MINE_SUFFIX);
	p = exists(mine);
	free(mine);
	return p;
}

char **sysfiles_status_lines(void)
{
	struct sysfile *v = NULL;
	size_t n = 0;
	char *cause = NULL, **lines = NULL;
	if (sysfiles_load(&v, &n, &cause) < 0) {
		strv_push(&lines, cause);
		free(cause);
		return lines;
	}
	for (size_t i = 0; i < n; i++) {
		int p = present(&v[i]);
		strv_pushf(&lines, "%s%s: %s%s%s", v[i].path, v[i].root ? _(" (root)") : "", purpose(v[i].kind),
			   v[i].saved ? _("; the previous file is kept") : "",
			   p == 0 ? _("; not in place (its install did not run, or was cut short)") : "");
	}
	sysfiles_free(v, n);
	return lines;
}

json_object *sysfiles_status_json(void)
{
	struct sysfile *v = NULL;
	size_t n = 0;
	char *cause = NULL;
	if (sysfiles_load(&v, &n, &cause) < 0) {
		free(cause);
		return NULL;
	}
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = sysfiles_entry_json(&v[i]);
		int p = present(&v[i]);
		json_object_object_add(o, "present", p < 0 ? NULL : json_object_new_boolean(p));
		json_object_array_add(a, o);
	}
	sysfiles_free(v, n);
	return a;
}
