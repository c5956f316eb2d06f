/* The full-screen wizard: the application state every screen sees, the screen
 * interface (a small table of functions per screen, like htop's
 * InfoScreenClass), reaction flags, colour roles and the drawing helpers.
 *
 * One poll() loop (app.c) owns stdin, the running step's fd, a self-pipe for
 * signals and the redraw timer. Screens draw only from their draw function;
 * their handlers return reaction flags and never draw. */
#ifndef KFDO_TUI_H
#define KFDO_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/runner.h"
#include "engine/session.h"
#include "engine/steps.h"
#include "detect/report.h"
#include "detect/toolchain.h"
#include "detect/tree.h"
#include "tui/curses.h"
#include "tui/logview.h"

/* Below this the frame does not fit: a "terminal too small" screen instead. */
#define TUI_MIN_COLS 80
#define TUI_MIN_ROWS 24
/* Redraws at most this often (~15 Hz), however fast a log floods. */
#define TUI_REDRAW_MS 66
/* Timers (elapsed, ETA) move once a second. */
#define TUI_TICK_MS 1000
/* Scrollback of a step's log in the widget (the full log is on disk). */
#define TUI_LOG_LINES 20000

/* What a handler asks of the loop. */
enum {
	RE_NONE = 0,
	RE_HANDLED = 1 << 0,	/* the key was used: stop looking for a binding */
	RE_REDRAW = 1 << 1,
	RE_NEXT = 1 << 2,	/* go to the next step */
	RE_PREV = 1 << 3,
	RE_QUIT = 1 << 4,	/* quit (asks first when a step runs) */
	RE_STEPS = 1 << 5,	/* step states changed: recompute the sidebar */
};

/* Keys: function keys are curses' KEY_* codes; characters below KEY_MIN are
 * themselves; wider characters are offset so they never collide with KEY_*. */
#define TUI_WCHAR_BASE 0x1000000
#define TUI_CTRL(c) ((c) & 0x1f)
static inline bool tui_key_is_char(int key)
{
	return (key >= 32 && key < KEY_MIN && key != 127) || key >= TUI_WCHAR_BASE;
}
static inline int tui_key_char(int key)
{
	return key >= TUI_WCHAR_BASE ? key - TUI_WCHAR_BASE : key;
}

/* Colour roles; each has a colour style and a mono one (theme.c). */
enum role {
	ROLE_NORMAL, ROLE_TITLE, ROLE_CURRENT, ROLE_DONE, ROLE_FAILED, ROLE_LOCKED, ROLE_RUNNING,
	ROLE_OK, ROLE_WARN, ROLE_FAIL, ROLE_SKIP, ROLE_KEY, ROLE_SELECTED, ROLE_DIM, ROLE_HEADING,
	ROLE_COMMAND, ROLE_BAR, ROLE_DIALOG, ROLE_GOOD, ROLE_BAD, ROLE_INPUT, ROLE_BORDER,
	ROLE_COUNT
};

/* How a step shows in the sidebar. */
enum side_state { SIDE_PENDING, SIDE_DONE, SIDE_FAILED, SIDE_LOCKED, SIDE_RUNNING };

struct rect {
	int y, x, h, w;
};

/* A key shown in the key bar: "F5" "Run". */
struct keyhint {
	const char *key;
	const char *label;	/* N_() */
};

/* The step running through engine/runner, and what the screens show of it. */
struct task {
	enum step_id step;
	struct runner *r;	/* kept after it is done, for its counts */
	struct logview *lv;
	bool running;
	bool cancel_asked;
	enum runner_result result;
	char *message;		/* the runner's outcome line */
	char *command;		/* display line of the command running */
	size_t cmd_index, cmd_count;
	char *log_path;
	int64_t started, finished;
};

struct tui;

struct screen_ops {
	void (*enter)(struct tui *t);
	void (*leave)(struct tui *t);
	void (*draw)(struct tui *t, struct rect area);
	int (*on_key)(struct tui *t, int key);
	/* Once a second, and after the running step did something. */
	int (*on_tick)(struct tui *t, int64_t now);
	int (*on_resize)(struct tui *t);
	/* The screen's keys for the key bar (NULL-terminated), may be NULL. */
	const struct keyhint *(*hints)(struct tui *t);
};

