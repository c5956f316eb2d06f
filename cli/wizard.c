/* `kfdo` and `kfdo tui [OPTIONS]`: the full-screen wizard. Everything that
 * can fail in plain words happens before curses starts (a terminal, the
 * session lock, the saved session), so the messages land on a normal screen. */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "cli/cli.h"
#include "engine/machine.h"
#include "tui/tui.h"

static void free_tui(struct tui *t)
{
	if (t->tree_done)
		tree_free(&t->tree);
	free(t->tree_cause);
	for (int i = 0; i < STEP_COUNT; i++)
		free(t->why[i]);
	free(t->note);
	free(t->save_error);
	free(t->dialog.title);
	free(t->dialog.text);
}

int cli_tui(const struct cli_args *a)
{
	struct cli_session_opts so;
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, a);
	int ret = 0, lock = -1;
	struct session *s = NULL;
	struct detect_opts hw = { .sysroot = "/" };
	cli_hw_opts_take(&hw, a);
	if ((ret = cli_hw_check("tui", &hw)))
		goto out;
	/* One fixture machine: its /proc and /sys are the hardware check's and the
	 * running kernel's (the reboot check, the sysctls), as for kfdo run --sysroot. */
	if (strcmp(hw.sysroot, "/") != 0)
		so.sysroot = hw.sysroot;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("kfdo: the wizard needs a terminal, and %s is not one.\n"
				  "kfdo: without a terminal, kfdo run --yes walks the same steps as plain lines "
				  "(kfdo --help lists every command).\n"),
			!isatty(STDIN_FILENO) ? _("stdin") : _("stdout"));
		ret = EXIT_USAGE;
		goto out;
	}
	char *why = NULL;
	if (term_check(&why) < 0) {
		fprintf(stderr, _("kfdo: the wizard needs a terminal that can move the cursor, and this one cannot "
				  "(%s).\n"
				  "kfdo: without such a terminal, kfdo run --yes walks the same steps as plain lines "
				  "(kfdo --help lists every command).\n"), why);
		free(why);
		ret = EXIT_USAGE;
		goto out;
	}
	if ((lock = cli_lock_session()) < 0) {
		ret = EXIT_NO;
		goto out;
	}
	if (!(s = cli_session_open(&so, "tui", NULL))) {
		ret = EXIT_USAGE;
		goto out;
	}
	/* The hardware step reads the machine the options name (this run only, never saved). */
	s->cpuid_dump = hw.cpuid_dump ? xstrdup(hw.cpuid_dump) : NULL;
	s->pmu = hw.pmu ? xstrdup(hw.pmu) : NULL;
	struct tui t = { .s = s, .hw_opts = hw, .color = !cli_no_color, .cursor_y = -1, .cursor_x = -1 };
	const char *cs = nl_langinfo(CODESET);
	t.utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	char *cause = NULL;
	if (term_start(&t, &cause) < 0) {
		fprintf(stderr, "kfdo: %s\n", cause);
		free(cause);
		ret = EXIT_NO;
		goto out;
	}
	tui_run_session(&t);
	term_stop();
	ret = t.exit_code;
	/* A save failed (a full disk, a read-only state directory): one more try,
	 * then say so where it stays, and no "the session is saved". */
	if (t.save_error) {
		free(t.save_error);
		t.save_error = NULL;
		if (state_save(s, &t.save_error) < 0) {
			fprintf(stderr, _("kfdo: the session could not be saved: %s\n"
					  "kfdo: the next kfdo starts from the last session that was saved.\n"),
				t.save_error);
			if (!ret)
				ret = EXIT_NO;
		}
	}
	if (!ret) {
		/* Said on the normal screen, where it stays after kfdo is gone. */
		const struct step_def *next = step_get(tui_resume_step(s));
		if (next->postcondition(s, NULL))
			printf(_("kfdo: every step is done.\n"));
		else
			printf(_("kfdo: the session is saved; run kfdo again to go on (next: %s).\n"), _(next->title));
	}
	free_tui(&t);
out:
	if (lock >= 0)
		close(lock);
	machine_forget();
	session_free(s);
	cli_session_opts_free(&so);
	return ret;
}
