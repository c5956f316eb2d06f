/* Reading a kernel build's packages: libalpm for the metadata and file lists
 * (from each package's .MTREE, so even a big package reads in milliseconds),
 * and the checks that they are one kernel build. Finding and reading the
 * vmlinux among them is in pkg_vmlinux.c; the install and the database check
 * are in pkg_install.c. */
#include "engine/pkg_int.h"

#include <alpm.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"

static const char *const role_names[] = {
	[PKG_KERNEL] = "kernel", [PKG_HEADERS] = "headers", [PKG_API_HEADERS] = "api-headers",
	[PKG_DEBUG] = "debug", [PKG_OTHER] = "other",
};

const char *pkg_role_name(enum pkg_role role)
{
	return (size_t)role < ARRAY_LEN(role_names) ? role_names[role] : "?";
}

const char *pkg_api_headers_reason(void)
{
	return _("it provides and conflicts with linux-api-headers, the headers the C library was "
		 "built against: pacman would remove the system's package for it, and the kernel "
		 "does not need it");
}

void pkg_fmt_size(char *buf, size_t n, off_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

bool pkg_filename_is_package(const char *name)
{
	const char *p = strstr(name, ".pkg.tar");
	if (!p)
		return false;
	p += strlen(".pkg.tar");
	/* .pkg.tar, or one compression suffix; a .sig beside it is not a package. */
	return !*p || (*p == '.' && p[1] && !strchr(p + 1, '.') && strcmp(p + 1, "sig") != 0);
}

char *pkg_name_from_filename(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	const char *end = strstr(name, ".pkg.tar");
	if (!end || !pkg_filename_is_package(name))
		return NULL;
	/* makepkg names it NAME-PKGVER-PKGREL-ARCH: pkgver, pkgrel and arch hold no '-'. */
	for (int i = 0; i < 3; i++) {
		while (end > name && end[-1] != '-')
			end--;
		if (end == name)
			return NULL;
		end--;
	}
	return end > name ? xasprintf("%.*s", (int)(end - name), name) : NULL;
}

const char *pkg_session_root(const struct session *s)
{
	return s->install_root && *s->install_root ? s->install_root : "/";
}

char *pkg_session_dbpath(const struct session *s)
{
	if (s->install_dbpath && *s->install_dbpath)
		return xstrdup(s->install_dbpath);
	if (s->install_root && *s->install_root)
		return xasprintf("%s%s", s->install_root, PKG_SYSTEM_DBPATH);
	return xstrdup(PKG_SYSTEM_DBPATH);
}

/* ---- reading ---- */

/* libalpm wants an existing database directory even to read a package file;
 * an empty private one keeps the system's database out of it. */
struct reader {
	alpm_handle_t *h;
	char dbdir[64];
};

static int reader_open(struct reader *r, char **cause)
{
	strcpy(r->dbdir, "/tmp/kfdo-alpm-XXXXXX");
	const char *tmp = getenv("TMPDIR");
	if (tmp && *tmp == '/' && strlen(tmp) < sizeof(r->dbdir) - 24)
		snprintf(r->dbdir, sizeof(r->dbdir), "%s/kfdo-alpm-XXXXXX", tmp);
	if (!mkdtemp(r->dbdir)) {
		cause_set(cause, _("cannot create a temporary directory %s: %s"), r->dbdir, strerror(errno));
		return -1;
	}
	alpm_errno_t err = 0;
	r->h = alpm_initialize("/", r->dbdir, &err);
	if (!r->h) {
		cause_set(cause, _("libalpm cannot start: %s"), alpm_strerror(err));
		rmdir(r->dbdir);
		return -1;
	}
	return 0;
}

static void reader_close(struct reader *r)
{
	alpm_release(r->h);
	/* libalpm starts a local database there: local/ALPM_DB_VERSION. */
	char *version = xasprintf("%s/local/ALPM_DB_VERSION", r->dbdir);
	unlink(version);
	*strrchr(version, '/') = '\0';
	rmdir(version);
	free(version);
	rmdir(r->dbdir);
}

static void info_free(struct pkg_info *p)
{
	free(p->path);
	free(p->name);
	free(p->version);
	free(p->base);
	free(p->arch);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i].name);
	free(p->files);
}

