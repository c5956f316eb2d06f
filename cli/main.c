/* kfdo: optimize a Linux kernel with AutoFDO. Dispatches to a command; the
 * full-screen wizard answers when no command is given. */
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "cli/cli.h"

bool cli_color;
bool cli_no_color;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "detect", cli_detect, N_("can this machine record kernel branch profiles? (hardware check)") },
	{ "doctor", cli_doctor, N_("hardware, toolchain, disk/RAM/CPUs and kernel tree checks") },
	{ "plan", cli_plan, N_("every command the wizard would run, in order (dry run)") },
	{ "run", cli_run, N_("the flow without the TUI: configure, build, ... with live progress") },
	{ "status", cli_status, N_("where the saved session stands") },
	{ "profile", cli_profile, N_("profiles and recordings: stats FILE, perfdata FILE, list") },
	{ "packages", cli_packages, N_("what a kernel build's packages hold; root-mode install (libalpm)") },
	{ "tui", tui_main, N_("the full-screen wizard (what kfdo alone opens; needs a terminal)") },
};

static void usage(FILE *out)
{
	fprintf(out, _("Usage: kfdo [--no-color] [COMMAND [OPTIONS]]\n"
		       "Optimize a Linux kernel with AutoFDO: build, profile, rebuild.\n\n"
		       "Commands:\n"));
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
	fprintf(out, _("\nOptions:\n"
		       "  -h, --help      show this help (kfdo COMMAND --help for a command's)\n"
		       "  -V, --version   show the version\n"
		       "      --no-color  no colours (also when NO_COLOR is set)\n\n"
		       "Without a command kfdo opens the full-screen wizard (kfdo tui), which needs a terminal.\n"));
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	fputs("kfdo: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (command)
		fprintf(stderr, _(" (see kfdo %s --help)\n"), command);
	else
		fprintf(stderr, _(" (see kfdo --help)\n"));
	return EXIT_USAGE;
}

int cli_bad_option(const char *command, int c, char **argv)
{
	/* A long option is the word itself (optopt then holds its value, not a letter);
	 * a short one inside a cluster (-xh) is optopt. */
	const char *word = optind > 0 ? argv[optind - 1] : "";
	char shortopt[3] = { '-', (char)optopt, 0 };
	const char *name = !str_starts(word, "--") && optopt > 32 && optopt < 127 ? shortopt : word;
	if (c == ':')
		return cli_usage_error(command, _("option '%s' needs a value"), name);
	return cli_usage_error(command, _("unknown option '%s'"), name);
}

int main(int argc, char **argv)
{
	/* Messages and character width follow the user's locale; numbers stay in C. */
	setlocale(LC_CTYPE, "");
	setlocale(LC_MESSAGES, "");
	const char *localedir = getenv("KFDO_LOCALEDIR");
	bindtextdomain("kfdo", localedir ? localedir : LOCALEDIR);
	textdomain("kfdo");
	/* Started from a make (make run, a packaging script), kfdo would pass that make's
	 * jobserver to the kernel build, whose pipe it does not inherit: make then warns
	 * "jobserver unavailable" and builds with -j1, whatever -j kfdo gives. */
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");

	bool no_color = getenv("NO_COLOR") && *getenv("NO_COLOR");
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "no-color", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	opterr = 0;
	int c;
	/* "+": stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kfdo %s\n", KFDO_VERSION);
			return 0;
		case 'C':
			no_color = true;
			break;
		default:
			return cli_bad_option(NULL, c, argv);
		}
	}
	cli_no_color = no_color;
	cli_color = !no_color && isatty(STDOUT_FILENO);

	if (optind >= argc) {
		char *args[] = { "tui", NULL };
		optind = 0; /* getopt starts afresh on the new argv */
		return tui_main(1, args);
	}
	const char *name = argv[optind];
	int first = optind;
	/* Internal, so not in the table kfdo --help lists: perf record's workload. */
	if (strcmp(name, "__repeat") == 0)
		return cli_repeat(argc - first, argv + first);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0) {
			optind = 0; /* getopt starts afresh for the command's own options */
			return commands[i].run(argc - first, argv + first);
		}
	return cli_usage_error(NULL, _("unknown command '%s'"), name);
}
