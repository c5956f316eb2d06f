/* Kbuild progress model, fed one line at a time: steps, tags, the directory,
 * warnings and errors, silences (see kbuild.h). The estimate is in
 * kbuild_eta.c, history in kbuild_history.c, the line classifier in
 * kbuild_line.c. */
#include "engine/kbuild.h"
#include "engine/kbuild_int.h"
#include "base/util.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Lines of the clang excerpt kept after the first error (source line, caret, ...). */

struct kbuild_progress *kbuild_new(void)
{
	struct kbuild_progress *p = xcalloc(1, sizeof(*p));
	p->step_t = xmalloc(STEP_TIMES * sizeof(*p->step_t));
	p->stride = 1;
	p->seen = xmalloc(SEEN_MAX * sizeof(*p->seen));
	p->seen_stride = 1;
	p->dir = xstrdup("");
	p->last_step = xstrdup("");
	p->dir_ok = p->label_ok = true;
	p->cur = p->step = p->comp = -1;
	return p;
}

static void diag_clear(struct kbuild_diag *d)
{
	free(d->file);
	free(d->message);
	memset(d, 0, sizeof(*d));
}

void kbuild_free(struct kbuild_progress *p)
{
	if (!p)
		return;
	free(p->tags);
	free(p->tag_keys);
	free(p->step_t);
	free(p->dir);
	free(p->last_step);
	for (int i = 0; i < 3; i++)
		free(p->lines[i].s);
	diag_clear(&p->first_error);
	diag_clear(&p->first_make);
	for (size_t i = 0; i < p->n_silences; i++)
		free(p->silences[i].label);
	free(p->silences);
	kbuild_history_free(&p->hist);
	for (size_t i = 0; i < p->n_seen; i++)
		free(p->seen[i].label);
	free(p->seen);
	free(p);
}

static void replace_str(char **dst, const char *s, size_t n)
{
	free(*dst);
	*dst = xmalloc(n + 1);
	memcpy(*dst, s, n);
	(*dst)[n] = '\0';
}

/* Every line of a flood goes through the copy and compares below: the pieces
 * are short (2-40 bytes), so 8 or 16 bytes at a time inline beat a libc call
 * each (measured with tests/tools/jobflood). They take the first byte of a
 * word as its lowest: kfdo runs on x86-64, which is little-endian. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "kbuild.c reads words as little-endian");
/* A line's copy has room for this much more than the line: a step's tag is
 * read as two whole words, masked off. */
#define LINE_SLACK 16

static inline uint64_t load8(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	return w;
}

/* Copies the n bytes at s to d up to the first '\r' or '\n', NUL-terminated;
 * returns the length kept, and in *nul whether what is kept holds a NUL of
 * its own (binary output). A line of 16 bytes or more is scanned and copied
 * in one pass, 16 bytes at a time (the last 16 overlap the ones before: they
 * were clean, so the first hit is still the first): two memchr and a memcpy
 * call per line were a fifth of a flood's time. */
static size_t line_copy(char *d, const char *s, size_t n, bool *nul)
{
#ifdef __SSE2__
	if (n >= 16) {
		const __m128i cr = _mm_set1_epi8('\r'), nl = _mm_set1_epi8('\n');
		const __m128i zero = _mm_setzero_si128();
		unsigned zeros = 0;
		for (size_t i = 0;; i += 16) {
			if (i + 16 > n)
				i = n - 16;
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)(d + i), v);
			unsigned hits = (unsigned)_mm_movemask_epi8(
				_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, nl)));
			unsigned z = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero));
			if (hits) {
				unsigned at = (unsigned)__builtin_ctz(hits);
				*nul = zeros || (z & ((1u << at) - 1));
				d[i + at] = '\0';
				return i + at;
			}
			zeros |= z;
			if (i + 16 == n)
				break;
		}
		d[n] = '\0';
		*nul = zeros != 0;
		return n;
	}
#endif
	const char *cut = memchr(s, '\r', n);
	if (cut)
		n = (size_t)(cut - s);
	if ((cut = memchr(s, '\n', n)))
		n = (size_t)(cut - s);
	memcpy(d, s, n);
	d[n] = '\0';
	*nul = memchr(d, '\0', n) != NULL;
	return n;
}

/* Makes *buf hold at least n bytes; what it held is lost. */
static void buf_reserve(char **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return;
	*cap = n > 2 * *cap ? n : 2 * *cap;
	free(*buf);
	*buf = xmalloc(*cap);
}

