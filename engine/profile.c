/* The convert step before it runs: where profiles live, which tools convert,
 * the checks of the vmlinux, the input and the build-ids, and the commands.
 * What happens after (stats, names, records) is in profile_out.c. */
#include "engine/profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "base/paths.h"
#include "base/i18n.h"
#include "engine/perfdata.h"
#include "engine/record.h"
#include "detect/toolchain.h"

char *profile_dir(void)
{
	char *data = paths_data_dir();
	char *dir = xasprintf("%s/profiles", data);
	free(data);
	return dir;
}

bool profile_is_perfscript(const char *path)
{
	size_t n = path ? strlen(path) : 0;
	return n > 11 && strcmp(path + n - 11, ".perfscript") == 0;
}

/* The name when PATH finds the same file by it, else the full path. */
static char *tool_word(const struct tool *t)
{
	if (!t->path)
		return NULL;
	char *found = path_find_exe(t->name);
	bool same = found && strcmp(found, t->path) == 0;
	free(found);
	return xstrdup(same ? t->name : t->path);
}

const struct profile_tools *profile_tools(const struct toggles *t)
{
	static struct profile_tools pt;
	static bool done;
	if (done)
		return &pt;
	done = true;
	struct toolchain tc;
	const char *l = t && t->llvm ? t->llvm : "";
	size_t n = strlen(l);
	struct toolchain_opts o = { .no_owners = true, .llvm_dir = n && l[n - 1] == '/' ? l : NULL };
	if (toolchain_detect(&o, &tc, NULL) < 0)
		return &pt;
	const struct tool *pg = &tc.tools[TOOL_LLVM_PROFGEN];
	pt.profgen = tool_word(pg);
	pt.profgen_major = pg->major;
	pt.profgen_kernel = tc.profgen_kernel;
	/* One too old to write extbinary would fail after the whole recording: not used. */
	if (toolchain_create_llvm_prof_ok(&tc))
		pt.create_llvm_prof = tool_word(&tc.tools[TOOL_CREATE_LLVM_PROF]);
	pt.profdata = tool_word(&tc.tools[TOOL_LLVM_PROFDATA]);
	toolchain_free(&tc);
	return &pt;
}

/* ---- checks ---- */

int profile_check_vmlinux(const char *vmlinux, char **cause)
{
	if (!vmlinux || vmlinux[0] != '/') {
		cause_set(cause, _("no vmlinux of the running kernel yet: give it with --vmlinux FILE (the "
				   "-debug package has it as /usr/src/debug/PKGBASE/vmlinux)"));
		return -1;
	}
	struct elf_info info;
	char *why = NULL;
	if (elfid_inspect(vmlinux, &info, &why) < 0) {
		cause_set(cause, _("the vmlinux %s cannot be used: %s"), vmlinux, why);
		free(why);
		return -1;
	}
	int rc = -1;
	if (!info.has_symtab)
		cause_set(cause, _("%s is stripped (no symbol table): llvm-profgen needs the unstripped "
				   "vmlinux with its debug info, such as the -debug package's "
				   "/usr/src/debug/PKGBASE/vmlinux or the build tree's vmlinux"), vmlinux);
	else if (!info.is_kernel)
		cause_set(cause, _("%s is not a kernel image (it has no _text and _stext symbols): give the "
				   "kernel's vmlinux"), vmlinux);
	else if (!info.has_debug_info)
		cause_set(cause, _("%s has no debug info (.debug_info): llvm-profgen would make an empty "
				   "profile from it; build with CONFIG_DEBUG_INFO and use that vmlinux"), vmlinux);
	else
		rc = 0;
	elf_info_free(&info);
	return rc;
}

