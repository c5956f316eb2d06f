/* Did it help: the same benchmarks on the kernel that ran before the flow
 * (the baseline step) and on the optimized one (the compare step), and the
 * comparison with 95% intervals (engine/stats.h).
 *
 * A run is a warm-up round, discarded, then BENCH_ROUNDS_DEFAULT rounds; each
 * round runs every benchmark once, starting one further along each time, so
 * that a slow drift of the machine (thermals, the page cache) spreads over all
 * of them instead of landing on the last. Each run of a benchmark is a command
 * of the step's plan, `kfdo __measure FILE NAME ROUND -- COMMAND`, shown first
 * like every command; it appends its figures to FILE, and the step's complete
 * hook turns the file into the session's record (bench_data.c). */
#ifndef KFDO_BENCH_H
#define KFDO_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/plan.h"
#include "engine/session.h"
#include "engine/stats.h"
#include "engine/step.h"

#define BENCH_ROUNDS_DEFAULT 10
/* Five a side give an interval even shared among six rows (two-sided 1/126). */
#define BENCH_ROUNDS_MIN 5
#define BENCH_ROUNDS_MAX 50
/* Above this share of the CPUs busy in the second before the run, the machine
 * is called busy and its numbers are not judged. */
#define BENCH_BUSY_MAX 0.25
/* Above this much (MB) written again within that second, right after kfdo
 * flushed everything, something else is writing through the runs. */
#define BENCH_PENDING_MAX_MB 64

/* The two runs the flow makes; the session keys them by these names. */
#define BENCH_BEFORE "baseline"
#define BENCH_AFTER "after"
/* The control benchmark's name (bench.c says what it is). */
#define BENCH_CONTROL "control"

enum bench_metric {
	BENCH_WALL,	/* the run's wall time */
	BENCH_SYS,	/* the system time of the run and its children */
};

struct bench_def {
	const char *name;	/* "pipe": --benchmarks, the session, the JSON */
	const char *title;	/* N_(): the table's and the chart's row */
	const char *what;	/* N_(): what it stresses */
	enum bench_metric metric;
	const char *tool;	/* the program that must be on PATH ("perf", "stress-ng", "make");
				   NULL: kfdo itself (the control) */
	double expect_s;	/* a run's seconds on a small machine, for the first estimate */
};

const struct bench_def *bench_defs(size_t *n);
const struct bench_def *bench_find(const char *name);
/* "wall" or "sys", and the words for a table's unit column. */
const char *bench_metric_key(enum bench_metric m);

/* The measured rounds of the session (its --bench-rounds, or the default). */
int bench_rounds(const struct session *s);
/* The benchmarks that run for this session now, in order (names), and in
 * *skipped (may be NULL) a line for each one left out and why: its tool is
 * not installed, there is no tree for the kernel-build one, --benchmarks. */
char **bench_selected(const struct session *s, char ***skipped);
/* The command of one run of a benchmark (round: the scratch directory of the
 * kernel-build one); NULL with cause when it cannot be made. */
char **bench_argv(const struct session *s, const struct bench_def *d, int round, char **cause);
/* The step's commands for run `phase`: the context probe, then the rounds. */
int bench_plan(const struct session *s, const char *phase, struct plan *p, char **cause);
/* Seconds a run of the set will take: the baseline's own time for the after
 * run, the benchmarks' typical times before any. */
double bench_estimate(const struct session *s);
/* The file the runs of `phase` append to, and the scratch directory (malloc'd). */
char *bench_lines_path(const char *phase);
char *bench_scratch_dir(void);
/* Removes what a run of `phase` left (its lines file, the scratch builds). */
void bench_cleanup(const char *phase);
/* Before a run of `phase`: nothing left of an earlier one, the scratch
 * directory made (the steps' prepare hook). 0, or -1 with cause. */
int bench_prepare(const char *phase, char **cause);

/* ---- bench_data.c ---- */

/* The complete hook of both steps: reads the lines `phase`'s commands wrote,
 * records the run in the session with what it ran on (kernel release and
 * build-id, CPU, governor, how busy the machine was), and adds the notes.
 * 0, or -1 when the lines are missing or say a run failed. */
int bench_collect(struct session *s, const char *phase, struct step_report *rep);
/* Whether the session holds a run of `phase`; the run's JSON (borrowed) or NULL. */
json_object *bench_run(const struct session *s, const char *phase);

struct bench_row {
	const char *name;
	const struct bench_def *def;	/* NULL: a benchmark this kfdo does not know */
	double *before, *after;		/* the samples (seconds) */
	size_t n_before, n_after;
	struct stats_cmp cmp;
};

struct bench_cmp {
	struct bench_row *rows;
	size_t n;
	/* The control loop (not among the rows): when it changed, the machine did. */
	struct bench_row control;
	bool have_control;
	/* Why no verdict can be trusted (a busy machine, a changed governor):
	 * every row is then noisy; NULL when none. Notes say what else to know. */
	char **trouble, **notes;
	json_object *before, *after;	/* the runs (borrowed) */
	double alpha;			/* each row's: the table's 95% shared among its rows */
};

/* Compares the after run with the baseline: 0, or -1 with cause when either
 * run is missing. */
int bench_compare(const struct session *s, struct bench_cmp *c, char **cause);
void bench_cmp_free(struct bench_cmp *c);
/* The verdict in words: "faster by 4.1% (2.8 to 5.3%)". malloc'd. */
char *bench_verdict_text(const struct bench_row *r);
/* One line for the step's message and the finish screen's headline. malloc'd. */
char *bench_headline(const struct bench_cmp *c);

#endif
