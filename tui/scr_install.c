/* The install and finish screens: the build's packages as libalpm reads them
 * (name, version, size; the -api-headers package left out with the reason),
 * the vmlinux AutoFDO will use and whether it is unstripped, how the step
 * installs (sudo pacman -U, or libalpm into a root in root mode), then after
 * the run what the package database says and the vmlinux, release and
 * build-id the engine recorded. Finish adds the profile the kernel was built
 * with and, once done, the flow's summary (engine/summary.h, the words kfdo run
 * prints too).
 *
 * Reading a real vmlinux out of its debug package takes seconds, so that
 * check runs in a child process (bg.c) while the screen shows the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "engine/pkg.h"
#include "engine/plan.h"
#include "engine/profile.h"
#include "engine/summary.h"
#include "base/util.h"
#include "tui/bg.h"
#include "tui/logview.h"
#include "tui/pkgexport.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/text.h"

struct install_view {
	char **paths;		/* the packages the set below was read from */
	struct pkg_set set;
	bool loaded;
	char *cause;		/* why the set cannot be read */
	struct bg *probe;	/* the vmlinux read out of its package */
	char *vmlinux;		/* what the probe found (or why it failed) */
	bool vmlinux_ok;
	bool db_ok;		/* the package database has every package at the built version */
	char *db_text;
	/* Read by the scan: */
	bool sudo;		/* the step's commands go through sudo */
	bool recorded;		/* installed, and the engine recorded the kernel */
	char *built_with;	/* finish: the profile's summary */
	struct pkgexport exp;	/* finish: the profile handed to a PKGBUILD */
};

static void probe_stop(struct install_view *v)
{
	bg_free(v->probe);
	v->probe = NULL;
}

/* Forgets the packages read (and stops their probe). */
static void set_free(struct install_view *v)
{
	probe_stop(v);
	if (v->loaded)
		pkg_set_free(&v->set);
	memset(&v->set, 0, sizeof(v->set));
	v->loaded = false;
	strv_free(v->paths);
	free(v->cause);
	free(v->vmlinux);
	free(v->db_text);
	v->paths = NULL;
	v->cause = v->vmlinux = v->db_text = NULL;
	v->vmlinux_ok = v->db_ok = false;
}

/* In the child: the vmlinux check the install step's first command makes.
 * "1\n" + what it is, or "0\n" + why it cannot be used. */
static char *probe_run(void *arg)
{
	char **paths = arg;
	struct pkg_set set;
	char *cause = NULL, *out;
	if (pkg_set_load(&set, paths, PKG_READ_VMLINUX, &cause) == 0 && set.chosen) {
		char *d = pkg_vmlinux_describe(set.chosen);
		out = xasprintf("1\n%s", d);
		free(d);
	} else {
		out = xasprintf("0\n%s", cause ? cause : "?");
	}
	pkg_set_free(&set);
	free(cause);
	return out;
}

static void probe_start(struct install_view *v)
{
	if (v->loaded && !v->cause && v->set.chosen && !v->probe && !v->vmlinux)
		v->probe = bg_start(probe_run, v->paths);
}

static void db_check(struct tui *t)
{
	struct install_view *v = t->view;
	free(v->db_text);
	v->db_text = NULL;
	v->db_ok = false;
	if (!v->loaded || v->cause)
		return;
	char *cause = NULL, *dbpath = pkg_session_dbpath(t->s);
	v->db_ok = pkg_check_installed(&v->set, pkg_session_root(t->s), dbpath, &cause) == 0;
	v->db_text = v->db_ok ? xasprintf(_("%s, every package (package database %s)"), v->set.version, dbpath)
			      : xasprintf(_("not installed yet: %s"), cause ? cause : "?");
	free(cause);
	free(dbpath);
}

/* Reads the session's packages when they changed (the final build replaces them). */
static void view_load(struct tui *t)
{
	struct install_view *v = t->view;
	char **pkgs = t->s->artifacts.packages;
	if (v->loaded && strv_eq(v->paths, pkgs))
		return;
	set_free(v);
	if (!pkgs)
		return;
	v->paths = strv_dup(pkgs);
	v->loaded = true;
	if (pkg_set_load(&v->set, v->paths, 0, &v->cause) < 0 && !v->cause)
		v->cause = xstrdup("?");
	probe_start(v);
	db_check(t);
}

static void inst_leave(struct tui *t)
{
	struct install_view *v = t->view;
	/* An unfinished check is not left running behind the other screens; it starts again here. */
	set_free(v);
	free(v->built_with);
	pkgexport_free(&v->exp);
}

