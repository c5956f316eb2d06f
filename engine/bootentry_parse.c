/* The boot loaders' configuration files (systemd-boot's entries and bootctl's
 * JSON, limine.conf, grub.cfg, refind.conf) read into menu entries (struct
 * be_cand). Only what matching needs is kept: the id the one-shot command
 * takes, the title, the kernel or UKI and the initrds. Text only; no file is
 * opened here. */
#include "engine/bootentry_int.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/strv.h"
#include "base/util.h"

struct be_cand *be_list_add(struct be_list *l)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct be_cand *c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

void be_list_free(struct be_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct be_cand *c = &l->v[i];
		free(c->id);
		free(c->title);
		free(c->config);
		free(c->kernel);
		strv_free(c->initrds);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The next line of *p (without its newline), malloc'd; NULL at the end. */
char *be_next_line(const char **p)
{
	if (!*p || !**p)
		return NULL;
	const char *e = strchr(*p, '\n');
	size_t n = e ? (size_t)(e - *p) : strlen(*p);
	char *s = xasprintf("%.*s", (int)n, *p);
	*p = e ? e + 1 : *p + n;
	return s;
}

/* Backslashes to slashes: efibootmgr and rEFInd write EFI paths the firmware's way. */
char *be_fw_path(const char *s, size_t n)
{
	char *p = xasprintf("%.*s", (int)n, s);
	for (char *q = p; *q; q++)
		if (*q == '\\')
			*q = '/';
	return p;
}

/* ---- systemd-boot ------------------------------------------------------ */

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The paths of bootctl's JSON are relative to the entry's "root" (the ESP or
 * XBOOTLDR mount); joined, they are paths on the machine again. */
static char *rooted(const char *root, const char *p)
{
	if (!root || !*root || strcmp(root, "/") == 0 || p[0] != '/')
		return xstrdup(p);
	return xasprintf("%s%s", root, p);
}

/* Field names as systemd writes them: boot_entry_to_json() in
 * src/shared/bootspec.c (systemd/systemd @ 36b12282): "id", "path", "root",
 * "title", "showTitle", "linux", "efi", "uki", "initrd" (an array), "type"
 * ("type1", "type2", "loader", "auto"). A Type #2 entry (UKI) carries the
 * .efi file in "linux". */
int be_parse_bootctl_json(const char *json, struct be_list *out)
{
	json_object *arr = json ? json_tokener_parse(json) : NULL;
	if (!arr || !json_object_is_type(arr, json_type_array)) {
		json_object_put(arr);
		return -1;
	}
	size_t n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		const char *id = jstr(o, "id"), *type = jstr(o, "type"), *root = jstr(o, "root");
		const char *lx = jstr(o, "linux"), *efi = jstr(o, "efi"), *uki = jstr(o, "uki");
		const char *kernel = lx ? lx : uki ? uki : efi;
		if (!id || !kernel)
			continue;
		struct be_cand *c = be_list_add(out);
		c->id = xstrdup(id);
		const char *t = jstr(o, "showTitle");
		c->title = xstrdup(t ? t : jstr(o, "title") ? jstr(o, "title") : id);
		c->config = xstrdup(jstr(o, "path") ? jstr(o, "path") : id);
		c->kernel = rooted(root, kernel);
		c->efi = !lx || (type && strcmp(type, "type2") == 0);
		json_object *ird;
		if (json_object_object_get_ex(o, "initrd", &ird) && json_object_is_type(ird, json_type_array))
			for (size_t j = 0; j < json_object_array_length(ird); j++) {
				const char *s = json_object_get_string(json_object_array_get_idx(ird, j));
				if (s) {
					char *r = rooted(root, s);
					strv_push(&c->initrds, r);
					free(r);
				}
			}
	}
	json_object_put(arr);
	return 0;
}

/* "linux-cachyos+3-1.conf" -> "linux-cachyos.conf": the id drops the boot
 * counting suffix, as boot_filename_extract_tries() in bootspec.c does. */
