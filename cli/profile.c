/* kfdo profile: the profiles and recordings on their own, outside the flow.
 *   kfdo profile stats FILE     what llvm-profdata says about a profile, with kfdo's warnings
 *                               (a Propeller cc or ld profile: its own figures)
 *   kfdo profile perfdata FILE  what a perf.data holds: complete, branch stacks, build-ids
 *   kfdo profile list           the profiles kfdo made, with where they came from
 *   kfdo profile export --pkgbuild DIR [FILE]
 *                               a profile beside a linux-cachyos PKGBUILD, and the makepkg line */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "engine/export.h"
#include "engine/perfdata.h"
#include "engine/profile.h"
#include "engine/propeller_prof.h"
#include "engine/record.h"
#include "engine/session.h"
#include "base/util.h"
#include "cli/args.h"
#include "cli/cli.h"

/* A signal while llvm-profdata runs: its byte goes to the pipe that
 * profile_stats_run() watches, which stops the job before kfdo exits. */
static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int e = errno;
	if (write(sig_pipe[1], &b, 1) < 0) {
		/* Full pipe: a cancel is already pending. */
	}
	errno = e;
}

/* profile_stats_run() with SIGINT, SIGTERM and SIGHUP turned into a cancel:
 * 0 done, -1 failed (cause set), or the signal that cancelled it. */
static int stats_run_cancellable(const char *file, struct profile_stats *st, char **cause)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal }, old[ARRAY_LEN(sigs)];
	sigemptyset(&sa.sa_mask);
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		cause_set(cause, _("cannot make a pipe: %s"), strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	int rc = profile_stats_run(NULL, file, sig_pipe[0], st, cause);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	unsigned char b;
	/* A signal that came after llvm-profdata ended cancels too: the user asked to stop. */
	if (read(sig_pipe[0], &b, 1) == 1) {
		if (rc == 0)
			profile_stats_free(st);
		rc = b;
	} else if (rc < 0) {
		rc = -1;
	}
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	sig_pipe[0] = sig_pipe[1] = -1;
	return rc;
}

/* Which Propeller profile a file is: 'c' (cc), 'l' (ld), 0 neither. The
 * names are upstream's (CLANG_PROPELLER_PROFILE_PREFIX's two files); a cc
 * profile also says so on its first line. */
static int propeller_kind(const char *file)
{
	/* Only a regular file is read (a FIFO would block): the rest is refused
	 * by the AutoFDO path, which says why. */
	struct stat st;
	if (stat(file, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	size_t n = strlen(file);
	static const char cc[] = "_cc_profile.txt", ld[] = "_ld_profile.txt";
	if (n >= sizeof(ld) - 1 && strcmp(file + n - (sizeof(ld) - 1), ld) == 0)
		return 'l';
	if (n >= sizeof(cc) - 1 && strcmp(file + n - (sizeof(cc) - 1), cc) == 0)
		return 'c';
	/* Its first line that is no comment or blank, as LLVM reads it. */
	FILE *f = fopen(file, "r");
	char line[256];
	int kind = 0;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n')) {
			/* The rest of a long line: no first line of a cc profile is this long. */
			for (int c; (c = fgetc(f)) != EOF && c != '\n';)
				;
			if (line[0] != '#')
				break;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line || line[0] == '#')
			continue;
		kind = strcmp(line, "v1") == 0 ? 'c' : 0;
		break;
	}
	if (f)
		fclose(f);
	return kind;
}

