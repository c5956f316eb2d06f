/* engine/record and the profile step in engine/runner: the workloads' commands,
 * the sysctl check and its fix, the figures of a recording, and the
 * recording's life with REAL perf: start, perf.data grows, a stop on request
 * and a stop at the disk floor both leave a valid perf.data.
 *
 * This VM has no hardware PMU: `perf record -b` with the branch event cannot
 * run here. A wrapper named perf, first on PATH, stands in front of the real
 * perf and changes only that: the event becomes cpu-clock and -b goes away.
 * Everything else (kfdo's argv, the process group, SIGINT, perf writing its
 * header, the reader) is the real thing. */
#include "testlib.h"

#include <poll.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/elfid.h"
#include "proc/job.h"
#include "engine/perfdata.h"
#include "engine/record.h"
#include "engine/runner.h"
#include "engine/steps.h"
#include "base/util.h"

static char dir[] = "/tmp/kfdo-record-XXXXXX";
static char *saved_path, *saved_state, *saved_data, *saved_cache;
static bool can_record;
static int need_perf; /* test_need("perf"): make check installs perf */

static char *in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* The wrapper: the branch event -> cpu-clock, no -b; the rest goes to perf as it is. */
static const char wrapper[] =
	"#!/bin/sh\n"
	"# Stands in front of the real perf (this VM has no PMU): the branch event\n"
	"# becomes cpu-clock and -b goes; everything else is passed on unchanged.\n"
	"[ \"$1\" = record ] || exec %s \"$@\"\n"
	"shift; first=1; ev=0; dd=0\n"
	"for a do\n"
	"  [ $first = 1 ] && { set --; first=0; }\n"
	"  if [ $dd = 1 ]; then set -- \"$@\" \"$a\"; continue; fi\n"
	"  if [ $ev = 1 ]; then set -- \"$@\" cpu-clock; ev=0; continue; fi\n"
	"  case $a in\n"
	"    -b) ;;\n"
	"    -e|--pfm-events) set -- \"$@\" -e; ev=1 ;;\n"
	"    --) set -- \"$@\" --; dd=1 ;;\n"
	"    *) set -- \"$@\" \"$a\" ;;\n"
	"  esac\n"
	"done\n"
	"exec %s record \"$@\"\n";

static int setup(void **state)
{
	(void)state;
	need_perf = test_need("perf");
	if (!mkdtemp(dir))
		return -1;
	saved_path = test_env_save("PATH");
	saved_state = test_env_save("XDG_STATE_HOME");
	saved_data = test_env_save("XDG_DATA_HOME");
	saved_cache = test_env_save("XDG_CACHE_HOME");
	char *st = in_dir("state"), *data = in_dir("data"), *cache = in_dir("cache"), *bin = in_dir("bin");
	setenv("XDG_STATE_HOME", st, 1);
	setenv("XDG_DATA_HOME", data, 1);
	setenv("XDG_CACHE_HOME", cache, 1);
	mkdir(bin, 0755);
	char *real = path_find_exe("perf");
	if (real) {
		char *w = xasprintf(wrapper, real, real), *wp = in_dir("bin/perf");
		write_file(wp, w, 0755);
		char *path = xasprintf("%s:%s", bin, saved_path ? saved_path : "/usr/bin:/bin");
		setenv("PATH", path, 1);
		free(path);
		free(w);
		free(wp);
		/* perf records everything (-a) as root, or with perf_event_paranoid <= 0. */
		char *probe = xasprintf("%s/probe.data", dir);
		char *cmd = xasprintf("perf record -q -e cpu-clock -a -o %s -- true >/dev/null 2>&1", probe);
		can_record = system(cmd) == 0;
		free(cmd);
		free(probe);
	}
	if (!can_record)
		fprintf(stderr, "# perf cannot record system-wide here: the recording tests are skipped\n");
	free(real);
	free(st);
	free(data);
	free(cache);
	free(bin);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	test_env_restore("PATH", saved_path);
	test_env_restore("XDG_STATE_HOME", saved_state);
	test_env_restore("XDG_DATA_HOME", saved_data);
	test_env_restore("XDG_CACHE_HOME", saved_cache);
	test_rm_rf(dir);
	return 0;
}

