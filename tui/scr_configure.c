/* The configure screen: the toggles as a checklist (AutoFDO, ThinLTO or full
 * LTO, Propeller when the tree has it, jobs, the base configuration), greyed
 * with the reason when this tree or toolchain cannot have one; the commands
 * that will run, shown before they run; then the run with its log and the
 * read-back of .config, symbol by symbol. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "engine/kmake.h"
#include "base/util.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/input.h"
#include "tui/screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/text.h"

enum item { I_AUTOFDO, I_THIN, I_FULL, I_PROPELLER, I_JOBS, I_BASE, I_BASEFILE, I_COUNT };

struct configure_view {
	enum item sel;
	struct input file;
	char **readback;	/* "CONFIG_X=y" lines with their verdict, after a run */
	bool *readback_ok;
	size_t n_readback;
	long cpus;		/* online, for "auto" jobs */
};

static const enum config_source base_order[] = { CONFIG_RUNNING, CONFIG_FILE, CONFIG_DEFCONFIG, CONFIG_TINYCONFIG };

static const char *base_label(enum config_source c)
{
	switch (c) {
	case CONFIG_RUNNING: return _("the running kernel's configuration");
	case CONFIG_FILE: return _("a configuration file");
	case CONFIG_DEFCONFIG: return _("defconfig (the architecture's default)");
	case CONFIG_TINYCONFIG: return _("tinyconfig (the smallest kernel; for tests)");
	}
	return "?";
}

/* NULL when the item can be changed, else why not (a static or malloc'd text in *owned). */
static const char *unavailable(struct tui *t, enum item it, char **owned)
{
	const struct kernel_tree *k = t->tree_done && t->tree_rc == 0 ? &t->tree : NULL;
	const char *rel = k && k->release_string ? k->release_string : "?";
	int llvm = t->tc ? t->tc->llvm_major : 0;
	*owned = NULL;
	/* A PKGBUILD makes its kernel's configuration itself, from its knobs. */
	if (t->s->pkgbuild && (it == I_BASE || it == I_BASEFILE))
		return _("a PKGBUILD makes the base configuration itself (its knobs: kfdo run --knob)");
	if (t->s->pkgbuild && it == I_AUTOFDO)
		return _("a PKGBUILD is built with AutoFDO here");
	switch (it) {
	case I_AUTOFDO:
		if (k && !k->has_autofdo)
			return *owned = xasprintf(_("Linux %s has no CONFIG_AUTOFDO_CLANG: AutoFDO needs 6.13 or later"),
						  rel);
		if (t->tc && llvm && llvm < 17)
			return *owned = xasprintf(_("needs clang 17 or later (found %d)"), llvm);
		return NULL;
	case I_THIN:
	case I_FULL:
		if (k && !k->has_lto_thin)
			return *owned = xasprintf(_("Linux %s has no clang LTO (CONFIG_LTO_CLANG_THIN)"), rel);
		return NULL;
	case I_PROPELLER:
		if (t->tc && llvm && llvm < 19)
			return *owned = xasprintf(_("needs clang 19 or later (found %d)"), llvm);
		return NULL;
	default:
		return NULL;
	}
}

/* Propeller shows only where the tree has it; the file field only for a file base. */
static bool visible(struct tui *t, enum item it)
{
	if (it == I_PROPELLER)
		return t->tree_done && t->tree_rc == 0 && t->tree.has_propeller;
	if (it == I_BASEFILE)
		return t->s->config_source == CONFIG_FILE;
	return true;
}

static void readback_free(struct configure_view *v)
{
	for (size_t i = 0; i < v->n_readback; i++)
		free(v->readback[i]);
	free(v->readback);
	free(v->readback_ok);
	v->readback = NULL;
	v->readback_ok = NULL;
	v->n_readback = 0;
}

