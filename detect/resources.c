#include "detect/resources.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/util.h"

static bool meminfo_field(const char *text, const char *name, uint64_t *out)
{
	size_t n = strlen(name);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, name, n) != 0 || p[n] != ':') {
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
			continue;
		}
		char *end;
		errno = 0;
		unsigned long long kb = strtoull(p + n + 1, &end, 10);
		if (errno || end == p + n + 1)
			return false;
		*out = (uint64_t)kb * 1024;
		return true;
	}
	return false;
}

bool resources_parse_meminfo(const char *text, uint64_t *total, uint64_t *available)
{
	if (!meminfo_field(text, "MemTotal", total))
		return false;
	/* Kernels before 3.14 have no MemAvailable: free memory is the closest. */
	if (!meminfo_field(text, "MemAvailable", available) &&
	    !meminfo_field(text, "MemFree", available))
		*available = 0;
	return true;
}

int resources_jobs(long cpus, uint64_t mem_total)
{
	long jobs = cpus > 0 ? cpus : 1;
	if (mem_total) {
		uint64_t by_mem = mem_total / RES_MEM_PER_JOB;
		/* Round a 7.8 GiB "8 GB" machine up rather than down. */
		if (mem_total % RES_MEM_PER_JOB > RES_MEM_PER_JOB * 3 / 4)
			by_mem++;
		if (by_mem < 1)
			by_mem = 1;
		if ((uint64_t)jobs > by_mem)
			jobs = (long)by_mem;
	}
	return (int)jobs;
}

static long cpus_usable(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}

/* The build directory may not exist yet: measure the filesystem it will land on. */
static char *nearest_existing_dir(const char *dir)
{
	char *p = xstrdup(dir);
	for (;;) {
		struct stat st;
		char real[PATH_MAX];
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && realpath(p, real)) {
			free(p);
			return xstrdup(real);
		}
		char *slash = strrchr(p, '/');
		if (!slash) {
			free(p);
			return xstrdup(".");
		}
		if (slash == p) {
			p[1] = '\0';
			continue;
		}
		*slash = '\0';
	}
}

int resources_read(const char *sysroot, const char *dir, struct resources *res, char **cause)
{
	memset(res, 0, sizeof(*res));
	res->dir = xstrdup(dir ? dir : ".");
	res->fs_dir = nearest_existing_dir(res->dir);
	struct statvfs vfs;
	if (statvfs(res->fs_dir, &vfs) == 0) {
		res->disk_known = true;
		res->disk_free = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		res->disk_total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	}
	char *path = sysroot_path(sysroot, "/proc/meminfo");
	char *text = file_read(path, 1 << 20, NULL);
	free(path);
	if (text)
		res->mem_known = resources_parse_meminfo(text, &res->mem_total, &res->mem_available);
	free(text);
	res->cpus = cpus_usable();
	res->jobs = resources_jobs(res->cpus, res->mem_known ? res->mem_total : 0);
	if (!res->disk_known && !res->mem_known) {
		cause_set(cause, _("cannot read free disk of %s nor %s/proc/meminfo"), res->fs_dir,
			  sysroot && strcmp(sysroot, "/") ? sysroot : "");
		return -1;
	}
	return 0;
}

static char *fmt_gib(uint64_t bytes)
{
	return xasprintf("%.1f GiB", (double)bytes / (double)GiB);
}

void resources_checks(const struct resources *res, struct check_list *list)
{
	if (!res->disk_known) {
		check_add(list, "disk", CHECK_SKIP, NULL, _("cannot tell the free space of %s"), res->dir);
	} else {
		char *free_s = fmt_gib(res->disk_free);
		if (res->disk_free < RES_DISK_FAIL)
			check_add(list, "disk", CHECK_FAIL,
				  _("Free space there, or choose a tree and build directory on a larger filesystem."),
				  _("only %s free on %s: not enough for a kernel build"), free_s, res->fs_dir);
		else if (res->disk_free < RES_DISK_WARN)
			check_add(list, "disk", CHECK_WARN,
				  _("A small config (localmodconfig) fits; for a full distribution config free 20 GiB or more."),
				  _("%s free on %s: a full distribution config with debug info needs tens of GB"),
				  free_s, res->fs_dir);
		else
			check_add(list, "disk", CHECK_OK, NULL, _("%s free on %s"), free_s, res->fs_dir);
		free(free_s);
	}
	if (!res->mem_known) {
		check_add(list, "ram", CHECK_SKIP, NULL, _("cannot read /proc/meminfo"));
	} else {
		char *total = fmt_gib(res->mem_total), *avail = fmt_gib(res->mem_available);
		if (res->mem_total < RES_MEM_WARN)
			check_add(list, "ram", CHECK_WARN,
				  _("Build without LTO (AutoFDO works without it), with fewer jobs, or add swap."),
				  _("%s RAM (%s available): a ThinLTO link of vmlinux may run out of memory"),
				  total, avail);
		else
			check_add(list, "ram", CHECK_OK, NULL, _("%s RAM (%s available)"), total, avail);
		free(total);
		free(avail);
	}
	if (res->jobs < res->cpus)
		check_add(list, "cpus", CHECK_OK, NULL,
			  _("%ld CPUs; suggested -j%d (one job per 2 GiB of RAM)"), res->cpus, res->jobs);
	else
		check_add(list, "cpus", CHECK_OK, NULL, _("%ld CPUs; suggested -j%d"), res->cpus, res->jobs);
}

void resources_free(struct resources *res)
{
	free(res->dir);
	free(res->fs_dir);
	res->dir = res->fs_dir = NULL;
}
