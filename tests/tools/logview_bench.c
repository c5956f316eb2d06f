/* logview_bench: what appending and drawing cost in the build log widget.
 *
 *   logview_bench [--from LOG] [--max N] [--lines N]
 *
 * Appends lines cycled from LOG (a real build log, plain or in
 * tests/fixtures/kbuild's "ms TAB line" form; default: the fixture's clean
 * tinyconfig build) into a widget keeping --max lines (default 10000), and
 * prints for 10^4 .. --lines (default 10^7) lines appended: nanoseconds per
 * line, and the heap in use (mallinfo2) with the widget's malloc calls,
 * which stop once the scrollback has filled. Then the cost of drawing a
 * 100x30 frame following, paused in the middle, and with the errors-only
 * filter over a full scrollback that holds no error (its worst case: every
 * line is looked at). It measures, it never fails on a number. */
#include <getopt.h>
#include <locale.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "tui/curses.h"
#include "tui/logview.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* The widget's allocations, counted: malloc and realloc interposed over
 * glibc's own (not under AddressSanitizer, which interposes them itself). */
static size_t n_allocs;
#ifdef __SANITIZE_ADDRESS__
#define ALLOCS_COUNTED 0
#else
#define ALLOCS_COUNTED 1
void *__libc_malloc(size_t n);
void *__libc_realloc(void *p, size_t n);

void *malloc(size_t n)
{
	n_allocs++;
	return __libc_malloc(n);
}

void *realloc(void *p, size_t n)
{
	n_allocs++;
	return __libc_realloc(p, n);
}
#endif

struct lines {
	char **s;
	size_t *len, n;
};

static void load(struct lines *l, const char *path)
{
	char *buf = file_read(path, 1 << 26, NULL);
	if (!buf) {
		fprintf(stderr, "logview_bench: cannot read %s\n", path);
		exit(2);
	}
	size_t cap = 0;
	for (char *s = buf; *s;) {
		char *nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		char *tab = strchr(s, '\t');
		if (tab && strspn(s, "0123456789") == (size_t)(tab - s))
			s = tab + 1;
		if (l->n == cap) {
			cap = cap ? cap * 2 : 1024;
			l->s = xrealloc(l->s, cap * sizeof(*l->s));
			l->len = xrealloc(l->len, cap * sizeof(*l->len));
		}
		l->s[l->n] = s;
		l->len[l->n++] = strlen(s);
		if (!nl)
			break;
		s = nl + 1;
	}
}

static double frame_us(struct logview *lv, WINDOW *pad, int frames)
{
	double t = now_s();
	for (int i = 0; i < frames; i++)
		logview_draw(lv, pad, 0, 0, 30, 100);
	return (now_s() - t) / frames * 1e6;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "max", required_argument, NULL, 'm' },
		{ "lines", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = "tests/fixtures/kbuild/tinyconfig-thinlto.log";
	size_t max = 10000, total = 10000000;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'm': max = strtoul(optarg, NULL, 10); break;
		case 'l': total = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: logview_bench [--from LOG] [--max N] [--lines N]\n");
			return 2;
		}
	}
	setlocale(LC_CTYPE, "C.UTF-8");
	struct lines l = { 0 };
	load(&l, from);
	size_t bytes = 0;
	for (size_t i = 0; i < l.n; i++)
		bytes += l.len[i];
	printf("logview_bench: %zu lines of %s (%.1f bytes a line), scrollback %zu lines\n", l.n, from,
	       (double)bytes / (double)l.n, max);

	size_t heap0 = heap_in_use();
	struct logview *lv = logview_new(max);
	size_t done = 0, i = 0;
	for (size_t mark = 10000; mark <= total; mark *= 10) {
		size_t allocs0 = n_allocs;
		double t = now_s();
		for (; done < mark; done++) {
			logview_append(lv, l.s[i], l.len[i]);
			if (++i == l.n)
				i = 0;
		}
		double dt = now_s() - t;
		size_t step = mark == 10000 ? mark : mark - mark / 10;
		printf("  %9zu lines: %6.1f ns/line over the last %zu, heap %6.2f MiB", mark, dt / (double)step * 1e9,
		       step, (double)(heap_in_use() - heap0) / (1 << 20));
		if (ALLOCS_COUNTED)
			printf(", %zu mallocs in them", n_allocs - allocs0);
		putchar('\n');
		if (mark > total / 10)
			break;
	}

	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr = newterm("xterm", out, in);
	if (!scr) {
		fprintf(stderr, "logview_bench: no xterm terminfo\n");
		return 2;
	}
	WINDOW *pad = newpad(30, 100);
	printf("  draw 100x30, following: %.1f us a frame\n", frame_us(lv, pad, 2000));
	for (int k = 0; k < 3000; k++)
		logview_key(lv, KEY_UP);
	printf("  draw 100x30, paused 3000 lines up: %.1f us a frame\n", frame_us(lv, pad, 2000));
	logview_key(lv, 'G');
	logview_key(lv, 'w');
	logview_key(lv, 'w');
	printf("  draw 100x30, errors only, %zu lines kept: %.1f us a frame\n", max,
	       frame_us(lv, pad, 200));
	delwin(pad);
	endwin();
	delscreen(scr);
	logview_free(lv);
	return 0;
}
