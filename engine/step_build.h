/* Step 5, the first build (engine/step_build.c). */
#ifndef KFDO_STEP_BUILD_H
#define KFDO_STEP_BUILD_H

#include "engine/step.h"

extern const struct step_def step_build;

#endif
