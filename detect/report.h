/* `kfdo detect`: can this machine record kernel branch profiles for AutoFDO,
 * and if not, why and what to do. Layers: the CPU, the running kernel, the
 * PMU event, perf; each becomes checks with a remedy, then a verdict. */
#ifndef KFDO_REPORT_H
#define KFDO_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "detect/check.h"
#include "detect/cpu.h"
#include "detect/event.h"
#include "detect/kernel.h"
#include "detect/perf.h"

/* UNKNOWN: a CPUID dump too incomplete to say what the CPU can do, and
 * nothing known rules the machine out. */
enum verdict { VERDICT_READY, VERDICT_FIXABLE, VERDICT_UNSUPPORTED, VERDICT_UNKNOWN };

struct detect_opts {
	const char *sysroot;    /* "/" by default */
	const char *cpuid_dump; /* NULL: this CPU */
	const char *pmu;        /* --pmu: a libpfm4 PMU name */
	/* Tests pass a perf probe result instead of running perf; NULL probes PATH. */
	const struct perf_info *perf;
};

struct detect_report {
	bool cpu_ok;
	struct cpu_info cpu;
	struct kernel_info kernel;
	struct perf_info perf;
	bool event_ok;
	struct event_info event;
	struct check_list checks;
	enum verdict verdict;
	char *summary;
};

/* Returns 0, or -errno with a cause when an input (the dump) cannot be read;
 * the report is filled either way and must be freed. */
int detect_run(struct detect_report *r, const struct detect_opts *o, char **cause);
void detect_report_free(struct detect_report *r);

const char *verdict_name(enum verdict v); /* "ready", "fixable", "unsupported", "unknown" */
json_object *detect_to_json(const struct detect_report *r);
/* A check list as a JSON array of {id, status, message, remedy}, and as lines. */
json_object *checks_to_json(const struct check_list *list);
void checks_print(FILE *out, const struct check_list *list, bool color);
void detect_print(FILE *out, const struct detect_report *r, bool color);

#endif
