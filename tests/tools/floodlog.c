/* floodlog: writes a kbuild log to stdout, for the tests and benchmarks that
 * need more output than a real build gives (the TUI under a flood, the job
 * runner's throughput) or a real build's pacing without a compiler.
 *
 *   floodlog [--from LOG] [--lines N | --bytes N] [--rate LPS] [--replay [--speed X]] [--fail]
 *
 * --from LOG   the lines to cycle through: a real build log, either plain or in
 *              tests/fixtures/kbuild's "milliseconds TAB line" form; without it,
 *              a built-in mix of kbuild lines with a warning now and then
 * --lines N    stop after N lines (default: one pass of LOG, or 1000)
 * --bytes N    stop once N bytes are written (K, M, G suffixes)
 * --rate LPS   at most LPS lines a second (default: as fast as the pipe takes)
 * --replay     keep LOG's own timing (needs the timestamps); --speed X runs it
 *              X times faster
 * --fail       end like a failed build: a compiler error, make's "***" lines,
 *              exit status 2
 *
 * It is a test program: it never runs anything and is never installed. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

struct line {
	long ms;	/* -1: no timestamp */
	char *text;
	size_t len;
};

static const char *const builtin[] = {
	"  CC      kernel/sched/core.o",
	"  CC      kernel/fork.o",
	"  CC      mm/page_alloc.o",
	"  AR      kernel/built-in.a",
	"  CC      fs/namei.o",
	"  AS      arch/x86/entry/entry_64.o",
	"  CC      lib/string.o",
	"  LD      vmlinux.o",
	"kernel/panic.c:42:6: warning: unused variable 'kfdo_flood' [-Wunused-variable]",
	"  CC      drivers/base/core.o",
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int64_t ms)
{
	if (ms <= 0)
		return;
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	switch (*end) {
	case 'G': case 'g': v <<= 30; break;
	case 'M': case 'm': v <<= 20; break;
	case 'K': case 'k': v <<= 10; break;
	case 0: break;
	default:
		fprintf(stderr, "floodlog: bad size '%s'\n", s);
		exit(2);
	}
	return v;
}

static struct line *read_log(const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "floodlog: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	struct line *v = NULL;
	size_t cap = 0;
	*n = 0;
	char *buf = NULL;
	size_t bcap = 0;
	ssize_t len;
	while ((len = getline(&buf, &bcap, f)) >= 0) {
		if (len && buf[len - 1] == '\n')
			buf[--len] = 0;
		char *text = buf, *tab = strchr(buf, '\t');
		long ms = -1;
		if (tab && tab > buf && strspn(buf, "0123456789") == (size_t)(tab - buf)) {
			ms = strtol(buf, NULL, 10);
			text = tab + 1;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[*n] = (struct line){ ms, xstrdup(text), strlen(text) };
		(*n)++;
	}
	free(buf);
	fclose(f);
	if (!*n) {
		fprintf(stderr, "floodlog: %s is empty\n", path);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "lines", required_argument, NULL, 'l' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'r' },
		{ "replay", no_argument, NULL, 'R' },
		{ "speed", required_argument, NULL, 's' },
		{ "fail", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL;
	unsigned long long max_lines = 0, max_bytes = 0;
	double rate = 0, speed = 1;
	bool replay = false, fail = false;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': from = optarg; break;
		case 'l': max_lines = parse_size(optarg); break;
		case 'b': max_bytes = parse_size(optarg); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 'R': replay = true; break;
		case 's': speed = strtod(optarg, NULL); break;
		case 'F': fail = true; break;
		default:
			fprintf(stderr, "usage: floodlog [--from LOG] [--lines N | --bytes N] [--rate LPS] "
					"[--replay [--speed X]] [--fail]\n");
			return 2;
		}
	}
	if (speed <= 0)
		speed = 1;
	/* A reader that goes away ends the flood quietly (the TUI quit). */
	signal(SIGPIPE, SIG_DFL);

	size_t n;
	struct line *lines;
	if (from) {
		lines = read_log(from, &n);
	} else {
		n = ARRAY_LEN(builtin);
		lines = xcalloc(n, sizeof(*lines));
		for (size_t i = 0; i < n; i++)
			lines[i] = (struct line){ -1, xstrdup(builtin[i]), strlen(builtin[i]) };
	}
	if (!max_lines && !max_bytes)
		max_lines = from ? n : 1000;
	if (replay && lines[0].ms < 0) {
		fprintf(stderr, "floodlog: --replay needs a log with timestamps\n");
		return 2;
	}

	static char out[1 << 16];
	setvbuf(stdout, out, _IOFBF, sizeof(out));
	int64_t t0 = now_ms();
	unsigned long long lines_done = 0, bytes_done = 0;
	long pass_ms = 0; /* replay: where the pass before this one ended */
	for (size_t i = 0;; i = (i + 1) % n) {
		if ((max_lines && lines_done >= max_lines) || (max_bytes && bytes_done >= max_bytes))
			break;
		if (replay) {
			if (i == 0 && lines_done)
				pass_ms += lines[n - 1].ms;
			int64_t due = t0 + (int64_t)((double)(pass_ms + lines[i].ms) / speed);
			if (due > now_ms()) {
				fflush(stdout);
				sleep_ms(due - now_ms());
			}
		} else if (rate > 0) {
			int64_t due = t0 + (int64_t)((double)lines_done * 1000.0 / rate);
			if (due > now_ms()) {
				fflush(stdout);
				sleep_ms(due - now_ms());
			}
		}
		fwrite(lines[i].text, 1, lines[i].len, stdout);
		putchar('\n');
		lines_done++;
		bytes_done += lines[i].len + 1;
	}
	if (fail) {
		fputs("kernel/panic.c:43:2: error: use of undeclared identifier 'kfdo_flood_error'\n"
		      "make[3]: *** [scripts/Makefile.build:229: kernel/panic.o] Error 1\n"
		      "make[2]: *** [scripts/Makefile.build:478: kernel] Error 2\n"
		      "make[1]: *** [Makefile:1946: .] Error 2\n"
		      "make: *** [Makefile:224: __sub-make] Error 2\n", stdout);
	}
	fflush(stdout);
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	return fail ? 2 : 0;
}
