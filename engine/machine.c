#include "engine/machine.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static struct {
	bool done;
	struct detect_report r;
	char *sysroot, *cpuid_dump, *pmu;
} hw;

static struct {
	bool done, ok;
	struct toolchain tc;
	char *cause, *work_dir;
} tools;

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void keep(char **field, const char *v)
{
	free(*field);
	*field = v ? xstrdup(v) : NULL;
}

const struct detect_report *machine_hardware(const struct session *s, bool again)
{
	const char *sysroot = session_sysroot(s);
	if (hw.done && !again && same(hw.sysroot, sysroot) && same(hw.cpuid_dump, s->cpuid_dump) &&
	    same(hw.pmu, s->pmu))
		return &hw.r;
	if (hw.done)
		detect_report_free(&hw.r);
	struct detect_opts o = { .sysroot = sysroot, .cpuid_dump = s->cpuid_dump, .pmu = s->pmu };
	char *cause = NULL;
	/* A report comes back whatever happened: what could not be read is in its checks. */
	detect_run(&hw.r, &o, &cause);
	free(cause);
	hw.done = true;
	keep(&hw.sysroot, sysroot);
	keep(&hw.cpuid_dump, s->cpuid_dump);
	keep(&hw.pmu, s->pmu);
	return &hw.r;
}

const struct toolchain *machine_toolchain(const struct session *s, bool again, char **cause)
{
	if (!tools.done || again || !same(tools.work_dir, s->tree)) {
		if (tools.ok)
			toolchain_free(&tools.tc);
		free(tools.cause);
		tools.cause = NULL;
		/* Owners (which package has each tool) cost a libalpm lookup per tool;
		 * the remedies name packages by the distribution's own names instead. */
		struct toolchain_opts o = { .no_owners = true, .work_dir = s->tree };
		tools.ok = toolchain_detect(&o, &tools.tc, &tools.cause) == 0;
		tools.done = true;
		keep(&tools.work_dir, s->tree);
	}
	if (!tools.ok) {
		cause_set(cause, "%s", tools.cause ? tools.cause : "?");
		return NULL;
	}
	return &tools.tc;
}

void machine_forget(void)
{
	if (hw.done)
		detect_report_free(&hw.r);
	if (tools.ok)
		toolchain_free(&tools.tc);
	free(hw.sysroot);
	free(hw.cpuid_dump);
	free(hw.pmu);
	free(tools.cause);
	free(tools.work_dir);
	memset(&hw, 0, sizeof(hw));
	memset(&tools, 0, sizeof(tools));
}
