/* The wizard's event loop: one poll() over stdin, the running step's output,
 * the signal self-pipe and the redraw timer (redis's ae.c is the model for
 * size); the screen of each step, and the machine checks. Keys go to the open
 * dialog or help, then to the screen, then to the global bindings (help.c).
 * Redraws only when something changed, at most every REDRAW_MS, with a 1 Hz
 * tick for timers. A redraw reads nothing: the screen scans on entering,
 * after its keys and when the steps change (screen.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "proc/job.h"
#include "engine/machine.h"
#include "engine/unattended.h"
#include "engine/recover.h"
#include "engine/runner.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/frame.h"
#include "tui/help.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/state.h"
#include "tui/task.h"
#include "tui/term.h"

/* Redraws at most this often (~15 Hz), however fast a log floods. */
#define REDRAW_MS 66
/* Timers (elapsed, ETA) move once a second. */
#define TICK_MS 1000
/* Quitting waits this long for a cancelled step to end; job_free then kills what is left. */
#define QUIT_GRACE_MS 6000

static WINDOW *keywin;	/* keys are read here: wgetch on stdscr would refresh it behind our back */

/* The two checks run as steps through the runner, as kfdo run runs them: the
 * verdict, the event picked for the recording and the words are the engine's,
 * and the reading the screens show is the one the step judged (engine/machine.c). */
static void run_check(struct tui *t, enum step_id id)
{
	char *cause = NULL;
	runner_run(t->s, id, NULL, &cause);
	free(cause);
	tui_save(t);
}

void tui_detect_hardware(struct tui *t)
{
	run_check(t, STEP_HARDWARE);
	t->hw = machine_hardware(t->s, false);
}

void tui_detect_toolchain(struct tui *t)
{
	run_check(t, STEP_TOOLCHAIN);
	t->tc = machine_toolchain(t->s, false, NULL);
}

/* ---- switching screens ---- */

static const struct screen_ops *screen_of(enum step_id id)
{
	static const struct screen_ops *const by_step[STEP_COUNT] = {
		[STEP_HARDWARE] = &screen_hardware, [STEP_TOOLCHAIN] = &screen_toolchain,
		[STEP_SOURCE] = &screen_source, [STEP_CONFIGURE] = &screen_configure,
		[STEP_BUILD] = &screen_build, [STEP_INSTALL] = &screen_install,
		[STEP_REBOOT] = &screen_reboot, [STEP_PROFILE] = &screen_profile,
		[STEP_CONVERT] = &screen_convert, [STEP_FINAL_BUILD] = &screen_build,
		[STEP_FINISH] = &screen_finish, [STEP_BASELINE] = &screen_baseline,
		[STEP_COMPARE] = &screen_compare,
	};
	return by_step[id];
}

/* What the screen draws, read again: the step's plan, then the screen's own view. */
static void scan(struct tui *t)
{
	draw_plan_scan(t);
	if (t->scr->scan)
		t->scr->scan(t);
}

static void screen_leave(struct tui *t)
{
	if (!t->scr)
		return;
	if (t->scr->leave)
		t->scr->leave(t);
	free(t->view);
	t->view = NULL;
}

static void go_to(struct tui *t, enum step_id id)
{
	screen_leave(t);
	t->cur = id;
	t->scr = screen_of(id);
	t->view = t->scr->view_size ? xcalloc(1, t->scr->view_size) : NULL;
	t->help_scroll = 0;
	t->plan_scroll = 0;
	free(t->note);
	t->note = NULL;
	if (t->scr->enter)
		t->scr->enter(t);
	/* After enter: a screen may have just run its checks. */
	tui_refresh_steps(t);
	scan(t);
}

/* ---- quitting ---- */

static int answer_quit(struct tui *t, bool yes)
{
	if (!yes)
		return RE_REDRAW;
	t->quitting = true;
	task_cancel(t);
	tui_note(t, ROLE_RUNNING, _("Cancelling the %s step, then quitting..."), step_name(t->task.step));
	return RE_REDRAW;
}

static int act_quit(struct tui *t)
{
	if (!task_running(t)) {
		t->quit = true;
		return RE_NONE;
	}
	if (t->quitting) {
		task_cancel(t);	/* asked again: hurry */
		return RE_REDRAW;
	}
	char *text = xasprintf(_("The %s step is running. Quit kfdo and cancel it? Everything it started is "
				 "stopped; the session remembers the step as cancelled."),
			       _(step_get(t->task.step)->title));
	tui_ask(t, _("Quit kfdo?"), text, false, answer_quit);
	free(text);
	return RE_REDRAW;
}

/* ---- input ---- */

