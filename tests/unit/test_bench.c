/* engine/bench: the plan of a run (context first, a warm-up round, rounds
 * that start one benchmark further along each time), the figures read back
 * from what kfdo __measure writes (warm-up dropped, system time for the
 * kernel build, a failed run failing the step), and the comparison of two
 * runs with what makes it untrustworthy (a busy machine, another governor). */
#include "testlib.h"

#include <math.h>

#include "base/paths.h"
#include "base/strv.h"
#include "engine/bench.h"
#include "engine/session.h"

static char dir[] = "/tmp/kfdo-bench-XXXXXX";

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	paths_set_state_dir(dir);
	/* The scratch builds a run removes: the test's, not the user's cache. */
	setenv("XDG_CACHE_HOME", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	paths_set_state_dir(NULL);
	nftw(dir, testlib_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static void write_lines(const char *phase, const char *text)
{
	char *p = bench_lines_path(phase);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void test_plan(void **state)
{
	(void)state;
	struct session *s = session_new();
	s->measure.rounds = 4;
	strv_push(&s->measure.only, "pipe");
	strv_push(&s->measure.only, "syscall");
	struct plan p = { 0 };
	char *cause = NULL;
	assert_int_equal(bench_plan(s, BENCH_BEFORE, &p, &cause), 0);
	/* The context, then (4 + 1 warm-up) rounds of the 2 and the control. */
	assert_int_equal(p.n, 1 + 5 * 3);
	assert_string_equal(p.cmds[0].argv[1], "__measure");
	assert_string_equal(p.cmds[0].argv[3], "--context");
	assert_non_null(strstr(p.cmds[1].desc, "Warm-up"));
	/* Round 0 starts with pipe, round 1 one further along: syscall. */
	assert_string_equal(p.cmds[1].argv[3], "pipe");
	assert_string_equal(p.cmds[1].argv[4], "0");
	assert_string_equal(p.cmds[1].argv[6], "perf");
	assert_string_equal(p.cmds[4].argv[3], "syscall");
	assert_string_equal(p.cmds[4].argv[4], "1");
	/* The control is kfdo's own loop: no command after it. */
	assert_string_equal(p.cmds[5].argv[3], BENCH_CONTROL);
	assert_null(p.cmds[5].argv[5]);
	plan_free(&p);

	/* Nothing to run: a clear refusal, not an empty success. */
	strv_free(s->measure.only);
	s->measure.only = NULL;
	strv_push(&s->measure.only, "workload"); /* no command workload chosen */
	char **skipped = NULL;
	char **names = bench_selected(s, &skipped);
	assert_int_equal(strv_len(names), 1); /* the control alone */
	strv_free(names);
	assert_non_null(skipped);
	assert_int_equal(bench_plan(s, BENCH_BEFORE, &p, &cause), -1);
	assert_non_null(cause);
	free(cause);
	strv_free(skipped);
	plan_free(&p);
	session_free(s);
}

static void test_collect(void **state)
{
	(void)state;
	struct session *s = session_new();
	s->measure.rounds = 4;
	write_lines(BENCH_BEFORE, "context busy=0.0100 governor=performance mhz=3000 cpus=2 model=AMD Ryzen 9 9950X 16-Core\n"
				  "run kbuild 0 9.0 5.0 6.0 0 performance\n"
				  "run kbuild 1 8.0 3.1 6.0 0 performance\n"
				  "run kbuild 2 8.1 3.2 6.0 0 performance\n"
				  "run pipe 0 2.0 1.0 0.5 0 performance\n"
				  "run pipe 1 2.1 1.0 0.5 0 performance\n"
				  "garbage line\n"
				  "run pipe 2 2.2 1.0 0.5 0 performance\n");
	struct step_report rep = { 0 };
	assert_int_equal(bench_collect(s, BENCH_BEFORE, &rep), 0);
	json_object *run = bench_run(s, BENCH_BEFORE), *b, *samples;
	assert_non_null(run);
	/* The CPU as the context line named it, spaces and all. */
	json_object *cpu;
	assert_true(json_object_object_get_ex(run, "cpu", &cpu));
	assert_string_equal(json_object_get_string(cpu), "AMD Ryzen 9 9950X 16-Core");
	assert_true(json_object_object_get_ex(run, "benchmarks", &b));
	json_object *kb;
	assert_true(json_object_object_get_ex(b, "kbuild", &kb));
	assert_true(json_object_object_get_ex(kb, "samples", &samples));
	/* The warm-up dropped, the system time kept. */
	assert_int_equal(json_object_array_length(samples), 2);
	assert_true(fabs(json_object_get_double(json_object_array_get_idx(samples, 0)) - 3.1) < 1e-9);
	json_object *pipe;
	assert_true(json_object_object_get_ex(b, "pipe", &pipe));
	assert_true(json_object_object_get_ex(pipe, "samples", &samples));
	assert_true(fabs(json_object_get_double(json_object_array_get_idx(samples, 1)) - 2.2) < 1e-9);
	/* The lines file is gone once recorded. */
	char *lines = bench_lines_path(BENCH_BEFORE);
	assert_int_not_equal(access(lines, F_OK), 0);
	step_report_free(&rep);

	/* A benchmark that failed fails the step and records nothing. */
	write_lines(BENCH_AFTER, "context busy=0.5 governor=powersave mhz=3000 cpus=2\n"
				 "run pipe 1 2.1 1.0 0.5 0 powersave\n"
				 "run syscall 2 2.1 1.0 0.5 3 powersave\n");
	memset(&rep, 0, sizeof rep);
	assert_int_equal(bench_collect(s, BENCH_AFTER, &rep), -1);
	assert_null(bench_run(s, BENCH_AFTER));
	assert_int_equal(rep.n_notes, 1);
	assert_non_null(strstr(rep.notes[0].text, "syscall"));
	step_report_free(&rep);

	/* No file at all: said, not taken for an empty run. */
	free(lines);
	lines = bench_lines_path(BENCH_AFTER);
	unlink(lines);
	memset(&rep, 0, sizeof rep);
	assert_int_equal(bench_collect(s, BENCH_AFTER, &rep), -1);
	assert_non_null(strstr(rep.msg.s, lines));
	step_report_free(&rep);
	free(lines);

	/* What the disks wrote first, and how long it took, read before the CPU's
	 * name (which could hold anything, " dirty=" too); 200 MB written again in
	 * the second after the flush is someone else writing, and is warned of. */
	write_lines(BENCH_AFTER, "context busy=0.01 governor=performance mhz=3000 cpus=2 dirty=2097152 flush=12.500 "
				 "pending=204800 model=Odd dirty=1 flush=2 pending=3\n"
				 "run pipe 1 2.1 1.0 0.5 0 performance\n");
	memset(&rep, 0, sizeof rep);
	assert_int_equal(bench_collect(s, BENCH_AFTER, &rep), 0);
	run = bench_run(s, BENCH_AFTER);
	const char *keys[] = { "flushed_mb", "flush_s", "pending_mb" };
	const double want[] = { 2048, 12.5, 200 };
	for (int i = 0; i < 3; i++) {
		json_object *v;
		assert_true(json_object_object_get_ex(run, keys[i], &v));
		assert_true(fabs(json_object_get_double(v) - want[i]) < 1e-9);
	}
	assert_true(json_object_object_get_ex(run, "cpu", &cpu));
	assert_string_equal(json_object_get_string(cpu), "Odd dirty=1 flush=2 pending=3");
	assert_int_equal(rep.n_notes, 1);
	assert_int_equal(rep.notes[0].level, NOTE_WARN);
	assert_non_null(strstr(rep.notes[0].text, "kept writing to the disks"));
	step_report_free(&rep);

	/* Within the bound: the flush is said, not warned of. */
	write_lines(BENCH_AFTER, "context busy=0.01 governor=performance mhz=3000 cpus=2 dirty=2097152 flush=12.500 "
				 "pending=2048 model=Odd\n"
				 "run pipe 1 2.1 1.0 0.5 0 performance\n");
	memset(&rep, 0, sizeof rep);
	assert_int_equal(bench_collect(s, BENCH_AFTER, &rep), 0);
	assert_int_equal(rep.n_notes, 1);
	assert_int_equal(rep.notes[0].level, NOTE_DETAIL);
	assert_non_null(strstr(rep.notes[0].text, "2048 MB left to write (12.5 s)"));
	step_report_free(&rep);
	session_free(s);
}

/* Two runs as the session keeps them: pipe 5% faster, syscall unchanged. */
static const char *runs_json(const char *gov_after, double busy_after)
{
	static char buf[4096];
	snprintf(buf, sizeof buf,
		 "{\"baseline\": {\"release\": \"6.12.0\", \"build_id\": \"aa\", \"cpu\": \"X\", \"governor\": "
		 "\"performance\", \"busy\": 0.01, \"benchmarks\": {"
		 "\"pipe\": {\"metric\": \"wall\", \"samples\": [2.00, 2.01, 1.99, 2.02, 1.98, 2.00]},"
		 "\"syscall\": {\"metric\": \"wall\", \"samples\": [1.00, 1.01, 0.99, 1.00, 1.02, 0.98]}}},"
		 "\"after\": {\"release\": \"6.12.0\", \"build_id\": \"bb\", \"cpu\": \"X\", \"governor\": \"%s\", "
		 "\"busy\": %g, \"benchmarks\": {"
		 "\"pipe\": {\"metric\": \"wall\", \"samples\": [1.90, 1.91, 1.89, 1.92, 1.88, 1.90]},"
		 "\"syscall\": {\"metric\": \"wall\", \"samples\": [1.01, 0.99, 1.00, 0.98, 1.02, 1.00]}}}}",
		 gov_after, busy_after);
	return buf;
}

static void test_compare(void **state)
{
	(void)state;
	struct session *s = session_new();
	struct bench_cmp c;
	char *cause = NULL;
	assert_int_equal(bench_compare(s, &c, &cause), -1);
	assert_non_null(strstr(cause, "baseline"));
	free(cause);

	s->bench = json_tokener_parse(runs_json("performance", 0.02));
	assert_int_equal(bench_compare(s, &c, NULL), 0);
	assert_int_equal(c.n, 2); /* in the set's order: pipe, syscall */
	assert_string_equal(c.rows[0].name, "pipe");
	assert_int_equal(c.rows[0].cmp.verdict, VERDICT_BETTER);
	char *text = bench_verdict_text(&c.rows[0]);
	assert_non_null(strstr(text, "faster by 5.0%"));
	free(text);
	assert_int_equal(c.rows[1].cmp.verdict, VERDICT_SAME);
	text = bench_verdict_text(&c.rows[1]);
	assert_non_null(strstr(text, "no difference this measurement can tell"));
	free(text);
	assert_null(c.trouble);
	char *head = bench_headline(&c);
	assert_non_null(strstr(head, "faster in 1 of 2"));
	free(head);
	bench_cmp_free(&c);

	/* The control loop 8% slower after: the machine changed, nothing is judged. */
	json_object *ctl_b = json_tokener_parse("{\"metric\": \"wall\", \"samples\": [0.70, 0.71, 0.69, 0.70, 0.70, 0.71]}");
	json_object *ctl_a = json_tokener_parse("{\"metric\": \"wall\", \"samples\": [0.76, 0.77, 0.75, 0.76, 0.76, 0.77]}");
	json_object *run, *benches;
	run = bench_run(s, BENCH_BEFORE);
	json_object_object_get_ex(run, "benchmarks", &benches);
	json_object_object_add(benches, BENCH_CONTROL, ctl_b);
	run = bench_run(s, BENCH_AFTER);
	json_object_object_get_ex(run, "benchmarks", &benches);
	json_object_object_add(benches, BENCH_CONTROL, ctl_a);
	assert_int_equal(bench_compare(s, &c, NULL), 0);
	assert_int_equal(c.n, 2); /* the control is no row */
	assert_true(c.have_control);
	assert_int_equal(strv_len(c.trouble), 1);
	assert_non_null(strstr(c.trouble[0], "the machine itself ran"));
	assert_int_equal(c.rows[0].cmp.verdict, VERDICT_NOISY);
	/* Its samples are calm: the words say why it is not judged, not "noisy". */
	text = bench_verdict_text(&c.rows[0]);
	assert_non_null(strstr(text, "not judged"));
	free(text);
	bench_cmp_free(&c);

	/* Someone writing to the disks through a run: nothing is judged. */
	json_object_put(s->bench);
	s->bench = json_tokener_parse(runs_json("performance", 0.01));
	json_object *after;
	assert_true(json_object_object_get_ex(s->bench, BENCH_AFTER, &after));
	json_object_object_add(after, "pending_mb", json_object_new_double(BENCH_PENDING_MAX_MB + 1));
	assert_int_equal(bench_compare(s, &c, NULL), 0);
	assert_int_equal(strv_len(c.trouble), 1);
	assert_non_null(strstr(c.trouble[0], "kept writing to the disks before the after run"));
	assert_int_equal(c.rows[0].cmp.verdict, VERDICT_NOISY);
	bench_cmp_free(&c);

	/* Another governor, a busy machine: nothing is judged. */
	json_object_put(s->bench);
	s->bench = json_tokener_parse(runs_json("powersave", 0.6));
	assert_int_equal(bench_compare(s, &c, NULL), 0);
	assert_int_equal(strv_len(c.trouble), 2);
	assert_int_equal(c.rows[0].cmp.verdict, VERDICT_NOISY);
	head = bench_headline(&c);
	assert_non_null(strstr(head, "not judged"));
	free(head);
	bench_cmp_free(&c);
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_collect),
		cmocka_unit_test(test_compare),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
