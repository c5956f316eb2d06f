/* The session as JSON. Loading is strict about types: a field of the wrong
 * type means the file is not what we wrote, and it is set aside rather than
 * half-read (state.c). Missing fields take the defaults of session_new(). */
#include "engine/session.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/json_out.h"
#include "base/strv.h"
#include "base/util.h"

/* ---- encoding ---- */

static json_object *toggles_to_json(const struct toggles *t)
{
	json_object *o = json_object_new_object();
	json_put_bool(o, "autofdo", t->autofdo);
	json_put_bool(o, "thin_lto", t->thin_lto);
	json_put_bool(o, "full_lto", t->full_lto);
	json_put_bool(o, "propeller", t->propeller);
	json_put_int(o, "jobs", t->jobs);
	json_put_str(o, "llvm", t->llvm);
	json_put_str(o, "arch", t->arch);
	json_put_strv(o, "make_vars", t->make_vars);
	json_put_strv(o, "config_enable", t->config_enable);
	json_put_strv(o, "config_disable", t->config_disable);
	return o;
}

static json_object *artifacts_to_json(const struct artifacts *a)
{
	json_object *o = json_object_new_object();
	json_put_strv(o, "packages", a->packages);
	json_put_str(o, "vmlinux", a->vmlinux);
	json_put_str(o, "perf_data", a->perf_data);
	json_put_str(o, "profile", a->profile);
	json_put_str(o, "kernel_release", a->kernel_release);
	json_put_str(o, "build_id", a->build_id);
	json_object *logs = json_object_new_object();
	for (int i = 0; i < STEP_COUNT; i++)
		json_put_str(logs, session_step_key((enum step_id)i), a->logs[i]);
	json_object_object_add(o, "logs", logs);
	return o;
}

static json_object *history_to_json(const struct session *s)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < s->n_history; i++) {
		const struct build_history *h = &s->history[i];
		json_object *o = json_object_new_object();
		json_put_str(o, "tree", h->tree);
		json_put_str(o, "config_hash", h->config_hash);
		json_object *runs = json_object_new_array();
		for (size_t j = 0; j < h->n_runs; j++) {
			const struct build_run *r = &h->runs[j];
			json_object *ro = json_object_new_object();
			json_put_int(ro, "when", (int64_t)r->when);
			json_object_object_add(ro, "duration_s", json_object_new_double(r->duration_s));
			json_put_int(ro, "lines", r->lines);
			/* Shared, not copied: the session keeps its own reference. */
			if (r->curve)
				json_object_object_add(ro, "curve", json_object_get(r->curve));
			json_object_array_add(runs, ro);
		}
		json_object_object_add(o, "runs", runs);
		json_object_array_add(a, o);
	}
	return a;
}

