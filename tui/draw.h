/* Pieces that several screens draw (draw.c): boxes, the progress bar, a
 * step's plan, the "not in this version yet" notice, the step's header and
 * the running command's status. Only the plan is read beforehand
 * (draw_plan_scan): drawing reads no file. */
#ifndef KFDO_TUI_DRAW_H
#define KFDO_TUI_DRAW_H

#include "tui/text.h"

struct tui;

void draw_box(struct rect r, enum role role);
void draw_hline(int y, int x, int w, enum role role);
/* A progress bar; fraction < 0 draws an indeterminate one moving with phase. */
void draw_bar(const struct tui *t, int y, int x, int w, double fraction, unsigned phase);
/* Reads the current step's plan (the engine's plan function: it may look at
 * files) into t->plan for draw_plan; the loop calls it with every scan. */
void draw_plan_scan(struct tui *t);
void draw_plan_free(struct tui *t);
/* The plan draw_plan_scan read, as numbered command lines under a heading,
 * scrolled by t->plan_scroll when it does not fit; returns rows used. */
int draw_plan(struct tui *t, struct rect r);
/* "Not in this version yet:" box for what kfdo really lacks; returns rows used. */
int draw_not_yet(struct rect r, const char *text);
/* The step's title alone; returns rows used. */
int draw_step_title(struct tui *t, struct rect r);
/* Step title and its state line at the top of a screen; returns rows used. */
int draw_step_header(struct tui *t, struct rect r);
/* The task's command, log path and outcome above its log; returns rows used. */
int draw_task_status(struct tui *t, struct rect r);

#endif
