/* The install, reboot, convert and finish screens. Their engines (packages
 * through libalpm, the build-id check, profile statistics, booting the new
 * kernel once) are not in this version: each screen says so plainly, shows
 * the exact commands its step will run, runs what the plan has, and leaves
 * the rest of the flow usable. Each has a block function where the live
 * figures of those engines go once they exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "core/i18n.h"
#include "core/util.h"
#include "tui/plan_screen.h"

static void size_words(const char *path, char *buf, size_t n)
{
	struct stat st;
	if (!path || stat(path, &st) < 0) {
		snprintf(buf, n, "%s", _("not there yet"));
		return;
	}
	double v = (double)st.st_size;
	const char *unit = "B";
	if (v >= 1 << 30) { v /= 1 << 30; unit = "GiB"; }
	else if (v >= 1 << 20) { v /= 1 << 20; unit = "MiB"; }
	else if (v >= 1 << 10) { v /= 1 << 10; unit = "KiB"; }
	snprintf(buf, n, "%.1f %s", v, unit);
}

/* ---- install (and finish: the same packages, the optimized ones) ---- */

static int packages_block(struct tui *t, struct rect r)
{
	char **pkgs = t->s->artifacts.packages;
	int row = 0;
	if (!pkgs) {
		row += plan_screen_line(r, row, _("Packages:"), _("none built yet (the build step records them)"),
					ROLE_DIM);
		return row + 1;
	}
	text_put(r.y + row++, r.x, _("Built packages:"), r.w, ROLE_HEADING, true);
	for (size_t i = 0; pkgs[i] && row < r.h - 1; i++) {
		const char *name = strrchr(pkgs[i], '/');
		name = name ? name + 1 : pkgs[i];
		bool left_out = strstr(name, "-api-headers-") != NULL;
		char *line = left_out ? xasprintf(_("%s (left out: it would replace the system's API headers)"), name)
				      : xstrdup(name);
		text_put(r.y + row++, r.x + 2, line, r.w - 2, left_out ? ROLE_DIM : ROLE_NORMAL, true);
		free(line);
	}
	return row + 1;
}

static const char *install_not_yet(void)
{
	return _("Reading the built packages with libalpm (their names and versions, and the vmlinux path the "
		 "convert step needs) and the post-install checks. kfdo runs pacman exactly as shown below, asking "
		 "sudo for your password first.");
}

static void install_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, install_not_yet(), packages_block);
}

const struct screen_ops screen_install = {
	.draw = install_draw, .on_key = plan_screen_key, .on_tick = plan_screen_tick, .hints = plan_screen_hints,
};

/* ---- reboot ---- */

static int reboot_block(struct tui *t, struct rect r)
{
	struct utsname u;
	int row = 0;
	row += plan_screen_line(r, row, _("Running kernel:"), uname(&u) == 0 ? u.release : "?", ROLE_NORMAL);
	const char *want = t->s->artifacts.kernel_release;
	row += plan_screen_line(r, row, _("Built kernel:  "), want ? want : _("not known yet (the install step records it)"),
				want ? ROLE_NORMAL : ROLE_DIM);
	row++;
	row += text_para((struct rect){ r.y + row, r.x, r.h - row, r.w }, 0,
			 _("Reboot into the new kernel, then start kfdo again: the session is saved, and kfdo checks "
			   "that the running kernel is the one it built before it goes on. r checks now."),
			 ROLE_NORMAL);
	return row + 1;
}

static void reboot_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r,
			 _("Booting the new kernel once (bootctl set-oneshot or grub-reboot), going on after the reboot "
			   "through a systemd user unit, and comparing build-ids. Reboot by hand for now."),
			 reboot_block);
}

static int reboot_key(struct tui *t, int key)
{
	if (key != 'r' && key != '\r' && key != KEY_ENTER && key != KEY_F(5))
		return RE_NONE;
	char *why = NULL;
	bool ok = step_get(STEP_REBOOT)->postcondition(t->s, &why);
	if (ok) {
		session_step_set(t->s, STEP_REBOOT, STATUS_DONE, why);
		tui_save(t);
		tui_note(t, ROLE_GOOD, "%s", why);
	} else {
		tui_note(t, ROLE_BAD, _("Not yet: %s"), why ? why : "");
	}
	free(why);
	return RE_REDRAW | RE_HANDLED | RE_STEPS | (ok ? RE_NEXT : 0);
}

static const struct keyhint reboot_hints[] = { { "r", N_("Check the running kernel") }, { NULL, NULL } };

static const struct keyhint *reboot_hints_fn(struct tui *t)
{
	(void)t;
	return reboot_hints;
}

const struct screen_ops screen_reboot = {
	.draw = reboot_draw, .on_key = reboot_key, .hints = reboot_hints_fn,
};

/* ---- convert ---- */

static int convert_block(struct tui *t, struct rect r)
{
	const struct artifacts *a = &t->s->artifacts;
	char size[32];
	int row = 0;
	size_words(a->perf_data, size, sizeof(size));
	char *pd = xasprintf("%s (%s)", a->perf_data ? a->perf_data : "?", size);
	row += plan_screen_line(r, row, _("perf.data:"), pd, ROLE_NORMAL);
	free(pd);
	row += plan_screen_line(r, row, _("vmlinux:  "), a->vmlinux ? a->vmlinux : _("not found yet"),
				a->vmlinux ? ROLE_NORMAL : ROLE_DIM);
	size_words(a->profile, size, sizeof(size));
	char *pr = xasprintf("%s (%s)", a->profile ? a->profile : "?", size);
	row += plan_screen_line(r, row, _("profile:  "), pr, ROLE_NORMAL);
	free(pr);
	return row + 1;
}

static void convert_enter(struct tui *t)
{
	plan_screen_default_paths(t);
}

static void convert_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r,
			 _("Finding the running kernel's unstripped vmlinux from its package, the build-id check "
			   "(vmlinux, running kernel and perf.data must match) and the profile's statistics (size, "
			   "functions, samples, the hottest functions)."),
			 convert_block);
}

const struct screen_ops screen_convert = {
	.enter = convert_enter, .draw = convert_draw, .on_key = plan_screen_key, .on_tick = plan_screen_tick,
	.hints = plan_screen_hints,
};

/* ---- finish ---- */

static int finish_block(struct tui *t, struct rect r)
{
	int row = 0;
	const char *prof = t->s->artifacts.profile;
	row += plan_screen_line(r, row, _("Profile:"), prof ? prof : _("none yet"), prof ? ROLE_NORMAL : ROLE_DIM);
	if (prof && row < r.h) {
		char *m = xasprintf(_("Keep it: a later kernel of the same series builds with it through make "
				      "CLANG_AUTOFDO_PROFILE=%s (kfdo's final-build step does exactly that)."), prof);
		row += text_para((struct rect){ r.y + row, r.x, r.h - row < 3 ? r.h - row : 3, r.w }, 0, m, ROLE_NORMAL);
		free(m);
	}
	row++;
	return row + packages_block(t, (struct rect){ r.y + row, r.x, r.h - row, r.w });
}

static void finish_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, install_not_yet(), finish_block);
}

const struct screen_ops screen_finish = {
	.enter = convert_enter, .draw = finish_draw, .on_key = plan_screen_key, .on_tick = plan_screen_tick,
	.hints = plan_screen_hints,
};
