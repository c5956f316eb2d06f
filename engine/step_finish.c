/* Step 12, finish: the optimized kernel installed as the first one was
 * (engine/pkg_install.c), then where the profile lives and how to reuse it. */
#include "engine/step_finish.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/pkg.h"
#include "engine/probe.h"
#include "engine/summary.h"
#include "engine/sysfiles.h"

/* The last build's packages are installed at their versions, as the package
 * database of the session's root says. The flow reaches finish only after the
 * final build, so by then they are the final build's; the step's own record
 * is not asked for, since the runner checks this before it writes one. */
static bool post_finish(const struct session *s, char **why)
{
	/* After the first install the database holds that build's packages: only the
	 * final build's (a new pkgrel) installed count as the optimized kernel. */
	if (!(step_recorded_done(s, STEP_FINAL_BUILD, NULL) && probe_built(s, true, NULL)))
		return why_set(why, false, _("the optimized kernel is not built yet"));
	struct pkg_set set;
	char *cause = NULL, *dbpath = pkg_session_dbpath(s);
	bool ok = pkg_set_load(&set, s->artifacts.packages, 0, &cause) == 0 &&
		  pkg_check_installed(&set, pkg_session_root(s), dbpath, &cause) == 0;
	if (ok)
		why_set(why, true, _("the optimized kernel %s %s is installed"), set.base, set.version);
	else
		why_set(why, false, "%s", cause);
	pkg_set_free(&set);
	free(cause);
	free(dbpath);
	return ok;
}

/* The optimized kernel's install, then the removal of everything kfdo put on
 * the system for the unattended run (the sysctl drop-in, restoring what was
 * there): the flow ends here, and nothing it installed may outlive it. */
static int plan_finish(const struct session *s, struct plan *p, char **cause)
{
	if (pkg_install_plan(s, p, cause) < 0)
		return -1;
	return sysfiles_remove_plan(session_sysroot(s), p, cause);
}

static int complete_finish(struct session *s, struct step_report *rep)
{
	char *summary = NULL, *cause = NULL;
	int rc = pkg_record_install(s, &summary, &cause);
	sb_add(&rep->msg, rc < 0 ? cause : summary);
	free(summary);
	free(cause);
	cause = NULL;
	if (rc < 0)
		return rc;
	if (sysfiles_remove_user(&cause) < 0 || sysfiles_forget_root(&cause) < 0)
		step_note(rep, NOTE_WARN, _("what kfdo installed for the unattended run is not all gone: %s"), cause);
	free(cause);
	session_unattended_clear(s);
	char **paras = summary_finish(s);
	step_note(rep, NOTE_PARA, "%s", "");
	for (size_t i = 0; paras && paras[i]; i++)
		step_note(rep, NOTE_PARA, "%s", paras[i]);
	strv_free(paras);
	return 0;
}

const struct step_def step_finish = {
	.id = STEP_FINISH,
	.title = N_("Install the optimized kernel"),
	.label = N_("Finish"),
	.help = N_("Installs the optimized kernel and shows where the profile lives for reuse."),
	.flags = STEP_USES_PROFILE | STEP_INSTALLS,
	.precondition = probe_packages,
	.plan = plan_finish,
	.complete = complete_finish,
	.postcondition = post_finish,
};
