/* Converting the recording into an AutoFDO profile (step 9): the checks made
 * before (the vmlinux, its build-id against the running kernel's and the one
 * perf.data noted, perf on PATH), the commands, the stats after, and where
 * profiles live.
 *
 * The converter: `llvm-profgen --kernel --binary=VMLINUX --perfdata=FILE -o P`
 * when llvm-profgen is LLVM 19 or later (the toolchain check's
 * profgen_kernel), else `create_llvm_prof --binary=VMLINUX --profile=FILE
 * --format=extbinary --out=P`. llvm-profgen runs `perf script` itself, so perf
 * must be on PATH. An input whose name ends in ".perfscript" is taken as
 * what `perf script -F ip,brstack --show-mmap-events` prints and handed over
 * with --perfscript= instead: that is how the tests convert a trace generated
 * from a real vmlinux on a machine that cannot record branch stacks
 * (tests/tools/gen_perfscript.c).
 *
 * Merging (on request, profile.merge_with): `llvm-profdata merge --sample
 * --extbinary -o OUT IN...` (without --sample llvm-profdata would take them
 * for instrumentation profiles).
 *
 * Profiles live in $XDG_DATA_HOME/kfdo/profiles/, each with a record of where
 * it came from in PROFILE.json beside it. A new profile always gets a new
 * name (RELEASE-WORKLOAD-YYYYmmdd-HHMMSS.afdo, "-merged" for a merge): nothing
 * made before is deleted or written over, merge inputs included. */
#ifndef KFDO_PROFILE_H
#define KFDO_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/plan.h"
#include "engine/session.h"
#include "base/util.h"

/* A real workload gives 0.8 to 1.5 MB (the how-to's figures); far less than
 * this means little of the kernel ran while perf recorded. */
#define PROFILE_SMALL_BYTES (64 * 1024)
#define PROFILE_SMALL_FUNCTIONS 100
#define PROFILE_HOT_SHOWN 10
/* A kernel's profile is a few MB, merged ones too: a file far larger is not
 * one, and llvm-profdata would spend minutes and gigabytes on it. */
#define PROFILE_MAX_BYTES 256000000ull
/* What `llvm-profdata show` prints for kfdo is a few KB; more is not its summary. */
#define PROFILE_STATS_MAX 16000000ull
/* Where the convert step's commands write, in the profiles directory, until
 * profile_convert_complete() names the results (the dot hides them). */
#define PROFILE_TMP_NEW ".convert-new.afdo"
#define PROFILE_TMP_MERGED ".convert-merged.afdo"
#define PROFILE_TMP_NEW_STATS ".convert-new.stats"
#define PROFILE_TMP_MERGED_STATS ".convert-merged.stats"

/* $XDG_DATA_HOME/kfdo/profiles (default ~/.local/share/kfdo/profiles). malloc'd. */
char *profile_dir(void);
/* The input is a perf script text, not a perf.data (name ends in .perfscript). */
bool profile_is_perfscript(const char *path);

/* The tools the convert step uses, found once per process through the
 * toolchain check (detect/toolchain.h). Names as a plan shows them. */
struct profile_tools {
	char *profgen;		/* llvm-profgen (maybe suffixed), NULL when missing */
	int profgen_major;
	bool profgen_kernel;	/* LLVM >= 19: has --kernel */
	char *create_llvm_prof;	/* NULL when missing */
	char *profdata;		/* llvm-profdata, NULL when missing */
};
const struct profile_tools *profile_tools(const struct toggles *t);

/* Build-ids: the vmlinux's, the running kernel's (<sysroot>/sys/kernel/notes;
 * sysroot "/" is the running system)
 * and the one perf.data noted for [kernel.kallsyms] (kernel_id, NULL when
 * none: a perf script input). A mismatch with perf.data's stops: the samples
 * would land on other code. Without perf.data's, the running kernel's stands
 * in. When perf.data matches, a different running kernel is only a note (it
 * was recorded, then the machine booted another kernel). 0 (*note may say
 * something), or -1 with a cause naming both ids and what to do. */
int profile_check_build_ids(const char *vmlinux, const char *kernel_id, const char *sysroot, char **note,
			    char **cause);
