/* engine/recover: a step left running by a kfdo that is gone, told apart from
 * one whose kfdo still runs, and a leftover job group stopped only when it is
 * really that job's. Real processes: this test forks the "job". */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/recover.h"
#include "engine/session.h"
#include "base/util.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/kfdo-test-recover-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	test_rm_rf(tmpdir);
	return 0;
}

static struct session *running_build(void)
{
	struct session *s = session_new();
	session_set(&s->tree, tmpdir);
	session_step_set(s, STEP_BUILD, STATUS_RUNNING, NULL);
	return s;
}

/* A "job": its own process group, working in dir, sleeping until killed. */
static pid_t start_job(const char *dir)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		/* As kfdo's jobs start (proc/spawn.c): a test run from a background
		 * shell inherits SIGINT ignored, and the sleep would outlive it. */
		signal(SIGINT, SIG_DFL);
		if (chdir(dir) < 0)
			_exit(127);
		execlp("sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	/* Until the child is sleep, in its own group, in dir: what recover looks
	 * at. A loaded machine can take long to get there (20 s at most). */
	char cwd_link[64], comm_path[64], cwd[4096];
	snprintf(cwd_link, sizeof(cwd_link), "/proc/%d/cwd", (int)pid);
	snprintf(comm_path, sizeof(comm_path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 4000; i++) {
		ssize_t n = readlink(cwd_link, cwd, sizeof(cwd) - 1);
		cwd[n > 0 ? n : 0] = 0;
		char *comm = file_read(comm_path, 64, NULL);
		bool there = getpgid(pid) == pid && strcmp(cwd, dir) == 0 && comm && strcmp(comm, "sleep\n") == 0;
		free(comm);
		if (there)
			break;
		usleep(5000);
	}
	return pid;
}

/* A pid that was ours and is free now. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

static void test_owner_alive(void **state)
{
	(void)state;
	struct session *s = running_build();
	recover_claim(&s->steps[STEP_BUILD].owner);
	struct orphan o;
	assert_true(recover_find(s, &o));
	assert_int_equal(o.step, STEP_BUILD);
	assert_int_equal(o.kfdo_pid, getpid());
	assert_true(o.owner_alive);
	/* The same pid with another start time, or from another boot, is not that kfdo. */
	s->steps[STEP_BUILD].owner.start++;
	assert_true(recover_find(s, &o));
	assert_false(o.owner_alive);
	recover_claim(&s->steps[STEP_BUILD].owner);
	strcpy(s->steps[STEP_BUILD].owner.boot_id, "another-boot");
	assert_true(recover_find(s, &o));
	assert_false(o.owner_alive);
	session_free(s);
}

static void test_nothing_running(void **state)
{
	(void)state;
	struct session *s = session_new();
	session_step_set(s, STEP_BUILD, STATUS_FAILED, "x");
	struct orphan o;
	assert_false(recover_find(s, &o));
	session_free(s);
}

static void test_leftover_group_stopped(void **state)
{
	(void)state;
	struct session *s = running_build();
	struct step_owner *ow = &s->steps[STEP_BUILD].owner;
	recover_claim(ow);
	ow->pid = dead_pid();
	pid_t job = start_job(tmpdir);
	recover_set_job(ow, job);
	assert_true(ow->pgid_start > 0);
	struct orphan o;
	assert_true(recover_find(s, &o));
	assert_false(o.owner_alive);
	assert_int_equal(o.pgid, job);
	assert_int_equal(o.left, 1);
	/* A long grace: SIGINT must be what ends it, even on a machine too loaded
	 * to run the job before a short grace passes (it returns once it is gone). */
	assert_int_equal(recover_stop(s, &o, 10000), 1);
	int status;
	assert_int_equal(waitpid(job, &status, 0), job);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGINT);
	/* The settled step is failed, says why, and no longer claims a group. */
	recover_settle(s, &o);
	assert_int_equal(s->steps[STEP_BUILD].status, STATUS_FAILED);
	assert_non_null(strstr(s->steps[STEP_BUILD].message, "interrupted"));
	assert_int_equal(s->steps[STEP_BUILD].owner.pgid, 0);
	assert_false(recover_find(s, &o));
	session_free(s);
}

static void test_recycled_group_left_alone(void **state)
{
	(void)state;
	struct session *s = running_build();
	struct step_owner *ow = &s->steps[STEP_BUILD].owner;
	recover_claim(ow);
	ow->pid = dead_pid();
	pid_t job = start_job(tmpdir);
	recover_set_job(ow, job);
	/* The recorded leader started earlier: this process only has its pid. */
	ow->pgid_start--;
	struct orphan o;
	assert_true(recover_find(s, &o));
	assert_int_equal(o.left, 0);
	assert_int_equal(recover_stop(s, &o, 100), 0);
	assert_int_equal(kill(job, 0), 0);
	/* Another boot's group is never ours either. */
	recover_set_job(ow, job);
	strcpy(ow->boot_id, "another-boot");
	assert_true(recover_find(s, &o));
	assert_int_equal(o.left, 0);
	assert_int_equal(kill(job, 0), 0);
	kill(job, SIGKILL);
	waitpid(job, NULL, 0);
	session_free(s);
}

static void test_owner_survives_save(void **state)
{
	(void)state;
	struct session *s = running_build();
	struct step_owner *ow = &s->steps[STEP_BUILD].owner;
	recover_claim(ow);
	ow->pgid = 4242;
	ow->pgid_start = 123456;
	json_object *j = session_to_json(s);
	char *cause = NULL;
	struct session *back = session_from_json(j, &cause);
	assert_non_null(back);
	const struct step_owner *b = &back->steps[STEP_BUILD].owner;
	assert_int_equal(b->pid, getpid());
	assert_true(b->start == ow->start);
	assert_int_equal(b->pgid, 4242);
	assert_true(b->pgid_start == 123456);
	assert_string_equal(b->boot_id, ow->boot_id);
	assert_int_equal(back->steps[STEP_CONFIGURE].owner.pid, 0);
	json_object_put(j);
	session_free(back);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_owner_alive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftover_group_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recycled_group_left_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owner_survives_save, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
