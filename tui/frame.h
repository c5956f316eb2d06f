/* The frame around every screen (frame.c): title, sidebar, note line, key
 * bar, and over them the help, a question, or "terminal too small". */
#ifndef KFDO_TUI_FRAME_H
#define KFDO_TUI_FRAME_H

#include <stdbool.h>

struct tui;

void frame_draw(struct tui *t);
/* Below 80x24 the frame does not fit: a "terminal too small" screen instead. */
bool frame_too_small(void);

#endif
