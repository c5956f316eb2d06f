/* The hardware and toolchain screens: detect's checks as a table (ok, warn,
 * fail), the selected row's message and remedy in full, and 'f' to run a fix
 * kfdo knows, shown first. The remedies are text for people; the argv of a
 * fix comes from the table below (or the toolchain's package list, each name
 * checked), never from splitting a remedy through a shell. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "engine/plan.h"
#include "base/util.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/screen.h"
#include "tui/state.h"
#include "tui/term.h"
#include "tui/text.h"

struct fix {
	const char *check_id;
	const char *const argv[4];	/* run as root */
	const char *what;		/* N_() */
};

static const struct fix known_fixes[] = {
	{ "kernel.perf_event_paranoid", { "sysctl", "kernel.perf_event_paranoid=0", NULL },
	  N_("Lets perf record the kernel system-wide as your user, until the next boot.") },
	{ "kernel.kptr_restrict", { "sysctl", "kernel.kptr_restrict=0", NULL },
	  N_("Shows kernel addresses to perf so samples map to vmlinux, until the next boot.") },
};

/* Either screen's view: the table's selection, and the fix shown below it. */
struct checkview {
	size_t sel, top;
	struct check_list tc_checks;	/* the toolchain's checks as rows (the hardware's are t->hw's) */
	char *fix_line;		/* the selected row's fix as it would run, or NULL */
	char **fix_argv;	/* the fix the open question is about */
};

static const struct check_list *view_list(struct tui *t, struct checkview *v)
{
	return t->scr == &screen_hardware ? &t->hw->checks : &v->tc_checks;
}

/* "sudo pacman -S --needed a b" -> {pacman, -S, --needed, a, b}: only the two
 * forms detect/toolchain.c writes, and only package names made of the
 * characters package names have. */
static char **install_argv(const char *cmd)
{
	static const char *const forms[][4] = {
		{ "sudo pacman -S --needed ", "pacman", "-S", "--needed" },
		{ "sudo apt-get install ", "apt-get", "install", NULL },
	};
	for (size_t f = 0; cmd && f < ARRAY_LEN(forms); f++) {
		if (!str_starts(cmd, forms[f][0]))
			continue;
		char **v = NULL;
		for (int i = 1; i < 4 && forms[f][i]; i++)
			strv_push(&v, forms[f][i]);
		const char *p = cmd + strlen(forms[f][0]);
		while (*p) {
			size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789+-._");
			if (n == 0 || (p[n] && p[n] != ' ') || p[0] == '-') {
				strv_free(v);
				return NULL;
			}
			char *w = xasprintf("%.*s", (int)n, p);
			strv_push(&v, w);
			free(w);
			p += n;
			while (*p == ' ')
				p++;
		}
		return v;
	}
	return NULL;
}

/* The fix for the selected row, as the argv that will run (sudo first unless root). */
static char **fix_for(struct tui *t, struct checkview *v, const char **what)
{
	const struct check_list *l = view_list(t, v);
	if (v->sel >= l->n || l->v[v->sel].status == CHECK_OK)
		return NULL;
	const struct check *c = &l->v[v->sel];
	char **argv = NULL;
	for (size_t i = 0; i < ARRAY_LEN(known_fixes); i++)
		if (strcmp(known_fixes[i].check_id, c->id) == 0) {
			argv = strv_dup((char *const *)known_fixes[i].argv);
			*what = _(known_fixes[i].what);
		}
	if (!argv && t->scr == &screen_toolchain && str_starts(c->id, "tool.")) {
		char *cmd = toolchain_install_command(t->tc);
		argv = install_argv(cmd);
		free(cmd);
		*what = _("Installs the missing tools with the system's package manager.");
	}
	if (!argv)
		return NULL;
	/* Through sudo unless kfdo is root, decided where the runner decides it. */
	struct plan_cmd pc = { .kind = PLAN_RUN, .argv = argv, .needs_root = true };
	char **run = plan_cmd_argv(&pc);
	strv_free(argv);
	return run;
}

static void redetect(struct tui *t)
{
	if (t->scr == &screen_hardware)
		tui_detect_hardware(t);
	else
		tui_detect_toolchain(t);
}

/* The rows as detect left them, the selection kept on one, and its fix. */
static void checks_scan(struct tui *t)
{
	struct checkview *v = t->view;
	if (t->scr == &screen_toolchain) {
		check_list_free(&v->tc_checks);
		if (t->tc)
			toolchain_checks(t->tc, &v->tc_checks);
	}
	const struct check_list *l = view_list(t, v);
	if (v->sel >= l->n)
		v->sel = l->n ? l->n - 1 : 0;
	free(v->fix_line);
	v->fix_line = NULL;
	const char *what = NULL;
	char **argv = fix_for(t, v, &what);
	if (argv)
		v->fix_line = job_quote_argv((const char *const *)argv);
	strv_free(argv);
}

