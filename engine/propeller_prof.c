/* The Propeller profiles' statistics (propeller_prof.h). */
#include "engine/propeller_prof.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/profile.h"
#include "engine/record.h"

/* The file whole; NULL with cause when it cannot be read, is empty, or is
 * larger than an AutoFDO profile may be (PROFILE_MAX_BYTES: a kernel's
 * Propeller profiles are a few MB too). */
static char *read_whole(const char *path, size_t *len, char **cause)
{
	struct stat st;
	if (stat(path, &st) == 0 && (uint64_t)st.st_size > PROFILE_MAX_BYTES) {
		char size[32], max[32];
		record_fmt_size(size, sizeof(size), (uint64_t)st.st_size);
		record_fmt_size(max, sizeof(max), PROFILE_MAX_BYTES);
		cause_set(cause, _("%s is %s: more than any Propeller profile of a kernel (a few MB); kfdo reads at most %s"),
			  path, size, max);
		return NULL;
	}
	char *text = file_read(path, PROFILE_MAX_BYTES, len);
	if (!text)
		cause_set(cause, _("cannot read %s: %s"), path, strerror(errno));
	else if (*len == 0)
		cause_set(cause, _("%s is empty"), path);
	if (text && *len == 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Counts the block ids of a cluster ("0 2 3 1"; a cloned block is "3.1", as
 * LLVM's parseUniqueBBID reads it); -1 when one is not such an id. */
static long cluster_ids(const char *s)
{
	long n = 0;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (!isdigit((unsigned char)*s))
			return -1;
		while (isdigit((unsigned char)*s))
			s++;
		if (*s == '.' && isdigit((unsigned char)s[1]))
			for (s++; isdigit((unsigned char)*s); s++)
				;
		if (*s && *s != ' ' && *s != '\t')
			return -1;
		n++;
	}
	return n;
}

/* fmt has the path, the line number and the line ("%s, line %zu: ... '%.60s'"). */
static int bad_line(char **cause, const char *fmt, const char *path, size_t no, const char *line)
{
	cause_set(cause, fmt, path, no, line);
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The next line of *p (cut in place, a '\r' before its '\n' dropped), NULL at the end. */
static char *next_line(char **p, char *end)
{
	if (*p >= end)
		return NULL;
	char *line = *p, *nl = memchr(line, '\n', (size_t)(end - line));
	char *stop = nl ? nl : end;
	*p = nl ? nl + 1 : end;
	*stop = '\0';
	if (stop > line && stop[-1] == '\r')
		stop[-1] = '\0';
	return line;
}

static int unique_count(char **v)
{
	size_t n = strv_len(v);
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_str);
	size_t u = 1;
	for (size_t i = 1; i < n; i++)
		u += strcmp(v[i], v[i - 1]) != 0;
	return (int)u;
}

int propeller_cc_read(const char *path, struct propeller_cc_stats *out, char **cause)
{
	memset(out, 0, sizeof(*out));
	out->version = -1;
	size_t len;
	char *text = read_whole(path, &len, cause);
	if (!text)
		return -1;
	out->bytes = len;
	char **modules = NULL;
	size_t no = 0;
	int rc = 0;
	const char *invalid = _("%s, line %zu: not valid in a Propeller cc profile: '%.60s'");
	char *p = text;
	for (char *line; (line = next_line(&p, text + len));) {
		no++;
		/* LLVM's reader skips comments ('#') and '@' lines in both formats. */
		if (!*line || line[0] == '#' || line[0] == '@')
			continue;
		if (out->version < 0) {
			/* The first line says the format: "v1", or v0's first function. */
			if (strcmp(line, "v1") == 0) {
				out->version = 1;
				continue;
			}
			if (line[0] != '!') {
				rc = bad_line(cause, _("%s, line %zu: a Propeller cc profile starts with v1 or !name, not '%.60s'"),
					      path, no, line);
				break;
			}
			out->version = 0;
		}
		const char *body = NULL;
		bool function = false, cluster = false;
		if (out->version == 1) {
			if (line[0] == 'f' && line[1] == ' ')
				function = true;
			else if (line[0] == 'c' && (isdigit((unsigned char)line[1]) || line[1] == ' '))
				cluster = true, body = line + 1;
			else if (line[0] == 'm' && line[1] == ' ')
				strv_push(&modules, line + 2);
			else if (!((line[0] == 'p' || line[0] == 'g' || line[0] == 'h') && line[1] == ' ')) {
				rc = bad_line(cause, invalid, path, no, line);
				break;
			}
		} else if (line[0] == '!' && line[1] == '!') {
			cluster = true, body = line + 2;
		} else if (line[0] == '!' && line[1]) {
			function = true;
			const char *m = strstr(line, " M=");
			if (m)
				strv_push(&modules, m + 3);
		} else {
			rc = bad_line(cause, invalid, path, no, line);
			break;
		}
		if (function) {
			out->functions++;
		} else if (cluster) {
			long ids = cluster_ids(body);
			if (out->functions == 0) {
				rc = bad_line(cause, _("%s, line %zu: a cluster before any function: '%.60s'"), path, no, line);
				break;
			}
			if (ids <= 0) {
				rc = bad_line(cause, _("%s, line %zu: a cluster's block ids are numbers (or N.M): '%.60s'"),
					      path, no, line);
				break;
			}
			out->clusters++;
			out->blocks += (size_t)ids;
		}
	}
	if (rc == 0 && out->functions == 0)
		rc = -1, cause_set(cause, _("%s names no function: not a Propeller cc profile"), path);
	out->modules = (size_t)unique_count(modules);
	strv_free(modules);
	free(text);
	return rc;
}

int propeller_ld_read(const char *path, struct propeller_ld_stats *out, char **cause)
{
	memset(out, 0, sizeof(*out));
	size_t len;
	char *text = read_whole(path, &len, cause);
	if (!text)
		return -1;
	out->bytes = len;
	int rc = 0;
	size_t no = 0;
	char *p = text;
	for (char *line; (line = next_line(&p, text + len));) {
		no++;
		/* As lld reads it: each line trimmed, '#' lines are comments. */
		while (*line == ' ' || *line == '\t')
			line++;
		size_t n = strlen(line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		/* A symbol has no blank in it: a line with one is some other file. */
		if (strpbrk(line, " \t")) {
			rc = bad_line(cause, _("%s, line %zu: a symbol ordering file has one symbol a line, not '%.60s'"),
				      path, no, line);
			break;
		}
		out->symbols++;
		size_t cold = strlen(".cold");
		if ((n > cold && strcmp(line + n - cold, ".cold") == 0) || strstr(line, ".__part."))
			out->parts++;
	}
	if (rc == 0 && out->symbols == 0)
		rc = -1, cause_set(cause, _("%s lists no symbol"), path);
	free(text);
	return rc;
}
