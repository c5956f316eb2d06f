/* The finish screen's hand-off (pkgexport.c): the session's profile put
 * beside a linux-cachyos PKGBUILD, whose folder is typed in, and the makepkg
 * line that builds the CachyOS kernel with it, as kfdo profile export does. */
#ifndef KFDO_TUI_PKGEXPORT_H
#define KFDO_TUI_PKGEXPORT_H

#include <stdbool.h>

#include "tui/input.h"
#include "tui/text.h"

struct tui;

struct pkgexport {
	bool open;		/* the folder is being typed */
	struct input dir;
	/* What the last export said: where the profile went and the line, or why not. */
	char *done, *line, *error, *warning;
};

/* A key of the finish screen: p opens the field (when there is a profile and
 * nothing runs; p, as e is the log's jump to the first error); while it is
 * open, Enter exports, Esc closes it, F1, F10 and ^L stay the wizard's and
 * every other key is the field's. true: the key was taken. */
bool pkgexport_key(struct tui *t, struct pkgexport *pe, int key);
/* Draws the field or the last result from row `row` of r; returns rows used. */
int pkgexport_draw(struct tui *t, struct pkgexport *pe, struct rect r, int row);
void pkgexport_free(struct pkgexport *pe);

#endif
