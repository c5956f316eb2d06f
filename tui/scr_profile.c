/* The profile screen: the workload to record under (a clean rebuild of a
 * kernel tree, a command you type, a timed system-wide capture, or one of the
 * benchmark tools that are really installed), where the engine will put
 * perf.data, the kernel's perf settings checked right before recording with
 * their fix offered (run with curses set aside, through sudo unless kfdo is
 * root), the exact perf record command, then while it records the elapsed
 * time, perf.data's size and growth, the free disk and its floor. s stops the
 * recording cleanly (perf writes perf.data, the step succeeds); c cancels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "base/util.h"
#include "tui/input.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/term.h"
#include "tui/text.h"

static const enum workload_kind kinds[] = { WORKLOAD_KBUILD, WORKLOAD_COMMAND, WORKLOAD_TIMED, WORKLOAD_BENCHMARK };
#define MINUTES_MAX (24 * 60)

struct profile_view {
	size_t sel;
	struct input cmd, tree;
	bool bench_on[8];	/* record_benches(): installed on PATH */
	struct record_sysctls rs;
	bool rs_known;
	struct plan fix;	/* the sysctl fix the open question is about */
	char *out;		/* where the engine would put perf.data now (read by the scan) */
};

static const char *workload_tree(const struct session *s)
{
	return s->workload.tree && *s->workload.tree ? s->workload.tree : s->tree;
}

static void sysctls_check(struct tui *t)
{
	struct profile_view *v = t->view;
	if (v->rs_known)
		record_sysctls_free(&v->rs);
	record_sysctls_check(&v->rs, session_sysroot(t->s));
	v->rs_known = true;
}

static void prof_enter(struct tui *t)
{
	struct profile_view *v = t->view;
	struct workload *w = &t->s->workload;
	if (w->kind == WORKLOAD_NONE || w->minutes <= 0) {
		record_workload_default(t->s);
		tui_save(t);
	}
	/* The fields start from the session: typing in them sets it at once. */
	v->tree.path = true;
	input_set(&v->cmd, w->command ? w->command : "");
	input_set(&v->tree, workload_tree(t->s) ? workload_tree(t->s) : "");
	size_t n;
	const struct record_bench *b = record_benches(&n);
	for (size_t i = 0; i < n && i < ARRAY_LEN(v->bench_on); i++)
		v->bench_on[i] = record_bench_installed(b[i].name);
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (kinds[i] == w->kind)
			v->sel = i;
	sysctls_check(t);
}

static void prof_leave(struct tui *t)
{
	struct profile_view *v = t->view;
	tui_save(t);
	if (v->rs_known)
		record_sysctls_free(&v->rs);
	plan_free(&v->fix);
	input_free(&v->cmd);
	input_free(&v->tree);
	free(v->out);
}

/* The engine's choice of perf.data: a new file under recordings/, never over
 * an earlier one, so it looks at what is there. */
static void prof_scan(struct tui *t)
{
	struct profile_view *v = t->view;
	free(v->out);
	v->out = record_output_path(t->s);
}

/* The chosen benchmark's index in record_benches(), the first installed one by default. */
static size_t bench_index(const struct session *s)
{
	size_t n;
	const struct record_bench *b = record_benches(&n);
	const char *want = s->workload.bench && *s->workload.bench ? s->workload.bench : "perf";
	for (size_t i = 0; i < n; i++)
		if (strcmp(b[i].name, want) == 0)
			return i;
	return 0;
}

static void bench_step(const struct profile_view *v, struct session *s, int dir)
{
	size_t n;
	const struct record_bench *b = record_benches(&n);
	size_t i = bench_index(s);
	/* Only the installed ones: the engine would refuse the others. */
	for (size_t k = 0; k < n; k++) {
		i = (i + n + (size_t)(dir < 0 ? n - 1 : 1)) % n;
		if (i < ARRAY_LEN(v->bench_on) && v->bench_on[i])
			break;
	}
	session_set(&s->workload.bench, b[i].name);
}

