/* Which boot loader the machine uses, which of its entries boots the kernel a
 * package just installed, and how to make the next boot (only) use it. This
 * file tells the loader and matches entries to the package; each loader's
 * files and commands are in bootentry_loader.c, the parsers in
 * bootentry_parse.c (configuration files) and bootentry_efi.c (efibootmgr,
 * bootctl status). */
#include "engine/bootentry.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"
#include "engine/bootentry_int.h"

const char *boot_loader_name(enum boot_loader l)
{
	switch (l) {
	case BOOT_SYSTEMD_BOOT: return "systemd-boot";
	case BOOT_LIMINE: return "Limine";
	case BOOT_GRUB: return "GRUB";
	case BOOT_REFIND: return "rEFInd";
	case BOOT_EFI: return "EFI firmware";
	case BOOT_UNKNOWN: break;
	}
	return "unknown";
}

void boot_entry_free(struct boot_entry *e)
{
	free(e->loader_name);
	free(e->config);
	free(e->id);
	free(e->title);
	strv_free(e->oneshot);
	strv_free(e->restore);
	free(e->note);
	memset(e, 0, sizeof(*e));
}

/* ---- matching ---------------------------------------------------------- */

const char *be_base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Whether the last `need` path components of a and b are equal, each as a
 * whole: "/vmlinuz-linux" and "/boot/vmlinuz-linux-cachyos" differ, and so do
 * "linux-cachyos/vmlinuz" and "linux-cachyos-lts/vmlinuz". The directories
 * above do not count: the loader names a file on its own partition (/vmlinuz
 * for /boot/vmlinuz, /@/boot/vmlinuz on a Btrfs subvolume). */
static bool tail_match(const char *a, const char *b, size_t need)
{
	const char *ea = a + strlen(a), *eb = b + strlen(b);
	for (size_t i = 0; i < need; i++) {
		while (ea > a && ea[-1] == '/')
			ea--;
		while (eb > b && eb[-1] == '/')
			eb--;
		const char *sa = ea, *sb = eb;
		while (sa > a && sa[-1] != '/')
			sa--;
		while (sb > b && sb[-1] != '/')
			sb--;
		if (ea == sa || ea - sa != eb - sb || memcmp(sa, sb, (size_t)(ea - sa)) != 0)
			return false;
		ea = sa;
		eb = sb;
	}
	return true;
}

struct pat {
	char *path;
	size_t need;
};

/* The files of a package: what it installed, then the names mkinitcpio
 * (ALL_kver "/boot/vmlinuz-PKGBASE", "/boot/initramfs-PKGBASE.img"),
 * limine-entry-tool (MACHINE-ID/PKGBASE/vmlinuz, .../initramfs) and
 * kernel-install (TOKEN/RELEASE/linux, .../initrd) give it. A bare
 * "vmlinuz" alone says nothing, its directory has to match too. */
struct pats {
	struct pat k[6], i[6];
	size_t nk, ni;
};

static void pat_add(struct pat *v, size_t *n, char *path)
{
	const char *b = be_base_name(path);
	bool bare = strcmp(b, "vmlinuz") == 0 || strcmp(b, "linux") == 0 || strcmp(b, "initrd") == 0 ||
		    strcmp(b, "initramfs") == 0 || strcmp(b, "bzImage") == 0;
	v[*n].path = path;
	v[(*n)++].need = bare ? 2 : 1;
}

static void pats_init(struct pats *p, const struct boot_kernel *k)
{
	memset(p, 0, sizeof(*p));
	if (k->image)
		pat_add(p->k, &p->nk, xstrdup(k->image));
	pat_add(p->k, &p->nk, xasprintf("/boot/vmlinuz-%s", k->pkgbase));
	pat_add(p->k, &p->nk, xasprintf("%s/vmlinuz", k->pkgbase));
	if (k->initramfs)
		pat_add(p->i, &p->ni, xstrdup(k->initramfs));
	pat_add(p->i, &p->ni, xasprintf("/boot/initramfs-%s.img", k->pkgbase));
	pat_add(p->i, &p->ni, xasprintf("%s/initramfs", k->pkgbase));
	if (k->release && *k->release) {
		pat_add(p->k, &p->nk, xasprintf("%s/linux", k->release));
		pat_add(p->i, &p->ni, xasprintf("%s/initrd", k->release));
	}
}

