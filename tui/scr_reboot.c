/* The reboot screen: the running and the built kernel with their releases
 * and build-ids as the engine's reboot check reads them (below --sysroot in
 * tests), that check's verdict, and the two ways on (engine/reboot_setup.c):
 * n reboots now into the boot entry of the installed package, once, and kfdo
 * goes on by itself after the login; m sets that up and leaves the reboot to
 * the user. Every file and command is on the screen before a key runs it;
 * the root commands run with curses set aside, so that sudo can ask. r checks
 * again. The next start of kfdo says "Welcome back" when they match (app.c). */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/probe.h"
#include "engine/unattended.h"
#include "engine/summary.h"
#include "base/util.h"
#include "tui/draw.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/term.h"
#include "tui/text.h"

struct reboot_view {
	char *release, *build_id, *cause;	/* the running kernel */
	bool ok;
	char *verdict;				/* the reboot check's words */
	int setup_rc;				/* reboot_setup_prepare's: 0 ready */
	char *setup_cause;
	struct reboot_setup rs;
	enum reboot_how asked;			/* what the open question is about */
};

static void running_free(struct reboot_view *v)
{
	free(v->release);
	free(v->build_id);
	free(v->cause);
	free(v->verdict);
	free(v->setup_cause);
	reboot_setup_free(&v->rs);
	memset(v, 0, sizeof(*v));
}

/* The running kernel and the engine's reboot check, and what n and m would
 * do: on entering, on r and after either ran. */
static void check(struct tui *t)
{
	struct reboot_view *v = t->view;
	running_free(v);
	probe_running_kernel(t->s, &v->release, &v->build_id, &v->cause);
	v->ok = step_get(STEP_REBOOT)->postcondition(t->s, &v->verdict);
	if (v->ok)
		return;
	/* Prepared for m, which needs no entry; n asks for one itself. */
	v->setup_rc = reboot_setup_prepare(t->s, REBOOT_BY_HAND, true, &v->rs, &v->setup_cause);
}

/* n or m: armed, then the root commands one by one on the real terminal. */
static void act(struct tui *t, enum reboot_how how)
{
	struct reboot_view *v = t->view;
	if (v->ok || v->setup_rc != 0) {
		tui_note(t, ROLE_BAD, "%s", v->setup_cause ? v->setup_cause : _("Nothing to set up here."));
		return;
	}
	if (how == REBOOT_NOW && !v->rs.found) {
		tui_note(t, ROLE_BAD, _("No boot entry to reboot into once: %s"), v->rs.why);
		return;
	}
	v->rs.how = how;
	char *cause = NULL;
	if (reboot_setup_arm(t->s, &v->rs, &cause) < 0) {
		tui_note(t, ROLE_BAD, _("Not set up: %s"), cause);
		free(cause);
		return;
	}
	for (size_t i = 0; i < v->rs.plan.n; i++) {
		char **argv = plan_cmd_argv(&v->rs.plan.cmds[i]);
		int st = term_run_interactive((const char *const *)argv, &cause);
		strv_free(argv);
		if (st != 0) {
			char *line = plan_format_command(&v->rs.plan.cmds[i]);
			tui_note(t, ROLE_BAD, _("%s failed%s%s: nothing more was done"), line, cause ? ": " : "",
				 cause ? cause : "");
			free(line);
			free(cause);
			reboot_setup_disarm(t->s);
			check(t);
			return;
		}
	}
	tui_note(t, ROLE_GOOD, "%s", how == REBOOT_BY_HAND
					     ? _("Set up: reboot when you like; kfdo goes on by itself after the login.")
					     : _("Rebooting."));
	check(t);
}

/* A path under the home directory as ~/..., for the narrow screen. */
static char *home_short(const char *path)
{
	const char *home = getenv("HOME");
	size_t n = home ? strlen(home) : 0;
	if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/')
		return xasprintf("~%s", path + n);
	return xstrdup(path);
}

