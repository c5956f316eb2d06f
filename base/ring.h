/* A bounded ring of the most recent lines (a job's output tail).
 *
 * The ring holds at most `capacity` lines; pushing into a full ring drops the
 * oldest one. Each slot keeps its buffer between pushes, so a ring that has
 * filled once stops allocating: a flood of output costs a memcpy per line. */
#ifndef KFDO_RING_H
#define KFDO_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring;

typedef void (*ring_line_fn)(const char *line, size_t len, void *arg);

/* capacity is the number of lines kept (at least 1). Never returns NULL. */
struct ring *ring_new(size_t capacity);
void ring_free(struct ring *r);

/* Copies len bytes of line (which need not be NUL-terminated). */
void ring_push(struct ring *r, const char *line, size_t len);
/* Counts n lines as pushed and dropped without copying them: for a caller
 * that pushes at least capacity newer lines right after, so that they would
 * have been dropped anyway (the job runner's large reads). */
void ring_skip(struct ring *r, uint64_t n);
/* Forgets every line; keeps the slot buffers for reuse. */
void ring_clear(struct ring *r);

size_t ring_count(const struct ring *r);
size_t ring_capacity(const struct ring *r);
/* Lines pushed since ring_new or ring_clear, dropped ones included: a viewer
 * compares it with the value it saw last to know how many lines are new. */
uint64_t ring_total(const struct ring *r);

/* Line i counted from the newest (0 is the newest), NUL-terminated, or NULL
 * when i >= ring_count(). The pointer is valid until the next push or clear.
 * len may be NULL. */
const char *ring_get(const struct ring *r, size_t i, size_t *len);
/* Calls fn for every line, oldest first. */
void ring_foreach(const struct ring *r, ring_line_fn fn, void *arg);

#endif