json_object *session_to_json(const struct session *s)
{
	json_object *root = json_object_new_object();
	json_put_str(root, "kfdo", STATE_MARKER);
	json_put_int(root, "version", STATE_VERSION);
	json_put_str(root, "tree", s->tree);
	json_put_str(root, "output_dir", s->output_dir);
	json_put_str(root, "clone_url", s->clone_url);
	json_put_str(root, "clone_branch", s->clone_branch);
	json_put_str(root, "pkgbuild", s->pkgbuild);
	json_put_strv(root, "knobs", s->knobs);
	json_put_strv(root, "makepkg_args", s->makepkg_args);

	json_object *cfg = json_object_new_object();
	json_put_str(cfg, "source", config_source_name(s->config_source));
	json_put_str(cfg, "file", s->config_file);
	json_object_object_add(root, "config", cfg);

	json_object_object_add(root, "toggles", toggles_to_json(&s->toggles));
	json_put_str(root, "target", s->target);
	json_put_strv(root, "perf_event", s->perf_event);

	json_object *wl = json_object_new_object();
	json_put_str(wl, "kind", workload_kind_name(s->workload.kind));
	json_put_str(wl, "command", s->workload.command);
	json_put_int(wl, "minutes", s->workload.minutes);
	json_put_str(wl, "tree", s->workload.tree);
	json_put_str(wl, "bench", s->workload.bench);
	json_object_object_add(root, "workload", wl);

	json_object *po = json_object_new_object();
	json_put_strv(po, "merge_with", s->profile.merge_with);
	json_put_int(po, "disk_floor_mb", s->profile.disk_floor_mb);
	json_object_object_add(root, "profile", po);
	json_object *me = json_object_new_object();
	json_put_bool(me, "off", s->measure.off);
	json_put_int(me, "rounds", s->measure.rounds);
	json_put_strv(me, "only", s->measure.only);
	json_object_object_add(root, "measure", me);
	if (s->bench)
		json_object_object_add(root, "bench", json_object_get(s->bench));
	if (s->unattended.armed_boot) {
		json_object *un = json_object_new_object();
		json_put_str(un, "armed_boot", s->unattended.armed_boot);
		json_put_int(un, "armed_at", (int64_t)s->unattended.armed_at);
		json_put_str(un, "loader", s->unattended.loader);
		json_put_str(un, "entry_id", s->unattended.entry_id);
		json_put_str(un, "entry_title", s->unattended.entry_title);
		json_object_object_add(root, "unattended", un);
	}
	if (s->install_root) {
		json_object *in = json_object_new_object();
		json_put_str(in, "root", s->install_root);
		json_put_str(in, "dbpath", s->install_dbpath);
		json_object_object_add(root, "install", in);
	}

	json_object_object_add(root, "artifacts", artifacts_to_json(&s->artifacts));

	json_object *steps = json_object_new_object();
	for (int i = 0; i < STEP_COUNT; i++) {
		const struct step_state *ss = &s->steps[i];
		json_object *o = json_object_new_object();
		json_put_str(o, "status", step_status_name(ss->status));
		json_put_str(o, "message", ss->message);
		json_put_int(o, "started", (int64_t)ss->started);
		json_put_int(o, "finished", (int64_t)ss->finished);
		if (ss->owner.pid > 0) {
			json_object *ow = json_object_new_object();
			json_put_int(ow, "pid", ss->owner.pid);
			json_put_int(ow, "start", (int64_t)ss->owner.start);
			json_put_int(ow, "pgid", ss->owner.pgid);
			json_put_int(ow, "pgid_start", (int64_t)ss->owner.pgid_start);
			json_put_str(ow, "boot_id", ss->owner.boot_id);
			json_object_object_add(o, "owner", ow);
		}
		json_object_object_add(steps, session_step_key((enum step_id)i), o);
	}
	json_object_object_add(root, "steps", steps);
	json_object_object_add(root, "history", history_to_json(s));
	return root;
}

/* ---- decoding ---- */

/* The first problem found, naming the field: "toggles.jobs: expected int". */
struct dec {
	char *err;
};

static json_object *get(struct dec *d, json_object *o, const char *key, const char *where,
			json_type want)
{
	json_object *v;
	if (d->err || !o || !json_object_object_get_ex(o, key, &v) ||
	    json_object_is_type(v, json_type_null))
		return NULL;
	/* json-c reads 2.0 as a double and 2 as an int; both are numbers. */
	bool ok = json_object_is_type(v, want) ||
		  (want == json_type_double && json_object_is_type(v, json_type_int));
	if (!ok) {
		d->err = xasprintf("%s%s: expected %s, found %s", where, key, json_type_to_name(want),
				   json_type_to_name(json_object_get_type(v)));
		return NULL;
	}
	return v;
}

static void get_str(struct dec *d, json_object *o, const char *key, const char *where, char **out)
{
	json_object *v = get(d, o, key, where, json_type_string);
	if (v)
		session_set(out, json_object_get_string(v));
}

static void get_bool(struct dec *d, json_object *o, const char *key, const char *where, bool *out)
{
	json_object *v = get(d, o, key, where, json_type_boolean);
	if (v)
		*out = json_object_get_boolean(v);
}

static int64_t get_int(struct dec *d, json_object *o, const char *key, const char *where,
		       int64_t def)
{
	json_object *v = get(d, o, key, where, json_type_int);
	return v ? json_object_get_int64(v) : def;
}

static void get_strv(struct dec *d, json_object *o, const char *key, const char *where, char ***out)
{
	json_object *a = get(d, o, key, where, json_type_array);
	if (!a)
		return;
	char **v = NULL;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string)) {
			d->err = xasprintf("%s%s[%zu]: expected string", where, key, i);
			strv_free(v);
			return;
		}
		strv_push(&v, json_object_get_string(e));
	}
	strv_free(*out);
	*out = v;
}

static void enum_err(struct dec *d, const char *field, const char *value)
{
	if (!d->err)
		d->err = xasprintf("%s: unknown value \"%s\"", field, value);
}

