/* Progress and ETA from the model: the earlier run's curve, a dry run's
 * counts or nothing at all; and the dry run's own counting (see kbuild.h). */
#include "engine/kbuild.h"
#include "base/i18n.h"
#include "engine/kbuild_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The rate shown to the user is over this window, so a stall shows quickly. */
#define RATE_WINDOW 10.0

void kbuild_set_dryrun(struct kbuild_progress *p, const struct kbuild_dryrun *d)
{
	size_t steps = kbuild_dryrun_expected(d), compiles = kbuild_dryrun_expected_compiles(d);
	p->expected = steps ? p->counts.steps + steps : 0;
	p->expected_compiles = compiles ? p->compiles + compiles : 0;
}

void kbuild_set_expected(struct kbuild_progress *p, size_t steps)
{
	p->expected = steps;
	p->expected_compiles = 0;
}

const char *kbuild_basis_name(enum kbuild_basis b)
{
	switch (b) {
	case KBUILD_EST_DRYRUN: return N_("dry run");
	case KBUILD_EST_HISTORY: return N_("last build");
	case KBUILD_EST_PACE: return N_("current pace");
	case KBUILD_EST_NONE: break;
	}
	return N_("none");
}

/* Steps per second over the last RATE_WINDOW seconds. */
static double window_rate(const struct kbuild_progress *p, double now)
{
	/* lo kept times are at or before the window: about lo * stride steps. */
	size_t lo = 0, hi = p->n_step_t;
	double from = now - RATE_WINDOW;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->step_t[mid] <= from)
			lo = mid + 1;
		else
			hi = mid;
	}
	double span = now < RATE_WINDOW ? now : RATE_WINDOW;
	return span > 0 ? (double)(p->counts.steps - lo * p->stride) / span : 0;
}

/* The earlier run's curve, scaled by how fast this run reached the same
 * step. The scale is damped towards 1 early on, when a second's jitter
 * would otherwise swing it widely. */
static void estimate_history(const struct kbuild_progress *p, double now, struct kbuild_estimate *e)
{
	const struct kbuild_history *h = &p->hist;
	double damp = dmin(30.0, dmax(2.0, 0.05 * h->seconds));
	if (p->anchored && p->h_anchor > p->h_first) {
		/* Where this run is, by what it compiles; its pace, from the stretch both runs
		 * compiled (what came before, a prepare already done, cancels out). */
		double r = (p->t_anchor - p->t_first + damp) / (p->h_anchor - p->h_first + damp);
		double since = now - p->t_anchor;
		e->expected_steps = h->steps;
		e->fraction = dmin(0.99, (p->h_anchor + dmin(since / r, h->seconds - p->h_anchor)) / h->seconds);
		double eta = (h->seconds - p->h_anchor) * r - since;
		e->eta_seconds = eta > 0 ? eta : -1;
		return;
	}
	size_t s = p->counts.steps < h->steps ? p->counts.steps : h->steps;
	double t_s = p->t_step;
	double th = kbuild_hist_time_at(h, s);
	double th_next = s < h->steps ? kbuild_hist_time_at(h, s + 1) : h->seconds;
	double r = (t_s + damp) / (th + damp);
	double since = now - t_s;
	e->expected_steps = h->steps;
	e->fraction = dmin(0.99, (th + dmin(since / r, th_next - th)) / h->seconds);
	double eta = (h->seconds - th) * r - since;
	/* Overdue: unknown rather than a made-up number. */
	e->eta_seconds = eta > 0 ? eta : -1;
}

/* `done` of `total` units, the last one at t_done: the rest at the average
 * pace so far. */
static void estimate_pace(size_t done, size_t total, double t_done, double now,
			  struct kbuild_estimate *e)
{
	e->fraction = dmin(0.99, (double)done / (double)total);
	if (!done || done >= total)
		return;
	double eta = (double)(total - done) * (t_done / (double)done) - (now - t_done);
	e->eta_seconds = eta > 0 ? eta : -1;
}

static const struct kbuild_silence *silence_near(const struct kbuild_history *h, size_t step, const char *label)
{
	const struct kbuild_silence *best = NULL;
	size_t best_d = 0;
	/* The step before a silence names it ("LD vmlinux.o"): a later build links
	 * the same way however many steps came first (a prepared tree skips the
	 * first build's separate make prepare). */
	for (size_t i = 0; label && *label && i < h->n_silences; i++) {
		size_t st = h->silences[i].step;
		size_t d = st > step ? st - step : step - st;
		if (h->silences[i].label && strcmp(h->silences[i].label, label) == 0 && (!best || d < best_d)) {
			best = &h->silences[i];
			best_d = d;
		}
	}
	if (best)
		return best;
	/* Else by position: the same tree and config print the same steps, give
	 * or take a few lines of make chatter. */
	size_t tol = h->steps / 100 > 2 ? h->steps / 100 : 2;
	for (size_t i = 0; i < h->n_silences; i++) {
		size_t st = h->silences[i].step;
		size_t d = st > step ? st - step : step - st;
		if (d <= tol && (!best || d < best_d)) {
			best = &h->silences[i];
			best_d = d;
		}
	}
	return best;
}

