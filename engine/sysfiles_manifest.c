/* The manifest, $XDG_STATE_HOME/kfdo/installed.json: every file kfdo put on
 * the system, read strictly (a field of the wrong type, an unknown kind, a root
 * entry off its kind's path: the whole file is refused, nothing is removed on
 * its word), and written whole (temp file, fsync, rename). Part of engine/sysfiles. */
#include "engine/sysfiles.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/json_out.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/sysfiles_int.h"

#define MANIFEST_MARKER "installed"
#define MANIFEST_VERSION 1

static void entry_clear(struct sysfile *f)
{
	free(f->path);
	free(f->saved);
	free(f->staged);
	strv_free(f->dirs);
	strv_free(f->before);
	memset(f, 0, sizeof(*f));
}

void sysfiles_free(struct sysfile *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		entry_clear(&v[i]);
	free(v);
}

long sysfiles_find(const struct sysfile *v, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].path, path) == 0)
			return (long)i;
	return -1;
}

void sysfiles_put(struct sysfile **v, size_t *n, const struct sysfile *f)
{
	long i = sysfiles_find(*v, *n, f->path);
	if (i < 0) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		i = (long)(*n)++;
	} else {
		entry_clear(&(*v)[i]);
	}
	struct sysfile *d = &(*v)[i];
	d->kind = f->kind;
	d->root = f->root;
	d->path = xstrdup(f->path);
	d->saved = f->saved ? xstrdup(f->saved) : NULL;
	d->staged = f->staged ? xstrdup(f->staged) : NULL;
	d->dirs = strv_dup(f->dirs);
	d->before = strv_dup(f->before);
}

void sysfiles_drop(struct sysfile *v, size_t *n, size_t i)
{
	entry_clear(&v[i]);
	memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
	(*n)--;
}

int sysfiles_write_file(const char *path, const char *text, unsigned mode, char **cause)
{
	char *tmp = xasprintf("%s.kfdo-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		cause_set(cause, _("cannot create %s: %s"), tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t len = strlen(text), off = 0;
	int rc = 0;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (rc < 0 || fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0)
		rc = -1;
	if (close(fd) < 0)
		rc = -1;
	if (rc < 0)
		cause_set(cause, _("cannot write %s: %s"), tmp, strerror(errno));
	else if (rename(tmp, path) < 0) {
		cause_set(cause, _("cannot rename %s to %s: %s"), tmp, path, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

json_object *sysfiles_entry_json(const struct sysfile *f)
{
	json_object *o = json_object_new_object();
	json_put_str(o, "kind", sysfile_kind_name(f->kind));
	json_put_str(o, "path", f->path);
	json_put_bool(o, "root", f->root);
	json_put_str_or_null(o, "saved", f->saved);
	return o;
}

int sysfiles_save(const struct sysfile *v, size_t n, char **cause)
{
	char *path = sysfiles_state_path(SYSFILES_MANIFEST);
	int rc = 0;
	if (n == 0) {
		if (unlink(path) < 0 && errno != ENOENT) {
			cause_set(cause, _("cannot remove %s: %s"), path, strerror(errno));
			rc = -1;
		}
		free(path);
		return rc;
	}
	char *dir = paths_state_dir();
	json_object *root = json_object_new_object();
	json_put_str(root, "kfdo", MANIFEST_MARKER);
	json_put_int(root, "version", MANIFEST_VERSION);
	json_object *files = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = sysfiles_entry_json(&v[i]);
		json_put_str(o, "staged", v[i].staged);
		json_put_strv(o, "dirs", v[i].dirs);
		if (v[i].kind == SYSFILE_SYSCTL)
			json_put_strv(o, "before", v[i].before);
		json_object_array_add(files, o);
	}
	json_object_object_add(root, "files", files);
	/* 0700: the XDG spec's mode for what it creates (engine/session.c too). */
	if (mkdir_p(dir, 0700, cause) < 0)
		rc = -1;
	else
		rc = sysfiles_write_file(path, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
										JSON_C_TO_STRING_NOSLASHESCAPE),
					 0600, cause);
	json_object_put(root);
	free(dir);
	free(path);
	return rc;
}

static const char *str_member(json_object *o, const char *key, bool *bad)
{
	json_object *m;
	if (!json_object_object_get_ex(o, key, &m) || json_object_is_type(m, json_type_null))
		return NULL;
	if (!json_object_is_type(m, json_type_string)) {
		*bad = true;
		return NULL;
	}
	return json_object_get_string(m);
}

static char **strv_member(json_object *o, const char *key, bool *bad)
{
	json_object *a;
	if (!json_object_object_get_ex(o, key, &a) || json_object_is_type(a, json_type_null))
		return NULL;
	if (!json_object_is_type(a, json_type_array)) {
		*bad = true;
		return NULL;
	}
	char **v = NULL;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string))
			*bad = true;
		else
			strv_push(&v, json_object_get_string(e));
	}
	return v;
}

