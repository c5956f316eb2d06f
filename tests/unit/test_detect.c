/* kfdo detect on real CPUID dumps crossed with fixture sysroots. */
#include "tests/unit/testlib.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "detect/cpudump.h"
#include "detect/report.h"

#define DUMP(name) CPUID_FIXTURES "/" name
#define ROOT(name) FIXTURES "/sysroot/" name

static const char *ZEN2 = DUMP("amd_zen2_amd-ryzen-7-3700x-8-core-processor.test");
static const char *ZEN3 = DUMP("amd_zen3_amd-ryzen-9-5900x-12-core-processor.test");
static const char *ZEN3_AFFMASK = DUMP("amd_zen3_amd-ryzen-9-5950x-16-core-processor.test");
static const char *ZEN4_NOFREEZE = DUMP("amd_zen4_amd-ryzen-7-7700x-8-core-processor.test");
static const char *ZEN4 = DUMP("amd_zen4_amd-ryzen-7-7800x3d-8-core-processor.test");
static const char *ZEN5 = DUMP("amd_zen5_amd-ryzen-9-9950x-16-core-processor.test");
static const char *QEMU = DUMP("intel_qemu_qemu-virtual-cpu-version.test");
static const char *ADL_P = DUMP("intel_x86-64_golden-cove_12th-gen-intel-core-i3-1220p.test");
static const char *ADL_S = DUMP("intel_x86-64_golden-cove_12th-gen-intel-core-i9-12900k.test");
static const char *HSW = DUMP("intel_x86-64_haswell_intel-core-i3-4130-cpu.test");
static const char *CFL = DUMP("intel_x86-64_skylake_intel-cc150-cpu.test");
static const char *MILAN = DUMP("synthetic_amd_zen3_epyc-milan-brs.test");

static const struct perf_info PERF_NO_PFM = { (char *)"/usr/bin/perf", (char *)"6.1.187", 0 };
static const struct perf_info PERF_PFM = { (char *)"/usr/bin/perf", (char *)"6.12.4", 1 };
static const struct perf_info PERF_MISSING = { NULL, NULL, -1 };

static void run(struct detect_report *r, const char *dump, const char *root, const struct perf_info *perf)
{
	struct detect_opts o = { .sysroot = root, .cpuid_dump = dump, .perf = perf };
	char *cause = NULL;
	int ret = detect_run(r, &o, &cause);
	if (ret != 0)
		fail_msg("detect_run(%s, %s): %s", dump, root, cause);
}

static const struct check *chk(const struct detect_report *r, const char *id)
{
	const struct check *c = check_find(&r->checks, id);
	if (!c)
		fail_msg("no check '%s'", id);
	return c;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!hay || !strstr(hay, needle))
		fail_msg("'%s' does not contain '%s'", hay ? hay : "(null)", needle);
}

