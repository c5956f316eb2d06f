/* Recording the profile (step 8): the workload, the `perf record` command the
 * how-to uses, the sysctls checked right before, the disk floor, and the live
 * figures of a recording that a front end polls.
 *
 * The command: perf record EVENT -a -N -b -c 500009 -o FILE -- WORKLOAD,
 * where EVENT is the hardware check's choice (session->perf_event: AMD
 * `--pfm-events RETIRED_TAKEN_BRANCH_INSTRUCTIONS:k`, Intel
 * `-e BR_INST_RETIRED.NEAR_TAKEN:k`, or the raw encoding such as `-e rc4:k`).
 *
 * Where perf.data goes: $XDG_DATA_HOME/kfdo/recordings/, one new file per
 * recording (perf-RELEASE-WORKLOAD-N.data), unless the session names a file
 * that does not exist yet. Recordings are data, not cache: they can be
 * converted again (another vmlinux path, a newer llvm-profgen) or merged
 * later, and perf itself would rename an existing perf.data to perf.data.old,
 * losing the one before; so kfdo never records over a file.
 *
 * Stopping: perf writes a valid perf.data only when it can finish, which it
 * does on SIGINT (Ctrl-C), and finishing takes time (it reads all samples
 * back for the build-ids). A clean stop (the user ends a timed capture, or
 * free disk falls below the floor) sends SIGINT to the recording's process
 * group once and waits; it is not a cancel, and the step succeeds when
 * perf.data is valid. runner_stop() and runner_record_figures() in runner.h
 * are the front end's side of this. */
#ifndef KFDO_RECORD_H
#define KFDO_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/plan.h"
#include "engine/session.h"
#include "base/util.h"

/* perf record -c: "a suitable prime number, like 500009" (autofdo.rst). */
#define RECORD_SAMPLE_PERIOD "500009"
/* Free disk kept where perf.data grows: a full disk breaks more than the
 * recording (logs, the desktop, the final build that comes next). */
#define RECORD_DISK_FLOOR_MB_DEFAULT 2048

/* $XDG_DATA_HOME/kfdo/recordings (default ~/.local/share/kfdo/recordings). malloc'd. */
char *record_dir(void);
/* The perf.data the next recording writes: artifacts.perf_data when it is set
 * and does not exist yet, else the first free recordings/perf-RELEASE-WORKLOAD-N.data.
 * The same session gives the same answer until perf creates the file. malloc'd. */
char *record_output_path(const struct session *s);

/* Benchmark tools a WORKLOAD_BENCHMARK can run. `perf bench` is there wherever
 * perf is; the others only when found on PATH. */
struct record_bench {
	const char *name;	/* "perf", "stress-ng", "sysbench", "hackbench" */
	const char *what;	/* N_() one line: what it exercises */
	bool repeats;		/* a fixed amount of work: kfdo __repeat runs it until the time is up */
};
const struct record_bench *record_benches(size_t *n);
bool record_bench_installed(const char *name);

/* The profile step's commands, appended to p: for a kernel rebuild first its
 * setup (the session's .config copied to kfdo's scratch build directory,
 * olddefconfig, make clean), then perf record with the workload. 0, or -1
 * with cause when the session lacks what the workload needs. */
int record_plan(const struct session *s, struct plan *p, char **cause);
/* A session without a workload gets the default one, as the wizard's profile
 * screen offers it: the how-to's kernel rebuild when the engine can rebuild
 * the tree (not one configured in place), else a timed capture; 10 minutes
 * when none are set. For the recording after an unattended reboot too. */
void record_workload_default(struct session *s);
/* What the workload needs before it can run (the kernel rebuild: the
 * session's .config). 0, or -1 with cause. */
int record_ready(const struct session *s, char **cause);
/* The perf.data path of a plan command that is the recording (perf record
 * ... -o FILE), NULL for any other command. */
const char *record_cmd_output(const struct plan_cmd *c);

/* perf_event_paranoid and kptr_restrict, checked right before recording. */
struct record_sysctls {
	bool privileged;	/* root reading the real /proc: both limits do not apply */
	bool paranoid_known, kptr_known;
	long paranoid, kptr;
	char **problems;	/* one message per setting in the way (NULL: none) */
	char **settings;	/* their fixes, "kernel.perf_event_paranoid=0", ... */
};
/* Reads both below sysroot ("/": the running system; session_sysroot()). A
 * fixture sysroot is judged as for a user even when root runs the tests.
 * Returns the number of problems. */
int record_sysctls_check(struct record_sysctls *out, const char *sysroot);
/* The fix as commands run through sudo (shown first): `sysctl -w SETTING`
 * for each problem. It lasts until the next boot; the message says how to
 * keep it. */
void record_sysctls_plan(const struct record_sysctls *rs, struct plan *p);
void record_sysctls_free(struct record_sysctls *rs);

/* Free bytes for an unprivileged user in the filesystem of dir (or its
 * nearest existing parent). 0, or -errno. Tests can replace the probe. */
int record_disk_free(const char *dir, uint64_t *free_bytes);
void record_set_disk_probe(int (*probe)(const char *dir, uint64_t *free_bytes));
/* The floor in bytes for the session (profile.disk_floor_mb or the default). */
uint64_t record_disk_floor(const struct session *s);

enum record_stop {
	RECORD_RUNNING,		/* not asked to stop */
	RECORD_STOP_REQUEST,	/* the user ended it (runner_stop) */
	RECORD_STOP_DISK,	/* free disk fell below the floor */
};

/* What a front end shows while perf records. */
struct record_figures {
	double elapsed_s;	/* since perf started */
	uint64_t size;		/* perf.data bytes now */
	double rate;		/* its growth, bytes per second over the last seconds */
	bool disk_known;
	uint64_t disk_free, disk_floor;	/* where perf.data goes */
	enum record_stop stop;	/* != RECORD_RUNNING: stopping, perf is writing perf.data */
	double stopping_s;	/* how long since the stop was sent */
	const char *path;	/* the perf.data */
};

struct record_watch;
struct record_watch *record_watch_new(const char *perf_data, uint64_t floor, int64_t now);
/* Refreshes size and free disk (at most once a second). Returns true once,
 * when free disk has just fallen below the floor: time for a clean stop. */
bool record_watch_tick(struct record_watch *w, int64_t now);
void record_watch_set_stop(struct record_watch *w, enum record_stop why, int64_t now);
enum record_stop record_watch_stop(const struct record_watch *w);
void record_watch_figures(const struct record_watch *w, int64_t now, struct record_figures *f);
void record_watch_free(struct record_watch *w);

/* The outcome of the perf record job (its wait status, how it was stopped,
 * how long it ran): reads perf.data back; on success records it in the
 * session (artifacts.perf_data, and a small PERF_DATA.json beside it with
 * the workload) and says what was recorded in msg. 0; -1 when the workload
 * failed (its valid perf.data is still kept and set as artifacts.perf_data:
 * `kfdo run --from convert` can use it); -2 when perf.data is not valid; msg
 * says what went wrong. */
int record_complete(struct session *s, const char *perf_data, int status, enum record_stop stop,
		    double seconds, struct strbuf *msg);

/* "812 KB", "45.1 MB", "2.3 GB" (1000-based, as disk tools show). */
void record_fmt_size(char *buf, size_t n, uint64_t bytes);

/* Creates the directory the recording goes into. 0, or -1 with cause. */
int record_prepare_dir(const struct session *s, char **cause);

#endif
