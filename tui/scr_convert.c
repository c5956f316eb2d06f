/* The convert screen: before converting, the three build-ids the engine
 * compares (the vmlinux's, the running kernel's, the one perf.data noted)
 * with its verdict, a mismatch shown as the reason the step stops; the merge
 * choice over the earlier profiles of the same build (none, all, or picked
 * ones); the converter's command; after converting, the profile's stats from
 * its record: sizes, functions, samples, the hottest functions as a table,
 * and the warning for a suspiciously small or empty profile. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/elfid.h"
#include "base/i18n.h"
#include "engine/probe.h"
#include "engine/perfdata.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "base/util.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/text.h"

enum merge_mode { MERGE_NONE, MERGE_ALL, MERGE_PICK };

/* Read on entering, on r and after each run: the build-ids, the earlier
 * profiles, the session's profile record. */
struct convert_view {
	char *vm_id, *run_id, *run_release, *pd_id;
	char *vm_err, *run_err, *pd_err;
	bool pd_script;		/* a perf script input: it notes no build-id */
	bool ok;
	char *verdict;		/* the engine's note, or why the step would stop */
	char **earlier;		/* earlier single-recording profiles of this build */
	char **earlier_desc;
	bool *picked;
	size_t n_earlier, cursor;
	enum merge_mode mode;
	bool rec_ok;
	struct profile_record rec;	/* the session's profile */
	char pd_size[32];	/* perf.data's size, "" when it cannot be read */
};

static void view_free(struct convert_view *st)
{
	free(st->vm_id);
	free(st->run_id);
	free(st->run_release);
	free(st->pd_id);
	free(st->vm_err);
	free(st->run_err);
	free(st->pd_err);
	free(st->verdict);
	strv_free(st->earlier);
	strv_free(st->earlier_desc);
	free(st->picked);
	if (st->rec_ok)
		profile_record_free(&st->rec);
	memset(st, 0, sizeof(*st));
}

/* The profiles "--merge all" would take: made from one recording of this vmlinux's build. */
static void earlier_load(struct tui *t)
{
	struct convert_view *st = t->view;
	char **all = profile_list();
	const char *profile = t->s->artifacts.profile;
	for (size_t i = 0; all && all[i]; i++) {
		struct profile_record rec;
		if (profile_record_read(all[i], &rec, NULL) == 0 && !rec.empty && !rec.merged_from && st->vm_id &&
		    rec.build_id && strcmp(rec.build_id, st->vm_id) == 0) {
			char size[32];
			record_fmt_size(size, sizeof(size), rec.size);
			const char *base = strrchr(all[i], '/');
			strv_push(&st->earlier, all[i]);
			strv_pushf(&st->earlier_desc, _("%s (%s, %" PRIu64 " functions, workload %s)%s"), base ? base + 1 : all[i],
				   size, rec.functions, rec.workload ? rec.workload : "?",
				   profile && strcmp(profile, all[i]) == 0 ? _(", the session's") : "");
		}
		profile_record_free(&rec);
	}
	strv_free(all);
	st->n_earlier = strv_len(st->earlier);
	st->picked = xcalloc(st->n_earlier + 1, sizeof(*st->picked));
	char **m = t->s->profile.merge_with;
	st->mode = !m ? MERGE_NONE : strcmp(m[0], "all") == 0 ? MERGE_ALL : MERGE_PICK;
	for (size_t i = 0; st->mode == MERGE_PICK && i < st->n_earlier; i++)
		for (size_t k = 0; m[k]; k++)
			st->picked[i] |= strcmp(m[k], st->earlier[i]) == 0;
}

