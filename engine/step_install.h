/* Step 7, the install of the first build (engine/step_install.c). */
#ifndef KFDO_STEP_INSTALL_H
#define KFDO_STEP_INSTALL_H

#include "engine/step.h"

extern const struct step_def step_install;

#endif