static const char *kind_label(enum workload_kind k)
{
	switch (k) {
	case WORKLOAD_KBUILD: return _("Rebuild a kernel tree:");
	case WORKLOAD_COMMAND: return _("A command you type:");
	case WORKLOAD_TIMED: return _("A timed system-wide capture:");
	case WORKLOAD_BENCHMARK: return _("A benchmark:");
	default: return "?";
	}
}

/* What the selected workload does, in one line under the choice. */
static char *kind_detail(struct tui *t, enum workload_kind k)
{
	struct profile_view *v = t->view;
	const struct session *s = t->s;
	switch (k) {
	case WORKLOAD_KBUILD: {
		const char *tree = workload_tree(s);
		return tree ? xasprintf(_("A clean rebuild of %s, in kfdo's scratch build directory (never in place)."),
					tree)
			    : xstrdup(_("No kernel tree chosen yet: type the path of one."));
	}
	case WORKLOAD_COMMAND:
		return xstrdup(_("Runs through sh -c; perf records the whole system until it ends (s stops it early)."));
	case WORKLOAD_TIMED:
		return xasprintf(_("Records everything the system does for %d minutes (s stops it early)."),
				 s->workload.minutes);
	case WORKLOAD_BENCHMARK: {
		size_t n;
		const struct record_bench *b = record_benches(&n);
		struct strbuf missing = { 0 };
		for (size_t i = 0; i < n && i < ARRAY_LEN(v->bench_on); i++)
			if (!v->bench_on[i])
				sb_addf(&missing, "%s%s", missing.len ? ", " : "", b[i].name);
		char *m = missing.len ? xasprintf(_("%s. Not installed: %s."), _(b[bench_index(s)].what), missing.s)
				      : xasprintf("%s.", _(b[bench_index(s)].what));
		/* perf bench and hackbench end sooner: kfdo __repeat runs them again;
		 * stress-ng and sysbench stop themselves at the time given. */
		char *all = b[bench_index(s)].repeats
			? xasprintf(_("%s Recorded for %d minutes, the benchmark run again if it ends sooner."), m,
				    s->workload.minutes)
			: xasprintf(_("%s Recorded for %d minutes."), m, s->workload.minutes);
		free(m);
		m = all;
		sb_free(&missing);
		return m;
	}
	default:
		return xstrdup("");
	}
}

static int workload_rows(struct tui *t, struct rect r, int row)
{
	struct profile_view *v = t->view;
	const struct workload *w = &t->s->workload;
	bool idle = !task_running(t);
	int start = row;
	text_put(r.y + row++, r.x, _("What should run while perf records?"), r.w, ROLE_HEADING, true);
	for (size_t i = 0; i < ARRAY_LEN(kinds) && row < r.h; i++, row++) {
		int y = r.y + row;
		bool sel = v->sel == i, on = w->kind == kinds[i];
		enum role role = sel ? ROLE_SELECTED : ROLE_NORMAL;
		if (sel)
			text_fill(y, r.x, r.w, ROLE_SELECTED);
		char *s = xasprintf("(%s) %s", on ? text_glyph(t, "\xe2\x80\xa2", "*") : " ", kind_label(kinds[i]));
		int used = text_put(y, r.x + 1, s, r.w - 1, role, true);
		free(s);
		int x = r.x + 2 + used, fw = r.w - 2 - used;
		char *m = NULL;
		if (kinds[i] == WORKLOAD_KBUILD)
			input_draw(t, &v->tree, y, x, fw, sel && idle);
		else if (kinds[i] == WORKLOAD_COMMAND)
			input_draw(t, &v->cmd, y, x, fw, sel && idle);
		else if (kinds[i] == WORKLOAD_TIMED)
			m = xasprintf(_("< %d > minutes"), w->minutes);
		else
			m = xasprintf(_("< %s > for %d minutes (+/-)"), record_benches(&(size_t){ 0 })[bench_index(t->s)].name,
				      w->minutes);
		if (m)
			text_put(y, x, m, fw, role, true);
		free(m);
	}
	char *d = kind_detail(t, kinds[v->sel]);
	row += plan_screen_wrapped(r, row, NULL, d, ROLE_DIM, 2);
	free(d);
	return row - start;
}

