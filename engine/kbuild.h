/* Live progress of a kernel build, fed one output line at a time.
 *
 * The model reads kbuild's quiet output ("  CC      kernel/fork.o"): every such
 * line is a "step". It counts steps per tag, follows the directory being
 * compiled, collects warnings and errors, and estimates progress and ETA:
 *
 *   - from the timing curve of an earlier run of the same tree and config
 *     (kbuild_set_history; the final build always has one: the first build),
 *   - else from the counts predicted by a `make -n` dry run
 *     (kbuild_dryrun_*, kbuild_set_dryrun),
 *   - else not at all: an indeterminate bar with the rate and elapsed time,
 *     never a made-up percentage.
 *
 * Times are seconds since the build started (a monotonic clock), passed in
 * by the caller, so that tests can replay a recorded log.
 *
 * Measured on this 2-core VM with Linux 6.12, tinyconfig + 64BIT + ThinLTO,
 * clang-19, -j2 (tests/fixtures/kbuild/README.md has the details):
 *   - a clean build takes 119-120 s and prints 1020 lines (1019 steps, 506 CC);
 *   - `LD vmlinux.o` (the ThinLTO link) is followed by 11.6-11.7 s of silence;
 *   - `make -n` on a clean tree stops at objtool (its output directory is made
 *     by a recipe that -n does not run) and lists almost nothing; after a real
 *     `make prepare` (5-17 s) it takes 3.3-3.7 s and lists every step up to
 *     vmlinux.a, then stops again ("No rule to make target 'vmlinux.a'").
 *     See kbuild_dryrun_expected() for how that maps to the real count. */
#ifndef KFDO_KBUILD_H
#define KFDO_KBUILD_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* No output line at all for this long is a silent phase (the ThinLTO link).
 * Kbuild at -j2 never paused longer than 1.7 s elsewhere in the measured logs. */
#define KBUILD_SILENT_MIN 5.0

/* Like ninja: history whose pace is this many times off from the current
 * pace (a warm ccache, another machine) is distrusted once both of the
 * following hold. */
#define KBUILD_DISTRUST_FACTOR 10.0
#define KBUILD_DISTRUST_AFTER_S 15.0
#define KBUILD_DISTRUST_AFTER_FRACTION 0.05

enum kbuild_diag_kind {
	KBUILD_DIAG_WARNING,	/* compiler, linker or modpost warning */
	KBUILD_DIAG_ERROR,	/* compiler, linker or modpost error */
	KBUILD_DIAG_MAKE,	/* make's "*** [...] Error 1" or "*** ... Stop." */
};

struct kbuild_diag {
	enum kbuild_diag_kind kind;
	char *file;		/* "kernel/fork.c", "ld.lld", "scripts/Makefile.build"; NULL if none */
	unsigned line, col;	/* 0 when unknown */
	char *message;		/* text after "error: " / "warning: " / "*** " */
	size_t line_no;		/* 1-based index of the output line */
};

struct kbuild_counts {
	size_t lines;		/* every line fed */
	size_t steps;		/* quiet command lines ("  CC  x.o") */
	size_t warnings;
	size_t errors;		/* compiler/linker/modpost errors */
	size_t make_errors;	/* make's "***" lines: one per make level, so not added to errors */
};

/* The longest step tag ("HOSTCC", "OBJTOOL"...) a quiet command line may have. */
#define KBUILD_TAG_MAX 11

struct kbuild_tag_count {
	char tag[KBUILD_TAG_MAX + 1];		/* "CC", "LD", "HOSTCC"...; "CC [M]" counts as "CC" */
	size_t count;
};

struct kbuild_progress;
struct kbuild_dryrun;

/* What one output line is: the one definition of a step, a warning and an
 * error, shared by the progress model and the build log widget. Reads len
 * bytes (no NUL needed) and allocates nothing. */
