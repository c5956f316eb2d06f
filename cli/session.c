/* The options that choose and change the session, shared by `kfdo plan`,
 * `kfdo run` and `kfdo tui` (their table is commands.c's session group), and
 * loading the saved session with them applied. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "engine/bench.h"
#include "engine/makepkg.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "base/util.h"
#include "detect/toolchain.h"
#include "cli/cli.h"

/* One option, when it is a session option (the others are the command's own). */
static void session_option(struct cli_session_opts *o, int c, const char *arg)
{
	if (c < OPT_TREE || c >= OPT_SESSION_END)
		return;
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
	case OPT_WORKLOAD: o->workload = arg; break;
	case OPT_COMMAND: o->command = arg; break;
	case OPT_MINUTES: o->minutes = arg; break;
	case OPT_BENCH: o->bench = arg; break;
	case OPT_WORKLOAD_TREE: o->workload_tree = arg; break;
	case OPT_PERF_DATA: o->perf_data = arg; break;
	case OPT_VMLINUX: o->vmlinux = arg; break;
	case OPT_PROFILE: o->profile = arg; break;
	case OPT_MERGE: strv_push(&o->merge, arg); o->no_merge = false; break;
	case OPT_NO_MERGE: o->no_merge = true; strv_free(o->merge); o->merge = NULL; break;
	case OPT_DISK_FLOOR: o->disk_floor = arg; break;
	case OPT_ROOT: o->root = arg; break;
	case OPT_DBPATH: o->dbpath = arg; break;
	case OPT_SYSROOT: o->sysroot = arg; break;
	case OPT_NO_COMPARE: o->compare = 0; break;
	case OPT_COMPARE: o->compare = 1; break;
	case OPT_BENCH_ROUNDS: o->bench_rounds = arg; break;
	case OPT_BENCHMARKS: o->benchmarks = arg; break;
	case OPT_SOURCE_PKGBUILD: o->pkgbuild = arg; break;
	case OPT_KNOB: strv_push(&o->knobs, arg); break;
	case OPT_MAKEPKG_ARG: strv_push(&o->makepkg_args, arg); break;
	}
}

void cli_session_opts_take(struct cli_session_opts *o, const struct cli_args *a)
{
	for (size_t i = 0; i < a->n_opt; i++)
		session_option(o, a->opt[i].id, a->opt[i].value);
}

void cli_session_opts_init(struct cli_session_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->autofdo = o->thin_lto = o->full_lto = o->propeller = o->compare = -1;
}

