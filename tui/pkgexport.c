/* The finish screen's hand-off to a linux-cachyos PKGBUILD (pkgexport.h).
 * The copy is a few MB at most, done at the key like a saved session, so it
 * needs no task of its own; what it refuses (an older checkout, a different
 * file of the same name) is said under the field, which stays open to be
 * corrected. */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "engine/export.h"
#include "engine/session.h"
#include "tui/keys.h"
#include "tui/pkgexport.h"
#include "tui/plan_screen.h"
#include "tui/state.h"
#include "tui/task.h"

static void forget(struct pkgexport *pe)
{
	free(pe->done), free(pe->line), free(pe->error), free(pe->warning);
	pe->done = pe->line = pe->error = pe->warning = NULL;
}

/* The field's text as a folder: "~/" is the home folder, as a shell reads it. */
static char *folder(const struct pkgexport *pe)
{
	char *text = input_text(&pe->dir);
	const char *home = getenv("HOME");
	if (home && (strcmp(text, "~") == 0 || str_starts(text, "~/"))) {
		char *full = xasprintf("%s%s", home, text + 1);
		free(text);
		return full;
	}
	return text;
}

static void run(struct tui *t, struct pkgexport *pe)
{
	forget(pe);
	char *dir = folder(pe);
	struct export_opts o = { .pkgbuild_dir = dir, .afdo = t->s->artifacts.profile };
	struct export_plan ep;
	char *cause = NULL;
	int rc = 0;
	if (!*dir) {
		pe->error = xstrdup(_("Type the folder of the PKGBUILD (a variant of a linux-cachyos checkout)."));
	} else if ((rc = export_prepare(&o, &ep, &cause)) < 0 || export_write(&ep, &cause) < 0) {
		/* The wizard has no --force: the user moves the other file away. */
		pe->error = rc == EXPORT_CONFLICT ? xasprintf(_("%s; move it away first"), cause) : cause;
		if (rc == EXPORT_CONFLICT)
			free(cause);
		cause = NULL;
		export_plan_free(&ep);
	} else {
		const struct export_file *f = &ep.files[0];
		pe->done = f->state == EXPORT_SAME ? xasprintf(_("%s (there already)"), f->to)
			   : f->state == EXPORT_REPLACE ? xasprintf(_("%s (the old one is %s)"), f->to, f->kept)
							: xstrdup(f->to);
		pe->line = export_line(&ep);
		pe->warning = ep.warning ? xstrdup(ep.warning) : NULL;
		pe->open = false;
		tui_note(t, ROLE_GOOD, _("The profile is beside %s."), ep.pkgbuild);
		export_plan_free(&ep);
	}
	free(cause);
	free(dir);
}

bool pkgexport_key(struct tui *t, struct pkgexport *pe, int key)
{
	if (!pe->open) {
		if (key != 'p' || !t->s->artifacts.profile || task_running(t))
			return false;
		pe->open = true;
		pe->dir.path = true;
		forget(pe);
		return true;
	}
	if (key == 27) {
		pe->open = false;
		forget(pe);
	} else if (key == '\r' || key == KEY_ENTER) {
		run(t, pe);
	} else if (!input_key(&pe->dir, key) && (key == KEY_F(1) || key == KEY_F(10) || key == TUI_CTRL('l'))) {
		/* Help, quit and redraw stay the wizard's. Every other key is the
		 * field's, used or not: q would quit in the middle of a folder name,
		 * F5 start the step under the open field. */
		return false;
	}
	return true;
}

int pkgexport_draw(struct tui *t, struct pkgexport *pe, struct rect r, int row)
{
	int start = row;
	if (pe->open && row < r.h) {
		const char *label = _("PKGBUILD folder:");
		int used = text_put(r.y + row, r.x, label, r.w, ROLE_NORMAL, false);
		input_draw(t, &pe->dir, r.y + row, r.x + used + 1, r.w - used - 1, true);
		row++;
		if (pe->error)
			row += plan_screen_wrapped(r, row, "", pe->error, ROLE_BAD, 2);
		row += plan_screen_wrapped(r, row, "", _("Enter copies the profile beside its PKGBUILD, Tab completes, "
							  "Esc closes."), ROLE_DIM, 2);
	} else if (pe->done) {
		/* Whole, however many rows it takes: the line is to be copied. */
		row += plan_screen_wrapped(r, row, _("Handed to:"), pe->done, ROLE_GOOD, 3);
		row += plan_screen_wrapped(r, row, _("Build with:"), pe->line, ROLE_NORMAL, 8);
		if (pe->warning)
			row += plan_screen_wrapped(r, row, "", pe->warning, ROLE_WARN, 3);
	}
	return row - start;
}

void pkgexport_free(struct pkgexport *pe)
{
	forget(pe);
	input_free(&pe->dir);
	memset(pe, 0, sizeof(*pe));
}
