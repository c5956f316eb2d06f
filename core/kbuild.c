/* Kbuild progress model: parses the quiet output of a kernel build and
 * estimates progress from history or a dry run (see kbuild.h). */
#include "core/kbuild.h"
#include "core/i18n.h"
#include "core/util.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Lines of the clang excerpt kept after the first error (source line, caret, ...). */
#define EXTRACT_LINES 4
/* The rate shown to the user is over this window, so a stall shows quickly. */
#define RATE_WINDOW 10.0
/* Curve points kept per axis when a run becomes history. */
#define CURVE_POINTS 100

/* The Makefile links no libm: these few are all the maths needed. */
static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

struct tag_key {
	uint64_t lo, hi;
};

struct kbuild_progress {
	struct kbuild_counts counts;
	struct kbuild_tag_count *tags;
	struct tag_key *tag_keys;	/* tags[i].tag, packed */
	size_t n_tags, cap_tags, last_tag;
	/* When steps were printed: step_t[k] is when step (k + 1) * stride was. A
	 * flood of output (a million lines of a log replayed) must not grow memory:
	 * once STEP_TIMES are kept, every other one goes and the stride doubles. A
	 * kernel build (about 1,000 to 60,000 steps) keeps every step. */
	double *step_t;
	size_t n_step_t, stride;
	double t_step;		/* when the last step was printed */
	/* Rewritten on every line: their buffers are reused, not reallocated. */
	char *dir, *last_line, *last_step;
	size_t dir_cap, last_line_cap, last_step_cap;
	double t_last;		/* time of the last line (0 before any) */
	double t_end;
	bool finished;
	struct kbuild_diag first_error, first_make, last_warning;
	struct strbuf extract;
	int extract_left;	/* lines still to take into the excerpt */
	struct kbuild_silence *silences;
	size_t n_silences, cap_silences;
	size_t compiles;	/* CC and AS steps: the ones that take the time */
	double t_compile;	/* when the last of them was printed */
	struct kbuild_history hist;
	bool has_history, distrusted;
	size_t expected, expected_compiles;
	/* Compile steps of this run, for the next one's anchors: every seen_stride-th,
	 * thinned like step_t once SEEN_MAX are kept, so they stay evenly spread. */
	struct kbuild_anchor *seen;
	size_t n_seen, seen_stride;
	/* The first and the latest of this run's compile steps found among the history's
	 * anchors: this run's time and the history's time for each. */
	bool anchored;
	double t_first, h_first, t_anchor, h_anchor;
};

/* Bounds of step_t and seen: 512 KiB and about 250 KiB. */
#define STEP_TIMES 65536
#define SEEN_MAX 4096

struct kbuild_progress *kbuild_new(void)
{
	struct kbuild_progress *p = xcalloc(1, sizeof(*p));
	p->step_t = xmalloc(STEP_TIMES * sizeof(*p->step_t));
	p->stride = 1;
	p->seen = xmalloc(SEEN_MAX * sizeof(*p->seen));
	p->seen_stride = 1;
	p->dir = xstrdup("");
	p->last_line = xstrdup("");
	p->last_step = xstrdup("");
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
	free(p->last_line);
	free(p->last_step);
	diag_clear(&p->first_error);
	diag_clear(&p->first_make);
	diag_clear(&p->last_warning);
	sb_free(&p->extract);
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

/* Every step line of a flood goes through the copies and compares below: the
 * pieces are short (2-40 bytes), so eight bytes at a time inline beat a libc
 * call each (measured with tests/tools/jobflood). They take the first byte of
 * a word as its lowest: kfdo runs on x86-64, which is little-endian. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "kbuild.c reads words as little-endian");
/* last_line has room for this much more than the line: a step's tag is read
 * as two whole words, masked off. */
#define LINE_SLACK 16

static inline uint64_t load8(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	return w;
}

static inline void store8(char *d, uint64_t w)
{
	memcpy(d, &w, 8);
}

/* n bytes from s to d (not overlapping). */
static inline void copy_short(char *d, const char *s, size_t n)
{
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8)
			store8(d + i, load8(s + i));
		store8(d + n - 8, load8(s + n - 8));
	} else if (n >= 4) {
		uint32_t a, b;
		memcpy(&a, s, 4);
		memcpy(&b, s + n - 4, 4);
		memcpy(d, &a, 4);
		memcpy(d + n - 4, &b, 4);
	} else {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	}
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
 * last_line, whose LINE_SLACK covers that. */
