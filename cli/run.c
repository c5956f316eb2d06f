/* kfdo run: the flow without the TUI. Each step checks its postcondition
 * first (done steps are skipped), shows its commands, runs them with live
 * progress (cli_progress.c: one updating status line on a terminal, plain
 * lines otherwise) and records the outcome; Ctrl-C cancels the whole build. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "proc/job.h"
#include "engine/profile.h"
#include "engine/record.h"
#include "engine/recover.h"
#include "engine/runner.h"
#include "engine/steps.h"
#include "engine/summary.h"
#include "base/util.h"
#include "detect/report.h"
#include "detect/toolchain.h"
#include "cli/cli.h"
#include "cli/run_int.h"

static int sig_pipe[2] = { -1, -1 };
/* Set by a signal that arrived outside a step's poll loop too (between steps, at the prompt). */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	got_signal = 1;
	int e = errno;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* Full pipe: a cancel is already pending. */
	}
	errno = e;
}

const char *cli_signal_name(int sig)
{
	switch (sig) {
	case SIGINT: return _("SIGINT (Ctrl-C)");
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return _("SIGHUP (the terminal closed)");
	}
	return strsignal(sig);
}

/* 1 run it, 0 no, -1 a signal came (Ctrl-C at the question). */
static int confirm(const struct session *s, enum step_id id, bool yes)
{
	const struct step_def *def = step_get(id);
	struct plan p = { 0 };
	char *cause = NULL;
	if (def->plan && def->plan(s, &p, &cause) == 0)
		for (size_t i = 0; i < p.n; i++) {
			char *line = plan_format_command(&p.cmds[i]);
			printf("    %s\n", line);
			free(line);
		}
	free(cause);
	plan_free(&p);
	if (yes)
		return 1;
	printf(_("  Run this? [Y/n] "));
	fflush(stdout);
	char buf[16];
	if (!fgets(buf, sizeof(buf), stdin))
		return got_signal ? -1 : 0;
	return buf[0] == '\n' || buf[0] == 'y' || buf[0] == 'Y';
}

/* A step left running by a kfdo that was killed: say so, stop what is left of
 * its build, and mark the step failed so that this run does it again. -1 when
 * another kfdo still runs it. */
static int recover_orphan(struct session *s)
{
	struct orphan o;
	if (!recover_find(s, &o))
		return 0;
	const char *step = step_name(o.step);
	if (o.owner_alive) {
		fprintf(stderr, _("kfdo: kfdo (pid %d) is running the %s step of this session; wait for it or stop it\n"),
			o.kfdo_pid, step);
		return -1;
	}
	if (o.kfdo_pid > 0)
		printf(_("kfdo: the last run was killed during the %s step (pid %d)"), step, o.kfdo_pid);
	else
		printf(_("kfdo: the last run ended during the %s step without recording its outcome"), step);
	if (o.left > 0) {
		recover_stop(s, &o, 2000);
		struct orphan after;
		if (recover_find(s, &after) && after.left > 0)
			printf(_("; its job was still running (%d processes in group %d) and %d did not stop\n"),
			       o.left, o.pgid, after.left);
		else
			printf(_("; its job was still running (%d processes in group %d) and has been stopped\n"),
			       o.left, o.pgid);
	} else if (o.pgid > 0) {
		printf(_("; its job had stopped\n"));
	} else {
		printf("\n");
	}
	recover_settle(s, &o);
	printf(_("  The %s step is marked failed (interrupted) and can run again.\n"), step);
	fflush(stdout);
	return 0;
}

/* One kfdo run per session: a second one would rewrite the same tree and state. */
int cli_lock_session(void)
{
	char *dir = paths_state_dir(), *cause = NULL;
	if (mkdir_p(dir, 0700, &cause) < 0) {
		fprintf(stderr, "kfdo: %s\n", cause);
		free(cause);
		free(dir);
		return -1;
	}
	char *path = xasprintf("%s/lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, _("kfdo: another kfdo run is working on this session (%s is locked)\n"), path);
		close(fd);
		fd = -1;
	} else if (fd < 0) {
		fprintf(stderr, _("kfdo: cannot open %s: %s\n"), path, strerror(errno));
	}
	free(path);
	free(dir);
	return fd;
}

