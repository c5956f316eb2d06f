/* engine/sysfiles: the files kfdo installs for the unattended run. Each text is
 * read by the tool that will read it for real (systemd-analyze, the systemd
 * autostart generator, GLib's launcher, sysctl --dry-run); each
 * install is undone byte for byte, from any point it stopped at. Root's plans
 * run here as the runner would run them, argv without a shell, below a sysroot
 * in a temporary directory: as root verbatim, as a user without "-o root -g
 * root" (which the plan must hold). sysctl alone never writes: the real one
 * checks each command with --dry-run, and the value goes to the sysroot. */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/paths.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/plan.h"
#include "engine/sysfiles.h"

#define NEED_PLAN "install find ln mv touch rm rmdir sysctl awk"

static char tmp[64];
static char *sysroot;
static const char *const env_names[] = { "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR",
					 "XDG_CURRENT_DESKTOP", "PATH" };
static char *env_saved[ARRAY_LEN(env_names)];

static int setup(void **state)
{
	(void)state;
	strcpy(tmp, "/tmp/kfdo-test-sysfiles-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(env_names); i++)
		env_saved[i] = test_env_save(env_names[i]);
	char *p = xasprintf("%s/config", tmp);
	setenv("XDG_CONFIG_HOME", p, 1);
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = xasprintf("%s/state/kfdo", tmp);
	paths_set_state_dir(p);
	free(p);
	sysroot = xasprintf("%s/root", tmp);
	plan_set_euid(-1);
	sysfiles_test_stop_at(0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(env_names); i++)
		test_env_restore(env_names[i], env_saved[i]);
	paths_set_state_dir(NULL);
	sysfiles_test_stop_at(0);
	free(sysroot);
	test_rm_rf(tmp);
	return 0;
}

static char *tpath(const char *rel)
{
	return xasprintf("%s/%s", tmp, rel);
}

/* Writes path anew (its directories made) with mode. */
static void put(const char *path, const char *text, mode_t mode)
{
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755, NULL), 0);
	free(dir);
	/* Anew: a read-only file (0440) is rewritten as root would. */
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void put_exe(const char *path)
{
	put(path, "#!/bin/sh\nexit 0\n", 0755);
}

static void assert_file(const char *path, const char *text, mode_t mode)
{
	size_t len = 0;
	char *got = file_read(path, 1 << 20, &len);
	if (!got)
		fail_msg("%s: %s", path, strerror(errno));
	if (len != strlen(text) || memcmp(got, text, len) != 0)
		fail_msg("%s holds\n%s\ninstead of\n%s", path, got, text);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
	free(got);
}

static void assert_gone(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		fail_msg("%s is still there", path);
}

/* Runs argv (no shell), its stdout and stderr into *out; the exit status. */
static int run_argv(char *const *argv, char **out)
{
	char *log = tpath("run.log");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_RDONLY);
		if (fd < 0 || nul < 0)
			_exit(126);
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	char *text = file_read(log, 1 << 20, NULL);
	unlink(log);
	free(log);
	if (out)
		*out = text ? text : xstrdup("");
	else
		free(text);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Runs argv, which must exit 0 and print nothing (the checkers' verdict). */
static void assert_quiet_ok(char *const *argv)
{
	char *out;
	int rc = run_argv(argv, &out);
	if (rc != 0 || *out)
		fail_msg("%s: exit %d: %s", argv[0], rc, out);
	free(out);
}

static char *proc_path(const char *key)
{
	char *p = xasprintf("%s/proc/sys/%s", sysroot, key);
	for (char *q = p + strlen(sysroot) + strlen("/proc/sys/"); *q; q++)
		if (*q == '.')
			*q = '/';
	return p;
}

static void proc_put(const char *key, const char *val)
{
	char *p = proc_path(key);
	char *text = xasprintf("%s\n", val);
	put(p, text, 0644);
	free(text);
	free(p);
}

static void assert_proc(const char *key, const char *val)
{
	char *p = proc_path(key);
	char *text = xasprintf("%s\n", val);
	assert_file(p, text, 0644);
	free(text);
	free(p);
}

/* sysctl: the real one checks the command (keys, syntax) with --dry-run, which
 * writes nothing; the values go to the sysroot's /proc/sys. */
static void sysctl_run(char **v)
{
	assert_int_equal(strv_len(v), 3);
	char *dry[] = { "sysctl", "--dry-run", v[1], v[2], NULL };
	char *out;
	int rc = run_argv(dry, &out);
	if (rc != 0 || strstr(out, "sysctl:"))
		fail_msg("sysctl --dry-run %s %s: exit %d: %s", v[1], v[2], rc, out);
	free(out);
	char *text = strcmp(v[1], "-p") == 0 ? file_read(v[2], 1 << 16, NULL) : xasprintf("%s\n", v[2]);
	assert_true(strcmp(v[1], "-p") == 0 || strcmp(v[1], "-w") == 0);
	assert_non_null(text);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		assert_non_null(eq);
		*eq = '\0';
		proc_put(str_trim(line), str_trim(eq + 1));
	}
	free(text);
}

