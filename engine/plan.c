/* Plan data: commands, display quoting, and the one command
 * kfdo performs itself (copying a base config). The plans of each step are in
 * the step files (engine/step_*.c). */
#include "engine/plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "base/i18n.h"
#include "base/util.h"

static struct plan_cmd *plan_grow(struct plan *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->cmds = xrealloc(p->cmds, p->cap * sizeof(*p->cmds));
	}
	struct plan_cmd *c = &p->cmds[p->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

struct plan_cmd *plan_add(struct plan *p, const char *desc, char **argv)
{
	struct plan_cmd *c = plan_grow(p);
	c->kind = PLAN_RUN;
	c->argv = argv;
	c->desc = xstrdup(desc);
	return c;
}

struct plan_cmd *plan_add_copy(struct plan *p, const char *desc, const char *src, const char *dst)
{
	struct plan_cmd *c = plan_grow(p);
	c->kind = PLAN_COPY;
	c->desc = xstrdup(desc);
	c->src = xstrdup(src);
	c->dst = xstrdup(dst);
	return c;
}

void plan_cmd_set_cwd(struct plan_cmd *c, const char *cwd)
{
	free(c->cwd);
	c->cwd = cwd ? xstrdup(cwd) : NULL;
}

void plan_cmd_setenv(struct plan_cmd *c, const char *key, const char *value)
{
	strv_pushf(&c->env, "%s=%s", key, value);
}

void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct plan_cmd *c = &p->cmds[i];
		strv_free(c->argv);
		strv_free(c->env);
		free(c->cwd);
		free(c->desc);
		free(c->src);
		free(c->dst);
	}
	free(p->cmds);
	memset(p, 0, sizeof(*p));
}

static long euid_override = -1;

void plan_set_euid(long euid)
{
	euid_override = euid;
}

bool plan_cmd_sudo(const struct plan_cmd *c)
{
	long euid = euid_override >= 0 ? euid_override : (long)geteuid();
	return c->kind == PLAN_RUN && c->needs_root && euid != 0;
}

bool plan_needs_sudo(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		if (plan_cmd_sudo(&p->cmds[i]))
			return true;
	return false;
}

char **plan_cmd_argv(const struct plan_cmd *c)
{
	char **v = NULL;
	if (plan_cmd_sudo(c)) {
		strv_push(&v, "sudo");
		for (size_t i = 0; c->env && c->env[i]; i++)
			strv_push(&v, c->env[i]);
	}
	for (size_t i = 0; c->argv && c->argv[i]; i++)
		strv_push(&v, c->argv[i]);
	return v;
}

char *plan_format_command(const struct plan_cmd *c)
{
	struct strbuf sb = { 0 };
	if (c->kind == PLAN_COPY) {
		size_t n = strlen(c->src);
		bool gz = n > 3 && strcmp(c->src + n - 3, ".gz") == 0;
		sb_add(&sb, gz ? "zcat " : "cp ");
		sb_add_quoted(&sb, c->src);
		sb_add(&sb, gz ? " > " : " ");
		sb_add_quoted(&sb, c->dst);
		return sb.s;
	}
	if (plan_cmd_sudo(c))
		sb_add(&sb, "sudo ");
	/* K='V' rather than 'K=V': only the first is an assignment to a shell. */
	for (size_t i = 0; c->env && c->env[i]; i++) {
		const char *eq = strchr(c->env[i], '=');
		if (eq) {
			sb_addf(&sb, "%.*s=", (int)(eq - c->env[i]), c->env[i]);
			if (eq[1])
				sb_add_quoted(&sb, eq + 1);
		} else {
			sb_add_quoted(&sb, c->env[i]);
		}
		sb_add(&sb, " ");
	}
	for (size_t i = 0; c->argv && c->argv[i]; i++) {
		if (i)
			sb_add(&sb, " ");
		sb_add_quoted(&sb, c->argv[i]);
	}
	if (!sb.s)
		sb_add(&sb, "");
	return sb.s;
}

/* The O= directory may not exist before kbuild's first run creates it. */
static int mkdir_parent(const char *path, char **cause)
{
	char *p = xstrdup(path);
	char *slash = strrchr(p, '/');
	int r = 0;
	if (slash && slash != p) {
		*slash = '\0';
		r = mkdir_p(p, 0755, cause) < 0 ? -1 : 0;
	}
	free(p);
	return r;
}

int plan_copy_run(const struct plan_cmd *c, char **cause)
{
	if (c->kind != PLAN_COPY) {
		cause_set(cause, "not a copy: %s", c->desc);
		return -1;
	}
	if (mkdir_parent(c->dst, cause) < 0)
		return -1;
	/* gzread passes a file that is not gzip through unchanged. */
	errno = 0;
	gzFile in = gzopen(c->src, "rb");
	if (!in) {
		cause_set(cause, _("cannot open %s: %s"), c->src, errno ? strerror(errno) : _("out of memory"));
		return -1;
	}
	char *tmp = xasprintf("%s.kfdo-XXXXXX", c->dst);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		cause_set(cause, _("cannot create %s: %s"), tmp, strerror(errno));
		gzclose(in);
		free(tmp);
		return -1;
	}
	char buf[65536];
	int rc = -1, n;
	while ((n = gzread(in, buf, sizeof(buf))) > 0) {
		for (int off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				cause_set(cause, _("cannot write %s: %s"), tmp, strerror(errno));
				goto out;
			}
			off += (int)w;
		}
	}
	if (n < 0) {
		int zerr;
		const char *msg = gzerror(in, &zerr);
		cause_set(cause, _("cannot read %s: %s"), c->src,
			  zerr == Z_ERRNO ? strerror(errno) : msg);
		goto out;
	}
	/* A .config is an ordinary file of the tree: the user's umask, not mkstemp's 0600. */
	mode_t um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) < 0 || fsync(fd) < 0) {
		cause_set(cause, _("cannot write %s: %s"), tmp, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (close(fd) < 0 && rc == 0) {
		cause_set(cause, _("cannot write %s: %s"), tmp, strerror(errno));
		rc = -1;
	}
	gzclose(in);
	if (rc == 0 && rename(tmp, c->dst) < 0) {
		cause_set(cause, _("cannot rename %s to %s: %s"), tmp, c->dst, strerror(errno));
		rc = -1;
	}
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

char *plan_self_exe(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return xstrdup("kfdo");
	buf[n] = '\0';
	/* Rebuilt while it runs: the new binary at the same path is the one to run. */
	static const char deleted[] = " (deleted)";
	size_t len = (size_t)n, dl = sizeof(deleted) - 1;
	if (len > dl && strcmp(buf + len - dl, deleted) == 0)
		buf[len - dl] = '\0';
	return xstrdup(buf);
}
