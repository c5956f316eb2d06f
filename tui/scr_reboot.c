/* The reboot screen: what to do (reboot into the built kernel, then start
 * kfdo again), the running and the built kernel with their releases and
 * build-ids as the engine's reboot check reads them (below --sysroot in
 * tests), and that check's verdict; r checks again. The next start of kfdo
 * says "Welcome back" when they match (app.c). What kfdo does not do for the
 * reboot is said plainly. */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "engine/probe.h"
#include "engine/summary.h"
#include "base/util.h"
#include "tui/draw.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/text.h"

struct reboot_view {
	char *release, *build_id, *cause;	/* the running kernel */
	bool ok;
	char *verdict;				/* the reboot check's words */
};

static void running_free(struct reboot_view *v)
{
	free(v->release);
	free(v->build_id);
	free(v->cause);
	free(v->verdict);
	memset(v, 0, sizeof(*v));
}

/* The running kernel and the engine's reboot check: on entering and on r. */
static void check(struct tui *t)
{
	struct reboot_view *v = t->view;
	running_free(v);
	probe_running_kernel(t->s, &v->release, &v->build_id, &v->cause);
	v->ok = step_get(STEP_REBOOT)->postcondition(t->s, &v->verdict);
}

static void reboot_leave(struct tui *t)
{
	running_free(t->view);
}

/* "Running kernel: REL" and its build-id under it. */
static int kernel_rows(struct rect r, int row, const char *label, const char *release, const char *id,
		       const char *missing)
{
	int start = row;
	int lw = text_width(_("Running kernel:"));
	int w = text_width(_("Built kernel:"));
	lw = (w > lw ? w : lw) + 1;
	if (row < r.h) {
		text_put(r.y + row, r.x, label, lw, ROLE_DIM, false);
		if (release)
			text_put(r.y + row++, r.x + lw, release, r.w - lw, ROLE_NORMAL, true);
		else
			row += text_para((struct rect){ r.y + row, r.x + lw, r.h - row < 2 ? r.h - row : 2, r.w - lw },
					 missing, ROLE_DIM);
	}
	if (row < r.h && release) {
		/* A build-id is compared character by character: at 80 columns it does
		 * not fit after a long label (German), so it moves left, not cut. */
		char *m = xasprintf(_("build-id %s"), id ? id : missing);
		int x = text_width(m) <= r.w - lw ? lw : text_width(m) <= r.w - 2 ? 2 : lw;
		text_put(r.y + row++, r.x + x, m, r.w - x, id ? ROLE_NORMAL : ROLE_DIM, true);
		free(m);
	}
	return row - start;
}

static int reboot_block(struct tui *t, struct rect r)
{
	const struct reboot_view *v = t->view;
	const struct artifacts *a = &t->s->artifacts;
	int row = 0;
	row += kernel_rows(r, row, _("Running kernel:"), v->release, v->build_id, v->cause ? v->cause : "?");
	row += kernel_rows(r, row, _("Built kernel:"), a->kernel_release, a->build_id,
			   _("not installed yet (the install step records it)"));
	row++;
	if (v->verdict)
		row += plan_screen_wrapped(r, row, v->ok ? _("Check: ok,") : _("Check: not yet,"), v->verdict,
					   v->ok ? ROLE_GOOD : ROLE_BAD, 3);
	row++;
	if (!v->ok && a->kernel_release && a->build_id) {
		char **what = summary_reboot(t->s);
		row += plan_screen_paras((struct rect){ r.y, r.x, r.h, r.w }, row, what, ROLE_NORMAL);
		strv_free(what);
		if (row < r.h)
			row += text_para((struct rect){ r.y + row, r.x, r.h - row, r.w },
					 _("r checks the running kernel again now."), ROLE_DIM);
		row++;
	}
	if (row + 3 < r.h) {
		int used = draw_not_yet((struct rect){ r.y + row, r.x, r.h - row, r.w },
					_("kfdo does not reboot for you: it sets no one-time boot entry (bootctl "
					  "set-oneshot, grub-reboot), and the recording does not go on by itself after "
					  "the reboot (no systemd user unit): start kfdo again once the new kernel runs."));
		row += used + 1;
	}
	return row;
}

static void reboot_draw(struct tui *t, struct rect r)
{
	plan_screen_draw(t, r, reboot_block);
}

static int reboot_key(struct tui *t, int key)
{
	const struct reboot_view *v = t->view;
	if (key != 'r' && key != '\r' && key != KEY_ENTER && key != KEY_F(5))
		return RE_NONE;
	check(t);
	if (v->ok) {
		session_step_set(t->s, STEP_REBOOT, STATUS_DONE, v->verdict);
		tui_save(t);
		tui_note(t, ROLE_GOOD, "%s", v->verdict);
	} else {
		tui_note(t, ROLE_BAD, _("Not yet: %s"), v->verdict ? v->verdict : "");
	}
	return RE_REDRAW | RE_HANDLED | RE_STEPS | (v->ok ? RE_NEXT : 0);
}

static const struct keyhint reboot_hints[] = { { "r", N_("Check the running kernel") }, { NULL, NULL } };

static const struct keyhint *reboot_hints_fn(struct tui *t)
{
	(void)t;
	return reboot_hints;
}

const struct screen_ops screen_reboot = {
	.view_size = sizeof(struct reboot_view), .enter = check, .leave = reboot_leave, .draw = reboot_draw,
	.on_key = reboot_key, .hints = reboot_hints_fn,
};
