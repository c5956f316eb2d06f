#include "detect/cpudump.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Legacy arrays and the leaf each index stands for. */
static const struct {
	const char *name;
	uint32_t leaf;
	bool index_is_sub; /* the index is a subleaf of a fixed leaf */
} legacy_arrays[] = {
	{ "basic_cpuid", 0, false },
	{ "ext_cpuid", 0x80000000u, false },
	{ "intel_fn4", 4, true },
	{ "intel_fn11", 0xb, true },
	{ "intel_fn12h", 0x12, true },
	{ "intel_fn14h", 0x14, true },
	{ "amd_fn8000001dh", 0x8000001du, true },
};

static struct cpudump_cpu *dump_new_cpu(struct cpudump *d)
{
	d->cpus = xrealloc(d->cpus, (d->ncpu + 1) * sizeof(*d->cpus));
	struct cpudump_cpu *c = &d->cpus[d->ncpu++];
	memset(c, 0, sizeof(*c));
	return c;
}

static void cpu_add(struct cpudump_cpu *c, uint32_t leaf, uint32_t sub, bool tagged, const uint32_t r[4])
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	struct cpudump_leaf *l = &c->v[c->n++];
	l->leaf = leaf;
	l->sub = sub;
	l->tagged = tagged;
	memcpy(l->r, r, sizeof(l->r));
}

/* "CPUID 80000022: 00000007-00084106-00000003-00000000 [SL 01] [...]" */
static bool parse_aida(const char *line, uint32_t *leaf, uint32_t *sub, bool *tagged, uint32_t r[4])
{
	unsigned a, b, c, e, l;
	int n = 0;
	if (sscanf(line, "CPUID %8x: %8x-%8x-%8x-%8x%n", &l, &a, &b, &c, &e, &n) != 5 || n == 0)
		return false;
	*leaf = l;
	*sub = 0;
	*tagged = false;
	r[0] = a, r[1] = b, r[2] = c, r[3] = e;
	const char *sl = strstr(line + n, "[SL ");
	unsigned s;
	if (sl && sscanf(sl, "[SL %2x]", &s) == 1) {
		*sub = s;
		*tagged = true;
	}
	return true;
}

/* "basic_cpuid[7]=00000000 000027ab 00000000 00000000" */
static bool parse_legacy(const char *line, uint32_t *leaf, uint32_t *sub, uint32_t r[4])
{
	for (size_t i = 0; i < ARRAY_LEN(legacy_arrays); i++) {
		size_t n = strlen(legacy_arrays[i].name);
		if (strncmp(line, legacy_arrays[i].name, n) != 0 || line[n] != '[')
			continue;
		unsigned idx, a, b, c, e;
		int end = 0;
		if (sscanf(line + n, "[%u]=%8x %8x %8x %8x%n", &idx, &a, &b, &c, &e, &end) != 5 || end == 0)
			return false;
		if (legacy_arrays[i].index_is_sub) {
			*leaf = legacy_arrays[i].leaf;
			*sub = idx;
		} else {
			*leaf = legacy_arrays[i].leaf + idx;
			*sub = 0;
		}
		r[0] = a, r[1] = b, r[2] = c, r[3] = e;
		return true;
	}
	return false;
}

static bool is_cpu_header(const char *line)
{
	/* "------[ Logical CPU #0 ]------", "------[ CPUID Registers / Logical CPU #0 ]------"
	 * or "CPU#000 AffMask: 0x..." (a format libcpuid 0.6.2 cannot read). */
	return (str_starts(line, "------[") && strstr(line, "Logical CPU #")) ||
	       (str_starts(line, "CPU#") && strstr(line, "AffMask"));
}

static bool is_trailer(const char *line)
{
	/* libcpuid's test files end the registers with a line of dashes. */
	return strspn(line, "-") >= 20 && line[strspn(line, "-")] == '\0';
}

static bool cpu_has(const struct cpudump_cpu *c, uint32_t leaf)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].leaf == leaf)
			return true;
	return false;
}

static void dump_normalize(struct cpudump *d)
{
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < d->ncpu; i++) {
		const struct cpudump_cpu *c = &d->cpus[i];
		if (!d->legacy)
			sb_addf(&sb, "------[ Logical CPU #%zu ]------\n", i);
		for (size_t k = 0; k < c->n; k++) {
			const struct cpudump_leaf *l = &c->v[k];
			if (!d->legacy) {
				sb_addf(&sb, "CPUID %08" PRIX32 ": %08" PRIX32 "-%08" PRIX32 "-%08" PRIX32 "-%08" PRIX32,
					l->leaf, l->r[0], l->r[1], l->r[2], l->r[3]);
				if (l->tagged)
					sb_addf(&sb, " [SL %02" PRIX32 "]", l->sub);
				sb_add(&sb, "\n");
				continue;
			}
			const char *name = "basic_cpuid";
			uint32_t idx = l->leaf;
			if (l->leaf >= 0x80000000u && l->leaf != 0x8000001du) {
				name = "ext_cpuid";
				idx = l->leaf - 0x80000000u;
			} else {
				for (size_t a = 0; a < ARRAY_LEN(legacy_arrays); a++)
					if (legacy_arrays[a].index_is_sub && legacy_arrays[a].leaf == l->leaf) {
						name = legacy_arrays[a].name;
						idx = l->sub;
					}
			}
			sb_addf(&sb, "%s[%" PRIu32 "]=%08" PRIx32 " %08" PRIx32 " %08" PRIx32 " %08" PRIx32 "\n",
				name, idx, l->r[0], l->r[1], l->r[2], l->r[3]);
		}
	}
	d->normalized = sb.s;
}