/* What .config says for every symbol the toggles set. */
static void readback_load(struct tui *t)
{
	struct configure_view *v = t->view;
	readback_free(v);
	char *path = session_config_path(t->s);
	struct kernel_config cfg;
	if (!path || tree_config_read(path, &cfg, NULL) < 0) {
		free(path);
		return;
	}
	char **ops = kmake_toggle_args(&t->s->toggles);
	for (size_t i = 0; ops && ops[i] && ops[i + 1]; i += 2) {
		bool enable = strcmp(ops[i], "-e") == 0;
		const char *val = tree_config_get(&cfg, ops[i + 1]);
		bool ok = enable ? val && strcmp(val, "y") == 0 : !val || strcmp(val, "n") == 0;
		v->readback = xrealloc(v->readback, (v->n_readback + 1) * sizeof(*v->readback));
		v->readback_ok = xrealloc(v->readback_ok, (v->n_readback + 1) * sizeof(*v->readback_ok));
		const char *got = !val ? _("absent") : strcmp(val, "n") == 0 ? _("not set") : val;
		v->readback[v->n_readback] = xasprintf("CONFIG_%s: %s  (%s %s)", ops[i + 1], got, _("asked:"),
						       enable ? "y" : _("not set"));
		v->readback_ok[v->n_readback++] = ok;
	}
	strv_free(ops);
	tree_config_free(&cfg);
	free(path);
}

static void changed(struct tui *t)
{
	struct configure_view *v = t->view;
	tui_save(t);
	readback_free(v);
}

static void cfg_enter(struct tui *t)
{
	struct configure_view *v = t->view;
	tui_inspect_tree(t, false);
	if (!t->tc)
		tui_detect_toolchain(t);
	v->file.path = true;
	input_set(&v->file, t->s->config_file ? t->s->config_file : "");
	/* sysconf reads /sys: once here, not on every draw. */
	v->cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (t->side[STEP_CONFIGURE] == SIDE_DONE)
		readback_load(t);
	while (!visible(t, v->sel))
		v->sel = (v->sel + 1) % I_COUNT;
}

static void cfg_leave(struct tui *t)
{
	struct configure_view *v = t->view;
	readback_free(v);
	input_free(&v->file);
}

static void item_text(struct tui *t, enum item it, struct strbuf *sb)
{
	struct configure_view *v = t->view;
	const struct toggles *g = &t->s->toggles;
	const char *on = "[x] ", *off = "[ ] ";
	switch (it) {
	case I_AUTOFDO: sb_addf(sb, "%s%s", g->autofdo ? on : off, _("AutoFDO (CONFIG_AUTOFDO_CLANG)")); break;
	case I_THIN: sb_addf(sb, "%s%s", g->thin_lto ? "(*) " : "( ) ", _("ThinLTO (CONFIG_LTO_CLANG_THIN)")); break;
	case I_FULL: sb_addf(sb, "%s%s", g->full_lto ? "(*) " : "( ) ", _("full LTO (CONFIG_LTO_CLANG_FULL)")); break;
	case I_PROPELLER: sb_addf(sb, "%s%s", g->propeller ? on : off, _("Propeller (CONFIG_PROPELLER_CLANG)")); break;
	case I_JOBS:
		if (g->jobs > 0)
			sb_addf(sb, _("Jobs: < %d >"), g->jobs);
		else
			sb_addf(sb, _("Jobs: < auto (%ld) >"), v->cpus > 0 ? v->cpus : 1);
		break;
	case I_BASE: sb_addf(sb, _("Base: < %s >"), base_label(t->s->config_source)); break;
	case I_BASEFILE: sb_add(sb, _("File:")); break;
	case I_COUNT: break;
	}
}

