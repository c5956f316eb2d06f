/* The command table: every command kfdo takes, with its options (and the
 * groups of options it shares), its arguments, its --help and what it runs.
 * cli/args.c reads argv against it; each run function is in the command's
 * own file. The help texts are written by hand, to read well: the unit test
 * (tests/unit/test_args.c) checks that each names every option of its table. */
#include <stdio.h>

#include "base/i18n.h"
#include "engine/steps.h"
#include "cli/cli.h"

/* --until and --from: a step's name, refused as soon as it is read. */
static int step_check(const char *topic, const char *value)
{
	if (step_by_name(value))
		return 0;
	return cli_usage_error(topic, _("unknown step '%s'"), value);
}

static const struct cli_opt hw_opts[] = {
	{ "sysroot", 0, CLI_VALUE, OPT_HW_SYSROOT, NULL },
	{ "cpuid-dump", 0, CLI_VALUE, OPT_CPUID_DUMP, NULL },
	{ "pmu", 0, CLI_VALUE, OPT_PMU, NULL },
	{ NULL, 0, 0, 0, NULL },
};
/* Each command says in its own words what they are for. */
static const struct cli_group hw_group = { hw_opts, NULL };

static const struct cli_opt session_opts[] = {
	{ "tree", 0, CLI_VALUE, OPT_TREE, NULL },
	{ "output", 0, CLI_VALUE, OPT_OUTPUT, NULL },
	{ "config-from", 0, CLI_VALUE, OPT_CONFIG_FROM, NULL },
	{ "jobs", 0, CLI_VALUE, OPT_JOBS, NULL },
	{ "no-autofdo", 0, 0, OPT_NO_AUTOFDO, NULL },
	{ "autofdo", 0, 0, OPT_AUTOFDO, NULL },
	{ "no-thin-lto", 0, 0, OPT_NO_THIN_LTO, NULL },
	{ "thin-lto", 0, 0, OPT_THIN_LTO, NULL },
	{ "full-lto", 0, 0, OPT_FULL_LTO, NULL },
	{ "no-full-lto", 0, 0, OPT_NO_FULL_LTO, NULL },
	{ "propeller", 0, 0, OPT_PROPELLER, NULL },
	{ "no-propeller", 0, 0, OPT_NO_PROPELLER, NULL },
	{ "llvm", 0, CLI_VALUE, OPT_LLVM, NULL },
	{ "arch", 0, CLI_VALUE, OPT_ARCH, NULL },
	{ "target", 0, CLI_VALUE, OPT_TARGET, NULL },
	{ "enable", 0, CLI_VALUE, OPT_ENABLE, NULL },
	{ "disable", 0, CLI_VALUE, OPT_DISABLE, NULL },
	{ "make-var", 0, CLI_VALUE, OPT_MAKE_VAR, NULL },
	{ "workload", 0, CLI_VALUE, OPT_WORKLOAD, NULL },
	{ "command", 0, CLI_VALUE, OPT_COMMAND, NULL },
	{ "minutes", 0, CLI_VALUE, OPT_MINUTES, NULL },
	{ "bench", 0, CLI_VALUE, OPT_BENCH, NULL },
	{ "workload-tree", 0, CLI_VALUE, OPT_WORKLOAD_TREE, NULL },
	{ "perf-data", 0, CLI_VALUE, OPT_PERF_DATA, NULL },
	{ "vmlinux", 0, CLI_VALUE, OPT_VMLINUX, NULL },
	{ "profile", 0, CLI_VALUE, OPT_PROFILE, NULL },
	{ "merge", 0, CLI_VALUE, OPT_MERGE, NULL },
	{ "no-merge", 0, 0, OPT_NO_MERGE, NULL },
	{ "disk-floor", 0, CLI_VALUE, OPT_DISK_FLOOR, NULL },
	{ "root", 0, CLI_VALUE, OPT_ROOT, NULL },
	{ "dbpath", 0, CLI_VALUE, OPT_DBPATH, NULL },
	{ "sysroot", 0, CLI_VALUE, OPT_SYSROOT, NULL },
	{ "no-compare", 0, 0, OPT_NO_COMPARE, NULL },
	{ "compare", 0, 0, OPT_COMPARE, NULL },
	{ "bench-rounds", 0, CLI_VALUE, OPT_BENCH_ROUNDS, NULL },
	{ "benchmarks", 0, CLI_VALUE, OPT_BENCHMARKS, NULL },
	{ "pkgbuild", 0, CLI_VALUE, OPT_SOURCE_PKGBUILD, NULL },
	{ "knob", 0, CLI_VALUE, OPT_KNOB, NULL },
	{ "makepkg-arg", 0, CLI_VALUE, OPT_MAKEPKG_ARG, NULL },
	{ NULL, 0, 0, 0, NULL },
};
static const struct cli_group session_group = {
	session_opts,
	N_("  --tree DIR           the kernel source tree\n"
	   "  --pkgbuild DIR       or a linux-cachyos PKGBUILD (its variant's folder), built with makepkg\n"
	   "  --knob NAME=VALUE    with --pkgbuild: a knob of its own, such as _cpusched=bore, in makepkg's\n"
	   "                       environment (repeatable; kept in the session; NAME= removes it)\n"
	   "  --makepkg-arg ARG    with --pkgbuild: an option for makepkg (repeatable; the ones given\n"
	   "                       replace the saved ones)\n"
	   "  --output DIR         build in DIR (make O=DIR)\n"
	   "  --config-from SRC    base config: running (default), defconfig, tinyconfig, or a file\n"
	   "  --jobs N             make -jN (default: what the CPUs and RAM carry)\n"
	   "  --no-autofdo         build without CONFIG_AUTOFDO_CLANG (trees older than 6.13); --autofdo again\n"
	   "  --no-thin-lto        no ThinLTO (--thin-lto again);  --full-lto  full LTO instead (--no-full-lto)\n"
	   "  --propeller          also CONFIG_PROPELLER_CLANG (--no-propeller)\n"
	   "  --llvm VALUE         make LLVM=VALUE: 1, -19, or a directory ending in / (default: found)\n"
	   "  --arch ARCH          make ARCH=ARCH\n"
	   "  --target TARGET      make target (default pacman-pkg)\n"
	   "  --enable SYM, --disable SYM   extra scripts/config toggles (repeatable; kept in the session)\n"
	   "  --make-var K=V       an extra make variable (repeatable; K= removes K from the session)\n"
	   "Profile (what perf records while it runs):\n"
	   "  --workload KIND      kbuild (rebuild a kernel tree, the how-to's choice), command (your own,\n"
	   "                       run through sh -c), timed (everything the system does for --minutes),\n"
	   "                       bench (a benchmark tool)\n"
	   "  --command 'CMD'      the command workload (implies --workload command)\n"
	   "  --minutes N          length of a timed capture or a benchmark (repeated until then)\n"
	   "  --bench NAME         perf (perf bench, always there), stress-ng, sysbench or hackbench\n"
	   "  --workload-tree DIR  the tree the kbuild workload rebuilds (default: the session's, built in\n"
	   "                       kfdo's scratch directory, never in place)\n"
	   "  --perf-data FILE     where to record (a new file), or an existing recording to convert\n"
	   "  --disk-floor MB      stop the recording cleanly below this much free disk (default 2048)\n"
	   "Convert and final build:\n"
	   "  --vmlinux FILE       the unstripped vmlinux of the recorded kernel (when the packages do not\n"
	   "                       give it)\n"
	   "  --merge FILE|all     merge the new profile with FILE (repeatable), or with every earlier\n"
	   "                       profile of the same kernel build; --no-merge forgets them\n"
	   "  --profile FILE       build the final kernel with this existing profile\n"
	   "Install:\n"
	   "  --root DIR           install into DIR through libalpm instead of sudo pacman -U on the\n"
	   "                       running system (tests, images; no hooks run); --root / goes back\n"
	   "  --dbpath DIR         with --root: its package database (default DIR/var/lib/pacman)\n"
	   "  --sysroot DIR        read the running kernel's /proc and /sys below DIR (tests; not saved)\n"
	   "Before and after (the baseline and compare steps):\n"
	   "  --no-compare         measure nothing before and after (--compare again)\n"
	   "  --bench-rounds N     measured rounds of each benchmark, 5 to 50 (default 10; a warm-up more)\n"
	   "  --benchmarks LIST    only these, comma-separated: messaging, pipe, syscall, file-io, kbuild,\n"
	   "                       workload; all (the default) for every one that can run here\n"),
};

