/* Rating the tools toolchain.c found: a status, a message and a remedy per
 * tool (which package, which install command on this distribution), the
 * checks doctor and the wizard show, and one command installing all that is
 * missing. */
#include "detect/toolchain_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"

/* The LLVM the remedies ask for: clang 19 does AutoFDO and Propeller. */
#define LLVM_WANTED_MAJOR 19

/* The package that provides a tool here: Debian versions its LLVM packages,
 * and the suffix kfdo picked must keep matching. */
static char *pkg_name(const struct toolchain *tc, enum tool_id id)
{
	const struct tool_spec *s = &toolchain_specs[id];
	if (!s->arch_pkg)
		return NULL;
	if (tc->distro == DISTRO_ARCH || tc->distro == DISTRO_UNKNOWN)
		return xstrdup(s->arch_pkg);
	if (tc->distro == DISTRO_UBUNTU && id == TOOL_PERF)
		return xstrdup("linux-tools-generic");
	if (s->how != FIND_LLVM)
		return xstrdup(s->debian_pkg);
	const struct tool *clang = &tc->tools[TOOL_CLANG];
	if (!clang->path || clang->major < 17 ||
	    (id == TOOL_LLVM_PROFGEN && tc->tools[id].major < PROFGEN_KERNEL_MAJOR))
		return xasprintf("%s-%d", s->debian_pkg, LLVM_WANTED_MAJOR);
	if (*tc->llvm_suffix)
		return xasprintf("%s%s", s->debian_pkg, tc->llvm_suffix);
	return xstrdup(s->debian_pkg);
}

static char *install_command(enum distro d, const char *pkgs)
{
	switch (d) {
	case DISTRO_ARCH:
		return xasprintf("sudo pacman -S --needed %s", pkgs);
	case DISTRO_DEBIAN:
	case DISTRO_UBUNTU:
		return xasprintf("sudo apt-get install %s", pkgs);
	case DISTRO_UNKNOWN:
		break;
	}
	return xasprintf(_("install %s (as Arch names it) with your package manager"), pkgs);
}

static char *remedy_install(const struct toolchain *tc, enum tool_id id)
{
	char *pkg = pkg_name(tc, id);
	if (!pkg)
		return NULL;
	char *r = install_command(tc->distro, pkg);
	free(pkg);
	return r;
}

/* The whole LLVM set, for a clang that is missing or too old. */
static char *remedy_llvm(const struct toolchain *tc)
{
	char *r;
	if (tc->distro == DISTRO_DEBIAN || tc->distro == DISTRO_UBUNTU)
		r = xasprintf(_("sudo apt-get install clang-%d lld-%d llvm-%d (kfdo then builds with "
				"LLVM=-%d)"), LLVM_WANTED_MAJOR, LLVM_WANTED_MAJOR, LLVM_WANTED_MAJOR,
			      LLVM_WANTED_MAJOR);
	else
		r = install_command(tc->distro, "clang lld llvm");
	return r;
}

static char *tool_describe(const struct toolchain *tc, const struct tool *t)
{
	struct strbuf sb = { 0 };
	const char *version = t->version ? t->version : _("(version unknown)");
	if (toolchain_specs[t - tc->tools].how == FIND_HEADER)
		sb_addf(&sb, _("%s headers %s"), t->id, version);
	else
		sb_addf(&sb, "%s %s", t->name, version);
	/* With a tools dir the name already is the path. */
	bool show_path = strcmp(t->name, t->path) != 0;
	if (show_path || t->package)
		sb_addf(&sb, " (%s%s%s%s)", show_path ? t->path : "",
			/* TRANSLATORS: before a package name, as in "(/usr/bin/clang, package clang)". */
			show_path && t->package ? ", " : "", t->package ? _("package ") : "",
			t->package ? t->package : "");
	if (t == &tc->tools[TOOL_CLANG])
		sb_addf(&sb, "; make %s", tc->make_llvm_arg);
	if (t == &tc->tools[TOOL_PERF] && tc->perf_libpfm == 0)
		sb_add(&sb, _("; built without libpfm4 (raw events need none)"));
	return sb.s;
}

