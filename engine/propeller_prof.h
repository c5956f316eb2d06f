/* The two Propeller profiles, read for their statistics (the convert step's
 * figures, and a check that a converter wrote what the kernel build reads):
 *
 *   PREFIX_cc_profile.txt  for clang's -fbasic-block-sections=list=: which
 *       functions get their blocks ordered, and in which clusters. Two
 *       formats, both read by LLVM 19's BasicBlockSectionsProfileReader:
 *         v1 (create_llvm_prof 0.20+, generate_propeller_profiles):
 *           "v1", then "m MODULE", "f NAME [ALIASES]", "c0 2 3 1" (a cluster of
 *           block ids), "p ..." (path cloning), "g ..." (the CFG), "#" comments;
 *         v0: "!NAME" (" M=MODULE"), "!!0 2 3 1".
 *   PREFIX_ld_profile.txt  for lld's --symbol-ordering-file: one symbol per
 *       line, hottest first; a function's split parts are "NAME.cold" and
 *       "NAME.__part.N".
 * Formats: google/autofdo's writer and its testdata (tests/fixtures/propeller). */
#ifndef KFDO_PROPELLER_PROF_H
#define KFDO_PROPELLER_PROF_H

#include <stddef.h>

struct propeller_cc_stats {
	int version;		/* 0 or 1 */
	size_t functions;	/* "f" (v1) or "!NAME" (v0) lines */
	size_t clusters;	/* "c" or "!!" lines */
	size_t blocks;		/* block ids in the clusters (a function's blocks left out go to
				   its cold part, "NAME.cold" in the ld profile) */
	size_t modules;		/* distinct module names ("m" lines, " M=" in v0) */
	size_t bytes;
};

struct propeller_ld_stats {
	size_t symbols;		/* lines */
	size_t parts;		/* of them ".cold" and ".__part.N" */
	size_t bytes;
};

/* 0, or -1 with cause: unreadable, empty, or not in either format (the line
 * that is not, quoted). */
int propeller_cc_read(const char *path, struct propeller_cc_stats *out, char **cause);
int propeller_ld_read(const char *path, struct propeller_ld_stats *out, char **cause);

#endif
