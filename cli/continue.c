/* kfdo continue: what the systemd user unit that kfdo reboot installs runs
 * after the reboot, with nobody at the machine. It checks that this is the boot
 * after the one it was armed in and that the running kernel is the one kfdo
 * built (release and build-id), then walks the flow (record, convert, build)
 * and stops before the first step that needs root, with a notification, the
 * bell and a log for the user coming back (engine/away.c). It is a one-shot:
 * whatever happened, the unit and the autostart entry are removed, so a later
 * login does not run it again. A wrong kernel does nothing else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/away.h"
#include "engine/probe.h"
#include "engine/steps.h"
#include "engine/sysfiles.h"
#include "cli/cli.h"
#include "cli/run_int.h"
#include "tui/notify.h"

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
	notify_unit(summary, body, failed);
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
	away_add(_("the kernel it built booted: %s"), why);
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
	} else if (ret == EXIT_REBOOT) {
		body = xasprintf(_("Waiting for a reboot (%s). Run kfdo to go on."), _(step_get(o.last)->title));
		tell(_("kfdo: your turn"), body, false);
		ret = 0;
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
