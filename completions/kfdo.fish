# fish completion for kfdo, installed as share/fish/vendor_completions.d/kfdo.fish.
# tests/cli/test_completion.sh runs it (complete -C) and checks that every
# option each command's --help prints is offered.

# __kfdo_using [WORD...]: the words of the command line after kfdo that are not
# options begin with WORD...; with no WORD, there is none yet (no command).
function __kfdo_using
    set -l words (commandline -opc)
    set -e words[1]
    set -l args
    for w in $words
        string match -q -- '-*' $w; or set -a args $w
    end
    if test (count $argv) -eq 0
        test (count $args) -eq 0
        return
    end
    test (count $args) -ge (count $argv); or return 1
    for i in (seq (count $argv))
        test "$args[$i]" = "$argv[$i]"; or return 1
    end
end

# --benchmarks: the benchmarks after the last comma of the list so far; all only on its own.
function __kfdo_benchmarks
    set -l cur (string replace -r -- '^--benchmarks=' '' (commandline -ct))
    set -l pre (string replace -r -- '[^,]*$' '' $cur)
    test -z "$pre"; and printf '%s\t%s\n' all 'every benchmark that can run here'
    set -l used (string split , -- $pre)
    set -l names messaging pipe syscall file-io kbuild workload
    set -l what 'processes passing messages through pipes' 'two tasks ping-ponging over a pipe' \
        'getppid() in a loop' 'writes and reads through the page cache' 'system time of make defconfig' \
        'the command you record with'
    for i in (seq (count $names))
        contains -- $names[$i] $used; or printf '%s%s\t%s\n' $pre $names[$i] $what[$i]
    end
end

# The LLVM= values: 1 (plain clang) and the suffix of each clang-NN on PATH.
function __kfdo_llvm
    echo 1
    for f in $PATH/clang-*
        string match -qr '/clang-[0-9]+$' -- $f; and string replace -r '.*/clang' '' -- $f
    end
end

complete -c kfdo -f

# Commands, and the options before them.
complete -c kfdo -n __kfdo_using -a detect -d 'can this machine record kernel branch profiles? (hardware check)'
complete -c kfdo -n __kfdo_using -a doctor -d 'hardware, toolchain, disk/RAM/CPUs and kernel tree checks'
complete -c kfdo -n __kfdo_using -a plan -d 'every command the wizard would run, in order (dry run)'
complete -c kfdo -n __kfdo_using -a run -d 'the flow without the TUI, with live progress'
complete -c kfdo -n __kfdo_using -a reboot -d 'reboot into the built kernel once and go on after the login'
complete -c kfdo -n __kfdo_using -a continue -d 'what the unit runs after the reboot, unattended'
complete -c kfdo -n __kfdo_using -a reset -d 'remove what kfdo installed on the system'
complete -c kfdo -n __kfdo_using -a status -d 'where the saved session stands'
complete -c kfdo -n __kfdo_using -a profile -d 'profiles and recordings: stats, perfdata, list'
complete -c kfdo -n __kfdo_using -a packages -d "what a kernel build's packages hold"
complete -c kfdo -n __kfdo_using -a tui -d 'the full-screen wizard'
complete -c kfdo -n __kfdo_using -a compare -d 'did it help: the benchmarks before and after'
complete -c kfdo -n __kfdo_using -s h -l help -d 'show the help'
complete -c kfdo -n __kfdo_using -s V -l version -d 'show the version'
complete -c kfdo -n __kfdo_using -l no-color -d 'no colours'
complete -c kfdo -n 'not __kfdo_using' -l help -d 'show the help of this command'

# The hardware check's inputs (detect, doctor, tui).
set -l hw '__kfdo_using detect; or __kfdo_using doctor; or __kfdo_using tui'
complete -c kfdo -n $hw -l cpuid-dump -r -F -d 'identify the CPU from a libcpuid raw dump'
complete -c kfdo -n $hw -l pmu -x -d 'encode the event for this libpfm4 PMU'
set -l sysroot '__kfdo_using detect; or __kfdo_using doctor; or __kfdo_using status'
complete -c kfdo -n $sysroot -l sysroot -x -a '(__fish_complete_directories)' -d 'read /proc and /sys below DIR'
complete -c kfdo -n '__kfdo_using detect; or __kfdo_using doctor; or __kfdo_using status' -l json -d 'one JSON object'

