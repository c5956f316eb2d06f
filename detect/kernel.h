/* What the running kernel exposes for branch sampling, read through a root
 * prefix (--sysroot) so tests can hand it fixture /proc and /sys trees. */
#ifndef KFDO_KERNEL_H
#define KFDO_KERNEL_H

#include <stdbool.h>

struct kernel_info {
	char *release;        /* /proc/sys/kernel/osrelease */
	char *pmu;            /* "cpu", "cpu_core" (hybrid) or NULL: no hardware PMU */
	bool hybrid_pmus;     /* cpu_core and cpu_atom */
	char *pmu_name;       /* caps/pmu_name (Intel), may be NULL */
	long lbr_depth;       /* caps/branches, 0 when absent */
	bool branch_stack;    /* the kernel exposes a branch stack on that PMU */
	bool cpuinfo_read;
	int cpuinfo_errno;    /* why /proc/cpuinfo could not be read */
	/* Why PMU_DIR could not be read (0: it could, or it is missing on a
	 * kernel whose /sys/bus is there: a kernel without perf events). */
	int pmu_dir_errno;
	bool flag_hypervisor, flag_arch_lbr, flag_amd_lbr_v2, flag_brs, flag_lbr_freeze, flag_perfmon_v2;
	bool paranoid_known, kptr_known;
	long perf_event_paranoid, kptr_restrict;
	/* When not known: the errno of the read, or the text that is not a number. */
	int paranoid_errno, kptr_errno;
	char *paranoid_text, *kptr_text;
	int amd_brs_config;   /* CONFIG_PERF_EVENTS_AMD_BRS: 1 y, 0 not set, -1 unknown */
	char *config_source;  /* where that came from */
};

void kernel_read(struct kernel_info *k, const char *sysroot);
void kernel_info_free(struct kernel_info *k);

#endif
