/* The kernel packages of a `make pacman-pkg` build: found in the objtree,
 * read with libalpm, told apart by the layout of the kernel's PKGBUILD
 * (<base>, <base>-headers, <base>-api-headers, <base>-debug; linux-cachyos
 * names the last <base>-dbg), checked for one build and an unstripped
 * vmlinux, installed, and confirmed in the package database.
 *
 * Installing goes two ways (pkg_install_plan builds either):
 *  - the system: `sudo pacman -U`, so the user's pacman.conf, signature
 *    policy and hooks (mkinitcpio, the boot loader) apply;
 *  - root mode (session->install_root): libalpm itself installs into another
 *    root and database, for tests and images; no hooks run there.
 * Both are checked afterwards the same way (pkg_record_install). */
#ifndef KFDO_PKG_H
#define KFDO_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "engine/session.h"

/* pacman's own default: the database of the root "/". */
#define PKG_SYSTEM_DBPATH "/var/lib/pacman"

enum pkg_role {
	PKG_KERNEL,		/* <base>: the boot image and the modules */
	PKG_HEADERS,		/* <base>-headers: the tree to build modules against */
	PKG_API_HEADERS,	/* <base>-api-headers: never installed (pkg_api_headers_reason) */
	PKG_DEBUG,		/* <base>-debug or <base>-dbg: the unstripped vmlinux */
	PKG_OTHER,		/* another package of the same pkgbase: installed too */
};

struct pkg_file {
	char *name;		/* as in the package: "usr/lib/modules/6.13.0/vmlinuz" */
	off_t size;
	mode_t mode;		/* with the file type: S_ISLNK for a symlink */
};

struct pkg_info {
	char *path;		/* the package file */
	char *name, *version, *base, *arch;	/* version: [epoch:]pkgver-pkgrel */
	enum pkg_role role;
	off_t size;		/* the package file */
	off_t isize;		/* installed size (.PKGINFO) */
	struct pkg_file *files;
	size_t n_files;
};

/* Why a vmlinux is or is not the one to profile with. */
struct pkg_vmlinux {
	char *path;		/* inside the packages, no leading '/' */
	const struct pkg_info *pkg;	/* the package holding it */
	bool checked;		/* read from the archive (PKG_READ_VMLINUX) */
	bool stripped;		/* checked: no symbol table */
	bool debug_info;	/* checked: .debug_info present */
	char *build_id;		/* checked: NULL when it has none */
};

/* One build's packages, read and checked. */
struct pkg_set {
	struct pkg_info *pkgs;	/* in the order given */
	size_t n;
	char *base, *version;	/* shared by every package */
	char *release;		/* kernel release: usr/lib/modules/<release>/vmlinuz */
	char *pkgver;		/* version without epoch and pkgrel */
	const struct pkg_info *kernel;
	/* The candidates in the order of preference (usr/src/debug/<base>/vmlinux,
	 * then usr/lib/modules/<release>/build/vmlinux; symlinks are not
	 * candidates); chosen is the first not stripped, NULL when every one is
	 * (or, without PKG_READ_VMLINUX, the first). */
	struct pkg_vmlinux *vmlinux;
	size_t n_vmlinux;
	const struct pkg_vmlinux *chosen;
	/* What the front end should say: a release that pkgver spells differently,
	 * stripped copies passed over. */
	char **notes;
};

enum {
	/* Read each vmlinux candidate out of its archive and check it with
	 * elfid (seconds for a real debug package: a job, not a redraw). */
	PKG_READ_VMLINUX = 1,
};

/* Reads the packages at paths (one build: every pkgbase and version equal),
 * classifies them, derives the release and finds the vmlinux. 0, or -1 with
 * a cause that says what is wrong and what to do: no package, a file that is
 * not a package, two builds mixed, no kernel package, a release that does not
 * fit pkgver, no vmlinux, or (PKG_READ_VMLINUX) only stripped ones. set is
 * filled either way as far as it got; pkg_set_free() it. */
