/* The benchmark set and the commands of a run (bench.h). */
#include "engine/bench.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/kmake.h"

/* Work a kernel's hot paths do, each a fixed amount of it, so that a faster
 * kernel shows as a shorter run. perf bench comes with perf, which the flow
 * needs anyway; stress-ng adds the file I/O that perf bench lacks; the kernel
 * build's system time is the how-to's own workload, measured where the kernel
 * spends it. Lengths are a few seconds here: long enough that startup does
 * not count, short enough for ten rounds in a few minutes. */
static const struct bench_def defs[] = {
	{ "messaging", N_("sched messaging"), N_("processes passing messages through pipes (scheduler)"),
	  BENCH_WALL, "perf", 2.0 },
	{ "pipe", N_("sched pipe"), N_("two tasks ping-ponging over a pipe (context switches)"),
	  BENCH_WALL, "perf", 2.0 },
	{ "syscall", N_("syscall basic"), N_("getppid() in a loop (system call entry and exit)"),
	  BENCH_WALL, "perf", 2.0 },
	{ "file-io", N_("file I/O"), N_("stress-ng --hdd: writes and reads through the page cache"),
	  BENCH_WALL, "stress-ng", 1.5 },
	{ "kbuild", N_("kernel config build"), N_("make defconfig in a fresh directory: system time of "
						   "compiling and running kconfig (fork, exec, files)"),
	  BENCH_SYS, "make", 10.0 },
	{ "workload", N_("your workload"), N_("the command you record with, run as it is"),
	  BENCH_WALL, "sh", 0 },
	/* The control: a loop in user space that no kernel change can speed up or
	 * slow down. When it changes between the runs, the machine changed (its
	 * clock, a neighbour on the host, thermals), and no row can be judged. */
	{ BENCH_CONTROL, N_("control loop"), N_("kfdo counting in user space, no system calls: the machine's own "
						"speed"),
	  BENCH_WALL, NULL, 0.6 },
};

const struct bench_def *bench_defs(size_t *n)
{
	*n = ARRAY_LEN(defs);
	return defs;
}

const struct bench_def *bench_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_LEN(defs); i++)
		if (strcmp(defs[i].name, name) == 0)
			return &defs[i];
	return NULL;
}

const char *bench_metric_key(enum bench_metric m)
{
	return m == BENCH_SYS ? "sys" : "wall";
}

int bench_rounds(const struct session *s)
{
	return s->measure.rounds > 0 ? s->measure.rounds : BENCH_ROUNDS_DEFAULT;
}

static bool in_only(const struct session *s, const char *name)
{
	if (!s->measure.only)
		return true;
	for (size_t i = 0; s->measure.only[i]; i++)
		if (strcmp(s->measure.only[i], name) == 0)
			return true;
	return false;
}

/* Why d cannot run for s; NULL: it can. */
static char *why_not(const struct session *s, const struct bench_def *d)
{
	if (strcmp(d->name, BENCH_CONTROL) == 0)
		return NULL; /* always: without it no comparison can be trusted */
	if (!in_only(s, d->name))
		return xasprintf(_("%s: not chosen (--benchmarks)"), d->name);
	char *exe = path_find_exe(d->tool);
	bool have = exe != NULL;
	free(exe);
	if (!have)
		return xasprintf(_("%s: %s is not installed"), d->name, d->tool);
	if (strcmp(d->name, "kbuild") == 0) {
		char *mk = s->tree ? xasprintf("%s/Makefile", s->tree) : NULL;
		bool ok = mk && access(mk, R_OK) == 0;
		free(mk);
		if (!ok)
			return xasprintf(_("%s: no kernel tree chosen yet"), d->name);
		if (kmake_configured_in_place(s->tree))
			return xasprintf(_("%s: %s is configured in place, and kbuild builds no other "
					   "directory from it"), d->name, s->tree);
	}
	if (strcmp(d->name, "workload") == 0 &&
	    !(s->workload.kind == WORKLOAD_COMMAND && s->workload.command && *s->workload.command))
		return xasprintf(_("%s: the recording's workload is not a command of yours"), d->name);
	return NULL;
}

char **bench_selected(const struct session *s, char ***skipped)
{
	char **v = NULL;
	for (size_t i = 0; i < ARRAY_LEN(defs); i++) {
		char *why = why_not(s, &defs[i]);
		if (!why)
			strv_push(&v, defs[i].name);
		else if (skipped)
			strv_push(skipped, why);
		free(why);
	}
	return v;
}

char *bench_scratch_dir(void)
{
	char *cache = paths_cache_dir(), *d = xasprintf("%s/bench", cache);
	free(cache);
	return d;
}

char *bench_lines_path(const char *phase)
{
	char *state = paths_state_dir(), *p = xasprintf("%s/bench-%s.lines", state, phase);
	free(state);
	return p;
}

