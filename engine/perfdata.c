/* The perf.data reader (perfdata.h). Every offset the header gives is checked
 * against the file size before it is used: a truncated or foreign file gets a
 * message, never a read past its end. */
#include "engine/perfdata.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"

/* "PERFILE2" read as a little-endian u64, and the same bytes swapped. */
#define MAGIC2 0x32454c4946524550ULL
#define MAGIC2_SWAPPED 0x50455246494c4532ULL
#define FILE_HEADER_SIZE 104	/* magic, size, attr_size, 3 sections, 256 feature bits */
#define PIPE_HEADER_SIZE 16

/* Feature bits (tools/perf/util/header.h). */
enum { FEAT_BUILD_ID = 2, FEAT_OSRELEASE = 4, FEAT_VERSION = 5, FEAT_CMDLINE = 11, FEAT_BITS = 256 };
/* perf's own record types (tools/lib/perf/include/perf/event.h). */
#define RECORD_COMPRESSED 81
#define RECORD_MISC_BUILD_ID_SIZE (1u << 15)
/* Offsets in struct perf_event_attr (include/uapi/linux/perf_event.h). */
#define ATTR_SAMPLE_TYPE 24
/* Build-id and feature sections are small; a huge one is a corrupt file. */
#define SECTION_MAX (64u << 20)

struct section {
	uint64_t offset, size;
};

static const char *const problem_names[] = {
	[PERFDATA_OK] = "ok",
	[PERFDATA_UNREADABLE] = "unreadable",
	[PERFDATA_EMPTY] = "empty",
	[PERFDATA_NOT_PERF] = "not-perf-data",
	[PERFDATA_OLD_FORMAT] = "old-format",
	[PERFDATA_FOREIGN_ENDIAN] = "foreign-endian",
	[PERFDATA_PIPE] = "pipe-mode",
	[PERFDATA_UNFINISHED] = "unfinished",
	[PERFDATA_TRUNCATED] = "truncated",
	[PERFDATA_NO_SAMPLES] = "no-samples",
	[PERFDATA_NO_BRANCH_STACK] = "no-branch-stack",
};

const char *perfdata_problem_name(enum perfdata_problem p)
{
	return (size_t)p < ARRAY_LEN(problem_names) ? problem_names[p] : "?";
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint16_t get16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return v;
}

static int fail(struct perfdata_info *pd, enum perfdata_problem p, char **cause, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct perfdata_info *pd, enum perfdata_problem p, char **cause, const char *fmt, ...)
{
	pd->problem = p;
	va_list ap;
	va_start(ap, fmt);
	cause_vset(cause, fmt, ap);
	va_end(ap);
	return -1;
}

