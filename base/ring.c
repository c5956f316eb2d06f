#include "base/ring.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* A slot that once held a huge line gives the memory back when it is reused
 * for a short one, so a few megabyte lines do not pin memory for good. */
#define SLOT_SHRINK_ABOVE 4096

struct slot {
	char *s;
	size_t len, cap;
};

struct ring {
	struct slot *slots;
	size_t cap;   /* slots */
	size_t head;  /* where the next push goes */
	size_t count;
	uint64_t total;
};

struct ring *ring_new(size_t capacity)
{
	struct ring *r = xcalloc(1, sizeof *r);
	r->cap = capacity ? capacity : 1;
	r->slots = xcalloc(r->cap, sizeof *r->slots);
	return r;
}

void ring_free(struct ring *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->cap; i++)
		free(r->slots[i].s);
	free(r->slots);
	free(r);
}

static void slot_fit(struct slot *sl, size_t need)
{
	if (need <= sl->cap) {
		if (sl->cap <= SLOT_SHRINK_ABOVE || need > sl->cap / 4)
			return;
	} else if (need < sl->cap * 2) {
		need = sl->cap * 2;
	}
	/* Round up so lines of slightly different lengths reuse the slot. */
	size_t cap = (need + 127) & ~(size_t)127;
	sl->s = xrealloc(sl->s, cap);
	sl->cap = cap;
}

void ring_push(struct ring *r, const char *line, size_t len)
{
	struct slot *sl = &r->slots[r->head];
	slot_fit(sl, len + 1);
	if (len)
		memcpy(sl->s, line, len);
	sl->s[len] = '\0';
	sl->len = len;
	r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
	if (r->count < r->cap)
		r->count++;
	r->total++;
}

void ring_skip(struct ring *r, uint64_t n)
{
	r->total += n;
}

void ring_clear(struct ring *r)
{
	r->head = 0;
	r->count = 0;
	r->total = 0;
}

size_t ring_count(const struct ring *r)
{
	return r->count;
}

size_t ring_capacity(const struct ring *r)
{
	return r->cap;
}

uint64_t ring_total(const struct ring *r)
{
	return r->total;
}

const char *ring_get(const struct ring *r, size_t i, size_t *len)
{
	if (i >= r->count)
		return NULL;
	/* head - 1 is the newest; add cap first so the index never goes negative. */
	size_t at = (r->head + r->cap - 1 - i) % r->cap;
	if (len)
		*len = r->slots[at].len;
	return r->slots[at].s;
}

void ring_foreach(const struct ring *r, ring_line_fn fn, void *arg)
{
	for (size_t i = r->count; i-- > 0;) {
		const struct slot *sl = &r->slots[(r->head + r->cap - 1 - i) % r->cap];
		fn(sl->s, sl->len, arg);
	}
}