/* What the packages, the plan and the engine say now: the final build
 * replaces the packages, the install records the kernel. The view starts
 * empty on entering, so the packages are read afresh then, and the package
 * database asked: another kfdo (or pacman) may have changed it meanwhile. */
static void inst_scan(struct tui *t)
{
	struct install_view *v = t->view;
	const struct artifacts *a = &t->s->artifacts;
	view_load(t);
	struct plan p = { 0 };
	v->sudo = step_get(t->cur)->plan(t->s, &p, NULL) == 0 && plan_needs_sudo(&p);
	plan_free(&p);
	char *why = NULL;
	v->recorded = v->db_ok && a->vmlinux && step_get(STEP_INSTALL)->postcondition(t->s, &why);
	free(why);
	free(v->built_with);
	v->built_with = (step_get(t->cur)->flags & STEP_USES_PROFILE) && a->profile ? profile_summary(a->profile) : NULL;
}

static int inst_tick(struct tui *t, int64_t now)
{
	struct install_view *v = t->view;
	int re = plan_screen_tick(t, now);
	char *text;
	if (v->probe && bg_poll(v->probe, &text)) {
		probe_stop(v);
		free(v->vmlinux);
		v->vmlinux_ok = text && text[0] == '1' && text[1] == '\n';
		v->vmlinux = xstrdup(text && text[0] && text[1] ? text + 2 : _("the check ended without an answer"));
		free(text);
		re |= RE_REDRAW;
	}
	if (task_take_end(t, t->cur)) {
		/* The step installed (or failed): ask the package database again. */
		db_check(t);
		re |= RE_REDRAW | RE_STEPS;
	}
	return re;
}

/* name  version  size, one row per package; the one left out says why below. */
static int packages_rows(struct tui *t, struct rect r, int row)
{
	const struct install_view *v = t->view;
	const struct pkg_set *set = &v->set;
	int start = row;
	char *head = xasprintf(_("Packages of %s %s (kernel %s), read with libalpm:"), set->base, set->version,
			       set->release ? set->release : "?");
	text_put(r.y + row++, r.x, head, r.w, ROLE_HEADING, true);
	free(head);
	int nw = 0;
	for (size_t i = 0; i < set->n; i++) {
		int w = text_width(set->pkgs[i].name);
		nw = w > nw ? w : nw;
	}
	if (nw > r.w / 2)
		nw = r.w / 2;
	const struct pkg_info *out = NULL;
	for (size_t i = 0; i < set->n && row < r.h; i++, row++) {
		const struct pkg_info *p = &set->pkgs[i];
		int y = r.y + row;
		bool left = p->role == PKG_API_HEADERS;
		text_put(y, r.x + 2, p->name, nw, left ? ROLE_DIM : ROLE_NORMAL, true);
		char size[32];
		pkg_fmt_size(size, sizeof(size), p->size);
		char *rest = left ? xasprintf(_("left out (below)")) : xasprintf("%s  %s", p->version, size);
		text_put(y, r.x + 4 + nw, rest, r.w - 4 - nw, left ? ROLE_WARN : ROLE_NORMAL, true);
		free(rest);
		if (left)
			out = p;
	}
	if (out && row < r.h) {
		char *label = xasprintf(_("%s is left out:"), out->name);
		text_put(r.y + row++, r.x + 2, label, r.w - 2, ROLE_WARN, true);
		free(label);
		row += plan_screen_wrapped((struct rect){ r.y, r.x + 4, r.h, r.w - 4 }, row, NULL,
					   pkg_api_headers_reason(), ROLE_DIM, 3);
	}
	return row - start;
}

static int vmlinux_rows(const struct install_view *v, struct rect r, int row)
{
	const struct pkg_vmlinux *vm = v->set.chosen;
	if (!vm)
		return 0;
	char *text;
	enum role role = ROLE_NORMAL;
	if (v->vmlinux) {
		text = xstrdup(v->vmlinux);
		role = v->vmlinux_ok ? ROLE_GOOD : ROLE_BAD;
	} else if (v->probe) {
		text = xasprintf(_("%s in %s: reading it out of its package to check it..."), vm->path, vm->pkg->name);
		role = ROLE_RUNNING;
	} else {
		text = pkg_vmlinux_describe(vm);
	}
	int used = plan_screen_wrapped(r, row, _("vmlinux:"), text, role, 3);
	free(text);
	return used;
}

/* How the step installs, in a sentence above its commands. */
static const char *how_words(struct tui *t)
{
	const struct install_view *v = t->view;
	if (t->s->install_root)
		return _("Root mode: kfdo installs through libalpm into the root below (no sudo, no pacman hooks).");
	return v->sudo ? _("pacman installs them through sudo; sudo asks for your password before the step starts "
			"(the screen is set aside for it).")
		    : _("kfdo runs as root: pacman runs without sudo.");
}

