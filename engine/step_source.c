/* Step 3, the kernel source: a tree on disk, or a clone of one with git. Done
 * when the tree is there and has every option the toggles ask for. */
#include "engine/step_source.h"

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/kmake.h"
#include "engine/probe.h"

static bool pre_source(const struct session *s, char **why)
{
	if (!s->tree || !*s->tree)
		return why_set(why, false, _("choose a kernel tree, or a URL to clone"));
	return why_set(why, true, _("kernel tree: %s"), s->tree);
}

static int plan_source(const struct session *s, struct plan *p, char **cause)
{
	if (!kmake_need_abs(_("kernel tree"), s->tree, cause))
		return -1;
	if (!s->clone_url || !*s->clone_url)
		return 0;
	char **v = NULL;
	strv_push(&v, "git");
	strv_push(&v, "clone");
	strv_push(&v, "--progress");
	strv_push(&v, "--depth=1");
	if (s->clone_branch && *s->clone_branch) {
		strv_push(&v, "--branch");
		strv_push(&v, s->clone_branch);
	}
	strv_push(&v, "--");
	strv_push(&v, s->clone_url);
	strv_push(&v, s->tree);
	plan_add(p, _("Clone the kernel source"), v);
	return 0;
}

const struct step_def step_source = {
	.id = STEP_SOURCE,
	.flags = STEP_STATE_FROM_WORLD,
	.title = N_("Get the kernel source"),
	.label = N_("Source"),
	.help = N_("An existing kernel tree or a fresh clone. AutoFDO needs Linux 6.13 or later."),
	.precondition = pre_source,
	.plan = plan_source,
	.postcondition = probe_tree,
};
