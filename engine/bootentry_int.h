/* What bootentry.c (finding the loader, matching, the one-shot commands) and
 * bootentry_parse.c (the loaders' configuration and the commands' outputs
 * read into entries) share. Private to those two files and their test. */
#ifndef KFDO_BOOTENTRY_INT_H
#define KFDO_BOOTENTRY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "engine/bootentry.h"

/* One menu entry as a loader's configuration describes it. */
struct be_cand {
	char *id;		/* BLS id, GRUB "SUBMENU>ENTRY", Limine menu path, BootXXXX number */
	char *title;
	char *config;		/* where it came from, as a path on the machine */
	char *kernel;		/* the kernel or UKI path as the loader names it (resource
				 * prefixes, hashes and device paths stripped) */
	char **initrds;		/* NULL when the entry has none (a UKI, say) */
	bool efi;		/* kernel is an EFI program to chainload (a UKI) */
	bool snapshot;		/* Limine: below a "Snapshots" directory (limine-snapper-sync) */
};

struct be_list {
	struct be_cand *v;
	size_t n;
};

struct be_cand *be_list_add(struct be_list *l);
void be_list_free(struct be_list *l);

/* Text helpers (bootentry_parse.c). The next line of *p without its
 * newline, malloc'd, NULL at the end; an EFI path with '\\' turned into '/'. */
char *be_next_line(const char **p);
char *be_fw_path(const char *s, size_t n);

/* Parsers: text in, entries appended (bootentry_parse.c, bootentry_efi.c). */
/* `bootctl list --json=short`: -1 when the text is not a JSON array. */
int be_parse_bootctl_json(const char *json, struct be_list *out);
/* A file name without its boot counting "+LEFT-DONE" before the suffix. malloc'd. */
char *be_strip_tries(const char *fname);
/* A Type #1 entry file; fname gives the id ("+N-M" boot counting stripped). */
void be_parse_bls(const char *text, const char *fname, const char *config, struct be_list *out);
/* limine.conf; *remember: remember_last_entry is set. */
void be_parse_limine(const char *text, const char *config, struct be_list *out, bool *remember);
/* grub.cfg; *next_entry: the generated header reads next_entry (grub-reboot works). */
void be_parse_grub(const char *text, const char *config, struct be_list *out, bool *next_entry);
/* refind.conf's menuentry stanzas; *scan: it scans for kernels by itself
 * (scan_all_linux_kernels not switched off). */
void be_parse_refind(const char *text, const char *config, struct be_list *out, bool *scan);
/* efibootmgr's BootXXXX lines that name a file. */
void be_parse_efibootmgr(const char *text, struct be_list *out);

/* Matching (bootentry.c). */
const char *be_base_name(const char *path);
/* A UKI's file name without ".efi" and a boot counting "+N-M". malloc'd. */
char *be_uki_stem(const char *path);
/* The index of the entry that boots k's kernel, -1 when none does: the kernel
 * (or UKI) path must match, then an initrd of the package beats none, which
 * beats other ones (the fallback image). Snapshot entries never count. */
int be_best_match(const struct be_list *l, const struct boot_kernel *k);

/* The loaders (bootentry_loader.c). */
struct ctx {
	const struct boot_inputs *in;
	const struct boot_kernel *k;
	const char *sysroot;
	char *product;		/* bootctl status's "Product:", NULL when none */
	struct strbuf note;	/* what goes to boot_entry.note */
};

bool be_sdboot_present(const char *sysroot);
/* The configuration file below the sysroot, as a path on the machine; NULL when none. */
char *be_limine_conf(const char *sysroot);
char *be_grub_conf(const char *sysroot);
char *be_refind_conf(const char *sysroot);
/* Each fills out and returns 0, or returns -1 with *why. */
int be_find_sdboot(struct ctx *x, struct boot_entry *out, char **why);
int be_find_limine(struct ctx *x, const char *conf, struct boot_entry *out, char **why);
int be_find_grub(struct ctx *x, const char *conf, struct boot_entry *out, char **why);
int be_find_refind(struct ctx *x, const char *conf, struct boot_entry *out, char **why);
int be_find_efi(struct ctx *x, struct boot_entry *out, char **why);

/* bootctl status: the "Product:" of "Current Boot Loader:" (malloc'd), NULL
 * when the section is missing or says n/a (no loader implements the interface). */
char *be_status_product(const char *status);
/* bootctl status: 1 when "One-shot entry control" is ticked, 0 when crossed, -1 unknown. */
int be_status_oneshot(const char *status);

#endif
