/* The baseline and compare screens: which benchmarks run, how many rounds and
 * about how long, what is left out and why; and once both kernels are
 * measured, the chart: a row per benchmark with its 95% interval as a bar
 * around zero (right of zero: faster), the estimate as a mark, coloured by
 * the verdict (bold and dim in mono), the verdict in words beside it.
 * 's' turns the measuring off (and on again): the flow then skips both steps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/bench.h"
#include "tui/curses.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/text.h"

struct bench_view {
	char **names, **skipped;
	double estimate_s;
	int rounds;
	bool have_cmp;
	struct bench_cmp cmp;
	char *missing;		/* why there is nothing to compare yet */
	char *headline;
};

static void view_clear(struct bench_view *v)
{
	strv_free(v->names);
	strv_free(v->skipped);
	if (v->have_cmp)
		bench_cmp_free(&v->cmp);
	free(v->missing);
	free(v->headline);
	memset(v, 0, sizeof *v);
}

static void bench_leave(struct tui *t)
{
	view_clear(t->view);
}

static void bench_scan(struct tui *t)
{
	struct bench_view *v = t->view;
	view_clear(v);
	v->names = bench_selected(t->s, &v->skipped);
	v->estimate_s = bench_estimate(t->s);
	v->rounds = bench_rounds(t->s);
	if (t->cur == STEP_COMPARE) {
		v->have_cmp = bench_compare(t->s, &v->cmp, &v->missing) == 0;
		if (v->have_cmp)
			v->headline = bench_headline(&v->cmp);
	}
}

static int bench_key(struct tui *t, int key)
{
	if (!task_running(t) && (key == 's' || key == 'S')) {
		t->s->measure.off = !t->s->measure.off;
		tui_save(t);
		tui_note(t, ROLE_DIM, t->s->measure.off ? _("Measuring is off: the flow skips the baseline and the "
							    "comparison (s turns it on again).")
							 : _("Measuring is on again."));
		return RE_REDRAW | RE_STEPS | RE_HANDLED;
	}
	return plan_screen_key(t, key);
}

static int bench_tick(struct tui *t, int64_t now)
{
	int re = plan_screen_tick(t, now);
	if (task_take_end(t, t->cur))
		re |= RE_REDRAW | RE_STEPS | RE_SCAN;
	return re;
}

static const struct keyhint idle_hints[] = { { "Enter/F5", N_("Run") }, { "s", N_("Skip/measure") }, { NULL, NULL } };

static const struct keyhint *bench_hints(struct tui *t)
{
	return task_running(t) ? plan_screen_hints(t) : idle_hints;
}

/* ---- the chart ---- */

/* The axis reaches the widest interval end, at 2, 5, 10, 20 or 50%. A noisy
 * row's interval does not set it (it would squeeze the others' bars into a
 * few columns): its bar is cut at the ends instead. */
static double axis_span(const struct bench_cmp *c)
{
	double m = 0;
	for (int pass = 0; pass < 2 && m == 0; pass++)
		for (size_t i = 0; i < c->n; i++) {
			const struct stats_cmp *s = &c->rows[i].cmp;
			if (pass == 0 && (s->verdict == VERDICT_NOISY || s->verdict == VERDICT_TOO_FEW))
				continue;
			if (isfinite(s->gain_lo) && fabs(s->gain_lo) > m)
				m = fabs(s->gain_lo);
			if (isfinite(s->gain_hi) && fabs(s->gain_hi) > m)
				m = fabs(s->gain_hi);
		}
	const double steps[] = { 0.02, 0.05, 0.10, 0.20, 0.50 };
	for (size_t i = 0; i < ARRAY_LEN(steps); i++)
		if (m <= steps[i])
			return steps[i];
	return 1.0;
}

static enum role verdict_role(enum stats_verdict v)
{
	switch (v) {
	case VERDICT_BETTER: return ROLE_GOOD;
	case VERDICT_WORSE: return ROLE_BAD;
	case VERDICT_SAME: return ROLE_NORMAL;
	default: return ROLE_DIM;
	}
}

static const char *verdict_word(enum stats_verdict v)
{
	switch (v) {
	case VERDICT_BETTER: return _("faster");
	case VERDICT_WORSE: return _("slower");
	case VERDICT_SAME: return _("no difference");
	case VERDICT_NOISY: return _("too noisy");
	case VERDICT_TOO_FEW: return _("too few");
	}
	return "?";
}

