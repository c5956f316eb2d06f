/* kfdo compare: the benchmarks before and after as a table, JSON or CSV; and
 * kfdo __measure, the internal command each benchmark run of the baseline and
 * compare steps is (engine/bench.h). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/json_out.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/bench.h"
#include "proc/measure.h"
#include "cli/cli.h"

/* ---- kfdo __measure ---- */

static char *governor(void)
{
	char *g = sysroot_read_line(NULL, "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
	if (!g || !*g || strchr(g, ' ')) {
		free(g);
		return xstrdup("none");
	}
	return g;
}

/* Idle and total jiffies of all CPUs (/proc/stat's first line). */
static bool cpu_times(unsigned long long *idle, unsigned long long *total)
{
	char *l = sysroot_read_line(NULL, "/proc/stat");
	unsigned long long v[8] = { 0 };
	bool ok = l && sscanf(l, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
			      &v[5], &v[6], &v[7]) >= 5;
	free(l);
	*idle = v[3] + v[4];
	*total = 0;
	for (int i = 0; i < 8; i++)
		*total += v[i];
	return ok;
}

static double cpu_mhz(int *cpus)
{
	char *text = file_read("/proc/cpuinfo", 1 << 20, NULL);
	double sum = 0, mhz;
	int n = 0;
	for (char *l = text; l && (l = strstr(l, "cpu MHz")); l++)
		if (sscanf(l, "cpu MHz : %lf", &mhz) == 1 || sscanf(l, "cpu MHz\t: %lf", &mhz) == 1) {
			sum += mhz;
			n++;
		}
	free(text);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	*cpus = online > 0 ? (int)online : n;
	return n ? sum / n : 0;
}

/* The CPU the benchmarks run on: this machine's, whatever kernel a test's
 * sysroot stands in for. */
static char *cpu_model(void)
{
	char *text = file_read("/proc/cpuinfo", 1 << 20, NULL), *model = NULL;
	char *l = text ? strstr(text, "model name") : NULL;
	char *colon = l ? strchr(l, ':') : NULL, *nl = l ? strchr(l, '\n') : NULL;
	if (colon && (!nl || colon < nl)) {
		if (nl)
			*nl = '\0';
		model = xstrdup(str_trim(colon + 1));
	}
	free(text);
	return model && *model ? model : (free(model), xstrdup("unknown"));
}

static int append(const char *path, const char *line)
{
	FILE *f = fopen(path, "a");
	if (!f || fputs(line, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, _("kfdo __measure: cannot write %s: %s\n"), path, strerror(errno));
		return 1;
	}
	return 0;
}

/* What the disks still have to write, in kB (Dirty and Writeback of
 * /proc/meminfo); -1 when it cannot be read. */
static long long pending_kb(void)
{
	char *text = file_read("/proc/meminfo", 1 << 20, NULL);
	long long sum = -1, kb;
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (sscanf(l, "Dirty: %lld kB", &kb) == 1 || sscanf(l, "Writeback: %lld kB", &kb) == 1)
			sum = (sum < 0 ? 0 : sum) + kb;
	free(text);
	return sum;
}

static double monotonic_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* How busy the machine is over one second, with nothing of ours running, and
 * what it still had to write. That is written out first: the baseline runs
 * right after a build (its objects, its packages), the after run after a
 * reboot, and writeback under one run's file I/O and not the other's is a
 * difference of the machine, not of the kernel; the same kernel measured twice
 * was once called 9% faster at file I/O for it. sync() waits for all of it. */
static int measure_context(const char *path)
{
	long long dirty = pending_kb();
	double f0 = monotonic_s();
	sync();
	double flushed = monotonic_s() - f0;
	if (dirty >= 1024)
		printf(_("the disks had %.0f MB left to write: %.1f s to write it before the runs\n"), dirty / 1024.0,
		       flushed);
	unsigned long long i0, t0, i1, t1;
	bool ok = cpu_times(&i0, &t0);
	struct timespec one = { 1, 0 };
	while (nanosleep(&one, &one) < 0 && errno == EINTR)
		;
	ok = ok && cpu_times(&i1, &t1) && t1 > t0;
	double busy = ok ? 1.0 - (double)(i1 - i0) / (double)(t1 - t0) : -1;
	/* What piled up again within that second is someone else writing. */
	long long after = pending_kb();
	int cpus;
	double mhz = cpu_mhz(&cpus);
	char *gov = governor();
	char *model = cpu_model();
	/* The model last: it has spaces. */
	char *line = xasprintf("context busy=%.4f governor=%s mhz=%.0f cpus=%d dirty=%lld flush=%.3f pending=%lld "
			       "model=%s\n",
			       busy, gov, mhz, cpus, dirty, flushed, after, model);
	free(model);
	printf(_("busy before the run: %.0f%% of %d CPUs; governor %s; %.0f MHz\n"), busy * 100, cpus, gov, mhz);
	int rc = append(path, line);
	free(line);
	free(gov);
	return rc;
}

/* The control (engine/bench.c): a fixed count of xorshift steps, a chain no
 * compiler can shorten, about half a second here; no system call inside. */
#define CONTROL_STEPS 400000000ULL

static int measure_control(const char *path, long round)
{
	sync(); /* as before every run (cli_measure) */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t x = 88172645463325252ULL, acc = 0;
	for (uint64_t i = 0; i < CONTROL_STEPS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	char *gov = governor();
	char *line = xasprintf("run %s %ld %.6f 0 %.6f 0 %s\n", BENCH_CONTROL, round, wall, wall, gov);
	/* The sum is printed so that the loop is work the program must do. */
	printf(_("%s, round %ld: %.3f s (checksum %016llx)\n"), BENCH_CONTROL, round, wall, (unsigned long long)acc);
	int rc = append(path, line);
	free(line);
	free(gov);
	return rc;
}

int cli_measure(const struct cli_args *a)
{
	int argc = a->n_pos;
	char **argv = a->pos;
	if (argc == 2 && strcmp(argv[1], "--context") == 0)
		return measure_context(argv[0]);
	if (argc == 3 && strcmp(argv[1], BENCH_CONTROL) == 0) {
		char *e = NULL;
		long r = strtol(argv[2], &e, 10);
		if (e && !*e && r >= 0)
			return measure_control(argv[0], r);
	}
	char *end = NULL;
	long round = argc >= 3 ? strtol(argv[2], &end, 10) : -1;
	if (argc < 5 || !bench_find(argv[1]) || !end || *end || round < 0 || strcmp(argv[3], "--") != 0) {
		fputs(_("Usage: kfdo __measure FILE NAME ROUND -- COMMAND [ARG...] | kfdo __measure FILE control ROUND |\n"
			"kfdo __measure FILE --context\n"
			"(one benchmark run of the baseline and compare steps; its figures are appended to FILE)\n"),
		      stderr);
		return EXIT_USAGE;
	}
	fflush(stdout);
	/* Each run starts with nothing of the one before still being written
	 * (kbuild's objects, stress-ng's files), whichever benchmark came before
	 * it in this round's order. */
	sync();
	struct measure_result m;
	char *cause = NULL;
	if (measure_run((const char *const *)argv + 4, &m, &cause) < 0) {
		fprintf(stderr, "kfdo __measure: %s\n", cause);
		free(cause);
		return 127;
	}
	char *gov = governor();
	char *line = xasprintf("run %s %ld %.6f %.6f %.6f %d %s\n", argv[1], round, m.wall_s, m.sys_s, m.user_s,
			       m.exit_code, gov);
	printf(_("%s, round %ld: %.3f s wall, %.3f s system, %.3f s user, exit status %d\n"), argv[1], round,
	       m.wall_s, m.sys_s, m.user_s, m.exit_code);
	int rc = append(argv[0], line);
	free(line);
	free(gov);
	return m.exit_code ? (m.exit_code > 125 ? 1 : m.exit_code) : rc;
}

/* ---- kfdo compare ---- */

static json_object *dnum(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *row_json(const struct bench_row *r)
{
	json_object *o = json_object_new_object();
	json_put_str(o, "name", r->name);
	json_put_str(o, "title", r->def ? r->def->title : r->name);
	json_put_str(o, "metric", bench_metric_key(r->def ? r->def->metric : BENCH_WALL));
	const struct stats_cmp *c = &r->cmp;
	const char *keys[] = { "median_before", "median_after", "change", "change_lo", "change_hi", "gain",
			       "gain_lo", "gain_hi", "coverage", "spread_before", "spread_after" };
	const double vals[] = { c->median_before, c->median_after, c->change, c->change_lo, c->change_hi, c->gain,
				c->gain_lo, c->gain_hi, c->coverage, c->spread_before, c->spread_after };
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		json_object_object_add(o, keys[i], dnum(vals[i]));
	json_put_str(o, "verdict", stats_verdict_key(c->verdict));
	char *text = bench_verdict_text(r);
	json_put_str(o, "text", text);
	free(text);
	return o;
}

static int print_json(const struct session *s)
{
	json_object *o = json_object_new_object();
	json_put_str(o, "kfdo", "compare");
	json_object_object_add(o, "runs", s->bench ? json_object_get(s->bench) : json_object_new_object());
	struct bench_cmp c;
	char *cause = NULL;
	if (bench_compare(s, &c, &cause) == 0) {
		json_object *rows = json_object_new_array();
		for (size_t i = 0; i < c.n; i++)
			json_object_array_add(rows, row_json(&c.rows[i]));
		json_object_object_add(o, "rows", rows);
		json_object_object_add(o, "control", c.have_control ? row_json(&c.control) : NULL);
		json_put_strv(o, "trouble", c.trouble);
		json_put_strv(o, "notes", c.notes);
		char *head = bench_headline(&c);
		json_put_str(o, "headline", head);
		free(head);
		bench_cmp_free(&c);
	} else {
		json_object_object_add(o, "rows", json_object_new_array());
		json_put_str(o, "missing", cause);
	}
	free(cause);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s->bench ? 0 : 1;
}

/* One sample per line, for a spreadsheet or R: phase,benchmark,metric,index,seconds. */
static int print_csv(const struct session *s)
{
	puts("phase,benchmark,metric,sample,seconds");
	const char *phases[] = { BENCH_BEFORE, BENCH_AFTER };
	int any = 0;
	for (int p = 0; p < 2; p++) {
		json_object *run = bench_run(s, phases[p]), *benches;
		if (!run || !json_object_object_get_ex(run, "benchmarks", &benches))
			continue;
		any = 1;
		json_object_object_foreach(benches, name, b)
		{
			json_object *metric, *arr;
			json_object_object_get_ex(b, "metric", &metric);
			if (!json_object_object_get_ex(b, "samples", &arr))
				continue;
			for (size_t i = 0; i < json_object_array_length(arr); i++)
				printf("%s,%s,%s,%zu,%.6f\n", phases[p], name, json_object_get_string(metric), i + 1,
				       json_object_get_double(json_object_array_get_idx(arr, i)));
		}
	}
	return any ? 0 : 1;
}

static void print_run(const char *label, json_object *run)
{
	json_object *v;
	const char *k[] = { "release", "build_id", "cpu", "governor" };
	const char *val[4];
	for (int i = 0; i < 4; i++)
		val[i] = json_object_object_get_ex(run, k[i], &v) ? json_object_get_string(v) : "?";
	double busy = json_object_object_get_ex(run, "busy", &v) ? json_object_get_double(v) : -1;
	int rounds = json_object_object_get_ex(run, "rounds", &v) ? json_object_get_int(v) : 0;
	printf(_("%-10s %s (build-id %.12s), %d rounds, %s, governor %s, %.0f%% busy before\n"), label, val[0],
	       val[1], rounds, val[2], val[3], busy * 100);
}

static int print_table(const struct session *s)
{
	struct bench_cmp c;
	char *cause = NULL;
	if (bench_compare(s, &c, &cause) < 0) {
		printf(_("Nothing to compare yet: %s.\n"), cause);
		free(cause);
		return 1;
	}
	print_run(_("baseline:"), c.before);
	print_run(_("after:"), c.after);
	printf("\n%-20s %-6s %10s %10s  %s\n", _("benchmark"), _("metric"), _("before"), _("after"),
	       _("change (95% interval)"));
	for (size_t i = 0; i <= c.n; i++) {
		const struct bench_row *r = i < c.n ? &c.rows[i] : c.have_control ? &c.control : NULL;
		if (!r)
			break;
		if (i == c.n)
			printf(_("(the control, a loop in user space that no kernel change touches:)\n"));
		char *text = bench_verdict_text(r);
		bool good = r->cmp.verdict == VERDICT_BETTER, bad = r->cmp.verdict == VERDICT_WORSE;
		printf("%-20s %-6s %8.3f s %8.3f s  %s%s%s\n", r->def ? _(r->def->title) : r->name,
		       bench_metric_key(r->def ? r->def->metric : BENCH_WALL), r->cmp.median_before,
		       r->cmp.median_after, cli_color && (good || bad) ? (good ? "\033[32m" : "\033[31m") : "", text,
		       cli_color && (good || bad) ? "\033[0m" : "");
		free(text);
	}
	char *head = bench_headline(&c);
	printf("\n%s\n", head);
	free(head);
	for (size_t i = 0; c.trouble && c.trouble[i]; i++)
		printf(_("  noisy: %s\n"), c.trouble[i]);
	for (size_t i = 0; c.notes && c.notes[i]; i++)
		printf("  %s\n", c.notes[i]);
	bench_cmp_free(&c);
	return 0;
}

int cli_compare(const struct cli_args *a)
{
	bool json = cli_args_flag(a, OPT_JSON), csv = cli_args_flag(a, OPT_CSV);
	if (json && csv)
		return cli_usage_error("compare", _("--json and --csv exclude each other"));
	struct session *s = NULL;
	char *cause = NULL;
	enum state_load_result lr = state_load(&s, &cause);
	if (lr != STATE_LOADED) {
		if (lr == STATE_NONE)
			fprintf(stderr, _("kfdo: no saved session: nothing was measured yet\n"));
		else
			fprintf(stderr, _("kfdo: cannot read the saved session: %s\n"), cause);
		free(cause);
		return EXIT_NO;
	}
	int rc = json ? print_json(s) : csv ? print_csv(s) : print_table(s);
	session_free(s);
	return rc;
}