char *be_strip_tries(const char *fname)
{
	const char *dot = strrchr(fname, '.');
	const char *plus = dot ? memrchr(fname, '+', (size_t)(dot - fname)) : NULL;
	if (plus) {
		const char *q = plus + 1;
		size_t d = strspn(q, "0123456789");
		if (d > 0 && q[d] == '-')
			q += d + 1, d = strspn(q, "0123456789");
		if (d > 0 && q + d == dot)
			return xasprintf("%.*s%s", (int)(plus - fname), fname, dot);
	}
	return xstrdup(fname);
}

void be_parse_bls(const char *text, const char *fname, const char *config, struct be_list *out)
{
	char *title = NULL, *kernel = NULL, **initrds = NULL;
	bool efi = false;
	const char *p = text;
	char *line;
	while ((line = be_next_line(&p))) {
		char *s = str_trim(line);
		size_t k = strcspn(s, " \t");
		char *val = str_trim(s + k);
		s[k] = '\0';
		if (*s == '#' || !*val) {
			free(line);
			continue;
		}
		if (strcmp(s, "title") == 0) {
			free(title);
			title = xstrdup(val);
		} else if (strcmp(s, "linux") == 0 || strcmp(s, "efi") == 0 || strcmp(s, "uki") == 0) {
			free(kernel);
			kernel = xstrdup(val);
			efi = strcmp(s, "linux") != 0;
		} else if (strcmp(s, "initrd") == 0) {
			strv_push(&initrds, val);
		}
		free(line);
	}
	if (!kernel) {
		free(title);
		strv_free(initrds);
		return;
	}
	struct be_cand *c = be_list_add(out);
	c->id = be_strip_tries(fname);
	c->title = title ? title : xstrdup(c->id);
	c->config = xstrdup(config);
	c->kernel = kernel;
	c->initrds = initrds;
	c->efi = efi;
}

/* ---- Limine ------------------------------------------------------------ */

/* "boot():/x/vmlinuz#b2sum" -> "/x/vmlinuz": the resource (boot(), guid(...),
 * a '$' for gzip) and the blake2b hash suffix are not part of the file's path
 * (CONFIG.md, "Paths"). */
static char *limine_path(const char *v)
{
	const char *r = strstr(v, "):");
	const char *p = r ? r + 2 : v;
	size_t n = strlen(p);
	const char *hash = strrchr(p, '#');
	if (hash && hash[1] && strspn(hash + 1, "0123456789abcdefABCDEF") == strlen(hash + 1))
		n = (size_t)(hash - p);
	return xasprintf("%.*s", (int)n, p);
}

/* A name as it stands in a menu path: '/', '\' and '#' escaped with '\'
 * (escape_name() in Limine's common/menu.c; CONFIG.md, default_entry). */
static void path_add_name(struct strbuf *sb, const char *name, size_t dup)
{
	for (const char *s = name; *s; s++) {
		if (*s == '/' || *s == '\\' || *s == '#')
			sb_add(sb, "\\");
		sb_addf(sb, "%c", *s);
	}
	if (dup > 0)
		sb_addf(sb, "#%zu", dup);
}

#define LIMINE_DEPTH 16

struct limine_state {
	char *names[LIMINE_DEPTH + 1];	/* the open directories, by depth */
	size_t dups[LIMINE_DEPTH + 1];
	char **siblings[LIMINE_DEPTH + 1];	/* names seen so far under the open parent */
	struct be_cand *cur;		/* the entry options go to, NULL outside one */
	enum { PROTO_NONE, PROTO_LINUX, PROTO_EFI, PROTO_OTHER } proto;
};

/* An entry without a kernel (a directory, a chainload) is no candidate. */
static void limine_close(struct limine_state *st, struct be_list *out)
{
	if (st->cur)
		st->cur->efi = st->proto == PROTO_EFI;
	if (st->cur && (!st->cur->kernel || st->proto == PROTO_OTHER)) {
		struct be_cand *c = st->cur;
		free(c->id);
		free(c->title);
		free(c->config);
		free(c->kernel);
		strv_free(c->initrds);
		out->n--;
	}
	st->cur = NULL;
}

