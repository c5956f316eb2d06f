/* The session: everything kfdo remembers between runs (the tree, the toggles,
 * the workload, where the artifacts are, how far each step got, how long
 * builds took), and its atomic save under $XDG_STATE_HOME/kfdo/. */
#ifndef KFDO_STATE_H
#define KFDO_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <json-c/json.h>

/* Bumped when the file format changes in a way older kfdo cannot read. */
#define STATE_VERSION 1
/* Value of the "kfdo" key that marks a file as ours. */
#define STATE_MARKER "session"
#define STATE_FILE "session.json"
/* Runs kept per (tree, config): enough for an ETA, small enough for the file. */
#define STATE_HISTORY_RUNS 8

/* The flow of DESIGN.md, in order. The table itself is in steps.c. */
enum step_id {
	STEP_HARDWARE,
	STEP_TOOLCHAIN,
	STEP_SOURCE,
	STEP_CONFIGURE,
	STEP_BUILD,
	STEP_BASELINE,
	STEP_INSTALL,
	STEP_REBOOT,
	STEP_PROFILE,
	STEP_CONVERT,
	STEP_FINAL_BUILD,
	STEP_FINISH,
	STEP_COMPARE,
	STEP_COUNT
};

/* A step's name, as the command line and the session file spell it ("build",
 * "final-build"); "?" for an id out of range. */
const char *session_step_key(enum step_id id);

enum step_status { STATUS_PENDING, STATUS_RUNNING, STATUS_DONE, STATUS_FAILED, STATUS_SKIPPED };

/* Where the base .config comes from. */
enum config_source { CONFIG_RUNNING, CONFIG_FILE, CONFIG_DEFCONFIG, CONFIG_TINYCONFIG };

/* What runs while perf records: a kernel rebuild, the user's command, a timed
 * system-wide capture, an installed benchmark tool. */
enum workload_kind {
	WORKLOAD_NONE,
	WORKLOAD_KBUILD,
	WORKLOAD_COMMAND,
	WORKLOAD_TIMED,
	WORKLOAD_BENCHMARK
};

/* String lists below are NULL-terminated char ** (NULL itself means empty);
 * strv_* in plan.h handles them. */
struct toggles {
	bool autofdo, thin_lto, full_lto, propeller;
	int jobs;		/* make -jN; 0: the number of online CPUs */
	char *llvm;		/* LLVM=: "1", "-19" or a prefix ending in '/' */
	char *arch;		/* ARCH=, NULL: not passed */
	char **make_vars;	/* extra "K=V" make arguments */
	char **config_enable;	/* extra scripts/config -e SYMBOL (tests: 64BIT) */
	char **config_disable;	/* extra -d SYMBOL */
};

struct workload {
	enum workload_kind kind;
	char *command;		/* WORKLOAD_COMMAND: run through sh -c, shown first */
	int minutes;		/* WORKLOAD_TIMED: capture length (also stress-ng/sysbench's) */
	char *tree;		/* WORKLOAD_KBUILD: the tree to rebuild, NULL: the session's */
	char *bench;		/* WORKLOAD_BENCHMARK: "perf", "stress-ng", ...; NULL: perf */
};

/* The benchmarks before and after (engine/bench.h). */
struct measure {
	bool off;		/* --no-compare: neither the baseline nor the comparison runs */
	int rounds;		/* measured rounds (a warm-up round runs first); 0: the default */
	char **only;		/* --benchmarks: these only, by name; NULL: every one that can run */
};

/* Options of the profile and convert steps (engine/record.h, engine/profile.h). */
struct profile_opts {
	char **merge_with;	/* earlier profiles merged into the new one ("all": every earlier
				   profile of the same kernel build); they are kept */
	long disk_floor_mb;	/* the recording stops below this much free disk; 0: the default */
};

/* The unattended continuation across a reboot (kfdo reboot, kfdo continue):
 * the boot it was armed in, so that a login before the reboot does nothing, and
 * the entry booted once. armed_boot NULL: not armed. */
struct unattended {
	char *armed_boot;	/* /proc/sys/kernel/random/boot_id when armed */
	time_t armed_at;
	char *loader, *entry_id, *entry_title;	/* the one-shot entry; NULL: the user reboots by hand */
};

struct artifacts {
	char **packages;	/* absolute paths of the last build's packages */
	char *vmlinux;		/* unstripped vmlinux of the installed kernel */
	char *perf_data;
	char *profile;		/* AutoFDO profile (absolute) */
	char *kernel_release;	/* `make kernelrelease` of what was built */
	char *build_id;
	char *logs[STEP_COUNT];	/* log file of each step's last run */
};

/* Who runs a step while it is "running", so that a later start can tell a run
 * that was killed and find what is left of its job (engine/recover.c). Start
 * times are clock ticks since boot (/proc/PID/stat); boot_id tells boots apart. */
struct step_owner {
	int pid;			/* kfdo; 0: none recorded */
	unsigned long long start;
	int pgid;			/* the running job's process group; 0: none yet */
	unsigned long long pgid_start;
	char boot_id[40];
};

struct step_state {
	enum step_status status;
	char *message;		/* last message shown for the step, may be NULL */
	time_t started, finished;	/* 0: never */
	struct step_owner owner;	/* while running */
};

struct build_run {
	time_t when;
	double duration_s;
	long lines;		/* log lines, for the progress estimate */
	json_object *curve;	/* engine/kbuild's progress curve, kept verbatim (may be NULL) */
};