static void toggles_from_json(struct dec *d, json_object *o, struct toggles *t)
{
	const char *w = "toggles.";
	get_bool(d, o, "autofdo", w, &t->autofdo);
	get_bool(d, o, "thin_lto", w, &t->thin_lto);
	get_bool(d, o, "full_lto", w, &t->full_lto);
	get_bool(d, o, "propeller", w, &t->propeller);
	t->jobs = (int)get_int(d, o, "jobs", w, t->jobs);
	get_str(d, o, "llvm", w, &t->llvm);
	get_str(d, o, "arch", w, &t->arch);
	get_strv(d, o, "make_vars", w, &t->make_vars);
	get_strv(d, o, "config_enable", w, &t->config_enable);
	get_strv(d, o, "config_disable", w, &t->config_disable);
}

static void artifacts_from_json(struct dec *d, json_object *o, struct artifacts *a)
{
	const char *w = "artifacts.";
	get_strv(d, o, "packages", w, &a->packages);
	get_str(d, o, "vmlinux", w, &a->vmlinux);
	get_str(d, o, "perf_data", w, &a->perf_data);
	get_str(d, o, "profile", w, &a->profile);
	get_str(d, o, "kernel_release", w, &a->kernel_release);
	get_str(d, o, "build_id", w, &a->build_id);
	json_object *logs = get(d, o, "logs", w, json_type_object);
	for (int i = 0; logs && i < STEP_COUNT; i++)
		get_str(d, logs, session_step_key((enum step_id)i), "artifacts.logs.", &a->logs[i]);
}

static void steps_from_json(struct dec *d, json_object *o, struct session *s)
{
	for (int i = 0; o && i < STEP_COUNT; i++) {
		json_object *so = get(d, o, session_step_key((enum step_id)i), "steps.", json_type_object);
		if (!so)
			continue;
		struct step_state *ss = &s->steps[i];
		char *w = xasprintf("steps.%s.", session_step_key((enum step_id)i));
		char *status = NULL;
		get_str(d, so, "status", w, &status);
		if (status && !step_status_parse(status, &ss->status))
			enum_err(d, "steps.status", status);
		free(status);
		get_str(d, so, "message", w, &ss->message);
		ss->started = (time_t)get_int(d, so, "started", w, 0);
		ss->finished = (time_t)get_int(d, so, "finished", w, 0);
		json_object *ow = get(d, so, "owner", w, json_type_object);
		free(w);
		if (ow) {
			w = xasprintf("steps.%s.owner.", session_step_key((enum step_id)i));
			ss->owner.pid = (int)get_int(d, ow, "pid", w, 0);
			ss->owner.start = (unsigned long long)get_int(d, ow, "start", w, 0);
			ss->owner.pgid = (int)get_int(d, ow, "pgid", w, 0);
			ss->owner.pgid_start = (unsigned long long)get_int(d, ow, "pgid_start", w, 0);
			char *boot = NULL;
			get_str(d, ow, "boot_id", w, &boot);
			snprintf(ss->owner.boot_id, sizeof(ss->owner.boot_id), "%s", boot ? boot : "");
			free(boot);
			free(w);
		}
	}
}

static void history_from_json(struct dec *d, json_object *a, struct session *s)
{
	for (size_t i = 0; a && !d->err && i < json_object_array_length(a); i++) {
		json_object *ho = json_object_array_get_idx(a, i);
		char *tree = NULL, *hash = NULL;
		if (!json_object_is_type(ho, json_type_object)) {
			d->err = xasprintf("history[%zu]: expected object", i);
			break;
		}
		get_str(d, ho, "tree", "history.", &tree);
		get_str(d, ho, "config_hash", "history.", &hash);
		json_object *runs = get(d, ho, "runs", "history.", json_type_array);
		if (!d->err && (!tree || !hash))
			d->err = xasprintf("history[%zu]: missing tree or config_hash", i);
		for (size_t j = 0; runs && !d->err && j < json_object_array_length(runs); j++) {
			json_object *ro = json_object_array_get_idx(runs, j);
			double dur = 0;
			json_object *dv = get(d, ro, "duration_s", "history.runs.", json_type_double);
			if (dv)
				dur = json_object_get_double(dv);
			long lines = (long)get_int(d, ro, "lines", "history.runs.", 0);
			time_t when = (time_t)get_int(d, ro, "when", "history.runs.", 0);
			json_object *curve = NULL;
			if (json_object_object_get_ex(ro, "curve", &curve) && curve)
				json_object_get(curve);
			if (d->err) {
				json_object_put(curve);
				break;
			}
			session_history_add(s, tree, hash, dur, lines, curve);
			/* session_history_add stamps now; the file knows better. */
			const struct build_history *h = session_history_find(s, tree, hash);
			h->runs[h->n_runs - 1].when = when;
		}
		free(tree);
		free(hash);
	}
}

