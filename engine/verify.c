/* What a build really did, read from what it left in the objtree: its .config
 * (make's syncconfig quietly turns a toggle off when a Kconfig dependency
 * changed since configure, another clang for instance) and the compile and
 * link commands kbuild saves in .cmd files (the AutoFDO flags, the profile).
 * The build steps' hooks and postconditions ask it (through probe_built). */
#include "engine/verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "engine/kmake.h"
#include "engine/makepkg.h"
#include "base/util.h"
#include "detect/tree.h"

/* Objects every kernel builds into vmlinux, in the order they are asked:
 * the first whose .cmd exists shows the flags of the kernel's compiles. */
static const struct {
	const char *obj, *cmd;
} probes[] = {
	{ "kernel/fork.o", "kernel/.fork.o.cmd" },
	{ "init/main.o", "init/.main.o.cmd" },
};

/* Kconfig symbols the toolchain sets; a change in one is what usually makes
 * syncconfig drop AUTOFDO_CLANG or LTO_CLANG_THIN at build time. */
static const char *const toolchain_syms[] = {
	"CC_VERSION_TEXT", "CC_IS_CLANG", "CLANG_VERSION", "AS_IS_LLVM", "LD_IS_LLD", "LLD_VERSION",
};

/* One saved command: "savedcmd_TARGET := COMMAND" on the first line of a .cmd
 * file (kernels before 6.4 wrote "cmd_TARGET := ..."). */
struct saved_cmd {
	char *path;		/* the .cmd file */
	char *cmd;		/* the command, NULL when the file is absent or unreadable */
	struct timespec mtime;	/* when kbuild wrote it: when the target was built */
};

static void saved_cmd_read(struct saved_cmd *c, const char *objtree, const char *rel)
{
	c->path = xasprintf("%s/%s", objtree, rel);
	c->cmd = NULL;
	FILE *f = fopen(c->path, "r");
	struct stat st;
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	const char *sep = n > 0 ? strstr(line, " := ") : NULL;
	if (sep && fstat(fileno(f), &st) == 0 && (str_starts(line, "savedcmd_") || str_starts(line, "cmd_"))) {
		c->cmd = xstrdup(sep + 4);
		c->cmd[strcspn(c->cmd, "\n")] = '\0';
		c->mtime = st.st_mtim;
	}
	free(line);
	fclose(f);
}

static void saved_cmd_free(struct saved_cmd *c)
{
	free(c->path);
	free(c->cmd);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Is word one of the command's whitespace-separated words? */
static bool cmd_has_word(const char *cmd, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = cmd; (p = strstr(p, word)); p += n)
		if ((p == cmd || is_space(p[-1])) && (!p[n] || is_space(p[n])))
			return true;
	return false;
}

/* Adds an item to a ", "-separated list. */
static void list_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void list_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *item = xvasprintf(fmt, ap);
	va_end(ap);
	sb_addf(sb, "%s%s", sb->len ? ", " : "", item);
	free(item);
}

/* The value of the command's last word "PREFIXVALUE" (the compiler and the
 * linker take the last), with kbuild's .cmd escapes ($$ and $(pound)) undone;
 * NULL when there is none. */
static char *cmd_flag_value(const char *cmd, const char *prefix)
{
	const char *last = NULL;
	size_t n = strlen(prefix);
	for (const char *p = cmd; (p = strstr(p, prefix)); p += n)
		if (p == cmd || is_space(p[-1]))
			last = p + n;
	if (!last)
		return NULL;
	struct strbuf sb = { 0 };
	sb_add(&sb, "");
	for (const char *p = last; *p && !is_space(*p);) {
		if (str_starts(p, "$(pound)")) {
			sb_add(&sb, "#");
			p += 8;
		} else if (str_starts(p, "$$")) {
			sb_add(&sb, "$");
			p += 2;
		} else {
			char ch[2] = { *p++, '\0' };
			sb_add(&sb, ch);
		}
	}
	return sb.s;
}

/* The same file: the same path, or both resolve to one. */
static bool same_file(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return true;
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	bool same = ra && rb && strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return same;
}

/* What changed in the toolchain's symbols between .config.old (what configure
 * left: syncconfig moves it there when it rewrites .config) and .config, as
 * "CLANG_VERSION 190107 -> 180108"; NULL when that cannot be told. */
