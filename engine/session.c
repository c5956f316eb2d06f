/* The session in memory and its file: atomic saves, and loads that set an
 * unreadable file aside instead of losing it. The JSON form is in state_json.c. */
#include "engine/session.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"

static const char *const status_names[] = {
	[STATUS_PENDING] = "pending", [STATUS_RUNNING] = "running", [STATUS_DONE] = "done",
	[STATUS_FAILED] = "failed", [STATUS_SKIPPED] = "skipped",
};
static const char *const source_names[] = {
	[CONFIG_RUNNING] = "running", [CONFIG_FILE] = "file",
	[CONFIG_DEFCONFIG] = "defconfig", [CONFIG_TINYCONFIG] = "tinyconfig",
};
static const char *const workload_names[] = {
	[WORKLOAD_NONE] = "none", [WORKLOAD_KBUILD] = "kbuild", [WORKLOAD_COMMAND] = "command",
	[WORKLOAD_TIMED] = "timed", [WORKLOAD_BENCHMARK] = "benchmark",
};

static bool name_parse(const char *const *names, size_t n, const char *name, int *out)
{
	for (size_t i = 0; name && i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			*out = (int)i;
			return true;
		}
	}
	return false;
}

const char *step_status_name(enum step_status st)
{
	return (size_t)st < ARRAY_LEN(status_names) ? status_names[st] : "?";
}

const char *config_source_name(enum config_source src)
{
	return (size_t)src < ARRAY_LEN(source_names) ? source_names[src] : "?";
}

const char *workload_kind_name(enum workload_kind k)
{
	return (size_t)k < ARRAY_LEN(workload_names) ? workload_names[k] : "?";
}

bool step_status_parse(const char *name, enum step_status *out)
{
	int v;
	if (!name_parse(status_names, ARRAY_LEN(status_names), name, &v))
		return false;
	*out = (enum step_status)v;
	return true;
}

bool config_source_parse(const char *name, enum config_source *out)
{
	int v;
	if (!name_parse(source_names, ARRAY_LEN(source_names), name, &v))
		return false;
	*out = (enum config_source)v;
	return true;
}

bool workload_kind_parse(const char *name, enum workload_kind *out)
{
	int v;
	if (!name_parse(workload_names, ARRAY_LEN(workload_names), name, &v))
		return false;
	*out = (enum workload_kind)v;
	return true;
}

struct session *session_new(void)
{
	struct session *s = xcalloc(1, sizeof(*s));
	s->version = STATE_VERSION;
	s->config_source = CONFIG_RUNNING;
	/* The how-to's setup: AutoFDO with ThinLTO, which also hands the profile to the linker. */
	s->toggles.autofdo = true;
	s->toggles.thin_lto = true;
	s->toggles.llvm = xstrdup("1");
	s->target = xstrdup("pacman-pkg");
	return s;
}

static void history_free(struct build_history *h)
{
	free(h->tree);
	free(h->config_hash);
	for (size_t i = 0; i < h->n_runs; i++)
		json_object_put(h->runs[i].curve);
	free(h->runs);
}

void session_free(struct session *s)
{
	if (!s)
		return;
	free(s->tree);
	free(s->output_dir);
	free(s->clone_url);
	free(s->clone_branch);
	free(s->pkgbuild);
	strv_free(s->knobs);
	strv_free(s->makepkg_args);
	free(s->config_file);
	free(s->toggles.llvm);
	free(s->toggles.arch);
	strv_free(s->toggles.make_vars);
	strv_free(s->toggles.config_enable);
	strv_free(s->toggles.config_disable);
	free(s->target);
	strv_free(s->perf_event);
	free(s->workload.command);
	free(s->workload.tree);
	free(s->workload.bench);
	strv_free(s->profile.merge_with);
	strv_free(s->measure.only);
	json_object_put(s->bench);
	session_unattended_clear(s);
	free(s->install_root);
	free(s->install_dbpath);
	free(s->sysroot);
	free(s->cpuid_dump);
	free(s->pmu);
	strv_free(s->artifacts.packages);
	free(s->artifacts.vmlinux);
	free(s->artifacts.perf_data);
	free(s->artifacts.profile);
	free(s->artifacts.kernel_release);
	free(s->artifacts.build_id);
	for (size_t i = 0; i < STEP_COUNT; i++) {
		free(s->artifacts.logs[i]);
		free(s->steps[i].message);
	}
	for (size_t i = 0; i < s->n_history; i++)
		history_free(&s->history[i]);
	free(s->history);
	free(s);
}

const char *session_sysroot(const struct session *s)
{
	return s->sysroot && *s->sysroot ? s->sysroot : "/";
}

void session_unattended_clear(struct session *s)
{
	free(s->unattended.armed_boot);
	free(s->unattended.loader);
	free(s->unattended.entry_id);
	free(s->unattended.entry_title);
	memset(&s->unattended, 0, sizeof(s->unattended));
}

void session_set(char **field, const char *v)
{
	char *old = *field;
	*field = v ? xstrdup(v) : NULL;
	free(old);
}

