/* engine/profile and the convert step, with the real llvm-profgen-19 and
 * llvm-profdata-19 on a real ELF: a small kernel-like image built here by cc
 * with -g, _text and _stext (tests/fixtures/minikernel), and the LBR samples
 * tests/tools/gen_perfscript generates from its own instructions, since this
 * VM cannot record branch stacks. The same samples also go through a
 * perf.data written by tests/tools/gen_perfdata, which llvm-profgen reads
 * with the real `perf script`. The running kernel is a fixture sysroot whose
 * /sys/kernel/notes is the image's own build-id note. */
#include "testlib.h"

#include <json-c/json.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "engine/perfdata.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "engine/runner.h"
#include "engine/steps.h"
#include "base/util.h"

static char dir[] = "/tmp/kfdo-profile-XXXXXX";
static char *saved_state, *saved_data, *saved_path;
static bool have_llvm, have_perf;
static int need_llvm, need_perf; /* test_need()'s answers */
static char *vmlinux, *other, *trace, *trace_data, *sysroot;
static uint64_t first_total; /* the perf script conversion's samples */
static char *first_profile;

static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static const char *tools(void)
{
	const char *t = getenv("KFDO_TOOLS");
	return t ? t : "build/tools";
}

#define CC_KERNEL "cc -g -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -fno-asynchronous-unwind-tables " \
		  "-fno-stack-protector -nostdlib -static -no-pie -Wl,--build-id=sha1 " \
		  "-Wl,-T," FIXTURES "/minikernel/kernel.lds " FIXTURES "/minikernel/kernel.c"

static char *build_id(const char *path)
{
	char *id = NULL;
	elfid_build_id(path, &id, NULL);
	return id;
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	saved_state = test_env_save("XDG_STATE_HOME");
	saved_data = test_env_save("XDG_DATA_HOME");
	saved_path = test_env_save("PATH");
	char *st = in_dir("state"), *data = in_dir("data");
	setenv("XDG_STATE_HOME", st, 1);
	setenv("XDG_DATA_HOME", data, 1);
	free(st);
	free(data);
	vmlinux = in_dir("vmlinux");
	other = in_dir("vmlinux.other");
	trace = in_dir("trace.perfscript");
	trace_data = in_dir("trace.data");
	sysroot = in_dir("sysroot");
	/* The same source at another optimization level: another build, another build-id. */
	int rc = test_sh(CC_KERNEL " -O2 -o %s", vmlinux) | test_sh(CC_KERNEL " -O1 -o %s", other) |
		 test_sh("mkdir -p %s/sys/kernel %s/proc/sys/kernel && echo 6.13.0-mini > %s/proc/sys/kernel/osrelease",
		    sysroot, sysroot, sysroot) |
		 test_sh("objcopy -O binary --only-section=.notes %s %s/sys/kernel/notes", vmlinux, sysroot);
	if (rc)
		return -1;
	/* Both come with `make check` (scripts/deps.list): missing, the tests below fail. */
	need_llvm = test_need("llvm-profgen-19 llvm-profdata-19");
	need_perf = test_need("perf");
	have_llvm = need_llvm == 0;
	have_perf = need_perf == 0;
	if (!have_llvm)
		return 0;
	char *id = build_id(vmlinux);
	rc = test_sh("%s/gen_perfscript --binary %s -o %s --samples 3000 2>/dev/null", tools(), vmlinux, trace) |
	     test_sh("%s/gen_perfdata -o %s --from-perfscript %s --kernel-build-id %s --os-release 6.13.0-mini", tools(),
		trace_data, trace, id);
	free(id);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	test_env_restore("XDG_STATE_HOME", saved_state);
	test_env_restore("XDG_DATA_HOME", saved_data);
	test_env_restore("PATH", saved_path);
	test_rm_rf(dir);
	free(vmlinux);
	free(other);
	free(trace);
	free(trace_data);
	free(sysroot);
	free(first_profile);
	return 0;
}