/* Runs one of root's commands as the runner would. */
static void run_cmd(const struct plan_cmd *c)
{
	assert_int_equal(c->kind, PLAN_RUN);
	assert_true(c->needs_root);
	char **v = NULL;
	for (size_t i = 0; c->argv[i]; i++) {
		if (geteuid() != 0 && (!strcmp(c->argv[i], "-o") || !strcmp(c->argv[i], "-g")) &&
		    c->argv[i + 1] && !strcmp(c->argv[i + 1], "root")) {
			i++;
			continue;
		}
		strv_push(&v, c->argv[i]);
	}
	if (strcmp(v[0], "sysctl") == 0) {
		sysctl_run(v);
	} else {
		char *out;
		int rc = run_argv(v, &out);
		if (rc != 0) {
			char *line = plan_format_command(c);
			fail_msg("%s\n%s: exit %d: %s", c->desc, line, rc, out);
		}
		free(out);
	}
	strv_free(v);
}

static void run_plan(const struct plan *p, size_t upto)
{
	for (size_t i = 0; i < p->n && i < upto; i++)
		run_cmd(&p->cmds[i]);
}

static void remove_all(void)
{
	char *cause = NULL;
	struct plan p = { 0 };
	assert_int_equal(sysfiles_remove_plan(sysroot, &p, &cause), 0);
	run_plan(&p, SIZE_MAX);
	plan_free(&p);
	if (sysfiles_forget_root(&cause) < 0 || sysfiles_remove_user(&cause) < 0)
		fail_msg("%s", cause);
}

static void assert_manifest_empty(void)
{
	struct sysfile *v;
	size_t n;
	assert_int_equal(sysfiles_load(&v, &n, NULL), 0);
	assert_int_equal(n, 0);
	char *m = tpath("state/kfdo/" SYSFILES_MANIFEST);
	assert_gone(m);
	free(m);
}

/* ---- the texts ---- */

static void test_sysctl_text(void **state)
{
	(void)state;
	TEST_NEED(test_need("sysctl"), "sysctl");
	char *text = sysfiles_sysctl_text();
	char *path = tpath("sysctl.conf");
	put(path, text, 0644);
	/* Each setting a key of the running kernel, as written. */
	size_t keys = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (line[0] == '#')
			continue;
		char *eq = strchr(line, '=');
		assert_non_null(eq);
		*eq = '\0';
		assert_string_equal(str_trim(line), sysfiles_sysctl_keys[keys]);
		assert_string_equal(str_trim(eq + 1), "0");
		char *proc = xasprintf("/proc/sys/%s", sysfiles_sysctl_keys[keys]);
		for (char *q = proc + strlen("/proc/sys/"); *q; q++)
			*q = *q == '.' ? '/' : *q;
		assert_true(access(proc, F_OK) == 0);
		free(proc);
		keys++;
	}
	assert_int_equal(keys, sysfiles_sysctl_nkeys);
	/* procps reads the file as the boot will: what it would set, nothing written. */
	char *argv[] = { "sysctl", "--dry-run", "-p", path, NULL };
	char *out;
	assert_int_equal(run_argv(argv, &out), 0);
	assert_string_equal(out, "kernel.perf_event_paranoid = 0\nkernel.kptr_restrict = 0\n");
	free(out);
	free(path);
	free(text);
}