static inline struct tag_key tag_key(const char *tag, size_t len)
{
	uint64_t lo = load8(tag), hi = load8(tag + 8);
	if (len < 8) {
		lo &= ((uint64_t)1 << (8 * len)) - 1;
		hi = 0;
	} else {
		hi &= ((uint64_t)1 << (8 * (len - 8))) - 1;
	}
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

static int anchor_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kbuild_anchor *)a)->label, ((const struct kbuild_anchor *)b)->label);
}

/* Keeps the compile step just added (p->last_step) and matches it against the
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
			p->seen[p->n_seen++] = (struct kbuild_anchor){ xstrdup(p->last_step), t };
	}
	if (!p->has_history || !p->hist.n_anchors)
		return;
	struct kbuild_anchor key = { p->last_step, 0 };
	const struct kbuild_anchor *a =
		bsearch(&key, p->hist.anchors, p->hist.n_anchors, sizeof(key), anchor_cmp);
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

/* tag ("CC") is tag_len long, not NUL-terminated; arg (NUL-terminated) arg_len. */
static void step_add(struct kbuild_progress *p, const char *tag, size_t tag_len, const char *arg, size_t arg_len,
		     double t)
{
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
	/* last_step = tag ' ' arg */
	buf_reserve(&p->last_step, &p->last_step_cap, tag_len + 1 + arg_len + 1);
	copy_short(p->last_step, tag, tag_len);
	p->last_step[tag_len] = ' ';
	copy_short(p->last_step + tag_len + 1, arg, arg_len);
	p->last_step[tag_len + 1 + arg_len] = '\0';
	if (tag_len == 2 && (memcmp(tag, "CC", 2) == 0 || memcmp(tag, "AS", 2) == 0)) {
		p->compiles++;
		p->t_compile = t;
		anchor_note(p, t);
		const char *q = strrchr(arg, '/');
		size_t slash = q ? (size_t)(q - arg) : 1;
		if (!q)
			arg = ".";
		buf_reserve(&p->dir, &p->dir_cap, slash + 1);
		copy_short(p->dir, arg, slash);
		p->dir[slash] = '\0';
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

static void take_diag(struct kbuild_progress *p, struct kbuild_diag *d, const char *line)
{
	d->line_no = p->counts.lines;
	if (d->kind == KBUILD_DIAG_WARNING) {
		p->counts.warnings++;
		diag_move(&p->last_warning, d);
	} else if (d->kind == KBUILD_DIAG_ERROR) {
		p->counts.errors++;
		if (p->counts.errors == 1) {
			diag_move(&p->first_error, d);
			sb_free(&p->extract);
			sb_add(&p->extract, line);
			p->extract_left = EXTRACT_LINES - 1;
		}
	} else {
		p->counts.make_errors++;
		if (p->counts.make_errors == 1)
			diag_move(&p->first_make, d);
		/* Without a compiler error (a failing script), make's line is the news. */
		if (p->counts.make_errors == 1 && !p->counts.errors)
			sb_add(&p->extract, line);
	}
	diag_clear(d);
}

static double hist_time_at(const struct kbuild_history *h, size_t step);

/* Ninja's rule: history 10x off from this run's pace, once the run is 15 s
 * and 5% in, is ignored in favour of the current pace; it stays ignored. */
static void check_distrust(struct kbuild_progress *p, double t)
{
	size_t s = p->counts.steps;
	if (!p->has_history || p->distrusted || t < KBUILD_DISTRUST_AFTER_S ||
	    (double)s < KBUILD_DISTRUST_AFTER_FRACTION * (double)p->hist.steps)
		return;
	double th = hist_time_at(&p->hist, s);
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
		.label = xstrdup(p->last_step),
	};
}

void kbuild_feed(struct kbuild_progress *p, const char *line, double t)
{
	kbuild_feed_n(p, line, strlen(line), t);
}

void kbuild_feed_n(struct kbuild_progress *p, const char *line, size_t n, double t)
{
	const char *cut = memchr(line, '\r', n);
	if (cut)
		n = (size_t)(cut - line);
	if ((cut = memchr(line, '\n', n)))
		n = (size_t)(cut - line);
	buf_reserve(&p->last_line, &p->last_line_cap, n + LINE_SLACK);
	memcpy(p->last_line, line, n);
	p->last_line[n] = '\0';
	char *s = p->last_line;
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
		p->extract_left = 0;
		step_add(p, s + kl.head, kl.head_len, s + kl.body, n - kl.body, t);
		check_distrust(p, t);
		break;
	case KBUILD_LINE_WARNING:
	case KBUILD_LINE_ERROR:
	case KBUILD_LINE_MAKE_ERROR:
		p->extract_left = 0;
		diag_from_line(s, &kl, &d);
		take_diag(p, &d, s);
		break;
	case KBUILD_LINE_EXCERPT:
		if (p->extract_left > 0) {
			sb_addf(&p->extract, "\n%s", s);
			p->extract_left--;
		}
		break;
	default:
		p->extract_left = 0;
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

size_t kbuild_tags(const struct kbuild_progress *p, const struct kbuild_tag_count **tags)
{
	*tags = p->tags;
	return p->n_tags;
}

const char *kbuild_current_dir(const struct kbuild_progress *p)
{
	return p->dir;
}

const char *kbuild_last_line(const struct kbuild_progress *p)
{
	return p->last_line;
}

const struct kbuild_diag *kbuild_first_error(const struct kbuild_progress *p)
{
	if (p->counts.errors)
		return &p->first_error;
	return p->counts.make_errors ? &p->first_make : NULL;
}

const struct kbuild_diag *kbuild_last_warning(const struct kbuild_progress *p)
{
	return p->counts.warnings ? &p->last_warning : NULL;
}

const char *kbuild_error_extract(const struct kbuild_progress *p)
{
	return p->extract.s ? p->extract.s : "";
}

/* First curve index whose step is >= step (n_curve when none). */
static size_t hist_first_index(const struct kbuild_history *h, size_t step)
{
	size_t lo = 0, hi = h->n_curve;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->curve[mid].step < step)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* When the earlier run had printed `step` steps (the first moment it had). */
static double hist_time_at(const struct kbuild_history *h, size_t step)
{
	if (!h->n_curve)
		return 0;
	size_t i = hist_first_index(h, step);
	if (i == h->n_curve)
		return h->curve[h->n_curve - 1].t;
	const struct kbuild_point *b = &h->curve[i];
	if (b->step == step || i == 0)
		return b->t;
	const struct kbuild_point *a = &h->curve[i - 1];
	return a->t + (b->t - a->t) * (double)(step - a->step) / (double)(b->step - a->step);
}

static void anchors_sort_unique(struct kbuild_history *h)
{
	qsort(h->anchors, h->n_anchors, sizeof(*h->anchors), anchor_cmp);
	size_t j = 0;
	for (size_t i = 0; i < h->n_anchors; i++) {
		if (j && strcmp(h->anchors[j - 1].label, h->anchors[i].label) == 0) {
			free(h->anchors[i].label);
			continue;
		}
		h->anchors[j++] = h->anchors[i];
	}
	h->n_anchors = j;
}

void kbuild_history_from_run(const struct kbuild_progress *p, struct kbuild_history *h)
{
	memset(h, 0, sizeof(*h));
	size_t n = p->counts.steps;
	h->steps = n;
	h->lines = p->counts.lines;
	h->seconds = p->finished ? p->t_end : p->t_last;

	/* Points evenly spaced in steps and in time, plus both ends of every
	 * silence so that the flat stretch of the ThinLTO link stays sharp. They
	 * are taken among the kept step times: point j >= 1 is step j * stride
	 * (every step, unless a flood thinned them), point 0 the start. */
	size_t m = p->n_step_t, sd = p->stride;
	bool *keep = xcalloc(m + 1, sizeof(*keep));
	keep[0] = keep[m] = true;
	for (size_t i = 1; i < CURVE_POINTS; i++)
		keep[n * i / CURVE_POINTS / sd] = true;
	size_t k = 0;
	for (size_t i = 1; i < CURVE_POINTS && m; i++) {
		double target = h->seconds * (double)i / CURVE_POINTS;
		while (k < m - 1 && p->step_t[k] < target)
			k++;
		keep[k + 1] = true;
	}
	for (size_t i = 0; i < p->n_silences; i++) {
		size_t st = p->silences[i].step / sd;
		keep[st < m ? st : m] = true;
		if (st < m)
			keep[st + 1] = true;
	}
	/* The last step itself, when the thinning did not keep it. */
	bool tail = n > m * sd;
	h->n_curve = tail;
	for (size_t i = 0; i <= m; i++)
		h->n_curve += keep[i];
	h->curve = xcalloc(h->n_curve, sizeof(*h->curve));
	size_t j = 0;
	for (size_t i = 0; i <= m; i++)
		if (keep[i])
			h->curve[j++] = (struct kbuild_point){ i * sd, i ? p->step_t[i - 1] : 0 };
	if (tail)
		h->curve[j++] = (struct kbuild_point){ n, p->t_step };
	free(keep);

	h->n_silences = p->n_silences;
	h->silences = xcalloc(h->n_silences, sizeof(*h->silences));
	for (size_t i = 0; i < p->n_silences; i++) {
		h->silences[i] = p->silences[i];
		h->silences[i].label = xstrdup(p->silences[i].label);
	}
	/* Compile steps evenly spread over the run; a label printed twice is no anchor. */
	size_t want = p->n_seen < KBUILD_ANCHORS ? p->n_seen : KBUILD_ANCHORS;
	h->anchors = xcalloc(want ? want : 1, sizeof(*h->anchors));
	for (size_t i = 0; i < want; i++) {
		const struct kbuild_anchor *s = &p->seen[(p->n_seen - 1) * i / (want > 1 ? want - 1 : 1)];
		h->anchors[h->n_anchors++] = (struct kbuild_anchor){ xstrdup(s->label), s->t };
	}
	anchors_sort_unique(h);
}

void kbuild_history_free(struct kbuild_history *h)
{
	if (!h)
		return;
	free(h->curve);
	for (size_t i = 0; i < h->n_silences; i++)
		free(h->silences[i].label);
	free(h->silences);
	for (size_t i = 0; i < h->n_anchors; i++)
		free(h->anchors[i].label);
	free(h->anchors);
	memset(h, 0, sizeof(*h));
}

static void history_copy(struct kbuild_history *dst, const struct kbuild_history *src)
{
	*dst = *src;
	dst->curve = xcalloc(src->n_curve, sizeof(*dst->curve));
	memcpy(dst->curve, src->curve, src->n_curve * sizeof(*dst->curve));
	dst->silences = xcalloc(src->n_silences, sizeof(*dst->silences));
	for (size_t i = 0; i < src->n_silences; i++) {
		dst->silences[i] = src->silences[i];
		dst->silences[i].label = xstrdup(src->silences[i].label);
	}
	dst->anchors = xcalloc(src->n_anchors ? src->n_anchors : 1, sizeof(*dst->anchors));
	for (size_t i = 0; i < src->n_anchors; i++)
		dst->anchors[i] = (struct kbuild_anchor){ xstrdup(src->anchors[i].label), src->anchors[i].t };
}

/* Times are saved as whole milliseconds: enough, and half the size. */
static int64_t to_ms(double t)
{
	return (int64_t)(t * 1000.0 + (t < 0 ? -0.5 : 0.5));
}

struct json_object *kbuild_history_to_json(const struct kbuild_history *h)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(1));
	json_object_object_add(o, "steps", json_object_new_int64((int64_t)h->steps));
	json_object_object_add(o, "lines", json_object_new_int64((int64_t)h->lines));
	json_object_object_add(o, "ms", json_object_new_int64(to_ms(h->seconds)));
	struct json_object *curve = json_object_new_array();
	for (size_t i = 0; i < h->n_curve; i++) {
		struct json_object *pt = json_object_new_array();
		json_object_array_add(pt, json_object_new_int64((int64_t)h->curve[i].step));
		json_object_array_add(pt, json_object_new_int64(to_ms(h->curve[i].t)));
		json_object_array_add(curve, pt);
	}
	json_object_object_add(o, "curve", curve);
	struct json_object *sil = json_object_new_array();
	for (size_t i = 0; i < h->n_silences; i++) {
		const struct kbuild_silence *si = &h->silences[i];
		struct json_object *so = json_object_new_object();
		json_object_object_add(so, "step", json_object_new_int64((int64_t)si->step));
		json_object_object_add(so, "start_ms", json_object_new_int64(to_ms(si->start)));
		json_object_object_add(so, "ms", json_object_new_int64(to_ms(si->seconds)));
		json_object_object_add(so, "label", json_object_new_string(si->label ? si->label : ""));
		json_object_array_add(sil, so);
	}
	json_object_object_add(o, "silences", sil);
	struct json_object *anc = json_object_new_array();
	for (size_t i = 0; i < h->n_anchors; i++) {
		struct json_object *pt = json_object_new_array();
		json_object_array_add(pt, json_object_new_string(h->anchors[i].label));
		json_object_array_add(pt, json_object_new_int64(to_ms(h->anchors[i].t)));
		json_object_array_add(anc, pt);
	}
	json_object_object_add(o, "anchors", anc);
	return o;
}

