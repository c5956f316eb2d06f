/* The PMU event that records taken branches for AutoFDO, encoded for this
 * CPU through libpfm4 (or kfdo's own table where libpfm4 has none), and the
 * perf arguments that record it. */
#ifndef KFDO_EVENT_H
#define KFDO_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/cpu.h"

enum event_source { EVENT_NONE = 0, EVENT_LIBPFM, EVENT_TABLE };

struct event_query {
	const struct cpu_info *cpu;
	const char *force_pmu; /* --pmu: a libpfm4 PMU name (LIBPFM_FORCE_PMU) */
	bool live;             /* cpu is this machine: libpfm4's own detection applies */
	int perf_libpfm;       /* perf built with libpfm4: 1, 0, or -1 unknown */
	bool hybrid;           /* record on the cpu_core PMU */
};

struct event_info {
	enum event_source source;
	char *name;         /* libpfm4 spelling: "BR_INST_RETIRED:NEAR_TAKEN" */
	char *pmu;          /* the libpfm4 table, or the perf PMU for a table encoding */
	char *perf_pmu;     /* "cpu" or "cpu_core" */
	bool libpfm_active; /* libpfm4 detects that table on this CPU: --pfm-events works */
	uint64_t config;    /* raw event config (event | umask << 8 ...) */
	char **perf_args;   /* NULL-terminated */
	size_t nargs;
	char *note;         /* why a fallback was used, or why nothing was found */
	const char *table_source; /* where a table encoding comes from */
};

/* Validates a --pmu name against the installed libpfm4; false with a cause. */
bool event_pmu_known(const char *name, char **cause);
int event_resolve(struct event_info *ev, const struct event_query *q);
void event_info_free(struct event_info *ev);
/* "4.13" */
const char *event_libpfm_version(void);

#endif
