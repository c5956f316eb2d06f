/* Step 5, the first build: the kernel that will be profiled, built with
 * AutoFDO's instrumentation (-fdebug-info-for-profiling) and no profile.
 * Afterwards kfdo checks what was really built (engine/verify.c). */
#include "engine/step_build.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "engine/kmake.h"
#include "engine/makepkg.h"
#include "engine/probe.h"
#include "engine/verify.h"

static bool pre_build(const struct session *s, char **why)
{
	if (s->pkgbuild && !makepkg_ready(s, why))
		return false;
	return probe_configured(s, why);
}

static int plan_build(const struct session *s, struct plan *p, char **cause)
{
	if (s->pkgbuild)
		return makepkg_plan(s, MAKEPKG_RUN_BUILD, p, cause);
	return kmake_build_plan(s, p, NULL, _("Build the kernel"), cause);
}

static bool post_build(const struct session *s, char **why)
{
	return probe_built(s, false, why);
}

/* What the build really did, from its .config and kbuild's saved commands:
 * make's syncconfig can drop a toggle without a word. */
static int complete_build(struct session *s, struct step_report *rep)
{
	char *note = NULL;
	int rc = verify_build(s, false, &note);
	sb_addf(&rep->msg, "%s%s", rep->msg.len ? "; " : "", note);
	free(note);
	return rc < 0 ? -1 : 0;
}

const struct step_def step_build = {
	.id = STEP_BUILD,
	.title = N_("Build the kernel"),
	.label = N_("Build"),
	.help = N_("The first build, without a profile: the kernel that will be profiled. Then kfdo "
		   "checks that .config still holds the toggles and that the code was compiled with "
		   "AutoFDO's flags."),
	.flags = STEP_BUILDS,
	.precondition = pre_build,
	.plan = plan_build,
	.complete = complete_build,
	.postcondition = post_build,
};
