/* The loaders one by one: where their configuration lies below the sysroot,
 * which entry boots the package's kernel, and the command that makes the next
 * boot use it. What each command does is cited from the loader's source at
 * the function that writes it. */
#include "engine/bootentry_int.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/i18n.h"
#include "base/strv.h"
#include "base/util.h"

#define CONF_MAX (1 << 20)

/* ---- the files below the sysroot --------------------------------------- */

/* Where an ESP or XBOOTLDR partition is mounted on Arch and CachyOS. */
static const char *const mounts[] = { "/boot", "/efi", "/boot/efi" };

static char *read_conf(const char *sysroot, const char *path)
{
	char *p = sysroot_path(sysroot, path);
	char *text = file_read(p, CONF_MAX, NULL);
	free(p);
	return text;
}

static bool is_dir(const char *sysroot, const char *path)
{
	char *p = sysroot_path(sysroot, path);
	struct stat st;
	bool ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return ok;
}

/* The first of paths that exists below the sysroot, as a path on the machine. */
static char *first_file(const char *sysroot, const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sysroot_exists(sysroot, paths[i]) && !is_dir(sysroot, paths[i]))
			return xstrdup(paths[i]);
	return NULL;
}

/* Limine takes the first of these on the partition it was started from
 * (CONFIG.md, "Location of the config file": the EFI application's own
 * directory first, then /boot/limine/, /boot/, /limine/ and the root). */
char *be_limine_conf(const char *sysroot)
{
	static const char *const rel[] = { "/EFI/limine/limine.conf", "/EFI/BOOT/limine.conf",
					   "/boot/limine/limine.conf", "/boot/limine.conf",
					   "/limine/limine.conf", "/limine.conf" };
	char *found = NULL;
	for (size_t m = 0; m < ARRAY_LEN(mounts) && !found; m++)
		for (size_t r = 0; r < ARRAY_LEN(rel) && !found; r++) {
			char *p = xasprintf("%s%s", mounts[m], rel[r]);
			const char *one[] = { p };
			found = first_file(sysroot, one, 1);
			free(p);
		}
	return found;
}

char *be_grub_conf(const char *sysroot)
{
	static const char *const p[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", "/efi/grub/grub.cfg",
					 "/boot/efi/grub/grub.cfg" };
	return first_file(sysroot, p, ARRAY_LEN(p));
}

char *be_refind_conf(const char *sysroot)
{
	static const char *const p[] = { "/boot/EFI/refind/refind.conf", "/efi/EFI/refind/refind.conf",
					 "/boot/efi/EFI/refind/refind.conf" };
	return first_file(sysroot, p, ARRAY_LEN(p));
}

/* The names in dir ending in suffix, sorted; NULL when none. */
static char **dir_names(const char *sysroot, const char *dir, const char *suffix)
{
	char *p = sysroot_path(sysroot, dir);
	DIR *d = opendir(p);
	free(p);
	char **v = NULL;
	if (!d)
		return NULL;
	struct dirent *de;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && str_ends(de->d_name, suffix))
			strv_push(&v, de->d_name);
	closedir(d);
	strv_sort(v);
	return v;
}

/* Whether a systemd-boot layout lies on one of the usual mounts. */
bool be_sdboot_present(const char *sysroot)
{
	for (size_t m = 0; m < ARRAY_LEN(mounts); m++) {
		char *c = xasprintf("%s/loader/loader.conf", mounts[m]);
		char *e = xasprintf("%s/loader/entries", mounts[m]);
		bool ok = sysroot_exists(sysroot, c) || is_dir(sysroot, e);
		free(c);
		free(e);
		if (ok)
			return true;
	}
	return false;
}

/* Type #1 entry files and Type #2 UKIs, as systemd-boot finds them on each
 * mount (the Boot Loader Specification's $BOOT/loader/entries/ and $BOOT/EFI/Linux/). */
