/* Finding the tools: which clang and LLVM suffix to use, each tool's path and
 * version (`TOOL --version`, a header or a .pc file), the distribution
 * and the owning packages. Rating what was found is in toolchain_rate.c. */
#include "detect/toolchain_int.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"
#include "detect/pkgowner.h"
#include "proc/capture.h"

/* Minimum versions from the kernel's Documentation/process/changes.rst, and
 * clang 17 for AUTOFDO_CLANG (arch/Kconfig). */
const struct tool_spec toolchain_specs[TOOL_COUNT] = {
	[TOOL_CLANG] = { "clang", "tool.clang", FIND_LLVM, "clang", { "--version" }, "17", true,
			 /* TRANSLATORS: a tool's purpose, after "it" in "clang not found: it compiles the kernel". */
			 "clang", "clang", N_("compiles the kernel") },
	[TOOL_LLD] = { "ld.lld", "tool.ld.lld", FIND_LLVM, "ld.lld", { "--version" }, NULL, true,
		       "lld", "lld", N_("links the kernel") },
	[TOOL_LLVM_AR] = { "llvm-ar", "tool.llvm-ar", FIND_LLVM, "llvm-ar", { "--version" }, NULL,
			   true, "llvm", "llvm", N_("archives objects in an LLVM=1 build") },
	[TOOL_LLVM_NM] = { "llvm-nm", "tool.llvm-nm", FIND_LLVM, "llvm-nm", { "--version" }, NULL,
			   true, "llvm", "llvm", N_("lists symbols in an LLVM=1 build") },
	[TOOL_LLVM_OBJCOPY] = { "llvm-objcopy", "tool.llvm-objcopy", FIND_LLVM, "llvm-objcopy",
				{ "--version" }, NULL, true, "llvm", "llvm",
				N_("copies objects in an LLVM=1 build") },
	[TOOL_LLVM_PROFDATA] = { "llvm-profdata", "tool.llvm-profdata", FIND_LLVM, "llvm-profdata",
				 { "--version" }, NULL, false, "llvm", "llvm",
				 N_("merges profiles from several recordings") },
	[TOOL_LLVM_PROFGEN] = { "llvm-profgen", "tool.llvm-profgen", FIND_LLVM, "llvm-profgen",
				{ "--version" }, "19", true, "llvm", "llvm",
				N_("turns perf.data into an AutoFDO profile") },
	[TOOL_CREATE_LLVM_PROF] = { "create_llvm_prof", "tool.create_llvm_prof", FIND_EXE,
				    "create_llvm_prof", { "--version" }, "0.30.1", false, NULL,
				    NULL, N_("makes Propeller profiles, and AutoFDO ones without llvm-profgen") },
	[TOOL_PERF] = { "perf", "tool.perf", FIND_EXE, "perf", { "version", "--build-options" },
			NULL, true, "perf", "linux-perf", N_("records the branch profile") },
	[TOOL_MAKE] = { "make", "tool.make", FIND_EXE, "make", { "--version" }, "4.0", true, "make",
			"make", N_("drives the kernel build") },
	[TOOL_MAKEPKG] = { "makepkg", "tool.makepkg", FIND_EXE, "makepkg", { "--version" }, NULL,
			   true, "pacman", "makepkg", N_("builds the packages of `make pacman-pkg`") },
	[TOOL_PACMAN] = { "pacman", "tool.pacman", FIND_EXE, "pacman", { "--version" }, NULL, true,
			  "pacman", "pacman-package-manager", N_("installs the built kernel") },
	[TOOL_GIT] = { "git", "tool.git", FIND_EXE, "git", { "--version" }, NULL, false, "git", "git",
		       N_("clones a kernel tree") },
	[TOOL_BC] = { "bc", "tool.bc", FIND_EXE, "bc", { "--version" }, "1.06.95", true, "bc", "bc",
		      N_("computes kernel constants at build time") },
	[TOOL_FLEX] = { "flex", "tool.flex", FIND_EXE, "flex", { "--version" }, "2.5.35", true,
			"flex", "flex", N_("builds Kconfig's parser") },
	[TOOL_BISON] = { "bison", "tool.bison", FIND_EXE, "bison", { "--version" }, "2.0", true,
			 "bison", "bison", N_("builds Kconfig's parser") },
	[TOOL_PAHOLE] = { "pahole", "tool.pahole", FIND_EXE, "pahole", { "--version" }, "1.16", true,
			  "pahole", "dwarves", N_("generates BTF (distribution configs enable DEBUG_INFO_BTF)") },
	[TOOL_CPIO] = { "cpio", "tool.cpio", FIND_EXE, "cpio", { "--version" }, NULL, true, "cpio",
			"cpio", N_("packs the in-kernel headers (IKHEADERS)") },
	[TOOL_PERL] = { "perl", "tool.perl", FIND_EXE, "perl", { "-e", "print $^V" }, "5", true,
			"perl", "perl", N_("runs kernel build scripts") },
	[TOOL_OPENSSL] = { "openssl", "tool.openssl", FIND_HEADER, "openssl/opensslv.h", { NULL },
			   "1.0.0", true, "openssl", "libssl-dev",
			   N_("builds sign-file and extract-cert (module signing)") },
	[TOOL_LIBELF] = { "libelf", "tool.libelf", FIND_HEADER, "gelf.h", { NULL }, NULL, true,
			  "libelf", "libelf-dev", N_("builds objtool and resolve_btfids") },
};

