/* makepkg's phases from its output (makepkg_log.h). */
#include "engine/makepkg_log.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"

/* What is kept of a line: makepkg's own are short, and a long compiler
 * command inside build() is not ours to read. */
#define LINE_MAX_READ 1024

static const char *const keys[MAKEPKG_PHASE_COUNT] = {
	"not-started", "depends", "retrieve", "validate", "extract", "prepare", "build", "package", "done",
};

const char *makepkg_phase_key(enum makepkg_phase p)
{
	return (unsigned)p < MAKEPKG_PHASE_COUNT ? keys[p] : "?";
}

const char *makepkg_phase_label(enum makepkg_phase p)
{
	switch (p) {
	case MAKEPKG_NOT_STARTED: return _("starting");
	case MAKEPKG_DEPENDS: return _("checking dependencies");
	case MAKEPKG_RETRIEVE: return _("downloading");
	case MAKEPKG_VALIDATE: return _("checking sources");
	case MAKEPKG_EXTRACT: return _("extracting");
	case MAKEPKG_PREPARE: return _("preparing (patches, config)");
	case MAKEPKG_BUILD: return _("building");
	case MAKEPKG_PACKAGE: return _("packaging");
	case MAKEPKG_DONE: return _("done");
	default: return "?";
	}
}

void makepkg_log_init(struct makepkg_log *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < MAKEPKG_PHASE_COUNT; i++)
		m->phase_start[i] = -1;
}

void makepkg_log_free(struct makepkg_log *m)
{
	free(m->pkgbase);
	free(m->version);
	free(m->function);
	free(m->source);
	free(m->patch);
	free(m->error);
	free(m->error_source);
	free(m->cause);
	makepkg_log_init(m);
}

/* The last piece of a line that a terminal would show ("\r" redraws), without
 * colour codes, into buf (cut to size). The whole line is searched for the
 * last piece: a download's line holds one meter per redraw. */
static void visible(const char *s, size_t n, char *buf, size_t size)
{
	const char *end = s + n;
	for (const char *p = s; p < end; p++)
		if (*p == '\r' && p + 1 < end)
			s = p + 1;
	size_t o = 0;
	for (const char *p = s; p < end && *p != '\r' && o + 1 < size; p++) {
		if (*p == '\033' && end - p >= 2 && p[1] == '[') {
			/* CSI: parameters, then one final byte in @..~ */
			p += 2;
			while (p < end && !(*p >= '@' && *p <= '~'))
				p++;
			if (p == end)
				break;
			continue;
		}
		if (*p == '\033' && end - p >= 3 && p[1] == '(') {
			/* tput sgr0 on xterm is "\033(B\033[m": a character set, two bytes after ESC. */
			p += 2;
			continue;
		}
		buf[o++] = *p;
	}
	while (o && (buf[o - 1] == ' ' || buf[o - 1] == '\t'))
		o--;
	buf[o] = '\0';
}

static char *dup_n(const char *s, size_t n)
{
	return xasprintf("%.*s", (int)n, s);
}

/* What follows prefix in s, NULL when s does not start with it. */
static const char *after(const char *s, const char *prefix)
{
	return str_starts(s, prefix) ? s + strlen(prefix) : NULL;
}

static void enter(struct makepkg_log *m, enum makepkg_phase p, double t)
{
	/* makepkg never goes back; --noextract and --nobuild skip phases, so a
	 * phase is entered once, at its first line. */
	if (p <= m->phase)
		return;
	m->phase = p;
	if (m->phase_start[p] < 0)
		m->phase_start[p] = t;
}

/* "linux-cachyos 6.12.7-1 (Mon 20 Jun 2022 ...)" */
static void making(struct makepkg_log *m, const char *s)
{
	const char *sp = strchr(s, ' ');
	if (!sp)
		return;
	const char *ve = strchr(sp + 1, ' ');
	size_t vn = ve ? (size_t)(ve - sp - 1) : strlen(sp + 1);
	free(m->pkgbase);
	free(m->version);
	m->pkgbase = dup_n(s, (size_t)(sp - s));
	m->version = dup_n(sp + 1, vn);
}

