/* The source screen: an existing kernel tree (a path, Tab completes it) or a
 * clone (URL, branch, where to), run as the source step's `git clone --progress`
 * with git's progress meter shown live. A tree too old for a toggle (6.12 has
 * no AUTOFDO_CLANG) is taken with that toggle off, and the screen says so. Or
 * a linux-cachyos PKGBUILD's folder (engine/makepkg.h), whose configure run is
 * shown once it is taken. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/makepkg.h"
#include "engine/pkgbuild.h"
#include "engine/plan.h"
#include "tui/draw.h"
#include "tui/input.h"
#include "tui/screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/text.h"

enum field { F_MODE_TREE, F_PATH, F_MODE_CLONE, F_URL, F_BRANCH, F_DEST, F_MODE_PKGBUILD, F_PKGBUILD, F_COUNT };
enum mode { MODE_TREE, MODE_CLONE, MODE_PKGBUILD };

struct source_view {
	enum mode mode;		/* the chosen one */
	enum field focus;
	struct input path, url, branch, dest, pkgbuild;
	char *fitted;		/* what taking the tree turned off, and why */
	char **variants;	/* the variant folders of a checkout typed as a PKGBUILD's */
	char *clone_cmd;	/* the clone the fields make, as it would run, or NULL */
};

static struct input *field_input(struct source_view *v, enum field f)
{
	switch (f) {
	case F_PATH: return &v->path;
	case F_URL: return &v->url;
	case F_BRANCH: return &v->branch;
	case F_DEST: return &v->dest;
	case F_PKGBUILD: return &v->pkgbuild;
	default: return NULL;
	}
}

static enum mode mode_of(enum field f)
{
	return f >= F_MODE_PKGBUILD ? MODE_PKGBUILD : f >= F_MODE_CLONE ? MODE_CLONE : MODE_TREE;
}

/* "~/x" -> "$HOME/x"; a relative path against the current directory. */
static char *expand(const char *p)
{
	if (p[0] == '~' && (p[1] == '/' || !p[1]) && getenv("HOME"))
		return xasprintf("%s%s", getenv("HOME"), p + 1);
	if (p[0] != '/') {
		char cwd[PATH_MAX];
		return xasprintf("%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", p);
	}
	return xstrdup(p);
}

/* Turns off what the tree cannot do and says so; true when something changed. */
static bool fit_toggles(struct tui *t, struct strbuf *said)
{
	struct toggles *g = &t->s->toggles;
	const struct kernel_tree *k = &t->tree;
	bool changed = false;
	if (g->autofdo && !k->has_autofdo) {
		g->autofdo = false;
		sb_addf(said, _(" AutoFDO is off: Linux %s has no CONFIG_AUTOFDO_CLANG (it needs 6.13 or later)."),
			k->release_string ? k->release_string : "?");
		changed = true;
	}
	if (g->propeller && !k->has_propeller) {
		g->propeller = false;
		sb_add(said, _(" Propeller is off: this tree has no CONFIG_PROPELLER_CLANG."));
		changed = true;
	}
	if ((g->thin_lto || g->full_lto) && !k->has_lto_thin) {
		g->thin_lto = g->full_lto = false;
		sb_add(said, _(" LTO is off: this tree has no CONFIG_LTO_CLANG_THIN."));
		changed = true;
	}
	return changed;
}