/* A yes/no question over the screen. */
struct dialog {
	bool open;
	bool default_yes;	/* what Enter answers */
	char *title, *text;
	/* Called with the answer; returns reaction flags. */
	int (*answer)(struct tui *t, bool yes);
};

struct tui {
	struct session *s;
	bool color, utf8;
	enum step_id cur;
	const struct screen_ops *scr;
	enum side_state side[STEP_COUNT];
	char *why[STEP_COUNT];	/* the sidebar state's reason (pre/postcondition) */

	/* What the machine checks found, shared by the title, the screens and configure. */
	struct detect_opts hw_opts;	/* --sysroot, --cpuid-dump, --pmu (tests hand fixtures) */
	bool hw_done;
	struct detect_report hw;
	bool tc_done;
	struct toolchain tc;
	bool tree_done;
	int tree_rc;
	struct kernel_tree tree;
	char *tree_cause;

	struct task task;
	pid_t notify_pid;	/* the desktop notification still running, or <= 0 */
	struct dialog dialog;
	bool help_open;
	int help_scroll;
	int plan_scroll;	/* first row of the plan shown, when it does not fit */
	int plan_page;		/* rows of the plan the last draw showed: PgDn's step */
	char *note;		/* one line above the key bar */
	enum role note_role;
	/* Why the last save failed, NULL once one succeeds: quitting must not
	 * then say "the session is saved". */
	char *save_error;

	/* The text cursor the drawn screen wants (an input field), -1: hidden. */
	int cursor_y, cursor_x;
	bool quit, quitting;
	int exit_code;
};

