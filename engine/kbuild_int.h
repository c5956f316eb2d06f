/* What kbuild.c (feeding the model), kbuild_history.c (a run as history, and
 * back) and kbuild_eta.c (the estimate, the dry run) share: the progress
 * model's state. Private to those three files. */
#ifndef KFDO_KBUILD_INT_H
#define KFDO_KBUILD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/kbuild.h"
#include "base/util.h"

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

/* A copy of one output line, with where its step's parts are. */
struct kbuild_linebuf {
	char *s;		/* NUL-terminated, LINE_SLACK bytes of room after it */
	size_t cap, len;
	size_t tag_len, body;	/* a step's tag at s + 2, its argument from body */
	bool nul;		/* s holds a NUL before len (binary output) */
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
	/* The last line, the last step's and the last compile's (some may be the
	 * same): a line is copied once into a buffer that holds neither of the
	 * other two, and the step's label ("CC kernel/fork.o") and the directory
	 * are made from theirs only when asked for, so that a flood of steps
	 * costs one copy a line. Buffers are reused, not reallocated. -1: none. */
	struct kbuild_linebuf lines[3];
	int cur, step, comp;
	char *dir, *last_step;	/* made from lines[comp] and lines[step] */
	size_t dir_cap, last_step_cap;
	bool dir_ok, label_ok;	/* dir and last_step are up to date */
	double t_last;		/* time of the last line (0 before any) */
	double t_end;
	bool finished;
	struct kbuild_diag first_error, first_make;
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

/* The last step as "TAG argument" ("CC kernel/fork.o"), "" before the first;
 * valid until the next feed. Made on first use after each step. */
const char *kbuild_step_label(struct kbuild_progress *p);

/* When the earlier run had printed `step` steps (the first moment it had). */
double kbuild_hist_time_at(const struct kbuild_history *h, size_t step);
/* Orders struct kbuild_anchor by label: the history's anchors are sorted so. */
int kbuild_anchor_cmp(const void *a, const void *b);

#endif
