/* Step 12, finish: the optimized kernel installed (engine/step_finish.c). */
#ifndef KFDO_STEP_FINISH_H
#define KFDO_STEP_FINISH_H

#include "engine/step.h"

extern const struct step_def step_finish;

#endif
