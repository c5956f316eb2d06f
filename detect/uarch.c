/* Sources: Linux arch/x86/include/asm/intel-family.h (model numbers),
 * arch/x86/events/intel/core.c intel_pmu_init() (which models get an LBR),
 * arch/x86/events/amd/ (Zen generations by family/model), libpfm4 4.13
 * lib/pfmlib_intel_*.c and lib/pfmlib_amd64.c (model lists of each table).
 * libpfm4 4.13 treats family 19h as Zen 4 only on model 0x11 (Genoa) and has
 * no table for family 1Ah or for the hybrid Alder Lake generation. Checked
 * row by row against those sources (4.13's model lists read from the
 * installed library) in review; later libpfm4 adds adl_glc, emr, gnr and
 * amd64_fam1ah_zen5, which the installed library is asked about at run time. */
#include "detect/uarch.h"

#include <stddef.h>

#include "base/util.h"

#define I(lo, hi, name, lbr, pmu, det) { CPU_INTEL, 6, lo, hi, name, NULL, lbr, false, pmu, det }
#define IA(lo, hi, name, lbr, pmu, det) { CPU_INTEL, 6, lo, hi, name, NULL, lbr, true, pmu, det }
#define A(fam, lo, hi, name, code, pmu, det) { CPU_AMD, fam, lo, hi, name, code, false, false, pmu, det }

