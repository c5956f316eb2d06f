#include "detect/event.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>

#include "base/i18n.h"
#include "base/util.h"

/* Taken-branch encodings for CPUs libpfm4 4.13 has no table for. */
struct table_event {
	enum kfdo_vendor vendor;
	bool atom;
	const char *name;
	unsigned event, umask;
	const char *source;
};

static const struct table_event table_events[] = {
	{ CPU_AMD, false, "RETIRED_TAKEN_BRANCH_INSTRUCTIONS", 0xc4, 0x00,
	  "AMD PPR for family 19h/1Ah, PMCx0C4 Retired Taken Branch Instructions; the kernel's "
	  "BRS code uses the same event (arch/x86/events/amd/brs.c)" },
	{ CPU_INTEL, false, "BR_INST_RETIRED.NEAR_TAKEN", 0xc4, 0x20,
	  "Intel perfmon event lists (alderlake_goldencove_core.json: EventCode 0xC4, UMask 0x20)" },
	{ CPU_INTEL, true, "BR_INST_RETIRED.NEAR_TAKEN", 0xc4, 0xc0,
	  "Intel perfmon event lists (alderlake_gracemont_core.json: EventCode 0xC4, UMask 0xC0)" },
};

static bool pfm_ready;

/* Once per process: libpfm4 cannot be re-initialized (pfm_terminate() leaves
 * the earlier PMUs active), so every encoding names its table explicitly and
 * ENCODE_INACTIVE lets it encode for a CPU other than this one (dumps). */
static bool pfm_init(const char *force_pmu)
{
	if (pfm_ready)
		return true;
	setenv("LIBPFM_ENCODE_INACTIVE", "1", 1);
	if (force_pmu)
		setenv("LIBPFM_FORCE_PMU", force_pmu, 1);
	pfm_ready = pfm_initialize() == PFM_SUCCESS;
	/* libpfm4 reads them only here; every job kfdo starts would inherit them. */
	unsetenv("LIBPFM_ENCODE_INACTIVE");
	unsetenv("LIBPFM_FORCE_PMU");
	return pfm_ready;
}

/* pfm_get_version() answers the API version (4.0) forever; the release that
 * decides which CPUs libpfm4 detects is in the library's file name. */
static int libpfm_release(int *major, int *minor)
{
	Dl_info info;
	if (!dladdr((void *)pfm_initialize, &info) || !info.dli_fname)
		return -1;
	char *real = realpath(info.dli_fname, NULL);
	if (!real)
		return -1;
	const char *so = strstr(real, ".so.");
	int r = so && sscanf(so, ".so.%d.%d", major, minor) == 2 ? 0 : -1;
	free(real);
	return r;
}

const char *event_libpfm_version(void)
{
	static char buf[24];
	int major, minor;
	if (libpfm_release(&major, &minor) == 0)
		snprintf(buf, sizeof(buf), "%d.%d", major, minor);
	else
		snprintf(buf, sizeof(buf), "unknown");
	return buf;
}

static bool pfm_info(pfm_pmu_t p, pfm_pmu_info_t *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return pfm_get_pmu_info(p, info) == PFM_SUCCESS;
}

/* The canonical name of a libpfm4 core PMU table, or NULL. */
static const char *pfm_table(const char *name)
{
	pfm_pmu_t p;
	pfm_for_all_pmus(p) {
		pfm_pmu_info_t info;
		if (pfm_info(p, &info) && info.type == PFM_PMU_TYPE_CORE && strcasecmp(info.name, name) == 0)
			return info.name;
	}
	return NULL;
}

/* The core PMU libpfm4 detected on this machine, if any. */
static const char *pfm_detected(void)
{
	pfm_pmu_t p;
	pfm_for_all_pmus(p) {
		pfm_pmu_info_t info;
		if (!pfm_info(p, &info) || !info.is_present || info.type != PFM_PMU_TYPE_CORE)
			continue;
		/* Architected fallbacks have no model-specific events. */
		if (strcmp(info.name, "ix86arch") == 0 || strcmp(info.name, "perf") == 0 ||
		    strcmp(info.name, "perf_raw") == 0)
			continue;
		return info.name;
	}
	return NULL;
}