/* A tag (at most KBUILD_TAG_MAX bytes) as two words, zero-padded: two
 * compares instead of a byte loop. Reads 16 bytes at tag: it lies in
 * a line's copy, whose LINE_SLACK covers that. */
static inline struct tag_key tag_key(const char *tag, size_t len)
{
	uint64_t lo = load8(tag), hi = 0;
	if (len < 8)
		lo &= ((uint64_t)1 << (8 * len)) - 1;
	else if (len > 8)
		hi = load8(tag + 8) & (((uint64_t)1 << (8 * (len - 8))) - 1);
	return (struct tag_key){ lo, hi };
}

static inline bool key_eq(struct tag_key a, struct tag_key b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

static void tag_add(struct kbuild_progress *p, const char *tag, size_t len)
{
	struct tag_key k = tag_key(tag, len);
	/* Tags come in runs (CC, CC, ..., AR, AR): the last one first. */
	if (p->n_tags && key_eq(p->tag_keys[p->last_tag], k)) {
		p->tags[p->last_tag].count++;
		return;
	}
	for (size_t i = 0; i < p->n_tags; i++)
		if (key_eq(p->tag_keys[i], k)) {
			p->tags[i].count++;
			p->last_tag = i;
			return;
		}
	if (p->n_tags == p->cap_tags) {
		p->cap_tags = p->cap_tags ? 2 * p->cap_tags : 32;
		p->tags = xrealloc(p->tags, p->cap_tags * sizeof(*p->tags));
		p->tag_keys = xrealloc(p->tag_keys, p->cap_tags * sizeof(*p->tag_keys));
	}
	p->last_tag = p->n_tags;
	p->tag_keys[p->n_tags] = k;
	struct kbuild_tag_count *tc = &p->tags[p->n_tags++];
	snprintf(tc->tag, sizeof(tc->tag), "%.*s", (int)len, tag);
	tc->count = 1;
}

/* Keeps the compile step just added (its label) and matches it against the
 * history's anchors. */
static void anchor_note(struct kbuild_progress *p, double t)
{
	/* The strides are powers of two: a mask, not a division per line. */
	if ((p->compiles & (p->seen_stride - 1)) == 0) {
		if (p->n_seen == SEEN_MAX) {
			for (size_t i = 0; i < SEEN_MAX / 2; i++) {
				free(p->seen[2 * i].label);
				p->seen[i] = p->seen[2 * i + 1];
			}
			p->n_seen = SEEN_MAX / 2;
			p->seen_stride *= 2;
		}
		if ((p->compiles & (p->seen_stride - 1)) == 0)
			p->seen[p->n_seen++] = (struct kbuild_anchor){ xstrdup(kbuild_step_label(p)), t };
	}
	if (!p->has_history || !p->hist.n_anchors)
		return;
	struct kbuild_anchor key = { (char *)kbuild_step_label(p), 0 };
	const struct kbuild_anchor *a =
		bsearch(&key, p->hist.anchors, p->hist.n_anchors, sizeof(key), kbuild_anchor_cmp);
	if (!a)
		return;
	if (!p->anchored) {
		p->anchored = true;
		p->t_first = t;
		p->h_first = a->t;
	}
	/* -j reorders a few steps: never let the history's time run backwards. */
	if (a->t >= p->h_anchor) {
		p->t_anchor = t;
		p->h_anchor = a->t;
	}
}

const char *kbuild_step_label(struct kbuild_progress *p)
{
	if (!p->label_ok) {
		const struct kbuild_linebuf *b = &p->lines[p->step];
		size_t tag_len = b->tag_len, arg_len = b->len - b->body;
		buf_reserve(&p->last_step, &p->last_step_cap, tag_len + 1 + arg_len + 1);
		memcpy(p->last_step, b->s + 2, tag_len);
		p->last_step[tag_len] = ' ';
		memcpy(p->last_step + tag_len + 1, b->s + b->body, arg_len);
		p->last_step[tag_len + 1 + arg_len] = '\0';
		p->label_ok = true;
	}
	return p->last_step;
}

/* The directory of the last compile's argument: up to its last '/', "." when
 * it has none. A NUL in the line ends the argument there, as for strrchr. */
static const char *dir_make(struct kbuild_progress *p)
{
	if (!p->dir_ok) {
		const struct kbuild_linebuf *b = &p->lines[p->comp];
		const char *arg = b->s + b->body;
		const char *q = b->nul ? strrchr(arg, '/') : memrchr(arg, '/', b->len - b->body);
		size_t n = q ? (size_t)(q - arg) : 1;
		buf_reserve(&p->dir, &p->dir_cap, n + 1);
		memcpy(p->dir, q ? arg : ".", n);
		p->dir[n] = '\0';
		p->dir_ok = true;
	}
	return p->dir;
}

/* The step kl found in lines[at]. */
static void step_add(struct kbuild_progress *p, int at, const struct kbuild_line *kl, double t)
{
	struct kbuild_linebuf *b = &p->lines[at];
	const char *tag = b->s + kl->head;
	size_t tag_len = kl->head_len;
	b->tag_len = tag_len;
	b->body = kl->body;
	p->step = at;
	p->label_ok = false;
	p->counts.steps++;
	p->t_step = t;
	if ((p->counts.steps & (p->stride - 1)) == 0) {
		if (p->n_step_t == STEP_TIMES) {
			/* Keep steps 2s, 4s, ...: step_t[k] becomes when step (k + 1) * 2s was. */
			for (size_t k = 0; k < STEP_TIMES / 2; k++)
				p->step_t[k] = p->step_t[2 * k + 1];
			p->n_step_t = STEP_TIMES / 2;
			p->stride *= 2;
		}
		if ((p->counts.steps & (p->stride - 1)) == 0)
			p->step_t[p->n_step_t++] = t;
	}
	tag_add(p, tag, tag_len);
	if (tag_len == 2 && (memcmp(tag, "CC", 2) == 0 || memcmp(tag, "AS", 2) == 0)) {
		p->comp = at;
		p->dir_ok = false;
		p->compiles++;
		p->t_compile = t;
		anchor_note(p, t);
	}
}

/* The decimal number spanning [s, end), or 0 when it is not one. */
static unsigned parse_uint_span(const char *s, const char *end)
{
	unsigned v = 0;
	if (s >= end)
		return 0;
	for (const char *q = s; q < end; q++) {
		if (!isdigit((unsigned char)*q) || v > 100000000)
			return 0;
		v = v * 10 + (unsigned)(*q - '0');
	}
	return v;
}

/* Splits "path:line:col" / "path:line" / "tool" into the diag's fields. */
static void parse_location(const char *loc, size_t n, struct kbuild_diag *d)
{
	const char *end = loc + n;
	unsigned nums[2] = { 0, 0 };
	int got = 0;
	while (got < 2) {
		const char *colon = end - 1;
		while (colon > loc && *colon != ':')
			colon--;
		if (colon <= loc)
			break;
		unsigned v = parse_uint_span(colon + 1, end);
		if (!v)
			break;
		nums[got++] = v;
		end = colon;
	}
	d->line = got == 2 ? nums[1] : got == 1 ? nums[0] : 0;
	d->col = got == 2 ? nums[0] : 0;
	replace_str(&d->file, loc, (size_t)(end - loc));
}

/* A diagnostic from the spans kbuild_line_parse() found: compiler, linker and
 * modpost ones ("kernel/fork.c:12:5: error: ...", "ld.lld: error: ...",
 * "WARNING: modpost: ...") and make's ("make[2]: *** [scripts/Makefile.build:229:
 * kernel/fork.o] Error 1", "make: *** No rule to make target 'x'.  Stop."). */
static void diag_from_line(const char *s, const struct kbuild_line *kl, struct kbuild_diag *d)
{
	memset(d, 0, sizeof(*d));
	d->message = xstrdup(s + kl->body);
	if (kl->kind == KBUILD_LINE_MAKE_ERROR) {
		d->kind = KBUILD_DIAG_MAKE;
		const char *msg = d->message;
		const char *close = msg[0] == '[' ? strstr(msg, ": ") : NULL;
		const char *rbracket = strchr(msg, ']');
		if (close && rbracket && close < rbracket)
			parse_location(msg + 1, (size_t)(close - msg - 1), d);
		return;
	}
	d->kind = kl->kind == KBUILD_LINE_WARNING ? KBUILD_DIAG_WARNING : KBUILD_DIAG_ERROR;
	if (kl->head_len)
		parse_location(s + kl->head, kl->head_len, d);
}

static void diag_move(struct kbuild_diag *dst, struct kbuild_diag *src)
{
	diag_clear(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

static void take_diag(struct kbuild_progress *p, struct kbuild_diag *d)
{
	d->line_no = p->counts.lines;
	if (d->kind == KBUILD_DIAG_WARNING) {
		p->counts.warnings++;
	} else if (d->kind == KBUILD_DIAG_ERROR) {
		p->counts.errors++;
		if (p->counts.errors == 1)
			diag_move(&p->first_error, d);
	} else {
		p->counts.make_errors++;
		if (p->counts.make_errors == 1)
			diag_move(&p->first_make, d);
	}
	diag_clear(d);
}

/* Ninja's rule: history 10x off from this run's pace, once the run is 15 s
 * and 5% in, is ignored in favour of the current pace; it stays ignored. */
static void check_distrust(struct kbuild_progress *p, double t)
{
	size_t s = p->counts.steps;
	if (!p->has_history || p->distrusted || t < KBUILD_DISTRUST_AFTER_S ||
	    (double)s < KBUILD_DISTRUST_AFTER_FRACTION * (double)p->hist.steps)
		return;
	double th = kbuild_hist_time_at(&p->hist, s);
	if (th <= 0)
		return;
	double r = t / th;
	if (r >= KBUILD_DISTRUST_FACTOR || r <= 1.0 / KBUILD_DISTRUST_FACTOR)
		p->distrusted = true;
}

static void silence_add(struct kbuild_progress *p, double start, double seconds)
{
	if (p->n_silences == p->cap_silences) {
		p->cap_silences = p->cap_silences ? 2 * p->cap_silences : 8;
		p->silences = xrealloc(p->silences, p->cap_silences * sizeof(*p->silences));
	}
	p->silences[p->n_silences++] = (struct kbuild_silence){
		.step = p->counts.steps, .start = start, .seconds = seconds,
		.label = xstrdup(kbuild_step_label(p)),
	};
}

void kbuild_feed(struct kbuild_progress *p, const char *line, double t)
{
	kbuild_feed_n(p, line, strlen(line), t);
}

void kbuild_feed_n(struct kbuild_progress *p, const char *line, size_t n, double t)
{
	/* Into a buffer that holds neither the last step nor the last compile. */
	int at = 0;
	while (at == p->step || at == p->comp)
		at++;
	struct kbuild_linebuf *b = &p->lines[at];
	buf_reserve(&b->s, &b->cap, n + LINE_SLACK);
	n = b->len = line_copy(b->s, line, n, &b->nul);
	p->cur = at;
	char *s = b->s;
	/* Out-of-order times would fold the curve back on itself. */
	if (t < p->t_last)
		t = p->t_last;
	if (t - p->t_last >= KBUILD_SILENT_MIN)
		silence_add(p, p->t_last, t - p->t_last);
	p->t_last = t;
	p->counts.lines++;

	struct kbuild_line kl;
	struct kbuild_diag d;
	switch (kbuild_line_parse(s, n, &kl)) {
	case KBUILD_LINE_STEP:
		step_add(p, at, &kl, t);
		check_distrust(p, t);
		break;
	case KBUILD_LINE_WARNING:
	case KBUILD_LINE_ERROR:
	case KBUILD_LINE_MAKE_ERROR:
		diag_from_line(s, &kl, &d);
		take_diag(p, &d);
		break;
	default:
		break;
	}
}

void kbuild_finish(struct kbuild_progress *p, double t)
{
	if (t < p->t_last)
		t = p->t_last;
	if (t - p->t_last >= KBUILD_SILENT_MIN)
		silence_add(p, p->t_last, t - p->t_last);
	p->t_end = t;
	p->finished = true;
}

const struct kbuild_counts *kbuild_counts(const struct kbuild_progress *p)
{
	return &p->counts;
}

size_t kbuild_tag_count(const struct kbuild_progress *p, const char *tag)
{
	for (size_t i = 0; i < p->n_tags; i++)
		if (strcmp(p->tags[i].tag, tag) == 0)
			return p->tags[i].count;
	return 0;
}

const char *kbuild_current_dir(const struct kbuild_progress *p)
{
	/* The directory is a cache made on first use; p is never a const object. */
	return dir_make((struct kbuild_progress *)p);
}

const char *kbuild_last_line(const struct kbuild_progress *p)
{
	return p->cur < 0 ? "" : p->lines[p->cur].s;
}

const struct kbuild_diag *kbuild_first_error(const struct kbuild_progress *p)
{
	if (p->counts.errors)
		return &p->first_error;
	return p->counts.make_errors ? &p->first_make : NULL;
}
