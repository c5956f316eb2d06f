/* Step 4, configure: a base configuration (the running kernel's, a file,
 * defconfig or tinyconfig), the toggles set with scripts/config, olddefconfig
 * to resolve their dependencies, then a read-back of .config that names any
 * toggle a dependency refused. */
#include "engine/step_configure.h"

#include <stdlib.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/kmake.h"
#include "engine/makepkg.h"
#include "engine/probe.h"

static bool pre_configure(const struct session *s, char **why)
{
	if (s->pkgbuild)
		return makepkg_ready(s, why);
	if (!probe_tree(s, why))
		return false;
	if (s->toggles.thin_lto && s->toggles.full_lto)
		return why_set(why, false, _("ThinLTO and full LTO exclude each other: pick one"));
	if (s->config_source == CONFIG_RUNNING) {
		char *src = kmake_running_config();
		bool ok = access(src, R_OK) == 0;
		why_set(why, ok,
			ok ? _("base configuration: %s")
			   : _("cannot read %s: choose a configuration file or defconfig"), src);
		free(src);
		if (!ok)
			return false;
	} else if (s->config_source == CONFIG_FILE &&
		   (!s->config_file || access(s->config_file, R_OK) != 0)) {
		return why_set(why, false, _("cannot read the base configuration %s"),
			       s->config_file ? s->config_file : _("(none chosen)"));
	}
	if (s->output_dir && *s->output_dir) {
		char *in_tree = xasprintf("%s/.config", s->tree);
		bool dirty = access(in_tree, F_OK) == 0;
		free(in_tree);
		/* Kbuild refuses O= builds from a tree that was configured in place. */
		if (dirty)
			return why_set(why, false,
				       _("%s has its own .config, so an O= build would fail: run "
					 "make mrproper in it"), s->tree);
	}
	return why_set(why, true, _("ready to configure %s"), s->tree);
}

static int plan_configure(const struct session *s, struct plan *p, char **cause)
{
	if (s->pkgbuild)
		return makepkg_plan(s, MAKEPKG_RUN_CONFIGURE, p, cause);
	if (!kmake_session_ok(s, cause))
		return -1;
	char *config = session_config_path(s);
	char **v;
	switch (s->config_source) {
	case CONFIG_RUNNING: {
		char *src = kmake_running_config();
		plan_add_copy(p, _("Copy the running kernel's configuration (kfdo does this itself)"),
			      src, config);
		free(src);
		break;
	}
	case CONFIG_FILE:
		if (!kmake_need_abs(_("base configuration file"), s->config_file, cause)) {
			free(config);
			return -1;
		}
		plan_add_copy(p, _("Copy the chosen base configuration (kfdo does this itself)"),
			      s->config_file, config);
		break;
	case CONFIG_DEFCONFIG:
	case CONFIG_TINYCONFIG: {
		const char *target = s->config_source == CONFIG_DEFCONFIG ? "defconfig" : "tinyconfig";
		v = kmake_argv(s, s->tree, s->output_dir, NULL);
		strv_push(&v, target);
		kmake_add(s, p, s->config_source == CONFIG_DEFCONFIG
				       ? _("Start from the architecture's default configuration")
				       : _("Start from the smallest configuration"), v);
		break;
	}
	}
	if (s->config_source == CONFIG_RUNNING || s->config_source == CONFIG_FILE) {
		v = kmake_argv(s, s->tree, s->output_dir, NULL);
		strv_push(&v, "olddefconfig");
		kmake_add(s, p, _("Update the base configuration to this tree (olddefconfig)"), v);
	}

	char **ops = kmake_toggle_args(&s->toggles);
	if (ops) {
		v = NULL;
		strv_pushf(&v, "%s/scripts/config", s->tree);
		strv_push(&v, "--file");
		strv_push(&v, config);
		for (size_t i = 0; ops[i]; i++)
			strv_push(&v, ops[i]);
		kmake_add(s, p, _("Set the toggles (AutoFDO, LTO, Propeller, extras)"), v);
		strv_free(ops);
		v = kmake_argv(s, s->tree, s->output_dir, NULL);
		strv_push(&v, "olddefconfig");
		kmake_add(s, p, _("Resolve the toggles' dependencies (olddefconfig)"), v);
	}
	free(config);
	return 0;
}

static bool post_configure(const struct session *s, char **why)
{
	char *config = session_config_path(s);
	if (!config)
		return why_set(why, false, s->pkgbuild ? _("makepkg has not extracted and configured the kernel yet")
						       : _("no kernel tree chosen yet"));
	char **bad = NULL;
	char *cause = NULL;
	bool ok = false;
	struct toggles t = makepkg_toggles(s);
	if (access(config, F_OK) != 0) {
		why_set(why, false, _("%s does not exist yet"), config);
	} else if (kmake_config_readback(config, &t, &bad, &cause) < 0) {
		why_set(why, false, "%s", cause);
	} else if (bad) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; bad[i]; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", bad[i]);
		why_set(why, false, _("toggles that did not stick: %s"), sb.s);
		sb_free(&sb);
	} else {
		ok = why_set(why, true, _("%s holds every toggle asked for"), config);
	}
	strv_free(bad);
	free(cause);
	free(config);
	return ok;
}

/* The read-back: every toggle asked for is in .config, or the step fails
 * naming the ones a Kconfig dependency refused. */
static int complete_configure(struct session *s, struct step_report *rep)
{
	char **not_stuck = NULL, *cause = NULL;
	/* The tree makepkg extracted and its PKGBUILD configured is the tree of
	 * every later step. */
	if (s->pkgbuild) {
		char *tree = makepkg_find_tree(&cause);
		if (!tree) {
			sb_add(&rep->msg, cause);
			free(cause);
			return -1;
		}
		free(s->tree);
		s->tree = tree;
	}
	char *cfg = session_config_path(s);
	struct toggles t = makepkg_toggles(s);
	int rc = kmake_config_readback(cfg, &t, &not_stuck, &cause);
	free(cfg);
	if (rc < 0) {
		sb_addf(&rep->msg, _("cannot read .config back: %s"), cause);
	} else if (not_stuck) {
		sb_add(&rep->msg, _("these toggles did not stick (a Kconfig dependency refused them): "));
		for (size_t i = 0; not_stuck[i]; i++)
			sb_addf(&rep->msg, "%s%s", i ? ", " : "", not_stuck[i]);
		rc = -1;
	} else if (s->pkgbuild) {
		sb_addf(&rep->msg, _("the PKGBUILD configured %s with every toggle asked for"), s->tree);
	}
	strv_free(not_stuck);
	free(cause);
	return rc;
}

const struct step_def step_configure = {
	.id = STEP_CONFIGURE,
	.title = N_("Configure the kernel"),
	.label = N_("Configure"),
	.help = N_("A base configuration, the AutoFDO and LTO toggles, then a read-back of .config "
		   "to show any toggle that a dependency refused."),
	.precondition = pre_configure,
	.plan = plan_configure,
	.complete = complete_configure,
	.postcondition = post_configure,
};
