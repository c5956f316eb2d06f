/* Small helpers shared by every module: allocation, strings, files. */
#ifndef KFDO_UTIL_H
#define KFDO_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure runs the installed hook (the TUI restores the terminal),
 * prints a message and aborts: there is no sensible way to go on. */
void util_set_fatal_hook(void (*hook)(void));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Replaces *cause (freeing the old text) with a formatted message. */
void cause_set(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cause_vset(char **cause, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Growable string. */
struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_add(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct strbuf *sb);
/* Appends s shell-quoted for display ('it'\''s'; bare when only safe characters,
 * '' when empty). The one quoting rule of job and plan lines. */
void sb_add_quoted(struct strbuf *sb, const char *s);

/* Whole file into a NUL-terminated buffer (at most max bytes; -1 on error with errno). */
char *file_read(const char *path, size_t max, size_t *len);
/* A path below the sysroot: sysroot_path("/fix", "/proc/cpuinfo") -> "/fix/proc/cpuinfo". */
char *sysroot_path(const char *sysroot, const char *path);
/* First line of a sysroot file, trimmed; NULL when missing. */
char *sysroot_read_line(const char *sysroot, const char *path);
/* An integer from a sysroot file; returns false when missing or not a number. */
bool sysroot_read_long(const char *sysroot, const char *path, long *out);
bool sysroot_exists(const char *sysroot, const char *path);

char *str_trim(char *s);
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Is word one of the space-separated words of list? */
bool str_has_word(const char *list, const char *word);

/* Whether a is later than b (file times: st_mtim). */
struct timespec;
bool timespec_after(const struct timespec *a, const struct timespec *b);

/* "45s", "3m07s", "1h02m" (negative reads as 0). buf of at least 24 bytes. */
void fmt_duration(char *buf, size_t n, double seconds);

/* mkdir -p: creates every missing level of dir with mode. 0, or -errno with a
 * cause naming the level that failed (-ENOTDIR when dir is not a directory). */
int mkdir_p(const char *dir, unsigned mode, char **cause);

/* Moves from to the first name that does not exist yet among "PREFIX SUFFIX",
 * "PREFIX-2 SUFFIX", "PREFIX-3 SUFFIX"... (up to 999), never replacing a file:
 * link() then unlink(), or where the filesystem has no hard links, a check
 * then rename(). Returns the new name (malloc'd), or NULL with errno. */
char *file_move_fresh(const char *from, const char *prefix, const char *suffix);

/* Searches PATH for an executable; returns a malloc'd full path or NULL. */
char *path_find_exe(const char *name);
/* A user's path as a tool's argument: "-x" becomes "./-x", so that no tool
 * reads a file name for an option (not every tool takes "--"). malloc'd. */
char *path_as_arg(const char *path);

#endif