/* Timings of builds of one tree with one configuration (state_config_hash). */
struct build_history {
	char *tree;
	char *config_hash;
	struct build_run *runs;	/* oldest first, at most STATE_HISTORY_RUNS */
	size_t n_runs;
};

struct session {
	int version;
	char *tree;		/* kernel source tree (absolute) */
	char *output_dir;	/* O=, NULL: build in the tree */
	char *clone_url, *clone_branch;	/* when the source step clones */
	/* The source is a linux-cachyos PKGBUILD (engine/makepkg.h): its folder
	 * (absolute), the knobs given besides the flow's ("_cpusched=bore") and
	 * makepkg's own extra options ("--nodeps"). NULL: a kernel tree. tree is
	 * then the one makepkg extracted, found after the configure step. */
	char *pkgbuild;
	char **knobs;
	char **makepkg_args;
	enum config_source config_source;
	char *config_file;	/* CONFIG_FILE: the base .config */
	struct toggles toggles;
	char *target;		/* make target: "pacman-pkg"; tests use "vmlinux" or "bzImage" */
	char **perf_event;	/* perf record event arguments from detect, e.g. {"-e","rc4:k"} */
	struct workload workload;
	struct profile_opts profile;
	struct measure measure;
	/* The benchmark runs, {"baseline": RUN, "after": RUN} (engine/bench_data.c
	 * writes and reads them); kept verbatim, NULL: none yet. */
	json_object *bench;
	struct unattended unattended;
	/* Root mode: install and check packages in this root and package database
	 * through libalpm (tests, images) instead of `sudo pacman -U` on the
	 * running system. NULL: the system. install_dbpath NULL: ROOT/var/lib/pacman. */
	char *install_root, *install_dbpath;
	/* Where the reboot check reads /proc and /sys (a test's fixture tree);
	 * NULL: "/". Given for one run, never saved. */
	char *sysroot;
	/* The hardware check's other inputs for one run (kfdo detect's --cpuid-dump
	 * and --pmu: a CPUID dump and a libpfm4 PMU), never saved; NULL: this machine. */
	char *cpuid_dump, *pmu;
	struct artifacts artifacts;
	struct step_state steps[STEP_COUNT];
	struct build_history *history;
	size_t n_history;
};

/* A fresh session with the defaults (AutoFDO + ThinLTO, LLVM=1, running
 * kernel's config, pacman-pkg). */
struct session *session_new(void);
void session_free(struct session *s);
/* Where /proc and /sys are read for this session: its sysroot, or "/". */
const char *session_sysroot(const struct session *s);
/* Forgets the unattended continuation (the strings freed, not armed). */
void session_unattended_clear(struct session *s);
/* Replaces a string field (frees the old value; v NULL clears it). */
void session_set(char **field, const char *v);
/* Sets a step's status and message; running stamps started, done/failed stamp finished. */
void session_step_set(struct session *s, enum step_id id, enum step_status st, const char *message);
/* The directory make writes into (O= or the tree), and its .config; malloc'd,
 * NULL when no tree is chosen. */
char *session_objtree(const struct session *s);
char *session_config_path(const struct session *s);

/* Records a build; takes ownership of curve (may be NULL). Keeps the last
 * STATE_HISTORY_RUNS runs of that (tree, config). */
void session_history_add(struct session *s, const char *tree, const char *config_hash,
			 double duration_s, long lines, json_object *curve);
const struct build_history *session_history_find(const struct session *s, const char *tree,
						 const char *config_hash);
/* A hash of a .config's settings (CONFIG_ lines, header comments ignored), as
 * 16 hex digits; NULL with errno when unreadable. */
char *state_config_hash(const char *config_path);

const char *step_status_name(enum step_status st);
const char *config_source_name(enum config_source src);
const char *workload_kind_name(enum workload_kind k);
/* Name -> value; false when unknown. */
bool step_status_parse(const char *name, enum step_status *out);
bool config_source_parse(const char *name, enum config_source *out);
bool workload_kind_parse(const char *name, enum workload_kind *out);

/* JSON form of a session (state_json.c). session_from_json returns NULL and
 * fills cause when the object is not a readable kfdo session. */
json_object *session_to_json(const struct session *s);
struct session *session_from_json(json_object *root, char **cause);


/* Writes the session atomically (temp file 0600 in the same directory, fsync,
 * rename, fsync the directory). 0, or -1 with cause. */
int state_save(const struct session *s, char **cause);
/* Space held in the state directory (STATE_RESERVE, allocated blocks) while a
 * step runs, so that the step's outcome can still be saved when its build or
 * its log fills the disk: without it the session would keep the step
 * "running" and the next start would call the run killed. Best effort. */
#define STATE_RESERVE ".space-reserve"
#define STATE_RESERVE_MIN (64 * 1024)
void state_reserve(const struct session *s);
/* state_save() for a step's outcome: on a full disk it gives up the reserve
 * and tries once more. Only the outcome may use it: a save in the middle of
 * the step would leave none for the end. */
int state_save_outcome(const struct session *s, char **cause);

enum state_load_result {
	STATE_ERROR = -1,	/* could not read or could not set aside: cause says why, nothing moved */
	STATE_NONE = 0,		/* no saved session */
	STATE_LOADED = 1,	/* *out holds the session */
	STATE_SET_ASIDE = 2,	/* unreadable file renamed to session.json.corrupt-*, cause names it */
};
/* *out is NULL unless STATE_LOADED. */
enum state_load_result state_load(struct session **out, char **cause);

#endif
