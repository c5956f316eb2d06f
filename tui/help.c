/* F1 / ?: the current step in plain words, why it matters, and the keys. The
 * step table has a short help text; the "why" paragraphs live here because
 * they are for people, not for the plain command line. The global keys are a
 * table here too: the help lists it, the loop looks keys up in it. */
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "tui/help.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/state.h"
#include "tui/text.h"

/* ---- the global keys ---- */

static int act_help(struct tui *t)
{
	t->help_open = true;
	t->help_scroll = 0;
	return RE_REDRAW;
}

/* Moving and quitting are the loop's: quitting asks first when a step runs. */
static int act_quit(struct tui *t)
{
	(void)t;
	return RE_QUIT;
}

static int act_prev(struct tui *t)
{
	(void)t;
	return RE_PREV | RE_REDRAW;
}

static int act_next(struct tui *t)
{
	(void)t;
	return RE_NEXT | RE_REDRAW;
}

/* A plan longer than the screen scrolls (the screens with a log use these keys for it first). */
static int act_plan_down(struct tui *t)
{
	t->plan_scroll += t->plan_page > 0 ? t->plan_page : 5;
	return RE_REDRAW;
}

static int act_plan_up(struct tui *t)
{
	int page = t->plan_page > 0 ? t->plan_page : 5;
	t->plan_scroll = t->plan_scroll > page ? t->plan_scroll - page : 0;
	return RE_REDRAW;
}

static int act_redraw(struct tui *t)
{
	(void)t;
	clearok(curscr, TRUE);
	return RE_REDRAW;
}

const struct binding help_bindings[] = {
	{ KEY_F(1), "F1", N_("Help"), act_help },
	{ '?', "?", NULL, act_help },
	{ 'h', "h", NULL, act_help },
	{ KEY_F(2), "F2", N_("Back"), act_prev },
	{ '[', "[", NULL, act_prev },
	{ 27, "Esc", NULL, act_prev },
	{ KEY_F(3), "F3", N_("Next"), act_next },
	{ ']', "]", NULL, act_next },
	{ KEY_F(10), "F10", N_("Quit"), act_quit },
	{ 'q', "q", NULL, act_quit },
	{ KEY_NPAGE, "PgDn", N_("More of the commands"), act_plan_down },
	{ KEY_PPAGE, "PgUp", N_("Back up the commands"), act_plan_up },
	{ TUI_CTRL('l'), "^L", NULL, act_redraw },
};
const size_t help_n_bindings = ARRAY_LEN(help_bindings);

/* ---- the help ---- */

static const char *const why[STEP_COUNT] = {
	[STEP_HARDWARE] = N_("AutoFDO learns from samples of the branches the CPU really took. Only CPUs with a "
			     "branch recorder (Intel LBR, AMD BRS or LbrExtV2) can give them, and only when the "
			     "running kernel exposes it and perf is allowed to read the kernel. Without it the "
			     "kernel can still be built, but no profile can be recorded on this machine. "
			     "Select a row to see its remedy; 'f' runs a fix that kfdo knows, after showing it."),
	[STEP_TOOLCHAIN] = N_("The kernel's AutoFDO support needs clang and lld (LLVM 17 or later) and "
			      "llvm-profgen from LLVM 19 or later to turn perf.data into a profile. Missing "
			      "tools found now save a failed build half an hour later. 'f' installs what is "
			      "missing, after showing the command."),
	[STEP_SOURCE] = N_("kfdo builds a kernel from source: an existing tree (Linux 6.13 or later has "
			   "CONFIG_AUTOFDO_CLANG) or a fresh shallow clone. Tab completes a path. A tree too old "
			   "for AutoFDO can still be built with ThinLTO; kfdo says what it turns off."),
	[STEP_CONFIGURE] = N_("The configuration decides what is built. kfdo starts from a base (the running "
			      "kernel's, a file, defconfig or tinyconfig), sets the toggles with scripts/config "
			      "and reads .config back: a Kconfig dependency can silently refuse a toggle, and a "
			      "kernel built without AUTOFDO_CLANG ignores every profile. Greyed toggles say why "
			      "this tree or toolchain cannot have them."),
	[STEP_BUILD] = N_("This first build is the kernel you will run while recording. Its progress comes "
			  "from kbuild's own lines: a dry run (make -n) counts the work the first time, the "
			  "previous build's timing after that. The ThinLTO link prints nothing for minutes: "
			  "the screen says so. / searches the log, w shows only warnings and errors, e jumps "
			  "to the first error, c cancels the whole build."),
	[STEP_INSTALL] = N_("The profile must come from the very kernel it will optimize, so the built "
			    "kernel is installed and booted. kfdo reads the packages with libalpm first: the "
			    "-api-headers package is left out (it would replace the system's linux-api-headers), "
			    "and the vmlinux AutoFDO needs is read out of its package and checked for its symbols. "
			    "pacman installs the rest through sudo, with its hooks (initramfs, boot loader "
			    "entries); sudo asks for the password before the step starts. Afterwards the package "
			    "database says what is installed."),
	[STEP_REBOOT] = N_("Samples name kernel addresses; they only make sense for the kernel that is "
			   "running. kfdo saves the session; start it again after the reboot and it compares the "
			   "running kernel's release and build-id with the built one's, then goes on. r checks now."),
	[STEP_PROFILE] = N_("The profile is only as good as the workload: record what you want the kernel "
			    "to be fast at (a kernel build, your application, a benchmark). perf samples the "
			    "branches the kernel takes while it runs. Up/Down picks a workload, Space chooses it, "
			    "typing fills the command or the tree, Left/Right changes minutes and benchmarks, +/- a "
			    "benchmark's minutes (perf bench and hackbench run again until they are up). "
			    "Enter checks perf_event_paranoid and kptr_restrict first and offers their fix; s stops "
			    "the recording cleanly (perf writes perf.data and the step goes on), c cancels it."),
	[STEP_CONVERT] = N_("llvm-profgen reads perf.data against the unstripped vmlinux of the running "
			    "kernel and writes an AutoFDO profile. A profile from another kernel, or an empty one, "
			    "would do nothing: kfdo compares the vmlinux's, the running kernel's and perf.data's "
			    "build-ids first, and counts the profile's functions and samples after. m merges the "
			    "new profile with earlier ones of the same build (all of them, or those picked with "
			    "Space); nothing earlier is changed or deleted."),
	[STEP_FINAL_BUILD] = N_("The same tree and configuration, built again with the profile "
				"(CLANG_AUTOFDO_PROFILE): the compiler lays out the hot code paths your workload "
				"used. The first build's timing gives this one its ETA."),
	[STEP_FINISH] = N_("Install the optimized kernel and boot it. Keep the profile: it can be reused for "
			   "later kernels of the same series, or merged with new recordings. The summary says "
			   "where it lives and how to build with it again."),
};