static void checks_leave(struct tui *t)
{
	struct checkview *v = t->view;
	check_list_free(&v->tc_checks);
	free(v->fix_line);
	strv_free(v->fix_argv);
}

static int answer_fix(struct tui *t, bool yes)
{
	struct checkview *v = t->view;
	char **argv = v->fix_argv;
	v->fix_argv = NULL;
	if (yes && argv) {
		char *cause = NULL;
		int st = term_run_interactive((const char *const *)argv, &cause);
		char *line = job_quote_argv((const char *const *)argv);
		if (st < 0)
			tui_note(t, ROLE_BAD, _("Could not run %s: %s"), line, cause);
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			tui_note(t, ROLE_GOOD, _("Ran %s; checked again."), line);
		else
			tui_note(t, ROLE_BAD, _("%s did not succeed (exit status %d); checked again."), line,
				 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		free(line);
		free(cause);
		redetect(t);
	}
	strv_free(argv);
	return RE_REDRAW | RE_STEPS;
}

static const char *status_word(enum check_status st)
{
	return check_status_name(st);
}

static enum role status_role(enum check_status st)
{
	switch (st) {
	case CHECK_OK: return ROLE_OK;
	case CHECK_WARN: return ROLE_WARN;
	case CHECK_FAIL: return ROLE_FAIL;
	case CHECK_SKIP: break;
	}
	return ROLE_SKIP;
}

/* The table, then the selected row in full with its remedy and fix. */
static void draw_checks(struct tui *t, struct checkview *v, struct rect r)
{
	const struct check_list *l = view_list(t, v);
	if (!l->n)
		return;
	/* Half the room for the table, the rest for the selected row's details. */
	int rows = (int)l->n < r.h / 2 ? (int)l->n : r.h / 2;
	if (rows < 3)
		rows = r.h > 3 ? 3 : r.h;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	int idw = 0;
	for (size_t i = 0; i < l->n; i++) {
		int w = text_width(l->v[i].id);
		idw = w > idw ? w : idw;
	}
	if (idw > r.w / 3)
		idw = r.w / 3;
	for (int i = 0; i < rows && v->top + (size_t)i < l->n; i++) {
		size_t k = v->top + (size_t)i;
		const struct check *c = &l->v[k];
		int y = r.y + i;
		bool sel = k == v->sel;
		if (sel)
			text_fill(y, r.x, r.w, ROLE_SELECTED);
		text_put(y, r.x, status_word(c->status), 4, sel ? ROLE_SELECTED : status_role(c->status), false);
		text_put(y, r.x + 6, c->id, idw, sel ? ROLE_SELECTED : ROLE_NORMAL, true);
		text_put(y, r.x + 8 + idw, c->message, r.w - 8 - idw, sel ? ROLE_SELECTED : ROLE_NORMAL, true);
	}
	int y = r.y + rows + 1;
	const struct check *c = v->sel < l->n ? &l->v[v->sel] : NULL;
	if (!c)
		return;
	struct rect d = { y, r.x, r.y + r.h - y, r.w };
	int used = text_para(d, c->message, ROLE_NORMAL);
	d.y += used;
	d.h -= used;
	if (c->remedy && d.h > 0) {
		char *rem = xasprintf(_("Remedy: %s"), c->remedy);
		used = text_para(d, rem, ROLE_WARN);
		free(rem);
		d.y += used;
		d.h -= used;
	}
	if (v->fix_line && d.h > 1) {
		char *m = xasprintf(_("f runs the fix: $ %s"), v->fix_line);
		text_para((struct rect){ d.y + 1, d.x, d.h - 1, d.w }, m, ROLE_COMMAND);
		free(m);
	}
}

static int checks_key(struct tui *t, struct checkview *v, int key)
{
	const struct check_list *l = view_list(t, v);
	switch (key) {
	case KEY_UP: case 'k':
		if (v->sel > 0)
			v->sel--;
		return RE_REDRAW | RE_HANDLED;
	case KEY_DOWN: case 'j':
		if (v->sel + 1 < l->n)
			v->sel++;
		return RE_REDRAW | RE_HANDLED;
	case KEY_HOME: v->sel = 0; return RE_REDRAW | RE_HANDLED;
	case KEY_END: v->sel = l->n ? l->n - 1 : 0; return RE_REDRAW | RE_HANDLED;
	case 'r': case KEY_F(5):
		/* The note first: a failed save while checking again replaces it. */
		tui_note(t, ROLE_NORMAL, _("Checked again."));
		redetect(t);
		return RE_REDRAW | RE_HANDLED | RE_STEPS;
	case 'f': {
		const char *what = NULL;
		char **argv = fix_for(t, v, &what);
		if (!argv) {
			tui_note(t, ROLE_NORMAL, _("kfdo knows no fix to run for this row; its remedy says what to do."));
			return RE_REDRAW | RE_HANDLED;
		}
		char *line = job_quote_argv((const char *const *)argv);
		char *text = xasprintf(_("%s\n\nkfdo will run:\n  $ %s\n\n%s"), what, line,
				       strcmp(argv[0], "sudo") == 0
					       ? _("The screen is set aside while it runs, so that sudo can ask for "
						   "your password.")
					       : _("The screen is set aside while it runs (kfdo runs as root: no sudo)."));
		strv_free(v->fix_argv);
		v->fix_argv = argv;
		tui_ask(t, _("Run this fix?"), text, true, answer_fix);
		free(text);
		free(line);
		return RE_REDRAW | RE_HANDLED;
	}
	}
	return RE_NONE;
}

static const struct keyhint check_hints[] = {
	{ "Up/Dn", N_("Select") }, { "f", N_("Fix") }, { "r/F5", N_("Check again") }, { NULL, NULL },
};

static const struct keyhint *hints(struct tui *t)
{
	(void)t;
	return check_hints;
}

/* ---- hardware ---- */

static void hw_enter(struct tui *t)
{
	if (!t->hw)
		tui_detect_hardware(t);
}

static void hw_draw(struct tui *t, struct rect r)
{
	/* The verdict and its summary say what the header's state line would. */
	int y = draw_step_title(t, r);
	const struct detect_report *h = t->hw;
	enum role role = h->verdict == VERDICT_READY ? ROLE_GOOD
			 : h->verdict == VERDICT_UNSUPPORTED ? ROLE_BAD : ROLE_WARN;
	const char *word = _(verdict_name(h->verdict));
	char *v = xasprintf(_("Verdict: %s"), word);
	text_put(r.y + y, r.x, v, r.w, role, true);
	free(v);
	y++;
	const char *summary = h->summary ? h->summary : "";
	const char *still = h->verdict == VERDICT_UNSUPPORTED
		? _("The kernel can still be built here; recording the profile needs a machine that can.") : NULL;
	/* The summary is the reason for the verdict: it gets the rows it needs
	 * (a German one takes six at 80x24) as long as the table keeps four rows
	 * and the selected check its two lines of detail. */
	int still_h = still ? text_para_rows(still, r.w) : 0;
	int table = h->checks.n < 4 ? (int)h->checks.n : 4;
	int room = r.h - y - still_h - 1 - (table + 3);
	int want = text_para_rows(summary, r.w);
	y += text_para((struct rect){ r.y + y, r.x, want < room ? want : room > 2 ? room : 2, r.w }, summary,
		       ROLE_NORMAL);
	if (still)
		y += text_para((struct rect){ r.y + y, r.x, still_h, r.w }, still, ROLE_DIM);
	y++;
	draw_checks(t, t->view, (struct rect){ r.y + y, r.x, r.h - y, r.w });
}

static int checks_on_key(struct tui *t, int key)
{
	return checks_key(t, t->view, key);
}

const struct screen_ops screen_hardware = {
	.view_size = sizeof(struct checkview), .enter = hw_enter, .leave = checks_leave, .scan = checks_scan,
	.draw = hw_draw, .on_key = checks_on_key, .hints = hints,
};

/* ---- toolchain ---- */

static void tc_enter(struct tui *t)
{
	if (!t->tc)
		tui_detect_toolchain(t);
}

static void tc_draw(struct tui *t, struct rect r)
{
	int y = draw_step_header(t, r);
	if (t->tc && t->tc->make_llvm_arg) {
		char *m = xasprintf(_("kfdo will build with make %s (LLVM %d); llvm-profgen %s --kernel."),
				    t->tc->make_llvm_arg, t->tc->llvm_major,
				    t->tc->profgen_kernel ? _("handles") : _("does not handle"));
		y += text_para((struct rect){ r.y + y, r.x, 2, r.w }, m, ROLE_NORMAL);
		free(m);
	}
	y++;
	draw_checks(t, t->view, (struct rect){ r.y + y, r.x, r.h - y, r.w });
}

const struct screen_ops screen_toolchain = {
	.view_size = sizeof(struct checkview), .enter = tc_enter, .leave = checks_leave, .scan = checks_scan,
	.draw = tc_draw, .on_key = checks_on_key, .hints = hints,
};
