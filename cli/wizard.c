/* `kfdo` and `kfdo tui [OPTIONS]`: the full-screen wizard. Everything that
 * can fail in plain words happens before curses starts (a terminal, the
 * session lock, the saved session), so the messages land on a normal screen. */
#include <getopt.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "cli/cli.h"
#include "tui/tui.h"

static void usage(void)
{
	printf(_("Usage: kfdo [--no-color] [tui [OPTIONS]]\n"
		 "The full-screen wizard: every step from the hardware check to the optimized kernel, resumable.\n"
		 "It needs a terminal; kfdo run walks the same flow as plain lines.\n\n"
		 "Keys: F1 or ? help, F2/Esc and F3 move between steps, F10 or q quits.\n\n"
		 "  --sysroot DIR, --cpuid-dump FILE, --pmu NAME   the hardware check's inputs, as for kfdo detect;\n"
		 "                 --sysroot is also where the running kernel is read (tests; not saved)\n\n"
		 "Options that change the saved session before the wizard opens:\n"));
	fputs(_(cli_session_help), stdout);
}

static void free_tui(struct tui *t)
{
	if (t->hw_done)
		detect_report_free(&t->hw);
	if (t->tc_done)
		toolchain_free(&t->tc);
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

int tui_main(int argc, char **argv)
{
	static const struct option own[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "cpuid-dump", required_argument, NULL, 'd' },
		{ "pmu", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct option *opts = cli_options_merge(own);
	struct cli_session_opts so;
	cli_session_opts_init(&so);
	int c, ret = 0, lock = -1;
	struct session *s = NULL;
	struct detect_opts hw = { .sysroot = "/" };
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage();
			goto out;
		}
		if (!cli_hw_option(&hw, c, optarg) && !cli_session_option(&so, c, optarg)) {
			ret = cli_bad_option("tui", c, argv);
			goto out;
		}
	}
	if ((ret = cli_hw_check("tui", argc, argv, &hw)))
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
	session_free(s);
	cli_session_opts_free(&so);
	free(opts);
	return ret;
}
