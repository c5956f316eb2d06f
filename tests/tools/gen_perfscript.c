/* gen_perfscript: STANDS IN FOR AN LBR RECORDING THIS VM CANNOT MAKE (it has
 * no hardware PMU, so `perf record -b` is impossible here). It writes what
 * `perf script -F ip,brstack --show-mmap-events` prints for a kernel branch
 * recording, generated from a real vmlinux's own instructions, so that the
 * real llvm-profgen (`--kernel --perfscript=`) turns it into a real profile.
 *
 *   gen_perfscript --binary VMLINUX [-o FILE] [--samples N] [--depth N]
 *                  [--period N] [--seed N] [--slide HEX] [--objdump TOOL]
 *
 * How: `llvm-objdump -d` lists the instructions of .text; a walk through them
 * plays the CPU: straight on until a branch, conditional branches taken or not
 * (each with its own bias, so loops loop), jumps and calls followed (returns
 * pop the calls), indirect branches and dead ends (ud2, int3, hlt, code that
 * is not there) resumed at another function, as an interrupt would (and
 * one taken branch in 256 is an interrupt, out of any loop). Every
 * taken branch goes into an LBR of --depth entries; every --period taken
 * branches a sample is written: the IP, then the LBR newest first
 * (0xFROM/0xTO/P/-/-/0). Each range between two entries is then a real
 * fall-through path, with no jump inside it, which is what llvm-profgen
 * checks (isValidFallThroughRange). Functions are entered with Zipf-like
 * weights, so some are hot and most are cold, as in a real profile.
 *
 * The format (llvm/tools/llvm-profgen/PerfReader.cpp): the kernel's mmap
 * event "PERF_RECORD_MMAP -1/0: [0xSTART(0xLEN) @ 0xSTART]: x
 * [kernel.kallsyms]_text" gives the address the kernel was loaded at; with a
 * --slide (KASLR, default 0x1e000000) every address is shifted by it and
 * llvm-profgen must use the mmap event to map them back. One user-space
 * MMAP2 event is written too: --kernel must ignore it. A summary goes to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <getopt.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/job.h"
#include "base/util.h"

#define INTERRUPT_ONE_IN 256 /* taken branches per interrupt */

enum kind { K_PLAIN, K_COND, K_JMP, K_JMP_IND, K_CALL, K_CALL_IND, K_RET, K_STOP };

struct insn {
	uint64_t addr, target;
	unsigned char kind;
	unsigned char bias; /* percent taken, for K_COND */
};

