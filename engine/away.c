/* The log of an unattended run (away.h). Lines are written with O_APPEND and
 * one write each, so that a run killed half-way leaves whole lines; a second
 * file marks the log as seen, so the log itself stays as the run wrote it. */
#include "engine/away.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"

static char *state_file(const char *name)
{
	char *dir = paths_state_dir();
	char *p = xasprintf("%s/%s", dir, name);
	free(dir);
	return p;
}

static int append(const char *line, bool truncate, char **cause)
{
	char *dir = paths_state_dir(), *path = state_file("away.log");
	int rc = mkdir_p(dir, 0700, cause);
	int fd = rc < 0 ? -1 : open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : O_APPEND), 0600);
	if (rc == 0 && fd < 0) {
		cause_set(cause, _("cannot write %s: %s"), path, strerror(errno));
		rc = -1;
	}
	if (fd >= 0) {
		char *l = xasprintf("%s\n", line);
		size_t n = strlen(l);
		if (write(fd, l, n) != (ssize_t)n) {
			cause_set(cause, _("cannot write %s: %s"), path, strerror(errno));
			rc = -1;
		}
		free(l);
		close(fd);
	}
	free(dir);
	free(path);
	return rc;
}

int away_begin(char **cause)
{
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", localtime(&now));
	char *head = xasprintf(_("kfdo continued by itself after the reboot, at %s:"), when);
	int rc = append(head, true, cause);
	free(head);
	char *seen = state_file("away.seen");
	unlink(seen);
	free(seen);
	return rc;
}

void away_add(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = NULL;
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (line) {
		/* A line break inside would split one thing into two. */
		for (char *c = line; *c; c++)
			if (*c == '\n')
				*c = ' ';
		append(line, false, NULL);
	}
	free(line);
}

char **away_read(bool *unseen)
{
	char *path = state_file("away.log"), *seen = state_file("away.seen");
	char *text = file_read(path, 1 << 16, NULL);
	char **lines = NULL;
	for (char *save = NULL, *l = text ? strtok_r(text, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save))
		strv_push(&lines, l);
	if (unseen)
		*unseen = lines && access(seen, F_OK) != 0;
	free(text);
	free(path);
	free(seen);
	return lines;
}

void away_mark_seen(void)
{
	char *seen = state_file("away.seen");
	int fd = open(seen, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	free(seen);
}
