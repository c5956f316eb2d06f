/* The boot entry of a just-installed kernel: fixture sysroots under
 * tests/fixtures/boot (real configurations, see its README) and the real
 * outputs of bootctl and efibootmgr in tests/fixtures/boot/texts. */
#include "tests/unit/testlib.h"

#include <stdlib.h>
#include <string.h>

#include "base/strv.h"
#include "base/util.h"
#include "engine/bootentry.h"
#include "engine/bootentry_int.h"

#define BOOT FIXTURES "/boot"
#define UUID "0a869b77-d317-4b40-8fb1-ffa44721cce6"

static char *text(const char *name)
{
	char *p = xasprintf(BOOT "/texts/%s", name);
	char *t = file_read(p, 1 << 20, NULL);
	if (!t)
		fail_msg("cannot read %s", p);
	free(p);
	return t;
}

struct run {
	const char *sysroot, *status, *json, *efi;	/* status, json, efi: file names in texts/ */
	const char *image, *initramfs;
};

/* boot_find on a fixture; *why is freed by the caller. */
static int find(const struct run *r, const char *pkgbase, struct boot_entry *e, char **why)
{
	char *status = r->status ? text(r->status) : NULL;
	char *json = r->json ? text(r->json) : NULL;
	char *efi = r->efi ? text(r->efi) : NULL;
	struct boot_inputs in = { r->sysroot, status, json, efi };
	struct boot_kernel k = { pkgbase, NULL, r->image, r->initramfs };
	*why = NULL;
	int rc = boot_find(&in, &k, e, why);
	free(status);
	free(json);
	free(efi);
	return rc;
}

static void assert_argv(char **v, const char *a, const char *b, const char *c, const char *d)
{
	const char *want[] = { a, b, c, d };
	size_t n = 0;
	while (n < 4 && want[n])
		n++;
	assert_non_null(v);
	assert_int_equal(strv_len(v), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i], want[i]);
}

/* Found, with that id; the one-shot argv is checked by the caller. */
static void expect(const struct run *r, const char *pkgbase, enum boot_loader l, const char *id,
		   struct boot_entry *e)
{
	char *why = NULL;
	if (find(r, pkgbase, e, &why) != 0)
		fail_msg("%s: %s", pkgbase, why);
	assert_null(why);
	assert_int_equal(e->loader, l);
	assert_string_equal(e->id, id);
}

/* Not found; the reason must name what was looked for. */
static void expect_none(const struct run *r, const char *pkgbase, const char *why_has)
{
	struct boot_entry e;
	char *why = NULL;
	int rc = find(r, pkgbase, &e, &why);
	if (rc == 0)
		fail_msg("%s matched %s", pkgbase, e.id);
	assert_non_null(why);
	if (!strstr(why, why_has))
		fail_msg("\"%s\" lacks \"%s\"", why, why_has);
	free(why);
}

static void test_sdboot_files(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/sdboot-arch" };
	struct boot_entry e;
	expect(&r, "linux-cachyos", BOOT_SYSTEMD_BOOT, "linux-cachyos.conf", &e);
	assert_string_equal(e.title, "Linux Cachyos");
	assert_string_equal(e.config, "/boot/loader/entries/linux-cachyos.conf");
	assert_string_equal(e.loader_name, "systemd-boot");
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "linux-cachyos.conf", NULL);
	assert_null(e.restore);
	assert_non_null(e.note);
	boot_entry_free(&e);

	expect(&r, "linux-upstream", BOOT_SYSTEMD_BOOT, "linux-upstream.conf", &e);
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "linux-upstream.conf", NULL);
	boot_entry_free(&e);
	expect(&r, "linux-cachyos-lts", BOOT_SYSTEMD_BOOT, "linux-cachyos-lts.conf", &e);
	boot_entry_free(&e);

	/* What the package installed, given: the same entry. */
	r.image = "/boot/vmlinuz-linux-upstream";
	r.initramfs = "/boot/initramfs-linux-upstream.img";
	expect(&r, "linux-upstream", BOOT_SYSTEMD_BOOT, "linux-upstream.conf", &e);
	boot_entry_free(&e);
	r.image = r.initramfs = NULL;

	/* A UKI in $BOOT/EFI/Linux, with boot counting in its name. */
	expect(&r, "linux-lts", BOOT_SYSTEMD_BOOT, "arch-linux-lts.efi", &e);
	assert_string_equal(e.config, "/boot/EFI/Linux/arch-linux-lts+2-1.efi");
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "arch-linux-lts.efi", NULL);
	boot_entry_free(&e);

	/* "linux" is a prefix of every entry's kernel and UKI, "linux-cachyos-bore" has none. */
	expect_none(&r, "linux", "vmlinuz-linux");
	expect_none(&r, "linux-cachyos-bore", "linux-cachyos-bore");
}

