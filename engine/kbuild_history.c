/* A finished run as history for the next one's ETA: its timing curve,
 * silences and anchors, saved in the session as JSON (see kbuild.h). */
#include "engine/kbuild.h"
#include "engine/kbuild_int.h"
#include "base/util.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Curve points kept per axis when a run becomes history. */
#define CURVE_POINTS 100

int kbuild_anchor_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kbuild_anchor *)a)->label, ((const struct kbuild_anchor *)b)->label);
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

double kbuild_hist_time_at(const struct kbuild_history *h, size_t step)
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
	qsort(h->anchors, h->n_anchors, sizeof(*h->anchors), kbuild_anchor_cmp);
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