#define HEAD "\x01"

static char *help_text(struct tui *t)
{
	const struct step_def *d = step_get(t->cur);
	struct strbuf sb = { 0 };
	/* HEAD marks the lines drawn as headings. */
	sb_addf(&sb, HEAD "%s\n\n%s\n\n", _(d->title), _(d->help));
	sb_addf(&sb, HEAD "%s\n%s\n\n", _("Why it matters"), _(why[t->cur]));
	sb_addf(&sb, HEAD "%s\n", _("Keys"));
	/* The global keys from the bindings table: a key and its twins on one line. */
	for (size_t i = 0; i < help_n_bindings; i++) {
		if (!help_bindings[i].label)
			continue;
		struct strbuf keys = { 0 };
		for (size_t j = 0; j < help_n_bindings; j++)
			if (help_bindings[j].action == help_bindings[i].action)
				sb_addf(&keys, "%s%s", keys.len ? ", " : "", help_bindings[j].name);
		sb_addf(&sb, "  %-18s %s\n", keys.s, _(help_bindings[i].label));
		sb_free(&keys);
	}
	const struct keyhint *h = t->scr->hints ? t->scr->hints(t) : NULL;
	for (; h && h->key; h++)
		sb_addf(&sb, "  %-18s %s\n", h->key, _(h->label));
	sb_addf(&sb, "\n%s", _("Esc, q or F1 closes this help; Up and Down scroll it."));
	return sb.s;
}

void help_draw(struct tui *t, struct rect r)
{
	char *text = help_text(t);
	size_t n;
	char **lines = text_wrap(text, r.w - 2, &n);
	if (t->help_scroll > (int)n - 1)
		t->help_scroll = n ? (int)n - 1 : 0;
	text_put(r.y, r.x, _("Help"), r.w, ROLE_HEADING, true);
	for (int i = 0; i + 2 < r.h && (size_t)(t->help_scroll + i) < n; i++) {
		const char *line = lines[t->help_scroll + i];
		bool head = line[0] == HEAD[0];
		text_put(r.y + 2 + i, r.x + 1, line + head, r.w - 2, head ? ROLE_HEADING : ROLE_NORMAL, true);
	}
	text_free_lines(lines, n);
	free(text);
}

int help_key(struct tui *t, int key)
{
	switch (key) {
	case 27: case 'q': case KEY_F(1): case '?': case 'h': case '\r':
		t->help_open = false;
		return RE_REDRAW | RE_HANDLED;
	case KEY_UP: case 'k':
		if (t->help_scroll > 0)
			t->help_scroll--;
		return RE_REDRAW | RE_HANDLED;
	case KEY_DOWN: case 'j':
		t->help_scroll++;
		return RE_REDRAW | RE_HANDLED;
	case KEY_PPAGE:
		t->help_scroll = t->help_scroll > 10 ? t->help_scroll - 10 : 0;
		return RE_REDRAW | RE_HANDLED;
	case KEY_NPAGE: case ' ':
		t->help_scroll += 10;
		return RE_REDRAW | RE_HANDLED;
	}
	/* F10 still quits from the help. */
	return key == KEY_F(10) ? RE_QUIT : RE_HANDLED;
}
