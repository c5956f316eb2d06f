/* A run's figures into the session, and the comparison of two runs (bench.h). */
#include "engine/bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/json_out.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/probe.h"

json_object *bench_run(const struct session *s, const char *phase)
{
	json_object *r;
	return s->bench && json_object_object_get_ex(s->bench, phase, &r) &&
			       json_object_is_type(r, json_type_object)
		       ? r
		       : NULL;
}

/* The lines kfdo __measure wrote: "context busy=B governor=G mhz=M cpus=N
 * dirty=KB flush=S pending=KB model=CPU" once (before 0.1.0's flush, without
 * dirty, flush and pending), then "run NAME ROUND WALL SYS USER EXIT GOVERNOR"
 * per run. */
int bench_collect(struct session *s, const char *phase, struct step_report *rep)
{
	char *path = bench_lines_path(phase);
	char *text = file_read(path, 16 << 20, NULL);
	if (!text) {
		sb_addf(&rep->msg, _("the benchmarks' figures are missing (%s)"), path);
		free(path);
		return -1;
	}
	json_object *run = json_object_new_object(), *benches = json_object_new_object();
	char *model = NULL;
	double busy = -1, mhz = 0, total = 0, flush = -1;
	long long dirty = -1, pending = -1;
	int cpus = 0, failed = 0;
	char gov[64] = "", first_gov[64] = "";
	bool gov_changed = false;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[64];
		int round, code;
		double wall, sys, user;
		if (sscanf(l, "context busy=%lf governor=%63s mhz=%lf cpus=%d", &busy, first_gov, &mhz, &cpus) == 4) {
			char *m = strstr(l, " model=");
			if (m && m[7]) {
				free(model);
				model = xstrdup(m + 7);
				*m = '\0'; /* the CPU's name could hold anything */
			}
			const char *f = strstr(l, " dirty=");
			if (f && sscanf(f, " dirty=%lld flush=%lf pending=%lld", &dirty, &flush, &pending) != 3)
				dirty = pending = -1, flush = -1;
			continue;
		}
		if (sscanf(l, "run %63s %d %lf %lf %lf %d %63s", name, &round, &wall, &sys, &user, &code, gov) != 7)
			continue;
		total += wall;
		gov_changed |= *first_gov && strcmp(gov, first_gov) != 0;
		if (code != 0) {
			step_note(rep, NOTE_FAIL, _("%s failed in round %d (exit status %d): see the log"), name,
				  round, code);
			failed++;
			continue;
		}
		if (round == 0)
			continue; /* the warm-up round */
		const struct bench_def *d = bench_find(name);
		json_object *b;
		if (!json_object_object_get_ex(benches, name, &b)) {
			b = json_object_new_object();
			json_put_str(b, "metric", bench_metric_key(d ? d->metric : BENCH_WALL));
			json_object_object_add(b, "samples", json_object_new_array());
			json_object_object_add(benches, name, b);
		}
		json_object *samples;
		json_object_object_get_ex(b, "samples", &samples);
		double v = d && d->metric == BENCH_SYS ? sys : wall;
		json_object_array_add(samples, json_object_new_double(v));
	}
	free(text);
	free(path);
	if (failed || json_object_object_length(benches) == 0) {
		free(model);
		json_object_put(run);
		json_object_put(benches);
		sb_add(&rep->msg, failed ? _("a benchmark failed: nothing recorded") : _("no benchmark ran"));
		return -1;
	}
	char *release = NULL, *build_id = NULL;
	probe_running_kernel(s, &release, &build_id, NULL);
	json_put_int(run, "when", (int64_t)time(NULL));
	json_put_str(run, "release", release);
	json_put_str(run, "build_id", build_id);
	json_put_str(run, "cpu", model ? model : "unknown");
	json_put_int(run, "cpus", cpus);
	json_put_str(run, "governor", first_gov);
	json_put_bool(run, "governor_changed", gov_changed);
	json_object_object_add(run, "mhz", json_object_new_double(mhz));
	json_object_object_add(run, "busy", json_object_new_double(busy));
	if (flush >= 0 && dirty >= 0 && pending >= 0) {
		json_object_object_add(run, "flushed_mb", json_object_new_double(dirty / 1024.0));
		json_object_object_add(run, "flush_s", json_object_new_double(flush));
		json_object_object_add(run, "pending_mb", json_object_new_double(pending / 1024.0));
	}
	json_object_object_add(run, "seconds", json_object_new_double(total));
	json_put_int(run, "rounds", bench_rounds(s));
	json_object_object_add(run, "benchmarks", benches);
	if (!s->bench)
		s->bench = json_object_new_object();
	json_object_object_add(s->bench, phase, run);
	/* A new baseline makes the old comparison meaningless. */
	if (strcmp(phase, BENCH_BEFORE) == 0)
		json_object_object_del(s->bench, BENCH_AFTER);
	char t[32];
	fmt_duration(t, sizeof t, total);
	struct strbuf names = { 0 };
	size_t ndefs;
	const struct bench_def *defs = bench_defs(&ndefs);
	for (size_t i = 0; i < ndefs; i++)
		if (strcmp(defs[i].name, BENCH_CONTROL) != 0 && json_object_object_get_ex(benches, defs[i].name, NULL))
			sb_addf(&names, "%s%s", names.len ? ", " : "", defs[i].name);
	sb_addf(&rep->msg, _("%s and the control loop: %d rounds in %s on %s"), names.s ? names.s : "",
		bench_rounds(s), t, release ? release : "?");
	sb_free(&names);
	if (busy > BENCH_BUSY_MAX)
		step_note(rep, NOTE_WARN, _("the machine was busy before the run (%.0f%% of the CPUs): its "
					    "figures will not be judged"), busy * 100);
	if (gov_changed)
		step_note(rep, NOTE_WARN, _("the CPU governor changed during the run"));
	if (pending / 1024.0 > BENCH_PENDING_MAX_MB)
		step_note(rep, NOTE_WARN, _("something kept writing to the disks before the run (%.0f MB in one "
					    "second, after kfdo had them write everything): its figures will not "
					    "be judged"), pending / 1024.0);
	else if (dirty >= 1024)
		step_note(rep, NOTE_DETAIL, _("first the disks wrote the %.0f MB left to write (%.1f s), so that no "
					      "run is slowed by it"), dirty / 1024.0, flush);
	free(release);
	free(build_id);
	free(model);
	bench_cleanup(phase);
	return 0;
}

