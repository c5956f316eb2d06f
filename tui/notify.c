/* "Tell me when it is done" (DESIGN): at the end of a long step the wizard
 * rings the terminal's bell, and in a graphical session with notify-send
 * installed it also shows a desktop notification, for the user who walked
 * away from an hour-long build. notify-send runs from an argv, as the user, in
 * its own session with its output to /dev/null; kfdo never waits for it. */
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
#include "tui/tui.h"

extern char **environ;

pid_t notify_desktop(const char *summary, const char *body, bool failed)
{
	/* notify-send needs a graphical session to show anything: on a console
	 * or over ssh the bell is the notification. */
	const char *x = getenv("DISPLAY"), *wl = getenv("WAYLAND_DISPLAY");
	if ((!x || !*x) && (!wl || !*wl))
		return -1;
	char *exe = path_find_exe("notify-send");
	if (!exe)
		return -1;
	const char *argv[] = { exe, "--app-name=kfdo", failed ? "--urgency=critical" : "--urgency=normal",
			       "--", summary, body, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	/* Its own session, default signals and none blocked: the wizard's
	 * terminal and its signal handling are not the notification's. */
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	pid_t pid;
	int err = posix_spawn(&pid, exe, &fa, &at, (char *const *)argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	free(exe);
	return err ? -1 : pid;
}

void notify_reap(pid_t *pid)
{
	if (*pid > 0 && waitpid(*pid, NULL, WNOHANG) != 0)
		*pid = -1;
}
