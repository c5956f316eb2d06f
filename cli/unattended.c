/* The unattended run across the reboot, on the command line:
 *
 * kfdo reboot: the reboot into the kernel kfdo built, once, and the flow going
 * on by itself after it. Everything is shown before anything runs: the boot
 * entry found for the installed package (engine/bootentry.c), the files kfdo
 * puts on the system (engine/sysfiles.c: the systemd user unit and autostart
 * entry, the sysctl drop-in perf needs when the machine does not allow
 * recording yet), the one-shot command and the reboot. --by-hand arms the
 * continuation and leaves the reboot to the user; --no-continue only reboots
 * into the entry.
 *
 * kfdo continue: what that unit runs after the reboot, with nobody at the
 * machine. It checks that this is the boot after the one it was armed in and
 * that the running kernel is the one kfdo built (release and build-id), then
 * walks the flow (record, convert, build) and stops before the first step
 * that installs a kernel or needs root, with a notification, the bell and a
 * log for the user coming back. It is a one-shot: whatever happened, the unit
 * and the autostart entry are removed, so a later login does not run it
 * again. A wrong kernel does nothing else.
 *
 * kfdo reset: a session abandoned. What kfdo put on the system for it goes,
 * shown first (the user's files directly, root's through sudo, what was there
 * before put back), then the session file is moved aside, so that the next
 * kfdo starts afresh and the old one can still be read. Profiles, recordings,
 * builds and installed kernels are the user's. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/plan.h"
#include "engine/probe.h"
#include "engine/session.h"
#include "engine/steps.h"
#include "engine/sysfiles.h"
#include "engine/unattended.h"
#include "tui/notify.h"
#include "cli/cli.h"
#include "cli/run_int.h"

static void show_file(const char *path, bool root, const char *text)
{
	printf(root ? _("  through sudo, %s:\n") : _("  kfdo writes %s:\n"), path);
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		printf("    | %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

static bool ask(bool yes, const char *question)
{
	if (yes)
		return true;
	printf("%s [y/N] ", question);
	fflush(stdout);
	char buf[16];
	return fgets(buf, sizeof(buf), stdin) && (buf[0] == 'y' || buf[0] == 'Y');
}

int cli_reboot(const struct cli_args *a)
{
	struct cli_session_opts so;
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, a);
	bool yes = cli_args_flag(a, OPT_YES), by_hand = cli_args_flag(a, OPT_BY_HAND);
	bool cont = !cli_args_flag(a, OPT_NO_CONTINUE);
	int ret = EXIT_NO, lock = -1;
	struct session *s = NULL;
	struct reboot_setup rs = { 0 };
	struct plan preview = { 0 };
	char *cause = NULL;
	if (!yes && !isatty(STDIN_FILENO)) {
		ret = cli_usage_error("reboot", _("stdin is not a terminal: give --yes to run without asking"));
		goto out;
	}
	if (by_hand && !cont) {
		ret = cli_usage_error("reboot", _("--by-hand with --no-continue leaves nothing to do"));
		goto out;
	}
	if ((lock = cli_lock_session()) < 0 || !(s = cli_session_open(&so, "reboot", NULL)))
		goto out;
	int rc = reboot_setup_prepare(s, by_hand ? REBOOT_BY_HAND : REBOOT_NOW, cont, &rs, &cause);
	if (rc < 0) {
		printf(_("kfdo reboot: %s\n"), cause);
		goto out;
	}
	if (rc > 0) {
		printf(_("kfdo reboot: the kernel kfdo built is already running: run kfdo to go on\n"));
		ret = 0;
		goto out;
	}
	if (rs.found) {
		const struct boot_entry *e = &rs.entry;
		printf(_("Boot entry: %s (%s, %s)\n"), e->title ? e->title : e->id, e->loader_name, e->config);
		if (e->note)
			printf("  %s\n", e->note);
	} else {
		printf(_("No boot entry to boot once: %s\n"), rs.why);
	}
	if (rs.record_line)
		printf(_("After the reboot, kfdo continue records with:\n    %s\n"), rs.record_line);
	/* What goes on the system, shown before it is written. */
	if (cont) {
		show_file(rs.unit_path, false, rs.unit);
		show_file(rs.autostart_path, false, rs.autostart);
	}
	if (rs.sysctl)
		show_file(rs.sysctl_path, true, rs.sysctl);
	reboot_setup_preview(&rs, &preview);
	for (size_t i = 0; i < preview.n; i++) {
		char *line = plan_format_command(&preview.cmds[i]);
		printf("  %s\n", line);
		free(line);
	}
	if (!ask(yes, by_hand ? _("Set this up?") : _("Set this up and reboot now?"))) {
		printf(_("  not run: nothing was changed.\n"));
		goto out;
	}
	/* sudo's password before anything is written: a Ctrl-C at its prompt
	 * leaves nothing armed. */
	if (!cli_sudo_ready(&preview)) {
		printf(_("  not run: nothing was changed.\n"));
		goto out;
	}
	if (reboot_setup_arm(s, &rs, &cause) < 0) {
		printf(_("  fail %s\n"), cause);
		goto out;
	}
	if (cont)
		printf(_("  ok   the unit and the autostart entry are in place\n"));
	if (!cli_run_commands(&rs.plan)) {
		if (cont)
			reboot_setup_disarm(s);
		printf(_("  the commands after it did not run, the continuation is undone; kfdo status lists "
			 "what is still installed.\n"));
		goto out;
	}
	if (by_hand)
		printf(_("Set up: reboot into %s when you like; kfdo goes on by itself after the login.\n"),
		       s->artifacts.kernel_release);
	ret = 0;
