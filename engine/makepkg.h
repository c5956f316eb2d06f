/* How kfdo runs makepkg on a linux-cachyos PKGBUILD (session.pkgbuild), as
 * engine/kmake.h runs make on a kernel tree: the command lines of the steps
 * that build, the knobs in makepkg's environment, and what the runs leave
 * behind (the extracted kernel tree, the packages).
 *
 * The flow's makepkg runs, each in the PKGBUILD's folder:
 *   configure  makepkg --nobuild       download, extract, prepare(): the
 *                                      PKGBUILD configures the kernel itself,
 *                                      from the knobs
 *   build      makepkg --noextract     build() and package() in that tree
 *   final      makepkg --cleanbuild --skipchecksums
 *              from a fresh extraction: linux-cachyos's prepare() puts the
 *              profile into the build's flags, which only a build() in the
 *              same makepkg run sees; --skipchecksums because the profile is
 *              a source the checksum arrays do not list (engine/export.h)
 * The knobs: _autofdo=yes _build_debug=yes (the -dbg package carries the
 * unstripped vmlinux) _use_llvm_lto=thin|full, _propeller=yes with Propeller,
 * the final build also _autofdo_profile_name=NAME; then the user's own
 * (--knob), which may not override the flow's. The user's PKGBUILD is never
 * edited. BUILDDIR and PKGDEST are kfdo's (one package folder per build, so
 * that the final build's packages never replace the first's), and
 * LC_MESSAGES=C lets kfdo read makepkg's phases (engine/makepkg_log.h). */
#ifndef KFDO_MAKEPKG_H
#define KFDO_MAKEPKG_H

#include <stdbool.h>

#include "engine/plan.h"
#include "engine/session.h"

enum makepkg_run { MAKEPKG_RUN_CONFIGURE, MAKEPKG_RUN_BUILD, MAKEPKG_RUN_FINAL };

/* What every makepkg run needs: an absolute PKGBUILD folder whose PKGBUILD has
 * the knobs the flow drives (the missing one named, and since when
 * linux-cachyos has it), LTO (without it linux-cachyos builds with GCC), and a
 * user who is not root (makepkg refuses root). false with cause. */
bool makepkg_session_ok(const struct session *s, char **cause);
/* A knob the flow sets itself (NAME of len bytes): _autofdo, _use_llvm_lto... */
bool makepkg_flow_knob(const char *name, size_t len);
/* An option of makepkg's that --makepkg-arg passes on: those that change what
 * it checks or prints, not which stages run (MAKEPKG_ARGS_OK lists them). */
#define MAKEPKG_ARGS_OK \
	"--nodeps (-d), --skippgpcheck, --skipinteg, --skipchecksums, --nocheck, --nocolor, --noprogressbar, " \
	"--ignorearch (-A) and --holdver"
bool makepkg_arg_ok(const char *arg);

/* The PKGBUILD folder alone: there, readable, with the knobs. */
bool makepkg_source_ok(const struct session *s, char **why);
/* makepkg_session_ok, and a user makepkg runs for: the steps' precondition
 * (a plan is shown to root too). */
bool makepkg_ready(const struct session *s, char **why);
/* The toggles a PKGBUILD's .config is read back against: the session's,
 * without the tree flow's --enable/--disable extras, which makepkg does not
 * apply. A shallow copy. */
struct toggles makepkg_toggles(const struct session *s);

/* Makes DIR (absolute) the session's source: what only a tree takes (O=, the
 * clone, --enable/--disable, make variables) is forgotten, and the tree too
 * unless DIR is the session's PKGBUILD already. */
void makepkg_choose(struct session *s, const char *dir);

/* A tree is the source again: the PKGBUILD, its knobs and makepkg's options
 * are forgotten. */
void makepkg_forget(struct session *s);

/* makepkg's BUILDDIR: $XDG_CACHE_HOME/kfdo/makepkg; the tree lands in
 * BUILDDIR/PKGBASE/src. And the packages' folder of a build (PKGDEST). malloc'd. */
char *makepkg_builddir(void);
char *makepkg_pkgdest(bool final);

/* The run's command, appended to p (the final build's profile knobs are
 * export_prepare's, engine/export.h). 0, or -1 with cause. */
int makepkg_plan(const struct session *s, enum makepkg_run run, struct plan *p, char **cause);

/* The kernel tree the last makepkg run extracted: of the BUILDDIR/x/src/y
 * with a kernel's Makefile, the one whose inode changed last. malloc'd, or
 * NULL with cause. */
char *makepkg_find_tree(char **cause);

/* The AutoFDO profile as the final build reads it: its copy beside the
 * PKGBUILD (makepkg links it into src/). malloc'd; NULL without a profile. */
char *makepkg_profile_beside(const struct session *s);
/* Copies the profile beside the PKGBUILD (the final build's prepare): never
 * over a different file of the same name. 0, or -1 with cause. */
int makepkg_place_profile(const struct session *s, char **cause);

#endif