int cpudump_parse(struct cpudump *d, const char *text, char **cause)
{
	memset(d, 0, sizeof(*d));
	struct cpudump_cpu *cur = NULL;
	size_t lineno = 0, understood = 0, bad = 0;
	size_t first_bad = 0;
	int kind = 0; /* 1 AIDA-style, 2 legacy */
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xasprintf("%.*s", (int)n, p);
		char *t = str_trim(line);
		p = nl ? nl + 1 : p + n;
		lineno++;
		uint32_t leaf, sub, r[4];
		bool stop = false, tagged = false;

		if (!*t) {
			/* blank */
		} else if (is_trailer(t)) {
			stop = true;
		} else if (is_cpu_header(t)) {
			if (kind == 2)
				goto mixed;
			kind = 1;
			cur = dump_new_cpu(d);
		} else if (str_starts(t, "CPUID ") && parse_aida(t, &leaf, &sub, &tagged, r)) {
			if (kind == 2)
				goto mixed;
			kind = 1;
			if (!cur)
				cur = dump_new_cpu(d);
			cpu_add(cur, leaf, sub, tagged, r);
			understood++;
		} else if (parse_legacy(t, &leaf, &sub, r)) {
			if (kind == 1)
				goto mixed;
			kind = 2;
			if (!cur)
				cur = dump_new_cpu(d);
			cpu_add(cur, leaf, sub, false, r);
			understood++;
		} else if (kind == 2 && strchr(t, '=')) {
			/* Legacy dumps carry other "name=value" lines (version=...): harmless. */
		} else {
			if (!bad++)
				first_bad = lineno;
		}
		free(line);
		if (stop)
			break;
		continue;
mixed:
		free(line);
		cpudump_free(d);
		cause_set(cause, "line %zu mixes two dump formats", lineno);
		return -EINVAL;
	}

	if (!understood) {
		cpudump_free(d);
		if (lineno == 0 || (lineno == 1 && !*text))
			cause_set(cause, "the file is empty");
		else
			cause_set(cause, "no CPUID register lines in it (line %zu is not one): "
				  "not a libcpuid raw dump (cpuid_tool --save=FILE makes one)", first_bad ? first_bad : 1);
		return -EINVAL;
	}
	if (bad > understood) {
		cpudump_free(d);
		cause_set(cause, "most of it is not CPUID register lines (first bad line: %zu)", first_bad);
		return -EINVAL;
	}
	d->legacy = kind == 2;
	/* Every logical CPU needs at least the vendor and signature leaves. */
	for (size_t i = 0; i < d->ncpu; i++) {
		if (!cpu_has(&d->cpus[i], 0) || !cpu_has(&d->cpus[i], 1)) {
			size_t ncpu = d->ncpu;
			cpudump_free(d);
			cause_set(cause, "logical CPU #%zu of %zu lacks leaf 0 or 1: the dump is truncated", i, ncpu);
			return -EINVAL;
		}
	}
	dump_normalize(d);
	return 0;
}

int cpudump_load(struct cpudump *d, const char *path, char **cause)
{
	memset(d, 0, sizeof(*d));
	char *text = file_read(path, 64u << 20, NULL);
	if (!text) {
		int e = errno;
		cause_set(cause, "cannot read %s: %s", path, strerror(e));
		return -e;
	}
	/* A binary file parses only up to its first NUL and fails as "not a dump". */
	int r = cpudump_parse(d, text, cause);
	free(text);
	if (r < 0 && cause && *cause) {
		char *c = xasprintf("%s: %s", path, *cause);
		free(*cause);
		*cause = c;
	}
	return r;
}

void cpudump_free(struct cpudump *d)
{
	for (size_t i = 0; i < d->ncpu; i++)
		free(d->cpus[i].v);
	free(d->cpus);
	free(d->normalized);
	memset(d, 0, sizeof(*d));
}

bool cpudump_get(const struct cpudump *d, size_t i, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	if (i >= d->ncpu)
		return false;
	const struct cpudump_cpu *c = &d->cpus[i];
	for (size_t k = 0; k < c->n; k++)
		if (c->v[k].leaf == leaf && c->v[k].sub == sub) {
			memcpy(r, c->v[k].r, sizeof(c->v[k].r));
			return true;
		}
	return false;
}
