/* The texts of the files kfdo installs for the unattended run, and the quoting
 * each file's own syntax asks for. The texts are configuration, not messages:
 * they stay in English whatever the locale, so that their bytes do not depend
 * on who installed them. */
#include "engine/sysfiles.h"

#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"

/* ---- sysctl ---- */

const char *const sysfiles_sysctl_keys[] = { "kernel.perf_event_paranoid", "kernel.kptr_restrict" };
const size_t sysfiles_sysctl_nkeys = ARRAY_LEN(sysfiles_sysctl_keys);

char *sysfiles_sysctl_text(void)
{
	/* The values engine/record.c asks for, and no lower: paranoid 0 lets a user
	 * record every CPU (-a) with kernel samples; -1 would also open raw
	 * tracepoints, which the recording does not use. kptr_restrict 0 lets perf
	 * read the kernel's addresses (kallsyms), without which no sample maps to
	 * vmlinux. */
	return xstrdup("# kfdo: lets perf record the kernel for the AutoFDO profile after the reboot.\n"
		       "# kfdo removes this file, and puts back what was here, when its flow ends.\n"
		       "# 99-: sysctl.d files apply in the order of their names, whatever their\n"
		       "# directory, and the last one to set a key wins; this name comes after the\n"
		       "# distributions' own (CachyOS's cachyos-settings sets kptr_restrict = 2).\n"
		       "kernel.perf_event_paranoid = 0\n"
		       "kernel.kptr_restrict = 0\n");
}

/* ---- shared checks ---- */

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static int check_exe(const char *what, const char *path, char **cause)
{
	if (!path || path[0] != '/') {
		cause_set(cause, _("%s must be an absolute path: %s"), what, path ? path : "(none)");
		return -1;
	}
	if (has_control(path)) {
		cause_set(cause, _("%s holds a control character: %s"), what, path);
		return -1;
	}
	return 0;
}

/* ---- the systemd user unit ---- */

/* One word of a unit file (systemd.syntax(7)): % doubled (specifiers are
 * expanded in ExecStart= and Environment=), and double-quoted, with backslash
 * and quote escaped, when it holds anything but plain path characters. $
 * stays: ExecStart= expands $VAR in the arguments only, never in the
 * executable's path (systemd-analyze verify looks for a "$$" there literally),
 * kfdo's one argument is "continue", and Environment= expands none. */
static void sd_quote(struct strbuf *sb, const char *s)
{
	bool plain = *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+,:=@%-") ==
				   strlen(s);
	if (!plain)
		sb_add(sb, "\"");
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			sb_addf(sb, "\\%c", *s);
		else if (*s == '%')
			sb_add(sb, "%%");
		else
			sb_addf(sb, "%c", *s);
	}
	if (!plain)
		sb_add(sb, "\"");
}

int sysfiles_unit_text(const char *kfdo_path, char **text, char **cause)
{
	*text = NULL;
	if (check_exe("kfdo", kfdo_path, cause) < 0)
		return -1;
	/* The user manager starts with the environment of PAM and environment.d, not
	 * the user's shell: a base directory or a PATH set in ~/.bashrc would not
	 * reach `kfdo continue`, which would then look for another session, or for
	 * tools the toolchain check found elsewhere. So they are written down. */
	static const char *const vars[] = { "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
					    "XDG_CONFIG_HOME", "PATH" };
	struct strbuf env = { 0 };
	for (size_t i = 0; i < ARRAY_LEN(vars); i++) {
		const char *v = getenv(vars[i]);
		/* The XDG spec ignores a relative base directory; so does kfdo (base/paths.c). */
		if (!v || !*v || (vars[i][0] == 'X' && v[0] != '/') || has_control(v))
			continue;
		char *kv = xasprintf("%s=%s", vars[i], v);
		sb_add(&env, "Environment=");
		sd_quote(&env, kv);
		sb_add(&env, "\n");
		free(kv);
	}
	struct strbuf sb = { 0 };
	sb_add(&sb, "# kfdo: continues the AutoFDO flow after the reboot, unattended.\n"
		    "# kfdo removes this file and its link in default.target.wants/ when the flow ends.\n"
		    "[Unit]\n"
		    "Description=kfdo: continue the AutoFDO kernel flow after the reboot\n"
		    "\n"
		    "[Service]\n"
		    "# exec: the unit is started once kfdo runs, so that default.target (and the\n"
		    "# login waiting for it) never waits for the hour a recording and a rebuild can\n"
		    "# take, as it would for a oneshot; no start timeout applies after that.\n"
		    "Type=exec\n"
		    "ExecStart=");
	sd_quote(&sb, kfdo_path);
	sb_add(&sb, " continue\n");
	if (env.s)
		sb_add(&sb, env.s);
	sb_add(&sb, "# A failed run is reported by kfdo and waits for the user: never repeated.\n"
		    "Restart=no\n"
		    "\n"
		    "[Install]\n"
		    "WantedBy=default.target\n");
	sb_free(&env);
	*text = sb.s;
	return 0;
}

