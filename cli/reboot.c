/* kfdo reboot: the reboot into the kernel kfdo built, once, and the flow
 * going on by itself after it. Everything is shown before anything runs:
 * the boot entry found for the installed package (engine/bootentry.c), the
 * files kfdo puts on the system (engine/sysfiles.c: the systemd user unit and
 * autostart entry that run kfdo continue after the login, the sysctl drop-in
 * perf needs when the machine does not allow recording yet), the one-shot
 * command and the reboot. --by-hand arms the continuation and leaves the
 * reboot to the user; --no-continue only reboots into the entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/plan.h"
#include "engine/reboot_setup.h"
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
	if (reboot_setup_arm(s, &rs, &cause) < 0) {
		printf(_("  fail %s\n"), cause);
		goto out;
	}
	if (cont)
		printf(_("  ok   the unit and the autostart entry are in place\n"));
	if (!cli_sudo_ready(&rs.plan) || !cli_run_commands(&rs.plan)) {
		if (cont)
			reboot_setup_disarm(s);
		printf(_("  nothing more was done; kfdo status lists what is still installed.\n"));
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