void cli_session_opts_free(struct cli_session_opts *o)
{
	strv_free(o->enable);
	strv_free(o->disable);
	strv_free(o->make_vars);
	strv_free(o->merge);
	strv_free(o->knobs);
	strv_free(o->makepkg_args);
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

/* An absolute path for a file that may not exist yet (its directory must). */
static char *abs_file(const char *path)
{
	char *real = realpath(path, NULL);
	if (real)
		return real;
	char cwd[PATH_MAX];
	return path[0] == '/' ? xstrdup(path) : xasprintf("%s/%s", getcwd(cwd, sizeof(cwd)) ? cwd : ".", path);
}

/* --benchmarks a,b,c: names kfdo knows; "all" goes back to every one. */
static int benchmarks_set(struct session *s, const char *command, const char *list)
{
	strv_free(s->measure.only);
	s->measure.only = NULL;
	if (strcmp(list, "all") == 0)
		return 0;
	char *copy = xstrdup(list);
	int rc = 0;
	for (char *save = NULL, *w = strtok_r(copy, ",", &save); w && rc == 0; w = strtok_r(NULL, ",", &save)) {
		if (!bench_find(w)) {
			cli_usage_error(command, _("unknown benchmark '%s' for --benchmarks: messaging, pipe, "
						   "syscall, file-io, kbuild, workload or all"), w);
			rc = -1;
		} else
			strv_push(&s->measure.only, w);
	}
	free(copy);
	return rc;
}

static int number(const char *command, const char *opt, const char *arg, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(arg, &end, 10);
	if (errno || end == arg || *end || n < lo || n > hi) {
		cli_usage_error(command, _("%s wants a number from %ld to %ld, not '%s'"), opt, lo, hi, arg);
		return -1;
	}
	*out = n;
	return 0;
}

/* A file given on the command line must be there. */
static char *existing_file(const char *command, const char *opt, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		cli_usage_error(command, "%s %s: %s", opt, path, strerror(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_usage_error(command, S_ISDIR(st.st_mode) ? _("%s %s: is a directory, not a file")
							     : _("%s %s: not a regular file"), opt, path);
		return NULL;
	}
	return abs_file(path);
}

/* The options of the profile, convert and final-build steps. A recording or a
 * profile given by the user counts as that step done, so `kfdo run` goes on
 * from there. */
static int apply_profile(struct session *s, const struct cli_session_opts *o, const char *command)
{
	long n;
	char *p;
	if (o->workload) {
		enum workload_kind k;
		if (strcmp(o->workload, "bench") == 0)
			k = WORKLOAD_BENCHMARK;
		else if (!workload_kind_parse(o->workload, &k) || k == WORKLOAD_NONE) {
			cli_usage_error(command, _("--workload wants kbuild, command, timed or bench, not '%s'"),
					o->workload);
			return -1;
		}
		s->workload.kind = k;
	}
	if (o->command) {
		session_set(&s->workload.command, o->command);
		if (!o->workload)
			s->workload.kind = WORKLOAD_COMMAND;
	}
	if (o->bench) {
		session_set(&s->workload.bench, o->bench);
		if (!o->workload)
			s->workload.kind = WORKLOAD_BENCHMARK;
	}
	if (o->minutes) {
		if (number(command, "--minutes", o->minutes, 1, 24 * 60, &n) < 0)
			return -1;
		s->workload.minutes = (int)n;
	}
	if (o->workload_tree) {
		if (abs_dir(_("workload tree"), o->workload_tree, &p, true) < 0)
			return -1;
		free(s->workload.tree);
		s->workload.tree = p;
	}
	if (o->compare >= 0)
		s->measure.off = !o->compare;
	if (o->bench_rounds) {
		if (number(command, "--bench-rounds", o->bench_rounds, BENCH_ROUNDS_MIN, BENCH_ROUNDS_MAX, &n) < 0)
			return -1;
		s->measure.rounds = (int)n;
	}
	if (o->benchmarks && benchmarks_set(s, command, o->benchmarks) < 0)
		return -1;
	if (o->disk_floor) {
		if (number(command, "--disk-floor", o->disk_floor, 0, 100L * 1000 * 1000, &n) < 0)
			return -1;
		s->profile.disk_floor_mb = n;
	}
	if (o->vmlinux) {
		if (!(p = existing_file(command, "--vmlinux", o->vmlinux)))
			return -1;
		free(s->artifacts.vmlinux);
		s->artifacts.vmlinux = p;
	}
	if (o->perf_data) {
		p = abs_file(o->perf_data);
		free(s->artifacts.perf_data);
		s->artifacts.perf_data = p;
		if (access(p, F_OK) == 0)
			session_step_set(s, STEP_PROFILE, STATUS_DONE, _("recording given with --perf-data"));
	}
	if (o->profile) {
		if (!(p = existing_file(command, "--profile", o->profile)))
			return -1;
		free(s->artifacts.profile);
		s->artifacts.profile = p;
		session_step_set(s, STEP_CONVERT, STATUS_DONE, _("profile given with --profile"));
	}
	/* The profiles to merge are chosen again for each conversion: given, they replace the list. */
	if (o->no_merge || o->merge) {
		strv_free(s->profile.merge_with);
		s->profile.merge_with = NULL;
	}
	for (size_t i = 0; o->merge && o->merge[i]; i++) {
		if (strcmp(o->merge[i], "all") == 0) {
			strv_push(&s->profile.merge_with, "all");
			continue;
		}
		if (!(p = existing_file(command, "--merge", o->merge[i])))
			return -1;
		strv_push(&s->profile.merge_with, p);
		free(p);
	}
	return 0;
}

/* --pkgbuild DIR, --knob and --makepkg-arg: a linux-cachyos PKGBUILD as the
 * source. It replaces the tree (and the tree's O=, clone and make options,
 * which makepkg does not take); --tree goes back to a tree. */
static int apply_pkgbuild(struct session *s, const struct cli_session_opts *o, const char *command)
{
	if (o->tree && o->pkgbuild) {
		cli_usage_error(command, _("--tree and --pkgbuild are two sources: pick one"));
		return -1;
	}
	if (o->tree)
		makepkg_forget(s);
	if (o->pkgbuild) {
		char *p;
		if (abs_dir(_("PKGBUILD folder"), o->pkgbuild, &p, true) < 0)
			return -1;
		makepkg_choose(s, p);
		free(p);
	}
	const char *tree_only = o->output ? "--output" : o->config_from ? "--config-from" : o->enable ? "--enable"
			      : o->disable ? "--disable" : o->make_vars ? "--make-var" : o->target ? "--target"
			      : o->jobs ? "--jobs" : o->llvm ? "--llvm" : o->arch ? "--arch" : NULL;
	if (s->pkgbuild && tree_only) {
		cli_usage_error(command, _("%s is for a kernel tree: a PKGBUILD configures and builds its kernel "
					   "its own way (its knobs: --knob NAME=VALUE)"), tree_only);
		return -1;
	}
	if (!s->pkgbuild && (o->knobs || o->makepkg_args)) {
		cli_usage_error(command, _("%s goes with --pkgbuild"), o->knobs ? "--knob" : "--makepkg-arg");
		return -1;
	}
	for (size_t i = 0; o->knobs && o->knobs[i]; i++) {
		const char *k = o->knobs[i], *eq = strchr(k, '=');
		size_t len = eq ? (size_t)(eq - k) : 0;
		bool ok = len > 1 && k[0] == '_';
		for (size_t j = 1; ok && j < len; j++)
			ok = (k[j] >= 'a' && k[j] <= 'z') || (k[j] >= 'A' && k[j] <= 'Z') || (k[j] >= '0' && k[j] <= '9') ||
			     k[j] == '_';
		if (!ok) {
			cli_usage_error(command, _("--knob wants _NAME=VALUE, as the PKGBUILD's knobs are named, not "
						   "'%s'"), k);
			return -1;
		}
		if (eq[1] && makepkg_flow_knob(k, len)) {
			cli_usage_error(command, _("--knob %s: kfdo sets %.*s itself (from --thin-lto/--full-lto, "
						   "--propeller and the flow's stage)"), k, (int)len, k);
			return -1;
		}
		char *key = xasprintf("%.*s", (int)len, k);
		strv_remove_prefix(&s->knobs, key, '=');
		free(key);
		if (eq[1])
			strv_push(&s->knobs, k);
	}
	for (size_t i = 0; o->makepkg_args && o->makepkg_args[i]; i++)
		if (!makepkg_arg_ok(o->makepkg_args[i])) {
			cli_usage_error(command, _("--makepkg-arg %s: kfdo runs makepkg's stages itself; it passes on "
						   "only %s"), o->makepkg_args[i], MAKEPKG_ARGS_OK);
			return -1;
		}
	if (o->makepkg_args) {
		strv_free(s->makepkg_args);
		s->makepkg_args = strv_dup(o->makepkg_args);
	}
	return 0;
}

static int apply(struct session *s, const struct cli_session_opts *o, const char *command)
{
	char *p;
	if (apply_pkgbuild(s, o, command) < 0)
		return -1;
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
	return apply_profile(s, o, command);
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
