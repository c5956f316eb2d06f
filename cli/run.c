/* kfdo run: the flow without the TUI. Each step checks its postcondition
 * first (done steps are skipped), shows its commands, runs them with live
 * progress (cli_progress.c: one updating status line on a terminal, plain
 * lines otherwise) and records the outcome; Ctrl-C cancels the whole build. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/i18n.h"
#include "proc/job.h"
#include "proc/spawn.h"
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
	bool planned = def->plan && def->plan(s, &p, &cause) == 0;
	for (size_t i = 0; planned && i < p.n; i++) {
		char *line = plan_format_command(&p.cmds[i]);
		printf("    %s\n", line);
		free(line);
	}
	free(cause);
	/* A step that runs nothing (a check, the reboot, a tree already on disk) is
	 * not asked about; one whose plan fails is, and the runner says why. */
	bool runs_nothing = planned && p.n == 0;
	plan_free(&p);
	if (yes || runs_nothing || (!def->plan))
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
int cli_recover_orphan(struct session *s)
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

/* Runs a plan's commands as jobs (through sudo unless kfdo is root), in
 * order, stopping at the first that fails. */
bool cli_run_commands(const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		char **argv = plan_cmd_argv(&p->cmds[i]);
		char *log = job_default_log_path("fix"), *cause = NULL;
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

/* What blocks the step that kfdo can fix (the recording's sysctls): the
 * problems, the fix shown first, then run on the user's word (or --yes) and
 * checked. 0 go on, else the exit status. */
static int offer_fixes(const struct session *s, const struct step_def *def, bool yes)
{
	char **problems = NULL;
	struct plan p = { 0 };
	if (!def->fixes || def->fixes(s, &problems, &p) <= 0) {
		strv_free(problems);
		plan_free(&p);
		return 0;
	}
	for (size_t i = 0; problems[i]; i++)
		printf("  fail %s\n", problems[i]);
	strv_free(problems);
	problems = NULL;
	printf("  %s\n", _(def->fix_intro));
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
	if (!ret && (!go || !cli_run_commands(&p)))
		ret = EXIT_NO;
	plan_free(&p);
	if (!ret && def->fixes(s, &problems, &p) > 0) {
		printf(_("  fail the settings did not change: %s\n"), problems[0]);
		ret = EXIT_NO;
	} else if (!ret) {
		printf("  ok   %s\n", _(def->fix_done));
	}
	if (ret == EXIT_NO && !go)
		printf(_("  not run: %s\n"), _(def->fix_needed));
	strv_free(problems);
	plan_free(&p);
	return ret;
}

/* A step's root commands (pacman -U) run through sudo as jobs, without the
 * terminal: sudo asks for the password here, with it, before the step starts
 * (the one process kfdo does not run as a job: it needs the terminal). No
 * sudo at all when the plan needs none (kfdo is root, or root mode). Without
 * a terminal, sudo must not ask at all (-n) rather than hang. */
bool cli_sudo_ready(const struct plan *p)
{
	if (!plan_needs_sudo(p))
		return true;
	bool tty = isatty(STDIN_FILENO);
	char *argv[] = { "sudo", tty ? "-v" : "-n", tty ? NULL : "-v", NULL };
	if (tty)
		printf(_("  This needs root: sudo may ask for your password now.\n"));
	fflush(stdout);
	/* With a terminal, sudo asks on it; without, /dev/null. */
	struct spawn_spec spec = { .argv = (const char *const *)argv, .terminal = tty,
				   .out = SPAWN_IO_INHERIT, .err = SPAWN_IO_INHERIT };
	pid_t pid;
	int st = -1;
	if (spawn(&pid, &spec, NULL) == 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	bool ok = st == 0;
	if (!ok)
		printf(_("  fail sudo could not get root%s: nothing was run\n"),
		       tty ? "" : _(" without a password (no terminal to ask on)"));
	return ok;
}

static bool step_sudo_ready(const struct session *s, enum step_id id)
{
	struct plan p = { 0 };
	const struct step_def *def = step_get(id);
	bool ok = !(def->plan && def->plan(s, &p, NULL) == 0) || cli_sudo_ready(&p);
	plan_free(&p);
	return ok;
}

/* Whether a step would need the user in an unattended run: a kernel to
 * install, a fix of the machine, or a command through sudo. Says which in *why. */
static bool needs_user(const struct session *s, const struct step_def *def, char **why)
{
	char **problems = NULL;
	struct plan p = { 0 };
	bool need = false;
	if (def->flags & STEP_INSTALLS) {
		cause_set(why, _("%s: a kernel is installed only with you there"), _(def->title));
		return true;
	}
	if (def->fixes && def->fixes(s, &problems, &p) > 0) {
		cause_set(why, _("%s: it needs a setting only root can change (%s)"), _(def->title), problems[0]);
		need = true;
	}
	strv_free(problems);
	plan_free(&p);
	if (!need && def->plan && def->plan(s, &p, NULL) == 0 && plan_needs_sudo(&p)) {
		cause_set(why, _("%s: it runs commands as root through sudo"), _(def->title));
		need = true;
	}
	plan_free(&p);
	return need;
}

int cli_run_flow(struct session *s, enum step_id from, enum step_id until, struct run_flow *o)
{
	bool tty = isatty(STDOUT_FILENO), has_from = o->again_from;
	int ret = 0;
	got_signal = 0;
	o->stopped_at = STEP_COUNT;
	o->ran = 0;
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		perror("kfdo: pipe");
		return EXIT_NO;
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
		/* A check judges the machine as it is now: it runs whatever was recorded. */
		if (!again && !(def->flags & STEP_RECHECK) && def->postcondition(s, &why)) {
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
		/* What kfdo sets up itself comes first (the PMU event a recording needs),
		 * so that the commands shown are the ones that run; the runner does it
		 * again and says so when it fails. */
		if (def->prepare) {
			char *err = NULL;
			def->prepare(s, &err);
			free(err);
		}
		/* Nobody is there to type a password: the run stops before the first
		 * step that needs one, and says which. */
		if (o->unattended && needs_user(s, def, &o->stop_why)) {
			printf(_("  stop %s\n"), o->stop_why);
			o->stopped_at = id;
			break;
		}
		if ((ret = offer_fixes(s, def, o->yes)) != 0)
			break;
		int ok = confirm(s, id, o->yes);
		if (ok <= 0 || got_signal) {
			printf(ok < 0 || got_signal ? _("\n  cancelled: not run.\n") : _("  not run.\n"));
			ret = ok < 0 || got_signal ? EXIT_CANCEL : EXIT_NO;
			break;
		}
		if (!step_sudo_ready(s, id)) {
			ret = got_signal ? EXIT_CANCEL : EXIT_NO;
			break;
		}
		enum runner_result res = cli_run_step(s, id, tty, sig_pipe[0], &got_signal);
		o->ran++;
		o->last = id;
		o->last_result = res;
		if (res == RUNNER_CANCELLED)
			ret = EXIT_CANCEL;
		else if (res == RUNNER_WAITING)
			ret = EXIT_REBOOT;
		/* An advisory check that failed holds nothing up: building goes on without a PMU. */
		else if (res == RUNNER_FAILED && !(def->flags & STEP_ADVISORY))
			ret = EXIT_NO;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	return ret;
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
	if (cli_recover_orphan(s) < 0) {
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
	cli_away_show(stdout, true);
	struct run_flow o = { .yes = yes, .again_from = has_from };
	ret = cli_run_flow(s, from, until, &o);
	free(o.stop_why);
out:
	if (lock >= 0)
		close(lock);
	session_free(s);
	cli_session_opts_free(&so);
	return ret;
}
