/* The build screen (the first build and the final one): a progress bar with
 * the percentage and ETA when the estimate has a basis, rate and elapsed
 * otherwise, "counting" during the dry run, the silent ThinLTO link named
 * with how long it took last time; the directory being compiled, the counts
 * of warnings and errors, the first error, and the live log through the
 * logview widget. The screen draws from the runner's state, which the log
 * flood only updates: drawing stays at the loop's capped rate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "engine/kbuild.h"
#include "engine/makepkg_log.h"
#include "engine/profile.h"
#include "base/util.h"
#include "tui/draw.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/text.h"

static bool mine(const struct tui *t)
{
	return t->task.r && t->task.step == t->cur;
}

/* The final build's profile as its record says (read by the scan). */
struct build_view {
	bool have_record;
	char *stats;		/* the record's stats in one line */
};

static void build_enter(struct tui *t)
{
	tui_inspect_tree(t, false);
}

static void build_leave(struct tui *t)
{
	struct build_view *v = t->view;
	free(v->stats);
}

static void build_scan(struct tui *t)
{
	struct build_view *v = t->view;
	const char *prof = t->s->artifacts.profile;
	free(v->stats);
	v->stats = NULL;
	v->have_record = false;
	struct profile_record rec;
	if (!(step_get(t->cur)->flags & STEP_USES_PROFILE) || !prof || profile_record_read(prof, &rec, NULL) < 0)
		return;
	struct profile_stats st = { .size = rec.size, .functions = rec.functions, .total_samples = rec.total_samples,
				    .hot = rec.hot, .n_hot = rec.n_hot };
	v->stats = profile_stats_line(&st, 3);
	v->have_record = true;
	profile_record_free(&rec);
}

/* "  CC      kernel/fork.o" -> "CC kernel/fork.o" */
static char *squeeze(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	for (; *s; s++)
		if (*s != ' ' || (o > out && o[-1] != ' '))
			*o++ = *s;
	if (o > out && o[-1] == ' ')
		o--;
	*o = 0;
	return out;
}

/* The phase in words: counting, a quiet link, or what kbuild printed last. */
static char *phase_words(struct tui *t, const struct kbuild_progress *p, const struct kbuild_estimate *e, bool have)
{
	char el[32], sil[32], last[32];
	if (runner_in_dryrun(t->task.r))
		return xstrdup(_("counting what the build will do (make -n)"));
	if (!have)
		return xstrdup(_("starting"));
	const struct makepkg_log *mk = runner_makepkg(t->task.r);
	char *doing = mk ? makepkg_log_doing(mk) : NULL;
	if (doing) {
		/* makepkg's phase: packaging is no link, however quiet fakeroot is. */
		char *last_line = squeeze(kbuild_last_line(p));
		char *w = xasprintf(_("%s (makepkg); now: %s"), doing, last_line);
		free(last_line);
		free(doing);
		return w;
	}
	if (e->in_silent_phase) {
		fmt_duration(sil, sizeof(sil), e->silent_elapsed);
		const char *label = e->silent_label && *e->silent_label ? e->silent_label : "LD";
		if (e->silent_last_time >= 0) {
			fmt_duration(last, sizeof(last), e->silent_last_time);
			return xasprintf(_("linking (%s): quiet for %s, took %s last time"), label, sil, last);
		}
		return xasprintf(_("linking (%s): quiet for %s (normal for a ThinLTO link)"), label, sil);
	}
	char *last_line = squeeze(kbuild_last_line(p)), *w;
	if (e->fraction < 0) {
		fmt_duration(el, sizeof(el), e->elapsed);
		w = xasprintf(_("no estimate yet: %s elapsed, %.1f steps/s; now: %s"), el, e->rate, last_line);
	} else {
		w = xasprintf(_("now: %s"), last_line);
	}
	free(last_line);
	return w;
}

