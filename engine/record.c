/* Recording the profile (record.h): where recordings go, the sysctls, the
 * disk floor, the live figures while perf record runs and its outcome. The
 * workload's commands around perf record are planned in record_plan.c. */
#include "engine/record.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "engine/perfdata.h"

/* The growth rate is measured over this window, so one burst of writes does
 * not read as a flood. */
#define RATE_WINDOW_MS 5000
#define TICK_MS 1000
#define RATE_SLOTS 8

char *record_dir(void)
{
	char *data = paths_data_dir();
	char *dir = xasprintf("%s/recordings", data);
	free(data);
	return dir;
}

/* The release the recording is of: the built kernel's, else the running one's. */
static char *release_of(const struct session *s)
{
	if (s->artifacts.kernel_release && *s->artifacts.kernel_release)
		return xstrdup(s->artifacts.kernel_release);
	struct utsname u;
	return xstrdup(uname(&u) == 0 ? u.release : "unknown");
}

char *record_output_path(const struct session *s)
{
	const char *want = s->artifacts.perf_data;
	if (want && want[0] == '/' && access(want, F_OK) < 0 && errno == ENOENT)
		return xstrdup(want);
	char *dir = record_dir(), *rel = release_of(s), *path = NULL;
	for (int n = 1; !path; n++) {
		path = xasprintf("%s/perf-%s-%s-%d.data", dir, rel, workload_kind_name(s->workload.kind), n);
		if (access(path, F_OK) == 0 || errno != ENOENT) {
			free(path);
			path = NULL;
		}
	}
	free(dir);
	free(rel);
	return path;
}

/* ---- sysctls ---- */

int record_sysctls_check(struct record_sysctls *rs, const char *root)
{
	memset(rs, 0, sizeof(*rs));
	/* CAP_PERFMON and CAP_SYSLOG (root has both) lift both limits; a fixture is
	 * always judged as for a user. */
	rs->privileged = geteuid() == 0 && strcmp(root, "/") == 0;
	rs->paranoid_known = sysroot_read_long(root, "/proc/sys/kernel/perf_event_paranoid", &rs->paranoid);
	rs->kptr_known = sysroot_read_long(root, "/proc/sys/kernel/kptr_restrict", &rs->kptr);
	if (rs->privileged)
		return 0;
	if (rs->paranoid_known && rs->paranoid > 0) {
		strv_pushf(&rs->problems,
			   _("perf_event_paranoid is %ld: recording the whole system (-a) with kernel samples "
			     "as a user needs 0 or less"), rs->paranoid);
		strv_push(&rs->settings, "kernel.perf_event_paranoid=0");
	}
	if (rs->kptr_known && rs->kptr > 0) {
		strv_pushf(&rs->problems,
			   _("kptr_restrict is %ld: kernel addresses read as 0, so perf cannot tell where the "
			     "kernel's code is and the samples cannot be mapped to vmlinux"), rs->kptr);
		strv_push(&rs->settings, "kernel.kptr_restrict=0");
	}
	return (int)strv_len(rs->problems);
}

void record_sysctls_plan(const struct record_sysctls *rs, struct plan *p)
{
	for (size_t i = 0; rs->settings && rs->settings[i]; i++) {
		char **v = NULL;
		strv_push(&v, "sysctl");
		strv_push(&v, "-w");
		strv_push(&v, rs->settings[i]);
		struct plan_cmd *c = plan_add(p, _("Allow recording the kernel until the next boot (to keep it, "
						   "put the setting in /etc/sysctl.d/99-kfdo.conf)"), v);
		c->needs_root = true;
	}
}

void record_sysctls_free(struct record_sysctls *rs)
{
	strv_free(rs->problems);
	strv_free(rs->settings);
	memset(rs, 0, sizeof(*rs));
}

/* ---- disk ---- */

static int statvfs_probe(const char *dir, uint64_t *free_bytes)
{
	char *d = xstrdup(dir);
	struct statvfs v;
	/* perf.data's directory may not exist yet: measure its nearest parent. */
	while (statvfs(d, &v) < 0) {
		int e = errno;
		char *slash = strrchr(d, '/');
		if (e != ENOENT || !slash || slash == d) {
			if (e == ENOENT && slash == d && statvfs("/", &v) == 0)
				break;
			free(d);
			return -e;
		}
		*slash = 0;
	}
	free(d);
	*free_bytes = (uint64_t)v.f_bavail * v.f_frsize;
	return 0;
}

static int (*disk_probe)(const char *, uint64_t *) = statvfs_probe;