void session_step_set(struct session *s, enum step_id id, enum step_status st, const char *message)
{
	struct step_state *ss = &s->steps[id];
	ss->status = st;
	session_set(&ss->message, message);
	/* A new run claims the step afresh (recover_claim); an outcome ends the claim. */
	memset(&ss->owner, 0, sizeof(ss->owner));
	if (st == STATUS_RUNNING) {
		ss->started = time(NULL);
		ss->finished = 0;
	} else if (st == STATUS_DONE || st == STATUS_FAILED) {
		ss->finished = time(NULL);
	}
}

char *session_objtree(const struct session *s)
{
	if (s->output_dir && *s->output_dir)
		return xstrdup(s->output_dir);
	return s->tree && *s->tree ? xstrdup(s->tree) : NULL;
}

char *session_config_path(const struct session *s)
{
	char *obj = session_objtree(s);
	if (!obj)
		return NULL;
	char *p = xasprintf("%s/.config", obj);
	free(obj);
	return p;
}

static struct build_history *history_lookup(const struct session *s, const char *tree,
					    const char *hash)
{
	for (size_t i = 0; i < s->n_history; i++) {
		struct build_history *h = &s->history[i];
		if (strcmp(h->tree, tree) == 0 && strcmp(h->config_hash, hash) == 0)
			return h;
	}
	return NULL;
}

const struct build_history *session_history_find(const struct session *s, const char *tree,
						 const char *config_hash)
{
	return history_lookup(s, tree, config_hash);
}

void session_history_add(struct session *s, const char *tree, const char *config_hash,
			 double duration_s, long lines, json_object *curve)
{
	struct build_history *h = history_lookup(s, tree, config_hash);
	if (!h) {
		s->history = xrealloc(s->history, (s->n_history + 1) * sizeof(*s->history));
		h = &s->history[s->n_history++];
		*h = (struct build_history){ .tree = xstrdup(tree), .config_hash = xstrdup(config_hash) };
	}
	if (h->n_runs == STATE_HISTORY_RUNS) {
		json_object_put(h->runs[0].curve);
		memmove(h->runs, h->runs + 1, (h->n_runs - 1) * sizeof(*h->runs));
		h->n_runs--;
	}
	h->runs = xrealloc(h->runs, (h->n_runs + 1) * sizeof(*h->runs));
	h->runs[h->n_runs++] = (struct build_run){
		.when = time(NULL), .duration_s = duration_s, .lines = lines, .curve = curve,
	};
}

char *state_config_hash(const char *config_path)
{
	char *buf = file_read(config_path, 64u << 20, NULL);
	if (!buf)
		return NULL;
	/* FNV-1a over the setting lines only: the header names the compiler and
	 * the date-free kernel version, neither of which changes the build. */
	uint64_t h = 0xcbf29ce484222325ull;
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		if (str_starts(line, "CONFIG_") || str_starts(line, "# CONFIG_")) {
			for (size_t i = 0; i < n; i++) {
				h ^= (unsigned char)line[i];
				h *= 0x100000001b3ull;
			}
			h ^= '\n';
			h *= 0x100000001b3ull;
		}
		line += n + (nl ? 1 : 0);
	}
	free(buf);
	return xasprintf("%016llx", (unsigned long long)h);
}

/* ---- the state file ---- */


const char *session_step_key(enum step_id id)
{
	/* Kept by the session, whose file names its steps: the step table (steps.c)
	 * is a layer above and asks here. */
	static const char *const keys[STEP_COUNT] = {
		[STEP_HARDWARE] = "hardware", [STEP_TOOLCHAIN] = "toolchain", [STEP_SOURCE] = "source",
		[STEP_CONFIGURE] = "configure", [STEP_BUILD] = "build", [STEP_BASELINE] = "baseline",
		[STEP_INSTALL] = "install",
		[STEP_REBOOT] = "reboot", [STEP_PROFILE] = "profile", [STEP_CONVERT] = "convert",
		[STEP_FINAL_BUILD] = "final-build", [STEP_FINISH] = "finish", [STEP_COMPARE] = "compare",
	};
	return (size_t)id < STEP_COUNT ? keys[id] : "?";
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* One save: temp file, write, fsync, rename, fsync the directory. 0, or the
 * errno of the step that failed, with cause. */
static int save_text(const char *dir, const char *text, char **cause)
{
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, STATE_FILE);
	char *path = xasprintf("%s/%s", dir, STATE_FILE);
	int e = 0;
	/* mkstemp creates 0600; fchmod anyway so a strange umask cannot widen it. */
	int fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		cause_set(cause, _("cannot create a temporary file in %s: %s"), dir, strerror(e));
		goto out;
	}
	if (fchmod(fd, 0600) < 0 || write_all(fd, text, strlen(text)) < 0 ||
	    write_all(fd, "\n", 1) < 0 || fsync(fd) < 0) {
		e = errno;
		cause_set(cause, _("cannot write %s: %s"), tmp, strerror(e));
		close(fd);
		unlink(tmp);
		goto out;
	}
	/* close() can report a delayed write error (NFS): check it too. */
	if (close(fd) < 0) {
		e = errno;
		cause_set(cause, _("cannot write %s: %s"), tmp, strerror(e));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		e = errno;
		cause_set(cause, _("cannot rename %s to %s: %s"), tmp, path, strerror(e));
		unlink(tmp);
		goto out;
	}
	if (fsync_dir(dir) < 0) {
		e = errno;
		cause_set(cause, _("cannot sync %s: %s"), dir, strerror(e));
	}