complete -c kfdo -n '__kfdo_using doctor' -l tree -x -a '(__fish_complete_directories)' -d 'the kernel tree to check'
complete -c kfdo -n '__kfdo_using doctor' -l llvm-dir -x -a '(__fish_complete_directories)' -d 'look for clang and the LLVM tools in DIR'

# kfdo run's own.
set -l steps hardware toolchain source configure build baseline install reboot profile convert final-build finish compare
complete -c kfdo -n '__kfdo_using run' -l yes -d 'run without asking'
complete -c kfdo -n '__kfdo_using run' -l until -x -a "$steps" -d 'stop after STEP'
complete -c kfdo -n '__kfdo_using run' -l from -x -a "$steps" -d 'start at STEP'

# kfdo reboot's own, and kfdo reset [--yes].
complete -c kfdo -n '__kfdo_using reboot' -l yes -d 'run without asking'
complete -c kfdo -n '__kfdo_using reboot' -l by-hand -d 'set up the continuation, reboot yourself'
complete -c kfdo -n '__kfdo_using reboot' -l no-continue -d 'only boot the entry once and reboot'
complete -c kfdo -n '__kfdo_using reset' -l yes -d 'remove without asking'

# The session options of plan, run, reboot, continue and tui.
set -l s '__kfdo_using plan; or __kfdo_using run; or __kfdo_using reboot; or __kfdo_using continue; or __kfdo_using tui'
complete -c kfdo -n $s -l tree -x -a '(__fish_complete_directories)' -d 'the kernel source tree'
complete -c kfdo -n $s -l pkgbuild -x -a '(__fish_complete_directories)' -d 'a linux-cachyos PKGBUILD folder, built with makepkg'
complete -c kfdo -n $s -l knob -x -d 'a knob of the PKGBUILD, _NAME=VALUE (NAME= removes it)'
complete -c kfdo -n $s -l makepkg-arg -x -d 'an option for makepkg'
complete -c kfdo -n $s -l output -x -a '(__fish_complete_directories)' -d 'build in DIR (make O=DIR)'
complete -c kfdo -n $s -l config-from -r -F -a 'running defconfig tinyconfig' -d 'base config: running, defconfig, tinyconfig or a file'
complete -c kfdo -n $s -l jobs -x -d 'make -jN'
complete -c kfdo -n $s -l no-autofdo -d 'build without CONFIG_AUTOFDO_CLANG'
complete -c kfdo -n $s -l autofdo -d 'build with CONFIG_AUTOFDO_CLANG'
complete -c kfdo -n $s -l no-thin-lto -d 'no ThinLTO'
complete -c kfdo -n $s -l thin-lto -d 'ThinLTO'
complete -c kfdo -n $s -l full-lto -d 'full LTO instead of ThinLTO'
complete -c kfdo -n $s -l no-full-lto -d 'no full LTO'
complete -c kfdo -n $s -l propeller -d 'also CONFIG_PROPELLER_CLANG'
complete -c kfdo -n $s -l no-propeller -d 'no CONFIG_PROPELLER_CLANG'
complete -c kfdo -n $s -l llvm -x -a '(__kfdo_llvm) (__fish_complete_directories)' -d 'make LLVM=VALUE'
complete -c kfdo -n $s -l arch -x -a 'x86_64 x86' -d 'make ARCH=ARCH'
complete -c kfdo -n $s -l target -x -a 'pacman-pkg bzImage vmlinux' -d 'make target'
complete -c kfdo -n $s -l enable -x -d 'an extra scripts/config -e SYMBOL'
complete -c kfdo -n $s -l disable -x -d 'an extra scripts/config -d SYMBOL'
complete -c kfdo -n $s -l make-var -x -d 'an extra make variable K=V (K= removes K)'
complete -c kfdo -n $s -l workload -x -a 'kbuild\t"rebuild a kernel tree" command\t"your own command" timed\t"everything for --minutes" bench\t"a benchmark tool"' -d 'what perf records while it runs'
complete -c kfdo -n $s -l command -x -a '(__fish_complete_command)' -d 'the command workload'
complete -c kfdo -n $s -l minutes -x -d 'length of a timed capture or a benchmark'
complete -c kfdo -n $s -l bench -x -a 'perf stress-ng sysbench hackbench' -d 'the benchmark workload'
complete -c kfdo -n $s -l workload-tree -x -a '(__fish_complete_directories)' -d 'the tree the kbuild workload rebuilds'
complete -c kfdo -n $s -l perf-data -r -F -d 'where to record, or a recording to convert'
complete -c kfdo -n $s -l disk-floor -x -d 'stop the recording below this much free disk (MB)'
complete -c kfdo -n $s -l vmlinux -r -F -d 'the unstripped vmlinux of the recorded kernel'
complete -c kfdo -n $s -l merge -r -F -a all -d 'merge the new profile with FILE, or all'
complete -c kfdo -n $s -l no-merge -d 'forget the profiles to merge'
complete -c kfdo -n $s -l profile -r -F -d 'build the final kernel with this profile'
complete -c kfdo -n $s -l root -x -a '(__fish_complete_directories)' -d 'install into DIR through libalpm'
complete -c kfdo -n $s -l dbpath -x -a '(__fish_complete_directories)' -d 'the package database of --root'
complete -c kfdo -n $s -l sysroot -x -a '(__fish_complete_directories)' -d 'read the running kernel below DIR (tests)'
complete -c kfdo -n $s -l no-compare -d 'measure nothing before and after'
complete -c kfdo -n $s -l compare -d 'measure before and after again'
complete -c kfdo -n $s -l bench-rounds -x -d 'measured rounds of each benchmark (5 to 50)'
complete -c kfdo -n $s -l benchmarks -x -a '(__kfdo_benchmarks)' -d 'only these benchmarks, comma-separated, or all'

