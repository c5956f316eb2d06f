/* The boot entry of a just-installed kernel, for a one-shot reboot into it.
 *
 * Pure: files are read below a sysroot, command outputs (bootctl status,
 * bootctl list --json=short, efibootmgr) come in as text the caller captured;
 * nothing is started here. The result names the loader, the entry and the
 * argv that makes the next boot (only) use it, for the caller to run through
 * sudo. Entries are matched by the paths the package installed (the kernel or
 * UKI, then the initramfs to tell an entry from its fallback twin), one whole
 * path component at a time: "linux-cachyos" never matches "linux-cachyos-lts".
 *
 * What each loader offers (the sources are cited where the code relies on them):
 *  - systemd-boot: `bootctl set-oneshot ID` (LoaderEntryOneShot); the ID of a
 *    Type #1 entry is its file name with ".conf". `systemctl reboot
 *    --boot-loader-entry=ID` does the same and reboots at once.
 *  - Limine 11.4.0 and later reads LoaderEntryOneShot too (`bootctl set-oneshot
 *    PATH`, PATH the entry's menu path "CachyOS/linux-cachyos"); older Limine has
 *    no one-shot at all.
 *  - GRUB: `grub-reboot ID` (next_entry in grubenv), "SUBMENU>ENTRY" for an
 *    entry in a submenu; GRUB_DEFAULT=saved is not needed.
 *  - rEFInd has no one-shot: the entry is found, oneshot stays NULL and the note
 *    says what to pick, unless efibootmgr shows a firmware entry for the kernel.
 *  - a firmware entry (EFI stub, UKI): `efibootmgr --bootnext XXXX`. */
#ifndef KFDO_BOOTENTRY_H
#define KFDO_BOOTENTRY_H

enum boot_loader {
	BOOT_UNKNOWN,
	BOOT_SYSTEMD_BOOT,
	BOOT_LIMINE,
	BOOT_GRUB,
	BOOT_REFIND,
	BOOT_EFI,		/* the firmware's own boot entry, no loader in between */
};

/* What the package installed. image, initramfs: absolute paths as installed
 * (/boot/vmlinuz-linux-cachyos, /boot/initramfs-linux-cachyos.img), NULL when
 * not known; the names mkinitcpio and limine-entry-tool derive from pkgbase
 * are tried either way. release: uname -r of the new kernel, may be NULL. */
struct boot_kernel {
	const char *pkgbase, *release, *image, *initramfs;
};

/* sysroot: "/" or a tree shaped like one. The texts are what the commands
 * printed, NULL when not available. */
struct boot_inputs {
	const char *sysroot;
	const char *bootctl_status;	/* `bootctl status` */
	const char *bootctl_list_json;	/* `bootctl list --json=short` */
	const char *efibootmgr;		/* `efibootmgr` or `efibootmgr -v` */
};

struct boot_entry {
	enum boot_loader loader;
	char *loader_name;	/* "systemd-boot", with the version when bootctl status named it */
	char *config;		/* the file the entry came from, as a path on the machine */
	char *id, *title;	/* what the loader calls it, what the menu shows */
	char **oneshot;		/* argv so that the next boot uses the entry once; NULL: the
				 * loader offers none, the note says what to choose by hand */
	char **restore;		/* argv to run after that boot, when the loader may keep the
				 * entry as its default; NULL: nothing to undo */
	char *note;		/* translated: what the user should know, may be NULL */
};

/* 0 with *out filled (boot_entry_free() it), or -1 with *why (malloc'd,
 * translated): which loader could not be told, or which entry to choose in
 * the boot menu by hand and why none matched. */
int boot_find(const struct boot_inputs *in, const struct boot_kernel *k, struct boot_entry *out,
	      char **why);
void boot_entry_free(struct boot_entry *e);
/* "systemd-boot", "Limine", "GRUB", "rEFInd", "EFI firmware", "unknown". */
const char *boot_loader_name(enum boot_loader l);

#endif
