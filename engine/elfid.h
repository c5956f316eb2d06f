/* What kfdo needs to know about an ELF file (libelf): its GNU build-id,
 * whether it still has the symbols llvm-profgen needs, and the version of its
 * basic-block address map (what a Propeller converter must be able to read). Also reads the
 * build-id of the running kernel from a raw note stream (/sys/kernel/notes). */
#ifndef KFDO_ELFID_H
#define KFDO_ELFID_H

#include <stdbool.h>
#include <stddef.h>

struct elf_info {
	char *build_id;		/* NT_GNU_BUILD_ID as lowercase hex, NULL when absent */
	bool has_symtab;	/* a non-empty .symtab: not stripped */
	bool has_debug_info;	/* .debug_info present */
	bool is_kernel;		/* has the symbols of a kernel image (_text and _stext or start_kernel) */
	unsigned machine;	/* e_machine (EM_X86_64, ...) */
	/* SHT_LLVM_BB_ADDR_MAP (clang -fbasic-block-address-map, the kernel's
	 * CONFIG_PROPELLER_CLANG): its format version, the section's first byte.
	 * Each LLVM writes one version (19: 2, 22: 5) and a converter reads only
	 * those it knows. The pre-version format of LLVM 12-13 counts as 0; -1: the
	 * section is compressed (SHF_COMPRESSED) and its version was not read. */
	bool has_bb_addr_map;
	int bb_addr_map_version;
};

/* Reads path. 0, or -1 with cause (missing, not ELF, truncated). */
int elfid_inspect(const char *path, struct elf_info *out, char **cause);
void elf_info_free(struct elf_info *info);
/* Only the build-id, as lowercase hex (malloc'd). 0, or -1 with cause (also
 * when the file has no build-id note). */
int elfid_build_id(const char *path, char **hex, char **cause);
/* The NT_GNU_BUILD_ID in a raw stream of ELF notes such as /sys/kernel/notes
 * (read through the sysroot prefix). 0, or -1 with cause. */
int elfid_notes_build_id(const char *notes_path, char **hex, char **cause);

#endif
