/* Step 10, the conversion of the recording into an AutoFDO profile (engine/step_convert.c). */
#ifndef KFDO_STEP_CONVERT_H
#define KFDO_STEP_CONVERT_H

#include "engine/step.h"

extern const struct step_def step_convert;

#endif