struct kbuild_estimate kbuild_estimate(const struct kbuild_progress *p, double now)
{
	struct kbuild_estimate e = {
		.basis = KBUILD_EST_NONE, .fraction = -1, .eta_seconds = -1,
		.silent_last_time = -1, .silent_label = "",
	};
	if (now < p->t_last)
		now = p->t_last;
	e.elapsed = now;
	e.steps = p->counts.steps;
	e.rate = window_rate(p, now);
	if (!p->finished && now - p->t_last >= KBUILD_SILENT_MIN) {
		e.in_silent_phase = true;
		e.silent_elapsed = now - p->t_last;
		/* The label is a cache made on first use; p is never a const object. */
		e.silent_label = kbuild_step_label((struct kbuild_progress *)p);
		const struct kbuild_silence *si = p->has_history ?
			silence_near(&p->hist, p->counts.steps, e.silent_label) : NULL;
		if (si)
			e.silent_last_time = si->seconds;
	}
	if (p->has_history && !p->distrusted) {
		e.basis = KBUILD_EST_HISTORY;
		estimate_history(p, now, &e);
	} else if (p->has_history) {
		e.basis = KBUILD_EST_PACE;
		e.expected_steps = p->hist.steps;
		estimate_pace(p->counts.steps, p->hist.steps,
			      p->t_step, now, &e);
	} else if (p->expected_compiles) {
		/* Compiles, not steps: the hundreds of "AR built-in.a" lines come
		 * in quick bursts and made a step-paced ETA 70% off at half-time. */
		e.basis = KBUILD_EST_DRYRUN;
		e.expected_steps = p->expected;
		estimate_pace(p->compiles, p->expected_compiles, p->t_compile, now, &e);
	} else if (p->expected) {
		e.basis = KBUILD_EST_DRYRUN;
		e.expected_steps = p->expected;
		estimate_pace(p->counts.steps, p->expected,
			      p->t_step, now, &e);
	}
	if (p->finished) {
		e.fraction = 1;
		e.eta_seconds = 0;
	}
	return e;
}

/* Every recipe line of `make -n` that kbuild would announce holds
 * "echo '  TAG     target'" (quiet_cmd_*); filechk's "UPD" sits after
 * "then" and prints only when the file's content changes. Module link
 * steps are not listed, but each module's `.mod` recipe is (quietly). */
void kbuild_dryrun_feed(struct kbuild_dryrun *d, const char *line)
{
	d->lines++;
	for (const char *q = strstr(line, "echo '  "); q; q = strstr(q + 1, "echo '  ")) {
		const char *t = q + 8;
		size_t n = 0;
		while (isupper((unsigned char)t[n]) || isdigit((unsigned char)t[n]) || t[n] == '_')
			n++;
		if (n < 2 || t[n] != ' ')
			continue;
		const char *b = q;
		while (b > line && isspace((unsigned char)b[-1]))
			b--;
		if (b - line >= 4 && strncmp(b - 4, "then", 4) == 0 &&
		    (b - line == 4 || !isalnum((unsigned char)b[-5])))
			d->conditional++;
		else
			d->listed++;
		if (n == 2 && (strncmp(t, "CC", 2) == 0 || strncmp(t, "AS", 2) == 0))
			d->compiles++;
	}
	for (const char *q = strstr(line, ".mod; trap - HUP;"); q; q = strstr(q + 1, ".mod; trap - HUP;"))
		d->modules++;
}

void kbuild_dryrun_count(struct kbuild_dryrun *d, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		char *s = xmalloc(n + 1);
		memcpy(s, text, n);
		s[n] = '\0';
		kbuild_dryrun_feed(d, s);
		free(s);
		text += n;
		if (*text == '\n')
			text++;
	}
}

/* What the dry run cannot list, measured (tests/fixtures/kbuild/README.md):
 * it stops at vmlinux.a, so the vmlinux link, modpost and the bzImage stage
 * come on top: 64 steps (39 of them compiles) with kallsyms, as on every
 * distro config; 52 (36) without. It also re-lists a few prepare steps that
 * the real build skips; the constants absorb them. Each module adds
 * "CC [M] x.mod.o" and "LD [M] x.ko", and there is one .module-common.o
 * (BTF for modules would add "BTF [M]" per module: not measured here). */
#define DRYRUN_TAIL 64
#define DRYRUN_TAIL_COMPILES 39
#define DRYRUN_PER_MODULE 2

size_t kbuild_dryrun_expected(const struct kbuild_dryrun *d)
{
	if (!d->listed)
		return 0;
	return d->listed + DRYRUN_TAIL + d->modules * DRYRUN_PER_MODULE + (d->modules ? 1 : 0);
}

size_t kbuild_dryrun_expected_compiles(const struct kbuild_dryrun *d)
{
	if (!d->compiles)
		return 0;
	return d->compiles + DRYRUN_TAIL_COMPILES + d->modules + (d->modules ? 1 : 0);
}
