/* Step 10, the conversion of the recording into an AutoFDO profile: the
 * build-ids of vmlinux, the running kernel and perf.data checked, llvm-profgen
 * or create_llvm_prof, the merge with earlier profiles when asked, and the
 * profile's statistics (engine/profile.c, engine/profile_out.c). */
#include "engine/step_convert.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "engine/probe.h"
#include "engine/profile.h"

static int prepare_convert(struct session *s, char **cause)
{
	(void)s;
	return profile_prepare_dir(cause);
}

static bool pre_convert(const struct session *s, char **why)
{
	char *note = NULL, *cause = NULL;
	bool ok = profile_check_inputs(s, &note, &cause) == 0;
	if (ok)
		why_set(why, true, _("%s and %s are there and belong together%s%s"), s->artifacts.perf_data,
			s->artifacts.vmlinux, note ? "; " : "", note ? note : "");
	else
		why_set(why, false, "%s", cause);
	free(note);
	free(cause);
	return ok;
}

/* The new profile named and recorded, and its hottest functions said. */
static int complete_convert(struct session *s, struct step_report *rep)
{
	int rc = profile_convert_complete(s, &rep->msg);
	struct profile_record rec;
	if (rc == 0 && s->artifacts.profile && profile_record_read(s->artifacts.profile, &rec, NULL) == 0) {
		for (size_t i = 0; i < rec.n_hot; i++)
			step_note(rep, NOTE_DETAIL, _("%5.1f%%  %-40s %llu samples"), rec.hot[i].share, rec.hot[i].name,
				  (unsigned long long)rec.hot[i].samples);
		profile_record_free(&rec);
	}
	return rc;
}

static void abandon_convert(const struct session *s)
{
	(void)s;
	profile_convert_abandon();
}

static bool post_convert(const struct session *s, char **why)
{
	if (!step_recorded_done(s, STEP_CONVERT, why))
		return false;
	return probe_profile_usable(s->artifacts.profile, why);
}

const struct step_def step_convert = {
	.id = STEP_CONVERT,
	.title = N_("Convert the profile"),
	.label = N_("Convert profile"),
	.help = N_("Turns perf.data into an AutoFDO profile with llvm-profgen and checks it is not "
		   "empty."),
	.prepare = prepare_convert,
	.precondition = pre_convert,
	.plan = profile_plan,
	.complete = complete_convert,
	.postcondition = post_convert,
	.abandon = abandon_convert,
};