/* "Starting build()..." */
static void function_starts(struct makepkg_log *m, const char *name, double t)
{
	const char *paren = strstr(name, "()");
	if (!paren)
		return;
	free(m->function);
	m->function = dup_n(name, (size_t)(paren - name));
	if (strcmp(m->function, "prepare") == 0 || strcmp(m->function, "pkgver") == 0)
		enter(m, MAKEPKG_PREPARE, t);
	else if (strcmp(m->function, "build") == 0 || strcmp(m->function, "check") == 0)
		enter(m, MAKEPKG_BUILD, t);
	else if (strncmp(m->function, "package", 7) == 0)
		enter(m, MAKEPKG_PACKAGE, t);
}

static void msg(struct makepkg_log *m, const char *s, double t)
{
	const char *r;
	if ((r = after(s, "Making package: ")))
		making(m, r);
	else if (after(s, "Checking runtime dependencies") || after(s, "Checking buildtime dependencies") ||
		 after(s, "Installing missing dependencies"))
		enter(m, MAKEPKG_DEPENDS, t);
	else if (after(s, "Retrieving sources"))
		enter(m, MAKEPKG_RETRIEVE, t);
	else if (after(s, "Validating ") || after(s, "Verifying source file signatures"))
		enter(m, MAKEPKG_VALIDATE, t);
	else if (after(s, "Extracting sources"))
		enter(m, MAKEPKG_EXTRACT, t);
	else if ((r = after(s, "Starting ")))
		function_starts(m, r, t);
	else if (after(s, "Entering fakeroot environment"))
		enter(m, MAKEPKG_PACKAGE, t);
	else if (after(s, "Finished making: "))
		enter(m, MAKEPKG_DONE, t);
}

/* A name as makepkg and the PKGBUILD end it, "linux-6.12.7.tar.xz...",
 * without the dots. */
static char *without_dots(const char *s)
{
	size_t n = strlen(s);
	while (n && s[n - 1] == '.')
		n--;
	return dup_n(s, n);
}

/* "Downloading linux-6.12.7.tar.xz..." -> "linux-6.12.7.tar.xz" */
static void set_source(struct makepkg_log *m, const char *s)
{
	free(m->source);
	m->source = without_dots(s);
	m->downloads++;
}

static void msg2(struct makepkg_log *m, const char *s)
{
	const char *r;
	if (m->phase != MAKEPKG_RETRIEVE)
		return;
	if ((r = after(s, "Downloading ")))
		set_source(m, r);
	else if ((r = after(s, "Cloning "))) {
		/* "Cloning linux git repo..." */
		set_source(m, r);
		char *rep = strstr(m->source, " git repo");
		if (rep)
			*rep = '\0';
	}
}

/* A downloader's or extractor's own last word, which makepkg's error does not repeat. */
static bool tool_says(const char *s)
{
	static const char *const tools[] = { "curl: ", "fatal: ", "error: ", "bsdtar: ", "gpg: ", "git: ",
					     "patch: " };
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++)
		if (after(s, tools[i]))
			return true;
	return false;
}

/* patch(1)'s "1 out of 1 hunk FAILED -- saving rejects to file f2.c.rej". */
static bool patch_failed(const char *s)
{
	return strstr(s, " hunk FAILED") || strstr(s, " hunks FAILED");
}

static void error_line(struct makepkg_log *m, const char *s)
{
	if (m->error)
		return;
	m->error = xstrdup(s);
	m->error_phase = m->phase;
	if (after(s, "Failure while downloading") && m->source)
		m->error_source = xstrdup(m->source);
	else if (m->phase == MAKEPKG_PREPARE && m->patch && m->cause && patch_failed(m->cause))
		/* Only when patch said so: prepare() goes on after its patches
		 * (linux-cachyos sets its config there), and fails there too. */
		m->error_source = xstrdup(m->patch);
}

/* "Applying patch 0001-bore-cachy.patch..." */
static void patch_applies(struct makepkg_log *m, const char *s)
{
	free(m->patch);
	m->patch = without_dots(strstr(s, "Applying patch ") + strlen("Applying patch "));
	m->patches++;
	/* A cause belongs to this patch or a later line, not to one before. */
	free(m->cause);
	m->cause = NULL;
}