void record_set_disk_probe(int (*probe)(const char *dir, uint64_t *free_bytes))
{
	disk_probe = probe ? probe : statvfs_probe;
}

int record_disk_free(const char *dir, uint64_t *free_bytes)
{
	return disk_probe(dir, free_bytes);
}

uint64_t record_disk_floor(const struct session *s)
{
	long mb = s->profile.disk_floor_mb > 0 ? s->profile.disk_floor_mb : RECORD_DISK_FLOOR_MB_DEFAULT;
	return (uint64_t)mb * 1024 * 1024;
}

void record_fmt_size(char *buf, size_t n, uint64_t b)
{
	if (b >= 1000000000ull)
		snprintf(buf, n, "%.1f GB", (double)b / 1e9);
	else if (b >= 1000000ull)
		snprintf(buf, n, "%.1f MB", (double)b / 1e6);
	else if (b >= 1000ull)
		snprintf(buf, n, "%.0f KB", (double)b / 1e3);
	else
		snprintf(buf, n, "%llu B", (unsigned long long)b);
}

/* ---- the watch ---- */

struct record_watch {
	char *path, *dir;
	uint64_t floor;
	int64_t t0, last_tick, stop_at;
	enum record_stop stop;
	bool disk_known, floor_hit;
	uint64_t size, disk_free;
	/* (time, size) samples for the rate, oldest first. */
	int64_t at[RATE_SLOTS];
	uint64_t sz[RATE_SLOTS];
	size_t n;
};

struct record_watch *record_watch_new(const char *perf_data, uint64_t floor, int64_t now)
{
	struct record_watch *w = xcalloc(1, sizeof(*w));
	w->path = xstrdup(perf_data);
	char *slash = strrchr(w->path, '/');
	w->dir = slash && slash != w->path ? strndup(w->path, (size_t)(slash - w->path)) : xstrdup(slash ? "/" : ".");
	w->floor = floor;
	w->t0 = now;
	w->last_tick = now - TICK_MS;
	record_watch_tick(w, now);
	return w;
}

bool record_watch_tick(struct record_watch *w, int64_t now)
{
	if (now - w->last_tick < TICK_MS)
		return false;
	w->last_tick = now;
	struct stat st;
	/* Before perf creates it, the file is simply 0 bytes. */
	w->size = stat(w->path, &st) == 0 ? (uint64_t)st.st_size : 0;
	if (w->n == RATE_SLOTS) {
		memmove(w->at, w->at + 1, (RATE_SLOTS - 1) * sizeof(*w->at));
		memmove(w->sz, w->sz + 1, (RATE_SLOTS - 1) * sizeof(*w->sz));
		w->n--;
	}
	w->at[w->n] = now;
	w->sz[w->n++] = w->size;
	w->disk_known = record_disk_free(w->dir, &w->disk_free) == 0;
	if (w->disk_known && w->disk_free < w->floor && !w->floor_hit && w->stop == RECORD_RUNNING) {
		w->floor_hit = true;
		return true;
	}
	return false;
}

void record_watch_set_stop(struct record_watch *w, enum record_stop why, int64_t now)
{
	if (w->stop != RECORD_RUNNING)
		return;
	w->stop = why;
	w->stop_at = now;
}

enum record_stop record_watch_stop(const struct record_watch *w)
{
	return w->stop;
}

void record_watch_figures(const struct record_watch *w, int64_t now, struct record_figures *f)
{
	memset(f, 0, sizeof(*f));
	f->elapsed_s = (double)(now - w->t0) / 1000.0;
	f->size = w->size;
	f->disk_known = w->disk_known;
	f->disk_free = w->disk_free;
	f->disk_floor = w->floor;
	f->stop = w->stop;
	f->stopping_s = w->stop ? (double)(now - w->stop_at) / 1000.0 : 0;
	f->path = w->path;
	/* The oldest sample within the window, against the newest. */
	size_t i = 0;
	while (w->n && i + 1 < w->n && w->at[w->n - 1] - w->at[i] > RATE_WINDOW_MS)
		i++;
	if (w->n >= 2 && w->at[w->n - 1] > w->at[i] && w->sz[w->n - 1] >= w->sz[i])
		f->rate = (double)(w->sz[w->n - 1] - w->sz[i]) * 1000.0 / (double)(w->at[w->n - 1] - w->at[i]);
}

void record_watch_free(struct record_watch *w)
{
	if (!w)
		return;
	free(w->path);
	free(w->dir);
	free(w);
}

/* ---- the outcome ---- */

