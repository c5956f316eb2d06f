/* gen_perfdata: writes a perf.data BY HAND, for what this VM cannot record:
 * it has no hardware PMU, so no perf.data with branch stacks (perf record -b)
 * can be made here. The file follows Linux 6.12's
 * tools/perf/Documentation/perf.data-file-format.txt as perf record writes it
 * (checked against real perf: `perf buildid-list -i` and `perf script -F
 * ip,brstack -i` read it):
 *
 *   header (PERFILE2, 104 bytes) | one attr (perf_event_attr of 128 bytes +
 *   its ids section) | its id | data: N PERF_RECORD_SAMPLE with IP, TID,
 *   TIME, CPU, PERIOD and, unless --no-branch-stack, a branch stack of 4
 *   entries | feature section table | HEADER_BUILD_ID ([kernel.kallsyms]),
 *   HEADER_OSRELEASE, HEADER_VERSION, HEADER_CMDLINE
 *
 *   gen_perfdata -o FILE [--kernel-build-id HEX] [--os-release R] [--samples N]
 *                [--no-branch-stack] [--ip HEX] [--from-perfscript FILE]
 *
 * --from-perfscript takes the kernel's mmap event and the samples (IP and
 * LBR) from what tests/tools/gen_perfscript wrote, so the real llvm-profgen
 * can read the result with --perfdata (it runs the real `perf script` on it):
 * the whole perf.data path of the convert step, less the recording itself. */
#include <getopt.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATTR_SIZE 128 /* PERF_ATTR_SIZE_VER7, what perf 6.1 writes */
#define BRANCHES 4
enum { FEAT_BUILD_ID = 2, FEAT_OSRELEASE = 4, FEAT_VERSION = 5, FEAT_CMDLINE = 11 };

static unsigned char *buf;
static size_t len, cap;

static void put(const void *p, size_t n)
{
	if (len + n > cap) {
		cap = (len + n) * 2;
		buf = realloc(buf, cap);
		if (!buf)
			abort();
	}
	memcpy(buf + len, p, n);
	len += n;
}

static void put64(uint64_t v)
{
	put(&v, 8);
}

static void put32(uint32_t v)
{
	put(&v, 4);
}

static void set64(size_t at, uint64_t v)
{
	memcpy(buf + at, &v, 8);
}

static void zeros(size_t n)
{
	while (n--)
		put("", 1);
}

/* struct perf_header_string: u32 len (padded to 8 with the NUL), then the bytes. */
/* A PERF_RECORD_MMAP of the kernel's text, as perf record synthesizes it,
 * with the sample_id trailer sample_id_all asks for (TID, TIME, CPU). */
static void put_kernel_mmap(uint64_t start, uint64_t size, uint64_t pgoff)
{
	const char *name = "[kernel.kallsyms]_text";
	size_t nlen = (strlen(name) + 1 + 7) & ~(size_t)7;
	uint16_t misc = PERF_RECORD_MISC_KERNEL, rsize = (uint16_t)(8 + 8 + 24 + nlen + 24);
	put32(PERF_RECORD_MMAP);
	put(&misc, 2);
	put(&rsize, 2);
	put32((uint32_t)-1);
	put32(0);
	put64(start);
	put64(size);
	put64(pgoff);
	put(name, strlen(name) + 1);
	zeros(nlen - strlen(name) - 1);
	put32((uint32_t)-1);
	put32(0);
	put64(0);
	put32(0);
	put32(0);
}

static void put_sample(uint64_t ip, long i, const uint64_t *from, const uint64_t *to, size_t n, bool branches)
{
	uint16_t size = (uint16_t)(8 + 5 * 8 + (branches ? 8 + n * 24 : 0));
	put32(PERF_RECORD_SAMPLE);
	uint16_t misc = PERF_RECORD_MISC_KERNEL;
	put(&misc, 2);
	put(&size, 2);
	put64(ip);
	put32(1000);
	put32(1000);
	put64(1000000000ull + (uint64_t)i * 1000);
	put32((uint32_t)(i % 2));
	put32(0);
	put64(500009);
	if (branches) {
		put64(n);
		for (size_t b = 0; b < n; b++) {
			put64(from[b]);
			put64(to[b]);
			put64(0); /* flags: no misprediction info */
		}
	}
}

static void put_string(const char *s)
{
	size_t n = strlen(s) + 1, padded = (n + 7) & ~(size_t)7;
	put32((uint32_t)padded);
	put(s, n);
	zeros(padded - n);
}

