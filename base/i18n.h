/* gettext glue: _() translates, N_() marks for later translation. Numbers and
 * parsing stay in the C locale (only LC_CTYPE and LC_MESSAGES are set). */
#ifndef KFDO_I18N_H
#define KFDO_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
