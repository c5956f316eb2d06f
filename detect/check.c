#include "detect/check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

const char *check_status_name(enum check_status status)
{
	switch (status) {
	case CHECK_OK: return "ok";
	case CHECK_WARN: return "warn";
	case CHECK_FAIL: return "fail";
	case CHECK_SKIP: return "skip";
	}
	return "?";
}

struct check *check_add(struct check_list *list, const char *id, enum check_status status,
			const char *remedy, const char *fmt, ...)
{
	if (list->n == list->cap) {
		list->cap = list->cap ? list->cap * 2 : 16;
		list->v = xrealloc(list->v, list->cap * sizeof(*list->v));
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	struct check *c = &list->v[list->n++];
	c->id = id;
	c->status = status;
	c->message = msg;
	c->remedy = remedy ? xstrdup(remedy) : NULL;
	return c;
}

const struct check *check_find(const struct check_list *list, const char *id)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->v[i].id, id) == 0)
			return &list->v[i];
	return NULL;
}

enum check_status check_list_worst(const struct check_list *list)
{
	enum check_status worst = CHECK_OK;
	for (size_t i = 0; i < list->n; i++) {
		if (list->v[i].status == CHECK_FAIL)
			return CHECK_FAIL;
		if (list->v[i].status == CHECK_WARN)
			worst = CHECK_WARN;
	}
	return worst;
}

void check_list_free(struct check_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].message);
		free(list->v[i].remedy);
	}
	free(list->v);
	list->v = NULL;
	list->n = list->cap = 0;
}