# kfdo compare [--json | --csv]
complete -c kfdo -n '__kfdo_using compare' -l json -d 'the comparison and every sample, as JSON'
complete -c kfdo -n '__kfdo_using compare' -l csv -d 'every sample, one CSV line each'

# kfdo profile stats FILE | perfdata FILE | list | export --pkgbuild DIR [...] [FILE]
complete -c kfdo -n '__kfdo_using profile; and not __kfdo_using profile stats; and not __kfdo_using profile perfdata; and not __kfdo_using profile list; and not __kfdo_using profile export' \
    -a 'stats\t"a profile\'s functions and samples" perfdata\t"whether a perf.data is usable" list\t"the profiles kfdo keeps" export\t"a profile beside a linux-cachyos PKGBUILD"'
complete -c kfdo -n '__kfdo_using profile stats; or __kfdo_using profile perfdata; or __kfdo_using profile export' -F
complete -c kfdo -n '__kfdo_using profile export' -l pkgbuild -x -a '(__fish_complete_directories)' -d 'the folder of the linux-cachyos PKGBUILD'
complete -c kfdo -n '__kfdo_using profile export' -l propeller-prefix -r -F -d 'also PREFIX_cc_profile.txt and PREFIX_ld_profile.txt'
complete -c kfdo -n '__kfdo_using profile export' -l force -d 'replace a different file of the same name, keeping it'

# kfdo packages [DIR | PKG...], kfdo packages install --root DIR [--dbpath DIR] PKG...
complete -c kfdo -n '__kfdo_using packages; and not __kfdo_using packages install' -F -a install -d 'install into another root (libalpm)'
complete -c kfdo -n '__kfdo_using packages install' -F
complete -c kfdo -n '__kfdo_using packages install' -l root -x -a '(__fish_complete_directories)' -d 'the root to install into'
complete -c kfdo -n '__kfdo_using packages install' -l dbpath -x -a '(__fish_complete_directories)' -d 'its package database'
