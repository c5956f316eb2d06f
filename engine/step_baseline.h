/* Step 6, the benchmarks on the kernel that runs before the flow (engine/step_baseline.c). */
#ifndef KFDO_STEP_BASELINE_H
#define KFDO_STEP_BASELINE_H

#include "engine/step.h"

extern const struct step_def step_baseline;

#endif
