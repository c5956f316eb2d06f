/* What pkg.c (reading and checking a build's packages) hands to
 * pkg_vmlinux.c (finding and reading the vmlinux among them). Private to
 * those two files. */
#ifndef KFDO_PKG_INT_H
#define KFDO_PKG_INT_H

#include "engine/pkg.h"

/* Lists set's vmlinux candidates and picks the one to profile with: with
 * PKG_READ_VMLINUX, the first that is not stripped, read out of its package
 * with libarchive and checked with elfid; otherwise the first one. */
int pkg_choose_vmlinux(struct pkg_set *set, unsigned flags, char **cause);

#endif
