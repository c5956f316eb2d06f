/* What profile_stats.c (llvm-profdata's stats of a profile) and
 * profile_out.c (the convert step's results and their records) share.
 * Private to the profile files. */
#ifndef KFDO_PROFILE_INT_H
#define KFDO_PROFILE_INT_H

#include <stdint.h>

#include "engine/profile.h"

/* The size of the file at path; 0 when it cannot be stat()ed. */
uint64_t profile_file_size(const char *path);
/* Parses llvm-profdata's output saved at stats_path into st; st->size is
 * then the size of profile. -1 with *cause when unreadable or over the cap. */
int profile_stats_from_file(const char *profile, const char *stats_path, struct profile_stats *st,
			    char **cause);

#endif