static struct session *profile_session(void)
{
	struct session *s = session_new();
	struct utsname u;
	uname(&u);
	/* As after the reboot step: running the kernel kfdo built (its release and build-id). */
	session_set(&s->artifacts.kernel_release, u.release);
	char *id = NULL;
	if (elfid_notes_build_id("/sys/kernel/notes", &id, NULL) == 0)
		session_set(&s->artifacts.build_id, id);
	free(id);
	strv_push(&s->perf_event, "-e");
	strv_push(&s->perf_event, "r20c4:k");
	s->profile.disk_floor_mb = 1;
	return s;
}

static void assert_argv(char *const *got, const char *const *want)
{
	size_t i = 0;
	for (; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

static void test_command_and_timed(void **state)
{
	(void)state;
	struct session *s = profile_session();
	struct plan p = { 0 };
	char *cause = NULL;
	assert_int_equal(record_plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "no workload chosen yet"));
	s->workload.kind = WORKLOAD_COMMAND;
	assert_int_equal(record_plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "--command"));
	session_set(&s->workload.command, "make -C ~/src/foo -o skipped -j8");
	assert_int_equal(record_plan(s, &p, &cause), 0);
	assert_int_equal(p.n, 1);
	char *out = record_output_path(s);
	struct utsname u;
	uname(&u);
	char *want_out = xasprintf("%s/data/kfdo/recordings/perf-%s-command-1.data", dir, u.release);
	assert_string_equal(out, want_out);
	const char *rec[] = { "perf", "record", "-e", "r20c4:k", "-a", "-N", "-b", "-c", "500009", "-o", out, "--",
			      "sh", "-c", "make -C ~/src/foo -o skipped -j8", NULL };
	assert_argv(p.cmds[0].argv, rec);
	/* The -o that counts is perf's, not the workload's. */
	assert_string_equal(record_cmd_output(&p.cmds[0]), out);
	plan_free(&p);

	/* Never over an existing recording: the next free number. */
	char *rdir = record_dir();
	assert_int_equal(mkdir_p(rdir, 0700, NULL), 0);
	write_file(out, "an earlier recording", 0600);
	char *next = record_output_path(s);
	assert_non_null(strstr(next, "-command-2.data"));
	/* A file the user named, which does not exist yet, is used as it is. */
	char *mine = in_dir("mine.data");
	session_set(&s->artifacts.perf_data, mine);
	char *got = record_output_path(s);
	assert_string_equal(got, mine);
	free(got);
	/* ... but once it exists, a new name again. */
	write_file(mine, "x", 0600);
	got = record_output_path(s);
	assert_non_null(strstr(got, "/recordings/perf-"));

	s->workload.kind = WORKLOAD_TIMED;
	assert_int_equal(record_plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "--minutes"));
	s->workload.minutes = 2;
	assert_int_equal(record_plan(s, &p, &cause), 0);
	size_t n = strv_len(p.cmds[0].argv);
	assert_string_equal(p.cmds[0].argv[n - 2], "sleep");
	assert_string_equal(p.cmds[0].argv[n - 1], "120");
	plan_free(&p);
	free(got);
	free(mine);
	free(next);
	free(rdir);
	free(want_out);
	free(out);
	free(cause);
	session_free(s);
}

/* A machine below dir/NAME running a kernel kfdo built (release 6.12.9-arch1-1,
 * build-id deadbeef in a fixture notes file) with the two sysctls given: the
 * profile step's precondition then reads it, not this machine, whose settings
 * depend on who runs the tests. Returns its root. */
