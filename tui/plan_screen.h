/* The shared shape of the later steps' screens (scr_plan.c): install,
 * reboot, profile, convert and finish. */
#ifndef KFDO_TUI_PLAN_SCREEN_H
#define KFDO_TUI_PLAN_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "tui/screen.h"
#include "tui/text.h"

struct tui;

/* A screen's own block above the plan (packages, workload, build-ids,
 * figures); returns rows used. */
typedef int (*plan_block_fn)(struct tui *t, struct rect r);

/* Header, the block, then the plan, or the running step's status and log. */
void plan_screen_draw(struct tui *t, struct rect r, plan_block_fn block);
/* Enter/F5 runs the step (precondition first), c cancels it (asked first),
 * the rest goes to the log. */
int plan_screen_key(struct tui *t, int key);
int plan_screen_start(struct tui *t);
int plan_screen_tick(struct tui *t, int64_t now);
const struct keyhint *plan_screen_hints(struct tui *t);
/* "label value" on row `row` of r; returns 1 when drawn. */
int plan_screen_line(struct rect r, int row, const char *label, const char *value, enum role role);
/* "label" then value wrapped under it, indented by the label's width, at
 * most max rows (the last cut with "…"); returns rows used. */
int plan_screen_wrapped(struct rect r, int row, const char *label, const char *value, enum role role, int max);
/* Paragraphs one after another from row `row`; returns rows used. */
int plan_screen_paras(struct rect r, int row, char *const *paras, enum role role);

#endif
