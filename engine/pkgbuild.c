/* A linux-cachyos PKGBUILD's knobs, read from its text (engine/pkgbuild.h). */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/pkgbuild.h"

const char *const pkgbuild_knobs_autofdo[] = { "_autofdo", "_autofdo_profile_name", NULL };
const char *const pkgbuild_knobs_propeller[] = { "_propeller", "_propeller_profiles", NULL };

/* A PKGBUILD is a few dozen KB; anything far larger is not one. */
#define PKGBUILD_MAX (4u << 20)

static bool name_char(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
}

/* The length of the shell name at s (0: none). */
static size_t name_len(const char *s)
{
	size_t n = 0;
	while (name_char(s[n], n == 0))
		n++;
	return n;
}

/* From just after "${NAME" + operator to the brace that closes it, nested
 * ${...} included: the value's length, or -1 when the line ends first. */
static long value_len(const char *s)
{
	int depth = 1;
	for (long i = 0; s[i] && s[i] != '\n'; i++) {
		if (s[i] == '$' && s[i + 1] == '{')
			depth++, i++;
		else if (s[i] == '}' && --depth == 0)
			return i;
	}
	return -1;
}

/* "VALUE" or 'VALUE' as a whole loses its quotes; anything else stays as written. */
static char *unquote(const char *s, size_t n)
{
	if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0])
		return xasprintf("%.*s", (int)n - 2, s + 1);
	return xasprintf("%.*s", (int)n, s);
}

/* At "${" of a line: NAME and its default after ":=", "=", ":-" or "-".
 * want: the name it must be (the old form repeats it), or NULL. */
static bool read_expansion(const char *p, const char *want, size_t want_len, char **name, char **value)
{
	if (p[0] != '$' || p[1] != '{')
		return false;
	p += 2;
	size_t n = name_len(p);
	if (!n || (want && (n != want_len || strncmp(p, want, n))))
		return false;
	const char *op = p + n;
	size_t skip = (op[0] == ':' && (op[1] == '=' || op[1] == '-')) ? 2 : (op[0] == '=' || op[0] == '-') ? 1 : 0;
	if (!skip)
		return false;
	long len = value_len(op + skip);
	if (len < 0)
		return false;
	*name = xasprintf("%.*s", (int)n, p);
	*value = unquote(op + skip, (size_t)len);
	return true;
}

/* One line: a knob in either form, or nothing. */
static bool read_line(const char *line, char **name, char **value, bool *old_form)
{
	if (line[0] == ':' && (line[1] == ' ' || line[1] == '\t')) {
		/* : "${NAME:=VALUE}" (the quotes are optional). */
		const char *p = line + 1;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"')
			p++;
		*old_form = false;
		return read_expansion(p, NULL, 0, name, value);
	}
	/* NAME=${NAME-VALUE} */
	size_t n = name_len(line);
	if (!n || line[n] != '=')
		return false;
	*old_form = true;
	const char *p = line + n + 1;
	if (*p == '"')
		p++;
	return read_expansion(p, line, n, name, value);
}

void pkgbuild_parse(const char *text, struct pkgbuild *pb)
{
	int lineno = 0;
	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		lineno++;
		char *name, *value;
		bool old_form;
		if (!read_line(line, &name, &value, &old_form))
			continue;
		if (pkgbuild_knob(pb, name)) {
			/* Set twice: the first line decides, as in the shell (:= sets it once). */
			free(name), free(value);
			continue;
		}
		pb->knobs = xrealloc(pb->knobs, (pb->n_knobs + 1) * sizeof(*pb->knobs));
		pb->knobs[pb->n_knobs++] = (struct pkgbuild_knob){ name, value, lineno, old_form };
	}
}

int pkgbuild_read(const char *dir, struct pkgbuild *pb, char **cause)
{
	*pb = (struct pkgbuild){ 0 };
	char *path = xasprintf("%s/PKGBUILD", dir);
	size_t len;
	char *text = file_read(path, PKGBUILD_MAX, &len);
	if (!text) {
		int e = errno;
		char **variants = e == ENOENT ? pkgbuild_variants(dir) : NULL;
		if (variants) {
			struct strbuf sb = { 0 };
			for (size_t i = 0; variants[i]; i++)
				sb_addf(&sb, "%s%s", i ? ", " : "", variants[i]);
			cause_set(cause, _("%s has no PKGBUILD, but it is a checkout of variants: %s; give one of "
					   "them (%s/%s)"), dir, sb.s, dir, variants[0]);
			sb_free(&sb);
		} else if (e == ENOENT) {
			cause_set(cause, _("%s has no PKGBUILD"), dir);
		} else {
			cause_set(cause, _("cannot read %s: %s"), path, strerror(e));
		}
		strv_free(variants);
		free(path);
		return -1;
	}
	pkgbuild_parse(text, pb);
	free(text);
	pb->path = path;
	if (!pb->n_knobs) {
		cause_set(cause, _("%s sets no build knobs (no ': \"${_name:=default}\"' lines): it is not a "
				   "linux-cachyos PKGBUILD"), path);
		pkgbuild_free(pb);
		return -1;
	}
	return 0;
}

void pkgbuild_free(struct pkgbuild *pb)
{
	for (size_t i = 0; i < pb->n_knobs; i++)
		free(pb->knobs[i].name), free(pb->knobs[i].value);
	free(pb->knobs);
	free(pb->path);
	*pb = (struct pkgbuild){ 0 };
}

const struct pkgbuild_knob *pkgbuild_knob(const struct pkgbuild *pb, const char *name)
{
	for (size_t i = 0; i < pb->n_knobs; i++)
		if (!strcmp(pb->knobs[i].name, name))
			return &pb->knobs[i];
	return NULL;
}

const char *pkgbuild_missing(const struct pkgbuild *pb, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (!pkgbuild_knob(pb, names[i]))
			return names[i];
	return NULL;
}

/* When each knob the flow needs came into linux-cachyos, for the remedy of an
 * older checkout: _build_debug and _use_llvm_lto are older than AutoFDO's. */
static const char *knob_since(const char *knob)
{
	return str_starts(knob, "_propeller") ? "2025-01" : "2024-12";
}

int pkgbuild_require(const struct pkgbuild *pb, bool propeller, bool build, char **cause)
{
	static const char *const build_knobs[] = { "_build_debug", "_use_llvm_lto", NULL };
	const char *missing = pkgbuild_missing(pb, pkgbuild_knobs_autofdo);
	if (!missing && propeller)
		missing = pkgbuild_missing(pb, pkgbuild_knobs_propeller);
	if (!missing && build && (missing = pkgbuild_missing(pb, build_knobs))) {
		cause_set(cause, _("%s has no %s knob, which kfdo's build of it needs: it is not a linux-cachyos "
				   "PKGBUILD, or an edited one"), pb->path, missing);
		return -1;
	}
	if (missing) {
		cause_set(cause, _("%s has no %s knob: this checkout is older than linux-cachyos's %s support "
				   "(%s); update it (git pull) or use a newer one"), pb->path, missing,
			  str_starts(missing, "_propeller") ? "Propeller" : "AutoFDO", knob_since(missing));
		return -1;
	}
	return 0;
}

char **pkgbuild_variants(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **out = NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s/PKGBUILD", dir, e->d_name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
			strv_push(&out, e->d_name);
		free(p);
	}
	closedir(d);
	strv_sort(out);
	return out;
}
