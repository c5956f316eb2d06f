/* Step 2, the tools a build and a profile need (engine/step_toolchain.c). */
#ifndef KFDO_STEP_TOOLCHAIN_H
#define KFDO_STEP_TOOLCHAIN_H

#include "engine/step.h"

extern const struct step_def step_toolchain;

#endif
