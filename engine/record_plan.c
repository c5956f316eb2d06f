/* Planning a recording (record.h): the benchmarks kfdo knows, the workload's
 * commands around perf record (a benchmark, a kernel build in a tree of its
 * own, or the user's command) and which file a planned perf record writes.
 * Apart from record.c, which watches and concludes the recording, because
 * this part only decides what to run. */
#include "engine/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "engine/kmake.h"

/* ---- workloads ---- */

static const struct record_bench benches[] = {
	{ "perf", N_("perf bench sched messaging: processes and threads passing messages (scheduler, pipes)"), true },
	{ "stress-ng", N_("stress-ng: fork, pipe, context switch, socket and dentry stressors"), false },
	{ "sysbench", N_("sysbench threads: scheduler and mutex contention"), false },
	{ "hackbench", N_("hackbench: the scheduler benchmark perf bench messaging comes from"), true },
};

const struct record_bench *record_benches(size_t *n)
{
	*n = ARRAY_LEN(benches);
	return benches;
}

bool record_bench_installed(const char *name)
{
	char *p = path_find_exe(name);
	bool ok = p != NULL;
	free(p);
	return ok;
}

static int push_bench(const struct session *s, char ***v, char **cause)
{
	const char *b = s->workload.bench && *s->workload.bench ? s->workload.bench : "perf";
	int secs = (s->workload.minutes > 0 ? s->workload.minutes : 5) * 60;
	bool known = false;
	for (size_t i = 0; i < ARRAY_LEN(benches); i++)
		known |= strcmp(benches[i].name, b) == 0;
	if (!known) {
		cause_set(cause, _("unknown benchmark \"%s\": kfdo runs perf, stress-ng, sysbench or hackbench"), b);
		return -1;
	}
	if (!record_bench_installed(b)) {
		cause_set(cause, _("the benchmark %s is not installed (not on PATH): install it, or use "
				   "--bench perf (perf bench comes with perf)"), b);
		return -1;
	}
	if (strcmp(b, "perf") == 0 || strcmp(b, "hackbench") == 0) {
		/* A fixed amount of work (about 85 s on 2 cores, far less on 32), with no
		 * option for a length: kfdo runs it again and again until the time is up. */
		char *self = plan_self_exe();
		strv_push(v, self);
		free(self);
		strv_push(v, "__repeat");
		strv_pushf(v, "%d", secs);
		strv_push(v, "--");
		/* Mostly kernel time: 800 tasks exchanging messages through pipes and sockets. */
		const char *perf[] = { "perf", "bench", "sched", "messaging", "-g", "20", "-l", "10000" };
		const char *hack[] = { "hackbench", "-g", "20", "-l", "10000" };
		bool p = strcmp(b, "perf") == 0;
		for (size_t i = 0; i < (p ? ARRAY_LEN(perf) : ARRAY_LEN(hack)); i++)
			strv_push(v, p ? perf[i] : hack[i]);
	} else if (strcmp(b, "stress-ng") == 0) {
		/* It ends itself at --timeout, as sysbench does at --time, and prints its
		 * metrics: no repeater. 0 instances: one per CPU. Kernel-heavy stressors
		 * only; --cpu would profile user code. */
		const char *a[] = { "stress-ng", "--fork", "0", "--pipe", "0", "--switch", "0", "--sock", "0",
				    "--dentry", "0", "--metrics-brief" };
		for (size_t i = 0; i < ARRAY_LEN(a); i++)
			strv_push(v, a[i]);
		strv_pushf(v, "--timeout=%ds", secs);
	} else {
		strv_push(v, "sysbench");
		strv_push(v, "threads");
		strv_pushf(v, "--threads=%ld", 2 * kmake_jobs(s));
		strv_pushf(v, "--time=%d", secs);
		strv_push(v, "run");
	}
	return 0;
}

