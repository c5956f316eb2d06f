/* ELF facts through libelf: the GNU build-id, whether symbols and debug info
 * are still there, and whether the symbols are a kernel's. The raw note
 * stream of /sys/kernel/notes is parsed by hand: it is not an ELF file, only
 * the notes section's bytes. */
#include "engine/elfid.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"

/* A /sys/kernel/notes is a few hundred bytes; anything far larger is not one. */
#define NOTES_MAX (1u << 20)

/* LLVM's section types (llvm/BinaryFormat/ELF.h); elf.h has neither. */
#define SHT_LLVM_BB_ADDR_MAP_V0 0x6fff4c08
#define SHT_LLVM_BB_ADDR_MAP 0x6fff4c0a

static char *hex_of(const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = xmalloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = 0;
	return s;
}

/* The build-id in one Elf_Data of notes, or NULL. */
static char *notes_build_id(Elf_Data *data)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;
	while (data && off < data->d_size && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
		    nh.n_descsz > 0)
			return hex_of((const unsigned char *)data->d_buf + desc_off, nh.n_descsz);
	}
	return NULL;
}

static void scan_symbols(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct elf_info *out)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	if (!data || !sh->sh_entsize)
		return;
	size_t n = sh->sh_size / sh->sh_entsize;
	bool text = false, stext = false, start_kernel = false;
	size_t named = 0;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(data, (int)i, &sym))
			break;
		const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		named++;
		if (strcmp(name, "_text") == 0)
			text = true;
		else if (strcmp(name, "_stext") == 0)
			stext = true;
		else if (strcmp(name, "start_kernel") == 0)
			start_kernel = true;
	}
	out->has_symtab = named > 0;
	out->is_kernel = text && (stext || start_kernel);
}

static int inspect(const char *path, struct elf_info *out, bool id_only, char **cause)
{
	memset(out, 0, sizeof(*out));
	if (elf_version(EV_CURRENT) == EV_NONE) {
		cause_set(cause, _("libelf is unusable: %s"), elf_errmsg(-1));
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cause_set(cause, _("cannot open %s: %s"), path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cause_set(cause, _("%s is not a regular file"), path);
		close(fd);
		return -1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	int ret = -1;
	GElf_Ehdr eh;
	size_t shstrndx;
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		cause_set(cause, _("%s is not an ELF file"), path);
		goto out;
	}
	out->machine = eh.e_machine;
	if (elf_getshdrstrndx(elf, &shstrndx) < 0) {
		cause_set(cause, _("%s is a damaged ELF file (%s)"), path, elf_errmsg(-1));
		goto out;
	}
	/* A file cut short still has its header: libelf then fails on the section
	 * table or a section's data, which is where a truncated copy shows. */
	if ((uint64_t)eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize > (uint64_t)st.st_size) {
		cause_set(cause, _("%s is truncated: its section table ends past the end of the file"), path);
		goto out;
	}
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type != SHT_NOBITS && sh.sh_offset + sh.sh_size > (uint64_t)st.st_size) {
			cause_set(cause, _("%s is truncated: a section ends past the end of the file"), path);
			goto out;
		}
		const char *name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_NOTE && !out->build_id)
			out->build_id = notes_build_id(elf_getdata(scn, NULL));
		else if (!id_only && sh.sh_type == SHT_SYMTAB)
			scan_symbols(elf, scn, &sh, out);
		else if (!id_only && name && strcmp(name, ".debug_info") == 0 && sh.sh_size > 0)
			out->has_debug_info = true;
		else if (!id_only && !out->has_bb_addr_map &&
			 (sh.sh_type == SHT_LLVM_BB_ADDR_MAP || sh.sh_type == SHT_LLVM_BB_ADDR_MAP_V0)) {
			Elf_Data *d = elf_rawdata(scn, NULL);
			if (d && d->d_size > 0) {
				out->has_bb_addr_map = true;
				/* Compressed, the first byte is the compression header's
				 * (zstd's 2 would pass for LLVM 19's version). */
				out->bb_addr_map_version = sh.sh_flags & SHF_COMPRESSED ? -1
							   : sh.sh_type == SHT_LLVM_BB_ADDR_MAP
								   ? ((const unsigned char *)d->d_buf)[0]
								   : 0;
			}
		}
	}
	/* Without section headers (an sstripped file) the notes are still in PT_NOTE. */
	size_t nph = 0;
	if (!out->build_id && elf_getphdrnum(elf, &nph) == 0)
		for (size_t i = 0; i < nph && !out->build_id; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
				continue;
			Elf_Data *d = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
			out->build_id = notes_build_id(d);
		}
	ret = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	if (ret < 0)
		elf_info_free(out);
	return ret;
}

int elfid_inspect(const char *path, struct elf_info *out, char **cause)
{
	return inspect(path, out, false, cause);
}

void elf_info_free(struct elf_info *info)
{
	free(info->build_id);
	info->build_id = NULL;
}

int elfid_build_id(const char *path, char **hex, char **cause)
{
	struct elf_info info;
	*hex = NULL;
	if (inspect(path, &info, true, cause) < 0)
		return -1;
	if (!info.build_id) {
		cause_set(cause, _("%s has no build-id note (it was linked without --build-id)"), path);
		return -1;
	}
	*hex = info.build_id;
	return 0;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

int elfid_notes_build_id(const char *notes_path, char **hex, char **cause)
{
	*hex = NULL;
	size_t len;
	unsigned char *buf = (unsigned char *)file_read(notes_path, NOTES_MAX, &len);
	if (!buf) {
		cause_set(cause, _("cannot read %s: %s"), notes_path, strerror(errno));
		return -1;
	}
	/* Elf64_Nhdr and Elf32_Nhdr are the same three 32-bit words in host order;
	 * name and descriptor are each padded to 4 bytes. */
	size_t off = 0;
	while (off + 12 <= len && !*hex) {
		uint32_t namesz = get32(buf + off), descsz = get32(buf + off + 4), type = get32(buf + off + 8);
		size_t name_at = off + 12;
		size_t desc_at = name_at + ((namesz + 3u) & ~3u);
		size_t next = desc_at + ((descsz + 3u) & ~3u);
		if (namesz > len || descsz > len || next > len)
			break;
		if (type == NT_GNU_BUILD_ID && namesz == 4 && memcmp(buf + name_at, "GNU", 4) == 0 && descsz)
			*hex = hex_of(buf + desc_at, descsz);
		off = next;
	}
	free(buf);
	if (!*hex) {
		cause_set(cause, _("%s holds no GNU build-id note"), notes_path);
		return -1;
	}
	return 0;
}