int sysfiles_load(struct sysfile **out, size_t *n, char **cause)
{
	*out = NULL;
	*n = 0;
	char *path = sysfiles_state_path(SYSFILES_MANIFEST);
	size_t len;
	char *text = file_read(path, 1 << 20, &len);
	if (!text) {
		int e = errno;
		if (e != ENOENT)
			cause_set(cause, _("cannot read %s: %s"), path, strerror(e));
		free(path);
		return e == ENOENT ? 0 : -1;
	}
	json_object *root = json_tokener_parse(text);
	json_object *files = NULL, *m;
	bool bad = !root || !json_object_is_type(root, json_type_object) ||
		   !json_object_object_get_ex(root, "kfdo", &m) || !json_object_is_type(m, json_type_string) ||
		   strcmp(json_object_get_string(m), MANIFEST_MARKER) != 0 ||
		   !json_object_object_get_ex(root, "version", &m) || !json_object_is_type(m, json_type_int) ||
		   json_object_get_int(m) != MANIFEST_VERSION ||
		   !json_object_object_get_ex(root, "files", &files) || !json_object_is_type(files, json_type_array);
	for (size_t i = 0; !bad && i < json_object_array_length(files); i++) {
		json_object *o = json_object_array_get_idx(files, i);
		struct sysfile f = { 0 };
		const char *kind = json_object_is_type(o, json_type_object) ? str_member(o, "kind", &bad) : NULL;
		const char *p = kind ? str_member(o, "path", &bad) : NULL;
		if (!kind || !p || p[0] != '/' || !sysfile_kind_parse(kind, &f.kind) ||
		    !json_object_object_get_ex(o, "root", &m) || !json_object_is_type(m, json_type_boolean)) {
			bad = true;
			break;
		}
		f.root = json_object_get_boolean(m);
		f.path = (char *)p;
		f.saved = (char *)str_member(o, "saved", &bad);
		f.staged = (char *)str_member(o, "staged", &bad);
		f.dirs = strv_member(o, "dirs", &bad);
		f.before = strv_member(o, "before", &bad);
		/* A root entry is removed through commands run as root: it must be of
		 * a root kind at that kind's path (below a sysroot), so that an edited
		 * manifest cannot point kfdo's removal plan at any file it likes. */
		char *std = sysfiles_path(f.kind, NULL);
		if (f.root != sysfile_kind_root(f.kind) || (f.root && !str_ends(f.path, std)))
			bad = true;
		free(std);
		if (!bad)
			sysfiles_put(out, n, &f);
		strv_free(f.dirs);
		strv_free(f.before);
	}
	json_object_put(root);
	free(text);
	if (bad) {
		sysfiles_free(*out, *n);
		*out = NULL;
		*n = 0;
		cause_set(cause, _("%s is not a manifest kfdo can read; the files it lists were not removed"), path);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}
