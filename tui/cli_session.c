/* The options that choose and change the session, shared by `kfdo plan` and
 * `kfdo run`, and loading the saved session with them applied. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/plan.h"
#include "core/util.h"
#include "detect/toolchain.h"
#include "tui/cli.h"

const struct option cli_session_long_options[] = {
	{ "tree", required_argument, NULL, OPT_TREE },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "config-from", required_argument, NULL, OPT_CONFIG_FROM },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "no-autofdo", no_argument, NULL, OPT_NO_AUTOFDO },
	{ "autofdo", no_argument, NULL, OPT_AUTOFDO },
	{ "no-thin-lto", no_argument, NULL, OPT_NO_THIN_LTO },
	{ "thin-lto", no_argument, NULL, OPT_THIN_LTO },
	{ "full-lto", no_argument, NULL, OPT_FULL_LTO },
	{ "no-full-lto", no_argument, NULL, OPT_NO_FULL_LTO },
	{ "propeller", no_argument, NULL, OPT_PROPELLER },
	{ "no-propeller", no_argument, NULL, OPT_NO_PROPELLER },
	{ "llvm", required_argument, NULL, OPT_LLVM },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "enable", required_argument, NULL, OPT_ENABLE },
	{ "disable", required_argument, NULL, OPT_DISABLE },
	{ "make-var", required_argument, NULL, OPT_MAKE_VAR },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "dbpath", required_argument, NULL, OPT_DBPATH },
	{ "sysroot", required_argument, NULL, OPT_SYSROOT },
	{ NULL, 0, NULL, 0 },
};

const char *const cli_session_help =
	N_("  --tree DIR           the kernel source tree\n"
	   "  --output DIR         build in DIR (make O=DIR)\n"
	   "  --config-from SRC    base config: running (default), defconfig, tinyconfig, or a file\n"
	   "  --jobs N             make -jN (default: what the CPUs and RAM carry)\n"
	   "  --no-autofdo         build without CONFIG_AUTOFDO_CLANG (trees older than 6.13); --autofdo again\n"
	   "  --no-thin-lto        no ThinLTO (--thin-lto again);  --full-lto  full LTO instead (--no-full-lto)\n"
	   "  --propeller          also CONFIG_PROPELLER_CLANG (--no-propeller)\n"
	   "  --llvm VALUE         make LLVM=VALUE: 1, -19, or a directory ending in / (default: found)\n"
	   "  --arch ARCH          make ARCH=ARCH\n"
	   "  --target TARGET      make target (default pacman-pkg)\n"
	   "  --enable SYM, --disable SYM   extra scripts/config toggles (repeatable; kept in the session)\n"
	   "  --make-var K=V       an extra make variable (repeatable; K= removes K from the session)\n"
	   "  --root DIR           install into DIR through libalpm instead of sudo pacman -U on the\n"
	   "                       running system (tests, images; no hooks run); --root / goes back\n"
	   "  --dbpath DIR         with --root: its package database (default DIR/var/lib/pacman)\n"
	   "  --sysroot DIR        read the running kernel's /proc and /sys below DIR (tests; not saved)\n");

bool cli_session_option(struct cli_session_opts *o, int c, const char *arg)
{
	if (c < OPT_TREE || c > OPT_NO_PROPELLER)
		return false;
	o->any = true;
	switch (c) {
	case OPT_TREE: o->tree = arg; break;
	case OPT_OUTPUT: o->output = arg; break;
	case OPT_CONFIG_FROM: o->config_from = arg; break;
	case OPT_JOBS: o->jobs = arg; break;
	case OPT_NO_AUTOFDO: o->autofdo = 0; break;
	case OPT_AUTOFDO: o->autofdo = 1; break;
	case OPT_NO_THIN_LTO: o->thin_lto = 0; break;
	case OPT_THIN_LTO: o->thin_lto = 1; break;
	case OPT_FULL_LTO: o->full_lto = 1; break;
	case OPT_NO_FULL_LTO: o->full_lto = 0; break;
	case OPT_PROPELLER: o->propeller = 1; break;
	case OPT_NO_PROPELLER: o->propeller = 0; break;
	case OPT_LLVM: o->llvm = arg; break;
	case OPT_ARCH: o->arch = arg; break;
	case OPT_TARGET: o->target = arg; break;
	case OPT_ENABLE: strv_push(&o->enable, arg); break;
	case OPT_DISABLE: strv_push(&o->disable, arg); break;
	case OPT_MAKE_VAR: strv_push(&o->make_vars, arg); break;
	case OPT_ROOT: o->root = arg; break;
	case OPT_DBPATH: o->dbpath = arg; break;
	case OPT_SYSROOT: o->sysroot = arg; break;
	}
	return true;
}

void cli_session_opts_init(struct cli_session_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->autofdo = o->thin_lto = o->full_lto = o->propeller = -1;
}

void cli_session_opts_free(struct cli_session_opts *o)
{
	strv_free(o->enable);
	strv_free(o->disable);
	strv_free(o->make_vars);
}

/* Drops the entries equal to key (end '\0') or starting with key + end ("K" + '='). */
static void strv_remove_prefix(char ***v, const char *key, char end)
{
	size_t n = strlen(key), j = 0;
	for (size_t i = 0; *v && (*v)[i]; i++) {
		char *e = (*v)[i];
		if (strncmp(e, key, n) == 0 && e[n] == end) {
			free(e);
			continue;
		}
		(*v)[j++] = e;
	}
	if (*v)
		(*v)[j] = NULL;
}