/* Identity and branch sampling from every real dump. */
static void test_dumps_identify(void **state)
{
	(void)state;
	static const struct {
		const char **dump;
		enum kfdo_vendor vendor;
		int family, model;
		enum branch_sampling bs;
		int freeze;
		const char *codename;
		bool hybrid;
	} cases[] = {
		{ &ZEN2, CPU_AMD, 0x17, 0x71, BS_NONE, -1, "Matisse", false },
		{ &ZEN3, CPU_AMD, 0x19, 0x21, BS_NONE, -1, "Vermeer", false },
		{ &ZEN3_AFFMASK, CPU_AMD, 0x19, 0x21, BS_NONE, -1, "Vermeer", false },
		{ &ZEN4_NOFREEZE, CPU_AMD, 0x19, 0x61, BS_AMD_LBR_V2, 0, "Raphael", false },
		{ &ZEN4, CPU_AMD, 0x19, 0x61, BS_AMD_LBR_V2, 1, "Raphael", false },
		{ &ZEN5, CPU_AMD, 0x1a, 0x44, BS_AMD_LBR_V2, 1, "Granite Ridge", false },
		{ &QEMU, CPU_INTEL, 6, 0x0d, BS_NONE, -1, "", false },
		{ &ADL_P, CPU_INTEL, 6, 0x9a, BS_INTEL_ARCH_LBR, -1, "Alder Lake-P", true },
		{ &ADL_S, CPU_INTEL, 6, 0x97, BS_INTEL_ARCH_LBR, -1, "Alder Lake-S", true },
		{ &HSW, CPU_INTEL, 6, 0x3c, BS_INTEL_LBR, -1, "Haswell", false },
		{ &CFL, CPU_INTEL, 6, 0x9e, BS_INTEL_LBR, -1, "Coffee Lake", false },
		{ &MILAN, CPU_AMD, 0x19, 0x01, BS_AMD_BRS, -1, "Milan", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct cpu_info c;
		char *cause = NULL;
		if (cpu_read_dump(&c, *cases[i].dump, &cause) != 0)
			fail_msg("%s: %s", *cases[i].dump, cause);
		assert_int_equal(c.vendor, cases[i].vendor);
		assert_int_equal(c.family, cases[i].family);
		assert_int_equal(c.model, cases[i].model);
		if (c.branch_sampling != cases[i].bs)
			fail_msg("%s: branch sampling %s, want %s (%s)", *cases[i].dump, branch_sampling_id(c.branch_sampling),
				 branch_sampling_id(cases[i].bs), c.reason);
		assert_int_equal(c.lbr_freeze, cases[i].freeze);
		assert_contains(c.codename, cases[i].codename);
		assert_int_equal(c.hybrid, cases[i].hybrid);
		assert_non_null(c.reason);
		cpu_info_free(&c);
	}
}

/* libcpuid 0.6.2 segfaults on these inside cpu_identify_all(): kfdo must not. */
static void test_fuzzed_dumps_do_not_crash(void **state)
{
	(void)state;
	static const char *const files[] = { DUMP("fuzzed_sparse_one_cpu.test"), DUMP("fuzzed_sparse_two_cpus.test") };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		struct cpu_info c;
		char *cause = NULL;
		if (cpu_read_dump(&c, files[i], &cause) != 0)
			fail_msg("%s: %s", files[i], cause);
		assert_int_equal(c.vendor, CPU_AMD);
		assert_int_equal(c.family, 0x19);
		assert_int_equal(c.model, 0x61);
		cpu_info_free(&c);
	}
}

/* libcpuid's live read pins the process to one CPU after another; kfdo must
 * hand back the mask it had, or every build it starts runs on one core. */
static void test_live_read_keeps_affinity(void **state)
{
	(void)state;
	cpu_set_t before, after;
	assert_int_equal(sched_getaffinity(0, sizeof(before), &before), 0);
	struct cpu_info c;
	assert_int_equal(cpu_read_live(&c, NULL), 0);
	assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
	assert_int_equal(CPU_COUNT(&after), CPU_COUNT(&before));
	assert_true(CPU_EQUAL(&after, &before));
	cpu_info_free(&c);
}

static void test_qemu_is_virtual(void **state)
{
	(void)state;
	struct cpu_info c;
	assert_int_equal(cpu_read_dump(&c, QEMU, NULL), 0);
	assert_true(c.hypervisor);
	assert_contains(c.reason, "hypervisor");
	cpu_info_free(&c);
}