/* A non-negative integer member, or -1. */
static int64_t get_count(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	int64_t n = json_object_get_int64(v);
	return n >= 0 ? n : -1;
}

int kbuild_history_from_json(struct json_object *obj, struct kbuild_history *h, char **cause)
{
	memset(h, 0, sizeof(*h));
	struct json_object *curve, *sil;
	if (!obj || !json_object_is_type(obj, json_type_object) || get_count(obj, "version") != 1) {
		cause_set(cause, "build history: not a version 1 object");
		return -EINVAL;
	}
	int64_t steps = get_count(obj, "steps"), lines = get_count(obj, "lines");
	int64_t ms = get_count(obj, "ms");
	if (steps <= 0 || lines < 0 || ms <= 0 ||
	    !json_object_object_get_ex(obj, "curve", &curve) ||
	    !json_object_is_type(curve, json_type_array) || !json_object_array_length(curve)) {
		cause_set(cause, "build history: steps, ms or curve missing");
		return -EINVAL;
	}
	h->steps = (size_t)steps;
	h->lines = (size_t)lines;
	h->seconds = (double)ms / 1000.0;
	h->n_curve = json_object_array_length(curve);
	h->curve = xcalloc(h->n_curve, sizeof(*h->curve));
	for (size_t i = 0; i < h->n_curve; i++) {
		struct json_object *pt = json_object_array_get_idx(curve, i);
		struct json_object *a = pt && json_object_is_type(pt, json_type_array) &&
			json_object_array_length(pt) == 2 ? json_object_array_get_idx(pt, 0) : NULL;
		struct json_object *b = a ? json_object_array_get_idx(pt, 1) : NULL;
		if (!a || !b || !json_object_is_type(a, json_type_int) ||
		    !json_object_is_type(b, json_type_int) || json_object_get_int64(a) < 0) {
			cause_set(cause, "build history: curve point %zu is not [step, ms]", i);
			goto bad;
		}
		h->curve[i].step = (size_t)json_object_get_int64(a);
		h->curve[i].t = (double)json_object_get_int64(b) / 1000.0;
		if (i && (h->curve[i].step <= h->curve[i - 1].step || h->curve[i].t < h->curve[i - 1].t)) {
			cause_set(cause, "build history: curve not ascending at point %zu", i);
			goto bad;
		}
	}
	if (json_object_object_get_ex(obj, "silences", &sil) && json_object_is_type(sil, json_type_array)) {
		size_t n = json_object_array_length(sil);
		h->silences = xcalloc(n, sizeof(*h->silences));
		for (size_t i = 0; i < n; i++) {
			struct json_object *so = json_object_array_get_idx(sil, i), *label;
			int64_t st = get_count(so, "step"), start = get_count(so, "start_ms");
			int64_t len = get_count(so, "ms");
			if (st < 0 || start < 0 || len < 0)
				continue;
			struct kbuild_silence *si = &h->silences[h->n_silences++];
			si->step = (size_t)st;
			si->start = (double)start / 1000.0;
			si->seconds = (double)len / 1000.0;
			si->label = xstrdup(json_object_object_get_ex(so, "label", &label) ?
				json_object_get_string(label) : "");
		}
	}
	struct json_object *anc;
	if (json_object_object_get_ex(obj, "anchors", &anc) && json_object_is_type(anc, json_type_array)) {
		size_t n = json_object_array_length(anc);
		h->anchors = xcalloc(n ? n : 1, sizeof(*h->anchors));
		for (size_t i = 0; i < n; i++) {
			struct json_object *pt = json_object_array_get_idx(anc, i);
			struct json_object *l = pt && json_object_is_type(pt, json_type_array) &&
				json_object_array_length(pt) == 2 ? json_object_array_get_idx(pt, 0) : NULL;
			struct json_object *at = l ? json_object_array_get_idx(pt, 1) : NULL;
			if (!l || !at || !json_object_is_type(l, json_type_string) || !json_object_is_type(at, json_type_int))
				continue;
			h->anchors[h->n_anchors++] =
				(struct kbuild_anchor){ xstrdup(json_object_get_string(l)), (double)json_object_get_int64(at) / 1000.0 };
		}
		anchors_sort_unique(h);
	}
	return 0;
bad:
	kbuild_history_free(h);
	return -EINVAL;
}