/* What n and m would do, whole, for their question: nothing runs unseen. */
static char *setup_text(const struct reboot_view *v, enum reboot_how how)
{
	struct strbuf sb = { 0 };
	if (how == REBOOT_NOW)
		sb_addf(&sb, _("Boot entry: %s (%s, %s)\n"), v->rs.entry.title ? v->rs.entry.title : v->rs.entry.id,
			v->rs.entry.loader_name, v->rs.entry.config);
	const char *files[] = { v->rs.unit_path, v->rs.autostart_path, v->rs.sysctl_path };
	for (size_t i = 0; i < 3; i++)
		if (files[i]) {
			char *f = home_short(files[i]);
			sb_addf(&sb, i < 2 ? _("kfdo writes %s\n") : _("through sudo: %s\n"), f);
			free(f);
		}
	if (v->rs.record_line)
		sb_addf(&sb, _("After the reboot it records with:\n  $ %s\n"), v->rs.record_line);
	struct plan p = { 0 };
	struct reboot_setup rs = v->rs;
	rs.how = how;
	reboot_setup_preview(&rs, &p);
	for (size_t i = 0; i < p.n; i++) {
		char *line = plan_format_command(&p.cmds[i]);
		sb_addf(&sb, "  $ %s\n", line);
		free(line);
	}
	plan_free(&p);
	if (how == REBOOT_NOW && v->rs.entry.note)
		sb_addf(&sb, "\n%s", v->rs.entry.note);
	else if (how == REBOOT_BY_HAND)
		sb_addf(&sb, "\n%s", _("Reboot when you like; kfdo goes on by itself after the login."));
	return sb.s;
}

/* The entry and the two ways on, or why there are none; n and m ask first. */
static int setup_rows(struct tui *t, struct rect r, int row)
{
	const struct reboot_view *v = t->view;
	int start = row;
	if (v->setup_rc < 0) {
		if (row < r.h)
			row += text_para((struct rect){ r.y + row, r.x, r.h - row, r.w }, v->setup_cause, ROLE_WARN);
		return row - start;
	}
	if (v->rs.found) {
		char *e = xasprintf("%s (%s)", v->rs.entry.title ? v->rs.entry.title : v->rs.entry.id,
				    v->rs.entry.loader_name);
		row += plan_screen_wrapped(r, row, _("Boot entry:"), e, ROLE_NORMAL, 2);
		free(e);
	} else {
		row += plan_screen_wrapped(r, row, _("Boot entry:"), v->rs.why, ROLE_WARN, 3);
	}
	if (v->rs.found && row < r.h) {
		char *n = xasprintf(_("n  Reboot now into %s; kfdo goes on by itself"),
				    v->rs.entry.title ? v->rs.entry.title : v->rs.entry.id);
		row += text_para((struct rect){ r.y + row, r.x, r.h - row < 2 ? r.h - row : 2, r.w }, n, ROLE_NORMAL);
		free(n);
	}
	if (row < r.h)
		row += text_para((struct rect){ r.y + row, r.x, r.h - row < 2 ? r.h - row : 2, r.w },
				 _("m  I will reboot myself (kfdo goes on by itself after the login)"), ROLE_NORMAL);
	if (row < r.h)
		row += text_para((struct rect){ r.y + row, r.x, r.h - row, r.w },
				 _("Each shows every file and command it would write or run, and asks first."),
				 ROLE_DIM);
	return row - start;
}

static void reboot_leave(struct tui *t)
{
	running_free(t->view);
}

/* "Running kernel: REL" and its build-id under it. */
static int kernel_rows(struct rect r, int row, const char *label, const char *release, const char *id,
		       const char *missing)
{
	int start = row;
	int lw = text_width(_("Running kernel:"));
	int w = text_width(_("Built kernel:"));
	lw = (w > lw ? w : lw) + 1;
	if (row < r.h) {
		text_put(r.y + row, r.x, label, lw, ROLE_DIM, false);
		if (release)
			text_put(r.y + row++, r.x + lw, release, r.w - lw, ROLE_NORMAL, true);
		else
			row += text_para((struct rect){ r.y + row, r.x + lw, r.h - row < 2 ? r.h - row : 2, r.w - lw },
					 missing, ROLE_DIM);
	}
	if (row < r.h && release) {
		/* A build-id is compared character by character: at 80 columns it does
		 * not fit after a long label (German), so it moves left, not cut. */
		char *m = xasprintf(_("build-id %s"), id ? id : missing);
		int x = text_width(m) <= r.w - lw ? lw : text_width(m) <= r.w - 2 ? 2 : lw;
		text_put(r.y + row++, r.x + x, m, r.w - x, id ? ROLE_NORMAL : ROLE_DIM, true);
		free(m);
	}
	return row - start;
}

