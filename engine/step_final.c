/* Step 11, the final build: the same tree and configuration, built with
 * CLANG_AUTOFDO_PROFILE=; afterwards kfdo checks that the compiles and the
 * ThinLTO link really used the session's profile (engine/verify.c). */
#include "engine/step_final.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "engine/kmake.h"
#include "engine/makepkg.h"
#include "engine/probe.h"
#include "engine/profile.h"
#include "engine/verify.h"

static bool pre_final(const struct session *s, char **why)
{
	if (!probe_profile_usable(s->artifacts.profile, why))
		return false;
	if (s->pkgbuild && !makepkg_ready(s, why))
		return false;
	return probe_configured(s, why);
}

/* A PKGBUILD reads the profile from beside it: copied there first, never over
 * a different file. */
static int prepare_final(struct session *s, char **cause)
{
	/* Not for a run its precondition will refuse (as root, before configure). */
	return s->pkgbuild && pre_final(s, NULL) ? makepkg_place_profile(s, cause) : 0;
}

static int plan_final(const struct session *s, struct plan *p, char **cause)
{
	if (s->pkgbuild)
		return makepkg_plan(s, MAKEPKG_RUN_FINAL, p, cause);
	if (!kmake_need_abs(_("AutoFDO profile"), s->artifacts.profile, cause))
		return -1;
	char *var = xasprintf("CLANG_AUTOFDO_PROFILE=%s", s->artifacts.profile);
	int rc = kmake_build_plan(s, p, var, _("Build the kernel optimized with the profile"), cause);
	free(var);
	return rc;
}

static bool post_final(const struct session *s, char **why)
{
	if (!step_recorded_done(s, STEP_FINAL_BUILD, why))
		return false;
	return probe_built(s, true, why);
}

static int complete_final(struct session *s, struct step_report *rep)
{
	/* --cleanbuild extracted the tree anew: where a knob renamed the
	 * package, that is another folder of BUILDDIR. */
	char *tree = s->pkgbuild ? makepkg_find_tree(NULL) : NULL;
	if (tree) {
		free(s->tree);
		s->tree = tree;
	}
	if (s->artifacts.profile) {
		char *sum = profile_summary(s->artifacts.profile);
		sb_addf(&rep->msg, _("; built with %s"), sum);
		free(sum);
	}
	char *note = NULL;
	int rc = verify_build(s, true, &note);
	sb_addf(&rep->msg, "%s%s", rep->msg.len ? "; " : "", note);
	free(note);
	return rc < 0 ? -1 : 0;
}

const struct step_def step_final = {
	.id = STEP_FINAL_BUILD,
	.title = N_("Build the optimized kernel"),
	.label = N_("Final build"),
	.help = N_("The same tree and configuration, built with CLANG_AUTOFDO_PROFILE. Then kfdo "
		   "checks that the compiles and the ThinLTO link really used the profile."),
	.flags = STEP_BUILDS | STEP_USES_PROFILE,
	.precondition = pre_final,
	.prepare = prepare_final,
	.plan = plan_final,
	.complete = complete_final,
	.postcondition = post_final,
};