void kbuild_set_history(struct kbuild_progress *p, const struct kbuild_history *h)
{
	kbuild_history_free(&p->hist);
	p->has_history = h && h->steps && h->n_curve && h->seconds > 0;
	p->distrusted = false;
	p->anchored = false;
	p->h_anchor = 0;
	if (p->has_history)
		history_copy(&p->hist, h);
}

void kbuild_set_dryrun(struct kbuild_progress *p, const struct kbuild_dryrun *d)
{
	size_t steps = kbuild_dryrun_expected(d), compiles = kbuild_dryrun_expected_compiles(d);
	p->expected = steps ? p->counts.steps + steps : 0;
	p->expected_compiles = compiles ? p->compiles + compiles : 0;
}

void kbuild_set_expected(struct kbuild_progress *p, size_t steps)
{
	p->expected = steps;
	p->expected_compiles = 0;
}

const char *kbuild_basis_name(enum kbuild_basis b)
{
	switch (b) {
	case KBUILD_EST_DRYRUN: return N_("dry run");
	case KBUILD_EST_HISTORY: return N_("last build");
	case KBUILD_EST_PACE: return N_("current pace");
	case KBUILD_EST_NONE: break;
	}
	return N_("none");
}

/* Steps per second over the last RATE_WINDOW seconds. */
static double window_rate(const struct kbuild_progress *p, double now)
{
	/* lo kept times are at or before the window: about lo * stride steps. */
	size_t lo = 0, hi = p->n_step_t;
	double from = now - RATE_WINDOW;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->step_t[mid] <= from)
			lo = mid + 1;
		else
			hi = mid;
	}
	double span = now < RATE_WINDOW ? now : RATE_WINDOW;
	return span > 0 ? (double)(p->counts.steps - lo * p->stride) / span : 0;
}

