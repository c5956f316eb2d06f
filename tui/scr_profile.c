/* The profile screen: the workload to record under (a command you type, a
 * timed system-wide capture; the kernel-build and benchmark workloads are not
 * in this version), the perf record command before it runs, and while it
 * runs the elapsed time and the growing perf.data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "core/job.h"
#include "core/util.h"
#include "tui/input.h"
#include "tui/plan_screen.h"

static const enum workload_kind kinds[] = { WORKLOAD_KBUILD, WORKLOAD_COMMAND, WORKLOAD_TIMED, WORKLOAD_BENCHMARK };

static struct {
	size_t sel;
	struct input cmd;
	bool inited;
} st;

static bool kind_available(enum workload_kind k)
{
	return k == WORKLOAD_COMMAND || k == WORKLOAD_TIMED;
}

static void prof_enter(struct tui *t)
{
	plan_screen_default_paths(t);
	struct workload *w = &t->s->workload;
	if (w->kind == WORKLOAD_NONE) {
		w->kind = WORKLOAD_TIMED;
		w->minutes = 10;
		tui_save(t);
	}
	if (!st.inited) {
		st.inited = true;
		input_set(&st.cmd, w->command ? w->command : "");
	}
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (kinds[i] == w->kind)
			st.sel = i;
}

static void prof_leave(struct tui *t)
{
	tui_save(t);
}

static int live_block(struct tui *t, int row, struct rect r)
{
	struct task *k = &t->task;
	if (k->step != STEP_PROFILE || !k->r)
		return 0;
	char el[32], line[160];
	int64_t end = k->running ? job_now() : k->finished;
	fmt_duration(el, sizeof(el), (double)(end - k->started) / 1000.0);
	struct stat sb;
	const char *pd = t->s->artifacts.perf_data;
	if (pd && stat(pd, &sb) == 0)
		snprintf(line, sizeof(line), _("elapsed %s   perf.data %.1f MiB"), el, (double)sb.st_size / (1 << 20));
	else
		snprintf(line, sizeof(line), _("elapsed %s   perf.data not written yet"), el);
	text_put(r.y + row, r.x, line, r.w, ROLE_HEADING, true);
	return 1;
}

static int workload_block(struct tui *t, struct rect r)
{
	const struct workload *w = &t->s->workload;
	int row = 0;
	text_put(r.y + row++, r.x, _("What should run while perf records?"), r.w, ROLE_HEADING, true);
	for (size_t i = 0; i < ARRAY_LEN(kinds) && row < r.h; i++, row++) {
		int y = r.y + row;
		bool sel = st.sel == i, on = w->kind == kinds[i], avail = kind_available(kinds[i]);
		enum role role = sel ? ROLE_SELECTED : avail ? ROLE_NORMAL : ROLE_DIM;
		if (sel)
			text_fill(y, r.x, r.w, ROLE_SELECTED);
		const char *label = kinds[i] == WORKLOAD_KBUILD	    ? _("Rebuild a kernel tree")
				    : kinds[i] == WORKLOAD_COMMAND  ? _("A command you type:")
				    : kinds[i] == WORKLOAD_TIMED    ? _("A timed system-wide capture:")
								    : _("A benchmark tool");
		char *s = xasprintf("(%s) %s", on ? text_glyph(t, "\xe2\x80\xa2", "*") : " ", label);
		int used = text_put(y, r.x + 1, s, r.w - 1, role, true);
		free(s);
		if (kinds[i] == WORKLOAD_COMMAND) {
			input_draw(t, &st.cmd, y, r.x + 2 + used, r.w - 2 - used, sel && !task_running(t));
		} else if (kinds[i] == WORKLOAD_TIMED) {
			char *m = xasprintf(_("< %d > minutes"), w->minutes > 0 ? w->minutes : 10);
			text_put(y, r.x + 2 + used, m, r.w - 2 - used, role, true);
			free(m);
		} else {
			text_put(y, r.x + 2 + used, _("(not in this version yet)"), r.w - 2 - used,
				 sel ? ROLE_SELECTED : ROLE_DIM, true);
		}
	}
	row++;
	row += live_block(t, row, r);
	return row + 1;
}

static void prof_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r,
			 _("The kernel-build and benchmark workloads, the free-disk guard while perf.data grows, and "
			   "recording unattended after the reboot."),
			 workload_block);
}

static int prof_key(struct tui *t, int key)
{
	struct workload *w = &t->s->workload;
	enum workload_kind k = kinds[st.sel];
	bool idle = !task_running(t);
	if (idle && key == KEY_UP) {
		st.sel = st.sel ? st.sel - 1 : ARRAY_LEN(kinds) - 1;
		return RE_REDRAW | RE_HANDLED;
	}
	if (idle && key == KEY_DOWN) {
		st.sel = (st.sel + 1) % ARRAY_LEN(kinds);
		return RE_REDRAW | RE_HANDLED;
	}
	/* On the command row every character is the command's, spaces included. */
	if (idle && k == WORKLOAD_COMMAND && key != '\r' && key != KEY_F(5) && input_key(&st.cmd, key)) {
		char *c = input_text(&st.cmd);
		session_set(&w->command, *c ? c : NULL);
		w->kind = WORKLOAD_COMMAND;
		free(c);
		return RE_REDRAW | RE_HANDLED;
	}
	if (idle && key == ' ') {
		if (!kind_available(k)) {
			tui_note(t, ROLE_BAD, _("This workload is not in this version yet."));
			return RE_REDRAW | RE_HANDLED;
		}
		w->kind = k;
		if (k == WORKLOAD_TIMED && w->minutes <= 0)
			w->minutes = 10;
		tui_save(t);
		return RE_REDRAW | RE_HANDLED | RE_STEPS;
	}
	if (idle && k == WORKLOAD_TIMED && (key == KEY_LEFT || key == KEY_RIGHT || key == '-' || key == '+')) {
		int d = key == KEY_LEFT || key == '-' ? -1 : 1;
		w->minutes = w->minutes + d < 1 ? 1 : w->minutes + d > 600 ? 600 : w->minutes + d;
		w->kind = WORKLOAD_TIMED;
		tui_save(t);
		return RE_REDRAW | RE_HANDLED;
	}
	if (idle && (key == '\r' || key == KEY_F(5)) && t->s->artifacts.perf_data) {
		/* perf writes perf.data into a directory that must exist. */
		char *dir = xstrdup(t->s->artifacts.perf_data);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = 0;
			mkdir_p(dir, 0700, NULL);
		}
		free(dir);
		tui_save(t);
	}
	return plan_screen_key(t, key);
}

static const struct keyhint idle_hints[] = {
	{ "Up/Dn", N_("Workload") }, { "Space", N_("Choose") }, { "Enter/F5", N_("Record") }, { NULL, NULL },
};

static const struct keyhint *prof_hints(struct tui *t)
{
	return task_running(t) ? plan_screen_hints(t) : idle_hints;
}

const struct screen_ops screen_profile = {
	.enter = prof_enter, .leave = prof_leave, .draw = prof_draw, .on_key = prof_key,
	.on_tick = plan_screen_tick, .hints = prof_hints,
};
