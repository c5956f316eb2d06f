/* The steps table. Postconditions look at the real world where that is cheap
 * (.config, build outputs, the package database, the running kernel,
 * perf.data's header, the profile); the machine checks trust what the session
 * recorded, and their why text says so. What the checks read of the machine
 * is in steps_probe.c. */
#include "engine/steps_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "engine/pkg.h"
#include "base/util.h"
#include "detect/tree.h"

/* What the session recorded: all there is for the machine checks, and the first
 * check of the steps whose files could be left from an earlier run. */
static bool recorded_done(const struct session *s, enum step_id id, char **why)
{
	if (s->steps[id].status == STATUS_DONE)
		return why_set(why, true, _("recorded as done in the session (not checked again)"));
	return why_set(why, false, _("not done yet (as recorded in the session)"));
}

/* ---- hardware, toolchain ---- */

static bool pre_none(const struct session *s, char **why)
{
	(void)s;
	return why_set(why, true, _("nothing needed first"));
}

static bool post_hardware(const struct session *s, char **why)
{
	return recorded_done(s, STEP_HARDWARE, why);
}

static bool post_toolchain(const struct session *s, char **why)
{
	return recorded_done(s, STEP_TOOLCHAIN, why);
}

/* ---- source ---- */

static bool pre_source(const struct session *s, char **why)
{
	if (!s->tree || !*s->tree)
		return why_set(why, false, _("choose a kernel tree, or a URL to clone"));
	return why_set(why, true, _("kernel tree: %s"), s->tree);
}

static bool post_source(const struct session *s, char **why)
{
	if (!s->tree || !*s->tree)
		return why_set(why, false, _("no kernel tree chosen yet"));
	const char *need[] = { "Makefile", "scripts/config", "arch/Kconfig" };
	for (size_t i = 0; i < ARRAY_LEN(need); i++) {
		char *p = xasprintf("%s/%s", s->tree, need[i]);
		bool ok = access(p, F_OK) == 0;
		free(p);
		if (!ok)
			return why_set(why, false, _("%s has no %s: not a kernel tree"), s->tree, need[i]);
	}
	char *kpath = xasprintf("%s/arch/Kconfig", s->tree);
	char *kconfig = file_read(kpath, 16u << 20, NULL);
	free(kpath);
	if (!kconfig)
		return why_set(why, false, _("cannot read %s/arch/Kconfig"), s->tree);
	const struct toggles *t = &s->toggles;
	const char *sym = t->autofdo && !tree_kconfig_defines(kconfig, "AUTOFDO_CLANG")   ? "AUTOFDO_CLANG"
			  : t->propeller && !tree_kconfig_defines(kconfig, "PROPELLER_CLANG") ? "PROPELLER_CLANG"
			  : t->thin_lto && !tree_kconfig_defines(kconfig, "LTO_CLANG_THIN")   ? "LTO_CLANG_THIN"
			  : t->full_lto && !tree_kconfig_defines(kconfig, "LTO_CLANG_FULL")   ? "LTO_CLANG_FULL"
										    : NULL;
	free(kconfig);
	if (sym)
		return why_set(why, false,
			       _("this tree has no CONFIG_%s (AutoFDO and Propeller need Linux "
				 "6.13 or later)"), sym);
	return why_set(why, true, _("%s is a kernel tree with the options asked for"), s->tree);
}

/* ---- configure ---- */