/* The earlier run's curve, scaled by how fast this run reached the same
 * step. The scale is damped towards 1 early on, when a second's jitter
 * would otherwise swing it widely. */
static void estimate_history(const struct kbuild_progress *p, double now, struct kbuild_estimate *e)
{
	const struct kbuild_history *h = &p->hist;
	double damp = dmin(30.0, dmax(2.0, 0.05 * h->seconds));
	if (p->anchored && p->h_anchor > p->h_first) {
		/* Where this run is, by what it compiles; its pace, from the stretch both runs
		 * compiled (what came before, a prepare already done, cancels out). */
		double r = (p->t_anchor - p->t_first + damp) / (p->h_anchor - p->h_first + damp);
		double since = now - p->t_anchor;
		e->expected_steps = h->steps;
		e->fraction = dmin(0.99, (p->h_anchor + dmin(since / r, h->seconds - p->h_anchor)) / h->seconds);
		double eta = (h->seconds - p->h_anchor) * r - since;
		e->eta_seconds = eta > 0 ? eta : -1;
		return;
	}
	size_t s = p->counts.steps < h->steps ? p->counts.steps : h->steps;
	double t_s = p->t_step;
	double th = hist_time_at(h, s);
	double th_next = s < h->steps ? hist_time_at(h, s + 1) : h->seconds;
	double r = (t_s + damp) / (th + damp);
	double since = now - t_s;
	e->expected_steps = h->steps;
	e->fraction = dmin(0.99, (th + dmin(since / r, th_next - th)) / h->seconds);
	double eta = (h->seconds - th) * r - since;
	/* Overdue: unknown rather than a made-up number. */
	e->eta_seconds = eta > 0 ? eta : -1;
}