/* A 12900K dump ends with E-cores: the P-core must be the one described. */
static void test_hybrid_picks_performance_core(void **state)
{
	(void)state;
	struct cpu_info c;
	assert_int_equal(cpu_read_dump(&c, ADL_S, NULL), 0);
	assert_int_equal(c.ncore_types, 2);
	assert_string_equal(c.cores[0].purpose, "performance");
	assert_int_equal(c.cores[0].logical_cpus, 16);
	assert_string_equal(c.cores[1].purpose, "efficiency");
	assert_int_equal(c.cores[1].logical_cpus, 8);
	assert_int_equal(c.logical_cpus, 24);
	assert_string_equal(c.core_kind, "core");
	cpu_info_free(&c);

	/* The same CPUs listed E-cores first: the P-core is still the one described. */
	char *text = file_read(ADL_S, 1 << 22, NULL);
	assert_non_null(text);
	char *atom = NULL;
	for (char *p = strstr(text, "------[ CPUID Registers / Logical CPU #"); p;
	     p = strstr(p + 1, "------[ CPUID Registers / Logical CPU #")) {
		char *blk_end = strstr(p + 1, "------[");
		size_t n = blk_end ? (size_t)(blk_end - p) : strlen(p);
		if (!atom && strstr(p, "CPUID 0000001A: 20") && (size_t)(strstr(p, "CPUID 0000001A: 20") - p) < n)
			atom = xasprintf("%.*s", (int)n, p);
	}
	assert_non_null(atom);
	char path[] = "/tmp/kfdo-ecore-first-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "%s%s", atom, text);
	fclose(f);
	assert_int_equal(cpu_read_dump(&c, path, NULL), 0);
	assert_string_equal(c.core_kind, "core");
	assert_int_equal(c.branch_sampling, BS_INTEL_ARCH_LBR);
	cpu_info_free(&c);
	unlink(path);
	free(atom);
	free(text);
}

static void test_bad_dumps(void **state)
{
	(void)state;
	char dir[] = "/tmp/kfdo-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	static const struct {
		const char *name, *text, *expect;
	} cases[] = {
		{ "empty", "", "empty" },
		{ "garbage", "hello\nworld\n", "not a libcpuid raw dump" },
		{ "truncated", "------[ Logical CPU #0 ]------\nCPUID 00000000: 00000010-68747541-444D4163-69746E65\n",
		  "truncated" },
		{ "binary", "\x7f" "ELF\x02\x01\x01", "not a libcpuid raw dump" },
		{ "mixed", "basic_cpuid[0]=00000010 68747541 444d4163 69746e65\n"
			   "CPUID 00000001: 00A20F10-00180800-7ED8320B-178BFBFF\n", "mixes" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *path = xasprintf("%s/%s", dir, cases[i].name);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(cases[i].text, f);
		fclose(f);
		struct detect_report r;
		struct detect_opts o = { .sysroot = ROOT("amd-lbrv2-ready"), .cpuid_dump = path, .perf = &PERF_PFM };
		char *cause = NULL;
		assert_int_equal(detect_run(&r, &o, &cause), -EINVAL);
		assert_contains(cause, path);
		assert_contains(cause, cases[i].expect);
		assert_false(r.cpu_ok);
		assert_int_equal(r.verdict, VERDICT_UNSUPPORTED);
		assert_int_equal(chk(&r, "cpu")->status, CHECK_FAIL);
		detect_report_free(&r);
		free(cause);
		unlink(path);
		free(path);
	}
	struct detect_report r;
	struct detect_opts o = { .sysroot = "/", .cpuid_dump = "/nonexistent/dump", .perf = &PERF_PFM };
	char *cause = NULL;
	assert_int_equal(detect_run(&r, &o, &cause), -ENOENT);
	assert_contains(cause, "No such file");
	detect_report_free(&r);
	free(cause);
	rmdir(dir);
}

static void test_zen4_ready(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN4, ROOT("amd-lbrv2-ready"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_READY);
	assert_string_equal(r.kernel.pmu, "cpu");
	assert_true(r.kernel.branch_stack);
	assert_int_equal(r.kernel.lbr_depth, 16);
	assert_int_equal(chk(&r, "cpu.lbr_freeze")->status, CHECK_OK);
	/* libpfm4 4.13 does not detect a Ryzen 7000 as Zen 4: --pfm-events would fail, so raw it is. */
	assert_int_equal(r.event.source, EVENT_LIBPFM);
	assert_string_equal(r.event.pmu, "amd64_fam19h_zen4");
	assert_int_equal(r.event.config, 0xc4);
	assert_string_equal(r.event.perf_args[0], "-e");
	assert_string_equal(r.event.perf_args[1], "rc4:k");
	assert_contains(r.event.note, "--pfm-events");
	assert_int_equal(chk(&r, "event")->status, CHECK_WARN);
	detect_report_free(&r);
}

