/* What kfdo knows about x86 microarchitectures by vendor, family and model:
 * a name users recognise, whether the kernel drives a legacy LBR on it, and
 * which libpfm4 table describes its core PMU. */
#ifndef KFDO_UARCH_H
#define KFDO_UARCH_H

#include <stdbool.h>

enum kfdo_vendor { CPU_OTHER = 0, CPU_INTEL, CPU_AMD };

/* Kernel and libpfm4 support for one model range. */
struct uarch {
	enum kfdo_vendor vendor;
	int family, model_lo, model_hi;
	const char *name;        /* "Haswell", "Zen 4" */
	const char *codename;    /* set where libcpuid 0.6.2's table is stale, else NULL */
	bool legacy_lbr;         /* Intel: the kernel's intel_pmu_init() sets up an LBR */
	bool atom;               /* Intel E-core (different taken-branch umask) */
	const char *libpfm_pmu;  /* libpfm4 table describing this core, NULL if none */
	/* libpfm4 4.13's own detection activates that table on this CPU; later
	 * releases may detect more (event.c asks the installed library live). */
	bool libpfm413_detects;
};

const struct uarch *uarch_lookup(enum kfdo_vendor v, int family, int model);

#endif
