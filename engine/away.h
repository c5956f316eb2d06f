/* The log of an unattended run (kfdo continue after the reboot), kept for the
 * user coming back: "while you were away: ..." on their next kfdo run, in the
 * wizard and in kfdo status. One file, $XDG_STATE_HOME/kfdo/away.log: a
 * header line with the start time, then one line per thing done. */
#ifndef KFDO_AWAY_H
#define KFDO_AWAY_H

#include <stdbool.h>

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