void makepkg_log_feed(struct makepkg_log *m, const char *line, size_t len, double t)
{
	m->lines++;
	/* kbuild's quiet lines ("  CC      kernel/fork.o") are most of a build's
	 * and none is makepkg's: a build's every line comes through here. */
	if (len && line[0] == ' ' && !(len >= 5 && memcmp(line, "  -> ", 5) == 0))
		return;
	/* Copied (cut, trimmed, cleaned) only when it must be: a "\r" or a colour
	 * code, trailing blanks, a line longer than makepkg's, or no NUL after it. */
	char copy[LINE_MAX_READ];
	const char *buf = line;
	if (line[len] != '\0' || len >= LINE_MAX_READ || (len && (line[len - 1] == ' ' || line[len - 1] == '\t')) ||
	    memchr(line, '\r', len) || memchr(line, '\033', len)) {
		visible(line, len, copy, sizeof(copy));
		buf = copy;
	}
	const char *r;
	if ((r = after(buf, "==> ERROR: ")))
		error_line(m, r);
	else if ((r = after(buf, "==> WARNING: "))) {
		/* --skipchecksums, or --skipinteg ("all source file integrity checks") */
		if (after(r, "Skipping verification of source file checksums") ||
		    after(r, "Skipping all source file integrity checks"))
			m->skipped_checksums = true;
	} else if ((r = after(buf, "==> ")) || (r = after(buf, "  -> "))) {
		/* A tool's word belongs to what makepkg said last: a cause from an
		 * earlier step is not this failure's. */
		free(m->cause);
		m->cause = NULL;
		if (buf[0] == '=')
			msg(m, r, t);
		else
			msg2(m, r);
	}
	else if (m->phase == MAKEPKG_PREPARE && strstr(buf, "Applying patch "))
		patch_applies(m, buf);
	else if (!m->error && (tool_says(buf) || (m->phase == MAKEPKG_PREPARE && patch_failed(buf)))) {
		free(m->cause);
		m->cause = dup_n(buf, strnlen(buf, LINE_MAX_READ - 1));
	}
}

char *makepkg_log_doing(const struct makepkg_log *m)
{
	switch (m->phase) {
	case MAKEPKG_NOT_STARTED:
	case MAKEPKG_BUILD:
		return NULL;
	case MAKEPKG_RETRIEVE:
		return m->source ? xasprintf(_("downloading %s"), m->source) : xstrdup(_("downloading"));
	case MAKEPKG_PREPARE:
		return m->patch ? xasprintf(_("preparing: patch %s"), m->patch) : xstrdup(makepkg_phase_label(m->phase));
	case MAKEPKG_PACKAGE:
		/* "package_linux-upstream-headers"; a PKGBUILD of one package has "package". */
		if (m->function && strncmp(m->function, "package_", 8) == 0)
			return xasprintf(_("packaging %s"), m->function + 8);
		return m->pkgbase ? xasprintf(_("packaging %s"), m->pkgbase) : xstrdup(_("packaging"));
	default:
		return xstrdup(makepkg_phase_label(m->phase));
	}
}

/* curl's sizes: "5120", "235k", "92.7M" (powers of 1024). */
static bool size_parse(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || v < 0)
		return false;
	static const char units[] = "kMGTP";
	const char *u = *end ? strchr(units, *end) : NULL;
	if (*end && (!u || end[1]))
		return false;
	for (const char *p = units; u && p <= u; p++)
		v *= 1024;
	*out = v;
	return true;
}

bool makepkg_meter_parse(const char *s, size_t len, struct makepkg_meter *out)
{
	char buf[256];
	visible(s, len, buf, sizeof(buf));
	/* % Total, size, % Received, received, % Xferd, xferd, Dload, Upload,
	 * Time Total, Spent, Left, Current speed. */
	char *f[12], *save = NULL, *tok = strtok_r(buf, " ", &save);
	int n = 0;
	for (; tok && n < 12; tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	if (n != 12 || tok) /* tok: a 13th field */
		return false;
	char *end;
	long pct = strtol(f[0], &end, 10);
	if (*end || pct < 0 || pct > 100 || !isdigit((unsigned char)*f[0]))
		return false;
	double total, received, speed;
	if (!size_parse(f[1], &total) || !size_parse(f[3], &received) || !size_parse(f[11], &speed))
		return false;
	out->total = total;
	out->received = received;
	out->speed = speed;
	out->percent = total > 0 ? (int)pct : -1;
	return true;
}
