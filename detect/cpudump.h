/* CPUID dump files (libcpuid's raw-dump formats), read by kfdo itself.
 *
 * libcpuid 0.6.2 segfaults on an empty or unknown file (its deserializer
 * returns success with no CPU in it) and cannot read the "CPU#000 AffMask"
 * variant; its struct also stops at leaf 0x8000001F. So kfdo parses the dump
 * first, refuses what is not a dump with a clear message, and hands libcpuid
 * a normalized copy of the register lines it understood. */
#ifndef KFDO_CPUDUMP_H
#define KFDO_CPUDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpudump_leaf {
	uint32_t leaf, sub;
	bool tagged;   /* the line carried "[SL nn]" */
	uint32_t r[4]; /* eax, ebx, ecx, edx */
};

struct cpudump_cpu {
	struct cpudump_leaf *v;
	size_t n, cap;
};

struct cpudump {
	struct cpudump_cpu *cpus;
	size_t ncpu;
	bool legacy;      /* "basic_cpuid[N]=..." format: one CPU */
	char *normalized; /* what libcpuid is given */
};

/* Parses dump text; returns 0 or -EINVAL with a cause naming the problem. */
int cpudump_parse(struct cpudump *d, const char *text, char **cause);
/* Reads and parses a file; -errno with a cause on failure. */
int cpudump_load(struct cpudump *d, const char *path, char **cause);
void cpudump_free(struct cpudump *d);
/* Registers of leaf/sub on logical CPU i; false when the dump lacks them. */
bool cpudump_get(const struct cpudump *d, size_t i, uint32_t leaf, uint32_t sub, uint32_t r[4]);

#endif
