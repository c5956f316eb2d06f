/* Step 9, the recording: the chosen workload under perf record with the
 * hardware check's event (-a -N -b -c 500009), its live figures and the disk
 * floor (engine/record.c), after the two sysctls a user's recording of the
 * kernel needs are checked and their fix offered. */
#include "engine/step_record.h"

#include <stdlib.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "engine/machine.h"
#include "engine/probe.h"
#include "engine/record.h"

/* The recording's directory, and the PMU event when the session has none
 * (a run that started at this step): the hardware check picks it. */
static int prepare_record(struct session *s, char **cause)
{
	if (!s->perf_event) {
		const struct detect_report *r = machine_hardware(s, false);
		for (size_t i = 0; r->event_ok && i < r->event.nargs; i++)
			strv_push(&s->perf_event, r->event.perf_args[i]);
	}
	return record_prepare_dir(s, cause);
}

static bool pre_profile(const struct session *s, char **why)
{
	if (!s->perf_event)
		return why_set(why, false, _("no PMU event chosen yet (the hardware step picks it)"));
	char *perf = path_find_exe("perf");
	bool have_perf = perf != NULL;
	free(perf);
	if (!have_perf)
		return why_set(why, false, _("perf is not installed (not on PATH): install it (Arch: perf)"));
	if (!probe_running_built(s, why))
		return false;
	struct record_sysctls rs;
	if (record_sysctls_check(&rs, session_sysroot(s)) > 0) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; rs.problems[i]; i++)
			sb_addf(&sb, "%s%s", i ? "; " : "", rs.problems[i]);
		sb_add(&sb, _(" (fix: sudo sysctl -w"));
		for (size_t i = 0; rs.settings[i]; i++)
			sb_addf(&sb, " %s", rs.settings[i]);
		sb_add(&sb, ")");
		why_set(why, false, "%s", sb.s);
		sb_free(&sb);
		record_sysctls_free(&rs);
		return false;
	}
	record_sysctls_free(&rs);
	char *cause = NULL;
	if (record_ready(s, &cause) < 0) {
		why_set(why, false, "%s", cause);
		free(cause);
		return false;
	}
	char *out = record_output_path(s);
	uint64_t free_bytes, floor = record_disk_floor(s);
	bool ok = true;
	if (record_disk_free(out, &free_bytes) == 0 && free_bytes < floor) {
		char f[32], fl[32];
		record_fmt_size(f, sizeof(f), free_bytes);
		record_fmt_size(fl, sizeof(fl), floor);
		ok = why_set(why, false, _("only %s free where %s would go, below the floor of %s: free some "
					   "space, or set a lower floor (--disk-floor MB)"), f, out, fl);
	}
	if (ok)
		why_set(why, true, _("ready to record into %s"), out);
	free(out);
	return ok;
}

/* perf_event_paranoid and kptr_restrict, with sysctl -w (through sudo) as the fix. */
static int fixes_record(const struct session *s, char ***problems, struct plan *p)
{
	struct record_sysctls rs;
	int n = record_sysctls_check(&rs, session_sysroot(s));
	if (n > 0) {
		for (size_t i = 0; rs.problems[i]; i++)
			strv_push(problems, rs.problems[i]);
		record_sysctls_plan(&rs, p);
	}
	record_sysctls_free(&rs);
	return n > 0 ? n : 0;
}

static bool post_profile(const struct session *s, char **why)
{
	if (!step_recorded_done(s, STEP_PROFILE, why))
		return false;
	return probe_recording_usable(s->artifacts.perf_data, why);
}

const struct step_def step_record = {
	.id = STEP_PROFILE,
	.title = N_("Record a profile"),
	.label = N_("Record profile"),
	.help = N_("Runs your workload under perf record, sampling the kernel's taken branches."),
	.prepare = prepare_record,
	.precondition = pre_profile,
	.plan = record_plan,
	.fixes = fixes_record,
	.fix_intro = N_("The fix (until the next boot; to keep it, put the settings in /etc/sysctl.d/99-kfdo.conf):"),
	.fix_done = N_("perf_event_paranoid and kptr_restrict allow recording the kernel"),
	.fix_needed = N_("recording the kernel needs these settings."),
	.postcondition = post_profile,
};
