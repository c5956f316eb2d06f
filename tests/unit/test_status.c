/* kfdo status --json's object (engine/status.c) on sessions built in memory:
 * the fields a script reads, null where nothing is known, ISO 8601 times, the
 * reboot and killed-run readings. tests/cli/test_status.sh reads it after a
 * real kfdo run. */
#include "tests/unit/testlib.h"

#include "engine/recover.h"
#include "engine/session.h"
#include "engine/status.h"
#include "engine/steps.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kfdo-test-status-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	test_rm_rf(tmpdir);
	return 0;
}

/* The value at a dotted path ("session.steps.4"), NULL when absent or null. */
static json_object *at(json_object *o, const char *path)
{
	char *copy = xstrdup(path), *save = NULL;
	for (char *k = strtok_r(copy, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)atoi(k));
		else if (!json_object_object_get_ex(o, k, &o))
			o = NULL;
	}
	free(copy);
	return o;
}

static const char *str_at(json_object *o, const char *path)
{
	json_object *v = at(o, path);
	assert_true(v == NULL || json_object_is_type(v, json_type_string));
	return v ? json_object_get_string(v) : NULL;
}

/* The key is there and its value is null (not merely absent). */
static void assert_null_at(json_object *o, const char *path)
{
	char *parent = xstrdup(path), *dot = strrchr(parent, '.');
	json_object *p = o, *v = NULL;
	if (dot) {
		*dot = '\0';
		p = at(o, parent);
	}
	assert_non_null(p);
	assert_true(json_object_object_get_ex(p, dot ? dot + 1 : path, &v));
	assert_null(v);
	free(parent);
}

/* A machine running release with no build-id note readable. */
static struct session *session_in(const char *release)
{
	struct session *s = session_new();
	char *p = xasprintf("%s/root", tmpdir);
	free(test_put_at(tmpdir, "root/proc/sys/kernel/osrelease", release, 0));
	session_set(&s->sysroot, p);
	free(p);
	return s;
}

static void test_iso_time(void **state)
{
	(void)state;
	char buf[32];
	assert_false(status_iso_time(buf, sizeof(buf), 0));
	assert_string_equal(buf, "");
	assert_true(status_iso_time(buf, sizeof(buf), 1796600472));
	assert_string_equal(buf, "2026-12-06T23:41:12Z");
}

static void test_no_session(void **state)
{
	(void)state;
	json_object *o = status_to_json(NULL, "/x/kfdo/session.json", NULL);
	assert_string_equal(str_at(o, "kfdo_version"), KFDO_VERSION);
	assert_string_equal(str_at(o, "session_file"), "/x/kfdo/session.json");
	assert_null_at(o, "session");
	assert_false(json_object_object_get_ex(o, "error", NULL));
	json_object_put(o);

	o = status_to_json(NULL, "/x/kfdo/session.json", "not a kfdo session");
	assert_null_at(o, "session");
	assert_string_equal(str_at(o, "error"), "not a kfdo session");
	json_object_put(o);
}

static void test_fresh_session(void **state)
{
	(void)state;
	struct session *s = session_in("6.12.9-arch1-1");
	json_object *o = status_to_json(s, "/x/session.json", NULL);
	assert_null_at(o, "session.tree");
	assert_null_at(o, "session.output_dir");
	assert_string_equal(str_at(o, "session.config_source"), "running");
	assert_string_equal(str_at(o, "session.stage"), "autofdo");
	assert_true(json_object_get_boolean(at(o, "session.toggles.autofdo")));
	assert_int_equal(json_object_array_length(at(o, "session.steps")), STEP_COUNT);
	assert_string_equal(str_at(o, "session.steps.8.name"), "profile");
	assert_string_equal(str_at(o, "session.steps.8.status"), "pending");
	assert_null_at(o, "session.steps.8.started");
	assert_null_at(o, "session.steps.8.log");
	/* Measuring is on by default, nothing measured yet. */
	assert_false(json_object_get_boolean(at(o, "session.measure.off")));
	assert_int_equal(json_object_get_int(at(o, "session.measure.rounds")), 10);
	assert_false(json_object_get_boolean(at(o, "session.measure.baseline")));
	assert_null_at(o, "session.artifacts.vmlinux");
	assert_int_equal(json_object_array_length(at(o, "session.artifacts.packages")), 0);
	/* Nothing installed: nothing to reboot into. */
	assert_false(json_object_get_boolean(at(o, "session.reboot_needed")));
	assert_null_at(o, "session.expected_kernel");
	assert_string_equal(str_at(o, "session.running_kernel.release"), "6.12.9-arch1-1");
	assert_null_at(o, "session.running_kernel.build_id");
	assert_string_equal(str_at(o, "session.next.step"), "hardware");
	assert_true(json_object_get_boolean(at(o, "session.next.ready")));
	assert_string_equal(str_at(o, "session.next.command"), "kfdo run --from hardware");
	assert_null_at(o, "session.active_run");
	assert_null_at(o, "session.interrupted");
	json_object_put(o);
	session_free(s);
}

