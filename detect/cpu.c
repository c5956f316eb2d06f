#include "detect/cpu.h"

#include <cpuid.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libcpuid/libcpuid.h>

#include "base/i18n.h"
#include "base/util.h"
#include "detect/cpudump.h"
#include "proc/spawn.h"

#define EAX 0
#define EBX 1
#define ECX 2
#define EDX 3

/* libcpuid prints warnings to stderr by default: they would scribble over the TUI. */
static void quiet_warn(const char *msg)
{
	(void)msg;
}

static void libcpuid_quiet(void)
{
	cpuid_set_warn_function(quiet_warn);
}

const char *branch_sampling_id(enum branch_sampling bs)
{
	switch (bs) {
	case BS_INTEL_LBR: return "intel_lbr";
	case BS_INTEL_ARCH_LBR: return "intel_arch_lbr";
	case BS_AMD_BRS: return "amd_brs";
	case BS_AMD_LBR_V2: return "amd_lbr_v2";
	case BS_UNKNOWN: return "unknown";
	case BS_NONE: break;
	}
	return "none";
}

const char *branch_sampling_label(enum branch_sampling bs)
{
	switch (bs) {
	case BS_INTEL_LBR: return "Intel LBR";
	case BS_INTEL_ARCH_LBR: return "Intel arch LBR";
	case BS_AMD_BRS: return "AMD BRS";
	case BS_AMD_LBR_V2: return "AMD LbrExtV2";
	case BS_UNKNOWN: return _("unknown");
	case BS_NONE: break;
	}
	return _("none");
}

const char *cpu_vendor_name(const struct cpu_info *cpu)
{
	switch (cpu->vendor) {
	case CPU_INTEL: return "Intel";
	case CPU_AMD: return "AMD";
	case CPU_OTHER: break;
	}
	return cpu->vendor_str[0] ? cpu->vendor_str : "unknown";
}