struct prog {
	struct insn *v;
	size_t n, cap;
	size_t *funcs; /* instruction index of each function start */
	size_t nfuncs, funcs_cap;
	char *pending_func; /* a label seen, its first instruction not yet */
	bool in_text;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: reproducible for a given --seed. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* The target of "0xffffffff81000046 <sched_pick+0x46>"; thunk names the walk
 * cannot follow make the branch indirect. */
static enum kind classify(const char *mn, const char *ops, uint64_t *target)
{
	*target = 0;
	if (!strcmp(mn, "ret") || !strcmp(mn, "retq") || starts(mn, "iret") || starts(mn, "sysret"))
		return K_RET;
	if (!strcmp(mn, "ud2") || !strcmp(mn, "int3") || !strcmp(mn, "hlt") || !strcmp(mn, "ud1"))
		return K_STOP;
	bool jmp = !strcmp(mn, "jmp") || !strcmp(mn, "jmpq");
	bool call = !strcmp(mn, "call") || !strcmp(mn, "callq");
	bool cond = !jmp && ((mn[0] == 'j' && mn[1]) || starts(mn, "loop"));
	if (!jmp && !call && !cond)
		return K_PLAIN;
	if (ops[0] == '*' || !starts(ops, "0x"))
		return call ? K_CALL_IND : jmp ? K_JMP_IND : K_PLAIN;
	*target = strtoull(ops, NULL, 16);
	/* Retpolines park speculation in a loop: the real target is in a register. */
	const char *sym = strchr(ops, '<');
	if (sym && (strstr(sym, "__x86_indirect_thunk") || strstr(sym, "__x86_indirect_call_thunk") ||
		    strstr(sym, "__x86_indirect_jump_thunk")))
		return call ? K_CALL_IND : K_JMP_IND;
	return call ? K_CALL : jmp ? K_JMP : K_COND;
}

static void on_line(const char *line, size_t len, void *arg)
{
	struct prog *p = arg;
	(void)len;
	if (starts(line, "Disassembly of section ")) {
		p->in_text = strcmp(line + strlen("Disassembly of section "), ".text:") == 0;
		return;
	}
	if (!p->in_text)
		return;
	char *end;
	uint64_t addr = strtoull(line, &end, 16);
	if (end == line)
		return;
	if (end[0] == ' ' && end[1] == '<' && strchr(end, '>')) { /* "ffffffff81000000 <name>:" */
		free(p->pending_func);
		p->pending_func = xstrdup(end + 2);
		return;
	}
	if (end[0] != ':')
		return;
	const char *q = end + 1;
	q += strspn(q, " \t");
	if (!*q)
		return;
	char mn[32];
	size_t m = strcspn(q, " \t");
	if (m >= sizeof(mn))
		m = sizeof(mn) - 1;
	memcpy(mn, q, m);
	mn[m] = 0;
	/* Prefixes: the branch is the next word. */
	const char *ops = q + m;
	ops += strspn(ops, " \t");
	if (!strcmp(mn, "rep") || !strcmp(mn, "lock") || !strcmp(mn, "notrack") || !strcmp(mn, "bnd") ||
	    !strcmp(mn, "cs") || !strcmp(mn, "ds")) {
		m = strcspn(ops, " \t");
		if (m >= sizeof(mn))
			m = sizeof(mn) - 1;
		memcpy(mn, ops, m);
		mn[m] = 0;
		ops += m;
		ops += strspn(ops, " \t");
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 65536;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	struct insn *in = &p->v[p->n];
	in->addr = addr;
	in->kind = (unsigned char)classify(mn, ops, &in->target);
	/* Backward branches mostly taken (loops), forward ones either way. */
	uint64_t r = rng() % 100;
	in->bias = (unsigned char)(in->target && in->target < addr ? 70 + r % 25 : r < 40 ? 10 : r < 70 ? 50 : 85);
	if (p->pending_func) {
		if (p->nfuncs == p->funcs_cap) {
			p->funcs_cap = p->funcs_cap ? 2 * p->funcs_cap : 4096;
			p->funcs = xrealloc(p->funcs, p->funcs_cap * sizeof(*p->funcs));
		}
		p->funcs[p->nfuncs++] = p->n;
		free(p->pending_func);
		p->pending_func = NULL;
	}
	p->n++;
}

static long find(const struct prog *p, uint64_t addr)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && p->v[lo].addr == addr ? (long)lo : -1;
}

/* The first executable PT_LOAD: where the kernel's _text mapping starts. */
static int text_segment(const char *path, uint64_t *vaddr, uint64_t *memsz)
{
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t n = 0;
	int rc = -1;
	if (e && elf_getphdrnum(e, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
				*vaddr = ph.p_vaddr;
				*memsz = ph.p_memsz;
				rc = 0;
				break;
			}
		}
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}

struct walk {
	const struct prog *p;
	double *cdf; /* Zipf-like weights over a shuffled order of the functions */
	size_t ip;
	size_t stack[64];
	size_t depth;
	uint64_t lbr_from[64], lbr_to[64];
	size_t lbr_n, lbr_max, lbr_head;
};

static size_t pick_function(struct walk *w)
{
	double r = (double)(rng() >> 11) / (double)(1ull << 53) * w->cdf[w->p->nfuncs - 1];
	size_t lo = 0, hi = w->p->nfuncs - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (w->cdf[mid] < r)
			lo = mid + 1;
		else
			hi = mid;
	}
	return w->p->funcs[lo];
}

static void take(struct walk *w, uint64_t from, size_t to)
{
	/* Now and then an interrupt: it leaves from wherever the CPU is, and gets
	 * the walk out of idle loops (`1: pause; jmp 1b`) that would hold it forever. */
	if (rng() % INTERRUPT_ONE_IN == 0) {
		to = pick_function(w);
		w->depth = 0;
	}
	w->lbr_head = (w->lbr_head + 1) % w->lbr_max;
	w->lbr_from[w->lbr_head] = from;
	w->lbr_to[w->lbr_head] = w->p->v[to].addr;
	if (w->lbr_n < w->lbr_max)
		w->lbr_n++;
	w->ip = to;
}

/* Runs until the next taken branch. */
static void step(struct walk *w)
{
	const struct prog *p = w->p;
	for (;;) {
		const struct insn *in = &p->v[w->ip];
		long t = in->target ? find(p, in->target) : -1;
		size_t next = w->ip + 1;
		switch (in->kind) {
		case K_COND:
			if (t >= 0 && rng() % 100 < in->bias)
				return take(w, in->addr, (size_t)t);
			break;
		case K_JMP:
			if (t >= 0)
				return take(w, in->addr, (size_t)t);
			return take(w, in->addr, pick_function(w));
		case K_CALL:
			/* Calls out of .text, or too deep: stepped over, as if inlined. */
			if (t >= 0 && w->depth < 64 && next < p->n) {
				w->stack[w->depth++] = next;
				return take(w, in->addr, (size_t)t);
			}
			break;
		case K_CALL_IND:
			if (w->depth < 64 && next < p->n) {
				w->stack[w->depth++] = next;
				return take(w, in->addr, pick_function(w));
			}
			break;
		case K_RET:
			if (w->depth)
				return take(w, in->addr, w->stack[--w->depth]);
			return take(w, in->addr, pick_function(w));
		case K_JMP_IND:
		case K_STOP:
			w->depth = 0;
			return take(w, in->addr, pick_function(w));
		}
		/* Straight on; past the end of .text an interrupt takes over. */
		if (next >= p->n)
			return take(w, in->addr, pick_function(w));
		w->ip = next;
	}
}

