/* The machine as the hardware and toolchain steps judge it, read once per
 * process and read again when a step runs: the step's verdict and what a
 * front end shows next to it come from the same reading, so the wizard and
 * the command line cannot disagree (engine/machine.c). */
#ifndef KFDO_MACHINE_H
#define KFDO_MACHINE_H

#include <stdbool.h>

#include "detect/report.h"
#include "detect/toolchain.h"
#include "engine/session.h"

/* The hardware check of the session's machine (its sysroot, and the CPUID
 * dump and PMU a run was given): the last reading, or a new one when there is
 * none yet, again is set, or the inputs changed. Never NULL. */
const struct detect_report *machine_hardware(const struct session *s, bool again);
/* The tools, for a build of the session's tree: the same rules. NULL when
 * they cannot be looked for (*cause says why: an LLVM directory that is not one). */
const struct toolchain *machine_toolchain(const struct session *s, bool again, char **cause);
/* Drops both readings (tests; the end of the process under LeakSanitizer). */
void machine_forget(void);

#endif