static void test_unit_verify(void **state)
{
	(void)state;
	TEST_NEED(test_need("systemd-analyze"), "systemd-analyze");
	/* A path systemd must be told literally: a space, a specifier, a variable. */
	char *exe = tpath("bin dir/k%fdo$HOME");
	put_exe(exe);
	char *st = tpath("state home %h");
	setenv("XDG_STATE_HOME", st, 1);
	char *text = NULL, *cause = NULL;
	assert_int_equal(sysfiles_unit_text(exe, &text, &cause), 0);
	assert_non_null(strstr(text, "\nType=exec\n"));
	assert_non_null(strstr(text, "\nWantedBy=default.target\n"));
	assert_non_null(strstr(text, "\nRestart=no\n"));
	assert_non_null(strstr(text, "Environment=\"XDG_STATE_HOME="));
	assert_non_null(strstr(text, "\nExecStart=\""));
	char *unit = tpath("unit/kfdo-continue.service");
	put(unit, text, 0644);
	char *run = tpath("run");
	assert_int_equal(mkdir(run, 0700), 0);
	setenv("XDG_RUNTIME_DIR", run, 1);
	char *argv[] = { "systemd-analyze", "--user", "verify", unit, NULL };
	/* Silent: systemd warns about an unknown key or a bad value, and exits 0. */
	assert_quiet_ok(argv);
	/* verify does look: the executable it names must be there. */
	assert_int_equal(unlink(exe), 0);
	char *out;
	run_argv(argv, &out);
	assert_non_null(strstr(out, "k%fdo$HOME"));
	free(out);
	free(text);
	/* A plain path stays plain, as a user would write it. */
	assert_int_equal(sysfiles_unit_text("/usr/bin/kfdo", &text, &cause), 0);
	assert_non_null(strstr(text, "\nExecStart=/usr/bin/kfdo continue\n"));
	free(text);
	assert_int_equal(sysfiles_unit_text("kfdo", &text, &cause), -1);
	assert_null(text);
	assert_int_equal(sysfiles_unit_text("/a\nExecStartPre=/bin/evil", &text, &cause), -1);
	free(cause);
	cause = NULL;
	free(run);
	free(unit);
	free(st);
	free(exe);
}

static void test_autostart_read_back(void **state)
{
	(void)state;
	TEST_NEED(test_need("desktop-file-validate gio"), "desktop-file-validate gio");
	/* The "terminal" prints the arguments it is given, one a line. */
	char *term = tpath("term dir/term");
	char *args = tpath("args");
	/* Written aside and renamed: the test sees the whole list or none. */
	char *script = xasprintf("#!/bin/sh\nfor a in \"$@\"; do printf '%%s\\n' \"$a\"; done > '%s.tmp' &&\n"
				 "mv '%s.tmp' '%s'\n", args, args, args);
	put(term, script, 0755);
	free(script);
	const char *kfdo = "/opt/a b/k\"f`d$o'x%y";
	char *const terminal[] = { term, "-e", NULL };
	char *text = NULL, *cause = NULL;
	assert_int_equal(sysfiles_autostart_text(kfdo, terminal, &text, &cause), 0);
	assert_non_null(strstr(text, "\nTerminal=false\n"));
	assert_non_null(strstr(text, "\nNoDisplay=true\n"));
	assert_non_null(strstr(text, "\nX-GNOME-Autostart-enabled=true\n"));
	char *path = sysfiles_path(SYSFILE_AUTOSTART, NULL);
	put(path, text, 0644);
	char *validate[] = { "desktop-file-validate", path, NULL };
	assert_quiet_ok(validate);
	/* GLib (GNOME) launches the entry: the terminal gets exactly "-e" and the path. */
	char *launch[] = { "gio", "launch", path, NULL };
	char *out;
	int rc = run_argv(launch, &out);
	if (rc != 0)
		fail_msg("gio launch: exit %d: %s", rc, out);
	free(out);
	char *got = NULL;
	for (int i = 0; i < 500 && !(got = file_read(args, 4096, NULL)); i++)
		usleep(10000);
	char *want = xasprintf("-e\n%s\n--user\n--follow\n--output=cat\n--unit=kfdo-continue.service\n", kfdo);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* systemd's generator (Plasma's and GNOME's way to autostart) finds the terminal. */
	const char *gen = "/usr/lib/systemd/user-generators/systemd-xdg-autostart-generator";
	TEST_NEED(test_need("systemd-analyze"), "systemd-analyze");
	assert_true(access(gen, X_OK) == 0);
	char *outdir = tpath("gen");
	assert_int_equal(mkdir(outdir, 0755), 0);
	char *nodirs = tpath("no-such-dir");
	setenv("XDG_CONFIG_DIRS", nodirs, 1);
	char *genv[] = { (char *)gen, outdir, outdir, outdir, NULL };
	setenv("SYSTEMD_LOG_LEVEL", "debug", 1);
	rc = run_argv(genv, &out);
	unsetenv("SYSTEMD_LOG_LEVEL");
	unsetenv("XDG_CONFIG_DIRS");
	char *unit = xasprintf("%s/app-kfdo\\x2dcontinue@autostart.service", outdir);
	char *u = file_read(unit, 1 << 16, NULL);
	if (rc != 0 || !u)
		fail_msg("the generator made no unit of the entry (%s): exit %d: %s", unit, rc, out);
	free(out);
	assert_non_null(strstr(u, "ExecStart=:"));
	assert_non_null(strstr(u, "term dir/term"));
	free(u);
	/* No terminal known here: the spec's Terminal=true, for the launchers that honour it. */
	free(text);
	char *empty = tpath("empty-bin");
	assert_int_equal(mkdir(empty, 0755), 0);
	setenv("PATH", empty, 1);
	assert_int_equal(sysfiles_autostart_text("/usr/bin/kfdo", NULL, &text, &cause), 0);
	setenv("PATH", env_saved[4] ? env_saved[4] : "/usr/bin:/bin", 1);
	assert_non_null(strstr(text, "\nExec=/usr/bin/kfdo --user --follow --output=cat --unit=kfdo-continue.service\n"
				     "Terminal=true\n"));
	put(path, text, 0644);
	assert_quiet_ok(validate);
	free(text);
	assert_int_equal(sysfiles_autostart_text("kfdo", terminal, &text, &cause), -1);
	assert_null(text);
	free(cause);
	cause = NULL;
	assert_int_equal(sysfiles_autostart_text("/opt/a\\b/kfdo", terminal, &text, &cause), -1);
	assert_null(text);
	free(cause);
	cause = NULL;
	free(empty);
	free(unit);
	free(nodirs);
	free(outdir);
	free(path);
	free(args);
	free(term);
}

