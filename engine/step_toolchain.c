/* Step 2, the tools a build and a profile need: clang, lld and LLVM with
 * their versions, llvm-profgen or create_llvm_prof, perf, makepkg, the kernel
 * build's own tools, free disk and memory (detect/toolchain.c finds and rates
 * them); the verdict is judged here for both front ends. */
#include "engine/step_toolchain.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "detect/check.h"
#include "engine/machine.h"

static bool post_toolchain(const struct session *s, char **why)
{
	return step_recorded_done(s, STEP_TOOLCHAIN, why);
}

static int complete_toolchain(struct session *s, struct step_report *rep)
{
	char *cause = NULL;
	const struct toolchain *tc = machine_toolchain(s, true, &cause);
	if (!tc) {
		sb_add(&rep->msg, cause);
		free(cause);
		return -1;
	}
	struct check_list l = { 0 };
	toolchain_checks(tc, &l);
	bool ok = true;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].status == CHECK_FAIL) {
			ok = false;
			step_note(rep, NOTE_FAIL, "%s: %s", l.v[i].id, l.v[i].message);
		}
	check_list_free(&l);
	char *install = toolchain_install_command(tc);
	if (!ok && install)
		step_note(rep, NOTE_DETAIL, _("to install what is missing: %s"), install);
	free(install);
	if (ok)
		sb_addf(&rep->msg, _("every required tool is there (make %s)"), tc->make_llvm_arg ? tc->make_llvm_arg : "");
	else
		sb_add(&rep->msg, _("required tools are missing (kfdo doctor lists them)"));
	return ok ? 0 : -1;
}

const struct step_def step_toolchain = {
	.id = STEP_TOOLCHAIN,
	.title = N_("Check the tools"),
	.label = N_("Tools"),
	.help = N_("clang, lld, llvm-profgen, perf, makepkg and the rest of what the build and the "
		   "profile need, with their versions, plus free disk and memory."),
	.flags = STEP_RECHECK,
	.precondition = step_ready,
	.complete = complete_toolchain,
	.postcondition = post_toolchain,
};