static void test_stats_parse(void **state)
{
	(void)state;
	const char *text = "Function: : 0, 0, 0 sampled lines\n"
			   "No samples collected in the function's body\n"
			   "18 out of 19 functions with profile (94.74%) are considered hot functions (max sample >= 93).\n"
			   "1124231 out of 1124300 profile counts (99.99%) are from hot functions.\n"
			   " Total sample (%)       Max sample        Entry sample    Function name\n"
			   " 354045 (31.49%)        9518              9518            rcu_check\n"
			   " 180554 (16.06%)        5128              5128            sys_clone\n";
	struct profile_stats st;
	char *cause = NULL;
	assert_int_equal(profile_stats_parse(text, &st, &cause), 0);
	assert_int_equal(st.functions, 19);
	assert_int_equal(st.hot_functions, 18);
	assert_int_equal(st.total_samples, 1124300);
	assert_int_equal(st.n_hot, 2);
	assert_string_equal(st.hot[0].name, "rcu_check");
	assert_int_equal(st.hot[0].samples, 354045);
	assert_true(st.hot[1].share > 16.05 && st.hot[1].share < 16.07);
	st.size = 2000;
	char *w = profile_stats_warning(&st);
	assert_non_null(strstr(w, "suspiciously small"));
	free(w);
	char *line = profile_stats_line(&st, 1);
	assert_string_equal(line, "2 KB, 19 functions, 1124300 samples; hottest: rcu_check 31.5%");
	free(line);
	profile_stats_free(&st);
	/* An empty profile: llvm-profdata's own words for it. */
	assert_int_equal(profile_stats_parse("0 out of 0 functions with profile (-nan%) are considered hot functions "
					     "(max sample >= 0).\n0 out of 0 profile counts (0.00%) are from hot "
					     "functions.\n", &st, &cause), 0);
	assert_true(profile_stats_empty(&st));
	w = profile_stats_warning(&st);
	assert_non_null(strstr(w, "the profile is empty"));
	assert_non_null(strstr(w, "google/autofdo#256"));
	free(w);
	assert_int_equal(profile_stats_parse("error: x: Unrecognized sample profile encoding format\n", &st, &cause), -1);
	assert_non_null(strstr(cause, "no profile summary"));
	free(cause);
}

static void test_check_vmlinux(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_int_equal(profile_check_vmlinux(vmlinux, &cause), 0);
	char *st = in_dir("vmlinux.stripped"), *nd = in_dir("vmlinux.nodebug"), *plain = in_dir("plain");
	assert_int_equal(test_sh("objcopy --strip-all %s %s && objcopy --strip-debug %s %s", vmlinux, st, vmlinux, nd), 0);
	assert_int_equal(test_sh("printf 'int main(void){return 0;}' | cc -g -x c -o %s -", plain), 0);
	assert_int_equal(profile_check_vmlinux(st, &cause), -1);
	assert_non_null(strstr(cause, "is stripped"));
	assert_int_equal(profile_check_vmlinux(nd, &cause), -1);
	assert_non_null(strstr(cause, "has no debug info"));
	assert_int_equal(profile_check_vmlinux(plain, &cause), -1);
	assert_non_null(strstr(cause, "not a kernel image"));
	char *src = realpath(FIXTURES "/minikernel/kernel.c", NULL);
	assert_int_equal(profile_check_vmlinux(src, &cause), -1);
	assert_non_null(strstr(cause, "not an ELF file"));
	free(src);
	assert_int_equal(profile_check_vmlinux(NULL, &cause), -1);
	assert_non_null(strstr(cause, "--vmlinux FILE"));
	free(cause);
	free(st);
	free(nd);
	free(plain);
}

static void test_build_ids(void **state)
{
	(void)state;
	char *vid = build_id(vmlinux), *oid = build_id(other), *note = NULL, *cause = NULL;
	assert_string_not_equal(vid, oid);
	/* The running kernel (fixture notes) is this vmlinux's. */
	assert_int_equal(profile_check_build_ids(vmlinux, NULL, sysroot, &note, &cause), 0);
	assert_null(note);
	/* A vmlinux from another build: both ids named, and what to do. */
	assert_int_equal(profile_check_build_ids(other, NULL, sysroot, &note, &cause), -1);
	assert_non_null(strstr(cause, vid));
	assert_non_null(strstr(cause, oid));
	assert_non_null(strstr(cause, "--vmlinux FILE"));
	/* perf.data noted another kernel than this vmlinux: stop, naming both. */
	assert_int_equal(profile_check_build_ids(vmlinux, oid, sysroot, &note, &cause), -1);
	assert_non_null(strstr(cause, "perf.data was recorded on the kernel with build-id"));
	assert_non_null(strstr(cause, vid));
	assert_non_null(strstr(cause, oid));
	/* perf.data and vmlinux agree, the running kernel is another: only a note. */
	assert_int_equal(profile_check_build_ids(other, oid, sysroot, &note, &cause), 0);
	assert_non_null(strstr(note, "the running kernel"));
	free(note);
	note = NULL;
	/* No notes to read: unchecked, and said so. */
	char *empty = in_dir("emptyroot");
	mkdir(empty, 0755);
	assert_int_equal(profile_check_build_ids(vmlinux, NULL, empty, &note, &cause), 0);
	assert_non_null(strstr(note, "unknown"));
	free(empty);
	free(note);
	free(cause);
	free(vid);
	free(oid);
}

