/* The screen interface: a small table of functions per screen, like htop's
 * InfoScreenClass (one scr_*.c per screen defines its table). Handlers return
 * reaction flags (state.h) and never draw.
 *
 * Reading and drawing are apart: what a screen shows that comes from files,
 * plans or other processes (the profile's record, access(), stat, a package
 * database) is read by enter, on_tick, the key handlers or scan into the
 * screen's view (t->view); draw only reads that view and the wizard's state,
 * and makes no system call but curses' own output. A redraw (a resize, ^L,
 * the help opened and closed) thus costs no I/O, and what is on the screen
 * is what the last scan read. */
#ifndef KFDO_TUI_SCREEN_H
#define KFDO_TUI_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "tui/text.h"

struct tui;

/* A key shown in the key bar: "F5" "Run". */
struct keyhint {
	const char *key;
	const char *label;	/* N_() */
};

struct screen_ops {
	/* The size of the screen's view: the loop gives it zeroed in t->view
	 * before enter and frees it after leave, on every path out. */
	size_t view_size;
	void (*enter)(struct tui *t);
	/* Frees what the view points to (the loop frees the view itself). */
	void (*leave)(struct tui *t);
	/* Reads into the view what draw shows of the files and the session.
	 * The loop calls it after enter, after a key the screen handled or a
	 * question's answer, and whenever the steps changed (RE_STEPS, RE_SCAN);
	 * never for a redraw alone. */
	void (*scan)(struct tui *t);
	void (*draw)(struct tui *t, struct rect area);
	int (*on_key)(struct tui *t, int key);
	/* Once a second, and after the running step did something. */
	int (*on_tick)(struct tui *t, int64_t now);
	int (*on_resize)(struct tui *t);
	/* The screen's keys for the key bar (NULL-terminated), may be NULL. */
	const struct keyhint *(*hints)(struct tui *t);
};

/* The screens (scr_*.c); app.c picks one per step. */
extern const struct screen_ops screen_hardware, screen_toolchain, screen_source, screen_configure,
	screen_build, screen_install, screen_reboot, screen_profile, screen_convert, screen_finish,
	screen_baseline, screen_compare;

#endif
