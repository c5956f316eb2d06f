#include "detect/pkgowner.h"

#include <alpm.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#define LOCAL_DB "/var/lib/pacman/local"

bool pkgowner_available(const char *sysroot)
{
	return sysroot_exists(sysroot, LOCAL_DB);
}

/* pacman lists files relative to the root, without the leading slash. */
static char *relative_to_root(const char *sysroot, const char *path)
{
	const char *p = path;
	if (sysroot && *sysroot && strcmp(sysroot, "/") != 0) {
		size_t n = strlen(sysroot);
		while (n > 1 && sysroot[n - 1] == '/')
			n--;
		if (strncmp(path, sysroot, n) == 0 && path[n] == '/')
			p = path + n;
	}
	while (*p == '/')
		p++;
	return xstrdup(p);
}

/* The same file through the real directory: on Arch /bin and /sbin are
 * symlinks to usr/bin, and the database only knows usr/bin. */
static char *resolved_dir_path(const char *path)
{
	char *dir_copy = xstrdup(path), *base_copy = xstrdup(path);
	char real[PATH_MAX];
	char *out = NULL;
	if (realpath(dirname(dir_copy), real))
		out = xasprintf("%s/%s", strcmp(real, "/") ? real : "", basename(base_copy));
	free(dir_copy);
	free(base_copy);
	return out;
}

int pkgowner_lookup(const char *sysroot, const char *const *paths, size_t n, char **owners,
		    char **cause)
{
	if (!pkgowner_available(sysroot)) {
		cause_set(cause, "no pacman database at %s%s", sysroot && strcmp(sysroot, "/") ? sysroot : "",
			  LOCAL_DB);
		return -1;
	}
	char *root = sysroot_path(sysroot, "/");
	char *dbpath = sysroot_path(sysroot, "/var/lib/pacman/");
	alpm_errno_t err = 0;
	alpm_handle_t *h = alpm_initialize(root, dbpath, &err);
	free(root);
	free(dbpath);
	if (!h) {
		cause_set(cause, "libalpm: %s", alpm_strerror(err));
		return -1;
	}
	/* Two spellings per path: as given, and through the resolved directory. */
	char **rel = xcalloc(2 * n, sizeof(*rel));
	for (size_t i = 0; i < n; i++) {
		if (!paths[i])
			continue;
		rel[2 * i] = relative_to_root(sysroot, paths[i]);
		char *res = resolved_dir_path(paths[i]);
		if (res) {
			rel[2 * i + 1] = relative_to_root(sysroot, res);
			free(res);
			if (strcmp(rel[2 * i + 1], rel[2 * i]) == 0) {
				free(rel[2 * i + 1]);
				rel[2 * i + 1] = NULL;
			}
		}
	}
	int found = 0;
	alpm_db_t *db = alpm_get_localdb(h);
	for (alpm_list_t *it = alpm_db_get_pkgcache(db); it; it = alpm_list_next(it)) {
		alpm_pkg_t *pkg = it->data;
		alpm_filelist_t *files = alpm_pkg_get_files(pkg);
		if (!files || !files->count)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (owners[i] || !rel[2 * i])
				continue;
			if (alpm_filelist_contains(files, rel[2 * i]) ||
			    (rel[2 * i + 1] && alpm_filelist_contains(files, rel[2 * i + 1]))) {
				owners[i] = xstrdup(alpm_pkg_get_name(pkg));
				found++;
			}
		}
	}
	for (size_t i = 0; i < 2 * n; i++)
		free(rel[i]);
	free(rel);
	alpm_release(h);
	return found;
}
