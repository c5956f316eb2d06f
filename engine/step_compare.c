/* Step 13, compare: after the reboot into the optimized kernel, the same
 * benchmarks the same way, then the comparison with the baseline (bench.h,
 * stats.h). Until that kernel runs the step waits, as the reboot step does. */
#include "engine/step_compare.h"

#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/bench.h"
#include "engine/probe.h"

static int prepare_compare(struct session *s, char **cause)
{
	(void)s;
	return bench_prepare(BENCH_AFTER, cause);
}

static bool pre_compare(const struct session *s, char **why)
{
	if (!s->measure.off && !bench_run(s, BENCH_BEFORE))
		return why_set(why, false, _("no baseline to compare with: measure it first (kfdo run --from "
					     "baseline, on the kernel from before), or skip with --no-compare"));
	if (!step_recorded_done(s, STEP_FINISH, NULL))
		return why_set(why, false, _("the optimized kernel is not installed yet"));
	return why_set(why, true, _("the optimized kernel is installed"));
}

static bool wait_compare(const struct session *s, char **why)
{
	if (s->measure.off)
		return why_set(why, true, _("no comparison (--no-compare)"));
	return probe_running_built(s, why);
}

static char **by_hand_compare(const struct session *s)
{
	char **v = NULL;
	/* Once it runs, nothing is left to do by hand but start the step. */
	if (probe_running_built(s, NULL))
		strv_pushf(&v, _("The optimized kernel %s runs: kfdo run (or the wizard) measures it with the same "
				 "benchmarks as before the flow and compares."),
			   s->artifacts.kernel_release ? s->artifacts.kernel_release : "?");
	else
		strv_pushf(&v, _("Reboot into %s, the optimized kernel, then run kfdo again: it runs the same "
				 "benchmarks as before the flow and compares."),
			   s->artifacts.kernel_release ? s->artifacts.kernel_release : "?");
	return v;
}

static int plan_compare(const struct session *s, struct plan *p, char **cause)
{
	return s->measure.off ? 0 : bench_plan(s, BENCH_AFTER, p, cause);
}

static int complete_compare(struct session *s, struct step_report *rep)
{
	if (s->measure.off) {
		sb_add(&rep->msg, _("skipped (--no-compare)"));
		return 0;
	}
	if (bench_collect(s, BENCH_AFTER, rep) < 0)
		return -1;
	struct bench_cmp c;
	char *cause = NULL;
	if (bench_compare(s, &c, &cause) < 0) {
		sb_free(&rep->msg);
		sb_add(&rep->msg, cause);
		free(cause);
		return -1;
	}
	char *head = bench_headline(&c);
	sb_free(&rep->msg);
	sb_add(&rep->msg, head);
	free(head);
	for (size_t i = 0; i < c.n; i++) {
		char *v = bench_verdict_text(&c.rows[i]);
		step_note(rep, NOTE_DETAIL, "%-22s %s", c.rows[i].def ? _(c.rows[i].def->title) : c.rows[i].name, v);
		free(v);
	}
	for (size_t i = 0; c.trouble && c.trouble[i]; i++)
		step_note(rep, NOTE_WARN, "%s", c.trouble[i]);
	for (size_t i = 0; c.notes && c.notes[i]; i++)
		step_note(rep, NOTE_PARA, "%s", c.notes[i]);
	step_note(rep, NOTE_PARA, "%s", _("kfdo compare shows the table again; --json and --csv give every sample."));
	bench_cmp_free(&c);
	return 0;
}

static bool post_compare(const struct session *s, char **why)
{
	if (s->measure.off)
		return why_set(why, true, _("skipped: no comparison (--no-compare)"));
	json_object *after = bench_run(s, BENCH_AFTER);
	if (!after || !step_recorded_done(s, STEP_FINISH, NULL))
		return why_set(why, false, _("the optimized kernel is not measured yet"));
	/* Measured on the kernel the flow made, not on an older one. */
	json_object *bid;
	const char *measured = json_object_object_get_ex(after, "build_id", &bid) ? json_object_get_string(bid) : NULL;
	if (!measured || !s->artifacts.build_id || strcmp(measured, s->artifacts.build_id) != 0)
		return why_set(why, false, _("the optimized kernel is not measured yet"));
	return why_set(why, true, _("measured and compared with the baseline"));
}

static void abandon_compare(const struct session *s)
{
	(void)s;
	bench_cleanup(BENCH_AFTER);
}

const struct step_def step_compare = {
	.id = STEP_COMPARE,
	.title = N_("Compare with the kernel from before"),
	.label = N_("Compare"),
	.help = N_("After the reboot into the optimized kernel: the same benchmarks as the baseline, the same way, "
		   "and per benchmark the change with its 95% interval. Skippable with --no-compare."),
	.prepare = prepare_compare,
	.precondition = pre_compare,
	.wait_for = wait_compare,
	.by_hand = by_hand_compare,
	.plan = plan_compare,
	.complete = complete_compare,
	.postcondition = post_compare,
	.abandon = abandon_compare,
};