static int col_of(double g, double span, int x0, int w)
{
	double f = (g / span + 1) / 2; /* -span..+span onto 0..1 */
	int c = (int)lround(f * (w - 1));
	return x0 + (c < 0 ? 0 : c >= w ? w - 1 : c);
}

static void chart_row(struct tui *t, int y, const struct bench_row *r, double span, int x0, int w)
{
	const struct stats_cmp *s = &r->cmp;
	int zero = col_of(0, span, x0, w);
	for (int x = x0; x < x0 + w; x++)
		text_put(y, x, x == zero ? text_glyph(t, "\xe2\x94\x82", "|") : text_glyph(t, "\xc2\xb7", "."), 1,
			 ROLE_DIM, false);
	if (!isfinite(s->gain_lo) || !isfinite(s->gain_hi))
		return;
	enum role role = verdict_role(s->verdict);
	int lo = col_of(s->gain_lo, span, x0, w), hi = col_of(s->gain_hi, span, x0, w);
	for (int x = lo; x <= hi; x++)
		text_put(y, x, text_glyph(t, "\xe2\x94\x81", "="), 1, role, false);
	text_put(y, lo, text_glyph(t, "\xe2\x94\xa0", "["), 1, role, false);
	text_put(y, hi, text_glyph(t, "\xe2\x94\xa8", "]"), 1, role, false);
	text_put(y, col_of(s->gain, span, x0, w), text_glyph(t, "\xe2\x97\x8f", "o"), 1, role, false);
}

/* "+5.0% faster": the estimate (a -0.0 shown as +0.0) and the verdict. */
static char *row_text(const struct bench_row *b)
{
	double g = b->cmp.gain * 100;
	if (!isfinite(g))
		return xstrdup(verdict_word(b->cmp.verdict));
	return xasprintf("%+5.1f%% %s", fabs(g) < 0.05 ? 0.0 : g, verdict_word(b->cmp.verdict));
}

/* Returns rows used. */
static int chart(struct tui *t, struct rect r, int row)
{
	const struct bench_view *v = t->view;
	const struct bench_cmp *c = &v->cmp;
	int start = row, lw = 0, tw = text_width(_("faster \xe2\x86\x92"));
	for (size_t i = 0; i < c->n; i++) {
		int w = text_width(c->rows[i].def ? _(c->rows[i].def->title) : c->rows[i].name);
		lw = w > lw ? w : lw;
		char *txt = row_text(&c->rows[i]);
		w = text_width(txt);
		tw = w > tw ? w : tw;
		free(txt);
	}
	/* The bar keeps at least 9 columns (4 each side of zero); the names
	 * give way first, then the words. */
	if (tw > r.w / 2)
		tw = r.w / 2;
	if (lw > r.w - tw - 3 - 9)
		lw = r.w - tw - 3 - 9;
	if (lw < 8)
		lw = 8;
	int bw = r.w - lw - tw - 3;
	if (bw < 9)
		bw = 9;
	double span = axis_span(c);
	int x0 = r.x + lw + 1;
	if (row < r.h) {
		char left[32], right[64];
		snprintf(left, sizeof left, "-%.0f%%", span * 100);
		snprintf(right, sizeof right, "+%.0f%%", span * 100);
		int y = r.y + row++;
		text_put(y, col_of(0, span, x0, bw), "0", 1, ROLE_DIM, false);
		/* The scale at the bar's ends when they have room, else beside it. */
		if (bw >= 15) {
			text_put(y, x0, left, bw, ROLE_DIM, false);
			text_put(y, x0 + bw - text_width(right), right, text_width(right), ROLE_DIM, false);
			text_put(y, x0 + bw + 2, _("faster \xe2\x86\x92"), tw, ROLE_DIM, true);
		} else {
			char *scale = xasprintf("\xc2\xb1%.0f%%  %s", span * 100, _("faster \xe2\x86\x92"));
			text_put(y, x0 + bw + 2, scale, tw, ROLE_DIM, true);
			free(scale);
		}
	}
	for (size_t i = 0; i < c->n && row < r.h; i++, row++) {
		const struct bench_row *b = &c->rows[i];
		int y = r.y + row;
		text_put(y, r.x, b->def ? _(b->def->title) : b->name, lw, ROLE_NORMAL, true);
		chart_row(t, y, b, span, x0, bw);
		char *txt = row_text(b);
		text_put(y, x0 + bw + 2, txt, tw, verdict_role(b->cmp.verdict), true);
		free(txt);
	}
	return row - start;
}

