/* The flow as data: the steps in their order, one file each (engine/step_*.c),
 * and the walk both front ends make over them. */
#include "engine/steps.h"

#include <string.h>

#include "engine/step_hardware.h"
#include "engine/step_toolchain.h"
#include "engine/step_source.h"
#include "engine/step_configure.h"
#include "engine/step_build.h"
#include "engine/step_baseline.h"
#include "engine/step_install.h"
#include "engine/step_reboot.h"
#include "engine/step_record.h"
#include "engine/step_convert.h"
#include "engine/step_final.h"
#include "engine/step_finish.h"
#include "engine/step_compare.h"

/* In flow order: index == id (a unit test checks it). */
static const struct step_def *const table[STEP_COUNT] = {
	&step_hardware,
	&step_toolchain,
	&step_source,
	&step_configure,
	&step_build,
	&step_baseline,
	&step_install,
	&step_reboot,
	&step_record,
	&step_convert,
	&step_final,
	&step_finish,
	&step_compare,
};

const struct step_def *const *steps_table(size_t *n)
{
	if (n)
		*n = STEP_COUNT;
	return table;
}

const struct step_def *step_get(enum step_id id)
{
	return (size_t)id < STEP_COUNT ? table[id] : NULL;
}

const char *step_name(enum step_id id)
{
	return session_step_key(id);
}

const struct step_def *step_by_name(const char *name)
{
	for (size_t i = 0; name && i < STEP_COUNT; i++)
		if (strcmp(session_step_key(table[i]->id), name) == 0)
			return table[i];
	return NULL;
}

const struct step_def *step_next_pending(const struct session *s)
{
	for (size_t i = 0; i < STEP_COUNT; i++) {
		const struct step_def *d = table[i];
		if (s->steps[i].status == STATUS_SKIPPED)
			continue;
		/* A check that ran and failed but holds nothing up (the hardware: building
		 * goes on without a PMU); the step that needs it says why it cannot run. */
		if ((d->flags & STEP_ADVISORY) && s->steps[i].status == STATUS_FAILED)
			continue;
		if (!d->postcondition(s, NULL))
			return d;
	}
	return NULL;
}
