/* The unattended run across the reboot: the reboot into the built kernel
 * once, set up (reboot_setup_*), and the log of what kfdo continue did for
 * the user coming back (away_*). engine/unattended.c. */
#ifndef KFDO_UNATTENDED_H
#define KFDO_UNATTENDED_H

#include <stdbool.h>

#include "engine/bootentry.h"
#include "engine/plan.h"
#include "engine/session.h"

/* The reboot into the built kernel, once, and the unattended run after it:
 * what kfdo reboot and the wizard's reboot screen show and then do. The
 * setup is computed first and changes nothing (the boot entry of the
 * installed package, the files kfdo would put on the system, the commands);
 * arming writes the user's files and records the boot it was armed in; the
 * root commands (the sysctl drop-in, the one-shot, the reboot) are the front
 * end's to run, through sudo, after it showed them. */
enum reboot_how {
	REBOOT_NOW,		/* boot the entry once and reboot now */
	REBOOT_BY_HAND,		/* the user reboots; the continuation is set up */
};

struct reboot_setup {
	enum reboot_how how;
	bool cont;		/* kfdo continues by itself after the login */
	bool found;		/* an entry with a real one-shot */
	bool recording;		/* the run after the reboot records (with the session's workload) */
	char *record_line;	/* the recording it will run, as shown; NULL: none */
	struct boot_entry entry;
	char *why;		/* no entry: why, and what to choose in the boot menu */
	char *unit, *autostart;	/* the user files' texts (cont) */
	char *unit_path, *autostart_path;
	char *sysctl, *sysctl_path;	/* the drop-in, NULL: perf may record already */
	struct plan plan;	/* the root commands and the reboot, in order */
	char *self;		/* the kfdo the unit runs */
	char *sysroot;		/* the session's, where root's files go */
};

/* Computes the setup. -1 with *cause when it cannot be done as asked (no
 * installed kernel, no entry to reboot into and how is REBOOT_NOW); 1 when
 * the built kernel already runs (nothing to do); 0 otherwise. Writes nothing;
 * a session without a workload gets the default one in memory, since nobody
 * will be there to choose. */
int reboot_setup_prepare(struct session *s, enum reboot_how how, bool cont, struct reboot_setup *rs,
			 char **cause);
/* The commands arming will plan, appended to p for showing first (the
 * drop-in's, the one-shot, the reboot). */
void reboot_setup_preview(const struct reboot_setup *rs, struct plan *p);
/* Arms it: the session remembers this boot and the entry (saved), the unit
 * and the autostart entry are written, the sysctl drop-in is recorded as
 * installed (rs->plan then holds its commands). 0, or -1 with cause and
 * nothing left armed. */
int reboot_setup_arm(struct session *s, struct reboot_setup *rs, char **cause);
/* After rs->plan failed or was declined: the user's files removed, the
 * session disarmed; root's files that did get in stay listed (kfdo status,
 * kfdo reset). */
void reboot_setup_disarm(struct session *s);
void reboot_setup_free(struct reboot_setup *rs);

/* The log of an unattended run (kfdo continue after the reboot), kept for the
 * user coming back: "while you were away: ..." on their next kfdo run, in the
 * wizard and in kfdo status. One file, $XDG_STATE_HOME/kfdo/away.log: a
 * header line with the start time, then one line per thing done. */
/* Starts a new log (the old one is gone); 0, or -1 with cause. */
int away_begin(char **cause);
/* Appends a line (printf format); best effort: the run goes on without it. */
void away_add(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The log's lines (the header first), NULL when there is none; *unseen says
 * whether nobody was shown it yet. */
char **away_read(bool *unseen);
/* Marks the log as shown: the next kfdo run does not show it again (status
 * still does). */
void away_mark_seen(void);

#endif
