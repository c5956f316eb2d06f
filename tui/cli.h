/* The plain command-line face of kfdo: one function per command. No curses here. */
#ifndef KFDO_CLI_H
#define KFDO_CLI_H

#include <stdbool.h>

/* Exit codes: 0 success (detect: ready), 1 the answer is "no" or a step failed,
 * 2 usage or unreadable input, 130 cancelled. */
enum { EXIT_NO = 1, EXIT_USAGE = 2, EXIT_CANCEL = 130 };

extern bool cli_color; /* stdout is a terminal and neither --no-color nor NO_COLOR */

int cli_detect(int argc, char **argv);
/* Prints "kfdo: MESSAGE (see kfdo COMMAND --help)" and returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
