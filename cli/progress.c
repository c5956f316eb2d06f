/* kfdo run's output while a step runs: each command as it starts, the build's
 * warnings and errors, and one status line (progress, ETA, the recording's
 * size) redrawn in place on a terminal, or a plain line every 10 s otherwise.
 * Signals reach it through kfdo run's signal pipe (cli_run.c). */
#include "cli/run_int.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/i18n.h"
#include "proc/job.h"
#include "engine/makepkg_log.h"
#include "engine/record.h"
#include "base/util.h"
#include "cli/cli.h"

struct view {
	bool tty;
	bool status_shown;
	int64_t last_draw, last_plain;
	enum step_id step;
	const struct runner *runner;
};

static int term_width(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

static void clear_status(struct view *v)
{
	if (v->tty && v->status_shown) {
		fputs("\r\033[K", stdout);
		v->status_shown = false;
	}
}

/* "  1m02s  perf.data 45.2 MB  +1.2 MB/s  20.1 GB free (floor 2.1 GB)"; false when no recording. */
static bool record_status(struct strbuf *sb, const struct runner *r, int64_t now)
{
	struct record_figures f;
	if (!runner_recording(r) || !runner_record_figures(r, now, &f))
		return false;
	char el[32], size[32], rate[32], disk[32], floor[32];
	fmt_duration(el, sizeof(el), f.elapsed_s);
	record_fmt_size(size, sizeof(size), f.size);
	record_fmt_size(rate, sizeof(rate), (uint64_t)f.rate);
	record_fmt_size(floor, sizeof(floor), f.disk_floor);
	sb_addf(sb, _("  %s  perf.data %s  +%s/s"), el, size, rate);
	if (f.disk_known) {
		record_fmt_size(disk, sizeof(disk), f.disk_free);
		sb_addf(sb, _("  %s free (floor %s)"), disk, floor);
	}
	if (f.stop != RECORD_RUNNING) {
		fmt_duration(el, sizeof(el), f.stopping_s);
		sb_addf(sb, _("  stopping: perf is writing perf.data (%s)"), el);
	}
	return true;
}

/* "build  45%  ETA 1m02s  312/1019 steps  8.2/s  0 warnings  CC kernel/fork.o" */
static char *status_text(const struct view *v, int64_t now)
{
	struct strbuf sb = { 0 };
	sb_addf(&sb, "%s", step_name(v->step));
	struct kbuild_estimate e;
	const struct kbuild_progress *p = runner_progress(v->runner);
	if (runner_in_dryrun(v->runner)) {
		sb_add(&sb, _("  counting what the build will do (make -n)"));
	} else if (p && runner_estimate(v->runner, now, &e)) {
		char el[32], eta[32], sil[32], last[32];
		fmt_duration(el, sizeof(el), e.elapsed);
		if (e.fraction >= 0) {
			fmt_duration(eta, sizeof(eta), e.eta_seconds);
			sb_addf(&sb, "  %3.0f%%  ETA %s", e.fraction * 100, e.eta_seconds >= 0 ? eta : "?");
		} else {
			sb_addf(&sb, _("  elapsed %s"), el);
		}
		sb_addf(&sb, _("  %zu%s%.0zu steps  %.1f/s  %zu warnings"), e.steps, e.expected_steps ? "/" : "",
			e.expected_steps, e.rate, kbuild_counts(p)->warnings);
		const struct makepkg_log *mk = runner_makepkg(v->runner);
		char *doing = mk ? makepkg_log_doing(mk) : NULL;
		if (doing) {
			/* makepkg's phase: packaging is no link, however quiet fakeroot is. */
			sb_addf(&sb, "  %s: %s", doing, kbuild_last_line(p));
			free(doing);
		} else if (e.in_silent_phase) {
			fmt_duration(sil, sizeof(sil), e.silent_elapsed);
			sb_addf(&sb, _("  silent (%s) for %s"), e.silent_label, sil);
			if (e.silent_last_time >= 0) {
				fmt_duration(last, sizeof(last), e.silent_last_time);
				sb_addf(&sb, _(", took %s last time"), last);
			}
		} else {
			sb_addf(&sb, "  %s", kbuild_last_line(p));
		}
		if (e.fraction >= 0)
			sb_addf(&sb, _("  [%s elapsed, %s]"), el, _(kbuild_basis_name(e.basis)));
	} else if (!record_status(&sb, v->runner, now)) {
		sb_add(&sb, _("  running"));
	}
	return sb.s;
}

static void draw(struct view *v, int64_t now)
{
	if (v->tty) {
		/* At most 10 redraws a second, however fast the log floods. */
		if (now - v->last_draw < 100)
			return;
		char *t = status_text(v, now);
		int w = term_width() - 1;
		printf("\r\033[K%.*s", w, t);
		fflush(stdout);
		free(t);
		v->status_shown = true;
		v->last_draw = now;
	} else if (now - v->last_plain >= 10000) {
		char *t = status_text(v, now);
		printf("%s\n", t);
		fflush(stdout);
		free(t);
		v->last_plain = now;
	}
}

static void on_command(void *arg, size_t index, size_t count, const char *display, const char *log)
{
	struct view *v = arg;
	clear_status(v);
	printf("  [%zu/%zu] %s\n", index + 1, count, display);
	if (log)
		printf(_("        log: %s\n"), log);
	fflush(stdout);
}

/* Warnings and errors go above the status line; the rest is in the log. */
static void on_line(void *arg, const char *line, size_t len)
{
	struct view *v = arg;
	(void)len;
	if (strstr(line, "error:") || strstr(line, "warning:") || strstr(line, "*** ")) {
		clear_status(v);
		printf("        %s\n", line);
	}
}

/* The step's outcome: its FAIL and WARN notes, the status line, then what it
 * has to say under it (the hottest functions, the summary of a stop). */
static void print_outcome(enum runner_result res, const struct step_report *rep, const char *msg)
{
	for (size_t i = 0; i < rep->n_notes; i++)
		if (rep->notes[i].level == NOTE_FAIL || rep->notes[i].level == NOTE_WARN)
			printf("  %s %s\n", rep->notes[i].level == NOTE_FAIL ? "fail" : "warn", rep->notes[i].text);
	switch (res) {
	case RUNNER_OK:
		if (rep->warn)
			printf("  %s %s\n", cli_color ? "\033[33mwarn\033[0m" : "warn", msg);
		else
			printf("  %s %s\n", cli_color ? "\033[32mok\033[0m  " : "ok  ", msg);
		break;
	case RUNNER_WAITING:
		printf("  %s\n", msg);
		break;
	case RUNNER_CANCELLED:
		printf(_("  cancelled: nothing of the build is left running.\n"));
		break;
	case RUNNER_FAILED:
		printf("  %s %s\n", cli_color ? "\033[31mfail\033[0m" : "fail", msg);
		break;
	}
	for (size_t i = 0; i < rep->n_notes; i++) {
		const struct step_note *n = &rep->notes[i];
		if (n->level == NOTE_DETAIL)
			printf("       %s\n", n->text);
		else if (n->level == NOTE_PARA)
			printf(*n->text ? "  %s\n" : "%s\n", n->text);
	}
}

enum runner_result cli_run_step(struct session *s, enum step_id id, bool tty, int sig_fd,
				volatile sig_atomic_t *got_signal)
{
	struct view v = { .tty = tty, .step = id };
	struct runner_hooks hooks = { .arg = &v, .on_command = on_command, .on_line = on_line };
	struct runner *r;
	char *cause = NULL;
	if (runner_start(&r, s, id, &hooks, &cause) < 0) {
		printf("  %s %s\n", cli_color ? "\033[31mfail\033[0m" : "fail", cause ? cause : "");
		free(cause);
		runner_free(r);
		return RUNNER_FAILED;
	}
	v.runner = r;
	int signals = 0;
	bool stopped = false, only_int = true;
	while (!runner_done(r)) {
		int64_t now = job_now();
		struct pollfd pfd[2] = { { .fd = sig_fd, .events = POLLIN }, { .fd = runner_fd(r), .events = POLLIN } };
		int timeout = runner_timeout(r, now);
		int tick = tty ? 100 : 1000;
		if (timeout < 0 || timeout > tick)
			timeout = tick;
		poll(pfd, pfd[1].fd >= 0 ? 2 : 1, timeout);
		now = job_now();
		if (pfd[0].revents & POLLIN) {
			unsigned char b[16];
			ssize_t n = read(sig_fd, b, sizeof(b));
			for (ssize_t i = 0; i < n; i++) {
				clear_status(&v);
				only_int &= b[i] == SIGINT;
				/* A recording ends cleanly first: what perf recorded so far is kept. */
				if (!stopped && runner_stop(r, now)) {
					stopped = true;
					if (b[i] == SIGINT)
						printf(_("kfdo: stopping the recording: perf writes perf.data (Ctrl-C "
							 "again to cancel)\n"));
					else
						printf(_("kfdo: %s: stopping the recording (perf writes perf.data), then "
							 "the run ends\n"), cli_signal_name(b[i]));
					continue;
				}
				/* Only Ctrl-C is named as Ctrl-C: a SIGTERM or SIGHUP came from elsewhere. */
				if (signals++)
					printf(_("kfdo: cancelling harder\n"));
				else if (b[i] == SIGINT)
					printf(_("kfdo: cancelling (the whole build gets SIGINT; Ctrl-C again to hurry)\n"));
				else
					printf(_("kfdo: cancelling on %s (the whole build gets SIGINT, then SIGTERM and "
						 "SIGKILL)\n"), cli_signal_name(b[i]));
				runner_cancel(r, now);
			}
		}
		runner_handle(r, now);
		if (!runner_done(r))
			draw(&v, now);
	}
	clear_status(&v);
	const char *m;
	enum runner_result res = runner_result(r, &m);
	/* Ctrl-C that only ended a recording: the run goes on to convert it. */
	if (stopped && !signals && only_int && res == RUNNER_OK)
		*got_signal = 0;
	print_outcome(res, runner_report(r), m ? m : "");
	if ((res == RUNNER_FAILED || res == RUNNER_CANCELLED) && runner_log_path(r))
		printf(_("        log: %s\n"), runner_log_path(r));
	runner_free(r);
	return res;
}
