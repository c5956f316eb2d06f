/* NULL-terminated string vectors; a NULL vector is an empty one. */
#ifndef KFDO_STRV_H
#define KFDO_STRV_H

#include <stdbool.h>
#include <stddef.h>

size_t strv_len(char *const *v);
void strv_push(char ***v, const char *s);
void strv_pushf(char ***v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char **strv_dup(char *const *v);
bool strv_eq(char *const *a, char *const *b);
/* Sorts v in place by strcmp (v may be NULL). */
void strv_sort(char **v);
void strv_free(char **v);

#endif