/* Where a host compiler finds headers; the multiarch one is Debian's. */
static const char *const include_dirs[] = {
	"/usr/include", "/usr/include/x86_64-linux-gnu", "/usr/local/include",
};
static const char *const pkgconfig_dirs[] = {
	"/usr/lib/pkgconfig", "/usr/lib/x86_64-linux-gnu/pkgconfig", "/usr/lib64/pkgconfig",
	"/usr/share/pkgconfig", "/usr/local/lib/pkgconfig",
};

static bool is_version_start(const char *s, const char *p)
{
	if (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.'))
		return false;
	if (*p == 'v' || *p == 'V')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return *p == '.' && isdigit((unsigned char)p[1]);
}

static const char *find_dotted(const char *s, const char *from, const char *end)
{
	for (const char *p = from; p < end; p++)
		if (is_version_start(s, p))
			return p;
	return NULL;
}

char *toolchain_parse_version(const char *output, int *major)
{
	if (major)
		*major = 0;
	if (!output)
		return NULL;
	/* The first line holding a dotted number; within it, the first one after
	 * the word "version" when there is one: "This is perl 5, version 36,
	 * subversion 0 (v5.36.0)". Later lines (licences) never count. */
	const char *p = NULL;
	for (const char *line = output; *line && !p;) {
		const char *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		const char *word = strstr(line, "version");
		if (word && word < end)
			p = find_dotted(output, word, end);
		if (!p)
			p = find_dotted(output, line, end);
		line = *end ? end + 1 : end;
	}
	if (!p)
		return NULL;
	if (*p == 'v' || *p == 'V')
		p++;
	size_t n = 0;
	while (isdigit((unsigned char)p[n]) || (p[n] == '.' && isdigit((unsigned char)p[n + 1])))
		n++;
	if (major)
		*major = atoi(p);
	return xasprintf("%.*s", (int)n, p);
}

int toolchain_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
		if (!isdigit((unsigned char)*a))
			a += strlen(a);
		if (!isdigit((unsigned char)*b))
			b += strlen(b);
	}
	return 0;
}

static char *os_release_value(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > n && strncmp(p, key, n) == 0 && p[n] == '=') {
			const char *v = p + n + 1;
			size_t vl = len - n - 1;
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
				v++;
				vl -= 2;
			}
			return xasprintf("%.*s", (int)vl, v);
		}
		p = e ? e + 1 : NULL;
	}
	return NULL;
}

