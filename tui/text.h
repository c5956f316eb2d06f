/* Text on the screen measured in display columns (text.c): drawing, cutting
 * and word-wrapping UTF-8 without ever splitting a character. */
#ifndef KFDO_TUI_TEXT_H
#define KFDO_TUI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/theme.h"

struct tui;

/* A rectangle of the screen, in rows and columns. */
struct rect {
	int y, x, h, w;
};

int text_width(const char *s);
/* Draws s at (y, x) in at most maxw columns, never cutting a character;
 * with ellipsis, a cut text ends in "…" (or "~"). Returns the columns used. */
int text_put(int y, int x, const char *s, int maxw, enum role role, bool ellipsis);
int text_putn(int y, int x, const char *s, size_t len, int maxw, enum role role);
/* Fills w columns at (y, x) with spaces in role's style. */
void text_fill(int y, int x, int w, enum role role);
/* Word-wraps s (newlines kept) to width columns: malloc'd lines, count in *n. */
char **text_wrap(const char *s, int width, size_t *n);
void text_free_lines(char **lines, size_t n);
/* Draws s wrapped to r.w in at most r.h rows; when the text goes on, the last
 * row holds the rest of it, cut with "…". Returns the rows drawn. */
int text_para(struct rect r, const char *s, enum role role);
/* How many rows s takes wrapped to width columns. */
int text_para_rows(const char *s, int width);
/* The glyph for a state, UTF-8 or ASCII as the terminal's locale allows. */
const char *text_glyph(const struct tui *t, const char *utf8, const char *ascii);

#endif