/* Takes the tree at path for the session: inspects it, fits the toggles, records the step. */
static int use_tree(struct tui *t, const char *typed)
{
	struct source_view *v = t->view;
	if (!*typed) {
		tui_note(t, ROLE_BAD, _("Type the path of a kernel source tree (Tab completes)."));
		return RE_REDRAW;
	}
	char *p = expand(typed);
	char *real = realpath(p, NULL);
	if (!real) {
		tui_note(t, ROLE_BAD, _("%s: %s. Type the path of a kernel source tree."), p, strerror(errno));
		free(p);
		return RE_REDRAW;
	}
	free(p);
	struct session *s = t->s;
	char *old = s->tree ? xstrdup(s->tree) : NULL;
	session_set(&s->tree, real);
	tui_inspect_tree(t, true);
	if (t->tree_rc < 0) {
		tui_note(t, ROLE_BAD, "%s", t->tree_cause ? t->tree_cause : _("not a kernel tree"));
		session_set(&s->tree, old);
		tui_inspect_tree(t, true);
		free(old);
		free(real);
		return RE_REDRAW;
	}
	free(old);
	/* A tree chosen here is the source: not a PKGBUILD, nor its knobs. */
	makepkg_forget(s);
	session_set(&s->clone_url, NULL);
	session_set(&s->clone_branch, NULL);
	struct strbuf said = { 0 };
	bool off = fit_toggles(t, &said);
	free(v->fitted);
	v->fitted = off ? xstrdup(said.s + 1) : NULL;
	char *why = NULL;
	bool ok = step_get(STEP_SOURCE)->postcondition(s, &why);
	session_step_set(s, STEP_SOURCE, ok ? STATUS_DONE : STATUS_FAILED, why);
	tui_save(t);
	const char *rel = t->tree.release_string ? t->tree.release_string : "?";
	if (!ok)
		tui_note(t, ROLE_BAD, "%s", why);
	else if (off)
		tui_note(t, ROLE_WARN, _("Using Linux %s, with what it cannot do turned off (see below)."), rel);
	else
		tui_note(t, ROLE_GOOD, _("Using Linux %s at %s."), rel, real);
	sb_free(&said);
	free(why);
	free(real);
	return RE_REDRAW | RE_STEPS;
}

/* A linux-cachyos PKGBUILD's folder: checked (its knobs), then taken, with
 * AutoFDO and an LTO on, which building it with clang needs. */
static int use_pkgbuild(struct tui *t, const char *typed)
{
	if (!*typed) {
		tui_note(t, ROLE_BAD, _("Type the folder of a linux-cachyos PKGBUILD (Tab completes)."));
		return RE_REDRAW;
	}
	char *p = expand(typed);
	char *real = realpath(p, NULL);
	if (!real) {
		tui_note(t, ROLE_BAD, _("%s: %s. Type the folder of a linux-cachyos PKGBUILD."), p, strerror(errno));
		free(p);
		return RE_REDRAW;
	}
	free(p);
	struct session *s = t->s;
	struct session tmp = *s;
	tmp.pkgbuild = real;
	char *why = NULL;
	struct source_view *v = t->view;
	strv_free(v->variants);
	v->variants = NULL;
	if (!makepkg_source_ok(&tmp, &why)) {
		/* The top of a checkout: its variants below, to type one. */
		v->variants = pkgbuild_variants(real);
		tui_note(t, ROLE_BAD, "%s", why);
		free(why);
		free(real);
		return RE_REDRAW;
	}
	free(why);
	why = NULL;
	makepkg_choose(s, real);
	struct strbuf said = { 0 };
	if (!s->toggles.autofdo) {
		s->toggles.autofdo = true;
		sb_add(&said, _(" AutoFDO is on: a PKGBUILD is built with it here."));
	}
	if (!s->toggles.thin_lto && !s->toggles.full_lto) {
		s->toggles.thin_lto = true;
		sb_add(&said, _(" ThinLTO is on: without LTO linux-cachyos builds with GCC, which has no AutoFDO."));
	}
	free(v->fitted);
	v->fitted = said.len ? xstrdup(said.s + 1) : NULL;
	bool ok = step_get(STEP_SOURCE)->postcondition(s, &why);
	session_step_set(s, STEP_SOURCE, ok ? STATUS_DONE : STATUS_FAILED, why);
	tui_save(t);
	if (!ok)
		tui_note(t, ROLE_BAD, "%s", why);
	else
		tui_note(t, said.len ? ROLE_WARN : ROLE_GOOD, _("Using the PKGBUILD in %s: makepkg builds it."), real);
	sb_free(&said);
	free(why);
	free(real);
	return RE_REDRAW | RE_STEPS;
}