static int draw_progress(struct tui *t, struct rect r)
{
	struct task *k = &t->task;
	const struct kbuild_progress *p = runner_progress(k->r);
	struct kbuild_estimate e = { 0 };
	int64_t now = k->running ? job_now() : k->finished;
	bool have = p && runner_estimate(k->r, now, &e);
	int y = r.y;
	if (k->running) {
		double frac = have && !runner_in_dryrun(k->r) ? e.fraction : -1;
		char eta[32], right[64] = "";
		if (frac >= 0 && e.eta_seconds >= 0) {
			fmt_duration(eta, sizeof(eta), e.eta_seconds);
			snprintf(right, sizeof(right), _("%3.0f%%  ETA %s"), frac * 100, eta);
		} else if (frac >= 0) {
			snprintf(right, sizeof(right), _("%3.0f%%  ETA ?"), frac * 100);
		}
		int rw = 18;
		draw_bar(t, y, r.x, r.w - rw, frac, (unsigned)(now / 150));
		text_put(y, r.x + r.w - rw + 2, right, rw - 2, ROLE_HEADING, true);
		y++;
		char *words = phase_words(t, p, &e, have);
		text_put(y++, r.x, words, r.w, e.in_silent_phase ? ROLE_RUNNING : ROLE_NORMAL, true);
		free(words);
	}
	if (have) {
		char el[32];
		fmt_duration(el, sizeof(el), e.elapsed);
		struct strbuf sb = { 0 };
		sb_addf(&sb, _("elapsed %s"), el);
		if (e.expected_steps)
			sb_addf(&sb, _("  steps %zu of ~%zu"), e.steps, e.expected_steps);
		else
			sb_addf(&sb, _("  steps %zu"), e.steps);
		sb_addf(&sb, _("  %.1f/s"), e.rate);
		if (e.basis != KBUILD_EST_NONE) {
			/* What the estimate rests on, in full when it fits (80 columns
			 * do not, with a long step count): else just its name. */
			const char *basis = _(kbuild_basis_name(e.basis));
			char *full = xasprintf(_("  estimate from: %s"), basis);
			char *brief = xasprintf("  (%s)", basis);
			int w = text_width(sb.s);
			sb_add(&sb, w + text_width(full) <= r.w ? full : w + text_width(brief) <= r.w ? brief : "");
			free(full);
			free(brief);
		}
		text_put(y++, r.x, sb.s, r.w, ROLE_NORMAL, true);
		sb_free(&sb);
	}
	if (p) {
		const struct kbuild_counts *c = kbuild_counts(p);
		const char *dir = kbuild_current_dir(p);
		char *line = xasprintf(_("in %s   warnings %zu   errors %zu   lines %zu"), *dir ? dir : "-",
				       c->warnings, c->errors, c->lines);
		enum role role = c->errors ? ROLE_BAD : c->warnings ? ROLE_WARN : ROLE_NORMAL;
		text_put(y++, r.x, line, r.w, role, true);
		free(line);
		const struct kbuild_diag *d = kbuild_first_error(p);
		if (d) {
			char *m = d->file ? xasprintf(_("First error: %s:%u: %s"), d->file, d->line,
						      d->message ? d->message : "")
					  : xasprintf(_("First error: %s"), d->message ? d->message : "");
			text_put(y++, r.x, m, r.w, ROLE_BAD, true);
			free(m);
		}
	}
	return y - r.y;
}

/* The final build's profile: which one, and its stats in one line. */
static int profile_rows(struct tui *t, struct rect r)
{
	const char *prof = t->s->artifacts.profile;
	if (!prof) {
		text_put(r.y, r.x, _("Profile: none yet (the convert step makes it)"), r.w, ROLE_DIM, true);
		return 1;
	}
	const struct build_view *v = t->view;
	int row = plan_screen_wrapped(r, 0, _("Profile:"), prof, ROLE_NORMAL, 2);
	if (!v->have_record) {
		text_put(r.y + row, r.x + 2, _("(no kfdo record of where it came from)"), r.w - 2, ROLE_DIM, true);
		return row + 1;
	}
	text_put(r.y + row, r.x + 2, v->stats, r.w - 2, ROLE_NORMAL, true);
	return row + 1;
}

