/* A one-line text field with Tab completion of paths (input.c). */
#ifndef KFDO_TUI_INPUT_H
#define KFDO_TUI_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

struct tui;

struct input {
	wchar_t *buf;
	size_t len, cap, cur;
	size_t scroll;		/* first character shown */
	bool path;		/* Tab completes a path */
	char **cands;		/* after an ambiguous Tab: the names that fit (dirs end in '/') */
	bool no_match;		/* the last Tab found nothing */
};

void input_set(struct input *in, const char *s);
/* The text as UTF-8, malloc'd. */
char *input_text(const struct input *in);
/* An editing key; false when the key is not the field's. */
bool input_key(struct input *in, int key);
/* Draws the field in w columns at (y, x); with focus, places the cursor. */
void input_draw(struct tui *t, struct input *in, int y, int x, int w, bool focus);
void input_free(struct input *in);

#endif