static int abs_dir(const char *what, const char *path, char **out, bool must_exist)
{
	char *real = realpath(path, NULL);
	if (!real && must_exist) {
		fprintf(stderr, _("kfdo: the %s %s does not exist\n"), what, path);
		return -1;
	}
	if (!real) {
		/* An output directory may not exist yet: make it absolute by hand. */
		char cwd[PATH_MAX];
		real = path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", path);
	}
	*out = real;
	return 0;
}

static int apply(struct session *s, const struct cli_session_opts *o, const char *command)
{
	char *p;
	if (o->tree) {
		if (abs_dir(_("kernel tree"), o->tree, &p, true) < 0)
			return -1;
		free(s->tree);
		s->tree = p;
	}
	if (o->output) {
		if (abs_dir(_("output directory"), o->output, &p, false) < 0)
			return -1;
		free(s->output_dir);
		s->output_dir = p;
	}
	if (o->config_from) {
		enum config_source src;
		if (config_source_parse(o->config_from, &src) && src != CONFIG_FILE) {
			s->config_source = src;
		} else {
			if (abs_dir(_("base config"), o->config_from, &p, true) < 0)
				return -1;
			s->config_source = CONFIG_FILE;
			free(s->config_file);
			s->config_file = p;
		}
	}
	if (o->jobs) {
		char *end;
		long n = strtol(o->jobs, &end, 10);
		if (*end || n < 1 || n > 4096) {
			cli_usage_error(command, _("--jobs wants a number from 1 to 4096, not '%s'"), o->jobs);
			return -1;
		}
		s->toggles.jobs = (int)n;
	}
	if (o->autofdo >= 0)
		s->toggles.autofdo = o->autofdo;
	if (o->thin_lto >= 0) {
		s->toggles.thin_lto = o->thin_lto;
		if (o->thin_lto)
			s->toggles.full_lto = false;
	}
	if (o->full_lto >= 0) {
		s->toggles.full_lto = o->full_lto;
		if (o->full_lto)
			s->toggles.thin_lto = false;
	}
	if (o->propeller >= 0)
		s->toggles.propeller = o->propeller;
	if (o->llvm)
		session_set(&s->toggles.llvm, o->llvm);
	if (o->arch)
		session_set(&s->toggles.arch, o->arch);
	if (o->target)
		session_set(&s->target, o->target);
	if (o->dbpath && !o->root && !s->install_root) {
		cli_usage_error(command, _("--dbpath goes with --root (the running system's database is pacman's)"));
		return -1;
	}
	if (o->root) {
		/* A root may not exist yet: the install creates it. "/" is the running system. */
		if (abs_dir(_("root"), o->root, &p, false) < 0)
			return -1;
		bool system = strcmp(p, "/") == 0;
		session_set(&s->install_root, system ? NULL : p);
		session_set(&s->install_dbpath, NULL);
		free(p);
		if (system && o->dbpath) {
			cli_usage_error(command, _("--dbpath goes with a --root other than /"));
			return -1;
		}
	}
	if (o->dbpath) {
		if (abs_dir(_("package database"), o->dbpath, &p, false) < 0)
			return -1;
		free(s->install_dbpath);
		s->install_dbpath = p;
	}
	if (o->sysroot) {
		if (abs_dir(_("sysroot"), o->sysroot, &p, true) < 0)
			return -1;
		free(s->sysroot);
		s->sysroot = p;
	}
	/* The session remembers these: a symbol is enabled or disabled once, the last word wins. */
	for (size_t i = 0; o->enable && o->enable[i]; i++) {
		strv_remove_prefix(&s->toggles.config_disable, o->enable[i], '\0');
		strv_remove_prefix(&s->toggles.config_enable, o->enable[i], '\0');
		strv_push(&s->toggles.config_enable, o->enable[i]);
	}
	for (size_t i = 0; o->disable && o->disable[i]; i++) {
		strv_remove_prefix(&s->toggles.config_enable, o->disable[i], '\0');
		strv_remove_prefix(&s->toggles.config_disable, o->disable[i], '\0');
		strv_push(&s->toggles.config_disable, o->disable[i]);
	}
	for (size_t i = 0; o->make_vars && o->make_vars[i]; i++) {
		const char *eq = strchr(o->make_vars[i], '=');
		if (!eq || eq == o->make_vars[i]) {
			cli_usage_error(command, _("--make-var wants K=V, not '%s'"), o->make_vars[i]);
			return -1;
		}
		char *key = xasprintf("%.*s", (int)(eq - o->make_vars[i]), o->make_vars[i]);
		strv_remove_prefix(&s->toggles.make_vars, key, '=');
		free(key);
		if (eq[1])
			strv_push(&s->toggles.make_vars, o->make_vars[i]);
	}
	return 0;
}

