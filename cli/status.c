/* kfdo status: where the saved session stands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "engine/plan.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "engine/recover.h"
#include "engine/status.h"
#include "engine/steps.h"
#include "engine/sysfiles.h"
#include "base/strv.h"
#include "base/util.h"
#include "cli/cli.h"

static void when(char *buf, size_t n, time_t t)
{
	struct tm tm;
	if (!t || !localtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, n, "-");
}

/* The profile steps' side: the workload, the recording, the vmlinux, the profile. */
static void print_profile(const struct session *s)
{
	const struct workload *w = &s->workload;
	if (w->kind != WORKLOAD_NONE)
		printf(_("Workload   %s%s%s\n"), workload_kind_name(w->kind), w->command ? ": " : "",
		       w->command ? w->command : "");
	struct stat st;
	const char *pd = s->artifacts.perf_data;
	if (pd) {
		char size[32];
		snprintf(size, sizeof(size), "%s", _("missing"));
		if (stat(pd, &st) == 0)
			record_fmt_size(size, sizeof(size), (uint64_t)st.st_size);
		printf(_("Recording  %s (%s)\n"), pd, size);
	}
	if (s->artifacts.vmlinux)
		printf(_("vmlinux    %s\n"), s->artifacts.vmlinux);
	if (s->artifacts.profile) {
		char *sum = profile_summary(s->artifacts.profile);
		/* "profile PATH (...)" in the reader's words: the path first, then where it
		 * came from (the label says "profile" already, so its first word goes). */
		const char *rest = strchr(sum, ' ');
		printf(_("Profile    %s\n"), rest ? rest + 1 : sum);
		free(sum);
	}
}

/* The JSON form (engine/status.c): the whole object on stdout in every case, so
 * that a script reads one shape, with "session": null and why when there is none. */