int profile_check_build_ids(const char *vmlinux, const char *kernel_id, const char *sysroot, char **note,
			    char **cause)
{
	char *vid = NULL, *rid = NULL, *why = NULL;
	if (elfid_build_id(vmlinux, &vid, &why) < 0) {
		cause_set(cause, _("cannot tell which kernel %s belongs to: %s"), vmlinux, why);
		free(why);
		return -1;
	}
	char *notes = sysroot_path(sysroot, "/sys/kernel/notes");
	char *rwhy = NULL;
	bool running = elfid_notes_build_id(notes, &rid, &rwhy) == 0;
	int rc = 0;
	if (kernel_id && strcmp(kernel_id, vid) != 0) {
		cause_set(cause, _("perf.data was recorded on the kernel with build-id %s, but %s has build-id "
				   "%s: they are different builds, and the samples would land on the wrong code. "
				   "Give the vmlinux of the kernel that was recorded (--vmlinux FILE), or record "
				   "again on the kernel this vmlinux belongs to"), kernel_id, vmlinux, vid);
		rc = -1;
	} else if (kernel_id) {
		if (running && strcmp(rid, vid) != 0)
			cause_set(note, _("the running kernel (build-id %s) is another one, but perf.data was "
					  "recorded on this vmlinux's kernel (build-id %s), which is what counts"),
				  rid, vid);
	} else if (!running) {
		cause_set(note, _("the running kernel's build-id is unknown (%s): %s is used unchecked"), rwhy, vmlinux);
	} else if (strcmp(rid, vid) != 0) {
		cause_set(cause, _("the running kernel has build-id %s, but %s has build-id %s: it is the "
				   "vmlinux of another build. Boot the kernel this vmlinux belongs to and record "
				   "there, or give the running kernel's vmlinux with --vmlinux FILE"), rid, vmlinux, vid);
		rc = -1;
	}
	free(rwhy);
	free(notes);
	free(vid);
	free(rid);
	return rc;
}

static int check_input(const struct session *s, const char **kernel_id, struct perfdata_info *pd, char **cause)
{
	const char *in = s->artifacts.perf_data;
	struct stat st;
	if (!in || in[0] != '/' || stat(in, &st) < 0) {
		cause_set(cause, _("no perf.data recorded yet%s%s"), in ? ": " : "", in ? in : "");
		return -1;
	}
	if (profile_is_perfscript(in)) {
		if (st.st_size == 0) {
			cause_set(cause, _("the perf script %s is empty"), in);
			return -1;
		}
		return 0;
	}
	if (perfdata_check(in, pd, cause) < 0)
		return -1;
	*kernel_id = pd->kernel_build_id;
	return 0;
}

static int check_tools(const struct session *s, char **cause)
{
	const struct profile_tools *pt = profile_tools(&s->toggles);
	bool script = profile_is_perfscript(s->artifacts.perf_data);
	if (!pt->profdata) {
		cause_set(cause, _("llvm-profdata is missing: it checks the profile and counts its samples; "
				   "install LLVM (llvm)"));
		return -1;
	}
	if (pt->profgen_kernel) {
		char *perf = path_find_exe("perf");
		bool ok = perf || script;
		free(perf);
		if (!ok) {
			cause_set(cause, _("perf is not on PATH: llvm-profgen runs `perf script` to read perf.data "
					   "(it would fail with \"Perf not found.\"); install perf or put it on PATH"));
			return -1;
		}
		return 0;
	}
	if (script || !pt->create_llvm_prof) {
		if (pt->profgen)
			cause_set(cause, _("llvm-profgen %d has no --kernel (that came with LLVM 19)%s: install "
					   "LLVM 19 or later"), pt->profgen_major,
				  script ? "" : _(", and no create_llvm_prof v0.30.1 or later is installed either"));
		else
			cause_set(cause, _("llvm-profgen is missing (and no create_llvm_prof v0.30.1 or later "
					   "either): install LLVM 19 or later"));
		return -1;
	}
	return 0;
}