/* The end of a sentence ("Install LLVM 19 or later (...), or build ..."). */
static const char *const AUTOFDO_GIT =
	N_("build create_llvm_prof v0.30.1 or later from https://github.com/google/autofdo");

bool toolchain_create_llvm_prof_ok(const struct toolchain *tc)
{
	const struct tool *c = &tc->tools[TOOL_CREATE_LLVM_PROF];
	if (!c->path)
		return false;
	if (c->version)
		return toolchain_version_cmp(c->version, "0.30.1") >= 0;
	return tc->clp_extbinary != 0;
}

static void rate_profgen(struct toolchain *tc)
{
	struct tool *t = &tc->tools[TOOL_LLVM_PROFGEN];
	tc->profgen_kernel = t->path && t->major >= PROFGEN_KERNEL_MAJOR;
	if (tc->profgen_kernel) {
		char *d = tool_describe(tc, t);
		t->message = xasprintf(_("%s; handles --kernel"), d);
		free(d);
		t->status = CHECK_OK;
		return;
	}
	char *why;
	if (!t->path)
		why = xasprintf(_("%s not found"), t->name);
	else if (!t->version)
		why = xasprintf(_("%s: version unknown, --kernel needs LLVM %d or later"), t->name,
				PROFGEN_KERNEL_MAJOR);
	else
		why = xasprintf(_("%s %s is too old for --kernel (needs LLVM %d or later)"), t->name,
				t->version, PROFGEN_KERNEL_MAJOR);
	char *inst = remedy_install(tc, TOOL_LLVM_PROFGEN);
	if (toolchain_create_llvm_prof_ok(tc)) {
		t->status = CHECK_WARN;
		t->message = xasprintf(_("%s; create_llvm_prof will convert the profile instead"), why);
		t->remedy = xasprintf(_("To use llvm-profgen --kernel, install LLVM %d or later: %s"),
				      PROFGEN_KERNEL_MAJOR, inst);
	} else {
		t->status = CHECK_FAIL;
		t->message = xasprintf(_("%s, and create_llvm_prof (v0.30.1 or later) is missing too: "
					 "nothing can turn perf.data into a kernel profile"), why);
		t->remedy = xasprintf(_("Install LLVM %d or later (%s), or %s."), PROFGEN_KERNEL_MAJOR,
				      inst, _(AUTOFDO_GIT));
	}
	free(inst);
	free(why);
}

static void rate_create_llvm_prof(struct toolchain *tc)
{
	struct tool *t = &tc->tools[TOOL_CREATE_LLVM_PROF];
	if (!t->path) {
		t->status = CHECK_WARN;
		t->message = xasprintf(_("create_llvm_prof not found: Propeller needs it%s"),
				       tc->profgen_kernel ? _("; AutoFDO gets by with llvm-profgen") : "");
		t->remedy = xasprintf(_("For Propeller, %s."), _(AUTOFDO_GIT));
	} else if (!toolchain_create_llvm_prof_ok(tc)) {
		t->status = CHECK_WARN;
		if (t->version)
			t->message = xasprintf(_("create_llvm_prof %s is too old for kernel profiles (needs "
						 "v0.30.1 or later)"), t->version);
		else
			t->message = xstrdup(_("create_llvm_prof is too old for kernel profiles: its --format "
					       "has no extbinary (a distribution build of an old release; needs "
					       "v0.30.1 or later)"));
		/* A sentence of its own: translations cannot capitalize AUTOFDO_GIT by hand. */
		t->remedy = xstrdup(_("Build create_llvm_prof v0.30.1 or later from https://github.com/google/autofdo."));
	} else {
		char *d = tool_describe(tc, t);
		t->status = CHECK_OK;
		t->message = t->version || tc->clp_extbinary == 1
			? xstrdup(d) : xasprintf(_("%s; kernel profiles need v0.30.1 or later"), d);
		free(d);
	}
}