static void test_find_terminal(void **state)
{
	(void)state;
	char *bin = tpath("bin");
	setenv("PATH", bin, 1);
	char *xterm = tpath("bin/xterm"), *konsole = tpath("bin/konsole"), *xte = tpath("bin/xdg-terminal-exec");
	assert_null(sysfiles_find_terminal());
	put_exe(xterm);
	setenv("XDG_CURRENT_DESKTOP", "X-Cinnamon", 1);
	char **t = sysfiles_find_terminal();
	assert_int_equal(strv_len(t), 2);
	assert_string_equal(t[0], xterm);
	assert_string_equal(t[1], "-e");
	strv_free(t);
	/* The desktop's own terminal first. */
	put_exe(konsole);
	setenv("XDG_CURRENT_DESKTOP", "KDE", 1);
	t = sysfiles_find_terminal();
	assert_string_equal(t[0], konsole);
	strv_free(t);
	/* The user's choice before that. */
	put_exe(xte);
	t = sysfiles_find_terminal();
	assert_int_equal(strv_len(t), 1);
	assert_string_equal(t[0], xte);
	strv_free(t);
	free(xte);
	free(konsole);
	free(xterm);
	free(bin);
}

/* ---- root's files ---- */

static bool has_words(char *const *argv, const char *const *words)
{
	size_t n = 0;
	while (words[n])
		n++;
	for (size_t i = 0; argv[i]; i++) {
		size_t j = 0;
		while (j < n && argv[i + j] && strcmp(argv[i + j], words[j]) == 0)
			j++;
		if (j == n)
			return true;
	}
	return false;
}

static struct sysfiles_in root_in(void)
{
	struct sysfiles_in in = { .sysroot = sysroot };
	return in;
}

static void plan_install(enum sysfile_kind kind, const struct sysfiles_in *in, struct plan *p)
{
	char *cause = NULL;
	if (sysfiles_install_plan(kind, in, p, &cause) < 0)
		fail_msg("%s", cause);
}

/* Every command through sudo for a user, none for root; the file's own mode
 * and root's ownership in the copy that is moved in. */
static void assert_root_plan(const struct plan *p, const char *mode)
{
	for (size_t i = 0; i < p->n; i++) {
		assert_true(p->cmds[i].needs_root);
		plan_set_euid(1000);
		assert_true(plan_cmd_sudo(&p->cmds[i]));
		char *line = plan_format_command(&p->cmds[i]);
		assert_true(str_starts(line, "sudo "));
		free(line);
		plan_set_euid(0);
		assert_false(plan_cmd_sudo(&p->cmds[i]));
		plan_set_euid(-1);
	}
	const char *const words[] = { "install", "-m", mode, "-o", "root", "-g", "root", "-T", NULL };
	bool found = false;
	for (size_t i = 0; i < p->n; i++)
		found |= has_words(p->cmds[i].argv, words);
	assert_true(found);
}

