/* What kfdo installs on the system for the unattended run after the reboot,
 * and how every piece of it goes away again.
 *
 * Three kinds of file, each the narrowest that works:
 *   sysctl     /etc/sysctl.d/99-kfdo-perf.conf (root): perf may record the kernel
 *              (perf_event_paranoid 0, kptr_restrict 0) after the reboot
 *   unit       $XDG_CONFIG_HOME/systemd/user/kfdo-continue.service and its
 *              default.target.wants/ link (the user's): `kfdo continue` after login
 *   autostart  $XDG_CONFIG_HOME/autostart/kfdo-continue.desktop (the user's): the
 *              unit's journal followed in a terminal, so that the user sees the run
 *
 * Every file is recorded in the manifest, $XDG_STATE_HOME/kfdo/installed.json,
 * before it is written, so that an install cut short can still be undone, and
 * what was at its path before (bytes, mode, owner) is kept and put back on
 * removal: the user's files under $XDG_STATE_HOME/kfdo/saved/, root's beside
 * the file as NAME.kfdo-saved (root-owned, where the user cannot change what
 * root will put back; systemd-sysctl ignores that name).
 *
 * The user's files kfdo writes itself; root's are plan commands (argv, through
 * sudo unless kfdo is root) that the runner runs. */
#ifndef KFDO_SYSFILES_H
#define KFDO_SYSFILES_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "engine/plan.h"

enum sysfile_kind {
	SYSFILE_SYSCTL,
	SYSFILE_UNIT,
	SYSFILE_UNIT_LINK,	/* the unit's enabling link, installed with SYSFILE_UNIT */
	SYSFILE_AUTOSTART,
	SYSFILE_KIND_COUNT
};

#define SYSFILES_MANIFEST "installed.json"
/* The user unit's name: its file, its link, and the journal the autostart entry follows. */
#define SYSFILES_UNIT_NAME "kfdo-continue.service"
/* The suffixes of root's files beside the real one: the previous file while
 * kfdo's is in place, and kfdo's file before it is checked and moved in. */
#define SYSFILES_SAVED_SUFFIX ".kfdo-saved"
#define SYSFILES_NEW_SUFFIX ".kfdo-new"

/* "sysctl", "unit", "unit-link", "autostart" (the manifest's names). */
const char *sysfile_kind_name(enum sysfile_kind k);
bool sysfile_kind_parse(const char *name, enum sysfile_kind *out);
/* Whether root owns files of this kind (installed through plan commands). */
bool sysfile_kind_root(enum sysfile_kind k);
/* Where a file of this kind goes: root's below sysroot (NULL or "/": the
 * system), the user's below $XDG_CONFIG_HOME (or ~/.config). malloc'd. */
char *sysfiles_path(enum sysfile_kind k, const char *sysroot);

/* ---- the texts (shown to the user before anything is installed) ---- */

/* The sysctl drop-in. malloc'd. */
char *sysfiles_sysctl_text(void);
/* The settings it makes, "kernel.perf_event_paranoid" and "kernel.kptr_restrict". */
extern const char *const sysfiles_sysctl_keys[];
extern const size_t sysfiles_sysctl_nkeys;
/* The user unit running `KFDO_PATH continue`, with the XDG base directories
 * and PATH of this environment (the user manager may not have the ones the
 * user's shell sets). 0, or -1 with cause (a relative path, a control character). */
int sysfiles_unit_text(const char *kfdo_path, char **text, char **cause);
/* The autostart entry: TERMINAL (an argv prefix, see sysfiles_find_terminal)
 * followed by JOURNALCTL following the unit's output, so that the user sees
 * the unattended run. 0, or -1 with cause. */
/* journalctl's absolute path (/usr/bin/journalctl where PATH has none). malloc'd. */
char *sysfiles_journalctl(void);
int sysfiles_autostart_text(const char *journalctl, char *const *terminal, char **text, char **cause);
/* A terminal emulator to run a command in, searched on PATH: its absolute path
 * and the option after which the command follows ({"/usr/bin/konsole", "-e"}),
 * the desktop's own first. NULL when there is none. malloc'd. */
char **sysfiles_find_terminal(void);

/* ---- the manifest ---- */