static char *fixture_machine(const char *name, int paranoid, int kptr)
{
	char *root = in_dir(name);
	char *kdir = xasprintf("%s/proc/sys/kernel", root), *sdir = xasprintf("%s/sys/kernel", root);
	assert_int_equal(mkdir_p(kdir, 0755, NULL), 0);
	assert_int_equal(mkdir_p(sdir, 0755, NULL), 0);
	char *par = xasprintf("%d\n", paranoid), *kp = xasprintf("%d\n", kptr);
	const char *files[][2] = { { "osrelease", "6.12.9-arch1-1\n" }, { "perf_event_paranoid", par },
				   { "kptr_restrict", kp } };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *f = xasprintf("%s/%s", kdir, files[i][0]);
		FILE *fp = fopen(f, "w");
		assert_non_null(fp);
		fputs(files[i][1], fp);
		fclose(fp);
		free(f);
	}
	/* One GNU build-id note: namesz 4, descsz 4, type 3, "GNU\0", 4 id bytes. */
	static const unsigned char note[] = { 4, 0, 0, 0, 4, 0, 0, 0, 3, 0, 0, 0, 'G', 'N', 'U', 0, 0xde, 0xad, 0xbe, 0xef };
	char *nf = xasprintf("%s/notes", sdir);
	FILE *fp = fopen(nf, "w");
	assert_non_null(fp);
	fwrite(note, 1, sizeof(note), fp);
	fclose(fp);
	free(nf);
	free(par);
	free(kp);
	free(kdir);
	free(sdir);
	return root;
}

static void test_kbuild_workload(void **state)
{
	(void)state;
	struct session *s = profile_session();
	char *machine = fixture_machine("machine", 0, 0);
	session_set(&s->sysroot, machine);
	session_set(&s->artifacts.kernel_release, "6.12.9-arch1-1");
	session_set(&s->artifacts.build_id, "deadbeef");
	free(machine);
	s->workload.kind = WORKLOAD_KBUILD;
	s->toggles.jobs = 4;
	session_set(&s->toggles.llvm, "-19");
	char *src = in_dir("src"), *obj = in_dir("obj"), *cfg = in_dir("obj/.config");
	mkdir(src, 0755);
	mkdir(obj, 0755);
	session_set(&s->tree, src);
	session_set(&s->output_dir, obj);
	struct plan p = { 0 };
	char *cause = NULL;
	/* No .config yet: the rebuild has nothing to build (the plan shows it anyway). */
	assert_int_equal(record_ready(s, &cause), -1);
	assert_non_null(strstr(cause, "configure first"));
	char *why = NULL;
	assert_false(step_get(STEP_PROFILE)->precondition(s, &why));
	assert_non_null(strstr(why, "configure first"));
	free(why);
	write_file(cfg, "CONFIG_64BIT=y\n", 0644);
	assert_int_equal(record_ready(s, &cause), 0);
	assert_int_equal(record_plan(s, &p, &cause), 0);
	/* A clean source tree: rebuilt in kfdo's scratch directory, never in place. */
	char *scratch = xasprintf("%s/cache/kfdo/workload-build", dir), *o = xasprintf("O=%s", scratch);
	char *scfg = xasprintf("%s/.config", scratch);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.cmds[0].kind, PLAN_COPY);
	assert_string_equal(p.cmds[0].src, cfg);
	assert_string_equal(p.cmds[0].dst, scfg);
	const char *old[] = { "make", "LLVM=-19", "LLVM_IAS=1", o, "-C", src, "olddefconfig", NULL };
	assert_argv(p.cmds[1].argv, old);
	const char *clean[] = { "make", "LLVM=-19", "LLVM_IAS=1", o, "-C", src, "clean", NULL };
	assert_argv(p.cmds[2].argv, clean);
	char **rec = p.cmds[3].argv;
	size_t n = strv_len(rec), dd = 0;
	while (strcmp(rec[dd], "--") != 0)
		dd++;
	const char *make[] = { "make", "LLVM=-19", "LLVM_IAS=1", o, "-C", src, "-j4", NULL };
	assert_argv(rec + dd + 1, make);
	assert_int_equal(n, dd + 8);
	plan_free(&p);

	/* The session's own tree configured in place: a clean rebuild would delete its build. */
	session_set(&s->output_dir, NULL);
	char *incfg = in_dir("src/.config");
	write_file(incfg, "CONFIG_64BIT=y\n", 0644);
	assert_int_equal(record_plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "configured in place"));
	assert_non_null(strstr(cause, "--workload-tree"));
	/* Another tree the user named is rebuilt in place: make clean, then make -jN. */
	char *other = in_dir("other"), *ocfg = in_dir("other/.config");
	mkdir(other, 0755);
	write_file(ocfg, "CONFIG_64BIT=y\n", 0644);
	session_set(&s->workload.tree, other);
	assert_int_equal(record_plan(s, &p, &cause), 0);
	assert_int_equal(p.n, 2);
	const char *oclean[] = { "make", "LLVM=-19", "LLVM_IAS=1", "-C", other, "clean", NULL };
	assert_argv(p.cmds[0].argv, oclean);
	n = strv_len(p.cmds[1].argv);
	assert_string_equal(p.cmds[1].argv[n - 1], "-j4");
	assert_string_equal(p.cmds[1].argv[n - 2], other);
	plan_free(&p);
	free(other);
	free(ocfg);
	free(incfg);
	free(scfg);
	free(scratch);
	free(o);
	free(src);
	free(obj);
	free(cfg);
	free(cause);
	session_free(s);
}