static void pats_free(struct pats *p)
{
	for (size_t j = 0; j < p->nk; j++)
		free(p->k[j].path);
	for (size_t j = 0; j < p->ni; j++)
		free(p->i[j].path);
}

/* A UKI's name without ".efi" and without a boot counting "+N-M". */
char *be_uki_stem(const char *path)
{
	const char *b = be_base_name(path);
	size_t n = strlen(b);
	if (n > 4 && strcasecmp(b + n - 4, ".efi") == 0)
		n -= 4;
	char *name = xasprintf("%.*s.efi", (int)n, b);
	char *stem = be_strip_tries(name);
	stem[strlen(stem) - 4] = '\0';
	free(name);
	return stem;
}

/* UKI names: mkinitcpio's presets write ESP/EFI/Linux/arch-PKGBASE.efi (and
 * arch-PKGBASE-fallback.efi, which does not match), limine-entry-tool
 * ESP/EFI/Linux/OS_PKGBASE.efi, kernel-install TOKEN-RELEASE.efi. */
static bool uki_matches(const char *path, const struct boot_kernel *k)
{
	if (k->image && str_ends(k->image, ".efi") && tail_match(path, k->image, 1))
		return true;
	char *stem = be_uki_stem(path);
	char *arch = xasprintf("arch-%s", k->pkgbase);
	const char *us = strrchr(stem, '_');
	bool ok = strcmp(stem, arch) == 0 ||
		  (us && us > stem && !memchr(stem, '_', (size_t)(us - stem)) && strcmp(us + 1, k->pkgbase) == 0);
	if (!ok && k->release && *k->release) {
		size_t ls = strlen(stem), lr = strlen(k->release);
		ok = ls > lr + 1 && stem[ls - lr - 1] == '-' && strcmp(stem + ls - lr, k->release) == 0;
	}
	free(arch);
	free(stem);
	return ok;
}

static bool kernel_matches(const struct be_cand *c, const struct pats *p, const struct boot_kernel *k)
{
	if (!c->kernel)
		return false;
	if (c->efi || str_ends(c->kernel, ".efi") || str_ends(c->kernel, ".EFI"))
		return uki_matches(c->kernel, k);
	for (size_t j = 0; j < p->nk; j++)
		if (tail_match(c->kernel, p->k[j].path, p->k[j].need))
			return true;
	return false;
}

/* 2: an initrd is the package's; 1: no initrd (a UKI carries its own); 0: other
 * initrds only, the fallback image most likely. */
static int initrd_score(const struct be_cand *c, const struct pats *p)
{
	if (!c->initrds)
		return 1;
	for (char **r = c->initrds; *r; r++)
		for (size_t j = 0; j < p->ni; j++)
			if (tail_match(*r, p->i[j].path, p->i[j].need))
				return 2;
	return 0;
}

/* The first entry with the best initrd score; snapshot entries boot an older
 * kernel copied aside and never count. */
int be_best_match(const struct be_list *l, const struct boot_kernel *k)
{
	struct pats p;
	pats_init(&p, k);
	int best = -1, score = -1;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].snapshot || !kernel_matches(&l->v[i], &p, k))
			continue;
		int s = initrd_score(&l->v[i], &p);
		if (s > score) {
			best = (int)i;
			score = s;
		}
	}
	pats_free(&p);
	return best;
}

/* ---- which loader ------------------------------------------------------ */

/* LoaderInfo as bootctl status shows it: "systemd-boot 257.5-1-arch",
 * "Limine 12.4.0" (LIMINE_BRAND in common/lib/bli.c), "GRUB 2.12" (its bli
 * module, PACKAGE_STRING). */
static enum boot_loader loader_of_product(const char *product)
{
	if (strncasecmp(product, "systemd-boot", 12) == 0)
		return BOOT_SYSTEMD_BOOT;
	if (strncasecmp(product, "Limine", 6) == 0)
		return BOOT_LIMINE;
	if (strncasecmp(product, "GRUB", 4) == 0)
		return BOOT_GRUB;
	if (strncasecmp(product, "rEFInd", 6) == 0)
		return BOOT_REFIND;
	return BOOT_UNKNOWN;
}

