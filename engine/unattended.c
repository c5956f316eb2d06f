/* The reboot into the built kernel, once (unattended.h). The entry comes
 * from engine/bootentry.c on the boot loader's own files and on what bootctl
 * and efibootmgr print (read-only queries); the files from engine/sysfiles.c.
 * A loader without a real one-shot (rEFInd) is never rebooted into: a kernel
 * that does not boot must fall back to the old default by itself. */
#include "engine/unattended.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "proc/capture.h"
#include "engine/probe.h"
#include "engine/record.h"
#include "engine/steps.h"
#include "engine/sysfiles.h"

/* What a read-only boot loader command prints, when it ran and succeeded. */
static char *capture_text(const char *const argv[])
{
	struct run_result r = { 0 };
	char *out = NULL;
	if (run_capture(argv, RUN_TIMEOUT_MS, &r, NULL) == 0 && r.exit_code == 0)
		out = xstrdup(r.output);
	run_result_free(&r);
	return out;
}

/* The package's name as it put it beside its modules (upstream's pacman-pkg
 * and linux-cachyos both write /usr/lib/modules/RELEASE/pkgbase). */
static char *read_pkgbase(const struct session *s)
{
	const char *root = s->install_root ? s->install_root : session_sysroot(s);
	char *path = xasprintf("%s/usr/lib/modules/%s/pkgbase", root, s->artifacts.kernel_release);
	char *base = file_read(path, 256, NULL);
	free(path);
	if (base)
		base[strcspn(base, "\n")] = '\0';
	return base;
}

static bool find_entry(const struct session *s, struct boot_entry *e, char **why)
{
	char *pkgbase = read_pkgbase(s);
	if (!pkgbase) {
		cause_set(why, _("the installed package does not say its name (no /usr/lib/modules/%s/pkgbase)"),
			  s->artifacts.kernel_release);
		return false;
	}
	/* mkinitcpio's preset names, which pacman's hook gives every kernel package. */
	char *image = xasprintf("/boot/vmlinuz-%s", pkgbase), *initramfs = xasprintf("/boot/initramfs-%s.img", pkgbase);
	const char *status_argv[] = { "bootctl", "status", "--no-pager", NULL };
	const char *list_argv[] = { "bootctl", "list", "--json=short", "--no-pager", NULL };
	const char *efi_argv[] = { "efibootmgr", NULL };
	char *st = capture_text(status_argv), *list = capture_text(list_argv), *efi = capture_text(efi_argv);
	struct boot_inputs in = { .sysroot = session_sysroot(s), .bootctl_status = st, .bootctl_list_json = list,
				  .efibootmgr = efi };
	struct boot_kernel k = { .pkgbase = pkgbase, .release = s->artifacts.kernel_release, .image = image,
				 .initramfs = initramfs };
	bool found = boot_find(&in, &k, e, why) == 0;
	if (found && (!e->oneshot || e->restore)) {
		cause_set(why, _("%s cannot boot an entry once: %s"), e->loader_name,
			  e->note ? e->note : _("choose it in the boot menu"));
		found = false;
	}
	free(st);
	free(list);
	free(efi);
	free(image);
	free(initramfs);
	free(pkgbase);
	return found;
}

int reboot_setup_prepare(struct session *s, enum reboot_how how, bool cont, struct reboot_setup *rs,
			 char **cause)
{
	memset(rs, 0, sizeof(*rs));
	rs->how = how;
	rs->cont = cont;
	rs->self = plan_self_exe();
	rs->sysroot = xstrdup(session_sysroot(s));
	char *why = NULL;
	if (!probe_installed_kernel(s, &why)) {
		cause_set(cause, _("nothing to reboot into: %s"), why);
		free(why);
		return -1;
	}
	free(why);
	if (probe_running_built(s, NULL))
		return 1;
	/* A recording ahead needs its workload and, unless perf may record the
	 * kernel already, the drop-in; after it (the reboot into the optimized
	 * kernel, for the compare step) neither. */
	bool recording = s->steps[STEP_PROFILE].status != STATUS_DONE;
	/* Nobody will be there to choose: the profile screen's default, shown. */
	if (cont && recording) {
		record_workload_default(s);
		struct plan rec = { 0 };
		if (record_plan(s, &rec, NULL) == 0 && rec.n)
			rs->record_line = plan_format_command(&rec.cmds[rec.n - 1]);
		plan_free(&rec);
	}
	rs->recording = cont && recording;
	rs->found = find_entry(s, &rs->entry, &rs->why);
	if (!rs->found && how == REBOOT_NOW) {
		cause_set(cause, _("no boot entry to reboot into once: %s. Reboot by hand and choose it in the boot "
				   "menu; kfdo reboot --by-hand sets up the continuation without rebooting."),
			  rs->why);
		return -1;
	}
	if (cont) {
		const char *sysroot = session_sysroot(s);
		char *journalctl = sysfiles_journalctl();
		int rc = sysfiles_unit_text(rs->self, &rs->unit, cause) < 0 ||
				 sysfiles_autostart_text(journalctl, NULL, &rs->autostart, cause) < 0
			 ? -1
			 : 0;
		free(journalctl);
		if (rc < 0)
			return -1;
		rs->unit_path = sysfiles_path(SYSFILE_UNIT, sysroot);
		rs->autostart_path = sysfiles_path(SYSFILE_AUTOSTART, sysroot);
		/* The drop-in only when perf may not record the kernel as things are. */
		char **problems = NULL;
		struct plan fix = { 0 };
		const struct step_def *rec = step_get(STEP_PROFILE);
		if (recording && rec->fixes && rec->fixes(s, &problems, &fix) > 0) {
			rs->sysctl = sysfiles_sysctl_text();
			rs->sysctl_path = sysfiles_path(SYSFILE_SYSCTL, sysroot);
		}
		strv_free(problems);
		plan_free(&fix);
	}
	return 0;
}