static int compare_block(struct tui *t, struct rect r)
{
	const struct bench_view *v = t->view;
	int row = 0;
	if (t->s->measure.off)
		return plan_screen_wrapped(r, row, NULL, _("Measuring is off: the flow compares nothing (s turns it on)."),
					   ROLE_DIM, 2) + 1;
	if (v->have_cmp) {
		row += plan_screen_wrapped(r, row, NULL, v->headline, v->cmp.trouble ? ROLE_WARN : ROLE_HEADING, 2);
		row += chart(t, r, row);
		for (size_t i = 0; v->cmp.trouble && v->cmp.trouble[i]; i++)
			row += plan_screen_wrapped(r, row, _("Noisy:"), v->cmp.trouble[i], ROLE_WARN, 2);
		for (size_t i = 0; v->cmp.notes && v->cmp.notes[i] && row < r.h; i++)
			row += plan_screen_wrapped(r, row, NULL, v->cmp.notes[i], ROLE_DIM, 2);
		if (row < r.h)
			row += plan_screen_wrapped(r, row, NULL, _("Each bar is the 95% interval of the change, the mark "
								  "its estimate; kfdo compare prints the table."),
						   ROLE_DIM, 2);
		return row + 1;
	}
	if (v->missing && t->cur == STEP_COMPARE && !bench_run(t->s, BENCH_BEFORE))
		row += plan_screen_wrapped(r, row, NULL, v->missing, ROLE_WARN, 2);
	return row;
}

static int set_block(struct tui *t, struct rect r)
{
	const struct bench_view *v = t->view;
	int row = 0;
	if (t->s->measure.off)
		return plan_screen_wrapped(r, row, NULL, _("Measuring is off: no baseline, no comparison at the end "
							  "(s turns it on)."), ROLE_DIM, 2) + 1;
	char *names = NULL;
	struct strbuf sb = { 0 };
	for (size_t i = 0; v->names && v->names[i]; i++) {
		const struct bench_def *d = bench_find(v->names[i]);
		sb_addf(&sb, "%s%s", i ? ", " : "", d ? _(d->title) : v->names[i]);
	}
	names = sb.s ? sb.s : xstrdup(_("none can run here"));
	row += plan_screen_wrapped(r, row, _("Benchmarks:"), names, v->names ? ROLE_NORMAL : ROLE_BAD, 3);
	free(names);
	char dur[32];
	fmt_duration(dur, sizeof dur, v->estimate_s);
	char *how = xasprintf(_("%d rounds after a warm-up round, interleaved; about %s"), v->rounds, dur);
	row += plan_screen_wrapped(r, row, _("Runs:"), how, ROLE_NORMAL, 2);
	free(how);
	for (size_t i = 0; v->skipped && v->skipped[i] && row < r.h; i++)
		row += plan_screen_wrapped(r, row, _("Left out:"), v->skipped[i], ROLE_DIM, 1);
	return row + compare_block(t, (struct rect){ r.y + row, r.x, r.h - row, r.w }) + 1;
}

static void bench_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, set_block);
}

const struct screen_ops screen_baseline = {
	.view_size = sizeof(struct bench_view), .leave = bench_leave, .scan = bench_scan,
	.draw = bench_draw, .on_key = bench_key, .on_tick = bench_tick, .hints = bench_hints,
};

/* The compare screen: the chart first once there is one, the set below it. */
static int compare_first(struct tui *t, struct rect r)
{
	const struct bench_view *v = t->view;
	if (!v->have_cmp)
		return set_block(t, r);
	return compare_block(t, r);
}

static void compare_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, compare_first);
}

const struct screen_ops screen_compare = {
	.view_size = sizeof(struct bench_view), .leave = bench_leave, .scan = bench_scan,
	.draw = compare_draw, .on_key = bench_key, .on_tick = bench_tick, .hints = bench_hints,
};