/* Signatures are not checked here: reading only describes; pacman (or
 * pkg_install_root) applies the signature policy when it installs. */
static int read_one(struct reader *r, const char *path, bool files, struct pkg_info *out, char **cause)
{
	memset(out, 0, sizeof(*out));
	out->path = xstrdup(path);
	alpm_pkg_t *pkg = NULL;
	if (alpm_pkg_load(r->h, path, files ? 1 : 0, 0, &pkg) < 0) {
		cause_set(cause, _("cannot read the package %s: %s"), path, alpm_strerror(alpm_errno(r->h)));
		return -1;
	}
	const char *base = alpm_pkg_get_base(pkg);
	out->name = xstrdup(alpm_pkg_get_name(pkg));
	out->version = xstrdup(alpm_pkg_get_version(pkg));
	/* pkgbase is optional in .PKGINFO; a package without one is its own base. */
	out->base = xstrdup(base && *base ? base : out->name);
	out->arch = xstrdup(alpm_pkg_get_arch(pkg) ? alpm_pkg_get_arch(pkg) : "");
	out->size = alpm_pkg_get_size(pkg);
	out->isize = alpm_pkg_get_isize(pkg);
	alpm_filelist_t *fl = files ? alpm_pkg_get_files(pkg) : NULL;
	if (fl && fl->count) {
		out->files = xcalloc(fl->count, sizeof(*out->files));
		for (size_t i = 0; i < fl->count; i++)
			out->files[i] = (struct pkg_file){ xstrdup(fl->files[i].name), fl->files[i].size,
							   fl->files[i].mode };
		out->n_files = fl->count;
	}
	alpm_pkg_free(pkg);
	return 0;
}

static enum pkg_role role_of(const char *name, const char *base)
{
	size_t n = strlen(base);
	if (strcmp(name, base) == 0)
		return PKG_KERNEL;
	if (strncmp(name, base, n) != 0 || name[n] != '-')
		return PKG_OTHER;
	const char *sfx = name + n + 1;
	if (strcmp(sfx, "headers") == 0)
		return PKG_HEADERS;
	if (strcmp(sfx, "api-headers") == 0)
		return PKG_API_HEADERS;
	if (strcmp(sfx, "debug") == 0 || strcmp(sfx, "dbg") == 0)
		return PKG_DEBUG;
	return PKG_OTHER;
}

/* "usr/lib/modules/<release>/..." -> release (malloc'd), else NULL. */
static char *modules_release(const char *file)
{
	static const char pfx[] = "usr/lib/modules/";
	if (strncmp(file, pfx, sizeof(pfx) - 1) != 0)
		return NULL;
	const char *rel = file + sizeof(pfx) - 1;
	const char *slash = strchr(rel, '/');
	return slash && slash > rel ? xasprintf("%.*s", (int)(slash - rel), rel) : NULL;
}

/* The pkgver the kernel's PKGBUILD makes of a release: "-rcN" -> "rcN", then "-" -> "_". */
static char *pkgver_of_release(const char *release)
{
	struct strbuf sb = { 0 };
	sb_add(&sb, "");
	bool rc_done = false;
	for (const char *p = release; *p; p++) {
		if (*p == '-' && !rc_done && p[1] == 'r' && p[2] == 'c' && p[3] >= '0' && p[3] <= '9') {
			rc_done = true;
			continue;
		}
		sb_addf(&sb, "%c", *p == '-' ? '_' : *p);
	}
	return sb.s;
}

/* The leading "6.13.0" of a version or release; malloc'd. */
static char *numeric_prefix(const char *v)
{
	size_t n = strspn(v, "0123456789.");
	while (n && v[n - 1] == '.')
		n--;
	return xasprintf("%.*s", (int)n, v);
}