/* LLVM=1 means unsuffixed clang; where only clang-19 exists, LLVM=-19 is what works.
 * Only for a new session: a saved one keeps what was chosen. */
static void pick_llvm(struct session *s, const struct cli_session_opts *o)
{
	if (o->llvm)
		return;
	struct toolchain tc;
	struct toolchain_opts to = { .no_owners = true };
	if (toolchain_detect(&to, &tc, NULL) == 0 && tc.make_llvm_arg && str_starts(tc.make_llvm_arg, "LLVM="))
		session_set(&s->toggles.llvm, tc.make_llvm_arg + 5);
	toolchain_free(&tc);
}

struct session *cli_session_open(const struct cli_session_opts *o, const char *command, bool *loaded)
{
	struct session *s = NULL;
	char *cause = NULL;
	enum state_load_result lr = state_load(&s, &cause);
	if (lr == STATE_ERROR) {
		fprintf(stderr, _("kfdo: cannot read the saved session: %s\n"), cause);
		free(cause);
		return NULL;
	}
	if (lr == STATE_SET_ASIDE)
		fprintf(stderr, _("kfdo: the saved session could not be read and was set aside: %s\n"
				  "kfdo: starting a new session\n"), cause);
	free(cause);
	if (loaded)
		*loaded = lr == STATE_LOADED;
	if (!s)
		s = session_new();
	if (apply(s, o, command) < 0) {
		session_free(s);
		return NULL;
	}
	if (lr != STATE_LOADED)
		pick_llvm(s, o);
	return s;
}

struct option *cli_options_merge(const struct option *own)
{
	size_t a = 0, b = 0;
	while (own[a].name)
		a++;
	while (cli_session_long_options[b].name)
		b++;
	struct option *all = xcalloc(a + b + 1, sizeof(*all));
	memcpy(all, own, a * sizeof(*all));
	memcpy(all + a, cli_session_long_options, b * sizeof(*all));
	return all;
}
