/* What the firmware and bootctl report, as text the caller captured: the
 * firmware's boot entries (efibootmgr) and the running boot loader
 * (bootctl status). */
#include "engine/bootentry_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strv.h"
#include "base/util.h"

/* ---- efibootmgr -------------------------------------------------------- */

/* Where the device path starts: after the tab efibootmgr puts there, or (a
 * copy that lost the tab) at the first word like "HD(" or "PciRoot(". */
static const char *efi_devpath(const char *s)
{
	const char *tab = strchr(s, '\t');
	if (tab)
		return tab + 1;
	for (const char *q = s; *q; q++) {
		if (q > s && (q[-1] == ' ') && isalpha((unsigned char)*q)) {
			const char *e = q;
			while (isalpha((unsigned char)*e))
				e++;
			if (*e == '(')
				return q;
		}
	}
	return NULL;
}

/* "Boot0003* Linux Kernel\tHD(1,GPT,...)/File(\vmlinuz-linux)root=... initrd=\initramfs-linux.img":
 * the file comes in File(...), or after the last ")/" in efivar's newer
 * output, where the optional data can follow without a space; a .efi name
 * ends there. initrd= words are read where the data is plain text (not the
 * dotted UCS-2 of older -v output). */
void be_parse_efibootmgr(const char *text, struct be_list *out)
{
	const char *p = text;
	char *line;
	while ((line = be_next_line(&p))) {
		const char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (strncmp(s, "Boot", 4) != 0 || strspn(s + 4, "0123456789ABCDEFabcdef") != 4 ||
		    (s[8] != '*' && s[8] != ' ')) {
			free(line);
			continue;
		}
		char num[5];
		memcpy(num, s + 4, 4);
		num[4] = '\0';
		const char *rest = s + 9;
		while (*rest == ' ')
			rest++;
		const char *dev = efi_devpath(rest);
		const char *file = dev ? strstr(dev, "File(") : NULL;
		char *path = NULL;
		const char *after = NULL;
		if (file) {
			file += 5;
			const char *e = strchr(file, ')');
			size_t n = e ? (size_t)(e - file) : strlen(file);
			path = be_fw_path(file, n);
			after = file + n + (e ? 1 : 0);
		} else if (dev && strstr(dev, ")/")) {
			const char *f = strstr(dev, ")/") + 2;
			while (strstr(f, ")/"))
				f = strstr(f, ")/") + 2;
			size_t n = strcspn(f, " \t");
			for (size_t i = 0; i + 4 <= n; i++)
				if (strncasecmp(f + i, ".efi", 4) == 0) {
					n = i + 4;
					break;
				}
			path = be_fw_path(f, n);
			after = f + n;
		}
		if (!path) {
			free(line);
			continue;
		}
		struct be_cand *c = be_list_add(out);
		c->id = xstrdup(num);
		size_t ln = (size_t)(dev - rest);
		while (ln > 0 && (rest[ln - 1] == ' ' || rest[ln - 1] == '\t'))
			ln--;
		c->title = xasprintf("%.*s", (int)ln, rest);
		c->config = xstrdup("efibootmgr");
		c->kernel = path[0] == '/' ? path : xasprintf("/%s", path);
		if (c->kernel != path)
			free(path);
		c->efi = str_ends(c->kernel, ".efi") || str_ends(c->kernel, ".EFI");
		for (const char *q = after; (q = strstr(q, "initrd=")); q += 7) {
			size_t n = strcspn(q + 7, " \t");
			char *r = be_fw_path(q + 7, n);
			strv_push(&c->initrds, r);
			free(r);
		}
		free(line);
	}
}

/* ---- bootctl status ---------------------------------------------------- */

/* The status without colours (bootctl colours its output on a terminal). */
static char *strip_ansi(const char *s)
{
	struct strbuf sb = { 0 };
	sb_add(&sb, "");
	while (*s) {
		if (*s == '\033' && s[1] == '[') {
			s += 2;
			while (*s && !isalpha((unsigned char)*s))
				s++;
			if (*s)
				s++;
			continue;
		}
		sb_addf(&sb, "%c", *s++);
	}
	return sb.s;
}

/* The "Current Boot Loader:" section (src/bootctl/bootctl-status.c prints it
 * from LoaderInfo); it ends at the first empty line. malloc'd, NULL when absent. */
static char *loader_section(const char *status)
{
	char *plain = strip_ansi(status);
	char *s = strstr(plain, "Current Boot Loader:");
	char *sec = NULL;
	if (s) {
		char *e = strstr(s, "\n\n");
		sec = xasprintf("%.*s", e ? (int)(e - s) : (int)strlen(s), s);
	}
	free(plain);
	return sec;
}

char *be_status_product(const char *status)
{
	char *sec = status ? loader_section(status) : NULL;
	char *prod = NULL, *s = sec ? strstr(sec, "Product:") : NULL;
	if (s) {
		s += strlen("Product:");
		char *v = xasprintf("%.*s", (int)strcspn(s, "\n"), s);
		char *t = str_trim(v);
		/* Older bootctl prints the section with "n/a" when no loader set LoaderInfo. */
		if (*t && strcmp(t, "n/a") != 0)
			prod = xstrdup(t);
		free(v);
	}
	free(sec);
	return prod;
}

/* print_yes_no_line() marks a feature with ✓ or ✗ ("+"/"-" without UTF-8). */
int be_status_oneshot(const char *status)
{
	char *sec = status ? loader_section(status) : NULL;
	char *s = sec ? strstr(sec, "One-shot entry control") : NULL;
	int r = -1;
	if (s) {
		char *bol = s;
		while (bol > sec && bol[-1] != '\n')
			bol--;
		char *mark = xasprintf("%.*s", (int)(s - bol), bol);
		if (strstr(mark, "\u2713") || strstr(mark, "+ ") || strstr(mark, "+\t"))
			r = 1;
		else if (strstr(mark, "\u2717") || strstr(mark, "- ") || strstr(mark, "-\t"))
			r = 0;
		free(mark);
	}
	free(sec);
	return r;
}
