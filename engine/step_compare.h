/* Step 13, the same benchmarks on the optimized kernel, and the comparison (engine/step_compare.c). */
#ifndef KFDO_STEP_COMPARE_H
#define KFDO_STEP_COMPARE_H

#include "engine/step.h"

extern const struct step_def step_compare;

#endif