enum kbuild_line_kind {
	KBUILD_LINE_OTHER,
	KBUILD_LINE_STEP,	/* "  CC [M]  fs/x.o" */
	KBUILD_LINE_WARNING,	/* "f.c:1:2: warning: ", "ld.lld: warning: ", "WARNING: modpost: " */
	KBUILD_LINE_ERROR,	/* the same with "error: ", "fatal error: ", "ERROR: " */
	KBUILD_LINE_MAKE_ERROR,	/* "make[2]: *** [...] Error 1", "make: *** ... Stop." */
	KBUILD_LINE_NOTE,	/* "f.c:1:2: note: ": belongs to the diagnostic above */
	KBUILD_LINE_EXCERPT,	/* clang's "  949 |   code" and "      |   ^~~" (after a diagnostic) */
};

/* Where the parts are, as offsets into the line. STEP: the tag at [head,
 * head + head_len), the argument from body. WARNING, ERROR, NOTE: the location
 * ("kernel/fork.c:12:5", "ld.lld"; empty after "WARNING: ") at [head, head +
 * head_len), the message from body. MAKE_ERROR: make's name ("make[2]") at
 * [head, head + head_len), the text after "*** " from body. */
struct kbuild_line {
	enum kbuild_line_kind kind;
	size_t head, head_len, body;
};

/* out may be NULL. "N warnings generated.", "In file included from" and
 * make's "*** Waiting for unfinished jobs" are OTHER. */
enum kbuild_line_kind kbuild_line_parse(const char *line, size_t len, struct kbuild_line *out);

struct kbuild_progress *kbuild_new(void);
void kbuild_free(struct kbuild_progress *p);

/* One output line (with or without its newline) seen t seconds into the build.
 * Only what comes before a '\r' or '\n' counts. */
void kbuild_feed(struct kbuild_progress *p, const char *line, double t);
/* The same for the len bytes at line (a job's line, whose length is known). */
void kbuild_feed_n(struct kbuild_progress *p, const char *line, size_t len, double t);
/* The build's process ended at t; the history then covers the silent tail too. */
void kbuild_finish(struct kbuild_progress *p, double t);

const struct kbuild_counts *kbuild_counts(const struct kbuild_progress *p);
/* Steps seen with this tag ("CC" also counts "CC [M]"). */
size_t kbuild_tag_count(const struct kbuild_progress *p, const char *tag);
/* Directory of the last CC/AS step ("kernel/sched"), "" before the first. */
const char *kbuild_current_dir(const struct kbuild_progress *p);
/* The last line fed, "" before the first. */
const char *kbuild_last_line(const struct kbuild_progress *p);
/* The first compiler/linker error, or when there was none make's first "***"
 * line; NULL when the build printed no error. */
const struct kbuild_diag *kbuild_first_error(const struct kbuild_progress *p);

/* The timing of a finished run, saved in the session to estimate the next one. */
struct kbuild_point {
	size_t step;		/* steps done ... */
	double t;		/* ... at this time */
};

struct kbuild_silence {
	size_t step;		/* steps done when the silence began */
	double start, seconds;
	char *label;		/* the last step before it: "LD vmlinux.o" */
};

/* A compile step of the earlier run ("CC kernel/fork.o") and when it was
 * printed: a later run aligns on what it compiles, not on how many lines came
 * before (a tree already prepared prints fewer). */
struct kbuild_anchor {
	char *label;
	double t;
};

struct kbuild_history {
	size_t steps, lines;
	double seconds;
	struct kbuild_point *curve;	/* cumulative, ascending in step and t; ends at (steps, seconds) */
	size_t n_curve;
	struct kbuild_silence *silences;
	size_t n_silences;
	struct kbuild_anchor *anchors;	/* at most KBUILD_ANCHORS, sorted by label; may be none */
	size_t n_anchors;
};

/* Compile steps kept as anchors per history (about 4 KB of JSON). */
#define KBUILD_ANCHORS 100

/* Captures the run so far (call after kbuild_finish) into *h; at most ~200
 * curve points whatever the build's size, every silent phase kept. */