enum distro toolchain_distro(const char *sysroot)
{
	char *path = sysroot_path(sysroot, "/etc/os-release");
	char *text = file_read(path, 1 << 16, NULL);
	free(path);
	if (!text) {
		path = sysroot_path(sysroot, "/usr/lib/os-release");
		text = file_read(path, 1 << 16, NULL);
		free(path);
	}
	if (!text)
		return DISTRO_UNKNOWN;
	char *id = os_release_value(text, "ID"), *like = os_release_value(text, "ID_LIKE");
	free(text);
	enum distro d = DISTRO_UNKNOWN;
	/* CachyOS, Manjaro, EndeavourOS say ID_LIKE=arch; Mint says "ubuntu debian". */
	if ((id && strcmp(id, "arch") == 0) || (like && str_has_word(like, "arch")))
		d = DISTRO_ARCH;
	else if ((id && strcmp(id, "ubuntu") == 0) || (like && str_has_word(like, "ubuntu")))
		d = DISTRO_UBUNTU;
	else if ((id && strcmp(id, "debian") == 0) || (like && str_has_word(like, "debian")))
		d = DISTRO_DEBIAN;
	free(id);
	free(like);
	return d;
}

const char *toolchain_distro_name(enum distro d)
{
	switch (d) {
	case DISTRO_ARCH: return "arch";
	case DISTRO_DEBIAN: return "debian";
	case DISTRO_UBUNTU: return "ubuntu";
	case DISTRO_UNKNOWN: break;
	}
	return "unknown";
}

/* The executable NAME-<digits> with the highest number on PATH (clang-19
 * beats clang-14); *num gets the number. */
static char *path_best_suffixed(const char *base, int *num)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	size_t blen = strlen(base);
	char *best = NULL;
	*num = 0;
	for (const char *p = path; *p;) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *dir = xasprintf("%.*s", (int)n, p);
		DIR *d = n ? opendir(dir) : NULL;
		for (struct dirent *de; d && (de = readdir(d));) {
			const char *s = de->d_name;
			if (strncmp(s, base, blen) != 0 || s[blen] != '-' || !s[blen + 1] ||
			    strspn(s + blen + 1, "0123456789") != strlen(s + blen + 1))
				continue;
			int v = atoi(s + blen + 1);
			if (v <= *num)
				continue;
			char *full = xasprintf("%s/%s", dir, s);
			struct stat st;
			if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && access(full, X_OK) == 0) {
				free(best);
				best = full;
				*num = v;
			} else {
				free(full);
			}
		}
		if (d)
			closedir(d);
		free(dir);
		if (!e)
			break;
		p = e + 1;
	}
	return best;
}

static char *query_version(const char *path, const char *const *args, int timeout_ms, int *major,
			   char **output)
{
	const char *argv[5] = { path };
	for (size_t i = 0; i < 3 && args[i]; i++)
		argv[i + 1] = args[i];
	struct run_result r;
	char *v = NULL;
	/* Some tools answer --version with a non-zero exit: the text is what counts. */
	if (run_capture(argv, timeout_ms, &r, NULL) == 0)
		v = toolchain_parse_version(r.output, major);
	if (output)
		*output = r.output;
	else
		run_result_free(&r);
	return v;
}

/* Whether the --help paragraph of the flag at f (up to the next line that
 * starts another flag) mentions word: another flag's text does not count. */
static bool flag_mentions(const char *f, const char *word)
{
	const char *end = f;
	while ((end = strchr(end, '\n'))) {
		end++;
		const char *p = end + strspn(end, " \t");
		if (*p == '-' || *p == '\0' || *p == '\n')
			break;
	}
	size_t len = end ? (size_t)(end - f) : strlen(f);
	return memmem(f, len, word, strlen(word)) != NULL;
}

static void tool_set(struct tool *t, char *path, char *version, int major)
{
	free(t->path);
	free(t->version);
	t->path = path;
	t->version = version;
	t->major = major;
}

/* The best LLVM: unsuffixed clang, or the highest clang-NN when it is newer.
 * Its suffix names every other LLVM tool, as make's LLVM=-NN does. */
