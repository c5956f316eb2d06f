/* What a build really did, read from what it left in the objtree: its .config
 * and the compile and link commands kbuild saved (engine/verify.c). */
#ifndef KFDO_VERIFY_H
#define KFDO_VERIFY_H

#include <stdbool.h>

#include "engine/session.h"

/* The build in the objtree did what the session asked: its .config still
 * holds the toggles, and with AutoFDO kbuild's saved commands carry its flags
 * (final: the session's profile, in the compiles and the ThinLTO link).
 * 1 verified, *note says what ("verified: ..."); 0 a command file was missing,
 * *note says what could not be checked; -1 it did not, *note says what is
 * wrong and what to do. */
int verify_build(const struct session *s, bool final, char **note);

#endif
