/* The step that runs (task.c): engine/runner driven from the wizard's poll
 * loop, its output into the log widget. */
#ifndef KFDO_TUI_TASK_H
#define KFDO_TUI_TASK_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/steps.h"
#include "tui/logview.h"

struct task;
struct tui;

/* Starts a step through the runner (asks sudo for its password first when a
 * command needs root). 0, or -1 with the reason in the note. */
int task_start(struct tui *t, enum step_id id);
bool task_running(const struct tui *t);
/* The task's log widget when it belongs to this step, else NULL. */
struct logview *task_log(struct tui *t, enum step_id id);
void task_cancel(struct tui *t);
/* Ends the profile step's recording cleanly (perf writes perf.data; the step
 * succeeds when it is valid). False when nothing records yet. */
bool task_stop(struct tui *t);
/* perf record runs (a stop applies). */
bool task_recording(const struct tui *t);
/* True once after each run of step id ended (however short it was): the
 * moment for its screen to read again what the step changed. */
bool task_take_end(struct tui *t, enum step_id id);
/* A key for a log widget, a wide character as its UTF-8 bytes. */
bool tui_log_key(struct logview *lv, int key);
int task_fd(const struct tui *t);
int task_timeout(const struct tui *t, int64_t now);
/* Moves the task along; returns reaction flags (redraw, steps changed). */
int task_handle(struct tui *t, int64_t now);
void task_free(struct task *k);

#endif