static void llvm_choose(struct toolchain *tc, const struct toolchain_opts *o, int timeout_ms)
{
	if (o->llvm_dir) {
		size_t n = strlen(o->llvm_dir);
		tc->llvm_dir = xasprintf("%s%s", o->llvm_dir, n && o->llvm_dir[n - 1] == '/' ? "" : "/");
		tc->llvm_suffix = xstrdup("");
		tc->make_llvm_arg = xasprintf("LLVM=%s", tc->llvm_dir);
		return;
	}
	int num = 0, plain_major = 0;
	char *best = path_best_suffixed("clang", &num);
	char *plain = path_find_exe("clang");
	if (plain && best)
		free(query_version(plain, toolchain_specs[TOOL_CLANG].args, timeout_ms, &plain_major, NULL));
	if (best && (!plain || num > plain_major)) {
		tc->llvm_suffix = xasprintf("-%d", num);
		tc->make_llvm_arg = xasprintf("LLVM=-%d", num);
	} else {
		tc->llvm_suffix = xstrdup("");
		tc->make_llvm_arg = xstrdup("LLVM=1");
	}
	free(best);
	free(plain);
}

/* Any llvm-profgen of LLVM 19 or later will do: it need not match clang. */
static void profgen_fallback(struct tool *t, const struct toolchain *tc, int timeout_ms)
{
	if (tc->llvm_dir || (t->path && t->major >= PROFGEN_KERNEL_MAJOR))
		return;
	int num = 0, major = 0;
	char *alt = path_best_suffixed("llvm-profgen", &num);
	if (alt && num >= PROFGEN_KERNEL_MAJOR && num > t->major) {
		char *v = query_version(alt, toolchain_specs[TOOL_LLVM_PROFGEN].args, timeout_ms, &major, NULL);
		free(t->name);
		t->name = xasprintf("llvm-profgen-%d", num);
		tool_set(t, alt, v, major ? major : num);
		return;
	}
	free(alt);
	if (!*tc->llvm_suffix)
		return;
	char *plain = path_find_exe("llvm-profgen");
	char *v = plain ? query_version(plain, toolchain_specs[TOOL_LLVM_PROFGEN].args, timeout_ms, &major, NULL)
			: NULL;
	if (plain && major >= PROFGEN_KERNEL_MAJOR) {
		free(t->name);
		t->name = xstrdup("llvm-profgen");
		tool_set(t, plain, v, major);
		return;
	}
	free(plain);
	free(v);
}

/* OPENSSL_VERSION_STR "3.0.13" (3.x) or OPENSSL_VERSION_TEXT "OpenSSL 1.1.1w ..." (1.x). */
static void header_version(struct tool *t, const char *sysroot)
{
	if (strcmp(t->id, "openssl") == 0) {
		char *text = file_read(t->path, 1 << 20, NULL);
		const char *p = text ? strstr(text, "define OPENSSL_VERSION_STR") : NULL;
		if (!p && text)
			p = strstr(text, "define OPENSSL_VERSION_TEXT");
		if (p) {
			const char *e = strchr(p, '\n');
			char *line = xasprintf("%.*s", e ? (int)(e - p) : (int)strlen(p), p);
			t->version = toolchain_parse_version(line, &t->major);
			free(line);
		}
		free(text);
		return;
	}
	for (size_t i = 0; i < ARRAY_LEN(pkgconfig_dirs) && !t->version; i++) {
		char *pc = xasprintf("%s/libelf.pc", pkgconfig_dirs[i]);
		char *path = sysroot_path(sysroot, pc);
		char *text = file_read(path, 1 << 16, NULL);
		const char *p = text ? strstr(text, "\nVersion:") : NULL;
		if (p) {
			const char *e = strchr(p + 1, '\n');
			char *line = xasprintf("%.*s", e ? (int)(e - p) : (int)strlen(p), p);
			t->version = toolchain_parse_version(line, &t->major);
			free(line);
		}
		free(text);
		free(path);
		free(pc);
	}
}

