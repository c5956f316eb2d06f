/* The wizard as the command line starts it (cli/wizard.c): its state, the
 * terminal, and the loop. Nothing in tui/ includes this header: each file
 * includes the headers of the modules it uses. */
#ifndef KFDO_TUI_H
#define KFDO_TUI_H

#include "tui/app.h"
#include "tui/state.h"
#include "tui/term.h"

#endif
