/* Step 4, configure (engine/step_configure.c). */
#ifndef KFDO_STEP_CONFIGURE_H
#define KFDO_STEP_CONFIGURE_H

#include "engine/step.h"

extern const struct step_def step_configure;

#endif