static void usage(FILE *out)
{
	fprintf(out, "usage: gen_perfscript --binary VMLINUX [-o FILE] [--samples N] [--depth N] [--period N]\n"
		     "                      [--seed N] [--slide HEX] [--objdump TOOL]\n");
}

int main(int argc, char **argv)
{
	const char *binary = NULL, *out = NULL, *objdump = NULL;
	long samples = 20000, depth = 16, period = 37;
	uint64_t seed = 1, slide = 0x1e000000;
	static const struct option opts[] = {
		{ "binary", required_argument, NULL, 'b' }, { "samples", required_argument, NULL, 'n' },
		{ "depth", required_argument, NULL, 'd' },  { "period", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },   { "slide", required_argument, NULL, 'k' },
		{ "objdump", required_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b': binary = optarg; break;
		case 'o': out = optarg; break;
		case 'n': samples = strtol(optarg, NULL, 10); break;
		case 'd': depth = strtol(optarg, NULL, 10); break;
		case 'p': period = strtol(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'k': slide = strtoull(optarg, NULL, 16); break;
		case 'j': objdump = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!binary || samples < 1 || depth < 1 || depth > 64 || period < 1) {
		usage(stderr);
		return 2;
	}
	rng_state ^= seed * 0xd1b54a32d192ed03ull;
	uint64_t text, text_len;
	if (text_segment(binary, &text, &text_len) < 0) {
		fprintf(stderr, "gen_perfscript: %s: no executable segment (not an ELF file?)\n", binary);
		return 1;
	}
	char *tool = objdump ? xstrdup(objdump) : path_find_exe("llvm-objdump-19");
	if (!tool)
		tool = xstrdup("llvm-objdump");
	const char *dargv[] = { tool, "-d", "--no-show-raw-insn", "--section=.text", binary, NULL };
	struct job_spec spec = { .argv = dargv };
	struct job *j;
	char *cause = NULL;
	struct prog p = { 0 };
	if (job_start(&j, &spec, &cause) < 0) {
		fprintf(stderr, "gen_perfscript: %s\n", cause);
		return 1;
	}
	job_wait(j, -1, on_line, &p);
	int st = job_status(j);
	job_free(j);
	if (st != 0 || p.n == 0 || p.nfuncs == 0) {
		fprintf(stderr, "gen_perfscript: %s -d %s gave no .text instructions (status %d)\n", tool, binary, st);
		return 1;
	}
	FILE *f = out ? fopen(out, "w") : stdout;
	if (!f) {
		fprintf(stderr, "gen_perfscript: %s: %s\n", out, strerror(errno));
		return 1;
	}
	/* Shuffle the functions, then weigh them 1/(rank+1). */
	struct walk w = { .p = &p, .lbr_max = (size_t)depth };
	for (size_t i = p.nfuncs - 1; i > 0; i--) {
		size_t k = rng() % (i + 1), t = p.funcs[i];
		p.funcs[i] = p.funcs[k];
		p.funcs[k] = t;
	}
	w.cdf = xmalloc(p.nfuncs * sizeof(*w.cdf));
	for (size_t i = 0; i < p.nfuncs; i++)
		w.cdf[i] = (i ? w.cdf[i - 1] : 0) + 1.0 / (double)(i + 1);

	fprintf(f, "PERF_RECORD_MMAP -1/0: [0x%llx(0x%llx) @ 0x%llx]: x [kernel.kallsyms]_text\n",
		(unsigned long long)(text + slide), (unsigned long long)text_len, (unsigned long long)(text + slide));
	fprintf(f, "PERF_RECORD_MMAP2 4242/4242: [0x55d0c0a00000(0x2b000) @ 0x4000 fe:00 1234 0]: r-xp /usr/bin/make\n");
	w.ip = pick_function(&w);
	long branches = 0;
	for (long s = 0; s < samples;) {
		step(&w);
		if (++branches % period || w.lbr_n < w.lbr_max)
			continue;
		fprintf(f, " %16llx", (unsigned long long)(p.v[w.ip].addr + slide));
		for (size_t k = 0; k < w.lbr_n; k++) {
			size_t e = (w.lbr_head + w.lbr_max - k) % w.lbr_max;
			fprintf(f, " 0x%llx/0x%llx/P/-/-/0", (unsigned long long)(w.lbr_from[e] + slide),
				(unsigned long long)(w.lbr_to[e] + slide));
		}
		fputc('\n', f);
		s++;
	}
	if (out && fclose(f) != 0) {
		fprintf(stderr, "gen_perfscript: %s: %s\n", out, strerror(errno));
		return 1;
	}
	fprintf(stderr, "gen_perfscript: %zu instructions, %zu functions, %ld taken branches, %ld samples of %ld\n",
		p.n, p.nfuncs, branches, samples, depth);
	free(w.cdf);
	free(p.v);
	free(p.funcs);
	free(tool);
	return 0;
}