static void write_sidecar(const struct session *s, const char *perf_data, const struct perfdata_info *pd,
			  enum record_stop stop, double seconds)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kfdo", json_object_new_string("recording"));
	json_object_object_add(o, "perf_data", json_object_new_string(perf_data));
	json_object_object_add(o, "when", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "seconds", json_object_new_double(seconds));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)pd->file_size));
	json_object_object_add(o, "samples", json_object_new_int64((int64_t)pd->samples));
	json_object_object_add(o, "stopped", json_object_new_string(stop == RECORD_STOP_REQUEST ? "request"
								     : stop == RECORD_STOP_DISK ? "disk-floor"
												 : "workload-ended"));
	json_object *wl = json_object_new_object();
	json_object_object_add(wl, "kind", json_object_new_string(workload_kind_name(s->workload.kind)));
	if (s->workload.command)
		json_object_object_add(wl, "command", json_object_new_string(s->workload.command));
	if (s->workload.bench)
		json_object_object_add(wl, "bench", json_object_new_string(s->workload.bench));
	if (s->workload.minutes)
		json_object_object_add(wl, "minutes", json_object_new_int(s->workload.minutes));
	json_object_object_add(o, "workload", wl);
	if (pd->os_release)
		json_object_object_add(o, "kernel_release", json_object_new_string(pd->os_release));
	if (pd->kernel_build_id)
		json_object_object_add(o, "kernel_build_id", json_object_new_string(pd->kernel_build_id));
	char *path = xasprintf("%s.json", perf_data);
	/* A new recording has a new name, so its record is new too. */
	json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	free(path);
	json_object_put(o);
}

int record_complete(struct session *s, const char *perf_data, int status, enum record_stop stop,
		    double seconds, struct strbuf *msg)
{
	struct perfdata_info pd;
	char *cause = NULL;
	char dur[32], size[32];
	fmt_duration(dur, sizeof(dur), seconds);
	int rc = perfdata_read(perf_data, &pd, &cause);
	if (rc == 0)
		rc = perfdata_count(&pd, &cause);
	/* After a stop perf ends by SIGINT, or with the status of the workload it
	 * interrupted: either way a valid perf.data is what counts. */
	bool clean = status == 0 || stop != RECORD_RUNNING;
	if (rc < 0) {
		bool nothing = pd.problem == PERFDATA_EMPTY || pd.problem == PERFDATA_UNREADABLE;
		/* perf creates the file before it checks the event: an empty one is not a recording. */
		if (pd.problem == PERFDATA_EMPTY)
			unlink(perf_data);
		if (nothing && !clean)
			sb_addf(msg, _("perf record failed before it recorded anything (%s %d); kfdo detect says "
				       "whether this machine can sample branches"),
				WIFEXITED(status) ? _("exit status") : _("signal"),
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		else if (!clean)
			sb_addf(msg, WIFEXITED(status) ? _("perf record exited with status %d; %s")
						       : _("perf record was killed by signal %d; %s"),
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), cause);
		else
			sb_add(msg, cause);
		free(cause);
		perfdata_info_free(&pd);
		return -2;
	}
	record_fmt_size(size, sizeof(size), pd.file_size);
	session_set(&s->artifacts.perf_data, perf_data);
	write_sidecar(s, perf_data, &pd, stop, seconds);
	if (!clean) {
		sb_addf(msg, _("the workload failed (%s %d) after %s; the %s recorded so far (%llu samples) are "
			       "kept in %s: `kfdo run --from convert` uses them anyway"),
			WIFEXITED(status) ? _("exit status") : _("signal"),
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), dur, size,
			(unsigned long long)pd.samples, perf_data);
		perfdata_info_free(&pd);
		return -1;
	}
	sb_addf(msg, _("recorded %s: %s, %llu samples in %s"), dur, size, (unsigned long long)pd.samples, perf_data);
	if (stop == RECORD_STOP_REQUEST)
		sb_add(msg, _(" (stopped on request)"));
	else if (stop == RECORD_STOP_DISK)
		sb_add(msg, _(" (stopped early: free disk fell below the floor; the recording is complete "
			      "and usable)"));
	if (!pd.branch_stack)
		sb_add(msg, _("; warning: without branch stacks (no -b), which llvm-profgen cannot use"));
	perfdata_info_free(&pd);
	return 0;
}

int record_prepare_dir(const struct session *s, char **cause)
{
	char *out = record_output_path(s);
	char *slash = strrchr(out, '/');
	char *dir = slash && slash != out ? strndup(out, (size_t)(slash - out)) : NULL;
	free(out);
	int rc = dir ? mkdir_p(dir, 0700, cause) : 0;
	free(dir);
	return rc < 0 ? -1 : 0;
}