bool event_pmu_known(const char *name, char **cause)
{
	if (!pfm_init(name))
		cause_set(cause, _("libpfm4 did not initialize"));
	if (pfm_ready && pfm_table(name))
		return true;
	struct strbuf sb = { 0 };
	pfm_pmu_t p;
	pfm_for_all_pmus(p) {
		pfm_pmu_info_t info;
		if (pfm_info(p, &info) && info.type == PFM_PMU_TYPE_CORE)
			sb_addf(&sb, "%s%s", sb.len ? " " : "", info.name);
	}
	cause_set(cause, _("libpfm4 %s has no core PMU named '%s'; it knows: %s"), event_libpfm_version(), name,
		  sb.s ? sb.s : "-");
	sb_free(&sb);
	return false;
}

static bool pfm_encode(const char *table, const char *event, uint64_t *config)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	pfm_perf_encode_arg_t arg;
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.size = sizeof(arg);
	char *spec = xasprintf("%s::%s:k", table, event);
	int r = pfm_get_os_event_encoding(spec, PFM_PLM0, PFM_OS_PERF_EVENT, &arg);
	free(spec);
	if (r != PFM_SUCCESS || attr.type != PERF_TYPE_RAW)
		return false;
	*config = attr.config;
	return true;
}

static void args_set(struct event_info *ev, const char *a, const char *b)
{
	ev->perf_args = xcalloc(3, sizeof(char *));
	ev->perf_args[0] = xstrdup(a);
	ev->perf_args[1] = xstrdup(b);
	ev->nargs = 2;
}

/* A raw event every perf understands, with or without libpfm4. */
static void args_raw(struct event_info *ev)
{
	if (strcmp(ev->perf_pmu, "cpu_core") == 0 && (ev->config & ~0xffffull) == 0) {
		char *e = xasprintf("cpu_core/event=0x%02x,umask=0x%02x/k", (unsigned)(ev->config & 0xff),
				    (unsigned)((ev->config >> 8) & 0xff));
		args_set(ev, "-e", e);
		free(e);
	} else if (strcmp(ev->perf_pmu, "cpu_core") == 0) {
		char *e = xasprintf("cpu_core/config=0x%llx/k", (unsigned long long)ev->config);
		args_set(ev, "-e", e);
		free(e);
	} else {
		char *e = xasprintf("r%llx:k", (unsigned long long)ev->config);
		args_set(ev, "-e", e);
		free(e);
	}
}

static enum kfdo_vendor vendor_of_table(const char *table, enum kfdo_vendor fallback)
{
	if (!table)
		return fallback;
	return strncasecmp(table, "amd64", 5) == 0 ? CPU_AMD : CPU_INTEL;
}