/* limine.conf as limine-entry-tool writes it (CachyOS): "/+CachyOS" opens a
 * directory, "//linux-cachyos" an entry in it, options are "key: value" with
 * case-insensitive keys. The id is the entry's menu path, "CachyOS/linux-cachyos",
 * which is what LoaderEntryOneShot takes (find_entry_by_bli_id_or_path() in
 * common/menu.c, Limine-Bootloader/Limine @ be110a41); "#N" counts earlier
 * siblings of the same name. */
void be_parse_limine(const char *text, const char *config, struct be_list *out, bool *remember)
{
	struct limine_state st = { 0 };
	*remember = false;
	const char *p = text;
	char *line;
	while ((line = be_next_line(&p))) {
		char *s = str_trim(line);
		if (*s == '/') {
			limine_close(&st, out);
			size_t depth = strspn(s, "/");
			char *name = s + depth;
			if (*name == '+')
				name++;
			name = str_trim(name);
			if (depth > LIMINE_DEPTH) {
				free(line);
				continue;
			}
			for (size_t d = depth + 1; d <= LIMINE_DEPTH; d++) {
				strv_free(st.siblings[d]);
				st.siblings[d] = NULL;
			}
			size_t dup = 0;
			for (char **x = st.siblings[depth]; x && *x; x++)
				dup += strcmp(*x, name) == 0;
			strv_push(&st.siblings[depth], name);
			free(st.names[depth]);
			st.names[depth] = xstrdup(name);
			st.dups[depth] = dup;
			struct strbuf path = { 0 };
			bool snap = false;
			for (size_t d = 1; d <= depth; d++) {
				if (d > 1)
					sb_add(&path, "/");
				path_add_name(&path, st.names[d] ? st.names[d] : "", st.dups[d]);
				snap |= d < depth && st.names[d] && strcmp(st.names[d], "Snapshots") == 0;
			}
			st.cur = be_list_add(out);
			st.cur->id = path.s ? path.s : xstrdup("");
			st.cur->title = xstrdup(name);
			st.cur->config = xstrdup(config);
			st.cur->snapshot = snap;
			st.proto = PROTO_NONE;
			free(line);
			continue;
		}
		char *colon = strchr(s, ':');
		if (*s == '#' || !colon) {
			free(line);
			continue;
		}
		*colon = '\0';
		char *key = str_trim(s), *val = str_trim(colon + 1);
		if (strcasecmp(key, "remember_last_entry") == 0) {
			*remember = strcasecmp(val, "yes") == 0;
		} else if (st.cur && strcasecmp(key, "protocol") == 0) {
			/* efi_chainload and uefi are aliases of efi (CONFIG.md); limine,
			 * multiboot and bios entries boot no Linux kernel. */
			if (strcasecmp(val, "linux") == 0)
				st.proto = PROTO_LINUX;
			else if (strcasecmp(val, "efi") == 0 || strcasecmp(val, "uefi") == 0 ||
				 strcasecmp(val, "efi_chainload") == 0)
				st.proto = PROTO_EFI;
			else
				st.proto = PROTO_OTHER;
		} else if (st.cur && (strcasecmp(key, "path") == 0 || strcasecmp(key, "kernel_path") == 0 ||
				      strcasecmp(key, "image_path") == 0)) {
			free(st.cur->kernel);
			st.cur->kernel = limine_path(val);
		} else if (st.cur && strcasecmp(key, "module_path") == 0) {
			char *m = limine_path(val);
			strv_push(&st.cur->initrds, m);
			free(m);
		}
		free(line);
	}
	limine_close(&st, out);
	for (size_t d = 0; d <= LIMINE_DEPTH; d++) {
		free(st.names[d]);
		strv_free(st.siblings[d]);
	}
}

/* ---- GRUB -------------------------------------------------------------- */