/* `done` of `total` units, the last one at t_done: the rest at the average
 * pace so far. */
static void estimate_pace(size_t done, size_t total, double t_done, double now,
			  struct kbuild_estimate *e)
{
	e->fraction = dmin(0.99, (double)done / (double)total);
	if (!done || done >= total)
		return;
	double eta = (double)(total - done) * (t_done / (double)done) - (now - t_done);
	e->eta_seconds = eta > 0 ? eta : -1;
}

static const struct kbuild_silence *silence_near(const struct kbuild_history *h, size_t step, const char *label)
{
	const struct kbuild_silence *best = NULL;
	size_t best_d = 0;
	/* The step before a silence names it ("LD vmlinux.o"): a later build links
	 * the same way however many steps came first (a prepared tree skips the
	 * first build's separate make prepare). */
	for (size_t i = 0; label && *label && i < h->n_silences; i++) {
		size_t st = h->silences[i].step;
		size_t d = st > step ? st - step : step - st;
		if (h->silences[i].label && strcmp(h->silences[i].label, label) == 0 && (!best || d < best_d)) {
			best = &h->silences[i];
			best_d = d;
		}
	}
	if (best)
		return best;
	/* Else by position: the same tree and config print the same steps, give
	 * or take a few lines of make chatter. */
	size_t tol = h->steps / 100 > 2 ? h->steps / 100 : 2;
	for (size_t i = 0; i < h->n_silences; i++) {
		size_t st = h->silences[i].step;
		size_t d = st > step ? st - step : step - st;
		if (d <= tol && (!best || d < best_d)) {
			best = &h->silences[i];
			best_d = d;
		}
	}
	return best;
}

