/* Installing a kernel build's packages into a root of choice through
 * libalpm (root mode), checking any root's package database for them, and
 * recording what the install left in the session. */
#include "engine/pkg.h"

#include <alpm.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "engine/elfid.h"
#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/plan.h"

/* The handle of the transaction running, for pkg_install_interrupt(). */
static alpm_handle_t *volatile running;
static volatile sig_atomic_t interrupted;

void pkg_install_interrupt(void)
{
	interrupted = 1;
	/* libalpm checks the flag this sets between packages, as pacman's own
	 * signal handler relies on. */
	if (running)
		alpm_trans_interrupt(running);
}

struct install_ctx {
	FILE *out;
	int last_percent;
	size_t not_owned;	/* files left to the user: root mode without root */
};

static void on_event(void *arg, alpm_event_t *ev)
{
	struct install_ctx *c = arg;
	if (!c->out)
		return;
	/* libalpm passes small event structs that are not aligned as the union is
	 * (UBSan sees it): read the type bytes, then only the members of events
	 * whose structs hold pointers, hence the union's alignment. */
	alpm_event_type_t type;
	memcpy(&type, ev, sizeof(type));
	switch (type) {
	case ALPM_EVENT_CHECKDEPS_START:
		fprintf(c->out, _("checking dependencies\n"));
		break;
	case ALPM_EVENT_FILECONFLICTS_START:
		fprintf(c->out, _("checking for file conflicts\n"));
		break;
	case ALPM_EVENT_PACKAGE_OPERATION_START: {
		alpm_event_package_operation_t *op = &ev->package_operation;
		if (op->oldpkg && op->newpkg)
			fprintf(c->out, _("upgrading %s %s -> %s\n"), alpm_pkg_get_name(op->newpkg),
				alpm_pkg_get_version(op->oldpkg), alpm_pkg_get_version(op->newpkg));
		else if (op->newpkg)
			fprintf(c->out, _("installing %s %s\n"), alpm_pkg_get_name(op->newpkg),
				alpm_pkg_get_version(op->newpkg));
		break;
	}
	default:
		break;
	}
	fflush(c->out);
}

/* A line per 25% of each package: the log shows life without a flood. */
static void on_progress(void *arg, alpm_progress_t what, const char *pkg, int percent, size_t howmany,
			size_t current)
{
	struct install_ctx *c = arg;
	if (!c->out || (what != ALPM_PROGRESS_ADD_START && what != ALPM_PROGRESS_UPGRADE_START))
		return;
	if (percent == 0)
		c->last_percent = 0;
	if (percent >= c->last_percent + 25 || (percent == 100 && c->last_percent < 100)) {
		c->last_percent = percent;
		fprintf(c->out, "  (%zu/%zu) %s %d%%\n", current, howmany, pkg ? pkg : "", percent);
		fflush(c->out);
	}
}

static void on_log(void *arg, alpm_loglevel_t level, const char *fmt, va_list ap)
{
	struct install_ctx *c = arg;
	if (!c->out || !(level & (ALPM_LOG_ERROR | ALPM_LOG_WARNING)))
		return;
	char *msg = xvasprintf(fmt, ap);
	/* Without root, libarchive cannot give each file to root and warns once per
	 * file: thousands for a kernel's modules. One line at the end says it. */
	if (!(level & ALPM_LOG_ERROR) && strstr(msg, "Can't set user=")) {
		c->not_owned++;
	} else {
		fprintf(c->out, "%s%s", level & ALPM_LOG_ERROR ? "error: " : "warning: ", msg);
		fflush(c->out);
	}
	free(msg);
}

/* What alpm_trans_prepare/commit put in data, as one readable text. */
static void describe_data(alpm_errno_t err, alpm_list_t *data, struct strbuf *sb)
{
	for (alpm_list_t *i = data; i; i = alpm_list_next(i)) {
		sb_add(sb, i == data ? ": " : "; ");
		if (err == ALPM_ERR_UNSATISFIED_DEPS) {
			alpm_depmissing_t *m = i->data;
			char *dep = alpm_dep_compute_string(m->depend);
			sb_addf(sb, _("%s needs %s"), m->target, dep);
			free(dep);
			alpm_depmissing_free(m);
		} else if (err == ALPM_ERR_CONFLICTING_DEPS) {
			alpm_conflict_t *c = i->data;
			sb_addf(sb, _("%s conflicts with %s"), c->package1, c->package2);
			alpm_conflict_free(c);
		} else if (err == ALPM_ERR_FILE_CONFLICTS) {
			alpm_fileconflict_t *f = i->data;
			if (f->type == ALPM_FILECONFLICT_TARGET)
				sb_addf(sb, _("%s and %s both hold %s"), f->target, f->ctarget, f->file);
			else if (f->ctarget && *f->ctarget)
				sb_addf(sb, _("%s: %s is already there, owned by %s"), f->target, f->file, f->ctarget);
			else
				sb_addf(sb, _("%s: %s is already there"), f->target, f->file);
			alpm_fileconflict_free(f);
		} else {
			/* Invalid architectures and the like: plain strings. */
			sb_add(sb, i->data);
			free(i->data);
		}
	}
	alpm_list_free(data);
}