/* ---- the autostart entry ---- */

/* One argument of a desktop entry's Exec= (Desktop Entry Specification, "The
 * Exec key"): quoted when it holds a reserved character, with " ` $ \ escaped
 * inside the quotes, % doubled; then the backslashes escaped once more, as in
 * every string value of the file. */
static void exec_quote(struct strbuf *sb, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+,:=@-", *p))
			plain = false;
	if (plain) {
		sb_add(sb, s);
		return;
	}
	sb_add(sb, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '`' || *s == '$')
			sb_addf(sb, "\\\\%c", *s);
		else if (*s == '\\')
			sb_add(sb, "\\\\\\\\");
		else if (*s == '%')
			sb_add(sb, "%%");
		else
			sb_addf(sb, "%c", *s);
	}
	sb_add(sb, "\"");
}

int sysfiles_autostart_text(const char *journalctl, char *const *terminal, char **text, char **cause)
{
	*text = NULL;
	if (check_exe("journalctl", journalctl, cause) < 0)
		return -1;
	/* GLib reads a backslash in Exec= after the spec; systemd's generator C-unescapes
	 * the argument once more and drops the entry. No launcher should get to choose. */
	if (strchr(journalctl, '\\')) {
		cause_set(cause, _("%s holds a backslash, which desktop launchers do not read alike"), journalctl);
		return -1;
	}
	char **found = NULL;
	if (!terminal)
		terminal = found = sysfiles_find_terminal();
	if (terminal && terminal[0]) {
		if (check_exe(_("the terminal"), terminal[0], cause) < 0) {
			strv_free(found);
			return -1;
		}
		for (size_t i = 0; terminal[i]; i++)
			if (has_control(terminal[i]) || strchr(terminal[i], '\\')) {
				cause_set(cause, _("the terminal's command holds a control character or a backslash"));
				strv_free(found);
				return -1;
			}
	}
	struct strbuf exec = { 0 };
	for (size_t i = 0; terminal && terminal[i]; i++) {
		exec_quote(&exec, terminal[i]);
		sb_add(&exec, " ");
	}
	/* The window follows the unit's own output: the unit does the work, so that
	 * a wizard of its own would only fight it for the session's lock. */
	exec_quote(&exec, journalctl);
	sb_add(&exec, " --user --follow --output=cat --unit=" SYSFILES_UNIT_NAME);
	/* Terminal=true is not honoured where it matters most: Plasma (5.25 on) and
	 * GNOME start autostart entries through systemd-xdg-autostart-generator,
	 * which reads the key and ignores it (systemd,
	 * src/xdg-autostart-generator/xdg-autostart-service.c), so the window would
	 * run with no terminal at all. The entry names a terminal itself, and falls
	 * back on the key only when this machine has none kfdo knows. */
	bool own = terminal && terminal[0];
	*text = xasprintf("# kfdo: shows the unattended AutoFDO run in a terminal after the reboot.\n"
			  "# kfdo removes this file when its flow ends.\n"
			  "[Desktop Entry]\n"
			  "Type=Application\n"
			  "Name=kfdo\n"
			  "Comment=The AutoFDO kernel flow that kfdo continues after the reboot\n"
			  "Exec=%s\n"
			  "Terminal=%s\n"
			  "NoDisplay=true\n"
			  "X-GNOME-Autostart-enabled=true\n",
			  exec.s, own ? "false" : "true");
	sb_free(&exec);
	strv_free(found);
	return 0;
}

/* How each terminal takes a command: the option after which it follows (none
 * for those that take it as their arguments). */
static const struct {
	const char *exe, *opt, *desktop;
} terminals[] = {
	/* The user's own choice, where the proposed xdg-terminal-exec is installed. */
	{ "xdg-terminal-exec", NULL, NULL },
	{ "konsole", "-e", "KDE" },
	{ "gnome-terminal", "--", "GNOME" },
	{ "xfce4-terminal", "-x", "XFCE" },
	{ "alacritty", "-e", NULL },
	{ "kitty", NULL, NULL },
	{ "foot", NULL, NULL },
	{ "xterm", "-e", NULL },
};

static char **terminal_argv(size_t i)
{
	char *exe = path_find_exe(terminals[i].exe);
	if (!exe)
		return NULL;
	char **v = NULL;
	strv_push(&v, exe);
	if (terminals[i].opt)
		strv_push(&v, terminals[i].opt);
	free(exe);
	return v;
}

char **sysfiles_find_terminal(void)
{
	const char *desk = getenv("XDG_CURRENT_DESKTOP");
	char *list = xstrdup(desk ? desk : "");
	for (char *p = list; *p; p++)
		if (*p == ':')
			*p = ' ';
	char **v = terminal_argv(0);
	for (size_t i = 1; !v && i < ARRAY_LEN(terminals); i++)
		if (terminals[i].desktop && str_has_word(list, terminals[i].desktop))
			v = terminal_argv(i);
	for (size_t i = 1; !v && i < ARRAY_LEN(terminals); i++)
		v = terminal_argv(i);
	free(list);
	return v;
}
