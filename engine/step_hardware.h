/* Step 1, the hardware check: can this machine record kernel branch profiles? (engine/step_hardware.c). */
#ifndef KFDO_STEP_HARDWARE_H
#define KFDO_STEP_HARDWARE_H

#include "engine/step.h"

extern const struct step_def step_hardware;

#endif