int boot_find(const struct boot_inputs *in, const struct boot_kernel *k, struct boot_entry *out, char **why)
{
	memset(out, 0, sizeof(*out));
	if (!in || !k || !k->pkgbase || !*k->pkgbase) {
		cause_set(why, _("no kernel package given"));
		return -1;
	}
	struct ctx x = { .in = in, .k = k, .sysroot = in->sysroot && *in->sysroot ? in->sysroot : "/" };
	x.product = be_status_product(in->bootctl_status);
	struct be_list json = { 0 };
	bool have_json = in->bootctl_list_json && be_parse_bootctl_json(in->bootctl_list_json, &json) == 0 &&
			 json.n > 0;
	be_list_free(&json);

	char *conf[BOOT_EFI + 1] = { 0 };
	bool have[BOOT_EFI + 1] = { 0 };
	have[BOOT_SYSTEMD_BOOT] = be_sdboot_present(x.sysroot) || have_json;
	have[BOOT_LIMINE] = (conf[BOOT_LIMINE] = be_limine_conf(x.sysroot)) != NULL;
	have[BOOT_GRUB] = (conf[BOOT_GRUB] = be_grub_conf(x.sysroot)) != NULL;
	have[BOOT_REFIND] = (conf[BOOT_REFIND] = be_refind_conf(x.sysroot)) != NULL;

	enum boot_loader l = BOOT_UNKNOWN;
	if (x.product) {
		l = loader_of_product(x.product);
		if (l == BOOT_UNKNOWN)
			cause_set(why, _("bootctl status names the boot loader \"%s\", which kfdo does not know: choose "
					 "the entry of %s in its menu by hand at the next boot"), x.product, k->pkgbase);
		else if (!have[l])
			cause_set(why, _("bootctl status says %s started this machine, but no %s configuration was "
					 "found below %s"), x.product, boot_loader_name(l), x.sysroot);
		if (l != BOOT_UNKNOWN && !have[l])
			l = BOOT_UNKNOWN;
	} else {
		/* systemd-boot always sets LoaderInfo: a status without it rules
		 * systemd-boot out (Limine before 9.x and GRUB without its bli
		 * module set none). */
		if (in->bootctl_status)
			have[BOOT_SYSTEMD_BOOT] = false;
		struct strbuf names = { 0 };
		size_t n = 0;
		for (int i = BOOT_SYSTEMD_BOOT; i <= BOOT_REFIND; i++)
			if (have[i]) {
				sb_addf(&names, "%s%s", n++ ? ", " : "", boot_loader_name(i));
				l = (enum boot_loader)i;
			}
		if (n == 0 && in->efibootmgr) {
			l = BOOT_EFI;
		} else if (n == 0) {
			cause_set(why, _("no boot loader configuration below %s (looked for systemd-boot's loader/, "
					 "limine.conf, grub/grub.cfg and EFI/refind/refind.conf on /boot, /efi and "
					 "/boot/efi)"), x.sysroot);
		} else if (n > 1) {
			cause_set(why, _("there are configurations of %s and nothing tells which one starts this "
					 "machine: give kfdo the output of `bootctl status`, or choose the entry of %s "
					 "in the boot menu by hand"), names.s, k->pkgbase);
			l = BOOT_UNKNOWN;
		}
		sb_free(&names);
	}

	int r = -1;
	switch (l) {
	case BOOT_SYSTEMD_BOOT: r = be_find_sdboot(&x, out, why); break;
	case BOOT_LIMINE: r = be_find_limine(&x, conf[BOOT_LIMINE], out, why); break;
	case BOOT_GRUB: r = be_find_grub(&x, conf[BOOT_GRUB], out, why); break;
	case BOOT_REFIND: r = be_find_refind(&x, conf[BOOT_REFIND], out, why); break;
	case BOOT_EFI: r = be_find_efi(&x, out, why); break;
	case BOOT_UNKNOWN: break;
	}
	if (r == 0)
		out->note = x.note.s;
	else
		sb_free(&x.note);
	for (size_t i = 0; i < ARRAY_LEN(conf); i++)
		free(conf[i]);
	free(x.product);
	return r;
}