int pkg_set_load(struct pkg_set *set, char *const *paths, unsigned flags, char **cause);
void pkg_set_free(struct pkg_set *set);

/* The paths to install: every package but the -api-headers one. malloc'd strv. */
char **pkg_set_install_paths(const struct pkg_set *set);
/* Why the -api-headers package is left out (translated). */
const char *pkg_api_headers_reason(void);
const char *pkg_role_name(enum pkg_role role);
/* "usr/src/debug/B/vmlinux in B-debug: unstripped, with debug info, build-id
 * ID" once checked, else "... in B-debug (not read out of its package yet)".
 * Translated, malloc'd. */
char *pkg_vmlinux_describe(const struct pkg_vmlinux *v);
/* A package size in pacman's units: "812 B", "1.2 KiB", "45.1 MiB". */
void pkg_fmt_size(char *buf, size_t n, off_t bytes);

/* The packages of the newest build in dir (any PKGEXT), as sorted paths in
 * *paths. Older builds lying next to it (make pacman-pkg run twice) are not
 * taken: *older names them (malloc'd, NULL when there are none). 0, or -1
 * with cause (unreadable directory, no package). */
int pkg_find_newest(const char *dir, char ***paths, char **older, char **cause);

/* The package name in a makepkg file name ("linux-upstream-headers" of
 * ".../linux-upstream-headers-6.13.0-1-x86_64.pkg.tar.zst"), malloc'd; NULL
 * when the name is not NAME-PKGVER-PKGREL-ARCH.pkg.tar[.EXT]. */
char *pkg_name_from_filename(const char *path);
/* Whether a file name ends like a package: .pkg.tar or .pkg.tar.EXT (not .sig). */
bool pkg_filename_is_package(const char *name);

/* Where a session installs: its root mode, else "/" and PKG_SYSTEM_DBPATH. */
const char *pkg_session_root(const struct session *s);
char *pkg_session_dbpath(const struct session *s);

/* Installs paths into root with the database dbpath (both created when
 * missing) through libalpm: no sync database, signatures checked only when a
 * .sig lies beside a package (pacman's LocalFileSigLevel "Optional"), no
 * hooks. Progress lines go to out (may be NULL). 0, -1 with cause (what
 * conflicts, what is missing), or -EINTR when pkg_install_interrupt() came. */
int pkg_install_root(const char *root, const char *dbpath, char *const *paths, FILE *out, char **cause);
/* Async-signal-safe: stops a pkg_install_root() between two packages. */
void pkg_install_interrupt(void);

/* Whether every package of set (but -api-headers) is installed at its version
 * in dbpath's local database. 0, or -1 with a cause naming each package that
 * is missing or at another version, with both versions. */
int pkg_check_installed(const struct pkg_set *set, const char *root, const char *dbpath, char **cause);

/* After the install or finish step: checks the session's packages against
 * its root's database, finds the installed vmlinux (unstripped, with a
 * build-id) and records its path (under the root), the kernel release and the
 * build-id in s->artifacts. On success *summary (may be NULL) gets one line
 * for the step's message. 0, or -1 with cause. */
int pkg_record_install(struct session *s, char **summary, char **cause);

/* The *.pkg.tar.* files in dir newer than `after` (the .config's mtime; NULL:
 * any), as sorted paths in *out. Returns how many, -1 when dir is unreadable.
 * The build step records them in the artifacts. */
int pkg_find_files(const char *dir, const struct timespec *after, char ***out);

/* The install and finish steps' commands: the packages read by kfdo's own
 * binary first (one build, its release, an unstripped vmlinux; a job of its
 * own, before sudo is asked for), then pacman -U through sudo, or kfdo
 * packages install in root mode; the -api-headers package left out. 0, or -1
 * with cause when no packages are recorded. */
struct plan;
int pkg_install_plan(const struct session *s, struct plan *p, char **cause);

#endif