/* A step that cannot run yet says what it is missing, in words. */
static void test_next_not_ready(void **state)
{
	(void)state;
	struct session *s = session_in("6.12.9-arch1-1");
	session_step_set(s, STEP_HARDWARE, STATUS_FAILED, "no PMU");
	session_step_set(s, STEP_TOOLCHAIN, STATUS_DONE, "every tool");
	s->steps[STEP_TOOLCHAIN].started = 1796600400;
	s->steps[STEP_TOOLCHAIN].finished = 1796600472;
	session_set(&s->artifacts.logs[STEP_TOOLCHAIN], "/x/logs/toolchain.log");
	json_object *o = status_to_json(s, "/x/session.json", NULL);
	assert_string_equal(str_at(o, "session.next.step"), "source");
	assert_false(json_object_get_boolean(at(o, "session.next.ready")));
	assert_string_equal(str_at(o, "session.next.action"), "choose a kernel tree, a URL to clone, or a PKGBUILD");
	assert_string_equal(str_at(o, "session.steps.0.status"), "failed");
	assert_string_equal(str_at(o, "session.steps.0.message"), "no PMU");
	assert_string_equal(str_at(o, "session.steps.1.started"), "2026-12-06T23:40:00Z");
	assert_string_equal(str_at(o, "session.steps.1.finished"), "2026-12-06T23:41:12Z");
	assert_string_equal(str_at(o, "session.steps.1.log"), "/x/logs/toolchain.log");
	json_object_put(o);
	session_free(s);
}

/* An installed kernel that is not the running one: the release alone would
 * take an older build of the same version for it, so the build-id counts. */
static void test_reboot(void **state)
{
	(void)state;
	struct session *s = session_in("6.13.0-fake");
	session_set(&s->artifacts.kernel_release, "6.13.0-fake");
	session_set(&s->artifacts.build_id, "0123456789abcdef0123456789abcdef01234567");
	json_object *o = status_to_json(s, "/x/session.json", NULL);
	assert_true(json_object_get_boolean(at(o, "session.reboot_needed")));
	assert_string_equal(str_at(o, "session.expected_kernel.release"), "6.13.0-fake");
	assert_string_equal(str_at(o, "session.expected_kernel.build_id"), "0123456789abcdef0123456789abcdef01234567");
	json_object_put(o);
	session_free(s);
}

static void test_history(void **state)
{
	(void)state;
	struct session *s = session_in("6.12.9-arch1-1");
	session_history_add(s, "/src/linux", "00112233aabbccdd", 90.5, 1234, NULL);
	s->history[0].runs[0].when = 1796600472;
	json_object *o = status_to_json(s, "/x/session.json", NULL);
	assert_string_equal(str_at(o, "session.history.0.tree"), "/src/linux");
	assert_string_equal(str_at(o, "session.history.0.config_hash"), "00112233aabbccdd");
	assert_string_equal(str_at(o, "session.history.0.runs.0.when"), "2026-12-06T23:41:12Z");
	assert_int_equal(json_object_get_int(at(o, "session.history.0.runs.0.lines")), 1234);
	assert_true(json_object_get_double(at(o, "session.history.0.runs.0.duration_s")) == 90.5);
	/* The progress curve is kfdo's own: not part of the object. */
	assert_null(at(o, "session.history.0.runs.0.curve"));
	json_object_put(o);
	session_free(s);
}

/* A step left running: by this process (a run at work), or with no owner
 * recorded (a run that ended without saying how). */
static void test_runs(void **state)
{
	(void)state;
	struct session *s = session_in("6.12.9-arch1-1");
	s->steps[STEP_BUILD].status = STATUS_RUNNING;
	recover_claim(&s->steps[STEP_BUILD].owner);
	json_object *o = status_to_json(s, "/x/session.json", NULL);
	assert_string_equal(str_at(o, "session.active_run.step"), "build");
	assert_int_equal(json_object_get_int(at(o, "session.active_run.pid")), getpid());
	assert_null_at(o, "session.interrupted");
	json_object_put(o);

	memset(&s->steps[STEP_BUILD].owner, 0, sizeof(s->steps[STEP_BUILD].owner));
	o = status_to_json(s, "/x/session.json", NULL);
	assert_null_at(o, "session.active_run");
	assert_string_equal(str_at(o, "session.interrupted.step"), "build");
	assert_null_at(o, "session.interrupted.pid");
	assert_int_equal(json_object_get_int(at(o, "session.interrupted.job_left")), 0);
	assert_non_null(strstr(str_at(o, "session.interrupted.message"), "kfdo run runs the step again"));
	json_object_put(o);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso_time),
		cmocka_unit_test(test_no_session),
		cmocka_unit_test_setup_teardown(test_fresh_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_next_not_ready, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reboot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runs, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
