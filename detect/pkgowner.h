/* Which installed Arch package owns a file, from pacman's local database
 * through libalpm. Optional: without /var/lib/pacman/local it finds nothing. */
#ifndef KFDO_PKGOWNER_H
#define KFDO_PKGOWNER_H

#include <stdbool.h>
#include <stddef.h>

/* Is there a local package database under sysroot (NULL = "/")? */
bool pkgowner_available(const char *sysroot);
/* For each of the n absolute paths (NULL entries are skipped), sets owners[i]
 * to a malloc'd package name, or leaves it NULL. Paths may carry the sysroot
 * prefix, and symlinked directories (/bin -> usr/bin) are resolved. Reads
 * every package's file list once. Returns how many owners were found, or -1
 * with cause when the database cannot be opened. */
int pkgowner_lookup(const char *sysroot, const char *const *paths, size_t n, char **owners,
		    char **cause);

#endif
