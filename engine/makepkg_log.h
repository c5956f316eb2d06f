/* makepkg's own phases, read from its output one line at a time, for the
 * build of a linux-cachyos PKGBUILD: which phase runs (download, extract,
 * prepare with its patches, build, package), which source is being
 * downloaded and how far (curl's meter), and when it fails, where and why
 * ("downloading linux-6.12.tar.xz: curl: (22) ... 404").
 *
 * makepkg says its phases with msg ("==> Starting build()...") and its
 * details with msg2 ("  -> Downloading x..."), in the messages of makepkg
 * 6.0 (libmakepkg's gettext strings). They are translated: this reads the
 * English ones, and under another language it only counts the lines (the
 * build then shows kbuild's words alone). Colour codes (makepkg colours when
 * it writes to a terminal) are skipped.
 * The kernel's own build lines, inside build(), go to engine/kbuild.h. */
#ifndef KFDO_MAKEPKG_LOG_H
#define KFDO_MAKEPKG_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* In the order makepkg runs them. */
enum makepkg_phase {
	MAKEPKG_NOT_STARTED,
	MAKEPKG_DEPENDS,	/* "Checking runtime dependencies..." */
	MAKEPKG_RETRIEVE,	/* "Retrieving sources..." (downloads, git clones) */
	MAKEPKG_VALIDATE,	/* "Validating source files with b2sums...", PGP signatures */
	MAKEPKG_EXTRACT,	/* "Extracting sources..." */
	MAKEPKG_PREPARE,	/* "Starting prepare()...": the patches, the config */
	MAKEPKG_BUILD,		/* "Starting build()...": the kernel's make */
	MAKEPKG_PACKAGE,	/* "Entering fakeroot environment...", package_*() */
	MAKEPKG_DONE,		/* "Finished making: ..." */
	MAKEPKG_PHASE_COUNT
};

/* curl's progress meter, the last "\r" piece of a download's line. */
struct makepkg_meter {
	int percent;		/* of the whole file; -1 when curl does not know the size */
	double total, received;	/* bytes; total 0 when unknown */
	double speed;		/* current bytes/s */
};

struct makepkg_log {
	enum makepkg_phase phase;
	double phase_start[MAKEPKG_PHASE_COUNT];	/* seconds; -1: not reached */
	char *pkgbase;		/* "linux-cachyos" from "Making package: linux-cachyos 6.12.7-1 (...)" */
	char *version;		/* "6.12.7-1" */
	char *function;		/* the PKGBUILD function running: "prepare", "package_linux-cachyos" */
	char *source;		/* RETRIEVE: the source being downloaded or cloned */
	size_t downloads;	/* "Downloading" and "Cloning" lines */
	size_t patches;		/* PREPARE: "Applying patch" lines (linux-cachyos's prepare()) */
	char *patch;		/* the last of them: "0001-bore-cachy.patch" */
	size_t lines;
	bool skipped_checksums;	/* "WARNING: Skipping verification of source file checksums." */
	/* The first "==> ERROR:" and what it is about. */
	char *error;		/* the message: "Failure while downloading https://..." */
	enum makepkg_phase error_phase;
	char *error_source;	/* the download, or in prepare() the patch, that failed */
	char *cause;		/* the tool's own last word before it: "curl: (22) ... 404",
				   patch's "1 out of 1 hunk FAILED ..." */
};

void makepkg_log_init(struct makepkg_log *m);
void makepkg_log_free(struct makepkg_log *m);
/* One complete line (len bytes, without its '\n') seen t seconds in; line[len]
 * is read (a job's lines end in a NUL there: then nothing is copied). */
void makepkg_log_feed(struct makepkg_log *m, const char *line, size_t len, double t);
/* The phase's name as shown ("downloading", "building"), translated. */
const char *makepkg_phase_label(enum makepkg_phase p);
/* The phase's key for the session and JSON ("retrieve", "build"). */
const char *makepkg_phase_key(enum makepkg_phase p);
/* What makepkg does now, in words ("packaging linux-upstream-headers",
 * "downloading linux-6.12.7.tar.xz"), malloc'd; NULL while it builds or has
 * not started (the kernel's own lines say more then). */
char *makepkg_log_doing(const struct makepkg_log *m);
/* Reads curl's meter from a partial line (job_partial: pieces ended by '\r');
 * false when its last piece is not one. */
bool makepkg_meter_parse(const char *s, size_t len, struct makepkg_meter *out);

#endif