/* After the install: the database's answer, and what the engine recorded. */
static int installed_rows(struct tui *t, struct rect r, int row)
{
	const struct install_view *v = t->view;
	int start = row;
	if (!v->db_text)
		return 0;
	row += plan_screen_wrapped(r, row, _("Installed:"), v->db_text, v->db_ok ? ROLE_GOOD : ROLE_DIM, v->db_ok ? 2 : 1);
	const struct artifacts *a = &t->s->artifacts;
	if (v->recorded) {
		char *m = xasprintf(_("kernel %s, build-id %s"), a->kernel_release, a->build_id);
		row += plan_screen_wrapped(r, row, _("Recorded:"), m, ROLE_NORMAL, 2);
		free(m);
		m = xasprintf(_("vmlinux %s"), a->vmlinux);
		char *pad = xasprintf("%*s", text_width(_("Recorded:")), "");
		row += plan_screen_wrapped(r, row, pad, m, ROLE_NORMAL, 2);
		free(pad);
		free(m);
	}
	return row - start;
}

static int packages_block(struct tui *t, struct rect r)
{
	const struct install_view *v = t->view;
	int row = 0;
	if (!t->s->artifacts.packages)
		return plan_screen_line(r, row, _("Packages:"), _("none built yet (the build step records them)"),
					ROLE_DIM) + 1;
	if (v->cause) {
		row += plan_screen_wrapped(r, row, _("Packages:"), v->cause, ROLE_BAD, 4);
		return row + 1;
	}
	row += packages_rows(t, r, row);
	row += vmlinux_rows(v, r, row);
	row += installed_rows(t, r, row);
	if (!task_log(t, t->cur) && row < r.h)
		row += plan_screen_wrapped(r, row, NULL, how_words(t), ROLE_DIM, 2);
	return row + 1;
}

static void inst_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, packages_block);
}

const struct screen_ops screen_install = {
	.view_size = sizeof(struct install_view), .leave = inst_leave, .scan = inst_scan,
	.draw = inst_draw, .on_key = plan_screen_key, .on_tick = inst_tick, .hints = plan_screen_hints,
};

/* ---- finish: the optimized kernel's packages, the profile, the summary ---- */

static int finish_block(struct tui *t, struct rect r)
{
	struct install_view *v = t->view;
	int row = 0;
	const char *prof = t->s->artifacts.profile;
	/* The hand-off first: what the user is doing now, above the summary that
	 * fills an 80x24 screen. */
	int handed = pkgexport_draw(t, &v->exp, r, row);
	row += handed ? handed + 1 : 0;
	/* Done by this run, and the package database still says so. */
	if (v->db_ok && !task_running(t) && t->s->steps[STEP_FINISH].status == STATUS_DONE) {
		char **sum = summary_finish(t->s);
		row += plan_screen_paras(r, row, sum, ROLE_GOOD);
		strv_free(sum);
		row++;
	} else if (prof && v->built_with) {
		row += plan_screen_wrapped(r, row, _("Built with:"), v->built_with, ROLE_NORMAL, 3);
	}
	row += packages_block(t, (struct rect){ r.y + row, r.x, r.h - row, r.w });
	return row;
}

static void finish_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, finish_block);
}

static int finish_key(struct tui *t, int key)
{
	struct install_view *v = t->view;
	/* The log's search prompt takes its letters first (a p in "/perf"). */
	struct logview *lv = task_log(t, t->cur);
	if (lv && logview_prompting(lv))
		return plan_screen_key(t, key);
	if (pkgexport_key(t, &v->exp, key))
		return RE_REDRAW | RE_HANDLED;
	return plan_screen_key(t, key);
}

static const struct keyhint finish_hints[] = { { "Enter/F5", N_("Run") }, { "p", N_("To a PKGBUILD") }, { NULL, NULL } };
static const struct keyhint export_hints[] = { { "Enter", N_("Copy the profile") }, { "Tab", N_("Complete") },
					       { "Esc", N_("Close") }, { NULL, NULL } };

static const struct keyhint *finish_hints_fn(struct tui *t)
{
	const struct install_view *v = t->view;
	if (v->exp.open)
		return export_hints;
	return t->s->artifacts.profile && !task_running(t) ? finish_hints : plan_screen_hints(t);
}

const struct screen_ops screen_finish = {
	.view_size = sizeof(struct install_view), .leave = inst_leave, .scan = inst_scan,
	.draw = finish_draw, .on_key = finish_key, .on_tick = inst_tick, .hints = finish_hints_fn,
};
