/* Colours by role, each with a mono variant (ncdu's UI_COLORS table): the
 * screens name what a thing is (a failed check, the current step), never a
 * colour. Mono when the terminal has no colours, --no-color or NO_COLOR. */
#include "base/util.h"
#include "tui/theme.h"

struct role_style {
	short fg, bg;		/* -1: the terminal's default (use_default_colors) */
	attr_t color_attr;	/* added to the colour pair */
	attr_t mono_attr;
};

static const struct role_style styles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, 0, 0 },
	[ROLE_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE | A_BOLD },
	[ROLE_CURRENT] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_DONE] = { COLOR_GREEN, -1, 0, 0 },
	[ROLE_FAILED] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[ROLE_LOCKED] = { -1, -1, A_DIM, A_DIM },
	[ROLE_RUNNING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_OK] = { COLOR_GREEN, -1, 0, 0 },
	[ROLE_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_FAIL] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[ROLE_SKIP] = { -1, -1, A_DIM, A_DIM },
	[ROLE_KEY] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[ROLE_SELECTED] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
	[ROLE_DIM] = { -1, -1, A_DIM, A_DIM },
	[ROLE_HEADING] = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_COMMAND] = { COLOR_CYAN, -1, 0, 0 },
	[ROLE_BAR] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
	[ROLE_DIALOG] = { COLOR_WHITE, COLOR_BLUE, 0, 0 },
	[ROLE_GOOD] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[ROLE_BAD] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[ROLE_INPUT] = { -1, -1, A_UNDERLINE, A_UNDERLINE },
	[ROLE_BORDER] = { COLOR_BLUE, -1, 0, 0 },
};

static attr_t attrs[ROLE_COUNT];

void theme_init(bool color)
{
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct role_style *st = &styles[r];
		if (!color) {
			attrs[r] = st->mono_attr;
			continue;
		}
		if (st->fg < 0 && st->bg < 0) {
			attrs[r] = st->color_attr;
			continue;
		}
		/* Pair numbers 1..ROLE_COUNT are the roles'. */
		init_pair((short)(r + 1), st->fg, st->bg);
		attrs[r] = COLOR_PAIR(r + 1) | st->color_attr;
	}
}

attr_t theme_attr(enum role role)
{
	return (unsigned)role < ROLE_COUNT ? attrs[role] : 0;
}
