/* Step 3, the kernel source: a tree on disk, or a clone of one with git. Done
 * when the tree is there and has every option the toggles ask for. Or a
 * linux-cachyos PKGBUILD (engine/makepkg.h): done when it has the knobs the
 * flow drives; makepkg fetches the kernel when it configures. */
#include "engine/step_source.h"

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/kmake.h"
#include "engine/makepkg.h"
#include "engine/probe.h"

static bool pre_source(const struct session *s, char **why)
{
	if (s->pkgbuild && *s->pkgbuild)
		return why_set(why, true, _("linux-cachyos PKGBUILD: %s"), s->pkgbuild);
	if (!s->tree || !*s->tree)
		return why_set(why, false, _("choose a kernel tree, a URL to clone, or a PKGBUILD"));
	return why_set(why, true, _("kernel tree: %s"), s->tree);
}

static int plan_source(const struct session *s, struct plan *p, char **cause)
{
	/* makepkg downloads the kernel itself, in the configure step. */
	if (s->pkgbuild && *s->pkgbuild)
		return kmake_need_abs(_("PKGBUILD folder"), s->pkgbuild, cause) ? 0 : -1;
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

static bool post_source(const struct session *s, char **why)
{
	return s->pkgbuild && *s->pkgbuild ? makepkg_source_ok(s, why) : probe_tree(s, why);
}

const struct step_def step_source = {
	.id = STEP_SOURCE,
	.flags = STEP_STATE_FROM_WORLD,
	.title = N_("Get the kernel source"),
	.label = N_("Source"),
	.help = N_("An existing kernel tree or a fresh clone, or a linux-cachyos PKGBUILD. AutoFDO needs "
		   "Linux 6.13 or later."),
	.precondition = pre_source,
	.plan = plan_source,
	.postcondition = post_source,
};