/* perf_event_paranoid and kptr_restrict, as the recording will meet them. */
static int sysctl_rows(struct tui *t, struct rect r, int row)
{
	const struct profile_view *v = t->view;
	if (!v->rs_known)
		return 0;
	const struct record_sysctls *rs = &v->rs;
	int start = row;
	if (rs->privileged) {
		row += plan_screen_wrapped(r, row, _("Kernel settings:"),
					   _("As root, perf_event_paranoid and kptr_restrict do not apply."),
					   ROLE_GOOD, 2);
		return row - start;
	}
	if (!rs->problems) {
		char *m = xasprintf(_("perf_event_paranoid %ld, kptr_restrict %ld: perf may record the kernel."),
				    rs->paranoid, rs->kptr);
		row += plan_screen_wrapped(r, row, _("Kernel settings:"), m, ROLE_GOOD, 2);
		free(m);
		return row - start;
	}
	char *pad = xasprintf("%*s", text_width(_("Kernel settings:")), "");
	for (size_t i = 0; rs->problems[i]; i++)
		row += plan_screen_wrapped(r, row, i ? pad : _("Kernel settings:"), rs->problems[i], ROLE_BAD, 2);
	free(pad);
	struct plan p = { 0 };
	record_sysctls_plan(rs, &p);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < p.n; i++) {
		char *line = plan_format_command(&p.cmds[i]);
		sb_addf(&sb, "%s$ %s", i ? "  " : "", line);
		free(line);
	}
	char *m = xasprintf(_("Enter offers the fix before recording: %s"), sb.s);
	row += plan_screen_wrapped(r, row, NULL, m, ROLE_COMMAND, 3);
	free(m);
	sb_free(&sb);
	plan_free(&p);
	return row - start;
}

/* While perf records, and after: the engine's figures. */
static int live_rows(struct tui *t, struct rect r, int row)
{
	struct task *k = &t->task;
	struct record_figures f;
	if (k->step != t->cur || !k->r || !runner_record_figures(k->r, job_now(), &f))
		return 0;
	int start = row;
	char el[32], size[32], rate[32], disk[32], floor[32];
	fmt_duration(el, sizeof(el), f.elapsed_s);
	record_fmt_size(size, sizeof(size), f.size);
	record_fmt_size(rate, sizeof(rate), (uint64_t)f.rate);
	char *m = xasprintf(_("elapsed %s   perf.data %s   +%s/s"), el, size, rate);
	row += plan_screen_line(r, row, _("Recording:"), m, ROLE_HEADING);
	free(m);
	if (f.disk_known) {
		record_fmt_size(disk, sizeof(disk), f.disk_free);
		record_fmt_size(floor, sizeof(floor), f.disk_floor);
		m = xasprintf(_("%s free where perf.data grows; the recording stops cleanly below %s"), disk, floor);
		row += plan_screen_line(r, row, _("Disk:     "), m, f.disk_free < f.disk_floor ? ROLE_BAD : ROLE_NORMAL);
		free(m);
	}
	if (f.stop != RECORD_RUNNING && task_recording(t)) {
		fmt_duration(el, sizeof(el), f.stopping_s);
		m = xasprintf(_("stopping: perf is writing perf.data (%s)%s"), el,
			      f.stop == RECORD_STOP_DISK ? _(", free disk fell below the floor") : "");
		char *pad = xasprintf("%*s", text_width(_("Recording:")), "");
		row += plan_screen_line(r, row, pad, m, ROLE_RUNNING);
		free(pad);
		free(m);
	}
	return row - start;
}

static int profile_block(struct tui *t, struct rect r)
{
	struct profile_view *v = t->view;
	int row = workload_rows(t, r, 0);
	struct task *k = &t->task;
	bool mine = k->step == t->cur && k->r;
	if (!mine || !runner_record_figures(k->r, job_now(), &(struct record_figures){ 0 }))
		row += plan_screen_wrapped(r, row, _("perf.data:"), v->out ? v->out : "?", ROLE_NORMAL, 2);
	if (!task_running(t))
		row += sysctl_rows(t, r, row);
	row += live_rows(t, r, row);
	return row + 1;
}

static void prof_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, profile_block);
}

