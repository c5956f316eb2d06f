#include "base/paths.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/util.h"

static char *state_override;

static char *xdg_kfdo_dir(const char *var, const char *home_rel)
{
	const char *xdg = getenv(var);
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/kfdo", xdg);
	const char *home = getenv("HOME");
	if (!home || home[0] != '/') {
		struct passwd *pw = getpwuid(getuid());
		home = pw && pw->pw_dir ? pw->pw_dir : "/";
	}
	return xasprintf("%s/%s/kfdo", home, home_rel);
}

char *paths_state_dir(void)
{
	if (state_override)
		return xstrdup(state_override);
	return xdg_kfdo_dir("XDG_STATE_HOME", ".local/state");
}

void paths_set_state_dir(const char *dir)
{
	free(state_override);
	state_override = dir ? xstrdup(dir) : NULL;
}

char *paths_data_dir(void)
{
	return xdg_kfdo_dir("XDG_DATA_HOME", ".local/share");
}

char *paths_cache_dir(void)
{
	return xdg_kfdo_dir("XDG_CACHE_HOME", ".cache");
}
