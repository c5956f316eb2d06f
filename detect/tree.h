/* A kernel source tree: its version, whether its Kconfig offers AutoFDO,
 * Propeller and ThinLTO, whether it has `make pacman-pkg`, and what its
 * .config currently says. Reads files only. */
#ifndef KFDO_TREE_H
#define KFDO_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "detect/check.h"

/* AUTOFDO_CLANG and PROPELLER_CLANG arrived upstream in 6.13. */
#define TREE_AUTOFDO_VERSION 6
#define TREE_AUTOFDO_PATCHLEVEL 13

/* A parsed .config. Values: "y", "m", "n" (for "# CONFIG_X is not set"),
 * numbers and unquoted strings as written. */
struct kernel_config {
	bool present;
	char *path;
	size_t n;
	char **names;            /* "CONFIG_AUTOFDO_CLANG", ... */
	char **values;
	/* What kfdo decides with. */
	bool cc_is_clang, autofdo_clang, propeller_clang;
	bool lto_clang_thin, lto_clang_full, lto_none, debug_info;
	long clang_version;      /* CONFIG_CLANG_VERSION, 190107 for 19.1.7; 0 when unset */
};

struct kernel_tree {
	char *path;
	int version, patchlevel, sublevel;
	char *extraversion;      /* "" or "-rc1" */
	char *release_string;    /* "6.13.0-rc1": VERSION.PATCHLEVEL.SUBLEVEL EXTRAVERSION */
	bool has_autofdo;        /* its Kconfig has `config AUTOFDO_CLANG` */
	bool has_propeller;      /* `config PROPELLER_CLANG` */
	bool has_lto_thin;       /* `config LTO_CLANG_THIN` */
	bool has_pacman_pkg;     /* scripts/package/PKGBUILD and the pacman-pkg target */
	struct kernel_config config;   /* <path>/.config; config.present false without one */
	enum check_status status;      /* CHECK_FAIL when it cannot do AutoFDO */
	char *message;
	char *remedy;
};

/* Reads the tree at path. Returns 0, or -1 with cause when path does not
 * exist or is not a kernel tree (no Makefile setting VERSION and PATCHLEVEL,
 * or no Kconfig). A tree too old for AutoFDO is not an error: see status. */
int tree_inspect(const char *path, struct kernel_tree *tree, char **cause);
void tree_free(struct kernel_tree *tree);
/* Adds "tree.version", "tree.autofdo", "tree.propeller", "tree.lto-thin",
 * "tree.pacman-pkg" and "tree.config". */
void tree_checks(const struct kernel_tree *tree, struct check_list *list);
/* Does a line `config SYM` or `menuconfig SYM` (indented or not) appear in a Kconfig text? */
bool tree_kconfig_defines(const char *text, const char *sym);
/* version.patchlevel >= v.p? */
bool tree_version_at_least(const struct kernel_tree *tree, int v, int p);

/* Reads a .config (for example one in a separate O= build directory).
 * Returns 0, or -1 with cause when it cannot be read. */
int tree_config_read(const char *path, struct kernel_config *cfg, char **cause);
/* The value of a symbol, with or without its CONFIG_ prefix; NULL when absent. */
const char *tree_config_get(const struct kernel_config *cfg, const char *name);
/* Is the symbol y (or m)? */
bool tree_config_enabled(const struct kernel_config *cfg, const char *name);
void tree_config_free(struct kernel_config *cfg);

#endif