static void check(struct tui *t)
{
	struct convert_view *st = t->view;
	view_free(st);
	const struct artifacts *a = &t->s->artifacts;
	struct stat sb;
	if (a->perf_data && stat(a->perf_data, &sb) == 0)
		record_fmt_size(st->pd_size, sizeof(st->pd_size), (uint64_t)sb.st_size);
	if (a->vmlinux)
		elfid_build_id(a->vmlinux, &st->vm_id, &st->vm_err);
	probe_running_kernel(t->s, &st->run_release, &st->run_id, &st->run_err);
	st->pd_script = profile_is_perfscript(a->perf_data);
	if (a->perf_data && !st->pd_script) {
		struct perfdata_info pd;
		if (perfdata_read(a->perf_data, &pd, &st->pd_err) == 0 && pd.kernel_build_id)
			st->pd_id = xstrdup(pd.kernel_build_id);
		perfdata_info_free(&pd);
	}
	char *note = NULL, *cause = NULL;
	st->ok = profile_check_inputs(t->s, &note, &cause) == 0;
	st->verdict = st->ok ? note : cause;
	free(st->ok ? cause : note);
	earlier_load(t);
	if (a->profile && profile_record_read(a->profile, &st->rec, NULL) == 0)
		st->rec_ok = true;
}

static void conv_leave(struct tui *t)
{
	view_free(t->view);
}

static int conv_tick(struct tui *t, int64_t now)
{
	int re = plan_screen_tick(t, now);
	if (task_take_end(t, STEP_CONVERT)) {
		check(t);
		re |= RE_REDRAW;
	}
	return re;
}

/* ---- drawing ---- */

static int id_row(struct rect r, int row, const char *label, const char *id, const char *missing, int lw)
{
	if (row >= r.h)
		return 0;
	text_put(r.y + row, r.x + 2, label, lw, ROLE_DIM, false);
	text_put(r.y + row, r.x + 3 + lw, id ? id : missing, r.w - 3 - lw, id ? ROLE_NORMAL : ROLE_DIM, true);
	return 1;
}

static int build_id_rows(struct tui *t, struct rect r, int row)
{
	const struct convert_view *st = t->view;
	const struct artifacts *a = &t->s->artifacts;
	int start = row;
	const char *size = st->pd_size;
	char *pd = a->perf_data ? xasprintf("%s%s%s%s", a->perf_data, *size ? " (" : "", size, *size ? ")" : "")
				: xstrdup(_("none recorded yet"));
	row += plan_screen_wrapped(r, row, _("perf.data:"), pd, a->perf_data ? ROLE_NORMAL : ROLE_DIM, 2);
	free(pd);
	row += plan_screen_wrapped(r, row, _("vmlinux:  "), a->vmlinux ? a->vmlinux : _("none yet (the install step records it)"),
				   a->vmlinux ? ROLE_NORMAL : ROLE_DIM, 2);
	if (row < r.h)
		text_put(r.y + row++, r.x, _("Build-ids (perf.data's decides where the samples land):"), r.w, ROLE_HEADING,
			 true);
	const char *labels[] = { _("vmlinux"), _("running kernel"), _("perf.data") };
	int lw = 0;
	for (size_t i = 0; i < ARRAY_LEN(labels); i++) {
		int w = text_width(labels[i]);
		lw = w > lw ? w : lw;
	}
	row += id_row(r, row, labels[0], st->vm_id, st->vm_err ? st->vm_err : _("no vmlinux"), lw);
	char *run = st->run_err ? xasprintf(_("unknown: %s"), st->run_err) : NULL;
	row += id_row(r, row, labels[1], st->run_id, run ? run : "?", lw);
	free(run);
	const char *pd_missing = st->pd_script ? _("none noted (a perf script: the running kernel's stands in)")
				 : st->pd_err	  ? st->pd_err
				 : a->perf_data	  ? _("none noted for [kernel.kallsyms]")
						  : _("no perf.data");
	row += id_row(r, row, labels[2], st->pd_id, pd_missing, lw);
	if (st->ok)
		row += plan_screen_wrapped(r, row, _("ok:"), st->verdict ? st->verdict : _("they belong together"),
					   ROLE_GOOD, 3);
	else
		row += plan_screen_wrapped(r, row, _("stop:"), st->verdict ? st->verdict : "?", ROLE_BAD, 5);
	return row - start;
}

