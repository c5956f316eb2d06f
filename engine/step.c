/* What every step file shares: the report a run of a step fills, and the
 * session's own record of it. */
#include "engine/step.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/i18n.h"

void step_note(struct step_report *r, enum note_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	r->notes = xrealloc(r->notes, (r->n_notes + 1) * sizeof(*r->notes));
	r->notes[r->n_notes++] = (struct step_note){ level, text };
}

void step_report_free(struct step_report *r)
{
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i].text);
	free(r->notes);
	sb_free(&r->msg);
	*r = (struct step_report){ 0 };
}

bool step_ready(const struct session *s, char **why)
{
	(void)s;
	return why_set(why, true, _("nothing needed first"));
}

bool step_recorded_done(const struct session *s, enum step_id id, char **why)
{
	if (s->steps[id].status == STATUS_DONE)
		return why_set(why, true, _("recorded as done in the session (not checked again)"));
	return why_set(why, false, _("not done yet (as recorded in the session)"));
}