static char *toolchain_changes(const char *objtree)
{
	char *old_path = xasprintf("%s/.config.old", objtree), *new_path = xasprintf("%s/.config", objtree);
	struct kernel_config old_cfg, new_cfg;
	bool have_old = tree_config_read(old_path, &old_cfg, NULL) == 0;
	bool have_new = have_old && tree_config_read(new_path, &new_cfg, NULL) == 0;
	struct strbuf sb = { 0 };
	for (size_t i = 0; have_new && i < ARRAY_LEN(toolchain_syms); i++) {
		const char *a = tree_config_get(&old_cfg, toolchain_syms[i]);
		const char *b = tree_config_get(&new_cfg, toolchain_syms[i]);
		if (a && b && strcmp(a, b) == 0)
			continue;
		if (!a && !b)
			continue;
		/* CC_VERSION_TEXT has spaces: quoted, as in .config. */
		const char *qa = a && strchr(a, ' ') ? "\"" : "", *qb = b && strchr(b, ' ') ? "\"" : "";
		list_addf(&sb, "%s %s%s%s -> %s%s%s", toolchain_syms[i], qa, a ? a : _("(unset)"), qa, qb,
			  b ? b : _("(unset)"), qb);
	}
	if (have_new)
		tree_config_free(&new_cfg);
	if (have_old)
		tree_config_free(&old_cfg);
	free(old_path);
	free(new_path);
	return sb.s;
}

/* .config still holds every toggle: 0 with what it holds added to ok, or -1
 * with why in *fail. */
static int verify_config(const struct session *s, const char *objtree, struct strbuf *ok, char **fail)
{
	char *path = xasprintf("%s/.config", objtree);
	char **dropped = NULL, *cause = NULL;
	struct toggles t = makepkg_toggles(s);
	int rc = kmake_config_readback(path, &t, &dropped, &cause);
	free(path);
	if (rc < 0) {
		cause_set(fail, _("cannot read .config back after the build: %s"), cause);
		free(cause);
		return -1;
	}
	if (dropped) {
		struct strbuf list = { 0 };
		for (size_t i = 0; dropped[i]; i++)
			list_addf(&list, "%s", dropped[i]);
		char *changes = toolchain_changes(objtree);
		char *reason = changes ? xasprintf(_("here %s"), changes)
				       : xstrdup(_("another compiler or linker than at configure time?"));
		cause_set(fail, _("the build dropped toggles from .config: %s. make's syncconfig turns a toggle "
				  "off when a Kconfig dependency changed since configure (%s), so this kernel "
				  "is not built as asked: configure again, then build again"), list.s, reason);
		free(reason);
		free(changes);
		sb_free(&list);
		strv_free(dropped);
		return -1;
	}
	char **ops = kmake_toggle_args(&t);
	struct strbuf on = { 0 };
	for (size_t i = 0; ops && ops[i] && ops[i + 1]; i += 2)
		if (strcmp(ops[i], "-e") == 0)
			list_addf(&on, "%s", ops[i + 1]);
	strv_free(ops);
	if (on.len)
		sb_addf(ok, _("%s in .config"), on.s);
	else
		sb_add(ok, _(".config as configured"));
	sb_free(&on);
	return 0;
}

/* The profile in a saved command is the session's, and the target was built
 * after the profile was last written: 0, or -1 with why in *fail. */
static int verify_profile_use(const struct saved_cmd *c, const char *target, const char *flag,
			      const char *profile, const char *objtree, char **fail)
{
	char *used = cmd_flag_value(c->cmd, flag);
	int rc = -1;
	struct stat st;
	if (!used) {
		cause_set(fail, strcmp(flag, "-fprofile-sample-use=") == 0
				? _("%s was compiled without the profile: no -fprofile-sample-use in its command "
				    "(%s), so this kernel is not optimized. CLANG_AUTOFDO_PROFILE did not reach the "
				    "compiler: the tree's Kbuild or its packaging does not pass it on. Check the make "
				    "command and the tree's scripts/Makefile.autofdo, then build again")
				: _("%s was linked without the profile: no --lto-sample-profile in its command (%s), "
				    "so ThinLTO's code generation at the link ignored it. This tree's "
				    "scripts/Makefile.autofdo does not pass it: use a tree whose AutoFDO support is "
				    "complete (Linux 6.13 or later), then build again"),
			  target, c->path);
	} else if (!same_file(used, profile)) {
		cause_set(fail, _("%s was built with another profile, %s, not the session's %s (its command "
				  "in %s): the session's profile changed since this build, or something else in "
				  "the build sets one: build again"), target, used, profile, c->path);
	} else if (stat(profile, &st) == 0 && timespec_after(&st.st_mtim, &c->mtime)) {
		cause_set(fail, _("%s was built before the profile %s was last written (its command in %s): "
				  "kbuild does not rebuild when only the profile's content changes, so it carries "
				  "an earlier profile. Run make clean in %s (or give the profile a new name), then "
				  "build again"), target, profile, c->path, objtree);
	} else {
		rc = 0;
	}
	free(used);
	return rc;
}