static const char *mode_word(enum merge_mode m)
{
	return m == MERGE_ALL ? _("all") : m == MERGE_PICK ? _("picked") : _("none");
}

static int merge_rows(struct tui *t, struct rect r, int row)
{
	const struct convert_view *st = t->view;
	int start = row;
	if (row >= r.h)
		return 0;
	char *m = st->n_earlier ? xasprintf(ngettext("< %s >  (%zu earlier profile of this build; m changes)",
						    "< %s >  (%zu earlier profiles of this build; m changes)", st->n_earlier),
					   mode_word(st->mode), st->n_earlier)
			       : xstrdup(_("none: no earlier profile of this build yet"));
	row += plan_screen_line(r, row, _("Merge with:"), m, st->mode == MERGE_NONE ? ROLE_NORMAL : ROLE_HEADING);
	free(m);
	if (st->mode == MERGE_NONE)
		return row - start;
	for (size_t i = 0; i < st->n_earlier && row < r.h && i < 5; i++, row++) {
		bool on = st->mode == MERGE_ALL || st->picked[i];
		bool sel = st->mode == MERGE_PICK && st->cursor == i;
		if (sel)
			text_fill(r.y + row, r.x + 2, r.w - 2, ROLE_SELECTED);
		char *line = xasprintf("[%s] %s", on ? "x" : " ", st->earlier_desc[i]);
		text_put(r.y + row, r.x + 2, line, r.w - 2, sel ? ROLE_SELECTED : ROLE_NORMAL, true);
		free(line);
	}
	return row - start;
}

/* The session's profile: sizes, counts, the hottest functions, the warning. */
static int stats_rows(struct tui *t, struct rect r, int row)
{
	const struct convert_view *st = t->view;
	const struct profile_record *rec = &st->rec;
	int start = row;
	row += plan_screen_wrapped(r, row, _("Profile:"), rec->profile, ROLE_GOOD, 2);
	char pd[32], ps[32];
	record_fmt_size(pd, sizeof(pd), rec->perf_data_size);
	record_fmt_size(ps, sizeof(ps), rec->size);
	char *m = xasprintf(_("perf.data %s -> profile %s, %" PRIu64 " functions, %" PRIu64 " samples"), pd, ps,
			    rec->functions, rec->total_samples);
	row += plan_screen_wrapped(r, row, NULL, m, ROLE_NORMAL, 2);
	free(m);
	if (rec->merged_from) {
		/* The names are enough: they all live in the profiles directory. */
		struct strbuf sb = { 0 };
		for (const char *p = rec->merged_from; *p;) {
			size_t n = strcspn(p, ",");
			const char *slash = memrchr(p, '/', n);
			const char *name = slash ? slash + 1 : p;
			sb_addf(&sb, "%s%.*s", sb.len ? ", " : "", (int)(p + n - name), name);
			p += n;
			p += strspn(p, ", ");
		}
		row += plan_screen_wrapped(r, row, _("merged from"), sb.s ? sb.s : "", ROLE_DIM, 2);
		sb_free(&sb);
	}
	struct profile_stats s = { .size = rec->size, .functions = rec->functions, .total_samples = rec->total_samples };
	char *warn = profile_stats_warning(&s);
	int warn_rows = warn ? 3 : 0;
	if (rec->n_hot && row + 2 < r.h - warn_rows) {
		char *head = xasprintf("%7s  %12s  %s", _("share"), _("samples"), _("hottest functions"));
		text_put(r.y + row++, r.x + 2, head, r.w - 2, ROLE_HEADING, true);
		free(head);
		for (size_t i = 0; i < rec->n_hot && row < r.h - warn_rows; i++, row++) {
			char *line = xasprintf("%6.1f%%  %12" PRIu64 "  %s", rec->hot[i].share, rec->hot[i].samples,
					       rec->hot[i].name);
			text_put(r.y + row, r.x + 2, line, r.w - 2, ROLE_NORMAL, true);
			free(line);
		}
	}
	if (warn)
		row += plan_screen_wrapped(r, row, _("warning:"), warn, ROLE_WARN, 3);
	free(warn);
	return row - start;
}