static bool read_at(int fd, void *buf, size_t n, uint64_t off)
{
	unsigned char *b = buf;
	while (n) {
		ssize_t r = pread(fd, b, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		b += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return true;
}

/* A whole section into memory, or NULL when it is out of bounds or too big. */
static unsigned char *read_section(int fd, const struct perfdata_info *pd, struct section s)
{
	if (s.size == 0 || s.size > SECTION_MAX || s.offset > pd->file_size || s.size > pd->file_size - s.offset)
		return NULL;
	unsigned char *buf = xmalloc(s.size + 1);
	if (!read_at(fd, buf, s.size, s.offset)) {
		free(buf);
		return NULL;
	}
	buf[s.size] = 0;
	return buf;
}

/* struct perf_header_string: u32 len, then len bytes (NUL-padded). */
static char *header_string(const unsigned char *p, size_t avail, size_t *used)
{
	if (avail < 4)
		return NULL;
	uint32_t len = get32(p);
	if (len > avail - 4)
		return NULL;
	*used = 4 + len;
	return strndup((const char *)p + 4, len);
}

static void parse_build_ids(struct perfdata_info *pd, const unsigned char *buf, size_t n)
{
	/* struct perf_record_header_build_id: header (8), pid (4), data[20], size (1),
	 * reserved (3), then the file name up to header.size. */
	for (size_t off = 0; off + 40 <= n;) {
		uint16_t misc = get16(buf + off + 4), size = get16(buf + off + 6);
		if (size < 40 || size > n - off)
			break;
		const unsigned char *id = buf + off + 12;
		size_t id_len = misc & RECORD_MISC_BUILD_ID_SIZE ? buf[off + 32] : 20;
		if (id_len > 20)
			id_len = 20;
		struct perfdata_build_id b;
		b.id = xmalloc(2 * id_len + 1);
		for (size_t i = 0; i < id_len; i++)
			snprintf(b.id + 2 * i, 3, "%02x", id[i]);
		b.id[2 * id_len] = 0;
		b.filename = strndup((const char *)buf + off + 36, size - 36);
		pd->build_ids = xrealloc(pd->build_ids, (pd->n_build_ids + 1) * sizeof(*pd->build_ids));
		pd->build_ids[pd->n_build_ids++] = b;
		off += size;
	}
	for (size_t i = 0; i < pd->n_build_ids; i++)
		if (strcmp(pd->build_ids[i].filename, "[kernel.kallsyms]") == 0)
			pd->kernel_build_id = pd->build_ids[i].id;
}

static void parse_cmdline(struct perfdata_info *pd, const unsigned char *buf, size_t n)
{
	if (n < 4)
		return;
	uint32_t nr = get32(buf);
	struct strbuf sb = { 0 };
	size_t off = 4, used;
	for (uint32_t i = 0; i < nr && off < n; i++) {
		char *s = header_string(buf + off, n - off, &used);
		if (!s)
			break;
		sb_addf(&sb, "%s%s", sb.len ? " " : "", s);
		free(s);
		off += used;
	}
	pd->cmdline = sb.s;
}

/* The feature sections follow the data: one struct section per set bit, in
 * bit order. A damaged one is skipped, not fatal; but a file that ends
 * before its feature table or a section it lists was cut short (a copy, a
 * full disk): -1 with *need, the size the header says the file has at least. */
static int read_features(int fd, struct perfdata_info *pd, const uint64_t bits[4], uint64_t *need)
{
	uint64_t at = pd->data_offset + pd->data_size;
	for (int bit = 1; bit < FEAT_BITS; bit++) {
		if (!(bits[bit / 64] >> (bit % 64) & 1))
			continue;
		unsigned char raw[16];
		if (at + 16 > pd->file_size || !read_at(fd, raw, 16, at)) {
			*need = at + 16;
			return -1;
		}
		at += 16;
		struct section s = { get64(raw), get64(raw + 8) };
		/* perf writes the sections after the table: one past the end means a cut, not damage. */
		if (s.offset >= at && s.offset <= UINT64_MAX - s.size && s.offset + s.size > pd->file_size &&
		    s.size <= SECTION_MAX) {
			*need = s.offset + s.size;
			return -1;
		}
		if (bit != FEAT_BUILD_ID && bit != FEAT_OSRELEASE && bit != FEAT_VERSION && bit != FEAT_CMDLINE)
			continue;
		unsigned char *buf = read_section(fd, pd, s);
		if (!buf)
			continue;
		size_t used;
		if (bit == FEAT_BUILD_ID)
			parse_build_ids(pd, buf, s.size);
		else if (bit == FEAT_CMDLINE)
			parse_cmdline(pd, buf, s.size);
		else if (bit == FEAT_OSRELEASE)
			pd->os_release = header_string(buf, s.size, &used);
		else
			pd->perf_version = header_string(buf, s.size, &used);
		free(buf);
	}
	return 0;
}

/* With a data size of 0, what follows the header is either the feature
 * table of a finished recording that caught nothing, or the events of one
 * whose perf was killed before it could write the final header. */
static bool finished_without_data(int fd, const struct perfdata_info *pd, const uint64_t bits[4])
{
	uint64_t at = pd->data_offset, n = 0;
	for (int bit = 1; bit < FEAT_BITS; bit++)
		n += bits[bit / 64] >> (bit % 64) & 1;
	if (n == 0)
		return pd->file_size == pd->data_offset;
	for (uint64_t i = 0; i < n; i++, at += 16) {
		unsigned char raw[16];
		if (at + 16 > pd->file_size || !read_at(fd, raw, 16, at))
			return false;
		uint64_t off = get64(raw), size = get64(raw + 8);
		if (off < pd->data_offset + 16 * n || off > pd->file_size || size > pd->file_size - off)
			return false;
	}
	return true;
}

static int open_data(const char *path, struct perfdata_info *pd, char **cause, int *fdp)
{
	struct stat st;
	/* perf record --threads writes a directory holding the header in "data". */
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		pd->path = xasprintf("%s/data", path);
	else
		pd->path = xstrdup(path);
	/* O_NONBLOCK: opening a FIFO would otherwise wait for a writer. */
	int fd = open(pd->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		pd->err = errno;
		return fail(pd, PERFDATA_UNREADABLE, cause, _("cannot open %s: %s"), pd->path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(pd, PERFDATA_UNREADABLE, cause, _("%s is not a regular file"), pd->path);
	}
	pd->file_size = (uint64_t)st.st_size;
	*fdp = fd;
	return 0;
}

static int read_header(int fd, struct perfdata_info *pd, char **cause)
{
	const char *p = pd->path;
	unsigned char h[FILE_HEADER_SIZE];
	if (pd->file_size == 0)
		return fail(pd, PERFDATA_EMPTY, cause,
			    _("%s is empty (0 bytes): perf wrote nothing into it; record again"), p);
	size_t head = pd->file_size < 16 ? (size_t)pd->file_size : 16;
	if (!read_at(fd, h, head, 0)) {
		pd->err = errno;
		return fail(pd, PERFDATA_UNREADABLE, cause, _("cannot read %s: %s"), p, strerror(errno));
	}
	/* The start of the magic and nothing more: cut short, not some other file. */
	if (head < 16 && memcmp(h, "PERFILE2", head < 8 ? head : 8) == 0)
		return fail(pd, PERFDATA_TRUNCATED, cause,
			    _("%s is truncated: it ends inside its own header (%llu bytes); record again"), p,
			    (unsigned long long)pd->file_size);
	if (head < 16 || (get64(h) != MAGIC2 && get64(h) != MAGIC2_SWAPPED && memcmp(h, "PERFFILE", 8) != 0))
		return fail(pd, PERFDATA_NOT_PERF, cause,
			    _("%s is not a perf.data file (it does not start with PERFILE2): give the file "
			      "perf record -o wrote"), p);
	if (memcmp(h, "PERFFILE", 8) == 0)
		return fail(pd, PERFDATA_OLD_FORMAT, cause,
			    _("%s is a version 1 perf.data (PERFFILE) from a perf older than 2.6.38: record "
			      "again with a current perf"), p);
	if (get64(h) == MAGIC2_SWAPPED)
		return fail(pd, PERFDATA_FOREIGN_ENDIAN, cause,
			    _("%s was recorded on a machine of the other byte order: convert it on a "
			      "machine like the one that recorded it"), p);
	uint64_t hsize = get64(h + 8);
	if (hsize == PIPE_HEADER_SIZE)
		return fail(pd, PERFDATA_PIPE, cause,
			    _("%s was recorded in pipe mode (perf record -o - > FILE), which llvm-profgen cannot "
			      "read: turn it into a regular perf.data with perf inject -i %s -o NEW.data, or "
			      "record again with -o FILE"), p, p);
	if (hsize < FILE_HEADER_SIZE || pd->file_size < FILE_HEADER_SIZE || !read_at(fd, h, FILE_HEADER_SIZE, 0))
		return fail(pd, PERFDATA_TRUNCATED, cause,
			    _("%s is truncated: it ends inside its own header (%llu bytes); record again"), p,
			    (unsigned long long)pd->file_size);
	return 0;
}

int perfdata_read(const char *path, struct perfdata_info *pd, char **cause)
{
	memset(pd, 0, sizeof(*pd));
	int fd = -1;
	if (open_data(path, pd, cause, &fd) < 0)
		return -1;
	int rc = -1;
	unsigned char h[FILE_HEADER_SIZE], *attrs = NULL;
	if (read_header(fd, pd, cause) < 0 || !read_at(fd, h, FILE_HEADER_SIZE, 0))
		goto out;
	const char *p = pd->path;
	uint64_t attr_size = get64(h + 16);
	struct section as = { get64(h + 24), get64(h + 32) };
	pd->data_offset = get64(h + 40);
	pd->data_size = get64(h + 48);
	uint64_t bits[4] = { get64(h + 72), get64(h + 80), get64(h + 88), get64(h + 96) };
	unsigned long long fs = (unsigned long long)pd->file_size;

	/* Each attr entry is a perf_event_attr followed by the section of its ids. */
	if (attr_size < ATTR_SAMPLE_TYPE + 8 + 16 || as.size % attr_size != 0 || as.size > SECTION_MAX) {
		fail(pd, PERFDATA_NOT_PERF, cause, _("%s has a damaged header (attr size %llu): it is not a "
						     "perf.data perf can read either"), p, (unsigned long long)attr_size);
		goto out;
	}
	if (as.offset > pd->file_size || as.size > pd->file_size - as.offset ||
	    pd->data_offset > pd->file_size) {
		fail(pd, PERFDATA_TRUNCATED, cause,
		     _("%s is truncated: its header describes events past its end (%llu bytes): the copy was "
		       "cut short or the disk filled up; record again"), p, fs);
		goto out;
	}
	attrs = as.size ? read_section(fd, pd, as) : NULL;
	pd->n_attrs = (size_t)(as.size / attr_size);
	for (size_t i = 0; attrs && i < pd->n_attrs; i++)
		pd->sample_type |= get64(attrs + i * attr_size + ATTR_SAMPLE_TYPE);
	pd->branch_stack = (pd->sample_type & PERF_SAMPLE_BRANCH_STACK) != 0;

	if (pd->data_size == 0 && !finished_without_data(fd, pd, bits)) {
		fail(pd, PERFDATA_UNFINISHED, cause,
		     _("%s is unfinished: perf was stopped before it wrote its final header (killed, or "
		       "out of disk), so the %llu bytes recorded cannot be read; stop a recording with "
		       "Ctrl-C (SIGINT), which lets perf finish, and record again"), p, fs);
		goto out;
	}
	if (pd->data_size > pd->file_size - pd->data_offset) {
		fail(pd, PERFDATA_TRUNCATED, cause,
		     _("%s is truncated: its header says the samples end at byte %llu, but the file has only "
		       "%llu bytes (a copy cut short, or the disk filled up); record again"), p,
		     (unsigned long long)(pd->data_offset + pd->data_size), fs);
		goto out;
	}
	uint64_t need;
	if (read_features(fd, pd, bits, &need) < 0) {
		fail(pd, PERFDATA_TRUNCATED, cause,
		     _("%s is truncated: its samples are whole, but it ends inside its feature section (the "
		       "build-ids, the kernel release), which needs at least %llu bytes and the file has %llu "
		       "(a copy cut short, or the disk filled up); record again"), p,
		     (unsigned long long)need, fs);
		goto out;
	}
	if (pd->data_size == 0) {
		fail(pd, PERFDATA_NO_SAMPLES, cause,
		     _("%s holds no samples: perf recorded nothing (was the workload over at once?)"), p);
		goto out;
	}
	rc = 0;
out:
	free(attrs);
	close(fd);
	return rc;
}

/* The last complete walk: the wizard asks the convert step's precondition on
 * every redraw of its sidebar, and a perf.data of a few GB takes seconds to
 * walk. The same file (device, inode, size, mtime) gives the same counts. */
static struct {
	char *path;
	struct stat st;
	uint64_t records, samples;
	bool compressed;
} last_walk;

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

int perfdata_count(struct perfdata_info *pd, char **cause)
{
	int fd = open(pd->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(pd, PERFDATA_UNREADABLE, cause, _("cannot open %s: %s"), pd->path, strerror(errno));
	struct stat st;
	bool have_st = fstat(fd, &st) == 0;
	if (have_st && last_walk.path && strcmp(last_walk.path, pd->path) == 0 && same_file(&st, &last_walk.st)) {
		close(fd);
		pd->records = last_walk.records;
		pd->samples = last_walk.samples;
		pd->compressed = last_walk.compressed;
		pd->counted = true;
		return 0;
	}
	/* Records are at most 64 KiB (a u16 size): a window of 1 MiB always holds the next one. */
	size_t cap = 1u << 20, have = 0, at = 0;
	unsigned char *buf = xmalloc(cap);
	uint64_t pos = pd->data_offset, end = pd->data_offset + pd->data_size;
	pd->records = pd->samples = 0;
	int rc = 0;
	while (pos < end) {
		if (have - at < 8 || have - at < get16(buf + at + 6)) {
			memmove(buf, buf + at, have - at);
			have -= at;
			at = 0;
			size_t want = cap - have;
			if (want > end - pos - have)
				want = (size_t)(end - pos - have);
			if (want && !read_at(fd, buf + have, want, pos + have)) {
				rc = fail(pd, PERFDATA_TRUNCATED, cause, _("cannot read %s: %s"), pd->path,
					  errno ? strerror(errno) : _("it ends early"));
				break;
			}
			have += want;
		}
		uint16_t size = have - at >= 8 ? get16(buf + at + 6) : 0;
		if (size < 8 || size > have - at) {
			rc = fail(pd, PERFDATA_TRUNCATED, cause,
				  _("%s is damaged: the event at byte %llu is cut short or malformed (a copy cut "
				    "short?); record again"), pd->path, (unsigned long long)pos);
			break;
		}
		uint32_t type = get32(buf + at);
		pd->records++;
		if (type == PERF_RECORD_SAMPLE)
			pd->samples++;
		else if (type == RECORD_COMPRESSED)
			pd->compressed = true;
		at += size;
		pos += size;
	}
	free(buf);
	close(fd);
	pd->counted = rc == 0;
	if (pd->counted && have_st) {
		free(last_walk.path);
		last_walk.path = xstrdup(pd->path);
		last_walk.st = st;
		last_walk.records = pd->records;
		last_walk.samples = pd->samples;
		last_walk.compressed = pd->compressed;
	}
	return rc;
}

int perfdata_check(const char *path, struct perfdata_info *pd, char **cause)
{
	if (perfdata_read(path, pd, cause) < 0 || perfdata_count(pd, cause) < 0)
		return -1;
	if (pd->samples == 0 && !pd->compressed)
		return fail(pd, PERFDATA_NO_SAMPLES, cause,
			    _("%s holds no samples (%llu other events): perf recorded nothing of the workload"),
			    pd->path, (unsigned long long)pd->records);
	if (!pd->branch_stack)
		return fail(pd, PERFDATA_NO_BRANCH_STACK, cause,
			    _("%s was recorded without branch stacks (perf record -b): AutoFDO needs the taken "
			      "branches; record again with -b (kfdo's profile step does) on a machine whose PMU "
			      "samples branches (kfdo detect says whether this one does)"), pd->path);
	return 0;
}

void perfdata_info_free(struct perfdata_info *pd)
{
	for (size_t i = 0; i < pd->n_build_ids; i++) {
		free(pd->build_ids[i].id);
		free(pd->build_ids[i].filename);
	}
	free(pd->build_ids);
	free(pd->path);
	free(pd->os_release);
	free(pd->perf_version);
	free(pd->cmdline);
	memset(pd, 0, sizeof(*pd));
}
