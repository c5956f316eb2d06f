/* What kfdo tells the user at the two stops of the flow, in the same words
 * from kfdo run and from the wizard: after the install, how to get into the
 * built kernel; at the end, what is installed and how to reuse the profile.
 * Each is a list of paragraphs (translated, no line breaks inside) that the
 * front end prints or wraps to its width. */
#ifndef KFDO_SUMMARY_H
#define KFDO_SUMMARY_H

#include "engine/session.h"

/* The built kernel is installed but not running: what to do. malloc'd strv. */
char **summary_reboot(const struct session *s);
/* After the finish step: the kernel, its vmlinux, the profile and how to
 * reuse it, and the reboot still to come. malloc'd strv. */
char **summary_finish(const struct session *s);

#endif
