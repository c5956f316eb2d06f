#include "tests/unit/testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/plan.h"
#include "engine/session.h"
#include "engine/steps.h"
#include "base/paths.h"
#include "base/util.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kfdo-test-state-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char *dir = xasprintf("%s/kfdo", tmpdir);
	paths_set_state_dir(dir);
	free(dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	paths_set_state_dir(NULL);
	test_rm_rf(tmpdir);
	return 0;
}

static char *in_state(const char *name)
{
	return xasprintf("%s/kfdo/%s", tmpdir, name);
}

static void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Names in the state directory, sorted, comma-separated. */
static char *dir_listing(void)
{
	char *dir = xasprintf("%s/kfdo", tmpdir);
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	assert_true(n >= 0);
	struct strbuf sb = { 0 };
	sb_add(&sb, "");
	for (int i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") && strcmp(ents[i]->d_name, ".."))
			sb_addf(&sb, "%s,", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	free(dir);
	return sb.s;
}

static struct session *full_session(void)
{
	struct session *s = session_new();
	session_set(&s->tree, "/src/linux");
	session_set(&s->output_dir, "/src/out");
	session_set(&s->clone_url, "https://git.kernel.org/pub/scm/linux/kernel/git/stable/linux.git");
	session_set(&s->clone_branch, "linux-6.13.y");
	s->config_source = CONFIG_FILE;
	session_set(&s->config_file, "/boot/config-6.13");
	s->toggles.autofdo = false;
	s->toggles.thin_lto = false;
	s->toggles.full_lto = true;
	s->toggles.propeller = true;
	s->toggles.jobs = 12;
	session_set(&s->toggles.llvm, "-19");
	session_set(&s->toggles.arch, "x86_64");
	strv_push(&s->toggles.make_vars, "MAKEPKGOPTS=--nodeps");
	strv_push(&s->toggles.make_vars, "KCFLAGS=-march=native -O2");
	strv_push(&s->toggles.config_enable, "64BIT");
	strv_push(&s->toggles.config_disable, "DEBUG_INFO");
	session_set(&s->target, "bzImage");
	strv_push(&s->perf_event, "-e");
	strv_push(&s->perf_event, "rc4:k");
	s->workload.kind = WORKLOAD_TIMED;
	session_set(&s->workload.command, "stress-ng --cpu 4 \"quoted\"\n");
	s->workload.minutes = 15;
	session_set(&s->workload.tree, "/src/other");
	session_set(&s->workload.bench, "stress-ng");
	strv_push(&s->profile.merge_with, "/data/kfdo/profiles/a.afdo");
	strv_push(&s->profile.merge_with, "all");
	s->profile.disk_floor_mb = 4096;
	session_set(&s->install_root, "/tmp/kfdo-root");
	session_set(&s->install_dbpath, "/tmp/kfdo-root-db");
	session_set(&s->sysroot, "/tmp/fixture-sysroot");
	strv_push(&s->artifacts.packages, "/src/out/linux-upstream-6.13-1-x86_64.pkg.tar.zst");
	strv_push(&s->artifacts.packages, "/src/out/linux-upstream-debug-6.13-1-x86_64.pkg.tar.zst");
	session_set(&s->artifacts.vmlinux, "/usr/src/debug/linux-upstream/vmlinux");
	session_set(&s->artifacts.perf_data, "/data/perf.data");
	session_set(&s->artifacts.profile, "/data/kernel.afdo");
	session_set(&s->artifacts.kernel_release, "6.13.0-kfdo");
	session_set(&s->artifacts.build_id, "0123456789abcdef");
	session_set(&s->artifacts.logs[STEP_BUILD], "/state/logs/build.log");
	session_set(&s->artifacts.logs[STEP_FINISH], "/state/logs/finish.log");
	session_step_set(s, STEP_HARDWARE, STATUS_DONE, "ready");
	session_step_set(s, STEP_TOOLCHAIN, STATUS_SKIPPED, NULL);
	session_step_set(s, STEP_BUILD, STATUS_FAILED, "error: ünïcödé \"x\"");
	s->steps[STEP_BUILD].started = 1700000000;
	s->steps[STEP_BUILD].finished = 1700000097;
	session_step_set(s, STEP_PROFILE, STATUS_RUNNING, NULL);
	json_object *curve = json_tokener_parse("{\"points\":[[0,0],[10.5,120],[97,960]],\"phase\":\"link\"}");
	session_history_add(s, "/src/linux", "00000000deadbeef", 97.25, 960, curve);
	session_history_add(s, "/src/linux", "00000000deadbeef", 85.5, 950, NULL);
	session_history_add(s, "/src/other", "1111111111111111", 3600, 40000, NULL);
	s->history[0].runs[0].when = 1700000100;
	return s;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct session *s = full_session();
	char *cause = NULL;
	assert_int_equal(state_save(s, &cause), 0);
	assert_null(cause);

	struct session *l = NULL;
	assert_int_equal(state_load(&l, &cause), STATE_LOADED);
	assert_null(cause);
	assert_non_null(l);

	assert_int_equal(l->version, STATE_VERSION);
	assert_string_equal(l->tree, "/src/linux");
	assert_string_equal(l->output_dir, "/src/out");
	assert_string_equal(l->clone_url, s->clone_url);
	assert_string_equal(l->clone_branch, "linux-6.13.y");
	assert_int_equal(l->config_source, CONFIG_FILE);
	assert_string_equal(l->config_file, "/boot/config-6.13");
	assert_false(l->toggles.autofdo);
	assert_false(l->toggles.thin_lto);
	assert_true(l->toggles.full_lto);
	assert_true(l->toggles.propeller);
	assert_int_equal(l->toggles.jobs, 12);
	assert_string_equal(l->toggles.llvm, "-19");
	assert_string_equal(l->toggles.arch, "x86_64");
	assert_true(strv_eq(l->toggles.make_vars, s->toggles.make_vars));
	assert_true(strv_eq(l->toggles.config_enable, s->toggles.config_enable));
	assert_true(strv_eq(l->toggles.config_disable, s->toggles.config_disable));
	assert_string_equal(l->target, "bzImage");
	assert_true(strv_eq(l->perf_event, s->perf_event));
	assert_int_equal(l->workload.kind, WORKLOAD_TIMED);
	assert_string_equal(l->workload.command, s->workload.command);
	assert_int_equal(l->workload.minutes, 15);
	assert_string_equal(l->workload.tree, "/src/other");
	assert_string_equal(l->workload.bench, "stress-ng");
	assert_true(strv_eq(l->profile.merge_with, s->profile.merge_with));
	assert_int_equal(l->profile.disk_floor_mb, 4096);
	assert_string_equal(l->install_root, "/tmp/kfdo-root");
	assert_string_equal(l->install_dbpath, "/tmp/kfdo-root-db");
	/* A fixture sysroot is for one run: never saved. */
	assert_null(l->sysroot);
	assert_true(strv_eq(l->artifacts.packages, s->artifacts.packages));
	assert_int_equal(strv_len(l->artifacts.packages), 2);
	assert_string_equal(l->artifacts.vmlinux, s->artifacts.vmlinux);
	assert_string_equal(l->artifacts.perf_data, "/data/perf.data");
	assert_string_equal(l->artifacts.profile, "/data/kernel.afdo");
	assert_string_equal(l->artifacts.kernel_release, "6.13.0-kfdo");
	assert_string_equal(l->artifacts.build_id, "0123456789abcdef");
	assert_string_equal(l->artifacts.logs[STEP_BUILD], "/state/logs/build.log");
	assert_string_equal(l->artifacts.logs[STEP_FINISH], "/state/logs/finish.log");
	assert_null(l->artifacts.logs[STEP_CONFIGURE]);
	for (int i = 0; i < STEP_COUNT; i++) {
		assert_int_equal(l->steps[i].status, s->steps[i].status);
		assert_int_equal(l->steps[i].started, s->steps[i].started);
		assert_int_equal(l->steps[i].finished, s->steps[i].finished);
		if (s->steps[i].message)
			assert_string_equal(l->steps[i].message, s->steps[i].message);
		else
			assert_null(l->steps[i].message);
	}
	assert_int_equal(l->steps[STEP_HARDWARE].status, STATUS_DONE);
	assert_int_equal(l->steps[STEP_TOOLCHAIN].status, STATUS_SKIPPED);
	assert_int_equal(l->steps[STEP_BUILD].status, STATUS_FAILED);
	assert_int_equal(l->steps[STEP_BUILD].finished, 1700000097);
	assert_int_equal(l->steps[STEP_PROFILE].status, STATUS_RUNNING);

	assert_int_equal(l->n_history, 2);
	const struct build_history *h = session_history_find(l, "/src/linux", "00000000deadbeef");
	assert_non_null(h);
	assert_int_equal(h->n_runs, 2);
	assert_int_equal(h->runs[0].when, 1700000100);
	assert_true(h->runs[0].duration_s == 97.25);
	assert_int_equal(h->runs[0].lines, 960);
	assert_string_equal(json_object_to_json_string(h->runs[0].curve),
			    json_object_to_json_string(s->history[0].runs[0].curve));
	assert_null(h->runs[1].curve);
	assert_true(h->runs[1].duration_s == 85.5);
	h = session_history_find(l, "/src/other", "1111111111111111");
	assert_non_null(h);
	assert_true(h->runs[0].duration_s == 3600);
	assert_null(session_history_find(l, "/src/other", "00000000deadbeef"));

	/* Whatever the explicit checks above missed, the JSON forms show. */
	json_object *a = session_to_json(s), *b = session_to_json(l);
	assert_string_equal(json_object_to_json_string(a), json_object_to_json_string(b));
	json_object_put(a);
	json_object_put(b);
	session_free(s);
	session_free(l);
}

static void test_defaults_round_trip(void **state)
{
	(void)state;
	struct session *s = session_new();
	assert_int_equal(state_save(s, NULL), 0);
	struct session *l = NULL;
	assert_int_equal(state_load(&l, NULL), STATE_LOADED);
	assert_null(l->tree);
	assert_true(l->toggles.autofdo);
	assert_true(l->toggles.thin_lto);
	assert_string_equal(l->toggles.llvm, "1");
	assert_string_equal(l->target, "pacman-pkg");
	assert_null(l->toggles.make_vars);
	assert_int_equal(l->n_history, 0);
	session_free(s);
	session_free(l);
}

static void test_atomic_save(void **state)
{
	(void)state;
	struct session *s = full_session();
	char *cause = NULL;
	assert_int_equal(state_save(s, &cause), 0);
	session_set(&s->tree, "/src/second");
	assert_int_equal(state_save(s, &cause), 0);
	char *list = dir_listing();
	assert_string_equal(list, "session.json,");
	free(list);

	char *path = in_state("session.json");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	char *dir = xasprintf("%s/kfdo", tmpdir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	char *text = file_read(path, 1 << 20, NULL);
	assert_non_null(strstr(text, "\"kfdo\": \"session\""));
	assert_non_null(strstr(text, "/src/second"));
	free(text);
	free(dir);
	free(path);
	session_free(s);
}

static void test_save_unwritable(void **state)
{
	(void)state;
	/* A state "directory" that is a file: the save fails with a cause. */
	char *blocker = xasprintf("%s/blocker", tmpdir);
	write_file(blocker, "x", 1);
	paths_set_state_dir(blocker);
	struct session *s = session_new();
	char *cause = NULL;
	assert_int_equal(state_save(s, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "blocker"));
	free(cause);
	session_free(s);
	free(blocker);
}

static void test_none(void **state)
{
	(void)state;
	struct session *s = (struct session *)1;
	char *cause = NULL;
	assert_int_equal(state_load(&s, &cause), STATE_NONE);
	assert_null(s);
	assert_null(cause);
}

/* Writes bytes as session.json, loads, and checks they were set aside intact. */
static void expect_set_aside(const char *bytes, size_t len, const char *reason)
{
	char *dir = xasprintf("%s/kfdo", tmpdir);
	mkdir(dir, 0700);
	char *path = in_state("session.json");
	write_file(path, bytes, len);

	struct session *s = NULL;
	char *cause = NULL;
	assert_int_equal(state_load(&s, &cause), STATE_SET_ASIDE);
	assert_null(s);
	assert_non_null(cause);
	assert_non_null(strstr(cause, reason));
	assert_true(access(path, F_OK) != 0);

	/* Exactly one set-aside file, named in the cause, holding the old bytes. */
	char *list = dir_listing();
	assert_true(str_starts(list, "session.json.corrupt-"));
	assert_ptr_equal(strchr(list, ','), list + strlen(list) - 1);
	char *name = xstrdup(list);
	*strchr(name, ',') = '\0';
	char *moved = xasprintf("%s/%s", dir, name);
	assert_non_null(strstr(cause, moved));
	size_t got_len;
	char *got = file_read(moved, 1 << 20, &got_len);
	assert_non_null(got);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, bytes, len);

	/* Nothing left to load: the next start begins afresh. */
	free(cause);
	cause = NULL;
	assert_int_equal(state_load(&s, &cause), STATE_NONE);
	assert_null(s);
	free(got);
	free(moved);
	free(name);
	free(list);
	free(path);
	free(dir);
}

static void test_truncated(void **state)
{
	(void)state;
	const char *t = "{\"kfdo\": \"session\", \"version\": 1, \"tree\": \"/src/li";
	expect_set_aside(t, strlen(t), "not valid JSON");
}

static void test_foreign(void **state)
{
	(void)state;
	const char *t = "{\"name\": \"something else\", \"version\": 1}\n";
	expect_set_aside(t, strlen(t), "not a kfdo session");
}

static void test_empty(void **state)
{
	(void)state;
	expect_set_aside("", 0, "empty file");
}

static void test_future_version(void **state)
{
	(void)state;
	const char *t = "{\"kfdo\": \"session\", \"version\": 99, \"tree\": \"/src/linux\"}\n";
	expect_set_aside(t, strlen(t), "version 99");
}

static void test_wrong_type(void **state)
{
	(void)state;
	const char *t = "{\"kfdo\": \"session\", \"version\": 1, \"toggles\": {\"jobs\": \"many\"}}";
	expect_set_aside(t, strlen(t), "toggles.jobs");
}

static void test_bad_enum(void **state)
{
	(void)state;
	const char *t = "{\"kfdo\": \"session\", \"version\": 1, "
			"\"steps\": {\"build\": {\"status\": \"exploded\"}}}";
	expect_set_aside(t, strlen(t), "exploded");
}

static void test_binary_garbage(void **state)
{
	(void)state;
	const char t[] = "\x7f" "ELF\x02\x01\x01\x00\x00\x00garbage";
	expect_set_aside(t, sizeof(t) - 1, "not valid JSON");
}

static void test_set_aside_never_overwrites(void **state)
{
	(void)state;
	char *dir = xasprintf("%s/kfdo", tmpdir);
	mkdir(dir, 0700);
	char *path = in_state("session.json");
	struct session *s = NULL;
	/* Two bad files within the same second must both survive. */
	write_file(path, "first", 5);
	assert_int_equal(state_load(&s, NULL), STATE_SET_ASIDE);
	write_file(path, "second", 6);
	assert_int_equal(state_load(&s, NULL), STATE_SET_ASIDE);
	char *list = dir_listing();
	int n = 0;
	for (char *p = list; (p = strstr(p, "session.json.corrupt-")); p++)
		n++;
	assert_int_equal(n, 2);
	free(list);
	free(path);
	free(dir);
}

static void test_xdg_dir(void **state)
{
	(void)state;
	paths_set_state_dir(NULL);
	char *old_xdg = test_env_save("XDG_STATE_HOME");
	char *old_home = test_env_save("HOME");

	setenv("XDG_STATE_HOME", tmpdir, 1);
	char *d = paths_state_dir();
	char *want = xasprintf("%s/kfdo", tmpdir);
	assert_string_equal(d, want);
	free(d);
	/* Saving through XDG_STATE_HOME creates kfdo/ there. */
	struct session *s = session_new();
	assert_int_equal(state_save(s, NULL), 0);
	session_free(s);
	char *file = in_state("session.json");
	assert_int_equal(access(file, F_OK), 0);
	free(file);

	/* A relative XDG_STATE_HOME is invalid by the spec: fall back to HOME. */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	setenv("HOME", "/home/tester", 1);
	d = paths_state_dir();
	assert_string_equal(d, "/home/tester/.local/state/kfdo");
	free(d);
	unsetenv("XDG_STATE_HOME");
	d = paths_state_dir();
	assert_string_equal(d, "/home/tester/.local/state/kfdo");
	free(d);

	test_env_restore("XDG_STATE_HOME", old_xdg);
	test_env_restore("HOME", old_home);
	free(want);
}

static void test_history_bounded(void **state)
{
	(void)state;
	struct session *s = session_new();
	for (int i = 0; i < STATE_HISTORY_RUNS + 3; i++)
		session_history_add(s, "/t", "h", 100 + i, i, json_object_new_int(i));
	const struct build_history *h = session_history_find(s, "/t", "h");
	assert_non_null(h);
	assert_int_equal(h->n_runs, STATE_HISTORY_RUNS);
	/* The oldest runs went, the newest stayed, in order. */
	assert_int_equal(h->runs[0].lines, 3);
	assert_int_equal(json_object_get_int(h->runs[0].curve), 3);
	assert_int_equal(h->runs[STATE_HISTORY_RUNS - 1].lines, STATE_HISTORY_RUNS + 2);
	assert_int_equal(s->n_history, 1);
	assert_null(session_history_find(s, "/t", "other"));
	session_free(s);
}

static void test_config_hash(void **state)
{
	(void)state;
	char *a = xasprintf("%s/a.config", tmpdir);
	char *b = xasprintf("%s/b.config", tmpdir);
	const char *ta = "#\n# Linux/x86 6.13.0 Kernel Configuration\n#\nCONFIG_64BIT=y\n"
			 "# CONFIG_LTO_NONE is not set\nCONFIG_LTO_CLANG_THIN=y\n";
	const char *tb = "#\n# Linux/x86 6.13.1 Kernel Configuration\n# Compiler: clang 19\n"
			 "CONFIG_64BIT=y\n\n# CONFIG_LTO_NONE is not set\nCONFIG_LTO_CLANG_THIN=y";
	write_file(a, ta, strlen(ta));
	write_file(b, tb, strlen(tb));
	char *ha = state_config_hash(a), *hb = state_config_hash(b);
	assert_non_null(ha);
	assert_int_equal(strlen(ha), 16);
	/* Header comments and blank lines do not change the hash... */
	assert_string_equal(ha, hb);
	free(hb);
	/* ...a setting does. */
	const char *tc = "CONFIG_64BIT=y\nCONFIG_LTO_NONE=y\n";
	write_file(b, tc, strlen(tc));
	hb = state_config_hash(b);
	assert_string_not_equal(ha, hb);
	char *missing = xasprintf("%s/none", tmpdir);
	assert_null(state_config_hash(missing));
	free(missing);
	free(ha);
	free(hb);
	free(a);
	free(b);
}

static void test_step_set(void **state)
{
	(void)state;
	struct session *s = session_new();
	session_step_set(s, STEP_BUILD, STATUS_RUNNING, "compiling");
	assert_true(s->steps[STEP_BUILD].started > 0);
	assert_int_equal(s->steps[STEP_BUILD].finished, 0);
	session_step_set(s, STEP_BUILD, STATUS_DONE, NULL);
	assert_true(s->steps[STEP_BUILD].finished >= s->steps[STEP_BUILD].started);
	assert_null(s->steps[STEP_BUILD].message);
	enum step_status st;
	assert_true(step_status_parse("skipped", &st));
	assert_int_equal(st, STATUS_SKIPPED);
	assert_false(step_status_parse("nope", &st));
	enum config_source cs;
	assert_true(config_source_parse("tinyconfig", &cs));
	assert_int_equal(cs, CONFIG_TINYCONFIG);
	char *obj = session_objtree(s);
	assert_null(obj);
	session_set(&s->tree, "/src/linux");
	char *cfg = session_config_path(s);
	assert_string_equal(cfg, "/src/linux/.config");
	free(cfg);
	session_set(&s->output_dir, "/build/out");
	cfg = session_config_path(s);
	assert_string_equal(cfg, "/build/out/.config");
	free(cfg);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_atomic_save, setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_unwritable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_enum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_aside_never_overwrites, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xdg_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_set, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