/* The vmlinux itself: an ELF kernel image with its symbols and debug info
 * (llvm-profgen makes an empty profile from a stripped one). 0, or -1 with cause. */
int profile_check_vmlinux(const char *vmlinux, char **cause);
/* Everything checkable before converting: the vmlinux, the input (perf.data
 * complete, with samples and branch stacks; or a non-empty perf script), the
 * build-ids, perf on PATH for llvm-profgen, the merge inputs. 0, or -1 with cause. */
int profile_check_inputs(const struct session *s, char **note, char **cause);

/* The convert step's commands (into temporary names in the profiles
 * directory): the converter, the merge when asked, `llvm-profdata show` for
 * the stats. 0, or -1 with cause. */
int profile_plan(const struct session *s, struct plan *p, char **cause);
/* Creates the profiles directory the convert step writes into. 0, or -1 with cause. */
int profile_prepare_dir(char **cause);

/* What `llvm-profdata show --sample --topn` says about a profile. */
struct profile_hot {
	char *name;
	uint64_t samples;
	double share;		/* percent of all samples */
};
struct profile_stats {
	uint64_t size;		/* bytes of the profile file */
	uint64_t functions;	/* functions in the profile */
	uint64_t total_samples;
	uint64_t hot_functions;
	struct profile_hot *hot;	/* hottest first, at most PROFILE_HOT_SHOWN */
	size_t n_hot;
};
/* The argv of the stats job: llvm-profdata show --sample ... --output=OUT PROFILE. */
char **profile_stats_argv(const char *profdata, const char *profile, const char *out);
/* Parses that output. 0, or -1 with cause when it is not llvm-profdata's. */
int profile_stats_parse(const char *text, struct profile_stats *st, char **cause);
/* Runs the stats job to its end (logged like every job) and parses it; for
 * `kfdo profile stats` and front ends. Only a regular file of at most
 * PROFILE_MAX_BYTES is handed over. When cancel_fd (-1: none) becomes
 * readable, a signal in the front end, the job is cancelled with its whole
 * group; the front end reads the fd itself afterwards. The temporary output
 * is removed on every path. 0, -ECANCELED after a cancel, or -1 with cause
 * (llvm-profdata's own message when it rejects the file). */
int profile_stats_run(const struct toggles *t, const char *profile, int cancel_fd, struct profile_stats *st,
		      char **cause);
/* NULL, or a malloc'd warning: an empty profile (with google/autofdo#256's
 * Zen 4 story) or a suspiciously small one. */
char *profile_stats_warning(const struct profile_stats *st);
bool profile_stats_empty(const struct profile_stats *st);
void profile_stats_free(struct profile_stats *st);
/* "1.2 MB, 5321 functions, 9812345 samples; hottest: f 12.3%, g 4.0%, h 2.1%" (malloc'd). */
char *profile_stats_line(const struct profile_stats *st, size_t max_hot);

/* After the convert step's commands: names the new profile (and the merged
 * one), writes their records, sets artifacts.profile, says what was made in
 * msg. An empty profile is kept under its name but not used: -1. */
int profile_convert_complete(struct session *s, struct strbuf *msg);

/* After the convert step failed or was cancelled: removes what its commands
 * left under the temporary names (a new profile without its merge, stats, a
 * half-written merge), which nothing would ever name or use. */
void profile_convert_abandon(void);

/* The record beside a profile (PROFILE.json). */
struct profile_record {
	char *profile, *kernel_release, *build_id, *vmlinux, *perf_data, *workload, *merged_from;
	time_t converted;
	uint64_t size, functions, total_samples;
	uint64_t perf_data_size;	/* the recording it came from, bytes */
	struct profile_hot *hot;	/* hottest first */
	size_t n_hot;
	bool empty;
};
int profile_record_read(const char *profile, struct profile_record *rec, char **cause);
void profile_record_free(struct profile_record *rec);
/* One line for the final build's summary: where the profile came from. malloc'd. */
char *profile_summary(const char *profile);
/* The profiles in the profiles directory, oldest first (sorted names), as paths. */
char **profile_list(void);

#endif
