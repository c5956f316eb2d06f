/* The CPU and what its hardware can do for branch sampling.
 * Live through libcpuid and the cpuid instruction, or from a dump file. */
#ifndef KFDO_CPU_H
#define KFDO_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/uarch.h"

enum branch_sampling {
	BS_NONE = 0,
	BS_INTEL_LBR,
	BS_INTEL_ARCH_LBR,
	BS_AMD_BRS,
	BS_AMD_LBR_V2,
	/* A CPUID dump without a leaf that would say (never for the live CPU). */
	BS_UNKNOWN,
};

struct cpu_regs {
	uint32_t r[4]; /* eax, ebx, ecx, edx */
	bool valid;    /* the CPU reports the leaf (max leaf checked) */
};

struct cpu_info {
	enum kfdo_vendor vendor;
	char vendor_str[16];
	char brand[64];
	int family, model, stepping; /* effective values (extended family/model folded in) */
	char codename[64];
	const struct uarch *uarch;   /* NULL when kfdo does not know the model */
	bool hypervisor;             /* CPUID.1:ECX[31] */
	bool hybrid;
	const char *core_kind;       /* hybrids: "core" (P) or "atom" (E), from CPUID 0x1A of the described CPU */
	int ncore_types;
	struct {
		char purpose[16]; /* "performance", "efficiency", "general" */
		int logical_cpus;
	} cores[4];
	int logical_cpus;
	bool from_dump;

	uint32_t max_basic, max_ext;
	struct cpu_regs leaf7;  /* 7.0 */
	struct cpu_regs ext8;   /* 0x80000008 */
	struct cpu_regs ext22;  /* 0x80000022: beyond libcpuid 0.6.2's struct, read by kfdo */

	/* A dump that lacks a leaf the verdict reads: that leaf (0: none lacking;
	 * leaf 0 itself is always there). libcpuid reads a missing leaf as zeros,
	 * which would pass for "no such feature". */
	uint32_t missing_leaf;

	enum branch_sampling branch_sampling;
	int lbr_freeze; /* AMD LBR PMC freeze: 1, 0, or -1 where it does not apply */
	char *reason;   /* one sentence: why branch_sampling is what it is */
};

int cpu_read_live(struct cpu_info *cpu, char **cause);
int cpu_read_dump(struct cpu_info *cpu, const char *path, char **cause);
/* Decides branch_sampling, lbr_freeze and reason from the registers. */
void cpu_classify(struct cpu_info *cpu);
void cpu_info_free(struct cpu_info *cpu);

const char *branch_sampling_id(enum branch_sampling bs);    /* "amd_lbr_v2", "unknown" */
const char *branch_sampling_label(enum branch_sampling bs); /* "AMD LbrExtV2" */
const char *cpu_vendor_name(const struct cpu_info *cpu);    /* "AMD", "Intel", or CPUID's string */

#endif
