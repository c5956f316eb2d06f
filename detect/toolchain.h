/* The tools an AutoFDO kernel build needs: which are there, their versions,
 * the LLVM to use and how make is told about it, and the machine's disk, RAM
 * and CPUs. Read-only: it runs `TOOL --version` and nothing else. */
#ifndef KFDO_TOOLCHAIN_H
#define KFDO_TOOLCHAIN_H

#include <stdbool.h>

#include "detect/check.h"
#include "detect/resources.h"

enum tool_id {
	TOOL_CLANG, TOOL_LLD, TOOL_LLVM_AR, TOOL_LLVM_NM, TOOL_LLVM_OBJCOPY,
	TOOL_LLVM_PROFDATA, TOOL_LLVM_PROFGEN, TOOL_CREATE_LLVM_PROF,
	TOOL_PERF, TOOL_MAKE, TOOL_MAKEPKG, TOOL_PACMAN, TOOL_GIT,
	TOOL_BC, TOOL_FLEX, TOOL_BISON, TOOL_PAHOLE, TOOL_CPIO, TOOL_PERL,
	TOOL_OPENSSL, TOOL_LIBELF,
	TOOL_COUNT
};

struct tool {
	const char *id;          /* "clang", "ld.lld", ..., "openssl", "libelf" */
	const char *check_id;    /* "tool.clang", ... */
	char *name;              /* what was looked for: "clang-19", "openssl/opensslv.h" */
	char *path;              /* where it was found; NULL when missing */
	char *version;           /* "19.1.7"; NULL when unknown */
	int major;               /* 0 when unknown */
	bool required;           /* missing means the build cannot work */
	char *package;           /* owning Arch package (libalpm), NULL when unknown */
	enum check_status status;
	char *message;
	char *remedy;            /* NULL when ok */
};

enum distro { DISTRO_UNKNOWN, DISTRO_ARCH, DISTRO_DEBIAN, DISTRO_UBUNTU };

struct toolchain {
	char *llvm_suffix;       /* "" (unsuffixed, or a tools dir) or "-19" */
	char *llvm_dir;          /* the tools dir with a trailing '/', or NULL */
	char *make_llvm_arg;     /* "LLVM=1", "LLVM=-19" or "LLVM=/opt/llvm/bin/" */
	int llvm_major;          /* clang's major version; 0 without clang */
	bool profgen_kernel;     /* llvm-profgen handles --kernel (LLVM >= 19) */
	int perf_libpfm;         /* perf built with libpfm4: 1 yes, 0 no, -1 unknown */
	int clp_extbinary;       /* create_llvm_prof writes --format=extbinary: 1 yes, 0 no, -1 unknown */
	enum distro distro;
	struct tool tools[TOOL_COUNT];
	struct resources res;
};

struct toolchain_opts {
	const char *sysroot;     /* os-release, meminfo, headers, pacman db; NULL = "/" */
	const char *llvm_dir;    /* use this LLVM bin dir (make LLVM=<dir>/) instead of PATH */
	const char *work_dir;    /* where the tree and build live (free disk); NULL = "." */
	int timeout_ms;          /* per version query; 0 = RUN_TIMEOUT_MS */
	bool no_owners;          /* skip the libalpm owner lookup */
};

/* Finds every tool, asks its version, looks up owners and resources, and
 * rates each tool (status, message, remedy). Missing tools are not an error:
 * returns -1 only when opts are unusable (a llvm_dir that is not a directory). */
int toolchain_detect(const struct toolchain_opts *opts, struct toolchain *tc, char **cause);
void toolchain_free(struct toolchain *tc);
/* One check per tool ("tool.clang", "tool.llvm-profgen", ...) then "disk", "ram", "cpus". */
void toolchain_checks(const struct toolchain *tc, struct check_list *list);
/* One command installing every missing or too old required tool, e.g.
 * "sudo pacman -S --needed clang lld llvm"; NULL when nothing is missing. */
char *toolchain_install_command(const struct toolchain *tc);

/* The version in a tool's output ("Debian clang version 19.1.7 (3~deb12u1)"
 * -> "19.1.7", "v1.24" -> "1.24"); NULL when there is none. major may be NULL. */
char *toolchain_parse_version(const char *output, int *major);
/* -1, 0, 1 as version a is older, equal, newer than b ("0.30.1" vs "0.30"). */
int toolchain_version_cmp(const char *a, const char *b);
/* create_llvm_prof is there and can write a kernel profile (v0.30.1 or later,
 * or, when it does not say its version, its --help offers extbinary). */
bool toolchain_create_llvm_prof_ok(const struct toolchain *tc);
/* From <sysroot>/etc/os-release (ID, ID_LIKE). */
enum distro toolchain_distro(const char *sysroot);
const char *toolchain_distro_name(enum distro d);

#endif
