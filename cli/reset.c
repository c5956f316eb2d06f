/* kfdo reset: a session abandoned. What kfdo put on the system for it goes,
 * shown first (engine/sysfiles.c: the user's files directly, root's through
 * sudo, what was there before put back), then the session file is moved
 * aside, so that the next kfdo starts afresh and the old one can still be
 * read. Profiles, recordings, builds and installed kernels are the user's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/plan.h"
#include "engine/session.h"
#include "engine/sysfiles.h"
#include "cli/cli.h"
#include "cli/run_int.h"

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
	if (sysfiles_remove_plan(&p, &cause) < 0) {
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
	if (!yes) {
		printf(_("Do this? [y/N] "));
		fflush(stdout);
		char buf[16];
		if (!fgets(buf, sizeof(buf), stdin) || (buf[0] != 'y' && buf[0] != 'Y')) {
			printf(_("  not run: nothing was changed.\n"));
			goto out;
		}
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
