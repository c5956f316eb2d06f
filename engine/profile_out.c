/* The convert step after it ran: new names for the results (never over an
 * existing file), their records, and what the final build says about the
 * profile it used. The stats llvm-profdata prints are read in
 * profile_stats.c. */
#include "engine/profile_int.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "base/i18n.h"
#include "engine/perfdata.h"
#include "engine/record.h"

/* ---- records ---- */

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : NULL;
}

static int64_t jint(json_object *o, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int)
		       ? json_object_get_int64(v) : 0;
}

static char *dupn(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int profile_record_read(const char *profile, struct profile_record *rec, char **cause)
{
	memset(rec, 0, sizeof(*rec));
	char *path = xasprintf("%s.json", profile);
	json_object *o = json_object_from_file(path);
	if (!o || !jstr(o, "kfdo") || strcmp(jstr(o, "kfdo"), "profile") != 0) {
		cause_set(cause, _("%s has no kfdo record (%s)"), profile, path);
		json_object_put(o);
		free(path);
		return -1;
	}
	free(path);
	rec->profile = xstrdup(profile);
	rec->kernel_release = dupn(jstr(o, "kernel_release"));
	rec->build_id = dupn(jstr(o, "build_id"));
	rec->vmlinux = dupn(jstr(o, "vmlinux"));
	rec->perf_data = dupn(jstr(o, "perf_data"));
	rec->workload = dupn(jstr(o, "workload"));
	rec->converted = (time_t)jint(o, "converted");
	rec->size = (uint64_t)jint(o, "size");
	rec->perf_data_size = (uint64_t)jint(o, "perf_data_size");
	json_object *st, *m;
	json_object *hot;
	if (json_object_object_get_ex(o, "stats", &st)) {
		rec->functions = (uint64_t)jint(st, "functions");
		rec->total_samples = (uint64_t)jint(st, "total_samples");
		if (json_object_object_get_ex(st, "hottest", &hot) && json_object_is_type(hot, json_type_array))
			for (size_t i = 0; i < json_object_array_length(hot); i++) {
				json_object *h = json_object_array_get_idx(hot, i), *sh;
				if (!jstr(h, "name"))
					continue;
				rec->hot = xrealloc(rec->hot, (rec->n_hot + 1) * sizeof(*rec->hot));
				rec->hot[rec->n_hot++] = (struct profile_hot){
					xstrdup(jstr(h, "name")), (uint64_t)jint(h, "samples"),
					json_object_object_get_ex(h, "share", &sh) ? json_object_get_double(sh) : 0,
				};
			}
	}
	rec->empty = rec->functions == 0 || rec->total_samples == 0;
	if (json_object_object_get_ex(o, "merged_from", &m) && json_object_is_type(m, json_type_array) &&
	    json_object_array_length(m) > 0) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < json_object_array_length(m); i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", json_object_get_string(json_object_array_get_idx(m, i)));
		rec->merged_from = sb.s;
	}
	json_object_put(o);
	return 0;
}

void profile_record_free(struct profile_record *rec)
{
	free(rec->profile);
	free(rec->kernel_release);
	free(rec->build_id);
	free(rec->vmlinux);
	free(rec->perf_data);
	free(rec->workload);
	free(rec->merged_from);
	for (size_t i = 0; i < rec->n_hot; i++)
		free(rec->hot[i].name);
	free(rec->hot);
	memset(rec, 0, sizeof(*rec));
}

char **profile_list(void)
{
	char *dir = profile_dir();
	DIR *d = opendir(dir);
	char **v = NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".afdo") == 0)
			strv_pushf(&v, "%s/%s", dir, e->d_name);
	}
	if (d)
		closedir(d);
	strv_sort(v);
	free(dir);
	return v;
}