static void test_sysctl_install_remove(void **state)
{
	(void)state;
	TEST_NEED(test_need(NEED_PLAN), NEED_PLAN);
	char *dest = sysfiles_path(SYSFILE_SYSCTL, sysroot);
	char *want = xasprintf("%s/etc/sysctl.d/99-kfdo-perf.conf", sysroot);
	assert_string_equal(dest, want);
	const char *mine = "vm.swappiness = 10\n";
	put(dest, mine, 0600);
	proc_put("kernel.perf_event_paranoid", "2");
	proc_put("kernel.kptr_restrict", "1");
	struct sysfiles_in in = root_in();
	struct plan p = { 0 };
	plan_install(SYSFILE_SYSCTL, &in, &p);
	assert_root_plan(&p, "0644");
	/* Recorded, not yet in place: the file at the path is still the user's. */
	json_object *j = sysfiles_status_json(), *present;
	assert_int_equal(json_object_array_length(j), 1);
	assert_true(json_object_object_get_ex(json_object_array_get_idx(j, 0), "present", &present));
	assert_false(json_object_get_boolean(present));
	json_object_put(j);
	/* What the user wrote to the staged file after planning never gets in: root
	 * checks its own copy against kfdo's text before moving it into place. */
	char *staged_file = tpath("state/kfdo/staged/99-kfdo-perf.conf");
	char *good = file_read(staged_file, 4096, NULL);
	assert_non_null(good);
	put(staged_file, "kernel.core_pattern = |/tmp/x\n", 0600);
	size_t check = 0;
	while (check < p.n && strcmp(p.cmds[check].argv[0], "awk") != 0)
		check++;
	assert_true(check < p.n);
	run_plan(&p, check);
	char *out = NULL;
	assert_int_not_equal(run_argv(p.cmds[check].argv, &out), 0);
	free(out);
	put(staged_file, good, 0600);
	free(good);
	free(staged_file);
	run_plan(&p, SIZE_MAX);
	plan_free(&p);
	j = sysfiles_status_json();
	assert_true(json_object_object_get_ex(json_object_array_get_idx(j, 0), "present", &present));
	assert_true(json_object_get_boolean(present));
	json_object_put(j);
	char *text = sysfiles_sysctl_text();
	assert_file(dest, text, 0644);
	char *saved = xasprintf("%s%s", dest, SYSFILES_SAVED_SUFFIX);
	assert_file(saved, mine, 0600);
	/* Not applied before the reboot: the machine stays as closed as it was. */
	assert_proc("kernel.perf_event_paranoid", "2");
	assert_proc("kernel.kptr_restrict", "1");
	/* The reboot applies the drop-in. */
	proc_put("kernel.perf_event_paranoid", "0");
	proc_put("kernel.kptr_restrict", "0");

	struct sysfile *v;
	size_t n;
	assert_int_equal(sysfiles_load(&v, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_true(v[0].root);
	assert_string_equal(v[0].path, dest);
	assert_string_equal(v[0].saved, saved);
	assert_int_equal(strv_len(v[0].before), 2);
	assert_string_equal(v[0].before[0], "kernel.perf_event_paranoid=2");
	assert_string_equal(v[0].before[1], "kernel.kptr_restrict=1");
	sysfiles_free(v, n);
	char **lines = sysfiles_status_lines();
	assert_int_equal(strv_len(lines), 1);
	assert_true(str_starts(lines[0], dest));
	assert_non_null(strstr(lines[0], "(root)"));
	strv_free(lines);

	remove_all();
	assert_file(dest, mine, 0600);
	assert_gone(saved);
	char *mark = xasprintf("%s.kfdo-mine", dest), *fresh = xasprintf("%s%s", dest, SYSFILES_NEW_SUFFIX);
	assert_gone(mark);
	assert_gone(fresh);
	assert_proc("kernel.perf_event_paranoid", "2");
	assert_proc("kernel.kptr_restrict", "1");
	assert_manifest_empty();
	char *staged = tpath("state/kfdo/staged");
	assert_gone(staged);
	free(staged);
	free(fresh);
	free(mark);
	free(saved);
	free(text);
	free(want);
	free(dest);
}

/* Nothing was there, not even /etc: all of it goes again. */
static void test_sysctl_creates_dirs(void **state)
{
	(void)state;
	TEST_NEED(test_need(NEED_PLAN), NEED_PLAN);
	proc_put("kernel.perf_event_paranoid", "4");
	proc_put("kernel.kptr_restrict", "2");
	struct sysfiles_in in = root_in();
	struct plan p = { 0 };
	plan_install(SYSFILE_SYSCTL, &in, &p);
	const char *const mkd[] = { "install", "-d", NULL };
	assert_true(has_words(p.cmds[0].argv, mkd));
	run_plan(&p, SIZE_MAX);
	plan_free(&p);
	char *dest = sysfiles_path(SYSFILE_SYSCTL, sysroot);
	char *text = sysfiles_sysctl_text();
	assert_file(dest, text, 0644);
	struct sysfile *v;
	size_t n;
	assert_int_equal(sysfiles_load(&v, &n, NULL), 0);
	assert_null(v[0].saved);
	sysfiles_free(v, n);
	remove_all();
	char *etc = xasprintf("%s/etc", sysroot);
	assert_gone(etc);
	assert_proc("kernel.perf_event_paranoid", "4");
	assert_proc("kernel.kptr_restrict", "2");
	assert_manifest_empty();
	free(etc);
	free(text);
	free(dest);
}

/* A root file's plan stopped after k commands (a crash, a refused password, a
 * failed check), then removed, or run again in full and removed: what was
 * there before comes back byte for byte, and none of kfdo's names stays. */
static void cut_short(enum sysfile_kind kind, const char *original, size_t k, bool retry)
{
	test_rm_rf(sysroot);
	char *state_dir = tpath("state");
	test_rm_rf(state_dir);
	free(state_dir);
	char *dest = sysfiles_path(kind, sysroot);
	char *dir = xstrdup(dest);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0750, NULL), 0);
	if (original)
		put(dest, original, 0440);
	proc_put("kernel.perf_event_paranoid", "2");
	proc_put("kernel.kptr_restrict", "1");
	struct sysfiles_in in = root_in();
	struct plan p = { 0 };
	plan_install(kind, &in, &p);
	run_plan(&p, k);
	plan_free(&p);
	if (retry) {
		plan_install(kind, &in, &p);
		run_plan(&p, SIZE_MAX);
		plan_free(&p);
		if (original) {
			char *saved = xasprintf("%s%s", dest, SYSFILES_SAVED_SUFFIX);
			assert_file(saved, original, 0440);
			free(saved);
		}
	}
	remove_all();
	if (original)
		assert_file(dest, original, 0440);
	else
		assert_gone(dest);
	static const char *const suffixes[] = { SYSFILES_SAVED_SUFFIX, SYSFILES_NEW_SUFFIX, ".kfdo-mine" };
	for (size_t i = 0; i < ARRAY_LEN(suffixes); i++) {
		char *s = xasprintf("%s%s", dest, suffixes[i]);
		assert_gone(s);
		free(s);
	}
	assert_manifest_empty();
	free(dir);
	free(dest);
}