static void test_zen4_locked_is_fixable(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN4, ROOT("amd-lbrv2-locked"), &PERF_NO_PFM);
	assert_int_equal(r.verdict, VERDICT_FIXABLE);
	const struct check *p = chk(&r, "kernel.perf_event_paranoid");
	assert_int_equal(p->status, CHECK_FAIL);
	assert_contains(p->message, "= 2");
	assert_contains(p->remedy, "sudo sysctl kernel.perf_event_paranoid=0");
	const struct check *k = chk(&r, "kernel.kptr_restrict");
	assert_int_equal(k->status, CHECK_FAIL);
	assert_contains(k->remedy, "sudo sysctl kernel.kptr_restrict=0");
	assert_contains(r.summary, "2 problems");
	detect_report_free(&r);
}

static void test_zen4_without_freeze(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN4_NOFREEZE, ROOT("amd-lbrv2-ready"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_FIXABLE);
	const struct check *c = chk(&r, "cpu.lbr_freeze");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_contains(c->message, "bogus");
	assert_contains(c->remedy, "BIOS");
	assert_contains(c->remedy, "microcode");
	detect_report_free(&r);
}

static void test_zen5_uses_table(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN5, ROOT("amd-lbrv2-ready"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_READY);
	/* libpfm4 4.13 has no family 1Ah table: kfdo's own encoding, its source named. */
	assert_int_equal(r.event.source, EVENT_TABLE);
	assert_int_equal(r.event.config, 0xc4);
	assert_string_equal(r.event.perf_args[1], "rc4:k");
	assert_contains(r.event.table_source, "0C4");
	assert_contains(r.event.note, "Zen 5");
	detect_report_free(&r);
}

static void test_intel_hybrid(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ADL_S, ROOT("intel-hybrid"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_READY);
	assert_string_equal(r.kernel.pmu, "cpu_core");
	assert_true(r.kernel.hybrid_pmus);
	assert_string_equal(r.event.perf_args[0], "-e");
	assert_string_equal(r.event.perf_args[1], "cpu_core/event=0xc4,umask=0x20/k");
	assert_int_equal(r.event.source, EVENT_TABLE);
	detect_report_free(&r);
}

static void test_haswell_pfm_events(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, HSW, ROOT("intel-lbr"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_READY);
	assert_string_equal(r.event.pmu, "hsw");
	assert_int_equal(r.event.config, 0x20c4);
	/* perf has libpfm4 and libpfm4 knows Haswell: the how-to's own spelling works. */
	assert_string_equal(r.event.perf_args[0], "--pfm-events");
	assert_string_equal(r.event.perf_args[1], "BR_INST_RETIRED:NEAR_TAKEN:k");
	detect_report_free(&r);

	run(&r, HSW, ROOT("intel-lbr"), &PERF_NO_PFM);
	assert_string_equal(r.event.perf_args[0], "-e");
	assert_string_equal(r.event.perf_args[1], "r20c4:k");
	assert_contains(chk(&r, "perf")->message, "without libpfm4");
	detect_report_free(&r);
}

static void test_vm_without_pmu(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, QEMU, ROOT("vm-nopmu"), &PERF_NO_PFM);
	assert_int_equal(r.verdict, VERDICT_UNSUPPORTED);
	assert_null(r.kernel.pmu);
	const struct check *c = chk(&r, "kernel.pmu");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_contains(c->message, "VM whose PMU is not passed through");
	assert_contains(c->remedy, "profile on the host or with PMU passthrough");
	assert_contains(r.summary, "VM");
	detect_report_free(&r);

	/* Bare-metal Haswell dump, but the kernel says hypervisor and shows no LBR: the VM hides it. */
	run(&r, HSW, ROOT("vm-pmu-nolbr"), &PERF_NO_PFM);
	assert_int_equal(r.verdict, VERDICT_UNSUPPORTED);
	c = chk(&r, "kernel.branch_stack");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_contains(c->message, "hypervisor does not pass Intel LBR through");
	detect_report_free(&r);
}