/* linux-cachyos and Arch spell pkgver their own way (6.12.4 for 6.12.4-2-cachyos,
 * 6.12.4.arch1 for 6.12.4-arch1-1): the version numbers must agree all the same. */
static bool release_fits_pkgver(const char *release, const char *pkgver, bool *exact)
{
	char *want = pkgver_of_release(release);
	*exact = strcmp(want, pkgver) == 0;
	free(want);
	if (*exact)
		return true;
	char *a = numeric_prefix(release), *b = numeric_prefix(pkgver);
	bool ok = *a && strcmp(a, b) == 0;
	free(a);
	free(b);
	return ok;
}

/* Everything after reading: one build, a kernel, its release. */
static int check_set(struct pkg_set *set, unsigned flags, char **cause)
{
	const struct pkg_info *first = &set->pkgs[0];
	for (size_t i = 1; i < set->n; i++) {
		const struct pkg_info *p = &set->pkgs[i];
		if (strcmp(p->base, first->base) != 0 || strcmp(p->version, first->version) != 0) {
			cause_set(cause,
				  _("packages of two builds are mixed: %s is %s %s, %s is %s %s; install "
				    "the packages of one build (kfdo packages DIR takes the newest)"),
				  first->name, first->base, first->version, p->name, p->base, p->version);
			return -1;
		}
	}
	set->base = xstrdup(first->base);
	set->version = xstrdup(first->version);
	/* [epoch:]pkgver-pkgrel: libalpm refuses a version without the '-'. */
	const char *colon = strchr(set->version, ':');
	set->pkgver = xstrdup(colon ? colon + 1 : set->version);
	char *dash = strrchr(set->pkgver, '-');
	if (dash)
		*dash = '\0';

	struct strbuf names = { 0 };
	for (size_t i = 0; i < set->n; i++) {
		struct pkg_info *p = &set->pkgs[i];
		p->role = role_of(p->name, set->base);
		if (p->role == PKG_KERNEL)
			set->kernel = p;
		sb_addf(&names, "%s%s", i ? ", " : "", p->name);
	}
	if (!set->kernel) {
		cause_set(cause, _("no kernel package (%s) among %s: add it, the others are of no use alone"),
			  set->base, names.s);
		sb_free(&names);
		return -1;
	}
	sb_free(&names);
	for (size_t f = 0; f < set->kernel->n_files && !set->release; f++) {
		const char *name = set->kernel->files[f].name;
		char *rel = modules_release(name);
		if (rel && strcmp(name + strlen("usr/lib/modules/") + strlen(rel), "/vmlinuz") == 0)
			set->release = rel;
		else
			free(rel);
	}
	if (!set->release) {
		cause_set(cause, _("%s has no usr/lib/modules/<release>/vmlinuz: it is not a kernel package"),
			  set->kernel->name);
		return -1;
	}
	for (size_t i = 0; i < set->n; i++)
		for (size_t f = 0; f < set->pkgs[i].n_files; f++) {
			char *rel = modules_release(set->pkgs[i].files[f].name);
			bool other = rel && strcmp(rel, set->release) != 0;
			if (other)
				cause_set(cause, _("%s holds files for the kernel %s, but the kernel is %s: "
						   "packages of two builds are mixed"),
					  set->pkgs[i].name, rel, set->release);
			free(rel);
			if (other)
				return -1;
		}
	bool exact;
	if (!release_fits_pkgver(set->release, set->pkgver, &exact)) {
		cause_set(cause, _("the kernel release %s (usr/lib/modules/) does not fit the package version "
				   "%s: these packages are not what make pacman-pkg built"),
			  set->release, set->pkgver);
		return -1;
	}
	if (!exact)
		strv_pushf(&set->notes, _("pkgver %s spells the release %s its own way (the version numbers "
					  "agree)"), set->pkgver, set->release);
	return pkg_choose_vmlinux(set, flags, cause);
}

