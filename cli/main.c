/* kfdo: optimize a Linux kernel with AutoFDO. Reads the command line against
 * the command table (commands.c) and runs what it names; the full-screen
 * wizard answers when no command is given. */
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/i18n.h"
#include "cli/cli.h"

bool cli_color;
bool cli_no_color;

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

	struct cli_args a;
	int ret;
	switch (cli_args_parse(&cli_root, argc, argv, &a)) {
	case CLI_PARSE_DONE:
		ret = 0;
		break;
	case CLI_PARSE_ERROR:
		ret = EXIT_USAGE;
		break;
	default:
		cli_no_color = (getenv("NO_COLOR") && *getenv("NO_COLOR")) || cli_args_flag(&a, OPT_NO_COLOR);
		cli_color = !cli_no_color && isatty(STDOUT_FILENO);
		ret = a.cmd->run(&a);
	}
	cli_args_free(&a);
	return ret;
}