static void test_sdboot_json(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/sdboot-arch", .status = "bootctl-status-systemd-boot.txt",
			 .json = "bootctl-list.json" };
	struct boot_entry e;
	/* Boot counting: the id drops "+3-0", the fallback listed first loses. */
	expect(&r, "linux-upstream", BOOT_SYSTEMD_BOOT, "linux-upstream.conf", &e);
	assert_string_equal(e.config, "/boot/loader/entries/linux-upstream+3-0.conf");
	assert_string_equal(e.loader_name, "systemd-boot 257.5-1-arch");
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "linux-upstream.conf", NULL);
	boot_entry_free(&e);
	expect(&r, "linux-cachyos", BOOT_SYSTEMD_BOOT, "linux-cachyos.conf", &e);
	boot_entry_free(&e);
	/* A Type #2 entry: mkinitcpio's arch-PKGBASE.efi. */
	expect(&r, "linux", BOOT_SYSTEMD_BOOT, "arch-linux.efi", &e);
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "arch-linux.efi", NULL);
	boot_entry_free(&e);
	expect_none(&r, "linux-lts", "vmlinuz-linux-lts");
}

static void test_limine(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/limine-cachyos", .status = "bootctl-status-limine-12.4.0.txt" };
	struct boot_entry e;
	expect(&r, "linux-cachyos", BOOT_LIMINE, "CachyOS/linux-cachyos", &e);
	assert_string_equal(e.config, "/boot/limine.conf");
	assert_string_equal(e.loader_name, "Limine 12.4.0");
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "CachyOS/linux-cachyos", NULL);
	assert_non_null(strstr(e.note, "remember_last_entry"));
	assert_null(strstr(e.note, "11.4.0"));
	boot_entry_free(&e);
	expect(&r, "linux-upstream", BOOT_LIMINE, "CachyOS/linux-upstream", &e);
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "CachyOS/linux-upstream", NULL);
	boot_entry_free(&e);
	expect(&r, "linux-cachyos-lts", BOOT_LIMINE, "CachyOS/linux-cachyos-lts", &e);
	boot_entry_free(&e);
	expect_none(&r, "linux-lts", "Limine");

	/* Limine 9.3.1 has no one-shot entry control: the entry, no command. */
	r.status = "bootctl-status-limine-9.3.1.txt";
	expect(&r, "linux-cachyos", BOOT_LIMINE, "CachyOS/linux-cachyos", &e);
	assert_null(e.oneshot);
	assert_non_null(strstr(e.note, "11.4.0"));
	assert_non_null(strstr(e.note, "CachyOS/linux-cachyos"));
	boot_entry_free(&e);

	/* No status: the command, and what it needs. */
	r.status = NULL;
	expect(&r, "linux-cachyos", BOOT_LIMINE, "CachyOS/linux-cachyos", &e);
	assert_non_null(e.oneshot);
	assert_non_null(strstr(e.note, "11.4.0"));
	boot_entry_free(&e);
}

static void test_limine_uki(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/limine-uki" };
	struct boot_entry e;
	expect(&r, "linux-cachyos", BOOT_LIMINE, "Ryoku Linux/linux-cachyos", &e);
	assert_argv(e.oneshot, "bootctl", "set-oneshot", "Ryoku Linux/linux-cachyos", NULL);
	boot_entry_free(&e);
	expect(&r, "linux-upstream", BOOT_LIMINE, "Ryoku Linux/linux-upstream", &e);
	boot_entry_free(&e);
	expect_none(&r, "linux", "Limine");
}

