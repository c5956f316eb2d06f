#include "detect/tree.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"

/* Where Kconfig symbols for the compiler features live: arch/Kconfig
 * upstream; the others catch backports that put them elsewhere. */
static const char *const kconfig_files[] = {
	"arch/Kconfig", "arch/x86/Kconfig", "init/Kconfig", "lib/Kconfig.debug", "Kconfig",
};

static char *tree_file(const char *tree, const char *rel)
{
	return xasprintf("%s/%s", tree, rel);
}

static bool tree_has_file(const char *tree, const char *rel)
{
	char *p = tree_file(tree, rel);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

/* The value of a top-level `NAME = value` assignment, trimmed; NULL when absent. */
static char *makefile_var(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > n && strncmp(p, name, n) == 0) {
			const char *q = p + n;
			while (q < p + len && (*q == ' ' || *q == '\t'))
				q++;
			if (q < p + len && *q == '=') {
				char *v = xasprintf("%.*s", (int)(len - (size_t)(q + 1 - p)), q + 1);
				char *t = str_trim(v);
				char *out = xstrdup(t);
				free(v);
				return out;
			}
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

static bool parse_int(const char *s, int *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 10000)
		return false;
	*out = (int)v;
	return true;
}

static int read_version(struct kernel_tree *t, char **cause)
{
	char *mk = tree_file(t->path, "Makefile");
	char *text = file_read(mk, 1 << 22, NULL);
	free(mk);
	if (!text) {
		cause_set(cause, _("%s is not a kernel tree: it has no top-level Makefile"), t->path);
		return -1;
	}
	char *v = makefile_var(text, "VERSION"), *p = makefile_var(text, "PATCHLEVEL");
	char *s = makefile_var(text, "SUBLEVEL"), *x = makefile_var(text, "EXTRAVERSION");
	free(text);
	int rc = 0;
	if (!parse_int(v, &t->version) || !parse_int(p, &t->patchlevel)) {
		cause_set(cause, _("%s is not a kernel tree: its Makefile sets no VERSION = and "
				    "PATCHLEVEL ="), t->path);
		rc = -1;
	} else {
		if (!parse_int(s, &t->sublevel))
			t->sublevel = 0;
		t->extraversion = xstrdup(x ? x : "");
		t->release_string = xasprintf("%d.%d.%d%s", t->version, t->patchlevel, t->sublevel,
					      t->extraversion);
	}
	free(v);
	free(p);
	free(s);
	free(x);
	return rc;
}

bool tree_kconfig_defines(const char *text, const char *sym)
{
	size_t n = strlen(sym);
	for (const char *p = text; p && *p;) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		const char *kw = NULL;
		if (str_starts(q, "config"))
			kw = q + 6;
		else if (str_starts(q, "menuconfig"))
			kw = q + 10;
		if (kw && (*kw == ' ' || *kw == '\t')) {
			while (*kw == ' ' || *kw == '\t')
				kw++;
			if (strncmp(kw, sym, n) == 0 &&
			    (kw[n] == '\n' || kw[n] == '\0' || isspace((unsigned char)kw[n])))
				return true;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}

static void read_kconfig(struct kernel_tree *t)
{
	for (size_t i = 0; i < ARRAY_LEN(kconfig_files); i++) {
		char *path = tree_file(t->path, kconfig_files[i]);
		char *text = file_read(path, 1 << 22, NULL);
		free(path);
		if (!text)
			continue;
		t->has_autofdo = t->has_autofdo || tree_kconfig_defines(text, "AUTOFDO_CLANG");
		t->has_propeller = t->has_propeller || tree_kconfig_defines(text, "PROPELLER_CLANG");
		t->has_lto_thin = t->has_lto_thin || tree_kconfig_defines(text, "LTO_CLANG_THIN");
		free(text);
	}
}

/* `make pacman-pkg` needs both the PKGBUILD and the target. */
static bool read_pacman_pkg(const char *tree)
{
	if (!tree_has_file(tree, "scripts/package/PKGBUILD"))
		return false;
	char *path = tree_file(tree, "scripts/Makefile.package");
	char *text = file_read(path, 1 << 20, NULL);
	free(path);
	bool ok = false;
	for (const char *p = text; p && *p && !ok;) {
		ok = str_starts(p, "pacman-pkg:");
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	free(text);
	return ok;
}

bool tree_version_at_least(const struct kernel_tree *tree, int v, int p)
{
	return tree->version > v || (tree->version == v && tree->patchlevel >= p);
}

static const char *const REMEDY_TOO_OLD =
	N_("Use Linux 6.13 or later, or a distribution kernel tree that carries the AutoFDO "
	   "patches, such as linux-cachyos.");

/* The one-line verdict on the tree as a whole. */
static void tree_rate(struct kernel_tree *t)
{
	bool new_enough = tree_version_at_least(t, TREE_AUTOFDO_VERSION, TREE_AUTOFDO_PATCHLEVEL);
	if (t->has_autofdo) {
		t->status = CHECK_OK;
		t->message = xasprintf(_("Linux %s at %s supports AutoFDO%s"), t->release_string, t->path,
				       new_enough ? "" : _(" (it carries the AutoFDO patches)"));
	} else if (!new_enough) {
		t->status = CHECK_FAIL;
		t->message = xasprintf(_("Linux %s at %s is too old for AutoFDO: AUTOFDO_CLANG "
					 "arrived in 6.13"), t->release_string, t->path);
		t->remedy = xstrdup(_(REMEDY_TOO_OLD));
	} else {
		t->status = CHECK_FAIL;
		t->message = xasprintf(_("Linux %s at %s has no AUTOFDO_CLANG in its Kconfig"),
				       t->release_string, t->path);
		t->remedy = xstrdup(_(REMEDY_TOO_OLD));
	}
}

int tree_inspect(const char *path, struct kernel_tree *tree, char **cause)
{
	memset(tree, 0, sizeof(*tree));
	struct stat st;
	if (!path || !*path) {
		cause_set(cause, _("no kernel tree given"));
		return -1;
	}
	if (stat(path, &st) != 0) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		cause_set(cause, _("%s is not a directory (a kernel tree is)"), path);
		return -1;
	}
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	tree->path = xasprintf("%.*s", (int)n, path);
	if (read_version(tree, cause) < 0)
		goto fail;
	if (!tree_has_file(tree->path, "Kconfig")) {
		cause_set(cause, _("%s is not a kernel tree: it has no Kconfig"), tree->path);
		goto fail;
	}
	read_kconfig(tree);
	tree->has_pacman_pkg = read_pacman_pkg(tree->path);
	char *cfg = tree_file(tree->path, ".config");
	if (access(cfg, F_OK) == 0)
		tree_config_read(cfg, &tree->config, NULL);
	free(cfg);
	tree_rate(tree);
	return 0;
fail:
	tree_free(tree);
	return -1;
}

void tree_free(struct kernel_tree *tree)
{
	free(tree->path);
	free(tree->extraversion);
	free(tree->release_string);
	free(tree->message);
	free(tree->remedy);
	tree_config_free(&tree->config);
	memset(tree, 0, sizeof(*tree));
}

static void config_checks(const struct kernel_tree *t, struct check_list *list)
{
	const struct kernel_config *c = &t->config;
	if (!c->present) {
		check_add(list, "tree.config", CHECK_SKIP, NULL,
			  _("no .config in %s yet: the configure step makes one"), t->path);
		return;
	}
	const char *lto = c->lto_clang_thin ? "thin" : c->lto_clang_full ? "full" : "none";
	if (!c->cc_is_clang) {
		check_add(list, "tree.config", CHECK_WARN,
			  _("Configure again with LLVM=1 (kfdo's configure step does): "
			    "AUTOFDO_CLANG is dropped silently under GCC."),
			  _("%s was made for GCC (CC_IS_CLANG is not set)"), c->path);
		return;
	}
	check_add(list, "tree.config", CHECK_OK, NULL,
		  "%s: clang %ld.%ld.%ld, AUTOFDO_CLANG %s, PROPELLER_CLANG %s, LTO %s", c->path,
		  c->clang_version / 10000, c->clang_version / 100 % 100, c->clang_version % 100,
		  c->autofdo_clang ? _("on") : _("off"), c->propeller_clang ? _("on") : _("off"), lto);
}

void tree_checks(const struct kernel_tree *t, struct check_list *list)
{
	bool new_enough = tree_version_at_least(t, TREE_AUTOFDO_VERSION, TREE_AUTOFDO_PATCHLEVEL);
	if (new_enough || t->has_autofdo)
		check_add(list, "tree.version", CHECK_OK, NULL, _("Linux %s at %s"), t->release_string,
			  t->path);
	else
		check_add(list, "tree.version", CHECK_FAIL, _(REMEDY_TOO_OLD),
			  _("Linux %s at %s is too old for AutoFDO (it arrived in 6.13)"),
			  t->release_string, t->path);
	if (t->has_autofdo)
		check_add(list, "tree.autofdo", CHECK_OK, NULL, _("Kconfig offers AUTOFDO_CLANG"));
	else
		check_add(list, "tree.autofdo", CHECK_FAIL, _(REMEDY_TOO_OLD),
			  _("Kconfig has no AUTOFDO_CLANG"));
	if (t->has_propeller)
		check_add(list, "tree.propeller", CHECK_OK, NULL, _("Kconfig offers PROPELLER_CLANG"));
	else
		check_add(list, "tree.propeller", CHECK_WARN, _(REMEDY_TOO_OLD),
			  _("Kconfig has no PROPELLER_CLANG: no Propeller build with this tree"));
	if (t->has_lto_thin)
		check_add(list, "tree.lto-thin", CHECK_OK, NULL, _("Kconfig offers LTO_CLANG_THIN"));
	else
		check_add(list, "tree.lto-thin", CHECK_WARN, NULL,
			  _("Kconfig has no LTO_CLANG_THIN: the profile reaches the compiler only"));
	if (t->has_pacman_pkg)
		check_add(list, "tree.pacman-pkg", CHECK_OK, NULL, _("`make pacman-pkg` is available"));
	else
		check_add(list, "tree.pacman-pkg", CHECK_WARN,
			  _("Use a newer kernel tree (every tree with AutoFDO has it), or build with a "
			    "distribution PKGBUILD such as linux-cachyos."),
			  _("no `make pacman-pkg` (scripts/package/PKGBUILD and its target): kfdo "
			    "cannot package this tree"));
	config_checks(t, list);
}

/* Unquotes "..." with backslash escapes, as Kconfig writes strings. */
static char *config_value(const char *v, size_t len)
{
	if (len < 2 || v[0] != '"' || v[len - 1] != '"')
		return xasprintf("%.*s", (int)len, v);
	char *out = xmalloc(len);
	size_t k = 0;
	for (size_t i = 1; i + 1 < len; i++) {
		if (v[i] == '\\' && i + 2 < len)
			i++;
		out[k++] = v[i];
	}
	out[k] = '\0';
	return out;
}

static void config_add(struct kernel_config *cfg, const char *name, size_t nlen, char *value,
		       size_t *cap)
{
	if (cfg->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		cfg->names = xrealloc(cfg->names, *cap * sizeof(*cfg->names));
		cfg->values = xrealloc(cfg->values, *cap * sizeof(*cfg->values));
	}
	cfg->names[cfg->n] = xasprintf("%.*s", (int)nlen, name);
	cfg->values[cfg->n] = value;
	cfg->n++;
}

int tree_config_read(const char *path, struct kernel_config *cfg, char **cause)
{
	memset(cfg, 0, sizeof(*cfg));
	char *text = file_read(path, 1 << 24, NULL);
	if (!text) {
		cause_set(cause, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 0;
	for (char *p = text; p && *p;) {
		char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (str_starts(p, "CONFIG_")) {
			const char *eq = memchr(p, '=', len);
			if (eq)
				config_add(cfg, p, (size_t)(eq - p),
					   config_value(eq + 1, len - (size_t)(eq + 1 - p)), &cap);
		} else if (str_starts(p, "# CONFIG_") && len > 13 &&
			   strncmp(p + len - 11, " is not set", 11) == 0) {
			config_add(cfg, p + 2, len - 13, xstrdup("n"), &cap);
		}
		p = e ? e + 1 : NULL;
	}
	free(text);
	cfg->present = true;
	cfg->path = xstrdup(path);
	cfg->cc_is_clang = tree_config_enabled(cfg, "CC_IS_CLANG");
	cfg->autofdo_clang = tree_config_enabled(cfg, "AUTOFDO_CLANG");
	cfg->propeller_clang = tree_config_enabled(cfg, "PROPELLER_CLANG");
	cfg->lto_clang_thin = tree_config_enabled(cfg, "LTO_CLANG_THIN");
	cfg->lto_clang_full = tree_config_enabled(cfg, "LTO_CLANG_FULL");
	cfg->lto_none = tree_config_enabled(cfg, "LTO_NONE");
	cfg->debug_info = tree_config_enabled(cfg, "DEBUG_INFO");
	const char *cv = tree_config_get(cfg, "CLANG_VERSION");
	cfg->clang_version = cv ? strtol(cv, NULL, 10) : 0;
	return 0;
}

const char *tree_config_get(const struct kernel_config *cfg, const char *name)
{
	if (str_starts(name, "CONFIG_"))
		name += 7;
	/* The last assignment wins, as in Kconfig. */
	for (size_t i = cfg->n; i-- > 0;)
		if (strcmp(cfg->names[i] + 7, name) == 0)
			return cfg->values[i];
	return NULL;
}

bool tree_config_enabled(const struct kernel_config *cfg, const char *name)
{
	const char *v = tree_config_get(cfg, name);
	return v && (strcmp(v, "y") == 0 || strcmp(v, "m") == 0);
}

void tree_config_free(struct kernel_config *cfg)
{
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->names[i]);
		free(cfg->values[i]);
	}
	free(cfg->names);
	free(cfg->values);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}