static const struct cli_opt json_opts[] = {
	{ "json", 0, 0, OPT_JSON, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_opt compare_opts[] = {
	{ "json", 0, 0, OPT_JSON, NULL },
	{ "csv", 0, 0, OPT_CSV, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_opt doctor_opts[] = {
	{ "json", 0, 0, OPT_JSON, NULL },
	{ "tree", 0, CLI_VALUE, OPT_TREE, NULL },
	{ "llvm-dir", 0, CLI_VALUE, OPT_LLVM_DIR, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_opt run_opts[] = {
	{ "yes", 'y', 0, OPT_YES, NULL },
	{ "until", 0, CLI_VALUE, OPT_UNTIL, step_check },
	{ "from", 0, CLI_VALUE, OPT_FROM, step_check },
	{ NULL, 0, 0, 0, NULL },
};

/* status's --sysroot is the running kernel's, as the session group's: not the hardware group's. */
static const struct cli_opt status_opts[] = {
	{ "json", 0, 0, OPT_JSON, NULL },
	{ "sysroot", 0, CLI_VALUE, OPT_SYSROOT, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_opt reboot_opts[] = {
	{ "yes", 'y', 0, OPT_YES, NULL },
	{ "by-hand", 0, 0, OPT_BY_HAND, NULL },
	{ "no-continue", 0, 0, OPT_NO_CONTINUE, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_opt yes_opts[] = {
	{ "yes", 'y', 0, OPT_YES, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_opt install_opts[] = {
	{ "root", 0, CLI_VALUE, OPT_ROOT, NULL },
	{ "dbpath", 0, CLI_VALUE, OPT_DBPATH, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_opt export_opts[] = {
	{ "pkgbuild", 0, CLI_VALUE, OPT_PKGBUILD, NULL },
	{ "propeller-prefix", 0, CLI_VALUE, OPT_PROPELLER_PREFIX, NULL },
	{ "force", 0, 0, OPT_FORCE, NULL },
	{ NULL, 0, 0, 0, NULL },
};

static const struct cli_command profile_subs[] = {
	{ .name = "stats", .args = "FILE", .min_args = 1, .max_args = 1, .arity_error = N_("%s wants one FILE"),
	  .flags = CLI_NO_OPTIONS, .run = cli_profile_stats },
	{ .name = "perfdata", .args = "FILE", .min_args = 1, .max_args = 1, .arity_error = N_("%s wants one FILE"),
	  .flags = CLI_NO_OPTIONS, .run = cli_profile_perfdata },
	{ .name = "list", .run = cli_profile_list },
	{ .name = "export",
	  .help = N_("Usage: kfdo profile export --pkgbuild DIR [--propeller-prefix PREFIX] [--force] [FILE]\n"
		     "Hands a profile to a linux-cachyos PKGBUILD: copies the AutoFDO profile (FILE, or the\n"
		     "session's) beside DIR/PKGBUILD under its own name, and prints the makepkg line that builds\n"
		     "the kernel with it through the PKGBUILD's knobs (_autofdo, _autofdo_profile_name), on this\n"
		     "machine or on another one with the folder. The PKGBUILD is read, never run or edited.\n\n"
		     "  --pkgbuild DIR           the folder of the PKGBUILD (a variant of a linux-cachyos\n"
		     "                           checkout: linux-cachyos, linux-cachyos-bore...)\n"
		     "  --propeller-prefix PREFIX  also PREFIX_cc_profile.txt and PREFIX_ld_profile.txt (made by\n"
		     "                           create_llvm_prof --format=propeller), as propeller_cc_profile.txt\n"
		     "                           and propeller_ld_profile.txt (_propeller, _propeller_profiles)\n"
		     "  --force                  replace a different file of the same name; the old one is kept\n"
		     "                           as NAME.before-kfdo\n\n"
		     "Exit status: 0 copied (or already there), 1 refused (the message says why), 2 bad usage.\n"),
	  .opts = export_opts, .args = "FILE", .max_args = 1, .arity_error = N_("%s wants at most one FILE"),
	  .run = cli_profile_export },
	{ .name = NULL },
};

static const struct cli_command packages_subs[] = {
	{ .name = "install",
	  .help = N_("Usage: kfdo packages install --root DIR [--dbpath DIR] PKG...\n"
		     "Install a kernel build's packages into another root through libalpm (no hooks run).\n"
		     "The running system's packages go through sudo pacman -U instead.\n"),
	  .opts = install_opts, .args = "PKG...", .max_args = -1, .run = cli_packages_install },
	{ .name = NULL },
};

static const struct cli_command commands[] = {
	{ .name = "detect",
	  .summary = N_("can this machine record kernel branch profiles? (hardware check)"),
	  .help = N_("Usage: kfdo detect [--json] [--sysroot DIR] [--cpuid-dump FILE] [--pmu NAME]\n"
		     "Can this machine record kernel branch profiles for AutoFDO, and if not, why and what to do.\n\n"
		     "  --json             one JSON object (fields documented in the README)\n"
		     "  --sysroot DIR      read /proc and /sys below DIR instead of / (for tests and bug reports)\n"
		     "  --cpuid-dump FILE  identify the CPU from a libcpuid raw dump (cpuid_tool --save=FILE)\n"
		     "  --pmu NAME         encode the event for this libpfm4 PMU (LIBPFM_FORCE_PMU), e.g. "
		     "amd64_fam19h_zen4\n\n"
		     "Exit status: 0 ready, 1 fixable or unsupported, 2 bad usage or unreadable input.\n"),
	  .opts = json_opts, .groups = { &hw_group }, .run = cli_detect },
	{ .name = "doctor",
	  .summary = N_("hardware, toolchain, disk/RAM/CPUs and kernel tree checks"),
	  .help = N_("Usage: kfdo doctor [--json] [--tree DIR] [--llvm-dir DIR] [--sysroot DIR] [--cpuid-dump FILE] "
		     "[--pmu NAME]\n"
		     "Everything kfdo can check before a build: the hardware (as kfdo detect), the toolchain,\n"
		     "free disk, RAM and CPUs, and the kernel tree (--tree, or the saved session's).\n\n"
		     "Exit status: 0 nothing failed, 1 something failed, 2 bad usage.\n"),
	  .opts = doctor_opts, .groups = { &hw_group }, .run = cli_doctor },
	{ .name = "plan",
	  .summary = N_("every command the wizard would run, in order (dry run)"),
	  .help = N_("Usage: kfdo plan [OPTIONS]\n"
		     "Print every command the wizard would run, in order, without running anything.\n"
		     "Paths that later steps will find (packages, vmlinux) are shown as their likely place.\n\n"),
	  .groups = { &session_group }, .run = cli_plan },
	{ .name = "run",
	  .summary = N_("the flow without the TUI: configure, build, ... with live progress"),
	  .help = N_("Usage: kfdo run [--yes] [--until STEP] [--from STEP] [OPTIONS]\n"
		     "Walk the flow without the TUI. Steps already done are skipped (--from STEP runs it again).\n"
		     "Steps: hardware toolchain source configure build baseline install reboot profile convert "
		     "final-build finish compare\n\n"
		     "  --yes          run without asking (needed when stdin is not a terminal)\n"
		     "  --until STEP   stop after STEP;  --from STEP  start at STEP\n"),
	  .help_tail = N_("\nCtrl-C cancels a build. During a recording the first Ctrl-C ends it cleanly (perf writes\n"
			  "perf.data, and the run goes on to convert it); a second one cancels.\n"
			  "Exit status: 0 done, 1 a step failed or cannot run yet, 2 bad usage, 3 waiting for a "
			  "reboot\n"
			  "into the built kernel (run kfdo again after it), 130 cancelled.\n"),
	  .opts = run_opts, .groups = { &session_group }, .run = cli_run },
	{ .name = "reboot",
	  .summary = N_("reboot into the built kernel once and go on by itself after the login"),
	  .help = N_("Usage: kfdo reboot [--yes] [--by-hand | --no-continue] [OPTIONS]\n"
		     "After the install: find the boot entry of the kernel kfdo installed (systemd-boot, Limine,\n"
		     "GRUB, rEFInd, an EFI stub), show every file and command, then set up the continuation (a\n"
		     "systemd user unit and an autostart entry that run kfdo continue after the login, and a\n"
		     "sysctl drop-in when perf may not record the kernel yet), boot that entry once and reboot.\n"
		     "Nothing it installs outlives the flow: kfdo status lists it, the end of the flow and kfdo\n"
		     "reset remove it.\n\n"
		     "  --yes          run without asking (needed when stdin is not a terminal)\n"
		     "  --by-hand      set up the continuation, reboot yourself (choose the entry in the menu)\n"
		     "  --no-continue  only boot the entry once and reboot; run kfdo again yourself\n\n"
		     "Exit status: 0 done (or the kernel already runs), 1 refused or failed (the message says\n"
		     "why; nothing is left half set up), 2 bad usage.\n"),
	  .opts = reboot_opts, .groups = { &session_group }, .run = cli_reboot },
	{ .name = "continue",
	  .summary = N_("what the unit runs after the reboot: record, convert, build, unattended"),
	  .help = N_("Usage: kfdo continue [OPTIONS]\n"
		     "Run by the systemd user unit kfdo reboot installs, after the reboot: checks that the kernel\n"
		     "kfdo built is running (else it does nothing and removes the unit), then walks the flow with\n"
		     "nobody at the machine and stops before the first step that needs root, with a desktop\n"
		     "notification. The unit and the autostart entry are then removed, whatever happened: it\n"
		     "runs once. Started in the boot it was set up in (a login before the reboot), it waits.\n"
		     "The next kfdo run, the wizard and kfdo status show what it did.\n\n"
		     "Exit status: 0 done or stopped where it needs you, 1 the wrong kernel or a step failed, 2 bad\n"
		     "usage.\n"),
	  .groups = { &session_group }, .run = cli_continue },
	{ .name = "reset",
	  .summary = N_("abandon the session: remove what kfdo installed on the system"),
	  .help = N_("Usage: kfdo reset [--yes]\n"
		     "Removes everything kfdo installed on the system for this session (its unit, autostart entry\n"
		     "and drop-ins, restoring what was there before), shown first, then forgets the session\n"
		     "(kept as session.json.reset). Profiles, recordings, builds and installed kernels stay.\n\n"
		     "Exit status: 0 done, 1 something could not be removed (kfdo status lists it), 2 bad usage.\n"),
	  .opts = yes_opts, .run = cli_reset },
	{ .name = "status",
	  .summary = N_("where the saved session stands"),
	  .help = N_("Usage: kfdo status [--json] [--sysroot DIR]\n"
		     "Where the saved session stands: the tree, the toggles, each step, the artifacts and the logs.\n\n"
		     "  --json         one JSON object for scripts and bug reports (fields documented in the README)\n"
		     "  --sysroot DIR  read the running kernel's /proc and /sys below DIR (tests)\n\n"
		     "Exit status: 0 shown (also when there is no session), 1 the session cannot be read, 2 bad "
		     "usage.\n"),
	  .opts = status_opts, .run = cli_status },
	{ .name = "profile",
	  .summary = N_("profiles and recordings: stats FILE, perfdata FILE, list, export"),
	  .help = N_("Usage: kfdo profile stats FILE | perfdata FILE | list\n"
		     "       kfdo profile export --pkgbuild DIR [--propeller-prefix PREFIX] [--force] [FILE]\n"
		     "  stats FILE     functions, samples and the hottest functions of an AutoFDO profile\n"
		     "                 (llvm-profdata show), and whether it looks too small or empty\n"
		     "  perfdata FILE  whether a perf.data is complete and usable for AutoFDO: samples, branch\n"
		     "                 stacks (perf record -b), the kernel's build-id, how it was recorded\n"
		     "  list           the profiles in $XDG_DATA_HOME/kfdo/profiles, with where each came from\n"
		     "  export         a profile (FILE, or the session's) beside a linux-cachyos PKGBUILD, and\n"
		     "                 the makepkg line that builds the kernel with it\n\n"
		     "Exit status: 0 fine, 1 unusable or refused (empty profile, perf.data without branch\n"
		     "stacks, a PKGBUILD without the AutoFDO knobs...), 2 bad usage or a file that cannot be\n"
		     "read, 130 cancelled (Ctrl-C, SIGTERM, SIGHUP).\n"),
	  .subs = profile_subs, .unknown_sub = N_("unknown subcommand '%s'"),
	  .missing_sub = N_("say what: stats FILE, perfdata FILE, list or export") },
	{ .name = "packages",
	  .summary = N_("what a kernel build's packages hold; root-mode install (libalpm)"),
	  .help = N_("Usage: kfdo packages [DIR | PKG...]\n"
		     "       kfdo packages install --root DIR [--dbpath DIR] PKG...\n"
		     "What a kernel build's packages hold, read with libalpm: each package, the one left out "
		     "and why,\nthe kernel release, and the vmlinux AutoFDO will use (read out of its package "
		     "and checked).\nA directory gives its newest build; no argument, the session's last "
		     "build.\n\nExit status: 0 usable, 1 refused (the message says why), 2 bad usage, 130 "
		     "interrupted.\n"),
	  .args = "DIR | PKG...", .max_args = -1, .subs = packages_subs, .run = cli_packages },
	{ .name = "tui",
	  .summary = N_("the full-screen wizard (what kfdo alone opens; needs a terminal)"),
	  .help = N_("Usage: kfdo [--no-color] [tui [OPTIONS]]\n"
		     "The full-screen wizard: every step from the hardware check to the optimized kernel, resumable.\n"
		     "It needs a terminal; kfdo run walks the same flow as plain lines.\n\n"
		     "Keys: F1 or ? help, F2/Esc and F3 move between steps, F10 or q quits.\n\n"
		     "  --sysroot DIR, --cpuid-dump FILE, --pmu NAME   the hardware check's inputs, as for kfdo "
		     "detect;\n"
		     "                 --sysroot is also where the running kernel is read (tests; not saved)\n\n"
		     "Options that change the saved session before the wizard opens:\n"),
	  .groups = { &hw_group, &session_group }, .run = cli_tui },
	{ .name = "compare",
	  .summary = N_("did it help: the benchmarks before and after, with 95% intervals"),
	  .help = N_("Usage: kfdo compare [--json | --csv]\n"
		     "The benchmarks the baseline step ran on the kernel before the flow and the compare step on the\n"
		     "optimized one: per benchmark the medians and the change with its 95% interval (Mann-Whitney\n"
		     "with the Hodges-Lehmann estimate), and a verdict in words.\n\n"
		     "  --json  the comparison and every sample, for scripts (fields documented in the README)\n"
		     "  --csv   every sample, one per line: phase,benchmark,metric,sample,seconds\n\n"
		     "Exit status: 0 shown, 1 nothing measured yet (or only the baseline, for the table), 2 bad "
		     "usage.\n"),
	  .opts = compare_opts, .run = cli_compare },
	/* Internal: one benchmark run of the baseline and compare steps, shown as it is by kfdo plan. */
	{ .name = "__measure", .args = "FILE NAME ROUND -- COMMAND [ARG...]", .max_args = -1,
	  .flags = CLI_HIDDEN | CLI_NO_OPTIONS, .run = cli_measure },
	/* Internal: perf record's workload for a benchmark, shown as it is by kfdo plan. */
	{ .name = "__repeat", .args = "SECONDS -- COMMAND [ARG...]", .max_args = -1,
	  .flags = CLI_HIDDEN | CLI_NO_OPTIONS, .run = cli_repeat },
	{ .name = NULL },
};

static const struct cli_opt root_opts[] = {
	{ "version", 'V', CLI_FINAL, OPT_VERSION, NULL },
	{ "no-color", 0, 0, OPT_NO_COLOR, NULL },
	{ NULL, 0, 0, 0, NULL },
};

/* kfdo without a command: its version, or the wizard. */
static int root_run(const struct cli_args *a)
{
	if (cli_args_flag(a, OPT_VERSION)) {
		printf("kfdo %s\n", KFDO_VERSION);
		return 0;
	}
	return cli_tui(a);
}

const struct cli_command cli_root = {
	.name = "kfdo",
	.help = N_("Usage: kfdo [--no-color] [COMMAND [OPTIONS]]\n"
		   "Optimize a Linux kernel with AutoFDO: build, profile, rebuild.\n\n"
		   "Commands:\n"),
	.help_tail = N_("\nOptions:\n"
			"  -h, --help      show this help (kfdo COMMAND --help for a command's)\n"
			"  -V, --version   show the version\n"
			"      --no-color  no colours (also when NO_COLOR is set)\n\n"
			"Without a command kfdo opens the full-screen wizard (kfdo tui), which needs a terminal.\n"),
	.opts = root_opts,
	.subs = commands,
	.unknown_sub = N_("unknown command '%s'"),
	.run = root_run,
};