/* Functions and samples, from llvm-profdata's JSON (another view than the
 * hot list kfdo reads). */
static void json_counts(const char *profile, uint64_t *functions, uint64_t *total)
{
	char *out = in_dir("show.json");
	assert_int_equal(test_sh("llvm-profdata-19 show --sample --show-format=json %s > %s", profile, out), 0);
	json_object *a = json_object_from_file(out);
	assert_non_null(a);
	*functions = json_object_array_length(a);
	*total = 0;
	for (size_t i = 0; i < *functions; i++) {
		json_object *t;
		if (json_object_object_get_ex(json_object_array_get_idx(a, i), "total", &t))
			*total += (uint64_t)json_object_get_int64(t);
	}
	json_object_put(a);
	free(out);
}

static struct session *convert_session(const char *input)
{
	struct session *s = session_new();
	session_set(&s->artifacts.vmlinux, vmlinux);
	session_set(&s->artifacts.perf_data, input);
	/* The running kernel is the fixture's: this vmlinux's build. */
	session_set(&s->sysroot, sysroot);
	return s;
}

static void test_convert_perfscript(void **state)
{
	(void)state;
	TEST_NEED(need_llvm, "llvm-profgen-19 llvm-profdata-19");
	struct session *s = convert_session(trace);
	char *cause = NULL;
	enum runner_result res = runner_run(s, STEP_CONVERT, NULL, &cause);
	if (res != RUNNER_OK)
		fprintf(stderr, "# %s\n", cause);
	assert_int_equal(res, RUNNER_OK);
	const char *p = s->artifacts.profile;
	char *pdir = profile_dir();
	assert_true(str_starts(p, pdir));
	assert_non_null(strstr(p, "/6.13.0-mini-trace-"));
	struct profile_record rec;
	assert_int_equal(profile_record_read(p, &rec, &cause), 0);
	uint64_t funcs, total;
	json_counts(p, &funcs, &total);
	assert_int_equal(rec.functions, funcs);
	assert_int_equal(rec.total_samples, total);
	/* The image's own functions, the hottest first. */
	assert_true(rec.functions >= 15);
	assert_true(rec.n_hot >= 5);
	assert_true(rec.hot[0].samples >= rec.hot[1].samples);
	const char *names = " sys_read sys_write sys_openat sys_close sys_mmap sys_futex sys_poll sys_clone vfs_read "
			    "vfs_write copy_user page_fault tlb_flush rcu_check schedule do_syscall_64 timer_interrupt "
			    "start_kernel ";
	for (size_t i = 0; i < rec.n_hot; i++) {
		char *w = xasprintf(" %s ", rec.hot[i].name);
		assert_non_null(strstr(names, w));
		free(w);
	}
	char *vid = build_id(vmlinux);
	assert_string_equal(rec.build_id, vid);
	free(vid);
	assert_string_equal(rec.workload, "trace");
	assert_int_equal(s->steps[STEP_CONVERT].status, STATUS_DONE);
	/* A kernel-like image this small gives a small profile, and the message warns. */
	assert_non_null(strstr(s->steps[STEP_CONVERT].message, "suspiciously small"));
	/* No temporary file is left behind. */
	char *tmp = xasprintf("%s/%s", pdir, PROFILE_TMP_NEW);
	assert_int_equal(access(tmp, F_OK), -1);
	first_total = total;
	first_profile = xstrdup(p);
	free(tmp);
	profile_record_free(&rec);
	free(pdir);
	free(cause);
	session_free(s);
}

/* The same samples in a perf.data: llvm-profgen runs the real perf script. */
static void test_convert_perfdata(void **state)
{
	(void)state;
	TEST_NEED(need_llvm, "llvm-profgen-19 llvm-profdata-19");
	TEST_NEED(need_perf, "perf");
	if (!first_profile) /* the first conversion failed, and said so */
		skip();
	struct session *s = convert_session(trace_data);
	char *cause = NULL;
	enum runner_result res = runner_run(s, STEP_CONVERT, NULL, &cause);
	if (res != RUNNER_OK)
		fprintf(stderr, "# %s\n", cause);
	assert_int_equal(res, RUNNER_OK);
	assert_string_not_equal(s->artifacts.profile, first_profile);
	uint64_t funcs, total;
	json_counts(s->artifacts.profile, &funcs, &total);
	assert_int_equal(total, first_total);
	free(cause);
	session_free(s);
}

