/* Root's file (the sysctl drop-in): the commands that install it and take it
 * away, as argv for the runner, through sudo.
 *
 * Beside the file kfdo keeps, in the same root-owned directory, names that
 * systemd-sysctl ignores (it reads *.conf only):
 *   NAME.kfdo-new    kfdo's text, root-owned, checked before it is moved in
 *   NAME.kfdo-mine   a second name of kfdo's installed file, so that a command
 *                    can tell kfdo's file from any other (find -samefile)
 *   NAME.kfdo-saved  the file that was at NAME before, moved aside whole
 * Telling kfdo's file apart is what makes each plan safe to run again from any
 * point it stopped at, without kfdo reading the directory itself: the install
 * never puts its own file aside as the "previous" one, and the removal never
 * removes a file that is not kfdo's. */
#include "engine/sysfiles.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/sysfiles_int.h"

struct names {
	char *dest, *dir, *base, *saved, *mine, *fresh;
};

static void names_init(struct names *nm, const char *dest)
{
	nm->dest = xstrdup(dest);
	nm->dir = sysfiles_dirname(dest);
	nm->base = xstrdup(strrchr(dest, '/') + 1);
	nm->saved = xasprintf("%s%s", dest, SYSFILES_SAVED_SUFFIX);
	nm->mine = xasprintf("%s%s", dest, SYSFILES_MINE_SUFFIX);
	nm->fresh = xasprintf("%s%s", dest, SYSFILES_NEW_SUFFIX);
}

static void names_free(struct names *nm)
{
	free(nm->dest);
	free(nm->dir);
	free(nm->base);
	free(nm->saved);
	free(nm->mine);
	free(nm->fresh);
}

/* A command as root from its words, NULL-terminated. */
static struct plan_cmd *add_root(struct plan *p, const char *desc, const char *first, ...)
{
	char **v = NULL;
	va_list ap;
	va_start(ap, first);
	for (const char *w = first; w; w = va_arg(ap, const char *))
		strv_push(&v, w);
	va_end(ap);
	struct plan_cmd *c = plan_add(p, desc, v);
	c->needs_root = true;
	return c;
}

/* "kernel.kptr_restrict" -> "/proc/sys/kernel/kptr_restrict". malloc'd. */
static char *sysctl_proc_path(const char *key)
{
	char *p = xasprintf("/proc/sys/%s", key);
	for (char *q = p + strlen("/proc/sys/"); *q; q++)
		if (*q == '.')
			*q = '/';
	return p;
}

/* Only a value kfdo itself could have read: one of its keys, an integer. The
 * removal runs `sysctl -w` of it as root. */
static bool before_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || !eq[1])
		return false;
	bool key = false;
	for (size_t i = 0; i < sysfiles_sysctl_nkeys; i++)
		key |= strlen(sysfiles_sysctl_keys[i]) == (size_t)(eq - kv) &&
		       strncmp(kv, sysfiles_sysctl_keys[i], (size_t)(eq - kv)) == 0;
	/* Never a negative value: -1 is more open than the drop-in's 0, so kfdo
	 * never has one to put back, and an edited manifest must not make it. */
	const char *v = eq + 1;
	if (!*v)
		return false;
	for (; *v; v++)
		if (*v < '0' || *v > '9')
			return false;
	return key;
}

static char **read_before(const char *sysroot)
{
	char **v = NULL;
	for (size_t i = 0; i < sysfiles_sysctl_nkeys; i++) {
		char *proc = sysctl_proc_path(sysfiles_sysctl_keys[i]);
		char *val = sysroot_read_line(sysroot, proc);
		char *kv = val ? xasprintf("%s=%s", sysfiles_sysctl_keys[i], val) : NULL;
		if (kv && before_ok(kv))
			strv_push(&v, kv);
		free(kv);
		free(val);
		free(proc);
	}
	return v;
}

/* The install's commands (engine/sysfiles.h): the copy, its check, the
 * previous file put aside unless it is kfdo's, the mark, the move. */
/* Text as awk reads a -v assignment: backslash and newline escaped. malloc'd. */
static char *awk_escape(const char *text)
{
	struct strbuf sb = { 0 };
	for (const char *c = text; *c; c++) {
		if (*c == '\\')
			sb_add(&sb, "\\\\");
		else if (*c == '\n')
			sb_add(&sb, "\\n");
		else
			sb_addf(&sb, "%c", *c);
	}
	return sb.s ? sb.s : xstrdup("");
}