static alpm_handle_t *open_root(const char *root, const char *dbpath, bool create, char **cause)
{
	if (create && (mkdir_p(root, 0755, cause) < 0 || mkdir_p(dbpath, 0755, cause) < 0))
		return NULL;
	alpm_errno_t err = 0;
	alpm_handle_t *h = alpm_initialize(root, dbpath, &err);
	if (!h)
		cause_set(cause, _("cannot open the package database %s of %s: %s"), dbpath, root, alpm_strerror(err));
	return h;
}

int pkg_install_root(const char *root, const char *dbpath, char *const *paths, FILE *out, char **cause)
{
	if (!root || root[0] != '/' || strcmp(root, "/") == 0) {
		/* "/" goes through pacman, whose hooks rebuild the initramfs and the boot menu. */
		cause_set(cause, _("root mode installs into another root than /: install into the "
				   "running system with sudo pacman -U"));
		return -1;
	}
	if (!strv_len(paths)) {
		cause_set(cause, _("no package to install"));
		return -1;
	}
	alpm_handle_t *h = open_root(root, dbpath, true, cause);
	if (!h)
		return -1;
	struct install_ctx ctx = { .out = out };
	alpm_option_set_eventcb(h, on_event, &ctx);
	alpm_option_set_progresscb(h, on_progress, &ctx);
	alpm_option_set_logcb(h, on_log, &ctx);
	/* pacman's LocalFileSigLevel default, "Optional": a .sig beside a package is
	 * checked, an unsigned package (make pacman-pkg signs nothing) is accepted. */
	int level = ALPM_SIG_PACKAGE | ALPM_SIG_PACKAGE_OPTIONAL;
	alpm_option_set_local_file_siglevel(h, level);
	alpm_option_set_gpgdir(h, "/etc/pacman.d/gnupg/");
	/* Local files need no download cache; naming the one libalpm would fall
	 * back to anyway keeps its warning about a missing cache out of the log. */
	const char *tmp = getenv("TMPDIR");
	alpm_option_add_cachedir(h, tmp && *tmp == '/' ? tmp : "/tmp/");
	/* pacman's "Architecture = auto": this machine's, and "any". */
	struct utsname u;
	if (uname(&u) == 0)
		alpm_option_add_architecture(h, u.machine);
	alpm_option_add_architecture(h, "any");

	int rc = -1;
	bool trans = false;
	alpm_list_t *data = NULL;
	struct strbuf sb = { 0 };
	interrupted = 0;
	if (alpm_trans_init(h, 0) < 0) {
		alpm_errno_t e = alpm_errno(h);
		if (e == ALPM_ERR_HANDLE_LOCK)
			cause_set(cause, _("the package database %s is locked: another install runs, or one was "
					   "killed (then remove %s)"), dbpath, alpm_option_get_lockfile(h));
		else
			cause_set(cause, _("cannot start the install: %s"), alpm_strerror(e));
		goto out;
	}
	trans = true;
	for (size_t i = 0; paths[i]; i++) {
		alpm_pkg_t *pkg;
		if (alpm_pkg_load(h, paths[i], 1, level, &pkg) < 0) {
			cause_set(cause, _("cannot read the package %s: %s"), paths[i], alpm_strerror(alpm_errno(h)));
			goto out;
		}
		/* The transaction owns it from here and frees it on release. */
		if (alpm_add_pkg(h, pkg) < 0) {
			cause_set(cause, _("cannot add %s: %s"), paths[i], alpm_strerror(alpm_errno(h)));
			alpm_pkg_free(pkg);
			goto out;
		}
	}
	if (alpm_trans_prepare(h, &data) < 0) {
		alpm_errno_t e = alpm_errno(h);
		sb_add(&sb, alpm_strerror(e));
		describe_data(e, data, &sb);
		cause_set(cause, _("the install cannot go ahead (%s)"), sb.s);
		goto out;
	}
	data = NULL;
	running = h;
	int crc = interrupted ? -1 : alpm_trans_commit(h, &data);
	running = NULL;
	if (interrupted) {
		cause_set(cause, _("interrupted"));
		rc = -EINTR;
		goto out;
	}
	if (crc < 0) {
		alpm_errno_t e = alpm_errno(h);
		sb_add(&sb, alpm_strerror(e));
		describe_data(e, data, &sb);
		cause_set(cause, _("the install failed (%s)"), sb.s);
		goto out;
	}
	if (out && ctx.not_owned)
		fprintf(out, _("%zu files are owned by the user who ran the install, not by root "
			       "(root mode without root)\n"), ctx.not_owned);
	rc = 0;
out:
	if (trans)
		alpm_trans_release(h);
	alpm_release(h);
	sb_free(&sb);
	return rc;
}

