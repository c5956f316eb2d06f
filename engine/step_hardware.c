/* Step 1, the hardware check: can this machine record kernel branch
 * profiles? detect/ reads the CPU, its branch sampling, what the running
 * kernel exposes and the perf settings; the verdict is judged here for both
 * front ends, and the PMU event it picks goes into the session for the
 * recording. A machine that cannot record can still build. */
#include "engine/step_hardware.h"

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/machine.h"

static bool post_hardware(const struct session *s, char **why)
{
	return step_recorded_done(s, STEP_HARDWARE, why);
}

static int complete_hardware(struct session *s, struct step_report *rep)
{
	const struct detect_report *r = machine_hardware(s, true);
	if (r->event_ok) {
		strv_free(s->perf_event);
		s->perf_event = NULL;
		for (size_t i = 0; i < r->event.nargs; i++)
			strv_push(&s->perf_event, r->event.perf_args[i]);
	}
	sb_add(&rep->msg, r->summary);
	if (r->verdict == VERDICT_READY)
		return 0;
	step_note(rep, NOTE_DETAIL, _("(kfdo detect tells why; building goes on, recording will need it fixed)"));
	/* Fixable: done, with what to fix before recording said. */
	rep->warn = r->verdict == VERDICT_FIXABLE;
	return rep->warn ? 0 : -1;
}

const struct step_def step_hardware = {
	.id = STEP_HARDWARE,
	.title = N_("Check the hardware"),
	.label = N_("Hardware"),
	.help = N_("Can this machine record kernel branch profiles? Reads the CPU, its branch sampling "
		   "unit, what the running kernel exposes and the perf settings."),
	.flags = STEP_RECHECK | STEP_ADVISORY,
	.precondition = step_ready,
	.complete = complete_hardware,
	.postcondition = post_hardware,
};