static void tool_find(struct toolchain *tc, enum tool_id id, const struct toolchain_opts *o,
		      int timeout_ms)
{
	const struct tool_spec *s = &toolchain_specs[id];
	struct tool *t = &tc->tools[id];
	t->id = s->id;
	t->check_id = s->check_id;
	t->required = s->required;
	if (s->how == FIND_HEADER) {
		t->name = xstrdup(s->name);
		for (size_t i = 0; i < ARRAY_LEN(include_dirs) && !t->path; i++) {
			char *rel = xasprintf("%s/%s", include_dirs[i], s->name);
			char *p = sysroot_path(o->sysroot, rel);
			if (access(p, R_OK) == 0)
				t->path = p;
			else
				free(p);
			free(rel);
		}
		if (t->path)
			header_version(t, o->sysroot);
		return;
	}
	if (s->how == FIND_LLVM && tc->llvm_dir)
		t->name = xasprintf("%s%s", tc->llvm_dir, s->name);
	else if (s->how == FIND_LLVM)
		t->name = xasprintf("%s%s", s->name, tc->llvm_suffix);
	else
		t->name = xstrdup(s->name);
	t->path = path_find_exe(t->name);
	if (!t->path)
		return;
	char *out = NULL;
	t->version = query_version(t->path, s->args, timeout_ms, &t->major, &out);
	if (id == TOOL_PERF && out) {
		/* `perf version --build-options` prints "libpfm4: [ on  ]" or "[ OFF ]". */
		const char *p = strstr(out, "libpfm4:");
		tc->perf_libpfm = !p ? -1 : strncmp(p + strcspn(p, "["), "[ on", 4) == 0;
	}
	if (id == TOOL_CREATE_LLVM_PROF && !t->version) {
		/* Distribution builds (Debian's 0.19) print no version: what
		 * --help says --format takes tells a tool that can write the
		 * kernel's extbinary profile from one that would fail after the
		 * whole recording. */
		const char *help[] = { "--help", NULL };
		free(out);
		out = NULL;
		free(query_version(t->path, help, timeout_ms, NULL, &out));
		const char *f = out ? strstr(out, "-format") : NULL;
		tc->clp_extbinary = !f ? -1 : flag_mentions(f, "extbinary");
	}
	free(out);
}

static void owners_find(struct toolchain *tc, const char *sysroot)
{
	const char *paths[TOOL_COUNT];
	char *owners[TOOL_COUNT] = { 0 };
	for (size_t i = 0; i < TOOL_COUNT; i++)
		paths[i] = tc->tools[i].path;
	if (pkgowner_lookup(sysroot, paths, TOOL_COUNT, owners, NULL) < 0)
		return;
	for (size_t i = 0; i < TOOL_COUNT; i++)
		tc->tools[i].package = owners[i];
}

int toolchain_detect(const struct toolchain_opts *opts, struct toolchain *tc, char **cause)
{
	static const struct toolchain_opts defaults;
	if (!opts)
		opts = &defaults;
	memset(tc, 0, sizeof(*tc));
	tc->perf_libpfm = -1;
	tc->clp_extbinary = -1;
	if (opts->llvm_dir) {
		struct stat st;
		if (stat(opts->llvm_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			cause_set(cause, _("%s: not a directory of LLVM tools"), opts->llvm_dir);
			return -1;
		}
	}
	int timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : RUN_TIMEOUT_MS;
	tc->distro = toolchain_distro(opts->sysroot);
	llvm_choose(tc, opts, timeout_ms);
	for (int i = 0; i < TOOL_COUNT; i++)
		tool_find(tc, (enum tool_id)i, opts, timeout_ms);
	profgen_fallback(&tc->tools[TOOL_LLVM_PROFGEN], tc, timeout_ms);
	tc->llvm_major = tc->tools[TOOL_CLANG].major;
	if (!opts->no_owners && pkgowner_available(opts->sysroot))
		owners_find(tc, opts->sysroot);
	resources_read(opts->sysroot, opts->work_dir ? opts->work_dir : ".", &tc->res, NULL);

	toolchain_rate(tc);
	return 0;
}

void toolchain_free(struct toolchain *tc)
{
	for (int i = 0; i < TOOL_COUNT; i++) {
		struct tool *t = &tc->tools[i];
		free(t->name);
		free(t->path);
		free(t->version);
		free(t->package);
		free(t->message);
		free(t->remedy);
	}
	free(tc->llvm_suffix);
	free(tc->llvm_dir);
	free(tc->make_llvm_arg);
	resources_free(&tc->res);
	memset(tc, 0, sizeof(*tc));
}
