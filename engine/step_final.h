/* Step 11, the final build with the profile (engine/step_final.c). */
#ifndef KFDO_STEP_FINAL_H
#define KFDO_STEP_FINAL_H

#include "engine/step.h"

extern const struct step_def step_final;

#endif