/* The one-shot and the reboot, after the drop-in's commands. */
static void add_reboot(const struct reboot_setup *rs, struct plan *p)
{
	if (rs->how != REBOOT_NOW || !rs->found)
		return;
	plan_add(p, _("Boot the new kernel once"), strv_dup(rs->entry.oneshot))->needs_root = true;
	char **rb = NULL;
	strv_push(&rb, "systemctl");
	strv_push(&rb, "reboot");
	plan_add(p, _("Reboot"), rb);
}

void reboot_setup_preview(const struct reboot_setup *rs, struct plan *p)
{
	if (rs->sysctl)
		sysfiles_install_cmds(SYSFILE_SYSCTL, rs->sysroot, p);
	add_reboot(rs, p);
}

int reboot_setup_arm(struct session *s, struct reboot_setup *rs, char **cause)
{
	plan_free(&rs->plan);
	if (!rs->cont) {
		add_reboot(rs, &rs->plan);
		return 0;
	}
	struct sysfiles_in in = { .sysroot = session_sysroot(s), .kfdo_path = rs->self };
	char *boot = probe_boot_id(s);
	session_unattended_clear(s);
	/* An unreadable boot id is never equal to the next one: continue then
	 * relies on the kernel check alone. */
	s->unattended.armed_boot = boot ? boot : xstrdup("?");
	s->unattended.armed_at = time(NULL);
	if (rs->found) {
		s->unattended.loader = xstrdup(rs->entry.loader_name);
		s->unattended.entry_id = xstrdup(rs->entry.id);
		s->unattended.entry_title = xstrdup(rs->entry.title ? rs->entry.title : rs->entry.id);
	}
	/* Armed before anything is written: a crash half-way leaves a session that
	 * kfdo status and kfdo reset clean up after. */
	if (state_save(s, cause) < 0 || sysfiles_install_user(SYSFILE_UNIT, &in, cause) < 0 ||
	    sysfiles_install_user(SYSFILE_AUTOSTART, &in, cause) < 0 ||
	    (rs->sysctl && sysfiles_install_plan(SYSFILE_SYSCTL, &in, &rs->plan, cause) < 0)) {
		reboot_setup_disarm(s);
		return -1;
	}
	add_reboot(rs, &rs->plan);
	return 0;
}

void reboot_setup_disarm(struct session *s)
{
	sysfiles_remove_user(NULL);
	/* A drop-in that was planned but never got in is forgotten; one that got
	 * in stays listed for the end of the flow or kfdo reset. */
	sysfiles_forget_root(NULL);
	session_unattended_clear(s);
	state_save(s, NULL);
}

void reboot_setup_free(struct reboot_setup *rs)
{
	boot_entry_free(&rs->entry);
	free(rs->why);
	free(rs->unit);
	free(rs->autostart);
	free(rs->unit_path);
	free(rs->autostart_path);
	free(rs->sysctl);
	free(rs->sysctl_path);
	plan_free(&rs->plan);
	free(rs->self);
	free(rs->sysroot);
	free(rs->record_line);
	memset(rs, 0, sizeof(*rs));
}

/* ---- the log of the unattended run ---- */

/* The log of an unattended run (unattended.h). Lines are written with O_APPEND and
 * one write each, so that a run killed half-way leaves whole lines; a second
 * file marks the log as seen, so the log itself stays as the run wrote it. */

static char *state_file(const char *name)
{
	char *dir = paths_state_dir();
	char *p = xasprintf("%s/%s", dir, name);
	free(dir);
	return p;
}

static int append(const char *line, bool truncate, char **cause)
{
	char *dir = paths_state_dir(), *path = state_file("away.log");
	int rc = mkdir_p(dir, 0700, cause);
	int fd = rc < 0 ? -1 : open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0600);
	if (rc == 0 && fd < 0) {
		cause_set(cause, _("cannot write %s: %s"), path, strerror(errno));
		rc = -1;
	}
	if (fd >= 0) {
		char *l = xasprintf("%s\n", line);
		size_t n = strlen(l);
		if (write(fd, l, n) != (ssize_t)n) {
			cause_set(cause, _("cannot write %s: %s"), path, strerror(errno));
			rc = -1;
		}
		free(l);
		close(fd);
	}
	free(dir);
	free(path);
	return rc;
}

int away_begin(char **cause)
{
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&now));
	char *head = xasprintf(_("kfdo continued by itself after the reboot, at %s:"), when);
	int rc = append(head, true, cause);
	free(head);
	char *seen = state_file("away.seen");
	unlink(seen);
	free(seen);
	return rc;
}

void away_add(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = NULL;
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line) {
		/* A line break inside would split one thing into two. */
		for (char *c = line; *c; c++)
			if (*c == '\n')
				*c = ' ';
		append(line, false, NULL);
	}
	free(line);
}

char **away_read(bool *unseen)
{
	char *path = state_file("away.log"), *seen = state_file("away.seen");
	char *text = file_read(path, 1 << 16, NULL);
	char **lines = NULL;
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
		strv_push(&lines, l);
	if (unseen)
		*unseen = lines && access(seen, F_OK) != 0;
	free(text);
	free(path);
	free(seen);
	return lines;
}

void away_mark_seen(void)
{
	char *seen = state_file("away.seen");
	int fd = open(seen, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	free(seen);
}