struct kbuild_estimate kbuild_estimate(const struct kbuild_progress *p, double now)
{
	struct kbuild_estimate e = {
		.basis = KBUILD_EST_NONE, .fraction = -1, .eta_seconds = -1,
		.silent_last_time = -1, .silent_label = "",
	};
	if (now < p->t_last)
		now = p->t_last;
	e.elapsed = now;
	e.steps = p->counts.steps;
	e.rate = window_rate(p, now);
	if (!p->finished && now - p->t_last >= KBUILD_SILENT_MIN) {
		e.in_silent_phase = true;
		e.silent_elapsed = now - p->t_last;
		e.silent_label = p->last_step;
		const struct kbuild_silence *si = p->has_history ?
			silence_near(&p->hist, p->counts.steps, p->last_step) : NULL;
		if (si)
			e.silent_last_time = si->seconds;
	}
	if (p->has_history && !p->distrusted) {
		e.basis = KBUILD_EST_HISTORY;
		estimate_history(p, now, &e);
	} else if (p->has_history) {
		e.basis = KBUILD_EST_PACE;
		e.expected_steps = p->hist.steps;
		estimate_pace(p->counts.steps, p->hist.steps,
			      p->t_step, now, &e);
	} else if (p->expected_compiles) {
		/* Compiles, not steps: the hundreds of "AR built-in.a" lines come
		 * in quick bursts and made a step-paced ETA 70% off at half-time. */
		e.basis = KBUILD_EST_DRYRUN;
		e.expected_steps = p->expected;
		estimate_pace(p->compiles, p->expected_compiles, p->t_compile, now, &e);
	} else if (p->expected) {
		e.basis = KBUILD_EST_DRYRUN;
		e.expected_steps = p->expected;
		estimate_pace(p->counts.steps, p->expected,
			      p->t_step, now, &e);
	}
	if (p->finished) {
		e.fraction = 1;
		e.eta_seconds = 0;
	}
	return e;
}