/* The make the build steps run, on the workload's tree and [objdir], then [target]. */
static char **make_argv(const struct session *s, const char *tree, const char *objdir, const char *target)
{
	char **v = kmake_argv(s, tree, objdir, NULL);
	if (target)
		strv_push(&v, target);
	return v;
}

/* The rebuild perf records: make at the session's -j, appended to v. */
static void push_build(const struct session *s, char ***v, const char *tree, const char *objdir)
{
	char **m = make_argv(s, tree, objdir, NULL);
	strv_pushf(&m, "-j%ld", kmake_jobs(s));
	for (size_t i = 0; m[i]; i++)
		strv_push(v, m[i]);
	strv_free(m);
}

static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;
	return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The how-to's workload: a clean rebuild of a kernel tree at -jN. The
 * session's own tree is rebuilt in kfdo's scratch directory, never in place:
 * a clean in place would delete the build the running kernel came from. */
static int kbuild_setup(const struct session *s, struct plan *p, char ***v, char **cause)
{
	const char *tree = s->workload.tree && *s->workload.tree ? s->workload.tree : s->tree;
	if (!tree || tree[0] != '/') {
		cause_set(cause, _("no kernel tree to rebuild: choose one (--tree, or --workload-tree DIR)"));
		return -1;
	}
	char *obj = session_objtree(s);
	bool own = same_dir(tree, s->tree) || same_dir(tree, obj);
	free(obj);
	if (kmake_configured_in_place(tree)) {
		if (own && s->pkgbuild) {
			cause_set(cause, _("%s is the tree makepkg configured in place, and kbuild rebuilds no other "
					   "folder from it: give a tree to rebuild with --workload-tree DIR, or choose "
					   "another workload"), tree);
			return -1;
		}
		if (own) {
			cause_set(cause, _("%s is configured in place, so kfdo cannot rebuild it elsewhere, and a "
					   "clean rebuild in place would delete the build the running kernel came "
					   "from: give another tree to rebuild with --workload-tree DIR, or choose "
					   "another workload"), tree);
			return -1;
		}
		plan_cmd_set_cwd(plan_add(p, _("Clean the tree the workload rebuilds (make clean)"),
					  make_argv(s, tree, NULL, "clean")), tree);
		push_build(s, v, tree, NULL);
		return 0;
	}
	/* Whether it exists yet is the step's precondition: `kfdo plan` shows it before. */
	char *cfg = session_config_path(s);
	if (!cfg) {
		cause_set(cause, _("no kernel tree chosen yet"));
		return -1;
	}
	char *cache = paths_cache_dir();
	char *scratch = xasprintf("%s/workload-build", cache);
	char *dst = xasprintf("%s/.config", scratch);
	plan_add_copy(p, _("Copy the kernel configuration to kfdo's scratch build directory (kfdo does this)"),
		      cfg, dst);
	plan_cmd_set_cwd(plan_add(p, _("Update it to the tree rebuilt as the workload (olddefconfig)"),
				  make_argv(s, tree, scratch, "olddefconfig")), tree);
	plan_cmd_set_cwd(plan_add(p, _("Clean the scratch build, so the recording sees a full rebuild"),
				  make_argv(s, tree, scratch, "clean")), tree);
	push_build(s, v, tree, scratch);
	free(cfg);
	free(cache);
	free(scratch);
	free(dst);
	return 0;
}

int record_ready(const struct session *s, char **cause)
{
	if (s->workload.kind != WORKLOAD_KBUILD)
		return 0;
	const char *tree = s->workload.tree && *s->workload.tree ? s->workload.tree : s->tree;
	if (tree && kmake_configured_in_place(tree))
		return 0;
	char *cfg = session_config_path(s);
	int rc = cfg && access(cfg, R_OK) == 0 ? 0 : -1;
	if (rc < 0)
		cause_set(cause, _("the rebuild workload uses the session's configuration, and %s is not "
				   "there: configure first"), cfg ? cfg : ".config");
	free(cfg);
	return rc;
}

