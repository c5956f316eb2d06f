/* kfdo detect [--json] [--sysroot DIR] [--cpuid-dump FILE] [--pmu NAME] */
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/i18n.h"
#include "detect/report.h"
#include "cli/cli.h"

static void print_json(const struct detect_report *r)
{
	json_object *j = detect_to_json(r);
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

void cli_hw_opts_take(struct detect_opts *o, const struct cli_args *a)
{
	for (size_t i = 0; i < a->n_opt; i++) {
		const char *v = a->opt[i].value;
		switch (a->opt[i].id) {
		case OPT_HW_SYSROOT: o->sysroot = v; break;
		case OPT_CPUID_DUMP: o->cpuid_dump = v; break;
		case OPT_PMU: o->pmu = v; break;
		}
	}
}

int cli_hw_check(const char *command, const struct detect_opts *o)
{
	struct stat st;
	/* A file would fail access(X_OK) with "Permission denied", which says the wrong thing. */
	if (stat(o->sysroot, &st) == 0 && !S_ISDIR(st.st_mode))
		return cli_usage_error(command, _("the sysroot %s is not a directory"), o->sysroot);
	if (access(o->sysroot, R_OK | X_OK) < 0)
		return cli_usage_error(command, _("cannot read the sysroot %s: %s"), o->sysroot, strerror(errno));
	char *cause = NULL;
	if (o->pmu && !event_pmu_known(o->pmu, &cause)) {
		int r = cli_usage_error(command, "%s", cause);
		free(cause);
		return r;
	}
	return 0;
}

int cli_detect(const struct cli_args *a)
{
	struct detect_opts o = { .sysroot = "/" };
	cli_hw_opts_take(&o, a);
	bool json = cli_args_flag(a, OPT_JSON);
	int bad = cli_hw_check("detect", &o);
	if (bad)
		return bad;
	char *cause = NULL;

	struct detect_report r;
	int ret = detect_run(&r, &o, &cause);
	if (ret < 0) {
		/* Unreadable input: say so plainly, and still show the rest of the report as JSON when asked. */
		fprintf(stderr, "kfdo: %s\n", cause);
		free(cause);
		if (json)
			print_json(&r);
		detect_report_free(&r);
		return EXIT_USAGE;
	}
	if (json)
		print_json(&r);
	else
		detect_print(stdout, &r, cli_color);
	/* Unknown: the input (a CPUID dump) is too incomplete to answer, as an unreadable one is. */
	int code = r.verdict == VERDICT_READY ? 0 : r.verdict == VERDICT_UNKNOWN ? EXIT_USAGE : EXIT_NO;
	detect_report_free(&r);
	return code;
}