struct sysfile {
	enum sysfile_kind kind;
	char *path;		/* absolute, the sysroot included */
	bool root;
	/* Where the previous file is kept; NULL: nothing was at path. For root's
	 * file the copy may be absent (the install stopped before it put the file
	 * aside, or kfdo could not look into the directory): the removal plan then
	 * restores it only if it is there. */
	char *saved;
	char *staged;		/* root's: the text kfdo staged for install, NULL: none */
	char **dirs;		/* directories the install created, deepest first */
	char **before;		/* SYSFILE_SYSCTL: "key=value" read before the install */
};

/* The files installed (in the order they were), empty when none. 0, or -1
 * with cause (the manifest is unreadable: it is left as it is). */
int sysfiles_load(struct sysfile **out, size_t *n, char **cause);
void sysfiles_free(struct sysfile *v, size_t n);

/* ---- install ---- */

struct sysfiles_in {
	const char *sysroot;		/* root's files below it (tests); NULL: "/" */
	const char *kfdo_path;		/* absolute: unit, autostart */
	char *const *terminal;		/* autostart; NULL: sysfiles_find_terminal() */
};

/* Writes a user file (SYSFILE_UNIT with its link, SYSFILE_AUTOSTART): the
 * manifest first, then the previous file kept, then the new one (temp file and
 * rename). Installing again over kfdo's own file keeps the first saved copy.
 * 0, or -1 with cause. */
int sysfiles_install_user(enum sysfile_kind kind, const struct sysfiles_in *in, char **cause);
/* Root's file (SYSFILE_SYSCTL, the only one): stages the text under
 * $XDG_STATE_HOME/kfdo/staged/, records it in the manifest (with the sysctl
 * values in force now, read below the sysroot), and appends the commands that
 * install it, all needs_root (engine/sysfiles_root.c): `install -m 0644 -o root
 * -g root` of the text to NAME.kfdo-new, an awk check that this root-owned
 * copy is kfdo's text to the byte, the file now at NAME moved to
 * NAME.kfdo-saved unless it is kfdo's own, kfdo's file marked with a second
 * name (NAME.kfdo-mine) and moved in. It is not applied: the reboot does. The
 * commands may stop anywhere and run again. Planning records the file as
 * installed: to show the commands only, use sysfiles_install_cmds. 0, or -1
 * with cause (nothing recorded). */
int sysfiles_install_plan(enum sysfile_kind kind, const struct sysfiles_in *in, struct plan *p,
			  char **cause);

/* The commands sysfiles_install_plan would append, for showing them (kfdo plan,
 * a preview): nothing is staged or recorded. */
void sysfiles_install_cmds(enum sysfile_kind kind, const char *sysroot, struct plan *p);

/* ---- removal ---- */

/* Removes the user's files of the manifest (putting back what was there) and
 * drops their entries. Root's entries stay for sysfiles_remove_plan. 0, or -1
 * with cause (the entries not yet removed stay in the manifest). */
int sysfiles_remove_user(char **cause);
/* The commands that remove root's files of the manifest: the previous file
 * moved back (or kfdo's removed), the leftover NAME.kfdo-new removed, and the
 * sysctl values set back with `sysctl -w`. Only kfdo's own paths below
 * sysroot (NULL: "/") are removed: a manifest naming any other file is
 * refused whole (-1), since the commands run as root. Nothing is appended when the
 * manifest has no root file. 0, or -1 with cause. */
int sysfiles_remove_plan(const char *sysroot, struct plan *p, char **cause);
/* After that plan ran, or when an install plan is abandoned before it ran:
 * drops each root entry whose file is not kfdo's any more (or never was) from
 * the manifest, with its staged text. An entry whose file kfdo can see is
 * still in place stays, and that is -1 with cause. In a directory kfdo may
 * not read it cannot see: there the caller vouches that the removal plan ran. */
int sysfiles_forget_root(char **cause);

/* Tests: a user file's install stops (-1) after recording it in the manifest
 * (1) or after keeping the previous file (2), as a crash there would; 0: never. */
void sysfiles_test_stop_at(int stage);

/* ---- status ---- */

/* A line per installed file, "PATH (root): what it is for", translated;
 * NULL when none. malloc'd. */
char **sysfiles_status_lines(void);
/* The same for `kfdo status --json`: [{"kind", "path", "root", "saved",
 * "present"}...]; an empty array when none, null when unreadable. */
json_object *sysfiles_status_json(void);

#endif