static const struct uarch table[] = {
	/* Intel big cores with a legacy LBR. */
	I(0x0f, 0x0f, "Core 2 (Merom)", true, "core", true),
	I(0x16, 0x16, "Core 2 (Merom-L)", true, "core", false),
	I(0x17, 0x17, "Core 2 (Penryn)", true, "core", true),
	I(0x1d, 0x1d, "Core 2 (Dunnington)", true, "core", true),
	I(0x1a, 0x1a, "Nehalem", true, "nhm", true),
	I(0x1e, 0x1e, "Nehalem", true, "nhm", true),
	/* NEHALEM_G is not in intel_pmu_init()'s Nehalem case: no LBR. */
	I(0x1f, 0x1f, "Nehalem-G", false, "nhm", true),
	I(0x2e, 0x2e, "Nehalem-EX", true, "nhm_ex", true),
	I(0x25, 0x25, "Westmere", true, "wsm", true),
	I(0x2c, 0x2c, "Westmere-EP", true, "wsm_dp", true),
	I(0x2f, 0x2f, "Westmere-EX", true, "wsm_dp", true),
	I(0x2a, 0x2a, "Sandy Bridge", true, "snb", true),
	I(0x2d, 0x2d, "Sandy Bridge-E", true, "snb_ep", true),
	I(0x3a, 0x3a, "Ivy Bridge", true, "ivb", true),
	I(0x3e, 0x3e, "Ivy Bridge-E", true, "ivb_ep", true),
	I(0x3c, 0x3c, "Haswell", true, "hsw", true),
	I(0x45, 0x46, "Haswell", true, "hsw", true),
	I(0x3f, 0x3f, "Haswell-E", true, "hsw_ep", true),
	I(0x3d, 0x3d, "Broadwell", true, "bdw", true),
	I(0x47, 0x47, "Broadwell", true, "bdw", true),
	I(0x4f, 0x4f, "Broadwell-E", true, "bdw_ep", true),
	I(0x56, 0x56, "Broadwell-DE", true, "bdw_ep", true),
	I(0x4e, 0x4e, "Skylake", true, "skl", true),
	I(0x5e, 0x5e, "Skylake", true, "skl", true),
	/* libpfm4 calls stepping >= 5 (Cascade/Cooper Lake) clx; the events are the same. */
	I(0x55, 0x55, "Skylake-SP / Cascade Lake", true, "skx", true),
	I(0x66, 0x66, "Cannon Lake", false, NULL, false),
	I(0x8e, 0x8e, "Kaby Lake / Coffee Lake", true, "skl", true),
	I(0x9e, 0x9e, "Kaby Lake / Coffee Lake", true, "skl", true),
	I(0xa5, 0xa6, "Comet Lake", true, "skl", true),
	I(0x7d, 0x7e, "Ice Lake", true, "icl", true),
	I(0x6a, 0x6a, "Ice Lake-SP", true, "icx", true),
	I(0x6c, 0x6c, "Ice Lake-D", true, "icl", true),
	I(0x8a, 0x8a, "Lakefield", false, NULL, false),
	I(0x8c, 0x8d, "Tiger Lake", true, "icl", true),
	I(0xa7, 0xa7, "Rocket Lake", true, "icl", true),
	I(0x57, 0x57, "Knights Landing", true, "knl", true),
	I(0x85, 0x85, "Knights Mill", true, "knm", true),
	/* Intel with architectural LBR (CPUID 7.0 EDX[19] decides, not this table). */
	I(0x8f, 0x8f, "Sapphire Rapids", false, "spr", true),
	I(0xcf, 0xcf, "Emerald Rapids", false, NULL, false),
	I(0xad, 0xae, "Granite Rapids", false, NULL, false),
	I(0x97, 0x97, "Alder Lake", false, NULL, false),
	I(0x9a, 0x9a, "Alder Lake", false, NULL, false),
	I(0xb7, 0xb7, "Raptor Lake", false, NULL, false),
	I(0xba, 0xba, "Raptor Lake", false, NULL, false),
	I(0xbf, 0xbf, "Raptor Lake", false, NULL, false),
	I(0xaa, 0xaa, "Meteor Lake", false, NULL, false),
	I(0xac, 0xac, "Meteor Lake", false, NULL, false),
	I(0xb5, 0xb5, "Arrow Lake", false, NULL, false),
	I(0xc5, 0xc6, "Arrow Lake", false, NULL, false),
	I(0xbd, 0xbd, "Lunar Lake", false, NULL, false),
	I(0xcc, 0xcc, "Panther Lake", false, NULL, false),
	I(0xd5, 0xd5, "Wildcat Lake", false, NULL, false),
	I(0xd7, 0xd7, "Bartlett Lake", false, NULL, false),
	/* Intel Atom cores. */
	IA(0x1c, 0x1c, "Bonnell", true, "atom", true),
	IA(0x26, 0x27, "Bonnell / Saltwell", true, "atom", true),
	IA(0x35, 0x36, "Saltwell", true, "atom", true),
	IA(0x37, 0x37, "Silvermont", true, "slm", true),
	IA(0x4a, 0x4a, "Silvermont", true, "slm", false),
	IA(0x4d, 0x4d, "Silvermont", true, "slm", true),
	IA(0x4c, 0x4c, "Airmont", true, "slm", true),
	IA(0x5a, 0x5a, "Airmont", true, "slm", false),
	IA(0x5c, 0x5c, "Goldmont", true, "glm", true),
	IA(0x5f, 0x5f, "Goldmont", true, "glm", true),
	IA(0x7a, 0x7a, "Goldmont Plus", true, "glm", false),
	IA(0x86, 0x86, "Tremont", true, "tmt", true),
	IA(0x96, 0x96, "Tremont", true, "tmt", true),
	IA(0x9c, 0x9c, "Tremont", true, "tmt", false),
	IA(0xbe, 0xbe, "Gracemont (Alder Lake-N)", false, NULL, false),
	IA(0xaf, 0xaf, "Crestmont (Sierra Forest)", false, NULL, false),
	IA(0xb6, 0xb6, "Crestmont (Grand Ridge)", false, NULL, false),
	IA(0xdd, 0xdd, "Darkmont (Clearwater Forest)", false, NULL, false),
	/* AMD. Zen 3 has branch sampling only on EPYC (BRS), Zen 4 and 5 have LbrExtV2. */
	A(0x15, 0x00, 0xff, "Bulldozer family", NULL, "amd64_fam15h_interlagos", true),
	A(0x16, 0x00, 0xff, "Jaguar family", NULL, "amd64_fam16h", true),
	A(0x17, 0x00, 0x2f, "Zen / Zen+", NULL, "amd64_fam17h_zen1", true),
	A(0x17, 0x30, 0xff, "Zen 2", NULL, "amd64_fam17h_zen2", true),
	A(0x19, 0x00, 0x0f, "Zen 3", NULL, "amd64_fam19h_zen3", true),
	A(0x19, 0x10, 0x10, "Zen 4", NULL, "amd64_fam19h_zen4", false),
	A(0x19, 0x11, 0x11, "Zen 4", NULL, "amd64_fam19h_zen4", true),
	A(0x19, 0x12, 0x1f, "Zen 4", NULL, "amd64_fam19h_zen4", false),
	A(0x19, 0x20, 0x5f, "Zen 3", NULL, "amd64_fam19h_zen3", true),
	A(0x19, 0x60, 0xaf, "Zen 4", NULL, "amd64_fam19h_zen4", false),
	/* Family 1Ah model ranges as the kernel's bsp_init_amd() splits them. */
	A(0x1a, 0x00, 0x1f, "Zen 5", "Turin", NULL, false),
	A(0x1a, 0x20, 0x2f, "Zen 5", "Strix Point", NULL, false),
	A(0x1a, 0x40, 0x4f, "Zen 5", "Granite Ridge", NULL, false),
	A(0x1a, 0x50, 0x5f, "Zen 6", NULL, NULL, false),
	A(0x1a, 0x60, 0x6f, "Zen 5", "Krackan Point", NULL, false),
	A(0x1a, 0x70, 0x7f, "Zen 5", "Strix Halo", NULL, false),
	A(0x1a, 0x80, 0xaf, "Zen 6", NULL, NULL, false),
	A(0x1a, 0xc0, 0xcf, "Zen 6", NULL, NULL, false),
};

const struct uarch *uarch_lookup(enum kfdo_vendor v, int family, int model)
{
	for (size_t i = 0; i < ARRAY_LEN(table); i++) {
		const struct uarch *u = &table[i];
		if (u->vendor == v && u->family == family && model >= u->model_lo && model <= u->model_hi)
			return u;
	}
	return NULL;
}
