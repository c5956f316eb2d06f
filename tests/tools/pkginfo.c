/* pkginfo PKGFILE: a pacman package as libalpm reads it (alpm_pkg_load, as
 * pacman -Qip and kfdo packages do), one "KEY VALUE" line each, for the shell
 * tests: name, version, arch, desc, license, depend, optdepend, makedepend,
 * provides, conflict, file (a path in the package, directories with their
 * trailing /). Exit status 1 when libalpm cannot read it. */
#include <alpm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void list_deps(const char *key, alpm_list_t *l)
{
	for (; l; l = alpm_list_next(l)) {
		char *s = alpm_dep_compute_string(l->data);
		printf("%s %s\n", key, s);
		free(s);
	}
}

static void list_strings(const char *key, alpm_list_t *l)
{
	for (; l; l = alpm_list_next(l))
		printf("%s %s\n", key, (const char *)l->data);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: pkginfo PKGFILE\n");
		return 2;
	}
	/* libalpm needs a database directory even to read a file: a private empty one. */
	const char *tmp = getenv("TMPDIR");
	char db[4096];
	snprintf(db, sizeof(db), "%s/kfdo-pkginfo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(db)) {
		perror("pkginfo: mkdtemp");
		return 1;
	}
	alpm_errno_t err;
	alpm_handle_t *h = alpm_initialize("/", db, &err);
	if (!h) {
		fprintf(stderr, "pkginfo: libalpm: %s\n", alpm_strerror(err));
		rmdir(db);
		return 1;
	}
	alpm_pkg_t *pkg = NULL;
	int rc = 0;
	if (alpm_pkg_load(h, argv[1], 1, 0, &pkg) < 0) {
		fprintf(stderr, "pkginfo: %s: %s\n", argv[1], alpm_strerror(alpm_errno(h)));
		rc = 1;
	} else {
		printf("name %s\nversion %s\narch %s\ndesc %s\n", alpm_pkg_get_name(pkg), alpm_pkg_get_version(pkg),
		       alpm_pkg_get_arch(pkg), alpm_pkg_get_desc(pkg));
		list_strings("license", alpm_pkg_get_licenses(pkg));
		list_deps("depend", alpm_pkg_get_depends(pkg));
		list_deps("optdepend", alpm_pkg_get_optdepends(pkg));
		list_deps("makedepend", alpm_pkg_get_makedepends(pkg));
		list_deps("provides", alpm_pkg_get_provides(pkg));
		list_deps("conflict", alpm_pkg_get_conflicts(pkg));
		alpm_filelist_t *files = alpm_pkg_get_files(pkg);
		for (size_t i = 0; i < files->count; i++)
			printf("file %s\n", files->files[i].name);
		alpm_pkg_free(pkg);
	}
	alpm_release(h);
	/* libalpm leaves local/ALPM_DB_VERSION in the database directory. */
	char path[4200];
	snprintf(path, sizeof(path), "%s/local/ALPM_DB_VERSION", db);
	unlink(path);
	snprintf(path, sizeof(path), "%s/local", db);
	rmdir(path);
	rmdir(db);
	return rc;
}