out:
	free(tmp);
	free(path);
	return e;
}

static int save(const struct session *s, bool use_reserve, char **cause)
{
	char *dir = paths_state_dir();
	/* 0700: the XDG spec's mode for what it creates. */
	if (mkdir_p(dir, 0700, cause) < 0) {
		free(dir);
		return -1;
	}
	json_object *root = session_to_json(s);
	const char *text = json_object_to_json_string_ext(
		root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *first = NULL;
	int e = save_text(dir, text, &first);
	/* The disk filled up during the step (its build log, its objects): the
	 * space held in reserve since the step started lets its outcome be saved. */
	char *reserve = xasprintf("%s/%s", dir, STATE_RESERVE);
	if (use_reserve && (e == ENOSPC || e == EDQUOT) && unlink(reserve) == 0) {
		free(first);
		first = NULL;
		e = save_text(dir, text, &first);
	}
	if (e)
		cause_set(cause, "%s", first);
	free(first);
	free(reserve);
	json_object_put(root);
	free(dir);
	return e ? -1 : 0;
}

int state_save(const struct session *s, char **cause)
{
	return save(s, false, cause);
}

int state_save_outcome(const struct session *s, char **cause)
{
	return save(s, true, cause);
}

void state_reserve(const struct session *s)
{
	char *dir = paths_state_dir();
	char *path = xasprintf("%s/%s", dir, STATE_RESERVE);
	json_object *root = session_to_json(s);
	size_t len = strlen(json_object_to_json_string_ext(
		root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	/* Room for a few saves of a session that grows a little (a message, a log path). */
	off_t want = (off_t)(len * 4 > STATE_RESERVE_MIN ? len * 4 : STATE_RESERVE_MIN);
	struct stat st;
	if (stat(path, &st) == 0 && st.st_size >= want)
		goto out;
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	/* Blocks really allocated (not a sparse file), or no reserve at all. */
	int err = posix_fallocate(fd, 0, want);
	close(fd);
	if (err)
		unlink(path);
out:
	free(path);
	free(dir);
}

/* Renames path to path.corrupt-YYYYmmdd-HHMMSS[-N] without ever replacing an
 * earlier set-aside file; returns the new name or NULL with errno. */
static char *set_aside(const char *path)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	char *prefix = xasprintf("%s.corrupt-%s", path, stamp);
	char *dst = file_move_fresh(path, prefix, "");
	free(prefix);
	return dst;
}

enum state_load_result state_load(struct session **out, char **cause)
{
	*out = NULL;
	char *dir = paths_state_dir();
	char *path = xasprintf("%s/%s", dir, STATE_FILE);
	free(dir);
	enum state_load_result rc;
	size_t len = 0;
	char *text = file_read(path, 256u << 20, &len);
	if (!text) {
		if (errno == ENOENT) {
			rc = STATE_NONE;
		} else {
			cause_set(cause, _("cannot read %s: %s"), path, strerror(errno));
			rc = STATE_ERROR;
		}
		free(path);
		return rc;
	}

	char *why = NULL;
	struct session *s = NULL;
	json_tokener *tok = json_tokener_new();
	json_object *root = json_tokener_parse_ex(tok, text, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (len == 0)
		why = xstrdup(_("empty file"));
	else if (!root && jerr == json_tokener_success)
		/* json-c parses "null" to no object and no error. */
		why = xstrdup(_("it holds JSON null, not a session object"));
	else if (!root)
		why = xasprintf(_("not valid JSON (%s)"), json_tokener_error_desc(jerr));
	else if ((size_t)json_tokener_get_parse_end(tok) < len &&
		 text[json_tokener_get_parse_end(tok) + strspn(text + json_tokener_get_parse_end(tok),
							     " \t\r\n")] != '\0')
		why = xstrdup(_("trailing data after the JSON object"));
	else
		s = session_from_json(root, &why);
	json_tokener_free(tok);
	json_object_put(root);
	free(text);

	if (s) {
		*out = s;
		free(path);
		return STATE_LOADED;
	}
	char *moved = set_aside(path);
	if (moved) {
		cause_set(cause, _("the saved session %s was unreadable (%s); it was kept as %s"),
			  path, why, moved);
		rc = STATE_SET_ASIDE;
	} else {
		cause_set(cause, _("the saved session %s is unreadable (%s) and could not be set aside: %s"),
			  path, why, strerror(errno));
		rc = STATE_ERROR;
	}
	free(moved);
	free(why);
	free(path);
	return rc;
}