static int draw_items(struct tui *t, struct rect r)
{
	struct configure_view *v = t->view;
	int y = r.y;
	for (enum item it = 0; it < I_COUNT && y < r.y + r.h; it++) {
		if (!visible(t, it))
			continue;
		char *owned;
		const char *why = unavailable(t, it, &owned);
		struct strbuf sb = { 0 };
		item_text(t, it, &sb);
		bool sel = v->sel == it;
		enum role role = sel ? ROLE_SELECTED : why ? ROLE_DIM : ROLE_NORMAL;
		if (sel)
			text_fill(y, r.x, r.w, ROLE_SELECTED);
		int used = text_put(y, r.x + 1, sb.s, r.w - 1, role, true);
		if (it == I_BASEFILE)
			input_draw(t, &v->file, y, r.x + 2 + used, r.w - 2 - used, sel);
		sb_free(&sb);
		y++;
		/* Why it is greyed, on its own line so that it is read whole. */
		if (why && y < r.y + r.h)
			text_put(y++, r.x + 5, why, r.w - 5, ROLE_DIM, true);
		free(owned);
	}
	/* What the session adds that this screen does not change (kfdo tui --arch, --enable...). */
	const struct session *s = t->s;
	struct strbuf ex = { 0 };
	if (s->toggles.arch)
		sb_addf(&ex, " ARCH=%s", s->toggles.arch);
	if (s->output_dir)
		sb_addf(&ex, " O=%s", s->output_dir);
	if (s->target && strcmp(s->target, "pacman-pkg") != 0)
		sb_addf(&ex, _(" target %s"), s->target);
	for (size_t i = 0; s->toggles.config_enable && s->toggles.config_enable[i]; i++)
		sb_addf(&ex, " +%s", s->toggles.config_enable[i]);
	for (size_t i = 0; s->toggles.config_disable && s->toggles.config_disable[i]; i++)
		sb_addf(&ex, " -%s", s->toggles.config_disable[i]);
	for (size_t i = 0; s->toggles.make_vars && s->toggles.make_vars[i]; i++)
		sb_addf(&ex, " %s", s->toggles.make_vars[i]);
	if (ex.len && y < r.y + r.h) {
		char *line = xasprintf(_("Also from the session:%s"), ex.s);
		text_put(y++, r.x + 1, line, r.w - 1, ROLE_DIM, true);
		free(line);
	}
	sb_free(&ex);
	return y - r.y;
}

/* The read-back, symbol by symbol, in the rectangle's top rows (moved past them). */
static void draw_readback(const struct configure_view *v, struct rect *rest)
{
	if (!v->n_readback || rest->h < 2)
		return;
	text_put(rest->y++, rest->x, _("Read back from .config:"), rest->w, ROLE_HEADING, true);
	rest->h--;
	for (size_t i = 0; i < v->n_readback && rest->h > 0; i++, rest->y++, rest->h--) {
		bool ok = v->readback_ok[i];
		text_put(rest->y, rest->x, check_status_name(ok ? CHECK_OK : CHECK_FAIL), 4, ok ? ROLE_OK : ROLE_FAIL,
			 false);
		text_put(rest->y, rest->x + 6, v->readback[i], rest->w - 6, ROLE_NORMAL, true);
	}
	rest->y++;
	rest->h--;
}

static void cfg_draw(struct tui *t, struct rect r)
{
	struct configure_view *v = t->view;
	int y = r.y + draw_step_header(t, r);
	y += draw_items(t, (struct rect){ y, r.x, r.y + r.h - y, r.w });
	y++;
	struct rect rest = { y, r.x, r.y + r.h - y, r.w };
	struct logview *lv = task_log(t, STEP_CONFIGURE);
	if (lv) {
		int used = draw_task_status(t, rest);
		rest.y += used;
		rest.h -= used;
		if (!task_running(t))
			draw_readback(v, &rest);
		if (rest.h > 3)
			logview_draw(lv, stdscr, rest.y, rest.x, rest.h, rest.w);
		return;
	}
	draw_readback(v, &rest);
	draw_plan(t, rest);
}

static void move_sel(struct tui *t, int dir)
{
	struct configure_view *v = t->view;
	enum item it = v->sel;
	do
		it = (enum item)(((int)it + dir + I_COUNT) % I_COUNT);
	while (!visible(t, it));
	v->sel = it;
}