static const char *run_str(json_object *run, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(run, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : "";
}

static double run_num(json_object *run, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(run, key, &v) ? json_object_get_double(v) : 0;
}

static double *samples(json_object *run, const char *name, size_t *n)
{
	json_object *benches, *b, *arr;
	*n = 0;
	if (!json_object_object_get_ex(run, "benchmarks", &benches) ||
	    !json_object_object_get_ex(benches, name, &b) || !json_object_object_get_ex(b, "samples", &arr) ||
	    !json_object_is_type(arr, json_type_array))
		return NULL;
	size_t len = json_object_array_length(arr);
	double *v = xcalloc(len + 1, sizeof *v);
	for (size_t i = 0; i < len; i++)
		v[(*n)++] = json_object_get_double(json_object_array_get_idx(arr, i));
	return v;
}

static void add_row(struct bench_cmp *c, const char *name, double alpha)
{
	size_t nb, na;
	double *b = samples(c->before, name, &nb), *a = samples(c->after, name, &na);
	if (!b || !a) {
		free(b);
		free(a);
		return;
	}
	struct bench_row *r;
	if (strcmp(name, BENCH_CONTROL) == 0) {
		r = &c->control;
		c->have_control = true;
	} else {
		c->rows = xrealloc(c->rows, (c->n + 1) * sizeof *c->rows);
		r = &c->rows[c->n++];
	}
	memset(r, 0, sizeof *r);
	r->name = name;
	r->def = bench_find(name);
	r->before = b;
	r->after = a;
	r->n_before = nb;
	r->n_after = na;
	/* Every metric is a time: lower is better. */
	stats_compare(b, nb, a, na, true, alpha, &r->cmp);
}

int bench_compare(const struct session *s, struct bench_cmp *c, char **cause)
{
	memset(c, 0, sizeof *c);
	c->before = bench_run(s, BENCH_BEFORE);
	c->after = bench_run(s, BENCH_AFTER);
	if (!c->before || !c->after) {
		cause_set(cause, !c->before ? _("no baseline was measured (the baseline step runs it on the "
						"kernel before the flow)")
					    : _("the optimized kernel is not measured yet (the compare step runs "
						"after the reboot into it)"));
		return -1;
	}
	/* The rows' intervals hold all at once with 95% confidence, so that a
	 * "faster" anywhere in the table is wrong at most one time in twenty. The
	 * control is a gate, not a row: at 95% alone it says "the machine moved"
	 * more often, which only ever withholds a verdict. */
	size_t n, rows = 0;
	const struct bench_def *d = bench_defs(&n);
	for (size_t i = 0; i < n; i++) {
		json_object *b, *x;
		rows += strcmp(d[i].name, BENCH_CONTROL) != 0 &&
			json_object_object_get_ex(c->before, "benchmarks", &b) &&
			json_object_object_get_ex(b, d[i].name, &x) &&
			json_object_object_get_ex(c->after, "benchmarks", &b) && json_object_object_get_ex(b, d[i].name, &x);
	}
	c->alpha = stats_family_alpha(rows);
	for (size_t i = 0; i < n; i++)
		add_row(c, d[i].name, strcmp(d[i].name, BENCH_CONTROL) == 0 ? 0.05 : c->alpha);
	const char *phases[] = { BENCH_BEFORE, BENCH_AFTER };
	json_object *runs[] = { c->before, c->after };
	for (int i = 0; i < 2; i++) {
		double busy = run_num(runs[i], "busy");
		if (busy > BENCH_BUSY_MAX)
			strv_pushf(&c->trouble, _("the machine was busy before the %s run (%.0f%% of the CPUs)"),
				   phases[i], busy * 100);
		double pending = run_num(runs[i], "pending_mb");
		if (pending > BENCH_PENDING_MAX_MB)
			strv_pushf(&c->trouble, _("something kept writing to the disks before the %s run (%.0f MB in "
						  "one second)"), phases[i], pending);
		json_object *v;
		if (json_object_object_get_ex(runs[i], "governor_changed", &v) && json_object_get_boolean(v))
			strv_pushf(&c->trouble, _("the CPU governor changed during the %s run"), phases[i]);
	}
	if (strcmp(run_str(c->before, "governor"), run_str(c->after, "governor")) != 0)
		strv_pushf(&c->trouble, _("the CPU governor was %s for the baseline and %s after"),
			   run_str(c->before, "governor"), run_str(c->after, "governor"));
	/* The control loop moved: the machine's own speed changed between the runs
	 * (or within one), which the kernel cannot do to a loop in user space. */
	if (c->have_control) {
		const struct stats_cmp *k = &c->control.cmp;
		if (k->verdict == VERDICT_BETTER || k->verdict == VERDICT_WORSE)
			strv_pushf(&c->trouble, _("the machine itself ran %.1f%% %s in the after run: the control loop, "
						  "which no kernel change touches, moved (%+.1f to %+.1f%%)"),
				   fabs(k->gain) * 100, k->gain > 0 ? _("faster") : _("slower"), k->gain_lo * 100,
				   k->gain_hi * 100);
		else if (k->verdict == VERDICT_NOISY)
			strv_pushf(&c->trouble, _("the machine's own speed varied during the runs: the control loop "
						  "spread %.1f%% before and %.1f%% after"),
				   k->spread_before * 100, k->spread_after * 100);
	}
	if (strcmp(run_str(c->before, "cpu"), run_str(c->after, "cpu")) != 0)
		strv_pushf(&c->trouble, _("measured on different CPUs (%s, then %s)"), run_str(c->before, "cpu"),
			   run_str(c->after, "cpu"));
	for (size_t i = 0; c->trouble && i < c->n; i++)
		c->rows[i].cmp.verdict = VERDICT_NOISY;
	if (strcmp(run_str(c->before, "build_id"), run_str(c->after, "build_id")) == 0 &&
	    *run_str(c->before, "build_id"))
		strv_pushf(&c->notes, _("both runs measured the same kernel (%s): any difference is noise"),
			   run_str(c->before, "release"));
	if (c->n > 1)
		strv_pushf(&c->notes, _("the %zu intervals hold all at once with 95%% confidence (each at %.1f%%): a "
					"difference called anywhere in the table is wrong at most one time in twenty"),
			   c->n, 100 * (1 - c->alpha));
	return 0;
}

void bench_cmp_free(struct bench_cmp *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->rows[i].before);
		free(c->rows[i].after);
	}
	free(c->rows);
	free(c->control.before);
	free(c->control.after);
	strv_free(c->trouble);
	strv_free(c->notes);
	memset(c, 0, sizeof *c);
}

