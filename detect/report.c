#include "detect/report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/util.h"

/* Failures no command can fix on this machine make the verdict "unsupported";
 * the others (a sysctl, perf missing, a BIOS update) make it "fixable"; what
 * an incomplete CPUID dump cannot tell makes it "unknown". */
struct tally {
	int hard, fixable, unknown;
	char *first_hard, *first_unknown;
};

static void add(struct detect_report *r, struct tally *t, bool hard, const char *id, enum check_status st,
		const char *remedy, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void add(struct detect_report *r, struct tally *t, bool hard, const char *id, enum check_status st,
		const char *remedy, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	check_add(&r->checks, id, st, remedy, "%s", msg);
	if (st == CHECK_FAIL) {
		if (hard) {
			if (!t->hard++)
				t->first_hard = xstrdup(msg);
		} else {
			t->fixable++;
		}
	}
	free(msg);
}

/* The JSON value as is; people read it through _(). */
const char *verdict_name(enum verdict v)
{
	switch (v) {
	case VERDICT_READY: return N_("ready");
	case VERDICT_FIXABLE: return N_("fixable");
	case VERDICT_UNKNOWN: return N_("unknown");
	case VERDICT_UNSUPPORTED: break;
	}
	return N_("unsupported");
}

static bool is_vm(const struct detect_report *r)
{
	return (r->cpu_ok && r->cpu.hypervisor) || r->kernel.flag_hypervisor;
}

static const char *const VM_REMEDY =
	N_("profile on the host or with PMU passthrough (QEMU/KVM: -cpu host,pmu=on; Intel's legacy LBR "
	   "also needs lbr-fmt, and KVM passes neither arch LBR nor AMD's LBR to guests)");

static void check_cpu(struct detect_report *r, struct tally *t, const char *dump_error)
{
	if (!r->cpu_ok) {
		add(r, t, true, "cpu", CHECK_FAIL,
		    _("give a dump written by libcpuid's cpuid_tool --save=FILE, or run without --cpuid-dump"),
		    _("cannot identify the CPU: %s"), dump_error ? dump_error : "?");
		return;
	}
	const struct cpu_info *c = &r->cpu;
	add(r, t, false, "cpu", CHECK_OK, NULL, _("%s, family %xh model %xh (%s%s%s)%s"),
	    c->brand[0] ? c->brand : cpu_vendor_name(c), c->family, c->model, c->uarch ? c->uarch->name : "",
	    c->uarch ? ", " : "", c->codename, c->hypervisor ? _(", virtual CPU") : "");

	if (c->branch_sampling == BS_UNKNOWN) {
		/* Neither a failure of the machine nor a fix on it: the dump cannot say. */
		check_add(&r->checks, "cpu.branch_sampling", CHECK_FAIL,
			  _("save a complete dump on that machine (cpuid_tool --save=FILE from a libcpuid that keeps "
			    "every leaf the CPU reports), or run kfdo detect there"),
			  _("unknown: %s"), c->reason);
		if (!t->unknown++)
			t->first_unknown = xstrdup(c->reason);
	} else if (c->branch_sampling != BS_NONE) {
		add(r, t, false, "cpu.branch_sampling", CHECK_OK, NULL, "%s: %s",
		    branch_sampling_label(c->branch_sampling), c->reason);
	} else {
		add(r, t, true, "cpu.branch_sampling", CHECK_FAIL,
		    c->hypervisor ? _(VM_REMEDY)
				  : _("record on a machine with Intel LBR (Haswell or newer), AMD Zen 4/Zen 5 "
				      "(LbrExtV2) or AMD EPYC Zen 3 (BRS)"),
		    _("no branch sampling hardware: %s"), c->reason);
	}
	if (c->branch_sampling == BS_AMD_LBR_V2) {
		if (c->lbr_freeze == 1)
			add(r, t, false, "cpu.lbr_freeze", CHECK_OK, NULL,
			    _("LBR PMC freeze present (CPUID 0x80000022 EAX[2]): kernel branch stacks are reliable"));
		else
			add(r, t, false, "cpu.lbr_freeze", CHECK_FAIL,
			    _("update the BIOS (a newer AGESA) or the CPU microcode (Arch: amd-ucode), reboot and "
			      "check again; until then record on another machine"),
			    _("no LBR PMC freeze (CPUID 0x80000022 EAX[2] is 0): the kernel cannot freeze the LBR on "
			      "a PMI, so kernel branch profiles come out bogus or empty"));
	}
}

static void check_kernel(struct detect_report *r, struct tally *t)
{
	const struct kernel_info *k = &r->kernel;
	enum branch_sampling bs = r->cpu_ok ? r->cpu.branch_sampling : BS_NONE;

	if (!k->pmu && k->pmu_dir_errno) {
		/* Unknown, not missing: no kernel rebuild to suggest. */
		add(r, t, false, "kernel.pmu", CHECK_FAIL,
		    _("check that sysfs is mounted at /sys and readable, then check again"),
		    _("cannot read /sys/bus/event_source/devices: %s, so the kernel's PMUs are unknown"),
		    strerror(k->pmu_dir_errno));
		add(r, t, false, "kernel.branch_stack", CHECK_SKIP, NULL, _("the kernel's PMUs are unknown"));
	} else if (!k->pmu) {
		if (is_vm(r))
			add(r, t, true, "kernel.pmu", CHECK_FAIL, _(VM_REMEDY),
			    _("this is a VM whose PMU is not passed through: no hardware PMU (cpu or cpu_core) in "
			      "/sys/bus/event_source/devices"));
		else
			add(r, t, false, "kernel.pmu", CHECK_FAIL,
			    _("boot a kernel with CONFIG_PERF_EVENTS and the PMU driver for this CPU "
			      "(CONFIG_CPU_SUP_INTEL / CONFIG_CPU_SUP_AMD)"),
			    _("the running kernel exposes no hardware PMU (no cpu or cpu_core in "
			      "/sys/bus/event_source/devices)"));
		add(r, t, false, "kernel.branch_stack", CHECK_SKIP, NULL, _("no hardware PMU"));
	} else {
		add(r, t, false, "kernel.pmu", CHECK_OK, NULL, _("hardware PMU '%s'%s%s%s"), k->pmu,
		    k->pmu_name ? " (" : "", k->pmu_name ? k->pmu_name : "", k->pmu_name ? ")" : "");
		if (k->branch_stack) {
			add(r, t, false, "kernel.branch_stack", CHECK_OK, NULL,
			    _("the kernel exposes a %ld-entry branch stack (%s/caps/branches)"), k->lbr_depth, k->pmu);
		} else if (bs == BS_NONE) {
			add(r, t, true, "kernel.branch_stack", CHECK_FAIL, NULL,
			    _("no branch stack: the CPU has no branch sampling hardware"));
		} else if (is_vm(r) && bs != BS_UNKNOWN) {
			add(r, t, true, "kernel.branch_stack", CHECK_FAIL, _(VM_REMEDY),
			    _("the VM's PMU has no branch stack: the hypervisor does not pass %s through"),
			    branch_sampling_label(bs));
		} else if (bs == BS_AMD_LBR_V2 && k->cpuinfo_read && !k->flag_amd_lbr_v2) {
			add(r, t, false, "kernel.branch_stack", CHECK_FAIL,
			    _("boot Linux 6.1 or newer (LbrExtV2 support arrived in 6.1)"),
			    _("the running kernel (%s) does not drive LbrExtV2: no amd_lbr_v2 in /proc/cpuinfo"),
			    k->release ? k->release : "?");
		} else if (bs == BS_INTEL_ARCH_LBR && k->cpuinfo_read && !k->flag_arch_lbr) {
			add(r, t, false, "kernel.branch_stack", CHECK_FAIL,
			    _("boot Linux 5.13 or newer (arch LBR support arrived in 5.13)"),
			    _("the running kernel (%s) does not drive arch LBR: no arch_lbr in /proc/cpuinfo"),
			    k->release ? k->release : "?");
		} else if (bs == BS_AMD_BRS && k->amd_brs_config != 1) {
			add(r, t, false, "kernel.branch_stack", CHECK_FAIL,
			    _("boot a kernel built with CONFIG_PERF_EVENTS_AMD_BRS=y"),
			    _("the running kernel exposes no BRS branch stack%s"),
			    k->amd_brs_config == 0 ? _(": CONFIG_PERF_EVENTS_AMD_BRS is not set") : "");
		} else {
			add(r, t, false, "kernel.branch_stack", CHECK_FAIL,
			    _("boot a recent kernel with the PMU driver for this CPU (Linux 6.1 or newer)"),
			    _("the running kernel exposes no branch stack on PMU '%s' (no caps/branches)"), k->pmu);
		}
	}

	if (!k->cpuinfo_read)
		add(r, t, false, "kernel.cpuinfo", CHECK_WARN, NULL,
		    _("cannot read /proc/cpuinfo: %s, so the CPU flags the running kernel reports (hypervisor, "
		      "amd_lbr_v2, arch_lbr, brs) are unknown"), strerror(k->cpuinfo_errno));

	if (!k->paranoid_known && k->paranoid_text)
		add(r, t, false, "kernel.perf_event_paranoid", CHECK_WARN, NULL,
		    _("%s holds '%.40s', which is not a number"), "/proc/sys/kernel/perf_event_paranoid",
		    k->paranoid_text);
	else if (!k->paranoid_known)
		add(r, t, false, "kernel.perf_event_paranoid", CHECK_WARN, NULL, _("cannot read %s: %s"),
		    "/proc/sys/kernel/perf_event_paranoid", strerror(k->paranoid_errno));
	else if (k->perf_event_paranoid <= 0)
		add(r, t, false, "kernel.perf_event_paranoid", CHECK_OK, NULL, "perf_event_paranoid = %ld",
		    k->perf_event_paranoid);
	else
		add(r, t, false, "kernel.perf_event_paranoid", CHECK_FAIL,
		    _("sudo sysctl kernel.perf_event_paranoid=0   "
		      "(to keep it: echo 'kernel.perf_event_paranoid = 0' | sudo tee /etc/sysctl.d/99-kfdo.conf)"),
		    _("perf_event_paranoid = %ld: recording the kernel system-wide (-a) as a user needs 0 or "
		      "less (or CAP_PERFMON)"),
		    k->perf_event_paranoid);

	if (!k->kptr_known && k->kptr_text)
		add(r, t, false, "kernel.kptr_restrict", CHECK_WARN, NULL, _("%s holds '%.40s', which is not a number"),
		    "/proc/sys/kernel/kptr_restrict", k->kptr_text);
	else if (!k->kptr_known)
		add(r, t, false, "kernel.kptr_restrict", CHECK_WARN, NULL, _("cannot read %s: %s"),
		    "/proc/sys/kernel/kptr_restrict", strerror(k->kptr_errno));
	else if (k->kptr_restrict == 0)
		add(r, t, false, "kernel.kptr_restrict", CHECK_OK, NULL, "kptr_restrict = 0");
	else
		add(r, t, false, "kernel.kptr_restrict", CHECK_FAIL,
		    _("sudo sysctl kernel.kptr_restrict=0   "
		      "(to keep it: echo 'kernel.kptr_restrict = 0' | sudo tee /etc/sysctl.d/99-kfdo.conf)"),
		    _("kptr_restrict = %ld: kernel addresses read as 0, so samples cannot be mapped to vmlinux"),
		    k->kptr_restrict);
}

static void check_event(struct detect_report *r, struct tally *t)
{
	const struct event_info *e = &r->event;
	if (!r->event_ok) {
		add(r, t, true, "event", CHECK_FAIL, NULL, _("no event to record taken branches: %s"),
		    e->note ? e->note : "?");
		return;
	}
	char *args = xasprintf("%s %s", e->perf_args[0], e->perf_args[1]);
	if (e->source == EVENT_TABLE)
		add(r, t, false, "event", CHECK_WARN, NULL, _("%s (config 0x%llx) for %s: %s (source: %s); perf %s"),
		    e->name, (unsigned long long)e->config, e->perf_pmu, e->note, e->table_source, args);
	else if (e->note)
		add(r, t, false, "event", CHECK_WARN, NULL, _("%s on %s (config 0x%llx): %s; perf %s"), e->name, e->pmu,
		    (unsigned long long)e->config, e->note, args);
	else
		add(r, t, false, "event", CHECK_OK, NULL, _("%s on %s (config 0x%llx); perf %s"), e->name, e->pmu,
		    (unsigned long long)e->config, args);
	free(args);

	const struct perf_info *p = &r->perf;
	if (!p->path)
		add(r, t, false, "perf", CHECK_FAIL,
		    _("install perf (Arch: sudo pacman -S perf; Debian/Ubuntu: sudo apt-get install linux-perf)"),
		    _("perf is not on PATH"));
	else if (p->libpfm == 1)
		add(r, t, false, "perf", CHECK_OK, NULL, _("perf %s, built with libpfm4"), p->version ? p->version : "?");
	else
		add(r, t, false, "perf", CHECK_OK, NULL, _("perf %s, %s: kfdo records with the raw event (%s %s), "
							 "which needs no libpfm4"),
		    p->version ? p->version : "?", p->libpfm == 0 ? _("built without libpfm4") : _("libpfm4 unknown"),
		    e->perf_args[0], e->perf_args[1]);
}

int detect_run(struct detect_report *r, const struct detect_opts *o, char **cause)
{
	memset(r, 0, sizeof(*r));
	const char *sysroot = o->sysroot ? o->sysroot : "/";
	char *dump_error = NULL;
	int ret = 0;

	if (o->cpuid_dump)
		ret = cpu_read_dump(&r->cpu, o->cpuid_dump, &dump_error);
	else
		ret = cpu_read_live(&r->cpu, &dump_error);
	r->cpu_ok = ret == 0;
	kernel_read(&r->kernel, sysroot);
	if (o->perf) {
		r->perf.path = o->perf->path ? xstrdup(o->perf->path) : NULL;
		r->perf.version = o->perf->version ? xstrdup(o->perf->version) : NULL;
		r->perf.libpfm = o->perf->libpfm;
	} else {
		perf_probe(&r->perf);
	}

	struct event_query q = {
		.cpu = r->cpu_ok ? &r->cpu : NULL,
		.force_pmu = o->pmu,
		.live = !o->cpuid_dump,
		.perf_libpfm = r->perf.path ? r->perf.libpfm : -1,
		.hybrid = (r->kernel.pmu && strcmp(r->kernel.pmu, "cpu_core") == 0) ||
			  (r->cpu_ok && r->cpu.hybrid),
	};
	r->event_ok = (r->cpu_ok || o->pmu) && event_resolve(&r->event, &q) == 0;

	struct tally t = { 0 };
	check_cpu(r, &t, dump_error);
	check_kernel(r, &t);
	check_event(r, &t);

	if (t.hard) {
		r->verdict = VERDICT_UNSUPPORTED;
		r->summary = xasprintf(_("This machine cannot record kernel branch profiles for AutoFDO: %s."),
				       t.first_hard);
	} else if (t.unknown) {
		r->verdict = VERDICT_UNKNOWN;
		r->summary = xasprintf(_("Whether this machine can record kernel branch profiles is unknown: %s."),
				       t.first_unknown);
	} else if (t.fixable) {
		r->verdict = VERDICT_FIXABLE;
		/* "marked fail", not "listed above": the wizard shows the table below it. */
		r->summary = xasprintf(ngettext("This machine can record kernel branch profiles once the problem "
						"marked fail is fixed.",
						"This machine can record kernel branch profiles once the %d problems "
						"marked fail are fixed.", t.fixable),
				       t.fixable);
	} else {
		r->verdict = VERDICT_READY;
		r->summary = xstrdup(_("This machine can record kernel branch profiles for AutoFDO."));
	}
	free(t.first_hard);
	free(t.first_unknown);
	if (ret < 0)
		cause_set(cause, "%s", dump_error);
	free(dump_error);
	return ret;
}

void detect_report_free(struct detect_report *r)
{
	cpu_info_free(&r->cpu);
	kernel_info_free(&r->kernel);
	perf_info_free(&r->perf);
	event_info_free(&r->event);
	check_list_free(&r->checks);
	free(r->summary);
	memset(r, 0, sizeof(*r));
}
