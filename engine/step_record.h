/* Step 9, the recording (engine/step_record.c). */
#ifndef KFDO_STEP_RECORD_H
#define KFDO_STEP_RECORD_H

#include "engine/step.h"

extern const struct step_def step_record;

#endif
