/* The stats of a profile (profile.h): running llvm-profdata show on it with
 * a job (cancellable, its output capped), parsing the summary and hot list it
 * prints, and the warning and one-line summary made of them. Apart from
 * profile_out.c, which names and records the convert step's results, because
 * this is the one part that runs a tool and reads its text. */
#include "engine/profile_int.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "engine/record.h"

/* A function name that matches nothing, so `show` prints the summary and
 * the hot list, not every function of the kernel. */
#define NO_FUNCTION "--function=kfdo-stats-only"

char **profile_stats_argv(const char *profdata, const char *profile, const char *out)
{
	char **v = NULL;
	strv_push(&v, profdata);
	strv_push(&v, "show");
	strv_push(&v, "--sample");
	strv_push(&v, NO_FUNCTION);
	strv_pushf(&v, "--topn=%d", PROFILE_HOT_SHOWN);
	strv_pushf(&v, "--output=%s", out);
	char *arg = path_as_arg(profile);
	strv_push(&v, arg);
	free(arg);
	return v;
}

/* "A out of B <words>": the counts, when the words after them match too
 * (sscanf counts conversions, not the literal text after the last one). */
static bool out_of(const char *l, const char *words, unsigned long long *a, unsigned long long *b)
{
	int used = 0;
	if (sscanf(l, "%llu out of %llu %n", a, b, &used) != 2 || !used)
		return false;
	return str_starts(l + used, words);
}

/* " 354045 (31.49%)   9518   9518   rcu_check": a row of the hot list. */
static bool hot_row(const char *l, struct profile_hot *h)
{
	unsigned long long samples, max, entry;
	double share;
	int used = 0;
	if (sscanf(l, " %llu (%lf%%) %llu %llu %n", &samples, &share, &max, &entry, &used) != 4 || !used ||
	    !l[used])
		return false;
	char *name = xstrdup(l + used);
	for (size_t n = strlen(name); n && (name[n - 1] == ' ' || name[n - 1] == '\r'); n--)
		name[n - 1] = 0;
	*h = (struct profile_hot){ name, samples, share };
	return true;
}

int profile_stats_parse(const char *text, struct profile_stats *st, char **cause)
{
	memset(st, 0, sizeof(*st));
	bool funcs = false, counts = false, table = false;
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char *l = strndup(line, n);
		unsigned long long a, b;
		struct profile_hot h;
		if (out_of(l, "functions with profile", &a, &b)) {
			st->hot_functions = a;
			st->functions = b;
			funcs = true;
		} else if (out_of(l, "profile counts", &a, &b)) {
			st->total_samples = b;
			counts = true;
		} else if (strstr(l, "Total sample (%)") && strstr(l, "Function name")) {
			table = true;
		} else if (table && st->n_hot < PROFILE_HOT_SHOWN && hot_row(l, &h)) {
			st->hot = xrealloc(st->hot, (st->n_hot + 1) * sizeof(*st->hot));
			st->hot[st->n_hot++] = h;
		}
		free(l);
		line += n + (nl ? 1 : 0);
	}
	if (!funcs || !counts) {
		cause_set(cause, _("llvm-profdata printed no profile summary"));
		profile_stats_free(st);
		return -1;
	}
	return 0;
}

uint64_t profile_file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

int profile_stats_from_file(const char *profile, const char *stats_path, struct profile_stats *st, char **cause)
{
	char *text = file_read(stats_path, PROFILE_STATS_MAX, NULL);
	if (!text) {
		char max[32];
		record_fmt_size(max, sizeof(max), PROFILE_STATS_MAX);
		if (errno == EFBIG)
			cause_set(cause, _("llvm-profdata's output is over %s: not the summary kfdo asked for"), max);
		else
			cause_set(cause, _("cannot read llvm-profdata's output %s: %s"), stats_path, strerror(errno));
		return -1;
	}
	int rc = profile_stats_parse(text, st, cause);
	free(text);
	if (rc == 0)
		st->size = profile_file_size(profile);
	return rc;
}

/* What llvm-profdata may be given: a regular file of a profile's size. A
 * device (/dev/zero) or a FIFO would be read without end. */
