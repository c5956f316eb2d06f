#include "engine/runner.h"
#include "engine/runner_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <json-c/json.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "engine/makepkg_log.h"
#include "engine/record.h"
#include "engine/recover.h"
#include "engine/steps.h"
#include "base/strv.h"
#include "base/util.h"

void runner_add_cmd(struct runner *r, enum rcmd_kind kind, const struct plan_cmd *cmd, char **argv)
{
	r->cmds = xrealloc(r->cmds, (r->ncmds + 1) * sizeof(*r->cmds));
	r->cmds[r->ncmds++] = (struct rcmd){ kind, cmd, argv };
}

static const char *const *cmd_argv(const struct rcmd *c)
{
	return (const char *const *)(c->kind == RC_PLAN ? c->cmd->argv : c->argv);
}

static char *cmd_display(const struct rcmd *c)
{
	if (c->kind == RC_PLAN)
		return plan_format_command(c->cmd);
	return job_quote_argv(cmd_argv(c));
}

static void finish(struct runner *r, enum runner_result res, const char *msg)
{
	if (r->done)
		return;
	r->done = true;
	r->result = res;
	free(r->message);
	/* The outcome is the command's own; a log cut short is said beside it. */
	if (r->log_error == ENOSPC)
		r->message = xasprintf(_("%s; its log %s is incomplete: the disk is full (%s)"), msg,
				       r->log_error_path, strerror(r->log_error));
	else if (r->log_error)
		r->message = xasprintf(_("%s; its log %s is incomplete: %s"), msg, r->log_error_path,
				       strerror(r->log_error));
	else
		r->message = xstrdup(msg);
	msg = r->message;
	const struct step_def *def = step_get(r->id);
	if ((res == RUNNER_FAILED || res == RUNNER_CANCELLED) && def->abandon)
		def->abandon(r->s);
	/* Waiting is no failure: the step is still to do, once the world changed. */
	enum step_status st = res == RUNNER_OK ? STATUS_DONE : res == RUNNER_WAITING ? STATUS_PENDING : STATUS_FAILED;
	session_step_set(r->s, r->id, st, msg);
	if (r->log_path)
		session_set(&r->s->artifacts.logs[r->id], r->log_path);
	char *cause = NULL;
	if (state_save_outcome(r->s, &cause) < 0) {
		/* The step's outcome stands; say that it could not be remembered. */
		char *m = xasprintf(_("%s (the session could not be saved: %s)"), r->message, cause);
		free(r->message);
		r->message = m;
		free(cause);
	}
}

double runner_build_seconds(const struct runner *r, int64_t now)
{
	return r->t0 ? (double)(now - r->t0) / 1000.0 : 0.0;
}

static void on_line(const char *line, size_t len, void *arg)
{
	struct runner *r = arg;
	if (r->cmds[r->cur].kind == RC_DRYRUN) {
		kbuild_dryrun_feed(&r->dry, line);
		return;
	}
	if (r->kb)
		kbuild_feed_n(r->kb, line, len, r->read_s);
	if (r->mk_on)
		makepkg_log_feed(&r->mk, line, len, r->read_s);
	if (r->hooks.on_line)
		r->hooks.on_line(r->hooks.arg, line, len);
}

static void complete(struct runner *r, int64_t now)
{
	const struct step_def *def = step_get(r->id);
	struct strbuf *msg = &r->report.msg;
	if (r->rec_msg)
		sb_add(msg, r->rec_msg);
	if (r->kb)
		runner_build_complete(r, now, msg);
	int rc = def->complete ? def->complete(r->s, &r->report) : 0;
	if (rc < 0 || rc == STEP_WAIT) {
		finish(r, rc < 0 ? RUNNER_FAILED : RUNNER_WAITING, msg->s ? msg->s : "");
		return;
	}
	/* Every command ran to its end: as far as the session goes the step is
	 * done, and the postcondition checks what it left in the world. */
	r->s->steps[r->id].status = STATUS_DONE;
	char *why = NULL;
	bool ok = !def->postcondition || def->postcondition(r->s, &why);
	if (!ok) {
		if (msg->len)
			sb_add(msg, "; ");
		sb_add(msg, why ? why : _("its result is not there"));
	} else if (!msg->len) {
		sb_add(msg, why ? why : _("done"));
	}
	finish(r, ok ? RUNNER_OK : RUNNER_FAILED, msg->s);
	free(why);
}

