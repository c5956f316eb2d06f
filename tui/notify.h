/* The desktop notification at the end of a long step (notify.c). */
#ifndef KFDO_TUI_NOTIFY_H
#define KFDO_TUI_NOTIFY_H

#include <stdbool.h>
#include <sys/types.h>

/* A desktop notification through notify-send, when there is a graphical
 * session and notify-send is installed: its pid, or -1 (nothing shown). */
pid_t notify_desktop(const char *summary, const char *body, bool failed);
/* The same from a systemd user unit, which has the session bus but often no
 * DISPLAY: the bus is enough for the desktop's notification daemon. */
pid_t notify_unit(const char *summary, const char *body, bool failed);
/* Reaps the notification once it ended (*pid becomes -1); never waits. */
void notify_reap(pid_t *pid);

#endif