static void test_grub(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/grub-arch" };
	struct boot_entry e;
	/* GRUB_DEFAULT=0 in /etc/default/grub: grub-reboot works all the same. */
	expect(&r, "linux-cachyos", BOOT_GRUB,
	       "gnulinux-advanced-" UUID ">gnulinux-linux-cachyos-advanced-" UUID, &e);
	assert_string_equal(e.title, "Arch Linux, with Linux linux-cachyos");
	assert_string_equal(e.config, "/boot/grub/grub.cfg");
	assert_argv(e.oneshot, "grub-reboot", "gnulinux-advanced-" UUID ">gnulinux-linux-cachyos-advanced-" UUID,
		    NULL, NULL);
	assert_null(e.restore);
	boot_entry_free(&e);
	expect(&r, "linux-upstream", BOOT_GRUB,
	       "gnulinux-advanced-" UUID ">gnulinux-linux-upstream-advanced-" UUID, &e);
	boot_entry_free(&e);
	/* The first entry that boots it, outside the submenu. */
	expect(&r, "linux", BOOT_GRUB, "gnulinux-simple-" UUID, &e);
	boot_entry_free(&e);
	expect_none(&r, "linux-zen", "GRUB");

	/* Btrfs: GRUB cannot clear next_entry, the restore command does. */
	r.sysroot = BOOT "/grub-btrfs";
	expect(&r, "linux-cachyos", BOOT_GRUB,
	       "gnulinux-advanced-" UUID ">gnulinux-linux-cachyos-advanced-" UUID, &e);
	assert_argv(e.restore, "grub-editenv", "/boot/grub/grubenv", "unset", "next_entry");
	assert_non_null(strstr(e.note, "Btrfs"));
	boot_entry_free(&e);

	/* A hand-written grub.cfg reads no next_entry: no command, the title to pick. */
	r.sysroot = BOOT "/grub-handwritten";
	expect(&r, "linux-cachyos", BOOT_GRUB, "CachyOS linux-cachyos", &e);
	assert_null(e.oneshot);
	assert_non_null(strstr(e.note, "grub-mkconfig"));
	boot_entry_free(&e);
	expect(&r, "linux-cachyos-lts", BOOT_GRUB, "CachyOS linux-cachyos-lts", &e);
	boot_entry_free(&e);
}

static void test_refind(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/refind-cachyos" };
	struct boot_entry e;
	expect(&r, "linux-cachyos", BOOT_REFIND, "vmlinuz-linux-cachyos", &e);
	assert_null(e.oneshot);
	assert_non_null(strstr(e.note, "rEFInd"));
	assert_string_equal(e.config, "/boot/EFI/refind/refind.conf");
	boot_entry_free(&e);
	expect(&r, "linux-upstream", BOOT_REFIND, "vmlinuz-linux-upstream", &e);
	boot_entry_free(&e);
	/* The sample's "Arch Linux" stanza boots vmlinuz-linux but is disabled. */
	expect_none(&r, "linux", "rEFInd");

	/* A firmware entry for the kernel boots it once, past rEFInd. */
	r.efi = "efibootmgr-efistub.txt";
	expect(&r, "linux-cachyos", BOOT_EFI, "0006", &e);
	assert_argv(e.oneshot, "efibootmgr", "--bootnext", "0006", NULL);
	assert_non_null(strstr(e.note, "rEFInd"));
	boot_entry_free(&e);
}

static void test_efi(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/texts", .efi = "efibootmgr-efistub.txt" };
	struct boot_entry e;
	/* Boot0000 is its fallback twin and comes first. */
	expect(&r, "linux", BOOT_EFI, "0005", &e);
	assert_string_equal(e.title, "Arch");
	assert_argv(e.oneshot, "efibootmgr", "--bootnext", "0005", NULL);
	boot_entry_free(&e);
	expect(&r, "linux-cachyos", BOOT_EFI, "0006", &e);
	boot_entry_free(&e);
	expect(&r, "linux-upstream", BOOT_EFI, "0007", &e);
	assert_argv(e.oneshot, "efibootmgr", "--bootnext", "0007", NULL);
	boot_entry_free(&e);
	expect_none(&r, "linux-cachyos-lts", "efibootmgr");
}