static int toggle(struct tui *t, int dir)
{
	struct configure_view *v = t->view;
	struct toggles *g = &t->s->toggles;
	char *owned;
	const char *why = unavailable(t, v->sel, &owned);
	if (why) {
		tui_note(t, ROLE_BAD, _("Cannot change this: %s."), why);
		free(owned);
		return RE_REDRAW;
	}
	switch (v->sel) {
	case I_AUTOFDO: g->autofdo = !g->autofdo; break;
	case I_THIN: g->thin_lto = !g->thin_lto; if (g->thin_lto) g->full_lto = false; break;
	case I_FULL: g->full_lto = !g->full_lto; if (g->full_lto) g->thin_lto = false; break;
	case I_PROPELLER: g->propeller = !g->propeller; break;
	case I_JOBS:
		g->jobs += dir;
		if (g->jobs < 0)
			g->jobs = 0;
		if (g->jobs > 4096)
			g->jobs = 4096;
		break;
	case I_BASE: {
		size_t i = 0, n = ARRAY_LEN(base_order);
		while (i < n && base_order[i] != t->s->config_source)
			i++;
		t->s->config_source = base_order[(i + n + (size_t)(dir < 0 ? n - 1 : 1)) % n];
		break;
	}
	default: return RE_NONE;
	}
	changed(t);
	return RE_REDRAW | RE_STEPS;
}

static int run(struct tui *t)
{
	struct configure_view *v = t->view;
	if (v->sel == I_BASEFILE || t->s->config_source == CONFIG_FILE) {
		char *f = input_text(&v->file);
		char *real = *f ? realpath(f, NULL) : NULL;
		session_set(&t->s->config_file, real ? real : *f ? f : NULL);
		free(real);
		free(f);
	}
	char *why = NULL;
	if (!step_get(STEP_CONFIGURE)->precondition(t->s, &why)) {
		tui_note(t, ROLE_BAD, _("Cannot configure yet: %s"), why ? why : "");
		free(why);
		return RE_REDRAW | RE_STEPS;
	}
	free(why);
	readback_free(v);
	tui_save(t);
	if (task_start(t, STEP_CONFIGURE) == 0)
		tui_note(t, ROLE_RUNNING, _("Configuring..."));
	return RE_REDRAW | RE_STEPS;
}

static int cfg_key(struct tui *t, int key)
{
	struct configure_view *v = t->view;
	struct logview *lv = task_log(t, STEP_CONFIGURE);
	if (lv && logview_prompting(lv))
		return tui_log_key(lv, key) ? RE_REDRAW | RE_HANDLED : RE_HANDLED;
	if (v->sel == I_BASEFILE && key != KEY_UP && key != KEY_DOWN && key != '\r' && key != KEY_F(5) &&
	    input_key(&v->file, key))
		return RE_REDRAW | RE_HANDLED;
	switch (key) {
	case KEY_UP: case 'k': move_sel(t, -1); return RE_REDRAW | RE_HANDLED;
	case KEY_DOWN: case 'j': move_sel(t, 1); return RE_REDRAW | RE_HANDLED;
	case ' ': return toggle(t, 1) | RE_HANDLED;
	case KEY_RIGHT: case '+': return (v->sel == I_JOBS || v->sel == I_BASE ? toggle(t, 1) : 0) | RE_HANDLED;
	case KEY_LEFT: case '-': return (v->sel == I_JOBS || v->sel == I_BASE ? toggle(t, -1) : 0) | RE_HANDLED;
	case '\r': case KEY_ENTER: case KEY_F(5):
		if (task_running(t))
			return RE_HANDLED;
		return run(t) | RE_HANDLED;
	}
	if (lv && tui_log_key(lv, key))
		return RE_REDRAW | RE_HANDLED;
	return RE_NONE;
}

static int cfg_tick(struct tui *t, int64_t now)
{
	(void)now;
	if (task_take_end(t, STEP_CONFIGURE)) {
		readback_load(t);
		return RE_REDRAW | RE_STEPS;
	}
	return RE_NONE;
}

static const struct keyhint cfg_hints[] = {
	{ "Up/Dn", N_("Select") }, { "Space", N_("Toggle") }, { "Enter/F5", N_("Configure") }, { NULL, NULL },
};

static const struct keyhint *hints(struct tui *t)
{
	(void)t;
	return cfg_hints;
}

const struct screen_ops screen_configure = {
	.view_size = sizeof(struct configure_view), .enter = cfg_enter, .leave = cfg_leave, .draw = cfg_draw,
	.on_key = cfg_key, .on_tick = cfg_tick, .hints = hints,
};
