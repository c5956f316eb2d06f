/* kfdo packages: what a kernel build's packages hold (read with libalpm),
 * and their install into another root (root mode). The install step runs
 * both as jobs through kfdo's own binary, so each line `kfdo run` shows is a
 * command a user can paste. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "engine/pkg.h"
#include "engine/plan.h"
#include "base/util.h"
#include "cli/cli.h"

static void print_set(const struct pkg_set *set, const char *older)
{
	printf(_("%s %s: kernel %s, %zu packages\n"), set->base, set->version, set->release, set->n);
	for (size_t i = 0; i < set->n; i++) {
		const struct pkg_info *p = &set->pkgs[i];
		char size[32], isize[32];
		pkg_fmt_size(size, sizeof(size), p->size);
		pkg_fmt_size(isize, sizeof(isize), p->isize);
		bool out = p->role == PKG_API_HEADERS;
		/* TRANSLATORS: one package: its role ("left out" goes in these 11 columns), name,
		 * architecture, size, then its installed size and file count, and its path. */
		printf(_("  %-11s %-30s %-8s %10s  (%s installed, %zu files)  %s\n"),
		       out ? _("left out") : pkg_role_name(p->role), p->name, p->arch, size, isize, p->n_files, p->path);
		if (out)
			printf("              %s\n", pkg_api_headers_reason());
	}
	const struct pkg_vmlinux *v = set->chosen;
	if (v) {
		char *d = pkg_vmlinux_describe(v);
		printf(_("  vmlinux     %s\n"), d);
		free(d);
	}
	for (size_t i = 0; set->notes && set->notes[i]; i++)
		printf(_("  note        %s\n"), set->notes[i]);
	if (older)
		printf(_("  note        older builds in the same directory, not taken: %s\n"), older);
}

/* No argument: what the session's install step would take. */
static char **session_packages(char **where)
{
	struct session *s = NULL;
	char *cause = NULL;
	char **paths = NULL;
	if (state_load(&s, &cause) == STATE_LOADED) {
		if (s->artifacts.packages) {
			paths = strv_dup(s->artifacts.packages);
			*where = xstrdup(_("the session's last build"));
		} else if ((*where = session_objtree(s))) {
			strv_push(&paths, *where);
		}
	}
	free(cause);
	session_free(s);
	return paths;
}

static int list(char **args)
{
	char **paths = NULL, *older = NULL, *cause = NULL, *where = NULL;
	struct stat st;
	if (!args[0]) {
		paths = session_packages(&where);
		if (!paths) {
			free(where);
			return cli_usage_error("packages", _("no session with a build: give a directory or packages"));
		}
	} else {
		paths = strv_dup(args);
	}
	int ret = 0;
	if (strv_len(paths) == 1 && stat(paths[0], &st) == 0 && S_ISDIR(st.st_mode)) {
		/* Absolute paths: what is listed is what an install command takes. */
		char *dir = realpath(paths[0], NULL);
		strv_free(paths);
		paths = NULL;
		if (!dir || pkg_find_newest(dir, &paths, &older, &cause) < 0) {
			if (!dir)
				cause_set(&cause, _("cannot read the directory: %s"), strerror(errno));
			ret = EXIT_NO;
		}
		free(dir);
	}
	struct pkg_set set = { 0 };
	if (!ret) {
		/* The reading and its refusals come last, so a job's last line is the verdict. */
		if (pkg_set_load(&set, paths, PKG_READ_VMLINUX, &cause) < 0)
			ret = EXIT_NO;
		else
			print_set(&set, older);
	}
	if (ret) {
		/* Last in the merged output of a job: the line the runner reports. */
		fflush(stdout);
		fprintf(stderr, "kfdo: %s\n", cause);
	}
	pkg_set_free(&set);
	strv_free(paths);
	free(older);
	free(cause);
	free(where);
	return ret;
}

static void on_signal(int sig)
{
	(void)sig;
	pkg_install_interrupt();
}

int cli_packages_install(const struct cli_args *a)
{
	const char *root = cli_args_value(a, OPT_ROOT), *dbpath_opt = cli_args_value(a, OPT_DBPATH);
	if (!root || root[0] != '/')
		return cli_usage_error("packages", _("install wants --root with an absolute directory"));
	/* Checked here, not by the table's argument count: a missing --root is told first. */
	if (a->n_pos == 0)
		return cli_usage_error("packages", _("install wants the packages to install"));
	char *dbpath = dbpath_opt ? xstrdup(dbpath_opt) : xasprintf("%s%s", root, PKG_SYSTEM_DBPATH);
	struct pkg_set set;
	char *cause = NULL;
	char **todo = NULL;
	int ret = EXIT_NO;
	if (pkg_set_load(&set, a->pos, 0, &cause) < 0)
		goto out;
	for (size_t i = 0; i < set.n; i++)
		if (set.pkgs[i].role == PKG_API_HEADERS)
			printf(_("left out: %s: %s\n"), set.pkgs[i].name, pkg_api_headers_reason());
	todo = pkg_set_install_paths(&set);
	printf(_("installing %s %s into %s (package database %s)\n"), set.base, set.version, root, dbpath);
	fflush(stdout);
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	int rc = pkg_install_root(root, dbpath, todo, stdout, &cause);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (rc == -EINTR) {
		ret = EXIT_CANCEL;
		goto out;
	}
	if (rc < 0 || pkg_check_installed(&set, root, dbpath, &cause) < 0)
		goto out;
	printf(_("installed: the package database has every package at %s\n"), set.version);
	ret = 0;
out:
	if (ret) {
		/* Last in the merged output of a job: the line the runner reports. */
		fflush(stdout);
		fprintf(stderr, "kfdo: %s\n", cause);
	}
	strv_free(todo);
	pkg_set_free(&set);
	free(cause);
	free(dbpath);
	return ret;
}

int cli_packages(const struct cli_args *a)
{
	return list(a->pos);
}
