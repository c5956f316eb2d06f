/* A linux-cachyos PKGBUILD's build knobs, read without running it.
 *
 * CachyOS's PKGBUILDs take their options from the environment through lines
 * at the top of the file, in one of two forms:
 *   : "${_autofdo:=no}"                 (since 2024-12: "yes" enables)
 *   _autofdo=${_autofdo-}               (before: anything not empty enables)
 * Reading those lines is enough to know which knobs a checkout has and their
 * defaults; running the PKGBUILD would run its code (and its downloads'
 * checks) as the user. Only unindented lines count: knobs are set at the top
 * level, and a line inside a function is the build's own business.
 *
 * A linux-cachyos checkout holds one folder per variant (linux-cachyos,
 * linux-cachyos-bore, -eevdf, -rt-bore, -lts...), each with its PKGBUILD. */
#ifndef KFDO_PKGBUILD_H
#define KFDO_PKGBUILD_H

#include <stdbool.h>
#include <stddef.h>

struct pkgbuild_knob {
	char *name;	/* "_autofdo" */
	char *value;	/* its default, unquoted: "no", "" */
	int line;	/* 1-based */
	bool old_form;	/* NAME=${NAME-VALUE}: anything not empty enables */
};

struct pkgbuild {
	char *path;	/* DIR/PKGBUILD */
	struct pkgbuild_knob *knobs;	/* in file order */
	size_t n_knobs;
};

/* Reads DIR/PKGBUILD's knobs. 0, or -1 with a cause (no PKGBUILD there, with
 * the variants when DIR is a checkout's top; unreadable; no knob at all). */
int pkgbuild_read(const char *dir, struct pkgbuild *pb, char **cause);
/* The same on a PKGBUILD's text (tests, and pkgbuild_read). Never fails:
 * a text without knobs gives none. */
void pkgbuild_parse(const char *text, struct pkgbuild *pb);
void pkgbuild_free(struct pkgbuild *pb);

const struct pkgbuild_knob *pkgbuild_knob(const struct pkgbuild *pb, const char *name);
/* The first of names (NULL-terminated) the PKGBUILD lacks; NULL: it has them all. */
const char *pkgbuild_missing(const struct pkgbuild *pb, const char *const *names);

/* The knobs the AutoFDO profile needs (and Propeller's, and with build those
 * of kfdo's build: _build_debug, _use_llvm_lto) are all there: 0, or -1 with
 * a cause naming the first missing one and, for an older checkout, since when
 * linux-cachyos has it. */
int pkgbuild_require(const struct pkgbuild *pb, bool propeller, bool build, char **cause);

/* The variant folders of a linux-cachyos checkout: the subfolders of dir that
 * hold a PKGBUILD, sorted; NULL when none. */
char **pkgbuild_variants(const char *dir);

/* The knobs the flow drives, by what they are for; each NULL-terminated. */
extern const char *const pkgbuild_knobs_autofdo[];	/* _autofdo, _autofdo_profile_name */
extern const char *const pkgbuild_knobs_propeller[];	/* _propeller, _propeller_profiles */

/* The file names linux-cachyos's PKGBUILD reads its Propeller profiles from,
 * beside it (CLANG_PROPELLER_PROFILE_PREFIX=$srcdir/propeller). */
#define PKGBUILD_PROPELLER_CC "propeller_cc_profile.txt"
#define PKGBUILD_PROPELLER_LD "propeller_ld_profile.txt"

#endif