char *profile_summary(const char *profile)
{
	struct profile_record rec;
	/* TRANSLATORS: kfdo status drops the first word and its space ("profile ")
	 * after its own "Profile" label: keep one word before the path. */
	if (profile_record_read(profile, &rec, NULL) < 0)
		return xasprintf(_("profile %s (no kfdo record of where it came from)"), profile);
	char size[32], when[32] = "?";
	record_fmt_size(size, sizeof(size), rec.size);
	struct tm tm;
	if (rec.converted && localtime_r(&rec.converted, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	/* TRANSLATORS: one word, then the path, as in "profile %s (no kfdo record ...)". */
	char *s = xasprintf(_("profile %s (%s, %" PRIu64 " functions, %" PRIu64 " samples; kernel %s, "
			      "workload %s, made %s%s%s)"), profile, size, rec.functions, rec.total_samples,
			    rec.kernel_release ? rec.kernel_release : "?", rec.workload ? rec.workload : "?", when,
			    rec.merged_from ? _("; merged from ") : "", rec.merged_from ? rec.merged_from : "");
	profile_record_free(&rec);
	return s;
}

/* ---- after the convert step ---- */

struct source {
	const char *perf_data, *vmlinux;
	char *release, *workload, *build_id;
	uint64_t perf_size, samples;
	int64_t recorded;
};

/* Where the recording came from: its kfdo record (PERF_DATA.json), else its header. */
static void source_read(const struct session *s, struct source *src)
{
	memset(src, 0, sizeof(*src));
	src->perf_data = s->artifacts.perf_data;
	src->vmlinux = s->artifacts.vmlinux;
	src->perf_size = profile_file_size(src->perf_data);
	elfid_build_id(src->vmlinux, &src->build_id, NULL);
	char *side = xasprintf("%s.json", src->perf_data);
	json_object *o = json_object_from_file(side), *wl;
	free(side);
	if (o && jstr(o, "kfdo") && strcmp(jstr(o, "kfdo"), "recording") == 0) {
		src->release = dupn(jstr(o, "kernel_release"));
		if (json_object_object_get_ex(o, "workload", &wl))
			src->workload = dupn(jstr(wl, "kind"));
		src->samples = (uint64_t)jint(o, "samples");
		src->recorded = jint(o, "when");
	}
	json_object_put(o);
	if (!profile_is_perfscript(src->perf_data) && !src->release) {
		struct perfdata_info pd;
		if (perfdata_read(src->perf_data, &pd, NULL) == 0)
			src->release = dupn(pd.os_release);
		perfdata_info_free(&pd);
	}
	if (!src->release)
		src->release = dupn(s->artifacts.kernel_release);
	/* A perf script says nothing of its kernel: the running one recorded it. */
	if (!src->release)
		src->release = sysroot_read_line(session_sysroot(s), "/proc/sys/kernel/osrelease");
	if (!src->release)
		src->release = xstrdup("unknown");
	if (!src->workload)
		src->workload = xstrdup(profile_is_perfscript(src->perf_data) ? "trace" : "recording");
}

static void source_free(struct source *src)
{
	free(src->release);
	free(src->workload);
	free(src->build_id);
}

static void record_write(const char *profile, const struct source *src, const struct profile_stats *st,
			 char *const *merged_from)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kfdo", json_object_new_string("profile"));
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "profile", json_object_new_string(profile));
	json_object_object_add(o, "kernel_release", json_object_new_string(src->release));
	if (src->build_id)
		json_object_object_add(o, "build_id", json_object_new_string(src->build_id));
	json_object_object_add(o, "vmlinux", json_object_new_string(src->vmlinux));
	json_object_object_add(o, "perf_data", json_object_new_string(src->perf_data));
	json_object_object_add(o, "perf_data_size", json_object_new_int64((int64_t)src->perf_size));
	if (src->samples)
		json_object_object_add(o, "perf_samples", json_object_new_int64((int64_t)src->samples));
	if (src->recorded)
		json_object_object_add(o, "recorded", json_object_new_int64(src->recorded));
	json_object_object_add(o, "workload", json_object_new_string(src->workload));
	json_object_object_add(o, "converted", json_object_new_int64((int64_t)time(NULL)));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)st->size));
	json_object *so = json_object_new_object(), *hot = json_object_new_array();
	json_object_object_add(so, "functions", json_object_new_int64((int64_t)st->functions));
	json_object_object_add(so, "total_samples", json_object_new_int64((int64_t)st->total_samples));
	json_object_object_add(so, "hot_functions", json_object_new_int64((int64_t)st->hot_functions));
	for (size_t i = 0; i < st->n_hot; i++) {
		json_object *h = json_object_new_object();
		json_object_object_add(h, "name", json_object_new_string(st->hot[i].name));
		json_object_object_add(h, "samples", json_object_new_int64((int64_t)st->hot[i].samples));
		json_object_object_add(h, "share", json_object_new_double(st->hot[i].share));
		json_object_array_add(hot, h);
	}
	json_object_object_add(so, "hottest", hot);
	json_object_object_add(o, "stats", so);
	json_object *m = json_object_new_array();
	for (size_t i = 0; merged_from && merged_from[i]; i++)
		json_object_array_add(m, json_object_new_string(merged_from[i]));
	json_object_object_add(o, "merged_from", m);
	char *path = xasprintf("%s.json", profile);
	json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	free(path);
	json_object_put(o);
}

