/* Step 3, the kernel source (engine/step_source.c). */
#ifndef KFDO_STEP_SOURCE_H
#define KFDO_STEP_SOURCE_H

#include "engine/step.h"

extern const struct step_def step_source;

#endif