static void test_bench_workload(void **state)
{
	(void)state;
	struct session *s = profile_session();
	s->workload.kind = WORKLOAD_BENCHMARK;
	struct plan p = { 0 };
	char *cause = NULL;
	/* perf bench comes with perf (the wrapper on PATH is a perf too). It does a
	 * fixed amount of work, so kfdo's own binary repeats it for the minutes
	 * chosen (tests/cli/test_repeat.sh runs the repeater). */
	if (record_bench_installed("perf")) {
		s->workload.minutes = 3;
		assert_int_equal(record_plan(s, &p, &cause), 0);
		char **v = p.cmds[0].argv;
		size_t dd = 0;
		while (strcmp(v[dd], "--") != 0)
			dd++;
		char *self = plan_self_exe();
		const char *bench[] = { self, "__repeat", "180", "--", "perf", "bench", "sched", "messaging",
					"-g", "20", "-l", "10000", NULL };
		assert_argv(v + dd + 1, bench);
		free(self);
		plan_free(&p);
	}
	/* stress-ng ends itself at --timeout: no repeater around it. */
	if (record_bench_installed("stress-ng")) {
		session_set(&s->workload.bench, "stress-ng");
		assert_int_equal(record_plan(s, &p, &cause), 0);
		char **v = p.cmds[0].argv;
		size_t dd = 0;
		while (strcmp(v[dd], "--") != 0)
			dd++;
		assert_string_equal(v[dd + 1], "stress-ng");
		assert_string_equal(v[strv_len(v) - 1], "--timeout=180s");
		plan_free(&p);
	}
	session_set(&s->workload.bench, "geekbench");
	assert_int_equal(record_plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "unknown benchmark \"geekbench\""));
	/* A tool that is not installed is named, with the way out. */
	char *saved = test_env_save("PATH");
	setenv("PATH", dir, 1);
	session_set(&s->workload.bench, "stress-ng");
	assert_int_equal(record_plan(s, &p, &cause), -1);
	assert_non_null(strstr(cause, "stress-ng is not installed"));
	assert_non_null(strstr(cause, "--bench perf"));
	test_env_restore("PATH", saved);
	free(cause);
	session_free(s);
}

static void test_sysctls(void **state)
{
	(void)state;
	struct record_sysctls rs;
	assert_int_equal(record_sysctls_check(&rs, FIXTURES "/sysroot/amd-lbrv2-locked"), 2);
	assert_false(rs.privileged);
	assert_non_null(strstr(rs.problems[0], "perf_event_paranoid is 2"));
	assert_non_null(strstr(rs.problems[1], "kptr_restrict is 1"));
	struct plan p = { 0 };
	record_sysctls_plan(&rs, &p);
	assert_int_equal(p.n, 2);
	plan_set_euid(1000);
	char *line = plan_format_command(&p.cmds[0]);
	assert_string_equal(line, "sudo sysctl -w kernel.perf_event_paranoid=0");
	free(line);
	line = plan_format_command(&p.cmds[1]);
	assert_string_equal(line, "sudo sysctl -w kernel.kptr_restrict=0");
	free(line);
	plan_set_euid(0);
	line = plan_format_command(&p.cmds[1]);
	assert_string_equal(line, "sysctl -w kernel.kptr_restrict=0");
	free(line);
	plan_set_euid(-1);
	plan_free(&p);
	record_sysctls_free(&rs);
	/* The profile step does not start before they are fixed: on a machine
	 * running the built kernel (release and build-id of a fixture notes file). */
	char *root = fixture_machine("locked", 2, 1);
	struct session *s = profile_session();
	session_set(&s->sysroot, root);
	session_set(&s->artifacts.kernel_release, "6.12.9-arch1-1");
	session_set(&s->artifacts.build_id, "deadbeef");
	s->workload.kind = WORKLOAD_TIMED;
	s->workload.minutes = 1;
	char *why = NULL;
	assert_false(step_get(STEP_PROFILE)->precondition(s, &why));
	assert_non_null(strstr(why, "perf_event_paranoid is 2"));
	assert_non_null(strstr(why, "sudo sysctl -w kernel.perf_event_paranoid=0 kernel.kptr_restrict=0"));
	free(why);
	session_free(s);
	free(root);
	assert_int_equal(record_sysctls_check(&rs, FIXTURES "/sysroot/amd-lbrv2-ready"), 0);
	assert_int_equal(rs.paranoid, -1);
	record_sysctls_free(&rs);
}