static void start_next(struct runner *r, int64_t now)
{
	for (; r->cur < r->ncmds; r->cur++) {
		struct rcmd *c = &r->cmds[r->cur];
		char *display = cmd_display(c);
		if (c->kind == RC_PLAN && c->cmd->kind == PLAN_COPY) {
			if (r->hooks.on_command)
				r->hooks.on_command(r->hooks.arg, r->cur, r->ncmds, display, NULL);
			free(display);
			char *cause = NULL;
			if (plan_copy_run(c->cmd, &cause) < 0) {
				finish(r, RUNNER_FAILED, cause);
				free(cause);
				return;
			}
			continue;
		}
		const char *suffix = c->kind == RC_DRYRUN ? "-dryrun" : c->kind == RC_PREPARE ? "-prepare" : "";
		char *name = xasprintf("%s%s", step_name(r->id), suffix);
		free(r->log_path);
		r->log_path = job_default_log_path(name);
		free(name);
		char **argv = c->kind == RC_PLAN ? plan_cmd_argv(c->cmd) : strv_dup((char *const *)c->argv);
		struct job_spec spec = {
			.argv = (const char *const *)argv,
			.cwd = c->kind == RC_PLAN ? c->cmd->cwd : NULL,
			.env = c->kind == RC_PLAN ? (const char *const *)c->cmd->env : NULL,
			.log_path = r->log_path,
		};
		if (r->hooks.on_command)
			r->hooks.on_command(r->hooks.arg, r->cur, r->ncmds, display, r->log_path);
		free(display);
		char *cause = NULL;
		int rc = job_start(&r->job, &spec, &cause);
		strv_free(argv);
		if (rc < 0) {
			r->job = NULL;
			finish(r, RUNNER_FAILED, cause);
			free(cause);
			return;
		}
		/* Saved, so that a start after kfdo was killed finds this job's group. */
		recover_set_job(&r->s->steps[r->id].owner, job_pid(r->job));
		state_save(r->s, NULL);
		if (r->kb && !r->t0 && c->kind != RC_DRYRUN)
			r->t0 = now;
		const char *out = c->kind == RC_PLAN ? record_cmd_output(c->cmd) : NULL;
		if (out) {
			record_watch_free(r->rec);
			r->rec = record_watch_new(out, record_disk_floor(r->s), now);
			r->rec_path = out;
			r->recording = true;
		}
		if (c->kind == RC_DRYRUN)
			r->dry_start = now;
		return;
	}
	complete(r, now);
}

