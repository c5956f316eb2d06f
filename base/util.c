#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"

static void (*fatal_hook)(void);

void util_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

static void out_of_memory(void)
{
	if (fatal_hook)
		fatal_hook();
	fputs("kfdo: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		out_of_memory();
	return d;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		out_of_memory();
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void cause_vset(char **cause, const char *fmt, va_list ap)
{
	if (!cause)
		return;
	char *s = xvasprintf(fmt, ap);
	free(*cause);
	*cause = s;
}

void cause_set(char **cause, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cause_vset(cause, fmt, ap);
	va_end(ap);
}

static void sb_grow(struct strbuf *sb, size_t more)
{
	if (sb->len + more + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + more + 1)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

void sb_add(struct strbuf *sb, const char *s)
{
	size_t n = strlen(s);
	sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n + 1);
	sb->len += n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	sb_add(sb, s);
	free(s);
}

void sb_free(struct strbuf *sb)
{
	free(sb->s);
	sb->s = NULL;
	sb->len = sb->cap = 0;
}

static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("_@%+=:,./-", c)))
			return false;
	}
	return true;
}

void sb_add_quoted(struct strbuf *sb, const char *s)
{
	if (shell_safe(s)) {
		sb_add(sb, s);
		return;
	}
	sb_add(sb, "'");
	for (const char *q; (q = strchr(s, '\'')); s = q + 1)
		sb_addf(sb, "%.*s'\\''", (int)(q - s), s);
	sb_add(sb, s);
	sb_add(sb, "'");
}

char *file_read(const char *path, size_t max, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			if (cap > max) {
				close(fd);
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			free(buf);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *sysroot_path(const char *sysroot, const char *path)
{
	if (!sysroot || !*sysroot || strcmp(sysroot, "/") == 0)
		return xstrdup(path);
	size_t n = strlen(sysroot);
	while (n > 1 && sysroot[n - 1] == '/')
		n--;
	return xasprintf("%.*s%s", (int)n, sysroot, path);
}

char *sysroot_read_line(const char *sysroot, const char *path)
{
	char *p = sysroot_path(sysroot, path);
	char *buf = file_read(p, 1 << 16, NULL);
	free(p);
	if (!buf)
		return NULL;
	char *nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	char *t = str_trim(buf);
	if (t != buf)
		memmove(buf, t, strlen(t) + 1);
	return buf;
}

bool sysroot_read_long(const char *sysroot, const char *path, long *out)
{
	char *line = sysroot_read_line(sysroot, path);
	if (!line)
		return false;
	char *end;
	errno = 0;
	long v = strtol(line, &end, 10);
	bool ok = errno == 0 && end != line && *end == '\0';
	free(line);
	if (ok)
		*out = v;
	return ok;
}

bool sysroot_exists(const char *sysroot, const char *path)
{
	char *p = sysroot_path(sysroot, path);
	struct stat st;
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

char *str_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool timespec_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

bool str_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool str_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != '\t')
			e++;
		if ((size_t)(e - p) == n && strncmp(p, word, n) == 0)
			return true;
		p = e;
	}
	return false;
}

char *path_as_arg(const char *path)
{
	return path[0] == '-' ? xasprintf("./%s", path) : xstrdup(path);
}

char *path_find_exe(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n) {
			char *full = xasprintf("%.*s/%s", (int)n, p, name);
			struct stat st;
			if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0)
				return full;
			free(full);
		}
		if (!e)
			break;
		p = e + 1;
	}
	return NULL;
}

void fmt_duration(char *buf, size_t n, double seconds)
{
	long t = seconds < 0 ? 0 : (long)(seconds + 0.5);
	if (t >= 3600)
		snprintf(buf, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, n, "%lds", t);
}

int mkdir_p(const char *dir, unsigned mode, char **cause)
{
	char *p = xstrdup(dir);
	for (char *q = p + 1;; q++) {
		if (*q != '/' && *q != '\0')
			continue;
		char c = *q;
		*q = '\0';
		if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
			int e = errno;
			cause_set(cause, _("cannot create %s: %s"), p, strerror(e));
			free(p);
			return -e;
		}
		*q = c;
		if (!c)
			break;
	}
	free(p);
	struct stat st;
	if (stat(dir, &st) < 0) {
		int e = errno;
		cause_set(cause, _("cannot create %s: %s"), dir, strerror(e));
		return -e;
	}
	if (!S_ISDIR(st.st_mode)) {
		cause_set(cause, _("%s is not a directory"), dir);
		return -ENOTDIR;
	}
	return 0;
}

char *file_move_fresh(const char *from, const char *prefix, const char *suffix)
{
	for (int i = 1; i < 1000; i++) {
		char *dst = i == 1 ? xasprintf("%s%s", prefix, suffix) : xasprintf("%s-%d%s", prefix, i, suffix);
		/* link() fails on an existing name where rename() would overwrite it. */
		if (link(from, dst) == 0) {
			if (unlink(from) < 0) {
				int e = errno;
				unlink(dst);
				free(dst);
				errno = e;
				return NULL;
			}
			return dst;
		}
		int e = errno;
		struct stat st;
		if (e == EPERM || e == ENOTSUP) {
			/* A filesystem without hard links (vfat, some FUSE): check, then rename. */
			if (lstat(dst, &st) == 0) {
				free(dst);
				continue;
			}
			if (errno == ENOENT && rename(from, dst) == 0)
				return dst;
			e = errno;
		}
		free(dst);
		if (e != EEXIST) {
			errno = e;
			return NULL;
		}
	}
	errno = EEXIST;
	return NULL;
}