static int start_clone(struct tui *t)
{
	struct source_view *v = t->view;
	char *url = input_text(&v->url), *branch = input_text(&v->branch), *dest = input_text(&v->dest);
	char *where = *dest ? expand(dest) : NULL;
	struct stat sb;
	int re = RE_REDRAW;
	if (!*url) {
		tui_note(t, ROLE_BAD, _("Type the URL of a git repository to clone."));
		v->focus = F_URL;
	} else if (!where) {
		tui_note(t, ROLE_BAD, _("Type the directory to clone into."));
		v->focus = F_DEST;
	} else if (stat(where, &sb) == 0) {
		tui_note(t, ROLE_BAD, _("%s already exists: choose a new directory (git clone makes it)."), where);
		v->focus = F_DEST;
	} else {
		struct session *s = t->s;
		session_set(&s->clone_url, url);
		session_set(&s->clone_branch, *branch ? branch : NULL);
		session_set(&s->tree, where);
		makepkg_forget(s);
		tui_save(t);
		if (task_start(t, STEP_SOURCE) == 0)
			tui_note(t, ROLE_RUNNING, _("Cloning %s..."), url);
		re |= RE_STEPS;
	}
	free(where);
	free(url);
	free(branch);
	free(dest);
	return re;
}

/* The fields start from the session (a tree taken, a clone's URL and branch). */
static void src_enter(struct tui *t)
{
	struct source_view *v = t->view;
	v->path.path = v->dest.path = true;
	char cwd[PATH_MAX];
	const char *here = getcwd(cwd, sizeof(cwd));
	bool tree_here = here && access("Makefile", F_OK) == 0 && access("Kconfig", F_OK) == 0;
	input_set(&v->path, t->s->tree ? t->s->tree : tree_here ? here : "");
	input_set(&v->url, t->s->clone_url ? t->s->clone_url
					   : "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git");
	input_set(&v->branch, t->s->clone_branch ? t->s->clone_branch : "");
	v->pkgbuild.path = true;
	input_set(&v->pkgbuild, t->s->pkgbuild ? t->s->pkgbuild : "");
	char *dflt = here ? xasprintf("%s/linux", here) : xstrdup("");
	input_set(&v->dest, dflt);
	free(dflt);
	v->mode = t->s->pkgbuild ? MODE_PKGBUILD : t->s->clone_url ? MODE_CLONE : MODE_TREE;
	v->focus = v->mode == MODE_PKGBUILD ? F_PKGBUILD : v->mode == MODE_CLONE ? F_URL : F_PATH;
	tui_inspect_tree(t, false);
}

static void src_leave(struct tui *t)
{
	struct source_view *v = t->view;
	input_free(&v->path);
	input_free(&v->url);
	input_free(&v->branch);
	input_free(&v->dest);
	input_free(&v->pkgbuild);
	strv_free(v->variants);
	free(v->fitted);
	free(v->clone_cmd);
}

/* The clone command the fields make, shown before it runs (the source step's plan on a
 * shallow copy of the session with the fields in it). */
static void src_scan(struct tui *t)
{
	struct source_view *v = t->view;
	free(v->clone_cmd);
	v->clone_cmd = NULL;
	char *url = input_text(&v->url), *branch = input_text(&v->branch), *dest = input_text(&v->dest);
	char *where = *dest ? expand(dest) : NULL;
	struct session tmp = *t->s;
	tmp.pkgbuild = NULL; /* the clone, not a PKGBUILD chosen before */
	tmp.clone_url = url;
	tmp.clone_branch = *branch ? branch : NULL;
	tmp.tree = where;
	struct plan p = { 0 };
	if (*url && where && step_get(STEP_SOURCE)->plan(&tmp, &p, NULL) == 0 && p.n)
		v->clone_cmd = plan_format_command(&p.cmds[0]);
	plan_free(&p);
	free(where);
	free(url);
	free(branch);
	free(dest);
}

