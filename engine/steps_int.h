/* The steps' insides, shared by the table and its checks (steps.c) and what
 * the checks read of the machine (steps_probe.c). Nobody else includes this. */
#ifndef KFDO_STEPS_INT_H
#define KFDO_STEPS_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include "engine/steps.h"
#include "base/util.h"

/* Puts the reason in *why (when why is not NULL) and returns ok, so that a
 * check can end in `return why_set(why, false, ...)`. */
static inline bool why_set(char **why, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool why_set(char **why, bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cause_vset(why, fmt, ap);
	va_end(ap);
	return ok;
}

/* What the checks find out (steps_probe.c), each with its reason in *why as
 * a postcondition gives it. */
bool steps_build_output_done(const struct session *s, char **why);
bool steps_installed_kernel_ok(const struct session *s, char **why);
bool steps_recording_usable(const char *path, char **why);
bool steps_profile_usable(const char *prof, char **why);

/* The build in the objtree did what the session asked (steps_verify.c): its
 * .config still holds the toggles, and with AutoFDO kbuild's saved commands
 * carry its flags (final: the session's profile, in the compiles and the
 * ThinLTO link). 1 verified, *note says what ("verified: ..."); 0 a command
 * file was missing, *note says what could not be checked; -1 it did not, *note
 * says what is wrong and what to do. */
int steps_verify_build(const struct session *s, bool final, char **note);

#endif