/* Every recipe line of `make -n` that kbuild would announce holds
 * "echo '  TAG     target'" (quiet_cmd_*); filechk's "UPD" sits after
 * "then" and prints only when the file's content changes. Module link
 * steps are not listed, but each module's `.mod` recipe is (quietly). */
void kbuild_dryrun_feed(struct kbuild_dryrun *d, const char *line)
{
	d->lines++;
	for (const char *q = strstr(line, "echo '  "); q; q = strstr(q + 1, "echo '  ")) {
		const char *t = q + 8;
		size_t n = 0;
		while (isupper((unsigned char)t[n]) || isdigit((unsigned char)t[n]) || t[n] == '_')
			n++;
		if (n < 2 || t[n] != ' ')
			continue;
		const char *b = q;
		while (b > line && isspace((unsigned char)b[-1]))
			b--;
		if (b - line >= 4 && strncmp(b - 4, "then", 4) == 0 &&
		    (b - line == 4 || !isalnum((unsigned char)b[-5])))
			d->conditional++;
		else
			d->listed++;
		if (n == 2 && (strncmp(t, "CC", 2) == 0 || strncmp(t, "AS", 2) == 0))
			d->compiles++;
	}
	for (const char *q = strstr(line, ".mod; trap - HUP;"); q; q = strstr(q + 1, ".mod; trap - HUP;"))
		d->modules++;
}

void kbuild_dryrun_count(struct kbuild_dryrun *d, const char *text)
{
	while (*text) {
		size_t n = strcspn(text, "\n");
		char *s = xmalloc(n + 1);
		memcpy(s, text, n);
		s[n] = '\0';
		kbuild_dryrun_feed(d, s);
		free(s);
		text += n;
		if (*text == '\n')
			text++;
	}
}

/* What the dry run cannot list, measured (tests/fixtures/kbuild/README.md):
 * it stops at vmlinux.a, so the vmlinux link, modpost and the bzImage stage
 * come on top: 64 steps (39 of them compiles) with kallsyms, as on every
 * distro config; 52 (36) without. It also re-lists a few prepare steps that
 * the real build skips; the constants absorb them. Each module adds
 * "CC [M] x.mod.o" and "LD [M] x.ko", and there is one .module-common.o
 * (BTF for modules would add "BTF [M]" per module: not measured here). */
#define DRYRUN_TAIL 64
#define DRYRUN_TAIL_COMPILES 39
#define DRYRUN_PER_MODULE 2

size_t kbuild_dryrun_expected(const struct kbuild_dryrun *d)
{
	if (!d->listed)
		return 0;
	return d->listed + DRYRUN_TAIL + d->modules * DRYRUN_PER_MODULE + (d->modules ? 1 : 0);
}

size_t kbuild_dryrun_expected_compiles(const struct kbuild_dryrun *d)
{
	if (!d->compiles)
		return 0;
	return d->compiles + DRYRUN_TAIL_COMPILES + d->modules + (d->modules ? 1 : 0);
}