static void print_json(const struct session *s, const char *file, const char *error)
{
	json_object *o = status_to_json(s, file, error);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* The session for a reader: one labelled line per fact, then the steps. */
static void print_text(const struct session *s, const char *dir)
{
	const struct toggles *t = &s->toggles;
	char jobs[16];
	snprintf(jobs, sizeof(jobs), t->jobs > 0 ? "%d" : "auto", t->jobs);
	printf(_("Session    %s/session.json\n"), dir);
	if (s->pkgbuild) {
		printf(_("PKGBUILD   %s/PKGBUILD, built with makepkg\n"), s->pkgbuild);
		for (size_t i = 0; s->knobs && s->knobs[i]; i++)
			printf(_("Knob       %s\n"), s->knobs[i]);
	}
	printf(_("Tree       %s\n"), s->tree ? s->tree : "-");
	if (s->output_dir)
		printf(_("Output     %s (make O=)\n"), s->output_dir);
	printf(_("Config     %s%s%s, target %s\n"), config_source_name(s->config_source), s->config_file ? " " : "",
	       s->config_file ? s->config_file : "", s->target ? s->target : "-");
	printf(_("Toggles    AutoFDO %s, ThinLTO %s, full LTO %s, Propeller %s, LLVM=%s, -j%s\n"),
	       t->autofdo ? _("on") : _("off"), t->thin_lto ? _("on") : _("off"), t->full_lto ? _("on") : _("off"),
	       t->propeller ? _("on") : _("off"), t->llvm ? t->llvm : "1", jobs);
	const struct step_def *next = step_next_pending(s);
	printf("\n");
	struct orphan o;
	if (recover_find(s, &o)) {
		/* Only said here: kfdo run (holding the session lock) stops it and settles the step. */
		if (o.owner_alive)
			printf(_("kfdo (pid %d) is running the %s step.\n"), o.kfdo_pid, step_name(o.step));
		else if (o.kfdo_pid > 0)
			printf(_("The last run was killed during the %s step (pid %d); %s\n"), step_name(o.step), o.kfdo_pid,
			       o.left > 0 ? _("its job is still running: kfdo run stops it and runs the step again.")
					  : _("kfdo run runs the step again."));
		else
			printf(_("The last run ended during the %s step without recording its outcome; "
				 "kfdo run runs the step again.\n"), step_name(o.step));
		printf("\n");
	}
	size_t n;
	const struct step_def *const *steps = steps_table(&n);
	for (size_t i = 0; i < n; i++) {
		const struct step_state *ss = &s->steps[i];
		char at[32];
		when(at, sizeof(at), ss->finished ? ss->finished : ss->started);
		printf("%s %2zu. %-11s %-8s %-16s %s\n", next == steps[i] ? ">" : " ", i + 1, step_name(steps[i]->id),
		       step_status_name(ss->status), at, ss->message ? ss->message : "");
		if (s->artifacts.logs[i])
			printf("%20s %s %s\n", "", _("log:"), s->artifacts.logs[i]);
	}
	if (next)
		printf(_("\nNext: %s (kfdo run --from %s)\n"), _(next->title), step_name(next->id));
	else
		printf(_("\nEvery step is done.\n"));
	for (size_t i = 0; i < s->n_history; i++) {
		const struct build_history *h = &s->history[i];
		for (size_t k = 0; k < h->n_runs; k++) {
			char at[32];
			when(at, sizeof(at), h->runs[k].when);
			printf(_("Build      %s  %.0f s, %ld lines  (config %s)\n"), at, h->runs[k].duration_s,
			       h->runs[k].lines, h->config_hash);
		}
	}
	for (size_t i = 0; s->artifacts.packages && s->artifacts.packages[i]; i++)
		printf(_("Package    %s\n"), s->artifacts.packages[i]);
	if (s->install_root)
		printf(_("Install    into %s (root mode, libalpm)\n"), s->install_root);
	if (s->artifacts.vmlinux)
		printf(_("Installed  kernel %s, vmlinux %s, build-id %s\n"), s->artifacts.kernel_release,
		       s->artifacts.vmlinux, s->artifacts.build_id ? s->artifacts.build_id : "-");
	print_profile(s);
	if (s->unattended.armed_boot)
		printf(_("Unattended armed: after the reboot into %s kfdo continues by itself (%s)\n"),
		       s->artifacts.kernel_release ? s->artifacts.kernel_release : "?",
		       s->unattended.entry_title ? s->unattended.entry_title : _("you choose the boot entry"));
}

/* What kfdo put on the system and the last unattended run: shown with or
 * without a session, since both outlive a session file deleted by hand. */
static void print_system(void)
{
	char **lines = sysfiles_status_lines();
	if (lines) {
		printf(_("\nInstalled on the system by kfdo (kfdo reset removes it):\n"));
		for (size_t i = 0; lines[i]; i++)
			printf("  %s\n", lines[i]);
	}
	strv_free(lines);
	cli_away_show(stdout, false);
}

int cli_status(const struct cli_args *a)
{
	bool json = cli_args_flag(a, OPT_JSON);
	const char *sysroot = cli_args_value(a, OPT_SYSROOT);
	char *root = NULL;
	if (sysroot && !(root = realpath(sysroot, NULL)))
		return cli_usage_error("status", _("cannot read the sysroot %s: %s"), sysroot, strerror(errno));
	struct session *s = NULL;
	char *cause = NULL;
	char *dir = paths_state_dir();
	char *file = xasprintf("%s/" STATE_FILE, dir);
	int ret = 0;
	switch (state_load(&s, &cause)) {
	case STATE_ERROR:
		if (json)
			print_json(NULL, file, cause);
		else
			fprintf(stderr, _("kfdo: cannot read the saved session: %s\n"), cause);
		ret = EXIT_NO;
		goto out;
	case STATE_SET_ASIDE:
		if (json)
			print_json(NULL, file, cause);
		else
			printf(_("The saved session could not be read and was set aside: %s\n"), cause);
		ret = EXIT_NO;
		goto out;
	case STATE_NONE:
		if (json)
			print_json(NULL, file, NULL);
		else
			printf(_("No saved session in %s: start one with `kfdo` or `kfdo run --tree DIR`.\n"), dir);
		if (!json)
			print_system();
		goto out;
	case STATE_LOADED:
		break;
	}
	if (root) {
		free(s->sysroot);
		s->sysroot = root;
		root = NULL;
	}
	if (json) {
		print_json(s, file, NULL);
		goto out;
	}
	print_text(s, dir);
	print_system();
out:
	session_free(s);
	free(cause);
	free(root);
	free(file);
	free(dir);
	return ret;
}