static bool step_hardware(struct session *s)
{
	struct detect_opts o = { .sysroot = session_sysroot(s) };
	struct detect_report r;
	char *cause = NULL;
	detect_run(&r, &o, &cause);
	free(cause);
	if (r.event_ok) {
		strv_free(s->perf_event);
		s->perf_event = NULL;
		for (size_t i = 0; i < r.event.nargs; i++)
			strv_push(&s->perf_event, r.event.perf_args[i]);
	}
	/* Building needs no PMU: an unsupported machine can still build; recording needs it. */
	bool can = r.verdict == VERDICT_READY || r.verdict == VERDICT_FIXABLE;
	session_step_set(s, STEP_HARDWARE, can ? STATUS_DONE : STATUS_FAILED, r.summary);
	printf("  %s %s\n", r.verdict == VERDICT_READY ? "ok  " : r.verdict == VERDICT_FIXABLE ? "warn" : "fail",
	       r.summary);
	if (r.verdict != VERDICT_READY)
		printf(_("       (kfdo detect tells why; building goes on, recording will need it fixed)\n"));
	detect_report_free(&r);
	return true;
}

static bool step_toolchain(struct session *s)
{
	struct toolchain tc;
	struct toolchain_opts o = { .no_owners = true, .work_dir = s->tree };
	char *cause = NULL;
	if (toolchain_detect(&o, &tc, &cause) < 0) {
		printf("  fail %s\n", cause);
		session_step_set(s, STEP_TOOLCHAIN, STATUS_FAILED, cause);
		free(cause);
		return false;
	}
	struct check_list l = { 0 };
	toolchain_checks(&tc, &l);
	bool ok = true;
	for (size_t i = 0; i < l.n; i++)
		if (l.v[i].status == CHECK_FAIL) {
			ok = false;
			printf("  fail %s: %s\n", l.v[i].id, l.v[i].message);
		}
	char *install = toolchain_install_command(&tc);
	if (!ok && install)
		printf(_("       to install what is missing: %s\n"), install);
	char *msg = ok ? xasprintf(_("every required tool is there (make %s)"), tc.make_llvm_arg ? tc.make_llvm_arg : "")
		       : xstrdup(_("required tools are missing (kfdo doctor lists them)"));
	printf("  %s %s\n", ok ? "ok  " : "fail", msg);
	session_step_set(s, STEP_TOOLCHAIN, ok ? STATUS_DONE : STATUS_FAILED, msg);
	free(msg);
	free(install);
	check_list_free(&l);
	toolchain_free(&tc);
	return ok;
}

/* The hottest functions of the profile just made, from its record. */
static void print_hottest(const char *profile)
{
	struct profile_record rec;
	if (!profile || profile_record_read(profile, &rec, NULL) < 0)
		return;
	for (size_t i = 0; i < rec.n_hot; i++)
		printf(_("       %5.1f%%  %-40s %llu samples\n"), rec.hot[i].share, rec.hot[i].name,
		       (unsigned long long)rec.hot[i].samples);
	profile_record_free(&rec);
}

/* Runs the sysctl fixes as jobs: through sudo unless kfdo is root. */
static bool run_fixes(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		char **argv = plan_cmd_argv(&p->cmds[i]);
		char *log = job_default_log_path("sysctl"), *cause = NULL;
		struct job_spec spec = { .argv = (const char *const *)argv, .log_path = log };
		struct job *j;
		bool ok = job_start(&j, &spec, &cause) == 0;
		if (ok) {
			job_wait(j, -1, NULL, NULL);
			ok = job_status(j) == 0;
			size_t len;
			if (!ok)
				printf("  fail %s\n", ring_count(job_ring(j)) ? ring_get(job_ring(j), 0, &len) : log);
			job_free(j);
		} else {
			printf("  fail %s\n", cause);
		}
		free(cause);
		free(log);
		strv_free(argv);
		if (!ok)
			return false;
	}
	return true;
}

/* Right before recording: the PMU event (from the hardware check when the
 * session has none), then perf_event_paranoid and kptr_restrict, with their
 * fix offered as sudo commands shown first. 0, or the exit status. */