static void rate_tool(struct toolchain *tc, enum tool_id id)
{
	const struct tool_spec *s = &toolchain_specs[id];
	struct tool *t = &tc->tools[id];
	bool arch_only = id == TOOL_MAKEPKG || id == TOOL_PACMAN;
	if (arch_only && tc->distro != DISTRO_ARCH)
		t->required = false;
	enum check_status bad = t->required ? CHECK_FAIL : CHECK_WARN;
	if (!t->path) {
		t->status = bad;
		/* TRANSLATORS: "clang not found: it compiles the kernel"; the last %s: " (not an Arch system)" or "". */
		t->message = xasprintf(_("%s not found: it %s%s"), t->name, _(s->purpose),
				       arch_only && tc->distro != DISTRO_ARCH ? _(" (not an Arch system)") : "");
		t->remedy = id == TOOL_CLANG ? remedy_llvm(tc) : remedy_install(tc, id);
	} else if (s->min_version && t->version &&
		   toolchain_version_cmp(t->version, s->min_version) < 0) {
		t->status = bad;
		t->message = xasprintf(_("%s %s is too old: %s needs %s or later"), t->name, t->version,
				       id == TOOL_CLANG ? "AUTOFDO_CLANG" : _("the kernel build"),
				       s->min_version);
		t->remedy = id == TOOL_CLANG ? remedy_llvm(tc) : remedy_install(tc, id);
	} else if (id == TOOL_CLANG && t->major < LLVM_WANTED_MAJOR) {
		char *d = tool_describe(tc, t);
		t->status = CHECK_WARN;
		t->message = xasprintf(_("%s; AutoFDO works, Propeller needs clang %d"), d,
				       LLVM_WANTED_MAJOR);
		t->remedy = remedy_llvm(tc);
		free(d);
	} else {
		t->status = CHECK_OK;
		t->message = tool_describe(tc, t);
	}
}

void toolchain_rate(struct toolchain *tc)
{
	for (int i = 0; i < TOOL_COUNT; i++)
		if (i != TOOL_LLVM_PROFGEN && i != TOOL_CREATE_LLVM_PROF)
			rate_tool(tc, (enum tool_id)i);
	rate_profgen(tc);
	rate_create_llvm_prof(tc);
}

void toolchain_checks(const struct toolchain *tc, struct check_list *list)
{
	for (int i = 0; i < TOOL_COUNT; i++) {
		const struct tool *t = &tc->tools[i];
		if (t->check_id)
			check_add(list, t->check_id, t->status, t->remedy, "%s", t->message);
	}
	resources_checks(&tc->res, list);
}

char *toolchain_install_command(const struct toolchain *tc)
{
	struct strbuf pkgs = { 0 };
	for (int i = 0; i < TOOL_COUNT; i++) {
		const struct tool *t = &tc->tools[i];
		if (t->status != CHECK_FAIL)
			continue;
		char *names = NULL;
		if (i == TOOL_CLANG && tc->distro != DISTRO_ARCH && tc->distro != DISTRO_UNKNOWN)
			names = xasprintf("clang-%d lld-%d llvm-%d", LLVM_WANTED_MAJOR,
					  LLVM_WANTED_MAJOR, LLVM_WANTED_MAJOR);
		else if (i == TOOL_CLANG)
			names = xstrdup("clang lld llvm");
		else
			names = pkg_name(tc, (enum tool_id)i);
		char *save = NULL;
		for (char *w = names ? strtok_r(names, " ", &save) : NULL; w;
		     w = strtok_r(NULL, " ", &save)) {
			if (pkgs.s && str_has_word(pkgs.s, w))
				continue;
			sb_addf(&pkgs, "%s%s", pkgs.len ? " " : "", w);
		}
		free(names);
	}
	if (!pkgs.len)
		return NULL;
	char *cmd = install_command(tc->distro, pkgs.s);
	sb_free(&pkgs);
	return cmd;
}
