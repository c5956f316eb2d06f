/* What the steps' checks read of the machine (engine/probe.c). Each fills
 * *why (may be NULL) with the reason in both outcomes, as a postcondition
 * gives it. */
#ifndef KFDO_PROBE_H
#define KFDO_PROBE_H

#include <stdbool.h>

#include "engine/session.h"

bool probe_tree(const struct session *s, char **why);
bool probe_configured(const struct session *s, char **why);
/* The build's output newer than .config: packages for pacman-pkg, else the
 * boot image or vmlinux (plain-make trees in tests). */
bool probe_build_output(const struct session *s, char **why);
/* The output is there and the build did what was asked (verify_build): a
 * build whose syncconfig dropped a toggle, or without AutoFDO's flags, is not
 * built. final: with the session's profile. */
bool probe_built(const struct session *s, bool final, char **why);
bool probe_packages(const struct session *s, char **why);
/* The kernel kfdo installed is still in place: its vmlinux has the build-id
 * recorded at install time. */
bool probe_installed_kernel(const struct session *s, char **why);
/* The running kernel as the reboot check reads it below the session's
 * sysroot: its release (as uname -r) and build-id (/sys/kernel/notes),
 * malloc'd. Either is NULL when it cannot be read, and *cause (may be NULL)
 * says why. */
void probe_running_kernel(const struct session *s, char **release, char **build_id, char **cause);
/* This boot's id (/proc/sys/kernel/random/boot_id) below the session's
 * sysroot, malloc'd; NULL when unreadable. Tells a login before a reboot
 * from the first one after it. */
char *probe_boot_id(const struct session *s);
/* The running kernel is the one kfdo built and installed: release and build-id. */
bool probe_running_built(const struct session *s, char **why);
/* A complete perf.data (or the perf script tests stand in for one). */
bool probe_recording_usable(const char *path, char **why);
/* A non-empty profile that kfdo's record (when there is one) does not call empty. */
bool probe_profile_usable(const char *prof, char **why);

#endif
