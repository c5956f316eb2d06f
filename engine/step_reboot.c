/* Step 8, the reboot into the built kernel. kfdo runs nothing: the session is
 * saved, and the step is done once the running kernel is the one kfdo built
 * (release and build-id); until then the flow waits here. */
#include "engine/step_reboot.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/probe.h"
#include "engine/summary.h"

static int complete_reboot(struct session *s, struct step_report *rep)
{
	char *why = NULL;
	bool running = probe_running_built(s, &why);
	sb_add(&rep->msg, why ? why : "");
	free(why);
	if (running)
		return 0;
	char **paras = summary_reboot(s);
	for (size_t i = 0; paras && paras[i]; i++)
		step_note(rep, NOTE_PARA, "%s", paras[i]);
	strv_free(paras);
	return STEP_WAIT;
}

const struct step_def step_reboot = {
	.id = STEP_REBOOT,
	.by_hand = summary_reboot,
	.title = N_("Reboot into the new kernel"),
	.label = N_("Reboot"),
	.help = N_("The session is saved; after the reboot kfdo checks that the running kernel is the "
		   "one it built and goes on."),
	.precondition = probe_installed_kernel,
	.complete = complete_reboot,
	.postcondition = probe_running_built,
};