static void test_no_sampling_hardware(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN3, ROOT("amd-nobranch"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_UNSUPPORTED);
	const struct check *c = chk(&r, "cpu.branch_sampling");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_contains(c->message, "EPYC");
	detect_report_free(&r);

	run(&r, ZEN2, ROOT("amd-nobranch"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_UNSUPPORTED);
	assert_contains(chk(&r, "cpu.branch_sampling")->message, "before Zen 3");
	detect_report_free(&r);

	run(&r, ZEN3_AFFMASK, ROOT("amd-nobranch"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_UNSUPPORTED);
	assert_true(r.cpu_ok);
	detect_report_free(&r);
}

static void test_old_kernel_is_fixable(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN4, ROOT("amd-old-kernel"), &PERF_PFM);
	assert_int_equal(r.verdict, VERDICT_FIXABLE);
	const struct check *c = chk(&r, "kernel.branch_stack");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_contains(c->message, "5.15");
	assert_contains(c->remedy, "6.1");
	detect_report_free(&r);
}

static void test_amd_brs(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, MILAN, ROOT("amd-brs"), &PERF_NO_PFM);
	assert_int_equal(r.verdict, VERDICT_READY);
	assert_int_equal(r.kernel.amd_brs_config, 1);
	assert_string_equal(r.event.perf_args[1], "rc4:k");
	detect_report_free(&r);

	run(&r, MILAN, ROOT("amd-brs-noconfig"), &PERF_NO_PFM);
	assert_int_equal(r.verdict, VERDICT_FIXABLE);
	assert_int_equal(r.kernel.amd_brs_config, 0);
	assert_contains(chk(&r, "kernel.branch_stack")->remedy, "CONFIG_PERF_EVENTS_AMD_BRS=y");
	detect_report_free(&r);
}

static void test_perf_missing_is_fixable(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN4, ROOT("amd-lbrv2-ready"), &PERF_MISSING);
	assert_int_equal(r.verdict, VERDICT_FIXABLE);
	const struct check *c = chk(&r, "perf");
	assert_int_equal(c->status, CHECK_FAIL);
	assert_contains(c->remedy, "pacman -S perf");
	/* Without perf the raw encoding is the safe choice. */
	assert_string_equal(r.event.perf_args[0], "-e");
	detect_report_free(&r);
}