static int stats_input_check(const char *profile, char **cause)
{
	struct stat st;
	if (stat(profile, &st) < 0) {
		int e = errno;
		cause_set(cause, _("cannot read %s: %s"), profile, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		cause_set(cause, _("%s is not a regular file (%s): give the profile's file"), profile,
			  S_ISDIR(st.st_mode) ? _("a directory") : _("a device, FIFO or socket"));
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > PROFILE_MAX_BYTES) {
		char size[32], max[32];
		record_fmt_size(size, sizeof(size), (uint64_t)st.st_size);
		record_fmt_size(max, sizeof(max), PROFILE_MAX_BYTES);
		cause_set(cause, _("%s is %s: more than any AutoFDO profile of a kernel (a few MB); kfdo reads at "
				   "most %s"), profile, size, max);
		return -EFBIG;
	}
	return 0;
}

/* job_wait() with two ways out besides the job's end: cancel_fd readable
 * (the front end got a signal) and an output file past PROFILE_STATS_MAX.
 * Either cancels the job, and the wait goes on until its group is empty, so
 * that nothing is left running. */
static void stats_wait(struct job *j, int cancel_fd, const char *out, bool *cancelled, bool *too_big)
{
	for (;;) {
		job_reap(j);
		int64_t now = job_now();
		job_tick(j, now);
		if (job_done(j))
			return;
		struct stat st;
		if (!job_cancelling(j) && stat(out, &st) == 0 && (uint64_t)st.st_size > PROFILE_STATS_MAX) {
			*too_big = true;
			job_cancel(j, now);
		}
		/* Polled often: the job's end is seen by job_reap(), and the output's size by stat(). */
		int t = job_timeout(j, now);
		if (t < 0 || t > 50)
			t = 50;
		struct pollfd pfd[2];
		nfds_t n = 0;
		int watch_cancel = cancel_fd >= 0 && !*cancelled;
		if (watch_cancel)
			pfd[n++] = (struct pollfd){ .fd = cancel_fd, .events = POLLIN };
		if (job_fd(j) >= 0)
			pfd[n++] = (struct pollfd){ .fd = job_fd(j), .events = POLLIN };
		if (poll(pfd, n, t) <= 0)
			continue;
		if (watch_cancel && pfd[0].revents) {
			*cancelled = true;
			job_cancel(j, job_now());
		}
		if (job_fd(j) >= 0 && pfd[n - 1].revents)
			job_read(j, NULL, NULL);
	}
}

int profile_stats_run(const struct toggles *t, const char *profile, int cancel_fd, struct profile_stats *st,
		      char **cause)
{
	memset(st, 0, sizeof(*st));
	if (stats_input_check(profile, cause) < 0)
		return -1;
	const struct profile_tools *pt = profile_tools(t);
	const char *tmpdir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *out = xasprintf("%s/kfdo-stats-XXXXXX", tmpdir);
	int fd = mkstemp(out);
	if (fd < 0) {
		cause_set(cause, _("cannot create a temporary file in %s: %s"), tmpdir, strerror(errno));
		free(out);
		return -1;
	}
	close(fd);
	char **argv = profile_stats_argv(pt->profdata ? pt->profdata : "llvm-profdata", profile, out);
	char *log = job_default_log_path("profile-stats");
	struct job_spec spec = { .argv = (const char *const *)argv, .log_path = log };
	struct job *j;
	bool cancelled = false, too_big = false;
	int rc = job_start(&j, &spec, cause);
	if (rc == 0) {
		stats_wait(j, cancel_fd, out, &cancelled, &too_big);
		int status = job_status(j);
		if (cancelled) {
			cause_set(cause, _("cancelled"));
			rc = -ECANCELED;
		} else if (too_big) {
			char max[32];
			record_fmt_size(max, sizeof(max), PROFILE_STATS_MAX);
			cause_set(cause, _("llvm-profdata's output is over %s: not the summary kfdo asked for"), max);
			rc = -1;
		} else if (status != 0) {
			size_t len;
			const struct ring *r = job_ring(j);
			cause_set(cause, _("llvm-profdata rejects %s: %s"), profile,
				  ring_count(r) ? ring_get(r, 0, &len) : _("(no message)"));
			rc = -1;
		} else {
			rc = profile_stats_from_file(profile, out, st, cause);
		}
		job_free(j);
	}
	unlink(out);
	free(out);
	free(log);
	strv_free(argv);
	return rc == -ECANCELED ? rc : rc < 0 ? -1 : 0;
}

bool profile_stats_empty(const struct profile_stats *st)
{
	return st->functions == 0 || st->total_samples == 0;
}

char *profile_stats_warning(const struct profile_stats *st)
{
	char size[32];
	record_fmt_size(size, sizeof(size), st->size);
	if (profile_stats_empty(st))
		return xasprintf(_("the profile is empty (%s, %" PRIu64 " functions, %" PRIu64 " samples): none "
				   "of the samples landed in this vmlinux's code. Check that perf.data was recorded "
				   "with -b on the kernel of this vmlinux; on AMD Zen 4 bogus LBR data gives empty "
				   "profiles (google/autofdo#256): kfdo detect says whether this CPU has the LBR "
				   "freeze it needs"), size, st->functions, st->total_samples);
	if (st->size < PROFILE_SMALL_BYTES || st->functions < PROFILE_SMALL_FUNCTIONS)
		return xasprintf(_("the profile is suspiciously small (%s, %" PRIu64 " functions; real "
				   "workloads give 0.8 to 1.5 MB): record longer, or with a workload that keeps "
				   "the kernel busier"), size, st->functions);
	return NULL;
}

void profile_stats_free(struct profile_stats *st)
{
	for (size_t i = 0; i < st->n_hot; i++)
		free(st->hot[i].name);
	free(st->hot);
	memset(st, 0, sizeof(*st));
}

char *profile_stats_line(const struct profile_stats *st, size_t max_hot)
{
	struct strbuf sb = { 0 };
	char size[32];
	record_fmt_size(size, sizeof(size), st->size);
	sb_addf(&sb, _("%s, %" PRIu64 " functions, %" PRIu64 " samples"), size, st->functions, st->total_samples);
	for (size_t i = 0; i < st->n_hot && i < max_hot; i++)
		sb_addf(&sb, "%s%s %.1f%%", i ? ", " : _("; hottest: "), st->hot[i].name, st->hot[i].share);
	return sb.s;
}