static void set_reason(struct cpu_info *cpu, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_reason(struct cpu_info *cpu, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(cpu->reason);
	cpu->reason = xvasprintf(fmt, ap);
	va_end(ap);
}

static bool bit(const struct cpu_regs *r, int reg, int b)
{
	return r->valid && (r->r[reg] >> b) & 1u;
}

static void classify_intel(struct cpu_info *cpu)
{
	const struct uarch *u = cpu->uarch;
	/* CPUID.(EAX=07H,ECX=0):EDX[19]: the kernel uses arch LBR whenever it is set. */
	if (bit(&cpu->leaf7, EDX, 19)) {
		cpu->branch_sampling = BS_INTEL_ARCH_LBR;
		set_reason(cpu, _("architectural LBR (CPUID 7.0 EDX[19])"));
		return;
	}
	if (cpu->family == 6 && u && u->legacy_lbr) {
		cpu->branch_sampling = BS_INTEL_LBR;
		set_reason(cpu, _("%s has a legacy LBR the kernel drives"), u->name);
		return;
	}
	cpu->branch_sampling = BS_NONE;
	if (cpu->hypervisor)
		set_reason(cpu, _("this virtual CPU reports no LBR: the hypervisor hides it "
				  "(KVM passes a legacy LBR only with lbr-fmt, never arch LBR)"));
	else if (u)
		set_reason(cpu, _("%s reports no architectural LBR and has no legacy LBR the kernel drives"), u->name);
	else
		set_reason(cpu, _("Intel family %d model 0x%02x: no architectural LBR bit, and not a model "
				  "the kernel drives a legacy LBR on"), cpu->family, cpu->model);
}

static void classify_amd(struct cpu_info *cpu)
{
	const char *name = cpu->uarch ? cpu->uarch->name : "this CPU";
	/* The kernel tries LbrExtV2 first, then BRS; they are exclusive. amd_pmu_lbr_init()
	 * needs PerfMonV2 (EAX[0]) as well as LbrExtV2 (EAX[1]). */
	if (bit(&cpu->ext22, EAX, 1) && bit(&cpu->ext22, EAX, 0)) {
		cpu->branch_sampling = BS_AMD_LBR_V2;
		cpu->lbr_freeze = bit(&cpu->ext22, EAX, 2) ? 1 : 0;
		set_reason(cpu, _("%s: LbrExtV2 (CPUID 0x80000022 EAX[1])"), name);
		return;
	}
	if (cpu->family == 0x19 && bit(&cpu->ext8, EBX, 31)) {
		cpu->branch_sampling = BS_AMD_BRS;
		set_reason(cpu, _("%s: Branch Sampling (BRS, CPUID 0x80000008 EBX[31])"), name);
		return;
	}
	cpu->branch_sampling = BS_NONE;
	if (cpu->family < 0x19)
		set_reason(cpu, _("AMD CPUs before Zen 3 (this is family %xh, %s) have no branch sampling hardware"),
			   cpu->family, name);
	else if (cpu->hypervisor)
		set_reason(cpu, _("this virtual CPU reports neither LbrExtV2 nor BRS: KVM advertises "
				  "neither to guests"));
	else if (cpu->uarch && strcmp(cpu->uarch->name, "Zen 3") == 0)
		set_reason(cpu, _("this Zen 3 CPU does not set the BRS bit (CPUID 0x80000008 EBX[31]); of "
				  "Zen 3 parts, only EPYC 7003 (Milan) are known to have BRS"));
	else if (bit(&cpu->ext22, EAX, 1))
		set_reason(cpu, _("CPUID reports LbrExtV2 but not PerfMonV2 (0x80000022 EAX[0]), which the "
				  "kernel's LbrExtV2 driver needs"));
	else
		set_reason(cpu, _("CPUID reports neither LbrExtV2 (0x80000022 EAX[1]) nor BRS (0x80000008 EBX[31])"));
}

void cpu_classify(struct cpu_info *cpu)
{
	cpu->lbr_freeze = -1;
	cpu->branch_sampling = BS_NONE;
	cpu->uarch = uarch_lookup(cpu->vendor, cpu->family, cpu->model);
	if (cpu->missing_leaf) {
		cpu->branch_sampling = BS_UNKNOWN;
		set_reason(cpu, _("the dump lacks leaf 0x%x, which says what this CPU has (the dump was cut short, "
				  "or saved by a cpuid_tool that stops before that leaf)"), cpu->missing_leaf);
	} else if (cpu->vendor == CPU_INTEL)
		classify_intel(cpu);
	else if (cpu->vendor == CPU_AMD)
		classify_amd(cpu);
	else
		set_reason(cpu, _("kfdo knows branch sampling on Intel and AMD only (this CPU: %s)"),
			   cpu->vendor_str[0] ? cpu->vendor_str : "unknown");
}

/* Index of the first performance core in a hybrid dump (CPUID 0x1A EAX[31:24] 0x40 = Core),
 * or 0: the last logical CPU of a 12900K dump is an E-core. */
static size_t perf_core_index(const struct cpu_raw_data_array_t *arr)
{
	for (logical_cpu_t i = 0; i < arr->num_raw; i++) {
		const struct cpu_raw_data_t *r = &arr->raw[i];
		if (r->basic_cpuid[0][EAX] >= 0x1a && (r->basic_cpuid[0x1a][EAX] >> 24) == 0x40)
			return i;
	}
	return 0;
}

static void copy_trimmed(char *dst, size_t n, const char *src)
{
	char *t = xstrdup(src);
	snprintf(dst, n, "%s", str_trim(t));
	free(t);
}

static int identify_all(struct cpu_info *cpu, struct cpu_raw_data_array_t *arr)
{
	struct system_id_t sys;
	memset(&sys, 0, sizeof(sys));
	if (cpu_identify_all(arr, &sys) != 0)
		return -1;
	cpu->ncore_types = sys.num_cpu_types;
	cpu->logical_cpus = 0;
	for (int t = 0; t < sys.num_cpu_types && t < (int)ARRAY_LEN(cpu->cores); t++) {
		snprintf(cpu->cores[t].purpose, sizeof(cpu->cores[t].purpose), "%s",
			 cpu_purpose_str(sys.cpu_types[t].purpose));
		cpu->cores[t].logical_cpus = sys.cpu_types[t].num_logical_cpus;
		cpu->logical_cpus += sys.cpu_types[t].num_logical_cpus;
	}
	cpuid_free_system_id(&sys);
	return 0;
}

struct identify_call {
	struct cpu_raw_data_array_t *arr;
	int fd;
};

/* In the child: the core types, written whole to the pipe. Signals are at
 * their defaults there, so a crash kills it rather than a handler inherited
 * from the TUI or a test runner catching it. */
static int identify_child(void *p)
{
	struct identify_call *c = p;
	struct cpu_info out;
	memset(&out, 0, sizeof(out));
	int ok = identify_all(&out, c->arr) == 0;
	ssize_t w = ok ? write(c->fd, &out, sizeof(out)) : 0;
	return ok && w == (ssize_t)sizeof(out) ? 0 : 1;
}

/* The hybrid core types. For a dump it runs in a child: libcpuid 0.6.2 crashes on
 * some sparse dumps inside cpu_identify_all, and a bad file must not kill kfdo. */
static int core_types(struct cpu_info *cpu, struct cpu_raw_data_array_t *arr, bool isolate)
{
	if (!isolate)
		return identify_all(cpu, arr);
	int fds[2];
	if (spawn_pipe(fds) < 0)
		return -1;
	struct identify_call call = { arr, fds[1] };
	struct spawn_spec spec = { .err = SPAWN_IO_INHERIT, .keep_fd = fds[1] };
	pid_t pid;
	if (spawn_fork(&pid, &spec, identify_child, &call, NULL) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	struct cpu_info got;
	ssize_t n;
	do
		n = read(fds[0], &got, sizeof(got));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(got) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	cpu->ncore_types = got.ncore_types;
	cpu->logical_cpus = got.logical_cpus;
	memcpy(cpu->cores, got.cores, sizeof(cpu->cores));
	return 0;
}

/* Fills identity and the leaves libcpuid keeps; ext22 is the caller's. */
static int cpu_from_raw(struct cpu_info *cpu, struct cpu_raw_data_array_t *arr, bool isolate, size_t *core,
			char **cause)
{
	if (arr->num_raw == 0) {
		cause_set(cause, _("no CPU data"));
		return -EINVAL;
	}
	size_t idx = perf_core_index(arr);
	struct cpu_raw_data_t *raw = &arr->raw[idx];
	struct cpu_id_t id;
	memset(&id, 0, sizeof(id));
	if (cpu_identify(raw, &id) != 0) {
		cause_set(cause, _("libcpuid cannot identify the CPU: %s"), cpuid_error());
		return -EINVAL;
	}
	/* Core types need several CPUs; with one, cpu_identify_all only risks libcpuid
	 * 0.6.2's crash on a sparse dump (x2APIC ids it does not expect). */
	if (arr->num_raw > 1 && core_types(cpu, arr, isolate) == 0) {
		/* filled in */
	} else {
		cpu->ncore_types = 1;
		cpu->logical_cpus = id.num_logical_cpus;
		snprintf(cpu->cores[0].purpose, sizeof(cpu->cores[0].purpose), "general");
		cpu->cores[0].logical_cpus = id.num_logical_cpus;
	}

	snprintf(cpu->vendor_str, sizeof(cpu->vendor_str), "%s", id.vendor_str);
	cpu->vendor = id.vendor == VENDOR_INTEL ? CPU_INTEL : id.vendor == VENDOR_AMD ? CPU_AMD : CPU_OTHER;
	copy_trimmed(cpu->brand, sizeof(cpu->brand), id.brand_str);
	/* libcpuid's family/model are the base values (Zen reads as 15). */
	cpu->family = id.ext_family;
	cpu->model = id.ext_model;
	cpu->stepping = id.stepping;
	snprintf(cpu->codename, sizeof(cpu->codename), "%s", id.cpu_codename);

	cpu->max_basic = raw->basic_cpuid[0][EAX];
	cpu->max_ext = raw->ext_cpuid[0][EAX];
	cpu->hypervisor = (raw->basic_cpuid[1][ECX] >> 31) & 1u;
	/* Old dumps hold junk past the maximum leaf: trust a leaf only below it. */
	if (cpu->max_basic >= 7 && cpu->max_basic < 0x1000) {
		memcpy(cpu->leaf7.r, raw->basic_cpuid[7], sizeof(cpu->leaf7.r));
		cpu->leaf7.valid = true;
	}
	if (cpu->max_ext >= 0x80000008u && cpu->max_ext < 0x80001000u) {
		memcpy(cpu->ext8.r, raw->ext_cpuid[8], sizeof(cpu->ext8.r));
		cpu->ext8.valid = true;
	}
	cpu->hybrid = cpu->ncore_types > 1 || bit(&cpu->leaf7, EDX, 15);
	if (cpu->max_basic >= 0x1a && cpu->max_basic < 0x1000) {
		uint32_t kind = raw->basic_cpuid[0x1a][EAX] >> 24;
		cpu->core_kind = kind == 0x40 ? "core" : kind == 0x20 ? "atom" : NULL;
	}
	*core = idx;
	return 0;
}

/* brand_known: the dump has the brand string leaves. Without them libcpuid
 * guesses the brand part of its codename ("Ryzen 9 (Raphael)" for a 7700X):
 * only the part in parentheses, which comes from the model, is kept. */
static void fix_codename(struct cpu_info *cpu, bool brand_known)
{
	char *open = strchr(cpu->codename, '(');
	if (!brand_known && open) {
		char *inner = xstrdup(open + 1);
		inner[strcspn(inner, ")")] = '\0';
		snprintf(cpu->codename, sizeof(cpu->codename), "%s", inner);
		free(inner);
	}
	const struct uarch *u = uarch_lookup(cpu->vendor, cpu->family, cpu->model);
	if (!u || !u->codename)
		return;
	/* libcpuid 0.6.2 names a 9950X "Ryzen 9 (Rembrandt)": keep its brand part, fix the rest. */
	open = strchr(cpu->codename, '(');
	if (open && open > cpu->codename) {
		char *prefix = xasprintf("%.*s", (int)(open - cpu->codename), cpu->codename);
		snprintf(cpu->codename, sizeof(cpu->codename), "%s(%s)", prefix, u->codename);
		free(prefix);
	} else {
		snprintf(cpu->codename, sizeof(cpu->codename), "%s", u->codename);
	}
}

/* The first leaf the verdict reads that the dump lacks, 0 when none: a dump
 * cut short, or one saved by an older cpuid_tool (libcpuid's stop at
 * 0x8000001F) from a CPU that reports more. */
static uint32_t dump_missing_leaf(const struct cpu_info *cpu, const struct cpudump *d, size_t i)
{
	uint32_t r[4];
	if (cpu->vendor == CPU_INTEL)
		return cpu->max_basic >= 7 && cpu->max_basic < 0x1000 && !cpudump_get(d, i, 7, 0, r) ? 7 : 0;
	/* Before Zen 3 the family alone says there is nothing to read. */
	if (cpu->vendor != CPU_AMD || cpu->family < 0x19)
		return 0;
	if (!cpudump_get(d, i, 0x80000000u, 0, r))
		return 0x80000000u;
	bool sane = cpu->max_ext < 0x80001000u;
	if (sane && cpu->max_ext >= 0x80000022u && !cpudump_get(d, i, 0x80000022u, 0, r))
		return 0x80000022u;
	/* BRS is read only without LbrExtV2, and only on family 19h. */
	bool lbr_v2 = bit(&cpu->ext22, EAX, 1) && bit(&cpu->ext22, EAX, 0);
	if (!lbr_v2 && cpu->family == 0x19 && sane && cpu->max_ext >= 0x80000008u &&
	    !cpudump_get(d, i, 0x80000008u, 0, r))
		return 0x80000008u;
	return 0;
}

int cpu_read_dump(struct cpu_info *cpu, const char *path, char **cause)
{
	memset(cpu, 0, sizeof(*cpu));
	cpu->from_dump = true;
	libcpuid_quiet();
	struct cpudump d;
	int r = cpudump_load(&d, path, cause);
	if (r < 0)
		return r;

	/* libcpuid reads files only: give it the normalized dump through a memfd. */
	int fd = memfd_create("kfdo-cpuid", MFD_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		cause_set(cause, "memfd_create: %s", strerror(errno));
		cpudump_free(&d);
		return r;
	}
	size_t len = strlen(d.normalized);
	if (write(fd, d.normalized, len) != (ssize_t)len) {
		r = -EIO;
		cause_set(cause, _("cannot stage the dump for libcpuid"));
		close(fd);
		cpudump_free(&d);
		return r;
	}
	char *fdpath = xasprintf("/proc/self/fd/%d", fd);
	struct cpu_raw_data_array_t arr;
	memset(&arr, 0, sizeof(arr));
	size_t core = 0;
	if (cpuid_deserialize_all_raw_data(&arr, fdpath) != 0 || arr.num_raw == 0) {
		cause_set(cause, _("%s: libcpuid cannot read this dump: %s"), path, cpuid_error());
		r = -EINVAL;
	} else {
		r = cpu_from_raw(cpu, &arr, true, &core, cause);
	}
	free(fdpath);
	close(fd);
	cpuid_free_raw_data_array(&arr);
	if (r == 0) {
		/* Leaf 7 and 0x80000022 straight from the dump lines of the chosen core. */
		uint32_t regs[4];
		size_t ci = d.legacy ? 0 : core;
		if (cpu->leaf7.valid && cpudump_get(&d, ci, 7, 0, regs))
			memcpy(cpu->leaf7.r, regs, sizeof(regs));
		if (cpu->max_ext >= 0x80000022u && cpu->max_ext < 0x80001000u &&
		    cpudump_get(&d, ci, 0x80000022u, 0, regs)) {
			memcpy(cpu->ext22.r, regs, sizeof(regs));
			cpu->ext22.valid = true;
		}
		bool brand = cpudump_get(&d, ci, 0x80000002u, 0, regs) && cpudump_get(&d, ci, 0x80000004u, 0, regs);
		fix_codename(cpu, brand);
		cpu->missing_leaf = dump_missing_leaf(cpu, &d, ci);
		cpu_classify(cpu);
	}
	cpudump_free(&d);
	return r;
}

int cpu_read_live(struct cpu_info *cpu, char **cause)
{
	memset(cpu, 0, sizeof(*cpu));
	libcpuid_quiet();
	if (!cpuid_present()) {
		cause_set(cause, _("this CPU has no cpuid instruction"));
		return -ENOTSUP;
	}
	struct cpu_raw_data_array_t arr;
	memset(&arr, 0, sizeof(arr));
	/* All logical CPUs, to see hybrid core types; one CPU when affinity is restricted.
	 * libcpuid 0.6.2 pins the process to each CPU in turn and leaves it on the last:
	 * every build kfdo started afterwards ran on one core. Put the mask back. */
	cpu_set_t mask;
	bool have_mask = sched_getaffinity(0, sizeof(mask), &mask) == 0;
	int got = cpuid_get_all_raw_data(&arr);
	if (have_mask)
		sched_setaffinity(0, sizeof(mask), &mask);
	if (got != 0 || arr.num_raw == 0) {
		cpuid_free_raw_data_array(&arr);
		memset(&arr, 0, sizeof(arr));
		arr.raw = xcalloc(1, sizeof(*arr.raw));
		arr.num_raw = 1;
		if (cpuid_get_raw_data(&arr.raw[0]) != 0) {
			cause_set(cause, _("cannot read CPUID: %s"), cpuid_error());
			free(arr.raw);
			return -EIO;
		}
		size_t core;
		int r = cpu_from_raw(cpu, &arr, false, &core, cause);
		free(arr.raw);
		if (r < 0)
			return r;
	} else {
		size_t core;
		int r = cpu_from_raw(cpu, &arr, false, &core, cause);
		cpuid_free_raw_data_array(&arr);
		if (r < 0)
			return r;
	}
	if (cpu->max_ext >= 0x80000022u && cpu->max_ext < 0x80001000u) {
		unsigned a, b, c, d;
		__cpuid_count(0x80000022u, 0, a, b, c, d);
		cpu->ext22.r[EAX] = a, cpu->ext22.r[EBX] = b, cpu->ext22.r[ECX] = c, cpu->ext22.r[EDX] = d;
		cpu->ext22.valid = true;
	}
	fix_codename(cpu, true);
	cpu_classify(cpu);
	return 0;
}

void cpu_info_free(struct cpu_info *cpu)
{
	free(cpu->reason);
	cpu->reason = NULL;
}