static int convert_block(struct tui *t, struct rect r)
{
	const struct convert_view *st = t->view;
	int row = 0;
	bool done = st->rec_ok && t->s->steps[STEP_CONVERT].status == STATUS_DONE && !task_running(t);
	if (done) {
		row += stats_rows(t, r, row);
		row++;
		/* The log is what is left to see below: the checks shrink to their verdict. */
		if (row < r.h)
			row += plan_screen_wrapped(r, row, _("Build-ids:"), st->ok ? _("vmlinux, running kernel and perf.data agree")
									 : st->verdict ? st->verdict : "?",
						   st->ok ? ROLE_GOOD : ROLE_BAD, 2);
	} else {
		row += build_id_rows(t, r, row);
	}
	row += merge_rows(t, r, row);
	return row + 1;
}

static void conv_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, convert_block);
}

/* ---- keys ---- */

static void merge_apply(struct tui *t)
{
	const struct convert_view *st = t->view;
	char ***m = &t->s->profile.merge_with;
	strv_free(*m);
	*m = NULL;
	if (st->mode == MERGE_ALL)
		strv_push(m, "all");
	for (size_t i = 0; st->mode == MERGE_PICK && i < st->n_earlier; i++)
		if (st->picked[i])
			strv_push(m, st->earlier[i]);
	tui_save(t);
}

static int conv_key(struct tui *t, int key)
{
	struct convert_view *st = t->view;
	if (task_running(t))
		return plan_screen_key(t, key);
	if (key == 'm' && st->n_earlier) {
		st->mode = st->mode == MERGE_NONE ? MERGE_ALL : st->mode == MERGE_ALL ? MERGE_PICK : MERGE_NONE;
		merge_apply(t);
		return RE_REDRAW | RE_HANDLED;
	}
	if (st->mode == MERGE_PICK) {
		if (key == KEY_UP && st->cursor > 0) {
			st->cursor--;
			return RE_REDRAW | RE_HANDLED;
		}
		if (key == KEY_DOWN && st->cursor + 1 < st->n_earlier) {
			st->cursor++;
			return RE_REDRAW | RE_HANDLED;
		}
		if (key == ' ' && st->cursor < st->n_earlier) {
			st->picked[st->cursor] = !st->picked[st->cursor];
			merge_apply(t);
			return RE_REDRAW | RE_HANDLED;
		}
	}
	if (key == 'r') {
		check(t);
		tui_note(t, ROLE_NORMAL, _("Checked again."));
		return RE_REDRAW | RE_HANDLED | RE_STEPS;
	}
	return plan_screen_key(t, key);
}

static const struct keyhint idle_hints[] = {
	{ "Enter/F5", N_("Convert") }, { "m", N_("Merge") }, { "r", N_("Check again") }, { NULL, NULL },
};
static const struct keyhint pick_hints[] = {
	{ "Enter/F5", N_("Convert") }, { "m", N_("Merge") }, { "Space", N_("Pick") }, { NULL, NULL },
};

static const struct keyhint *conv_hints(struct tui *t)
{
	const struct convert_view *st = t->view;
	if (task_running(t))
		return plan_screen_hints(t);
	return st->mode == MERGE_PICK ? pick_hints : idle_hints;
}

const struct screen_ops screen_convert = {
	.view_size = sizeof(struct convert_view), .enter = check, .leave = conv_leave, .draw = conv_draw,
	.on_key = conv_key, .on_tick = conv_tick, .hints = conv_hints,
};