int pkg_set_load(struct pkg_set *set, char *const *paths, unsigned flags, char **cause)
{
	memset(set, 0, sizeof(*set));
	size_t n = strv_len(paths);
	if (!n) {
		cause_set(cause, _("no package to read: build with make pacman-pkg first"));
		return -1;
	}
	struct reader r;
	if (reader_open(&r, cause) < 0)
		return -1;
	set->pkgs = xcalloc(n, sizeof(*set->pkgs));
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++, set->n++)
		rc = read_one(&r, paths[i], true, &set->pkgs[i], cause);
	reader_close(&r);
	return rc < 0 ? -1 : check_set(set, flags, cause);
}

void pkg_set_free(struct pkg_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		info_free(&set->pkgs[i]);
	free(set->pkgs);
	for (size_t i = 0; i < set->n_vmlinux; i++) {
		free(set->vmlinux[i].path);
		free(set->vmlinux[i].build_id);
	}
	free(set->vmlinux);
	free(set->base);
	free(set->version);
	free(set->release);
	free(set->pkgver);
	strv_free(set->notes);
	memset(set, 0, sizeof(*set));
}

char **pkg_set_install_paths(const struct pkg_set *set)
{
	char **v = NULL;
	for (size_t i = 0; i < set->n; i++)
		if (set->pkgs[i].role != PKG_API_HEADERS)
			strv_push(&v, set->pkgs[i].path);
	return v;
}

/* ---- the newest build in a directory ---- */

struct build_group {
	char *base, *version;
	char **paths;
	struct timespec newest;
};

int pkg_find_files(const char *dir, const struct timespec *after, char ***out)
{
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!pkg_filename_is_package(e->d_name))
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (!after || timespec_after(&st.st_mtim, after)))
			strv_push(out, path);
		free(path);
	}
	closedir(d);
	strv_sort(*out);
	return (int)strv_len(*out);
}

int pkg_find_newest(const char *dir, char ***paths, char **older, char **cause)
{
	*paths = NULL;
	*older = NULL;
	char **all = NULL;
	int n = pkg_find_files(dir, NULL, &all);
	if (n < 0) {
		cause_set(cause, _("cannot read the directory %s: %s"), dir, strerror(errno));
		return -1;
	}
	if (n == 0) {
		cause_set(cause, _("no package in %s (*.pkg.tar*): build with make pacman-pkg first"), dir);
		return -1;
	}
	struct reader r;
	if (reader_open(&r, cause) < 0) {
		strv_free(all);
		return -1;
	}
	struct build_group *g = NULL;
	size_t ng = 0;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		struct pkg_info p;
		rc = read_one(&r, all[i], false, &p, cause);
		struct stat st;
		if (rc == 0 && stat(all[i], &st) == 0) {
			size_t k = 0;
			while (k < ng && (strcmp(g[k].base, p.base) || strcmp(g[k].version, p.version)))
				k++;
			if (k == ng) {
				g = xrealloc(g, ++ng * sizeof(*g));
				g[k] = (struct build_group){ xstrdup(p.base), xstrdup(p.version), NULL, { 0, 0 } };
			}
			strv_push(&g[k].paths, all[i]);
			if (timespec_after(&st.st_mtim, &g[k].newest))
				g[k].newest = st.st_mtim;
		}
		info_free(&p);
	}
	reader_close(&r);
	strv_free(all);
	size_t best = 0;
	for (size_t k = 1; k < ng; k++)
		if (timespec_after(&g[k].newest, &g[best].newest))
			best = k;
	struct strbuf sb = { 0 };
	for (size_t k = 0; k < ng; k++) {
		if (rc == 0 && k == best) {
			*paths = g[k].paths;
			g[k].paths = NULL;
		} else if (rc == 0) {
			sb_addf(&sb, "%s%s %s (%zu)", sb.len ? ", " : "", g[k].base, g[k].version,
				strv_len(g[k].paths));
		}
		free(g[k].base);
		free(g[k].version);
		strv_free(g[k].paths);
	}
	free(g);
	*older = sb.s;
	return rc;
}
