/* The terminal (term.c): curses mode in and out on every exit path, the
 * signal self-pipe, and curses set aside for an interactive child. */
#ifndef KFDO_TUI_TERM_H
#define KFDO_TUI_TERM_H

#include <stdint.h>

struct tui;

/* Whether the terminal TERM names can draw the wizard: terminfo knows it and
 * it can move the cursor and clear (dumb cannot). 0, or -1 with a cause. */
int term_check(char **cause);
/* Puts the terminal into curses mode with the handlers that restore it on
 * every exit path; sets t->color to what the terminal can show. */
int term_start(struct tui *t, char **cause);
void term_stop(void);
int term_signal_fd(void);
/* Reads the self-pipe: the signals that came (bit per signal number < 64). */
uint64_t term_signals(void);
/* Runs argv on the real terminal with curses suspended (a sudo password
 * prompt). Returns the wait status, or -1 with cause when it cannot start. */
int term_run_interactive(const char *const *argv, char **cause);

#endif