static int before_profile(struct session *s, bool yes)
{
	if (!s->perf_event) {
		printf(_("  the session has no PMU event yet: checking the hardware\n"));
		step_hardware(s);
		state_save(s, NULL);
	}
	struct record_sysctls rs;
	if (record_sysctls_check(&rs, session_sysroot(s)) == 0) {
		record_sysctls_free(&rs);
		return 0;
	}
	for (size_t i = 0; rs.problems[i]; i++)
		printf("  fail %s\n", rs.problems[i]);
	struct plan p = { 0 };
	record_sysctls_plan(&rs, &p);
	printf(_("  The fix (until the next boot; to keep it, put the settings in /etc/sysctl.d/99-kfdo.conf):\n"));
	for (size_t i = 0; i < p.n; i++) {
		char *line = plan_format_command(&p.cmds[i]);
		printf("    %s\n", line);
		free(line);
	}
	int ret = 0;
	bool go = yes;
	if (!yes) {
		printf(_("  Run it? [Y/n] "));
		fflush(stdout);
		char buf[16];
		go = fgets(buf, sizeof(buf), stdin) && (buf[0] == '\n' || buf[0] == 'y' || buf[0] == 'Y');
		if (got_signal)
			ret = EXIT_CANCEL;
	}
	fflush(stdout);
	if (!ret && (!go || !run_fixes(&p)))
		ret = EXIT_NO;
	record_sysctls_free(&rs);
	if (!ret && record_sysctls_check(&rs, session_sysroot(s)) > 0) {
		printf(_("  fail the settings did not change: %s\n"), rs.problems[0]);
		ret = EXIT_NO;
	} else if (!ret) {
		printf(_("  ok   perf_event_paranoid and kptr_restrict allow recording the kernel\n"));
	}
	if (ret == EXIT_NO && !go)
		printf(_("  not run: recording the kernel needs these settings.\n"));
	record_sysctls_free(&rs);
	plan_free(&p);
	return ret;
}

/* A stop of the flow in the words the wizard uses too (engine/summary.h). */
static void print_summary(char **paras)
{
	for (size_t i = 0; paras && paras[i]; i++)
		printf("  %s\n", paras[i]);
	strv_free(paras);
}

/* The reboot step runs nothing: the running kernel is the built one, or the
 * session is saved and the user told what to do. 0 go on, else the exit status. */
static int step_reboot(struct session *s)
{
	const struct step_def *def = step_get(STEP_REBOOT);
	char *why = NULL;
	int ret = 0;
	if (!def->precondition(s, &why)) {
		printf("  fail %s\n", why ? why : "");
		session_step_set(s, STEP_REBOOT, STATUS_FAILED, why);
		ret = EXIT_NO;
	} else if (def->postcondition(s, &why)) {
		printf("  %s %s\n", cli_color ? "\033[32mok\033[0m  " : "ok  ", why);
		session_step_set(s, STEP_REBOOT, STATUS_DONE, why);
	} else {
		session_step_set(s, STEP_REBOOT, STATUS_PENDING, why);
		printf("  %s\n", why);
		print_summary(summary_reboot(s));
		ret = EXIT_REBOOT;
	}
	state_save(s, NULL);
	free(why);
	return ret;
}

/* A step's root commands (pacman -U) run through sudo as jobs, without the
 * terminal: sudo asks for the password here, with it, before the step starts
 * (the one process kfdo does not run as a job: it needs the terminal). No
 * sudo at all when the plan needs none (kfdo is root, or root mode). Without
 * a terminal, sudo must not ask at all (-n) rather than hang. */
