/* The one place that picks the curses header (only tui/ includes curses). */
#ifndef KFDO_TUI_CURSES_H
#define KFDO_TUI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>

#endif
