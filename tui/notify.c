/* "Tell me when it is done" (DESIGN): at the end of a long step the wizard
 * rings the terminal's bell, and in a graphical session with notify-send
 * installed it also shows a desktop notification, for the user who walked
 * away from an hour-long build. notify-send runs from an argv, as the user, in
 * its own session with its output to /dev/null; kfdo never waits for it. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "proc/spawn.h"
#include "tui/notify.h"

static bool set(const char *var)
{
	const char *v = getenv(var);
	return v && *v;
}

/* The session bus alone: a systemd user unit started at login runs before
 * the desktop exports its DISPLAY, yet its notification daemon answers on
 * the same bus. */
static bool session_bus(void)
{
	if (set("DBUS_SESSION_BUS_ADDRESS"))
		return true;
	const char *run = getenv("XDG_RUNTIME_DIR");
	if (!run || !*run)
		return false;
	char *bus = xasprintf("%s/bus", run);
	struct stat st;
	bool ok = stat(bus, &st) == 0;
	free(bus);
	return ok;
}

/* A display to show on and a session bus to reach the notification daemon
 * by. Without the bus (ssh -X, a DISPLAY left over in tmux) notify-send would
 * start a dbus-daemon of its own that outlives it: the bell has to do. */
static bool graphical_session(void)
{
	return (set("DISPLAY") || set("WAYLAND_DISPLAY")) && session_bus();
}

/* The body as notification daemons read it: a subset of markup, so '&', '<'
 * and '>' (a command line's redirections, a C++ template) are escaped. */
static char *markup_escape(const char *s)
{
	struct strbuf sb = { 0 };
	for (; *s; s++) {
		if (*s == '&')
			sb_add(&sb, "&amp;");
		else if (*s == '<')
			sb_add(&sb, "&lt;");
		else if (*s == '>')
			sb_add(&sb, "&gt;");
		else
			sb_add(&sb, (char[]){ *s, '\0' });
	}
	return sb.s ? sb.s : xstrdup("");
}

static pid_t send_notification(const char *summary, const char *body, bool failed)
{
	char *exe = path_find_exe("notify-send");
	if (!exe)
		return -1;
	char *text = markup_escape(body);
	const char *argv[] = { exe, "--app-name=kfdo", failed ? "--urgency=critical" : "--urgency=normal",
			       "--", summary, text, NULL };
	/* Its own session: the wizard's terminal and its signals are not the
	 * notification's. /dev/null on 0, 1 and 2, no other fd of kfdo's. */
	struct spawn_spec spec = { .argv = argv, .group = SPAWN_SESSION_NEW };
	pid_t pid;
	if (spawn(&pid, &spec, NULL) < 0)
		pid = -1;
	free(text);
	free(exe);
	return pid;
}

pid_t notify_desktop(const char *summary, const char *body, bool failed)
{
	return graphical_session() ? send_notification(summary, body, failed) : -1;
}

pid_t notify_unit(const char *summary, const char *body, bool failed)
{
	return session_bus() ? send_notification(summary, body, failed) : -1;
}

void notify_reap(pid_t *pid)
{
	if (*pid > 0 && waitpid(*pid, NULL, WNOHANG) != 0)
		*pid = -1;
}
