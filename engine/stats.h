/* Before/after statistics for the benchmarks (engine/bench.c): is the new
 * kernel faster, by how much, and how sure are we.
 *
 * The method is Mann-Whitney's with the Hodges-Lehmann estimate, on the log
 * of each sample, so that the shift is a ratio (a percentage) whatever the
 * benchmark's unit. The 95% interval comes from the exact distribution of the
 * U statistic: at the five to ten samples a benchmark run affords, a bootstrap
 * of medians resamples few distinct values and its percentile intervals fall
 * short of their nominal coverage (claiming differences it cannot see); the
 * exact interval keeps its coverage at any sample size and assumes nothing
 * about the shape of the noise, only that the new kernel shifts it. It needs
 * four samples on each side at 95%, five when the 95% is shared among rows
 * (stats_family_alpha). */
#ifndef KFDO_STATS_H
#define KFDO_STATS_H

#include <stdbool.h>
#include <stddef.h>

/* Below this many samples on a side no 95% interval exists (4 and 4 give one). */
#define STATS_MIN_SAMPLES 4
/* A shift smaller than this (as a fraction) is not called a difference even
 * when the interval excludes zero: a machine measured twice drifts (caches,
 * thermals, the page cache) by at least this much, which is not the kernel. */
#define STATS_NOISE_FLOOR 0.01
/* A benchmark whose samples spread wider than this (robust relative spread,
 * MAD scaled to a standard deviation, over the median) gets no verdict. */
#define STATS_NOISY_SPREAD 0.08

enum stats_verdict {
	VERDICT_BETTER,		/* the whole interval is on the better side, beyond the floor */
	VERDICT_SAME,		/* no difference this measurement can tell */
	VERDICT_WORSE,
	VERDICT_NOISY,		/* too spread out to say anything */
	VERDICT_TOO_FEW,	/* fewer than STATS_MIN_SAMPLES on a side */
};

struct stats_cmp {
	/* after/before - 1, as fractions: the estimate and its 95% interval. For a
	 * time a negative change is faster; gain_* below has the sign flipped for
	 * lower-is-better metrics, so that positive always means better. */
	double change, change_lo, change_hi;
	double gain, gain_lo, gain_hi;
	double coverage;	/* the interval's exact confidence (>= 1 - alpha) */
	double spread_before, spread_after;	/* robust relative spread of each side */
	double median_before, median_after;
	enum stats_verdict verdict;
};

/* Compares after[] with before[] (positive values: times, rates) with an
 * interval of confidence >= 1 - alpha. lower_better: the metric is a time.
 * Fills out; returns the verdict. */
enum stats_verdict stats_compare(const double *before, size_t n, const double *after, size_t m,
				 bool lower_better, double alpha, struct stats_cmp *out);
/* The alpha of each of `rows` intervals that hold all at once with 95%
 * confidence (Bonferroni): a table of five rows at 95% each would call one of
 * them different by chance in about one comparison in four. */
double stats_family_alpha(size_t rows);

/* The order statistic k (1-based) of the pairwise differences that bounds the
 * exact two-sided interval at level >= 1 - alpha for samples of n and m, and its
 * real coverage in *coverage; 0 when n and m are too small for any. */
size_t stats_mw_rank(size_t n, size_t m, double alpha, double *coverage);

/* Median of v (sorted in place). */
double stats_median(double *v, size_t n);
/* Median absolute deviation times 1.4826, over the median: a spread that one
 * outlier cannot inflate. 0 for fewer than two values. */
double stats_rel_spread(const double *v, size_t n);

const char *stats_verdict_key(enum stats_verdict v);

#endif
