/* The shared shape of the later steps' screens (scr_plan.c). */
#ifndef KFDO_TUI_PLAN_SCREEN_H
#define KFDO_TUI_PLAN_SCREEN_H

#include "tui/tui.h"

/* A screen's own block above the plan (workload, kernels, figures); returns rows used. */
typedef int (*plan_block_fn)(struct tui *t, struct rect r);

/* Header, the block, the "not in this version yet" notice, then the plan, or
 * the running step's status and log. */
void plan_screen_draw(struct tui *t, struct rect r, const char *not_yet, plan_block_fn block);
/* Enter/F5 runs the step (precondition first), c cancels it, the rest goes to the log. */
int plan_screen_key(struct tui *t, int key);
int plan_screen_start(struct tui *t);
int plan_screen_tick(struct tui *t, int64_t now);
const struct keyhint *plan_screen_hints(struct tui *t);
/* Sets perf.data and the profile to kfdo's places when the session has none. */
void plan_screen_default_paths(struct tui *t);
/* "label value" on row `row` of r; returns 1 when drawn. */
int plan_screen_line(struct rect r, int row, const char *label, const char *value, enum role role);

#endif
