/* Keys as the loop hands them to the handlers: function keys are curses'
 * KEY_* codes; characters below KEY_MIN are themselves; wider characters are
 * offset so that they never collide with a KEY_* code. */
#ifndef KFDO_TUI_KEYS_H
#define KFDO_TUI_KEYS_H

#include <stdbool.h>

#include "tui/curses.h"

#define TUI_WCHAR_BASE 0x1000000
#define TUI_CTRL(c) ((c) & 0x1f)

static inline bool tui_key_is_char(int key)
{
	return (key >= 32 && key < KEY_MIN && key != 127) || key >= TUI_WCHAR_BASE;
}

static inline int tui_key_char(int key)
{
	return key >= TUI_WCHAR_BASE ? key - TUI_WCHAR_BASE : key;
}

#endif
