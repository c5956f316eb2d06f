/* The flow as data: one table of steps (engine/step_*.c, each a struct
 * step_def of engine/step.h) that the TUI and the CLI both walk. Each step
 * checks its own postcondition first, so a step already done shows as done
 * instead of running again. */
#ifndef KFDO_STEPS_H
#define KFDO_STEPS_H

#include <stddef.h>

#include "engine/step.h"

/* The table, in flow order (index == id), STEP_COUNT entries. */
const struct step_def *const *steps_table(size_t *n);
const struct step_def *step_get(enum step_id id);
/* "build": the CLI argument and state key (session_step_key). */
const char *step_name(enum step_id id);
const struct step_def *step_by_name(const char *name);
/* The first step neither skipped nor satisfying its postcondition (an
 * advisory check that failed does not count: building goes on without a
 * PMU); NULL when the whole flow is done. */
const struct step_def *step_next_pending(const struct session *s);

#endif
