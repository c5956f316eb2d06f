/* Step 7, the install of the first build's packages: read with libalpm first
 * (one build, its release, an unstripped vmlinux; -api-headers left out),
 * then pacman -U through sudo (or libalpm into another root), then the package
 * database asked what is really installed (engine/pkg_install.c). */
#include "engine/step_install.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "engine/pkg.h"
#include "engine/probe.h"

/* pacman's exit status says little: the package database and the installed
 * vmlinux say what is really there. */
static int complete_install(struct session *s, struct step_report *rep)
{
	char *summary = NULL, *cause = NULL;
	int rc = pkg_record_install(s, &summary, &cause);
	sb_add(&rep->msg, rc < 0 ? cause : summary);
	free(summary);
	free(cause);
	return rc;
}

const struct step_def step_install = {
	.id = STEP_INSTALL,
	.title = N_("Install the kernel"),
	.label = N_("Install"),
	.help = N_("Installs the built packages with pacman through sudo (the -api-headers package "
		   "is left out)."),
	.flags = STEP_INSTALLS,
	.precondition = probe_packages,
	.plan = pkg_install_plan,
	.complete = complete_install,
	.postcondition = probe_installed_kernel,
};
