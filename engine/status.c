/* kfdo status --json (status.h). Unlike the session file (state_json.c),
 * which is kfdo's own memory and may change with STATE_VERSION, this object
 * is written for others: names spelled out, times as ISO 8601, absent values
 * as null rather than left out, so that a script can tell "no" from "not
 * known" and a bug report shows every field. */
#include "engine/status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/json_out.h"
#include "base/strv.h"
#include "engine/bench.h"
#include "engine/unattended.h"
#include "engine/probe.h"
#include "engine/recover.h"
#include "engine/steps.h"
#include "engine/summary.h"
#include "engine/sysfiles.h"
#include "base/util.h"

#ifndef KFDO_VERSION
#define KFDO_VERSION "unknown"
#endif

bool status_iso_time(char *buf, size_t n, time_t t)
{
	struct tm tm;
	buf[0] = '\0';
	if (!t || !gmtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

static void put_time(json_object *o, const char *key, time_t t)
{
	char buf[32];
	json_put_str_or_null(o, key, status_iso_time(buf, sizeof(buf), t) ? buf : NULL);
}

static json_object *kernel_json(const char *release, const char *build_id)
{
	json_object *o = json_object_new_object();
	json_put_str_or_null(o, "release", release);
	json_put_str_or_null(o, "build_id", build_id);
	return o;
}

static json_object *toggles_json(const struct toggles *t)
{
	json_object *o = json_object_new_object();
	json_put_bool(o, "autofdo", t->autofdo);
	json_put_bool(o, "thin_lto", t->thin_lto);
	json_put_bool(o, "full_lto", t->full_lto);
	json_put_bool(o, "propeller", t->propeller);
	json_put_int(o, "jobs", t->jobs);
	json_put_str_or_null(o, "llvm", t->llvm);
	json_put_str_or_null(o, "arch", t->arch);
	json_put_strv(o, "make_vars", t->make_vars);
	json_put_strv(o, "config_enable", t->config_enable);
	json_put_strv(o, "config_disable", t->config_disable);
	return o;
}

static json_object *workload_json(const struct workload *w)
{
	json_object *o = json_object_new_object();
	json_put_str_or_null(o, "kind", workload_kind_name(w->kind));
	json_put_str_or_null(o, "command", w->command);
	json_put_int(o, "minutes", w->minutes);
	json_put_str_or_null(o, "bench", w->bench);
	json_put_str_or_null(o, "tree", w->tree);
	return o;
}

/* The before/after settings, and which runs the session holds (kfdo compare
 * --json has their samples). */
static json_object *measure_json(const struct session *s)
{
	json_object *o = json_object_new_object();
	json_put_bool(o, "off", s->measure.off);
	json_put_int(o, "rounds", bench_rounds(s));
	json_put_strv(o, "benchmarks", s->measure.only);
	json_put_bool(o, "baseline", bench_run(s, BENCH_BEFORE) != NULL);
	json_put_bool(o, "after", bench_run(s, BENCH_AFTER) != NULL);
	return o;
}

static json_object *steps_json(const struct session *s)
{
	size_t n;
	const struct step_def *const *table = steps_table(&n);
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct step_state *ss = &s->steps[i];
		json_object *o = json_object_new_object();
		json_put_str_or_null(o, "name", step_name(table[i]->id));
		json_put_str_or_null(o, "title", _(table[i]->title));
		json_put_str_or_null(o, "status", step_status_name(ss->status));
		json_put_str_or_null(o, "message", ss->message);
		put_time(o, "started", ss->started);
		put_time(o, "finished", ss->finished);
		json_put_str_or_null(o, "log", s->artifacts.logs[i]);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *artifacts_json(const struct artifacts *a)
{
	json_object *o = json_object_new_object();
	json_put_strv(o, "packages", a->packages);
	json_put_str_or_null(o, "vmlinux", a->vmlinux);
	json_put_str_or_null(o, "perf_data", a->perf_data);
	json_put_str_or_null(o, "profile", a->profile);
	json_put_str_or_null(o, "kernel_release", a->kernel_release);
	json_put_str_or_null(o, "build_id", a->build_id);
	return o;
}

/* The next step, whether it can run now, and what to do in words: the reboot
 * in the words kfdo run prints at that stop, a step that cannot run yet with
 * what it is missing, any other with its title. */
static json_object *next_json(const struct session *s, const struct step_def *next)
{
	if (!next)
		return NULL;
	char *why = NULL;
	bool ready = next->precondition(s, &why);
	json_object *o = json_object_new_object();
	json_put_str_or_null(o, "step", step_name(next->id));
	json_put_str_or_null(o, "title", _(next->title));
	json_put_bool(o, "ready", ready);
	if (ready && next->by_hand) {
		char **paras = next->by_hand(s);
		json_put_str_or_null(o, "action", paras ? paras[0] : _(next->title));
		strv_free(paras);
	} else {
		json_put_str_or_null(o, "action", ready || !why ? _(next->title) : why);
	}
	char *cmd = xasprintf("kfdo run --from %s", step_name(next->id));
	json_put_str_or_null(o, "command", cmd);
	free(cmd);
	free(why);
	return o;
}

/* A step some kfdo left "running": still at work (active_run), or killed
 * before it could record the outcome (interrupted). The same reading as
 * kfdo status's notice; kfdo run is what settles it. */
static void runs_json(json_object *root, const struct session *s)
{
	struct orphan o;
	json_object *active = NULL, *killed = NULL;
	bool found = recover_find(s, &o);
	if (found && o.owner_alive) {
		active = json_object_new_object();
		json_put_str_or_null(active, "step", step_name(o.step));
		json_put_int(active, "pid", o.kfdo_pid);
	} else if (found) {
		killed = json_object_new_object();
		json_put_str_or_null(killed, "step", step_name(o.step));
		json_object_object_add(killed, "pid", o.kfdo_pid > 0 ? json_object_new_int(o.kfdo_pid) : NULL);
		json_put_int(killed, "job_left", o.left > 0 ? o.left : 0);
		char *msg = xasprintf(o.left > 0 ? _("the last run ended during the %s step; its job is still running: "
						     "kfdo run stops it and runs the step again")
						  : _("the last run ended during the %s step; kfdo run runs the step again"),
				      step_name(o.step));
		json_put_str_or_null(killed, "message", msg);
		free(msg);
	}
	json_object_object_add(root, "active_run", active);
	json_object_object_add(root, "interrupted", killed);
}

/* Whether a kernel kfdo installed is not the one running, and which one that
 * is: the reboot step's own check (release and build-id), so that status
 * and kfdo run never disagree. */
static void kernels_json(json_object *root, const struct session *s)
{
	const struct artifacts *a = &s->artifacts;
	char *release = NULL, *id = NULL;
	probe_running_kernel(s, &release, &id, NULL);
	json_object_object_add(root, "running_kernel", kernel_json(release, id));
	free(release);
	free(id);
	bool installed = a->kernel_release && a->build_id;
	bool needed = installed && !step_get(STEP_REBOOT)->postcondition(s, NULL);
	json_put_bool(root, "reboot_needed", needed);
	json_object_object_add(root, "expected_kernel", needed ? kernel_json(a->kernel_release, a->build_id) : NULL);
}

static json_object *history_json(const struct session *s)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < s->n_history; i++) {
		const struct build_history *h = &s->history[i];
		json_object *o = json_object_new_object();
		json_put_str_or_null(o, "tree", h->tree);
		json_put_str_or_null(o, "config_hash", h->config_hash);
		json_object *runs = json_object_new_array();
		for (size_t k = 0; k < h->n_runs; k++) {
			json_object *r = json_object_new_object();
			put_time(r, "when", h->runs[k].when);
			json_object_object_add(r, "duration_s", json_object_new_double(h->runs[k].duration_s));
			json_put_int(r, "lines", h->runs[k].lines);
			json_object_array_add(runs, r);
		}
		json_object_object_add(o, "runs", runs);
		json_object_array_add(a, o);
	}
	return a;
}

/* The continuation kfdo reboot armed: null when none is armed. */
static json_object *unattended_json(const struct session *s)
{
	const struct unattended *u = &s->unattended;
	if (!u->armed_boot)
		return NULL;
	json_object *o = json_object_new_object();
	char when[32];
	json_put_str_or_null(o, "armed_at", status_iso_time(when, sizeof(when), u->armed_at) ? when : NULL);
	json_put_str_or_null(o, "armed_boot", u->armed_boot);
	json_object *e = NULL;
	if (u->entry_id) {
		e = json_object_new_object();
		json_put_str_or_null(e, "loader", u->loader);
		json_put_str_or_null(e, "id", u->entry_id);
		json_put_str_or_null(e, "title", u->entry_title);
	}
	json_object_object_add(o, "boot_entry", e);
	return o;
}

static json_object *session_json(const struct session *s)
{
	json_object *o = json_object_new_object();
	json_put_str_or_null(o, "tree", s->tree);
	json_put_str_or_null(o, "output_dir", s->output_dir);
	json_put_str_or_null(o, "pkgbuild", s->pkgbuild);
	json_put_strv(o, "knobs", s->knobs);
	json_put_strv(o, "makepkg_args", s->makepkg_args);
	json_put_str_or_null(o, "config_source", config_source_name(s->config_source));
	json_put_str_or_null(o, "config_file", s->config_file);
	json_put_str_or_null(o, "target", s->target);
	json_object_object_add(o, "toggles", toggles_json(&s->toggles));
	json_object_object_add(o, "workload", workload_json(&s->workload));
	json_object_object_add(o, "measure", measure_json(s));
	json_put_str_or_null(o, "install_root", s->install_root);
	json_put_str_or_null(o, "install_dbpath", s->install_dbpath);
	json_put_str_or_null(o, "stage", STATUS_STAGE_AUTOFDO);
	json_object_object_add(o, "unattended", unattended_json(s));
	json_object_object_add(o, "next", next_json(s, step_next_pending(s)));
	json_object_object_add(o, "steps", steps_json(s));
	json_object_object_add(o, "artifacts", artifacts_json(&s->artifacts));
	kernels_json(o, s);
	runs_json(o, s);
	json_object_object_add(o, "history", history_json(s));
	return o;
}

json_object *status_to_json(const struct session *s, const char *session_file, const char *error)
{
	json_object *root = json_object_new_object();
	json_put_str_or_null(root, "kfdo_version", KFDO_VERSION);
	json_put_str_or_null(root, "session_file", session_file);
	json_object_object_add(root, "session", s ? session_json(s) : NULL);
	/* Outside the session: what is on the system stays listed when the
	 * session is gone. */
	json_object_object_add(root, "installed", sysfiles_status_json());
	json_object *away = json_object_new_array();
	char **lines = away_read(NULL);
	for (size_t i = 0; lines && lines[i]; i++)
		json_object_array_add(away, json_object_new_string(lines[i]));
	strv_free(lines);
	json_object_object_add(root, "away", away);
	if (error)
		json_put_str_or_null(root, "error", error);
	return root;
}
