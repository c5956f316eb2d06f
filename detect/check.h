/* A check result as `kfdo doctor` and `kfdo detect --json` show it: an id, a
 * status, a message for humans and, when something is wrong, a remedy. */
#ifndef KFDO_CHECK_H
#define KFDO_CHECK_H

#include <stddef.h>

enum check_status { CHECK_OK, CHECK_WARN, CHECK_FAIL, CHECK_SKIP };

struct check {
	const char *id;          /* static text, e.g. "tool.clang" */
	enum check_status status;
	char *message;
	char *remedy;            /* NULL when there is nothing to do */
};

struct check_list {
	struct check *v;
	size_t n, cap;
};

/* "ok", "warn", "fail", "skip". */
const char *check_status_name(enum check_status status);

/* Appends a check; id must outlive the list (a string literal). Returns the
 * new entry, valid until the next check_add. */
struct check *check_add(struct check_list *list, const char *id, enum check_status status,
			const char *remedy, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The first check with this id, or NULL. */
const struct check *check_find(const struct check_list *list, const char *id);
/* The worst status in the list (fail > warn > ok; skip counts as ok). */
enum check_status check_list_worst(const struct check_list *list);
void check_list_free(struct check_list *list);

#endif
