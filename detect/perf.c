#include "detect/perf.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "detect/run.h"

void perf_parse_build_options(struct perf_info *p, const char *text)
{
	p->libpfm = -1;
	const char *v = strstr(text, "perf version ");
	if (v) {
		v += strlen("perf version ");
		size_t n = strcspn(v, " \n");
		free(p->version);
		p->version = xasprintf("%.*s", (int)n, v);
	}
	/* "               libpfm4: [ on  ]  # HAVE_LIBPFM" */
	const char *l = strstr(text, "libpfm4: [");
	if (l) {
		l += strlen("libpfm4: [");
		while (*l == ' ')
			l++;
		p->libpfm = str_starts(l, "on") ? 1 : str_starts(l, "OFF") || str_starts(l, "off") ? 0 : -1;
	}
}

void perf_probe(struct perf_info *p)
{
	memset(p, 0, sizeof(*p));
	p->libpfm = -1;
	p->path = path_find_exe("perf");
	if (!p->path)
		return;
	const char *argv[] = { p->path, "version", "--build-options", NULL };
	struct run_result res;
	if (run_capture(argv, RUN_TIMEOUT_MS, &res, NULL) == 0 && res.exit_code == 0)
		perf_parse_build_options(p, res.output);
	run_result_free(&res);
}

void perf_info_free(struct perf_info *p)
{
	free(p->path);
	free(p->version);
	memset(p, 0, sizeof(*p));
}