static void test_which_loader(void **state)
{
	(void)state;
	struct run r = { .sysroot = BOOT "/ambiguous" };
	struct boot_entry e;
	char *why = NULL;
	assert_int_equal(find(&r, "linux-cachyos", &e, &why), -1);
	assert_non_null(strstr(why, "systemd-boot"));
	assert_non_null(strstr(why, "GRUB"));
	assert_non_null(strstr(why, "bootctl status"));
	free(why);

	r.status = "bootctl-status-systemd-boot.txt";
	expect(&r, "linux-cachyos", BOOT_SYSTEMD_BOOT, "linux-cachyos.conf", &e);
	boot_entry_free(&e);
	/* "Product: n/a": no systemd-boot, so GRUB. */
	r.status = "bootctl-status-no-loader.txt";
	expect(&r, "linux-cachyos", BOOT_GRUB,
	       "gnulinux-advanced-" UUID ">gnulinux-linux-cachyos-advanced-" UUID, &e);
	boot_entry_free(&e);
	r.status = "bootctl-status-limine-12.4.0.txt";
	expect_none(&r, "linux-cachyos", "no Limine configuration");

	r.sysroot = BOOT "/texts";
	r.status = NULL;
	expect_none(&r, "linux-cachyos", "no boot loader configuration");
}

/* Details no fixture shows: Limine's escaping and duplicate names, GRUB's
 * titles as labels, bootctl status without colours. */
static void test_parsers(void **state)
{
	(void)state;
	struct be_list l = { 0 };
	bool remember = true;
	be_parse_limine("/Arch Linux\nprotocol: linux\npath: boot():/vmlinuz-linux\n"
			"/Arch Linux\nPROTOCOL: linux\nkernel_path: boot():/vmlinuz-linux-cachyos\n"
			"/+A/B #2\n//x\nprotocol: linux\npath: uuid(736b5698-5ae1-4dff-be2c-ef8f44a61c52):/k\n",
			"/boot/limine.conf", &l, &remember);
	assert_false(remember);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].id, "Arch Linux");
	assert_string_equal(l.v[1].id, "Arch Linux#1");
	assert_string_equal(l.v[1].kernel, "/vmlinuz-linux-cachyos");
	assert_string_equal(l.v[2].id, "A\\/B \\#2/x");
	assert_string_equal(l.v[2].kernel, "/k");
	be_list_free(&l);

	bool next = false;
	be_parse_grub("if [ \"${next_entry}\" ] ; then\nfi\nsubmenu 'Old > new' {\n"
		      "  menuentry 'Arch'\\''s kernel' {\n    linux (hd0,gpt2)/vmlinuz-linux rw\n  }\n}\n",
		      "/boot/grub/grub.cfg", &l, &next);
	assert_true(next);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].id, "Old >> new>Arch's kernel");
	assert_string_equal(l.v[0].kernel, "/vmlinuz-linux");
	be_list_free(&l);

	/* Boot counting: "+LEFT-DONE" before the suffix is not part of the id. */
	be_parse_bls("title\tLinux Upstream\nlinux\t/vmlinuz-linux-upstream\n", "linux-upstream+3-0.conf",
		     "/boot/loader/entries/linux-upstream+3-0.conf", &l);
	be_parse_bls("linux /vmlinuz-linux\n", "linux+5.conf", "x", &l);
	be_parse_bls("linux /vmlinuz-linux\n", "a+b.conf", "x", &l);
	be_parse_bls("title no kernel\n", "none.conf", "x", &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].id, "linux-upstream.conf");
	assert_string_equal(l.v[0].title, "Linux Upstream");
	assert_string_equal(l.v[1].id, "linux.conf");
	assert_string_equal(l.v[2].id, "a+b.conf");
	be_list_free(&l);

	char *colour = xasprintf("Current Boot Loader:\n      Product: \033[1msystemd-boot 258\033[0m\n"
				 "     Features: \033[0;32m\u2713\033[0m One-shot entry control\n");
	char *p = be_status_product(colour);
	assert_string_equal(p, "systemd-boot 258");
	assert_int_equal(be_status_oneshot(colour), 1);
	free(p);
	free(colour);
	char *lim = text("bootctl-status-limine-9.3.1.txt");
	assert_int_equal(be_status_oneshot(lim), 0);
	free(lim);
	assert_null(be_status_product("Current Boot Loader:\n      Product: n/a\n"));
	assert_int_equal(be_status_oneshot(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sdboot_files), cmocka_unit_test(test_sdboot_json),
		cmocka_unit_test(test_limine),	     cmocka_unit_test(test_limine_uki),
		cmocka_unit_test(test_grub),	     cmocka_unit_test(test_refind),
		cmocka_unit_test(test_efi),	     cmocka_unit_test(test_which_loader),
		cmocka_unit_test(test_parsers),
	};
	return cmocka_run_group_tests_name("bootentry", tests, NULL, NULL);
}