static size_t plan_length(enum sysfile_kind kind)
{
	struct sysfiles_in in = root_in();
	char *dest = sysfiles_path(kind, sysroot);
	char *dir = xstrdup(dest);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0750, NULL), 0);
	struct plan p = { 0 };
	plan_install(kind, &in, &p);
	size_t n = p.n;
	plan_free(&p);
	char *state_dir = tpath("state");
	test_rm_rf(state_dir);
	free(state_dir);
	free(dir);
	free(dest);
	return n;
}

static void test_root_plans_cut_short(void **state)
{
	(void)state;
	TEST_NEED(test_need(NEED_PLAN), NEED_PLAN);
	size_t n = plan_length(SYSFILE_SYSCTL);
	assert_true(n >= 5);
	for (size_t k = 0; k <= n; k++) {
		cut_short(SYSFILE_SYSCTL, "# the admin's own\n", k, false);
		cut_short(SYSFILE_SYSCTL, "# the admin's own\n", k, true);
		cut_short(SYSFILE_SYSCTL, NULL, k, false);
		cut_short(SYSFILE_SYSCTL, NULL, k, true);
	}
}

/* An edited manifest cannot point root's removal at another file or value. */
static void test_manifest_guarded(void **state)
{
	(void)state;
	char *m = tpath("state/kfdo/" SYSFILES_MANIFEST);
	const char *bad[] = {
		"{\"kfdo\": \"installed\", \"version\": 1, \"files\": [{\"kind\": \"sysctl\", \"path\": "
		"\"/etc/shadow\", \"root\": true}]}",
		"{\"kfdo\": \"installed\", \"version\": 1, \"files\": [{\"kind\": \"unit\", \"path\": "
		"\"/etc/sysctl.d/99-kfdo-perf.conf\", \"root\": true}]}",
		/* A kind kfdo does not have: no sudoers rule is ever installed (README). */
		"{\"kfdo\": \"installed\", \"version\": 1, \"files\": [{\"kind\": \"sudoers\", \"path\": "
		"\"/etc/sudoers.d/kfdo-install\", \"root\": true}]}",
		"{\"kfdo\": \"session\", \"version\": 1, \"files\": []}",
		"[]",
		"not json",
	};
	struct sysfile *v;
	size_t n;
	char *cause = NULL;
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		put(m, bad[i], 0600);
		assert_int_equal(sysfiles_load(&v, &n, &cause), -1);
		assert_int_equal(n, 0);
		assert_non_null(cause);
		free(cause);
		cause = NULL;
	}
	char *d = xasprintf("%s/etc/sysctl.d", sysroot);
	char *mk[] = { "mkdir", "-p", d, NULL };
	assert_quiet_ok(mk);
	char *json = xasprintf("{\"kfdo\": \"installed\", \"version\": 1, \"files\": [{\"kind\": \"sysctl\", "
			       "\"path\": \"%s/99-kfdo-perf.conf\", \"root\": true, \"dirs\": [\"%s\", \"/srv\", "
			       "\"%s\"], \"before\": [\"kernel.core_pattern=|/tmp/x\", \"kernel.kptr_restrict=1;x\", "
			       "\"kernel.kptr_restrict=-1\", \"kernel.perf_event_paranoid=2\"]}]}",
			       d, d, sysroot);
	put(m, json, 0600);
	free(json);
	struct plan p = { 0 };
	/* Below another sysroot (the system's own /), that path is not kfdo's: nothing at all. */
	assert_int_equal(sysfiles_remove_plan("/", &p, &cause), -1);
	assert_int_equal(p.n, 0);
	assert_non_null(strstr(cause, "/etc/sysctl.d/99-kfdo-perf.conf"));
	free(cause);
	cause = NULL;
	assert_int_equal(sysfiles_remove_plan(sysroot, &p, &cause), 0);
	size_t sysctls = 0, rmdirs = 0;
	for (size_t i = 0; i < p.n; i++)
		if (strcmp(p.cmds[i].argv[0], "sysctl") == 0) {
			/* Only a known key with a value kfdo could have read: never -1. */
			assert_string_equal(p.cmds[i].argv[2], "kernel.perf_event_paranoid=2");
			sysctls++;
		} else if (strcmp(p.cmds[i].argv[0], "rmdir") == 0) {
			/* Only the drop-in's directory or one above it, strictly below the sysroot. */
			assert_string_equal(p.cmds[i].argv[3], d);
			assert_null(p.cmds[i].argv[4]);
			rmdirs++;
		}
	assert_int_equal(sysctls, 1);
	assert_int_equal(rmdirs, 1);
	plan_free(&p);
	free(d);
	free(m);
}