static int dialog_key(struct tui *t, int key)
{
	struct dialog *d = &t->dialog;
	bool yes;
	if (key == 'y' || key == 'Y')
		yes = true;
	else if (key == 'n' || key == 'N' || key == 27 || key == 'q')
		yes = false;
	else if (key == '\r' || key == '\n' || key == KEY_ENTER)
		yes = d->default_yes;
	else
		return RE_NONE;
	d->open = false;
	/* An answer runs a fix or a step: what the screen shows may have changed. */
	return d->answer(t, yes) | RE_REDRAW | RE_SCAN;
}

static int dispatch(struct tui *t, int key)
{
	if (key == KEY_RESIZE)
		return (t->scr->on_resize ? t->scr->on_resize(t) : 0) | RE_REDRAW;
	if (frame_too_small()) {
		/* Only quitting makes sense until the window grows. */
		if (key == 'q' || key == KEY_F(10))
			return act_quit(t);
		return RE_NONE;
	}
	if (t->dialog.open)
		return dialog_key(t, key);
	if (t->help_open)
		return help_key(t, key);
	int re = t->scr->on_key ? t->scr->on_key(t, key) : 0;
	/* A key the screen took may have changed what it shows (a field, a
	 * toggle, the session): it scans again. The global keys only move,
	 * scroll or redraw. */
	if (re)
		re |= RE_SCAN;
	if (re & RE_HANDLED)
		return re;
	for (size_t i = 0; i < help_n_bindings; i++)
		if (help_bindings[i].key == key)
			return re | help_bindings[i].action(t);
	return re;
}

static int read_key(int *key)
{
	wint_t wc;
	int rc = wget_wch(keywin, &wc);
	if (rc == ERR)
		return ERR;
	if (rc == KEY_CODE_YES)
		*key = (int)wc;
	else if (wc == '\n' || wc == '\r')
		*key = '\r';
	else if (wc == 127 || wc == 8)
		*key = KEY_BACKSPACE;
	else
		*key = wc < KEY_MIN ? (int)wc : (int)wc + TUI_WCHAR_BASE;
	return OK;
}

static void apply(struct tui *t, int re, bool *dirty)
{
	if (re & RE_STEPS)
		tui_refresh_steps(t);
	if ((re & RE_NEXT) && t->cur + 1 < STEP_COUNT)
		go_to(t, t->cur + 1);
	else if ((re & RE_PREV) && t->cur > 0)
		go_to(t, t->cur - 1);
	else if (re & (RE_STEPS | RE_SCAN))
		scan(t);
	if (re & RE_QUIT)
		act_quit(t);
	if (re & (RE_REDRAW | RE_STEPS | RE_SCAN | RE_NEXT | RE_PREV | RE_HANDLED | RE_QUIT))
		*dirty = true;
}

static void on_resize(struct tui *t)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	/* The terminal reflowed or cut what was on it: repaint all of it. */
	clearok(curscr, TRUE);
	if (t->scr->on_resize)
		t->scr->on_resize(t);
}

static void draw(struct tui *t)
{
	erase();
	t->cursor_y = t->cursor_x = -1;
	frame_draw(t);
	if (t->cursor_y >= 0) {
		move(t->cursor_y, t->cursor_x);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void handle_signals(struct tui *t, bool *dirty)
{
	uint64_t sig = term_signals();
	if (sig & (1ULL << SIGWINCH)) {
		on_resize(t);
		*dirty = true;
	}
	if (sig & ((1ULL << SIGTERM) | (1ULL << SIGHUP))) {
		t->exit_code = sig & (1ULL << SIGTERM) ? 128 + SIGTERM : 128 + SIGHUP;
		/* Asked from outside: no question, cancel at once and harder. */
		t->quitting = true;
		task_cancel(t);
		task_cancel(t);
		if (!task_running(t))
			t->quit = true;
	}
	if (sig & ((1ULL << SIGINT) | (1ULL << SIGQUIT))) {
		apply(t, act_quit(t), dirty);
		*dirty = true;
	}
}

static void loop(struct tui *t)
{
	bool dirty = true;
	int64_t last_draw = 0, next_tick = job_now() + TICK_MS, quit_deadline = 0;
	while (!t->quit) {
		int64_t now = job_now();
		if (dirty && now - last_draw >= REDRAW_MS) {
			draw(t);
			last_draw = now;
			dirty = false;
		}
		int64_t wait = next_tick - now;
		if (dirty && last_draw + REDRAW_MS - now < wait)
			wait = last_draw + REDRAW_MS - now;
		int tt = task_timeout(t, now);
		if (tt >= 0 && tt < wait)
			wait = tt;
		if (wait < 0)
			wait = 0;
		struct pollfd pfd[3] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = term_signal_fd(), .events = POLLIN },
			{ .fd = task_fd(t), .events = POLLIN },
		};
		int n = poll(pfd, pfd[2].fd >= 0 ? 3 : 2, (int)wait);
		if (n < 0 && errno != EINTR)
			break;
		now = job_now();
		handle_signals(t, &dirty);
		/* The terminal went away (hangup without a signal): nothing left to show. */
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			t->quitting = true;
			task_cancel(t);
			task_cancel(t);
		}
		int key;
		while (read_key(&key) == OK)
			apply(t, dispatch(t, key), &dirty);
		int tre = task_handle(t, now);
		apply(t, tre, &dirty);
		/* The step ended: the screen hears of it now, not at the next tick. */
		if ((tre & RE_STEPS) && t->scr->on_tick)
			apply(t, t->scr->on_tick(t, now), &dirty);
		if (now >= next_tick) {
			next_tick = now + TICK_MS;
			if (t->scr->on_tick)
				apply(t, t->scr->on_tick(t, now), &dirty);
		}
		if (t->quitting) {
			if (!quit_deadline)
				quit_deadline = now + QUIT_GRACE_MS;
			if (!task_running(t) || now >= quit_deadline)
				t->quit = true;
		}
	}
}

