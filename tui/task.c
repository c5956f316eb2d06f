/* The step that runs: a engine/runner driven from the wizard's poll loop, its
 * output into the log widget. One at a time; it stays after it ends so the
 * screen can still show its counts, its outcome and its log. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "base/util.h"
#include "tui/keys.h"
#include "tui/notify.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/term.h"
#include "tui/theme.h"

/* Scrollback of a step's log in the widget (the full log is on disk). */
#define LOG_LINES 20000

static void on_command(void *arg, size_t index, size_t count, const char *display, const char *log_path)
{
	struct tui *t = arg;
	struct task *k = &t->task;
	free(k->command);
	k->command = xstrdup(display);
	k->cmd_index = index;
	k->cmd_count = count;
	if (log_path) {
		free(k->log_path);
		k->log_path = xstrdup(log_path);
	}
	char *line = xasprintf("$ %s", display);
	logview_append(k->lv, line, strlen(line));
	free(line);
}

static void on_line(void *arg, const char *line, size_t len)
{
	struct tui *t = arg;
	/* The widget shows a '\r' progress meter (git) as a terminal would. */
	logview_append(t->task.lv, line, len);
}

void task_free(struct task *k)
{
	runner_free(k->r);
	logview_free(k->lv);
	free(k->message);
	free(k->command);
	free(k->log_path);
	memset(k, 0, sizeof(*k));
}

/* Commands that run through sudo: ask for the password now, on the real
 * terminal, not in the middle of the step (sudo caches it for the jobs). */
static int sudo_first(struct tui *t, enum step_id id)
{
	const struct step_def *def = step_get(id);
	struct plan p = { 0 };
	bool sudo = def->plan && def->plan(t->s, &p, NULL) == 0 && plan_needs_sudo(&p);
	plan_free(&p);
	if (!sudo)
		return 0;
	const char *argv[] = { "sudo", "-v", "-p",
			       /* TRANSLATORS: sudo's prompt; sudo itself replaces %u with the user name. */
			       _("[kfdo] password for %u (to run the step's commands as root): "), NULL };
	char *cause = NULL;
	int st = term_run_interactive(argv, &cause);
	if (st != 0) {
		tui_note(t, ROLE_BAD, _("sudo did not succeed, so the step did not start%s%s"), cause ? ": " : "",
			 cause ? cause : "");
		free(cause);
		return -1;
	}
	return 0;
}

int task_start(struct tui *t, enum step_id id)
{
	struct task *k = &t->task;
	if (k->running) {
		tui_note(t, ROLE_BAD, _("The %s step is still running: wait for it or cancel it first."),
			 step_name(k->step));
		return -1;
	}
	if (sudo_first(t, id) < 0)
		return -1;
	task_free(k);
	k->step = id;
	k->lv = logview_new(LOG_LINES);
	if (t->color) {
		/* The widget draws with the wizard's roles; mono keeps its own set. */
		struct logview_attrs a = {
			.plain = theme_attr(ROLE_NORMAL), .command = theme_attr(ROLE_COMMAND),
			.warning = theme_attr(ROLE_WARN), .error = theme_attr(ROLE_FAIL),
			.first_error = theme_attr(ROLE_FAIL) | A_REVERSE, .match = A_REVERSE | A_UNDERLINE,
			.status = theme_attr(ROLE_SELECTED),
		};
		logview_set_attrs(k->lv, &a);
	}
	k->started = job_now();
	struct runner_hooks hooks = { .arg = t, .on_command = on_command, .on_line = on_line };
	char *cause = NULL;
	if (runner_start(&k->r, t->s, id, &hooks, &cause) < 0) {
		k->result = RUNNER_FAILED;
		k->message = cause ? cause : xstrdup(_("it could not start"));
		k->finished = job_now();
		tui_note(t, ROLE_BAD, _("The step could not start: %s"), k->message);
		tui_refresh_steps(t);
		return -1;
	}
	k->running = !runner_done(k->r);
	if (!k->running) {
		const char *m;
		k->result = runner_result(k->r, &m);
		k->message = xstrdup(m ? m : "");
	}
	tui_refresh_steps(t);
	return 0;
}

bool tui_log_key(struct logview *lv, int key)
{
	if (!tui_key_is_char(key) || tui_key_char(key) < 128)
		return logview_key(lv, key);
	/* The widget reads keys as getch() gives them: a character's UTF-8 bytes one by one. */
	char mb[MB_LEN_MAX];
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = wcrtomb(mb, (wchar_t)tui_key_char(key), &st);
	bool used = false;
	for (size_t i = 0; n != (size_t)-1 && i < n; i++)
		used = logview_key(lv, (unsigned char)mb[i]) || used;
	return used;
}

bool task_running(const struct tui *t)
{
	return t->task.running;
}

struct logview *task_log(struct tui *t, enum step_id id)
{
	return t->task.lv && t->task.step == id ? t->task.lv : NULL;
}

void task_cancel(struct tui *t)
{
	struct task *k = &t->task;
	if (!k->running)
		return;
	/* A second cancel sends the next signal at once (SIGTERM, then SIGKILL). */
	runner_cancel(k->r, job_now());
	k->cancel_asked = true;
}

bool task_stop(struct tui *t)
{
	struct task *k = &t->task;
	return k->running && runner_stop(k->r, job_now());
}

bool task_take_end(struct tui *t, enum step_id id)
{
	struct task *k = &t->task;
	if (!k->r || k->running || k->step != id || k->end_taken)
		return false;
	k->end_taken = true;
	return true;
}

bool task_recording(const struct tui *t)
{
	return t->task.running && runner_recording(t->task.r);
}

int task_fd(const struct tui *t)
{
	return t->task.running ? runner_fd(t->task.r) : -1;
}

int task_timeout(const struct tui *t, int64_t now)
{
	return t->task.running ? runner_timeout(t->task.r, now) : -1;
}

int task_handle(struct tui *t, int64_t now)
{
	struct task *k = &t->task;
	notify_reap(&t->notify_pid);
	if (!k->running)
		return RE_NONE;
	uint64_t lines = logview_lines(k->lv);
	size_t idx = k->cmd_index, part;
	runner_partial(k->r, &part);
	runner_handle(k->r, now);
	size_t part2;
	runner_partial(k->r, &part2);
	/* New lines, a new command, or a progress meter that moved ('\r' updates). */
	int re = logview_lines(k->lv) != lines || k->cmd_index != idx || part2 != part ? RE_REDRAW : RE_NONE;
	if (runner_done(k->r)) {
		const char *m;
		k->running = false;
		k->finished = now;
		k->result = runner_result(k->r, &m);
		free(k->message);
		k->message = xstrdup(m ? m : "");
		/* Tell the user at the end of a long step (DESIGN): the bell, and a
		 * desktop notification for one who walked away from the terminal.
		 * Not for a cancel: whoever cancelled (or closed the terminal) knows. */
		if (now - k->started > 10000 && k->result != RUNNER_CANCELLED && !t->quitting) {
			beep();
			if (t->notify_pid <= 0)
				t->notify_pid = notify_desktop(_(step_get(k->step)->title), k->message,
							       k->result != RUNNER_OK);
		}
		tui_note(t, k->result == RUNNER_OK ? ROLE_GOOD : ROLE_BAD, "%s: %s", _(step_get(k->step)->title),
			 k->message);
		re |= RE_REDRAW | RE_STEPS;
	}
	return re;
}