static int reboot_block(struct tui *t, struct rect r)
{
	const struct reboot_view *v = t->view;
	const struct artifacts *a = &t->s->artifacts;
	int row = 0;
	row += kernel_rows(r, row, _("Running kernel:"), v->release, v->build_id, v->cause ? v->cause : "?");
	row += kernel_rows(r, row, _("Built kernel:"), a->kernel_release, a->build_id,
			   _("not installed yet (the install step records it)"));
	row++;
	if (v->verdict)
		row += plan_screen_wrapped(r, row, v->ok ? _("Check: ok,") : _("Check: not yet,"), v->verdict,
					   v->ok ? ROLE_GOOD : ROLE_BAD, 3);
	row++;
	if (!v->ok && a->kernel_release && a->build_id) {
		row += setup_rows(t, r, row);
		row++;
	}
	return row;
}

static int answer_setup(struct tui *t, bool yes)
{
	struct reboot_view *v = t->view;
	if (yes)
		act(t, v->asked);
	return RE_REDRAW | RE_HANDLED | RE_STEPS;
}

static void reboot_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, reboot_block);
}

static int reboot_key(struct tui *t, int key)
{
	const struct reboot_view *v = t->view;
	if ((key == 'n' || key == 'm') && !v->ok && v->setup_rc == 0) {
		enum reboot_how how = key == 'n' ? REBOOT_NOW : REBOOT_BY_HAND;
		if (how == REBOOT_NOW && !v->rs.found) {
			tui_note(t, ROLE_BAD, _("No boot entry to reboot into once: %s"), v->rs.why);
			return RE_REDRAW | RE_HANDLED;
		}
		struct reboot_view *w = t->view;
		w->asked = how;
		char *text = setup_text(v, how);
		/* A reboot is not undone: No is the default. */
		tui_ask(t, how == REBOOT_NOW ? _("Reboot now?") : _("Set up the continuation?"), text,
			how == REBOOT_BY_HAND, answer_setup);
		free(text);
		return RE_REDRAW | RE_HANDLED;
	}
	if (key != 'r' && key != '\r' && key != KEY_ENTER && key != KEY_F(5))
		return RE_NONE;
	check(t);
	if (v->ok) {
		session_step_set(t->s, STEP_REBOOT, STATUS_DONE, v->verdict);
		tui_save(t);
		tui_note(t, ROLE_GOOD, "%s", v->verdict);
	} else {
		tui_note(t, ROLE_BAD, _("Not yet: %s"), v->verdict ? v->verdict : "");
	}
	return RE_REDRAW | RE_HANDLED | RE_STEPS | (v->ok ? RE_NEXT : 0);
}

static const struct keyhint reboot_hints[] = { { "r", N_("Check the running kernel") }, { NULL, NULL } };
static const struct keyhint setup_hints[] = { { "n", N_("Reboot now") }, { "m", N_("I reboot") },
					      { "r", N_("Check the running kernel") }, { NULL, NULL } };

static const struct keyhint *reboot_hints_fn(struct tui *t)
{
	const struct reboot_view *v = t->view;
	return !v->ok && v->setup_rc == 0 ? setup_hints : reboot_hints;
}

const struct screen_ops screen_reboot = {
	.view_size = sizeof(struct reboot_view), .enter = check, .leave = reboot_leave, .draw = reboot_draw,
	.on_key = reboot_key, .hints = reboot_hints_fn,
};