static void draw_tree(struct tui *t, struct rect r)
{
	if (!t->tree_done || t->tree_rc < 0 || r.h < 2)
		return;
	char *head = xasprintf(_("Tree: Linux %s at %s"), t->tree.release_string ? t->tree.release_string : "?",
			       t->tree.path);
	text_put(r.y, r.x, head, r.w, ROLE_HEADING, true);
	free(head);
	struct check_list l = { 0 };
	tree_checks(&t->tree, &l);
	for (size_t i = 0; i < l.n && (int)i + 1 < r.h; i++) {
		const struct check *c = &l.v[i];
		enum role role = c->status == CHECK_OK ? ROLE_OK : c->status == CHECK_WARN ? ROLE_WARN
						     : c->status == CHECK_FAIL ? ROLE_FAIL : ROLE_SKIP;
		text_put(r.y + 1 + (int)i, r.x, check_status_name(c->status), 4, role, false);
		text_put(r.y + 1 + (int)i, r.x + 6, c->message, r.w - 6, ROLE_NORMAL, true);
	}
	check_list_free(&l);
}

static void draw_clone_progress(struct tui *t, struct rect r)
{
	struct task *k = &t->task;
	size_t len;
	const char *part = runner_partial(k->r, &len);
	/* git rewrites its meter with '\r': the last segment is the current state. */
	const char *cr = part ? strrchr(part, '\r') : NULL;
	const char *now = cr ? cr + 1 : part ? part : "";
	if (!*now && cr) {
		const char *p = cr;
		while (p > part && p[-1] != '\r')
			p--;
		now = p;
	}
	const char *pct = strchr(now, '%');
	double frac = -1;
	if (pct) {
		const char *d = pct;
		while (d > now && d[-1] >= '0' && d[-1] <= '9')
			d--;
		if (d < pct)
			frac = atoi(d) / 100.0;
	}
	draw_bar(t, r.y, r.x, r.w, frac, (unsigned)(job_now() / 200));
	size_t n = strcspn(now, "\r");
	text_putn(r.y + 1, r.x, now, n, r.w, ROLE_NORMAL);
}

static void draw_clone_plan(const struct source_view *v, struct rect r)
{
	if (!v->clone_cmd)
		return;
	text_put(r.y, r.x, _("The command that will run:"), r.w, ROLE_HEADING, true);
	char *line = xasprintf("$ %s", v->clone_cmd);
	text_para((struct rect){ r.y + 1, r.x + 3, r.h - 1, r.w - 3 }, line, ROLE_COMMAND);
	free(line);
}

static void field_row(struct tui *t, int y, int x, int w, const char *label, enum field f, bool enabled)
{
	struct source_view *v = t->view;
	int lw = text_put(y, x, label, w, enabled ? ROLE_NORMAL : ROLE_DIM, true);
	input_draw(t, field_input(v, f), y, x + lw + 1, w - lw - 1, enabled && v->focus == f && !task_running(t));
}

static void radio_row(struct tui *t, int y, int x, int w, const char *label, bool on, enum field f)
{
	struct source_view *v = t->view;
	char *s = xasprintf("(%s) %s", on ? text_glyph(t, "\xe2\x80\xa2", "*") : " ", label);
	text_put(y, x, s, w, v->focus == f ? ROLE_SELECTED : ROLE_NORMAL, true);
	free(s);
}

/* Tab's candidates under a path field, or that nothing matches: 1 row or none. */
static int cands_row(int y, int x, int w, const struct input *in)
{
	if (in->cands) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; in->cands[i]; i++)
			sb_addf(&sb, "%s%s", i ? "  " : "", in->cands[i]);
		text_put(y, x, sb.s, w, ROLE_DIM, true);
		sb_free(&sb);
		return 1;
	}
	if (in->no_match) {
		text_put(y, x, _("(nothing matches)"), w, ROLE_DIM, true);
		return 1;
	}
	return 0;
}

/* The PKGBUILD taken: the configure step's makepkg run, as it will run. Or
 * the variants of the checkout typed instead. */