struct session *session_from_json(json_object *root, char **cause)
{
	json_object *v;
	if (!json_object_is_type(root, json_type_object)) {
		cause_set(cause, _("not a kfdo session (the JSON is not an object)"));
		return NULL;
	}
	if (!json_object_object_get_ex(root, "kfdo", &v) || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), STATE_MARKER) != 0) {
		cause_set(cause, _("not a kfdo session (no \"kfdo\": \"%s\" marker)"), STATE_MARKER);
		return NULL;
	}
	if (!json_object_object_get_ex(root, "version", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) < 1) {
		cause_set(cause, _("no valid format version"));
		return NULL;
	}
	int64_t version = json_object_get_int64(v);
	if (version > STATE_VERSION) {
		cause_set(cause, _("format version %lld is newer than this kfdo reads (%d)"),
			  (long long)version, STATE_VERSION);
		return NULL;
	}

	struct dec d = { 0 };
	struct session *s = session_new();
	get_str(&d, root, "tree", "", &s->tree);
	get_str(&d, root, "output_dir", "", &s->output_dir);
	get_str(&d, root, "clone_url", "", &s->clone_url);
	get_str(&d, root, "clone_branch", "", &s->clone_branch);
	get_str(&d, root, "pkgbuild", "", &s->pkgbuild);
	get_strv(&d, root, "knobs", "", &s->knobs);
	get_strv(&d, root, "makepkg_args", "", &s->makepkg_args);

	json_object *cfg = get(&d, root, "config", "", json_type_object);
	char *src = NULL;
	get_str(&d, cfg, "source", "config.", &src);
	if (src && !config_source_parse(src, &s->config_source))
		enum_err(&d, "config.source", src);
	free(src);
	get_str(&d, cfg, "file", "config.", &s->config_file);

	json_object *tg = get(&d, root, "toggles", "", json_type_object);
	if (tg)
		toggles_from_json(&d, tg, &s->toggles);
	get_str(&d, root, "target", "", &s->target);
	get_strv(&d, root, "perf_event", "", &s->perf_event);

	json_object *wl = get(&d, root, "workload", "", json_type_object);
	char *kind = NULL;
	get_str(&d, wl, "kind", "workload.", &kind);
	if (kind && !workload_kind_parse(kind, &s->workload.kind))
		enum_err(&d, "workload.kind", kind);
	free(kind);
	get_str(&d, wl, "command", "workload.", &s->workload.command);
	s->workload.minutes = (int)get_int(&d, wl, "minutes", "workload.", 0);
	get_str(&d, wl, "tree", "workload.", &s->workload.tree);
	get_str(&d, wl, "bench", "workload.", &s->workload.bench);
	json_object *po = get(&d, root, "profile", "", json_type_object);
	get_strv(&d, po, "merge_with", "profile.", &s->profile.merge_with);
	s->profile.disk_floor_mb = (long)get_int(&d, po, "disk_floor_mb", "profile.", 0);

	json_object *me = get(&d, root, "measure", "", json_type_object);
	get_bool(&d, me, "off", "measure.", &s->measure.off);
	s->measure.rounds = (int)get_int(&d, me, "rounds", "measure.", 0);
	get_strv(&d, me, "only", "measure.", &s->measure.only);
	json_object *bench = get(&d, root, "bench", "", json_type_object);
	if (bench)
		s->bench = json_object_get(bench);
	json_object *un = get(&d, root, "unattended", "", json_type_object);
	get_str(&d, un, "armed_boot", "unattended.", &s->unattended.armed_boot);
	s->unattended.armed_at = (time_t)get_int(&d, un, "armed_at", "unattended.", 0);
	get_str(&d, un, "loader", "unattended.", &s->unattended.loader);
	get_str(&d, un, "entry_id", "unattended.", &s->unattended.entry_id);
	get_str(&d, un, "entry_title", "unattended.", &s->unattended.entry_title);

	json_object *in = get(&d, root, "install", "", json_type_object);
	get_str(&d, in, "root", "install.", &s->install_root);
	get_str(&d, in, "dbpath", "install.", &s->install_dbpath);

	json_object *art = get(&d, root, "artifacts", "", json_type_object);
	if (art)
		artifacts_from_json(&d, art, &s->artifacts);
	steps_from_json(&d, get(&d, root, "steps", "", json_type_object), s);
	history_from_json(&d, get(&d, root, "history", "", json_type_array), s);

	if (d.err) {
		cause_set(cause, "%s", d.err);
		free(d.err);
		session_free(s);
		return NULL;
	}
	return s;
}