char **bench_argv(const struct session *s, const struct bench_def *d, int round, char **cause)
{
	char **v = NULL;
	char *scratch = bench_scratch_dir();
	if (strcmp(d->name, "messaging") == 0)
		v = strv_dup((char *[]){ "perf", "bench", "sched", "messaging", "-g", "2", "-l", "1000", NULL });
	else if (strcmp(d->name, "pipe") == 0)
		v = strv_dup((char *[]){ "perf", "bench", "sched", "pipe", "-l", "100000", NULL });
	else if (strcmp(d->name, "syscall") == 0)
		v = strv_dup((char *[]){ "perf", "bench", "syscall", "basic", "-l", "2000000", NULL });
	else if (strcmp(d->name, "file-io") == 0) {
		v = strv_dup((char *[]){ "stress-ng", "--hdd", "1", "--hdd-ops", "20000", "-q", "--temp-path", NULL });
		strv_push(&v, scratch);
	} else if (strcmp(d->name, "kbuild") == 0) {
		if (!s->tree) {
			cause_set(cause, _("no kernel tree chosen yet"));
		} else {
			/* A fresh directory each round: kconfig is compiled and run every
			 * time. The host's cc, as kbuild picks it without LLVM=: the
			 * benchmark is the kernel's work, not which compiler runs. */
			v = strv_dup((char *[]){ "make", "-s", "-C", s->tree, NULL });
			strv_pushf(&v, "O=%s/kbuild-%d", scratch, round);
			if (s->toggles.arch)
				strv_pushf(&v, "ARCH=%s", s->toggles.arch);
			strv_push(&v, "defconfig");
		}
	} else if (strcmp(d->name, BENCH_CONTROL) == 0) {
		v = NULL; /* kfdo __measure runs it itself */
	} else if (strcmp(d->name, "workload") == 0 && s->workload.command) {
		v = strv_dup((char *[]){ "sh", "-c", s->workload.command, NULL });
	} else {
		cause_set(cause, _("unknown benchmark \"%s\""), d->name);
	}
	free(scratch);
	return v;
}

int bench_plan(const struct session *s, const char *phase, struct plan *p, char **cause)
{
	char **names = bench_selected(s, NULL);
	size_t n = strv_len(names);
	/* The control alone measures nothing of the kernel. */
	if (n <= 1) {
		strv_free(names);
		cause_set(cause, _("no benchmark can run here (see kfdo compare --help)"));
		return -1;
	}
	char *self = plan_self_exe(), *lines = bench_lines_path(phase), *scratch = bench_scratch_dir();
	int rounds = bench_rounds(s), rc = 0;
	plan_add(p, _("What the disks still have to write, written first; how busy the machine is (one second), its "
		       "CPU and governor"),
		 strv_dup((char *[]){ self, "__measure", lines, "--context", NULL }));
	for (int r = 0; r <= rounds && rc == 0; r++) {
		for (size_t k = 0; k < n; k++) {
			const struct bench_def *d = bench_find(names[(k + (size_t)r) % n]);
			bool control = strcmp(d->name, BENCH_CONTROL) == 0;
			char **argv = control ? NULL : bench_argv(s, d, r, cause);
			if (!argv && !control) {
				rc = -1;
				break;
			}
			char **v = strv_dup((char *[]){ self, "__measure", lines, (char *)d->name, NULL });
			strv_pushf(&v, "%d", r);
			if (!control)
				strv_push(&v, "--");
			for (size_t i = 0; argv && argv[i]; i++)
				strv_push(&v, argv[i]);
			strv_free(argv);
			char *desc = r == 0 ? xasprintf(_("Warm-up round (not counted): %s"), _(d->title))
					    : xasprintf(_("Round %d of %d: %s"), r, rounds, _(d->title));
			plan_cmd_set_cwd(plan_add(p, desc, v), scratch);
			free(desc);
		}
	}
	free(self);
	free(lines);
	free(scratch);
	strv_free(names);
	return rc;
}

double bench_estimate(const struct session *s)
{
	json_object *base = bench_run(s, BENCH_BEFORE), *secs;
	if (base && json_object_object_get_ex(base, "seconds", &secs))
		return json_object_get_double(secs);
	char **names = bench_selected(s, NULL);
	double per_round = 0;
	for (size_t i = 0; names && names[i]; i++) {
		const struct bench_def *d = bench_find(names[i]);
		per_round += d->expect_s > 0 ? d->expect_s : 5;
	}
	strv_free(names);
	return 1 + per_round * (bench_rounds(s) + 1);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void bench_cleanup(const char *phase)
{
	char *lines = bench_lines_path(phase), *scratch = bench_scratch_dir();
	unlink(lines);
	nftw(scratch, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(lines);
	free(scratch);
}

int bench_prepare(const char *phase, char **cause)
{
	bench_cleanup(phase);
	char *scratch = bench_scratch_dir();
	int rc = mkdir_p(scratch, 0700, cause);
	free(scratch);
	return rc;
}
