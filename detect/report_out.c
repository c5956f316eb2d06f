/* The detect report as JSON (the fields DESIGN.md documents stay stable) and
 * as a table for people. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"
#include "detect/report.h"

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *cpu_json(const struct detect_report *r)
{
	if (!r->cpu_ok)
		return NULL;
	const struct cpu_info *c = &r->cpu;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "vendor", json_object_new_string(cpu_vendor_name(c)));
	json_object_object_add(o, "family", json_object_new_int(c->family));
	json_object_object_add(o, "model", json_object_new_int(c->model));
	json_object_object_add(o, "stepping", json_object_new_int(c->stepping));
	json_object_object_add(o, "brand", json_object_new_string(c->brand));
	json_object_object_add(o, "codename", json_object_new_string(c->codename));
	json_object_object_add(o, "uarch", str_or_null(c->uarch ? c->uarch->name : NULL));
	json_object_object_add(o, "hypervisor", json_object_new_boolean(c->hypervisor));
	json_object_object_add(o, "hybrid", json_object_new_boolean(c->hybrid));
	json_object_object_add(o, "core_kind", str_or_null(c->core_kind));
	json_object *types = json_object_new_array();
	for (int i = 0; i < c->ncore_types && i < (int)ARRAY_LEN(c->cores); i++) {
		json_object *t = json_object_new_object();
		json_object_object_add(t, "purpose", json_object_new_string(c->cores[i].purpose));
		json_object_object_add(t, "logical_cpus", json_object_new_int(c->cores[i].logical_cpus));
		json_object_array_add(types, t);
	}
	json_object_object_add(o, "core_types", types);
	json_object_object_add(o, "branch_sampling", json_object_new_string(branch_sampling_id(c->branch_sampling)));
	json_object_object_add(o, "lbr_freeze", c->lbr_freeze < 0 ? NULL : json_object_new_boolean(c->lbr_freeze));
	json_object_object_add(o, "reason", str_or_null(c->reason));
	return o;
}

static json_object *long_or_null(bool known, long v)
{
	return known ? json_object_new_int64(v) : NULL;
}

static json_object *kernel_json(const struct kernel_info *k)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "release", str_or_null(k->release));
	json_object_object_add(o, "pmu", str_or_null(k->pmu));
	json_object_object_add(o, "pmu_name", str_or_null(k->pmu_name));
	json_object_object_add(o, "branch_stack", json_object_new_boolean(k->branch_stack));
	json_object_object_add(o, "lbr_depth", json_object_new_int64(k->lbr_depth));
	json_object_object_add(o, "perf_event_paranoid", long_or_null(k->paranoid_known, k->perf_event_paranoid));
	json_object_object_add(o, "kptr_restrict", long_or_null(k->kptr_known, k->kptr_restrict));
	json_object *flags = json_object_new_array();
	static const char *const names[] = { "hypervisor", "arch_lbr", "amd_lbr_v2", "brs", "amd_lbr_pmc_freeze",
					     "perfmon_v2" };
	const bool set[] = { k->flag_hypervisor, k->flag_arch_lbr, k->flag_amd_lbr_v2, k->flag_brs,
			     k->flag_lbr_freeze, k->flag_perfmon_v2 };
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (set[i])
			json_object_array_add(flags, json_object_new_string(names[i]));
	json_object_object_add(o, "cpuinfo_flags", flags);
	return o;
}

static json_object *event_json(const struct detect_report *r)
{
	const struct event_info *e = &r->event;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", str_or_null(r->event_ok ? e->name : NULL));
	json_object_object_add(o, "pmu", str_or_null(r->event_ok ? e->pmu : NULL));
	json_object *args = json_object_new_array();
	for (size_t i = 0; r->event_ok && i < e->nargs; i++)
		json_object_array_add(args, json_object_new_string(e->perf_args[i]));
	json_object_object_add(o, "perf_args", args);
	json_object_object_add(o, "source", json_object_new_string(!r->event_ok ? "none"
								  : e->source == EVENT_LIBPFM ? "libpfm4" : "table"));
	if (r->event_ok) {
		char cfg[32];
		snprintf(cfg, sizeof(cfg), "0x%llx", (unsigned long long)e->config);
		json_object_object_add(o, "config", json_object_new_string(cfg));
		json_object_object_add(o, "perf_pmu", json_object_new_string(e->perf_pmu));
	}
	json_object_object_add(o, "libpfm_active", json_object_new_boolean(r->event_ok && e->libpfm_active));
	json_object_object_add(o, "libpfm_version", json_object_new_string(event_libpfm_version()));
	json_object_object_add(o, "note", str_or_null(e->note));
	json_object_object_add(o, "table_source", str_or_null(e->table_source));
	return o;
}

json_object *checks_to_json(const struct check_list *list)
{
	json_object *checks = json_object_new_array();
	for (size_t i = 0; i < list->n; i++) {
		const struct check *c = &list->v[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "id", json_object_new_string(c->id));
		json_object_object_add(j, "status", json_object_new_string(check_status_name(c->status)));
		json_object_object_add(j, "message", json_object_new_string(c->message));
		json_object_object_add(j, "remedy", str_or_null(c->remedy));
		json_object_array_add(checks, j);
	}
	return checks;
}

json_object *detect_to_json(const struct detect_report *r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "cpu", cpu_json(r));
	json_object_object_add(o, "kernel", kernel_json(&r->kernel));
	json_object_object_add(o, "event", event_json(r));
	json_object *perf = json_object_new_object();
	json_object_object_add(perf, "path", str_or_null(r->perf.path));
	json_object_object_add(perf, "version", str_or_null(r->perf.version));
	json_object_object_add(perf, "libpfm", r->perf.libpfm < 0 ? NULL : json_object_new_boolean(r->perf.libpfm));
	json_object_object_add(o, "perf", perf);
	json_object_object_add(o, "checks", checks_to_json(&r->checks));
	json_object_object_add(o, "verdict", json_object_new_string(verdict_name(r->verdict)));
	json_object_object_add(o, "summary", json_object_new_string(r->summary));
	return o;
}

static const char *status_color(enum check_status s)
{
	switch (s) {
	case CHECK_OK: return "\033[32m";
	case CHECK_WARN: return "\033[33m";
	case CHECK_FAIL: return "\033[31m";
	case CHECK_SKIP: break;
	}
	return "\033[2m";
}

void checks_print(FILE *out, const struct check_list *list, bool color)
{
	for (size_t i = 0; i < list->n; i++) {
		const struct check *c = &list->v[i];
		fprintf(out, "  %s%-4s%s  %-26s %s\n", color ? status_color(c->status) : "",
			check_status_name(c->status), color ? "\033[0m" : "", c->id, c->message);
		if (c->remedy && c->status != CHECK_OK)
			fprintf(out, "  %-4s  %-26s -> %s\n", "", "", c->remedy);
	}
}

void detect_print(FILE *out, const struct detect_report *r, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	fprintf(out, "%s%s%s\n\n", bold, _("Can this machine record kernel branch profiles for AutoFDO?"), reset);
	if (r->cpu_ok) {
		const struct cpu_info *c = &r->cpu;
		fprintf(out, "  %-8s %s\n", _("CPU"), c->brand[0] ? c->brand : cpu_vendor_name(c));
		fprintf(out, _("  %-8s family %xh model %xh, %s%s%s, %d logical CPUs%s\n"), "", c->family, c->model,
			c->uarch ? c->uarch->name : "", c->uarch ? ", " : "", c->codename, c->logical_cpus,
			c->hybrid ? _(", hybrid") : "");
	}
	const struct kernel_info *k = &r->kernel;
	fprintf(out, _("  %-8s %s, PMU %s, branch stack %s\n\n"), _("Kernel"), k->release ? k->release : "?",
		k->pmu ? k->pmu : _("none"), k->branch_stack ? _("yes") : _("no"));

	checks_print(out, &r->checks, color);
	fprintf(out, "\n%s%s: %s%s\n", bold, _("Verdict"), _(verdict_name(r->verdict)), reset);
	fprintf(out, "%s\n", r->summary);
	if (r->event_ok && (r->verdict == VERDICT_READY || r->verdict == VERDICT_FIXABLE))
		fprintf(out, "\n%s\n  perf record %s %s -a -N -b -c 500009 -o perf.data -- WORKLOAD\n",
			_("Record with:"), r->event.perf_args[0], r->event.perf_args[1]);
}
