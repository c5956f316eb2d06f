/* Step 6, the baseline: the benchmark set on the kernel the machine runs
 * before kfdo's, while it still runs it (engine/bench.h). It comes after the
 * build rather than first: the build has nothing to wait for, the old kernel
 * runs until the install, and measured right before the reboot the baseline
 * is as close in time to the after run as the flow allows (less drift of the
 * machine between the two). --no-compare skips it. */
#include "engine/step_baseline.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "base/util.h"
#include "engine/bench.h"
#include "engine/probe.h"

static int prepare_baseline(struct session *s, char **cause)
{
	(void)s;
	return bench_prepare(BENCH_BEFORE, cause);
}

/* The old kernel must still run: measured on kfdo's own it would be no baseline. */
static bool pre_baseline(const struct session *s, char **why)
{
	if (s->artifacts.build_id && probe_running_built(s, NULL))
		return why_set(why, false, _("the kernel kfdo built runs already: a baseline must be measured on "
					     "the kernel from before (reboot into it, or skip with --no-compare)"));
	return why_set(why, true, _("the kernel from before the flow runs"));
}

static int plan_baseline(const struct session *s, struct plan *p, char **cause)
{
	return s->measure.off ? 0 : bench_plan(s, BENCH_BEFORE, p, cause);
}

static int complete_baseline(struct session *s, struct step_report *rep)
{
	if (s->measure.off) {
		sb_add(&rep->msg, _("skipped (--no-compare)"));
		return 0;
	}
	return bench_collect(s, BENCH_BEFORE, rep) < 0 ? -1 : 0;
}

static bool post_baseline(const struct session *s, char **why)
{
	if (s->measure.off)
		return why_set(why, true, _("skipped: no comparison (--no-compare)"));
	if (!bench_run(s, BENCH_BEFORE))
		return why_set(why, false, _("the kernel before the flow is not measured yet"));
	return why_set(why, true, _("measured on the kernel before the flow"));
}

static void abandon_baseline(const struct session *s)
{
	(void)s;
	bench_cleanup(BENCH_BEFORE);
}

const struct step_def step_baseline = {
	.id = STEP_BASELINE,
	.title = N_("Measure the kernel running now"),
	.label = N_("Baseline"),
	.help = N_("Runs a set of kernel-heavy benchmarks several times on the kernel that runs now, so that the "
		   "optimized kernel can be compared with it at the end. Skippable with --no-compare."),
	.prepare = prepare_baseline,
	.precondition = pre_baseline,
	.plan = plan_baseline,
	.complete = complete_baseline,
	.postcondition = post_baseline,
	.abandon = abandon_baseline,
};
