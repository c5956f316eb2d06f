/* What kbuild.c (feeding the model), kbuild_history.c (a run as history, and
 * back) and kbuild_eta.c (the estimate, the dry run) share: the progress
 * model's state. Private to those three files. */
#ifndef KFDO_KBUILD_INT_H
#define KFDO_KBUILD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/kbuild.h"
#include "core/util.h"

/* The Makefile links no libm: these few are all the maths needed. */
static inline double dmin(double a, double b)
{
	return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
	return a > b ? a : b;
}

struct tag_key {
	uint64_t lo, hi;
};

struct kbuild_progress {
	struct kbuild_counts counts;
	struct kbuild_tag_count *tags;
	struct tag_key *tag_keys;	/* tags[i].tag, packed */
	size_t n_tags, cap_tags, last_tag;
	/* When steps were printed: step_t[k] is when step (k + 1) * stride was. A
	 * flood of output (a million lines of a log replayed) must not grow memory:
	 * once STEP_TIMES are kept, every other one goes and the stride doubles. A
	 * kernel build (about 1,000 to 60,000 steps) keeps every step. */
	double *step_t;
	size_t n_step_t, stride;
	double t_step;		/* when the last step was printed */
	/* Rewritten on every line: their buffers are reused, not reallocated. */
	char *dir, *last_line, *last_step;
	size_t dir_cap, last_line_cap, last_step_cap;
	bool line_nul;		/* last_line holds a NUL before its end */
	double t_last;		/* time of the last line (0 before any) */
	double t_end;
	bool finished;
	struct kbuild_diag first_error, first_make, last_warning;
	struct strbuf extract;
	int extract_left;	/* lines still to take into the excerpt */
	struct kbuild_silence *silences;
	size_t n_silences, cap_silences;
	size_t compiles;	/* CC and AS steps: the ones that take the time */
	double t_compile;	/* when the last of them was printed */
	struct kbuild_history hist;
	bool has_history, distrusted;
	size_t expected, expected_compiles;
	/* Compile steps of this run, for the next one's anchors: every seen_stride-th,
	 * thinned like step_t once SEEN_MAX are kept, so they stay evenly spread. */
	struct kbuild_anchor *seen;
	size_t n_seen, seen_stride;
	/* The first and the latest of this run's compile steps found among the history's
	 * anchors: this run's time and the history's time for each. */
	bool anchored;
	double t_first, h_first, t_anchor, h_anchor;
};

/* Bounds of step_t and seen: 512 KiB and about 250 KiB. */
#define STEP_TIMES 65536
#define SEEN_MAX 4096

/* When the earlier run had printed `step` steps (the first moment it had). */
double kbuild_hist_time_at(const struct kbuild_history *h, size_t step);
/* Orders struct kbuild_anchor by label: the history's anchors are sorted so. */
int kbuild_anchor_cmp(const void *a, const void *b);

#endif