void kbuild_history_from_run(const struct kbuild_progress *p, struct kbuild_history *h);
void kbuild_history_free(struct kbuild_history *h);
/* {"version":1,"steps":1019,"lines":1020,"ms":119687,"curve":[[step,ms],..],
 *  "silences":[{"step":960,"start_ms":104266,"ms":11702,"label":"LD vmlinux.o"}]}
 * (2.3 KB for the tinyconfig build; times are whole milliseconds). */
struct json_object *kbuild_history_to_json(const struct kbuild_history *h);
/* 0, or -EINVAL with *cause set when the object is not a usable history. */
int kbuild_history_from_json(struct json_object *obj, struct kbuild_history *h, char **cause);

/* Use an earlier run of the same tree and config (copied). */
void kbuild_set_history(struct kbuild_progress *p, const struct kbuild_history *h);
/* Use a dry run's prediction when there is no history. It predicts what
 * comes after the moment it ran: steps and compiles already fed (`make
 * prepare` run through the same progress) are added to it. The ETA is then
 * paced by compiles. */
void kbuild_set_dryrun(struct kbuild_progress *p, const struct kbuild_dryrun *d);
/* Only a total step count (kbuild_set_dryrun is better: steps make a poor
 * pace, see kbuild_eta.c); 0 forgets it. */
void kbuild_set_expected(struct kbuild_progress *p, size_t steps);

enum kbuild_basis {
	KBUILD_EST_NONE,	/* nothing to go on: indeterminate, rate and elapsed only */
	KBUILD_EST_DRYRUN,	/* dry-run counts at this run's pace; blind to the final link */
	KBUILD_EST_HISTORY,	/* the earlier run's timing curve, scaled to this run's pace */
	KBUILD_EST_PACE,	/* history 10x off: its step count at this run's pace */
};

struct kbuild_estimate {
	enum kbuild_basis basis;
	double fraction;	/* 0..1, < 0 when unknown (draw an indeterminate bar) */
	double eta_seconds;	/* < 0 when unknown (also when overdue) */
	double elapsed;
	double rate;		/* steps per second over the last 10 s */
	size_t steps, expected_steps;	/* expected 0 when unknown */
	bool in_silent_phase;	/* no output for KBUILD_SILENT_MIN or more */
	double silent_elapsed;	/* since the last line, when in a silent phase */
	double silent_last_time;	/* how long this silence took last time, < 0 unknown */
	const char *silent_label;	/* last step before the silence ("LD vmlinux.o"), or "";
					 * valid until the next feed */
};

struct kbuild_estimate kbuild_estimate(const struct kbuild_progress *p, double now);
/* Untranslated (N_): the front end passes it through _(). */
const char *kbuild_basis_name(enum kbuild_basis b);

/* Dry run: feed `make -n` output line by line. Run it after a real
 * `make prepare`: on a clean tree it stops at objtool and lists nothing useful.
 * Measured on 6.12 with three configs: the predicted step count is within
 * 1.3% of the real one, and exact on the config that played no part in
 * choosing the constants (tests/fixtures/kbuild/README.md). */
struct kbuild_dryrun {
	size_t listed;		/* quiet-command echoes that always print */
	size_t conditional;	/* filechk's "UPD": prints only when the file changes */
	size_t compiles;	/* the CC and AS among the listed */
	size_t modules;		/* `.mod` recipes: one per module */
	size_t lines;
};

void kbuild_dryrun_feed(struct kbuild_dryrun *d, const char *line);
/* Feeds a whole text (lines separated by '\n'). */
void kbuild_dryrun_count(struct kbuild_dryrun *d, const char *text);
/* The step and compile (CC/AS) counts the real build will print, 0 when the
 * dry run listed nothing; kbuild_eta.c documents the mapping. */
size_t kbuild_dryrun_expected(const struct kbuild_dryrun *d);
size_t kbuild_dryrun_expected_compiles(const struct kbuild_dryrun *d);

#endif