static bool pre_configure(const struct session *s, char **why)
{
	if (!post_source(s, why))
		return false;
	if (s->toggles.thin_lto && s->toggles.full_lto)
		return why_set(why, false, _("ThinLTO and full LTO exclude each other: pick one"));
	if (s->config_source == CONFIG_RUNNING) {
		char *src = plan_running_config();
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

static bool post_configure(const struct session *s, char **why)
{
	char *config = session_config_path(s);
	if (!config)
		return why_set(why, false, _("no kernel tree chosen yet"));
	char **bad = NULL;
	char *cause = NULL;
	bool ok = false;
	if (access(config, F_OK) != 0) {
		why_set(why, false, _("%s does not exist yet"), config);
	} else if (config_readback(config, &s->toggles, &bad, &cause) < 0) {
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

/* ---- build, install ---- */

static bool pre_build(const struct session *s, char **why)
{
	char *config = session_config_path(s);
	bool ok = config && access(config, F_OK) == 0;
	why_set(why, ok, ok ? _("%s exists") : _("%s does not exist: configure first"),
		config ? config : ".config");
	free(config);
	return ok;
}

/* The output is there and the build did what was asked: a build whose
 * syncconfig dropped a toggle, or without AutoFDO's flags, is not done. */
static bool post_built(const struct session *s, bool final, char **why)
{
	if (!steps_build_output_done(s, why))
		return false;
	char *note = NULL;
	int rc = steps_verify_build(s, final, &note);
	if (rc < 0)
		why_set(why, false, "%s", note);
	else if (why)
		why_set(why, true, "%s; %s", *why, note);
	free(note);
	return rc >= 0;
}

static bool post_build(const struct session *s, char **why)
{
	return post_built(s, false, why);
}

static bool pre_install(const struct session *s, char **why)
{
	char **pkgs = s->artifacts.packages;
	if (!pkgs)
		return why_set(why, false, _("no built packages recorded yet"));
	for (size_t i = 0; pkgs[i]; i++)
		if (access(pkgs[i], R_OK) != 0)
			return why_set(why, false, _("%s is gone: build again"), pkgs[i]);
	return why_set(why, true, _("%zu packages to install"), strv_len(pkgs));
}

static bool post_install(const struct session *s, char **why)
{
	return steps_installed_kernel_ok(s, why);
}

/* ---- reboot ---- */

static bool pre_reboot(const struct session *s, char **why)
{
	return post_install(s, why);
}

/* The release alone would take an older build of the same version for the
 * new one (the first and the final build share it): the build-id decides. */
static bool post_reboot(const struct session *s, char **why)
{
	const struct artifacts *a = &s->artifacts;
	if (!a->kernel_release || !*a->kernel_release || !a->build_id)
		return why_set(why, false, _("the built kernel is not installed yet"));
	char *running, *id, *err = NULL;
	bool ok = false;
	steps_running_kernel(s, &running, &id, &err);
	if (!running)
		why_set(why, false, "%s", err);
	else if (strcmp(running, a->kernel_release) != 0)
		why_set(why, false, _("running %s, built %s: reboot into %s"), running, a->kernel_release,
			a->kernel_release);
	else if (!id)
		why_set(why, false, _("running %s, but its build-id cannot be read: %s"), running, err);
	else if (strcmp(id, a->build_id) != 0)
		why_set(why, false, _("running %s, the same release but a different build-id (%s, built %s): an "
				      "older build of the same version is running; reboot into the new one"),
			running, id, a->build_id);
	else
		ok = why_set(why, true, _("running %s, the kernel kfdo built (build-id %s)"), running, id);
	free(running);
	free(id);
	free(err);
	return ok;
}

/* ---- profile, convert, final build, finish ---- */

static bool pre_profile(const struct session *s, char **why)
{
	if (!s->perf_event)
		return why_set(why, false, _("no PMU event chosen yet (the hardware step picks it)"));
	char *perf = path_find_exe("perf");
	bool have_perf = perf != NULL;
	free(perf);
	if (!have_perf)
		return why_set(why, false, _("perf is not installed (not on PATH): install it (Arch: perf)"));
	if (!post_reboot(s, why))
		return false;
	struct record_sysctls rs;
	if (record_sysctls_check(&rs, session_sysroot(s)) > 0) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; rs.problems[i]; i++)
			sb_addf(&sb, "%s%s", i ? "; " : "", rs.problems[i]);
		sb_add(&sb, _(" (fix: sudo sysctl -w"));
		for (size_t i = 0; rs.settings[i]; i++)
			sb_addf(&sb, " %s", rs.settings[i]);
		sb_add(&sb, ")");
		why_set(why, false, "%s", sb.s);
		sb_free(&sb);
		record_sysctls_free(&rs);
		return false;
	}
	record_sysctls_free(&rs);
	char *cause = NULL;
	if (record_ready(s, &cause) < 0) {
		why_set(why, false, "%s", cause);
		free(cause);
		return false;
	}
	char *out = record_output_path(s);
	uint64_t free_bytes, floor = record_disk_floor(s);
	bool ok = true;
	if (record_disk_free(out, &free_bytes) == 0 && free_bytes < floor) {
		char f[32], fl[32];
		record_fmt_size(f, sizeof(f), free_bytes);
		record_fmt_size(fl, sizeof(fl), floor);
		ok = why_set(why, false, _("only %s free where %s would go, below the floor of %s: free some "
					   "space, or set a lower floor (--disk-floor MB)"), f, out, fl);
	}
	if (ok)
		why_set(why, true, _("ready to record into %s"), out);
	free(out);
	return ok;
}

static bool post_profile(const struct session *s, char **why)
{
	if (!recorded_done(s, STEP_PROFILE, why))
		return false;
	return steps_recording_usable(s->artifacts.perf_data, why);
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

static bool post_convert(const struct session *s, char **why)
{
	if (!recorded_done(s, STEP_CONVERT, why))
		return false;
	return steps_profile_usable(s->artifacts.profile, why);
}

static bool pre_final_build(const struct session *s, char **why)
{
	if (!steps_profile_usable(s->artifacts.profile, why))
		return false;
	return pre_build(s, why);
}

static bool post_final_build(const struct session *s, char **why)
{
	if (!recorded_done(s, STEP_FINAL_BUILD, why))
		return false;
	return post_built(s, true, why);
}

/* The last build's packages are installed at their versions, as the package
 * database of the session's root says. The flow reaches finish only after the
 * final build, so by then they are the final build's; the step's own record
 * is not asked for, since the runner checks this before it writes one. */
static bool post_finish(const struct session *s, char **why)
{
	/* After the first install the database holds that build's packages: only the
	 * final build's (a new pkgrel) installed count as the optimized kernel. */
	if (!post_final_build(s, NULL))
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

/* ---- what kfdo does itself at the end of a step ---- */

/* The read-back: every toggle asked for is in .config, or the step fails
 * naming the ones a Kconfig dependency refused. */
static int complete_configure(struct session *s, struct strbuf *msg)
{
	char *cfg = session_config_path(s);
	char **not_stuck = NULL, *cause = NULL;
	int rc = config_readback(cfg, &s->toggles, &not_stuck, &cause);
	free(cfg);
	if (rc < 0) {
		sb_addf(msg, _("cannot read .config back: %s"), cause);
	} else if (not_stuck) {
		sb_add(msg, _("these toggles did not stick (a Kconfig dependency refused them): "));
		for (size_t i = 0; not_stuck[i]; i++)
			sb_addf(msg, "%s%s", i ? ", " : "", not_stuck[i]);
		rc = -1;
	}
	strv_free(not_stuck);
	free(cause);
	return rc;
}

/* pacman's exit status says little: the package database and the installed
 * vmlinux say what is really there. */
static int complete_install(struct session *s, struct strbuf *msg)
{
	char *summary = NULL, *cause = NULL;
	int rc = pkg_record_install(s, &summary, &cause);
	sb_add(msg, rc < 0 ? cause : summary);
	free(summary);
	free(cause);
	return rc;
}

/* What the build really did, from its .config and kbuild's saved commands:
 * make's syncconfig can drop a toggle without a word (steps_verify.c). */
static int complete_verify(struct session *s, bool final, struct strbuf *msg)
{
	char *note = NULL;
	int rc = steps_verify_build(s, final, &note);
	sb_addf(msg, "%s%s", msg->len ? "; " : "", note);
	free(note);
	return rc < 0 ? -1 : 0;
}

static int complete_first_build(struct session *s, struct strbuf *msg)
{
	return complete_verify(s, false, msg);
}

static int complete_final_build(struct session *s, struct strbuf *msg)
{
	if (s->artifacts.profile) {
		char *sum = profile_summary(s->artifacts.profile);
		sb_addf(msg, _("; built with %s"), sum);
		free(sum);
	}
	return complete_verify(s, true, msg);
}

static const struct step_def table[STEP_COUNT] = {
	{ STEP_HARDWARE, N_("Check the hardware"), N_("Hardware"),
	  N_("Can this machine record kernel branch profiles? Reads the CPU, its branch sampling "
	     "unit, what the running kernel exposes and the perf settings."),
	  pre_none, NULL, post_hardware, NULL },
	{ STEP_TOOLCHAIN, N_("Check the tools"), N_("Tools"),
	  N_("clang, lld, llvm-profgen, perf, makepkg and the rest of what the build and the "
	     "profile need, with their versions, plus free disk and memory."),
	  pre_none, NULL, post_toolchain, NULL },
	{ STEP_SOURCE, N_("Get the kernel source"), N_("Source"),
	  N_("An existing kernel tree or a fresh clone. AutoFDO needs Linux 6.13 or later."),
	  pre_source, plan_source, post_source, NULL },
	{ STEP_CONFIGURE, N_("Configure the kernel"), N_("Configure"),
	  N_("A base configuration, the AutoFDO and LTO toggles, then a read-back of .config "
	     "to show any toggle that a dependency refused."),
	  pre_configure, plan_configure, post_configure, complete_configure },
	{ STEP_BUILD, N_("Build the kernel"), N_("Build"),
	  N_("The first build, without a profile: the kernel that will be profiled. Then kfdo "
	     "checks that .config still holds the toggles and that the code was compiled with "
	     "AutoFDO's flags."),
	  pre_build, plan_build, post_build, complete_first_build },
	{ STEP_INSTALL, N_("Install the kernel"), N_("Install"),
	  N_("Installs the built packages with pacman through sudo (the -api-headers package "
	     "is left out)."),
	  pre_install, plan_install, post_install, complete_install },
	{ STEP_REBOOT, N_("Reboot into the new kernel"), N_("Reboot"),
	  N_("The session is saved; after the reboot kfdo checks that the running kernel is the "
	     "one it built and goes on."),
	  pre_reboot, NULL, post_reboot, NULL },
	{ STEP_PROFILE, N_("Record a profile"), N_("Record profile"),
	  N_("Runs your workload under perf record, sampling the kernel's taken branches."),
	  pre_profile, plan_profile, post_profile, NULL },
	{ STEP_CONVERT, N_("Convert the profile"), N_("Convert profile"),
	  N_("Turns perf.data into an AutoFDO profile with llvm-profgen and checks it is not "
	     "empty."),
	  pre_convert, plan_convert, post_convert, profile_convert_complete },
	{ STEP_FINAL_BUILD, N_("Build the optimized kernel"), N_("Final build"),
	  N_("The same tree and configuration, built with CLANG_AUTOFDO_PROFILE. Then kfdo "
	     "checks that the compiles and the ThinLTO link really used the profile."),
	  pre_final_build, plan_final_build, post_final_build, complete_final_build },
	{ STEP_FINISH, N_("Install the optimized kernel"), N_("Finish"),
	  N_("Installs the optimized kernel and shows where the profile lives for reuse."),
	  pre_install, plan_install, post_finish, complete_install },
};

const struct step_def *steps_table(size_t *n)
{
	if (n)
		*n = ARRAY_LEN(table);
	return table;
}

const struct step_def *step_get(enum step_id id)
{
	return (size_t)id < ARRAY_LEN(table) ? &table[id] : NULL;
}

const char *step_name(enum step_id id)
{
	return session_step_key(id);
}

const struct step_def *step_by_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(table); i++)
		if (strcmp(session_step_key(table[i].id), name) == 0)
			return &table[i];
	return NULL;
}

const struct step_def *step_next_pending(const struct session *s)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		if (s->steps[i].status == STATUS_SKIPPED)
			continue;
		/* A hardware check that ran and said "cannot record" does not hold
		 * the build up; the profile step says why it cannot run. */
		if (i == STEP_HARDWARE && s->steps[i].status == STATUS_FAILED)
			continue;
		if (!table[i].postcondition(s, NULL))
			return &table[i];
	}
	return NULL;
}