static void append_install(const struct names *nmp, const char *staged, bool mkdirs, struct plan *p)
{
	const struct names nm = *nmp; /* shallow: names_free stays with the caller */
	if (mkdirs)
		add_root(p, _("Create the directory for the drop-in"), "install", "-d", "-m", "0755", "-o", "root",
			 "-g", "root", nm.dir, NULL);
	add_root(p, _("Copy kfdo's text beside its place, owned by root"), "install", "-m", "0644", "-o", "root",
		 "-g", "root", "-T", staged, nm.fresh, NULL);
	/* The staged text is the user's file until root copied it: any process of
	 * the user's could have changed it meanwhile (a core_pattern pipe would run
	 * as root at every boot). The root-owned copy, the one moved in, must be
	 * kfdo's text to the byte; awk compares it with the text given here. */
	char *text = sysfiles_sysctl_text(), *want = awk_escape(text);
	struct plan_cmd *c = add_root(p, _("Check that the copy is kfdo's text, to the byte"), "awk", "-v", NULL);
	strv_pushf(&c->argv, "want=%s", want);
	strv_push(&c->argv, "{ got = got $0 \"\\n\" } END { exit got != want }");
	strv_push(&c->argv, nm.fresh);
	free(text);
	free(want);
	add_root(p, _("Make sure the name that marks kfdo's file exists"), "touch", nm.mine, NULL);
	add_root(p, _("Put the file now in place aside, unless it is kfdo's own"), "find", nm.dir, "-mindepth",
		 "1", "-maxdepth", "1", "-name", nm.base, "!", "-samefile", nm.mine, "-exec", "mv", "-f", "-T",
		 "{}", nm.saved, ";", NULL);
	add_root(p, _("Mark kfdo's file, so that its removal knows it"), "ln", "-f", "-T", nm.fresh, nm.mine,
		 NULL);
	add_root(p, _("Put the sysctl drop-in in place (it applies at every boot)"), "mv", "-f", "-T", nm.fresh,
		 nm.dest, NULL);
	/* Not applied now: the reboot does, and until then the machine stays as
	 * closed as it was (kfdo reboot --by-hand may wait days for it). */
}

void sysfiles_install_cmds(enum sysfile_kind kind, const char *sysroot, struct plan *p)
{
	if (!sysfile_kind_root(kind))
		return;
	char *dest = sysfiles_path(kind, sysroot);
	struct names nm;
	names_init(&nm, dest);
	free(dest);
	char *staged_dir = sysfiles_state_path("staged");
	char *staged = xasprintf("%s/%s", staged_dir, nm.base);
	struct stat st;
	append_install(&nm, staged, lstat(nm.dir, &st) < 0 && errno == ENOENT, p);
	free(staged);
	free(staged_dir);
	names_free(&nm);
}

int sysfiles_install_plan(enum sysfile_kind kind, const struct sysfiles_in *in, struct plan *p, char **cause)
{
	if (!sysfile_kind_root(kind)) {
		cause_set(cause, _("%s is the user's own file: kfdo writes it itself"), sysfile_kind_name(kind));
		return -1;
	}
	char *text = sysfiles_sysctl_text();
	char *dest = sysfiles_path(kind, in->sysroot);
	struct names nm;
	names_init(&nm, dest);
	free(dest);
	char *staged_dir = sysfiles_state_path("staged");
	char *staged = xasprintf("%s/%s", staged_dir, nm.base);
	struct sysfile *v = NULL;
	size_t n = 0;
	char **dirs = NULL;
	int rc = -1;
	struct stat st;
	if (lstat(nm.dir, &st) < 0 && errno == ENOENT)
		dirs = sysfiles_missing_dirs(nm.dir);
	if (mkdir_p(staged_dir, 0700, cause) < 0 || sysfiles_write_file(staged, text, 0600, cause) < 0 ||
	    sysfiles_load(&v, &n, cause) < 0)
		goto out;
	long i = sysfiles_find(v, n, nm.dest);
	if (i < 0) {
		struct sysfile f = { .kind = kind, .path = nm.dest, .root = true, .staged = staged, .dirs = dirs };
		/* NULL only when kfdo could see that nothing is there: in a directory it
		 * may not read, the removal looks for the saved file itself. */
		if (lstat(nm.dest, &st) == 0 || errno != ENOENT)
			f.saved = nm.saved;
		f.before = read_before(in->sysroot);
		sysfiles_put(&v, &n, &f);
		strv_free(f.before);
	} else {
		/* Installed before (a step run again): the saved file and the sysctl
		 * values from before the first install stay. */
		free(v[i].staged);
		v[i].staged = xstrdup(staged);
	}
	if (sysfiles_save(v, n, cause) < 0)
		goto out;

	append_install(&nm, staged, dirs != NULL, p);
	rc = 0;
out:
	sysfiles_free(v, n);
	strv_free(dirs);
	free(staged);
	free(staged_dir);
	free(text);
	names_free(&nm);
	return rc;
}