/* ---- app.c ---- */
void tui_note(struct tui *t, enum role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tui_ask(struct tui *t, const char *title, const char *text, bool default_yes,
	     int (*answer)(struct tui *, bool));
/* Recomputes the sidebar from the session (cheap checks of files). */
void tui_refresh_steps(struct tui *t);
/* The machine checks, run once and again when asked (after a fix). */
void tui_detect_hardware(struct tui *t);
void tui_detect_toolchain(struct tui *t);
/* Inspects the session's tree when it changed (or force). */
void tui_inspect_tree(struct tui *t, bool force);
/* Saves the session; a failure becomes the note. */
void tui_save(struct tui *t);
/* Where a session resumes: the first step not done (a hardware check that
 * said "unsupported" does not hold the flow up). */
enum step_id tui_resume_step(const struct session *s);
/* Runs the wizard on the session until the user quits (terminal already up). */
void tui_run_session(struct tui *t);
/* `kfdo` and `kfdo tui [OPTIONS]` (wizard.c). */
int tui_main(int argc, char **argv);

/* ---- task.c ---- */
/* Starts a step through the runner (asks sudo for its password first when a
 * command needs root). 0, or -1 with the reason in the note. */
int task_start(struct tui *t, enum step_id id);
bool task_running(const struct tui *t);
/* The task's log widget when it belongs to this step, else NULL. */
struct logview *task_log(struct tui *t, enum step_id id);
void task_cancel(struct tui *t);
/* Ends the profile step's recording cleanly (perf writes perf.data; the step
 * succeeds when it is valid). False when nothing records yet. */
bool task_stop(struct tui *t);
/* perf record runs (a stop applies). */
bool task_recording(const struct tui *t);
/* A key for a log widget, a wide character as its UTF-8 bytes. */
bool tui_log_key(struct logview *lv, int key);
int task_fd(const struct tui *t);
int task_timeout(const struct tui *t, int64_t now);
/* Moves the task along; returns reaction flags (redraw, steps changed). */
int task_handle(struct tui *t, int64_t now);
void task_free(struct task *k);

/* ---- notify.c ---- */
/* A desktop notification through notify-send, when there is a graphical
 * session and notify-send is installed: its pid, or -1 (nothing shown). */
pid_t notify_desktop(const char *summary, const char *body, bool failed);
/* Reaps the notification once it ended (*pid becomes -1); never waits. */
void notify_reap(pid_t *pid);

/* ---- bg.c: a check that takes seconds, in a child process ---- */
struct bg;
/* Runs fn(arg) in a child; the text it returns comes back through a pipe.
 * NULL when no child can be started. */
struct bg *bg_start(char *(*fn)(void *arg), void *arg);
/* Non-blocking: true once the child is done, with its text in *out
 * (malloc'd; NULL when it gave none, e.g. it died). */
bool bg_poll(struct bg *b, char **out);
/* Kills a child still at work and reaps it. */
void bg_free(struct bg *b);

/* ---- theme.c ---- */
void theme_init(bool color);
attr_t theme_attr(enum role role);

/* ---- text.c: UTF-8 text measured in display columns ---- */
int text_width(const char *s);
/* Draws s at (y, x) in at most maxw columns, never cutting a character;
 * with ellipsis, a cut text ends in "…" (or "~"). Returns the columns used. */
int text_put(int y, int x, const char *s, int maxw, enum role role, bool ellipsis);
int text_putn(int y, int x, const char *s, size_t len, int maxw, enum role role);
/* Fills w columns at (y, x) with spaces in role's style. */
void text_fill(int y, int x, int w, enum role role);
/* Word-wraps s (newlines kept) to width columns: malloc'd lines, count in *n. */
char **text_wrap(const char *s, int width, size_t *n);
/* Draws s wrapped to r.w in at most r.h rows; when the text goes on, the last
 * row holds the rest of it, cut with "…". Returns the rows drawn. */
int text_para(struct rect r, const char *s, enum role role);
/* How many rows s takes wrapped to width columns. */
int text_para_rows(const char *s, int width);
void text_free_lines(char **lines, size_t n);
/* The glyph for a state, UTF-8 or ASCII. */
const char *text_glyph(const struct tui *t, const char *utf8, const char *ascii);

/* ---- draw.c: shared pieces of screens ---- */
void draw_box(struct rect r, enum role role);
void draw_hline(int y, int x, int w, enum role role);
/* A progress bar; fraction < 0 draws an indeterminate one moving with phase. */
void draw_bar(const struct tui *t, int y, int x, int w, double fraction, unsigned phase);
/* A step's plan as numbered command lines under a heading, scrolled by
 * t->plan_scroll when it does not fit; returns rows used. */
int draw_plan(struct tui *t, struct rect r, enum step_id id);
/* "Not in this version yet:" box for what kfdo really lacks; returns rows used. */
int draw_not_yet(struct rect r, const char *text);
/* The step's title alone; returns rows used. */
int draw_step_title(struct tui *t, struct rect r);
/* Step title and its state line at the top of a screen; returns rows used. */
int draw_step_header(struct tui *t, struct rect r);
/* The task's command, log path and outcome above its log; returns rows used. */
int draw_task_status(struct tui *t, struct rect r);

/* The screens (scr_*.c), by step. */
extern const struct screen_ops screen_hardware, screen_toolchain, screen_source, screen_configure,
	screen_build, screen_install, screen_reboot, screen_profile, screen_convert, screen_finish;

/* ---- term.c ---- */
/* Puts the terminal into curses mode with the handlers that restore it on every exit path. */
/* Whether the terminal TERM names can draw the wizard: terminfo knows it and
 * it can move the cursor and clear (dumb cannot). 0, or -1 with a cause. */
int term_check(char **cause);
int term_start(struct tui *t, char **cause);
void term_stop(void);
int term_signal_fd(void);
/* Reads the self-pipe: the signals that came (bit per signal number < 64). */
uint64_t term_signals(void);
/* Runs argv on the real terminal with curses suspended (a sudo password
 * prompt). Returns the wait status, or -1 with cause when it cannot start. */
int term_run_interactive(const char *const *argv, char **cause);

/* ---- frame.c: title, sidebar, key bar, dialog, too-small ---- */
void frame_draw(struct tui *t);
bool frame_too_small(void);
/* The global keys, for the key bar and the help screen. */
struct binding {
	int key;
	const char *name;	/* "F1", "?" */
	const char *label;	/* N_(); NULL: not in the key bar */
	int (*action)(struct tui *t);
};
extern const struct binding tui_bindings[];
extern const size_t tui_n_bindings;

/* ---- help.c ---- */
void help_draw(struct tui *t, struct rect r);
int help_key(struct tui *t, int key);

#endif
