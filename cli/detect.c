/* kfdo detect [--json] [--sysroot DIR] [--cpuid-dump FILE] [--pmu NAME] */
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/i18n.h"
#include "detect/report.h"
#include "cli/cli.h"

static void detect_usage(void)
{
	printf(_("Usage: kfdo detect [--json] [--sysroot DIR] [--cpuid-dump FILE] [--pmu NAME]\n"
		 "Can this machine record kernel branch profiles for AutoFDO, and if not, why and what to do.\n\n"
		 "  --json             one JSON object (fields documented in the README)\n"
		 "  --sysroot DIR      read /proc and /sys below DIR instead of / (for tests and bug reports)\n"
		 "  --cpuid-dump FILE  identify the CPU from a libcpuid raw dump (cpuid_tool --save=FILE)\n"
		 "  --pmu NAME         encode the event for this libpfm4 PMU (LIBPFM_FORCE_PMU), e.g. amd64_fam19h_zen4\n\n"
		 "Exit status: 0 ready, 1 fixable or unsupported, 2 bad usage or unreadable input.\n"));
}

static void print_json(const struct detect_report *r)
{
	json_object *j = detect_to_json(r);
	puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
}

bool cli_hw_option(struct detect_opts *o, int c, const char *arg)
{
	switch (c) {
	case 's': o->sysroot = arg; return true;
	case 'd': o->cpuid_dump = arg; return true;
	case 'p': o->pmu = arg; return true;
	}
	return false;
}

int cli_hw_check(const char *command, int argc, char **argv, const struct detect_opts *o)
{
	if (optind < argc)
		return cli_usage_error(command, _("unexpected argument '%s'"), argv[optind]);
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

int cli_detect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "cpuid-dump", required_argument, NULL, 'd' },
		{ "pmu", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct detect_opts o = { .sysroot = "/" };
	bool json = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'h': detect_usage(); return 0;
		default:
			if (!cli_hw_option(&o, c, optarg))
				return cli_bad_option("detect", c, argv);
		}
	}
	int bad = cli_hw_check("detect", argc, argv, &o);
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
