/* The build log widget: a bounded scrollback of log lines with kbuild-aware
 * classification (warning, error, the first error), follow mode, search and a
 * warnings/errors filter. Appending is cheap and never draws, so a flood of
 * lines costs a memcpy per line; drawing happens only from the screen's draw.
 *
 * Keys it handles (logview_key returns true when it used the key):
 *   Up/Down/k/j one line, PgUp/PgDn/Space a page, Home/g top, End/G bottom
 *   (and follow again), f toggles follow, / starts a search (typed into the
 *   prompt the widget draws on its last row, Enter searches, Esc cancels),
 *   n/N next/previous match, w cycles the filter all -> warnings+errors ->
 *   errors only, e jumps to the first error; also Left/Right scroll long lines
 *   sideways by half the width.
 *
 * Keys are what getch() returns: the bytes of UTF-8 text typed into the
 * prompt arrive one by one and are put together there. While the prompt is
 * open (logview_prompting) every key but KEY_RESIZE is the prompt's: Enter
 * searches (an empty one repeats the last pattern), Esc cancels, Backspace
 * deletes a character, Ctrl-U the whole input. Esc and q are never used
 * outside the prompt, so the screen keeps "back" and "quit".
 *
 * How it behaves:
 *   - Follow mode (the default) shows the newest lines. Any move up, Home, a
 *     search hit or e pauses it; End/G and f resume it. Moving down to the
 *     end does not resume it: following again is always asked for.
 *   - A paused view stays on its lines while new ones arrive; lines that drop
 *     out of the scrollback are gone, and the view then starts at the oldest
 *     line kept.
 *   - Search is backwards, like a build log is read: Enter looks from the
 *     bottom line shown (the newest when following) towards older lines; n
 *     goes on to older matches, N back to newer ones. It goes through the lines
 *     the filter shows, ignores case unless the pattern has a capital letter,
 *     and never wraps around: the status row says "not found: PAT" / "no
 *     older match for PAT" until the next key. Every match on screen is marked.
 *   - The filter shows warnings+errors or errors only. Clang's notes and
 *     source excerpts ("  949 |  code", "      |  ^~~") after a diagnostic
 *     belong to it: the filter keeps them under their warning or error.
 *   - The first error is the first compiler/linker/modpost error, or make's
 *     first "***" line when the build printed no such error (like
 *     kbuild_first_error). Its line is drawn with the first_error attribute.
 *     Its text is kept when its line drops out of the scrollback: it is then
 *     pinned on the widget's top row ("first error, line N: ..."), so a flood
 *     after a failure never hides why the build failed.
 *   - Counts are exact whatever the scrollback keeps: warnings, errors
 *     (compiler, linker, modpost) and make's "***" lines apart, like
 *     struct kbuild_counts (one "***" per make level is not N errors).
 *   - A line with carriage returns keeps what a terminal would show: the text
 *     after the last one (progress meters). Tabs expand to 8 columns. Long
 *     lines are cut at the rectangle's width by display width (wcwidth), never
 *     inside a character, with '>' in the last column ('<' in the first when
 *     scrolled sideways). Control characters show as ^X, bytes that are not
 *     UTF-8 (or characters the locale cannot show) as '?'.
 *
 * Used by the wizard's build screen: append from the runner's on_line hook,
 * draw from the screen's draw, and send keys here first (all of them while
 * logview_prompting()). */
#ifndef KFDO_LOGVIEW_H
#define KFDO_LOGVIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/curses.h"

enum log_class { LOG_PLAIN, LOG_COMMAND, LOG_WARNING, LOG_ERROR };
enum log_filter { LOG_FILTER_ALL, LOG_FILTER_PROBLEMS, LOG_FILTER_ERRORS };

struct logview;

/* max_lines: scrollback kept (older lines drop off; counts stay exact). */
struct logview *logview_new(size_t max_lines);
void logview_free(struct logview *lv);
/* Forgets the lines and counts (a new command or a new build). */
void logview_clear(struct logview *lv);
/* One line without its newline; invalid UTF-8 and control characters are
 * shown safely. */
void logview_append(struct logview *lv, const char *line, size_t len);

size_t logview_warnings(const struct logview *lv);
size_t logview_errors(const struct logview *lv);
/* make's "***" lines (not counted in logview_errors: one per make level). */
size_t logview_make_errors(const struct logview *lv);
size_t logview_lines(const struct logview *lv);	/* appended since clear, dropped ones too */
bool logview_following(const struct logview *lv);
/* The first error line (NUL-terminated, owned by the widget), NULL when none. */
const char *logview_first_error(const struct logview *lv);
/* Whether the search prompt is open: the screen then sends every key here. */
bool logview_prompting(const struct logview *lv);
enum log_filter logview_filter(const struct logview *lv);

/* The attributes the widget draws with, one per role. The front end owns
 * the colour pairs: it passes COLOR_PAIR(n) | A_BOLD and the like (pairs
 * below 256). logview_new starts with the mono set, which is also what
 * logview_set_attrs(lv, NULL) puts back:
 *   plain, command A_NORMAL; warning A_BOLD; error A_BOLD | A_UNDERLINE;
 *   first_error A_BOLD | A_REVERSE; match A_REVERSE | A_UNDERLINE;
 *   status A_REVERSE (the prompt is drawn with plain, its cursor reversed). */
struct logview_attrs {
	attr_t plain, command, warning, error;
	attr_t first_error;	/* the first error's line, and its pinned copy */
	attr_t match;		/* the characters a search matched */
	attr_t status;		/* the status row */
};
void logview_set_attrs(struct logview *lv, const struct logview_attrs *attrs);

/* Draws into the h x w rectangle of win at (y, x): lines coloured by class,
 * the first error highlighted, matches of the search marked, and a status row
 * at the bottom (follow/filter/search state or the prompt). It paints every
 * cell of the rectangle and nothing outside it, and never refreshes. */
void logview_draw(struct logview *lv, WINDOW *win, int y, int x, int h, int w);
bool logview_key(struct logview *lv, int key);

/* Classification alone (also used by tests and the CLI): a kbuild/clang/ld
 * line as plain, a "  CC ..." command, a warning or an error. make's "***"
 * lines are errors; notes and excerpts are plain (see kbuild_line_parse, the
 * one definition this follows). */
enum log_class logview_classify(const char *line, size_t len);

#endif
