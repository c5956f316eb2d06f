/* logview_demo: the build log widget alone in a curses screen, for the TUI
 * tests (tests/tui/test_logview.sh drives it in tmux) and for a look by hand.
 *
 *   logview_demo [--max N] [--color] [--margin N] [--stats FILE] [--trace FILE] [LOG|-]
 *
 * It reads lines from LOG (a file or a FIFO; "-" or nothing: standard input,
 * the keyboard then comes from /dev/tty) in one poll() loop with the
 * keyboard, like the wizard: reading never draws, the screen is redrawn at
 * most every 50 ms while lines flow and at once after a key.
 *
 * Row 0 is the demo's own header: lines, warnings, errors, make's "***"
 * lines, and "reading" or "EOF". The widget fills the rows below, inset by
 * --margin columns on each side (painted '.', so a test sees that the widget
 * stays inside its rectangle). --color gives the widget colour pairs instead
 * of the mono attributes. q quits (unless the search prompt is open).
 *
 * --stats FILE   at EOF and at exit: "lines N", "warnings N", "errors N",
 *                "make_errors N", "seconds S" (from start to EOF)
 * --trace FILE   a line per key: "key CODE lines N" (lines appended when the
 *                key was answered), so a test can tell that a key pressed
 *                during a flood was answered during it.
 *
 * It is a test program: never installed. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "tui/curses.h"
#include "tui/logview.h"

#define REDRAW_MS 50
#define READ_CHUNK (64 * 1024)
/* Bytes read per turn of the loop: the keyboard is looked at in between. */
#define READ_TURN (1024 * 1024)
#define LINE_MAX_BYTES (1024 * 1024)

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct demo {
	struct logview *lv;
	int fd;			/* the log, -1 after EOF */
	char *pending;		/* a partial line */
	size_t pending_len, pending_cap;
	int margin;
	const char *stats, *trace;
	FILE *trace_f;
	int64_t t0, t_eof;
};

static void write_stats(const struct demo *d)
{
	if (!d->stats)
		return;
	FILE *f = fopen(d->stats, "w");
	if (!f)
		return;
	fprintf(f, "lines %zu\nwarnings %zu\nerrors %zu\nmake_errors %zu\n", logview_lines(d->lv),
		logview_warnings(d->lv), logview_errors(d->lv), logview_make_errors(d->lv));
	if (d->fd < 0)
		fprintf(f, "seconds %.3f\n", (double)(d->t_eof - d->t0) / 1000.0);
	const char *e = logview_first_error(d->lv);
	if (e)
		fprintf(f, "first_error %s\n", e);
	fclose(f);
}

static void pending_add(struct demo *d, const char *s, size_t n)
{
	if (d->pending_len + n > d->pending_cap) {
		d->pending_cap = (d->pending_len + n) * 2;
		d->pending = xrealloc(d->pending, d->pending_cap);
	}
	memcpy(d->pending + d->pending_len, s, n);
	d->pending_len += n;
}

/* Appends the complete lines of buf, keeping the partial tail for later. */
static void feed(struct demo *d, const char *buf, size_t n)
{
	const char *end = buf + n;
	while (buf < end) {
		const char *nl = memchr(buf, '\n', (size_t)(end - buf));
		if (!nl) {
			pending_add(d, buf, (size_t)(end - buf));
			if (d->pending_len >= LINE_MAX_BYTES) {
				logview_append(d->lv, d->pending, d->pending_len);
				d->pending_len = 0;
			}
			return;
		}
		if (d->pending_len) {
			pending_add(d, buf, (size_t)(nl - buf));
			logview_append(d->lv, d->pending, d->pending_len);
			d->pending_len = 0;
		} else {
			logview_append(d->lv, buf, (size_t)(nl - buf));
		}
		buf = nl + 1;
	}
}