/* Every file under d (path, size, contents), for the "nothing deleted" check. */
static char *snapshot(void)
{
	char *out = in_dir("snap.txt");
	char *data = in_dir("data");
	test_sh("cd %s && find . -type f ! -name '.convert-*' | sort | xargs -r md5sum > %s", data, out);
	char *text = file_read(out, 1 << 20, NULL);
	free(out);
	free(data);
	return text;
}

static bool snapshot_kept(const char *before, const char *after)
{
	/* Every earlier line (file and checksum) is still there. */
	for (const char *l = before; l && *l;) {
		const char *nl = strchr(l, '\n');
		char *line = strndup(l, nl ? (size_t)(nl - l) : strlen(l));
		bool ok = strstr(after, line) != NULL;
		if (!ok)
			fprintf(stderr, "# gone or changed: %s\n", line);
		free(line);
		if (!ok)
			return false;
		l = nl ? nl + 1 : NULL;
	}
	return true;
}

static void test_merge_keeps_sources(void **state)
{
	(void)state;
	TEST_NEED(need_llvm, "llvm-profgen-19 llvm-profdata-19");
	if (!first_profile)
		skip();
	char *before = snapshot();
	struct session *s = convert_session(trace);
	strv_push(&s->profile.merge_with, first_profile);
	char *cause = NULL;
	assert_int_equal(runner_run(s, STEP_CONVERT, NULL, &cause), RUNNER_OK);
	const char *merged = s->artifacts.profile;
	assert_non_null(strstr(merged, "-merged.afdo"));
	struct profile_record rec;
	assert_int_equal(profile_record_read(merged, &rec, &cause), 0);
	assert_non_null(rec.merged_from);
	assert_non_null(strstr(rec.merged_from, first_profile));
	/* The same samples twice: twice the counts. */
	uint64_t funcs, total;
	json_counts(merged, &funcs, &total);
	assert_int_equal(total, 2 * first_total);
	assert_int_equal(rec.total_samples, total);
	profile_record_free(&rec);
	/* "all": every earlier single-recording profile of this build. */
	session_free(s);
	s = convert_session(trace);
	strv_push(&s->profile.merge_with, "all");
	assert_int_equal(runner_run(s, STEP_CONVERT, NULL, &cause), RUNNER_OK);
	assert_int_equal(profile_record_read(s->artifacts.profile, &rec, &cause), 0);
	json_counts(s->artifacts.profile, &funcs, &total);
	/* The perf script twice, the perf.data once (when perf was there), and this one. */
	assert_int_equal(total, (have_perf ? 4 : 3) * first_total);
	profile_record_free(&rec);
	char *after = snapshot();
	assert_true(snapshot_kept(before, after));
	free(before);
	free(after);
	free(cause);
	session_free(s);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	TEST_NEED(need_llvm, "llvm-profgen-19 llvm-profdata-19");
	if (!first_profile)
		skip();
	char *before = snapshot(), *cause = NULL, *why = NULL;
	const struct step_def *conv = step_get(STEP_CONVERT);
	/* A merge input llvm-profdata rejects. */
	struct session *s = convert_session(trace);
	char *junk = in_dir("junk.afdo");
	FILE *f = fopen(junk, "w");
	fputs("not a profile\n", f);
	fclose(f);
	strv_push(&s->profile.merge_with, junk);
	const char *old = first_profile;
	session_set(&s->artifacts.profile, old);
	assert_int_equal(runner_run(s, STEP_CONVERT, NULL, &cause), RUNNER_FAILED);
	assert_non_null(strstr(cause, "Unrecognized sample profile encoding format"));
	assert_string_equal(s->artifacts.profile, old);
	/* The failed step's temporary names (.convert-new.afdo, its stats) are gone. */
	assert_int_not_equal(test_sh("ls -A %s/data/kfdo/profiles | grep '^\\.convert-' >&2", dir), 0);
	struct profile_stats st;
	assert_int_equal(profile_stats_run(NULL, junk, -1, &st, &cause), -1);
	assert_non_null(strstr(cause, "llvm-profdata rejects"));
	assert_non_null(strstr(cause, "Unrecognized sample profile encoding format"));
	session_free(s);

	/* Samples that land nowhere in this vmlinux: an empty profile, kept but not used. */
	char *nowhere = in_dir("nowhere.perfscript");
	assert_int_equal(test_sh("head -n 2 %s > %s && echo ' ffffffff9f7fff00 0xffffffff9f7fff10/0xffffffff9f7fff00/P/-/-/0' "
			    ">> %s", trace, nowhere, nowhere), 0);
	s = convert_session(nowhere);
	session_set(&s->artifacts.profile, old);
	assert_int_equal(runner_run(s, STEP_CONVERT, NULL, &cause), RUNNER_FAILED);
	assert_non_null(strstr(cause, "the profile is empty"));
	assert_non_null(strstr(cause, "kept as"));
	assert_string_equal(s->artifacts.profile, old);
	session_free(s);

	/* A perf.data without branch stacks, and one of another kernel. */
	char *nob = in_dir("nob.data"), *oth = in_dir("oth.data"), *oid = build_id(other);
	assert_int_equal(test_sh("%s/gen_perfdata -o %s --no-branch-stack && %s/gen_perfdata -o %s --kernel-build-id %s",
			    tools(), nob, tools(), oth, oid), 0);
	s = convert_session(nob);
	assert_false(conv->precondition(s, &why));
	assert_non_null(strstr(why, "without branch stacks"));
	session_set(&s->artifacts.perf_data, oth);
	assert_false(conv->precondition(s, &why));
	assert_non_null(strstr(why, oid));
	/* Stripped, and from another build. */
	session_set(&s->artifacts.perf_data, trace);
	char *st_path = in_dir("vmlinux.stripped");
	session_set(&s->artifacts.vmlinux, st_path);
	assert_false(conv->precondition(s, &why));
	assert_non_null(strstr(why, "is stripped"));
	session_set(&s->artifacts.vmlinux, other);
	assert_false(conv->precondition(s, &why));
	assert_non_null(strstr(why, "the running kernel has build-id"));
	/* llvm-profgen needs perf to read a perf.data: without it on PATH, say so first. */
	char *bin = in_dir("llvmonly");
	assert_int_equal(test_sh("mkdir -p %s && ln -sf \"$(command -v llvm-profgen-19)\" \"$(command -v llvm-profdata-19)\" %s",
			    bin, bin), 0);
	setenv("PATH", bin, 1);
	session_set(&s->artifacts.vmlinux, vmlinux);
	session_set(&s->artifacts.perf_data, trace_data);
	assert_false(conv->precondition(s, &why));
	assert_non_null(strstr(why, "perf is not on PATH"));
	assert_non_null(strstr(why, "Perf not found."));
	setenv("PATH", saved_path, 1);
	assert_true(conv->precondition(s, &why) || !have_perf);
	session_free(s);

	char *after = snapshot();
	assert_true(snapshot_kept(before, after));
	free(bin);
	free(st_path);
	free(oid);
	free(nob);
	free(oth);
	free(nowhere);
	free(junk);
	free(before);
	free(after);
	free(why);
	free(cause);
}

