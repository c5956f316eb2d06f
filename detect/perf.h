/* The perf on PATH: where it is, its version, and whether it was built with
 * libpfm4 (only then does `perf record --pfm-events` exist). */
#ifndef KFDO_PERF_H
#define KFDO_PERF_H

struct perf_info {
	char *path;    /* NULL: no perf on PATH */
	char *version; /* "6.1.187" */
	int libpfm;    /* 1 on, 0 off, -1 unknown */
};

void perf_probe(struct perf_info *p);
/* Parses `perf version --build-options` output into p (version, libpfm). */
void perf_parse_build_options(struct perf_info *p, const char *text);
void perf_info_free(struct perf_info *p);

#endif