int record_plan(const struct session *s, struct plan *p, char **cause)
{
	if (!s->perf_event) {
		cause_set(cause, _("no PMU event chosen yet (the hardware step picks it)"));
		return -1;
	}
	struct plan setup = { 0 };
	char **w = NULL;
	int rc = 0;
	switch (s->workload.kind) {
	case WORKLOAD_KBUILD:
		rc = kbuild_setup(s, &setup, &w, cause);
		break;
	case WORKLOAD_COMMAND:
		if (!s->workload.command || !*s->workload.command) {
			cause_set(cause, _("no workload command given (--command 'CMD')"));
			rc = -1;
			break;
		}
		/* The one shell kfdo runs: a command line the user typed, shown before it runs. */
		strv_push(&w, "sh");
		strv_push(&w, "-c");
		strv_push(&w, s->workload.command);
		break;
	case WORKLOAD_TIMED:
		if (s->workload.minutes <= 0) {
			cause_set(cause, _("no capture length given (--minutes N)"));
			rc = -1;
			break;
		}
		strv_push(&w, "sleep");
		strv_pushf(&w, "%d", s->workload.minutes * 60);
		break;
	case WORKLOAD_BENCHMARK:
		rc = push_bench(s, &w, cause);
		break;
	default:
		cause_set(cause, _("no workload chosen yet (--workload kbuild|command|timed|bench)"));
		rc = -1;
	}
	if (rc < 0) {
		strv_free(w);
		plan_free(&setup);
		return -1;
	}
	/* Setup commands first: move them over, keeping their order. */
	for (size_t i = 0; i < setup.n; i++) {
		struct plan_cmd *c = &setup.cmds[i];
		struct plan_cmd *d = c->kind == PLAN_COPY ? plan_add_copy(p, c->desc, c->src, c->dst)
							  : plan_add(p, c->desc, strv_dup(c->argv));
		plan_cmd_set_cwd(d, c->cwd);
	}
	plan_free(&setup);
	char **v = NULL;
	strv_push(&v, "perf");
	strv_push(&v, "record");
	for (size_t i = 0; s->perf_event[i]; i++)
		strv_push(&v, s->perf_event[i]);
	const char *fixed[] = { "-a", "-N", "-b", "-c", RECORD_SAMPLE_PERIOD, "-o" };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		strv_push(&v, fixed[i]);
	char *out = record_output_path(s);
	strv_push(&v, out);
	free(out);
	strv_push(&v, "--");
	for (size_t i = 0; w[i]; i++)
		strv_push(&v, w[i]);
	strv_free(w);
	struct plan_cmd *c = plan_add(p, _("Record kernel branch samples while the workload runs"), v);
	if (s->workload.kind == WORKLOAD_KBUILD)
		plan_cmd_set_cwd(c, s->workload.tree && *s->workload.tree ? s->workload.tree : s->tree);
	return 0;
}

const char *record_cmd_output(const struct plan_cmd *c)
{
	if (c->kind != PLAN_RUN || strv_len(c->argv) < 2)
		return NULL;
	const char *base = strrchr(c->argv[0], '/');
	base = base ? base + 1 : c->argv[0];
	if (strcmp(base, "perf") != 0 || strcmp(c->argv[1], "record") != 0)
		return NULL;
	/* Only perf record's own options: the workload after "--" may have a -o too. */
	for (size_t i = 2; c->argv[i] && strcmp(c->argv[i], "--") != 0; i++)
		if (strcmp(c->argv[i], "-o") == 0 && c->argv[i + 1])
			return c->argv[i + 1];
	return NULL;
}

void record_workload_default(struct session *s)
{
	struct workload *w = &s->workload;
	if (w->minutes <= 0)
		w->minutes = 10;
	if (w->kind != WORKLOAD_NONE)
		return;
	struct plan p = { 0 };
	w->kind = WORKLOAD_KBUILD;
	if (record_plan(s, &p, NULL) < 0)
		w->kind = WORKLOAD_TIMED;
	plan_free(&p);
}