static uint64_t fake_free;

static int fake_probe(const char *d, uint64_t *free_bytes)
{
	(void)d;
	*free_bytes = fake_free;
	return 0;
}

static void test_watch_figures(void **state)
{
	(void)state;
	char *f = in_dir("grow.data");
	write_file(f, "", 0600);
	record_set_disk_probe(fake_probe);
	fake_free = 500u << 20;
	struct record_watch *w = record_watch_new(f, 100u << 20, 10000);
	struct record_figures fig;
	FILE *o = fopen(f, "w");
	char block[100000] = { 0 };
	for (int i = 1; i <= 4; i++) {
		fwrite(block, 1, sizeof(block), o);
		fflush(o);
		/* Ticks less than a second apart change nothing. */
		assert_false(record_watch_tick(w, 10000 + i * 1000 - 500));
		assert_false(record_watch_tick(w, 10000 + i * 1000));
	}
	record_watch_figures(w, 14000, &fig);
	assert_int_equal(fig.size, 400000);
	assert_true(fig.elapsed_s > 3.99 && fig.elapsed_s < 4.01);
	/* 100 KB a second, measured over the window. */
	assert_true(fig.rate > 99000 && fig.rate < 101000);
	assert_true(fig.disk_known);
	assert_int_equal(fig.disk_floor, 100u << 20);
	/* Below the floor: true once, for one clean stop. */
	fake_free = 99u << 20;
	assert_true(record_watch_tick(w, 15000));
	assert_false(record_watch_tick(w, 16000));
	record_watch_set_stop(w, RECORD_STOP_DISK, 16000);
	record_watch_figures(w, 17500, &fig);
	assert_int_equal(fig.stop, RECORD_STOP_DISK);
	assert_true(fig.stopping_s > 1.49 && fig.stopping_s < 1.51);
	char buf[32];
	record_fmt_size(buf, sizeof(buf), 45123456);
	assert_string_equal(buf, "45.1 MB");
	fclose(o);
	record_watch_free(w);
	record_set_disk_probe(NULL);
	free(f);
}

/* Drives the profile step like a front end: poll, handle, read the figures. */
struct drive {
	uint64_t size_early, size_late;
	bool stopped;
	bool stop_on_growth;  /* ask for a stop once the file has grown (or after 20 s) */
	int64_t flip_disk_ms; /* 0: never */
};

static enum runner_result drive(struct session *s, struct drive *d, const char **msg, struct runner **out)
{
	struct runner *r;
	char *cause = NULL;
	int rc = runner_start(&r, s, STEP_PROFILE, NULL, &cause);
	if (rc < 0)
		fprintf(stderr, "# %s\n", cause);
	assert_int_equal(rc, 0);
	int64_t t0 = job_now();
	while (!runner_done(r)) {
		struct pollfd pfd = { .fd = runner_fd(r), .events = POLLIN };
		poll(&pfd, pfd.fd >= 0 ? 1 : 0, runner_timeout(r, job_now()));
		int64_t now = job_now();
		runner_handle(r, now);
		struct record_figures f;
		if (!runner_recording(r) || !runner_record_figures(r, now, &f))
			continue;
		if (now - t0 > 1200 && !d->size_early)
			d->size_early = f.size;
		if (d->size_early && !d->stopped)
			d->size_late = f.size;
		if (d->flip_disk_ms && now - t0 > d->flip_disk_ms)
			fake_free = 1u << 20;
		/* perf writes when its ring buffers fill, not on a clock: on an idle
		 * machine two seconds can pass without a write, so wait for one. */
		bool grown = d->size_early && d->size_late > d->size_early;
		if (d->stop_on_growth && !d->stopped && (grown || now - t0 > 20000)) {
			assert_true(runner_stop(r, now));
			d->stopped = true;
			/* A second stop is not a stop: only runner_cancel() goes further. */
			assert_false(runner_stop(r, now));
		}
		/* Nothing runs for ever here. */
		assert_true(now - t0 < 60000);
	}
	enum runner_result res = runner_result(r, msg);
	free(cause);
	*out = r;
	return res;
}