/* A grub.cfg line as words: '...' literal, "..." with \-escapes, \x, and
 * grub_quote()'s 'it'\''s' joining into one word. A '#' starting a word
 * starts a comment. */
static char **grub_words(const char *s)
{
	char **w = NULL;
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			return w;
		struct strbuf sb = { 0 };
		sb_add(&sb, "");
		while (*s && *s != ' ' && *s != '\t') {
			if (*s == '\'') {
				const char *e = strchr(s + 1, '\'');
				size_t n = e ? (size_t)(e - s - 1) : strlen(s + 1);
				sb_addf(&sb, "%.*s", (int)n, s + 1);
				s = e ? e + 1 : s + 1 + n;
			} else if (*s == '"') {
				for (s++; *s && *s != '"'; s++) {
					if (*s == '\\' && s[1])
						s++;
					sb_addf(&sb, "%c", *s);
				}
				if (*s)
					s++;
			} else {
				if (*s == '\\' && s[1])
					s++;
				sb_addf(&sb, "%c", *s++);
			}
		}
		strv_push(&w, sb.s);
		sb_free(&sb);
	}
}

/* "(hd0,gpt1)/vmlinuz" and "($root)/vmlinuz" name a file by device first. */
static const char *grub_strip_device(const char *p)
{
	if (*p == '(') {
		const char *e = strchr(p, ')');
		if (e)
			return e + 1;
	}
	return p;
}

/* A menu item as `default` and grub-reboot name it: the id when it has one,
 * else the title with '>' doubled (GRUB manual, "default"). */
static char *grub_label(char **w)
{
	size_t n = strv_len(w);
	for (size_t i = 2; i + 1 < n; i++)
		if (strcmp(w[i], "--id") == 0 || strcmp(w[i], "$menuentry_id_option") == 0)
			return xstrdup(w[i + 1]);
	struct strbuf sb = { 0 };
	sb_add(&sb, "");
	for (const char *t = n > 1 ? w[1] : ""; *t; t++)
		sb_add(&sb, *t == '>' ? ">>" : (char[]){ *t, '\0' });
	return sb.s;
}

enum { GRUB_OTHER, GRUB_SUBMENU, GRUB_ENTRY };

/* grub.cfg as grub-mkconfig writes it: menuentry and submenu blocks, opened
 * by a line ending in '{' and closed by a line "}" (so are functions, which
 * count as other blocks). */