int pkg_check_installed(const struct pkg_set *set, const char *root, const char *dbpath, char **cause)
{
	alpm_handle_t *h = open_root(root, dbpath, false, cause);
	if (!h)
		return -1;
	alpm_db_t *db = alpm_get_localdb(h);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < set->n; i++) {
		const struct pkg_info *p = &set->pkgs[i];
		if (p->role == PKG_API_HEADERS)
			continue;
		alpm_pkg_t *lp = alpm_db_get_pkg(db, p->name);
		if (lp && alpm_pkg_vercmp(alpm_pkg_get_version(lp), p->version) == 0)
			continue;
		if (sb.len)
			sb_add(&sb, "; ");
		if (!lp)
			sb_addf(&sb, _("%s is not installed"), p->name);
		else
			sb_addf(&sb, _("%s is installed at %s, but the build made %s"), p->name,
				alpm_pkg_get_version(lp), p->version);
	}
	alpm_release(h);
	int rc = sb.len ? -1 : 0;
	if (rc < 0)
		cause_set(cause, _("the package database %s says: %s"), dbpath, sb.s);
	sb_free(&sb);
	return rc;
}

/* The installed vmlinux: the first candidate that is there and unstripped. */
static int installed_vmlinux(const struct pkg_set *set, const char *root, char **path, struct elf_info *info,
			     char **cause)
{
	struct strbuf why = { 0 };
	for (size_t i = 0; i < set->n_vmlinux; i++) {
		char *p = strcmp(root, "/") == 0 ? xasprintf("/%s", set->vmlinux[i].path)
						 : xasprintf("%s/%s", root, set->vmlinux[i].path);
		char *err = NULL;
		int r = elfid_inspect(p, info, &err);
		if (r == 0 && info->has_symtab && info->is_kernel) {
			*path = p;
			sb_free(&why);
			return 0;
		}
		if (r == 0)
			sb_addf(&why, _("%s%s is %s"), why.len ? "; " : "", p,
				info->has_symtab ? _("not a kernel image") : _("stripped"));
		else
			sb_addf(&why, "%s%s", why.len ? "; " : "", err);
		elf_info_free(info);
		free(err);
		free(p);
	}
	cause_set(cause, _("no usable vmlinux was installed: %s"), why.s ? why.s : _("the packages hold none"));
	sb_free(&why);
	return -1;
}

int pkg_record_install(struct session *s, char **summary, char **cause)
{
	struct pkg_set set;
	const char *root = pkg_session_root(s);
	char *dbpath = pkg_session_dbpath(s);
	char *vmlinux = NULL;
	struct elf_info info = { 0 };
	int rc = -1;
	if (pkg_set_load(&set, s->artifacts.packages, 0, cause) < 0 ||
	    pkg_check_installed(&set, root, dbpath, cause) < 0 ||
	    installed_vmlinux(&set, root, &vmlinux, &info, cause) < 0)
		goto out;
	if (!info.build_id) {
		cause_set(cause, _("%s has no build-id, so the running kernel cannot be matched to it"), vmlinux);
		goto out;
	}
	session_set(&s->artifacts.vmlinux, vmlinux);
	session_set(&s->artifacts.kernel_release, set.release);
	session_set(&s->artifacts.build_id, info.build_id);
	if (summary) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < set.n; i++)
			if (set.pkgs[i].role != PKG_API_HEADERS)
				sb_addf(&sb, "%s%s", sb.len ? ", " : "", set.pkgs[i].name);
		*summary = xasprintf(_("installed %s %s (kernel %s, vmlinux %s, build-id %s)"), sb.s, set.version,
				     set.release, vmlinux, info.build_id);
		sb_free(&sb);
	}
	rc = 0;
out:
	elf_info_free(&info);
	free(vmlinux);
	free(dbpath);
	pkg_set_free(&set);
	return rc;
}

/* Both install steps' commands (the install and the finish step). */
int pkg_install_plan(const struct session *s, struct plan *p, char **cause)
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
