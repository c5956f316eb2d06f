/* A check that takes seconds runs in a child process, so that the screen
 * keeps drawing and answering keys meanwhile: reading a real kernel's vmlinux
 * out of its debug package decompresses hundreds of megabytes. The child
 * computes a text and writes it to a pipe; the screen polls for it on its
 * tick. The child touches neither curses nor the terminal. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "proc/spawn.h"
#include "tui/bg.h"

struct bg {
	pid_t pid;
	int fd;
	struct strbuf out;
	bool done;
};

static void write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

struct bg_call {
	char *(*fn)(void *arg);
	void *arg;
	int fd;
};

static int bg_child(void *p)
{
	struct bg_call *c = p;
	char *text = c->fn(c->arg);
	if (text)
		write_all(c->fd, text, strlen(text));
	return 0;
}

struct bg *bg_start(char *(*fn)(void *arg), void *arg)
{
	int p[2];
	if (spawn_pipe(p) < 0)
		return NULL;
	/* The wizard's handlers, its terminal hook and its fds are not the
	 * child's: spawn_fork resets them. stdout to /dev/null, so that nothing
	 * reaches the screen; stderr stays the wizard's file. */
	struct bg_call call = { fn, arg, p[1] };
	struct spawn_spec spec = { .err = SPAWN_IO_INHERIT, .keep_fd = p[1] };
	pid_t pid;
	int r = spawn_fork(&pid, &spec, bg_child, &call, NULL);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return NULL;
	}
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	struct bg *b = xcalloc(1, sizeof(*b));
	b->pid = pid;
	b->fd = p[0];
	return b;
}

bool bg_poll(struct bg *b, char **out)
{
	if (!b->done) {
		char buf[4096];
		ssize_t n;
		while ((n = read(b->fd, buf, sizeof(buf))) > 0) {
			struct strbuf *sb = &b->out;
			sb_addf(sb, "%.*s", (int)n, buf);
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return false;
		/* EOF: the child has written all it will. */
		b->done = true;
		close(b->fd);
		b->fd = -1;
		int st;
		while (waitpid(b->pid, &st, 0) < 0 && errno == EINTR)
			;
		b->pid = 0;
	}
	*out = b->out.s ? xstrdup(b->out.s) : NULL;
	return true;
}

void bg_free(struct bg *b)
{
	if (!b)
		return;
	if (b->pid > 0) {
		kill(b->pid, SIGKILL);
		while (waitpid(b->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (b->fd >= 0)
		close(b->fd);
	sb_free(&b->out);
	free(b);
}