/* Reads what is there, up to READ_TURN bytes; false at EOF. */
static bool read_some(struct demo *d)
{
	static char buf[READ_CHUNK];
	for (size_t got = 0; got < READ_TURN;) {
		ssize_t n = read(d->fd, buf, sizeof(buf));
		if (n > 0) {
			feed(d, buf, (size_t)n);
			got += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		if (d->pending_len) {
			logview_append(d->lv, d->pending, d->pending_len);
			d->pending_len = 0;
		}
		return false;
	}
	return true;
}

static void draw(struct demo *d)
{
	int h = LINES, w = COLS;
	erase();
	attrset(A_BOLD);
	mvprintw(0, 0, "logview_demo | lines %zu | warnings %zu | errors %zu | make *** %zu | %s",
		 logview_lines(d->lv), logview_warnings(d->lv), logview_errors(d->lv), logview_make_errors(d->lv),
		 d->fd < 0 ? "EOF" : "reading");
	attrset(A_NORMAL);
	for (int y = 1; y < h && d->margin > 0; y++) {
		mvhline(y, 0, '.', d->margin);
		mvhline(y, w - d->margin, '.', d->margin);
	}
	int lw = w - 2 * d->margin;
	if (h > 1 && lw > 0)
		logview_draw(d->lv, stdscr, 1, d->margin, h - 1, lw);
	wnoutrefresh(stdscr);
	doupdate();
}

static void set_colours(struct logview *lv)
{
	start_color();
	use_default_colors();
	init_pair(1, COLOR_CYAN, -1);
	init_pair(2, COLOR_YELLOW, -1);
	init_pair(3, COLOR_RED, -1);
	init_pair(4, COLOR_WHITE, COLOR_RED);
	init_pair(5, COLOR_BLACK, COLOR_YELLOW);
	init_pair(6, COLOR_BLACK, COLOR_WHITE);
	struct logview_attrs a = {
		.plain = A_NORMAL,
		.command = COLOR_PAIR(1),
		.warning = COLOR_PAIR(2) | A_BOLD,
		.error = COLOR_PAIR(3) | A_BOLD,
		.first_error = COLOR_PAIR(4) | A_BOLD,
		.match = COLOR_PAIR(5),
		.status = COLOR_PAIR(6),
	};
	logview_set_attrs(lv, &a);
}

static void usage(void)
{
	fprintf(stderr, "usage: logview_demo [--max N] [--color] [--margin N] [--stats FILE] [--trace FILE] [LOG|-]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max", required_argument, NULL, 'm' },
		{ "color", no_argument, NULL, 'c' },
		{ "margin", required_argument, NULL, 'M' },
		{ "stats", required_argument, NULL, 's' },
		{ "trace", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct demo d = { .margin = 0 };
	size_t max = 5000;
	bool colour = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': max = strtoul(optarg, NULL, 10); break;
		case 'c': colour = true; break;
		case 'M': d.margin = atoi(optarg); break;
		case 's': d.stats = optarg; break;
		case 't': d.trace = optarg; break;
		default: usage();
		}
	}
	if (argc - optind > 1)
		usage();
	const char *path = optind < argc ? argv[optind] : "-";
	setlocale(LC_CTYPE, "");

	FILE *tty_in = stdin;
	if (strcmp(path, "-") == 0) {
		d.fd = dup(STDIN_FILENO);
		/* The log takes standard input: keys come from the terminal. */
		tty_in = fopen("/dev/tty", "r");
		if (!tty_in) {
			perror("logview_demo: /dev/tty");
			return 2;
		}
	} else {
		d.fd = open(path, O_RDONLY);
	}
	if (d.fd < 0) {
		fprintf(stderr, "logview_demo: %s: %s\n", path, strerror(errno));
		return 2;
	}
	fcntl(d.fd, F_SETFL, fcntl(d.fd, F_GETFL) | O_NONBLOCK);
	if (d.trace && !(d.trace_f = fopen(d.trace, "w"))) {
		fprintf(stderr, "logview_demo: %s: %s\n", d.trace, strerror(errno));
		return 2;
	}

	SCREEN *scr = newterm(NULL, stdout, tty_in);
	if (!scr) {
		fprintf(stderr, "logview_demo: no terminal\n");
		return 2;
	}
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	d.lv = logview_new(max);
	if (colour && has_colors())
		set_colours(d.lv);

	d.t0 = now_ms();
	int64_t last_draw = 0;
	bool dirty = true, quit = false;
	int tty_fd = fileno(tty_in);
	while (!quit) {
		int64_t now = now_ms();
		if (dirty && now - last_draw >= REDRAW_MS) {
			draw(&d);
			last_draw = now;
			dirty = false;
		}
		struct pollfd p[2] = { { tty_fd, POLLIN, 0 }, { d.fd, POLLIN, 0 } };
		int timeout = dirty ? (int)(REDRAW_MS - (now - last_draw)) : 1000;
		if (poll(p, d.fd >= 0 ? 2 : 1, timeout < 0 ? 0 : timeout) < 0 && errno != EINTR)
			break;
		/* Keys first: a flood must not delay them. After EINTR too: a
		 * resize arrives as KEY_RESIZE. */
		int key;
		bool keyed = false;
		while ((key = getch()) != ERR) {
			keyed = true;
			if (!logview_prompting(d.lv) && (key == 'q' || key == 'Q')) {
				quit = true;
				break;
			}
			logview_key(d.lv, key);
			if (d.trace_f) {
				fprintf(d.trace_f, "key %d lines %zu\n", key, logview_lines(d.lv));
				fflush(d.trace_f);
			}
		}
		if (d.fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (!read_some(&d)) {
				close(d.fd);
				d.fd = -1;
				d.t_eof = now_ms();
				write_stats(&d);
			}
			dirty = true;
		}
		if (keyed) {
			draw(&d);
			last_draw = now_ms();
			dirty = false;
		}
	}
	endwin();
	delscreen(scr);
	write_stats(&d);
	logview_free(d.lv);
	free(d.pending);
	if (d.trace_f)
		fclose(d.trace_f);
	return 0;
}
