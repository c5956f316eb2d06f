# bash completion for kfdo                                 -*- shell-script -*-
# Installed as share/bash-completion/completions/kfdo. Self-contained (no
# bash-completion helpers needed). tests/cli/test_completion.sh runs it and
# checks that every option each command's --help prints is offered.

_kfdo_commands="detect doctor plan run reboot continue reset status profile packages tui compare"
# engine/steps.c's table, in the flow's order (the test compares it with kfdo run --help).
_kfdo_steps="hardware toolchain source configure build baseline install reboot profile convert final-build finish
 compare"
_kfdo_session_options="--tree --pkgbuild --knob --makepkg-arg --output --config-from --jobs --no-autofdo --autofdo --no-thin-lto
 --thin-lto --full-lto --no-full-lto --propeller --no-propeller --llvm --arch --target --enable
 --disable --make-var --workload --command --minutes --bench --workload-tree --perf-data --vmlinux
 --profile --merge --no-merge --disk-floor --root --dbpath --sysroot --no-compare --compare --bench-rounds
 --benchmarks"
# The benchmarks of the baseline and compare steps (engine/bench.c), for --benchmarks.
_kfdo_benchmarks="messaging pipe syscall file-io kbuild workload"

# _kfdo_options COMMAND [SUBCOMMAND]: the long options it takes.
_kfdo_options()
{
    case $1 in
    detect) echo "--json --sysroot --cpuid-dump --pmu --help" ;;
    doctor) echo "--json --tree --llvm-dir --sysroot --cpuid-dump --pmu --help" ;;
    plan) echo "$_kfdo_session_options --help" ;;
    run) echo "--yes --until --from $_kfdo_session_options --help" ;;
    reboot) echo "--yes --by-hand --no-continue $_kfdo_session_options --help" ;;
    continue) echo "$_kfdo_session_options --help" ;;
    reset) echo "--yes --help" ;;
    status) echo "--json --sysroot --help" ;;
    profile) [[ $2 == export ]] && echo "--pkgbuild --propeller-prefix --force --help" || echo "--help" ;;
    packages) [[ $2 == install ]] && echo "--root --dbpath --help" || echo "--help" ;;
    tui) echo "--cpuid-dump --pmu $_kfdo_session_options --help" ;;
    compare) echo "--json --csv --help" ;;
    *) echo "--help --version --no-color" ;;
    esac
}

# COMPREPLY from a word list, from directories or from files, for $cur.
_kfdo_words() { mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur"); }
_kfdo_dirs() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); }
_kfdo_files() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); }

# _kfdo_value OPTION: completes the value OPTION takes; 1 when it takes none.
_kfdo_value()
{
    case $1 in
    --tree | --output | --workload-tree | --root | --dbpath | --sysroot | --pkgbuild | --llvm-dir) _kfdo_dirs ;;
    --cpuid-dump | --perf-data | --vmlinux | --profile | --propeller-prefix) _kfdo_files ;;
    --until | --from) _kfdo_words "$_kfdo_steps" ;;
    --config-from)
        _kfdo_files
        local w
        for w in running defconfig tinyconfig; do [[ $w == "$cur"* ]] && COMPREPLY+=("$w"); done
        ;;
    --workload) _kfdo_words "kbuild command timed bench" ;;
    --bench) _kfdo_words "perf stress-ng sysbench hackbench" ;;
    --merge)
        _kfdo_files
        [[ all == "$cur"* ]] && COMPREPLY+=(all)
        ;;
    --llvm)
        # 1 (plain clang), the suffix of each clang-NN on PATH, or a directory ending in /.
        local suffixes
        suffixes=$(compgen -c clang- | sed -n 's/^clang\(-[0-9][0-9]*\)$/\1/p' | sort -u)
        _kfdo_words "1 $suffixes"
        ;;
    --target) _kfdo_words "pacman-pkg bzImage vmlinux" ;;
    --arch) _kfdo_words "x86_64 x86" ;;
    --command) mapfile -t COMPREPLY < <(compgen -c -- "$cur") ;;
    --benchmarks)
        # A comma-separated list: the names after the last comma; all only on its own.
        local pre="" w
        [[ $cur == *,* ]] && pre=${cur%,*},
        [[ -z $pre && all == "$cur"* ]] && COMPREPLY+=(all)
        for w in $_kfdo_benchmarks; do
            [[ ,$pre != *",$w,"* && $pre$w == "$cur"* ]] && COMPREPLY+=("$pre$w")
        done
        ;;
    --jobs | --minutes | --disk-floor | --enable | --disable | --make-var | --pmu | --bench-rounds | --knob | \
        --makepkg-arg) COMPREPLY=() ;;
    *) return 1 ;;
    esac
    return 0
}

_kfdo()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    # --opt=VALUE: bash splits the word at '=' (COMP_WORDBREAKS).
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    # The command is the first word that is not an option (the global options
    # before it take no value); profile and packages have a subcommand after it.
    local i cmd="" sub="" nargs=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -* | =) ;;
        *)
            if [[ -z $cmd ]]; then cmd=${COMP_WORDS[i]}
            else
                # A word right after an option that takes a value is that value.
                [[ ${COMP_WORDS[i - 1]} == --* ]] && _kfdo_value_taken "${COMP_WORDS[i - 1]}" && continue
                [[ -z $sub ]] && sub=${COMP_WORDS[i]}
                nargs=$((nargs + 1))
            fi
            ;;
        esac
    done
    if [[ $prev == --* ]] && _kfdo_value_taken "$prev"; then
        _kfdo_value "$prev"
        return 0
    fi
    if [[ $cur == -* ]]; then
        _kfdo_words "$(_kfdo_options "$cmd" "$sub")"
        return 0
    fi
    case $cmd in
    "") _kfdo_words "$_kfdo_commands" ;;
    profile)
        case $sub in
        "") _kfdo_words "stats perfdata list export" ;;
        stats | perfdata | export) [[ $nargs -eq 1 ]] && _kfdo_files ;;
        esac
        ;;
    packages)
        _kfdo_files
        [[ -z $sub && install == "$cur"* ]] && COMPREPLY+=(install)
        ;;
    esac
    return 0
}

# _kfdo_value_taken OPTION: whether OPTION takes a value (the next word).
_kfdo_value_taken()
{
    case $1 in
    --tree | --output | --workload-tree | --root | --dbpath | --sysroot | --llvm-dir | --cpuid-dump | \
        --perf-data | --vmlinux | --profile | --until | --from | --config-from | --workload | --bench | \
        --merge | --llvm | --target | --arch | --command | --jobs | --minutes | --disk-floor | --enable | \
        --disable | --make-var | --pmu | --bench-rounds | --benchmarks | --pkgbuild | --propeller-prefix | \
        --knob | --makepkg-arg) return 0 ;;
    esac
    return 1
}

complete -F _kfdo kfdo