static void test_stop_on_request(void **state)
{
	(void)state;
	TEST_NEED(need_perf, "perf");
	if (!can_record) /* perf is there, but may not record here */
		skip();
	struct session *s = profile_session();
	s->workload.kind = WORKLOAD_TIMED;
	s->workload.minutes = 1;
	struct drive d = { .stop_on_growth = true };
	const char *msg;
	struct runner *r;
	int64_t t0 = job_now();
	enum runner_result res = drive(s, &d, &msg, &r);
	if (res != RUNNER_OK)
		fprintf(stderr, "# %s\n", msg);
	assert_int_equal(res, RUNNER_OK);
	fprintf(stderr, "# grew from %" PRIu64 " to %" PRIu64 " bytes in %.1f s\n", d.size_early, d.size_late,
	        (double)(job_now() - t0) / 1000);
	/* Stopped, not waited out (a minute), and the size figure followed the file. */
	assert_true(job_now() - t0 < 30000);
	assert_true(d.size_late > d.size_early);
	assert_non_null(strstr(msg, "stopped on request"));
	/* The software event has no branch stacks, and the message says so. */
	assert_non_null(strstr(msg, "without branch stacks"));
	const char *pd_path = s->artifacts.perf_data;
	assert_non_null(pd_path);
	struct perfdata_info pd;
	char *cause = NULL;
	assert_int_equal(perfdata_read(pd_path, &pd, &cause), 0);
	assert_int_equal(perfdata_count(&pd, &cause), 0);
	assert_true(pd.samples > 100);
	perfdata_info_free(&pd);
	/* The session says the step is done; the sidecar record is there. */
	assert_int_equal(s->steps[STEP_PROFILE].status, STATUS_DONE);
	char *side = xasprintf("%s.json", pd_path);
	char *text = file_read(side, 1 << 20, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"stopped\":\"request\""));
	free(text);
	free(side);
	runner_free(r);
	free(cause);
	session_free(s);
}

static void test_stop_at_disk_floor(void **state)
{
	(void)state;
	TEST_NEED(need_perf, "perf");
	if (!can_record) /* perf is there, but may not record here */
		skip();
	struct session *s = profile_session();
	s->workload.kind = WORKLOAD_COMMAND;
	session_set(&s->workload.command, "sleep 40");
	s->profile.disk_floor_mb = 100;
	fake_free = 10ull << 30;
	record_set_disk_probe(fake_probe);
	/* Free disk "falls" to 1 MB after two seconds: kfdo stops perf by itself. */
	struct drive d = { .flip_disk_ms = 2000 };
	const char *msg;
	struct runner *r;
	int64_t t0 = job_now();
	enum runner_result res = drive(s, &d, &msg, &r);
	record_set_disk_probe(NULL);
	assert_int_equal(res, RUNNER_OK);
	assert_true(job_now() - t0 < 30000);
	assert_non_null(strstr(msg, "free disk fell below the floor"));
	struct record_figures f;
	assert_true(runner_record_figures(r, job_now(), &f));
	assert_int_equal(f.stop, RECORD_STOP_DISK);
	struct perfdata_info pd;
	char *cause = NULL;
	assert_int_equal(perfdata_read(s->artifacts.perf_data, &pd, &cause), 0);
	perfdata_info_free(&pd);
	runner_free(r);
	free(cause);
	session_free(s);
}

/* perf fails before it records (here: an event it does not know): no empty
 * file is left behind, and perf's own words are in the message. */