/* The merge inputs the plan used: the merge command's arguments after the new profile. */
static char **merged_inputs(const struct session *s, const char *tmp_new)
{
	struct plan p = { 0 };
	char **in = NULL;
	if (profile_plan(s, &p, NULL) == 0)
		for (size_t i = 0; i < p.n; i++) {
			char **v = p.cmds[i].argv;
			if (strv_len(v) < 2 || strcmp(v[1], "merge") != 0)
				continue;
			bool after = false;
			for (size_t k = 2; v[k]; k++) {
				if (after)
					strv_push(&in, v[k]);
				after |= strcmp(v[k], tmp_new) == 0;
			}
		}
	plan_free(&p);
	return in;
}

void profile_convert_abandon(void)
{
	static const char *const tmp[] = { PROFILE_TMP_NEW, PROFILE_TMP_MERGED, PROFILE_TMP_NEW_STATS,
					   PROFILE_TMP_MERGED_STATS };
	char *dir = profile_dir();
	for (size_t i = 0; i < ARRAY_LEN(tmp); i++) {
		char *p = xasprintf("%s/%s", dir, tmp[i]);
		unlink(p);
		free(p);
	}
	free(dir);
}

int profile_convert_complete(struct session *s, struct strbuf *msg)
{
	char *dir = profile_dir();
	char *tmp_new = xasprintf("%s/%s", dir, PROFILE_TMP_NEW), *tmp_merged = xasprintf("%s/%s", dir, PROFILE_TMP_MERGED);
	char *st_new = xasprintf("%s/%s", dir, PROFILE_TMP_NEW_STATS);
	char *st_merged = xasprintf("%s/%s", dir, PROFILE_TMP_MERGED_STATS);
	char **inputs = merged_inputs(s, tmp_new);
	struct profile_stats sn = { 0 }, sm = { 0 };
	struct source src;
	source_read(s, &src);
	char *cause = NULL, *final_new = NULL, *final_merged = NULL, *warn = NULL;
	int rc = -1;
	if (profile_stats_from_file(tmp_new, st_new, &sn, &cause) < 0 ||
	    (inputs && profile_stats_from_file(tmp_merged, st_merged, &sm, &cause) < 0)) {
		sb_add(msg, cause);
		goto out;
	}
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	char *base = xasprintf("%s/%s-%s-%s", dir, src.release, src.workload, stamp);
	for (char *p = base + strlen(dir) + 1; *p; p++)
		if (*p == '/')
			*p = '_';
	final_new = file_move_fresh(tmp_new, base, ".afdo");
	if (final_new && inputs) {
		char *base_merged = xasprintf("%s-merged", base);
		final_merged = file_move_fresh(tmp_merged, base_merged, ".afdo");
		free(base_merged);
	}
	free(base);
	if (!final_new || (inputs && !final_merged)) {
		sb_addf(msg, _("cannot name the new profile in %s: %s"), dir, strerror(errno));
		goto out;
	}
	record_write(final_new, &src, &sn, NULL);
	if (final_merged) {
		char **from = strv_dup(inputs);
		strv_push(&from, final_new);
		record_write(final_merged, &src, &sm, from);
		strv_free(from);
	}
	const char *use = final_merged ? final_merged : final_new;
	const struct profile_stats *su = final_merged ? &sm : &sn;
	warn = profile_stats_warning(su);
	char *line = profile_stats_line(su, 3);
	if (profile_stats_empty(su)) {
		/* Kept under its name with its record, but never built with. */
		sb_addf(msg, _("%s (kept as %s, not used)"), warn, use);
		free(line);
		goto out;
	}
	session_set(&s->artifacts.profile, use);
	char psize[32];
	record_fmt_size(psize, sizeof(psize), src.perf_size);
	sb_addf(msg, _("profile %s from %s of samples: %s"), use, psize, line);
	if (final_merged)
		sb_addf(msg, _(" (merged from %zu profiles; this recording's alone is %s)"), strv_len(inputs) + 1, final_new);
	if (warn)
		sb_addf(msg, _("; warning: %s"), warn);
	free(line);
	rc = 0;
out:
	unlink(st_new);
	unlink(st_merged);
	profile_stats_free(&sn);
	profile_stats_free(&sm);
	source_free(&src);
	strv_free(inputs);
	free(warn);
	free(cause);
	free(final_new);
	free(final_merged);
	free(tmp_new);
	free(tmp_merged);
	free(st_new);
	free(st_merged);
	free(dir);
	return rc;
}
