/* Machine resources a kernel build needs: free disk where the tree and the
 * build live, RAM, CPUs, and the -j that follows from them. */
#ifndef KFDO_RESOURCES_H
#define KFDO_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/check.h"

#define GiB (1024ULL * 1024 * 1024)
/* A full distribution config with debug info, built twice, takes tens of GB. */
#define RES_DISK_WARN (20 * GiB)
#define RES_DISK_FAIL (2 * GiB)
/* ThinLTO links vmlinux in one process that can take several GB. */
#define RES_MEM_WARN (8 * GiB)
/* Each clang with debug info can take ~1.5 GB, ThinLTO backends more. */
#define RES_MEM_PER_JOB (2 * GiB)

struct resources {
	char *dir;              /* the directory asked about */
	char *fs_dir;           /* the existing directory measured (dir or its nearest parent) */
	bool disk_known;
	uint64_t disk_free, disk_total;   /* bytes, free as an unprivileged user sees it */
	bool mem_known;
	uint64_t mem_total, mem_available; /* bytes, from /proc/meminfo */
	long cpus;              /* CPUs this process may run on */
	int jobs;               /* suggested make -j */
};

/* Reads disk (statvfs of dir, or of its nearest existing parent), memory
 * (<sysroot>/proc/meminfo) and CPUs (the affinity mask). Missing pieces are
 * flagged as unknown; returns -1 with cause only when nothing could be read. */
int resources_read(const char *sysroot, const char *dir, struct resources *res, char **cause);
/* The -j rule: one job per CPU, but at most one per RES_MEM_PER_JOB of RAM
 * (at least 1). mem_total 0 means unknown: CPUs only. */
int resources_jobs(long cpus, uint64_t mem_total);
/* MemTotal and MemAvailable (bytes) from the text of /proc/meminfo. */
bool resources_parse_meminfo(const char *text, uint64_t *total, uint64_t *available);
/* Adds the checks "disk", "ram" and "cpus". */
void resources_checks(const struct resources *res, struct check_list *list);
void resources_free(struct resources *res);

#endif
