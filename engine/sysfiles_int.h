/* What the sysfiles files share: the manifest's save, the directories, a file
 * written whole. Part of engine/sysfiles (README, Layout). */
#ifndef KFDO_SYSFILES_INT_H
#define KFDO_SYSFILES_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/sysfiles.h"

/* The second name of root's installed file (engine/sysfiles_root.c). */
#define SYSFILES_MINE_SUFFIX ".kfdo-mine"

/* $XDG_STATE_HOME/kfdo/SUB ("saved", "staged", the manifest). malloc'd. */
char *sysfiles_state_path(const char *sub);
/* $XDG_CONFIG_HOME, or ~/.config. malloc'd. */
char *sysfiles_config_home(void);
/* Writes the manifest (temp file, fsync, rename); removes it when n is 0.
 * 0, or -1 with cause. */
int sysfiles_save(const struct sysfile *v, size_t n, char **cause);
/* An entry's fields the manifest and kfdo status --json share: kind, path,
 * root, saved. A new object; each adds its own fields. */
json_object *sysfiles_entry_json(const struct sysfile *f);
/* Adds a copy of f (replacing an entry of the same path). */
void sysfiles_put(struct sysfile **v, size_t *n, const struct sysfile *f);
/* Drops entry i, freeing it. */
void sysfiles_drop(struct sysfile *v, size_t *n, size_t i);
/* The index of the entry for path, or -1. */
long sysfiles_find(const struct sysfile *v, size_t n, const char *path);
/* Writes text to path through a temp file in its directory and rename(), with
 * mode. 0, or -1 with cause. */
int sysfiles_write_file(const char *path, const char *text, unsigned mode, char **cause);
/* The levels of dir that do not exist yet, deepest first (NULL: none). */
char **sysfiles_missing_dirs(const char *dir);
/* The directory part of path. malloc'd. */
char *sysfiles_dirname(const char *path);

#endif
