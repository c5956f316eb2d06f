/* perf.data, read by kfdo itself: is it a complete perf.data, were its
 * samples taken with branch stacks (perf record -b), and which build-id did
 * perf note for the kernel. The layout is the one of Linux 6.12's
 * tools/perf/Documentation/perf.data-file-format.txt: a header with the
 * PERFILE2 magic, the attrs (one perf_event_attr per event), the data
 * section, then one section per feature bit (HEADER_BUILD_ID, ...).
 *
 * Only native-endian, file-mode data is read; everything else gets a message
 * that says what the file is and what to do. */
#ifndef KFDO_PERFDATA_H
#define KFDO_PERFDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum perfdata_problem {
	PERFDATA_OK,
	PERFDATA_UNREADABLE,	 /* cannot open or read it */
	PERFDATA_EMPTY,		 /* 0 bytes */
	PERFDATA_NOT_PERF,	 /* no PERFILE2 magic */
	PERFDATA_OLD_FORMAT,	 /* version 1 (PERFFILE) */
	PERFDATA_FOREIGN_ENDIAN, /* written on a machine of the other byte order */
	PERFDATA_PIPE,		 /* pipe mode: perf record -o - > FILE */
	PERFDATA_UNFINISHED,	 /* perf was killed before it wrote the final header */
	PERFDATA_TRUNCATED,	 /* the header points past the end of the file */
	PERFDATA_NO_SAMPLES,	 /* complete, but no sample was recorded */
	PERFDATA_NO_BRANCH_STACK, /* complete, but recorded without -b */
};

struct perfdata_build_id {
	char *id;	/* lowercase hex */
	char *filename;	/* "[kernel.kallsyms]", "/usr/bin/make", ... */
};

struct perfdata_info {
	enum perfdata_problem problem;
	int err;		/* PERFDATA_UNREADABLE: errno of the open or read, 0 for a non-regular file */
	char *path;		/* the file read (PATH/data for a directory-format recording) */
	uint64_t file_size;
	uint64_t data_offset, data_size;
	size_t n_attrs;
	uint64_t sample_type;	/* the OR of every event's sample_type */
	bool branch_stack;	/* an event samples PERF_SAMPLE_BRANCH_STACK (recorded with -b) */
	struct perfdata_build_id *build_ids;
	size_t n_build_ids;
	const char *kernel_build_id; /* the one of [kernel.kallsyms] in build_ids, or NULL */
	char *os_release;	/* HEADER_OSRELEASE: uname -r where it was recorded */
	char *perf_version;	/* HEADER_VERSION */
	char *cmdline;		/* HEADER_CMDLINE, joined with spaces */
	/* perfdata_count(): records in the data section, and how many are samples. */
	bool counted;
	uint64_t records, samples;
	bool compressed;	/* perf record -z: samples inside compressed records are not counted */
};

/* Reads the header, the attrs and the features (not the data). Returns 0 when
 * the file is a complete perf.data (pd->branch_stack says whether it has what
 * AutoFDO needs), else -1 with pd->problem and a cause that names the file,
 * what is wrong and what to do. pd is filled as far as it could be read and
 * must be freed either way. */
int perfdata_read(const char *path, struct perfdata_info *pd, char **cause);
/* Walks the data section's records after perfdata_read() succeeded: counts
 * the samples, and finds a record cut short (a copy or disk that ran out).
 * Reads the whole data section. 0, or -1 with pd->problem and cause. */
int perfdata_count(struct perfdata_info *pd, char **cause);
/* perfdata_read + perfdata_count + the checks of a perf.data to convert:
 * samples present and taken with branch stacks. 0, or -1 with cause. */
int perfdata_check(const char *path, struct perfdata_info *pd, char **cause);
void perfdata_info_free(struct perfdata_info *pd);
/* "ok", "empty", "truncated", ... (stable names for JSON and tests). */
const char *perfdata_problem_name(enum perfdata_problem p);

#endif
