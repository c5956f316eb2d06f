/* The terminal: curses mode in and out, on every exit path. Signals reach the
 * loop through a self-pipe (never drawing or allocating in a handler); fatal
 * signals restore the terminal with async-signal-safe calls only, then
 * re-raise so that core dumps still work (htop does the same). While the
 * screen is up, stderr goes to a file so that no library scribbles on it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "proc/job.h"
#include "proc/spawn.h"
#include "base/util.h"
#include "tui/state.h"
#include "tui/term.h"
#include "tui/theme.h"

#include <term.h>

static int sig_pipe[2] = { -1, -1 };
static struct termios saved_termios;
static bool have_termios, active;
static int saved_stderr = -1;
static char *stderr_path;
/* What leaving curses writes, prepared beforehand for the fatal handler. */
static char reset_seq[256];
static size_t reset_len;
static SCREEN *screen;

static const int loop_signals[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT };
static const int fatal_signals[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };

static void on_signal(int sig)
{
	int e = errno;
	unsigned char b = (unsigned char)sig;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* A full pipe already holds a wake-up. */
	}
	errno = e;
}

/* Async-signal-safe: the fatal signals' handler and the xmalloc hook call it. */
static void emergency_restore(void)
{
	if (!active)
		return;
	active = false;
	if (have_termios)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	if (reset_len && write(STDOUT_FILENO, reset_seq, reset_len) < 0) {
		/* Nothing more to try. */
	}
	if (saved_stderr >= 0)
		dup2(saved_stderr, STDERR_FILENO);
}

static void on_fatal(int sig)
{
	emergency_restore();
	signal(sig, SIG_DFL);
	/* Blocked until the handler returns, then the default action (a core dump). */
	raise(sig);
}

static void seq_add(const char *cap)
{
	char *s = tigetstr((char *)cap);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (reset_len + n < sizeof(reset_seq)) {
		memcpy(reset_seq + reset_len, s, n);
		reset_len += n;
	}
}

static void handlers_install(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(loop_signals); i++)
		sigaction(loop_signals[i], &sa, NULL);
	struct sigaction fa = { .sa_handler = on_fatal };
	sigemptyset(&fa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(fatal_signals); i++)
		sigaction(fatal_signals[i], &fa, NULL);
	/* A terminal that went away is noticed through SIGHUP and EOF, not by dying in write(). */
	signal(SIGPIPE, SIG_IGN);
}

static void handlers_reset(void)
{
	for (size_t i = 0; i < ARRAY_LEN(loop_signals); i++)
		signal(loop_signals[i], SIG_DFL);
	for (size_t i = 0; i < ARRAY_LEN(fatal_signals); i++)
		signal(fatal_signals[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

/* stderr into a file while curses owns the screen (libraries' warnings). */
static void stderr_divert(void)
{
	char *dir = paths_state_dir();
	if (mkdir_p(dir, 0700, NULL) == 0) {
		static bool truncated;
		free(stderr_path);
		stderr_path = xasprintf("%s/tui-stderr.log", dir);
		/* Each run starts the file afresh; a return from a sudo prompt appends. */
		int fd = open(stderr_path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncated ? O_APPEND : O_TRUNC), 0600);
		truncated = true;
		if (fd >= 0) {
			fflush(stderr);
			saved_stderr = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 10);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
	}
	free(dir);
}

static void stderr_back(bool report)
{
	if (saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	struct stat st;
	if (report && stderr_path && stat(stderr_path, &st) == 0 && st.st_size > 0)
		fprintf(stderr, _("kfdo: messages written while the screen was up are in %s\n"), stderr_path);
}

static bool has_cap(const char *name)
{
	const char *v = tigetstr(name);
	return v && v != (const char *)-1 && *v;
}

int term_check(char **cause)
{
	const char *term = getenv("TERM");
	int err = 0;
	/* setupterm() with &err reports instead of exiting; newterm() would take
	 * "dumb" and then draw nothing but its last row. */
	if (!term || !*term || setupterm((char *)term, STDOUT_FILENO, &err) != OK) {
		if (!term || !*term)
			cause_set(cause, _("TERM is not set"));
		else if (err < 0)
			cause_set(cause, _("TERM=%s: the terminfo database cannot be found"), term);
		else
			cause_set(cause, _("TERM=%s is a terminal type terminfo does not know, or a generic one"), term);
		return -1;
	}
	bool ok = has_cap("cup") && (has_cap("clear") || has_cap("ed")) && tigetflag("hc") <= 0 &&
		  tigetflag("gn") <= 0;
	del_curterm(cur_term);
	if (!ok) {
		cause_set(cause, _("TERM=%s cannot move the cursor or clear the screen"), term);
		return -1;
	}
	return 0;
}

int term_start(struct tui *t, char **cause)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		cause_set(cause, _("cannot make a pipe: %s"), strerror(errno));
		return -1;
	}
	have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
	/* Ours first: ncurses then leaves SIGINT, SIGTERM and SIGWINCH to us. */
	handlers_install();
	screen = newterm(NULL, stdout, stdin);
	if (!screen) {
		handlers_reset();
		const char *term = getenv("TERM");
		cause_set(cause, _("cannot use the terminal type '%s' (check TERM)"), term ? term : "");
		return -1;
	}
	active = true;
	seq_add("sgr0");
	seq_add("cnorm");
	seq_add("rmkx");
	seq_add("rmcup");
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	t->color = t->color && has_colors();
	if (t->color) {
		start_color();
		use_default_colors();
	}
	theme_init(t->color);
	stderr_divert();
	util_set_fatal_hook(emergency_restore);
	return 0;
}

void term_stop(void)
{
	if (active) {
		endwin();
		active = false;
	}
	if (screen) {
		delscreen(screen);
		screen = NULL;
	}
	stderr_back(true);
	free(stderr_path);
	stderr_path = NULL;
	handlers_reset();
	util_set_fatal_hook(NULL);
	for (int i = 0; i < 2; i++)
		if (sig_pipe[i] >= 0) {
			close(sig_pipe[i]);
			sig_pipe[i] = -1;
		}
}

int term_signal_fd(void)
{
	return sig_pipe[0];
}

uint64_t term_signals(void)
{
	uint64_t got = 0;
	unsigned char b[64];
	ssize_t n;
	while ((n = read(sig_pipe[0], b, sizeof(b))) > 0)
		for (ssize_t i = 0; i < n; i++)
			if (b[i] < 64)
				got |= 1ULL << b[i];
	return got;
}

static void wait_enter(void)
{
	/* The terminal is in its normal (cooked) mode here: a line ends the wait. */
	char buf[64];
	while (read(STDIN_FILENO, buf, sizeof(buf)) < 0 && errno == EINTR)
		;
}

int term_run_interactive(const char *const *argv, char **cause)
{
	def_prog_mode();
	endwin();
	stderr_back(false);
	char *line = job_quote_argv(argv);
	printf("\n$ %s\n", line);
	fflush(stdout);
	free(line);
	/* Ctrl-C at the prompt is for the child; kfdo waits for it either way. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	int status = -1;
	/* The terminal is handed over: stdin, stdout and stderr are the user's. */
	struct spawn_spec spec = { .argv = argv, .terminal = true, .out = SPAWN_IO_INHERIT,
				   .err = SPAWN_IO_INHERIT };
	pid_t pid;
	if (spawn(&pid, &spec, cause) == 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			printf(_("\nkfdo: the command did not succeed. Press Enter to go back to kfdo. "));
			fflush(stdout);
			wait_enter();
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	stderr_divert();
	reset_prog_mode();
	refresh();
	return pid < 0 ? -1 : status;
}