/* dir is the drop-in's directory or one above it, strictly below sysroot:
 * the only directories the install can have made. */
static bool own_dir(const char *dir, const char *file_dir, const char *sysroot)
{
	size_t d = strlen(dir), r = strlen(sysroot);
	while (r > 1 && sysroot[r - 1] == '/')
		r--;
	bool below = r <= 1 ? d > 1 : (d > r && strncmp(dir, sysroot, r) == 0 && dir[r] == '/');
	bool ancestor = strncmp(file_dir, dir, d) == 0 && (file_dir[d] == '\0' || file_dir[d] == '/');
	return below && ancestor && dir[0] == '/';
}

int sysfiles_remove_plan(const char *sysroot, struct plan *p, char **cause)
{
	struct sysfile *v = NULL;
	size_t n = 0;
	if (!sysroot || !*sysroot)
		sysroot = "/";
	if (sysfiles_load(&v, &n, cause) < 0)
		return -1;
	/* Commands run as root from what a user-owned file says: only kfdo's own
	 * path below this sysroot, or nothing at all. */
	for (size_t i = 0; i < n; i++) {
		char *own = v[i].root ? sysfiles_path(v[i].kind, sysroot) : NULL;
		bool ok = !own || strcmp(own, v[i].path) == 0;
		free(own);
		if (!ok) {
			cause_set(cause, _("the manifest names %s, which is not kfdo's own file here: nothing was "
					   "removed; remove it by hand if kfdo put it there"),
				  v[i].path);
			sysfiles_free(v, n);
			return -1;
		}
	}
	for (size_t i = n; i-- > 0;) {
		const struct sysfile *f = &v[i];
		if (!f->root)
			continue;
		struct names nm;
		names_init(&nm, f->path);
		struct stat st;
		/* No directory, no file: the install stopped before it made one. */
		if (lstat(nm.dir, &st) == 0) {
			add_root(p, _("Make sure the name that marks kfdo's file exists"), "touch", nm.mine, NULL);
			add_root(p, _("Remove kfdo's file (and only kfdo's)"), "find", nm.dir, "-mindepth", "1",
				 "-maxdepth", "1", "-name", nm.base, "-samefile", nm.mine, "-delete", NULL);
			add_root(p, _("Put back the file that was there before, if there was one"), "find", nm.dir,
				 "-mindepth", "1", "-maxdepth", "1", "-name", strrchr(nm.saved, '/') + 1, "-exec",
				 "mv", "-n", "-T", "{}", nm.dest, ";", NULL);
			add_root(p, _("Remove kfdo's marks"), "rm", "-f", "--", nm.mine, nm.fresh, NULL);
		}
		char **dirs = NULL;
		for (size_t j = 0; f->dirs && f->dirs[j]; j++)
			if (own_dir(f->dirs[j], nm.dir, sysroot) && lstat(f->dirs[j], &st) == 0)
				strv_push(&dirs, f->dirs[j]);
		if (dirs) {
			struct plan_cmd *c = add_root(p, _("Remove the directories kfdo created, if empty"), "rmdir",
						      "--ignore-fail-on-non-empty", "--", NULL);
			for (size_t j = 0; dirs[j]; j++)
				strv_push(&c->argv, dirs[j]);
			strv_free(dirs);
		}
		for (size_t j = 0; f->before && f->before[j]; j++)
			if (before_ok(f->before[j]))
				add_root(p, _("Set the value back to what it was before kfdo"), "sysctl", "-w",
					 f->before[j], NULL);
		names_free(&nm);
	}
	sysfiles_free(v, n);
	return 0;
}

int sysfiles_forget_root(char **cause)
{
	struct sysfile *v = NULL;
	size_t n = 0;
	if (sysfiles_load(&v, &n, cause) < 0)
		return -1;
	int rc = 0;
	struct stat st;
	for (size_t i = n; i-- > 0;) {
		if (!v[i].root)
			continue;
		/* Seen only where kfdo may look: elsewhere it trusts the plan's success. */
		char *mine = xasprintf("%s%s", v[i].path, SYSFILES_MINE_SUFFIX);
		bool left = lstat(mine, &st) == 0;
		free(mine);
		if (left) {
			cause_set(cause, _("%s is still in place: its removal has not run"), v[i].path);
			rc = -1;
			continue;
		}
		if (v[i].staged)
			unlink(v[i].staged);
		sysfiles_drop(v, &n, i);
	}
	if (sysfiles_save(v, n, rc < 0 ? NULL : cause) < 0)
		rc = -1;
	char *staged = sysfiles_state_path("staged");
	rmdir(staged);
	free(staged);
	sysfiles_free(v, n);
	return rc;
}
