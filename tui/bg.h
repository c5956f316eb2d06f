/* A check that takes seconds, in a child process (bg.c), so that the screen
 * keeps drawing and answering keys meanwhile. */
#ifndef KFDO_TUI_BG_H
#define KFDO_TUI_BG_H

#include <stdbool.h>

struct bg;

/* Runs fn(arg) in a child; the text it returns comes back through a pipe.
 * NULL when no child can be started. */
struct bg *bg_start(char *(*fn)(void *arg), void *arg);
/* Non-blocking: true once the child is done, with its text in *out
 * (malloc'd; NULL when it gave none, e.g. it died). */
bool bg_poll(struct bg *b, char **out);
/* Kills a child still at work and reaps it. */
void bg_free(struct bg *b);

#endif
