/* kfdo plan: every command the wizard would run, in order, for the saved
 * session or the given options: the how-to this project automates, written
 * out for this machine (its LLVM, its CPU's perf event). Changes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "engine/makepkg.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "engine/steps.h"
#include "base/util.h"
#include "detect/report.h"
#include "cli/cli.h"

/* What later steps will know, as the paths they will most likely have. */
static void fill_placeholders(struct session *s)
{
	char *data = paths_data_dir();
	char *obj = s->pkgbuild ? makepkg_pkgdest(false) : session_objtree(s);
	if (!s->artifacts.packages && obj)
		strv_pushf(&s->artifacts.packages, "%s/*.pkg.tar.zst", obj);
	if (!s->artifacts.vmlinux)
		s->artifacts.vmlinux = xasprintf("/usr/src/debug/%s/vmlinux", s->pkgbuild ? "linux-cachyos" : "linux-upstream");

	if (!s->artifacts.profile)
		s->artifacts.profile = xasprintf("%s/profiles/kernel.afdo", data);
	if (s->workload.kind == WORKLOAD_NONE) {
		s->workload.kind = WORKLOAD_TIMED;
		s->workload.minutes = 10;
	}
	if (!s->artifacts.perf_data)
		s->artifacts.perf_data = record_output_path(s);
	if (!s->perf_event) {
		/* The event this machine's CPU needs, as kfdo detect finds it. */
		struct detect_opts o = { .sysroot = "/" };
		struct detect_report r;
		if (detect_run(&r, &o, NULL) == 0 && r.event_ok)
			for (size_t i = 0; i < r.event.nargs; i++)
				strv_push(&s->perf_event, r.event.perf_args[i]);
		detect_report_free(&r);
	}
	free(obj);
	free(data);
}

int cli_plan(const struct cli_args *a)
{
	struct cli_session_opts so;
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, a);
	int ret = 0;
	struct session *s = cli_session_open(&so, "plan", NULL);
	if (!s) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (!s->tree && !s->pkgbuild) {
		ret = cli_usage_error("plan", _("no kernel tree: give --tree DIR or --pkgbuild DIR (or choose one in the "
						"wizard)"));
		session_free(s);
		goto out;
	}
	fill_placeholders(s);
	size_t n;
	const struct step_def *const *steps = steps_table(&n);
	if (s->pkgbuild)
		printf(_("# kfdo plan for %s/PKGBUILD (makepkg%s%s%s)\n"), s->pkgbuild, s->toggles.autofdo ? ", AutoFDO" : "",
		       s->toggles.thin_lto ? ", ThinLTO" : "", s->toggles.full_lto ? ", full LTO" : "");
	else
		printf(_("# kfdo plan for %s (LLVM=%s%s%s%s)\n"), s->tree, s->toggles.llvm ? s->toggles.llvm : "1",
		       s->toggles.autofdo ? ", AutoFDO" : "", s->toggles.thin_lto ? ", ThinLTO" : "",
		       s->toggles.full_lto ? ", full LTO" : "");
	for (size_t i = 0; i < n; i++) {
		const struct step_def *st = steps[i];
		printf("\n# %zu. %s\n", i + 1, _(st->title));
		if (!st->plan) {
			printf(_("#    (kfdo checks this itself: nothing to run)\n"));
			continue;
		}
		struct plan p = { 0 };
		char *cause = NULL;
		if (st->plan(s, &p, &cause) < 0) {
			printf("#    %s\n", cause ? cause : "?");
		} else {
			for (size_t k = 0; k < p.n; k++) {
				const struct plan_cmd *c = &p.cmds[k];
				char *line = plan_format_command(c);
				/* makepkg builds the PKGBUILD of the folder it runs in and
				 * takes no -C as make does: the line says where. */
				if (c->cwd && c->argv && strcmp(c->argv[0], "makepkg") == 0) {
					struct strbuf sb = { 0 };
					sb_add(&sb, "cd ");
					sb_add_quoted(&sb, c->cwd);
					printf("%s && ", sb.s);
					sb_free(&sb);
				}
				printf("%s\n", line);
				free(line);
			}
		}
		free(cause);
		plan_free(&p);
	}
	session_free(s);
out:
	cli_session_opts_free(&so);
	return ret;
}
