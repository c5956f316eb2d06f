/* The wizard's event loop (app.c): one poll() over stdin, the running step,
 * the signal self-pipe and the redraw timer; screens switched by step; and
 * the machine checks the screens run again when asked. */
#ifndef KFDO_TUI_APP_H
#define KFDO_TUI_APP_H

struct tui;

/* The machine checks, run once and again when asked (after a fix). */
void tui_detect_hardware(struct tui *t);
void tui_detect_toolchain(struct tui *t);
/* Runs the wizard on the session until the user quits (terminal already up);
 * frees what the screens held before it returns. */
void tui_run_session(struct tui *t);

#endif