/* ---- the user's files ---- */

static struct sysfiles_in user_in(char **term)
{
	char *kfdo = tpath("bin/kfdo");
	static char path[128];
	snprintf(path, sizeof(path), "%s", kfdo);
	free(kfdo);
	term[0] = "/usr/bin/xterm";
	term[1] = "-e";
	term[2] = NULL;
	struct sysfiles_in in = { .kfdo_path = path, .terminal = term };
	return in;
}

static void install_user(enum sysfile_kind kind, const struct sysfiles_in *in)
{
	char *cause = NULL;
	if (sysfiles_install_user(kind, in, &cause) < 0)
		fail_msg("%s", cause);
}

static void test_user_install_remove(void **state)
{
	(void)state;
	char *term[3];
	struct sysfiles_in in = user_in(term);
	char *autostart = sysfiles_path(SYSFILE_AUTOSTART, NULL);
	char *unit = sysfiles_path(SYSFILE_UNIT, NULL), *link = sysfiles_path(SYSFILE_UNIT_LINK, NULL);
	char *want = tpath("config/systemd/user/default.target.wants/kfdo-continue.service");
	assert_string_equal(link, want);
	put(autostart, "[Desktop Entry]\nName=the user's own\n", 0600);
	install_user(SYSFILE_UNIT, &in);
	install_user(SYSFILE_AUTOSTART, &in);
	/* Again: the copy kept is still the user's file, not kfdo's first one. */
	install_user(SYSFILE_AUTOSTART, &in);

	char *text = NULL, *cause = NULL;
	assert_int_equal(sysfiles_unit_text(in.kfdo_path, &text, &cause), 0);
	assert_file(unit, text, 0644);
	free(text);
	char buf[4096];
	ssize_t r = readlink(link, buf, sizeof(buf) - 1);
	assert_true(r > 0);
	buf[r] = '\0';
	assert_string_equal(buf, unit);
	char *journalctl = sysfiles_journalctl();
	assert_int_equal(sysfiles_autostart_text(journalctl, in.terminal, &text, &cause), 0);
	free(journalctl);
	assert_file(autostart, text, 0644);
	free(text);

	struct sysfile *v;
	size_t n;
	assert_int_equal(sysfiles_load(&v, &n, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].kind, SYSFILE_UNIT);
	assert_null(v[0].saved);
	assert_false(v[0].root);
	assert_int_equal(v[1].kind, SYSFILE_UNIT_LINK);
	assert_int_equal(v[2].kind, SYSFILE_AUTOSTART);
	assert_non_null(v[2].saved);
	assert_file(v[2].saved, "[Desktop Entry]\nName=the user's own\n", 0600);
	sysfiles_free(v, n);
	json_object *j = sysfiles_status_json();
	assert_int_equal(json_object_array_length(j), 3);
	json_object *present;
	assert_true(json_object_object_get_ex(json_object_array_get_idx(j, 2), "present", &present));
	assert_true(json_object_get_boolean(present));
	json_object_put(j);

	/* Root's removal plan is empty: every file here is the user's. */
	struct plan p = { 0 };
	assert_int_equal(sysfiles_remove_plan(sysroot, &p, &cause), 0);
	assert_int_equal(p.n, 0);
	remove_all();
	assert_file(autostart, "[Desktop Entry]\nName=the user's own\n", 0600);
	assert_gone(unit);
	assert_gone(link);
	char *sd = tpath("config/systemd"), *saved = tpath("state/kfdo/saved");
	assert_gone(sd);
	assert_gone(saved);
	assert_manifest_empty();
	free(saved);
	free(sd);
	free(want);
	free(link);
	free(unit);
	free(autostart);
}