int main(int argc, char **argv)
{
	const char *out = NULL, *script = NULL, *kid = "2d8a4b0c6e1f3a5b7c9d0e1f2a3b4c5d6e7f8091", *rel = "6.13.0-kfdo-test";
	long samples = 64;
	bool branches = true;
	uint64_t ip = 0xffffffff81000100ull;
	static const struct option opts[] = {
		{ "kernel-build-id", required_argument, NULL, 'k' }, { "os-release", required_argument, NULL, 'r' },
		{ "samples", required_argument, NULL, 'n' },         { "no-branch-stack", no_argument, NULL, 'B' },
		{ "ip", required_argument, NULL, 'i' },              { "from-perfscript", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'k': kid = optarg; break;
		case 'r': rel = optarg; break;
		case 'n': samples = strtol(optarg, NULL, 10); break;
		case 'B': branches = false; break;
		case 'i': ip = strtoull(optarg, NULL, 16); break;
		case 'f': script = optarg; break;
		default: return 2;
		}
	}
	if (!out || strlen(kid) > 40 || strlen(kid) % 2) {
		fprintf(stderr, "usage: gen_perfdata -o FILE [--kernel-build-id HEX] [--os-release R] "
				"[--samples N] [--no-branch-stack] [--ip HEX]\n");
		return 2;
	}
	uint64_t sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
			       PERF_SAMPLE_PERIOD | (branches ? PERF_SAMPLE_BRANCH_STACK : 0);

	/* The header; its sections are filled in at the end. */
	put("PERFILE2", 8);
	put64(104);
	put64(ATTR_SIZE + 16);
	zeros(104 - 24);

	/* The attr: a raw kernel-only event (rc4:k), sampled every 500009. */
	size_t attrs = len;
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_RAW;
	a.size = ATTR_SIZE;
	a.config = 0xc4;
	a.sample_period = 500009;
	a.sample_type = sample_type;
	a.exclude_user = 1;
	a.exclude_hv = 1;
	a.sample_id_all = 1;
	if (branches)
		a.branch_sample_type = PERF_SAMPLE_BRANCH_ANY | PERF_SAMPLE_BRANCH_KERNEL;
	unsigned char raw[ATTR_SIZE] = { 0 };
	memcpy(raw, &a, sizeof(a) < ATTR_SIZE ? sizeof(a) : ATTR_SIZE);
	put(raw, ATTR_SIZE);
	size_t ids_at = len;
	put64(0);
	put64(8);
	size_t id_off = len;
	put64(42);
	set64(ids_at, id_off);

	/* The samples: made up, or the perf script's. */
	size_t data = len;
	uint64_t from[64], to[64];
	if (!script) {
		for (long i = 0; i < samples; i++) {
			uint64_t at = ip + (uint64_t)(i % 16) * 4;
			for (int b = 0; b < BRANCHES; b++) {
				from[b] = at - 0x10 * (uint64_t)(b + 1);
				to[b] = at - 0x10 * (uint64_t)b;
			}
			put_sample(at, i, from, to, BRANCHES, branches);
		}
	} else {
		FILE *in = fopen(script, "r");
		if (!in) {
			perror(script);
			return 1;
		}
		char *line = NULL;
		size_t lcap = 0;
		long i = 0;
		while (getline(&line, &lcap, in) > 0) {
			unsigned long long st, sz, pg;
			if (sscanf(line, "PERF_RECORD_MMAP -1/0: [0x%llx(0x%llx) @ 0x%llx]:", &st, &sz, &pg) == 3) {
				put_kernel_mmap(st, sz, pg);
				continue;
			}
			char *p = line, *end;
			uint64_t at = strtoull(p, &end, 16);
			if (end == p || *end != ' ')
				continue;
			size_t n = 0;
			for (p = end; n < 64 && (p = strstr(p, " 0x")); n++) {
				from[n] = strtoull(p + 1, &end, 16);
				to[n] = *end == '/' ? strtoull(end + 1, &end, 16) : 0;
				p = end;
			}
			put_sample(at, i++, from, to, n, branches);
		}
		free(line);
		fclose(in);
	}
	size_t data_size = len - data;

	/* The feature table, then each feature, in bit order. */
	int feats[] = { FEAT_BUILD_ID, FEAT_OSRELEASE, FEAT_VERSION, FEAT_CMDLINE };
	size_t table = len;
	zeros(16 * 4);
	size_t at[4], sz[4];
	/* HEADER_BUILD_ID: struct perf_record_header_build_id + "[kernel.kallsyms]". */
	at[0] = len;
	const char *name = "[kernel.kallsyms]";
	size_t nlen = (strlen(name) + 1 + 7) & ~(size_t)7;
	uint16_t bsize = (uint16_t)(36 + nlen), bmisc = PERF_RECORD_MISC_KERNEL | (1u << 15);
	put32(0);
	put(&bmisc, 2);
	put(&bsize, 2);
	put32((uint32_t)-1);
	unsigned char id[24] = { 0 };
	size_t idn = strlen(kid) / 2;
	for (size_t i = 0; i < idn; i++)
		sscanf(kid + 2 * i, "%2hhx", &id[i]);
	id[20] = (unsigned char)idn;
	put(id, 24);
	put(name, strlen(name) + 1);
	zeros(nlen - strlen(name) - 1);
	sz[0] = len - at[0];
	at[1] = len;
	put_string(rel);
	sz[1] = len - at[1];
	at[2] = len;
	put_string("6.1.kfdo-test");
	sz[2] = len - at[2];
	at[3] = len;
	put32(1);
	put_string("gen_perfdata (written by hand: this machine cannot record branch stacks)");
	sz[3] = len - at[3];
	for (int i = 0; i < 4; i++) {
		set64(table + 16 * (size_t)i, at[i]);
		set64(table + 16 * (size_t)i + 8, sz[i]);
	}

	set64(24, attrs);
	set64(32, ATTR_SIZE + 16);
	set64(40, data);
	set64(48, data_size);
	uint64_t bits = 0;
	for (int i = 0; i < 4; i++)
		bits |= 1ull << feats[i];
	set64(72, bits);

	FILE *f = fopen(out, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(out);
		return 1;
	}
	free(buf);
	return 0;
}