int profile_check_inputs(const struct session *s, char **note, char **cause)
{
	if (profile_check_vmlinux(s->artifacts.vmlinux, cause) < 0)
		return -1;
	struct perfdata_info pd = { 0 };
	const char *kid = NULL;
	int rc = check_input(s, &kid, &pd, cause);
	if (rc == 0)
		rc = profile_check_build_ids(s->artifacts.vmlinux, kid, session_sysroot(s), note, cause);
	perfdata_info_free(&pd);
	if (rc == 0)
		rc = check_tools(s, cause);
	for (size_t i = 0; rc == 0 && s->profile.merge_with && s->profile.merge_with[i]; i++) {
		const char *m = s->profile.merge_with[i];
		struct stat st;
		if (strcmp(m, "all") == 0)
			continue;
		if (m[0] != '/' || stat(m, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
			cause_set(cause, _("the profile to merge %s is missing or empty"), m);
			rc = -1;
		}
	}
	return rc;
}

/* ---- the plan ---- */

static char *in_profiles(const char *name)
{
	char *dir = profile_dir();
	char *p = xasprintf("%s/%s", dir, name);
	free(dir);
	return p;
}

/* The earlier single-recording profiles of the same vmlinux build ("all"),
 * and the profiles named one by one. */
static char **merge_inputs(const struct session *s)
{
	char **in = NULL;
	char *vid = NULL;
	for (size_t i = 0; s->profile.merge_with && s->profile.merge_with[i]; i++) {
		const char *m = s->profile.merge_with[i];
		if (strcmp(m, "all") != 0) {
			strv_push(&in, m);
			continue;
		}
		if (!vid && (!s->artifacts.vmlinux || elfid_build_id(s->artifacts.vmlinux, &vid, NULL) < 0))
			continue;
		char **all = profile_list();
		for (size_t k = 0; all && all[k]; k++) {
			struct profile_record rec;
			if (profile_record_read(all[k], &rec, NULL) == 0 && !rec.empty && !rec.merged_from &&
			    rec.build_id && strcmp(rec.build_id, vid) == 0)
				strv_push(&in, all[k]);
			profile_record_free(&rec);
		}
		strv_free(all);
	}
	free(vid);
	return in;
}

int profile_plan(const struct session *s, struct plan *p, char **cause)
{
	const struct artifacts *a = &s->artifacts;
	if (!a->vmlinux || a->vmlinux[0] != '/' || !a->perf_data || a->perf_data[0] != '/') {
		cause_set(cause, !a->vmlinux || a->vmlinux[0] != '/'
					 ? _("no vmlinux of the running kernel yet (--vmlinux FILE)")
					 : _("no perf.data recorded yet (--perf-data FILE)"));
		return -1;
	}
	const struct profile_tools *pt = profile_tools(&s->toggles);
	bool script = profile_is_perfscript(a->perf_data);
	char *out = in_profiles(PROFILE_TMP_NEW);
	char **v = NULL;
	if (pt->profgen && (pt->profgen_kernel || script)) {
		strv_push(&v, pt->profgen);
		strv_push(&v, "--kernel");
		strv_pushf(&v, "--binary=%s", a->vmlinux);
		strv_pushf(&v, script ? "--perfscript=%s" : "--perfdata=%s", a->perf_data);
		strv_push(&v, "-o");
		strv_push(&v, out);
	} else if (pt->create_llvm_prof) {
		strv_push(&v, pt->create_llvm_prof);
		strv_pushf(&v, "--binary=%s", a->vmlinux);
		strv_pushf(&v, "--profile=%s", a->perf_data);
		strv_push(&v, "--format=extbinary");
		strv_pushf(&v, "--out=%s", out);
	} else {
		cause_set(cause, _("neither llvm-profgen 19 or later nor create_llvm_prof v0.30.1 or later is "
				   "installed: install LLVM 19 or later"));
		free(out);
		return -1;
	}
	/* llvm-profgen writes perf script's output to a temporary file in its working directory. */
	char *dir = profile_dir();
	plan_cmd_set_cwd(plan_add(p, _("Convert the samples into an AutoFDO profile"), v), dir);
	free(dir);
	const char *profdata = pt->profdata ? pt->profdata : "llvm-profdata";
	char *stats = in_profiles(PROFILE_TMP_NEW_STATS);
	plan_add(p, _("Check the profile and count its functions and samples"), profile_stats_argv(profdata, out, stats));
	free(stats);
	char **in = merge_inputs(s);
	if (in) {
		char *merged = in_profiles(PROFILE_TMP_MERGED);
		v = NULL;
		strv_push(&v, profdata);
		/* Without --sample, llvm-profdata takes them for instrumentation profiles. */
		const char *m[] = { "merge", "--sample", "--extbinary", "-o" };
		for (size_t i = 0; i < ARRAY_LEN(m); i++)
			strv_push(&v, m[i]);
		strv_push(&v, merged);
		strv_push(&v, out);
		for (size_t i = 0; in[i]; i++) {
			char *arg = path_as_arg(in[i]);
			strv_push(&v, arg);
			free(arg);
		}
		plan_add(p, _("Merge it with the earlier profiles (they are kept)"), v);
		stats = in_profiles(PROFILE_TMP_MERGED_STATS);
		plan_add(p, _("Check the merged profile"), profile_stats_argv(profdata, merged, stats));
		free(stats);
		free(merged);
	}
	strv_free(in);
	free(out);
	return 0;
}

int profile_prepare_dir(char **cause)
{
	char *dir = profile_dir();
	int rc = mkdir_p(dir, 0700, cause);
	free(dir);
	return rc < 0 ? -1 : 0;
}