static void sdboot_files(const char *sysroot, struct be_list *out)
{
	for (size_t m = 0; m < ARRAY_LEN(mounts); m++) {
		char *dir = xasprintf("%s/loader/entries", mounts[m]);
		char **names = dir_names(sysroot, dir, ".conf");
		for (char **n = names; n && *n; n++) {
			char *path = xasprintf("%s/%s", dir, *n);
			char *text = read_conf(sysroot, path);
			if (text)
				be_parse_bls(text, *n, path, out);
			free(text);
			free(path);
		}
		strv_free(names);
		free(dir);
		dir = xasprintf("%s/EFI/Linux", mounts[m]);
		names = dir_names(sysroot, dir, ".efi");
		for (char **n = names; n && *n; n++) {
			struct be_cand *c = be_list_add(out);
			c->kernel = xasprintf("%s/%s", dir, *n);
			c->config = xstrdup(c->kernel);
			c->title = xstrdup(*n);
			c->id = be_strip_tries(*n);
			c->efi = true;
		}
		strv_free(names);
		free(dir);
	}
}

/* Whether GRUB can clear next_entry after using it. GRUB writes its
 * environment block only on a plain disk (GRUB manual, "Environment block":
 * no LVM or RAID) and not on Btrfs unless grub-editenv keeps the block in
 * the Btrfs header (env_block=, GRUB 2.14, commit 6435551a6); grub-reboot
 * itself warns that on diskfilter and LVM "the chosen boot menu entry will
 * remain the default" (util/grub-reboot.in, commit 478e54b73). Known from
 * the mount table below the sysroot; without one, nothing is assumed. */