/* A Propeller profile's figures: read here, no tool runs. */
static int propeller_stats(const char *file, int kind)
{
	char *cause = NULL, size[32];
	struct propeller_cc_stats cc;
	struct propeller_ld_stats ld;
	if ((kind == 'c' ? propeller_cc_read(file, &cc, &cause) : propeller_ld_read(file, &ld, &cause)) < 0) {
		fprintf(stderr, "kfdo: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	record_fmt_size(size, sizeof(size), kind == 'c' ? cc.bytes : ld.bytes);
	printf(_("Profile    %s\n"), file);
	if (kind == 'c') {
		printf(_("Kind       Propeller cc profile (basic-block clusters, format v%d)\n"), cc.version);
		printf(_("Size       %s\n"), size);
		if (cc.modules)
			printf(ngettext("Functions  %zu, in %zu module\n", "Functions  %zu, in %zu modules\n", cc.modules),
			       cc.functions, cc.modules);
		else
			printf(_("Functions  %zu\n"), cc.functions);
		printf(_("Clusters   %zu, of %zu basic blocks\n"), cc.clusters, cc.blocks);
	} else {
		printf(_("Kind       Propeller ld profile (symbol order)\n"));
		printf(_("Size       %s\n"), size);
		printf(ngettext("Symbols    %zu (%zu cold or split-off part)\n", "Symbols    %zu (%zu cold or split-off parts)\n",
				ld.parts),
		       ld.symbols, ld.parts);
	}
	return 0;
}

static int stats(const char *file)
{
	int kind = propeller_kind(file);
	if (kind)
		return propeller_stats(file, kind);
	struct profile_stats st;
	char *cause = NULL;
	int rc = stats_run_cancellable(file, &st, &cause);
	if (rc > 0) {
		fprintf(stderr, _("kfdo: cancelled by %s: llvm-profdata was stopped\n"), cli_signal_name(rc));
		free(cause);
		return EXIT_CANCEL;
	}
	if (rc < 0) {
		fprintf(stderr, "kfdo: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	char size[32];
	record_fmt_size(size, sizeof(size), st.size);
	printf(_("Profile    %s\n"), file);
	printf(_("Size       %s\n"), size);
	printf(_("Functions  %" PRIu64 " (%" PRIu64 " hot)\n"), st.functions, st.hot_functions);
	printf(_("Samples    %" PRIu64 "\n"), st.total_samples);
	for (size_t i = 0; i < st.n_hot; i++)
		printf(_("%s %5.1f%%  %-40s %" PRIu64 " samples\n"), i ? "          " : _("Hottest   "), st.hot[i].share,
		       st.hot[i].name, st.hot[i].samples);
	char *sum = profile_summary(file);
	printf(_("Source     %s\n"), sum);
	free(sum);
	struct profile_record rec;
	if (profile_record_read(file, &rec, NULL) == 0 && rec.perf_data) {
		record_fmt_size(size, sizeof(size), rec.perf_data_size);
		printf(_("Recording  %s (%s)\n"), rec.perf_data, size);
	}
	profile_record_free(&rec);
	char *warn = profile_stats_warning(&st);
	if (warn)
		printf(_("warning: %s\n"), warn);
	int ret = profile_stats_empty(&st) ? EXIT_NO : 0;
	free(warn);
	profile_stats_free(&st);
	return ret;
}

static int perfdata(const char *file)
{
	struct perfdata_info pd;
	char *cause = NULL;
	int rc = perfdata_check(file, &pd, &cause);
	char size[32];
	record_fmt_size(size, sizeof(size), pd.file_size);
	/* An unreadable file has no size to show: "(0 B)" would say it is empty. */
	char *what = pd.problem != PERFDATA_UNREADABLE ? xstrdup(size)
		     : pd.err ? xasprintf(_("unreadable: %s"), strerror(pd.err)) : xstrdup(_("unreadable"));
	printf(_("perf.data  %s (%s)\n"), pd.path ? pd.path : file, what);
	free(what);
	if (pd.problem == PERFDATA_OK || pd.problem == PERFDATA_NO_BRANCH_STACK || pd.problem == PERFDATA_NO_SAMPLES) {
		printf(_("Samples    %llu of %llu events%s\n"), (unsigned long long)pd.samples,
		       (unsigned long long)pd.records, pd.compressed ? _(" (compressed events not counted)") : "");
		printf(_("Branches   %s\n"), pd.branch_stack ? _("yes (recorded with -b)") : _("no (recorded without -b)"));
		printf(_("Kernel     %s, build-id %s\n"), pd.os_release ? pd.os_release : "?",
		       pd.kernel_build_id ? pd.kernel_build_id : _("not noted"));
		if (pd.cmdline)
			printf(_("Command    %s\n"), pd.cmdline);
	}
	if (rc < 0)
		printf(_("Problem    %s: %s\n"), perfdata_problem_name(pd.problem), cause);
	else
		printf(_("Usable     yes: complete, with samples and branch stacks\n"));
	int ret = rc == 0 ? 0 : pd.problem == PERFDATA_UNREADABLE ? EXIT_USAGE : EXIT_NO;
	free(cause);
	perfdata_info_free(&pd);
	return ret;
}

static int list(void)
{
	char **all = profile_list();
	char *dir = profile_dir();
	if (!all)
		printf(_("No profiles in %s yet.\n"), dir);
	for (size_t i = 0; all && all[i]; i++) {
		char *sum = profile_summary(all[i]);
		printf("%s\n", sum);
		free(sum);
	}
	strv_free(all);
	free(dir);
	return 0;
}

int cli_profile_stats(const struct cli_args *a)
{
	return stats(a->pos[0]);
}

int cli_profile_perfdata(const struct cli_args *a)
{
	return perfdata(a->pos[0]);
}

int cli_profile_list(const struct cli_args *a)
{
	(void)a;
	return list();
}

/* The profile export takes without FILE: the session's, or NULL after saying why. */
static char *session_profile(void)
{
	struct session *s = NULL;
	char *cause = NULL, *profile = NULL;
	enum state_load_result r = state_load(&s, &cause);
	if (r == STATE_LOADED && s->artifacts.profile)
		profile = xstrdup(s->artifacts.profile);
	else if (r == STATE_LOADED || r == STATE_NONE)
		fprintf(stderr, _("kfdo: the session has no profile yet: give one (kfdo profile list shows "
				  "them)\n"));
	else
		fprintf(stderr, _("kfdo: cannot read the saved session: %s\n"), cause);
	free(cause);
	session_free(s);
	return profile;
}

int cli_profile_export(const struct cli_args *a)
{
	struct export_opts o = {
		.pkgbuild_dir = cli_args_value(a, OPT_PKGBUILD),
		.propeller = cli_args_value(a, OPT_PROPELLER_PREFIX),
		.force = cli_args_flag(a, OPT_FORCE),
	};
	if (!o.pkgbuild_dir || !*o.pkgbuild_dir)
		return cli_usage_error("profile", _("say where the PKGBUILD is: --pkgbuild DIR"));
	char *own = a->n_pos ? NULL : session_profile();
	if (!a->n_pos && !own)
		return EXIT_NO;
	o.afdo = a->n_pos ? a->pos[0] : own;
	struct export_plan ep;
	char *cause = NULL;
	int ret = 0;
	int rc = export_prepare(&o, &ep, &cause);
	if (rc < 0) {
		if (rc == EXPORT_CONFLICT)
			fprintf(stderr, _("kfdo: %s (--force replaces it and keeps the old one as NAME.before-kfdo)\n"),
				cause);
		else
			fprintf(stderr, "kfdo: %s\n", cause);
		ret = EXIT_NO;
		goto out;
	}
	if (export_write(&ep, &cause) < 0) {
		/* What is in place already stays, and is said. */
		for (size_t i = 0; i < ep.n_files; i++)
			if (ep.files[i].written)
				fprintf(stderr, _("kfdo: written: %s\n"), ep.files[i].to);
		fprintf(stderr, "kfdo: %s\n", cause);
		ret = EXIT_NO;
		goto out;
	}
	printf(_("PKGBUILD   %s\n"), ep.pkgbuild);
	for (size_t i = 0; i < ep.n_files; i++) {
		const struct export_file *f = &ep.files[i];
		char size[32];
		record_fmt_size(size, sizeof(size), (uint64_t)f->size);
		if (f->state == EXPORT_SAME)
			printf(_("Unchanged  %s (%s, the same bytes as %s)\n"), f->to, size, f->from);
		else if (f->state == EXPORT_REPLACE)
			printf(_("Replaced   %s (%s) from %s; the old one is %s\n"), f->to, size, f->from, f->kept);
		else
			printf(_("Copied     %s (%s) from %s\n"), f->to, size, f->from);
	}
	/* Where the profile came from, for whoever builds with it: "profile PATH
	 * from ..." with the label standing for its first word, as kfdo status does. */
	char *sum = profile_summary(o.afdo);
	const char *rest = strchr(sum, ' ');
	printf(_("Profile    %s\n"), rest ? rest + 1 : sum);
	free(sum);
	if (ep.warning)
		printf(_("warning: %s\n"), ep.warning);
	char *line = export_line(&ep);
	printf(_("\nBuild the kernel with it (here or on another machine with this folder):\n  %s\n"), line);
	printf(_("--skipchecksums: the profiles are not in the PKGBUILD's checksum arrays; the kernel "
		 "sources' PGP\nsignature is still checked.\n"));
	free(line);
out:
	export_plan_free(&ep);
	free(cause);
	free(own);
	return ret;
}