/* What the failed command left to say: the build's first error, else its last line. */
static char *failure_message(const struct runner *r, int status)
{
	struct strbuf sb = { 0 };
	if (WIFEXITED(status))
		sb_addf(&sb, _("exited with status %d"), WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		sb_addf(&sb, _("killed by signal %d"), WTERMSIG(status));
	const struct kbuild_diag *d = r->kb ? kbuild_first_error(r->kb) : NULL;
	/* make's own "***" line only says that makepkg failed; makepkg says where
	 * (a download, a patch, a package function) and its tool says why. Not in
	 * build(): there the kernel's make said more than "A failure occurred in
	 * build()". */
	if ((!d || d->kind == KBUILD_DIAG_MAKE) && r->mk_on && r->mk.error && r->mk.error_phase != MAKEPKG_BUILD) {
		sb_addf(&sb, _(": makepkg: %s"), r->mk.error);
		if (r->mk.error_source && r->mk.cause)
			sb_addf(&sb, " (%s: %s)", r->mk.error_source, r->mk.cause);
		else if (r->mk.error_source || r->mk.cause)
			sb_addf(&sb, " (%s)", r->mk.error_source ? r->mk.error_source : r->mk.cause);
	} else if (d) {
		sb_add(&sb, ": ");
		if (d->file)
			sb_addf(&sb, d->line ? "%s:%u: " : "%s: ", d->file, d->line);
		sb_add(&sb, d->message ? d->message : "");
		const struct kbuild_counts *c = kbuild_counts(r->kb);
		sb_add(&sb, " (");
		sb_addf(&sb, ngettext("%zu error", "%zu errors", c->errors), c->errors);
		sb_add(&sb, ", ");
		sb_addf(&sb, ngettext("%zu warning", "%zu warnings", c->warnings), c->warnings);
		sb_add(&sb, ")");
	} else if (r->job && ring_count(job_ring(r->job)) > 0) {
		size_t len;
		sb_addf(&sb, ": %s", ring_get(job_ring(r->job), 0, &len));
	}
	return sb.s;
}

/* SIGINT to the recording's whole process group, as Ctrl-C in a terminal
 * sends it, and no escalation: perf needs the time to write perf.data. */
static void stop_recording(struct runner *r, enum record_stop why, int64_t now)
{
	if (!r->recording || !r->job || record_watch_stop(r->rec) != RECORD_RUNNING)
		return;
	record_watch_set_stop(r->rec, why, now);
	kill(-job_pid(r->job), SIGINT);
}

void runner_handle(struct runner *r, int64_t now)
{
	if (r->done || !r->job)
		return;
	/* One clock read per batch, not per line: the lines of one read arrived
	 * together, and a flood reads a million of them a second. */
	r->read_s = runner_build_seconds(r, now);
	if (job_fd(r->job) >= 0)
		job_read(r->job, on_line, r);
	job_reap(r->job);
	job_tick(r->job, now);
	if (r->recording && record_watch_tick(r->rec, now) && !job_done(r->job))
		stop_recording(r, RECORD_STOP_DISK, now);
	if (!job_done(r->job))
		return;
	if (!r->log_error && job_log_error(r->job)) {
		r->log_error = job_log_error(r->job);
		r->log_error_path = xstrdup(r->log_path);
	}
	int status = job_status(r->job);
	struct rcmd *c = &r->cmds[r->cur];
	if (r->cancelled) {
		job_free(r->job);
		r->job = NULL;
		r->recording = false;
		finish(r, RUNNER_CANCELLED, _("cancelled"));
		return;
	}
	if (r->recording) {
		/* perf exits non-zero after a stop, or with a failed workload's status:
		 * what counts is whether perf.data came out valid. */
		r->recording = false;
		struct record_figures f;
		record_watch_figures(r->rec, now, &f);
		struct strbuf m = { 0 };
		int rc = record_complete(r->s, r->rec_path, status, f.stop, f.elapsed_s - f.stopping_s, &m);
		size_t len;
		/* No valid perf.data: perf's own last line says why (an event the PMU lacks...). */
		if (rc == -2 && status != 0 && ring_count(job_ring(r->job)))
			sb_addf(&m, _(" (perf: %s)"), ring_get(job_ring(r->job), 0, &len));
		job_free(r->job);
		r->job = NULL;
		if (rc < 0) {
			finish(r, RUNNER_FAILED, m.s);
			sb_free(&m);
			return;
		}
		free(r->rec_msg);
		r->rec_msg = m.s;
		r->cur++;
		start_next(r, now);
		return;
	}
	if (c->kind == RC_DRYRUN) {
		/* make -n stops where a rule needs a file only the real run makes: expected.
		 * Its seconds are not the build's: a later build has no dry run to wait for. */
		kbuild_set_dryrun(r->kb, &r->dry);
		if (r->t0)
			r->t0 += now - r->dry_start;
	} else if (status != 0) {
		char *msg = failure_message(r, status);
		job_free(r->job);
		r->job = NULL;
		finish(r, RUNNER_FAILED, msg);
		free(msg);
		return;
	}
	job_free(r->job);
	r->job = NULL;
	r->cur++;
	start_next(r, now);
}

int runner_start(struct runner **out, struct session *s, enum step_id id, const struct runner_hooks *hooks,
		 char **cause)
{
	const struct step_def *def = step_get(id);
	struct runner *r = xcalloc(1, sizeof(*r));
	r->s = s;
	r->id = id;
	clock_gettime(CLOCK_REALTIME, &r->wall_start);
	if (hooks)
		r->hooks = *hooks;
	*out = r;
	char *why = NULL, *err = NULL;
	if (def->prepare && def->prepare(s, &err) < 0) {
		finish(r, RUNNER_FAILED, err);
		cause_set(cause, "%s", r->message);
		free(err);
		return -1;
	}
	if (def->precondition && !def->precondition(s, &why)) {
		finish(r, RUNNER_FAILED, why ? why : _("its precondition does not hold"));
		cause_set(cause, "%s", r->message);
		free(why);
		return -1;
	}
	free(why);
	why = NULL;
	if (def->wait_for && !def->wait_for(s, &why)) {
		char **paras = def->by_hand ? def->by_hand(s) : NULL;
		for (size_t i = 0; paras && paras[i]; i++)
			step_note(&r->report, NOTE_PARA, "%s", paras[i]);
		strv_free(paras);
		finish(r, RUNNER_WAITING, why ? why : "");
		free(why);
		return 0;
	}
	free(why);
	if (def->plan && def->plan(s, &r->plan, &err) < 0) {
		finish(r, RUNNER_FAILED, err ? err : _("no plan"));
		cause_set(cause, "%s", r->message);
		free(err);
		return -1;
	}
	if (def->flags & STEP_BUILDS)
		runner_build_setup(r);
	/* A makepkg run outside a build (a PKGBUILD's configure): its phases
	 * and failures are read too (download, PGP check, patches). */
	for (size_t i = 0; i < r->plan.n && !r->mk_on; i++)
		if (r->plan.cmds[i].kind == PLAN_RUN && r->plan.cmds[i].argv &&
		    strcmp(r->plan.cmds[i].argv[0], "makepkg") == 0) {
			makepkg_log_init(&r->mk);
			r->mk_on = true;
		}
	for (size_t i = 0; i < r->plan.n; i++)
		runner_add_cmd(r, RC_PLAN, &r->plan.cmds[i], NULL);
	session_step_set(s, id, STATUS_RUNNING, NULL);
	recover_claim(&s->steps[id].owner);
	state_save(s, NULL);
	state_reserve(s);
	start_next(r, job_now());
	return 0;
}

int runner_fd(const struct runner *r)
{
	return r->job ? job_fd(r->job) : -1;
}

int runner_timeout(const struct runner *r, int64_t now)
{
	if (r->done || !r->job)
		return -1;
	int t = job_timeout(r->job, now);
	/* No SIGCHLD handler: after EOF, look for the exit often; otherwise now and then. */
	int poll_ms = job_fd(r->job) < 0 ? 20 : 250;
	return t >= 0 && t < poll_ms ? t : poll_ms;
}

bool runner_done(const struct runner *r)
{
	return r->done;
}

void runner_cancel(struct runner *r, int64_t now)
{
	if (r->done)
		return;
	r->cancelled = true;
	if (r->job)
		job_cancel(r->job, now);
	else
		finish(r, RUNNER_CANCELLED, _("cancelled"));
}

bool runner_stop(struct runner *r, int64_t now)
{
	if (r->done || !r->recording || r->cancelled || record_watch_stop(r->rec) != RECORD_RUNNING)
		return false;
	stop_recording(r, RECORD_STOP_REQUEST, now);
	return true;
}

bool runner_record_figures(const struct runner *r, int64_t now, struct record_figures *f)
{
	if (!r->rec)
		return false;
	record_watch_figures(r->rec, now, f);
	return true;
}

bool runner_recording(const struct runner *r)
{
	return r->recording && !r->done;
}

const struct step_report *runner_report(const struct runner *r)
{
	return &r->report;
}

enum runner_result runner_result(const struct runner *r, const char **message)
{
	if (message)
		*message = r->message;
	return r->result;
}

const struct kbuild_progress *runner_progress(const struct runner *r)
{
	return r->kb;
}

const struct makepkg_log *runner_makepkg(const struct runner *r)
{
	return r->mk_on && r->mk.phase != MAKEPKG_NOT_STARTED ? &r->mk : NULL;
}

bool runner_estimate(const struct runner *r, int64_t now, struct kbuild_estimate *e)
{
	if (!r->kb || !r->t0)
		return false;
	*e = kbuild_estimate(r->kb, runner_build_seconds(r, now));
	return true;
}

const char *runner_log_path(const struct runner *r)
{
	return r->log_path;
}

bool runner_in_dryrun(const struct runner *r)
{
	return !r->done && r->cur < r->ncmds && r->cmds[r->cur].kind == RC_DRYRUN;
}

const char *runner_partial(const struct runner *r, size_t *len)
{
	if (r->job)
		return job_partial(r->job, len);
	if (len)
		*len = 0;
	return "";
}

void runner_free(struct runner *r)
{
	if (!r)
		return;
	if (r->job) {
		job_free(r->job);
		r->job = NULL;
		/* Freed in the middle of a cancel (the TUI's quit grace ran out on a
		 * slow machine): job_free killed the group, so the step ends cancelled
		 * now, not left "running" for the next kfdo to report as killed. */
		if (r->cancelled && !r->done)
			finish(r, RUNNER_CANCELLED, _("cancelled"));
	}
	for (size_t i = 0; i < r->ncmds; i++)
		strv_free(r->cmds[i].argv);
	free(r->cmds);
	plan_free(&r->plan);
	if (r->mk_on)
		makepkg_log_free(&r->mk);
	kbuild_free(r->kb);
	free(r->log_path);
	free(r->log_error_path);
	free(r->config_hash);
	free(r->message);
	step_report_free(&r->report);
	record_watch_free(r->rec);
	free(r->rec_msg);
	free(r);
}

enum runner_result runner_run(struct session *s, enum step_id id, const struct runner_hooks *hooks, char **cause)
{
	struct runner *r;
	if (runner_start(&r, s, id, hooks, cause) < 0) {
		runner_free(r);
		return RUNNER_FAILED;
	}
	while (!runner_done(r)) {
		struct pollfd pfd = { .fd = runner_fd(r), .events = POLLIN };
		poll(&pfd, pfd.fd >= 0 ? 1 : 0, runner_timeout(r, job_now()));
		runner_handle(r, job_now());
	}
	const char *msg;
	enum runner_result res = runner_result(r, &msg);
	if (res != RUNNER_OK)
		cause_set(cause, "%s", msg);
	runner_free(r);
	return res;
}