/* ---- recording, with the sysctl fix first ---- */

static int answer_fix(struct tui *t, bool yes)
{
	struct profile_view *v = t->view;
	if (!yes) {
		tui_note(t, ROLE_BAD, _("Not recorded: perf cannot record the kernel with these settings."));
		plan_free(&v->fix);
		return RE_REDRAW;
	}
	for (size_t i = 0; i < v->fix.n; i++) {
		char **argv = plan_cmd_argv(&v->fix.cmds[i]);
		char *cause = NULL, *line = job_quote_argv((const char *const *)argv);
		int status = term_run_interactive((const char *const *)argv, &cause);
		bool ok = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (!ok)
			tui_note(t, ROLE_BAD, _("%s did not succeed%s%s: nothing was recorded."), line, cause ? ": " : "",
				 cause ? cause : "");
		free(cause);
		free(line);
		strv_free(argv);
		if (!ok) {
			plan_free(&v->fix);
			sysctls_check(t);
			return RE_REDRAW | RE_STEPS;
		}
	}
	plan_free(&v->fix);
	sysctls_check(t);
	if (v->rs.problems) {
		tui_note(t, ROLE_BAD, _("The settings did not change: %s"), v->rs.problems[0]);
		return RE_REDRAW | RE_STEPS;
	}
	return plan_screen_start(t);
}

static int record(struct tui *t)
{
	struct profile_view *v = t->view;
	tui_save(t);
	sysctls_check(t);
	if (!v->rs.problems)
		return plan_screen_start(t);
	/* Right before recording, as kfdo run does: the fix, shown, then run if asked. */
	plan_free(&v->fix);
	record_sysctls_plan(&v->rs, &v->fix);
	struct strbuf sb = { 0 };
	for (size_t i = 0; v->rs.problems[i]; i++)
		sb_addf(&sb, "%s\n", v->rs.problems[i]);
	sb_add(&sb, _("\nkfdo will run (until the next boot; to keep it, put the settings in "
		      "/etc/sysctl.d/99-kfdo.conf):\n"));
	for (size_t i = 0; i < v->fix.n; i++) {
		char *line = plan_format_command(&v->fix.cmds[i]);
		sb_addf(&sb, "  $ %s\n", line);
		free(line);
	}
	sb_add(&sb, plan_needs_sudo(&v->fix) ? _("\nThe screen is set aside while it runs, so that sudo can ask for "
						 "your password; then the recording starts.")
					     : _("\nThe screen is set aside while it runs (kfdo runs as root: no sudo); "
						 "then the recording starts."));
	tui_ask(t, _("Allow perf to record the kernel?"), sb.s, true, answer_fix);
	sb_free(&sb);
	return RE_REDRAW | RE_HANDLED;
}

static int answer_cancel(struct tui *t, bool yes)
{
	if (yes)
		task_cancel(t);
	return RE_REDRAW;
}

static int running_key(struct tui *t, int key)
{
	bool here = task_running(t) && t->task.step == t->cur;
	if (!here)
		return RE_NONE;
	struct logview *lv = task_log(t, STEP_PROFILE);
	if (lv && logview_prompting(lv))
		return tui_log_key(lv, key) ? RE_REDRAW | RE_HANDLED : RE_HANDLED;
	if (key == 's') {
		if (task_stop(t))
			tui_note(t, ROLE_RUNNING, _("Stopping the recording: perf writes perf.data (c still cancels)."));
		else if (task_recording(t))
			tui_note(t, ROLE_RUNNING, _("Already stopping: perf is writing perf.data."));
		else
			tui_note(t, ROLE_BAD, _("Nothing records yet (the workload's setup runs first): c cancels."));
		return RE_REDRAW | RE_HANDLED;
	}
	if (key == 'c' || key == KEY_F(8)) {
		tui_ask(t, _("Cancel the recording?"),
			_("perf and the workload are stopped at once; what perf recorded so far is not kept as a "
			  "usable perf.data. s stops cleanly instead and keeps it."),
			false, answer_cancel);
		return RE_REDRAW | RE_HANDLED;
	}
	return plan_screen_key(t, key);
}

