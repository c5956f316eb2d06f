/* What one line of a kernel build's output is: the one definition of a step,
 * a warning and an error, shared by the progress model (kbuild.c) and the
 * build log widget (tui/logview.c). It reads a length-bounded line and
 * allocates nothing, because the widget runs it on every line of a flood. */
#include "engine/kbuild.h"

#include <string.h>

/* The C locale's classes, spelled out: the user's LC_CTYPE must not change
 * what counts as a step tag. */
static bool c_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool c_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

/* A quiet command: two spaces, an upper-case tag, an optional module mark,
 * spaces, an argument ("  CC [M]  fs/configfs/dir.o"). Clang's source
 * excerpts start with more spaces or a digit, so they never match. */
static bool parse_step(const char *s, size_t n, struct kbuild_line *out)
{
	if (n < 3 || s[0] != ' ' || s[1] != ' ' || !c_upper(s[2]))
		return false;
	size_t i = 2;
	while (i < n && (c_upper(s[i]) || c_digit(s[i]) || s[i] == '_'))
		i++;
	size_t tag_len = i - 2;
	if (tag_len < 2 || tag_len > KBUILD_TAG_MAX || i >= n || s[i] != ' ')
		return false;
	while (i < n && s[i] == ' ')
		i++;
	if (i + 2 < n && s[i] == '[' && c_upper(s[i + 1]) && s[i + 2] == ']') {
		i += 3;
		while (i < n && s[i] == ' ')
			i++;
	}
	/* An argument, not trailing blanks. */
	if (i >= n || !s[i] || s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))
		return false;
	*out = (struct kbuild_line){ KBUILD_LINE_STEP, 2, tag_len, i };
	return true;
}

/* make's own name before ": ***": make, gmake or a path to one, with an
 * optional "[level]". */
static bool is_make_name(const char *s, size_t n)
{
	const char *bracket = memchr(s, '[', n);
	if (bracket) {
		if (s[n - 1] != ']')
			return false;
		n = (size_t)(bracket - s);
	}
	const char *slash = NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			slash = s + i;
	const char *base = slash ? slash + 1 : s;
	size_t len = (size_t)(s + n - base);
	return (len == 4 && memcmp(base, "make", 4) == 0) || (len == 5 && memcmp(base, "gmake", 5) == 0);
}

/* Clang's excerpt after a diagnostic: "   12 | code" and "      |   ^~~". */
static bool is_excerpt(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	while (i < n && c_digit(s[i]))
		i++;
	while (i < n && s[i] == ' ')
		i++;
	return i < n && s[i] == '|';
}

enum kbuild_line_kind kbuild_line_parse(const char *s, size_t n, struct kbuild_line *out)
{
	struct kbuild_line dummy;
	if (!out)
		out = &dummy;
	*out = (struct kbuild_line){ KBUILD_LINE_OTHER, 0, 0, 0 };
	if (parse_step(s, n, out))
		return out->kind;

	/* Modpost's and a few tools' own prefix: "WARNING: modpost: ...". */
	static const struct {
		const char *prefix;
		enum kbuild_line_kind kind;
	} prefixes[] = {
		{ "WARNING: ", KBUILD_LINE_WARNING },
		{ "ERROR: ", KBUILD_LINE_ERROR },
		{ "warning: ", KBUILD_LINE_WARNING },
		{ "error: ", KBUILD_LINE_ERROR },
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (starts(s, n, prefixes[i].prefix)) {
			out->kind = prefixes[i].kind;
			out->body = strlen(prefixes[i].prefix);
			return out->kind;
		}

	/* "LOCATION: KIND: message", where LOCATION is one word (a path with
	 * line and column, or a tool's name: "ld.lld"), never prose: so only the
	 * first ": " of the line can start a diagnostic. */
	const char *colon = NULL;
	for (const char *q = s; (q = memchr(q, ':', (size_t)(s + n - q))) != NULL; q++)
		if (q + 1 < s + n && q[1] == ' ') {
			colon = q;
			break;
		}
	if (colon && colon > s && !memchr(s, ' ', (size_t)(colon - s))) {
		static const struct {
			const char *marker;
			enum kbuild_line_kind kind;
		} markers[] = {
			{ "warning: ", KBUILD_LINE_WARNING },
			{ "error: ", KBUILD_LINE_ERROR },
			{ "fatal error: ", KBUILD_LINE_ERROR },
			{ "note: ", KBUILD_LINE_NOTE },
			{ "*** ", KBUILD_LINE_MAKE_ERROR },
		};
		const char *rest = colon + 2;
		size_t rest_n = (size_t)(s + n - rest);
		size_t loc_n = (size_t)(colon - s);
		for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
			if (!starts(rest, rest_n, markers[i].marker))
				continue;
			size_t body = (size_t)(rest - s) + strlen(markers[i].marker);
			if (markers[i].kind == KBUILD_LINE_MAKE_ERROR &&
			    (!is_make_name(s, loc_n) ||
			     /* make's note that it lets the other jobs finish: not a failure. */
			     starts(s + body, n - body, "Waiting for unfinished jobs")))
				break;
			*out = (struct kbuild_line){ markers[i].kind, 0, loc_n, body };
			return out->kind;
		}
	}
	if (is_excerpt(s, n))
		out->kind = KBUILD_LINE_EXCERPT;
	return out->kind;
}