void be_parse_grub(const char *text, const char *config, struct be_list *out, bool *next_entry)
{
	int kind[32];
	char *label[32] = { 0 }, *title[32] = { 0 };
	struct be_cand cur = { 0 };
	size_t depth = 0;
	/* 00_header.in (GRUB) emits `if [ "${next_entry}" ] ; then set default=...`
	 * for every GRUB_DEFAULT; it is what makes grub-reboot work. */
	*next_entry = strstr(text, "\"${next_entry}\"") != NULL;
	const char *p = text;
	char *line;
	while ((line = be_next_line(&p))) {
		char **w = grub_words(line);
		size_t n = strv_len(w);
		if (n == 1 && strcmp(w[0], "}") == 0 && depth > 0) {
			depth--;
			if (kind[depth] == GRUB_ENTRY && cur.kernel) {
				struct strbuf id = { 0 };
				for (size_t d = 0; d <= depth; d++)
					if (kind[d] != GRUB_OTHER)
						sb_addf(&id, "%s%s", id.s ? ">" : "", label[d]);
				struct be_cand *c = be_list_add(out);
				*c = cur;
				c->id = id.s;
				c->title = xstrdup(title[depth]);
				c->config = xstrdup(config);
				memset(&cur, 0, sizeof(cur));
			} else if (kind[depth] == GRUB_ENTRY) {
				strv_free(cur.initrds);
				memset(&cur, 0, sizeof(cur));
			}
			free(label[depth]);
			free(title[depth]);
			label[depth] = title[depth] = NULL;
		} else if (n > 0 && strcmp(w[n - 1], "{") == 0 && depth < 32) {
			bool entry = strcmp(w[0], "menuentry") == 0, sub = strcmp(w[0], "submenu") == 0;
			kind[depth] = entry ? GRUB_ENTRY : sub ? GRUB_SUBMENU : GRUB_OTHER;
			label[depth] = entry || sub ? grub_label(w) : NULL;
			title[depth] = entry || sub ? xstrdup(n > 2 ? w[1] : "") : NULL;
			depth++;
		} else if (n >= 2 && depth > 0 && kind[depth - 1] == GRUB_ENTRY) {
			if (strcmp(w[0], "linux") == 0 || strcmp(w[0], "linuxefi") == 0 ||
			    strcmp(w[0], "linux16") == 0 || strcmp(w[0], "chainloader") == 0) {
				size_t i = 1;
				while (i + 1 < n && strncmp(w[i], "--", 2) == 0)
					i++;
				free(cur.kernel);
				cur.kernel = xstrdup(grub_strip_device(w[i]));
				cur.efi = strcmp(w[0], "chainloader") == 0;
			} else if (strcmp(w[0], "initrd") == 0 || strcmp(w[0], "initrdefi") == 0 ||
				   strcmp(w[0], "initrd16") == 0) {
				for (size_t i = 1; i < n; i++)
					if (strncmp(w[i], "--", 2) != 0)
						strv_push(&cur.initrds, grub_strip_device(w[i]));
			}
		}
		strv_free(w);
		free(line);
	}
	free(cur.kernel);
	strv_free(cur.initrds);
	for (size_t d = 0; d < depth; d++) {
		free(label[d]);
		free(title[d]);
	}
}

/* ---- rEFInd ------------------------------------------------------------ */

static bool conf_false(const char *v)
{
	return strcasecmp(v, "0") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "off") == 0;
}

/* refind.conf's manual stanzas (menuentry "Title" { loader ...; initrd ...;
 * disabled }); a submenuentry only varies its parent and is skipped. */
void be_parse_refind(const char *text, const char *config, struct be_list *out, bool *scan)
{
	*scan = true;
	struct be_cand cur = { 0 };
	bool disabled = false;
	int depth = 0;
	const char *p = text;
	char *line;
	while ((line = be_next_line(&p))) {
		char **w = grub_words(line);
		size_t n = strv_len(w);
		if (n == 0) {
		} else if (strcmp(w[0], "}") == 0 && depth > 0) {
			if (--depth == 0) {
				if (cur.kernel && !disabled) {
					struct be_cand *c = be_list_add(out);
					*c = cur;
					c->config = xstrdup(config);
					c->id = xstrdup(c->title);
				} else {
					free(cur.kernel);
					free(cur.title);
					strv_free(cur.initrds);
				}
				memset(&cur, 0, sizeof(cur));
			}
		} else if (strcmp(w[n - 1], "{") == 0) {
			if (depth++ == 0 && strcmp(w[0], "menuentry") == 0) {
				cur.title = xstrdup(n > 2 ? w[1] : "");
				disabled = false;
			}
		} else if (depth == 1 && n >= 2 && strcasecmp(w[0], "loader") == 0) {
			free(cur.kernel);
			cur.kernel = be_fw_path(w[1], strlen(w[1]));
			cur.efi = str_ends(cur.kernel, ".efi") || str_ends(cur.kernel, ".EFI");
		} else if (depth == 1 && n >= 2 && strcasecmp(w[0], "initrd") == 0) {
			char *r = be_fw_path(w[1], strlen(w[1]));
			strv_push(&cur.initrds, r);
			free(r);
		} else if (depth == 1 && strcasecmp(w[0], "disabled") == 0) {
			disabled = true;
		} else if (depth == 0 && n >= 2 && strcasecmp(w[0], "scan_all_linux_kernels") == 0) {
			*scan = !conf_false(w[1]);
		}
		strv_free(w);
		free(line);
	}
	free(cur.kernel);
	free(cur.title);
	strv_free(cur.initrds);
}