static void test_perf_fails(void **state)
{
	(void)state;
	TEST_NEED(need_perf, "perf");
	if (!can_record) /* perf is there, but may not record here */
		skip();
	struct session *s = profile_session();
	strv_free(s->perf_event);
	s->perf_event = NULL;
	strv_push(&s->perf_event, "--no-such-option");
	s->workload.kind = WORKLOAD_COMMAND;
	session_set(&s->workload.command, "true");
	char *out = record_output_path(s);
	struct drive d = { 0 };
	const char *msg;
	struct runner *r;
	assert_int_equal(drive(s, &d, &msg, &r), RUNNER_FAILED);
	assert_non_null(strstr(msg, "perf record"));
	assert_int_equal(access(out, F_OK), -1);
	assert_int_equal(s->steps[STEP_PROFILE].status, STATUS_FAILED);
	runner_free(r);
	free(out);
	session_free(s);
}

/* A front end that frees the runner while its cancel is still under way (the
 * TUI when its quit grace runs out): the group is killed, and the step is
 * recorded as cancelled at once, not left running with an owner. The
 * workload ignores SIGINT and SIGTERM, so the cancel cannot be over yet. */
static void test_free_during_cancel(void **state)
{
	(void)state;
	TEST_NEED(need_perf, "perf");
	if (!can_record) /* perf is there, but may not record here */
		skip();
	struct session *s = profile_session();
	s->workload.kind = WORKLOAD_COMMAND;
	session_set(&s->workload.command, "trap '' INT TERM; echo $$ >\"$KFDO_TEST_PIDFILE\"; sleep 60");
	char *pidfile = xasprintf("%s/workload.pid", dir);
	setenv("KFDO_TEST_PIDFILE", pidfile, 1);
	struct runner *r;
	char *cause = NULL;
	assert_int_equal(runner_start(&r, s, STEP_PROFILE, NULL, &cause), 0);
	/* Until the workload runs (perf starts it once it records) and has written
	 * its pid whole: the shell creates the file before echo writes to it. */
	char *pid_text = NULL;
	for (int64_t end = job_now() + 30000; job_now() < end;) {
		pid_text = file_read(pidfile, 64, NULL);
		if (pid_text && strchr(pid_text, '\n'))
			break;
		free(pid_text);
		pid_text = NULL;
		struct pollfd pfd = { .fd = runner_fd(r), .events = POLLIN };
		poll(&pfd, pfd.fd >= 0 ? 1 : 0, 20);
		runner_handle(r, job_now());
	}
	assert_non_null(pid_text);
	pid_t workload = (pid_t)atoi(pid_text);
	assert_true(workload > 0);
	assert_int_equal(s->steps[STEP_PROFILE].status, STATUS_RUNNING);
	runner_cancel(r, job_now());
	runner_handle(r, job_now());
	assert_false(runner_done(r));
	runner_free(r);
	/* The workload got SIGKILL with the group; once perf is gone it is ours
	 * to reap (kfdo is a subreaper). */
	for (int64_t end = job_now() + 20000; kill(workload, 0) == 0 && job_now() < end;)
		if (waitpid(workload, NULL, WNOHANG) != workload)
			usleep(10000);
	assert_int_equal(kill(workload, 0), -1);
	assert_int_equal(s->steps[STEP_PROFILE].status, STATUS_FAILED);
	assert_non_null(strstr(s->steps[STEP_PROFILE].message, "cancelled"));
	/* What was saved says the same: nothing for the next kfdo to recover. */
	struct session *back = NULL;
	assert_int_equal(state_load(&back, &cause), STATE_LOADED);
	assert_int_equal(back->steps[STEP_PROFILE].status, STATUS_FAILED);
	assert_int_equal(back->steps[STEP_PROFILE].owner.pid, 0);
	session_free(back);
	unsetenv("KFDO_TEST_PIDFILE");
	free(pid_text);
	free(pidfile);
	free(cause);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command_and_timed),
		cmocka_unit_test(test_kbuild_workload),
		cmocka_unit_test(test_bench_workload),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_watch_figures),
		cmocka_unit_test(test_stop_on_request),
		cmocka_unit_test(test_stop_at_disk_floor),
		cmocka_unit_test(test_perf_fails),
		cmocka_unit_test(test_free_during_cancel),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