static bool sudo_ready(const struct session *s, enum step_id id)
{
	struct plan p = { 0 };
	const struct step_def *def = step_get(id);
	bool need = def->plan && def->plan(s, &p, NULL) == 0 && plan_needs_sudo(&p);
	plan_free(&p);
	if (!need)
		return true;
	bool tty = isatty(STDIN_FILENO);
	char *argv[] = { "sudo", tty ? "-v" : "-n", tty ? NULL : "-v", NULL };
	if (tty)
		printf(_("  pacman -U needs root: sudo may ask for your password now.\n"));
	fflush(stdout);
	pid_t pid;
	int st = -1;
	if (posix_spawnp(&pid, "sudo", NULL, NULL, argv, environ) == 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	bool ok = st == 0;
	if (!ok)
		printf(_("  fail sudo could not get root%s: nothing was installed\n"),
		       tty ? "" : _(" without a password (no terminal to ask on)"));
	return ok;
}

int cli_run(const struct cli_args *a)
{
	struct cli_session_opts so;
	cli_session_opts_init(&so);
	cli_session_opts_take(&so, a);
	/* The table checked the step names as it read them. */
	const char *from_name = cli_args_value(a, OPT_FROM), *until_name = cli_args_value(a, OPT_UNTIL);
	bool yes = cli_args_flag(a, OPT_YES), has_from = from_name != NULL;
	enum step_id from = has_from ? step_by_name(from_name)->id : STEP_HARDWARE;
	enum step_id until = until_name ? step_by_name(until_name)->id : STEP_FINISH;
	int ret = 0, lock = -1;
	struct session *s = NULL;
	got_signal = 0;
	if (from > until) {
		ret = cli_usage_error("run", _("--from %s comes after --until %s"), step_name(from), step_name(until));
		goto out;
	}
	if (!yes && !isatty(STDIN_FILENO)) {
		ret = cli_usage_error("run", _("stdin is not a terminal: give --yes to run without asking"));
		goto out;
	}
	if ((lock = cli_lock_session()) < 0) {
		ret = EXIT_NO;
		goto out;
	}
	if (!(s = cli_session_open(&so, "run", NULL))) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (recover_orphan(s) < 0) {
		ret = EXIT_NO;
		goto out;
	}
	char *cause = NULL;
	if (state_save(s, &cause) < 0) {
		fprintf(stderr, _("kfdo: cannot save the session: %s\n"), cause);
		free(cause);
		ret = EXIT_NO;
		goto out;
	}

	bool tty = isatty(STDOUT_FILENO);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("kfdo: pipe");
		ret = EXIT_NO;
		goto out;
	}
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term, old_hup, old_pipe;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	/* Output closed under us (kfdo run | head): go on and record the outcome, not die
	 * and leave the build running with the session saying so forever. */
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old_pipe);

	for (enum step_id id = from; id <= until && !ret; id++) {
		const struct step_def *def = step_get(id);
		char *why = NULL;
		bool again = has_from && id == from;
		if (got_signal) {
			printf(_("kfdo: cancelled before the %s step\n"), step_name(def->id));
			ret = EXIT_CANCEL;
			break;
		}
		if (!again && def->postcondition && def->postcondition(s, &why) && id != STEP_HARDWARE &&
		    id != STEP_TOOLCHAIN) {
			printf(_("%s%2d. %s: already done (%s)%s\n"), cli_color ? "\033[2m" : "", id + 1, _(def->title),
			       why ? why : "", cli_color ? "\033[0m" : "");
			if (s->steps[id].status != STATUS_DONE) {
				session_step_set(s, id, STATUS_DONE, why);
				state_save(s, NULL);
			}
			free(why);
			continue;
		}
		free(why);
		printf("%s%2d. %s%s\n", cli_color ? "\033[1m" : "", id + 1, _(def->title), cli_color ? "\033[0m" : "");
		fflush(stdout);
		if (id == STEP_HARDWARE) {
			step_hardware(s);
			state_save(s, NULL);
			continue;
		}
		if (id == STEP_TOOLCHAIN) {
			if (!step_toolchain(s))
				ret = EXIT_NO;
			state_save(s, NULL);
			continue;
		}
		if (id == STEP_REBOOT) {
			if ((ret = step_reboot(s)))
				break;
			continue;
		}
		if (id == STEP_PROFILE && (ret = before_profile(s, yes)) != 0)
			break;
		if (id == STEP_SOURCE && !s->clone_url) {
			/* Nothing to run: the tree is there or it is not. */
			char *w = NULL;
			bool ok = def->postcondition(s, &w);
			printf("  %s %s\n", ok ? "ok  " : "fail", w ? w : "");
			session_step_set(s, id, ok ? STATUS_DONE : STATUS_FAILED, w);
			state_save(s, NULL);
			free(w);
			if (!ok)
				ret = EXIT_NO;
			continue;
		}
		int ok = confirm(s, id, yes);
		if (ok <= 0 || got_signal) {
			printf(ok < 0 || got_signal ? _("\n  cancelled: not run.\n") : _("  not run.\n"));
			ret = ok < 0 || got_signal ? EXIT_CANCEL : EXIT_NO;
			break;
		}
		if (!sudo_ready(s, id)) {
			ret = got_signal ? EXIT_CANCEL : EXIT_NO;
			break;
		}
		cause = NULL;
		enum runner_result res = cli_run_step(s, id, tty, sig_pipe[0], &got_signal, &cause);
		if (res == RUNNER_OK) {
			printf("  %s %s\n", cli_color ? "\033[32mok\033[0m  " : "ok  ", cause ? cause : "");
			if (id == STEP_CONVERT)
				print_hottest(s->artifacts.profile);
			if (id == STEP_FINISH) {
				printf("\n");
				print_summary(summary_finish(s));
			}
		} else if (res == RUNNER_CANCELLED) {
			printf(_("  cancelled: nothing of the build is left running.\n"));
			ret = EXIT_CANCEL;
		} else {
			printf("  %s %s\n", cli_color ? "\033[31mfail\033[0m" : "fail", cause ? cause : "");
			ret = EXIT_NO;
		}
		free(cause);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
out:
	if (lock >= 0)
		close(lock);
	session_free(s);
	cli_session_opts_free(&so);
	return ret;
}
