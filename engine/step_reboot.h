/* Step 8, the reboot into the built kernel (engine/step_reboot.c). */
#ifndef KFDO_STEP_REBOOT_H
#define KFDO_STEP_REBOOT_H

#include "engine/step.h"

extern const struct step_def step_reboot;

#endif
