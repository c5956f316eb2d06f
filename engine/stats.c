/* Mann-Whitney with Hodges-Lehmann on log samples (why: stats.h). */
#include "engine/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double stats_median(double *v, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stats_rel_spread(const double *v, size_t n)
{
	if (n < 2)
		return 0;
	double *w = xmalloc(n * sizeof *w);
	memcpy(w, v, n * sizeof *w);
	double med = stats_median(w, n);
	for (size_t i = 0; i < n; i++)
		w[i] = fabs(v[i] - med);
	double mad = stats_median(w, n);
	free(w);
	return med > 0 ? 1.4826 * mad / med : 0;
}

/* The exact null distribution of U for samples of n and m: the number of ways
 * to reach each U is the coefficient of q^U in the Gaussian binomial
 * [n+m choose n], built as the product over i of (1 - q^(m+i)) / (1 - q^i).
 * Truncated at degree n*m, which is exact for a power series. */
size_t stats_mw_rank(size_t n, size_t m, double alpha, double *coverage)
{
	if (coverage)
		*coverage = 0;
	if (n == 0 || m == 0)
		return 0;
	size_t deg = n * m;
	double *p = xcalloc(deg + 1, sizeof *p);
	p[0] = 1;
	for (size_t i = 1; i <= n; i++) {
		for (size_t u = deg; u >= m + i && u <= deg; u--)
			p[u] -= p[u - m - i];
		for (size_t u = i; u <= deg; u++)
			p[u] += p[u - i];
	}
	double total = 0;
	for (size_t u = 0; u <= deg; u++)
		total += p[u];
	/* The largest k whose tail P(U <= k-1) stays within alpha/2. */
	size_t k = 0;
	double tail = 0, kept = 0;
	for (size_t u = 0; u <= deg / 2; u++) {
		tail += p[u] / total;
		if (tail > alpha / 2 + 1e-12)
			break;
		k = u + 1;
		kept = tail;
	}
	free(p);
	if (coverage && k)
		*coverage = 1 - 2 * kept;
	return k;
}

const char *stats_verdict_key(enum stats_verdict v)
{
	switch (v) {
	case VERDICT_BETTER: return "better";
	case VERDICT_SAME: return "same";
	case VERDICT_WORSE: return "worse";
	case VERDICT_NOISY: return "noisy";
	case VERDICT_TOO_FEW: return "too-few";
	}
	return "?";
}

double stats_family_alpha(size_t rows)
{
	return rows > 1 ? 0.05 / (double)rows : 0.05;
}

enum stats_verdict stats_compare(const double *before, size_t n, const double *after, size_t m,
				 bool lower_better, double alpha, struct stats_cmp *out)
{
	memset(out, 0, sizeof *out);
	out->change = out->change_lo = out->change_hi = NAN;
	out->gain = out->gain_lo = out->gain_hi = NAN;
	double *w = xmalloc((n > m ? n : m) * sizeof *w + sizeof *w);
	memcpy(w, before, n * sizeof *w);
	out->median_before = stats_median(w, n);
	memcpy(w, after, m * sizeof *w);
	out->median_after = stats_median(w, m);
	free(w);
	out->spread_before = stats_rel_spread(before, n);
	out->spread_after = stats_rel_spread(after, m);

	size_t k = stats_mw_rank(n, m, alpha, &out->coverage);
	if (n < STATS_MIN_SAMPLES || m < STATS_MIN_SAMPLES || k == 0)
		return out->verdict = VERDICT_TOO_FEW;
	for (size_t i = 0; i < n; i++)
		if (!(before[i] > 0))
			return out->verdict = VERDICT_TOO_FEW;
	for (size_t j = 0; j < m; j++)
		if (!(after[j] > 0))
			return out->verdict = VERDICT_TOO_FEW;

	/* Every pairwise difference of logs: their median is the estimate, their
	 * order statistics k and nm+1-k the interval. */
	size_t nm = n * m;
	double *d = xmalloc(nm * sizeof *d);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			d[i * m + j] = log(after[j]) - log(before[i]);
	double est = stats_median(d, nm); /* sorts d */
	out->change = expm1(est);
	out->change_lo = expm1(d[k - 1]);
	out->change_hi = expm1(d[nm - k]);
	free(d);

	/* Better as a positive number: for a time, 10% less time is 11.1% more
	 * speed; the gain is reported as the time saved (1 - after/before), the
	 * way "faster by 4%" is read for a benchmark's time. */
	if (lower_better) {
		out->gain = -out->change;
		out->gain_lo = -out->change_hi;
		out->gain_hi = -out->change_lo;
	} else {
		out->gain = out->change;
		out->gain_lo = out->change_lo;
		out->gain_hi = out->change_hi;
	}

	if (out->spread_before > STATS_NOISY_SPREAD || out->spread_after > STATS_NOISY_SPREAD)
		return out->verdict = VERDICT_NOISY;
	if (out->gain_lo > 0 && out->gain >= STATS_NOISE_FLOOR)
		return out->verdict = VERDICT_BETTER;
	if (out->gain_hi < 0 && out->gain <= -STATS_NOISE_FLOOR)
		return out->verdict = VERDICT_WORSE;
	return out->verdict = VERDICT_SAME;
}