/* The AutoFDO flags in the saved commands: 1 checked (what was seen added to
 * ok), 0 a command file is missing (added to unknown), -1 with *fail. */
static int verify_flags(const struct session *s, bool final, const char *objtree, struct strbuf *ok,
			struct strbuf *unknown, char **fail)
{
	struct saved_cmd c = { 0 };
	size_t i;
	for (i = 0; i < ARRAY_LEN(probes); i++) {
		saved_cmd_read(&c, objtree, probes[i].cmd);
		if (c.cmd)
			break;
		saved_cmd_free(&c);
	}
	if (i == ARRAY_LEN(probes)) {
		list_addf(unknown, _("the compile flags (no %s in %s)"), probes[0].cmd, objtree);
		return 0;
	}
	/* A PKGBUILD's build reads the profile's copy beside it (through
	 * makepkg's link in src/), which the paths in the commands resolve to. */
	char *beside = makepkg_profile_beside(s);
	const char *obj = probes[i].obj, *profile = beside ? beside : s->artifacts.profile;
	int rc = 1;
	if (final && (!profile || !*profile)) {
		cause_set(fail, _("no profile in the session to check the optimized build against: convert "
				  "a recording first"));
		rc = -1;
	} else if (!cmd_has_word(c.cmd, "-fdebug-info-for-profiling")) {
		cause_set(fail, _("%s was compiled without -fdebug-info-for-profiling (its command in %s), "
				  "although .config has AUTOFDO_CLANG: this tree's Kbuild does not add AutoFDO's "
				  "flags, so a profile would not map back to this kernel's code. Use a tree whose "
				  "AutoFDO support is complete (Linux 6.13 or later)"), obj, c.path);
		rc = -1;
	} else if (!final) {
		list_addf(ok, _("-fdebug-info-for-profiling in %s"), obj);
	} else if (verify_profile_use(&c, obj, "-fprofile-sample-use=", profile, objtree, fail) < 0) {
		rc = -1;
	} else {
		list_addf(ok, _("-fprofile-sample-use in %s"), obj);
	}
	saved_cmd_free(&c);
	if (rc < 0 || !final || !s->toggles.thin_lto) {
		free(beside);
		return rc;
	}
	/* ThinLTO generates the code at the link: the profile must reach it too. */
	saved_cmd_read(&c, objtree, ".vmlinux.o.cmd");
	if (!c.cmd) {
		list_addf(unknown, _("the ThinLTO link (no .vmlinux.o.cmd in %s)"), objtree);
		rc = 0;
	} else if (verify_profile_use(&c, "vmlinux.o", "--lto-sample-profile=", profile, objtree, fail) < 0) {
		rc = -1;
	} else {
		list_addf(ok, _("--lto-sample-profile in vmlinux.o"));
	}
	saved_cmd_free(&c);
	free(beside);
	return rc;
}

int verify_build(const struct session *s, bool final, char **note)
{
	char *objtree = session_objtree(s);
	if (!objtree) {
		cause_set(note, _("no kernel tree chosen yet"));
		return -1;
	}
	struct strbuf ok = { 0 }, unknown = { 0 };
	char *fail = NULL;
	int rc = verify_config(s, objtree, &ok, &fail);
	if (rc == 0 && s->toggles.autofdo)
		rc = verify_flags(s, final, objtree, &ok, &unknown, &fail) < 0 ? -1 : 0;
	if (rc < 0) {
		cause_set(note, "%s", fail);
	} else {
		rc = unknown.len ? 0 : 1;
		if (unknown.len)
			/* TRANSLATORS: the first %s lists what was checked, the second what could not be. */
			cause_set(note, _("verified: %s; not verified: %s"), ok.s, unknown.s);
		else
			cause_set(note, _("verified: %s"), ok.s);
	}
	free(fail);
	sb_free(&ok);
	sb_free(&unknown);
	free(objtree);
	return rc;
}