out:
	reboot_setup_free(&rs);
	plan_free(&preview);
	free(cause);
	if (lock >= 0)
		close(lock);
	session_free(s);
	cli_session_opts_free(&so);
	return ret;
}

void cli_away_show(FILE *out, bool once)
{
	bool unseen = false;
	char **lines = away_read(&unseen);
	if (lines && (unseen || !once)) {
		fprintf(out, _("\nWhile you were away: %s\n"), lines[0]);
		for (size_t i = 1; lines[i]; i++)
			fprintf(out, "  %s\n", lines[i]);
		if (once)
			away_mark_seen();
	}
	strv_free(lines);
}

/* The unit and the autostart entry go, the session forgets the arming; the
 * root drop-ins stay listed until the flow ends (kfdo status names them). */
static void disarm(struct session *s)
{
	char *cause = NULL;
	if (sysfiles_remove_user(&cause) < 0) {
		printf(_("  warn %s\n"), cause);
		away_add(_("could not remove its unit: %s"), cause);
	}
	free(cause);
	session_unattended_clear(s);
	state_save(s, NULL);
}

static void tell(const char *summary, const char *body, bool failed)
{
	away_add("%s", body);
	/* The bell reaches a terminal that shows the run (the autostart entry's). */
	printf("\a%s: %s\n", summary, body);
	fflush(stdout);
	/* Waited for: systemd stops what is left in the unit's cgroup once kfdo
	 * exits, and the notification would go with it. Five seconds at most. */
	pid_t pid = notify_unit(summary, body, failed);
	for (int i = 0; pid > 0 && i < 100; i++) {
		notify_reap(&pid);
		if (pid > 0)
			nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

int cli_continue(const struct cli_args *a)
{
	struct cli_session_opts so;
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, a);
	int ret = 0, lock = cli_lock_session();
	struct session *s = NULL;
	char *now = NULL, *why = NULL;
	if (lock < 0) {
		ret = EXIT_NO;
		goto out;
	}
	if (!(s = cli_session_open(&so, "continue", NULL))) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (cli_recover_orphan(s) < 0) {
		ret = EXIT_NO;
		goto out;
	}
	if (!s->unattended.armed_boot) {
		printf(_("kfdo continue: nothing to continue (kfdo reboot arms it before the reboot)\n"));
		disarm(s);
		ret = EXIT_NO;
		goto out;
	}
	/* A login before the reboot starts the unit too: not this boot's business. */
	now = probe_boot_id(s);
	if (now && strcmp(now, s->unattended.armed_boot) == 0) {
		printf(_("kfdo continue: this is still the boot it was armed in: waiting for the reboot\n"));
		goto out;
	}
	char *cause = NULL;
	if (away_begin(&cause) < 0) {
		printf("  warn %s\n", cause);
		free(cause);
	}
	if (!probe_running_built(s, &why)) {
		char *body = xasprintf(_("The wrong kernel booted (%s): kfdo did nothing and removed its unit. Reboot into "
					 "the new kernel and run kfdo again."), why ? why : "?");
		tell(_("kfdo: not the kernel it built"), body, true);
		free(body);
		disarm(s);
		ret = EXIT_NO;
		goto out;
	}
	/* Said in the unit's journal (which the autostart entry's terminal follows) too. */
	char *booted = xasprintf(_("the kernel it built booted: %s"), why);
	printf("kfdo continue: %s\n", booted);
	away_add("%s", booted);
	free(booted);
	disarm(s);
	time_t since = time(NULL);

	struct run_flow o = { .yes = true, .unattended = true };
	ret = cli_run_flow(s, STEP_REBOOT, STEP_COUNT - 1, &o);
	/* What each step that ran said, in the order they ran. */
	for (enum step_id id = STEP_PROFILE; o.ran && id <= o.last; id++)
		if (s->steps[id].message && s->steps[id].finished >= since)
			away_add("%s: %s", _(step_get(id)->title), s->steps[id].message);
	char *body;
	if (o.stopped_at < STEP_COUNT) {
		body = xasprintf(_("Stopped before %s. Run kfdo to go on."), o.stop_why);
		tell(_("kfdo: your turn"), body, false);
		ret = 0;
	} else if (ret == EXIT_CANCEL) {
		/* SIGTERM: the user logged out, or the machine shuts down. */
		body = xasprintf(_("Stopped at %s (logged out, or the machine shut down). Run kfdo to go on."),
				 o.ran ? _(step_get(o.last)->title) : _("the start"));
		tell(_("kfdo: stopped"), body, true);
	} else if (ret == EXIT_REBOOT) {
		body = xasprintf(_("Waiting for a reboot (%s). Run kfdo to go on."),
				 o.ran ? _(step_get(o.last)->title) : "?");
		tell(_("kfdo: your turn"), body, false);
		ret = 0;
	} else if (ret && !o.ran) {
		body = xstrdup(_("Nothing could run. Run kfdo to see why."));
		tell(_("kfdo: a step failed"), body, true);
	} else if (ret) {
		body = xasprintf(_("%s failed: %s. Run kfdo to see the log."), _(step_get(o.last)->title),
				 s->steps[o.last].message ? s->steps[o.last].message : "?");
		tell(_("kfdo: a step failed"), body, true);
	} else {
		body = xstrdup(_("Everything is done."));
		tell(_("kfdo: done"), body, false);
	}
	free(body);
	free(o.stop_why);
out:
	free(now);
	free(why);
	if (lock >= 0)
		close(lock);
	session_free(s);
	cli_session_opts_free(&so);
	return ret;
}

int cli_reset(const struct cli_args *a)
{
	bool yes = cli_args_flag(a, OPT_YES);
	int ret = EXIT_NO, lock = -1;
	struct plan p = { 0 };
	char *cause = NULL, **lines = NULL, *dir = NULL, *from = NULL, *to = NULL;
	if (!yes && !isatty(STDIN_FILENO)) {
		ret = cli_usage_error("reset", _("stdin is not a terminal: give --yes to run without asking"));
		goto out;
	}
	if ((lock = cli_lock_session()) < 0)
		goto out;
	/* The system's own files: a test's sysroot is never reset. */
	if (sysfiles_remove_plan("/", &p, &cause) < 0) {
		printf(_("kfdo reset: %s\n"), cause);
		goto out;
	}
	lines = sysfiles_status_lines();
	dir = paths_state_dir();
	from = xasprintf("%s/%s", dir, STATE_FILE);
	to = xasprintf("%s/%s.reset", dir, STATE_FILE);
	bool session = access(from, F_OK) == 0;
	if (!lines && !session) {
		printf(_("kfdo reset: no session and nothing installed: nothing to do\n"));
		ret = 0;
		goto out;
	}
	for (size_t i = 0; lines && lines[i]; i++)
		printf(_("  remove %s\n"), lines[i]);
	for (size_t i = 0; i < p.n; i++) {
		char *line = plan_format_command(&p.cmds[i]);
		printf("    %s\n", line);
		free(line);
	}
	if (session)
		printf(_("  forget the session: %s becomes %s\n"), from, to);
	if (!ask(yes, _("Do this?"))) {
		printf(_("  not run: nothing was changed.\n"));
		goto out;
	}
	if (sysfiles_remove_user(&cause) < 0) {
		printf(_("  fail %s\n"), cause);
		goto out;
	}
	if (p.n && (!cli_sudo_ready(&p) || !cli_run_commands(&p))) {
		printf(_("  fail root's files were not removed; kfdo status lists them, kfdo reset tries again\n"));
		goto out;
	}
	if (sysfiles_forget_root(&cause) < 0) {
		printf(_("  fail %s\n"), cause);
		goto out;
	}
	if (session && rename(from, to) < 0) {
		printf(_("  fail cannot move %s aside: %s\n"), from, strerror(errno));
		goto out;
	}
	printf(_("Reset: nothing kfdo installed is left; the next kfdo starts a new session.\n"));
	ret = 0;
out:
	free(cause);
	strv_free(lines);
	free(dir);
	free(from);
	free(to);
	plan_free(&p);
	if (lock >= 0)
		close(lock);
	return ret;
}