static void draw_pkgbuild(struct tui *t, struct rect r)
{
	struct source_view *v = t->view;
	if (v->variants && r.h >= 2) {
		text_put(r.y, r.x, _("Its variants: type the folder of one"), r.w, ROLE_HEADING, true);
		struct strbuf sb = { 0 };
		for (size_t i = 0; v->variants[i]; i++)
			sb_addf(&sb, "%s%s", i ? "  " : "", v->variants[i]);
		text_para((struct rect){ r.y + 1, r.x + 3, r.h - 1, r.w - 3 }, sb.s, ROLE_NORMAL);
		sb_free(&sb);
		return;
	}
	struct plan p = { 0 };
	if (!t->s->pkgbuild || r.h < 2 || step_get(STEP_CONFIGURE)->plan(t->s, &p, NULL) < 0 || !p.n) {
		plan_free(&p);
		return;
	}
	text_put(r.y, r.x, _("The configure step runs, in that folder:"), r.w, ROLE_HEADING, true);
	char *cmd = plan_format_command(&p.cmds[0]), *line = xasprintf("$ %s", cmd);
	text_para((struct rect){ r.y + 1, r.x + 3, r.h - 1, r.w - 3 }, line, ROLE_COMMAND);
	free(line);
	free(cmd);
	plan_free(&p);
}

static void src_draw(struct tui *t, struct rect r)
{
	struct source_view *v = t->view;
	int y = r.y + draw_step_header(t, r);
	int x = r.x, w = r.w;
	radio_row(t, y++, x, w, _("Use a kernel tree on disk"), v->mode == MODE_TREE, F_MODE_TREE);
	field_row(t, y++, x + 4, w - 4, _("Path:"), F_PATH, v->mode == MODE_TREE);
	if (v->mode == MODE_TREE)
		y += cands_row(y, x + 4, w - 4, &v->path);
	radio_row(t, y++, x, w, _("Clone a kernel tree with git"), v->mode == MODE_CLONE, F_MODE_CLONE);
	field_row(t, y++, x + 4, w - 4, _("URL:   "), F_URL, v->mode == MODE_CLONE);
	field_row(t, y++, x + 4, w - 4, _("Branch:"), F_BRANCH, v->mode == MODE_CLONE);
	field_row(t, y++, x + 4, w - 4, _("Into:  "), F_DEST, v->mode == MODE_CLONE);
	if (v->mode == MODE_CLONE)
		y += cands_row(y, x + 4, w - 4, &v->dest);
	radio_row(t, y++, x, w, _("Build a linux-cachyos PKGBUILD with makepkg"), v->mode == MODE_PKGBUILD,
		  F_MODE_PKGBUILD);
	field_row(t, y++, x + 4, w - 4, _("Folder:"), F_PKGBUILD, v->mode == MODE_PKGBUILD);
	if (v->mode == MODE_PKGBUILD)
		y += cands_row(y, x + 4, w - 4, &v->pkgbuild);
	y++;
	struct logview *lv = task_log(t, STEP_SOURCE);
	if (lv) {
		y += draw_task_status(t, (struct rect){ y, x, 3, w });
		if (task_running(t)) {
			draw_clone_progress(t, (struct rect){ y, x, 2, w });
			y += 2;
		}
		if (r.y + r.h - y > 3)
			logview_draw(lv, stdscr, y, x, r.y + r.h - y, w);
		return;
	}
	if (v->mode == MODE_CLONE) {
		draw_clone_plan(v, (struct rect){ y, x, r.y + r.h - y, w });
		return;
	}
	if (v->fitted && r.y + r.h - y > 2) {
		y += text_para((struct rect){ y, x, 3, w }, v->fitted, ROLE_WARN);
		y++;
	}
	if (v->mode == MODE_PKGBUILD)
		draw_pkgbuild(t, (struct rect){ y, x, r.y + r.h - y, w });
	else
		draw_tree(t, (struct rect){ y, x, r.y + r.h - y, w });
}

