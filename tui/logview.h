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
 *   errors only, e jumps to the first error. */
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
size_t logview_lines(const struct logview *lv);	/* appended since clear, dropped ones too */
bool logview_following(const struct logview *lv);
/* The first error line (NUL-terminated, owned by the widget), NULL when none. */
const char *logview_first_error(const struct logview *lv);
/* Whether the search prompt is open: the screen then sends every key here. */
bool logview_prompting(const struct logview *lv);

/* Draws into the h x w rectangle of win at (y, x): lines coloured by class,
 * the first error highlighted, matches of the search marked, and a status row
 * at the bottom (follow/filter/search state or the prompt). */
void logview_draw(struct logview *lv, WINDOW *win, int y, int x, int h, int w);
bool logview_key(struct logview *lv, int key);

/* Classification alone (also used by tests and the CLI): a kbuild/clang/ld
 * line as plain, a "  CC ..." command, a warning or an error. */
enum log_class logview_classify(const char *line, size_t len);

#endif
