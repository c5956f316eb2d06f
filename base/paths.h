/* Where kfdo keeps things, after the XDG base directory spec: the session and
 * the logs (state), profiles and recordings (data), scratch builds and probes
 * (cache). Each is "$XDG_..._HOME/kfdo" when that variable is absolute (the
 * spec says to ignore a relative one), else below $HOME. malloc'd. */
#ifndef KFDO_PATHS_H
#define KFDO_PATHS_H

/* $XDG_STATE_HOME/kfdo, or ~/.local/state/kfdo; the override when one is set. */
char *paths_state_dir(void);
/* Tests: the state directory to use instead; NULL drops the override. */
void paths_set_state_dir(const char *dir);
/* $XDG_DATA_HOME/kfdo, or ~/.local/share/kfdo. */
char *paths_data_dir(void);
/* $XDG_CACHE_HOME/kfdo, or ~/.cache/kfdo. */
char *paths_cache_dir(void);

#endif
