/* The toolchain's insides, shared by finding the tools and asking their
 * versions (toolchain.c) and rating what was found (toolchain_rate.c: status,
 * message, remedy, the install command). Nobody else includes this. */
#ifndef KFDO_TOOLCHAIN_INT_H
#define KFDO_TOOLCHAIN_INT_H

#include <stdbool.h>

#include "detect/toolchain.h"

/* LLVM 19 is the first llvm-profgen with --kernel (Documentation/dev-tools/autofdo.rst). */
#define PROFGEN_KERNEL_MAJOR 19

enum find_how { FIND_EXE, FIND_LLVM, FIND_HEADER };

struct tool_spec {
	const char *id, *check_id;
	enum find_how how;
	const char *name;            /* executable base name, or header below an include dir */
	const char *args[3];         /* the version query after argv[0] */
	const char *min_version;     /* NULL: any */
	bool required;
	const char *arch_pkg;        /* NULL: no package */
	const char *debian_pkg;      /* LLVM tools get the version suffix */
	const char *purpose;         /* N_(): after "it" in "clang not found: it compiles the kernel" */
};

/* What to look for and how, index == enum tool_id (toolchain.c). */
extern const struct tool_spec toolchain_specs[TOOL_COUNT];

/* Gives every tool its status, message and remedy once all were looked for
 * (toolchain_rate.c); create_llvm_prof last, since its message depends on
 * llvm-profgen's verdict. */
void toolchain_rate(struct toolchain *tc);

#endif
