#include "detect/kernel.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/util.h"

#define PMU_DIR "/sys/bus/event_source/devices/"

static void read_pmu(struct kernel_info *k, const char *sysroot)
{
	/* An unreadable directory is not a kernel without PMUs: say which it is. */
	char *path = sysroot_path(sysroot, PMU_DIR);
	DIR *d = opendir(path);
	if (d)
		closedir(d);
	else if (errno != ENOENT || !sysroot_exists(sysroot, "/sys/bus"))
		k->pmu_dir_errno = errno;
	free(path);
	/* Hybrids have cpu_core and cpu_atom and no cpu; AutoFDO records on the P-cores. */
	static const char *const names[] = { "cpu_core", "cpu" };
	k->hybrid_pmus = sysroot_exists(sysroot, PMU_DIR "cpu_core") && sysroot_exists(sysroot, PMU_DIR "cpu_atom");
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char *dir = xasprintf(PMU_DIR "%s", names[i]);
		if (sysroot_exists(sysroot, dir)) {
			k->pmu = xstrdup(names[i]);
			char *caps = xasprintf("%s/caps/branches", dir);
			long depth;
			/* The file exists only when the LBR (or BRS) depth is non-zero. */
			if (sysroot_read_long(sysroot, caps, &depth) && depth > 0)
				k->lbr_depth = depth;
			free(caps);
			caps = xasprintf("%s/caps/pmu_name", dir);
			k->pmu_name = sysroot_read_line(sysroot, caps);
			free(caps);
			free(dir);
			break;
		}
		free(dir);
	}
	k->branch_stack = k->pmu && k->lbr_depth > 0;
}

static void read_cpuinfo(struct kernel_info *k, const char *sysroot)
{
	char *path = sysroot_path(sysroot, "/proc/cpuinfo");
	char *text = file_read(path, 64u << 20, NULL);
	k->cpuinfo_errno = text ? 0 : errno;
	free(path);
	if (!text)
		return;
	k->cpuinfo_read = true;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!str_starts(line, "flags"))
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		const char *flags = colon + 1;
		k->flag_hypervisor = str_has_word(flags, "hypervisor");
		k->flag_arch_lbr = str_has_word(flags, "arch_lbr");
		k->flag_amd_lbr_v2 = str_has_word(flags, "amd_lbr_v2");
		k->flag_brs = str_has_word(flags, "brs");
		k->flag_lbr_freeze = str_has_word(flags, "amd_lbr_pmc_freeze");
		k->flag_perfmon_v2 = str_has_word(flags, "perfmon_v2");
		break; /* the first CPU's flags are enough */
	}
	free(text);
}

/* Looks for CONFIG_PERF_EVENTS_AMD_BRS in a kernel config text. */
static int config_value(const char *text)
{
	if (strstr(text, "\nCONFIG_PERF_EVENTS_AMD_BRS=y") || str_starts(text, "CONFIG_PERF_EVENTS_AMD_BRS=y"))
		return 1;
	return 0;
}

static char *gz_read(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz)
		return NULL;
	struct strbuf sb = { 0 };
	char buf[65536];
	int n;
	while ((n = gzread(gz, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		sb_add(&sb, buf);
		if (sb.len > (64u << 20))
			break;
	}
	/* A truncated or corrupt file says nothing reliable: unknown, not "not set". */
	if (n < 0 || gzclose(gz) != Z_OK) {
		if (n < 0)
			gzclose(gz);
		sb_free(&sb);
		return NULL;
	}
	if (!sb.s)
		sb_add(&sb, "");
	return sb.s;
}

static void read_config(struct kernel_info *k, const char *sysroot)
{
	k->amd_brs_config = -1;
	char *path = sysroot_path(sysroot, "/proc/config.gz");
	char *text = gz_read(path);
	if (text) {
		k->config_source = xstrdup("/proc/config.gz");
	} else if (k->release) {
		free(path);
		char *boot = xasprintf("/boot/config-%s", k->release);
		path = sysroot_path(sysroot, boot);
		text = file_read(path, 64u << 20, NULL);
		if (text)
			k->config_source = boot;
		else
			free(boot);
	}
	free(path);
	if (text)
		k->amd_brs_config = config_value(text);
	free(text);
}

/* A sysctl: its value, or why there is none (the read's errno, or the text
 * that is not a number). */
static bool read_sysctl(const char *sysroot, const char *path, long *value, int *err, char **text)
{
	errno = 0;
	char *line = sysroot_read_line(sysroot, path);
	if (!line) {
		*err = errno ? errno : EIO;
		return false;
	}
	char *end;
	errno = 0;
	long v = strtol(line, &end, 10);
	if (errno || end == line || *end) {
		*text = line;
		return false;
	}
	free(line);
	*value = v;
	return true;
}

void kernel_read(struct kernel_info *k, const char *sysroot)
{
	memset(k, 0, sizeof(*k));
	k->release = sysroot_read_line(sysroot, "/proc/sys/kernel/osrelease");
	read_pmu(k, sysroot);
	read_cpuinfo(k, sysroot);
	k->paranoid_known = read_sysctl(sysroot, "/proc/sys/kernel/perf_event_paranoid", &k->perf_event_paranoid,
					&k->paranoid_errno, &k->paranoid_text);
	k->kptr_known = read_sysctl(sysroot, "/proc/sys/kernel/kptr_restrict", &k->kptr_restrict, &k->kptr_errno,
				    &k->kptr_text);
	read_config(k, sysroot);
}

void kernel_info_free(struct kernel_info *k)
{
	free(k->release);
	free(k->pmu);
	free(k->pmu_name);
	free(k->config_source);
	free(k->paranoid_text);
	free(k->kptr_text);
	memset(k, 0, sizeof(*k));
}