char *bench_verdict_text(const struct bench_row *r)
{
	const struct stats_cmp *m = &r->cmp;
	double g = m->gain * 100, lo = m->gain_lo * 100, hi = m->gain_hi * 100;
	switch (m->verdict) {
	case VERDICT_BETTER:
		return xasprintf(_("faster by %.1f%% (%.1f to %.1f%%)"), g, lo, hi);
	case VERDICT_WORSE:
		return xasprintf(_("slower by %.1f%% (%.1f to %.1f%%)"), -g, -hi, -lo);
	case VERDICT_SAME:
		return xasprintf(_("no difference this measurement can tell (%+.1f to %+.1f%%)"), lo, hi);
	case VERDICT_NOISY:
		/* Calm samples made noisy by what the table names above (a machine that
		 * changed): their numbers, said to be unjudged. */
		if (m->spread_before <= STATS_NOISY_SPREAD && m->spread_after <= STATS_NOISY_SPREAD && isfinite(g))
			return xasprintf(_("not judged: %+.1f%% (%+.1f to %+.1f%%)"), g, lo, hi);
		return xasprintf(_("too noisy to tell (spread %.1f%% before, %.1f%% after)"),
				 m->spread_before * 100, m->spread_after * 100);
	case VERDICT_TOO_FEW:
		break;
	}
	return xasprintf(_("too few samples (%zu and %zu; %d on each side needed)"), r->n_before, r->n_after,
			 STATS_MIN_SAMPLES);
}

char *bench_headline(const struct bench_cmp *c)
{
	if (c->trouble)
		return xasprintf(_("not judged: %s"), c->trouble[0]);
	size_t k[5] = { 0 };
	for (size_t i = 0; i < c->n; i++)
		k[c->rows[i].cmp.verdict]++;
	return xasprintf(_("faster in %zu of %zu benchmarks, slower in %zu, no difference in %zu, too noisy in %zu"),
			 k[VERDICT_BETTER], c->n, k[VERDICT_WORSE], k[VERDICT_SAME],
			 k[VERDICT_NOISY] + k[VERDICT_TOO_FEW]);
}
