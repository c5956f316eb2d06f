/* F1 / ? (help.c): the current step in plain words, why it matters, and the
 * keys; and the table of global keys the help lists and the loop looks keys
 * up in (nconf's function_keys[]). */
#ifndef KFDO_TUI_HELP_H
#define KFDO_TUI_HELP_H

#include <stddef.h>

#include "tui/text.h"

struct tui;

struct binding {
	int key;
	const char *name;	/* "F1", "?" */
	const char *label;	/* N_(); NULL: a twin of the key above, not listed apart */
	/* Returns reaction flags: moving and quitting are the loop's (RE_NEXT, RE_QUIT). */
	int (*action)(struct tui *t);
};
extern const struct binding help_bindings[];
extern const size_t help_n_bindings;

void help_draw(struct tui *t, struct rect r);
int help_key(struct tui *t, int key);

#endif
