/* Colours by role (theme.c): the screens name what a thing is (a failed
 * check, the current step), never a colour; each role has a colour style and
 * a mono one. */
#ifndef KFDO_TUI_THEME_H
#define KFDO_TUI_THEME_H

#include <stdbool.h>

#include "tui/curses.h"

enum role {
	ROLE_NORMAL, ROLE_TITLE, ROLE_CURRENT, ROLE_DONE, ROLE_FAILED, ROLE_LOCKED, ROLE_RUNNING,
	ROLE_OK, ROLE_WARN, ROLE_FAIL, ROLE_SKIP, ROLE_KEY, ROLE_SELECTED, ROLE_DIM, ROLE_HEADING,
	ROLE_COMMAND, ROLE_BAR, ROLE_DIALOG, ROLE_GOOD, ROLE_BAD, ROLE_INPUT, ROLE_BORDER,
	ROLE_COUNT
};

/* Mono when !color (no colours, --no-color, NO_COLOR); after start_color(). */
void theme_init(bool color);
attr_t theme_attr(enum role role);

#endif