/* --pmu: encode for a named libpfm4 table (what LIBPFM_FORCE_PMU selects). */
static void test_forced_pmu_encodings(void **state)
{
	(void)state;
	static const struct {
		const char *pmu;
		unsigned long long config;
		const char *raw;
	} cases[] = {
		{ "amd64_fam19h_zen3", 0xc4, "rc4:k" }, { "amd64_fam19h_zen4", 0xc4, "rc4:k" },
		{ "amd64_fam17h_zen2", 0xc4, "rc4:k" }, { "hsw", 0x20c4, "r20c4:k" },
		{ "skl", 0x20c4, "r20c4:k" },		 { "icl", 0x20c4, "r20c4:k" },
		{ "spr", 0x20c4, "r20c4:k" },		 { "SKL", 0x20c4, "r20c4:k" },
		{ "glm", 0x80c4, "r80c4:k" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct event_query q = { .force_pmu = cases[i].pmu, .perf_libpfm = 0 };
		struct event_info ev;
		assert_int_equal(event_resolve(&ev, &q), 0);
		assert_int_equal(ev.source, EVENT_LIBPFM);
		assert_true(ev.libpfm_active);
		if (ev.config != cases[i].config)
			fail_msg("%s: config 0x%llx, want 0x%llx", cases[i].pmu, (unsigned long long)ev.config,
				 cases[i].config);
		assert_string_equal(ev.perf_args[1], cases[i].raw);
		event_info_free(&ev);

		/* With a libpfm4 perf, the how-to's --pfm-events line. */
		q.perf_libpfm = 1;
		assert_int_equal(event_resolve(&ev, &q), 0);
		assert_string_equal(ev.perf_args[0], "--pfm-events");
		event_info_free(&ev);
	}
	/* The release comes from the library file (the API version is always 4.0). */
	const char *v = event_libpfm_version();
	int major = 0, minor = -1;
	assert_int_equal(sscanf(v, "%d.%d", &major, &minor), 2);
	assert_int_equal(major, 4);
	assert_true(minor >= 10);
	char *cause = NULL;
	/* 4.13 has no Zen 5 table: a clear refusal that lists what it knows. */
	assert_false(event_pmu_known("amd64_fam1ah_zen5", &cause));
	assert_contains(cause, "amd64_fam19h_zen4");
	free(cause);
}

static struct cpu_info synthetic(enum kfdo_vendor v, int family, int model)
{
	struct cpu_info c;
	memset(&c, 0, sizeof(c));
	c.vendor = v;
	c.family = family;
	c.model = model;
	c.leaf7.valid = c.ext8.valid = c.ext22.valid = true;
	return c;
}

/* Rows checked against intel_pmu_init(), bsp_init_amd() and amd_pmu_lbr_init(). */
static void test_classify_rules(void **state)
{
	(void)state;
	static const struct {
		enum kfdo_vendor v;
		int family, model;
		uint32_t leaf7_edx, ext22_eax, ext8_ebx;
		enum branch_sampling want;
		const char *uarch;
	} cases[] = {
		{ CPU_INTEL, 6, 0x1e, 0, 0, 0, BS_INTEL_LBR, "Nehalem" },
		{ CPU_INTEL, 6, 0x1f, 0, 0, 0, BS_NONE, "Nehalem-G" },	 /* not in the Nehalem case */
		{ CPU_INTEL, 6, 0x66, 0, 0, 0, BS_NONE, "Cannon Lake" }, /* not in the Skylake case */
		{ CPU_INTEL, 6, 0x5d, 0, 0, 0, BS_NONE, NULL },	 /* no such model */
		{ CPU_INTEL, 6, 0xcc, 1u << 19, 0, 0, BS_INTEL_ARCH_LBR, "Panther Lake" },
		{ CPU_INTEL, 18, 0x01, 1u << 19, 0, 0, BS_INTEL_ARCH_LBR, NULL }, /* CPUID decides */
		{ CPU_AMD, 0x1a, 0x44, 0, 0x7, 0, BS_AMD_LBR_V2, "Zen 5" },
		{ CPU_AMD, 0x1a, 0x24, 0, 0x7, 0, BS_AMD_LBR_V2, "Zen 5" },
		{ CPU_AMD, 0x1a, 0x50, 0, 0x7, 0, BS_AMD_LBR_V2, "Zen 6" },
		{ CPU_AMD, 0x19, 0x61, 0, 0x2, 0, BS_NONE, "Zen 4" }, /* LbrExtV2 without PerfMonV2 */
		{ CPU_AMD, 0x19, 0x74, 0, 0x3, 0, BS_AMD_LBR_V2, "Zen 4" },
		{ CPU_AMD, 0x17, 0x31, 0, 0, 1u << 31, BS_NONE, "Zen 2" }, /* BRS is family 19h only */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct cpu_info c = synthetic(cases[i].v, cases[i].family, cases[i].model);
		c.leaf7.r[3] = cases[i].leaf7_edx;
		c.ext22.r[0] = cases[i].ext22_eax;
		c.ext8.r[1] = cases[i].ext8_ebx;
		cpu_classify(&c);
		if (c.branch_sampling != cases[i].want)
			fail_msg("case %zu (%d/0x%x): %s, want %s (%s)", i, cases[i].family, cases[i].model,
				 branch_sampling_id(c.branch_sampling), branch_sampling_id(cases[i].want), c.reason);
		if (cases[i].uarch)
			assert_string_equal(c.uarch ? c.uarch->name : "(none)", cases[i].uarch);
		else
			assert_null(c.uarch);
		cpu_info_free(&c);
	}
	struct cpu_info c = synthetic(CPU_AMD, 0x19, 0x61);
	c.ext22.r[0] = 0x2;
	cpu_classify(&c);
	assert_contains(c.reason, "PerfMonV2");
	cpu_info_free(&c);
}

/* Where libpfm4's table for a CPU has no retired-taken event, kfdo does not make one up. */
static void test_tables_without_taken_event(void **state)
{
	(void)state;
	static const char *const none[] = { "tmt", "nhm", "wsm" };
	for (size_t i = 0; i < ARRAY_LEN(none); i++) {
		struct event_query q = { .force_pmu = none[i] };
		struct event_info ev;
		assert_int_equal(event_resolve(&ev, &q), -1);
		assert_contains(ev.note, "no retired-taken-branch event");
		event_info_free(&ev);
	}
	/* Core 2 and Bonnell name it BR_INST_RETIRED:TAKEN. */
	struct event_query q = { .force_pmu = "core" };
	struct event_info ev;
	assert_int_equal(event_resolve(&ev, &q), 0);
	assert_string_equal(ev.name, "BR_INST_RETIRED:TAKEN");
	assert_int_equal(ev.config & 0xff, 0xc4);
	event_info_free(&ev);

	/* A dump of a Tremont (libpfm4 has a table without the event): no table fallback. */
	struct cpu_info c = synthetic(CPU_INTEL, 6, 0x96);
	cpu_classify(&c);
	struct event_query dq = { .cpu = &c };
	assert_int_equal(event_resolve(&ev, &dq), -1);
	assert_int_equal(ev.source, EVENT_NONE);
	event_info_free(&ev);
	cpu_info_free(&c);
}

static void test_json_fields(void **state)
{
	(void)state;
	struct detect_report r;
	run(&r, ZEN4_NOFREEZE, ROOT("amd-lbrv2-locked"), &PERF_NO_PFM);
	json_object *j = detect_to_json(&r);
	const char *text = json_object_to_json_string(j);
	json_object *back = json_tokener_parse(text);
	assert_non_null(back);
	json_object *cpu, *kernel, *event, *checks, *v;
	assert_true(json_object_object_get_ex(back, "cpu", &cpu));
	assert_true(json_object_object_get_ex(cpu, "vendor", &v));
	assert_string_equal(json_object_get_string(v), "AMD");
	assert_true(json_object_object_get_ex(cpu, "family", &v));
	assert_int_equal(json_object_get_int(v), 25);
	assert_true(json_object_object_get_ex(cpu, "model", &v));
	assert_int_equal(json_object_get_int(v), 97);
	assert_true(json_object_object_get_ex(cpu, "branch_sampling", &v));
	assert_string_equal(json_object_get_string(v), "amd_lbr_v2");
	assert_true(json_object_object_get_ex(cpu, "lbr_freeze", &v));
	assert_true(json_object_is_type(v, json_type_boolean));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(cpu, "hypervisor", &v));
	assert_false(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(back, "kernel", &kernel));
	assert_true(json_object_object_get_ex(kernel, "perf_event_paranoid", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(kernel, "kptr_restrict", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(kernel, "branch_stack", &v));
	assert_true(json_object_get_boolean(v));
	assert_true(json_object_object_get_ex(back, "event", &event));
	assert_true(json_object_object_get_ex(event, "perf_args", &v));
	assert_int_equal(json_object_array_length(v), 2);
	assert_true(json_object_object_get_ex(back, "checks", &checks));
	assert_true(json_object_array_length(checks) >= 6);
	json_object *first = json_object_array_get_idx(checks, 0);
	assert_true(json_object_object_get_ex(first, "id", &v));
	assert_true(json_object_object_get_ex(first, "status", &v));
	assert_true(json_object_object_get_ex(first, "message", &v));
	assert_true(json_object_object_get_ex(first, "remedy", &v));
	assert_true(json_object_object_get_ex(back, "verdict", &v));
	assert_string_equal(json_object_get_string(v), "fixable");
	json_object_put(back);
	json_object_put(j);
	detect_report_free(&r);

	/* Intel: lbr_freeze is null; a VM: kernel.pmu is null. */
	run(&r, QEMU, ROOT("vm-nopmu"), &PERF_NO_PFM);
	j = detect_to_json(&r);
	assert_true(json_object_object_get_ex(j, "cpu", &cpu));
	assert_true(json_object_object_get_ex(cpu, "lbr_freeze", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(j, "kernel", &kernel));
	assert_true(json_object_object_get_ex(kernel, "pmu", &v));
	assert_null(v);
	json_object_put(j);
	detect_report_free(&r);
}

static void test_perf_build_options(void **state)
{
	(void)state;
	struct perf_info p = { 0 };
	char *text = file_read(FIXTURES "/perf/build-options-debian-6.1.txt", 1 << 20, NULL);
	assert_non_null(text);
	perf_parse_build_options(&p, text);
	assert_string_equal(p.version, "6.1.187");
	assert_int_equal(p.libpfm, 0);
	free(text);
	text = file_read(FIXTURES "/perf/build-options-libpfm-on.txt", 1 << 20, NULL);
	assert_non_null(text);
	perf_parse_build_options(&p, text);
	assert_string_equal(p.version, "6.12.4");
	assert_int_equal(p.libpfm, 1);
	free(text);
	perf_parse_build_options(&p, "garbage");
	assert_int_equal(p.libpfm, -1);
	perf_info_free(&p);
}

/* kfdo reads leaf 0x80000022 itself; libcpuid is handed a normalized copy. */
static void test_cpudump_formats(void **state)
{
	(void)state;
	struct cpudump d;
	uint32_t r[4];
	assert_int_equal(cpudump_load(&d, ZEN4, NULL), 0);
	assert_int_equal(d.ncpu, 16);
	assert_false(d.legacy);
	assert_true(cpudump_get(&d, 3, 0x80000022u, 0, r));
	assert_int_equal(r[0], 7);
	assert_true(cpudump_get(&d, 0, 7, 1, r)); /* subleaf 1 kept apart from subleaf 0 */
	assert_int_equal(r[0], 0x20);
	assert_non_null(strstr(d.normalized, "------[ Logical CPU #15 ]------"));
	cpudump_free(&d);

	assert_int_equal(cpudump_load(&d, ZEN3_AFFMASK, NULL), 0);
	assert_int_equal(d.ncpu, 32);
	assert_null(strstr(d.normalized, "AffMask"));
	cpudump_free(&d);

	assert_int_equal(cpudump_load(&d, HSW, NULL), 0);
	assert_true(d.legacy);
	assert_int_equal(d.ncpu, 1);
	assert_true(cpudump_get(&d, 0, 0x80000001u, 0, r));
	assert_true(cpudump_get(&d, 0, 4, 1, r)); /* intel_fn4[1] */
	cpudump_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dumps_identify),
		cmocka_unit_test(test_fuzzed_dumps_do_not_crash),
		cmocka_unit_test(test_live_read_keeps_affinity),
		cmocka_unit_test(test_qemu_is_virtual),
		cmocka_unit_test(test_hybrid_picks_performance_core),
		cmocka_unit_test(test_bad_dumps),
		cmocka_unit_test(test_zen4_ready),
		cmocka_unit_test(test_zen4_locked_is_fixable),
		cmocka_unit_test(test_zen4_without_freeze),
		cmocka_unit_test(test_zen5_uses_table),
		cmocka_unit_test(test_intel_hybrid),
		cmocka_unit_test(test_haswell_pfm_events),
		cmocka_unit_test(test_vm_without_pmu),
		cmocka_unit_test(test_no_sampling_hardware),
		cmocka_unit_test(test_old_kernel_is_fixable),
		cmocka_unit_test(test_amd_brs),
		cmocka_unit_test(test_perf_missing_is_fixable),
		cmocka_unit_test(test_forced_pmu_encodings),
		cmocka_unit_test(test_classify_rules),
		cmocka_unit_test(test_tables_without_taken_event),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_perf_build_options),
		cmocka_unit_test(test_cpudump_formats),
	};
	return cmocka_run_group_tests_name("detect", tests, NULL, NULL);
}