/* A crash after the manifest was written, or after the previous file was
 * kept: removal still leaves the user's file as it was, and nothing else. */
static void test_user_cut_short(void **state)
{
	(void)state;
	char *term[3];
	struct sysfiles_in in = user_in(term);
	char *autostart = sysfiles_path(SYSFILE_AUTOSTART, NULL);
	const char *own = "[Desktop Entry]\nName=the user's own\n";
	char *cause = NULL;
	for (int stage = 1; stage <= 2; stage++) {
		for (int retry = 0; retry <= 1; retry++) {
			put(autostart, own, 0600);
			sysfiles_test_stop_at(stage);
			assert_int_equal(sysfiles_install_user(SYSFILE_AUTOSTART, &in, &cause), -1);
			free(cause);
			cause = NULL;
			sysfiles_test_stop_at(0);
			struct sysfile *v;
			size_t n;
			assert_int_equal(sysfiles_load(&v, &n, NULL), 0);
			assert_int_equal(n, 1);
			sysfiles_free(v, n);
			assert_file(autostart, own, 0600);
			if (retry)
				install_user(SYSFILE_AUTOSTART, &in);
			remove_all();
			assert_file(autostart, own, 0600);
			assert_manifest_empty();
		}
	}
	/* Nothing was there: the unit's directories go with it. */
	sysfiles_test_stop_at(1);
	assert_int_equal(sysfiles_install_user(SYSFILE_UNIT, &in, &cause), -1);
	free(cause);
	cause = NULL;
	sysfiles_test_stop_at(0);
	remove_all();
	char *sd = tpath("config/systemd");
	assert_gone(sd);
	assert_manifest_empty();
	free(sd);
	free(autostart);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sysctl_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_autostart_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_find_terminal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl_install_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysctl_creates_dirs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_root_plans_cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_manifest_guarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_install_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_cut_short, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