/* ---- start and end ---- */

/* A step that was running when kfdo last stopped did not finish: what is left
 * of its job is stopped and the step can run again (engine/recover, as kfdo run
 * does); the reboot is done once the running kernel is the built one (the
 * engine's check: release and build-id). Returns true when that reboot was
 * just noticed. */
static bool session_catch_up(struct tui *t)
{
	struct session *s = t->s;
	bool changed = false;
	struct orphan o;
	/* The session lock is ours: a kfdo still alive on a step would hold it. */
	for (int i = 0; i < STEP_COUNT && recover_find(s, &o) && !o.owner_alive; i++) {
		int left = o.left > 0 ? recover_stop(s, &o, 2000) : 0;
		recover_settle(s, &o);
		if (left)
			tui_note(t, ROLE_WARN, _("The last run was killed during the %s step; the %d processes "
						 "left of its job were stopped, and the step can run again."),
				 step_name(o.step), left);
		else
			tui_note(t, ROLE_WARN, _("The last run was killed during the %s step; it can run again."),
				 step_name(o.step));
		changed = true;
	}
	char *why = NULL;
	bool back = false;
	if (s->steps[STEP_REBOOT].status != STATUS_DONE && step_get(STEP_REBOOT)->postcondition(s, &why)) {
		session_step_set(s, STEP_REBOOT, STATUS_DONE, why);
		tui_note(t, ROLE_GOOD, _("Welcome back: %s. On to recording a profile."), why);
		changed = back = true;
	}
	free(why);
	/* What kfdo continue did after the reboot, once: kfdo status keeps it. */
	bool unseen = false;
	char **away = away_read(&unseen);
	if (away && unseen) {
		struct strbuf sb = { 0 };
		for (size_t i = 1; away[i]; i++)
			sb_addf(&sb, "%s%s", i > 1 ? "; " : "", away[i]);
		tui_note(t, ROLE_GOOD, _("While you were away: %s"), sb.s ? sb.s : away[0]);
		sb_free(&sb);
		away_mark_seen();
	}
	strv_free(away);
	if (changed)
		tui_save(t);
	return back;
}

void tui_run_session(struct tui *t)
{
	keywin = newwin(1, 1, 0, 0);
	keypad(keywin, TRUE);
	nodelay(keywin, TRUE);
	bool back = session_catch_up(t);
	/* Where to resume is decided before this run's checks: a new session starts at the
	 * hardware, and so does a run given other hardware to check (--sysroot...), unless
	 * that machine is the rebooted one the session waited for. */
	const struct detect_opts *o = &t->hw_opts;
	bool other_hw = (o->sysroot && strcmp(o->sysroot, "/") != 0) || o->cpuid_dump || o->pmu;
	enum step_id start = other_hw && !back ? STEP_HARDWARE : tui_resume_step(t->s);
	tui_detect_hardware(t);
	tui_inspect_tree(t, true);
	char *keep = t->note;
	t->note = NULL;
	go_to(t, start);
	if (keep) {
		free(t->note);
		t->note = keep;
		t->note_role = ROLE_GOOD;
	}
	loop(t);
	screen_leave(t);
	t->scr = NULL;
	draw_plan_free(t);
	/* Whatever still runs (a quit deadline passed) is killed with its group here. */
	task_free(&t->task);
	delwin(keywin);
	keywin = NULL;
}