static void build_draw(struct tui *t, struct rect r)
{
	int y = r.y + draw_step_header(t, r);
	struct rect rest = { y, r.x, r.y + r.h - y, r.w };
	if (step_get(t->cur)->flags & STEP_USES_PROFILE) {
		int used = profile_rows(t, rest);
		rest.y += used;
		rest.h -= used;
	}
	if (!mine(t)) {
		if (task_running(t)) {
			char *m = xasprintf(_("The %s step is running; this one can start when it is over."),
					    step_name(t->task.step));
			text_put(rest.y++, rest.x, m, rest.w, ROLE_WARN, true);
			rest.h--;
			free(m);
		}
		rest.y++;
		rest.h--;
		draw_plan(t, rest);
		return;
	}
	int used = draw_progress(t, rest);
	rest.y += used;
	rest.h -= used;
	used = draw_task_status(t, rest);
	rest.y += used;
	rest.h -= used;
	if (rest.h > 3)
		logview_draw(t->task.lv, stdscr, rest.y, rest.x, rest.h, rest.w);
}

static int answer_cancel(struct tui *t, bool yes)
{
	if (yes && task_running(t)) {
		task_cancel(t);
		tui_note(t, ROLE_RUNNING, _("Cancelling the build: the whole make process group gets SIGINT..."));
	}
	return RE_REDRAW;
}

static int start(struct tui *t)
{
	char *why = NULL;
	const struct step_def *d = step_get(t->cur);
	if (d->precondition && !d->precondition(t->s, &why)) {
		tui_note(t, ROLE_BAD, _("Cannot build yet: %s"), why ? why : "");
		free(why);
		return RE_REDRAW | RE_STEPS;
	}
	free(why);
	if (task_start(t, t->cur) == 0)
		tui_note(t, ROLE_RUNNING, _("Building. The log follows the build; / searches it, c cancels."));
	return RE_REDRAW | RE_STEPS;
}

static int build_key(struct tui *t, int key)
{
	struct logview *lv = mine(t) ? t->task.lv : NULL;
	if (lv && logview_prompting(lv))
		return tui_log_key(lv, key) ? RE_REDRAW | RE_HANDLED : RE_HANDLED;
	bool running_here = mine(t) && t->task.running;
	if (running_here && (key == 'c' || key == KEY_F(8))) {
		tui_ask(t, _("Cancel the build?"),
			_("Everything the build started is stopped: SIGINT to make's whole process group, then "
			  "SIGTERM and SIGKILL if it lingers. The next build starts from what is already compiled."),
			false, answer_cancel);
		return RE_REDRAW | RE_HANDLED;
	}
	if (!task_running(t) && (key == '\r' || key == KEY_ENTER || key == KEY_F(5)))
		return start(t) | RE_HANDLED;
	if (lv && tui_log_key(lv, key))
		return RE_REDRAW | RE_HANDLED;
	return RE_NONE;
}

static int build_tick(struct tui *t, int64_t now)
{
	(void)now;
	/* The elapsed time and the ETA move every second. */
	return mine(t) && t->task.running ? RE_REDRAW : RE_NONE;
}

static const struct keyhint idle_hints[] = {
	{ "Enter/F5", N_("Build") }, { "/", N_("Search log") }, { NULL, NULL },
};
static const struct keyhint run_hints[] = {
	{ "c", N_("Cancel") }, { "/", N_("Search") }, { "w", N_("Filter") }, { "f", N_("Follow") },
	{ "e", N_("First error") }, { NULL, NULL },
};

static const struct keyhint *hints(struct tui *t)
{
	return mine(t) && t->task.running ? run_hints : idle_hints;
}

const struct screen_ops screen_build = {
	.view_size = sizeof(struct build_view), .enter = build_enter, .leave = build_leave, .scan = build_scan,
	.draw = build_draw, .on_key = build_key, .on_tick = build_tick, .hints = hints,
};