static const char *grub_env_sticky(const char *sysroot, const char *grubdir)
{
	char *mt = read_conf(sysroot, "/proc/self/mounts");
	if (!mt)
		mt = read_conf(sysroot, "/proc/mounts");
	if (!mt)
		return NULL;
	char src[256] = "", best_fs[64] = "";
	size_t best = 0;
	char *save = NULL;
	for (char *line = strtok_r(mt, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[256], dir[256], fs[64];
		if (sscanf(line, "%255s %255s %63s", dev, dir, fs) != 3)
			continue;
		size_t n = strlen(dir);
		bool under = strcmp(dir, "/") == 0 ||
			     (strncmp(grubdir, dir, n) == 0 && (grubdir[n] == '/' || grubdir[n] == '\0'));
		if (under && n >= best) {
			best = n;
			snprintf(src, sizeof(src), "%s", dev);
			snprintf(best_fs, sizeof(best_fs), "%s", fs);
		}
	}
	free(mt);
	const char *why = NULL;
	if (str_starts(src, "/dev/mapper/") || str_starts(src, "/dev/md"))
		why = N_("LVM, RAID or an encrypted device");
	else if (strcmp(best_fs, "btrfs") == 0) {
		char *envp = xasprintf("%s/grubenv", grubdir);
		char *env = read_conf(sysroot, envp);
		if (!env || !strstr(env, "env_block="))
			why = N_("Btrfs");
		free(env);
		free(envp);
	}
	return why;
}

/* ---- per loader -------------------------------------------------------- */

static void note_add(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_add(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	sb_addf(&x->note, "%s%s", x->note.s ? " " : "", s);
	free(s);
}

static void fill(struct ctx *x, struct boot_entry *out, enum boot_loader l, const struct be_cand *c)
{
	out->loader = l;
	out->loader_name = xstrdup(x->product && l != BOOT_EFI ? x->product : boot_loader_name(l));
	out->config = xstrdup(c->config);
	out->id = xstrdup(c->id);
	out->title = xstrdup(c->title);
}

static char **argv3(const char *a, const char *b, const char *c)
{
	char **v = NULL;
	strv_push(&v, a);
	strv_push(&v, b);
	strv_push(&v, c);
	return v;
}

static const char *once_note(void)
{
	return _("Only the next boot uses it: should the new kernel not come up, a reset boots the usual "
		 "default again.");
}

/* Why nothing matched, and what the user does instead. */
static int none(struct ctx *x, enum boot_loader l, const char *where, char **why)
{
	const struct boot_kernel *k = x->k;
	char *want = k->image ? xstrdup(k->image) : xasprintf("vmlinuz-%s", k->pkgbase);
	cause_set(why, _("no %s entry in %s boots %s (package %s): add one, or choose that kernel in the %s "
			 "menu by hand at the next boot"),
		  boot_loader_name(l), where, want, k->pkgbase, boot_loader_name(l));
	free(want);
	return -1;
}

/* systemd-boot: `bootctl set-oneshot ID` writes ID as it is into
 * LoaderEntryOneShot (src/bootctl/bootctl-set-efivar.c); systemd-boot
 * compares it with each entry's id by fnmatch (config_find_entry() in
 * src/boot/boot.c), and a Type #1 id keeps its ".conf". `systemctl reboot
 * --boot-loader-entry=ID` would do the same and reboot at once; the caller
 * reboots by itself. */
int be_find_sdboot(struct ctx *x, struct boot_entry *out, char **why)
{
	struct be_list l = { 0 };
	const char *where = "bootctl list";
	if (!x->in->bootctl_list_json || be_parse_bootctl_json(x->in->bootctl_list_json, &l) < 0 || l.n == 0) {
		be_list_free(&l);
		sdboot_files(x->sysroot, &l);
		where = "loader/entries";
	}
	int i = be_best_match(&l, x->k);
	if (i < 0) {
		be_list_free(&l);
		return none(x, BOOT_SYSTEMD_BOOT, where, why);
	}
	fill(x, out, BOOT_SYSTEMD_BOOT, &l.v[i]);
	if (be_status_oneshot(x->in->bootctl_status) == 0) {
		note_add(x, _("%s does not offer a one-shot entry: choose \"%s\" in its menu at the next boot."),
			 out->loader_name, out->title);
	} else {
		out->oneshot = argv3("bootctl", "set-oneshot", out->id);
		note_add(x, "%s", once_note());
	}
	be_list_free(&l);
	return 0;
}

/* Limine reads LoaderEntryOneShot since 11.4.0 ("Implement timeout and entry
 * control of the Boot Loader Interface", ChangeLog) and takes a menu path
 * there (find_entry_by_bli_id_or_path() in common/menu.c); bootctl writes the
 * value as given. Older Limine sets no such feature and has no one-shot at all. */
int be_find_limine(struct ctx *x, const char *conf, struct boot_entry *out, char **why)
{
	char *text = read_conf(x->sysroot, conf);
	struct be_list l = { 0 };
	bool remember = false;
	if (text)
		be_parse_limine(text, conf, &l, &remember);
	free(text);
	int i = be_best_match(&l, x->k);
	if (i < 0) {
		be_list_free(&l);
		return none(x, BOOT_LIMINE, conf, why);
	}
	fill(x, out, BOOT_LIMINE, &l.v[i]);
	int feature = be_status_oneshot(x->in->bootctl_status);
	if (feature == 0) {
		note_add(x, _("%s cannot boot an entry once (Limine 11.4.0 added that): choose \"%s\" in the Limine "
			      "menu at the next boot."), out->loader_name, out->id);
	} else {
		out->oneshot = argv3("bootctl", "set-oneshot", out->id);
		note_add(x, "%s", once_note());
		if (feature < 0)
			note_add(x, _("Limine reads it from version 11.4.0 on; an older one boots its default, then "
				      "choose \"%s\" by hand."), out->id);
		/* menu.c saves every entry it boots in LimineLastBootedEntry. */
		if (remember)
			note_add(x, _("%s sets remember_last_entry: Limine keeps the booted entry as its default "
				      "until another one is chosen."), conf);
	}
	be_list_free(&l);
	return 0;
}

/* GRUB: grub-reboot sets next_entry in grubenv (util/grub-reboot.in, since
 * commit 5945c2f84 "Reimplement grub-reboot to not depend on saved_entry");
 * 00_header.in reads next_entry whatever GRUB_DEFAULT says, so
 * /etc/default/grub needs no GRUB_DEFAULT=saved for it. An entry in a
 * submenu is "SUBMENU>ENTRY". */
int be_find_grub(struct ctx *x, const char *conf, struct boot_entry *out, char **why)
{
	char *text = read_conf(x->sysroot, conf);
	struct be_list l = { 0 };
	bool next_entry = false;
	if (text)
		be_parse_grub(text, conf, &l, &next_entry);
	free(text);
	int i = be_best_match(&l, x->k);
	if (i < 0) {
		be_list_free(&l);
		return none(x, BOOT_GRUB, conf, why);
	}
	fill(x, out, BOOT_GRUB, &l.v[i]);
	be_list_free(&l);
	if (!next_entry) {
		note_add(x, _("%s does not read next_entry (grub-mkconfig did not write it): run grub-mkconfig -o %s, "
			      "or choose \"%s\" in the GRUB menu at the next boot."), conf, conf, out->title);
		return 0;
	}
	strv_push(&out->oneshot, "grub-reboot");
	strv_push(&out->oneshot, out->id);
	note_add(x, "%s", once_note());
	char *grubdir = xasprintf("%.*s", (int)(be_base_name(conf) - conf - 1), conf);
	const char *sticky = grub_env_sticky(x->sysroot, grubdir);
	if (sticky) {
		char *env = xasprintf("%s/grubenv", grubdir);
		out->restore = argv3("grub-editenv", env, "unset");
		strv_push(&out->restore, "next_entry");
		note_add(x, _("%s lies on %s, where GRUB cannot write its environment block: it keeps next_entry, so "
			      "run the restore command after that boot."), grubdir, _(sticky));
		free(env);
	}
	free(grubdir);
	return 0;
}

/* efibootmgr --bootnext: the firmware boots that entry once (BootNext). */
int be_find_efi(struct ctx *x, struct boot_entry *out, char **why)
{
	struct be_list l = { 0 };
	if (x->in->efibootmgr)
		be_parse_efibootmgr(x->in->efibootmgr, &l);
	int i = be_best_match(&l, x->k);
	if (i < 0) {
		be_list_free(&l);
		return none(x, BOOT_EFI, "efibootmgr", why);
	}
	fill(x, out, BOOT_EFI, &l.v[i]);
	out->oneshot = argv3("efibootmgr", "--bootnext", out->id);
	note_add(x, "%s", once_note());
	be_list_free(&l);
	return 0;
}

/* rEFInd has no one-shot: it sets BootNext only for firmware entries it
 * launches itself (RebootIntoLoader() in refind/launch_efi.c) and remembers
 * the last boot in PreviousBoot for a "+" default_selection (main.c), which
 * no tool sets. A firmware entry for the kernel, when efibootmgr shows one,
 * can still be booted once, past rEFInd. */
int be_find_refind(struct ctx *x, const char *conf, struct boot_entry *out, char **why)
{
	char *text = read_conf(x->sysroot, conf);
	struct be_list l = { 0 };
	bool scan = true;
	if (text)
		be_parse_refind(text, conf, &l, &scan);
	free(text);
	int i = be_best_match(&l, x->k);
	if (i < 0 && scan) {
		/* Its own scan: kernels named vmlinuz* on any partition, the options
		 * from refind_linux.conf beside them. */
		char *dflt = xasprintf("/boot/vmlinuz-%s", x->k->pkgbase);
		const char *img = x->k->image && sysroot_exists(x->sysroot, x->k->image) ? x->k->image : dflt;
		if (sysroot_exists(x->sysroot, img)) {
			struct be_cand *c = be_list_add(&l);
			c->kernel = xstrdup(img);
			c->id = xstrdup(be_base_name(img));
			c->title = xasprintf(_("Boot %s from ..."), be_base_name(img));
			c->config = xstrdup(conf);
			i = (int)l.n - 1;
		}
		free(dflt);
	}
	if (i < 0) {
		be_list_free(&l);
		return none(x, BOOT_REFIND, conf, why);
	}
	char *title = xstrdup(l.v[i].title), *err = NULL;
	if (x->in->efibootmgr && be_find_efi(x, out, &err) == 0) {
		free(x->note.s);
		x->note = (struct strbuf){ 0 };
		note_add(x, _("rEFInd has no one-shot entry; firmware entry %s (\"%s\") starts the kernel once, "
			      "without rEFInd."), out->id, out->title);
	} else {
		boot_entry_free(out);
		fill(x, out, BOOT_REFIND, &l.v[i]);
		note_add(x, _("rEFInd has no one-shot entry: choose \"%s\" in the rEFInd menu at the next boot."),
			 title);
	}
	free(err);
	free(title);
	be_list_free(&l);
	return 0;
}

