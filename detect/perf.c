#include "detect/perf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base/paths.h"
#include "base/util.h"
#include "proc/capture.h"

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

/* Starting perf takes 10 ms and more (a 9 MB binary with its libraries),
 * most of `kfdo detect`'s time: its answer is kept in $XDG_CACHE_HOME/kfdo/
 * for the same binary (path, device, inode, size, mtime, ctime). */
static json_object *perf_key(const char *path, const struct stat *st)
{
	json_object *k = json_object_new_array();
	json_object_array_add(k, json_object_new_string(path));
	const long long v[] = { (long long)st->st_dev, (long long)st->st_ino, (long long)st->st_size,
				(long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
				(long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec };
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		json_object_array_add(k, json_object_new_int64(v[i]));
	return k;
}

static char *cache_path(void)
{
	char *dir = paths_cache_dir();
	char *f = xasprintf("%s/perf-probe.json", dir);
	free(dir);
	return f;
}

static bool cache_read(struct perf_info *p, json_object *key)
{
	char *f = cache_path();
	json_object *o = json_object_from_file(f), *k, *v, *l;
	free(f);
	bool ok = o && json_object_object_get_ex(o, "key", &k) && json_object_equal(k, key) &&
		  json_object_object_get_ex(o, "libpfm", &l) && json_object_is_type(l, json_type_int);
	if (ok) {
		p->libpfm = json_object_get_int(l);
		if (json_object_object_get_ex(o, "version", &v) && json_object_is_type(v, json_type_string))
			p->version = xstrdup(json_object_get_string(v));
	}
	json_object_put(o);
	return ok;
}

/* Best effort: a cache that cannot be written costs the next run 10 ms. */
static void cache_write(const struct perf_info *p, json_object *key)
{
	char *f = cache_path(), *dir = xstrdup(f);
	*strrchr(dir, '/') = '\0';
	if (mkdir_p(dir, 0700, NULL) == 0) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "key", json_object_get(key));
		json_object_object_add(o, "libpfm", json_object_new_int(p->libpfm));
		if (p->version)
			json_object_object_add(o, "version", json_object_new_string(p->version));
		char *tmp = xasprintf("%s.%ld", f, (long)getpid());
		if (json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PLAIN) == 0 && rename(tmp, f) == 0)
			tmp[0] = '\0';
		if (tmp[0])
			unlink(tmp);
		free(tmp);
		json_object_put(o);
	}
	free(dir);
	free(f);
}

void perf_probe(struct perf_info *p)
{
	memset(p, 0, sizeof(*p));
	p->libpfm = -1;
	p->path = path_find_exe("perf");
	struct stat st;
	if (!p->path || stat(p->path, &st) < 0)
		return;
	json_object *key = perf_key(p->path, &st);
	if (!cache_read(p, key)) {
		const char *argv[] = { p->path, "version", "--build-options", NULL };
		struct run_result res;
		if (run_capture(argv, RUN_TIMEOUT_MS, &res, NULL) == 0 && res.exit_code == 0) {
			perf_parse_build_options(p, res.output);
			cache_write(p, key);
		}
		run_result_free(&res);
	}
	json_object_put(key);
}

void perf_info_free(struct perf_info *p)
{
	free(p->path);
	free(p->version);
	memset(p, 0, sizeof(*p));
}