/* A path starting with '-' reaches llvm-profdata as a path ("./-x"), never as
 * an option: in the stats command and among the merge inputs. */
static void test_dash_paths(void **state)
{
	(void)state;
	char **v = profile_stats_argv("llvm-profdata", "-x", "/tmp/out");
	assert_string_equal(v[strv_len(v) - 1], "./-x");
	strv_free(v);
	v = profile_stats_argv("llvm-profdata", "/abs/p.afdo", "/tmp/out");
	assert_string_equal(v[strv_len(v) - 1], "/abs/p.afdo");
	strv_free(v);
	struct session *s = convert_session(trace);
	strv_push(&s->profile.merge_with, "-m.afdo");
	struct plan p = { 0 };
	char *cause = NULL;
	if (profile_plan(s, &p, &cause) < 0)
		skip(); /* no converter here */
	bool found = false;
	for (size_t i = 0; i < p.n; i++)
		for (char **a = p.cmds[i].argv; *a; a++) {
			assert_string_not_equal(*a, "-m.afdo");
			found |= strcmp(*a, "./-m.afdo") == 0;
		}
	assert_true(found);
	plan_free(&p);
	session_free(s);
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_parse),
		cmocka_unit_test(test_check_vmlinux),
		cmocka_unit_test(test_build_ids),
		cmocka_unit_test(test_convert_perfscript),
		cmocka_unit_test(test_convert_perfdata),
		cmocka_unit_test(test_merge_keeps_sources),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_dash_paths),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
