/* A profile handed to a linux-cachyos PKGBUILD: the files copied beside it
 * under the names it reads, and the makepkg line that builds the kernel with
 * them, on this machine or another (kfdo profile export --pkgbuild DIR).
 *
 * linux-cachyos reads the AutoFDO profile from the file its
 * _autofdo_profile_name knob names, relative to the PKGBUILD, and the
 * Propeller profiles from propeller_cc_profile.txt and propeller_ld_profile.txt
 * beside it; each goes into source=(), and the build passes
 * CLANG_AUTOFDO_PROFILE and CLANG_PROPELLER_PROFILE_PREFIX. The knobs are
 * given in makepkg's environment: the user's PKGBUILD is never edited. */
#ifndef KFDO_EXPORT_H
#define KFDO_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct export_opts {
	const char *pkgbuild_dir;
	const char *afdo;	/* the AutoFDO profile */
	const char *propeller;	/* PREFIX of PREFIX_cc_profile.txt and PREFIX_ld_profile.txt; NULL: none */
	bool force;		/* replace a different file of the same name (the old one is kept) */
};

enum export_state {
	EXPORT_NEW,	/* nothing at the name yet */
	EXPORT_SAME,	/* the same bytes are there already: nothing to write */
	EXPORT_REPLACE,	/* a different file is there: moved aside, then replaced (--force) */
};

struct export_file {
	char *from, *to;	/* to: DIR/NAME */
	off_t size;
	enum export_state state;
	char *kept;		/* after export_write: where the replaced file went */
	bool written;		/* export_write put it in place */
};

struct export_plan {
	char *dir;		/* absolute */
	char *pkgbuild;		/* DIR/PKGBUILD */
	char *warning;		/* what will go wrong later, or NULL */
	struct export_file files[3];
	size_t n_files;
	char **env;		/* the knobs: "_autofdo=yes", "_autofdo_profile_name=NAME"... */
	char **makepkg;		/* makepkg and its options */
};

/* Reads the PKGBUILD's knobs and the files, and decides what goes where.
 * Writes nothing. 0; EXPORT_CONFLICT with a cause when a different file is
 * at a name and force is off (the caller says how to go on); -1 with a
 * cause otherwise: a PKGBUILD without a knob the profiles need (named), a
 * missing or empty profile, a name makepkg or kbuild cannot take. */
#define EXPORT_CONFLICT (-2)
int export_prepare(const struct export_opts *o, struct export_plan *ep, char **cause);
/* Copies what export_prepare planned: each file written whole under a
 * temporary name, then renamed into place; a replaced file is first moved to
 * NAME.before-kfdo (or NAME-2.before-kfdo...). Never replaces a file that
 * came to a name since export_prepare. 0, or -1 with a cause; then nothing
 * half-written is left at a name, a replaced file is back, and the files
 * written before the failure are marked written. */
int export_write(struct export_plan *ep, char **cause);
/* The shell line that builds with the profiles: "cd DIR && KNOB=VALUE... makepkg ...",
 * every word quoted where it needs to be. malloc'd. */
char *export_line(const struct export_plan *ep);
void export_plan_free(struct export_plan *ep);

#endif