/* The text fields: typing chooses their workload. */
static int field_key(struct tui *t, int key)
{
	struct profile_view *v = t->view;
	struct workload *w = &t->s->workload;
	enum workload_kind k = kinds[v->sel];
	struct input *in = k == WORKLOAD_COMMAND ? &v->cmd : k == WORKLOAD_KBUILD ? &v->tree : NULL;
	if (!in || key == '\r' || key == KEY_ENTER || key == KEY_F(5) || !input_key(in, key))
		return RE_NONE;
	char *text = input_text(in);
	if (k == WORKLOAD_COMMAND) {
		session_set(&w->command, *text ? text : NULL);
	} else {
		/* The engine wants an absolute tree; the session's own stays "none given". */
		char *real = *text ? realpath(text, NULL) : NULL;
		const char *val = real ? real : *text ? text : NULL;
		session_set(&w->tree, val && t->s->tree && strcmp(val, t->s->tree) == 0 ? NULL : val);
		free(real);
	}
	w->kind = k;
	free(text);
	return RE_REDRAW | RE_HANDLED;
}

static int prof_key(struct tui *t, int key)
{
	struct profile_view *v = t->view;
	if (task_running(t))
		return running_key(t, key);
	struct workload *w = &t->s->workload;
	enum workload_kind k = kinds[v->sel];
	switch (key) {
	case KEY_UP:
		v->sel = v->sel ? v->sel - 1 : ARRAY_LEN(kinds) - 1;
		return RE_REDRAW | RE_HANDLED;
	case KEY_DOWN:
		v->sel = (v->sel + 1) % ARRAY_LEN(kinds);
		return RE_REDRAW | RE_HANDLED;
	case '\r': case KEY_ENTER: case KEY_F(5):
		return record(t) | RE_HANDLED;
	}
	int re = field_key(t, key);
	if (re)
		return re;
	if (key == ' ') {
		w->kind = k;
		tui_save(t);
		return RE_REDRAW | RE_HANDLED | RE_STEPS;
	}
	int dir = key == KEY_LEFT || key == '-' ? -1 : key == KEY_RIGHT || key == '+' ? 1 : 0;
	/* On the benchmark row the arrows choose the tool and +/- its minutes. */
	bool minutes = k == WORKLOAD_TIMED || (k == WORKLOAD_BENCHMARK && (key == '-' || key == '+'));
	if (dir && minutes) {
		int m = w->minutes + dir;
		w->minutes = m < 1 ? 1 : m > MINUTES_MAX ? MINUTES_MAX : m;
		w->kind = k;
		tui_save(t);
		return RE_REDRAW | RE_HANDLED;
	}
	if (dir && k == WORKLOAD_BENCHMARK) {
		bench_step(t->view, t->s, dir);
		w->kind = k;
		tui_save(t);
		return RE_REDRAW | RE_HANDLED;
	}
	return plan_screen_key(t, key);
}

static int prof_tick(struct tui *t, int64_t now)
{
	int re = plan_screen_tick(t, now);
	/* After a recording the settings may have changed (a reboot resets them). */
	if (task_take_end(t, STEP_PROFILE)) {
		sysctls_check(t);
		re |= RE_REDRAW | RE_SCAN;
	}
	return re;
}

static const struct keyhint idle_hints[] = {
	{ "Up/Dn", N_("Workload") }, { "Space", N_("Choose") }, { "Enter/F5", N_("Record") }, { NULL, NULL },
};
static const struct keyhint rec_hints[] = {
	{ "s", N_("Stop (keep perf.data)") }, { "c", N_("Cancel") }, { "/", N_("Search") }, { NULL, NULL },
};

static const struct keyhint *prof_hints(struct tui *t)
{
	if (task_running(t))
		return t->task.step == t->cur ? rec_hints : plan_screen_hints(t);
	return idle_hints;
}

const struct screen_ops screen_profile = {
	.view_size = sizeof(struct profile_view), .enter = prof_enter, .leave = prof_leave, .scan = prof_scan,
	.draw = prof_draw, .on_key = prof_key, .on_tick = prof_tick, .hints = prof_hints,
};