static int src_key(struct tui *t, int key)
{
	struct source_view *v = t->view;
	if (task_running(t) && t->task.step == t->cur) {
		if (key == 'c' || key == KEY_F(8)) {
			task_cancel(t);
			tui_note(t, ROLE_RUNNING, _("Cancelling the clone..."));
			return RE_REDRAW | RE_HANDLED;
		}
		struct logview *lv = task_log(t, STEP_SOURCE);
		if (lv && tui_log_key(lv, key))
			return RE_REDRAW | RE_HANDLED;
		return RE_NONE;
	}
	if (key == KEY_UP || key == KEY_BTAB) {
		v->focus = v->focus ? v->focus - 1 : F_COUNT - 1;
		return RE_REDRAW | RE_HANDLED;
	}
	if (key == KEY_DOWN) {
		v->focus = (v->focus + 1) % F_COUNT;
		return RE_REDRAW | RE_HANDLED;
	}
	bool radio = v->focus == F_MODE_TREE || v->focus == F_MODE_CLONE || v->focus == F_MODE_PKGBUILD;
	if (key == ' ' && radio) {
		v->mode = mode_of(v->focus);
		return RE_REDRAW | RE_HANDLED;
	}
	bool go = key == '\r' || key == KEY_ENTER || key == KEY_F(5);
	if (go) {
		if (radio) {
			v->mode = mode_of(v->focus);
			v->focus++;
			return RE_REDRAW | RE_HANDLED;
		}
		v->mode = mode_of(v->focus);
		if (v->mode != MODE_CLONE) {
			bool tree = v->mode == MODE_TREE;
			char *p = input_text(tree ? &v->path : &v->pkgbuild);
			int re = tree ? use_tree(t, p) : use_pkgbuild(t, p);
			free(p);
			return re | RE_HANDLED;
		}
		if (key != KEY_F(5) && v->focus != F_DEST) {
			v->focus++;
			return RE_REDRAW | RE_HANDLED;
		}
		return start_clone(t) | RE_HANDLED;
	}
	struct input *in = field_input(v, v->focus);
	if (in && input_key(in, key)) {
		v->mode = mode_of(v->focus);
		return RE_REDRAW | RE_HANDLED;
	}
	return RE_NONE;
}

/* After the clone: take the new tree like a typed one. */
static int src_tick(struct tui *t, int64_t now)
{
	struct source_view *v = t->view;
	(void)now;
	int re = task_running(t) && t->task.step == t->cur ? RE_REDRAW : RE_NONE;
	if (task_take_end(t, STEP_SOURCE)) {
		char *mk = xasprintf("%s/Makefile", t->s->tree ? t->s->tree : "");
		bool cloned = access(mk, F_OK) == 0;
		free(mk);
		/* A clone that worked but whose tree lacks a toggle failed the step: fit it now. */
		if (t->task.result != RUNNER_CANCELLED && cloned) {
			input_set(&v->path, t->s->tree);
			char *keep = xstrdup(t->s->clone_url ? t->s->clone_url : "");
			char *tree = xstrdup(t->s->tree);
			re |= use_tree(t, tree);
			/* The session remembers where the tree came from. */
			session_set(&t->s->clone_url, keep);
			tui_save(t);
			free(keep);
			free(tree);
		}
		re |= RE_STEPS | RE_REDRAW;
	}
	return re;
}

static const struct keyhint tree_hints[] = {
	{ "Up/Dn", N_("Field") }, { "Tab", N_("Complete") }, { "Enter", N_("Use this tree") }, { NULL, NULL },
};
static const struct keyhint pkgbuild_hints[] = {
	{ "Up/Dn", N_("Field") }, { "Tab", N_("Complete") }, { "Enter", N_("Use this PKGBUILD") }, { NULL, NULL },
};
static const struct keyhint clone_hints[] = {
	{ "Up/Dn", N_("Field") }, { "F5", N_("Clone") }, { NULL, NULL },
};
static const struct keyhint running_hints[] = {
	{ "c", N_("Cancel") }, { "/", N_("Search") }, { NULL, NULL },
};

static const struct keyhint *src_hints(struct tui *t)
{
	struct source_view *v = t->view;
	if (task_running(t) && t->task.step == t->cur)
		return running_hints;
	return v->mode == MODE_CLONE ? clone_hints : v->mode == MODE_PKGBUILD ? pkgbuild_hints : tree_hints;
}

const struct screen_ops screen_source = {
	.view_size = sizeof(struct source_view), .enter = src_enter, .leave = src_leave, .scan = src_scan,
	.draw = src_draw, .on_key = src_key, .on_tick = src_tick, .hints = src_hints,
};