int event_resolve(struct event_info *ev, const struct event_query *q)
{
	memset(ev, 0, sizeof(*ev));
	const struct cpu_info *cpu = q->cpu;
	const struct uarch *u = cpu ? cpu->uarch : NULL;
	ev->perf_pmu = xstrdup(q->hybrid ? "cpu_core" : "cpu");
	pfm_init(q->force_pmu);

	/* Which libpfm4 table describes this CPU, and would libpfm4 pick it itself? */
	const char *table = NULL;
	if (q->force_pmu) {
		table = pfm_ready ? pfm_table(q->force_pmu) : NULL;
		ev->libpfm_active = table != NULL;
	} else if (pfm_ready && q->live && (table = pfm_detected()) != NULL) {
		ev->libpfm_active = true;
	} else if (pfm_ready && u && u->libpfm_pmu) {
		table = pfm_table(u->libpfm_pmu);
		/* For a dump, predict libpfm4's own detection: 4.13 misses Ryzen 7000.
		 * An unknown release counts as old: the raw encoding works either way. */
		int major, minor;
		bool old = libpfm_release(&major, &minor) < 0 || major < 4 || (major == 4 && minor <= 13);
		ev->libpfm_active = table && !q->live && (old ? u->libpfm413_detects : true);
	}

	enum kfdo_vendor vendor = vendor_of_table(table, cpu ? cpu->vendor : CPU_OTHER);
	static const char *const amd_events[] = { "RETIRED_TAKEN_BRANCH_INSTRUCTIONS", NULL };
	/* NEAR_TAKEN on big cores since Sandy Bridge, ALL_TAKEN_BRANCHES on Silvermont and
	 * Goldmont, TAKEN on Core 2 and Bonnell; Nehalem, Westmere, Knights and Tremont
	 * tables have no retired-taken event at all. */
	static const char *const intel_events[] = { "BR_INST_RETIRED:NEAR_TAKEN",
						     "BR_INST_RETIRED:ALL_TAKEN_BRANCHES",
						     "BR_INST_RETIRED:TAKEN", NULL };
	const char *const *names = vendor == CPU_AMD ? amd_events : vendor == CPU_INTEL ? intel_events : NULL;

	if (table && names) {
		for (size_t i = 0; names[i]; i++) {
			if (pfm_encode(table, names[i], &ev->config)) {
				ev->source = EVENT_LIBPFM;
				ev->name = xstrdup(names[i]);
				ev->pmu = xstrdup(table);
				break;
			}
		}
		if (!ev->source)
			ev->note = xasprintf(_("libpfm4's %s table has no retired-taken-branch event"), table);
	}

	/* The table stands in only where libpfm4 has no table for the CPU at all: where
	 * its table lacks the event, the CPU lacks it too. */
	if (!ev->source && !q->force_pmu && cpu && !table) {
		bool atom = u && u->atom;
		bool fits = cpu->vendor == CPU_AMD ? cpu->family >= 0x19 : cpu->vendor == CPU_INTEL && cpu->family == 6;
		for (size_t i = 0; fits && !ev->source && i < ARRAY_LEN(table_events); i++) {
			const struct table_event *t = &table_events[i];
			if (t->vendor != cpu->vendor || t->atom != atom)
				continue;
			ev->source = EVENT_TABLE;
			ev->name = xstrdup(t->name);
			ev->pmu = xstrdup(ev->perf_pmu);
			ev->config = t->event | (t->umask << 8);
			ev->table_source = t->source;
			free(ev->note);
			ev->note = xasprintf(_("libpfm4 %s has no PMU table for %s: using kfdo's encoding"),
					     event_libpfm_version(), u ? u->name : cpu->codename);
		}
	}

	if (!ev->source) {
		if (!ev->note)
			ev->note = q->force_pmu && !table
					   ? xasprintf(_("libpfm4 has no core PMU named '%s'"), q->force_pmu)
					   : xstrdup(_("no retired-taken-branch event is known for this CPU"));
		return -1;
	}

	if (ev->source == EVENT_LIBPFM && ev->libpfm_active && q->perf_libpfm == 1) {
		char *a = xasprintf("%s:k", ev->name);
		args_set(ev, "--pfm-events", a);
		free(a);
	} else {
		args_raw(ev);
		if (ev->source == EVENT_LIBPFM && !ev->libpfm_active && !ev->note)
			ev->note = xasprintf(_("libpfm4 %s does not detect this CPU as %s, so the how-to's --pfm-events "
					       "line fails here; the raw encoding needs no libpfm4"),
					     event_libpfm_version(), ev->pmu);
	}
	return 0;
}

void event_info_free(struct event_info *ev)
{
	free(ev->name);
	free(ev->pmu);
	free(ev->perf_pmu);
	free(ev->note);
	for (size_t i = 0; i < ev->nargs; i++)
		free(ev->perf_args[i]);
	free(ev->perf_args);
	memset(ev, 0, sizeof(*ev));
}
